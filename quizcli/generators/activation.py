"""Value and derivative of an activation function at a point: f(x), f'(x).

Formula route: the closed forms (σ' = σ(1 − σ), tanh' = 1 − tanh², …) in pure Python math.
Engine route: the engine's Activation layer, run forward at x and back-propagated with
dL/df = 1 (its backward returns f'(x)).
"""
from __future__ import annotations

import math
import random

from .base import Family, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

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


def _work(f: str, x: float, a: float, val: float, der: float) -> list:
    """Substituted numbers, one step per line (the same in both languages)."""
    X, V, D = fmt_num(x), fmt_num(val, 4), fmt_num(der, 4)
    V6 = fmt_num(val, 6)  # intermediate values carried to 6 decimals: redoing the step by hand gives D
    px = f"({X})" if x < 0 else X
    if f == "sigmoid":
        return [f"\\sigma({X}) = \\frac{{1}}{{1 + e^{{{fmt_num(-x)}}}}} = {V}",
                f"\\sigma'({X}) = {V6} \\cdot (1 - {V6}) = {D}"]
    if f == "tanh":
        pv = f"({V6})" if val < 0 else V6
        return [f"\\tanh({X}) = {V}", f"f'({X}) = 1 - {pv}^2 = {D}"]
    if f == "softplus":
        return [f"\\ln(1 + e^{{{X}}}) = {V}", f"\\sigma({X}) = \\frac{{1}}{{1 + e^{{{fmt_num(-x)}}}}} = {D}"]
    if f == "gelu":
        Phi, phi = fmt_num(_Phi(x), 6), fmt_num(_phi(x), 6)
        return [f"\\Phi({X}) = {Phi}, \\; \\varphi({X}) = {phi}",
                f"f({X}) = {px} \\cdot {Phi} = {V}",
                f"f'({X}) = {Phi} + {px} \\cdot {phi} = {D}"]
    if f == "elu" and x <= 0:
        A = fmt_num(a)
        return [f"f({X}) = {A} \\cdot (e^{{{X}}} - 1) = {V}", f"f'({X}) = {A} \\cdot e^{{{X}}} = {D}"]
    if f in ("leaky_relu", "prelu") and x <= 0:
        A = fmt_num(a)
        return [f"f({X}) = {A} \\cdot {px} = {V}", f"f'({X}) = {A}"]
    if f == "hard_sigmoid" and -2 < x < 2:
        return [f"f({X}) = 0.25 \\cdot {px} + 0.5 = {V}", f"f'({X}) = 0.25"]
    return [f"f({X}) = {V}", f"f'({X}) = {D}"]


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
    steps = [bi(f"Derivative: ${dform}$.", f"导数：${dform}$。")]
    for line in _work(f, x, a, val, der):
        steps.append(bi(f"${line}$", f"${line}$"))
    steps.append(bi(f"Answer: f(x), f'(x) = {fmt_num(val, 4)}, {fmt_num(der, 4)}.",
                    f"答案：f(x), f'(x) = {fmt_num(val, 4)}, {fmt_num(der, 4)}。"))
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
