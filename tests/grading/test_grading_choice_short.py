import pytest

from quizcli.grading import (ParseError, grade_choice, grade_truefalse, key_terms_found,
                             parse_choice, parse_point_selection, rating_from_points)


@pytest.mark.parametrize("text", ["b", "B", "2", "B.", "（B）", "(b)", " Ｂ ", "[B]", "B。"])
def test_single_choice_forms(text):
    assert grade_choice(text, 4, 1, multiple=False).correct is True


@pytest.mark.parametrize("text", ["a", "1", "C", "4"])
def test_single_choice_wrong(text):
    r = grade_choice(text, 4, 1, multiple=False)
    assert r.correct is False and r.score == 0.0


@pytest.mark.parametrize("text", ["AC", "a,c", "C A", "1 3", "A、C", "ca", "13", "(A)(C)", "A，C", "1,3"])
def test_multiple_choice_forms(text):
    assert grade_choice(text, 4, {0, 2}, multiple=True).correct is True


def test_multiple_partial():
    r = grade_choice("A", 4, {0, 2}, multiple=True)
    assert r.correct is False and r.score == pytest.approx(0.5)
    r = grade_choice("AB", 4, {0, 2}, multiple=True)
    assert r.correct is False and r.score == 0.0 and "1" in r.message_en
    assert grade_choice("ABC", 4, {0, 2}, multiple=True).correct is False


@pytest.mark.parametrize("text", ["E", "5", "0", "", "hello", "A1", "?"])
def test_invalid_choice(text):
    r = grade_choice(text, 4, 1)
    assert r.correct is None and r.message_en and r.message_zh
    with pytest.raises(ParseError):
        parse_choice(text, 4)


def test_single_choice_refuses_two():
    assert grade_choice("AB", 4, 0, multiple=False).correct is None


@pytest.mark.parametrize("text", ["t", "T", "true", "y", "yes", "1", "对", "正确", "是", "√", "✓", "True."])
def test_truefalse_true(text):
    assert grade_truefalse(text, True).correct is True
    assert grade_truefalse(text, False).correct is False


@pytest.mark.parametrize("text", ["f", "false", "n", "no", "0", "错", "错误", "否", "×", "✗", "NO"])
def test_truefalse_false(text):
    assert grade_truefalse(text, False).correct is True


@pytest.mark.parametrize("text", ["maybe", "", "2", "tf"])
def test_truefalse_invalid(text):
    assert grade_truefalse(text, True).correct is None


KPS = [
    {"en": "The gradient vanishes when the sigmoid saturates", "zh": "sigmoid 饱和时梯度消失"},
    {"en": "Use ReLU instead", "zh": "改用 ReLU", "terms": ["relu", "线性整流"]},
    {"en": "", "zh": "防止过拟合"},
]


def test_key_terms_found():
    assert key_terms_found("the GRADIENT gets tiny", KPS) == [True, False, False]
    assert key_terms_found("梯度会消失; 可以用线性整流", KPS) == [True, True, False]
    assert key_terms_found("可以防止过拟合", KPS) == [False, False, True]
    assert key_terms_found("梯度", KPS) == [False, False, False]
    # explicit terms replace derived ones: "instead" is not a term of KP 2
    assert key_terms_found("instead", KPS) == [False, False, False]
    # stop words and short words are not terms
    assert key_terms_found("when the", KPS) == [False, False, False]


@pytest.mark.parametrize("had,total,rating", [
    (0, 5, "again"), (1, 5, "again"), (2, 5, "hard"), (3, 5, "hard"), (4, 5, "good"),
    (5, 5, "easy"), (0, 1, "again"), (1, 1, "easy"), (1, 2, "hard"), (2, 3, "hard"), (3, 4, "good"),
])
def test_rating(had, total, rating):
    assert rating_from_points(had, total) == rating


@pytest.mark.parametrize("text,result", [
    ("1 3", [0, 2]), ("1,3", [0, 2]), ("3，1", [0, 2]), ("1-3", [0, 1, 2]), ("all", [0, 1, 2, 3]),
    ("全部", [0, 1, 2, 3]), ("none", []), ("", []), ("无", []), ("2、4", [1, 3]), ("1 1", [0]),
])
def test_point_selection(text, result):
    assert parse_point_selection(text, 4) == result


@pytest.mark.parametrize("text", ["5", "0 1", "x", "1.5", "1-9"])
def test_point_selection_invalid(text):
    with pytest.raises(ParseError):
        parse_point_selection(text, 4)
