import numpy as np
import pytest

from quizcli.grading import GradeResult, ParseError, grade_numeric, parse_array, parse_number


@pytest.mark.parametrize("text,value", [
    ("0.25", 0.25), ("1/4", 0.25), ("25%", 0.25), ("2.5e-1", 0.25), (".25", 0.25),
    ("-3", -3.0), ("+3", 3.0), ("1e3", 1000.0), ("０.２５", 0.25), ("１／４", 0.25),
    ("－3", -3.0), ("25％", 0.25), ("  0.25  ", 0.25), ("0.25。", 0.25), ("-1/4", -0.25),
    ("1 / 4", 0.25), ("3/2", 1.5), ("0.5/2", 0.25), ("−0.5", -0.5), ("12.5 %", 0.125),
])
def test_parse_number_formats(text, value):
    assert parse_number(text) == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize("text", [
    "", "abc", "1/0", "1e999", "inf", "nan", "0x10", "1/2/3", "2*3", "(1/4)", "1,5",
    "__import__('os')", "1/x", "--3", "1e", "%", "1/4%",
])
def test_parse_number_rejects(text):
    with pytest.raises(ParseError) as ei:
        parse_number(text)
    assert ei.value.message_en and ei.value.message_zh
    assert isinstance(ei.value, ValueError)


def test_parse_number_error_says_expected_form():
    with pytest.raises(ParseError) as ei:
        parse_number("abc")
    assert "1/4" in ei.value.message_en and "1/4" in ei.value.message_zh
    d = ei.value.to_dict()
    assert d["message_zh"] == ei.value.message_zh


@pytest.mark.parametrize("text", [
    "[0.1, 0.2]", "0.1, 0.2", "0.1 0.2", "(0.1, 0.2)", "0.1，0.2", "0.1、0.2",
    "［0.1，0.2］", "【0.1, 0.2】", "1/10, 20%", " [ 0.1 ,0.2 ] 。",
])
def test_parse_vector(text):
    a = parse_array(text)
    assert a.shape == (2,)
    assert np.allclose(a, [0.1, 0.2])


@pytest.mark.parametrize("text", [
    "1 2; 3 4", "[[1,2],[3,4]]", "[1 2; 3 4]", "1 2\n3 4", "1, 2; 3, 4", "((1,2),(3,4))",
    "[[1, 2], [3, 4]]", "1/1 200%；3 4",
])
def test_parse_matrix(text):
    a = parse_array(text)
    assert a.shape == (2, 2)
    assert np.array_equal(a, [[1, 2], [3, 4]])


@pytest.mark.parametrize("text", ["1 2; 3", "[[1,2],[3]]", "[1,2", "1,,2", "1, x", "[[1,2] 3]", "", "1 2\n3"])
def test_parse_array_rejects(text):
    with pytest.raises(ParseError):
        parse_array(text)


def test_ragged_message_bilingual():
    with pytest.raises(ParseError) as ei:
        parse_array("1 2 3; 4 5")
    assert "3, 2" in ei.value.message_en and "3, 2" in ei.value.message_zh


def test_grade_scalar_tolerance():
    assert grade_numeric("0.2689", 0.26894).correct is True
    assert grade_numeric("0.27", 0.26894).correct is True          # within rtol 1e-2
    assert grade_numeric("0.28", 0.26894).correct is False
    assert grade_numeric("1/4", 0.25, rtol=0).correct is True
    assert grade_numeric("0.2501", 0.25, rtol=1e-6).correct is False
    assert grade_numeric("0", 0.0).correct is True
    assert grade_numeric("1e-9", 0.0).correct is True             # atol 1e-8
    assert grade_numeric("1e-7", 0.0).correct is False
    r = grade_numeric("0.25", 0.25)
    assert isinstance(r, GradeResult) and r.score == 1.0 and r.parsed == 0.25


def test_grade_unparseable_is_none():
    r = grade_numeric("about a quarter", 0.25)
    assert r.correct is None and r.score == 0.0 and r.message_en and r.message_zh


