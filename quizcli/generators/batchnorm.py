"""Batch normalisation forward pass (training mode) for one feature over a small batch.

Formula route: μ = Σx/N, σ² = Σ(x − μ)²/N (biased), x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β (pure Python).
Engine route: the engine's BatchNorm layer in training mode (momentum 1, so its running mean is
the batch mean and its running variance the unbiased batch variance, rescaled by (N − 1)/N),
run forward on the batch for the outputs.
"""
from __future__ import annotations

import math
import random

from .base import Chain, StepMistake, Family, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

FAMILY = Family(
    id="batchnorm",
    topic="normalization",
    concepts=("batch_norm",),
    title=bi("Batch normalisation forward pass", "批量归一化的前向计算"),
    params=(
        Param("x", "floats", bi("one feature's values over the batch, x_1, …, x_N", "同一特征在一个批次中的取值 x_1, …, x_N"), min=-1e6, max=1e6, max_len=64),
        Param("gamma", "float", bi("scale γ", "缩放 γ"), default="1", aliases=("g",), min=-1e6, max=1e6),
        Param("beta", "float", bi("shift β", "平移 β"), default="0", aliases=("b",), min=-1e6, max=1e6),
        Param("eps", "float", bi("ε inside the square root (0: negligible)", "根号内的 ε（0 表示忽略）"), default="0",
              aliases=("epsilon",), min=0, max=1),
    ),
)

RTOL, ATOL = 2e-3, 2e-3


def generate(rng: random.Random, difficulty: str) -> dict:
    while True:
        if difficulty == "easy":
            x = tuple(float(rng.randint(0, 9)) for _ in range(pick(rng, (3, 4))))
            g, b = 1.0, 0.0
        elif difficulty == "medium":
            x = tuple(float(rng.randint(-3, 9)) for _ in range(4))
            g, b = pick(rng, (2.0, 0.5, 1.5, 1.0, 3.0)), pick(rng, (0.0, 1.0, -1.0, 0.5, 2.0))
        else:
            x = tuple(rng.randint(-20, 40) / 10 for _ in range(pick(rng, (4, 5))))
            g, b = pick(rng, (0.5, 1.5, 2.0, 0.8, 1.2)), pick(rng, (0.1, -0.5, 0.3, 1.0, -1.0))
        if len(set(x)) >= 2:
            return {"x": x, "gamma": g, "beta": b, "eps": 0.0}


def _stats(x, eps):
    n = len(x)
    mu = sum(x) / n
    var = sum((v - mu) ** 2 for v in x) / n
    return mu, var


def _outputs(x, mu, denom, g, b):
    return tuple(g * (v - mu) / denom + b for v in x)


