"""Values of a convolution over several input channels: one filter (a kernel per channel), the
per-channel cross-correlations summed, plus the filter's bias.

Formula route: Y[i, j] = Σ_c Σ_a Σ_b X̃_c[i·s + a, j·s + b] · K_c[a, b] + b, in pure Python
(the single-channel helper of `conv2d_values` per channel, then the sum).
Engine route: an engine Conv2d(C, 1, k) holding the kernels and the bias, run on the C×H×W input.
"""
from __future__ import annotations

import random

from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, bi, fmt_num, pick
from .conv2d_values import _flip, _kernel, _mat, _rand_matrix, _sub, _xcorr

FAMILY = Family(
    id="conv2d_channels",
    topic="cnn",
    concepts=("convolution", "channels", "cross_correlation", "kernel"),
    title=bi("Convolution over several input channels", "多输入通道的卷积计算"),
    params=(
        Param("x", "matrix", bi("the input, its C channels stacked: C blocks of H rows (rows separated by ';')",
                                "输入，C 个通道依次堆叠：C 块、每块 H 行（行之间用“;”分隔）"),
              aliases=("X", "input"), min=-1e6, max=1e6, max_len=24),
        Param("w", "matrix", bi("the filter, one k×k kernel per channel stacked the same way (C blocks of k rows)",
                                "卷积核，每个通道一个 k×k 核，同样堆叠（C 块、每块 k 行）"),
              aliases=("k", "K", "kernel"), min=-1e6, max=1e6, max_len=15),
        Param("c", "int", bi("number of input channels C", "输入通道数 C"), default="2", aliases=("channels", "c_in"),
              min=1, max=4),
        Param("b", "float", bi("the filter's bias", "该卷积核的偏置"), default="0", aliases=("bias",), min=-1e6, max=1e6),
        Param("s", "pair", bi("stride (s, or sh,sw)", "步长（s，或 sh,sw）"), default="1", aliases=("stride",), max=4),
        Param("p", "pair", bi("zero padding on each side (p, or ph,pw)", "每侧零填充（p，或 ph,pw）"), default="0",
              aliases=("padding",), max=2),
    ),
)

MAX_CELLS = 16


def _split(m, c, name):
    rows = len(m)
    if rows % c:
        raise ParamError(f"{name} has {rows} rows: not {c} equal channel blocks", f"{name} 有 {rows} 行：无法均分成 {c} 个通道块")
    h = rows // c
    return [tuple(tuple(float(v) for v in r) for r in m[i * h:(i + 1) * h]) for i in range(c)]


def _parse(prm):
    c = int(prm.get("c") or 1)
    xs, ks = _split(prm["x"], c, "x"), _split(prm["w"], c, "w")
    s, p = tuple(prm["s"]), tuple(prm["p"])
    if min(s) < 1 or min(p) < 0:
        raise ParamError("stride must be ≥ 1 and padding ≥ 0", "步长须 ≥ 1，填充须 ≥ 0")
    (n_h, n_w), (kh, kw) = (len(xs[0]), len(xs[0][0])), (len(ks[0]), len(ks[0][0]))
    if max(n_h, n_w) > 6 or max(kh, kw) > 3:
        raise ParamError("keep it hand-sized: each channel at most 6×6, kernels at most 3×3",
                         "请保持手算规模：每个通道不超过 6×6，卷积核不超过 3×3")
    if kh > n_h + 2 * p[0] or kw > n_w + 2 * p[1]:
        raise ParamError("the kernel is larger than the padded input", "卷积核比填充后的输入还大")
    return c, xs, ks, s, p, float(prm.get("b") or 0)


def _combine(maps, b, *, weights=None):
    weights = weights or [1.0] * len(maps)
    oh, ow = len(maps[0]), len(maps[0][0])
    return tuple(tuple(sum(wt * m[i][j] for wt, m in zip(weights, maps)) + b for j in range(ow)) for i in range(oh))


def generate(rng: random.Random, difficulty: str) -> dict:
    c = 2 if difficulty != "hard" else pick(rng, (2, 3))
    while True:
        if difficulty == "easy":
            n, k, s, p = 3, 2, (1, 1), (0, 0)
        elif difficulty == "medium":
            n, k, s, p = pick(rng, ((3, 2, (1, 1), (0, 0)), (4, 2, (2, 2), (0, 0)), (4, 3, (1, 1), (0, 0))))
        else:
            n, k, s, p = pick(rng, ((3, 2, (1, 1), (1, 1)), (4, 3, (1, 1), (1, 1)), (5, 3, (2, 2), (0, 0)), (4, 2, (2, 2), (1, 1))))
        oh = (n + 2 * p[0] - k) // s[0] + 1
        if 2 <= oh and oh * oh <= 9:
            break
    x = tuple(r for _ in range(c) for r in _rand_matrix(rng, n, n, 0, 3))
    w = tuple(r for _ in range(c) for r in _kernel(rng, k))
    b = 0.0 if difficulty == "easy" else float(pick(rng, (0, 1, -1, 2)))
    return {"x": x, "w": w, "c": c, "b": b, "s": s, "p": p}


