"""Output size of a pooling layer (max or average; the size does not depend on which).

Formula route: o = ⌊(n + 2p − k)/s⌋ + 1 per axis (⌈·⌉ in ceil mode, where a last window
that would start beyond the input and left padding is dropped); the stride defaults to k.
Engine route: run an engine MaxPool2d / AvgPool2d on an all-zero input and read the shape.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import at, bi_lines, count_step, per_axis

FAMILY = Family(
    id="pool_output",
    topic="cnn",
    concepts=("pooling", "stride"),
    title=bi("Pooling output size", "汇聚（池化）层输出尺寸"),
    params=(
        Param("n", "pair", bi("input size (n, or h,w)", "输入尺寸（n，或 h,w）"), max=10000),
        Param("k", "pair", bi("pooling window (k, or kh,kw)", "汇聚窗口大小（k，或 kh,kw）"), max=32),
        Param("s", "pair", bi("stride; 0 = same as k (the default of pooling layers)", "步长；0 表示等于 k（汇聚层的默认值）"),
              default="0", max=32),
        Param("p", "pair", bi("zero padding on each side (at most k/2)", "每侧填充（不超过 k/2）"), default="0", max=16),
        Param("ceil", "bool", bi("ceil mode: round up instead of down", "ceil 模式：向上取整而不是向下"), default="false",
              aliases=("ceil_mode",)),
        Param("kind", "str", bi("max or avg (does not change the size)", "max 或 avg（不影响尺寸）"), default="max",
              choices=("max", "avg")),
    ),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    kind = pick(rng, ("max", "max", "avg"))
    if difficulty == "easy":
        n = pick(rng, (4, 6, 8, 10, 12, 16, 24, 28, 32))
        return {"n": (n, n), "k": (2, 2), "s": (0, 0), "p": (0, 0), "ceil": False, "kind": kind}
    if difficulty == "medium":
        n, k, s, p = pick(rng, ((55, 3, 2, 0), (27, 3, 2, 0), (13, 3, 2, 0), (224, 2, 2, 0), (112, 3, 2, 1),
                                (28, 2, 0, 0), (7, 2, 0, 0), (15, 2, 0, 0), (9, 3, 3, 0), (56, 3, 2, 1),
                                (32, 3, 2, 0), (25, 2, 2, 0), (14, 3, 1, 1), (11, 3, 2, 1), (10, 4, 4, 0)))
        return {"n": (n, n), "k": (k, k), "s": (s, s), "p": (p, p), "ceil": False, "kind": kind}
    h, w = pick(rng, ((7, 7), (13, 13), (25, 25), (14, 10), (55, 55), (28, 17), (9, 12)))
    k = pick(rng, (2, 3))
    s = pick(rng, (2, 2, 3))
    p = pick(rng, (0, 0, 1))
    return {"n": (h, w), "k": (k, k), "s": (s, s), "p": (p, p), "ceil": rng.random() < 0.6, "kind": kind}


def _stride(prm):
    (kh, kw), (sh, sw) = prm["k"], prm["s"]
    return (sh or kh, sw or kw)


def _axis(n, k, s, p, ceil):
    if not ceil:
        return (n + 2 * p - k) // s + 1
    o = -(-(n + 2 * p - k) // s) + 1
    if (o - 1) * s >= n + p:  # the last window would start in the right padding: dropped
        o -= 1
    return o


def solve(prm: dict) -> Solution:
    (nh, nw), (kh, kw), (ph, pw), ceil = prm["n"], prm["k"], prm["p"], bool(prm["ceil"])
    sh, sw = _stride(prm)
    kind = prm.get("kind", "max")
    if min(nh, nw, kh, kw, sh, sw) < 1 or min(ph, pw) < 0:
        raise ParamError("sizes, window and stride must be ≥ 1 and padding ≥ 0", "尺寸、窗口和步长须 ≥ 1，填充须 ≥ 0")
    if 2 * ph > kh or 2 * pw > kw:
        raise ParamError("pooling padding must be at most half the window", "汇聚层的填充不能超过窗口的一半")
    if kh > nh + 2 * ph or kw > nw + 2 * pw:
        raise ParamError("the window is larger than the padded input", "窗口比填充后的输入还大")
    oh, ow = _axis(nh, kh, sh, ph, ceil), _axis(nw, kw, sw, pw, ceil)
    square = (nh, kh, sh, ph) == (nw, kw, sw, pw)

    def pr(a, b):
        return f"{a}" if a == b else f"{a}×{b}"

    default_s = prm["s"] == (0, 0)
    stride_en = f"stride {pr(sh, sw)}" + (" (the default: equal to the window)" if default_s else "")
    stride_zh = f"步长 {pr(sh, sw)}" + ("（默认值：等于窗口大小）" if default_s else "")
    pad_en = f", padding {pr(ph, pw)}" if (ph or pw) else ""
    pad_zh = f"，填充 {pr(ph, pw)}" if (ph or pw) else ""
    kname_en, kname_zh = ("max", "最大") if kind == "max" else ("average", "平均")
    mode_en = "ceil mode (round up)" if ceil else "the usual floor rounding"
    mode_zh = "ceil 模式（向上取整）" if ceil else "通常的向下取整"
    ask_en = "Give the output size (one number: the output is square)." if square else "Give the output height and width as h, w."
    ask_zh = "求输出尺寸（输出为正方形，填一个数）。" if square else "求输出的高和宽，按 h, w 填写。"
    size = f"{nh}×{nw}"
    prompt = bi(
        f"{'An' if kind == 'avg' else 'A'} {kname_en}-pooling layer with a {kh}×{kw} "
        f"window, {stride_en}{pad_en} and {mode_en} is applied to a {size} feature map. {ask_en}",
        f"一个 {kh}×{kw} 窗口、{stride_zh}{pad_zh}、采用{mode_zh}的{kname_zh}汇聚层作用于 {size} 的特征图。{ask_zh}",
    )
    rnd = r"\left\lceil" if ceil else r"\left\lfloor"
    rnd_r = r"\right\rceil" if ceil else r"\right\rfloor"
    steps = [bi(
        f"Pooling output per axis: $o = {rnd} \\frac{{n + 2p - k}}{{s}} {rnd_r} + 1$"
        + (" (stride defaults to the window size k)." if default_s else ".")
        + (" In ceil mode a last window that would start beyond the input (in the right padding) is dropped." if ceil else ""),
        f"每个方向的汇聚输出：$o = {rnd} \\frac{{n + 2p - k}}{{s}} {rnd_r} + 1$"
        + ("（步长默认等于窗口大小 k）。" if default_s else "。")
        + ("ceil 模式下，若最后一个窗口会从输入之外（右侧填充里）开始，则丢弃它。" if ceil else ""),
    )]
    chain = _chain(prm, (sh, sw), square, ceil)
    steps += [st.text for st in chain]
    answer = oh if square else (oh, ow)

    def wrong(f):
        h, w = f(nh, kh, sh, ph), f(nw, kw, sw, pw)
        return h if square else (h, w)

    other = "floor" if ceil else "ceil"
    miscon = [
        Misconception(f"{other}_rounding", wrong(lambda n, k, s, p: _axis(n, k, s, p, not ceil)), bi(
            f"You rounded {'down' if ceil else 'up'}; this layer rounds {'up (ceil mode)' if ceil else 'down (a window that does not fit is dropped)'}.",
            f"你{'向下' if ceil else '向上'}取整了；本层{'向上取整（ceil 模式）' if ceil else '向下取整（放不下的窗口被丢弃）'}。")),
        Misconception("forgot_plus_one", wrong(lambda n, k, s, p: (n + 2 * p - k) // s if not ceil else -(-(n + 2 * p - k) // s)), bi(
            "You forgot the +1: the first window is counted too.", "你漏掉了 +1：第一个窗口也要计数。")),
        Misconception("stride_one", wrong(lambda n, k, s, p: _axis(n, k, 1, p, ceil)), bi(
            f"You used stride 1; the stride is {pr(sh, sw)}" + (" (pooling's default stride is the window size)." if default_s else "."),
            f"你用了步长 1；步长是 {pr(sh, sw)}" + ("（汇聚层默认步长等于窗口大小）。" if default_s else "。"))),
        Misconception("no_padding", wrong(lambda n, k, s, p: _axis(n, k, s, 0, ceil)), bi(
            "You ignored the padding.", "你忽略了填充。")),
        Misconception("divided_by_stride", wrong(lambda n, k, s, p: (n + 2 * p) // s), bi(
            "You divided the input size by the stride; the window size matters too: o = ⌊(n + 2p − k)/s⌋ + 1.",
            "你直接用输入尺寸除以步长；窗口大小也要考虑：o = ⌊(n + 2p − k)/s⌋ + 1。")),
    ]
    conventions = (bi("Padding p is per side; the stride defaults to the window size; floor rounding unless ceil mode is stated (PyTorch).",
                      "p 为每一侧的填充；步长默认等于窗口大小；除非说明 ceil 模式，否则向下取整（PyTorch）。"),)
    return Solution(prompt=prompt, answer=answer, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, rtol=0, atol=0.01, chain=chain,
                    hint=bi("o = ⌈(n + 2p − k)/s⌉ + 1 in ceil mode, with s = k by default." if ceil
                            else "o = ⌊(n + 2p − k)/s⌋ + 1, with s = k by default.",
                            "ceil 模式下 o = ⌈(n + 2p − k)/s⌉ + 1，默认 s = k。" if ceil
                            else "o = ⌊(n + 2p − k)/s⌋ + 1，默认 s = k。"))


def _chain(prm: dict, stride, square: bool, ceil: bool):
    """The numerator n + 2p − k, then o = ⌊numerator/s⌋ + 1 (⌈·⌉ in ceil mode, a last window
    starting in the right padding dropped), per axis (one number when both axes agree)."""
    F = fmt_num
    def hw(name):
        """A step's name, asking for height and width when the axes differ."""
        return name if square else bi(name.en + " (h, w)", name.zh + "（h, w）")

    ch = Chain({"n": tuple(prm["n"]), "k": tuple(prm["k"]), "s": tuple(stride), "p": tuple(prm["p"]), "ceil": ceil})
    sep = {"en": "; ", "zh": "；"}

    def lines(l, one):
        return one(0) if square else sep[l].join(f"{'hw'[i]}: {one(i)}" for i in (0, 1))

    def numerator(e, pad=2):
        return per_axis(square, lambda i: at(e["n"], i) + pad * at(e["p"], i) - at(e["k"], i))

    count_step(ch, "num", hw(bi("the numerator n + 2p − k", "分子 n + 2p − k")), numerator, uses=("n", "p", "k"),
               text=bi_lines(lambda x, l: bi("Numerator: ", "分子：").t(l) + lines(l, lambda i: (
                   f"$n + 2p - k = {x['n'][i]} + 2 \\cdot {x['p'][i]} - {x['k'][i]} = {F(at(x['num'], i))}$"))),
               rule=bi("the padded input minus the window: the room the window can slide over", "填充后的输入减去窗口：窗口可以滑动的范围"),
               formula=bi("n + 2p − k (p on each side)", "n + 2p − k（p 为每侧填充）"),
               mistakes=(StepMistake("no_padding", bi("You ignored the padding: add 2p.", "你忽略了填充：要加 2p。"),
                                     lambda e: numerator(e, 0)),))

    def one(e, i, rnd=ceil, plus=1, stride=True):
        num, st = at(e["num"], i), at(e["s"], i) if stride else 1
        if not rnd:
            return num // st + plus
        o = -(-num // st) + plus
        if plus and (o - 1) * st >= at(e["n"], i) + at(e["p"], i):  # the last window starts in the right padding
            o -= 1
        return o

    def out(e, **kw):
        return per_axis(square, lambda i: one(e, i, **kw))

    def o_line(x, l, i):
        num, st, o = at(x["num"], i), x["s"][i], at(x["o"], i)
        a, b = (r"\lceil", r"\rceil") if ceil else (r"\lfloor", r"\rfloor")
        r = -(-num // st) if ceil else num // st
        line = f"$o = {a} {F(num)}/{st} {b} + 1 = {F(r + 1)}$"
        if r + 1 != o:
            line += (bi(f"; the last window would start at {F(r * st - x['p'][i])} ≥ n = {x['n'][i]}, so it is dropped: $o = {F(o)}$",
                               f"；最后一个窗口的起点 {F(r * st - x['p'][i])} ≥ n = {x['n'][i]}，被丢弃：$o = {F(o)}$").t(l))
        return line

    def o_text(x, l):
        oh, ow = at(x["o"], 0), at(x["o"], 1)
        return lines(l, lambda i: o_line(x, l, i)) + (bi(f"; output {F(oh)}×{F(ow)} (the channels are unchanged)",
                                                                f"；输出 {F(oh)}×{F(ow)}（通道数不变）").t(l))

    rnd = "⌈·⌉" if ceil else "⌊·⌋"
    other = "floor" if ceil else "ceil"
    count_step(ch, "o", hw(bi(f"the output size o = {rnd.replace('·', 'numerator/s')} + 1", f"输出尺寸 o = {rnd.replace('·', '分子/s')} + 1")),
               out, uses=("num", "s") + (("n", "p") if ceil else ()), text=bi_lines(o_text),
               substituted=bi_lines(lambda x, l: "; ".join(f"{rnd[0]}{F(at(x['num'], i))}/{x['s'][i]}{rnd[2]} + 1"
                                                          for i in ((0,) if square else (0, 1)))),
               rule=bi("count the window positions: one at the start, then one per stride"
                       + (" (ceil mode: a partial last window counts, unless it starts in the right padding)" if ceil
                          else " that still fits"),
                       "数窗口的位置：起点一个，之后每走一个步长" + ("再加一个（ceil 模式：不完整的最后一个窗口也算，除非它从右侧填充里开始）" if ceil
                                                        else "且仍放得下就再加一个")),
               formula=bi(f"o = {rnd.replace('·', '(n + 2p − k)/s')} + 1", f"o = {rnd.replace('·', '(n + 2p − k)/s')} + 1"),
               mistakes=(StepMistake(f"{other}_rounding", bi(
                   f"You rounded {'down' if ceil else 'up'}; this layer rounds {'up (ceil mode)' if ceil else 'down (a window that does not fit is dropped)'}.",
                   f"你{'向下' if ceil else '向上'}取整了；本层{'向上取整（ceil 模式）' if ceil else '向下取整（放不下的窗口被丢弃）'}。"),
                   lambda e: out(e, rnd=not ceil)),
                   StepMistake("forgot_plus_one", bi("You forgot the +1: the first window is counted too.", "你漏掉了 +1：第一个窗口也要计数。"),
                               lambda e: out(e, plus=0)),
                   StepMistake("stride_one", bi("You used stride 1; pooling's stride is given (by default it equals the window).",
                                                "你用了步长 1；汇聚层的步长已给出（默认等于窗口大小）。"), lambda e: out(e, stride=False)),
                   StepMistake("divided_by_stride", bi("You divided the input size by the stride; subtract the window first: o = ⌊(n + 2p − k)/s⌋ + 1.",
                                                       "你直接用输入尺寸除以步长；要先减去窗口：o = ⌊(n + 2p − k)/s⌋ + 1。"),
                               lambda e: per_axis(square, lambda i: (at(e["num"], i) + at(e["k"], i)) // at(e["s"], i)))))
    return ch.steps


def check(prm: dict):
    """Engine route: run an engine pooling layer on zeros and read the output's shape."""
    from ..engine import AvgPool2d, MaxPool2d, probe_shape

    (nh, nw) = prm["n"]
    cls = AvgPool2d if prm.get("kind", "max") == "avg" else MaxPool2d
    layer = cls(prm["k"], stride=_stride(prm), padding=prm["p"], ceil_mode=bool(prm["ceil"]))
    _, _, oh, ow = probe_shape(layer, (1, 1, nh, nw))  # zero strips: the shape of a full run
    square = (prm["n"][0], prm["k"][0], _stride(prm)[0], prm["p"][0]) == (prm["n"][1], prm["k"][1], _stride(prm)[1], prm["p"][1])
    return int(oh) if square else (int(oh), int(ow))
