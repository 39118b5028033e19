"""Weight initialisation scale: Xavier (Glorot) and He (Kaiming), uniform and normal.

Formula route: Xavier uniform a = √(6/(n_in+n_out)), Xavier normal σ = √(2/(n_in+n_out)),
He uniform a = √(6/n_in), He normal σ = √(2/n_in).

Engine route (deterministic, a genuinely different derivation). Sampling a large matrix and
measuring its std only agrees to ~1e-3, while `build_problem` compares the routes to 1e-9,
so the check re-derives the value from the variance-preservation argument numerically:
1. the activation gain: for He, E[ReLU(z)²]/E[z²] is computed with the engine's ReLU on a
   symmetric Gauss–Hermite grid of z ~ N(0, 1) (exactly ½, so the gain is 2); for Xavier
   the gain is the engine's tanh′(0)² = 1 (the linear regime Glorot assumed);
2. the weight variance v is found by bisection on the preservation condition
   n·v·(1/gain) = 1, with n = n_in (He) or the average (n_in + n_out)/2 (Xavier's
   compromise between the forward and backward conditions);
3. normal: σ = √v; uniform: the bound a is found by bisection so that the variance of
   U(−a, a), computed by Simpson quadrature of x²/(2a) over [−a, a] (exact for x²),
   equals v.
A sampling check (a 1000×1000 draw, std within 1 %) is in the tests.
"""
from __future__ import annotations

import functools
import math
import random

from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, answers_agree, bi, fmt_num, fmt_sig, pick

SCHEMES = ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal")

FAMILY = Family(
    id="init_scale",
    topic="optimization",
    concepts=("xavier_init", "he_init", "parameter_init"),
    title=bi("Xavier / He initialisation scale", "Xavier / He 初始化的尺度"),
    params=(
        Param("fan_in", "int", bi("fan-in n_in (inputs per unit)", "扇入 n_in（每个单元的输入数）"), aliases=("n_in", "nin"), max=10000000),
        Param("fan_out", "int", bi("fan-out n_out (outputs per unit)", "扇出 n_out（每个单元的输出数）"), aliases=("n_out", "nout"), max=10000000),
        Param("scheme", "str", bi("xavier_uniform (bound a of U(−a, a)), xavier_normal (σ), he_uniform (a) or he_normal (σ)",
                                  "xavier_uniform（U(−a, a) 的界 a）、xavier_normal（σ）、he_uniform（a）或 he_normal（σ）"),
              default="xavier_uniform", choices=SCHEMES),
    ),
)

RTOL, ATOL = 2e-3, 1e-6

_EASY = {"xavier_uniform": ((300, 300), (100, 50), (12, 12), (400, 200), (10, 14)),
         "xavier_normal": ((100, 100), (150, 50), (400, 400), (8, 42), (30, 20)),
         "he_uniform": ((600, 100), (150, 10), (24, 12), (96, 32), (2400, 100)),
         "he_normal": ((200, 100), (50, 20), (8, 4), (800, 10), (128, 64))}


def generate(rng: random.Random, difficulty: str) -> dict:
    scheme = pick(rng, SCHEMES)
    if difficulty == "easy":
        fi, fo = pick(rng, _EASY[scheme])
    elif difficulty == "medium":
        fi, fo = pick(rng, ((784, 256), (256, 128), (512, 512), (300, 100), (128, 10), (100, 50), (1024, 512), (64, 32)))
    else:
        fi, fo = pick(rng, ((576, 1152), (4096, 1000), (27, 576), (1152, 2304), (2048, 1000), (147, 3136), (9216, 4096)))
    return {"fan_in": fi, "fan_out": fo, "scheme": scheme}


def _value(fi, fo, scheme):
    n = fi if scheme.startswith("he") else fi + fo
    num = (6 if scheme.endswith("uniform") else 2)
    return math.sqrt(num / n)


