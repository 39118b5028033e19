"""One LSTM time step with tiny weights: the gates, the cell state c_t or the output h_t.

Formula route: i = σ(W_xi x + W_hi h + b_i), f = σ(·), g = c̃ = tanh(·), o = σ(·),
c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t) (pure Python).
Engine route: an engine LSTMCell (PyTorch gate order i, f, g, o) with the weights copied in,
the one bias vector in bias_ih and zeros in bias_hh; one forward step, reading its gates and state.
"""
from __future__ import annotations

import math
import random

from .base import strip_results, Chain, Family, Misconception, StepMistake, Param, ParamError, Solution, bi, pick
from ._shared import tenths, num as _n, paren as _p, vec as _vec, block as _blk, as_matrix as _as_matrix, sigmoid as _sig

ASKS = ("c", "h", "gates")
GATES = ("i", "f", "g", "o")

FAMILY = Family(
    id="lstm_step",
    topic="lstm_gru",
    concepts=("lstm", "lstm_gates", "cell_state"),
    title=bi("One LSTM step", "LSTM 的一步计算"),
    params=(
        Param("wx", "matrix", bi("input weights, 4H×D: the blocks of H rows for the gates i, f, g (= c̃), o stacked "
                                 "in this order (PyTorch); for H = D = 1 a list of 4 numbers",
                                 "输入权重 4H×D：门 i、f、g（即 c̃）、o 各 H 行按此顺序堆叠（PyTorch）；H = D = 1 时写 4 个数"),
              aliases=("W_x", "W_ih", "w_ih"), min=-1000, max=1000, max_len=64),
        Param("wh", "matrix", bi("recurrent weights, 4H×H, same gate order", "循环权重 4H×H，门的顺序相同"),
              aliases=("W_h", "W_hh", "w_hh"), min=-1000, max=1000, max_len=64),
        Param("b", "floats", bi("one bias vector, 4H numbers in the gate order i, f, g, o (0 = none)",
                                "一个偏置向量，按 i、f、g、o 顺序共 4H 个数（0 表示无）"), default="0", min=-1000, max=1000, max_len=64),
        Param("x", "floats", bi("the input x_t (D numbers)", "输入 x_t（D 个数）"), aliases=("x_t",), min=-1000, max=1000, max_len=16),
        Param("h", "floats", bi("the previous output h_{t−1} (H numbers)", "上一时刻输出 h_{t−1}（H 个数）"),
              aliases=("h_prev",), min=-1000, max=1000, max_len=16),
        Param("c", "floats", bi("the previous cell state c_{t−1} (H numbers)", "上一时刻的记忆单元 c_{t−1}（H 个数）"),
              aliases=("c_prev",), min=-1000, max=1000, max_len=16),
        Param("ask", "str", bi("what to give: c (the new cell state c_t), h (the new output h_t) or gates "
                               "(i, f, g, o; one row per gate when H > 1)",
                               "要求的量：c（新的记忆单元 c_t）、h（新的输出 h_t）或 gates（i, f, g, o；H > 1 时每个门一行）"),
              default="h", choices=ASKS),
    ),
)

RTOL, ATOL = 1e-3, 5e-4


def _parse(prm: dict):
    x = tuple(float(v) for v in prm["x"])
    h = tuple(float(v) for v in prm["h"])
    c = tuple(float(v) for v in prm["c"])
    D, H = len(x), len(h)
    if not D or not H or len(c) != H:
        raise ParamError("give x, and h and c of the same length H", "请给出 x，以及长度相同（H）的 h 和 c")
    Wx = _as_matrix(prm["wx"], 4 * H, D, "wx")
    Wh = _as_matrix(prm["wh"], 4 * H, H, "wh")
    b = tuple(float(v) for v in (prm.get("b") or (0.0,)))
    if len(b) == 1 and b[0] == 0:
        b = (0.0,) * (4 * H)
    if len(b) != 4 * H:
        raise ParamError(f"b needs 4H = {4 * H} numbers (gates i, f, g, o)", f"b 须有 4H = {4 * H} 个数（门 i、f、g、o）")
    ask = prm.get("ask") or "h"
    if ask not in ASKS:
        raise ParamError(f"ask must be one of {', '.join(ASKS)}", f"ask 须为 {', '.join(ASKS)} 之一")
    return Wx, Wh, b, x, h, c, ask


