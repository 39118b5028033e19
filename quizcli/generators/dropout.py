"""Inverted dropout at training time for a given mask.

Formula route: y_i = m_i·x_i/(1 − p) with keep probability 1 − p, so E[y_i] = x_i and
inference is the identity.
Engine route: an engine `Dropout(p)` in training mode with its mask fixed to the given one
(`last_mask`, `resample = False`) is run on x.
"""
from __future__ import annotations

import random
from fractions import Fraction

from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

FAMILY = Family(
    id="dropout",
    topic="regularization",
    concepts=("dropout",),
    title=bi("Inverted dropout", "（反向）Dropout 的缩放"),
    params=(
        Param("x", "floats", bi("activations, e.g. 1.5,-2,0.4,3", "激活值，如 1.5,-2,0.4,3"), min=-1e6, max=1e6, max_len=64),
        Param("mask", "ints", bi("mask, 1 = kept, 0 = dropped (same length as x)", "掩码，1 = 保留，0 = 丢弃（与 x 等长）"),
              aliases=("m",), max_len=64),
        Param("p", "float", bi("drop probability p (keep probability 1 − p)", "丢弃概率 p（保留概率 1 − p）"), default="0.5"),
    ),
)

RTOL, ATOL = 1e-3, 2e-3


def generate(rng: random.Random, difficulty: str) -> dict:
    n = pick(rng, (4, 5)) if difficulty == "easy" else pick(rng, (5, 6))
    if difficulty == "easy":
        p = 0.5
        x = tuple(float(rng.randint(1, 9)) for _ in range(n))
    elif difficulty == "medium":
        p = pick(rng, (0.5, 0.2, 0.25, 0.2))
        x = tuple(rng.randint(-20, 30) / 10 for _ in range(n))
    else:
        p = pick(rng, (0.1, 0.3, 0.4, 0.6, 0.75))
        x = tuple(rng.randint(-30, 40) / 10 for _ in range(n))
    mask = [1 if rng.random() >= p else 0 for _ in range(n)]
    if all(mask) or not any(mask):
        i = rng.randrange(n)
        mask[i] = 1 - mask[i]
    return {"x": x, "mask": tuple(mask), "p": p}


def solve(prm: dict) -> Solution:
    x, mask, p = tuple(prm["x"]), tuple(prm["mask"]), float(prm["p"])
    if len(x) != len(mask) or not x:
        raise ParamError("x and mask must have the same (non-zero) length", "x 和 mask 长度须相同且不为空")
    if any(m not in (0, 1) for m in mask):
        raise ParamError("the mask holds 0 (dropped) and 1 (kept) only", "掩码只能是 0（丢弃）和 1（保留）")
    if not 0 <= p < 1:
        raise ParamError("p must be in [0, 1)", "p 须在 [0, 1) 内")
    if p == 0 and 0 in mask:
        raise ParamError("with p = 0 no unit is ever dropped: the mask must be all ones (or give the p that was used)",
                         "p = 0 时不会丢弃任何单元：掩码应全为 1（或给出实际使用的 p）")
    P = Fraction(str(p))
    scale = 1 / (1 - P)
    y = tuple(float(Fraction(str(xi)) * m * scale) for xi, m in zip(x, mask))
    vec = lambda v: "(" + ", ".join(fmt_num(t) for t in v) + ")"
    prompt = bi(
        f"Inverted dropout with drop probability p = {fmt_num(p)} is applied during training to the activations x = {vec(x)}. "
        f"The sampled mask is m = {vec(mask)} (1 = kept, 0 = dropped). Give the layer's outputs y (comma-separated, 4 significant digits).",
        f"训练时对激活 x = {vec(x)} 使用丢弃概率 p = {fmt_num(p)} 的反向 dropout（inverted dropout）。"
        f"采样得到的掩码为 m = {vec(mask)}（1 = 保留，0 = 丢弃）。求该层的输出 y（逗号分隔，保留 4 位有效数字）。",
    )
    steps = [
        bi(r"Inverted dropout keeps each unit with probability $1-p$ and scales the kept ones by $\frac{1}{1-p}$: "
           r"$y_i = \frac{m_i x_i}{1-p}$. Then $E[y_i] = (1-p)\cdot\frac{x_i}{1-p} = x_i$, so nothing changes at test time.",
           r"反向 dropout 以概率 $1-p$ 保留每个单元，并把保留的单元放大 $\frac{1}{1-p}$ 倍：$y_i = \frac{m_i x_i}{1-p}$。"
           r"于是 $E[y_i] = (1-p)\cdot\frac{x_i}{1-p} = x_i$，测试时无需任何改动。"),
    ]
    chain = _chain(x, mask, p)
    steps += [st.text for st in chain]
    miscon = [
        Misconception("no_scaling", tuple(xi * m for xi, m in zip(x, mask)), bi(
            "You only applied the mask; inverted dropout also scales the kept units by 1/(1 − p) during training.",
            "你只乘了掩码；反向 dropout 在训练时还要把保留的单元放大 1/(1 − p) 倍。")),
        Misconception("multiplied_keep_prob", tuple(xi * m * (1 - p) for xi, m in zip(x, mask)), bi(
            "You multiplied by 1 − p (the original, non-inverted dropout does that at test time); inverted dropout divides by 1 − p while training.",
            "你乘了 1 − p（原始非反向 dropout 在测试时才这样做）；反向 dropout 在训练时除以 1 − p。")),
        Misconception("mask_inverted", tuple(xi * (1 - m) / (1 - p) for xi, m in zip(x, mask)), bi(
            "You kept the units whose mask is 0; m = 1 means kept.", "你保留了掩码为 0 的单元；m = 1 表示保留。")),
        Misconception("scaled_without_dropping", tuple(xi / (1 - p) for xi in x), bi(
            "You scaled every unit but did not zero the dropped ones.", "你放大了所有单元，却没有把被丢弃的单元置 0。")),
    ]
    if p > 0:  # p = 0 keeps everything: there is no dividing by p
        miscon.insert(2, Misconception("divided_by_p", tuple(xi * m / p for xi, m in zip(x, mask)), bi(
            "You divided by the drop probability p; divide by the keep probability 1 − p.",
            "你除以了丢弃概率 p；应除以保留概率 1 − p。")))
    return Solution(prompt=prompt, answer=y, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Inverted dropout (PyTorch/Keras): scale by 1/(1 − p) in training; identity at test time. p is the drop probability.",
                                    "反向 dropout（PyTorch/Keras）：训练时乘 1/(1 − p)，测试时不变。p 为丢弃概率。"),),
                    rtol=RTOL, atol=ATOL, chain=chain,
                    hint=bi("y = m·x/(1 − p)", "y = m·x/(1 − p)"))