def solve(prm: dict) -> Solution:
    c, xs, ks, s, p, b = _parse(prm)
    maps = [_xcorr(x, k, s, p)[0] for x, k in zip(xs, ks)]
    ans = _combine(maps, b)
    oh, ow = len(ans), len(ans[0])
    if oh * ow > MAX_CELLS:
        raise ParamError(f"the output has {oh * ow} cells; keep it at most {MAX_CELLS}", f"输出有 {oh * ow} 个元素；请不超过 {MAX_CELLS} 个")
    n_h, n_w, kh, kw = len(xs[0]), len(xs[0][0]), len(ks[0]), len(ks[0][0])

    def pr(a, b_):
        return f"{a}" if a == b_ else f"{a}×{b_}"

    chans_en = "; ".join(f"channel {i + 1}: X_{i + 1} = {_mat(x)}, K_{i + 1} = {_mat(k)}" for i, (x, k) in enumerate(zip(xs, ks)))
    chans_zh = "；".join(f"通道 {i + 1}：X_{i + 1} = {_mat(x)}，K_{i + 1} = {_mat(k)}" for i, (x, k) in enumerate(zip(xs, ks)))
    prompt = bi(
        f"An input with {c} channels of {n_h}×{n_w} is convolved with one filter of {c}×{kh}×{kw} (stride {pr(*s)}, "
        f"zero padding {pr(*p)}, bias {fmt_num(b)}): {chans_en}. The layer computes the cross-correlation (no kernel flip). "
        "Give the output feature map row by row, rows separated by ';'.",
        f"一个 {c} 通道、每通道 {n_h}×{n_w} 的输入与一个 {c}×{kh}×{kw} 的卷积核做卷积（步长 {pr(*s)}，零填充 {pr(*p)}，"
        f"偏置 {fmt_num(b)}）：{chans_zh}。该层计算互相关（卷积核不翻转）。逐行给出输出特征图，行之间用“;”分隔。",
    )
    steps = [bi(r"One filter sees every input channel: $Y = \sum_c X_c \star K_c + b$ — cross-correlate each channel with "
                r"its own kernel, add the maps entry by entry, then add the bias once.",
                r"一个卷积核覆盖全部输入通道：$Y = \sum_c X_c \star K_c + b$ —— 每个通道与自己的核做互相关，"
                r"各通道结果逐元素相加，最后加一次偏置。")]
    integer = all(v == int(v) for r in ans for v in r)
    rtol, atol = (0, 0.01) if integer else (1e-3, 1e-3)
    chain = _chain(xs, ks, s, p, b, rtol, atol)
    steps += [st.text for st in chain]
    miscon = [
        Misconception("first_channel_only", _combine(maps[:1], b), bi(
            "You used only the first channel: a filter spans all input channels and their results are added.",
            "你只算了第一个通道：卷积核覆盖全部输入通道，各通道结果要相加。")),
        Misconception("averaged_channels", _combine(maps, b, weights=[1 / c] * c), bi(
            "You averaged the channels; a convolution adds them.", "你对各通道取了平均；卷积是把它们相加。")),
        Misconception("flipped_kernel", _combine([_xcorr(x, tuple(tuple(r[::-1]) for r in k[::-1]), s, p)[0]
                                                  for x, k in zip(xs, ks)], b), bi(
            "You flipped the kernels (mathematical convolution); the layer uses them as given.",
            "你把卷积核翻转了（数学上的卷积）；卷积层按原样使用卷积核。")),
    ]
    if b:
        miscon.append(Misconception("bias_per_channel", _combine(maps, b * c), bi(
            "You added the bias once per channel; the filter has one bias, added once.",
            "你对每个通道都加了一次偏置；一个卷积核只有一个偏置，只加一次。")))
        miscon.append(Misconception("forgot_bias", _combine(maps, 0.0), bi(
            f"You forgot the bias {fmt_num(b)}.", f"你漏了偏置 {fmt_num(b)}。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Deep-learning convolution = cross-correlation; one filter = one kernel per input "
                                    "channel, results summed, one bias.",
                                    "深度学习中的卷积即互相关；一个卷积核 = 每个输入通道一个核，结果相加，一个偏置。"),),
                    rtol=rtol, atol=atol, chain=chain,
                    hint=bi("Convolve each channel with its kernel, add the maps, add b.", "每个通道与其核做卷积，结果相加，再加 b。"))


def _mat6(m) -> str:
    """A channel's map to 6 decimals (the sum of the maps then keeps its 4)."""
    return "[" + "; ".join(" ".join(fmt_num(v, 6) for v in r) for r in m) + "]"


