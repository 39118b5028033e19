"""The inverse size question: which padding keeps the size ("same") or reaches a target output,
or which stride gives a target output, for a convolution with kernel k and dilation d.

Formula route: from o = ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1: with s = 1, p = (o − n + d(k − 1))/2
(same: o = n, p = d(k − 1)/2); otherwise the smallest p ≥ 0 (or s ≥ 1) giving o.
Engine route: run an engine Conv2d on zero strips for p = 0, 1, 2, … (or s = 1, 2, …) and read
the output shape until it is the target: the search, not the formula.
"""
from __future__ import annotations

import random

import math

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import bi_lines, count_step

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
                + ("; the dilated kernel spans $d(k-1)+1$ pixels." if d != 1 else "."),
                r"输出尺寸：$o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1$"
                + ("；空洞卷积核覆盖 $d(k-1)+1$ 个像素。" if d != 1 else "。"))]
    chain = _chain(n, k, s, p, d, o, ask)
    steps += [st.text for st in chain]
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
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    conventions=(bi("p is the padding on each side; the division is floored (PyTorch).",
                                    "p 为每一侧的填充；除法向下取整（PyTorch）。"),),
                    rtol=0, atol=0.01,
                    hint=bi("Set o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 equal to the target and solve.",
                            "令 o = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 等于目标值，求解。"))


FEEDBACK = {
    "ignored_dilation": bi("You ignored the dilation: the kernel spans d(k−1)+1 pixels, not k.",
                           "你忽略了空洞率：卷积核覆盖 d(k−1)+1 个像素，而不是 k。"),
    "not_halved": bi("You did not halve: p is on each side, so the total 2p is split in two.",
                     "你没有除以 2：p 是每一侧的填充，总量 2p 要平分到两侧。"),
    "kernel_over_two": bi("You took k//2; with dilation the kernel spans d(k−1)+1 pixels, so p = d(k−1)/2.",
                          "你取了 k//2；有空洞时卷积核覆盖 d(k−1)+1 个像素，p = d(k−1)/2。"),
    "forgot_plus_one": bi("You solved (n + 2p − k)/s = o, forgetting the +1: it is (n + 2p − k)/s + 1 = o.",
                          "你解的是 (n + 2p − k)/s = o，漏了 +1：应为 (n + 2p − k)/s + 1 = o。"),
    "divided_sizes": bi("You divided n by o; the kernel and the padding change the size too.", "你直接用 n 除以 o；卷积核和填充也影响尺寸。"),
}


