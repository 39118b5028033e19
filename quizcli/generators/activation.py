"""Value and derivative of an activation function at a point: f(x), f'(x).

Formula route: the closed forms (σ' = σ(1 − σ), tanh' = 1 − tanh², …) in pure Python math.
Engine route: the engine's Activation layer, run forward at x and back-propagated with
dL/df = 1 (its backward returns f'(x)).
"""
from __future__ import annotations

import math
import random

from .base import Chain, Family, Misconception, StepMistake, Param, ParamError, Solution, bi, fmt_num, pick

# The engine's activation ids (quizcli.engine.ACTIVATION_SPECS; a test keeps the two equal —
# the engine is not imported here so that listing the families stays light).
FUNCTIONS = ("identity", "step", "sigmoid", "tanh", "hard_sigmoid", "hard_tanh", "relu", "leaky_relu",
             "prelu", "elu", "softplus", "gelu")
# the parameter `a` of the parameterised ones: (engine keyword, default, English, Chinese)
SHAPE_PARAM = {"leaky_relu": ("slope", 0.01, "slope", "斜率"), "prelu": ("a", 0.25, "a", "a"),
               "elu": ("alpha", 1.0, "α", "α")}

FAMILY = Family(
    id="activation",
    topic="neuron",
    concepts=("activation_function", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "softplus",
              "gelu", "hard_sigmoid"),
    title=bi("Activation value and derivative", "激活函数的值与导数"),
    params=(
        Param("f", "str", bi("the activation: " + ", ".join(FUNCTIONS), "激活函数：" + "、".join(FUNCTIONS)),
              choices=FUNCTIONS, aliases=("fn", "activation")),
        Param("x", "float", bi("the input x", "输入 x"), min=-1000, max=1000),
        Param("a", "str", bi("leaky_relu slope (default 0.01), prelu a (0.25) or elu α (1)",
                             "leaky_relu 的斜率（默认 0.01）、prelu 的 a（0.25）或 elu 的 α（1）"),
              default="", aliases=("slope", "alpha")),
    ),
)

RTOL, ATOL = 1e-3, 5e-4
KINKS = {"relu": (0.0,), "leaky_relu": (0.0,), "prelu": (0.0,), "elu": (0.0,), "step": (0.0,),
         "hard_tanh": (-1.0, 1.0), "hard_sigmoid": (-2.0, 2.0)}


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def _Phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _value_grad(f: str, x: float, a: float) -> tuple[float, float]:
    if f == "identity":
        return x, 1.0
    if f == "step":
        return (1.0 if x >= 0 else 0.0), 0.0
    if f == "sigmoid":
        s = _sig(x)
        return s, s * (1 - s)
    if f == "tanh":
        t = math.tanh(x)
        return t, 1 - t * t
    if f == "hard_sigmoid":
        return min(1.0, max(0.0, 0.25 * x + 0.5)), (0.25 if -2 < x < 2 else 0.0)
    if f == "hard_tanh":
        return min(1.0, max(-1.0, x)), (1.0 if -1 < x < 1 else 0.0)
    if f == "relu":
        return max(0.0, x), (1.0 if x > 0 else 0.0)
    if f in ("leaky_relu", "prelu"):
        return (x if x > 0 else a * x), (1.0 if x > 0 else a)
    if f == "elu":
        return (x if x > 0 else a * math.expm1(x)), (1.0 if x > 0 else a * math.exp(x))
    if f == "softplus":
        return _softplus(x), _sig(x)
    if f == "gelu":
        return x * _Phi(x), _Phi(x) + x * _phi(x)
    raise ParamError(f"unknown activation {f}", f"未知的激活函数 {f}")


def _shape_param(prm: dict) -> float:
    f, raw = prm["f"], str(prm.get("a", "") or "").strip()
    if f not in SHAPE_PARAM:
        if raw:
            raise ParamError(f"{f} takes no parameter a (only leaky_relu, prelu, elu)",
                             f"{f} 没有参数 a（只有 leaky_relu、prelu、elu 有）")
        return 0.0
    if not raw:
        return SHAPE_PARAM[f][1]
    from ..grading.numeric import parse_number

    try:
        a = float(parse_number(raw))
    except ValueError:
        raise ParamError(f"a={raw}: not a number", f"a={raw}：不是一个数") from None
    if f == "elu" and a <= 0 or f != "elu" and not 0 <= a < 1:
        raise ParamError("use 0 ≤ slope < 1 for leaky_relu/prelu and α > 0 for elu",
                         "leaky_relu/prelu 的斜率须满足 0 ≤ a < 1，elu 的 α 须 > 0")
    return a


