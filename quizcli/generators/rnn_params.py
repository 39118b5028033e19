"""Parameter count of a simple RNN layer (one cell, unrolled weights shared over time).

Formula route: G·(h·d + h·h + b·h) with G = 1 block (RNN), 3 (GRU), 4 (LSTM), b = bias
vectors per gate (1: textbook/Keras, 2: PyTorch's b_ih and b_hh).
Engine route: build the engine cell (RNNCell / GRUCell / LSTMCell) at the real sizes, add up
the sizes of its built weight arrays, and add `b` times the size of one built bias vector
(the engine always builds PyTorch's two, so one-vector counts read the size of `bias_ih`).

`lstm_params` and `gru_params` are built by `make_family` below.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick

_INFO = {
    "rnn": dict(G=1, cell="RNNCell", article="a", topic="rnn",
                concepts=("simple_rnn", "recurrent_params", "rnn_parameter_sharing"), name=bi("simple RNN", "简单循环神经网络（SRN）"),
                blocks=bi("one block: $h_t = \\tanh(W x_t + U h_{t-1} + b)$",
                          "一组参数：$h_t = \\tanh(W x_t + U h_{t-1} + b)$")),
    "lstm": dict(G=4, cell="LSTMCell", article="an", topic="lstm_gru", concepts=("recurrent_params", "lstm"), name=bi("LSTM", "LSTM"),
                 blocks=bi("four blocks: the input, forget and output gates and the candidate cell $\\tilde c$ (i, f, o and g)",
                           "四组参数：输入门、遗忘门、输出门和候选记忆 $\\tilde c$（i、f、o 和 g）")),
    "gru": dict(G=3, cell="GRUCell", article="a", topic="lstm_gru", concepts=("recurrent_params", "gru"), name=bi("GRU", "GRU"),
                blocks=bi("three blocks: the reset and update gates and the candidate state (r, z, n)",
                          "三组参数：重置门、更新门和候选状态（r, z, n）")),
}


def _params(kind: str):
    return (
        Param("d", "int", bi("input size (features per time step)", "输入维度（每个时间步的特征数）"),
              aliases=("input_size", "m"), max=1000000),
        Param("h", "int", bi("hidden size", "隐藏层维度"), aliases=("hidden_size", "n"), max=1000000),
        Param("biases", "int", bi("bias vectors per gate: 1 (textbook, Keras) or 2 (PyTorch b_ih and b_hh); 0 = no bias",
                                  "每个门的偏置向量个数：1（教材、Keras）或 2（PyTorch 的 b_ih 和 b_hh）；0 为无偏置"),
              default="1", aliases=("b", "bias"), min=0, max=2),
    )


def make_family(kind: str):
    info = _INFO[kind]
    G = info["G"]
    family = Family(
        id=f"{kind}_params",
        topic=info["topic"],
        concepts=info["concepts"],
        title=bi(f"Parameters of {info['article']} {info['name'].en} layer",
                 f"{info['name'].zh} 层的参数量"),
        params=_params(kind),
    )

    def generate(rng: random.Random, difficulty: str) -> dict:
        if difficulty == "easy":
            return {"d": pick(rng, (2, 3, 4, 5, 10)), "h": pick(rng, (2, 3, 4, 5, 8)), "biases": 1}
        if difficulty == "medium":
            return {"d": pick(rng, (10, 20, 32, 50, 64, 100, 128)), "h": pick(rng, (16, 20, 32, 64, 100, 128)),
                    "biases": pick(rng, (1, 1, 2))}
        return {"d": pick(rng, (100, 128, 256, 300, 512, 768)), "h": pick(rng, (128, 200, 256, 512, 1024)),
                "biases": pick(rng, (1, 2, 2, 0))}

    def count(g, d, h, b):
        return g * (h * d + h * h + b * h)

    def solve(prm: dict) -> Solution:
        d, h, b = prm["d"], prm["h"], prm["biases"]
        if min(d, h) < 1:
            raise ParamError("input and hidden sizes must be ≥ 1", "输入和隐藏维度须 ≥ 1")
        if b not in (0, 1, 2):
            raise ParamError("biases must be 0, 1 or 2 (bias vectors per gate)", "biases 须为 0、1 或 2（每个门的偏置向量个数）")
        per = h * d + h * h + b * h
        total = G * per
        conv_en = {0: "no bias", 1: "one bias vector per gate (as in the textbook and Keras)",
                   2: "two bias vectors per gate, b_ih and b_hh (as in PyTorch)"}[b]
        conv_zh = {0: "没有偏置", 1: "每个门一个偏置向量（教材和 Keras 的约定）",
                   2: "每个门两个偏置向量 b_ih 和 b_hh（PyTorch 的约定）"}[b]
        if kind == "gru":  # Keras' GRU defaults to reset_after=True: two bias vectors, like PyTorch
            conv_en = conv_en.replace("the textbook and Keras", "the textbook").replace("PyTorch)", "PyTorch and Keras' default GRU)")
            conv_zh = conv_zh.replace("教材和 Keras 的约定", "教材的约定").replace("PyTorch 的约定", "PyTorch 及 Keras 默认 GRU 的约定")
        if kind == "rnn":
            conv_en, conv_zh = conv_en.replace(" per gate", ""), conv_zh.replace("每个门", "")
        what_en = "layer (one cell; weights are shared across time steps)"
        prompt = bi(
            f"{info['article'].capitalize()} {info['name'].en} {what_en} has input size d = {d} and hidden size h = {h}; count {conv_en}. "
            "How many trainable parameters does it have? (No output layer"
            + (", no peephole connections" if kind == "lstm" else "") + ".)",
            f"一个{info['name'].zh if not info['name'].zh.isascii() else ' ' + info['name'].zh + ' '}层（一个单元，各时间步共享权重）的输入维度 "
            f"d = {d}，隐藏维度 h = {h}；按{conv_zh}计算。"
            "它有多少个可训练参数？（不含输出层" + ("，无窥视孔连接" if kind == "lstm" else "") + "。）",
        )
        bterm = {0: "", 1: " + h", 2: " + 2h"}[b]
        chain = _chain(kind, G, d, h, b)
        formula = f"G(hd + h^2{bterm})" if G > 1 else f"hd + h^2{bterm}"
        steps = [
            bi(f"The layer has {info['blocks'].en}. Each block has an input weight matrix $h \\times d$"
               + (" and a recurrent matrix $h \\times h$" if b == 0
                  else f", a recurrent matrix $h \\times h$ and {b} bias vector{'s' if b == 2 else ''} of length $h$")
               + f": ${formula}$ parameters" + (f" with $G = {G}$." if G > 1 else "."),
               f"该层有{info['blocks'].zh}。每组有 $h \\times d$ 的输入权重矩阵、$h \\times h$ 的循环权重矩阵"
               + ("" if b == 0 else f"和 {b} 个长度为 $h$ 的偏置向量")
               + f"：共 ${formula}$ 个参数" + (f"，其中 $G = {G}$。" if G > 1 else "。")),
        ] + [st.text for st in chain]
        miscon = []
        if b:
            miscon.append(Misconception("forgot_bias", count(G, d, h, 0), bi(
                "You forgot the biases.", "你漏了偏置。")))
            other = 3 - b
            miscon.append(Misconception("bias_convention", count(G, d, h, other), bi(
                f"You used {other} bias vector{'s' if other == 2 else ''}{' per gate' if G > 1 else ''}; this problem counts {b}.",
                f"你{'每个门' if G > 1 else ''}用了 {other} 个偏置向量；本题约定为 {b} 个。")))
        else:
            miscon.append(Misconception("added_bias", count(G, d, h, 1), bi(
                "You added biases, but this layer has none.", "你加上了偏置，但这一层没有偏置。")))
        miscon.append(Misconception("forgot_recurrent", G * (h * d + b * h), bi(
            "You forgot the recurrent weights U (h×h) from h_{t−1}.", "你漏了来自 h_{t−1} 的循环权重 U（h×h）。")))
        miscon.append(Misconception("recurrent_as_input", G * (2 * h * d + b * h), bi(
            "You gave the recurrent matrix the input's shape; it maps h_{t−1} (size h) to h, so it is h×h.",
            "你把循环权重矩阵当成了输入权重的形状；它把 h_{t−1}（维度 h）映射到 h，是 h×h。")))
        if kind == "lstm":
            miscon.append(Misconception("three_gates", count(3, d, h, b), bi(
                "You counted 3 gates only; the candidate cell g (c̃) has its own weights too: 4 blocks.",
                "你只数了 3 个门；候选记忆 g（c̃）也有自己的权重：共 4 组。")))
        elif kind == "gru":
            miscon.append(Misconception("lstm_gates", count(4, d, h, b), bi(
                "You counted 4 blocks as in an LSTM; a GRU has 3 (reset, update, candidate).",
                "你像 LSTM 那样数了 4 组；GRU 只有 3 组（重置门、更新门、候选状态）。")))
            miscon.append(Misconception("two_gates", count(2, d, h, b), bi(
                "You counted the two gates only; the candidate state also has its own weights: 3 blocks.",
                "你只数了两个门；候选状态也有自己的权重：共 3 组。")))
        convention = bi(f"Bias convention: {conv_en}.", f"偏置约定：{conv_zh}。")
        return Solution(prompt=prompt, answer=total, steps=tuple(steps), misconceptions=tuple(miscon),
                        conventions=(convention,), rtol=0, atol=0.01, chain=chain,
                        hint=bi(f"{'G·' if G > 1 else ''}(h·d + h·h + biases·h)", f"{'G·' if G > 1 else ''}(h·d + h·h + 偏置个数·h)"))

    def check(prm: dict):
        """Engine route: build the engine cell and read its arrays' sizes (see module docstring)."""
        from .. import engine
        from ._shared import shape_only_rng

        cell = getattr(engine, info["cell"])(prm["d"], prm["h"], bias=True, rng=shape_only_rng())
        weights = sum(v.size for k, v in cell.params.items() if k.startswith("weight"))
        return int(weights + prm["biases"] * cell.params["bias_ih"].size)

    return family, generate, solve, check


