"""Output size of a transposed convolution ("deconvolution", learned upsampling).

Formula route: o = (n − 1)·s − 2p + d(k − 1) + output_padding + 1 per axis.
Engine route: run an engine ConvTranspose2d on an all-zero input and read the shape.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import at, bi_lines, count_step, per_axis

FAMILY = Family(
    id="transposed_conv_output",
    topic="cnn",
    concepts=("transposed_conv", "conv_output_size"),
    title=bi("Transposed convolution output size", "转置卷积输出尺寸"),
    params=(
        Param("n", "pair", bi("input size (n, or h,w)", "输入尺寸（n，或 h,w）"), max=10000),
        Param("k", "pair", bi("kernel size (k, or kh,kw)", "卷积核大小（k，或 kh,kw）"), max=32),
        Param("s", "pair", bi("stride", "步长"), default="1", max=32),
        Param("p", "pair", bi("padding (removed from each side of the output)", "填充（从输出每侧去掉）"), default="0", max=64),
        Param("output_padding", "pair", bi("extra rows/columns added on one side (< stride)", "在一侧额外增加的行/列（< 步长）"),
              default="0", aliases=("op", "out_pad"), max=32),
        Param("d", "pair", bi("dilation", "空洞率"), default="1", max=32),
    ),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    z = (0, 0)
    if difficulty == "easy":
        n, k, s, p = pick(rng, ((2, 3, 1, 0), (3, 3, 1, 0), (2, 2, 2, 0), (3, 2, 2, 0), (4, 2, 2, 0), (2, 3, 2, 0), (3, 3, 2, 1)))
        return {"n": (n, n), "k": (k, k), "s": (s, s), "p": (p, p), "output_padding": z, "d": (1, 1)}
    if difficulty == "medium":
        n = pick(rng, (4, 7, 8, 14, 16, 28, 32))
        k, s, p = pick(rng, ((4, 2, 1), (3, 2, 1), (2, 2, 0), (5, 2, 2), (3, 1, 1), (4, 4, 0), (3, 2, 0), (5, 1, 0)))
        op = 1 if (s == 2 and k == 3 and p == 1 and rng.random() < 0.6) else 0
        return {"n": (n, n), "k": (k, k), "s": (s, s), "p": (p, p), "output_padding": (op, op), "d": (1, 1)}
    h, w = pick(rng, ((4, 4), (7, 7), (8, 6), (16, 12), (5, 10)))
    k = pick(rng, ((3, 3), (4, 4), (5, 5), (3, 5)))
    s = pick(rng, ((2, 2), (3, 3), (2, 1)))
    p = pick(rng, ((0, 0), (1, 1), (2, 2), (1, 0)))
    op = tuple(pick(rng, (0, 1)) if si > 1 else 0 for si in s)
    d = pick(rng, ((1, 1), (1, 1), (2, 2)))
    return {"n": (h, w), "k": k, "s": s, "p": p, "output_padding": op, "d": d}


def _axis(n, k, s, p, op, d):
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def solve(prm: dict) -> Solution:
    (nh, nw), (kh, kw), (sh, sw), (ph, pw), (oph, opw), (dh, dw) = (
        prm["n"], prm["k"], prm["s"], prm["p"], prm["output_padding"], prm["d"])
    if min(nh, nw, kh, kw, sh, sw, dh, dw) < 1 or min(ph, pw, oph, opw) < 0:
        raise ParamError("sizes, kernel, stride and dilation must be ≥ 1; padding ≥ 0", "尺寸、卷积核、步长、空洞率须 ≥ 1；填充须 ≥ 0")
    if oph >= max(sh, dh) or opw >= max(sw, dw):
        raise ParamError("output_padding must be smaller than the stride (or the dilation)", "output_padding 须小于步长（或空洞率）")
    oh, ow = _axis(nh, kh, sh, ph, oph, dh), _axis(nw, kw, sw, pw, opw, dw)
    if min(oh, ow) < 1:
        raise ParamError("the padding removes the whole output", "填充把输出全部去掉了")
    square = (nh, kh, sh, ph, oph, dh) == (nw, kw, sw, pw, opw, dw)
    dilated = (dh, dw) != (1, 1)
    has_op = (oph, opw) != (0, 0)

    def hw(a, b):
        return f"{a}" if a == b else f"({a}, {b})"

    def pr(a, b):
        return f"{a}" if a == b else f"{a}×{b}"

    desc_en = f"a {nh}×{nw} input, kernel {pr(kh, kw)}, stride {hw(sh, sw)}, padding {hw(ph, pw)}"
    desc_zh = f"卷积核 {pr(kh, kw)}，步长 {hw(sh, sw)}，填充 {hw(ph, pw)}"
    if has_op:
        desc_en += f", output_padding {hw(oph, opw)}"
        desc_zh += f"，output_padding {hw(oph, opw)}"
    if dilated:
        desc_en += f", dilation {hw(dh, dw)}"
        desc_zh += f"，空洞率 {hw(dh, dw)}"
    ask_en = "Give the output size (one number: the output is square)." if square else "Give the output height and width as h, w."
    ask_zh = "求输出尺寸（输出为正方形，填一个数）。" if square else "求输出的高和宽，按 h, w 填写。"
    prompt = bi(f"A transposed convolution (PyTorch ConvTranspose2d) is applied to {desc_en}. {ask_en}",
                f"对 {nh}×{nw} 的输入做转置卷积（PyTorch ConvTranspose2d），{desc_zh}。{ask_zh}")
    steps = [bi(
        r"Transposed convolution output per axis: $o = (n-1)s - 2p + d(k-1) + \text{output\_padding} + 1$"
        + (r" (with $d = 1$: $(n-1)s - 2p + k + \text{output\_padding}$)." if not dilated else "."),
        r"转置卷积每个方向的输出：$o = (n-1)s - 2p + d(k-1) + \text{output\_padding} + 1$"
        + (r"（$d = 1$ 时为 $(n-1)s - 2p + k + \text{output\_padding}$）。" if not dilated else "。"),
    )]
    chain = _chain(prm, square)
    steps += [st.text for st in chain]
    answer = oh if square else (oh, ow)

    def wrong(f):
        h, w = f(nh, kh, sh, ph, oph, dh), f(nw, kw, sw, pw, opw, dw)
        return h if square else (h, w)

    miscon = [
        Misconception("used_conv_formula", wrong(lambda n, k, s, p, op, d: (n + 2 * p - d * (k - 1) - 1) // s + 1), bi(
            "You used the ordinary convolution formula; a transposed convolution inverts it: o = (n−1)s − 2p + k.",
            "你用了普通卷积的公式；转置卷积是它的逆：o = (n−1)s − 2p + k。")),
        Misconception("added_padding", wrong(lambda n, k, s, p, op, d: (n - 1) * s + 2 * p + d * (k - 1) + op + 1), bi(
            "You added 2p; in a transposed convolution padding is removed from the output: −2p.",
            "你加上了 2p；转置卷积的填充是从输出中去掉的：−2p。")),
        Misconception("n_times_s", wrong(lambda n, k, s, p, op, d: n * s - 2 * p + d * (k - 1) + op + 1), bi(
            "You used n·s; there are n − 1 strides between the n input positions: (n − 1)s.",
            "你用了 n·s；n 个输入位置之间只有 n − 1 个步长：(n − 1)s。")),
        Misconception("ignored_stride", wrong(lambda n, k, s, p, op, d: (n - 1) - 2 * p + d * (k - 1) + op + 1), bi(
            "You ignored the stride: inputs are placed s pixels apart, (n − 1)s.", "你忽略了步长：输入之间相隔 s 个像素，(n − 1)s。")),
        Misconception("forgot_output_padding", wrong(lambda n, k, s, p, op, d: (n - 1) * s - 2 * p + d * (k - 1) + 1), bi(
            "You forgot output_padding: it adds rows/columns on one side of the output.", "你漏了 output_padding：它在输出一侧增加行/列。")),
        Misconception("ignored_dilation", wrong(lambda n, k, s, p, op, d: (n - 1) * s - 2 * p + (k - 1) + op + 1), bi(
            "You ignored the dilation: the kernel spans d(k − 1) + 1 pixels.", "你忽略了空洞率：卷积核覆盖 d(k − 1) + 1 个像素。")),
    ]
    return Solution(prompt=prompt, answer=answer, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    conventions=(bi("PyTorch ConvTranspose2d: padding p is cropped from each side of the output; output_padding is added on one side.",
                                    "PyTorch ConvTranspose2d：从输出每侧裁去 p；output_padding 加在一侧。"),)
                    + (() if square else (bi("Sizes are height×width; a pair (a, b) gives the height and width values.",
                                             "尺寸按 高×宽 书写；数对 (a, b) 依次为高、宽方向的取值。"),)),
                    rtol=0, atol=0.01,
                    hint=bi("o = (n − 1)s − 2p + k + output_padding", "o = (n − 1)s − 2p + k + output_padding"))


NAMES = ("n", "k", "s", "p", "output_padding", "d")


def _chain(prm: dict, square: bool):
    """The span of the strided inputs (n − 1)s, then o = (n − 1)s − 2p + d(k − 1) + output_padding + 1,
    per axis (one number when both axes agree)."""
    F = fmt_num
    def hw(name):
        """A step's name, asking for height and width when the axes differ."""
        return name if square else bi(name.en + " (h, w)", name.zh + "（h, w）")

    ch = Chain({x: tuple(prm[x]) for x in NAMES})
    sep = {"en": "; ", "zh": "；"}

    def lines(l, one):
        return one(0) if square else sep[l].join(f"{'hw'[i]}: {one(i)}" for i in (0, 1))

    def span(e, how="right"):
        return per_axis(square, lambda i: (at(e["n"], i) - 1) * at(e["s"], i) if how == "right"
                        else at(e["n"], i) * at(e["s"], i) if how == "n_s" else at(e["n"], i) - 1)

    count_step(ch, "span", hw(bi("the span of the strided inputs (n − 1)s", "步长展开后输入的跨度 (n − 1)s")), span, uses=("n", "s"),
               text=bi_lines(lambda x, l: bi("Inputs s apart: ", "输入间隔 s 放置：").t(l) + lines(l, lambda i: (
                   f"$(n - 1)s = ({x['n'][i]} - 1) \\cdot {x['s'][i]} = {F(at(x['span'], i))}$"))),
               rule=bi("the n inputs are placed s pixels apart: n − 1 gaps", "n 个输入相隔 s 个像素放置：共 n − 1 个间隔"),
               formula=bi("(n − 1)·s", "(n − 1)·s"),
               mistakes=(StepMistake("n_times_s", bi("You used n·s; there are n − 1 strides between the n input positions: (n − 1)s.",
                                                     "你用了 n·s；n 个输入位置之间只有 n − 1 个步长：(n − 1)s。"), lambda e: span(e, "n_s")),
                         StepMistake("ignored_stride", bi("You ignored the stride: inputs are placed s pixels apart, (n − 1)s.",
                                                          "你忽略了步长：输入之间相隔 s 个像素，(n − 1)s。"), lambda e: span(e, "no_s"))))

    def out(e, pad=-2, op=True, dil=True):
        return per_axis(square, lambda i: at(e["span"], i) + pad * at(e["p"], i) + (at(e["d"], i) if dil else 1) * (at(e["k"], i) - 1)
                        + (at(e["output_padding"], i) if op else 0) + 1)

    def o_line(x, l, i):
        d, k, p, op = x["d"][i], x["k"][i], x["p"][i], x["output_padding"][i]
        dk = f"{d} \\cdot ({k} - 1)" if d != 1 else f"({k} - 1)"
        return f"$o = {F(at(x['span'], i))} - 2 \\cdot {p} + {dk} + {op} + 1 = {F(at(x['o'], i))}$"

    def o_text(x, l):
        oh, ow = at(x["o"], 0), at(x["o"], 1)
        return lines(l, lambda i: o_line(x, l, i)) + (bi(f"; output {F(oh)}×{F(ow)}", f"；输出 {F(oh)}×{F(ow)}").t(l))

    conv = StepMistake("used_conv_formula", bi("You used the ordinary convolution formula; a transposed convolution inverts it: o = (n−1)s − 2p + k.",
                                               "你用了普通卷积的公式；转置卷积是它的逆：o = (n−1)s − 2p + k。"),
                       lambda e: per_axis(square, lambda i: (at(e["n"], i) + 2 * at(e["p"], i) - at(e["d"], i) * (at(e["k"], i) - 1) - 1)
                                          // at(e["s"], i) + 1))
    count_step(ch, "o", hw(bi("the output size o = (n − 1)s − 2p + d(k − 1) + output_padding + 1",
                           "输出尺寸 o = (n − 1)s − 2p + d(k − 1) + output_padding + 1")),
               out, uses=("span", "p", "d", "k", "output_padding"), text=bi_lines(o_text),
               rule=bi("the kernel adds d(k − 1) + 1 pixels at the end; the padding is cropped from both sides of the output",
                       "卷积核在末端多覆盖 d(k − 1) + 1 个像素；填充从输出两侧裁去"),
               formula=bi("o = (n − 1)s − 2p + d(k − 1) + output_padding + 1", "o = (n − 1)s − 2p + d(k − 1) + output_padding + 1"),
               mistakes=(StepMistake("added_padding", bi("You added 2p; in a transposed convolution padding is removed from the output: −2p.",
                                                         "你加上了 2p；转置卷积的填充是从输出中去掉的：−2p。"), lambda e: out(e, pad=2)),
                         StepMistake("forgot_output_padding", bi("You forgot output_padding: it adds rows/columns on one side of the output.",
                                                                 "你漏了 output_padding：它在输出一侧增加行/列。"), lambda e: out(e, op=False)),
                         StepMistake("ignored_dilation", bi("You ignored the dilation: the kernel spans d(k − 1) + 1 pixels.",
                                                            "你忽略了空洞率：卷积核覆盖 d(k − 1) + 1 个像素。"), lambda e: out(e, dil=False)),
                         conv))
    return ch.steps


def check(prm: dict):
    """Engine route: run an engine ConvTranspose2d on zeros and read the output's shape."""
    from ..engine import ConvTranspose2d, probe_shape
    from ._shared import shape_only_rng

    layer = ConvTranspose2d(1, 1, prm["k"], stride=prm["s"], padding=prm["p"], output_padding=prm["output_padding"],
                            dilation=prm["d"], bias=False, rng=shape_only_rng())
    _, _, oh, ow = probe_shape(layer, (1, 1) + tuple(prm["n"]))  # zero strips: the shape of a full run
    names = ("n", "k", "s", "p", "output_padding", "d")
    square = tuple(prm[x][0] for x in names) == tuple(prm[x][1] for x in names)
    return int(oh) if square else (int(oh), int(ow))