def _x(rng: random.Random, f: str, integer: bool) -> float:
    while True:
        x = float(rng.choice((-3, -2, -1, 1, 2, 3))) if integer else rng.randint(-30, 30) / 10
        if x not in KINKS.get(f, ()) and x != 0:
            return x


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        f = pick(rng, ("sigmoid", "tanh", "relu", "leaky_relu"))
        a = pick(rng, ("0.01", "0.1")) if f == "leaky_relu" else ""
        return {"f": f, "x": _x(rng, f, True), "a": a}
    if difficulty == "medium":
        f = pick(rng, ("sigmoid", "sigmoid", "tanh", "tanh", "relu", "leaky_relu", "elu", "softplus", "prelu"))
        a = {"leaky_relu": pick(rng, ("0.01", "0.1", "0.2")), "prelu": "0.25", "elu": "1"}.get(f, "")
        return {"f": f, "x": _x(rng, f, False), "a": a}
    f = pick(rng, ("gelu", "hard_sigmoid", "hard_tanh", "elu", "softplus", "leaky_relu", "sigmoid", "tanh"))
    a = {"leaky_relu": pick(rng, ("0.1", "0.2", "0.3")), "elu": pick(rng, ("0.5", "1", "2"))}.get(f, "")
    x = _x(rng, f, False)
    if f in ("hard_sigmoid", "hard_tanh") and rng.random() < 0.5:
        x = rng.choice((-1, 1)) * rng.randint(11 if f == "hard_tanh" else 21, 30) / 10  # the flat part
    return {"f": f, "x": x, "a": a}


