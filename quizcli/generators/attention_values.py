"""Scaled dot-product attention on tiny Q, K, V: one query's weights and output row.

Formula route: s_j = q_i · k_j / √d_k, α = softmax_j(s), o_i = Σ_j α_j v_j (pure Python).
Engine route: the engine's scaled_dot_product_attention on the whole Q, K, V, reading row i.
"""
from __future__ import annotations

import math
import random

from .base import (
    Chain, StepMistake,
    Family,
    Misconception,
    Param,
    ParamError,
    Solution,
    bi,
    fmt_answer,
    fmt_num,
    pick,
)

ASKS = ("both", "weights", "output")

FAMILY = Family(
    id="attention_values",
    topic="attention",
    concepts=("self_attention", "key_value_attention", "attention_scoring", "attention_mechanism"),
    title=bi("Scaled dot-product attention values", "缩放点积注意力的计算"),
    params=(
        Param("q", "matrix", bi("queries Q, one token per row (rows separated by ';')", "查询 Q，每行一个词元（行间用“;”分隔）"),
              aliases=("Q",), min=-1000, max=1000, max_len=8),
        Param("k", "matrix", bi("keys K, one token per row", "键 K，每行一个词元"), aliases=("K",), min=-1000, max=1000, max_len=8),
        Param("v", "matrix", bi("values V, one token per row", "值 V，每行一个词元"), aliases=("V",), min=-1000, max=1000, max_len=8),
        Param("i", "int", bi("which query (row of Q), counted from 1", "第几个查询（Q 的第几行），从 1 开始数"), default="1",
              aliases=("query",), max=8),
        Param("ask", "str", bi("what to give: both (weights, then output), weights, or output",
                               "要求的量：both（先权重后输出）、weights 或 output"), default="both", choices=ASKS),
    ),
)

RTOL, ATOL = 2e-3, 5e-4


def _signed(x) -> str:
    """A factor of a product: a negative number in brackets ('(−1) · 1', never '+ -1 · 1')."""
    return fmt_num(x) if x >= 0 else "(" + fmt_num(x) + ")"


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def _softmax(s):
    m = max(s)
    e = [math.exp(x - m) for x in s]
    return [x / sum(e) for x in e]


def _combine(w, rows):
    return [sum(wj * r[c] for wj, r in zip(w, rows)) for c in range(len(rows[0]))]


def _mat(rng, n, d, lo=-1, hi=2):
    return tuple(tuple(float(rng.randint(lo, hi)) for _ in range(d)) for _ in range(n))


def generate(rng: random.Random, difficulty: str) -> dict:
    while True:
        L = 2 if difficulty == "easy" else pick(rng, (2, 3)) if difficulty == "medium" else 3
        Q, K = _mat(rng, L, 2), _mat(rng, L, 2)
        V = _mat(rng, L, 2, 0, 4) if difficulty != "hard" else _mat(rng, L, 2, -2, 4)
        i = rng.randint(1, L)
        s = [_dot(Q[i - 1], k) for k in K]
        nonzero = all(any(x != 0 for x in r) for r in Q + K + V)  # no all-zero token vectors
        if len(set(s)) == L and len(set(V)) == L and Q != K and K != V and nonzero:
            ask = "weights" if difficulty == "easy" else "both"
            return {"q": Q, "k": K, "v": V, "i": i, "ask": ask}