def _chain(x, mask, p):
    """The keep probability 1 − p, then each output y_i = m_i x_i/(1 − p) from it."""
    ch = Chain({"x": tuple(float(v) for v in x), "mask": tuple(mask), "p": p})
    P = fmt_num(p)
    ch.step("q", bi("the keep probability 1 − p", "保留概率 1 − p"), lambda e: float(1 - Fraction(str(e["p"]))), uses=("p",),
            text=lambda sh: bi(f"Keep probability: $1 - {P} = {fmt_num(sh['q'])}$", f"保留概率：$1 - {P} = {fmt_num(sh['q'])}$"),
            rtol=1e-9, atol=1e-9, rule=bi("p is the drop probability; a unit is kept with 1 − p", "p 是丢弃概率；单元以 1 − p 的概率保留"),
            formula=bi("q = 1 − p", "q = 1 − p"), substituted=lambda sh: bi(f"$1 - {P}$", f"$1 - {P}$"),
            mistakes=(StepMistake("divided_by_p", bi("p is the drop probability; the keep probability is 1 − p.",
                                                     "p 是丢弃概率；保留概率是 1 − p。"), lambda e: e["p"]),))

    def out(e, keep=lambda m: m, div=True):
        return tuple(xi * keep(m) / e["q"] if div else xi * keep(m) for xi, m in zip(e["x"], e["mask"]))

    def kept(sh):
        q = fmt_num(sh["q"])
        return ", ".join(f"${fmt_num(xi)} / {q} = {fmt_num(yi)}$" for xi, m, yi in zip(x, mask, sh["y"]) if m)

    def vec(v):
        return "(" + ", ".join(fmt_num(t) for t in v) + ")"

    ch.step("y", bi("the outputs y", "输出 y"), out, uses=("x", "mask", "q"), rtol=RTOL, atol=ATOL,
            text=lambda sh: bi(f"Kept units: {kept(sh)}; dropped units are 0: y = {vec(sh['y'])}",
                               f"保留的单元：{kept(sh)}；丢弃的单元为 0：y = {vec(sh['y'])}"),
            rule=bi("inverted dropout: zero the dropped units, divide the kept ones by the keep probability",
                    "反向 dropout：被丢弃的单元置 0，保留的单元除以保留概率"),
            formula=bi("$y_i = \\frac{m_i x_i}{1-p}$", "$y_i = \\frac{m_i x_i}{1-p}$"),
            substituted=lambda sh: bi(", ".join(f"{m}·{fmt_num(xi)}/{fmt_num(sh['q'])}" for xi, m in zip(x, mask)),
                                      ", ".join(f"{m}·{fmt_num(xi)}/{fmt_num(sh['q'])}" for xi, m in zip(x, mask))),
            mistakes=(
                StepMistake("no_scaling", bi("You only applied the mask; inverted dropout also divides the kept units by 1 − p during training.",
                                             "你只乘了掩码；反向 dropout 在训练时还要把保留的单元除以 1 − p。"), lambda e: out(e, div=False)),
                StepMistake("multiplied_keep_prob", bi("You multiplied by 1 − p; inverted dropout divides by 1 − p while training.",
                                                       "你乘了 1 − p；反向 dropout 在训练时除以 1 − p。"),
                            lambda e: tuple(v * e["q"] for v in out(e, div=False))),
                StepMistake("divided_by_p", bi("You divided by the drop probability p; divide by the keep probability 1 − p.",
                                               "你除以了丢弃概率 p；应除以保留概率 1 − p。"), lambda e: tuple(v / e["p"] for v in out(e, div=False))),
                StepMistake("mask_inverted", bi("You kept the units whose mask is 0; m = 1 means kept.", "你保留了掩码为 0 的单元；m = 1 表示保留。"),
                            lambda e: out(e, keep=lambda m: 1 - m)),
                StepMistake("scaled_without_dropping", bi("You scaled every unit but did not zero the dropped ones.",
                                                          "你放大了所有单元，却没有把被丢弃的单元置 0。"), lambda e: out(e, keep=lambda m: 1))))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's Dropout layer in training mode with the mask fixed."""
    import numpy as np

    from ..engine import Dropout

    layer = Dropout(float(prm["p"])).train()
    layer.resample = False
    layer.last_mask = np.asarray(prm["mask"], dtype=np.float64)
    return tuple(float(v) for v in layer.forward(np.asarray(prm["x"], dtype=np.float64)))
