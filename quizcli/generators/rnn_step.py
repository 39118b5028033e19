"""One time step of a simple (Elman) RNN: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b).

Formula route: the pre-activation row by row, then tanh (pure Python).
Engine route: an engine RNNCell with the weights copied in (weight_ih = W_xh, weight_hh = W_hh,
bias_ih = b, bias_hh = 0: one bias vector), one forward step.
"""
from __future__ import annotations

import math
import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, pick
from ._shared import tenths, num as _n, paren as _p, vec as _vec, matrix as _mat, as_matrix as _as_matrix

FAMILY = Family(
    id="rnn_step",
    topic="rnn",
    concepts=("simple_rnn", "tanh", "rnn_parameter_sharing"),
    title=bi("One step of a simple RNN", "简单 RNN 的一步计算"),
    params=(
        Param("wx", "matrix", bi("input weights W_xh, H×D (row i feeds hidden unit i; for D = 1 a list is fine)",
                                 "输入权重 W_xh，H×D（第 i 行进入隐藏单元 i；D = 1 时可写成一列数）"),
              aliases=("W_xh", "w_xh", "U"), min=-1000, max=1000, max_len=16),
        Param("wh", "matrix", bi("recurrent weights W_hh, H×H (row i feeds hidden unit i)",
                                 "循环权重 W_hh，H×H（第 i 行进入隐藏单元 i）"), aliases=("W_hh", "w_hh", "W"), min=-1000, max=1000, max_len=16),
        Param("b", "floats", bi("the bias vector b (one per hidden unit; 0 = none)", "偏置向量 b（每个隐藏单元一个；0 表示无）"),
              default="0", min=-1000, max=1000, max_len=16),
        Param("x", "floats", bi("the input x_t (D numbers)", "输入 x_t（D 个数）"), aliases=("x_t",), min=-1000, max=1000, max_len=16),
        Param("h", "floats", bi("the previous state h_{t−1} (H numbers)", "上一时刻的状态 h_{t−1}（H 个数）"),
              aliases=("h_prev", "h0"), min=-1000, max=1000, max_len=16),
    ),
)

RTOL, ATOL = 1e-3, 5e-4


def _parse(prm: dict):
    x = tuple(float(v) for v in prm["x"])
    h = tuple(float(v) for v in prm["h"])
    D, H = len(x), len(h)
    if not D or not H:
        raise ParamError("give the input x and the previous state h", "请给出输入 x 和上一时刻状态 h")
    Wx = _as_matrix(prm["wx"], H, D, "W_xh")
    Wh = _as_matrix(prm["wh"], H, H, "W_hh")
    b = tuple(float(v) for v in (prm.get("b") or (0.0,)))
    if len(b) == 1 and H > 1 and b[0] == 0:
        b = (0.0,) * H
    if len(b) != H:
        raise ParamError(f"b needs {H} entries (one per hidden unit)", f"b 须有 {H} 个数（每个隐藏单元一个）")
    return Wx, Wh, b, x, h


def generate(rng: random.Random, difficulty: str) -> dict:
    H = 2
    D = {"easy": 1, "medium": pick(rng, (1, 2)), "hard": 2}[difficulty]
    while True:
        Wx = tuple(tuple(tenths(rng, -1, 1) for _ in range(D)) for _ in range(H))
        Wh = tuple(tuple(tenths(rng, -1, 1) for _ in range(H)) for _ in range(H))
        if Wh[0][1] == Wh[1][0]:
            continue
        b = tuple(tenths(rng, -0.5, 0.5) for _ in range(H)) if difficulty != "easy" or rng.random() < 0.5 else (0.0, 0.0)
        x = tuple(float(pick(rng, (1, -1, 2))) if difficulty == "easy" else tenths(rng, -1, 1) for _ in range(D))
        h = tuple(tenths(rng, -0.9, 0.9) for _ in range(H))
        a = [sum(Wx[i][j] * x[j] for j in range(D)) + sum(Wh[i][j] * h[j] for j in range(H)) + b[i] for i in range(H)]
        if all(0.05 <= abs(v) <= 2.5 for v in a):
            return {"wx": Wx, "wh": Wh, "b": b, "x": x, "h": h}


def _step(Wx, Wh, b, x, h, *, act="tanh", recurrent=True, bias=True, transpose_hh=False):
    H, D = len(h), len(x)
    a = []
    for i in range(H):
        rec = sum((Wh[j][i] if transpose_hh else Wh[i][j]) * h[j] for j in range(H)) if recurrent else 0.0
        a.append(sum(Wx[i][j] * x[j] for j in range(D)) + rec + (b[i] if bias else 0.0))
    f = {"tanh": math.tanh, "none": lambda v: v, "sigmoid": lambda v: 1 / (1 + math.exp(-v))}[act]
    return a, [f(v) for v in a]