def test_shape_mismatch_vector_message():
    r = grade_numeric("0.1, 0.2", [0.1, 0.2, 0.3])
    assert r.correct is None
    assert "expected 3 numbers, got 2" in r.message_en.lower()
    assert "应填 3 个数，你给了 2 个" in r.message_zh


def test_shape_mismatch_matrix_message():
    r = grade_numeric("1 2 3; 4 5 7", [[1, 2], [3, 4], [5, 6]])
    assert r.correct is None
    assert "expected a 3×2 matrix, got 2×3" in r.message_en.lower()
    assert "3×2" in r.message_zh and "2×3" in r.message_zh


def test_scalar_expected_two_given():
    r = grade_numeric("1, 2", 1.0)
    assert r.correct is None and "got 2" in r.message_en


def test_transposed_matrix_detected():
    r = grade_numeric("1 3 5; 2 4 6", [[1, 2], [3, 4], [5, 6]])
    assert r.correct is False and r.misconception == "transposed"


def test_vector_and_matrix_grading():
    assert grade_numeric("[1/4, 50%, 0.75]", [0.25, 0.5, 0.75]).correct is True
    r = grade_numeric("0.25 0.5 0.9", [0.25, 0.5, 0.75])
    assert r.correct is False and "3" in r.message_en
    assert grade_numeric("[[1,2],[3,4]]", [[1, 2], [3, 4]]).correct is True
    r = grade_numeric("1 2; 3 5", [[1, 2], [3, 4]])
    assert r.correct is False and "(2,2)" in r.message_en
    # a column vector typed row-per-line is accepted for a vector
    assert grade_numeric("1\n2\n3", [1, 2, 3]).correct is True


MISC = [
    {"id": "forgot_sign", "value": 0.7311, "feedback_en": "Check the sign of z.", "feedback_zh": "检查 z 的符号。"},
    {"id": "used_z", "value": 1.0, "feedback_en": "You returned z, not sigmoid(z).", "feedback_zh": "你给的是 z。"},
]


def test_misconception_dict():
    r = grade_numeric("0.731", 0.2689, misconceptions=MISC)
    assert r.correct is False and r.misconception == "forgot_sign"
    assert r.message_en == "Check the sign of z." and r.message_zh == "检查 z 的符号。"
    r = grade_numeric("1", 0.2689, misconceptions=MISC)
    assert r.misconception == "used_z"
    r = grade_numeric("0.5", 0.2689, misconceptions=MISC)
    assert r.correct is False and r.misconception is None
    # correct answer wins even if a misconception is close to it
    assert grade_numeric("0.2689", 0.2689, misconceptions=MISC).misconception is None


def test_misconception_object_and_vector():
    class M:
        id = "no_bias"
        value = [1.0, 2.0]
        feedback_en = "You forgot the bias."
        feedback_zh = "你忘了偏置。"
    r = grade_numeric("1, 2", [1.5, 2.5], misconceptions=[M()])
    assert r.misconception == "no_bias" and r.message_zh == "你忘了偏置。"
    # a misconception of another shape (e.g. a count mistake) also matches
    r = grade_numeric("6", [[1, 2, 3], [4, 5, 6]],
                      misconceptions=[{"id": "count", "value": 6, "feedback_en": "e", "feedback_zh": "z"}])
    assert r.correct is False and r.misconception == "count"


def test_rounding_hint():
    r = grade_numeric("0.3", 0.2689)
    assert r.correct is False and r.misconception == "rounding" and "rounding" in r.message_en
    assert grade_numeric("0.5", 0.2689).misconception is None


def test_to_dict_json():
    import json
    r = grade_numeric("1 2; 3 4", [[1, 2], [3, 4]])
    d = r.to_dict()
    assert d["parsed"] == [[1.0, 2.0], [3.0, 4.0]]
    json.dumps(d, ensure_ascii=False)
    with pytest.raises(Exception):
        r.correct = False  # frozen