def solve(prm: dict) -> Solution:
    x = tuple(float(v) for v in prm["x"])
    g, b, eps = float(prm["gamma"]), float(prm["beta"]), float(prm["eps"])
    n = len(x)
    if n < 2:
        raise ParamError("batch norm in training needs at least two values in the batch",
                         "训练时的批量归一化至少需要批次中有两个值")
    if eps < 0:
        raise ParamError("ε must be ≥ 0", "ε 须 ≥ 0")
    mu, var = _stats(x, eps)
    if var + eps <= 0:
        raise ParamError("all values are equal and ε = 0: the normalised value is 0/0", "所有值相等且 ε = 0：归一化为 0/0")
    std = math.sqrt(var + eps)
    xhat = tuple((v - mu) / std for v in x)
    y = tuple(g * h + b for h in xhat)
    ans = (mu, var) + y
    xs = ", ".join(fmt_num(v) for v in x)
    eps_txt = "ε = 0 (negligible)" if eps == 0 else f"ε = {fmt_num(eps, 8)}"
    eps_zh = "ε = 0（忽略）" if eps == 0 else f"ε = {fmt_num(eps, 8)}"
    prompt = bi(
        f"A batch-norm layer in training mode receives one feature's values over a mini-batch of N = {n}: "
        f"x = ({xs}). Its parameters are γ = {fmt_num(g)}, β = {fmt_num(b)}, {eps_txt}. "
        f"Give the batch mean μ, the batch variance σ², then the outputs y_1, …, y_{n} ({n + 2} numbers, 4 decimals).",
        f"训练模式下的批量归一化层接收一个特征在大小为 N = {n} 的小批量上的取值 x = ({xs})，"
        f"参数 γ = {fmt_num(g)}，β = {fmt_num(b)}，{eps_zh}。"
        f"依次给出批均值 μ、批方差 σ²、输出 y_1, …, y_{n}（共 {n + 2} 个数，保留 4 位小数）。",
    )
    dev = [v - mu for v in x]
    sq = " + ".join(f"({fmt_num(d, 4)})^2" if d < 0 else f"{fmt_num(d, 4)}^2" for d in dev)
    sb = f"- {fmt_num(-b)}" if b < 0 else f"+ {fmt_num(b)}"
    eps_term = "" if eps == 0 else f" + {fmt_num(eps, 8)}"
    total = fmt_num(x[0]) + "".join(f" - {fmt_num(-v)}" if v < 0 else f" + {fmt_num(v)}" for v in x[1:])
    steps = [
        bi(f"Mean: $\\mu = ({total})/{n} = {fmt_num(mu, 4)}$.",
           f"均值：$\\mu = ({total})/{n} = {fmt_num(mu, 4)}$。"),
        bi(f"Variance (biased, divide by N): $\\sigma^2 = ({sq})/{n} = {fmt_num(var, 4)}$.",
           f"方差（有偏，除以 N）：$\\sigma^2 = ({sq})/{n} = {fmt_num(var, 4)}$。"),
        bi(f"Normalise: $\\hat{{x}}_i = (x_i - \\mu)/\\sqrt{{\\sigma^2 + \\epsilon}}$ with "
           f"$\\sqrt{{{fmt_num(var, 4)}{eps_term}}} = {fmt_num(std, 4)}$: $\\hat{{x}}$ = ({', '.join(fmt_num(h, 4) for h in xhat)}).",
           f"归一化：$\\hat{{x}}_i = (x_i - \\mu)/\\sqrt{{\\sigma^2 + \\epsilon}}$，"
           f"$\\sqrt{{{fmt_num(var, 4)}{eps_term}}} = {fmt_num(std, 4)}$：$\\hat{{x}}$ = ({', '.join(fmt_num(h, 4) for h in xhat)})。"),
        bi(f"Scale and shift: $y_i = \\gamma \\hat{{x}}_i + \\beta = {fmt_num(g)} \\hat{{x}}_i {sb}$: "
           f"y = ({', '.join(fmt_num(v, 4) for v in y)}).",
           f"缩放与平移：$y_i = \\gamma \\hat{{x}}_i + \\beta = {fmt_num(g)} \\hat{{x}}_i {sb}$："
           f"y = ({', '.join(fmt_num(v, 4) for v in y)})。"),
    ]
    var_u = var * n / (n - 1)

    miscon = [
        Misconception("unbiased_variance", (mu, var_u) + _outputs(x, mu, math.sqrt(var_u + eps), g, b),
                      bi("You divided by N − 1: batch norm normalises with the biased batch variance (divide by N); "
                         "the unbiased one only enters the running estimate.",
                         "你除以了 N − 1：批量归一化用有偏的批方差（除以 N）做归一化；无偏方差只用于滑动平均估计。")),
        Misconception("divided_by_variance", (mu, var) + _outputs(x, mu, var + eps, g, b),
                      bi("You divided by the variance; divide by the standard deviation √(σ² + ε).",
                         "你除以了方差；应除以标准差 √(σ² + ε)。")),
        Misconception("std_as_variance", (mu, std) + y,
                      bi("You gave the standard deviation σ where the variance σ² is asked.", "题目要的是方差 σ²，你给的是标准差 σ。")),
        Misconception("forgot_scale_shift", (mu, var) + xhat,
                      bi("You stopped at x̂: apply the learnable scale and shift, y = γx̂ + β.",
                         "你停在了 x̂：还要做可学习的缩放和平移 y = γx̂ + β。")),
        Misconception("shift_before_scale", (mu, var) + tuple(g * (h + b) for h in xhat),
                      bi("The order is y = γx̂ + β: scale first, then add β (not γ(x̂ + β)).",
                         "顺序是 y = γx̂ + β：先乘 γ 再加 β（不是 γ(x̂ + β)）。")),
    ]
    conventions = (bi("Training mode: the batch's own mean and biased variance (÷N) normalise it; ε sits inside the square root.",
                      "训练模式：用本批次的均值和有偏方差（÷N）做归一化；ε 在根号内。"),)
    chain = _chain(x, g, b, eps)
    steps = [bi(st.text.en + ".", st.text.zh + "。") for st in chain]
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, answer_text="[" + ", ".join(fmt_num(v, 4) for v in ans) + "]",
                    rtol=RTOL, atol=ATOL, chain=chain, answer_of=("mu", "var", "y"),
                    hint=bi("μ and σ² (÷N) of the batch, x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β.",
                            "先求批均值 μ 和方差 σ²（÷N），x̂ = (x − μ)/√(σ² + ε)，y = γx̂ + β。"))


