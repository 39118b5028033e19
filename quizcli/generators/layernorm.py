"""Layer normalisation forward pass: each sample normalised over its own features.

Formula route: per sample μ = Σ_j x_j/D, σ² = Σ_j (x_j − μ)²/D, x̂ = (x − μ)/√(σ² + ε),
y = γ ⊙ x̂ + β (pure Python).
Engine route: the engine's LayerNorm layer (γ, β set) run forward on the samples.
"""
from __future__ import annotations

import math
import random

from .base import (
    Chain,
    StepMistake,
    Family,
    Misconception,
    Param,
    ParamError,
    Solution,
    bi,
    fmt_answer,
    fmt_num,
    pick,
)

FAMILY = Family(
    id="layernorm",
    topic="normalization",
    concepts=("layer_norm", "batch_norm"),
    title=bi("Layer normalisation forward pass", "层归一化的前向计算"),
    params=(
        Param("x", "matrix", bi("the features of one sample (x_1, …, x_D), or several samples as rows separated by ';'",
                                "一个样本的特征 (x_1, …, x_D)，或多个样本（每行一个，用“;”分隔）"), min=-1e6, max=1e6, max_len=32),
        Param("gamma", "floats", bi("scale γ: one value, or one per feature", "缩放 γ：一个值，或每个特征一个"), default="1",
              aliases=("g",), min=-1e6, max=1e6, max_len=32),
        Param("beta", "floats", bi("shift β: one value, or one per feature", "平移 β：一个值，或每个特征一个"), default="0",
              aliases=("b",), min=-1e6, max=1e6, max_len=32),
        Param("eps", "float", bi("ε inside the square root (0: negligible)", "根号内的 ε（0 表示忽略）"), default="0",
              aliases=("epsilon",), min=0, max=1),
    ),
)

RTOL, ATOL = 2e-3, 2e-3


def _flat(v):
    return [x for r in v for x in r] if v and isinstance(v[0], tuple) else list(v)


def _shape(v):
    return (len(v), len(v[0])) if v and isinstance(v[0], tuple) else (len(v),)


def _vector(prm, name, d, default):
    v = tuple(float(a) for a in (prm.get(name) or ()))
    if not v:
        return (default,) * d
    if len(v) == 1:
        return v * d
    if len(v) != d:
        raise ParamError(f"{name} needs one value or {d} (one per feature)", f"{name} 需要 1 个值或 {d} 个值（每个特征一个）")
    return v


def generate(rng: random.Random, difficulty: str) -> dict:
    while True:
        if difficulty == "easy":
            x = (tuple(float(rng.randint(-2, 8)) for _ in range(pick(rng, (3, 4)))),)
            g, b = (1.0,), (0.0,)
        elif difficulty == "medium":
            x = (tuple(float(rng.randint(-3, 9)) for _ in range(pick(rng, (4, 4, 5)))),)
            g, b = (pick(rng, (2.0, 0.5, 1.5, 1.0)),), (pick(rng, (0.0, 1.0, -1.0, 0.5)),)
        else:
            d = 3
            x = tuple(tuple(rng.randint(-20, 40) / 10 for _ in range(d)) for _ in range(2))
            g = tuple(pick(rng, (0.5, 1.0, 1.5, 2.0)) for _ in range(d))
            b = tuple(pick(rng, (0.0, 0.5, -0.5, 1.0)) for _ in range(d))
        if all(len(set(r)) >= 2 for r in x) and all(len({r[j] for r in x}) >= 2 for j in range(len(x[0]))) or len(x) == 1 \
                and len(set(x[0])) >= 2:
            return {"x": x, "gamma": g, "beta": b, "eps": 0.0}


