"""The inverse size question: which padding keeps the size ("same") or reaches a target output,
or which stride gives a target output, for a convolution with kernel k and dilation d.

Formula route: from o = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1: with s = 1, p = (o − n + d(k − 1))/2
(same: o = n, p = d(k − 1)/2); otherwise the smallest p ≥ 0 (or s ≥ 1) giving o.
Engine route: run an engine Conv2d on zero strips for p = 0, 1, 2, … (or s = 1, 2, …) and read
the output shape until it is the target: the search, not the formula.
"""
from __future__ import annotations

import random

from .base import Family, Misconception, Param, ParamError, Solution, bi, pick

ASKS = ("padding", "stride")
MAX_SEARCH = 256

FAMILY = Family(
    id="conv_padding",
    topic="cnn",
    concepts=("padding", "stride", "conv_output_size", "dilated_conv"),
    title=bi("Padding or stride for a target output size", "求使输出达到目标尺寸的填充或步长"),
    params=(
        Param("n", "int", bi("input size n", "输入尺寸 n"), min=1, max=10000),
        Param("k", "int", bi("kernel size k", "卷积核大小 k"), min=1, max=32),
        Param("o", "int", bi("target output size (0 = same as the input: 'same' padding)",
                             "目标输出尺寸（0 表示与输入相同：same 填充）"), default="0", min=0, max=10000),
        Param("s", "int", bi("stride (for ask=padding)", "步长（ask=padding 时）"), default="1", min=1, max=64),
        Param("p", "int", bi("padding on each side (for ask=stride)", "每侧填充（ask=stride 时）"), default="0", min=0, max=64),
        Param("d", "int", bi("dilation", "空洞率"), default="1", min=1, max=64),
        Param("ask", "str", bi("what to find: padding or stride", "要求的量：padding（填充）或 stride（步长）"),
              default="padding", choices=ASKS),
    ),
)