def solve(prm: dict) -> Solution:
    Q, K, V = (tuple(tuple(float(x) for x in r) for r in prm[n]) for n in ("q", "k", "v"))
    i, ask = int(prm["i"]), str(prm.get("ask") or "both")
    if ask not in ASKS:
        raise ParamError(f"ask must be one of {', '.join(ASKS)}", f"ask 须为 {'、'.join(ASKS)} 之一")
    L, dk, dv = len(K), len(K[0]), len(V[0])
    if len(Q[0]) != dk:
        raise ParamError(f"queries and keys need the same width d_k (Q has {len(Q[0])}, K has {dk})",
                         f"查询与键的维度 d_k 须相同（Q 为 {len(Q[0])}，K 为 {dk}）")
    if len(V) != L:
        raise ParamError(f"one value per key: K has {L} rows, V has {len(V)}", f"每个键对应一个值：K 有 {L} 行，V 有 {len(V)} 行")
    if not 1 <= i <= len(Q):
        raise ParamError(f"i must be a row of Q, 1 to {len(Q)}", f"i 须为 Q 的行号，1 到 {len(Q)}")
    q = Q[i - 1]
    root = math.sqrt(dk)
    raw = [_dot(q, k) for k in K]
    s = [r / root for r in raw]
    w = _softmax(s)
    o = _combine(w, V)

    def pack(weights, out):
        return tuple(({"both": weights + out, "weights": weights, "output": out})[ask])

    ans = pack(w, o)
    al = (f"$\\alpha_{{{i}1}}, \\alpha_{{{i}2}}$" if L == 2 else f"$\\alpha_{{{i}1}}, \\dots, \\alpha_{{{i}{L}}}$")
    oi = f"$o_{{{i}}}$"
    what_en = {"both": f"the attention weights {al} of query {i}, then its output row {oi} ({L + dv} numbers)",
               "weights": f"the attention weights {al} of query {i}",
               "output": f"the output row {oi} of query {i} ({dv} numbers)"}[ask]
    what_zh = {"both": f"第 {i} 个查询的注意力权重 {al}，再给出它的输出 {oi}（共 {L + dv} 个数）",
               "weights": f"第 {i} 个查询的注意力权重 {al}",
               "output": f"第 {i} 个查询的输出 {oi}（{dv} 个数）"}[ask]
    prompt = bi(
        f"Scaled dot-product attention, softmax(QKᵀ/√d_k)V, with one token per row: Q = {fmt_answer(Q)}, "
        f"K = {fmt_answer(K)}, V = {fmt_answer(V)} (d_k = {dk}). Give {what_en}, to 4 decimals.",
        f"缩放点积注意力 softmax(QKᵀ/√d_k)V，每行一个词元：Q = {fmt_answer(Q)}，K = {fmt_answer(K)}，"
        f"V = {fmt_answer(V)}（d_k = {dk}）。给出{what_zh}，保留 4 位小数。",
    )

    def dots(k):
        return " + ".join(f"{_signed(a)} \\cdot {_signed(b)}" for a, b in zip(q, k))

    scores = "; ".join(f"$s_{j + 1} = ({dots(k)})/\\sqrt{{{dk}}} = {fmt_num(raw[j])}/{fmt_num(root, 4)} = {fmt_num(s[j], 4)}$"
                       for j, k in enumerate(K))
    steps = [
        bi(f"Scores of query {i} against every key, $s_j = q_{i} \\cdot k_j / \\sqrt{{{dk}}}$ (d_k = {dk}): {scores}.",
           f"第 {i} 个查询对每个键的得分 $s_j = q_{i} \\cdot k_j / \\sqrt{{{dk}}}$（d_k = {dk}）：{scores}。"),
        bi(f"Softmax over the keys (the row sums to 1): α = ({', '.join(fmt_num(a, 4) for a in w)}).",
           f"在键的方向上做 softmax（这一行和为 1）：α = ({', '.join(fmt_num(a, 4) for a in w)})。"),
    ]
    if ask != "weights":
        terms = " + ".join(f"{fmt_num(a, 4)} \\cdot ({', '.join(fmt_num(x) for x in vj)})" for a, vj in zip(w, V))
        steps.append(bi(f"Output: $o_{i} = \\sum_j \\alpha_j v_j = {terms}$ = ({', '.join(fmt_num(x, 4) for x in o)}).",
                        f"输出：$o_{i} = \\sum_j \\alpha_j v_j = {terms}$ = ({', '.join(fmt_num(x, 4) for x in o)})。"))

    w_noscale = _softmax(raw)
    w_dk = _softmax([r / dk for r in raw])
    miscon = [
        Misconception("no_scaling", pack(w_noscale, _combine(w_noscale, V)),
                      bi("You forgot to divide the scores by √d_k (that keeps the softmax from saturating as d_k grows).",
                         "你忘了把得分除以 √d_k（它防止 d_k 变大时 softmax 饱和）。")),
        Misconception("divided_by_dk", pack(w_dk, _combine(w_dk, V)),
                      bi("Scale by √d_k, not by d_k.", "缩放因子是 √d_k，不是 d_k。")),
    ]
    if len(Q) > 1:
        col = []
        for j, k in enumerate(K):
            cs = [_dot(qq, k) / root for qq in Q]
            m = max(cs)
            col.append(math.exp(cs[i - 1] - m) / sum(math.exp(c - m) for c in cs))
        miscon.append(Misconception(
            "softmax_wrong_axis", pack(col, _combine(col, V)),
            bi("You normalised over the queries (down a column of QKᵀ); softmax runs over the keys, along the row of query i.",
               "你在查询方向上（QKᵀ 的列）做了归一化；softmax 应在键的方向上，即第 i 个查询所在的行。")))
    if ask != "weights":
        miscon.append(Misconception(
            "used_keys_as_values", pack(w, _combine(w, K)),
            bi("You averaged the keys; the output is the weighted sum of the VALUES, Σ α_j v_j.",
               "你对键做了加权平均；输出是值的加权和 Σ α_j v_j。")))
    miscon.append(Misconception(
        "no_softmax", pack(s, _combine(s, V)),
        bi("You used the raw scores as weights; apply softmax so that they are positive and sum to 1.",
           "你直接把得分当权重；要先做 softmax，使权重为正且和为 1。")))
    chain = _chain(Q, K, V, i, ask)
    steps = [bi(f"Scores of query {i} against every key, $s_j = q_{i} \\cdot k_j / \\sqrt{{{dk}}}$ (d_k = {dk}): {chain[0].text.en}.",
                f"第 {i} 个查询对每个键的得分 $s_j = q_{i} \\cdot k_j / \\sqrt{{{dk}}}$（d_k = {dk}）：{chain[0].text.zh}。"),
             bi(f"Softmax over the keys (the row sums to 1): {chain[1].text.en}.", f"在键的方向上做 softmax（这一行和为 1）：{chain[1].text.zh}。")]
    if ask != "weights":
        steps.append(bi(f"Output: {chain[2].text.en}.", f"输出：{chain[2].text.zh}。"))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Rows are tokens; weights of one query = softmax over the keys of q·k/√d_k; natural exponent.",
                                    "每行一个词元；一个查询的权重 = 对所有键的 q·k/√d_k 做 softmax；以 e 为底。"),),
                    answer_text="[" + ", ".join(f"{x:.4f}" for x in ans) + "]", rtol=RTOL, atol=ATOL,
                    chain=chain, answer_of=("alpha", "o") if ask == "both" else (),
                    hint=bi("Scores q_i·k_j/√d_k, softmax over j, then Σ α_j v_j.", "得分 q_i·k_j/√d_k，对 j 做 softmax，再算 Σ α_j v_j。"))


