"""Parameters (weights and biases) of a convolution layer.

Formula route: k_h·k_w·C_in·C_out weights + C_out biases (weights are shared across positions,
so the input size does not matter).
Engine route: build an engine `Conv2d` at the real sizes and call `count_params`
(built with `shape_only_rng`, so the arrays have their real shapes but cost nothing).
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import bi_lines, count_step

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
        Param("groups", "int", bi("grouped convolution: each filter sees C_in/groups channels (1 = ordinary; C_in = depthwise)",
                                  "分组卷积：每个卷积核只看 C_in/groups 个通道（1 为普通卷积；C_in 为逐通道卷积）"),
              default="1", min=1, max=100000),
        Param("connections", "int", bi("a connection table (LeNet-5's C3): how many (input map, output map) pairs are "
                                       "connected in all (0 = every output map sees every input map)",
                                       "连接表（LeNet-5 的 C3）：共有多少对（输入图，输出图）相连（0 表示每个输出图连接全部输入图）"),
              default="0", min=0, max=10000000),
    ),
    notes=(bi("Not covered: LeNet-5's trainable subsampling layers (S2, S4: one coefficient and one bias per map, "
              "2·C parameters); count those by hand.",
              "不包括：LeNet-5 中可训练的下采样层（S2、S4：每个特征图一个系数和一个偏置，共 2·C 个参数），请手算。"),),
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


def _solve_sparse(c_in, c_out, kh, kw, bias, groups, conns) -> Solution:
    """Grouped convolution, or a connection table: `conns` (input map, output map) pairs."""
    if conns:
        if groups != 1:
            raise ParamError("give groups or connections, not both", "groups 与 connections 只能给一个")
        if not c_out <= conns <= c_in * c_out:
            raise ParamError(f"connections must lie between C_out = {c_out} and C_in·C_out = {c_in * c_out}",
                             f"connections 须在 C_out = {c_out} 与 C_in·C_out = {c_in * c_out} 之间")
        pairs = conns
        how_en = f"a connection table links {conns} (input map, output map) pairs (not all {c_in}·{c_out})"
        how_zh = f"连接表共连接 {conns} 对（输入图，输出图）（而不是全部 {c_in}·{c_out} 对）"
        first = bi(f"Each connected pair has its own {kh}×{kw} kernel: {conns} pairs · {kh * kw} = {conns * kh * kw} weights.",
                   f"每对相连的（输入图，输出图）有自己的 {kh}×{kw} 卷积核：{conns} 对 · {kh * kw} = {conns * kh * kw} 个权重。")
    else:
        if c_in % groups or c_out % groups:
            raise ParamError("groups must divide both C_in and C_out", "groups 须同时整除 C_in 与 C_out")
        pairs = (c_in // groups) * c_out
        how_en = f"the channels are split into {groups} groups (each filter sees C_in/groups = {c_in // groups} channels)"
        how_zh = f"通道分成 {groups} 组（每个卷积核只看 C_in/groups = {c_in // groups} 个通道）"
        first = bi(f"Each filter has $k_h k_w \\cdot C_{{in}}/g = {kh} \\cdot {kw} \\cdot {c_in // groups} = {kh * kw * (c_in // groups)}$ "
                   f"weights; {c_out} filters: {kh * kw * (c_in // groups) * c_out}.",
                   f"每个卷积核有 $k_h k_w \\cdot C_{{in}}/g = {kh} \\cdot {kw} \\cdot {c_in // groups} = {kh * kw * (c_in // groups)}$ "
                   f"个权重；{c_out} 个卷积核：{kh * kw * (c_in // groups) * c_out}。")
    weights = pairs * kh * kw
    biases = c_out if bias else 0
    total = weights + biases
    b_en = "with one bias per output map" if bias else "without bias"
    b_zh = "每个输出图一个偏置" if bias else "没有偏置"
    prompt = bi(f"A convolution layer maps {c_in} input channels to {c_out} output channels with {kh}×{kw} kernels ({b_en}); "
                f"{how_en}. How many trainable parameters does it have?",
                f"一个卷积层把 {c_in} 个输入通道映射到 {c_out} 个输出通道，卷积核 {kh}×{kw}（{b_zh}）；{how_zh}。它有多少个可训练参数？")
    steps = (first, bi(f"Total: ${weights} + {biases} = {total}$", f"合计：${weights} + {biases} = {total}$"))
    full = kh * kw * c_in * c_out + biases
    miscon = (
        Misconception("ignored_sparsity", full, bi(
            "You counted a full convolution (every filter sees every input channel); here each output map sees only some inputs.",
            "你按普通卷积计数（每个卷积核看全部输入通道）；这里每个输出图只连接部分输入。")),
        Misconception("forgot_bias" if bias else "added_bias", weights if bias else weights + c_out, bi(
            "You forgot the biases: one per output map." if bias else "This layer has no bias.",
            "你漏了偏置：每个输出图一个。" if bias else "这一层没有偏置。")),
    )
    chain = _chain_sparse(c_in, c_out, kh, kw, bias, groups, conns)
    steps = tuple(st.text for st in chain)
    return Solution(prompt=prompt, answer=total, steps=steps, misconceptions=miscon, chain=chain,
                    conventions=(bi("One bias per output channel unless stated otherwise.", "除非另有说明，每个输出通道一个偏置。"),),
                    rtol=0, atol=0.01, hint=bi("kernel size × connected (input, output) pairs + biases.",
                                               "卷积核大小 × 相连的（输入，输出）对数 + 偏置。"))


def solve(prm: dict) -> Solution:
    c_in, c_out, (kh, kw), bias, (nh, nw) = prm["c_in"], prm["c_out"], prm["k"], bool(prm["bias"]), prm["n"]
    groups, conns = prm.get("groups", 1) or 1, prm.get("connections", 0) or 0
    if groups != 1 or conns:
        if min(c_in, c_out, kh, kw) < 1:
            raise ParamError("channels and kernel size must be ≥ 1", "通道数和卷积核大小须 ≥ 1")
        return _solve_sparse(c_in, c_out, kh, kw, bias, groups, conns)
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
    steps = [
        bi(r"Each filter spans all input channels: $k_h k_w C_{in}$ weights; there are $C_{out}$ filters"
           + (r", each with one bias: $k_h k_w C_{in} C_{out} + C_{out}$." if bias else r" and no bias: $k_h k_w C_{in} C_{out}$.")
           + (" The input height and width do not matter: the weights are shared across positions." if nh else ""),
           r"每个卷积核覆盖全部输入通道：$k_h k_w C_{in}$ 个权重；共有 $C_{out}$ 个卷积核"
           + (r"，各带一个偏置：$k_h k_w C_{in} C_{out} + C_{out}$。" if bias else r"，没有偏置：$k_h k_w C_{in} C_{out}$。")
           + ("输入的高和宽不影响参数量：权重在各位置共享。" if nh else "")),
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
    chain = _chain(c_in, c_out, kh, kw, bias, nh, nw)
    steps += [st.text for st in chain]
    return Solution(prompt=prompt, answer=total, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    conventions=(bi("One bias per output channel (PyTorch/Keras default) unless stated otherwise.",
                                    "除非另有说明，每个输出通道一个偏置（PyTorch/Keras 默认）。"),),
                    rtol=0, atol=0.01,
                    hint=bi("(k_h·k_w·C_in + 1)·C_out with bias.", "有偏置时为 (k_h·k_w·C_in + 1)·C_out。"))


FEEDBACK = {
    "forgot_input_channels": bi("You forgot the input channels: each filter has k_h·k_w weights per input channel.",
                                "你漏了输入通道：每个卷积核在每个输入通道上都有 k_h·k_w 个权重。"),
    "kernel_not_squared": bi("You used k instead of k_h·k_w: a k×k kernel has k² weights per channel.",
                             "你用了 k 而不是 k_h·k_w：k×k 卷积核每个通道有 k² 个权重。"),
    "no_weight_sharing": bi("You connected every input pixel as in a dense layer; a filter is one small kernel shared across positions.",
                            "你像全连接层那样连接了每个输入像素；卷积核是在各位置共享的一个小卷积核。"),
    "one_filter": bi("You counted a single filter; multiply by the number of filters C_out.", "你只数了一个卷积核；要乘以卷积核个数 C_out。"),
    "forgot_bias": bi("You forgot the biases: one per filter (output channel).", "你漏了偏置：每个卷积核（输出通道）一个。"),
    "added_bias": bi("You added biases, but this layer has none.", "你加上了偏置，但这一层没有偏置。"),
    "ignored_sparsity": bi("You counted a full convolution (every filter sees every input channel); here each output map sees only some inputs.",
                           "你按普通卷积计数（每个卷积核看全部输入通道）；这里每个输出图只连接部分输入。"),
}


def _m(mid, fn):
    return StepMistake(mid, FEEDBACK[mid], fn)


def _tail(ch, bias, extra_total=()):
    """The biases (one per filter) and the total, after a step `weights`."""
    F = fmt_num
    if not bias:
        return
    count_step(ch, "biases", bi("the biases (one per filter)", "偏置数（每个卷积核一个）"), lambda e: e["c_out"], uses=("c_out",),
               text=bi_lines(lambda s, l: (bi(f"Biases: one per filter, {F(s['biases'])}", f"偏置：每个卷积核一个，共 {F(s['biases'])} 个").t(l))),
               substituted=bi_lines(lambda s, l: bi("C_out", "C_out（输出通道数）").t(l)),
               rule=bi("one bias per output channel", "每个输出通道一个偏置"), formula=bi("C_out", "C_out"),
               mistakes=(_m("forgot_bias", lambda e: 0),))
    count_step(ch, "total", bi("the total number of parameters", "参数总数"), lambda e: e["weights"] + e["biases"],
               uses=("weights", "biases"),
               text=bi_lines(lambda s, l: bi("Total: ", "合计：").t(l) + f"${F(s['weights'])} + {F(s['biases'])} = {F(s['total'])}$"),
               rule=bi("weights plus biases", "权重加偏置"), formula=bi("weights + biases", "权重数 + 偏置数"),
               mistakes=(_m("forgot_bias", lambda e: e["weights"]),) + tuple(extra_total))


def _chain(c_in, c_out, kh, kw, bias, nh, nw):
    """The weights per filter k_h·k_w·C_in, all weights (× C_out), [the biases, the total]."""
    F = fmt_num
    ch = Chain({"c_in": c_in, "c_out": c_out, "k": (kh, kw), "bias": bias, "n": (nh, nw)})
    mis = [_m("forgot_input_channels", lambda e: e["k"][0] * e["k"][1])]
    if kh == kw:
        mis.append(_m("kernel_not_squared", lambda e: e["k"][0] * e["c_in"]))
    if nh:
        mis.append(_m("no_weight_sharing", lambda e: e["n"][0] * e["n"][1] * e["c_in"]))
    count_step(ch, "per_filter", bi("the weights per filter k_h·k_w·C_in", "每个卷积核的权重数 k_h·k_w·C_in"),
               lambda e: e["k"][0] * e["k"][1] * e["c_in"], uses=("k", "c_in") + (("n",) if nh else ()),
               text=bi_lines(lambda s, l: bi("Weights per filter: ", "每个卷积核的权重：").t(l)
                             + f"$k_h k_w C_{{in}} = {kh} \\cdot {kw} \\cdot {c_in} = {F(s['per_filter'])}$"),
               rule=bi("a filter spans all input channels", "一个卷积核覆盖全部输入通道"),
               formula=bi("k_h·k_w·C_in", "k_h·k_w·C_in"), mistakes=mis)
    count_step(ch, "weights", bi("all the weights (C_out filters)", "全部权重数（C_out 个卷积核）"),
               lambda e: e["per_filter"] * e["c_out"], uses=("per_filter", "c_out"),
               text=bi_lines(lambda s, l: bi("All filters: ", "全部卷积核：").t(l)
                             + f"${F(s['per_filter'])} \\cdot {c_out} = {F(s['weights'])}$"
                             + ("" if bias else bi(" (no bias: this is the total)", "（无偏置：即为总数）").t(l))),
               rule=bi("one filter per output channel", "每个输出通道一个卷积核"), formula=bi("k_h·k_w·C_in·C_out", "k_h·k_w·C_in·C_out"),
               mistakes=(_m("one_filter", lambda e: e["per_filter"]),)
               + (() if bias else (_m("added_bias", lambda e: e["per_filter"] * e["c_out"] + e["c_out"]),)))
    _tail(ch, bias, (_m("one_filter", lambda e: e["per_filter"] + 1),))
    return ch.steps


def _chain_sparse(c_in, c_out, kh, kw, bias, groups, conns):
    """Grouped: the weights per filter k_h·k_w·C_in/g, all weights; a connection table: the
    weights per kernel k_h·k_w, all weights (× connected pairs); then the biases and the total."""
    F = fmt_num
    ch = Chain({"c_in": c_in, "c_out": c_out, "k": (kh, kw), "bias": bias, "groups": groups, "connections": conns})
    if conns:
        count_step(ch, "per_kernel", bi("the weights per kernel k_h·k_w", "每个卷积核的权重数 k_h·k_w"),
                   lambda e: e["k"][0] * e["k"][1], uses=("k",),
                   text=bi_lines(lambda s, l: bi("Weights per kernel: ", "每个卷积核的权重：").t(l)
                                 + f"${kh} \\cdot {kw} = {F(s['per_kernel'])}$"),
                   rule=bi("one k_h×k_w kernel per connected (input map, output map) pair", "每对相连的（输入图，输出图）一个 k_h×k_w 卷积核"),
                   formula=bi("k_h·k_w", "k_h·k_w"))
        count_step(ch, "weights", bi("all the weights (kernels × connected pairs)", "全部权重数（卷积核 × 相连的对数）"),
                   lambda e: e["per_kernel"] * e["connections"], uses=("per_kernel", "connections"),
                   text=bi_lines(lambda s, l: (bi(f"{conns} connected pairs: ", f"{conns} 对相连：").t(l))
                                 + f"${F(s['per_kernel'])} \\cdot {conns} = {F(s['weights'])}$"),
                   rule=bi("only the connected pairs have a kernel", "只有相连的对才有卷积核"),
                   formula=bi("k_h·k_w·connections", "k_h·k_w·连接数"),
                   mistakes=(_m("ignored_sparsity", lambda e: e["per_kernel"] * e["c_in"] * e["c_out"]),)
                   + (() if bias else (_m("added_bias", lambda e: e["per_kernel"] * e["connections"] + e["c_out"]),)))
    else:
        g = c_in // groups
        count_step(ch, "per_filter", bi("the weights per filter k_h·k_w·C_in/g", "每个卷积核的权重数 k_h·k_w·C_in/g"),
                   lambda e: e["k"][0] * e["k"][1] * (e["c_in"] // e["groups"]), uses=("k", "c_in", "groups"),
                   text=bi_lines(lambda s, l: bi("Weights per filter: ", "每个卷积核的权重：").t(l)
                                 + f"$k_h k_w \\cdot C_{{in}}/g = {kh} \\cdot {kw} \\cdot {g} = {F(s['per_filter'])}$"),
                   rule=bi("a filter sees only its group's C_in/g channels", "一个卷积核只看本组的 C_in/g 个通道"),
                   formula=bi("k_h·k_w·C_in/g", "k_h·k_w·C_in/g"),
                   mistakes=(_m("ignored_sparsity", lambda e: e["k"][0] * e["k"][1] * e["c_in"]),))
        count_step(ch, "weights", bi("all the weights (C_out filters)", "全部权重数（C_out 个卷积核）"),
                   lambda e: e["per_filter"] * e["c_out"], uses=("per_filter", "c_out"),
                   text=bi_lines(lambda s, l: bi("All filters: ", "全部卷积核：").t(l)
                                 + f"${F(s['per_filter'])} \\cdot {c_out} = {F(s['weights'])}$"),
                   rule=bi("one filter per output channel", "每个输出通道一个卷积核"), formula=bi("k_h·k_w·(C_in/g)·C_out", "k_h·k_w·(C_in/g)·C_out"),
                   mistakes=(() if bias else (_m("added_bias", lambda e: e["per_filter"] * e["c_out"] + e["c_out"]),)))
    _tail(ch, bias)
    return ch.steps


def check(prm: dict):
    """Engine route: build the engine Conv2d at its real sizes and count its parameters."""
    from ..engine import Conv2d
    from ._shared import shape_only_rng

    groups, conns = prm.get("groups", 1) or 1, prm.get("connections", 0) or 0
    rng = shape_only_rng()
    if conns:
        # one engine layer per output map, fed by its share of the connections (any split of the
        # table gives the same count: a kernel per connected pair, a bias per output map)
        share = [conns // prm["c_out"] + (1 if j < conns % prm["c_out"] else 0) for j in range(prm["c_out"])]
        return sum(Conv2d(n, 1, prm["k"], bias=bool(prm["bias"]), rng=rng).count_params() for n in share)
    if groups != 1:
        return sum(Conv2d(prm["c_in"] // groups, prm["c_out"] // groups, prm["k"], bias=bool(prm["bias"]), rng=rng).count_params()
                   for _ in range(groups))
    layer = Conv2d(prm["c_in"], prm["c_out"], prm["k"], bias=bool(prm["bias"]), rng=rng)
    return layer.count_params()
