"""Parameters (weights and biases) of a convolution layer.

Formula route: k_h·k_w·C_in·C_out weights + C_out biases (weights are shared across positions,
so the input size does not matter).
Engine route: build an engine `Conv2d` at the real sizes and call `count_params`
(built with `shape_only_rng`, so the arrays have their real shapes but cost nothing).
"""
from __future__ import annotations

import random

from .base import Family, Misconception, Param, ParamError, Solution, bi, pick

FAMILY = Family(
    id="conv_params",
    topic="cnn",
    concepts=("conv_params", "weight_sharing", "channels"),
    title=bi("Parameters of a convolution layer", "卷积层的参数量"),
    params=(
        Param("c_in", "int", bi("input channels", "输入通道数"), aliases=("cin", "in_channels"), max=100000),
        Param("c_out", "int", bi("output channels (number of filters)", "输出通道数（卷积核个数）"),
              aliases=("cout", "out_channels", "filters"), max=100000),
        Param("k", "pair", bi("kernel size (k, or kh,kw)", "卷积核大小（k，或 kh,kw）"), max=64),
        Param("bias", "bool", bi("one bias per output channel", "每个输出通道一个偏置"), default="true"),
        Param("n", "pair", bi("input height,width (context only: it does not change the count; 0 = not given)",
                              "输入的高,宽（仅作背景，不影响参数量；0 表示不给出）"), default="0", max=10000),
    ),
)

_MEDIUM = ((3, 64, 3), (64, 64, 3), (64, 128, 3), (128, 256, 3), (3, 96, 11), (96, 256, 5), (256, 384, 3),
           (3, 32, 3), (32, 64, 3), (1, 20, 5), (20, 50, 5), (3, 16, 5), (16, 32, 3), (256, 512, 3))


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        c_in, c_out, k = pick(rng, (1, 3, 3)), pick(rng, (4, 6, 8, 10, 16)), pick(rng, (3, 5))
        n = pick(rng, (0, 28, 32))
        return {"c_in": c_in, "c_out": c_out, "k": (k, k), "bias": True, "n": (n, n)}
    if difficulty == "medium":
        c_in, c_out, k = pick(rng, _MEDIUM)
        n = pick(rng, (0, 0, 224, 112, 56, 32, 28))
        return {"c_in": c_in, "c_out": c_out, "k": (k, k), "bias": rng.random() < 0.85, "n": (n, n)}
    c_in = pick(rng, (64, 128, 192, 256, 480, 512))
    c_out = pick(rng, (32, 64, 96, 128, 208, 256))
    k = pick(rng, ((1, 1), (3, 3), (5, 5), (1, 3), (3, 1), (1, 7), (7, 1)))
    n = pick(rng, (0, 7, 14, 28))
    return {"c_in": c_in, "c_out": c_out, "k": k, "bias": rng.random() < 0.7, "n": (n, n)}