def _par(v, d=6):
    return f"({fmt_num(v, d)})" if v < 0 else fmt_num(v, d)


def _chain(x, g, b, eps):
    """μ, σ² (÷N), √(σ² + ε), x̂, y: each shown line from the shown numbers before it."""
    n = len(x)
    ch = Chain({"x": x, "gamma": g, "beta": b, "eps": eps})
    total = fmt_num(x[0]) + "".join(f" - {fmt_num(-v)}" if v < 0 else f" + {fmt_num(v)}" for v in x[1:])

    def tx(f):
        return lambda s: bi(f(s, "en"), f(s, "zh"))

    ch.step("mu", bi("the batch mean μ", "批均值 μ"), lambda e: sum(e["x"]) / n, uses=("x",),
            text=tx(lambda s, l: bi("Mean: ", "均值：").t(l) + f"$\\mu = ({total})/{n} = {fmt_num(s['mu'], 6)}$"),
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("the mean of the batch", "批次的均值"), formula=bi("μ = (1/N) Σ x_i", "μ = (1/N) Σ x_i"),
            substituted=tx(lambda s, l: f"μ = ({total})/{n}"))

    def sq(s):
        return " + ".join(f"({fmt_num(v - s['mu'], 4)})^2" if v - s["mu"] < 0 else f"{fmt_num(v - s['mu'], 4)}^2" for v in x)

    def var(e, d=n):
        return sum((v - e["mu"]) ** 2 for v in e["x"]) / d

    ch.step("var", bi("the batch variance σ²", "批方差 σ²"), var, uses=("x", "mu"),
            text=tx(lambda s, l: bi("Variance (biased, divide by N): ", "方差（有偏，除以 N）：").t(l)
                    + f"$\\sigma^2 = ({sq(s)})/{n} = {fmt_num(s['var'], 6)}$"),
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("the biased variance of the batch (divide by N)", "批次的有偏方差（除以 N）"),
            formula=bi("σ² = (1/N) Σ (x_i − μ)²", "σ² = (1/N) Σ (x_i − μ)²"), substituted=tx(lambda s, l: f"σ² = ({sq(s)})/{n}"),
            mistakes=(StepMistake("unbiased_variance", bi("Divide by N, not N − 1: batch norm normalises with the biased batch variance.",
                                                          "除以 N，不是 N − 1：批量归一化用有偏的批方差。"), lambda e: var(e, n - 1)),))
    eps_term = "" if eps == 0 else f" + {fmt_num(eps, 8)}"
    ch.step("std", bi("the standard deviation √(σ² + ε)", "标准差 √(σ² + ε)"), lambda e: math.sqrt(e["var"] + e["eps"]), uses=("var", "eps"),
            text=tx(lambda s, l: f"$\\sqrt{{{fmt_num(s['var'], 6)}{eps_term}}} = {fmt_num(s['std'], 6)}$"),
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("ε inside the square root", "ε 在根号内"), formula=bi("√(σ² + ε)", "√(σ² + ε)"),
            substituted=tx(lambda s, l: f"√({fmt_num(s['var'], 6)}{eps_term})"))

    def xh(e, div="std"):
        return tuple((v - e["mu"]) / (e["std"] if div == "std" else e["var"] + e["eps"]) for v in e["x"])

    ch.step("xhat", bi("the normalised values x̂", "归一化后的 x̂"), xh, uses=("x", "mu", "std", "var", "eps"),
            text=tx(lambda s, l: bi("Normalise: ", "归一化：").t(l) + "$\\hat{x}_i = (x_i - \\mu)/\\sqrt{\\sigma^2 + \\epsilon}$"
                    + f" = (x_i − {_par(s['mu'])})/{fmt_num(s['std'], 6)}: $\\hat{{x}}$ = ({', '.join(fmt_num(h, 6) for h in s['xhat'])})"),
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("standardise: subtract the mean, divide by the standard deviation", "标准化：减均值，除以标准差"),
            formula=bi("x̂_i = (x_i − μ)/√(σ² + ε)", "x̂_i = (x_i − μ)/√(σ² + ε)"),
            substituted=tx(lambda s, l: ", ".join(f"({fmt_num(v)} − {_par(s['mu'])})/{fmt_num(s['std'], 6)}" for v in x)),
            mistakes=(StepMistake("divided_by_variance", bi("Divide by the standard deviation √(σ² + ε), not by the variance.",
                                                            "除以标准差 √(σ² + ε)，不是方差。"), lambda e: xh(e, div="var")),))
    sb = f"- {fmt_num(-b)}" if b < 0 else f"+ {fmt_num(b)}"
    ch.step("y", bi("the outputs y = γx̂ + β", "输出 y = γx̂ + β"), lambda e: tuple(e["gamma"] * h + e["beta"] for h in e["xhat"]),
            uses=("xhat", "gamma", "beta"),
            text=tx(lambda s, l: bi("Scale and shift: ", "缩放与平移：").t(l)
                    + f"$y_i = \\gamma \\hat{{x}}_i + \\beta = {fmt_num(g)} \\hat{{x}}_i {sb}$: y = ({', '.join(fmt_num(v, 4) for v in s['y'])})"),
            rtol=RTOL, atol=ATOL, rule=bi("the learnable scale and shift", "可学习的缩放与平移"),
            formula=bi("y_i = γ x̂_i + β", "y_i = γ x̂_i + β"),
            substituted=tx(lambda s, l: ", ".join(f"{fmt_num(g)}·{'(' + fmt_num(h, 6) + ')' if h < 0 else fmt_num(h, 6)} {sb}" for h in s["xhat"])),
            mistakes=(StepMistake("forgot_scale_shift", bi("You stopped at x̂: apply y = γx̂ + β.", "你停在了 x̂：还要做 y = γx̂ + β。"),
                                  lambda e: tuple(e["xhat"])),
                      StepMistake("shift_before_scale", bi("Scale first, then add β: y = γx̂ + β, not γ(x̂ + β).",
                                                           "先乘 γ 再加 β：y = γx̂ + β，不是 γ(x̂ + β)。"),
                                  lambda e: tuple(e["gamma"] * (h + e["beta"]) for h in e["xhat"]))))
    return ch.steps


def check(prm: dict):
    """Engine route: BatchNorm(1) in training mode with momentum 1 (running stats = batch stats)."""
    import numpy as np

    from ..engine import BatchNorm

    x = np.asarray(prm["x"], dtype=float).reshape(-1, 1)
    n = x.shape[0]
    bn = BatchNorm(1, eps=float(prm["eps"]), momentum=1.0)
    bn.weight, bn.bias = [float(prm["gamma"])], [float(prm["beta"])]
    bn.train()
    y = bn.forward(x).ravel()
    mean = float(bn.running_mean[0])
    var = float(bn.running_var[0]) * (n - 1) / n  # the engine keeps the unbiased variance in running_var
    return (mean, var) + tuple(float(v) for v in y)
