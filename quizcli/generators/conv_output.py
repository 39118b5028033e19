"""Output size of a convolution layer (padding, stride, dilation, non-square).

Formula route: o = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 per axis.
Engine route: run an engine Conv2d on all-zero input strips and read the output shape.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import at, bi_lines, count_step, per_axis

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
            + (r" (with $d = 1$ this is $\left\lfloor "
               r"\frac{n + 2p - k}{s} \right\rfloor + 1$)." if not dilated else r"; the dilated kernel spans $d(k-1)+1$ pixels."),
            r"每个方向的输出尺寸：$o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1$"
            + (r"（$d = 1$ 时即 $\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$）。" if not dilated else r"；空洞卷积核实际覆盖 $d(k-1)+1$ 个像素。"),
        )
    ]
    answer = _shape_or_number(oh, ow) if square else (oh, ow)
    chain = _chain(prm, square, dilated)
    steps += [c.text for c in chain]
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
                    conventions=conventions, rtol=0, atol=0.01, chain=chain,
                    hint=bi("Use o = ⌊(n + 2p − k)/s⌋ + 1 (k becomes d(k−1)+1 when dilated).",
                            "用 o = ⌊(n + 2p − k)/s⌋ + 1（有空洞时 k 换成 d(k−1)+1）。"))


FEEDBACK = {
    "ignored_dilation": bi("You ignored the dilation: a dilated kernel spans d(k−1)+1 pixels, not k.",
                           "你忽略了空洞率：空洞卷积核实际覆盖 d(k−1)+1 个像素，而不是 k。"),
    "single_padding": bi("You added p once; padding goes on both sides, so add 2p.", "你只加了一次 p；两侧都有填充，应加 2p。"),
    "no_padding": bi("You ignored the padding: add 2p.", "你忽略了填充：要加 2p。"),
    "forgot_plus_one": bi("You forgot the +1: the first window sits at position 0 and is counted too.",
                          "你漏掉了 +1：位于起点的第一个窗口也要计数。"),
    "ignored_stride": bi("You ignored the stride: divide by s before adding 1.", "你忽略了步长：先除以 s 再加 1。"),
    "ceil_instead_of_floor": bi("You rounded up; a convolution rounds down (a window that does not fit is dropped).",
                                "你向上取整了；卷积应向下取整（放不下的窗口被丢弃）。"),
    "no_floor": bi("You did not round down: floor the division before adding 1.", "你没有向下取整：除法结果要先取下整再加 1。"),
}


def _chain(prm: dict, square: bool, dilated: bool):
    """[the dilated kernel's span d(k−1)+1,] the numerator n + 2p − k, then o = ⌊numerator/s⌋ + 1,
    per axis (one number when both axes agree)."""
    def hw(name):
        """A step's name, asking for height and width when the axes differ."""
        return name if square else bi(name.en + " (h, w)", name.zh + "（h, w）")

    ch = Chain({x: tuple(prm[x]) for x in "nkspd"})
    F = fmt_num

    def lines(s, lang, one):
        """one(i) -> the line for axis i; 'h: …; w: …' when the axes differ."""
        if square:
            return one(0)
        return bi("; ", "；").t(lang).join(f"{'hw'[i]}: {one(i)}" for i in (0, 1))

    def M(mid, fn):
        return StepMistake(mid, FEEDBACK[mid], fn)

    kernel = "k"
    if dilated:
        kernel = "keff"
        count_step(
            ch, "keff", hw(bi("the span of the dilated kernel d(k−1)+1", "空洞卷积核的覆盖范围 d(k−1)+1")),
            lambda e: per_axis(square, lambda i: at(e["d"], i) * (at(e["k"], i) - 1) + 1), uses=("d", "k"),
            text=bi_lines(lambda s, l: bi("Dilated kernel: ", "空洞卷积核：").t(l) + lines(s, l, lambda i: (
                f"$d(k-1)+1 = {s['d'][i]}({s['k'][i]}-1)+1 = {F(at(s['keff'], i))}$"))),
            rule=bi("a dilated kernel leaves d − 1 holes between its taps", "空洞卷积核相邻两个权重之间隔 d − 1 个像素"),
            formula=bi("k_eff = d(k − 1) + 1", "k_eff = d(k − 1) + 1"),
            mistakes=(M("ignored_dilation", lambda e: per_axis(square, lambda i: at(e["k"], i))),))
    kname = "d(k-1)+1" if dilated else "k"

    def numerator(e, pad=2):
        return per_axis(square, lambda i: at(e["n"], i) + pad * at(e["p"], i) - at(e[kernel], i))

    count_step(
        ch, "num", hw(bi(f"the numerator n + 2p − {kname.replace('-', '−')}", f"分子 n + 2p − {kname.replace('-', '−')}")),
        numerator, uses=("n", "p", kernel),
        text=bi_lines(lambda s, l: bi("Numerator: ", "分子：").t(l) + lines(s, l, lambda i: (
            f"$n + 2p - {'(d(k-1)+1)' if dilated else 'k'} = {s['n'][i]} + 2 \\cdot {s['p'][i]} - {F(at(s[kernel], i))} "
            f"= {F(at(s['num'], i))}$"))),
        rule=bi("the padded input minus the kernel: the room the window can slide over",
                "填充后的输入减去卷积核：窗口可以滑动的范围"),
        formula=bi(f"n + 2p − {kname.replace('-', '−')} (p on each side)", f"n + 2p − {kname.replace('-', '−')}（p 为每侧填充）"),
        mistakes=(M("single_padding", lambda e: numerator(e, 1)), M("no_padding", lambda e: numerator(e, 0))))

    def out(e, how="floor"):
        def one(i):
            num, st = at(e["num"], i), at(e["s"], i)
            if how == "floor":
                return num // st + 1
            if how == "no_plus_one":
                return num // st
            if how == "no_stride":
                return num + 1
            if how == "ceil":
                return -(-num // st) + 1
            return num / st + 1
        return per_axis(square, one)

    def o_line(s, l, i):
        num, st, o = at(s["num"], i), s["s"][i], at(s["o"], i)
        line = f"$o = \\lfloor {F(num)}/{st} \\rfloor + 1 = {F(o)}$"
        if num % st:
            line += (bi(f" (⌊{F(num)}/{st}⌋ = {F(num // st)}: round down, the last window would not fit)",
                               f"（⌊{F(num)}/{st}⌋ = {F(num // st)}：向下取整，最后一个窗口放不下）").t(l))
        return line

    def o_text(s, l):
        oh, ow = at(s["o"], 0), at(s["o"], 1)
        return lines(s, l, lambda i: o_line(s, l, i)) + (bi(f"; output {F(oh)}×{F(ow)}", f"；输出 {F(oh)}×{F(ow)}").t(l))

    count_step(
        ch, "o", hw(bi("the output size o = ⌊numerator/s⌋ + 1", "输出尺寸 o = ⌊分子/s⌋ + 1")), out, uses=("num", "s"),
        text=bi_lines(o_text),
        substituted=bi_lines(lambda s, l: "; ".join(f"⌊{F(at(s['num'], i))}/{s['s'][i]}⌋ + 1" for i in ((0,) if square else (0, 1)))),
        rule=bi("count the window positions: one at the start, then one per stride that still fits",
                "数窗口的位置：起点一个，之后每走一个步长且仍放得下就再加一个"),
        formula=bi("o = ⌊(n + 2p − k)/s⌋ + 1", "o = ⌊(n + 2p − k)/s⌋ + 1"),
        mistakes=(M("forgot_plus_one", lambda e: out(e, "no_plus_one")), M("ignored_stride", lambda e: out(e, "no_stride")),
                  M("ceil_instead_of_floor", lambda e: out(e, "ceil")), M("no_floor", lambda e: out(e, "div"))))
    return ch.steps


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