def _norm_rows(x, g, b, eps, ddof=0, power=0.5, affine=True, shift_first=False, centre_only=False):
    out = []
    for r in x:
        d = len(r)
        mu = sum(r) / d
        var = sum((v - mu) ** 2 for v in r) / (d - ddof)
        den = 1.0 if centre_only else (var + eps) ** power
        h = [(v - mu) / den for v in r]
        if not affine:
            out.append(tuple(h))
        elif shift_first:
            out.append(tuple(gj * (hj + bj) for hj, gj, bj in zip(h, g, b)))
        else:
            out.append(tuple(gj * hj + bj for hj, gj, bj in zip(h, g, b)))
    return out


def _over_batch(x, g, b, eps):
    """Batch-norm statistics (per feature, over the samples): the wrong axis for layer norm."""
    n, d = len(x), len(x[0])
    cols = []
    for j in range(d):
        c = [x[i][j] for i in range(n)]
        mu = sum(c) / n
        var = sum((v - mu) ** 2 for v in c) / n
        cols.append([g[j] * (v - mu) / math.sqrt(var + eps) + b[j] if var + eps > 0 else float("nan") for v in c])
    return [tuple(cols[j][i] for j in range(d)) for i in range(n)]


def solve(prm: dict) -> Solution:
    x = tuple(tuple(float(v) for v in r) for r in prm["x"])
    n, d = len(x), len(x[0])
    eps = float(prm["eps"])
    if d < 2:
        raise ParamError("layer norm needs at least two features per sample", "层归一化每个样本至少需要两个特征")
    if eps < 0:
        raise ParamError("ε must be ≥ 0", "ε 须 ≥ 0")
    g, b = _vector(prm, "gamma", d, 1.0), _vector(prm, "beta", d, 0.0)
    stats = []
    for r in x:
        mu = sum(r) / d
        var = sum((v - mu) ** 2 for v in r) / d
        if var + eps <= 0:
            raise ParamError("a sample has all features equal and ε = 0: 0/0", "某个样本的所有特征相等且 ε = 0：出现 0/0")
        stats.append((mu, var))
    rows = _norm_rows(x, g, b, eps)
    single = n == 1

    def shape(rs):
        return tuple(rs[0]) if single else tuple(tuple(r) for r in rs)

    ans = shape(rows)
    uniform = len(set(g)) == 1 and len(set(b)) == 1
    gtxt = f"γ = {fmt_num(g[0])}, β = {fmt_num(b[0])}" if uniform else \
        f"γ = ({', '.join(fmt_num(v) for v in g)}), β = ({', '.join(fmt_num(v) for v in b)})"
    eps_en = "ε = 0 (negligible)" if eps == 0 else f"ε = {fmt_num(eps, 8)}"
    eps_zh = "ε = 0（忽略）" if eps == 0 else f"ε = {fmt_num(eps, 8)}"
    if single:
        xs = ", ".join(fmt_num(v) for v in x[0])
        prompt = bi(
            f"A layer-norm layer receives one sample with D = {d} features, x = ({xs}); {gtxt}, {eps_en}. "
            f"Give the outputs y_1, …, y_{d} (4 decimals).",
            f"层归一化层接收一个有 D = {d} 个特征的样本 x = ({xs})；{gtxt}，{eps_zh}。给出输出 y_1, …, y_{d}（保留 4 位小数）。",
        )
    else:
        prompt = bi(
            f"A layer-norm layer receives a mini-batch of {n} samples with D = {d} features each, X = {fmt_answer(x)} "
            f"(one sample per row); {gtxt}, {eps_en}. Give the output matrix row by row, rows separated by ';' (4 decimals).",
            f"层归一化层接收一个小批量：{n} 个样本，每个 D = {d} 个特征，X = {fmt_answer(x)}（每行一个样本）；{gtxt}，{eps_zh}。"
            "逐行给出输出矩阵，行之间用“;”分隔（保留 4 位小数）。",
        )
    steps = [bi(r"Layer norm normalises each sample over its own features: $\mu = \frac{1}{D}\sum_j x_j$, "
                r"$\sigma^2 = \frac{1}{D}\sum_j (x_j - \mu)^2$, $\hat{x}_j = (x_j - \mu)/\sqrt{\sigma^2 + \epsilon}$, "
                r"$y_j = \gamma_j \hat{x}_j + \beta_j$.",
                r"层归一化对每个样本在它自己的特征上归一化：$\mu = \frac{1}{D}\sum_j x_j$，"
                r"$\sigma^2 = \frac{1}{D}\sum_j (x_j - \mu)^2$，$\hat{x}_j = (x_j - \mu)/\sqrt{\sigma^2 + \epsilon}$，"
                r"$y_j = \gamma_j \hat{x}_j + \beta_j$。")]
    for i, (r, (mu, var), y) in enumerate(zip(x, stats, rows)):
        std = math.sqrt(var + eps)
        xhat = [(v - mu) / std for v in r]
        lab_en = "" if single else f"Sample {i + 1}: "
        lab_zh = "" if single else f"样本 {i + 1}："
        steps.append(bi(
            f"{lab_en}$\\mu = {fmt_num(mu, 4)}$, $\\sigma^2 = {fmt_num(var, 4)}$, $\\sqrt{{\\sigma^2 + \\epsilon}} = {fmt_num(std, 4)}$; "
            f"$\\hat{{x}}$ = ({', '.join(fmt_num(h, 4) for h in xhat)}).",
            f"{lab_zh}$\\mu = {fmt_num(mu, 4)}$，$\\sigma^2 = {fmt_num(var, 4)}$，$\\sqrt{{\\sigma^2 + \\epsilon}} = {fmt_num(std, 4)}$；"
            f"$\\hat{{x}}$ = ({', '.join(fmt_num(h, 4) for h in xhat)})。"))
        steps.append(bi(f"{lab_en}$y = \\gamma \\hat{{x}} + \\beta$ = ({', '.join(fmt_num(v, 4) for v in y)}).",
                        f"{lab_zh}$y = \\gamma \\hat{{x}} + \\beta$ = ({', '.join(fmt_num(v, 4) for v in y)})。"))

    if single:
        chain = _chain(x[0], g, b, eps)
        steps = steps[:1] + [bi("; ".join(st.text.en for st in chain[:4]) + ".", "；".join(st.text.zh for st in chain[:4]) + "。"),
                             bi(chain[4].text.en + ".", chain[4].text.zh + "。")]
    else:
        chain = _chain_batch(x, g, b, eps)
        steps = steps[:1] + [st.text for st in chain]
    miscon = []
    if not single:
        miscon.append(Misconception(
            "normalised_over_batch", shape(_over_batch(x, g, b, eps)),
            bi("You normalised each feature over the batch (that is batch norm); layer norm normalises each sample over its features.",
               "你对每个特征在批次上做了归一化（那是批量归一化）；层归一化是对每个样本在其特征上归一化。")))
    miscon += [
        Misconception("unbiased_variance", shape(_norm_rows(x, g, b, eps, ddof=1)),
                      bi("You divided by D − 1: layer norm uses the biased variance (divide by D).",
                         "你除以了 D − 1：层归一化用有偏方差（除以 D）。")),
        Misconception("divided_by_variance", shape(_norm_rows(x, g, b, eps, power=1.0)),
                      bi("You divided by the variance; divide by the standard deviation √(σ² + ε).",
                         "你除以了方差；应除以标准差 √(σ² + ε)。")),
        Misconception("centred_only", shape(_norm_rows(x, g, b, eps, centre_only=True)),
                      bi("You only subtracted the mean; also divide by the standard deviation.", "你只减去了均值；还要除以标准差。")),
        Misconception("forgot_scale_shift", shape(_norm_rows(x, g, b, eps, affine=False)),
                      bi("You stopped at x̂: apply y = γx̂ + β.", "你停在了 x̂：还要算 y = γx̂ + β。")),
        Misconception("shift_before_scale", shape(_norm_rows(x, g, b, eps, shift_first=True)),
                      bi("The order is y = γx̂ + β, not γ(x̂ + β).", "顺序是 y = γx̂ + β，不是 γ(x̂ + β)。")),
    ]
    conventions = (bi("Statistics per sample over its D features, biased variance (÷D); the same in training and inference.",
                      "统计量按样本在其 D 个特征上计算，方差有偏（÷D）；训练与推理相同。"),)
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, rtol=RTOL, atol=ATOL, chain=chain,
                    hint=bi("Per sample: μ and σ² over the features, x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β.",
                            "每个样本：在特征上求 μ 和 σ²，x̂ = (x − μ)/√(σ² + ε)，y = γx̂ + β。"))