def solve(prm: dict) -> Solution:
    fi, fo, scheme = prm["fan_in"], prm["fan_out"], prm["scheme"]
    if min(fi, fo) < 1:
        raise ParamError("fan_in and fan_out must be ≥ 1", "扇入和扇出须 ≥ 1")
    if scheme not in SCHEMES:
        raise ParamError(f"scheme must be one of {', '.join(SCHEMES)}", f"scheme 须为 {', '.join(SCHEMES)} 之一")
    he, uni = scheme.startswith("he"), scheme.endswith("uniform")
    val = _value(fi, fo, scheme)
    var = (2 / fi) if he else (2 / (fi + fo))
    name_en = ("He (Kaiming)" if he else "Xavier (Glorot)") + (" uniform" if uni else " normal")
    name_zh = ("He（Kaiming）" if he else "Xavier（Glorot）") + ("均匀" if uni else "正态")
    ask_en = "the bound a of the uniform distribution U(−a, a)" if uni else "the standard deviation σ of the normal distribution N(0, σ²)"
    ask_zh = "均匀分布 U(−a, a) 的界 a" if uni else "正态分布 N(0, σ²) 的标准差 σ"
    prompt = bi(
        f"A fully connected layer has fan_in = {fi} and fan_out = {fo}. Its weights use {name_en} initialisation. "
        f"Give {ask_en} (4 significant digits).",
        f"一个全连接层的扇入 fan_in = {fi}，扇出 fan_out = {fo}，权重采用 {name_zh}初始化。求{ask_zh}（保留 4 位有效数字）。",
    )
    if he:
        s1 = bi(r"He initialisation (for ReLU, which zeroes half the signal) keeps the variance when $\mathrm{Var}(w) = \frac{2}{n_{in}}$.",
                r"He 初始化（针对 ReLU，它把一半信号置零）要求 $\mathrm{Var}(w) = \frac{2}{n_{in}}$ 以保持方差。")
    else:
        s1 = bi(r"Xavier initialisation balances the forward and backward variance: $\mathrm{Var}(w) = \frac{2}{n_{in} + n_{out}}$.",
                r"Xavier 初始化兼顾前向和反向的方差：$\mathrm{Var}(w) = \frac{2}{n_{in} + n_{out}}$。")
    if uni:
        s2 = bi(r"For $U(-a, a)$ the variance is $a^2/3$, so $a = \sqrt{3\,\mathrm{Var}(w)}$ = "
                + (r"$\sqrt{6/n_{in}}$." if he else r"$\sqrt{6/(n_{in}+n_{out})}$."),
                r"$U(-a, a)$ 的方差为 $a^2/3$，所以 $a = \sqrt{3\,\mathrm{Var}(w)}$ = "
                + (r"$\sqrt{6/n_{in}}$。" if he else r"$\sqrt{6/(n_{in}+n_{out})}$。"))
    else:
        s2 = bi(r"The standard deviation is $\sigma = \sqrt{\mathrm{Var}(w)}$.", r"标准差 $\sigma = \sqrt{\mathrm{Var}(w)}$。")
    chain = _chain(fi, fo, he, uni)
    steps = [s1, s2] + [st.text for st in chain]
    other = ("xavier" if he else "he") + ("_uniform" if uni else "_normal")
    twin = scheme.split("_")[0] + ("_normal" if uni else "_uniform")
    miscon = [
        Misconception("uniform_normal_swap", _value(fi, fo, twin), bi(
            ("You gave the normal σ; the uniform bound is a = √3·σ (Var of U(−a, a) is a²/3)." if uni
             else "You gave the uniform bound a; the normal σ is a/√3 (σ = √Var)."),
            ("你给出的是正态分布的 σ；均匀分布的界 a = √3·σ（U(−a, a) 的方差为 a²/3）。" if uni
             else "你给出的是均匀分布的界 a；正态分布的 σ = a/√3（σ = √Var）。"))),
        Misconception("xavier_he_swap", _value(fi, fo, other), bi(
            ("You used Xavier (n_in + n_out); He initialisation uses n_in only, with the ReLU factor 2." if he
             else "You used He (2/n_in); Xavier uses n_in + n_out."),
            ("你用了 Xavier（n_in + n_out）；He 初始化只用 n_in，并带有 ReLU 的因子 2。" if he
             else "你用了 He（2/n_in）；Xavier 用的是 n_in + n_out。"))),
        Misconception("gave_variance", var, bi(
            "You gave the variance Var(w); the question asks for " + ("the bound a = √(3·Var)." if uni else "the standard deviation σ = √Var."),
            "你给出的是方差 Var(w)；题目要的是" + ("界 a = √(3·Var)。" if uni else "标准差 σ = √Var。"))),
        Misconception("lecun_fan_in_only", math.sqrt((3 if uni else 1) / fi), bi(
            ("You dropped ReLU's factor 2 (that is LeCun initialisation, Var = 1/n_in)." if he
             else "You used n_in only (LeCun initialisation, Var = 1/n_in); Xavier averages n_in and n_out."),
            ("你漏了 ReLU 的因子 2（那是 LeCun 初始化，Var = 1/n_in）。" if he
             else "你只用了 n_in（LeCun 初始化，Var = 1/n_in）；Xavier 取 n_in 与 n_out 的平均。"))),
    ]
    out = []
    for m in miscon:
        if answers_agree(m.value, val, rtol=RTOL, atol=ATOL) or any(answers_agree(m.value, o.value, rtol=RTOL, atol=ATOL) for o in out):
            continue
        out.append(m)
    return Solution(prompt=prompt, answer=val, steps=tuple(steps), misconceptions=tuple(out),
                    conventions=(bi("Xavier: Var = 2/(n_in + n_out); He (ReLU): Var = 2/n_in; U(−a, a) has variance a²/3.",
                                    "Xavier：Var = 2/(n_in + n_out)；He（ReLU）：Var = 2/n_in；U(−a, a) 的方差为 a²/3。"),),
                    rtol=RTOL, atol=ATOL, answer_text=f"{val:.4g}", chain=chain,
                    hint=bi("Find Var(w) first, then σ = √Var or a = √(3·Var).", "先求 Var(w)，再求 σ = √Var 或 a = √(3·Var)。"))


