"""One GRU time step with tiny weights: the new state h_t, or the gate values.

Formula route: r = σ(W_xr x + W_hr h + b_r), z = σ(W_xz x + W_hz h + b_z),
h̃ = tanh(W_xh x + W_hh (r ⊙ h) + b_h) (nndl/d2l: r before the matrix; `reset=after` puts it after,
as PyTorch: tanh(W_xh x + b_h + r ⊙ (W_hh h))), h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ (pure Python).
Engine route: an engine GRUCell (gate order r, z, n) with the weights copied in, the bias in
bias_ih and zeros in bias_hh. With r after the product the cell gives h_t directly; with r before
it, the cell's r and z gates are read and the candidate is an engine RNNCell step run on the
state r ⊙ h_{t−1}. For a hidden size of 1 both conventions coincide.
"""
from __future__ import annotations

import math
import random

from .base import strip_results, Chain, Family, Misconception, StepMistake, Param, ParamError, Solution, bi, pick
from ._shared import tenths, num as _n, paren as _p, vec as _vec, block as _blk, as_matrix as _as_matrix, sigmoid as _sig

ASKS = ("h", "gates")
RESETS = ("before", "after")
UPDATES = ("nndl", "chung")

FAMILY = Family(
    id="gru_step",
    topic="lstm_gru",
    concepts=("gru", "gru_gates"),
    title=bi("One GRU step", "GRU 的一步计算"),
    params=(
        Param("wx", "matrix", bi("input weights, 3H×D: blocks of H rows for r, z and the candidate h̃ (PyTorch's n), "
                                 "in this order; for H = D = 1 a list of 3 numbers",
                                 "输入权重 3H×D：r、z、候选状态 h̃（PyTorch 的 n）各 H 行按此顺序堆叠；H = D = 1 时写 3 个数"),
              aliases=("W_x", "W_ih", "w_ih"), min=-1000, max=1000, max_len=48),
        Param("wh", "matrix", bi("recurrent weights, 3H×H, same order", "循环权重 3H×H，顺序相同"),
              aliases=("W_h", "W_hh", "w_hh"), min=-1000, max=1000, max_len=48),
        Param("b", "floats", bi("one bias vector, 3H numbers in the order r, z, h̃ (0 = none)",
                                "一个偏置向量，按 r、z、h̃ 顺序共 3H 个数（0 表示无）"), default="0", min=-1000, max=1000, max_len=48),
        Param("x", "floats", bi("the input x_t (D numbers)", "输入 x_t（D 个数）"), aliases=("x_t",), min=-1000, max=1000, max_len=16),
        Param("h", "floats", bi("the previous state h_{t−1} (H numbers)", "上一时刻状态 h_{t−1}（H 个数）"),
              aliases=("h_prev",), min=-1000, max=1000, max_len=16),
        Param("ask", "str", bi("what to give: h (the new state h_t) or gates (r, z, h̃; one row each when H > 1)",
                               "要求的量：h（新状态 h_t）或 gates（r, z, h̃；H > 1 时各占一行）"), default="h", choices=ASKS),
        Param("reset", "str", bi("where r acts: before (h̃ = tanh(W_xh x + W_hh(r ⊙ h) + b), nndl/d2l) or after "
                                 "(tanh(W_xh x + b + r ⊙ (W_hh h)), PyTorch); the same when H = 1",
                                 "r 的作用位置：before（h̃ = tanh(W_xh x + W_hh(r ⊙ h) + b)，nndl/d2l）或 after"
                                 "（tanh(W_xh x + b + r ⊙ (W_hh h))，PyTorch）；H = 1 时二者相同"),
              default="before", choices=RESETS),
        Param("update", "str", bi("the update convention: nndl (h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃: nndl, d2l, PyTorch, "
                                  "Cho et al. 2014 eq. 7) or chung (h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃: Chung et al. 2014)",
                                  "更新约定：nndl（h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃：nndl、d2l、PyTorch、Cho 等 2014 式 7）"
                                  "或 chung（h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃：Chung 等 2014）"),
              default="nndl", choices=UPDATES),
    ),
)