def _chain(xs, ks, s, p, b, rtol, atol):
    """Each channel's cross-correlation X_c ⋆ K_c, then their sum plus the bias."""
    c = len(xs)
    ch = Chain({"x": tuple(xs), "w": tuple(ks), "s": s, "p": p, "b": b})
    flip = bi("You flipped the kernel (mathematical convolution); the layer uses it as given.",
              "你把卷积核翻转了（数学上的卷积）；卷积层按原样使用卷积核。")
    for i in range(c):
        sid = f"m{i + 1}"
        ch.step(sid, bi(f"channel {i + 1}'s map X{_sub(i + 1)} ⋆ K{_sub(i + 1)}", f"通道 {i + 1} 的结果 X{_sub(i + 1)} ⋆ K{_sub(i + 1)}"),
                lambda e, i=i: _xcorr(e["x"][i], e["w"][i], e["s"], e["p"])[0], uses=("x", "w", "s", "p"), digits=6, rtol=rtol, atol=atol,
                text=lambda sh, i=i, sid=sid: bi(f"Channel {i + 1}: $X_{i + 1} \\star K_{i + 1}$ = {_mat6(sh[sid])}",
                                                 f"通道 {i + 1}：$X_{i + 1} \\star K_{i + 1}$ = {_mat6(sh[sid])}"),
                rule=bi("cross-correlate the channel with its own kernel (not flipped)", "该通道与自己的核做互相关（不翻转）"),
                formula=bi("$(X_c \\star K_c)[i, j] = \\sum_{a, b} \\tilde{X}_c[(i-1) s + a, (j-1) s + b] \\cdot K_c[a, b]$",
                           "$(X_c \\star K_c)[i, j] = \\sum_{a, b} \\tilde{X}_c[(i-1) s + a, (j-1) s + b] \\cdot K_c[a, b]$"),
                substituted=lambda sh, i=i: bi(f"{_mat(xs[i])} ⋆ {_mat(ks[i])}", f"{_mat(xs[i])} ⋆ {_mat(ks[i])}"),
                mistakes=(StepMistake("flipped_kernel", flip, lambda e, i=i: _xcorr(e["x"][i], _flip(e["w"][i]), e["s"], e["p"])[0]),))
    ids = tuple(f"m{i + 1}" for i in range(c))

    def total(e, maps=ids, weight=1.0, bias=1.0):
        return _combine([e[m] for m in maps], bias * e["b"], weights=[weight] * len(maps))

    mis = [StepMistake("first_channel_only", bi("You used only the first channel: a filter spans all input channels and their results are added.",
                                                "你只算了第一个通道：卷积核覆盖全部输入通道，各通道结果要相加。"), lambda e: total(e, ids[:1])),
           StepMistake("averaged_channels", bi("You averaged the channels; a convolution adds them.", "你对各通道取了平均；卷积是把它们相加。"),
                       lambda e: total(e, weight=1 / c))]
    if b:
        mis += [StepMistake("bias_per_channel", bi("You added the bias once per channel; the filter has one bias, added once.",
                                                   "你对每个通道都加了一次偏置；一个卷积核只有一个偏置，只加一次。"), lambda e: total(e, bias=c)),
                StepMistake("forgot_bias", bi(f"You forgot the bias {fmt_num(b)}.", f"你漏了偏置 {fmt_num(b)}。"), lambda e: total(e, bias=0.0))]
    plus = " + ".join(f"X_{i + 1} ⋆ K_{i + 1}" for i in range(c))
    ch.step("y", bi("the output Y = Σ_c X_c ⋆ K_c + b", "输出 Y = Σ_c X_c ⋆ K_c + b"), total, uses=ids + ("b",), rtol=rtol, atol=atol,
            text=lambda sh: bi(f"Sum of the {c} maps plus the bias {fmt_num(b)}: Y = {_mat(sh['y'])}",
                               f"{c} 个结果相加再加偏置 {fmt_num(b)}：Y = {_mat(sh['y'])}"),
            rule=bi("add the channels' maps entry by entry, then the bias once", "各通道结果逐元素相加，再加一次偏置"),
            formula=bi(f"Y = {plus} + b", f"Y = {plus} + b"),
            substituted=lambda sh: bi(" + ".join(_mat6(sh[m]) for m in ids) + f" + {fmt_num(b)}",
                                      " + ".join(_mat6(sh[m]) for m in ids) + f" + {fmt_num(b)}"),
            mistakes=tuple(mis))
    return ch.steps


def check(prm: dict):
    """Engine route: an engine Conv2d(C, 1, k) with the kernels and the bias copied in."""
    import numpy as np

    from ..engine import Conv2d

    c, xs, ks, s, p, b = _parse(prm)
    layer = Conv2d(c, 1, (len(ks[0]), len(ks[0][0])), stride=s, padding=p)
    layer.weight = np.array(ks)[None]
    layer.bias = [b]
    y = layer.forward(np.array(xs)[None])[0, 0]
    return tuple(tuple(float(v) for v in r) for r in y)