def _chain(x, g, b, eps):
    """One sample: μ, σ² (÷D), √(σ² + ε), x̂, y = γx̂ + β, each line from the shown numbers."""
    d = len(x)
    ch = Chain({})

    def tx(f):
        return lambda s: bi(f(s), f(s))

    def par(v, dg=4):
        return f"({fmt_num(v, dg)})" if v < 0 else fmt_num(v, dg)

    total = fmt_num(x[0]) + "".join(f" - {fmt_num(-v)}" if v < 0 else f" + {fmt_num(v)}" for v in x[1:])
    ch.step("mu", bi("the mean μ over the features", "特征上的均值 μ"), lambda e: sum(x) / d, uses=("x",),
            text=tx(lambda s: f"$\\mu = ({total})/{d} = {fmt_num(s['mu'], 6)}$"), digits=6, rtol=RTOL, atol=ATOL,
            rule=bi("the mean of the sample's features", "该样本各特征的均值"), formula=bi("μ = (1/D) Σ_j x_j", "μ = (1/D) Σ_j x_j"),
            substituted=tx(lambda s: f"$\\mu = ({total})/{d}$"))

    def var(e, dd=d):
        return sum((v - e["mu"]) ** 2 for v in x) / dd

    def sq(s):
        return " + ".join(f"{par(v - s['mu'])}^2" for v in x)

    ch.step("var", bi("the variance σ² over the features", "特征上的方差 σ²"), var, uses=("x", "mu"),
            text=tx(lambda s: f"$\\sigma^2 = ({sq(s)})/{d} = {fmt_num(s['var'], 6)}$"), digits=6, rtol=RTOL, atol=ATOL,
            rule=bi("the biased variance (divide by D)", "有偏方差（除以 D）"), formula=bi("σ² = (1/D) Σ_j (x_j − μ)²", "σ² = (1/D) Σ_j (x_j − μ)²"),
            substituted=tx(lambda s: f"$\\sigma^2 = ({sq(s)})/{d}$"),
            mistakes=(StepMistake("unbiased_variance", bi("Divide by D, not D − 1: layer norm uses the biased variance.",
                                                          "除以 D，不是 D − 1：层归一化用有偏方差。"), lambda e: var(e, d - 1)),))
    eps_term = "" if eps == 0 else f" + {fmt_num(eps, 8)}"
    ch.step("std", bi("the standard deviation √(σ² + ε)", "标准差 √(σ² + ε)"), lambda e: math.sqrt(e["var"] + eps), uses=("var", "eps"),
            text=tx(lambda s: f"$\\sqrt{{{fmt_num(s['var'], 6)}{eps_term}}} = {fmt_num(s['std'], 6)}$"), digits=6, rtol=RTOL, atol=ATOL,
            rule=bi("ε inside the square root", "ε 在根号内"), formula=bi("√(σ² + ε)", "√(σ² + ε)"),
            substituted=tx(lambda s: f"√({fmt_num(s['var'], 6)}{eps_term})"))
    ch.step("xhat", bi("the normalised features x̂", "归一化后的 x̂"),
            lambda e: tuple((v - e["mu"]) / e["std"] for v in x), uses=("x", "mu", "std", "var"),
            text=tx(lambda s: f"$\\hat{{x}}_j = (x_j - {par(s['mu'], 6)})/{fmt_num(s['std'], 6)}$: "
                    f"$\\hat{{x}}$ = ({', '.join(fmt_num(h, 6) for h in s['xhat'])})"), digits=6, rtol=RTOL, atol=ATOL,
            rule=bi("standardise: subtract the mean, divide by the standard deviation", "标准化：减均值，除以标准差"),
            formula=bi("x̂_j = (x_j − μ)/√(σ² + ε)", "x̂_j = (x_j − μ)/√(σ² + ε)"),
            substituted=tx(lambda s: ", ".join(f"({fmt_num(v)} − {par(s['mu'], 6)})/{fmt_num(s['std'], 6)}" for v in x)),
            mistakes=(StepMistake("divided_by_variance", bi("Divide by the standard deviation √(σ² + ε), not by the variance.",
                                                            "除以标准差 √(σ² + ε)，不是方差。"),
                                  lambda e: tuple((v - e["mu"]) / (e["var"] + eps) for v in x)),
                      StepMistake("centred_only", bi("You only subtracted the mean; also divide by the standard deviation.",
                                                     "你只减去了均值；还要除以标准差。"), lambda e: tuple(v - e["mu"] for v in x))))
    ch.step("y", bi("the outputs y = γx̂ + β", "输出 y = γx̂ + β"),
            lambda e: tuple(gj * h + bj for gj, h, bj in zip(g, e["xhat"], b)), uses=("xhat", "gamma", "beta"),
            text=tx(lambda s: f"$y = \\gamma \\hat{{x}} + \\beta$ = ({', '.join(fmt_num(v, 4) for v in s['y'])})"), rtol=RTOL, atol=ATOL,
            rule=bi("the learnable scale and shift, feature by feature", "逐特征的可学习缩放与平移"),
            formula=bi("y_j = γ_j x̂_j + β_j", "y_j = γ_j x̂_j + β_j"),
            substituted=tx(lambda s: ", ".join(f"{fmt_num(gj)}·{par(h, 6)} + {par(bj)}" for gj, h, bj in zip(g, s["xhat"], b))),
            mistakes=(StepMistake("forgot_scale_shift", bi("You stopped at x̂: apply y = γx̂ + β.", "你停在了 x̂：还要算 y = γx̂ + β。"),
                                  lambda e: tuple(e["xhat"])),
                      StepMistake("shift_before_scale", bi("The order is y = γx̂ + β, not γ(x̂ + β).", "顺序是 y = γx̂ + β，不是 γ(x̂ + β)。"),
                                  lambda e: tuple(gj * (h + bj) for gj, h, bj in zip(g, e["xhat"], b)))))
    return ch.steps