RTOL, ATOL = 1e-3, 5e-4
NAMES = ("r", "z", "\\tilde{h}")


def _parse(prm: dict):
    x = tuple(float(v) for v in prm["x"])
    h = tuple(float(v) for v in prm["h"])
    D, H = len(x), len(h)
    if not D or not H:
        raise ParamError("give the input x and the previous state h", "请给出输入 x 和上一时刻状态 h")
    Wx = _as_matrix(prm["wx"], 3 * H, D, "wx")
    Wh = _as_matrix(prm["wh"], 3 * H, H, "wh")
    b = tuple(float(v) for v in (prm.get("b") or (0.0,)))
    if len(b) == 1 and b[0] == 0:
        b = (0.0,) * (3 * H)
    if len(b) != 3 * H:
        raise ParamError(f"b needs 3H = {3 * H} numbers (r, z, h̃)", f"b 须有 3H = {3 * H} 个数（r、z、h̃）")
    ask = prm.get("ask") or "h"
    reset = prm.get("reset") or "before"
    if ask not in ASKS or reset not in RESETS:
        raise ParamError("ask must be h or gates; reset before or after", "ask 须为 h 或 gates；reset 须为 before 或 after")
    if (prm.get("update") or "nndl") not in UPDATES:
        raise ParamError("update must be nndl or chung", "update 须为 nndl 或 chung")
    return Wx, Wh, b, x, h, ask, reset


def _cell(Wx, Wh, b, x, h, reset, *, gate_act="sigmoid", cand_act="tanh", use_r=True, swap_z=False):
    H, D = len(h), len(x)

    def lin_x(row):
        return sum(Wx[row][j] * x[j] for j in range(D)) + b[row]

    def lin_h(row, v):
        return sum(Wh[row][j] * v[j] for j in range(H))

    ga = _sig if gate_act == "sigmoid" else math.tanh
    za = [lin_x(u) + lin_h(u, h) for u in range(H)]
    zz = [lin_x(H + u) + lin_h(H + u, h) for u in range(H)]
    r = [ga(v) for v in za]
    z = [ga(v) for v in zz]
    rr = r if use_r else [1.0] * H
    if reset == "before":
        rh = [rr[k] * h[k] for k in range(H)]
        an = [lin_x(2 * H + u) + lin_h(2 * H + u, rh) for u in range(H)]
    else:
        rh = None
        an = [lin_x(2 * H + u) + rr[u] * lin_h(2 * H + u, h) for u in range(H)]
    ca = math.tanh if cand_act == "tanh" else _sig
    n = [ca(v) for v in an]
    if swap_z:
        hn = [(1 - z[k]) * h[k] + z[k] * n[k] for k in range(H)]
    else:
        hn = [z[k] * h[k] + (1 - z[k]) * n[k] for k in range(H)]
    return {"ar": za, "az": zz, "an": an, "r": r, "z": z, "n": n, "h": hn, "rh": rh}


def _answer(res, ask, H):
    if ask == "gates":
        if H == 1:
            return tuple(float(res[k][0]) for k in ("r", "z", "n"))
        return tuple(tuple(float(v) for v in res[k]) for k in ("r", "z", "n"))
    v = res["h"]
    return float(v[0]) if H == 1 else tuple(float(a) for a in v)


def _update_note(chung: bool):
    if chung:
        return bi("h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃ (Chung et al. 2014; nndl, d2l, PyTorch and Cho et al. 2014's eq. 7 "
                  "write h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃); ",
                  "h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃（Chung 等 2014；nndl、d2l、PyTorch 以及 Cho 等 2014 的式 7 "
                  "写作 h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃）；")
    return bi("h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ (nndl, d2l, PyTorch, and Cho et al. 2014's eq. 7; "
              "Chung et al. 2014 swap z and 1 − z: update=chung); ",
              "h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃（nndl、d2l、PyTorch，以及 Cho 等 2014 的式 7；"
              "Chung 等 2014 把 z 与 1 − z 对调：update=chung）；")


