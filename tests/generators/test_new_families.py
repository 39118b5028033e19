"""New families of issue 13, each with hand-computed cases from public worked examples (the
source named; the numbers recomputed here, never with the family's own code)."""
import pytest

from quizcli.generators import ParamError, solve
from quizcli.grading import grade_numeric


def grade(p, text):
    return grade_numeric(text, p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)


# ----------------------------------------------------------------------------- pool_values

CS231N = "1 1 2 4;5 6 7 8;3 2 1 0;1 2 3 4"  # cs231n "Convolutional Neural Networks" notes, max-pooling figure


def test_pool_values_cs231n_max_pooling():
    p = solve("pool_values", [f"x={CS231N}", "k=2"])  # stride defaults to the window
    assert p.answer == ((6, 8), (3, 4))
    assert p.engine_answer == p.answer


def test_pool_values_average_and_misconceptions():
    p = solve("pool_values", [f"x={CS231N}", "k=2", "kind=avg"])
    by_hand = (((1 + 1 + 5 + 6) / 4, (2 + 4 + 7 + 8) / 4), ((3 + 2 + 1 + 2) / 4, (1 + 0 + 3 + 4) / 4))
    assert p.answer == by_hand
    assert grade(p, "6 8; 3 4").misconception == "used_max"
    assert grade(p, "3.25 2; 5.25 2").misconception == "transposed"


def test_pool_values_padding_conventions():
    # max pooling pads with −∞: an all-negative corner window keeps its largest negative value
    p = solve("pool_values", ["x=-1 -2 -3;-4 -5 -6;-7 -8 -9", "k=2", "s=2", "p=1"])
    assert p.answer == ((-1, -2), (-4, -5))
    # average pooling counts the zero padding (divide by k² = 4)
    q = solve("pool_values", ["x=1 2 3;4 5 6;7 8 9", "k=3", "s=2", "p=1", "kind=avg"])
    assert [list(r) for r in q.answer] == [pytest.approx([12 / 9, 16 / 9]), pytest.approx([24 / 9, 28 / 9])]  # /9
    assert grade(q, "3 4; 6 7").misconception == "padding_not_counted"  # /4 instead


def test_pool_values_refuses_bad_windows():
    with pytest.raises(ParamError):
        solve("pool_values", [f"x={CS231N}", "k=2", "p=2"])
    with pytest.raises(ParamError):
        solve("pool_values", ["x=1 2;3 4", "k=5"])