def _out(v):
    return float(v[0]) if len(v) == 1 else tuple(float(a) for a in v)


def solve(prm: dict) -> Solution:
    Wx, Wh, b, x, h = _parse(prm)
    H, D = len(h), len(x)
    a, hn = _step(Wx, Wh, b, x, h)
    ans = _out(hn)
    has_b = any(v != 0 for v in b)
    xs = _n(x[0]) if D == 1 else _vec(x)
    prompt = bi(
        f"A simple RNN with {H} hidden units updates its state by $h_t = \\tanh(W_{{xh}} x_t + W_{{hh}} h_{{t-1}} + b)$ "
        f"(one bias vector). $W_{{xh}}$ = {_mat(Wx)}, $W_{{hh}}$ = {_mat(Wh)}, $b$ = {_vec(b)}. "
        f"Given $x_t$ = {xs} and $h_{{t-1}}$ = {_vec(h)}, give $h_t$ (4 decimals).",
        f"一个有 {H} 个隐藏单元的简单 RNN 按 $h_t = \\tanh(W_{{xh}} x_t + W_{{hh}} h_{{t-1}} + b)$ 更新状态（一个偏置向量）。"
        f"$W_{{xh}}$ = {_mat(Wx)}，$W_{{hh}}$ = {_mat(Wh)}，$b$ = {_vec(b)}。"
        f"已知 $x_t$ = {xs}，$h_{{t-1}}$ = {_vec(h)}，求 $h_t$（保留 4 位小数）。",
    )
    chain = _chain(Wx, Wh, b, x, h, has_b)
    steps = [st.text for st in chain]
    M = Misconception
    miscon = [
        M("forgot_tanh", _out(a), bi("You stopped at the pre-activation: apply tanh, h_t = tanh(a).",
                                      "你停在了预激活：还要过 tanh，h_t = tanh(a)。")),
        M("no_recurrent_term", _out(_step(Wx, Wh, b, x, h, recurrent=False)[1]), bi(
            "You left out the recurrent term W_hh·h_{t−1}: the previous state feeds every step.",
            "漏掉了循环项 W_hh·h_{t−1}：上一时刻的状态每一步都要输入。")),
        M("used_sigmoid", _out(_step(Wx, Wh, b, x, h, act="sigmoid")[1]), bi(
            "You used the sigmoid; a simple RNN's state uses tanh (values in (−1, 1)).",
            "你用了 sigmoid；简单 RNN 的状态用 tanh（取值在 (−1, 1)）。")),
        M("transposed_w_hh", _out(_step(Wx, Wh, b, x, h, transpose_hh=True)[1]), bi(
            "You used W_hhᵀ: row i of W_hh (not column i) feeds hidden unit i.",
            "你用了 W_hh 的转置：进入隐藏单元 i 的是 W_hh 的第 i 行，不是第 i 列。")),
    ]
    if has_b:
        miscon.append(M("forgot_bias", _out(_step(Wx, Wh, b, x, h, bias=False)[1]), bi(
            "You forgot the bias b.", "漏加了偏置 b。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("One bias vector b (frameworks split it into b_ih + b_hh; only the sum matters); "
                                    "weights are (out, in): row i feeds hidden unit i.",
                                    "一个偏置向量 b（框架中拆为 b_ih + b_hh，只有它们的和起作用）；"
                                    "权重按 (输出, 输入) 存放：第 i 行进入隐藏单元 i。"),),
                    answer_text="[" + ", ".join(f"{v:.4f}" for v in hn) + "]" if H > 1 else f"{hn[0]:.4f}",
                    rtol=RTOL, atol=ATOL, chain=chain,
                    hint=bi("a = W_xh x_t + W_hh h_{t−1} + b, then h_t = tanh(a).",
                            "a = W_xh x_t + W_hh h_{t−1} + b，再 h_t = tanh(a)。"))


def _pre(e, **kw):
    return tuple(_step(e["wx"], e["wh"], e["b"], e["x"], e["h"], **kw)[0])


