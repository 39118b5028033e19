"""Output size of a convolution layer (padding, stride, dilation, non-square).

Formula route: o = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 per axis.
Engine route: run an engine Conv2d on all-zero input strips and read the output shape.
"""
from __future__ import annotations

import random

from .base import Family, Misconception, Param, ParamError, Solution, bi, pick

FAMILY = Family(
    id="conv_output",
    topic="cnn",
    concepts=("conv_output_size", "stride", "padding", "dilated_conv"),
    title=bi("Convolution output size", "卷积输出尺寸"),
    params=(
        Param("n", "pair", bi("input size (n, or h,w)", "输入尺寸（n，或 h,w）"), max=10000),
        Param("k", "pair", bi("kernel size (k, or kh,kw)", "卷积核大小（k，或 kh,kw）"), max=32),
        Param("s", "pair", bi("stride", "步长"), default="1", max=64),
        Param("p", "pair", bi("zero padding on each side", "每侧零填充"), default="0", max=64),
        Param("d", "pair", bi("dilation (1 = ordinary convolution)", "空洞率（1 为普通卷积）"), default="1", max=64),
    ),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    # Realistic layers: the kernel small against the input, padding at most "same" (k//2),
    # the stride no longer than the kernel (except 1×1 with stride 2, as in ResNet shortcuts).
    if difficulty == "easy":
        n = pick(rng, (5, 6, 7, 8, 10, 28, 32))
        k = pick(rng, (3, 5) if n >= 7 else (3,))
        p = pick(rng, tuple(range(k // 2 + 1)))
        return {"n": (n, n), "k": (k, k), "s": (1, 1), "p": (p, p), "d": (1, 1)}
    if difficulty == "medium":
        n = pick(rng, (7, 13, 28, 32, 56, 64, 224, 227))
        k = pick(rng, tuple(x for x in (1, 3, 5, 7, 11) if x <= max(3, n // 4)))
        s = pick(rng, tuple(x for x in (1, 2, 2, 3, 4) if x <= max(k, 2)))
        p = pick(rng, (0, 0, (k - 1) // 2, k // 2))
        return {"n": (n, n), "k": (k, k), "s": (s, s), "p": (p, p), "d": (1, 1)}
    h, w = pick(rng, (28, 32, 64, 100, 224)), pick(rng, (28, 32, 48, 64, 150))
    k = pick(rng, ((3, 3), (5, 5), (3, 5), (7, 7), (1, 3)))
    s = pick(rng, ((1, 1), (2, 2), (2, 1), (3, 3)))
    p = pick(rng, ((0, 0), (1, 1), (2, 2), (1, 2)))
    d = pick(rng, ((1, 1), (2, 2), (3, 3), (2, 1)))
    return {"n": (h, w), "k": k, "s": s, "p": p, "d": d}


def _axis(n: int, k: int, s: int, p: int, d: int) -> int:
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _shape_or_number(h, w):
    return h if h == w else (h, w)


def solve(prm: dict) -> Solution:
    (nh, nw), (kh, kw), (sh, sw), (ph, pw), (dh, dw) = prm["n"], prm["k"], prm["s"], prm["p"], prm["d"]
    if min(nh, nw, kh, kw, sh, sw, dh, dw) < 1 or min(ph, pw) < 0:
        raise ParamError("sizes, kernel, stride and dilation must be ≥ 1 and padding ≥ 0",
                         "尺寸、卷积核、步长、空洞率须 ≥ 1，填充须 ≥ 0")
    keff_h, keff_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if keff_h > nh + 2 * ph or keff_w > nw + 2 * pw:
        raise ParamError("the (dilated) kernel is larger than the padded input",
                         "（空洞）卷积核比填充后的输入还大")
    oh, ow = _axis(nh, kh, sh, ph, dh), _axis(nw, kw, sw, pw, dw)
    square = (nh, kh, sh, ph, dh) == (nw, kw, sw, pw, dw)
    dilated = dh != 1 or dw != 1

    def hw(a, b):
        return f"{a}" if a == b else f"({a}, {b})"

    def pair(a, b):
        return f"{a}" if a == b else f"{a}×{b}"

    size = pair(nh, nw) if not square else f"{nh}×{nh}"
    desc_en = f"an input of {size}, kernel {pair(kh, kw)}, stride {hw(sh, sw)}, padding {hw(ph, pw)}"
    desc_zh = f"输入 {size}，卷积核 {pair(kh, kw)}，步长 {hw(sh, sw)}，填充 {hw(ph, pw)}"
    if dilated:
        desc_en += f", dilation {hw(dh, dw)}"
        desc_zh += f"，空洞率 {hw(dh, dw)}"
    ask_en = "Give the output size (one number: the output is square)." if square else "Give the output height and width as h, w."
    ask_zh = "求输出尺寸（输出为正方形，填一个数）。" if square else "求输出的高和宽，按 h, w 填写。"
    prompt = bi(
        f"A convolution layer is applied to {desc_en}. {ask_en}",
        f"卷积层作用于{desc_zh}。{ask_zh}",
    )
    steps = [
        bi(
            r"Output size per axis: $o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1$"
            + (r" (with $d = 1$ this is $\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$)." if not dilated else r"; the dilated kernel spans $d(k-1)+1$ pixels."),
            r"每个方向的输出尺寸：$o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1$"
            + (r"（$d = 1$ 时即 $\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$）。" if not dilated else r"；空洞卷积核实际覆盖 $d(k-1)+1$ 个像素。"),
        )
    ]
    axes = [("h", nh, kh, sh, ph, dh, oh)] if square else [("h", nh, kh, sh, ph, dh, oh), ("w", nw, kw, sw, pw, dw, ow)]
    for name, n, k, s, p, d, o in axes:
        keff = d * (k - 1) + 1
        num = n + 2 * p - keff
        floor_note_en = "" if num % s == 0 else f" (⌊{num}/{s}⌋ = {num // s}: round down, the last window would not fit)"
        floor_note_zh = "" if num % s == 0 else f"（⌊{num}/{s}⌋ = {num // s}：向下取整，最后一个窗口放不下）"
        label = "" if square else f"{name}: "
        if d != 1:
            label += f"$d(k-1)+1 = {d}({k}-1)+1 = {keff}$; "
        steps.append(
            bi(
                f"{label}$o = \\lfloor ({n} + 2 \\cdot {p} - {keff}) / {s} \\rfloor + 1 = \\lfloor {num}/{s} \\rfloor + 1 = {o}${floor_note_en}",
                f"{label}$o = \\lfloor ({n} + 2 \\cdot {p} - {keff}) / {s} \\rfloor + 1 = \\lfloor {num}/{s} \\rfloor + 1 = {o}${floor_note_zh}",
            )
        )
    answer = _shape_or_number(oh, ow) if square else (oh, ow)
    steps.append(bi(f"Output: {oh}×{ow}.", f"输出：{oh}×{ow}。"))

    def wrong(f):
        h, w = f(nh, kh, sh, ph, dh), f(nw, kw, sw, pw, dw)
        return h if square else (h, w)

    miscon = [
        Misconception("forgot_plus_one", wrong(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s),
                      bi("You forgot the +1: the first window sits at position 0 and is counted too.",
                         "你漏掉了 +1：位于起点的第一个窗口也要计数。")),
        Misconception("single_padding", wrong(lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1),
                      bi("You added p once; padding goes on both sides, so add 2p.",
                         "你只加了一次 p；两侧都有填充，应加 2p。")),
        Misconception("no_padding", wrong(lambda n, k, s, p, d: (n - d * (k - 1) - 1) // s + 1),
                      bi("You ignored the padding.", "你忽略了填充。")),
        Misconception("ignored_stride", wrong(lambda n, k, s, p, d: n + 2 * p - d * (k - 1)),
                      bi("You ignored the stride: divide by s before adding 1.", "你忽略了步长：先除以 s 再加 1。")),
        Misconception("ignored_dilation", wrong(lambda n, k, s, p, d: (n + 2 * p - k) // s + 1),
                      bi("You ignored the dilation: a dilated kernel spans d(k−1)+1 pixels.",
                         "你忽略了空洞率：空洞卷积核实际覆盖 d(k−1)+1 个像素。")),
        Misconception("ceil_instead_of_floor", wrong(lambda n, k, s, p, d: -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1),
                      bi("You rounded up; a convolution rounds down (a window that does not fit is dropped).",
                         "你向上取整了；卷积应向下取整（放不下的窗口被丢弃）。")),
        Misconception("no_floor", wrong(lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1),
                      bi("You did not round down: the division must be floored before adding 1.",
                         "你没有向下取整：除法结果要先取下整再加 1。")),
    ]
    conventions = (bi("Padding p is per side; the division is floored (PyTorch's default).",
                      "p 为每一侧的填充；除法向下取整（PyTorch 的默认行为）。"),)
    if not square:
        conventions += (bi("Sizes are height×width; a pair (a, b) gives the height and width values.",
                           "尺寸按 高×宽 书写；数对 (a, b) 依次为高、宽方向的取值。"),)
    return Solution(prompt=prompt, answer=answer, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, rtol=0, atol=0.01,
                    hint=bi("Use o = ⌊(n + 2p − k)/s⌋ + 1 (k becomes d(k−1)+1 when dilated).",
                            "用 o = ⌊(n + 2p − k)/s⌋ + 1（有空洞时 k 换成 d(k−1)+1）。"))


def check(prm: dict):
    """Engine route: convolve all-zero input strips and read the output's spatial shape
    (`probe_shape`: the layer's geometry run on h×thin and thin×w strips, the same shape as a
    full run without its memory)."""
    from ..engine import Conv2d, probe_shape

    (nh, nw) = prm["n"]
    layer = Conv2d(1, 1, prm["k"], stride=prm["s"], padding=prm["p"], dilation=prm["d"], bias=False)
    shape = probe_shape(layer, (1, 1, nh, nw))
    oh, ow = int(shape[2]), int(shape[3])
    square = tuple(prm[x][0] for x in "nkspd") == tuple(prm[x][1] for x in "nkspd")
    return _shape_or_number(oh, ow) if square else (oh, ow)