def _chain(kind, G, d, h, b):
    """The input weights h·d, the recurrent weights h·h, the biases b·h (if any), one block's sum
    and, for gated cells, G blocks; all per block (gate)."""
    ch = Chain({"d": d, "h": h, "biases": b})
    M = StepMistake
    per_en, per_zh = (" per block", "每组") if G > 1 else ("", "")
    ch.step("w_in", bi(f"the input weights{per_en} h·d", f"{per_zh}输入权重数 h·d"), lambda e: e["h"] * e["d"], uses=("h", "d"),
            text=lambda s: bi(f"Input weights{per_en}: $h \\cdot d = {h} \\cdot {d} = {fmt_num(s['w_in'])}$",
                              f"{per_zh}输入权重：$h \\cdot d = {h} \\cdot {d} = {fmt_num(s['w_in'])}$"),
            digits=0, rtol=0, atol=0.01, rule=bi("a weight matrix from the input (size d) to the hidden units (size h)",
                                                 "从输入（维度 d）到隐藏单元（维度 h）的权重矩阵"),
            formula=bi("h·d", "h·d"), substituted=lambda s: bi(f"${h} \\cdot {d}$", f"${h} \\cdot {d}$"))
    ch.step("w_rec", bi(f"the recurrent weights{per_en} h·h", f"{per_zh}循环权重数 h·h"), lambda e: e["h"] * e["h"], uses=("h",),
            text=lambda s: bi(f"Recurrent weights{per_en} (from $h_{{t-1}}$): $h^2 = {h}^2 = {fmt_num(s['w_rec'])}$",
                              f"{per_zh}循环权重（来自 $h_{{t-1}}$）：$h^2 = {h}^2 = {fmt_num(s['w_rec'])}$"),
            digits=0, rtol=0, atol=0.01, rule=bi("a weight matrix from the previous state (size h) to the hidden units (size h)",
                                                 "从上一时刻状态（维度 h）到隐藏单元（维度 h）的权重矩阵"),
            formula=bi("h·h", "h·h"), substituted=lambda s: bi(f"${h} \\cdot {h}$", f"${h} \\cdot {h}$"),
            mistakes=(M("recurrent_as_input", bi("You gave the recurrent matrix the input's shape; it maps h_{t−1} (size h) to h, so it is h×h.",
                                                 "你把循环权重矩阵当成了输入权重的形状；它把 h_{t−1}（维度 h）映射到 h，是 h×h。"),
                        lambda e: e["h"] * e["d"]),))
    parts = ("w_in", "w_rec")
    if b:
        other = 3 - b
        ch.step("bias", bi(f"the biases{per_en} (bias vectors × h)", f"{per_zh}偏置数（偏置向量个数 × h）"), lambda e: e["biases"] * e["h"],
                uses=("biases", "h"),
                text=lambda s: bi(f"Biases{per_en}: ${b} \\cdot {h} = {fmt_num(s['bias'])}$", f"{per_zh}偏置：${b} \\cdot {h} = {fmt_num(s['bias'])}$"),
                digits=0, rtol=0, atol=0.01, rule=bi("one bias per hidden unit and bias vector", "每个隐藏单元、每个偏置向量一个偏置"),
                formula=bi("biases·h", "偏置向量个数·h"), substituted=lambda s: bi(f"${b} \\cdot {h}$", f"${b} \\cdot {h}$"),
                mistakes=(M("bias_convention", bi(f"You used {other} bias vector{'s' if other == 2 else ''}{' per gate' if G > 1 else ''}; "
                                                  f"this problem counts {b}.",
                                                  f"你{'每个门' if G > 1 else ''}用了 {other} 个偏置向量；本题约定为 {b} 个。"),
                            lambda e, o=other: o * e["h"]),))
        parts += ("bias",)

    def block_mistakes(scale):
        """Slips in one block's sum (for G = 1 the block is the whole layer)."""
        out = [M("forgot_recurrent", bi("You forgot the recurrent weights U (h×h) from h_{t−1}.", "你漏了来自 h_{t−1} 的循环权重 U（h×h）。"),
                 lambda e: scale * (e["w_in"] + e.get("bias", 0)))]
        if b:
            out.append(M("forgot_bias", bi("You forgot the biases.", "你漏了偏置。"), lambda e: scale * (e["w_in"] + e["w_rec"])))
        else:
            out.append(M("added_bias", bi("You added biases, but this layer has none.", "你加上了偏置，但这一层没有偏置。"),
                         lambda e: scale * (e["w_in"] + e["w_rec"] + e["h"])))
        return out

    def sum_line(s, sid):
        return " + ".join(fmt_num(s[k]) for k in parts) + f" = {fmt_num(s[sid])}"

    ch.step("block", bi("the parameters of one block" if G > 1 else "the total number of parameters", "每组参数量" if G > 1 else "参数总数"),
            lambda e: sum(e[k] for k in parts), uses=parts + (("h",) if not b else ()),
            text=lambda s: bi(f"{'One block' if G > 1 else 'Total'}: ${sum_line(s, 'block')}$", f"{'每组' if G > 1 else '合计'}：${sum_line(s, 'block')}$"),
            digits=0, rtol=0, atol=0.01, rule=bi("a block's weights and biases add up", "一组的权重与偏置相加"),
            formula=bi("hd + h² + biases·h", "hd + h² + 偏置向量个数·h"),
            substituted=lambda s: bi("$" + " + ".join(fmt_num(s[k]) for k in parts) + "$", "$" + " + ".join(fmt_num(s[k]) for k in parts) + "$"),
            mistakes=tuple(block_mistakes(1)))
    if G == 1:
        return ch.steps
    wrong_g = {"lstm": ((3, "three_gates", bi("You counted 3 gates only; the candidate cell g (c̃) has its own weights too: 4 blocks.",
                                            "你只数了 3 个门；候选记忆 g（c̃）也有自己的权重：共 4 组。")),),
               "gru": ((4, "lstm_gates", bi("You counted 4 blocks as in an LSTM; a GRU has 3 (reset, update, candidate).",
                                           "你像 LSTM 那样数了 4 组；GRU 只有 3 组（重置门、更新门、候选状态）。")),
                       (2, "two_gates", bi("You counted the two gates only; the candidate state also has its own weights: 3 blocks.",
                                           "你只数了两个门；候选状态也有自己的权重：共 3 组。")))}[kind]
    ch.step("total", bi(f"the total number of parameters, G = {G} blocks", f"参数总数（G = {G} 组）"), lambda e: G * e["block"], uses=("block",),
            text=lambda s: bi(f"Total: ${G} \\cdot {fmt_num(s['block'])} = {fmt_num(s['total'])}$",
                              f"合计：${G} \\cdot {fmt_num(s['block'])} = {fmt_num(s['total'])}$"),
            digits=0, rtol=0, atol=0.01, rule=bi("every block has the same shapes", "每组的形状相同"),
            formula=bi("G·(hd + h² + biases·h)", "G·(hd + h² + 偏置向量个数·h)"),
            substituted=lambda s: bi(f"${G} \\cdot {fmt_num(s['block'])}$", f"${G} \\cdot {fmt_num(s['block'])}$"),
            mistakes=tuple(M(mid, fb, lambda e, g=g: g * e["block"]) for g, mid, fb in wrong_g))
    return ch.steps


FAMILY, generate, solve, check = make_family("rnn")