def _chain(n, k, s, p, d, o, ask):
    """[The dilated kernel's span,] then for padding with s = 1 the total padding o − n + k_eff − 1
    and p, half of it; with s > 1 the smallest numerator (o − 1)s and the smallest p reaching it;
    for the stride the numerator n + 2p − k_eff and the smallest s with ⌊numerator/s⌋ = o − 1."""
    F = fmt_num
    ch = Chain({"n": n, "k": k, "s": s, "p": p, "d": d, "o": o})

    def M(mid, fn):
        return StepMistake(mid, FEEDBACK[mid], fn)

    kernel = "k"
    if d != 1:
        kernel = "keff"
        count_step(ch, "keff", bi("the span of the dilated kernel d(k−1)+1", "空洞卷积核的覆盖范围 d(k−1)+1"),
                   lambda e: e["d"] * (e["k"] - 1) + 1, uses=("d", "k"),
                   text=bi_lines(lambda x, l: bi("Dilated kernel: ", "空洞卷积核：").t(l)
                                 + f"$d(k-1)+1 = {d}({k}-1)+1 = {F(x['keff'])}$"),
                   rule=bi("a dilated kernel leaves d − 1 holes between its taps", "空洞卷积核相邻两个权重之间隔 d − 1 个像素"),
                   formula=bi("k_eff = d(k − 1) + 1", "k_eff = d(k − 1) + 1"),
                   mistakes=(M("ignored_dilation", lambda e: e["k"]),))
    kt = "(d(k-1)+1)" if d != 1 else "k"

    def check_line(x, l, pv, sv):
        return (bi("; check: ", "；验算：").t(l)
                + f"$\\lfloor ({n} + 2 \\cdot {F(pv)} - {F(x[kernel]) if d != 1 else k})/{F(sv)} \\rfloor + 1 = {o}$")

    if ask == "padding" and s == 1:
        count_step(ch, "total_pad", bi("the total padding 2p = o − n + k − 1", "两侧填充之和 2p = o − n + k − 1"),
                   lambda e: e["o"] - e["n"] + e[kernel] - 1, uses=("o", "n", kernel),
                   text=bi_lines(lambda x, l: bi("With $s = 1$: $o = n + 2p - k + 1$, so ", "$s = 1$ 时：$o = n + 2p - k + 1$，故 ").t(l)
                                 + f"$2p = o - n + {kt} - 1 = {o} - {n} + {F(x[kernel])} - 1 = {F(x['total_pad'])}$"),
                   rule=bi("with stride 1 the output is n + 2p − k + 1: solve it for 2p", "步长为 1 时输出为 n + 2p − k + 1：解出 2p"),
                   formula=bi("2p = o − n + k − 1", "2p = o − n + k − 1"))
        count_step(ch, "pad", bi("the padding p on each side", "每侧填充 p"), lambda e: e["total_pad"] / 2, uses=("total_pad",),
                   text=bi_lines(lambda x, l: f"$p = {F(x['total_pad'])}/2 = {F(x['pad'])}$" + check_line(x, l, x["pad"], s)),
                   substituted=bi_lines(lambda x, l: f"p = {F(x['total_pad'])}/2"),
                   rule=bi("the padding is split equally between the two sides", "填充平均分到两侧"), formula=bi("p = 2p/2", "p = 2p/2"),
                   mistakes=(M("not_halved", lambda e: e["total_pad"]), M("kernel_over_two", lambda e: e["k"] // 2)))
    elif ask == "padding":
        count_step(ch, "lo", bi("the smallest numerator n + 2p − k giving o, (o − 1)s", "使输出为 o 的最小分子 n + 2p − k，即 (o − 1)s"),
                   lambda e: (e["o"] - 1) * e["s"], uses=("o", "s"),
                   text=bi_lines(lambda x, l: (bi(f"$\\lfloor (n + 2p - {kt})/s \\rfloor = o - 1$ needs ",
                                                         f"$\\lfloor (n + 2p - {kt})/s \\rfloor = o - 1$ 要求 ").t(l))
                                 + f"$n + 2p - {kt} ≥ (o - 1)s = ({o} - 1) \\cdot {s} = {F(x['lo'])}$"),
                   substituted=bi_lines(lambda x, l: f"({o} − 1)·{s}"),
                   rule=bi("the floor reaches o − 1 once the numerator reaches (o − 1)s", "分子达到 (o − 1)s 时，向下取整的结果才达到 o − 1"),
                   formula=bi("n + 2p − k ≥ (o − 1)s", "n + 2p − k ≥ (o − 1)s"))

        def pad(e, half=True):
            need = e["lo"] - e["n"] + e[kernel]
            return max(0, math.ceil(need / 2)) if half else max(0, need)

        count_step(ch, "pad", bi("the smallest padding p", "最小的填充 p"), pad, uses=("lo", "n", kernel),
                   text=bi_lines(lambda x, l: f"$2p ≥ {F(x['lo'])} - {n} + {F(x[kernel])}$, "
                                 + bi("the smallest $p ≥ 0$ is ", "最小的 $p ≥ 0$ 为 ").t(l)
                                 + f"$p = {F(x['pad'])}$" + check_line(x, l, x["pad"], s)),
                   substituted=bi_lines(lambda x, l: f"2p ≥ {F(x['lo'])} − {n} + {F(x[kernel])}"),
                   rule=bi("the smallest p whose numerator reaches (o − 1)s", "分子达到 (o − 1)s 的最小 p"),
                   formula=bi("p = ⌈((o − 1)s − n + k)/2⌉, at least 0", "p = ⌈((o − 1)s − n + k)/2⌉，且不小于 0"),
                   mistakes=(M("not_halved", lambda e: pad(e, half=False)), M("kernel_over_two", lambda e: e["k"] // 2)))
    else:
        count_step(ch, "num", bi(f"the numerator n + 2p − {kt}", f"分子 n + 2p − {kt}"),
                   lambda e: e["n"] + 2 * e["p"] - e[kernel], uses=("n", "p", kernel),
                   text=bi_lines(lambda x, l: bi("Numerator: ", "分子：").t(l)
                                 + f"$n + 2p - {kt} = {n} + 2 \\cdot {p} - {F(x[kernel])} = {F(x['num'])}$"),
                   rule=bi("the padded input minus the kernel", "填充后的输入减去卷积核"), formula=bi("n + 2p − k", "n + 2p − k"))

        def stride_text(x, l):
            num, sv = x["num"], x["stride"]
            if o > 1 and num % (o - 1) == 0 and num // (o - 1) == sv:
                line = f"$\\lfloor {F(num)}/s \\rfloor = o - 1 = {o - 1}$: $s = {F(num)}/{o - 1} = {F(sv)}$"
            else:
                line = (f"$\\lfloor {F(num)}/s \\rfloor = o - 1 = {o - 1}$ needs $s > {F(num)}/{o}$: "
                        f"the smallest is $s = \\lfloor {F(num)}/{o} \\rfloor + 1 = {F(sv)}$")
            if l == "zh":
                line = line.replace("needs", "要求").replace(": the smallest is", "：最小为").replace("$: $", "$：$")
            return line + check_line(x, l, p, sv)

        count_step(ch, "stride", bi("the stride s", "步长 s"), lambda e: e["num"] // e["o"] + 1, uses=("num", "o"),
                   text=bi_lines(stride_text),
                   substituted=bi_lines(lambda x, l: f"⌊{F(x['num'])}/s⌋ = {o - 1}"),
                   rule=bi("the smallest stride whose floor gives o − 1 steps", "向下取整后恰好走 o − 1 步的最小步长"),
                   formula=bi("⌊(n + 2p − k)/s⌋ = o − 1: s = ⌊(n + 2p − k)/o⌋ + 1", "⌊(n + 2p − k)/s⌋ = o − 1：s = ⌊(n + 2p − k)/o⌋ + 1"),
                   mistakes=(M("forgot_plus_one", lambda e: max(1, round(e["num"] / e["o"]))),
                             M("divided_sizes", lambda e: round(e["n"] / e["o"]))))
    return ch.steps


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