def _chain_batch(x, g, b, eps):
    """Several samples: the same five steps, each a vector over the samples (μ, σ², √(σ² + ε))
    or a matrix with one row per sample (x̂, y)."""
    n, d = len(x), len(x[0])
    ch = Chain({"x": x, "gamma": g, "beta": b, "eps": eps})

    def par(v, dg=4):
        return f"({fmt_num(v, dg)})" if v < 0 else fmt_num(v, dg)

    def rows(f, sep):
        return lambda s: bi(sep[0].join(f(s, i, "Sample") for i in range(n)) + ".",
                            sep[1].join(f(s, i, "样本") for i in range(n)) + "。")

    def mat(m, dg):
        return "[" + "; ".join(" ".join(fmt_num(v, dg) for v in r) for r in m) + "]"

    def total(r):
        return fmt_num(r[0]) + "".join(f" - {fmt_num(-v)}" if v < 0 else f" + {fmt_num(v)}" for v in r[1:])

    sep = ("; ", "；")
    ch.step("mu", bi("the mean μ of each sample over its features", "每个样本在其特征上的均值 μ"),
            lambda e: tuple(sum(r) / d for r in e["x"]), uses=("x",), digits=6, rtol=RTOL, atol=ATOL,
            text=rows(lambda s, i, w: f"{w} {i + 1}: $\\mu = ({total(x[i])})/{d} = {fmt_num(s['mu'][i], 6)}$", sep),
            rule=bi("the mean of each sample's own features (one row at a time)", "每个样本自身特征的均值（逐行）"),
            formula=bi("μ_i = (1/D) Σ_j x_ij", "μ_i = (1/D) Σ_j x_ij"),
            substituted=lambda s: bi("; ".join(f"$({total(r)})/{d}$" for r in x), "；".join(f"$({total(r)})/{d}$" for r in x)))

    def var(e, dd=d):
        return tuple(sum((v - m) ** 2 for v in r) / dd for r, m in zip(e["x"], e["mu"]))

    def sq(s, i):
        return " + ".join(f"{par(v - s['mu'][i], 6)}^2" for v in x[i])

    ch.step("var", bi("the variance σ² of each sample over its features", "每个样本在其特征上的方差 σ²"), var, uses=("x", "mu"),
            digits=6, rtol=RTOL, atol=ATOL,
            text=rows(lambda s, i, w: f"{w} {i + 1}: $\\sigma^2 = ({sq(s, i)})/{d} = {fmt_num(s['var'][i], 6)}$", sep),
            rule=bi("the biased variance (divide by D)", "有偏方差（除以 D）"), formula=bi("σ_i² = (1/D) Σ_j (x_ij − μ_i)²", "σ_i² = (1/D) Σ_j (x_ij − μ_i)²"),
            substituted=lambda s: bi("; ".join(f"$({sq(s, i)})/{d}$" for i in range(n)), "；".join(f"$({sq(s, i)})/{d}$" for i in range(n))),
            mistakes=(StepMistake("unbiased_variance", bi("Divide by D, not D − 1: layer norm uses the biased variance.",
                                                          "除以 D，不是 D − 1：层归一化用有偏方差。"), lambda e: var(e, d - 1)),))
    eps_term = "" if eps == 0 else f" + {fmt_num(eps, 8)}"
    ch.step("std", bi("the standard deviation √(σ² + ε) of each sample", "每个样本的标准差 √(σ² + ε)"),
            lambda e: tuple(math.sqrt(v + e["eps"]) for v in e["var"]), uses=("var", "eps"), digits=6, rtol=RTOL, atol=ATOL,
            text=rows(lambda s, i, w: f"{w} {i + 1}: $\\sqrt{{{fmt_num(s['var'][i], 6)}{eps_term}}} = {fmt_num(s['std'][i], 6)}$", sep),
            rule=bi("ε inside the square root", "ε 在根号内"), formula=bi("√(σ_i² + ε)", "√(σ_i² + ε)"),
            substituted=lambda s: bi(", ".join(f"√({fmt_num(v, 6)}{eps_term})" for v in s["var"]),
                                     "，".join(f"√({fmt_num(v, 6)}{eps_term})" for v in s["var"])))

    def xhat(e, den=None):
        out = []
        for i, r in enumerate(e["x"]):
            dn = 1.0 if den == "none" else (e["var"][i] + e["eps"] if den == "var" else e["std"][i])
            out.append(tuple((v - e["mu"][i]) / dn for v in r))
        return tuple(out)

    ch.step("xhat", bi("the normalised features x̂ (one row per sample)", "归一化后的 x̂（每个样本一行）"), xhat,
            uses=("x", "mu", "std", "var", "eps"), digits=6, rtol=RTOL, atol=ATOL,
            text=lambda s: bi(f"$\\hat{{x}}_{{ij}} = (x_{{ij}} - \\mu_i)/\\sqrt{{\\sigma_i^2 + \\epsilon}}$: $\\hat{{X}}$ = {mat(s['xhat'], 6)}.",
                              f"$\\hat{{x}}_{{ij}} = (x_{{ij}} - \\mu_i)/\\sqrt{{\\sigma_i^2 + \\epsilon}}$：$\\hat{{X}}$ = {mat(s['xhat'], 6)}。"),
            rule=bi("standardise each row with its own mean and standard deviation", "每行用它自己的均值和标准差标准化"),
            formula=bi("x̂_ij = (x_ij − μ_i)/√(σ_i² + ε)", "x̂_ij = (x_ij − μ_i)/√(σ_i² + ε)"),
            substituted=lambda s: bi("; ".join(", ".join(f"({fmt_num(v)} − {par(s['mu'][i], 6)})/{fmt_num(s['std'][i], 6)}" for v in x[i])
                                               for i in range(n)),
                                     "；".join(", ".join(f"({fmt_num(v)} − {par(s['mu'][i], 6)})/{fmt_num(s['std'][i], 6)}" for v in x[i])
                                               for i in range(n))),
            mistakes=(StepMistake("divided_by_variance", bi("Divide by the standard deviation √(σ² + ε), not by the variance.",
                                                            "除以标准差 √(σ² + ε)，不是方差。"), lambda e: xhat(e, "var")),
                      StepMistake("centred_only", bi("You only subtracted the mean; also divide by the standard deviation.",
                                                     "你只减去了均值；还要除以标准差。"), lambda e: xhat(e, "none"))))

    def y(e, shift_first=False):
        gg, bb = e["gamma"], e["beta"]
        return tuple(tuple(gj * (h + bj) if shift_first else gj * h + bj for gj, h, bj in zip(gg, r, bb)) for r in e["xhat"])

    mis = [StepMistake("forgot_scale_shift", bi("You stopped at x̂: apply y = γx̂ + β.", "你停在了 x̂：还要算 y = γx̂ + β。"),
                       lambda e: tuple(tuple(r) for r in e["xhat"])),
           StepMistake("shift_before_scale", bi("The order is y = γx̂ + β, not γ(x̂ + β).", "顺序是 y = γx̂ + β，不是 γ(x̂ + β)。"),
                       lambda e: y(e, shift_first=True)),
           StepMistake("normalised_over_batch", bi("You normalised each feature over the batch (that is batch norm); layer norm "
                                                   "normalises each sample over its features.",
                                                   "你对每个特征在批次上做了归一化（那是批量归一化）；层归一化是对每个样本在其特征上归一化。"),
                       lambda e: tuple(_over_batch(e["x"], e["gamma"], e["beta"], e["eps"])))]
    ch.step("y", bi("the outputs y = γx̂ + β (one row per sample)", "输出 y = γx̂ + β（每个样本一行）"), y,
            uses=("xhat", "gamma", "beta"), rtol=RTOL, atol=ATOL,
            text=lambda s: bi(f"$y = \\gamma \\hat{{x}} + \\beta$, feature by feature in every row: Y = {mat(s['y'], 4)}.",
                              f"$y = \\gamma \\hat{{x}} + \\beta$，每行逐特征计算：Y = {mat(s['y'], 4)}。"),
            rule=bi("the learnable scale and shift, feature by feature", "逐特征的可学习缩放与平移"),
            formula=bi("y_ij = γ_j x̂_ij + β_j", "y_ij = γ_j x̂_ij + β_j"),
            substituted=lambda s: bi("; ".join(", ".join(f"{fmt_num(gj)}·{par(h, 6)} + {par(bj)}" for gj, h, bj in zip(g, r, b)) for r in s["xhat"]),
                                     "；".join(", ".join(f"{fmt_num(gj)}·{par(h, 6)} + {par(bj)}" for gj, h, bj in zip(g, r, b)) for r in s["xhat"])),
            mistakes=tuple(mis))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's LayerNorm over the last axis, γ and β copied in."""
    import numpy as np

    from ..engine import LayerNorm

    x = np.asarray(prm["x"], dtype=float)
    d = x.shape[1]
    ln = LayerNorm(d, eps=float(prm["eps"]))
    ln.weight, ln.bias = list(_vector(prm, "gamma", d, 1.0)), list(_vector(prm, "beta", d, 0.0))
    y = ln.forward(x)
    if y.shape[0] == 1:
        return tuple(float(v) for v in y[0])
    return tuple(tuple(float(v) for v in r) for r in y)