def _cell(Wx, Wh, b, x, h, c, *, gate_act="sigmoid", cand_act="tanh", recurrent=True, swap=False,
          forget=True, out_tanh=True):
    H, D = len(h), len(x)
    z = [sum(Wx[r][j] * x[j] for j in range(D)) + (sum(Wh[r][j] * h[j] for j in range(H)) if recurrent else 0.0) + b[r]
         for r in range(4 * H)]
    ga = _sig if gate_act == "sigmoid" else math.tanh
    ca = math.tanh if cand_act == "tanh" else _sig
    i = [ga(v) for v in z[:H]]
    f = [ga(v) for v in z[H:2 * H]]
    g = [ca(v) for v in z[2 * H:3 * H]]
    o = [ga(v) for v in z[3 * H:]]
    if swap:
        cn = [f[k] * g[k] + i[k] * c[k] for k in range(H)]
    else:
        cn = [(f[k] * c[k] if forget else c[k]) + i[k] * g[k] for k in range(H)]
    hn = [o[k] * (math.tanh(cn[k]) if out_tanh else cn[k]) for k in range(H)]
    return {"z": z, "i": i, "f": f, "g": g, "o": o, "c": cn, "h": hn}


def _answer(res, ask, H):
    if ask == "gates":
        if H == 1:
            return tuple(float(res[k][0]) for k in GATES)
        return tuple(tuple(float(v) for v in res[k]) for k in GATES)
    v = res[ask]
    return float(v[0]) if H == 1 else tuple(float(a) for a in v)


def generate(rng: random.Random, difficulty: str) -> dict:
    H = 2 if difficulty == "hard" else 1
    D = 2 if difficulty == "medium" and rng.random() < 0.4 else 1
    ask = pick(rng, ("c", "h", "gates") if H == 1 else ("c", "h"))
    Wx = tuple(tuple(tenths(rng, -1, 1) for _ in range(D)) for _ in range(4 * H))
    Wh = tuple(tuple(tenths(rng, -1, 1) for _ in range(H)) for _ in range(4 * H))
    b = tuple(tenths(rng, -0.5, 0.5, zero=True) for _ in range(4 * H)) if difficulty != "easy" or rng.random() < 0.5 \
        else (0.0,) * (4 * H)
    x = tuple(float(pick(rng, (1, -1, 2))) if difficulty == "easy" else tenths(rng, -1, 1) for _ in range(D))
    h = tuple(tenths(rng, -0.9, 0.9) for _ in range(H))
    c = tuple(tenths(rng, -1.5, 1.5) for _ in range(H))
    return {"wx": Wx, "wh": Wh, "b": b, "x": x, "h": h, "c": c, "ask": ask}