def _chain(fi, fo, he, uni):
    """Xavier: the fan sum n_in + n_out; then Var(w); then σ = √Var or a = √(3·Var)."""
    ch = Chain({"fan_in": fi, "fan_out": fo})
    if not he:
        ch.step("n", bi("the fan sum n_in + n_out", "扇入与扇出之和 n_in + n_out"), lambda e: e["fan_in"] + e["fan_out"],
                uses=("fan_in", "fan_out"), digits=0, rtol=0, atol=0.01,
                text=lambda sh: bi(f"$n_{{in}} + n_{{out}} = {fi} + {fo} = {fmt_num(sh['n'])}$", f"$n_{{in}} + n_{{out}} = {fi} + {fo} = {fmt_num(sh['n'])}$"),
                rule=bi("Xavier averages the fan-in and the fan-out", "Xavier 兼顾扇入和扇出"), formula=bi("n_in + n_out", "n_in + n_out"),
                substituted=lambda sh: bi(f"{fi} + {fo}", f"{fi} + {fo}"))
        var_fn, vuses, vsub = (lambda e: 2 / e["n"]), ("n",), (lambda sh: f"2/{fmt_num(sh['n'])}")
        wrong = StepMistake("xavier_he_swap", bi("You used He (2/n_in); Xavier uses n_in + n_out.", "你用了 He（2/n_in）；Xavier 用的是 n_in + n_out。"),
                            lambda e: 2 / e["fan_in"])
        lecun = StepMistake("lecun_fan_in_only", bi("You used n_in only (LeCun initialisation, Var = 1/n_in); Xavier averages n_in and n_out.",
                                                    "你只用了 n_in（LeCun 初始化，Var = 1/n_in）；Xavier 取 n_in 与 n_out 的平均。"),
                            lambda e: 1 / e["fan_in"])
        rule = bi("Xavier: keep the variance forward and backward", "Xavier：前向与反向都保持方差")
        formula = bi("$\\mathrm{Var}(w) = \\frac{2}{n_{in} + n_{out}}$", "$\\mathrm{Var}(w) = \\frac{2}{n_{in} + n_{out}}$")
    else:
        var_fn, vuses, vsub = (lambda e: 2 / e["fan_in"]), ("fan_in",), (lambda sh: f"2/{fi}")
        wrong = StepMistake("xavier_he_swap", bi("You used Xavier (n_in + n_out); He initialisation uses n_in only, with the ReLU factor 2.",
                                                 "你用了 Xavier（n_in + n_out）；He 初始化只用 n_in，并带有 ReLU 的因子 2。"),
                            lambda e: 2 / (e["fan_in"] + fo))
        lecun = StepMistake("lecun_fan_in_only", bi("You dropped ReLU's factor 2 (that is LeCun initialisation, Var = 1/n_in).",
                                                    "你漏了 ReLU 的因子 2（那是 LeCun 初始化，Var = 1/n_in）。"), lambda e: 1 / e["fan_in"])
        rule = bi("He: ReLU zeroes half the signal, so the variance doubles", "He：ReLU 把一半信号置零，所以方差加倍")
        formula = bi("$\\mathrm{Var}(w) = \\frac{2}{n_{in}}$", "$\\mathrm{Var}(w) = \\frac{2}{n_{in}}$")
    ch.step("var", bi("the weight variance Var(w)", "权重方差 Var(w)"), var_fn, uses=vuses, sig=6, rtol=RTOL, atol=1e-9,
            text=lambda sh: bi(f"$\\mathrm{{Var}}(w) = {vsub(sh)} = {fmt_sig(sh['var'], 6)}$", f"$\\mathrm{{Var}}(w) = {vsub(sh)} = {fmt_sig(sh['var'], 6)}$"),
            rule=rule, formula=formula, substituted=lambda sh: bi(f"$\\mathrm{{Var}}(w) = {vsub(sh)}$", f"$\\mathrm{{Var}}(w) = {vsub(sh)}$"),
            mistakes=(wrong, lecun))
    if uni:
        name = bi("the bound a of U(−a, a)", "均匀分布 U(−a, a) 的界 a")
        fn = lambda e: math.sqrt(3 * e["var"])  # noqa: E731
        lhs, inner = "a", (lambda sh: f"3 \\cdot {fmt_sig(sh['var'], 6)}")
        rule = bi("the variance of U(−a, a) is a²/3", "U(−a, a) 的方差为 a²/3")
        formula = bi("$a = \\sqrt{3\\,\\mathrm{Var}(w)}$", "$a = \\sqrt{3\\,\\mathrm{Var}(w)}$")
        swap = StepMistake("uniform_normal_swap", bi("You gave the normal σ; the uniform bound is a = √3·σ (Var of U(−a, a) is a²/3).",
                                                     "你给出的是正态分布的 σ；均匀分布的界 a = √3·σ（U(−a, a) 的方差为 a²/3）。"),
                           lambda e: math.sqrt(e["var"]))
    else:
        name = bi("the standard deviation σ", "标准差 σ")
        fn = lambda e: math.sqrt(e["var"])  # noqa: E731
        lhs, inner = "\\sigma", (lambda sh: fmt_sig(sh["var"], 6))
        rule = bi("the standard deviation is the square root of the variance", "标准差是方差的平方根")
        formula = bi("$\\sigma = \\sqrt{\\mathrm{Var}(w)}$", "$\\sigma = \\sqrt{\\mathrm{Var}(w)}$")
        swap = StepMistake("uniform_normal_swap", bi("You gave the uniform bound a; the normal σ is a/√3 (σ = √Var).",
                                                     "你给出的是均匀分布的界 a；正态分布的 σ = a/√3（σ = √Var）。"),
                           lambda e: math.sqrt(3 * e["var"]))
    ch.step("val", name, fn, uses=("var",), sig=4, rtol=RTOL, atol=ATOL,
            text=lambda sh: bi(f"${lhs} = \\sqrt{{{inner(sh)}}} = {fmt_sig(sh['val'], 4)}$", f"${lhs} = \\sqrt{{{inner(sh)}}} = {fmt_sig(sh['val'], 4)}$"),
            rule=rule, formula=formula, substituted=lambda sh: bi(f"${lhs} = \\sqrt{{{inner(sh)}}}$", f"${lhs} = \\sqrt{{{inner(sh)}}}$"),
            mistakes=(swap, StepMistake("gave_variance", bi("You gave the variance Var(w); take its square root" + (" after multiplying by 3." if uni else "."),
                                                            "你给出的是方差 Var(w)；还要" + ("乘以 3 再" if uni else "") + "开平方。"),
                                        lambda e: e["var"])))
    return ch.steps