def generate(rng: random.Random, difficulty: str) -> dict:
    H = 2 if difficulty == "hard" else 1
    D = 2 if difficulty == "medium" and rng.random() < 0.4 else 1
    ask = pick(rng, ("h", "h", "gates") if H == 1 else ("h",))
    reset = pick(rng, ("before", "before", "after")) if H > 1 else "before"
    Wx = tuple(tuple(tenths(rng, -1, 1) for _ in range(D)) for _ in range(3 * H))
    Wh = tuple(tuple(tenths(rng, -1, 1) for _ in range(H)) for _ in range(3 * H))
    b = tuple(tenths(rng, -0.5, 0.5, zero=True) for _ in range(3 * H)) if difficulty != "easy" or rng.random() < 0.5 \
        else (0.0,) * (3 * H)
    x = tuple(float(pick(rng, (1, -1, 2))) if difficulty == "easy" else tenths(rng, -1, 1) for _ in range(D))
    h = tuple(tenths(rng, -0.9, 0.9) for _ in range(H))
    return {"wx": Wx, "wh": Wh, "b": b, "x": x, "h": h, "ask": ask, "reset": reset}


def solve(prm: dict) -> Solution:
    Wx, Wh, b, x, h, ask, reset = _parse(prm)
    chung = (prm.get("update") or "nndl") == "chung"
    H, D = len(h), len(x)
    res = _cell(Wx, Wh, b, x, h, reset, swap_z=chung)
    ans = _answer(res, ask, H)
    upd = "h_t = (1 - z) \\odot h_{t-1} + z \\odot \\tilde{h}" if chung else "h_t = z \\odot h_{t-1} + (1 - z) \\odot \\tilde{h}"

    def block(M, k):
        return tuple(M[k * H:(k + 1) * H])

    def one(v):
        return _n(v[0]) if len(v) == 1 else _vec(v)

    subs = ("r", "z", "h")
    lines = [f"${NAMES[k]}$: $W_{{x{subs[k]}}}$ = {_blk(block(Wx, k))}, $W_{{h{subs[k]}}}$ = {_blk(block(Wh, k))}, "
             f"$b_{subs[k]}$ = {one(b[k * H:(k + 1) * H])}" for k in range(3)]
    if reset == "before":
        cand = "\\tilde{h} = \\tanh(W_{xh} x_t + W_{hh}(r \\odot h_{t-1}) + b_h)"
        conv_en = "the reset gate acts on $h_{t-1}$ before the matrix product (nndl/d2l)"
        conv_zh = "重置门在矩阵乘法之前作用于 $h_{t-1}$（nndl/d2l）"
    else:
        cand = "\\tilde{h} = \\tanh(W_{xh} x_t + b_h + r \\odot (W_{hh} h_{t-1}))"
        conv_en = "the reset gate multiplies $W_{hh} h_{t-1}$ after the product (PyTorch)"
        conv_zh = "重置门在乘法之后作用于 $W_{hh} h_{t-1}$（PyTorch）"
    if H == 1:
        conv_en += "; with one hidden unit both placements agree"
        conv_zh += "；只有一个隐藏单元时两种写法相同"
    what = ("the new state $h_t$", "新状态 $h_t$") if ask == "h" else \
        (("the gate values $r, z, \\tilde{h}$, in this order", "各门的值 $r, z, \\tilde{h}$，按此顺序") if H == 1 else
         ("the gate values, one row each for $r, z, \\tilde{h}$", "各门的值，$r, z, \\tilde{h}$ 各占一行"))
    prompt = bi(
        f"A GRU cell (hidden size {H}, input size {D}) computes $r = \\sigma(W_{{xr}} x_t + W_{{hr}} h_{{t-1}} + b_r)$, "
        f"$z = \\sigma(W_{{xz}} x_t + W_{{hz}} h_{{t-1}} + b_z)$, ${cand}$ ({conv_en}) and "
        f"${upd}$. Weights: " + "; ".join(lines) + ". "
        f"Given $x_t$ = {one(x)} and $h_{{t-1}}$ = {one(h)}, give {what[0]}, to 4 decimals.",
        f"GRU 单元（隐藏维度 {H}，输入维度 {D}）计算 $r = \\sigma(W_{{xr}} x_t + W_{{hr}} h_{{t-1}} + b_r)$，"
        f"$z = \\sigma(W_{{xz}} x_t + W_{{hz}} h_{{t-1}} + b_z)$，${cand}$（{conv_zh}），"
        f"${upd}$。权重：" + "；".join(lines) + "。"
        f"已知 $x_t$ = {one(x)}，$h_{{t-1}}$ = {one(h)}，求{what[1]}（保留 4 位小数）。",
    )

    def pre(row, v):
        return " + ".join([f"{_p(Wx[row][j])} \\cdot {_p(x[j])}" for j in range(D)]
                          + [f"{_p(Wh[row][j])} \\cdot {_p(v[j])}" for j in range(H)] + [_p(b[row])])

    def idx(u):
        return "" if H == 1 else f"_{u + 1}"

    chain = _chain(Wx, Wh, b, x, h, reset, chung, pre, idx, one, upd)
    if ask == "gates":  # the answer is r, z and h̃ joined: the first three steps
        chain = chain[:3]
    steps = [bi("Reset and update gates: " + "; ".join(st.text.en for st in chain[:2]) + ".",
                "重置门与更新门：" + "；".join(st.text.zh for st in chain[:2]) + "。")] + [st.text for st in chain[2:]]
    if ask == "gates":
        steps.append(bi("Answer: $r, z, \\tilde{h}$ as computed above.", "答案：上面算出的 $r, z, \\tilde{h}$。"))

    def wrong(**kw):
        return _answer(_cell(Wx, Wh, b, x, h, reset, **{"swap_z": chung, **kw}), ask, H)

    M = Misconception
    sig_cand = M("sigmoid_candidate", wrong(cand_act="sigmoid"), bi(
        "You used the sigmoid for the candidate h̃: it uses tanh; only the gates r and z use σ.",
        "候选状态 h̃ 用了 sigmoid：它用 tanh；只有门 r、z 用 σ。"))
    no_r = M("forgot_reset", wrong(use_r=False), bi(
        "You left out the reset gate: the candidate uses r ⊙ h_{t−1}, not h_{t−1}.",
        "漏掉了重置门：候选状态用 r ⊙ h_{t−1}，不是 h_{t−1}。"))
    if ask == "h":
        miscon = [M("swapped_z", wrong(swap_z=True), bi(
            "You swapped z and 1 − z: here h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ (z keeps the old state).",
            "你把 z 和 1 − z 用反了：这里 h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃（z 保留旧状态）。")) if not chung else
            M("swapped_z", wrong(swap_z=False), bi(
                "You used the other convention: here (Chung et al.) h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃ (z takes the candidate).",
                "你用了另一种约定：这里（Chung 等人）h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃（z 取候选状态）。")), no_r, sig_cand]
        if H > 1:
            other = "after" if reset == "before" else "before"
            miscon.append(M("other_reset_placement", _answer(_cell(Wx, Wh, b, x, h, other), ask, H), bi(
                "You applied r on the other side of the matrix product: follow the stated convention "
                + ("(r ⊙ h first, then W_hh)." if reset == "before" else "(W_hh h first, then r ⊙)."),
                "你把 r 放在了矩阵乘法的另一侧：按题目约定"
                + ("（先 r ⊙ h，再乘 W_hh）。" if reset == "before" else "（先算 W_hh h，再乘 r）。"))))
    else:
        miscon = [M("tanh_gates", wrong(gate_act="tanh"), bi(
            "You used tanh for the gates r, z: gates use the sigmoid (values in (0, 1)).",
            "门 r、z 用了 tanh：门用 sigmoid（取值在 (0, 1)）。")), sig_cand, no_r]
    if isinstance(ans, tuple) and isinstance(ans[0], tuple):
        text = "[" + "; ".join(" ".join(f"{v:.4f}" for v in row) for row in ans) + "]"
    elif isinstance(ans, tuple):
        text = "[" + ", ".join(f"{v:.4f}" for v in ans) + "]"
    else:
        text = f"{ans:.4f}"
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi(
                        _update_note(chung).en + "one bias vector per gate; " + ("r before W_hh." if reset == "before" else "r after W_hh."),
                        _update_note(chung).zh + "每个门一个偏置向量；" + ("r 在 W_hh 之前。" if reset == "before" else "r 在 W_hh 之后。")),),
                    answer_text=text, rtol=RTOL, atol=ATOL, chain=chain, answer_of=("r", "z", "h_cand") if ask == "gates" else (),
                    hint=bi("r, z = σ(·); h̃ = tanh(W_xh x + W_hh(r ⊙ h) + b); h_t = z·h_{t−1} + (1 − z)·h̃.",
                            "r、z = σ(·)；h̃ = tanh(W_xh x + W_hh(r ⊙ h) + b)；h_t = z·h_{t−1} + (1 − z)·h̃。"))