def solve(prm: dict) -> Solution:
    Wx, Wh, b, x, h, c, ask = _parse(prm)
    H, D = len(h), len(x)
    res = _cell(Wx, Wh, b, x, h, c)
    ans = _answer(res, ask, H)

    def block(M, k):
        return tuple(M[k * H:(k + 1) * H])

    def one(v):
        return _n(v[0]) if len(v) == 1 else _vec(v)

    gate_lines_en, gate_lines_zh = [], []
    for k, gname in enumerate(GATES):
        s = (f"$W_{{x{gname}}}$ = {_blk(block(Wx, k))}, $W_{{h{gname}}}$ = {_blk(block(Wh, k))}, "
             f"$b_{gname}$ = {one(b[k * H:(k + 1) * H])}")
        gate_lines_en.append(s)
        gate_lines_zh.append(s)
    what = {"c": ("the new cell state $c_t$", "新的记忆单元 $c_t$"),
            "h": ("the new output $h_t$", "新的输出 $h_t$"),
            "gates": (("the gate values $i, f, g, o$, in this order", "各门的值 $i, f, g, o$，按此顺序") if H == 1 else
                      ("the gate values as a matrix, one row per gate $i, f, g, o$", "各门的值，写成矩阵，每个门一行，顺序 $i, f, g, o$"))}[ask]
    prompt = bi(
        f"An LSTM cell (hidden size {H}, input size {D}) computes $i = \\sigma(W_{{xi}} x_t + W_{{hi}} h_{{t-1}} + b_i)$, "
        f"$f$ and $o$ likewise with $\\sigma$, the candidate $g = \\tilde{{c}}_t = \\tanh(W_{{xg}} x_t + W_{{hg}} h_{{t-1}} + b_g)$, "
        f"then $c_t = f \\odot c_{{t-1}} + i \\odot g$ and $h_t = o \\odot \\tanh(c_t)$ (one bias vector per gate). "
        f"Weights: " + "; ".join(f"{gname}: {s}" for gname, s in zip(GATES, gate_lines_en)) + ". "
        f"Given $x_t$ = {one(x)}, $h_{{t-1}}$ = {one(h)}, $c_{{t-1}}$ = {one(c)}, give {what[0]}, to 4 decimals.",
        f"LSTM 单元（隐藏维度 {H}，输入维度 {D}）计算 $i = \\sigma(W_{{xi}} x_t + W_{{hi}} h_{{t-1}} + b_i)$，"
        f"$f$、$o$ 同理用 $\\sigma$，候选值 $g = \\tilde{{c}}_t = \\tanh(W_{{xg}} x_t + W_{{hg}} h_{{t-1}} + b_g)$，"
        f"然后 $c_t = f \\odot c_{{t-1}} + i \\odot g$，$h_t = o \\odot \\tanh(c_t)$（每个门一个偏置向量）。"
        f"权重：" + "；".join(f"{gname}：{s}" for gname, s in zip(GATES, gate_lines_zh)) + "。"
        f"已知 $x_t$ = {one(x)}，$h_{{t-1}}$ = {one(h)}，$c_{{t-1}}$ = {one(c)}，求{what[1]}（保留 4 位小数）。",
    )
    chain = _chain(Wx, Wh, b, x, h, c, ask)
    glines = [st.text.en for st in chain[:4]]
    steps = [bi("Gates ($\\sigma$ for i, f, o; $\\tanh$ for the candidate g): " + "; ".join(glines) + ".",
                "各门（i、f、o 用 $\\sigma$，候选值 g 用 $\\tanh$）：" + "；".join(glines) + "。")]
    if ask == "c":  # the output gate and h_t are not needed for c_t
        chain = chain[:3] + chain[4:5]
    elif ask == "gates":  # the answer is the four gates joined
        chain = chain[:4]
    steps += [st.text for st in chain[3:] if st.id in ("c_t", "h_t")]
    if ask == "gates":
        steps.append(bi("Answer: " + ", ".join(f"${g} = {_n(res[g][0])}$" for g in GATES) + "." if H == 1 else
                        "Answer: one row per gate i, f, g, o.",
                        "答案：" + "，".join(f"${g} = {_n(res[g][0])}$" for g in GATES) + "。" if H == 1 else
                        "答案：每个门一行，顺序 i、f、g、o。"))

    def wrong(**kw):
        return _answer(_cell(Wx, Wh, b, x, h, c, **kw), ask, H)

    M = Misconception
    tanh_gates = M("tanh_gates", wrong(gate_act="tanh"), bi(
        "You used tanh for the gates i, f, o: gates use the sigmoid (values in (0, 1), a fraction to let through).",
        "你给门 i、f、o 用了 tanh：门用 sigmoid（取值在 (0, 1)，表示放行的比例）。"))
    sig_cand = M("sigmoid_candidate", wrong(cand_act="sigmoid"), bi(
        "You used the sigmoid for the candidate g = c̃: it uses tanh (values in (−1, 1)).",
        "你给候选值 g = c̃ 用了 sigmoid：候选值用 tanh（取值在 (−1, 1)）。"))
    swapped = M("swapped_f_i", wrong(swap=True), bi(
        "You swapped the gates: c_t = f ⊙ c_{t−1} + i ⊙ c̃ (the forget gate scales the OLD cell state).",
        "你把两个门用反了：c_t = f ⊙ c_{t−1} + i ⊙ c̃（遗忘门作用于旧的记忆单元）。"))
    no_forget = M("no_forget_gate", wrong(forget=False), bi(
        "You kept c_{t−1} whole: the forget gate multiplies it, c_t = f ⊙ c_{t−1} + i ⊙ c̃.",
        "你把 c_{t−1} 原样保留了：要乘遗忘门，c_t = f ⊙ c_{t−1} + i ⊙ c̃。"))
    if ask == "gates":
        miscon = [tanh_gates, sig_cand, M("no_recurrent_term", wrong(recurrent=False), bi(
            "You left out the recurrent term W_h·h_{t−1} in the gates.", "门的计算漏掉了循环项 W_h·h_{t−1}。"))]
    elif ask == "c":
        miscon = [swapped, no_forget, tanh_gates, sig_cand]
    else:
        miscon = [M("forgot_tanh_c", wrong(out_tanh=False), bi(
            "You forgot the tanh on the cell state: h_t = o ⊙ tanh(c_t), not o ⊙ c_t.",
            "漏掉了记忆单元上的 tanh：h_t = o ⊙ tanh(c_t)，不是 o ⊙ c_t。")), swapped, tanh_gates, sig_cand, no_forget]
    if isinstance(ans, tuple) and isinstance(ans[0], tuple):
        text = "[" + "; ".join(" ".join(f"{v:.4f}" for v in row) for row in ans) + "]"
    elif isinstance(ans, tuple):
        text = "[" + ", ".join(f"{v:.4f}" for v in ans) + "]"
    else:
        text = f"{ans:.4f}"
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("One bias vector per gate (PyTorch splits it into b_ih + b_hh; only the sum matters); "
                                    "gate order i, f, g, o; g is the candidate c̃.",
                                    "每个门一个偏置向量（PyTorch 拆为 b_ih + b_hh，只有和起作用）；门的顺序 i、f、g、o；g 即候选值 c̃。"),),
                    answer_text=text, rtol=RTOL, atol=ATOL, chain=chain, answer_of=GATES if ask == "gates" else (),
                    hint=bi("i, f, o = σ(·), g = tanh(·); c_t = f·c_{t−1} + i·g; h_t = o·tanh(c_t).",
                            "i、f、o = σ(·)，g = tanh(·)；c_t = f·c_{t−1} + i·g；h_t = o·tanh(c_t)。"))


