"""Softmax probabilities from logits, with a temperature (the stable form).

Formula route: p_i = exp(z_i/T − m) / Σ_j exp(z_j/T − m), m = max_j z_j/T (pure Python math).
Engine route: the engine's Softmax layer (temperature T) run forward on z.
"""
from __future__ import annotations

import math
import random

from .base import Chain, StepMistake, Family, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

FAMILY = Family(
    id="softmax",
    topic="neuron",
    concepts=("softmax", "softmax_regression"),
    title=bi("Softmax probabilities", "Softmax 概率"),
    params=(
        Param("z", "floats", bi("logits z_1, …, z_n (comma-separated)", "logits z_1, …, z_n（逗号分隔）"),
              aliases=("logits",), min=-1e6, max=1e6, max_len=100),
        Param("t", "float", bi("temperature T > 0 (softmax of z/T; 1 = plain softmax)",
                               "温度 T > 0（对 z/T 做 softmax；1 即普通 softmax）"),
              default="1", aliases=("T", "temperature"), max=1e6),
    ),
)

RTOL, ATOL = 1e-3, 5e-4


def _num(x: float) -> str:
    """4 decimals, but keep 3 significant digits for small positive numbers (e^-8 …)."""
    if x != 0 and abs(x) < 0.01:
        return f"{x:.3g}"
    return fmt_num(x, 4)


def _vec(v) -> str:
    return "(" + ", ".join(_num(x) for x in v) + ")"


def _softmax(z, t=1.0):
    s = [x / t for x in z]
    m = max(s)
    e = [math.exp(x - m) for x in s]
    tot = sum(e)
    return tuple(x / tot for x in e)


def _finite(v) -> bool:
    if isinstance(v, tuple):
        return all(_finite(x) for x in v)
    return math.isfinite(v)


def _logits(rng: random.Random, n: int, decimals: bool, t: float = 1.0) -> tuple:
    # spread of z/T at most 8: the smallest probability stays ≥ e^-8 ≈ 0.0003 (readable to 4 decimals)
    while True:
        if decimals:
            z = tuple(round(rng.randint(-30, 40) / 10, 1) for _ in range(n))
        else:
            z = tuple(float(rng.randint(-4, 5)) for _ in range(n))
        if len(set(z)) == n and (max(z) - min(z)) / t <= 8:
            return z


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        return {"z": _logits(rng, 3, False), "t": 1.0}
    if difficulty == "medium":
        n, t = pick(rng, (3, 3, 4)), pick(rng, (1.0, 1.0, 2.0, 0.5))
        return {"z": _logits(rng, n, rng.random() < 0.5, t), "t": t}
    n, t = pick(rng, (4, 4, 5)), pick(rng, (0.5, 2.0, 2.5, 5.0, 10.0))
    return {"z": _logits(rng, n, True, t), "t": t}