def _chain(Q, K, V, i, ask):
    """Scores q·k_j/√d_k, the weights α = softmax(s), then (unless only the weights are asked)
    the output Σ α_j v_j; each line from the shown numbers before it."""
    q, dk = Q[i - 1], len(K[0])
    root = math.sqrt(dk)
    ch = Chain({})

    def tx(f):
        return lambda s: bi(f(s), f(s))

    def dots(k):
        return " + ".join(f"{_signed(a)} \\cdot {_signed(b)}" for a, b in zip(q, k))

    def scores(e, scale=root):
        return tuple(_dot(q, k) / scale for k in K)

    ch.step("s", bi(f"the scores s_j of query {i}", f"第 {i} 个查询的得分 s_j"), scores, uses=("q", "k"),
            text=tx(lambda s: "; ".join(f"$s_{j + 1} = ({dots(k)})/\\sqrt{{{dk}}} = {fmt_num(s['s'][j], 6)}$" for j, k in enumerate(K))),
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("scaled dot product of the query with each key", "查询与每个键的缩放点积"),
            formula=bi("s_j = q_i · k_j / √d_k", "s_j = q_i · k_j / √d_k"),
            substituted=tx(lambda s: "; ".join(f"$s_{j + 1} = ({dots(k)})/\\sqrt{{{dk}}}$" for j, k in enumerate(K))),
            mistakes=(StepMistake("no_scaling", bi("Divide the scores by √d_k.", "得分要除以 √d_k。"), lambda e: scores(e, 1.0)),
                      StepMistake("divided_by_dk", bi("Scale by √d_k, not by d_k.", "缩放因子是 √d_k，不是 d_k。"), lambda e: scores(e, dk))))
    ch.step("alpha", bi("the attention weights α = softmax(s)", "注意力权重 α = softmax(s)"), lambda e: tuple(_softmax(e["s"])), uses=("s",),
            text=tx(lambda s: f"α = softmax({', '.join(fmt_num(x, 6) for x in s['s'])}) = ({', '.join(fmt_num(a, 6) for a in s['alpha'])})"),
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("softmax over the keys: exponentiate, then normalise", "在键的方向上做 softmax：取指数再归一化"),
            formula=bi("α_j = e^{s_j} / Σ_l e^{s_l}", "α_j = e^{s_j} / Σ_l e^{s_l}"),
            substituted=tx(lambda s: "α_j = e^{s_j} / (" + " + ".join(f"e^{{{fmt_num(x, 6)}}}" for x in s["s"]) + ")"),
            mistakes=(StepMistake("no_softmax", bi("Apply softmax to the scores so that the weights are positive and sum to 1.",
                                                   "要对得分做 softmax，使权重为正且和为 1。"), lambda e: tuple(e["s"])),))
    if ask != "weights":
        def terms(s):
            return " + ".join(f"{fmt_num(a, 6)} \\cdot ({', '.join(fmt_num(x) for x in vj)})" for a, vj in zip(s["alpha"], V))

        ch.step("o", bi(f"the output o_{i} = Σ α_j v_j", f"输出 o_{i} = Σ α_j v_j"), lambda e: tuple(_combine(e["alpha"], V)), uses=("alpha", "v"),
                text=tx(lambda s: f"$o_{i} = \\sum_j \\alpha_j v_j = {terms(s)}$ = ({', '.join(fmt_num(x, 4) for x in s['o'])})"),
                rtol=RTOL, atol=ATOL, rule=bi("the weighted sum of the values", "值的加权和"), formula=bi("o_i = Σ_j α_j v_j", "o_i = Σ_j α_j v_j"),
                substituted=tx(lambda s: f"$o_{i} = {terms(s)}$"),
                mistakes=(StepMistake("used_keys_as_values", bi("The output is the weighted sum of the VALUES, not the keys.",
                                                                "输出是值的加权和，不是键。"), lambda e: tuple(_combine(e["alpha"], K))),))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's scaled_dot_product_attention on the whole Q, K, V; row i."""
    import numpy as np

    from ..engine import scaled_dot_product_attention

    out, weights = scaled_dot_product_attention(*(np.asarray(prm[n], dtype=float) for n in ("q", "k", "v")))
    i, ask = int(prm["i"]) - 1, str(prm.get("ask") or "both")
    w, o = [float(x) for x in weights[i]], [float(x) for x in out[i]]
    return tuple({"both": w + o, "weights": w, "output": o}[ask])