def _out(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _search(n, k, s, p, d, o, ask):
    for v in range(0 if ask == "padding" else 1, MAX_SEARCH + 1):
        got = _out(n, k, s, v, d) if ask == "padding" else _out(n, k, v, p, d)
        if got == o:
            return v
    return None


def generate(rng: random.Random, difficulty: str) -> dict:
    base = {"o": 0, "s": 1, "p": 0, "d": 1, "ask": "padding"}
    if difficulty == "easy":
        return {**base, "n": pick(rng, (28, 32, 64, 224)), "k": pick(rng, (3, 5, 7))}
    if difficulty == "medium":
        if rng.random() < 0.5:
            n, k = pick(rng, (28, 32, 56, 64)), pick(rng, (3, 5, 7))
            o = n - pick(rng, (0, 2, 4)) if k >= 5 else n
            return {**base, "n": n, "k": k, "o": o}
        n, k, p, o = pick(rng, ((227, 11, 0, 55), (224, 7, 3, 112), (32, 3, 1, 16), (64, 4, 1, 32), (28, 2, 0, 14),
                                (56, 1, 0, 28), (224, 3, 1, 112)))
        return {**base, "n": n, "k": k, "p": p, "o": o, "ask": "stride"}
    if rng.random() < 0.5:
        return {**base, "n": pick(rng, (32, 64, 65, 128)), "k": 3, "d": pick(rng, (2, 3, 4))}
    n, k, p, o = pick(rng, ((227, 11, 0, 55), (224, 7, 3, 112), (32, 5, 2, 16), (100, 5, 0, 24), (64, 3, 0, 31)))
    return {**base, "n": n, "k": k, "p": p, "o": o, "ask": "stride"}


def solve(prm: dict) -> Solution:
    n, k, s, p, d = (int(prm[x]) for x in "nkspd")
    ask = prm.get("ask") or "padding"
    if ask not in ASKS:
        raise ParamError("ask must be padding or stride", "ask 须为 padding 或 stride")
    o = int(prm.get("o") or 0) or n
    keff = d * (k - 1) + 1
    ans = _search(n, k, s, p, d, o, ask)
    if ans is None:
        what_en = "padding" if ask == "padding" else "stride"
        what_zh = "填充" if ask == "padding" else "步长"
        raise ParamError(f"no {what_en} gives an output of {o} here", f"这里没有任何{what_zh}能使输出为 {o}")
    same = o == n
    dil_en = f", dilation {d}" if d != 1 else ""
    dil_zh = f"，空洞率 {d}" if d != 1 else ""
    if ask == "padding":
        goal_en = "keeps the size (a 'same' convolution)" if same else f"gives an output of {o}"
        goal_zh = "保持尺寸不变（same 卷积）" if same else f"使输出为 {o}"
        prompt = bi(f"A convolution with a {k}×{k} kernel, stride {s}{dil_en} is applied to a {n}×{n} input. "
                    f"What zero padding p (per side) {goal_en}? Give the smallest such p.",
                    f"对 {n}×{n} 的输入做 {k}×{k} 卷积，步长 {s}{dil_zh}。每侧零填充 p 为多少时{goal_zh}？给出满足条件的最小 p。")
    else:
        prompt = bi(f"A convolution with a {k}×{k} kernel, padding {p}{dil_en} turns a {n}×{n} input into a {o}×{o} output. "
                    "What is its stride? Give the smallest stride that does it.",
                    f"{k}×{k} 卷积，填充 {p}{dil_zh}，把 {n}×{n} 的输入变为 {o}×{o} 的输出。步长是多少？给出满足条件的最小步长。")
    steps = [bi(r"Output size: $o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1$"
                + (f"; the dilated kernel spans $d(k-1)+1 = {keff}$ pixels." if d != 1 else "."),
                r"输出尺寸：$o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1$"
                + (f"；空洞卷积核覆盖 $d(k-1)+1 = {keff}$ 个像素。" if d != 1 else "。"))]
    if ask == "padding" and s == 1:
        steps.append(bi(f"With $s = 1$: $o = n + 2p - {keff} + 1$, so $p = (o - n + {keff} - 1)/2 = ({o} - {n} + {keff - 1})/2 = {ans}$.",
                        f"$s = 1$ 时：$o = n + 2p - {keff} + 1$，故 $p = (o - n + {keff} - 1)/2 = ({o} - {n} + {keff - 1})/2 = {ans}$。"))
    elif ask == "padding":
        steps.append(bi(f"Solve $\\lfloor ({n} + 2p - {keff})/{s} \\rfloor + 1 = {o}$ for the smallest $p \\ge 0$: $p = {ans}$.",
                        f"解 $\\lfloor ({n} + 2p - {keff})/{s} \\rfloor + 1 = {o}$，取最小的 $p \\ge 0$：$p = {ans}$。"))
    else:
        num = n + 2 * p - keff
        exact = num % (o - 1) == 0 if o > 1 else False
        steps.append(bi(f"$\\lfloor {num}/s \\rfloor = o - 1 = {o - 1}$: " + (f"$s = {num}/{o - 1} = {ans}$." if exact else
                                                                            f"the smallest such $s$ is {ans}."),
                        f"$\\lfloor {num}/s \\rfloor = o - 1 = {o - 1}$：" + (f"$s = {num}/{o - 1} = {ans}$。" if exact else
                                                                            f"满足条件的最小 $s$ 为 {ans}。")))
    steps.append(bi(f"Check: $\\lfloor ({n} + 2 \\cdot {ans if ask == 'padding' else p} - {keff})/{s if ask == 'padding' else ans} "
                    f"\\rfloor + 1 = {o}$.",
                    f"验算：$\\lfloor ({n} + 2 \\cdot {ans if ask == 'padding' else p} - {keff})/{s if ask == 'padding' else ans} "
                    f"\\rfloor + 1 = {o}$。"))
    M = Misconception
    if ask == "padding":
        miscon = [
            M("not_halved", 2 * ans if ans else keff - 1, bi("You did not halve: p is on each side, so the total 2p is split in two.",
                                                           "你没有除以 2：p 是每一侧的填充，总量 2p 要平分到两侧。")),
            M("kernel_over_two", k // 2, bi("You took k//2; with dilation the kernel spans d(k−1)+1 pixels, so p = d(k−1)/2.",
                                            "你取了 k//2；有空洞时卷积核覆盖 d(k−1)+1 个像素，p = d(k−1)/2。")),
            M("ignored_dilation", max(0, (o - n + k - 1) // 2) if s == 1 else ans, bi(
                "You ignored the dilation: use d(k−1)+1 as the kernel size.", "你忽略了空洞率：卷积核尺寸应取 d(k−1)+1。")),
        ]
    else:
        num = n + 2 * p - keff
        miscon = [
            M("forgot_plus_one", max(1, round(num / o)) if o else 1, bi(
                "You solved (n + 2p − k)/s = o, forgetting the +1: it is (n + 2p − k)/s + 1 = o.",
                "你解的是 (n + 2p − k)/s = o，漏了 +1：应为 (n + 2p − k)/s + 1 = o。")),
            M("divided_sizes", round(n / o) if o else 1, bi(
                "You divided n by o; the kernel and the padding change the size too.", "你直接用 n 除以 o；卷积核和填充也影响尺寸。")),
        ]
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("p is the padding on each side; the division is floored (PyTorch).",
                                    "p 为每一侧的填充；除法向下取整（PyTorch）。"),),
                    rtol=0, atol=0.01,
                    hint=bi("Set o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 equal to the target and solve.",
                            "令 o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 等于目标值，求解。"))


def check(prm: dict):
    """Engine route: run an engine Conv2d (on zero strips) for p = 0, 1, … or s = 1, 2, … and read
    the output size until it is the target."""
    from ..engine import Conv2d, probe_shape
    from ._shared import shape_only_rng

    n, k, s, p, d = (int(prm[x]) for x in "nkspd")
    ask = prm.get("ask") or "padding"
    o = int(prm.get("o") or 0) or n
    for v in range(0 if ask == "padding" else 1, MAX_SEARCH + 1):
        layer = Conv2d(1, 1, k, stride=s if ask == "padding" else v, padding=v if ask == "padding" else p, dilation=d,
                       bias=False, rng=shape_only_rng())
        try:
            got = probe_shape(layer, (1, 1, n, n))[2]
        except ValueError:  # the kernel does not fit yet
            continue
        if got == o:
            return v
    return None