def solve(prm: dict) -> Solution:
    z, t = tuple(float(x) for x in prm["z"]), float(prm["t"])
    if len(z) < 2:
        raise ParamError("give at least two logits, e.g. z=4,1,-4", "至少给两个 logits，例如 z=4,1,-4")
    if not t > 0 or not math.isfinite(t):
        raise ParamError("the temperature T must be positive", "温度 T 必须为正")
    n = len(z)
    p = _softmax(z, t)
    s = [x / t for x in z]
    m = max(s)
    shifted = [x - m for x in s]
    e = [math.exp(x) for x in shifted]
    zs = ", ".join(fmt_num(x) for x in z)

    temp_en = f" with temperature $T = {fmt_num(t)}$" if t != 1 else " (temperature $T = 1$: the plain softmax)"
    temp_zh = f"，温度 $T = {fmt_num(t)}$" if t != 1 else "，温度 $T = 1$（即普通 softmax）"
    prompt = bi(
        f"A classifier outputs the logits $z$ = ({zs}). Compute the softmax probabilities{temp_en}, "
        f"$p_i = e^{{z_i/T}} / \\sum_j e^{{z_j/T}}$. Give $p_1, \\dots, p_{n}$ in order, to 4 decimals.",
        f"某分类器输出 logits $z$ = ({zs}){temp_zh}。计算 softmax 概率 "
        f"$p_i = e^{{z_i/T}} / \\sum_j e^{{z_j/T}}$，按顺序给出 $p_1, \\dots, p_{n}$（保留 4 位小数）。",
    )
    steps = [
        bi(
            r"Stable form: subtract the largest scaled logit $m = \max_j z_j/T$ before exponentiating "
            r"(it cancels between numerator and denominator): $p_i = \frac{e^{z_i/T - m}}{\sum_j e^{z_j/T - m}}$.",
            r"数值稳定的写法：先减去最大的 $m = \max_j z_j/T$ 再取指数（分子分母同乘常数，结果不变）："
            r"$p_i = \frac{e^{z_i/T - m}}{\sum_j e^{z_j/T - m}}$。",
        )
    ]
    if t != 1:
        steps.append(bi(f"Divide by the temperature: $z/T$ = {_vec(s)}.", f"除以温度：$z/T$ = {_vec(s)}。"))
    steps.append(bi(f"$m = {_num(m)}$; shifted: $z/T - m$ = {_vec(shifted)}.",
                    f"$m = {_num(m)}$；平移后 $z/T - m$ = {_vec(shifted)}。"))
    chain = _chain(z, t)  # each shown line from the shown numbers before it
    steps.append(bi(f"{chain[0].text.en}; sum {chain[1].text.en}.", f"{chain[0].text.zh}；求和 {chain[1].text.zh}。"))
    steps.append(bi(f"Divide by $S$: {chain[2].text.en}. The probabilities sum to 1.",
                    f"除以 $S$：{chain[2].text.zh}。各概率之和为 1。"))

    miscon = []
    if abs(sum(z)) > 1e-9:
        miscon.append(Misconception(
            "no_exponential", tuple(x / sum(z) for x in z),
            bi("You divided the logits by their sum (z_i/Σz) without exponentiating: softmax uses e^{z_i}.",
               "你直接用 z_i/Σz，没有取指数：softmax 要先算 e^{z_i}。")))
    if max(s) < 700:  # e^{z/T} itself would overflow: exactly why the stable form exists
        miscon.append(Misconception(
        "no_normalisation", tuple(math.exp(x) for x in s),
        bi("You stopped at e^{z_i/T}: divide each by the sum so that the probabilities add up to 1.",
           "你只算到 e^{z_i/T}：还要除以它们的和，概率之和才为 1。")))
    miscon.append(Misconception(
        "shifted_not_normalised", tuple(e),
        bi("You subtracted the maximum and exponentiated but did not divide by the sum.",
           "你减去了最大值并取了指数，但没有除以它们的和。")))
    if t != 1:
        miscon.append(Misconception(
            "temperature_multiplied", _softmax([x * t for x in z]),
            bi("You multiplied the logits by T; the temperature divides them: softmax(z/T).",
               "你把 logits 乘以了 T；温度是除：softmax(z/T)。")))
        miscon.append(Misconception(
            "ignored_temperature", _softmax(z),
            bi("You ignored the temperature: divide the logits by T first.", "你忽略了温度：要先把 logits 除以 T。")))
    miscon.append(Misconception(
        "independent_sigmoids", tuple(1 / (1 + math.exp(-x)) if x > -700 else 0.0 for x in s),
        bi("You applied a sigmoid to each logit separately; softmax normalises over all classes together.",
           "你对每个 logit 单独用了 sigmoid；softmax 要在所有类别上一起归一化。")))

    conventions = (bi("Natural exponent e; the temperature divides the logits: softmax(z/T).",
                      "以 e 为底的指数；logits 除以温度：softmax(z/T)。"),)
    return Solution(
        prompt=prompt, answer=p, steps=tuple(steps), misconceptions=tuple(miscon), conventions=conventions,
        answer_text="[" + ", ".join(f"{x:.4f}" for x in p) + "]", rtol=RTOL, atol=ATOL, chain=chain,
        hint=bi("Exponentiate each z_i/T (subtract the largest first), then divide by the sum.",
                "对每个 z_i/T 取指数（先减去最大值），再除以总和。"),
    )