def _bisect(f, lo, hi, iters=200):
    flo = f(lo)
    for _ in range(iters):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
        if hi - lo <= 1e-17 * max(1.0, hi):
            break
    return (lo + hi) / 2


@functools.lru_cache(maxsize=1)
def _relu_second_moment_ratio() -> float:
    """E[ReLU(z)²]/E[z²] for z ~ N(0, 1), by Gauss–Hermite quadrature with the engine's ReLU."""
    import numpy as np

    from ..engine import ACTIVATIONS

    z, w = np.polynomial.hermite_e.hermegauss(40)  # symmetric nodes, weight e^{-z²/2}
    return float(np.sum(w * ACTIVATIONS["relu"].fn(z) ** 2) / np.sum(w * z ** 2))


def check(prm: dict):
    """Deterministic second route (see module docstring): gain from the engine's activations,
    the variance by bisection on the preservation condition, the bound by quadrature."""
    import numpy as np

    from ..engine import ACTIVATIONS

    fi, fo, scheme = prm["fan_in"], prm["fan_out"], prm["scheme"]
    if scheme.startswith("he"):
        n, gain = fi, 1.0 / _relu_second_moment_ratio()
    else:
        slope = float(ACTIVATIONS["tanh"].grad(0.0))  # tanh'(0) = 1: linear regime
        n, gain = (fi + fo) / 2, 1.0 / slope ** 2
    v = _bisect(lambda var: n * var / gain - 1.0, 0.0, 10.0)
    if scheme.endswith("normal"):
        return math.sqrt(v)

    def uniform_var(a):  # Simpson on [−a, a] of x² · 1/(2a): exact for a quadratic
        xs = np.array([-a, 0.0, a])
        fx = xs ** 2 / (2 * a)
        return float((2 * a) / 6 * (fx[0] + 4 * fx[1] + fx[2]))

    return _bisect(lambda a: uniform_var(a) - v, 1e-12, 10.0)