def _definition(f: str, a: float) -> tuple[str, str]:
    """(LaTeX definition of f, its derivative's closed form), shared by both languages."""
    A = fmt_num(a)
    return {
        "identity": (r"f(x) = x", r"f'(x) = 1"),
        "step": (r"f(x) = 1 \text{ if } x \geq 0 \text{ else } 0", r"f'(x) = 0 \text{ (impulse at 0 ignored)}"),
        "sigmoid": (r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma'(x) = \sigma(x)(1 - \sigma(x))"),
        "tanh": (r"\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}", r"f'(x) = 1 - \tanh^2(x)"),
        "hard_sigmoid": (r"f(x) = \max(0, \min(1, 0.25x + 0.5))", r"f'(x) = 0.25 \text{ for } -2 < x < 2, \text{ else } 0"),
        "hard_tanh": (r"f(x) = \max(-1, \min(1, x))", r"f'(x) = 1 \text{ for } -1 < x < 1, \text{ else } 0"),
        "relu": (r"f(x) = \max(0, x)", r"f'(x) = 1 \text{ for } x > 0, \text{ else } 0"),
        "leaky_relu": (f"f(x) = x \\text{{ for }} x > 0, \\text{{ else }} {A}x",
                       f"f'(x) = 1 \\text{{ for }} x > 0, \\text{{ else }} {A}"),
        "prelu": (f"f(x) = x \\text{{ for }} x > 0, \\text{{ else }} ax \\text{{ with }} a = {A}",
                  r"f'(x) = 1 \text{ for } x > 0, \text{ else } a"),
        "elu": (f"f(x) = x \\text{{ for }} x > 0, \\text{{ else }} \\alpha(e^x - 1) \\text{{ with }} \\alpha = {A}",
                r"f'(x) = 1 \text{ for } x > 0, \text{ else } \alpha e^x"),
        "softplus": (r"f(x) = \ln(1 + e^x)", r"f'(x) = \frac{e^x}{1 + e^x} = \sigma(x)"),
        "gelu": (r"f(x) = x \Phi(x)", r"f'(x) = \Phi(x) + x \varphi(x)"),
    }[f]


NAMES = {"identity": ("identity", "恒等"), "step": ("step", "阶跃"), "sigmoid": ("sigmoid (logistic)", "Sigmoid（Logistic）"),
         "tanh": ("tanh", "Tanh"), "hard_sigmoid": ("hard-logistic (hard sigmoid)", "Hard-Logistic"),
         "hard_tanh": ("hard-tanh", "Hard-Tanh"), "relu": ("ReLU", "ReLU"), "leaky_relu": ("Leaky ReLU", "Leaky ReLU"),
         "prelu": ("PReLU", "PReLU"), "elu": ("ELU", "ELU"), "softplus": ("softplus", "Softplus"),
         "gelu": ("GELU (exact, with the standard normal CDF Φ)", "GELU（精确形式，Φ 为标准正态分布函数）")}


def _tx(f):
    return lambda s: bi(f(s, "en"), f(s, "zh"))


def _p(v, d=4) -> str:
    """A number to substitute after an operator: negatives in parentheses."""
    t = fmt_num(v, d)
    return f"({t})" if v < 0 else t


def _cond(pre, lang: str) -> str:
    """The piece of a piecewise function that x falls in, before the line it selects."""
    if not pre:
        return ""
    return bi(f"${pre}$, so ", f"${pre}$，故 ").t(lang)


def _chain(f: str, x: float, a: float):
    """The value f(x), then the derivative f'(x) (GELU: Φ(x) and φ(x) first), each shown line
    from the shown numbers before it (values the derivative reuses are shown to 6 decimals)."""
    ch = Chain({"x": x, "a": a})
    X, A = fmt_num(x), fmt_num(a)
    name_en, name_zh = NAMES[f]
    dform = _definition(f, a)[1]
    rule_f = bi(f"the definition of {name_en}", f"{name_zh} 的定义")
    rule_d = bi(f"the derivative of {name_en}", f"{name_zh} 的导数")
    form_f = bi(f"${_definition(f, a)[0]}$", f"${_definition(f, a)[0]}$")
    form_d = bi(f"${dform}$", f"${dform}$")
    val_name = bi(f"the value f({X})", f"函数值 f({X})")
    der_name = bi(f"the derivative f'({X})", f"导数 f'({X})")

    def sm(mid, en, zh, fn):
        return StepMistake(mid, bi(en, zh), fn)

    def const(v):
        return lambda e: v

    def val(fn, text, sub, digits=4, mistakes=(), uses=None, pre=None):
        uses = uses or (("x", "a") if f in SHAPE_PARAM and x <= 0 else ("x",))
        ch.step("val", val_name, fn, uses=uses, digits=digits, rtol=RTOL, atol=ATOL,
                text=_tx(lambda s, l: _cond(pre, l) + f"${text(s)}$"), rule=rule_f, formula=form_f, substituted=_tx(lambda s, l: f"${sub(s)}$"),
                mistakes=tuple(mistakes))

    def der(fn, uses, text, sub, mistakes=(), pre=None):
        ch.step("der", der_name, fn, uses=uses, rtol=RTOL, atol=ATOL, text=_tx(lambda s, l: _cond(pre, l) + f"${text(s)}$"),
                rule=rule_d, formula=form_d, substituted=_tx(lambda s, l: f"${sub(s)}$"), mistakes=tuple(mistakes))

    if f == "sigmoid":
        e_ = f"\\frac{{1}}{{1 + e^{{{fmt_num(-x)}}}}}"
        val(lambda e: _sig(e["x"]), lambda s: f"\\sigma({X}) = {e_} = {fmt_num(s['val'], 6)}", lambda s: f"\\sigma({X}) = {e_}", digits=6,
            mistakes=(sm("sign_in_exponent", "σ(x) = 1/(1 + e^{−x}): mind the minus sign in the exponent.",
                         "σ(x) = 1/(1 + e^{−x})：注意指数里的负号。", lambda e: _sig(-e["x"])),))
        der(lambda e: e["val"] * (1 - e["val"]), ("val",),
            lambda s: f"\\sigma'({X}) = {fmt_num(s['val'], 6)} \\cdot (1 - {fmt_num(s['val'], 6)}) = {fmt_num(s['der'])}",
            lambda s: f"\\sigma'({X}) = {fmt_num(s['val'], 6)} \\cdot (1 - {fmt_num(s['val'], 6)})",
            (sm("derivative_is_sigma", "σ'(x) = σ(x)(1 − σ(x)): you forgot the factor (1 − σ(x)).",
                "σ'(x) = σ(x)(1 − σ(x))：你漏了因子 (1 − σ(x))。", lambda e: e["val"]),
             sm("used_x_in_derivative", "You put x into σ(1 − σ); it is σ(x)(1 − σ(x)), with σ(x), not x.",
                "你把 x 代入了 σ(1 − σ)；应是 σ(x)(1 − σ(x))，代入的是 σ(x) 而不是 x。", lambda e: e["x"] * (1 - e["x"]))))
    elif f == "tanh":
        val(lambda e: math.tanh(e["x"]), lambda s: f"\\tanh({X}) = {fmt_num(s['val'], 6)}", lambda s: f"\\tanh({X})", digits=6)
        der(lambda e: 1 - e["val"] * e["val"], ("val",), lambda s: f"f'({X}) = 1 - {_p(s['val'], 6)}^2 = {fmt_num(s['der'])}",
            lambda s: f"f'({X}) = 1 - {_p(s['val'], 6)}^2",
            (sm("forgot_square", "tanh'(x) = 1 − tanh²(x): you forgot the square.", "tanh'(x) = 1 − tanh²(x)：你漏了平方。",
                lambda e: 1 - e["val"]),
             sm("used_x_in_derivative", "tanh'(x) = 1 − tanh²(x), not 1 − x².", "tanh'(x) = 1 − tanh²(x)，不是 1 − x²。",
                lambda e: 1 - e["x"] ** 2),
             sm("sigmoid_derivative_form", "You used the sigmoid's form f(1 − f); for tanh it is 1 − f².",
                "你用了 sigmoid 的导数形式 f(1 − f)；tanh 的导数是 1 − f²。", lambda e: e["val"] * (1 - e["val"]))))
    elif f == "softplus":
        val(lambda e: _softplus(e["x"]), lambda s: f"\\ln(1 + e^{{{X}}}) = {fmt_num(s['val'])}", lambda s: f"\\ln(1 + e^{{{X}}})",
            mistakes=(sm("log10", "softplus uses the natural log ln(1 + e^x).", "softplus 用自然对数 ln(1 + e^x)。",
                         lambda e: math.log10(1 + math.exp(e["x"]))),
                      sm("forgot_one", "softplus is ln(1 + e^x): the 1 inside matters.", "softplus 是 ln(1 + e^x)：里面的 1 不能丢。",
                         lambda e: e["x"])))
        e_ = f"\\frac{{1}}{{1 + e^{{{fmt_num(-x)}}}}}"
        der(lambda e: _sig(e["x"]), ("x",), lambda s: f"f'({X}) = \\sigma({X}) = {e_} = {fmt_num(s['der'])}",
            lambda s: f"f'({X}) = \\sigma({X}) = {e_}",
            (sm("derivative_sign", "softplus'(x) = e^x/(1 + e^x) = σ(x), not σ(−x).", "softplus'(x) = e^x/(1 + e^x) = σ(x)，不是 σ(−x)。",
                lambda e: _sig(-e["x"])),
             sm("log10", "softplus uses the natural log ln(1 + e^x): its derivative is σ(x), without 1/ln 10.",
                "softplus 用自然对数 ln(1 + e^x)：导数是 σ(x)，没有 1/ln 10。", lambda e: _sig(e["x"]) / math.log(10))))
    elif f == "gelu":
        ch.step("Phi", bi(f"the normal CDF Φ({X})", f"标准正态分布函数 Φ({X})"), lambda e: _Phi(e["x"]), uses=("x",), digits=6,
                rtol=RTOL, atol=ATOL, text=_tx(lambda s, l: f"$\\Phi({X}) = {fmt_num(s['Phi'], 6)}$"),
                rule=bi("the standard normal CDF", "标准正态分布的累积分布函数"),
                formula=bi("$\\Phi(x) = \\frac{1}{2}(1 + \\mathrm{erf}(x/\\sqrt{2}))$", "$\\Phi(x) = \\frac{1}{2}(1 + \\mathrm{erf}(x/\\sqrt{2}))$"),
                substituted=_tx(lambda s, l: f"$\\Phi({X}) = \\frac{{1}}{{2}}(1 + \\mathrm{{erf}}({X}/\\sqrt{{2}}))$"))
        ch.step("phi", bi(f"the normal density φ({X})", f"标准正态密度 φ({X})"), lambda e: _phi(e["x"]), uses=("x",), digits=6,
                rtol=RTOL, atol=ATOL, text=_tx(lambda s, l: f"$\\varphi({X}) = {fmt_num(s['phi'], 6)}$"),
                rule=bi("the standard normal density", "标准正态分布的密度"),
                formula=bi("$\\varphi(x) = e^{-x^2/2}/\\sqrt{2\\pi}$", "$\\varphi(x) = e^{-x^2/2}/\\sqrt{2\\pi}$"),
                substituted=_tx(lambda s, l: f"$\\varphi({X}) = e^{{-{_p(x)}^2/2}}/\\sqrt{{2\\pi}}$"))
        val(lambda e: e["x"] * e["Phi"], lambda s: f"f({X}) = {_p(x)} \\cdot {fmt_num(s['Phi'], 6)} = {fmt_num(s['val'])}",
            lambda s: f"f({X}) = {_p(x)} \\cdot {fmt_num(s['Phi'], 6)}",
            mistakes=(sm("relu_instead", "GELU is smooth, x·Φ(x), not ReLU.", "GELU 是光滑的 x·Φ(x)，不是 ReLU。",
                         lambda e: max(0.0, e["x"])),), uses=("x", "Phi"))
        der(lambda e: e["Phi"] + e["x"] * e["phi"], ("x", "Phi", "phi"),
            lambda s: f"f'({X}) = {fmt_num(s['Phi'], 6)} + {_p(x)} \\cdot {fmt_num(s['phi'], 6)} = {fmt_num(s['der'])}",
            lambda s: f"f'({X}) = {fmt_num(s['Phi'], 6)} + {_p(x)} \\cdot {fmt_num(s['phi'], 6)}",
            (sm("forgot_x_phi", "Product rule: (xΦ(x))' = Φ(x) + xφ(x); you forgot xφ(x).",
                "乘积法则：(xΦ(x))' = Φ(x) + xφ(x)；你漏了 xφ(x)。", lambda e: e["Phi"]),
             sm("relu_instead", "GELU is smooth: its derivative is Φ(x) + xφ(x), not ReLU's step.",
                "GELU 是光滑的：导数是 Φ(x) + xφ(x)，不是 ReLU 的阶跃。", lambda e: 1.0 if e["x"] > 0 else 0.0)))
    else:
        _piecewise(f, x, a, X, A, val, der, sm, const)
    return ch.steps


def _piecewise(f, x, a, X, A, val, der, sm, const):
    """The functions defined piece by piece: which piece x falls in, then its value and slope."""
    neg = x <= 0
    px = _p(x)
    branch = f"x = {X} \\leq 0" if neg else f"x = {X} > 0"
    if f == "relu":
        val(lambda e: max(0.0, e["x"]), pre=branch, text=lambda s: f"f({X}) = \\max(0, {X}) = {fmt_num(s['val'])}",
            sub=lambda s: f"f({X}) = \\max(0, {X})",
            mistakes=(sm("relu_as_identity", "ReLU clips negative inputs to 0: max(0, x).", "ReLU 把负输入截为 0：max(0, x)。",
                         lambda e: e["x"]),) if neg else
            (sm("confused_with_step", "That is the step function; ReLU(x) = x for x > 0 with slope 1.",
                "这是阶跃函数；x > 0 时 ReLU(x) = x，斜率为 1。", const(1.0)),))
        der(lambda e: 1.0 if e["x"] > 0 else 0.0, ("x",), lambda s: f"f'({X}) = {fmt_num(s['der'])}", lambda s: f"f'({X})",
            (sm("negative_slope_one", "For x < 0 the slope is not 1: ReLU is flat there.", "x < 0 时斜率不是 1：ReLU 在负半轴是平的。",
                const(1.0)),) if neg else
            (sm("derivative_is_value", "The derivative of x is 1 for x > 0, not the value x.", "x > 0 时导数是 1，而不是函数值 x。",
                lambda e: e["val"]),
             sm("confused_with_step", "That is the step function; ReLU(x) = x for x > 0 with slope 1.",
                "这是阶跃函数；x > 0 时 ReLU(x) = x，斜率为 1。", const(0.0))))
        return
    if f in ("leaky_relu", "prelu"):
        name_en, name_zh = NAMES[f]
        if neg:
            val(lambda e: e["a"] * e["x"], pre=branch, text=lambda s: f"f({X}) = {A} \\cdot {px} = {fmt_num(s['val'])}",
                sub=lambda s: f"f({X}) = {A} \\cdot {px}",
                mistakes=(sm("plain_relu", f"That is plain ReLU; {name_en} keeps a slope {A} for x < 0.",
                             f"这是普通 ReLU；{name_zh} 在 x < 0 时保留斜率 {A}。", const(0.0)),
                          sm("wrong_slope", f"You used the default slope 0.01; here it is {A}.", f"你用了默认斜率 0.01；本题斜率为 {A}。",
                             lambda e: 0.01 * e["x"]),
                          sm("negative_slope_one", "For x < 0 the function is not x: it has the small slope.",
                             "x < 0 时函数不是 x：它只有那个小斜率。", lambda e: e["x"])))
            der(lambda e: e["a"], ("a",), lambda s: f"f'({X}) = {fmt_num(s['der'])}", lambda s: f"f'({X}) = a",
                (sm("negative_slope_one", "For x < 0 the slope is not 1: it is the small slope a.", "x < 0 时斜率不是 1：而是那个小斜率 a。",
                    const(1.0)),
                 sm("plain_relu", f"That is plain ReLU; {name_en} keeps a slope {A} for x < 0.",
                    f"这是普通 ReLU；{name_zh} 在 x < 0 时保留斜率 {A}。", const(0.0)),
                 sm("wrong_slope", f"You used the default slope 0.01; here it is {A}.", f"你用了默认斜率 0.01；本题斜率为 {A}。",
                    const(0.01))))
        else:
            val(lambda e: e["x"], pre=branch, text=lambda s: f"f({X}) = {fmt_num(s['val'])}", sub=lambda s: f"f({X}) = {X}",
                mistakes=(sm("confused_with_step", "That is the step function; for x > 0 the function is x, with slope 1.",
                             "这是阶跃函数；x > 0 时函数就是 x，斜率为 1。", const(1.0)),))
            der(lambda e: 1.0, ("x",), lambda s: f"f'({X}) = {fmt_num(s['der'])}", lambda s: f"f'({X})",
                (sm("derivative_is_value", "The derivative of x is 1 for x > 0, not the value x.", "x > 0 时导数是 1，而不是函数值 x。",
                    lambda e: e["val"]),))
        return
    if f == "elu":
        if neg:
            val(lambda e: e["a"] * math.expm1(e["x"]), pre=branch, text=lambda s: f"f({X}) = {A} \\cdot (e^{{{X}}} - 1) = {fmt_num(s['val'])}",
                sub=lambda s: f"f({X}) = {A} \\cdot (e^{{{X}}} - 1)",
                mistakes=(sm("forgot_minus_one", "ELU is α(e^x − 1) for x < 0: you forgot the −1.", "x < 0 时 ELU 为 α(e^x − 1)：你漏了 −1。",
                             lambda e: e["a"] * math.exp(e["x"])),))
            der(lambda e: e["a"] * math.exp(e["x"]), ("x", "a"), lambda s: f"f'({X}) = {A} \\cdot e^{{{X}}} = {fmt_num(s['der'])}",
                lambda s: f"f'({X}) = {A} \\cdot e^{{{X}}}",
                (sm("derivative_is_value", "For x < 0, f'(x) = αe^x = f(x) + α, not f(x).", "x < 0 时 f'(x) = αe^x = f(x) + α，而不是 f(x)。",
                    lambda e: e["val"]),
                 sm("negative_slope_one", "For x < 0 the slope is αe^x, not 1.", "x < 0 时斜率是 αe^x，不是 1。", const(1.0))))
        else:
            val(lambda e: e["x"], pre=branch, text=lambda s: f"f({X}) = {fmt_num(s['val'])}", sub=lambda s: f"f({X}) = {X}")
            der(lambda e: 1.0, ("x",), lambda s: f"f'({X}) = {fmt_num(s['der'])}", lambda s: f"f'({X})",
                (sm("derivative_is_value", "The derivative of x is 1 for x > 0, not the value x.", "x > 0 时导数是 1，而不是函数值 x。",
                    lambda e: e["val"]),))
        return
    if f == "hard_sigmoid":
        inside = -2 < x < 2

        def pt_val(e):
            return min(1.0, max(0.0, e["x"] / 6 + 0.5))

        pt = sm("pytorch_hardsigmoid", "That is PyTorch's hardsigmoid (x/6 + 1/2); the course's hard-logistic is 0.25x + 0.5 clipped to [0, 1].",
                "这是 PyTorch 的 hardsigmoid（x/6 + 1/2）；课程中的 hard-logistic 是 0.25x + 0.5 再截断到 [0, 1]。", pt_val)
        smooth = sm("smooth_sigmoid", "You used the smooth sigmoid; hard-logistic is piecewise linear.",
                    "你用了平滑的 sigmoid；hard-logistic 是分段线性的。", lambda e: _sig(e["x"]))
        lin = f"0.25 \\cdot {px} + 0.5"
        if inside:
            val(lambda e: min(1.0, max(0.0, 0.25 * e["x"] + 0.5)), lambda s: f"f({X}) = {lin} = {fmt_num(s['val'])}",
                lambda s: f"f({X}) = {lin}", mistakes=(pt, smooth))
        else:
            val(lambda e: min(1.0, max(0.0, 0.25 * e["x"] + 0.5)),
                lambda s: f"f({X}) = \\max(0, \\min(1, {lin})) = {fmt_num(s['val'])}",
                lambda s: f"f({X}) = \\max(0, \\min(1, {lin}))", mistakes=(pt, smooth))
        der(lambda e: 0.25 if -2 < e["x"] < 2 else 0.0, ("x",),
            pre=f"-2 < {X} < 2" if inside else f"{X} \\notin (-2, 2)", text=lambda s: f"f'({X}) = {fmt_num(s['der'])}",
            sub=lambda s: f"f'({X})",
            mistakes=(sm("pytorch_hardsigmoid", "That is PyTorch's hardsigmoid, slope 1/6; the course's hard-logistic has slope 0.25 inside (−2, 2).",
                "这是 PyTorch 的 hardsigmoid，斜率 1/6；课程中的 hard-logistic 在 (−2, 2) 内斜率为 0.25。",
                lambda e: 1 / 6 if -3 < e["x"] < 3 else 0.0),
             sm("smooth_sigmoid", "You used the smooth sigmoid's σ(1 − σ); hard-logistic is piecewise linear.",
                "你用了平滑 sigmoid 的 σ(1 − σ)；hard-logistic 是分段线性的。", lambda e: _sig(e["x"]) * (1 - _sig(e["x"]))))
            + (() if inside else (sm("slope_outside", "Outside (−2, 2) the hard-logistic is flat: f'(x) = 0.",
                                     "在 (−2, 2) 之外 hard-logistic 是平的：f'(x) = 0。", const(0.25)),)))
        return
    if f == "hard_tanh":
        inside = -1 < x < 1
        val(lambda e: min(1.0, max(-1.0, e["x"])), lambda s: f"f({X}) = \\max(-1, \\min(1, {X})) = {fmt_num(s['val'])}",
            lambda s: f"f({X}) = \\max(-1, \\min(1, {X}))",
            mistakes=(sm("smooth_tanh", "You used the smooth tanh; hard-tanh is clipped linear.", "你用了平滑的 tanh；hard-tanh 是截断的线性函数。",
                         lambda e: math.tanh(e["x"])),) + (() if inside else (
                sm("not_clipped", "hard-tanh clips to [−1, 1].", "hard-tanh 要截断到 [−1, 1]。", lambda e: e["x"]),)))
        der(lambda e: 1.0 if -1 < e["x"] < 1 else 0.0, ("x",),
            pre=f"-1 < {X} < 1" if inside else f"{X} \\notin (-1, 1)", text=lambda s: f"f'({X}) = {fmt_num(s['der'])}",
            sub=lambda s: f"f'({X})",
            mistakes=(sm("smooth_tanh", "You used the smooth tanh's 1 − tanh²; hard-tanh is clipped linear.",
                "你用了平滑 tanh 的 1 − tanh²；hard-tanh 是截断的线性函数。", lambda e: 1 - math.tanh(e["x"]) ** 2),)
            + (() if inside else (sm("slope_outside", "Outside (−1, 1) hard-tanh is flat: f'(x) = 0.", "在 (−1, 1) 之外 hard-tanh 是平的：f'(x) = 0。",
                                     const(1.0)),)))
        return
    # identity, step
    fn_v = (lambda e: e["x"]) if f == "identity" else (lambda e: 1.0 if e["x"] >= 0 else 0.0)
    val(fn_v, lambda s: f"f({X}) = {fmt_num(s['val'])}", lambda s: f"f({X})")
    der(lambda e: 1.0 if f == "identity" else 0.0, ("x",), lambda s: f"f'({X}) = {fmt_num(s['der'])}", lambda s: f"f'({X})")


def solve(prm: dict) -> Solution:
    f = str(prm["f"]).strip().lower().replace("-", "_")
    if f not in FUNCTIONS:
        raise ParamError(f"unknown activation {f}; choose one of {', '.join(FUNCTIONS)}",
                         f"未知的激活函数 {f}；可选 {'、'.join(FUNCTIONS)}")
    prm = {**prm, "f": f}
    x, a = float(prm["x"]), _shape_param(prm)
    if abs(x) > 50:
        raise ParamError("use |x| ≤ 50", "请取 |x| ≤ 50")
    val, der = _value_grad(f, x, a)
    ans = (val, der)
    defn, dform = _definition(f, a)
    name_en, name_zh = NAMES[f]
    X = fmt_num(x)
    prompt = bi(
        f"For the {name_en} activation ${defn}$, compute $f(x)$ and its derivative $f'(x)$ at $x = {X}$. "
        "Give f(x), f'(x) to 4 decimals.",
        f"对 {name_zh} 激活函数 ${defn}$，求 $x = {X}$ 处的函数值 $f(x)$ 与导数 $f'(x)$。"
        "按 f(x), f'(x) 的顺序填写，保留 4 位小数。",
    )
    chain = _chain(f, x, a)
    steps = [bi(f"Derivative: ${dform}$.", f"导数：${dform}$。")] + [st.text for st in chain]
    conventions = []
    if x in KINKS.get(f, ()):
        conventions.append(bi(f"x = {X} is a kink of {name_en}: the derivative does not exist there; by convention "
                              "(as PyTorch) the left-hand derivative is used.",
                              f"x = {X} 是 {name_zh} 的折点，导数不存在；按约定（与 PyTorch 相同）取左导数。"))

    M = []

    def add(mid, value, en, zh):
        M.append(Misconception(mid, (float(value[0]), float(value[1])), bi(en, zh)))

    if f == "sigmoid":
        add("derivative_is_sigma", (val, val), "σ'(x) = σ(x)(1 − σ(x)): you forgot the factor (1 − σ(x)).",
            "σ'(x) = σ(x)(1 − σ(x))：你漏了因子 (1 − σ(x))。")
        add("used_x_in_derivative", (val, x * (1 - x)), "You put x into σ(1 − σ); it is σ(x)(1 − σ(x)), with σ(x), not x.",
            "你把 x 代入了 σ(1 − σ)；应是 σ(x)(1 − σ(x))，代入的是 σ(x) 而不是 x。")
        add("sign_in_exponent", (_sig(-x), der), "σ(x) = 1/(1 + e^{−x}): mind the minus sign in the exponent.",
            "σ(x) = 1/(1 + e^{−x})：注意指数里的负号。")
    elif f == "tanh":
        add("forgot_square", (val, 1 - val), "tanh'(x) = 1 − tanh²(x): you forgot the square.", "tanh'(x) = 1 − tanh²(x)：你漏了平方。")
        add("used_x_in_derivative", (val, 1 - x * x), "tanh'(x) = 1 − tanh²(x), not 1 − x².", "tanh'(x) = 1 − tanh²(x)，不是 1 − x²。")
        add("sigmoid_derivative_form", (val, val * (1 - val)), "You used the sigmoid's form f(1 − f); for tanh it is 1 − f².",
            "你用了 sigmoid 的导数形式 f(1 − f)；tanh 的导数是 1 − f²。")
    elif f in ("relu", "leaky_relu", "prelu"):
        if x < 0:
            add("negative_slope_one", (val, 1.0), "For x < 0 the slope is not 1: the function is flat (ReLU) or has the small slope.",
                "x < 0 时斜率不是 1：ReLU 在负半轴是平的，Leaky ReLU/PReLU 是那个小斜率。")
            if f != "relu":
                add("plain_relu", (0.0, 0.0), f"That is plain ReLU; {name_en} keeps a slope {fmt_num(a)} for x < 0.",
                    f"这是普通 ReLU；{name_zh} 在 x < 0 时保留斜率 {fmt_num(a)}。")
                if a != 0.01:
                    add("wrong_slope", (0.01 * x, 0.01), f"You used the default slope 0.01; here it is {fmt_num(a)}.",
                        f"你用了默认斜率 0.01；本题斜率为 {fmt_num(a)}。")
            else:
                add("relu_as_identity", (x, 1.0), "ReLU clips negative inputs to 0: max(0, x).", "ReLU 把负输入截为 0：max(0, x)。")
        else:
            add("derivative_is_value", (val, val), "The derivative of x is 1 for x > 0, not the value x.", "x > 0 时导数是 1，而不是函数值 x。")
            add("confused_with_step", (1.0, 0.0), "That is the step function; ReLU(x) = x for x > 0 with slope 1.",
                "这是阶跃函数；x > 0 时 ReLU(x) = x，斜率为 1。")
    elif f == "elu":
        if x < 0:
            add("derivative_is_value", (val, val), "For x < 0, f'(x) = αe^x = f(x) + α, not f(x).", "x < 0 时 f'(x) = αe^x = f(x) + α，而不是 f(x)。")
            add("forgot_minus_one", (a * math.exp(x), a * math.exp(x)), "ELU is α(e^x − 1) for x < 0: you forgot the −1.",
                "x < 0 时 ELU 为 α(e^x − 1)：你漏了 −1。")
            add("negative_slope_one", (val, 1.0), "For x < 0 the slope is αe^x, not 1.", "x < 0 时斜率是 αe^x，不是 1。")
        else:
            add("derivative_is_value", (val, val), "The derivative of x is 1 for x > 0, not the value x.", "x > 0 时导数是 1，而不是函数值 x。")
    elif f == "softplus":
        add("derivative_sign", (val, _sig(-x)), "softplus'(x) = e^x/(1 + e^x) = σ(x), not σ(−x).", "softplus'(x) = e^x/(1 + e^x) = σ(x)，不是 σ(−x)。")
        add("log10", (math.log10(1 + math.exp(x)), der / math.log(10)), "softplus uses the natural log ln(1 + e^x).",
            "softplus 用自然对数 ln(1 + e^x)。")
        add("forgot_one", (x, 1.0), "softplus is ln(1 + e^x): the 1 inside matters.", "softplus 是 ln(1 + e^x)：里面的 1 不能丢。")
    elif f == "hard_sigmoid":
        add("pytorch_hardsigmoid", (min(1.0, max(0.0, x / 6 + 0.5)), (1 / 6 if -3 < x < 3 else 0.0)),
            "That is PyTorch's hardsigmoid (x/6 + 1/2); the course's hard-logistic is 0.25x + 0.5 clipped to [0, 1].",
            "这是 PyTorch 的 hardsigmoid（x/6 + 1/2）；课程中的 hard-logistic 是 0.25x + 0.5 再截断到 [0, 1]。")
        add("smooth_sigmoid", (_sig(x), _sig(x) * (1 - _sig(x))), "You used the smooth sigmoid; hard-logistic is piecewise linear.",
            "你用了平滑的 sigmoid；hard-logistic 是分段线性的。")
        if not -2 < x < 2:
            add("slope_outside", (val, 0.25), "Outside (−2, 2) the hard-logistic is flat: f'(x) = 0.",
                "在 (−2, 2) 之外 hard-logistic 是平的：f'(x) = 0。")
    elif f == "hard_tanh":
        add("smooth_tanh", (math.tanh(x), 1 - math.tanh(x) ** 2), "You used the smooth tanh; hard-tanh is clipped linear.",
            "你用了平滑的 tanh；hard-tanh 是截断的线性函数。")
        if not -1 < x < 1:
            add("slope_outside", (val, 1.0), "Outside (−1, 1) hard-tanh is flat: f'(x) = 0.", "在 (−1, 1) 之外 hard-tanh 是平的：f'(x) = 0。")
            add("not_clipped", (x, 1.0), "hard-tanh clips to [−1, 1].", "hard-tanh 要截断到 [−1, 1]。")
    elif f == "gelu":
        add("forgot_x_phi", (val, _Phi(x)), "Product rule: (xΦ(x))' = Φ(x) + xφ(x); you forgot xφ(x).",
            "乘积法则：(xΦ(x))' = Φ(x) + xφ(x)；你漏了 xφ(x)。")
        add("relu_instead", (max(0.0, x), 1.0 if x > 0 else 0.0), "GELU is smooth, x·Φ(x), not ReLU.", "GELU 是光滑的 x·Φ(x)，不是 ReLU。")
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(M),
                    conventions=tuple(conventions), answer_text=f"[{val:.4f}, {der:.4f}]", rtol=RTOL, atol=ATOL,
                    chain=chain, answer_of=("val", "der"),
                    hint=bi(f"${dform}$", f"${dform}$"))


def check(prm: dict):
    """Engine route: the engine's Activation layer, forward at x, backward with dL/df = 1."""
    import numpy as np

    from ..engine import Activation

    f = str(prm["f"]).strip().lower().replace("-", "_")
    kw = {SHAPE_PARAM[f][0]: _shape_param({**prm, "f": f})} if f in SHAPE_PARAM else {}
    layer = Activation(f, **kw)
    val = layer.forward(np.array([float(prm["x"])]))
    der = layer.backward(np.ones(1))
    return (float(val[0]), float(der[0]))
