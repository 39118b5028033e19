"""Parameters of multi-head self-attention, or of a whole Transformer encoder layer.

Formula route: MHA = 4·d² (+ 4·d biases): W_Q, W_K, W_V (h heads of d×d/h each = d×d) and W_O.
Encoder layer = MHA + FFN (2·d·d_ff + d_ff + d) + two LayerNorms (2·2·d).
Engine route: build engine MultiHeadAttention, two Dense layers and two LayerNorms at the
real sizes (with `shape_only_rng`) and call `count_params`.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick

FAMILY = Family(
    id="attention_params",
    topic="transformer",
    concepts=("multi_head_attention", "transformer", "position_wise_ffn"),
    title=bi("Parameters of multi-head attention / a Transformer layer", "多头注意力 / Transformer 层的参数量"),
    params=(
        Param("d_model", "int", bi("model width d_model", "模型维度 d_model"), aliases=("d", "e", "embed_dim"), min=1, max=100000),
        Param("heads", "int", bi("number of heads (must divide d_model)", "头数（须整除 d_model）"), aliases=("h", "num_heads"), min=1, max=1024),
        Param("d_ff", "int", bi("feed-forward width; 0 = the attention block alone, else a whole encoder layer with its two layer norms",
                                "前馈层宽度；0 表示只算注意力模块，否则算整个编码器层（含两个层归一化）"), default="0",
              aliases=("dff", "ffn"), min=0, max=1000000),
        Param("bias", "bool", bi("linear layers have biases (layer norms always keep γ and β)",
                                 "线性层有偏置（层归一化始终有 γ 和 β）"), default="true"),
    ),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        d = pick(rng, (4, 6, 8, 12, 16))
        return {"d_model": d, "heads": pick(rng, tuple(h for h in (1, 2, 4) if d % h == 0)), "d_ff": 0, "bias": True}
    if difficulty == "medium":
        d, h, ff = pick(rng, ((512, 8, 2048), (256, 4, 1024), (768, 12, 3072), (128, 4, 512), (64, 2, 256), (256, 8, 512)))
        return {"d_model": d, "heads": h, "d_ff": ff if rng.random() < 0.5 else 0, "bias": True}
    d, h, ff = pick(rng, ((512, 8, 2048), (1024, 16, 4096), (768, 12, 3072), (384, 6, 1536), (320, 5, 1280), (96, 3, 384)))
    return {"d_model": d, "heads": h, "d_ff": ff, "bias": rng.random() < 0.6}


def _parts(d, ff, bias):
    b = 1 if bias else 0
    mha_w, mha_b = 4 * d * d, 4 * d * b
    ffn_w, ffn_b = 2 * d * ff, (ff + d) * b if ff else 0
    ln = 4 * d if ff else 0
    return mha_w, mha_b, ffn_w, ffn_b, ln


def solve(prm: dict) -> Solution:
    d, h, ff, bias = prm["d_model"], prm["heads"], prm["d_ff"], bool(prm["bias"])
    if min(d, h) < 1 or ff < 0:
        raise ParamError("d_model and heads must be ≥ 1, d_ff ≥ 0", "d_model 和头数须 ≥ 1，d_ff ≥ 0")
    if d % h:
        raise ParamError(f"heads = {h} must divide d_model = {d}", f"头数 {h} 须整除 d_model = {d}")
    dk = d // h
    mha_w, mha_b, ffn_w, ffn_b, ln = _parts(d, ff, bias)
    mha = mha_w + mha_b
    total = mha + ffn_w + ffn_b + ln
    b_en = "all linear maps have biases" if bias else "the linear maps have no biases (the layer norms keep γ and β)"
    b_zh = "所有线性映射都有偏置" if bias else "线性映射没有偏置（层归一化仍有 γ 和 β）"
    if ff:
        what_en = (f"a Transformer encoder layer: multi-head self-attention (d_model = {d}, {h} heads), a position-wise "
                   f"feed-forward network {d} → {ff} → {d}, and two layer norms (Add & Norm)")
        what_zh = (f"一个 Transformer 编码器层：多头自注意力（d_model = {d}，{h} 个头）、逐位置前馈网络 {d} → {ff} → {d}，"
                   "以及两个层归一化（Add & Norm）")
    else:
        what_en = f"a multi-head self-attention block with d_model = {d} and {h} heads (Q, K, V projections and the output projection)"
        what_zh = f"一个多头自注意力模块，d_model = {d}，{h} 个头（Q、K、V 投影和输出投影）"
    prompt = bi(f"Count the trainable parameters of {what_en}; {b_en}. (Embeddings and positional encodings are not included.)",
                f"计算{what_zh}的可训练参数量；{b_zh}。（不含词嵌入和位置编码。）")
    chain = _chain(d, h, ff, bias)
    steps = [st.text for st in chain]
    rest = ffn_w + ffn_b + ln
    miscon = []
    if h > 1:
        miscon.append(Misconception("full_size_heads", 3 * h * d * d + d * d + (3 * h * d + d if bias else 0) + rest, bi(
            f"You gave every head full d×d projections; each head projects to d/h = {dk}, so the {h} heads together have d×d per Q, K, V.",
            f"你让每个头都有完整的 d×d 投影；每个头只投影到 d/h = {dk}，{h} 个头合起来 Q、K、V 各为 d×d。")))
    miscon.append(Misconception("forgot_output_projection", 3 * d * d + (3 * d if bias else 0) + rest, bi(
        "You forgot the output projection W_O (d×d) that mixes the concatenated heads.",
        "你漏了把各头拼接结果混合起来的输出投影 W_O（d×d）。")))
    if bias:
        miscon.append(Misconception("forgot_bias", mha_w + ffn_w + ln, bi(
            "You forgot the biases of the linear maps.", "你漏了线性映射的偏置。")))
    if ff:
        miscon.append(Misconception("forgot_layernorm", total - ln, bi(
            "You forgot the two layer norms: each has γ and β of length d_model.", "你漏了两个层归一化：各有长度为 d_model 的 γ 和 β。")))
        miscon.append(Misconception("ffn_one_matrix", mha + d * ff + (ff if bias else 0) + ln, bi(
            "You counted only the first feed-forward matrix; the FFN expands to d_ff and projects back to d_model (two layers).",
            "你只算了前馈网络的第一个矩阵；FFN 先扩展到 d_ff 再投影回 d_model（两层）。")))
    return Solution(prompt=prompt, answer=total, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("PyTorch layout: W_Q, W_K, W_V, W_O are each d_model×d_model in total over the heads; post-norm encoder layer.",
                                    "PyTorch 布局：W_Q、W_K、W_V、W_O 在所有头上合计各为 d_model×d_model；编码器层为后归一化。"),),
                    rtol=0, atol=0.01, chain=chain,
                    hint=bi("4d² + 4d for attention; + 2·d·d_ff + d_ff + d for the FFN; + 4d for two layer norms.",
                            "注意力 4d² + 4d；前馈 + 2·d·d_ff + d_ff + d；两个层归一化 + 4d。"))


def _chain(d, h, ff, bias):
    """The attention weights 4d², its biases 4d and their sum; with a feed-forward width, the FFN,
    the two layer norms and the total. Without biases the weights are the attention's count."""
    ch = Chain({"d_model": d, "heads": h, "d_ff": ff, "bias": bias})
    M = StepMistake
    dk = d // h
    tx = lambda en, zh: (lambda s: bi(en(s), zh(s)))  # noqa: E731
    no_wo = M("forgot_output_projection", bi("You forgot the output projection W_O (d×d) that mixes the concatenated heads.",
                                             "你漏了把各头拼接结果混合起来的输出投影 W_O（d×d）。"), lambda e: 3 * e["d_model"] ** 2)
    mis = [no_wo]
    if h > 1:
        mis.insert(0, M("full_size_heads", bi(f"You gave every head full d×d projections; each head projects to d/h = {dk}, "
                                              f"so the {h} heads together have d×d per Q, K, V.",
                                              f"你让每个头都有完整的 d×d 投影；每个头只投影到 d/h = {dk}，{h} 个头合起来 Q、K、V 各为 d×d。"),
                        lambda e: 3 * e["heads"] * e["d_model"] ** 2 + e["d_model"] ** 2))
    ch.step("w_attn", bi("the attention weights 4d² (W_Q, W_K, W_V, W_O)", "注意力的权重数 4d²（W_Q、W_K、W_V、W_O）"),
            lambda e: 4 * e["d_model"] ** 2, uses=("d_model", "heads"), digits=0, rtol=0, atol=0.01,
            text=tx(lambda s: f"Each head projects to $d_k = d/h = {d}/{h} = {dk}$; over the {h} heads $W_Q$, $W_K$, $W_V$ are each $d \\times d$, "
                              f"and $W_O$ is $d \\times d$: $4d^2 = 4 \\cdot {d}^2 = {fmt_num(s['w_attn'])}$",
                    lambda s: f"每个头投影到 $d_k = d/h = {d}/{h} = {dk}$；{h} 个头合起来 $W_Q$、$W_K$、$W_V$ 各为 $d \\times d$，"
                              f"$W_O$ 为 $d \\times d$：$4d^2 = 4 \\cdot {d}^2 = {fmt_num(s['w_attn'])}$"),
            rule=bi("the heads share out d: Q, K, V and the output projection are each d×d in total",
                    "各头分摊 d：Q、K、V 和输出投影合计各为 d×d"),
            formula=bi("4·d² (h heads of d×d/h for each of Q, K, V, plus W_O)", "4·d²（Q、K、V 各为 h 个 d×d/h，再加 W_O）"),
            substituted=tx(lambda s: f"$4 \\cdot {d}^2$", lambda s: f"$4 \\cdot {d}^2$"), mistakes=tuple(mis))
    attn = "w_attn"
    if bias:
        ch.step("b_attn", bi("the attention biases 4d", "注意力的偏置数 4d"), lambda e: 4 * e["d_model"], uses=("d_model",),
                digits=0, rtol=0, atol=0.01,
                text=tx(lambda s: f"Biases of the four projections: $4d = 4 \\cdot {d} = {fmt_num(s['b_attn'])}$",
                        lambda s: f"四个投影的偏置：$4d = 4 \\cdot {d} = {fmt_num(s['b_attn'])}$"),
                rule=bi("one bias per output unit of each projection", "每个投影的每个输出单元一个偏置"), formula=bi("4·d", "4·d"),
                substituted=tx(lambda s: f"$4 \\cdot {d}$", lambda s: f"$4 \\cdot {d}$"),
                mistakes=(M("forgot_output_projection", no_wo.feedback, lambda e: 3 * e["d_model"]),))
        ch.step("attn", bi("the parameters of the attention block", "注意力模块的参数量"), lambda e: e["w_attn"] + e["b_attn"],
                uses=("w_attn", "b_attn"), digits=0, rtol=0, atol=0.01,
                text=tx(lambda s: f"Attention: ${fmt_num(s['w_attn'])} + {fmt_num(s['b_attn'])} = {fmt_num(s['attn'])}$"
                                  + ("" if ff else " (the number of heads does not change the count)"),
                        lambda s: f"注意力部分：${fmt_num(s['w_attn'])} + {fmt_num(s['b_attn'])} = {fmt_num(s['attn'])}$"
                                  + ("" if ff else "（头数不影响参数量）")),
                rule=bi("weights and biases add up", "权重与偏置相加"), formula=bi("4d² + 4d", "4d² + 4d"),
                substituted=tx(lambda s: f"${fmt_num(s['w_attn'])} + {fmt_num(s['b_attn'])}$", lambda s: f"${fmt_num(s['w_attn'])} + {fmt_num(s['b_attn'])}$"),
                mistakes=(M("forgot_bias", bi("You forgot the biases of the linear maps.", "你漏了线性映射的偏置。"), lambda e: e["w_attn"]),))
        attn = "attn"
    if not ff:
        return ch.steps

    def ffn(e, second=True, with_bias=None):
        d, ff, b = e["d_model"], e["d_ff"], (e["bias"] if with_bias is None else with_bias)
        return (2 if second else 1) * d * ff + ((ff + (d if second else 0)) if b else 0)

    fexpr = (lambda s: f"2 d d_{{ff}} + d_{{ff}} + d = 2 \\cdot {d} \\cdot {ff} + {ff} + {d} = {fmt_num(s['ffn'])}") if bias \
        else (lambda s: f"2 d d_{{ff}} = 2 \\cdot {d} \\cdot {ff} = {fmt_num(s['ffn'])}")
    fsub = f"2 \\cdot {d} \\cdot {ff} + {ff} + {d}" if bias else f"2 \\cdot {d} \\cdot {ff}"
    fmis = [M("ffn_one_matrix", bi("You counted only the first feed-forward matrix; the FFN expands to d_ff and projects back to d_model (two layers).",
                                   "你只算了前馈网络的第一个矩阵；FFN 先扩展到 d_ff 再投影回 d_model（两层）。"), lambda e: ffn(e, second=False))]
    if bias:
        fmis.append(M("forgot_bias", bi("You forgot the biases of the feed-forward layers.", "你漏了前馈层的偏置。"), lambda e: ffn(e, with_bias=False)))
    ch.step("ffn", bi("the parameters of the feed-forward network", "前馈网络的参数量"), ffn, uses=("d_model", "d_ff", "bias"),
            digits=0, rtol=0, atol=0.01,
            text=tx(lambda s: f"Feed-forward {d} → {ff} → {d}: ${fexpr(s)}$", lambda s: f"前馈网络 {d} → {ff} → {d}：${fexpr(s)}$"),
            rule=bi("two fully connected layers, d → d_ff → d", "两层全连接，d → d_ff → d"),
            formula=bi("2·d·d_ff + d_ff + d" if bias else "2·d·d_ff", "2·d·d_ff + d_ff + d" if bias else "2·d·d_ff"),
            substituted=tx(lambda s: f"${fsub}$", lambda s: f"${fsub}$"), mistakes=tuple(fmis))
    ch.step("ln", bi("the parameters of the two layer norms", "两个层归一化的参数量"), lambda e: 4 * e["d_model"], uses=("d_model",),
            digits=0, rtol=0, atol=0.01,
            text=tx(lambda s: f"Two layer norms, each with γ and β of size d: $2 \\cdot 2d = 4 \\cdot {d} = {fmt_num(s['ln'])}$",
                    lambda s: f"两个层归一化，各有长度为 d 的 γ 和 β：$2 \\cdot 2d = 4 \\cdot {d} = {fmt_num(s['ln'])}$"),
            rule=bi("a layer norm learns a scale γ and a shift β per feature", "层归一化对每个特征学习缩放 γ 和平移 β"),
            formula=bi("2 · 2d", "2 · 2d"), substituted=tx(lambda s: f"$4 \\cdot {d}$", lambda s: f"$4 \\cdot {d}$"),
            mistakes=(M("one_layernorm", bi("An encoder layer has two layer norms (after attention and after the FFN), each with γ and β.",
                                            "编码器层有两个层归一化（注意力之后和 FFN 之后），各有 γ 和 β。"), lambda e: 2 * e["d_model"]),))
    parts = (attn, "ffn", "ln")
    ch.step("total", bi("the total number of parameters", "参数总数"), lambda e: sum(e[k] for k in parts), uses=parts,
            digits=0, rtol=0, atol=0.01,
            text=tx(lambda s: "Total: $" + " + ".join(fmt_num(s[k]) for k in parts) + f" = {fmt_num(s['total'])}$",
                    lambda s: "合计：$" + " + ".join(fmt_num(s[k]) for k in parts) + f" = {fmt_num(s['total'])}$"),
            rule=bi("the blocks' counts add up", "各模块参数量相加"), formula=bi("attention + FFN + layer norms", "注意力 + 前馈 + 层归一化"),
            substituted=tx(lambda s: "$" + " + ".join(fmt_num(s[k]) for k in parts) + "$", lambda s: "$" + " + ".join(fmt_num(s[k]) for k in parts) + "$"),
            mistakes=(M("forgot_layernorm", bi("You forgot the two layer norms: each has γ and β of length d_model.",
                                               "你漏了两个层归一化：各有长度为 d_model 的 γ 和 β。"), lambda e: e[attn] + e["ffn"]),))
    return ch.steps


def check(prm: dict):
    """Engine route: build the engine blocks at their real sizes and count their parameters."""
    from ..engine import Dense, LayerNorm, MultiHeadAttention, count_params
    from ._shared import shape_only_rng

    d, ff, bias = prm["d_model"], prm["d_ff"], bool(prm["bias"])
    rng = shape_only_rng()
    layers = [MultiHeadAttention(d, prm["heads"], bias=bias, rng=rng)]
    if ff:
        layers += [Dense(d, ff, bias=bias, rng=rng), Dense(ff, d, bias=bias, rng=rng), LayerNorm(d), LayerNorm(d)]
    return count_params(layers)
