import time

import pytest
import sympy

from quizcli.grading import (DEFAULT_FUNCTIONS, ParseError, equivalent, grade_symbolic,
                             parse_expression, warm_up)

warm_up()
x, y, s = (sympy.Symbol(n, real=True) for n in "xys")


@pytest.mark.parametrize("text,expected", [
    ("2x^2", 2 * x**2), ("2*x**2", 2 * x**2), ("x^-1", 1 / x), ("-x^2", -x**2),
    ("2^3^2", sympy.Integer(512)), ("(x+1)(x-1)", (x + 1) * (x - 1)), ("2(x+1)", 2 * x + 2),
    ("x(1-x)", x * (1 - x)), ("1/2x", x / 2), ("xy", x * y), ("x²", x**2), ("x⁻¹", 1 / x),
    ("e^x", sympy.exp(x)), ("e^-x", sympy.exp(-x)), ("e⁻ˣ", sympy.exp(-x)), ("ln(x)", sympy.log(x)),
    ("log(x)", sympy.log(x)), ("2·x", 2 * x), ("2×x", 2 * x), ("x − 1", x - 1), ("ｘ＋１", x + 1),
    ("（x＋１）＾２", (x + 1)**2), ("[x+1]*2", 2 * x + 2), ("pi*x", sympy.pi * x), ("π x", sympy.pi * x),
    ("2.5e-1x", x / 4), (".5x", x / 2), ("2e", 2 * sympy.E), ("sqrt(x)", sympy.sqrt(x)),
    ("abs(x)", sympy.Abs(x)), ("max(x, 0)", sympy.Max(x, 0)), ("min(x,y,1)", sympy.Min(x, y, 1)),
    ("sech(x)", sympy.sech(x)), ("sigmoid(x)", 1 / (1 + sympy.exp(-x))),
    ("σ(x)", 1 / (1 + sympy.exp(-x))), ("softplus(x)", sympy.log(1 + sympy.exp(x))),
    ("x ** 2 。", x**2), ("+x", x), ("--x", x),
])
def test_parse_expression(text, expected):
    got = parse_expression(text, ["x", "y"])
    assert sympy.simplify(got - expected) == 0


def test_declared_names():
    lam = sympy.Symbol("lambda_", real=True)
    assert parse_expression("λ x", ["x", "lambda_"]) == lam * x
    assert parse_expression("lambda*x", ["x", "lambda_"]) == lam * x
    assert parse_expression("lambda_*x", ["x", "lambda_"]) == lam * x
    assert parse_expression("lambda", ["lambda"]) == sympy.Symbol("lambda", real=True)
    assert parse_expression("y_hat - y", ["y", "y_hat"]).free_symbols == {
        sympy.Symbol("y_hat", real=True), y}
    assert parse_expression("ŷ", ["y_hat"]) == sympy.Symbol("y_hat", real=True)
    assert parse_expression("w_kj*x1", ["w_kj", "x1"]).free_symbols == {
        sympy.Symbol("w_kj", real=True), sympy.Symbol("x1", real=True)}
    assert parse_expression("α*θ", ["alpha", "theta"]).free_symbols == {
        sympy.Symbol("alpha", real=True), sympy.Symbol("theta", real=True)}
    # e can be declared as a variable and then is not Euler's number
    assert parse_expression("e", ["e"]) == sympy.Symbol("e", real=True)


@pytest.mark.parametrize("text", [
    "y", "x1", "lambda", "sigma", "f(x)", "sigmoid", "sigmoid x", "exp()", "max(x)", "exp(x, 1)",
    "x +", "(x", "x)", "[x)", "2 3", "x 2", "", "   ", "x..", "x;y", "x=1", "x,1", "3j",
    "x__y", "_x", "x @ y", "x % 2", "x & 1", "{x}", "x\\y", "#x", "x'", "Symbol('x')", "sigmoid(x)(", "E", "I*x",
])
def test_parse_rejects(text):
    with pytest.raises(ParseError) as ei:
        parse_expression(text, ["x"])
    assert ei.value.message_en and ei.value.message_zh


def test_function_whitelist_parameter():
    with pytest.raises(ParseError):
        parse_expression("sigmoid(x)", ["x"], functions={"exp"})
    assert parse_expression("exp(x)", ["x"], functions={"exp"}) == sympy.exp(x)
    assert "sigmoid" in DEFAULT_FUNCTIONS and "relu" not in DEFAULT_FUNCTIONS


SIG_D = "sigmoid(x)*(1-sigmoid(x))"


@pytest.mark.parametrize("text", ["sigmoid(x)*(1-sigmoid(x))", "exp(-x)/(1+exp(-x))^2",
                                  "σ(x)(1−σ(x))", "σ(x)·(1 − σ(x))", "e^x/(1+e^x)^2",
                                  "1/(2+exp(x)+exp(-x))", "sigmoid(x)*sigmoid(-x)"])
def test_sigmoid_derivative_right(text):
    r = grade_symbolic(text, SIG_D, ["x"])
    assert r.correct is True and r.score == 1.0, r


@pytest.mark.parametrize("text", ["exp(-x)/(1+exp(-x))", "sigmoid(x)", "sigmoid(x)*(1+sigmoid(x))",
                                  "σ(x)^2", "exp(x)/(1+exp(x))", "1-sigmoid(x)^2"])
def test_sigmoid_derivative_wrong(text):
    r = grade_symbolic(text, SIG_D, ["x"])
    assert r.correct is False and r.score == 0.0, r