def _chain(Wx, Wh, b, x, h, has_b):
    """Two gradable steps: the pre-activation a (a vector), then h_t = tanh(a)."""
    H, D = len(h), len(x)
    ch = Chain({"wx": Wx, "wh": Wh, "b": b, "x": x, "h": h})

    def rows_text(s):
        rows = []
        for i in range(H):
            xt = " + ".join(f"{_p(Wx[i][j])} \\cdot {_p(x[j])}" for j in range(D))
            ht = " + ".join(f"{_p(Wh[i][j])} \\cdot {_p(h[j])}" for j in range(H))
            rows.append(f"$a_{i + 1} = {xt} + {ht} + {_p(b[i])} = {_n(s['a'][i])}$")
        return rows

    mis_a = [StepMistake("no_recurrent_term", bi("You left out the recurrent term W_hh·h_{t−1}: the previous state feeds every step.",
                                                 "漏掉了循环项 W_hh·h_{t−1}：上一时刻的状态每一步都要输入。"),
                         lambda e: _pre(e, recurrent=False)),
             StepMistake("transposed_w_hh", bi("You used W_hhᵀ: row i of W_hh (not column i) feeds hidden unit i.",
                                               "你用了 W_hh 的转置：进入隐藏单元 i 的是 W_hh 的第 i 行，不是第 i 列。"),
                         lambda e: _pre(e, transpose_hh=True))]
    if has_b:
        mis_a.append(StepMistake("forgot_bias", bi("You forgot the bias b.", "漏加了偏置 b。"), lambda e: _pre(e, bias=False)))
    ch.step("a", bi("the pre-activation a", "预激活 a"),
            lambda e: _pre(e), uses=("wx", "wh", "b", "x", "h"),
            text=lambda s: bi("Pre-activation $a = W_{xh} x_t + W_{hh} h_{t-1} + b$, row $i$ of each matrix times its vector: "
                              + "; ".join(rows_text(s)) + ".",
                              "预激活 $a = W_{xh} x_t + W_{hh} h_{t-1} + b$，每个矩阵的第 $i$ 行乘对应向量：" + "；".join(rows_text(s)) + "。"),
            rtol=RTOL, atol=ATOL,
            rule=bi("an affine map: weights times inputs plus bias", "仿射变换：权重乘输入再加偏置"),
            formula=bi("a_i = Σ_j W_xh[i][j] x_j + Σ_j W_hh[i][j] h_{t−1,j} + b_i", "a_i = Σ_j W_xh[i][j] x_j + Σ_j W_hh[i][j] h_{t−1,j} + b_i"),
            substituted=lambda s: bi("; ".join(r.rsplit(" = ", 1)[0] + "$" for r in rows_text(s)),
                                     "；".join(r.rsplit(" = ", 1)[0] + "$" for r in rows_text(s))),
            mistakes=tuple(mis_a))

    def th(s):
        return "$, $".join(f"\\tanh({_n(v)}) = {_n(t)}" for v, t in zip(s["a"], s["h_t"]))

    ch.step("h_t", bi("the new state h_t", "新状态 h_t"),
            lambda e: tuple(math.tanh(v) for v in e["a"]), uses=("a",),
            text=lambda s: bi(f"$h_t = \\tanh(a)$: ${th(s)}$, so $h_t$ = {_vec(s['h_t'])}.",
                              f"$h_t = \\tanh(a)$：${th(s)}$，即 $h_t$ = {_vec(s['h_t'])}。"),
            rtol=RTOL, atol=ATOL,
            rule=bi("the tanh activation, entry by entry", "逐个元素取 tanh 激活"),
            formula=bi("h_t,i = tanh(a_i)", "h_t,i = tanh(a_i)"),
            substituted=lambda s: bi(", ".join(f"tanh({_n(v)})" for v in s["a"]), "，".join(f"tanh({_n(v)})" for v in s["a"])),
            mistakes=(StepMistake("forgot_tanh", bi("You stopped at the pre-activation: apply tanh, h_t = tanh(a).",
                                                    "你停在了预激活：还要过 tanh，h_t = tanh(a)。"), lambda e: tuple(e["a"])),
                      StepMistake("used_sigmoid", bi("You used the sigmoid; a simple RNN's state uses tanh (values in (−1, 1)).",
                                                     "你用了 sigmoid；简单 RNN 的状态用 tanh（取值在 (−1, 1)）。"),
                                  lambda e: tuple(1 / (1 + math.exp(-v)) for v in e["a"]))))
    return ch.steps


def check(prm: dict):
    """Engine route: an engine RNNCell holding the same weights, one forward step."""
    import numpy as np

    from ..engine import RNNCell

    Wx, Wh, b, x, h = _parse(prm)
    cell = RNNCell(len(x), len(h))
    cell.weight_ih, cell.weight_hh = Wx, Wh
    cell.bias_ih, cell.bias_hh = b, np.zeros(len(h))
    return _out(cell.forward(np.array(x), np.array(h)))
