"""Parameters of multi-head self-attention, or of a whole Transformer encoder layer.

Formula route: MHA = 4·d² (+ 4·d biases): W_Q, W_K, W_V (h heads of d×d/h each = d×d) and W_O.
Encoder layer = MHA + FFN (2·d·d_ff + d_ff + d) + two LayerNorms (2·2·d).
Engine route: build engine MultiHeadAttention, two Dense layers and two LayerNorms at the
real sizes (with `shape_only_rng`) and call `count_params`.
"""
from __future__ import annotations

import random

from .base import Family, Misconception, Param, ParamError, Solution, bi, pick

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
    steps = [
        bi(f"Each head projects to $d_k = d/h = {d}/{h} = {dk}$; over the {h} heads $W_Q$, $W_K$, $W_V$ are each $d \\times d$, "
           f"and $W_O$ is $d \\times d$: $4d^2 = 4 \\cdot {d}^2 = {mha_w}$"
           + (f"; biases $4d = {mha_b}$. Attention: ${mha_w} + {mha_b} = {mha}$" if bias else f". Attention: ${mha}$"),
           f"每个头投影到 $d_k = d/h = {d}/{h} = {dk}$；{h} 个头合起来 $W_Q$、$W_K$、$W_V$ 各为 $d \\times d$，"
           f"$W_O$ 为 $d \\times d$：$4d^2 = 4 \\cdot {d}^2 = {mha_w}$"
           + (f"；偏置 $4d = {mha_b}$。注意力部分：${mha_w} + {mha_b} = {mha}$" if bias else f"。注意力部分：${mha}$")),
    ]
    if ff:
        ffn = ffn_w + ffn_b
        fexpr = (f"2 d d_{{ff}} + d_{{ff}} + d = 2 \\cdot {d} \\cdot {ff} + {ff} + {d} = {ffn}" if bias
                 else f"2 d d_{{ff}} = 2 \\cdot {d} \\cdot {ff} = {ffn}")
        steps.append(bi(f"Feed-forward {d} → {ff} → {d}: ${fexpr}$", f"前馈网络 {d} → {ff} → {d}：${fexpr}$"))
        steps.append(bi(f"Two layer norms, each with γ and β of size d: $2 \\cdot 2d = 4 \\cdot {d} = {ln}$",
                        f"两个层归一化，各有长度为 d 的 γ 和 β：$2 \\cdot 2d = 4 \\cdot {d} = {ln}$"))
        steps.append(bi(f"Total: ${mha} + {ffn} + {ln} = {total}$", f"合计：${mha} + {ffn} + {ln} = {total}$"))
    else:
        steps.append(bi(f"Total: ${total}$ (the number of heads does not change the count).",
                        f"合计：${total}$（头数不影响参数量）。"))
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
                    rtol=0, atol=0.01,
                    hint=bi("4d² + 4d for attention; + 2·d·d_ff + d_ff + d for the FFN; + 4d for two layer norms.",
                            "注意力 4d² + 4d；前馈 + 2·d·d_ff + d_ff + d；两个层归一化 + 4d。"))


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