def test_sigmoid_derivative_in_s():
    assert grade_symbolic("s*(1-s)", "s*(1-s)", ["s"]).correct is True
    assert grade_symbolic("s - s^2", "s*(1-s)", ["s"]).correct is True
    assert grade_symbolic("s(1-s)", "s*(1-s)", ["s"]).correct is True
    assert grade_symbolic("s*(1+s)", "s*(1-s)", ["s"]).correct is False


def test_substitution_alias():
    sub = {"s": "sigmoid(x)"}
    for text in ["s*(1-s)", "sigmoid(x)*(1-sigmoid(x))", "exp(-x)/(1+exp(-x))^2", "σ(x)(1−σ(x))", "s - s²"]:
        assert grade_symbolic(text, "s*(1-s)", ["x"], substitutions=sub).correct is True, text
    assert grade_symbolic("s*(1+s)", "s*(1-s)", ["x"], substitutions=sub).correct is False
    assert grade_symbolic("exp(-x)/(1+exp(-x))", SIG_D, ["x"], substitutions=sub).correct is False


@pytest.mark.parametrize("text", ["1-tanh(x)^2", "sech(x)^2", "4/(exp(x)+exp(-x))^2", "1/cosh(x)^2",
                                  "1 - (sinh(x)/cosh(x))^2"])
def test_tanh_derivative(text):
    assert grade_symbolic(text, "1-tanh(x)^2", ["x"]).correct is True
    assert grade_symbolic(text, "sech(x)^2", ["x"]).correct is True


def test_tanh_derivative_wrong():
    assert grade_symbolic("1-tanh(x)", "1-tanh(x)^2", ["x"]).correct is False
    assert grade_symbolic("1+tanh(x)^2", "sech(x)^2", ["x"]).correct is False


def test_softplus_derivative_is_sigmoid():
    for text in ["sigmoid(x)", "1/(1+exp(-x))", "exp(x)/(1+exp(x))", "σ(x)"]:
        assert grade_symbolic(text, "sigmoid(x)", ["x"]).correct is True
    assert grade_symbolic("softplus(x)", "sigmoid(x)", ["x"]).correct is False
    assert grade_symbolic("log(1+exp(x))", "softplus(x)", ["x"]).correct is True


def test_multivariable_and_domain():
    assert grade_symbolic("2(y_hat - y)", "2*y_hat - 2*y", ["y", "y_hat"]).correct is True
    assert grade_symbolic("-(y/y_hat) + (1-y)/(1-y_hat)", "(y_hat - y)/(y_hat*(1-y_hat))",
                          ["y", "y_hat"]).correct is True
    # log/sqrt only defined for x > 0: points outside the domain are skipped
    assert grade_symbolic("sqrt(x)^2", "x", ["x"]).correct is True
    assert grade_symbolic("log(x)+log(x)", "2ln(x)", ["x"]).correct is True
    assert grade_symbolic("max(x,0)", "(x+abs(x))/2", ["x"]).correct is True
    assert grade_symbolic("max(x,0)", "x", ["x"]).correct is False


def test_constant_answers():
    assert grade_symbolic("1/4", "0.25", []).correct is True
    assert grade_symbolic("sigmoid(0)*(1-sigmoid(0))", "1/4", []).correct is True
    assert grade_symbolic("1/3", "0.25", []).correct is False


def test_symbolic_misconceptions():
    mis = [{"id": "forgot_square", "value": "exp(-x)/(1+exp(-x))",
            "feedback_en": "Square the denominator.", "feedback_zh": "分母要平方。"}]
    r = grade_symbolic("e^(-x)/(1+e^(-x))", SIG_D, ["x"], misconceptions=mis)
    assert r.correct is False and r.misconception == "forgot_square"
    assert r.message_en == "Square the denominator." and r.message_zh == "分母要平方。"

    class M:
        id = "plus"
        expr = "s*(1+s)"
        feedback_en = "sign"
        feedback_zh = "符号"
    r = grade_symbolic("s + s^2", "s*(1-s)", ["x"], misconceptions=[M()], substitutions={"s": "sigmoid(x)"})
    assert r.misconception == "plus"
    assert grade_symbolic("s*(1-s)", "s*(1-s)", ["s"], misconceptions=[M()]).misconception is None


def test_grade_symbolic_invalid_input():
    r = grade_symbolic("sigmoid x", SIG_D, ["x"])
    assert r.correct is None and r.message_en and r.message_zh
    r = grade_symbolic("y*(1-y)", SIG_D, ["x"])
    assert r.correct is None and "y" in r.message_en


def test_equivalent_api_and_timeout():
    a = parse_expression("(x+1)^2", ["x"])
    b = parse_expression("x^2+2x+1", ["x"])
    assert equivalent(a, b, ["x"]) is True
    assert equivalent(a, b + 1, ["x"]) is False
    # nowhere real-valued: points cannot decide, simplify decides (or gives up) in time
    c = parse_expression("sqrt(-1-x^2)", ["x"])
    t = time.perf_counter()
    assert equivalent(c, c * 1, ["x"]) is True
    assert equivalent(c, 2 * c, ["x"]) in (False, None)
    assert time.perf_counter() - t < 3


def test_typical_check_is_fast():
    t = time.perf_counter()
    for _ in range(5):
        grade_symbolic("σ(x)(1−σ(x))", "exp(-x)/(1+exp(-x))^2", ["x"])
    assert (time.perf_counter() - t) / 5 < 0.2


def test_result_to_dict():
    d = grade_symbolic("2x", "x+x", ["x"]).to_dict()
    assert d["correct"] is True and d["parsed"] == "2*x"