def _t(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


def _o(v):
    v = tuple(v)
    return float(v[0]) if len(v) == 1 else v


def _chain(Wx, Wh, b, x, h, c, ask="h"):
    """Six gradable steps: the gates i, f, g, o (each from the parameters), c_t, h_t."""
    H, D = len(h), len(x)
    ch = Chain({"wx": Wx, "wh": Wh, "b": b, "x": x, "h": h, "c": c})
    P = ("wx", "wh", "b", "x", "h")
    cd = 6 if ask == "h" else 4  # c_t feeds h_t: one more digit shown there (no drift in h_t's line)

    def n6(v, d=6):
        return _n(v, d)

    def p6(v, d=6):
        return f"({_n(v, d)})" if v < 0 else _n(v, d)

    def pre(e, k, recurrent=True):
        return [sum(e["wx"][r][j] * e["x"][j] for j in range(D))
                + (sum(e["wh"][r][j] * e["h"][j] for j in range(H)) if recurrent else 0.0) + e["b"][r]
                for r in range(k * H, (k + 1) * H)]

    names = {"i": ("the input gate i", "输入门 i"), "f": ("the forget gate f", "遗忘门 f"),
             "g": ("the candidate g = c̃", "候选值 g = c̃"), "o": ("the output gate o", "输出门 o")}
    for k, gname in enumerate(GATES):
        act = math.tanh if gname == "g" else _sig
        other = _sig if gname == "g" else math.tanh
        tex = "\\tanh" if gname == "g" else "\\sigma"

        def line(s, k=k, gname=gname, tex=tex):
            out = []
            for u in range(H):
                r = k * H + u
                sub = gname if H == 1 else f"{gname},{u + 1}"
                terms = " + ".join([f"{_p(Wx[r][j])} \\cdot {_p(x[j])}" for j in range(D)]
                                   + [f"{_p(Wh[r][j])} \\cdot {_p(h[j])}" for j in range(H)] + [_p(b[r])])
                z = pre(s, k)[u]
                lhs = gname if H == 1 else f"{gname}_{u + 1}"
                out.append(f"$z_{{{sub}}} = {terms} = {_n(z)}$, ${lhs} = {tex}({_n(z)}) = {n6(_t(s[gname])[u])}$")
            return "; ".join(out)

        if gname == "g":
            wrong_act = StepMistake("sigmoid_candidate", bi("The candidate g = c̃ uses tanh (values in (−1, 1)), not the sigmoid.",
                                                            "候选值 g = c̃ 用 tanh（取值在 (−1, 1)），不用 sigmoid。"),
                                    lambda e, k=k, o=other: _o(o(v) for v in pre(e, k)))
        else:
            wrong_act = StepMistake("tanh_gates", bi("Gates use the sigmoid (values in (0, 1), a fraction to let through), not tanh.",
                                                     "门用 sigmoid（取值在 (0, 1)，表示放行的比例），不用 tanh。"),
                                    lambda e, k=k, o=other: _o(o(v) for v in pre(e, k)))
        ch.step(gname, bi(names[gname][0], names[gname][1]), lambda e, k=k, act=act: _o(act(v) for v in pre(e, k)), uses=P,
                text=lambda s, line=line: bi(line(s), line(s)), digits=6, rtol=RTOL, atol=ATOL,
                rule=bi(("a gate: sigmoid of an affine map" if gname != "g" else "the candidate: tanh of an affine map"),
                        ("门：仿射变换后取 sigmoid" if gname != "g" else "候选值：仿射变换后取 tanh")),
                formula=bi(f"{gname} = {'tanh' if gname == 'g' else 'σ'}(W_x{gname} x_t + W_h{gname} h_{{t−1}} + b_{gname})",
                           f"{gname} = {'tanh' if gname == 'g' else 'σ'}(W_x{gname} x_t + W_h{gname} h_{{t−1}} + b_{gname})"),
                substituted=lambda s, line=line: bi(strip_results(line(s).replace(", $", "; $")), strip_results(line(s).replace(", $", "; $"))),
                mistakes=(wrong_act, StepMistake("no_recurrent_term", bi("You left out the recurrent term W_h·h_{t−1}.", "漏掉了循环项 W_h·h_{t−1}。"),
                                                 lambda e, k=k, act=act: _o(act(v) for v in pre(e, k, recurrent=False)))))

    def cl(s):
        return "; ".join(f"$c_{{t{'' if H == 1 else f',{u + 1}'}}} = {n6(_t(s['f'])[u])} \\cdot {_p(c[u])} + "
                         f"{n6(_t(s['i'])[u])} \\cdot {p6(_t(s['g'])[u])} = {n6(_t(s['c_t'])[u], cd)}$" for u in range(H))

    def cval(e, swap=False, forget=True):
        i, f, g, cp = _t(e["i"]), _t(e["f"]), _t(e["g"]), _t(e["c"])
        if swap:
            return _o(f[u] * g[u] + i[u] * cp[u] for u in range(H))
        return _o((f[u] * cp[u] if forget else cp[u]) + i[u] * g[u] for u in range(H))

    ch.step("c_t", bi("the new cell state c_t", "新的记忆单元 c_t"), cval, uses=("i", "f", "g", "c"),
            text=lambda s: bi(f"Cell state $c_t = f \\odot c_{{t-1}} + i \\odot g$: {cl(s)}.",
                              f"记忆单元 $c_t = f \\odot c_{{t-1}} + i \\odot g$：{cl(s).replace('$; $', '$；$')}。"),
            digits=cd, rtol=RTOL, atol=ATOL, rule=bi("the cell update: forget some of "
                                                     "the old, add some of the new", "记忆更新：遗忘一部分旧的，加入一部分新的"),
            formula=bi("c_t = f ⊙ c_{t−1} + i ⊙ g", "c_t = f ⊙ c_{t−1} + i ⊙ g"),
            substituted=lambda s: bi(strip_results(cl(s)), strip_results(cl(s))),
            mistakes=(StepMistake("swapped_f_i", bi("You swapped the gates: the forget gate scales the OLD cell state, c_t = f ⊙ c_{t−1} + i ⊙ c̃.",
                                                    "你把两个门用反了：遗忘门作用于旧的记忆单元，c_t = f ⊙ c_{t−1} + i ⊙ c̃。"),
                                  lambda e: cval(e, swap=True)),
                      StepMistake("no_forget_gate", bi("You kept c_{t−1} whole: the forget gate multiplies it.", "你把 c_{t−1} 原样保留了：要乘遗忘门。"),
                                  lambda e: cval(e, forget=False))))

    def hl(s):
        return "; ".join(f"$h_{{t{'' if H == 1 else f',{u + 1}'}}} = {n6(_t(s['o'])[u])} \\cdot \\tanh({n6(_t(s['c_t'])[u], cd)}) = "
                         f"{_n(_t(s['h_t'])[u])}$" for u in range(H))

    ch.step("h_t", bi("the new output h_t", "新的输出 h_t"),
            lambda e: _o(o * math.tanh(cc) for o, cc in zip(_t(e["o"]), _t(e["c_t"]))), uses=("o", "c_t"),
            text=lambda s: bi(f"Output $h_t = o \\odot \\tanh(c_t)$: {hl(s)}.",
                              f"输出 $h_t = o \\odot \\tanh(c_t)$：{hl(s).replace('$; $', '$；$')}。"),
            rtol=RTOL, atol=ATOL, rule=bi("the output: the gate times the squashed cell state", "输出：输出门乘压缩后的记忆单元"),
            formula=bi("h_t = o ⊙ tanh(c_t)", "h_t = o ⊙ tanh(c_t)"),
            substituted=lambda s: bi(strip_results(hl(s)), strip_results(hl(s))),
            mistakes=(StepMistake("forgot_tanh_c", bi("You forgot the tanh on the cell state: h_t = o ⊙ tanh(c_t), not o ⊙ c_t.",
                                                      "漏掉了记忆单元上的 tanh：h_t = o ⊙ tanh(c_t)，不是 o ⊙ c_t。"),
                                  lambda e: _o(o * cc for o, cc in zip(_t(e["o"]), _t(e["c_t"])))),))
    return ch.steps


def check(prm: dict):
    """Engine route: an engine LSTMCell with the same weights (bias in bias_ih, zeros in bias_hh)."""
    import numpy as np

    from ..engine import LSTMCell

    Wx, Wh, b, x, h, c, ask = _parse(prm)
    H = len(h)
    cell = LSTMCell(len(x), H)
    cell.weight_ih, cell.weight_hh = Wx, Wh
    cell.bias_ih, cell.bias_hh = b, np.zeros(4 * H)
    hn, cn = cell.forward(np.array(x), (np.array(h), np.array(c)))
    gates = cell.last_gates
    if ask == "gates":
        rows = [[float(v) for v in np.atleast_1d(gates[k])] for k in GATES]
        return tuple(r[0] for r in rows) if H == 1 else tuple(tuple(r) for r in rows)
    v = [float(a) for a in np.atleast_1d(hn if ask == "h" else cn)]
    return v[0] if H == 1 else tuple(v)
