"""Computational cost of a convolution layer: the number of multiplications.

Formula route: H_out·W_out·k_h·k_w·C_in·C_out (= M²·K²·C_in·C_out for square maps and kernels).
Engine route: the engine convolves an all-ones input (C_in channels, sized so the output is
H_out×W_out with stride 1) with one all-ones filter; each output value is then the number of
products that formed it, so the sum of the output map is the multiplications of one filter.
All C_out filters do the same work, so that sum is multiplied by the layer's filter count.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import bi_lines, count_step

FAMILY = Family(
    id="conv_cost",
    topic="cnn",
    concepts=("conv_complexity", "channels"),
    title=bi("Multiplications of a convolution layer", "卷积层的乘法次数"),
    params=(
        Param("n_out", "pair", bi("output size (M, or h,w)", "输出尺寸（M，或 h,w）"), aliases=("m", "n", "out"), min=1, max=4096),
        Param("k", "pair", bi("kernel size (k, or kh,kw)", "卷积核大小（k，或 kh,kw）"), min=1, max=32),
        Param("c_in", "int", bi("input channels", "输入通道数"), aliases=("cin",), min=1, max=100000),
        Param("c_out", "int", bi("output channels (filters)", "输出通道数（卷积核个数）"), aliases=("cout",), min=1, max=100000),
    ),
    notes=(bi("At most 6·10^7 multiply-adds per filter (k_h·k_w·C_in·H_out·W_out; VGG-16's largest layer has 2.9·10^7): "
              "the engine route really convolves.",
              "每个卷积核至多 6·10^7 次乘加（k_h·k_w·C_in·H_out·W_out；VGG-16 最大的一层为 2.9·10^7）：引擎路线真的做卷积。"),),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        m, k = pick(rng, (3, 4, 5, 6, 8)), pick(rng, (2, 3))
        return {"n_out": (m, m), "k": (k, k), "c_in": pick(rng, (1, 2, 3)), "c_out": pick(rng, (1, 2, 4, 8))}
    if difficulty == "medium":
        m, k, c_in, c_out = pick(rng, ((55, 11, 3, 96), (27, 5, 96, 256), (13, 3, 256, 384), (28, 5, 1, 20),
                                       (32, 3, 3, 32), (14, 3, 64, 128), (28, 3, 32, 64), (56, 3, 64, 64),
                                       (10, 5, 6, 16), (24, 5, 1, 6), (16, 3, 16, 32), (8, 3, 32, 32)))
        return {"n_out": (m, m), "k": (k, k), "c_in": c_in, "c_out": c_out}
    h, w = pick(rng, ((28, 28), (14, 14), (7, 7), (32, 16), (20, 30), (56, 56)))
    k = pick(rng, ((1, 1), (3, 3), (5, 5), (1, 3), (3, 1), (7, 7)))
    return {"n_out": (h, w), "k": k, "c_in": pick(rng, (16, 32, 64, 128, 192)), "c_out": pick(rng, (16, 32, 48, 64, 128))}


MAX_MACS_PER_FILTER = 60_000_000


def solve(prm: dict) -> Solution:
    (h, w), (kh, kw), c_in, c_out = prm["n_out"], prm["k"], prm["c_in"], prm["c_out"]
    if min(h, w, kh, kw, c_in, c_out) < 1:
        raise ParamError("sizes, kernel and channels must be ≥ 1", "尺寸、卷积核和通道数须 ≥ 1")
    per_out = kh * kw * c_in
    if per_out * h * w > MAX_MACS_PER_FILTER:
        raise ParamError(
            f"k_h·k_w·C_in·H_out·W_out = {per_out * h * w} multiply-adds per filter; at most {MAX_MACS_PER_FILTER} are "
            "checked (VGG-16's largest layer has 2.9·10^7)",
            f"每个卷积核 k_h·k_w·C_in·H_out·W_out = {per_out * h * w} 次乘加；最多检查 {MAX_MACS_PER_FILTER} 次"
            "（VGG-16 最大的一层为 2.9·10^7）")
    square = h == w and kh == kw
    outputs = h * w * c_out
    total = per_out * outputs
    prompt = bi(
        f"A convolution layer with {kh}×{kw} kernels maps {c_in} input channel{'s' if c_in > 1 else ''} "
        f"to {c_out} output channel{'s' if c_out > 1 else ''}; "
        f"its output feature map is {h}×{w}×{c_out}. How many multiplications does one forward pass on one image take? "
        "(Count one multiplication per kernel weight per output value; ignore additions and the bias.)",
        f"一个卷积层用 {kh}×{kw} 的卷积核把 {c_in} 个输入通道映射为 {c_out} 个输出通道，输出特征图为 {h}×{w}×{c_out}。"
        "对一张图像做一次前向计算需要多少次乘法？（每个输出值的每个卷积核权重算一次乘法；不计加法和偏置。）",
    )
    steps = [
        bi(r"Each output value is a dot product over a $k_h \times k_w \times C_{in}$ window: $k_h k_w C_{in}$ multiplications. "
           r"There are $H_{out} W_{out} C_{out}$ output values, so the cost is $H_{out} W_{out} \cdot k_h k_w \cdot C_{in} C_{out}$."
           + (r" For an $M \times M$ output and a $K \times K$ kernel: $M^2 K^2 C_{in} C_{out}$." if square else ""),
           r"每个输出值是 $k_h \times k_w \times C_{in}$ 窗口上的点积：$k_h k_w C_{in}$ 次乘法。"
           r"输出值共有 $H_{out} W_{out} C_{out}$ 个，所以总乘法数为 $H_{out} W_{out} \cdot k_h k_w \cdot C_{in} C_{out}$。"
           + (r"输出为 $M \times M$、卷积核为 $K \times K$ 时即 $M^2 K^2 C_{in} C_{out}$。" if square else "")),
    ]
    chain = _chain(h, w, kh, kw, c_in, c_out, square)
    steps += [st.text for st in chain]
    miscon = [
        Misconception("forgot_c_out", h * w * per_out, bi(
            f"You computed one output channel only; all C_out = {c_out} filters are applied at every position.",
            f"你只算了一个输出通道；C_out = {c_out} 个卷积核在每个位置都要计算。")),
        Misconception("forgot_c_in", h * w * kh * kw * c_out, bi(
            f"You forgot the input channels: each window is k_h×k_w×C_in with C_in = {c_in}.",
            f"你漏了输入通道：每个窗口是 k_h×k_w×C_in，C_in = {c_in}。")),
        Misconception("counted_parameters", per_out * c_out, bi(
            "You counted the weights (parameters), not the work: every weight is used once per output position.",
            "你数的是权重（参数量），不是计算量：每个权重在每个输出位置都要用一次。")),
    ]
    if square:  # "k instead of k²", "M instead of M²" only mean something for square kernels and maps
        miscon[2:2] = [
            Misconception("kernel_not_squared", h * w * kh * c_in * c_out, bi(
                "You used k instead of k²: a k×k kernel has k² weights per channel.",
                "你用了 k 而不是 k²：k×k 卷积核每个通道有 k² 个权重。")),
            Misconception("output_not_squared", h * kh * kw * c_in * c_out, bi(
                "You used M instead of M²: the output map has H_out·W_out positions.",
                "你用了 M 而不是 M²：输出特征图有 H_out·W_out 个位置。")),
        ]
    return Solution(prompt=prompt, answer=total, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    conventions=(bi("One multiply–accumulate per kernel weight per output value; bias additions are not counted.",
                                    "每个输出值的每个卷积核权重计一次乘加；不计偏置的加法。"),),
                    rtol=0, atol=0.01,
                    hint=bi("Output values × multiplications per output value.", "输出值个数 × 每个输出值的乘法数。"))


FEEDBACK = {
    "forgot_c_in": bi("You forgot the input channels: each window is k_h×k_w×C_in.", "你漏了输入通道：每个窗口是 k_h×k_w×C_in。"),
    "kernel_not_squared": bi("You used k instead of k²: a k×k kernel has k² weights per channel.",
                             "你用了 k 而不是 k²：k×k 卷积核每个通道有 k² 个权重。"),
    "forgot_c_out": bi("You counted one output channel only; all C_out filters are applied at every position.",
                       "你只算了一个输出通道；C_out 个卷积核在每个位置都要计算。"),
    "output_not_squared": bi("You used M instead of M²: the output map has H_out·W_out positions.",
                             "你用了 M 而不是 M²：输出特征图有 H_out·W_out 个位置。"),
    "counted_parameters": bi("You counted the weights (parameters), not the work: every weight is used once per output position.",
                             "你数的是权重（参数量），不是计算量：每个权重在每个输出位置都要用一次。"),
}


def _chain(h, w, kh, kw, c_in, c_out, square):
    """The multiplications per output value k_h·k_w·C_in, the output values H·W·C_out, their product."""
    F = fmt_num
    ch = Chain({"n_out": (h, w), "k": (kh, kw), "c_in": c_in, "c_out": c_out})

    def M(mid, fn):
        return StepMistake(mid, FEEDBACK[mid], fn)

    count_step(ch, "per_out", bi("the multiplications per output value k_h·k_w·C_in", "每个输出值的乘法数 k_h·k_w·C_in"),
               lambda e: e["k"][0] * e["k"][1] * e["c_in"], uses=("k", "c_in"),
               text=bi_lines(lambda x, l: bi("Per output value: ", "每个输出值：").t(l)
                             + f"$k_h k_w C_{{in}} = {kh} \\cdot {kw} \\cdot {c_in} = {F(x['per_out'])}$"),
               rule=bi("one output value is a dot product over a k_h×k_w×C_in window", "一个输出值是 k_h×k_w×C_in 窗口上的点积"),
               formula=bi("k_h·k_w·C_in", "k_h·k_w·C_in"),
               mistakes=(M("forgot_c_in", lambda e: e["k"][0] * e["k"][1]),)
               + ((M("kernel_not_squared", lambda e: e["k"][0] * e["c_in"]),) if square else ()))
    count_step(ch, "outputs", bi("the output values H_out·W_out·C_out", "输出值个数 H_out·W_out·C_out"),
               lambda e: e["n_out"][0] * e["n_out"][1] * e["c_out"], uses=("n_out", "c_out"),
               text=bi_lines(lambda x, l: bi("Output values: ", "输出值个数：").t(l)
                             + f"$H_{{out}} W_{{out}} C_{{out}} = {h} \\cdot {w} \\cdot {c_out} = {F(x['outputs'])}$"),
               rule=bi("every position of every output channel is one output value", "每个输出通道的每个位置都是一个输出值"),
               formula=bi("H_out·W_out·C_out", "H_out·W_out·C_out"),
               mistakes=(M("forgot_c_out", lambda e: e["n_out"][0] * e["n_out"][1]),)
               + ((M("output_not_squared", lambda e: e["n_out"][0] * e["c_out"]),) if square else ()))
    count_step(ch, "total", bi("the multiplications in all", "乘法总数"), lambda e: e["per_out"] * e["outputs"], uses=("per_out", "outputs"),
               text=bi_lines(lambda x, l: bi("Total: ", "合计：").t(l) + f"${F(x['per_out'])} \\cdot {F(x['outputs'])} = {F(x['total'])}$"),
               rule=bi("output values times the work of one", "输出值个数乘以每个输出值的计算量"),
               formula=bi("(k_h·k_w·C_in)·(H_out·W_out·C_out)", "(k_h·k_w·C_in)·(H_out·W_out·C_out)"),
               mistakes=(M("counted_parameters", lambda e: e["per_out"] * e["c_out"]),))
    return ch.steps


def check(prm: dict):
    """Engine route: convolve ones with ones and add up the products (see module docstring)."""
    import numpy as np

    from ..engine import conv2d

    (h, w), (kh, kw), c_in, c_out = prm["n_out"], prm["k"], prm["c_in"], prm["c_out"]
    # in pieces (input channels in groups, output rows in bands: the convolution is a sum over
    # channels, and with an all-ones input every band sees the same window), so memory stays small
    budget = 1 << 23
    rows = max(1, min(h, budget // (kh * kw * w)))
    group = max(1, budget // (kh * kw * rows * w))
    total = 0
    for r0 in range(0, h, rows):
        hb = min(rows, h - r0)
        for c0 in range(0, c_in, group):
            c = min(group, c_in - c0)
            x = np.ones((1, c, hb + kh - 1, w + kw - 1))
            y = conv2d(x, np.ones((1, c, kh, kw)))  # each entry = products summed into it
            if y.shape[2:] != (hb, w):
                raise AssertionError(f"engine output {y.shape} does not match {hb}×{w}")
            total += int(round(float(y.sum())))
    return total * c_out