def solve(prm: dict) -> Solution:
    c_in, c_out, (kh, kw), bias, (nh, nw) = prm["c_in"], prm["c_out"], prm["k"], bool(prm["bias"]), prm["n"]
    if min(c_in, c_out, kh, kw) < 1 or min(nh, nw) < 0:
        raise ParamError("channels and kernel size must be ≥ 1", "通道数和卷积核大小须 ≥ 1")
    if (nh or nw) and (kh > nh or kw > nw):
        raise ParamError("the kernel is larger than the input", "卷积核比输入还大")
    per_filter = kh * kw * c_in
    weights = per_filter * c_out
    biases = c_out if bias else 0
    total = weights + biases
    kk = f"{kh}×{kw}"
    ctx_en = f"takes a {nh}×{nw}×{c_in} input and " if nh else f"has {c_in} input channels and "
    ctx_zh = f"输入为 {nh}×{nw}×{c_in}，" if nh else f"有 {c_in} 个输入通道，"
    b_en = "with one bias per filter" if bias else "without bias"
    b_zh = "每个卷积核一个偏置" if bias else "没有偏置"
    prompt = bi(
        f"A convolution layer {ctx_en}applies {c_out} filters of size {kk} ({b_en}). How many trainable parameters does it have?",
        f"一个卷积层{ctx_zh}使用 {c_out} 个 {kk} 的卷积核（{b_zh}）。它有多少个可训练参数？",
    )
    kterm = f"{kh} \\cdot {kw} \\cdot {c_in}"
    steps = [
        bi(r"Each filter spans all input channels: $k_h k_w C_{in}$ weights; there are $C_{out}$ filters"
           + (r", each with one bias: $k_h k_w C_{in} C_{out} + C_{out}$." if bias else r" and no bias: $k_h k_w C_{in} C_{out}$.")
           + (" The input height and width do not matter: the weights are shared across positions." if nh else ""),
           r"每个卷积核覆盖全部输入通道：$k_h k_w C_{in}$ 个权重；共有 $C_{out}$ 个卷积核"
           + (r"，各带一个偏置：$k_h k_w C_{in} C_{out} + C_{out}$。" if bias else r"，没有偏置：$k_h k_w C_{in} C_{out}$。")
           + ("输入的高和宽不影响参数量：权重在各位置共享。" if nh else "")),
        bi(f"Weights per filter: ${kterm} = {per_filter}$; all filters: ${per_filter} \\cdot {c_out} = {weights}$",
           f"每个卷积核的权重：${kterm} = {per_filter}$；全部卷积核：${per_filter} \\cdot {c_out} = {weights}$"),
        bi(f"Total: ${weights} + {biases} = {total}$" if bias else f"Total (no bias): ${total}$",
           f"合计：${weights} + {biases} = {total}$" if bias else f"合计（无偏置）：${total}$"),
    ]
    miscon = []
    if bias:
        miscon.append(Misconception("forgot_bias", weights, bi(
            "You forgot the biases: one per filter (output channel).", "你漏了偏置：每个卷积核（输出通道）一个。")))
    else:
        miscon.append(Misconception("added_bias", weights + c_out, bi(
            "You added biases, but this layer has none.", "你加上了偏置，但这一层没有偏置。")))
    miscon += [
        Misconception("forgot_input_channels", kh * kw * c_out + biases, bi(
            "You forgot the input channels: each filter has k_h·k_w weights per input channel.",
            "你漏了输入通道：每个卷积核在每个输入通道上都有 k_h·k_w 个权重。")),
        Misconception("one_filter", per_filter + (1 if bias else 0), bi(
            f"You counted a single filter; there are C_out = {c_out} of them.",
            f"你只数了一个卷积核；一共有 C_out = {c_out} 个。")),
    ]
    if kh == kw:  # "k instead of k²" only means something for a square k×k kernel
        miscon.append(Misconception("kernel_not_squared", kh * c_in * c_out + biases, bi(
            "You used k instead of k_h·k_w: a k×k kernel has k² weights per channel.",
            "你用了 k 而不是 k_h·k_w：k×k 卷积核每个通道有 k² 个权重。")))
    if nh:
        miscon.append(Misconception("no_weight_sharing", (nh * nw * c_in) * c_out + biases, bi(
            "You connected every input pixel to every filter as in a dense layer; a convolution shares one small kernel across positions.",
            "你像全连接层那样把每个输入像素都连到每个卷积核；卷积在各位置共享一个小卷积核。")))
    return Solution(prompt=prompt, answer=total, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("One bias per output channel (PyTorch/Keras default) unless stated otherwise.",
                                    "除非另有说明，每个输出通道一个偏置（PyTorch/Keras 默认）。"),),
                    rtol=0, atol=0.01,
                    hint=bi("(k_h·k_w·C_in + 1)·C_out with bias.", "有偏置时为 (k_h·k_w·C_in + 1)·C_out。"))


def check(prm: dict):
    """Engine route: build the engine Conv2d at its real sizes and count its parameters."""
    from ..engine import Conv2d
    from ._shared import shape_only_rng

    layer = Conv2d(prm["c_in"], prm["c_out"], prm["k"], bias=bool(prm["bias"]), rng=shape_only_rng())
    return layer.count_params()