def _t(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


def _o(v):
    v = tuple(v)
    return float(v[0]) if len(v) == 1 else v


def _chain(Wx, Wh, b, x, h, reset, chung, pre, idx, one, upd):
    """Four gradable steps: r, z (from the parameters), the candidate h̃ (from r), h_t (from z and h̃)."""
    H, D = len(h), len(x)
    ch = Chain({"wx": Wx, "wh": Wh, "b": b, "x": x, "h": h})
    P = ("wx", "wh", "b", "x", "h")

    def n6(v):
        return _n(v, 6)

    def p6(v):
        return f"({_n(v, 6)})" if v < 0 else _n(v, 6)

    def lin_x(e, row):
        return sum(e["wx"][row][j] * e["x"][j] for j in range(D)) + e["b"][row]

    def lin_h(e, row, v):
        return sum(e["wh"][row][j] * v[j] for j in range(H))

    def gate(e, k, act=_sig):
        return _o(act(lin_x(e, k * H + u) + lin_h(e, k * H + u, e["h"])) for u in range(H))

    for k, key, nm in ((0, "r", ("the reset gate r", "重置门 r")), (1, "z", ("the update gate z", "更新门 z"))):
        def line(s, k=k, key=key):
            return "; ".join(f"${key}{idx(u)} = \\sigma({pre(k * H + u, h)}) = "
                             f"\\sigma({_n(lin_x(s, k * H + u) + lin_h(s, k * H + u, h))}) = {n6(_t(s[key])[u])}$" for u in range(H))
        ch.step(key, bi(*nm), lambda e, k=k: gate(e, k), uses=P, text=lambda s, line=line: bi(line(s), line(s)),
                digits=6, rtol=RTOL, atol=ATOL, rule=bi("a gate: sigmoid of an affine map", "门：仿射变换后取 sigmoid"),
                formula=bi(f"{key} = σ(W_x{key} x_t + W_h{key} h_{{t−1}} + b_{key})", f"{key} = σ(W_x{key} x_t + W_h{key} h_{{t−1}} + b_{key})"),
                substituted=lambda s, k=k, key=key: bi("; ".join(f"${key}{idx(u)} = \\sigma({pre(k * H + u, h)})$" for u in range(H)),
                                                       "；".join(f"${key}{idx(u)} = \\sigma({pre(k * H + u, h)})$" for u in range(H))),
                mistakes=(StepMistake("tanh_gates", bi("Gates use the sigmoid (values in (0, 1)), not tanh.", "门用 sigmoid（取值在 (0, 1)），不用 tanh。"),
                                      lambda e, k=k: gate(e, k, math.tanh)),))

    def cand(e, act=math.tanh, use_r=True, placement=reset):
        r = _t(e["r"]) if use_r else (1.0,) * H
        out = []
        for u in range(H):
            row = 2 * H + u
            if placement == "before":
                out.append(act(lin_x(e, row) + lin_h(e, row, [r[k] * e["h"][k] for k in range(H)])))
            else:
                out.append(act(lin_x(e, row) + r[u] * lin_h(e, row, e["h"])))
        return _o(out)

    def cline(s):
        r = _t(s["r"])
        rh = tuple(r[k] * h[k] for k in range(H))
        cl = []
        for u in range(H):
            row = 2 * H + u
            if reset == "before":
                inner = pre(row, rh)
                a = lin_x(s, row) + lin_h(s, row, rh)
            else:
                xs = " + ".join([f"{_p(Wx[row][j])} \\cdot {_p(x[j])}" for j in range(D)] + [_p(b[row])])
                hs = " + ".join(f"{_p(Wh[row][j])} \\cdot {_p(h[j])}" for j in range(H))
                inner = f"{xs} + {n6(r[u])} \\cdot ({hs})"
                a = lin_x(s, row) + r[u] * lin_h(s, row, h)
            cl.append(f"$\\tilde{{h}}{idx(u)} = \\tanh({inner}) = \\tanh({_n(a)}) = {n6(_t(s['h_cand'])[u])}$")
        pre_en = (f"with $r \\odot h_{{t-1}}$ = {one(rh)}: " if reset == "before" else "")
        pre_zh = (f"其中 $r \\odot h_{{t-1}}$ = {one(rh)}：" if reset == "before" else "")
        return bi(f"Candidate, {pre_en}" + "; ".join(cl) + ".", f"候选状态，{pre_zh}" + "；".join(cl) + "。")

    ch.step("h_cand", bi("the candidate state h̃", "候选状态 h̃"), lambda e: cand(e), uses=P + ("r",), text=cline,
            digits=6, rtol=RTOL, atol=ATOL, rule=bi("the candidate: tanh of an affine map of x and the reset state",
                                          "候选状态：对 x 与重置后的状态做仿射变换再取 tanh"),
            formula=bi("h̃ = tanh(W_xh x_t + W_hh (r ⊙ h_{t−1}) + b_h)" if reset == "before" else "h̃ = tanh(W_xh x_t + b_h + r ⊙ (W_hh h_{t−1}))",
                       "h̃ = tanh(W_xh x_t + W_hh (r ⊙ h_{t−1}) + b_h)" if reset == "before" else "h̃ = tanh(W_xh x_t + b_h + r ⊙ (W_hh h_{t−1}))"),
            substituted=lambda s: bi(strip_results(strip_results(cline(s).en.rstrip("."))), strip_results(strip_results(cline(s).zh.rstrip("。")))),
            mistakes=(StepMistake("sigmoid_candidate", bi("The candidate h̃ uses tanh; only the gates r and z use σ.",
                                                          "候选状态 h̃ 用 tanh；只有门 r、z 用 σ。"), lambda e: cand(e, act=_sig)),
                      StepMistake("forgot_reset", bi("You left out the reset gate: the candidate uses r ⊙ h_{t−1}, not h_{t−1}.",
                                                     "漏掉了重置门：候选状态用 r ⊙ h_{t−1}，不是 h_{t−1}。"), lambda e: cand(e, use_r=False)))
            + ((StepMistake("other_reset_placement", bi("You applied r on the other side of the matrix product: follow the stated convention "
                                                        + ("(r ⊙ h first, then W_hh)." if reset == "before" else "(W_hh h first, then r ⊙)."),
                                                        "你把 r 放在了矩阵乘法的另一侧：按题目约定"
                                                        + ("（先 r ⊙ h，再乘 W_hh）。" if reset == "before" else "（先算 W_hh h，再乘 r）。")),
                             lambda e: cand(e, placement="after" if reset == "before" else "before")),) if H > 1 else ()))

    def hval(e, swap=False):
        z, n = _t(e["z"]), _t(e["h_cand"])
        c = chung != swap
        return _o(((1 - z[k]) * e["h"][k] + z[k] * n[k]) if c else (z[k] * e["h"][k] + (1 - z[k]) * n[k]) for k in range(H))

    def hline(s):
        z, n, hn = _t(s["z"]), _t(s["h_cand"]), _t(s["h_t"])
        if chung:
            hl = "; ".join(f"$h_{{t{'' if H == 1 else f',{u + 1}'}}} = (1 - {n6(z[u])}) \\cdot {_p(h[u])} + "
                           f"{n6(z[u])} \\cdot {p6(n[u])} = {_n(hn[u])}$" for u in range(H))
            return bi(f"New state ${upd}$ (Chung et al.'s convention): {hl}.",
                      f"新状态 ${upd}$（Chung 等人的约定）：{hl.replace('$; $', '$；$')}。")
        hl = "; ".join(f"$h_{{t{'' if H == 1 else f',{u + 1}'}}} = {n6(z[u])} \\cdot {_p(h[u])} + "
                       f"(1 - {n6(z[u])}) \\cdot {p6(n[u])} = {_n(hn[u])}$" for u in range(H))
        return bi(f"New state $h_t = z \\odot h_{{t-1}} + (1 - z) \\odot \\tilde{{h}}$: {hl}.",
                  f"新状态 $h_t = z \\odot h_{{t-1}} + (1 - z) \\odot \\tilde{{h}}$：{hl.replace('$; $', '$；$')}。")

    f_en = "h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃" if chung else "h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃"
    ch.step("h_t", bi("the new state h_t", "新状态 h_t"), hval, uses=("z", "h_cand", "h"), text=hline,
            rtol=RTOL, atol=ATOL, rule=bi("the update: interpolate between the old state and the candidate",
                                          "更新：在旧状态与候选状态之间插值"),
            formula=bi(f_en, f_en),
            substituted=lambda s: bi(strip_results(hline(s).en.split(": ", 1)[1].rstrip(".")),
                                     strip_results(hline(s).zh.split("：", 1)[1].rstrip("。").replace("$；$", "$; $"))),
            mistakes=(StepMistake("swapped_z", bi("You swapped z and 1 − z: follow the stated update convention.",
                                                  "你把 z 和 1 − z 用反了：按题目给出的更新约定。"), lambda e: hval(e, swap=True)),))
    return ch.steps


def check(prm: dict):
    """Engine route: an engine GRUCell (r after the product, as PyTorch); for r before the product
    its r and z gates plus an engine RNNCell step on r ⊙ h_{t−1} for the candidate."""
    import numpy as np

    from ..engine import GRUCell, RNNCell

    Wx, Wh, b, x, h, ask, reset = _parse(prm)
    H, D = len(h), len(x)
    cell = GRUCell(D, H)
    cell.weight_ih, cell.weight_hh = Wx, Wh
    cell.bias_ih, cell.bias_hh = b, np.zeros(3 * H)
    hv = np.array(h)
    hn = cell.forward(np.array(x), hv)
    g = {k: np.atleast_1d(v) for k, v in cell.last_gates.items()}
    r, z, n = g["r"], g["z"], g["n"]
    if reset == "before":
        cand = RNNCell(D, H)
        cand.weight_ih, cand.weight_hh = Wx[2 * H:], Wh[2 * H:]
        cand.bias_ih, cand.bias_hh = b[2 * H:], np.zeros(H)
        n = np.atleast_1d(cand.forward(np.array(x), r * hv))
        hn = z * hv + (1 - z) * n
    if (prm.get("update") or "nndl") == "chung":
        hn = (1 - z) * hv + z * n  # Chung et al.: z weights the candidate
    if ask == "gates":
        rows = [[float(v) for v in a] for a in (r, z, n)]
        return tuple(row[0] for row in rows) if H == 1 else tuple(tuple(row) for row in rows)
    v = [float(a) for a in np.atleast_1d(hn)]
    return v[0] if H == 1 else tuple(v)