def _chain(z, t):
    """The exponentials e^{z_i/T − m} (shown to 6 decimals), their sum S, the probabilities."""
    ch = Chain({})
    m = max(x / t for x in z)

    def tx(f):
        return lambda s: bi(f(s, "en"), f(s, "zh"))

    def f6(v):
        return fmt_num(v, 6)

    def exps(e, scale=None):
        if scale is None:
            sc = [x / t for x in z]
        else:
            sc = [x * scale for x in z]
        mm = max(sc)
        return tuple(math.exp(x - mm) for x in sc)

    mis = [StepMistake("ignored_temperature", bi("You ignored the temperature: divide the logits by T first.",
                                                 "你忽略了温度：要先把 logits 除以 T。"), lambda e: exps(e, 1.0)),
           StepMistake("temperature_multiplied", bi("The temperature divides the logits: z/T, not z·T.",
                                                    "温度是除：z/T，不是 z·T。"), lambda e: exps(e, t))] if t != 1 else []
    ch.step("e", bi("the exponentials e^{z_i/T − m}", "指数 e^{z_i/T − m}"), exps, uses=("z", "t"), digits=6,
            text=tx(lambda s, l: bi("Exponentiate, with m = ", "取指数，m = ").t(l) + f"{_num(m)}: "
                    + "; ".join(f"$e^{{{_num(x / t - m)}}} = {f6(v)}$" for x, v in zip(z, s["e"]))),
            rtol=RTOL, atol=1e-6, rule=bi("exponentiate the scaled logits (the largest subtracted for stability)",
                                          "对缩放后的 logits 取指数（先减去最大值以保证数值稳定）"),
            formula=bi("e^{z_i/T − m}, m = max_j z_j/T", "e^{z_i/T − m}，m = max_j z_j/T"),
            substituted=tx(lambda s, l: ", ".join(f"$e^{{{_num(x / t - m)}}}$" for x in z)), mistakes=tuple(mis))
    ch.step("S", bi("their sum S", "它们的和 S"), lambda e: sum(e["e"]), uses=("e",), digits=6,
            text=tx(lambda s, l: f"$S = {' + '.join(f6(v) for v in s['e'])} = {f6(s['S'])}$"), rtol=RTOL, atol=1e-6,
            rule=bi("the normaliser: the sum over all classes", "归一化常数：对所有类别求和"), formula=bi("S = Σ_j e^{z_j/T − m}", "S = Σ_j e^{z_j/T − m}"),
            substituted=tx(lambda s, l: " + ".join(f6(v) for v in s["e"])))
    ch.step("p", bi("the probabilities p_i = e_i / S", "概率 p_i = e_i / S"), lambda e: tuple(v / e["S"] for v in e["e"]), uses=("e", "S"),
            text=tx(lambda s, l: "; ".join(f"$p_{i + 1} = {f6(v)}/{f6(s['S'])} = {fmt_num(q, 4)}$" for i, (v, q) in enumerate(zip(s["e"], s["p"])))),
            rtol=RTOL, atol=ATOL, rule=bi("normalise: divide each by the sum", "归一化：各自除以总和"), formula=bi("p_i = e_i / S", "p_i = e_i / S"),
            substituted=tx(lambda s, l: ", ".join(f"{f6(v)}/{f6(s['S'])}" for v in s["e"])),
            mistakes=(StepMistake("shifted_not_normalised", bi("Divide each exponential by the sum S so that the probabilities add up to 1.",
                                                               "每个指数还要除以总和 S，概率之和才为 1。"), lambda e: tuple(e["e"])),))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's Softmax layer with temperature T, run forward."""
    import numpy as np

    from ..engine import Softmax

    out = Softmax(temperature=float(prm["t"])).forward(np.asarray(prm["z"], dtype=float))
    return tuple(float(v) for v in out)
