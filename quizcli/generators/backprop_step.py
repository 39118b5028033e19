"""One forward pass, one backward pass and one SGD step on a tiny sigmoid network.

Formula route: forward (net inputs, sigmoid activations), E = ½Σ_k (t_k − o_k)²,
δ_k = (o_k − t_k)·o_k(1 − o_k), δ_j = h_j(1 − h_j)·Σ_k δ_k w_kj (old weights),
∂E/∂w = δ·(input of the weight), w ← w − η·∂E/∂w (pure Python).
Engine route: engine Dense layers (weight (out, in)) with sigmoid Activation layers holding the
same numbers, `mse(convention="half_sum")`, layer-by-layer backward, `sgd_step`, then read the
loss, the δ's (gradients at the net inputs) or the updated weight.
"""
from __future__ import annotations

import math
import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_sig as _g, pick
from ._shared import tenths

ASKS = ("loss", "delta_out", "delta_hidden", "w2", "w1")

FAMILY = Family(
    id="backprop_step",
    topic="mlp",
    concepts=("backpropagation", "chain_rule", "sigmoid", "mse_loss", "sgd"),
    title=bi("One backpropagation step on a tiny network", "小网络上的一步反向传播"),
    params=(
        Param("x", "floats", bi("input vector x_1, …, x_D", "输入向量 x_1, …, x_D"), aliases=("i", "input"), min=-10, max=10, max_len=6),
        Param("w1", "matrix", bi("hidden-layer weights W(1) as (out, in): row j holds the weights into hidden unit h_j "
                                 "(e.g. Mazur's w1..w4: 0.15,0.20;0.25,0.30)",
                                 "隐藏层权重 W(1)，按 (输出, 输入) 排列：第 j 行是进入隐藏单元 h_j 的权重"
                                 "（如 Mazur 例子的 w1..w4：0.15,0.20;0.25,0.30）"),
              aliases=("W1",), min=-10, max=10, max_len=6),
        Param("b1", "floats", bi("hidden biases: one value shared by all hidden units, or one per unit",
                                 "隐藏层偏置：一个值（所有隐藏单元共用）或每个单元一个"), default="0", min=-10, max=10, max_len=6),
        Param("w2", "matrix", bi("output-layer weights W(2) as (out, in): row k holds the weights into output o_k",
                                 "输出层权重 W(2)，按 (输出, 输入) 排列：第 k 行是进入输出单元 o_k 的权重"),
              aliases=("W2",), min=-10, max=10, max_len=6),
        Param("b2", "floats", bi("output biases: one shared value, or one per output unit",
                                 "输出层偏置：一个共用值，或每个输出单元一个"), default="0", min=-10, max=10, max_len=6),
        Param("t", "floats", bi("targets t_1, …, t_K", "目标值 t_1, …, t_K"), aliases=("target", "y"), min=-10, max=10, max_len=6),
        Param("lr", "float", bi("learning rate η", "学习率 η"), default="0.5", aliases=("eta",), max=100),
        Param("ask", "str", bi("what to give: loss, delta_out (output δ's), delta_hidden (hidden δ's), "
                               "w2 (an updated output weight) or w1 (an updated hidden weight)",
                               "要求的量：loss（损失）、delta_out（输出层 δ）、delta_hidden（隐藏层 δ）、"
                               "w2（更新后的输出层权重）或 w1（更新后的隐藏层权重）"),
              default="w2", choices=ASKS),
        Param("entry", "pair", bi("for ask=w1/w2: which weight, as row,column of W (receiving unit, sending unit), "
                                  "counted from 1", "ask=w1/w2 时：哪一个权重，W 的 行,列（接收单元, 发送单元），从 1 开始数"),
              default="1,1", aliases=("ij",), max=8),
    ),
)

RTOL = 2e-3  # loss and δ's: 4 significant digits


def _sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))




def _p(x: float, sig: int = 6) -> str:
    """A factor or addend: negative numbers in parentheses."""
    s = _g(x, sig)
    return f"({s})" if x < 0 else s


def _vec(v) -> str:
    return "(" + ", ".join(_g(a, 4) for a in v) + ")"


def _mat(m) -> str:
    return "[" + "; ".join(" ".join(_g(a, 4) for a in row) for row in m) + "]"


def _shapes(prm: dict):
    x = tuple(float(v) for v in prm["x"])
    W1 = tuple(tuple(float(v) for v in r) for r in prm["w1"])
    W2 = tuple(tuple(float(v) for v in r) for r in prm["w2"])
    t = tuple(float(v) for v in prm["t"])
    D, H, K = len(x), len(W1), len(W2)
    if D < 1 or any(len(r) != D for r in W1):
        raise ParamError(f"w1 must have {D} columns (one per input) and one row per hidden unit",
                         f"w1 须有 {D} 列（每个输入一列），每个隐藏单元一行")
    if any(len(r) != H for r in W2):
        raise ParamError(f"w2 must have {H} columns (one per hidden unit, as w1 has {H} rows) and one row per output",
                         f"w2 须有 {H} 列（每个隐藏单元一列，w1 有 {H} 行），每个输出单元一行")
    if len(t) != K:
        raise ParamError(f"give {K} targets t (one per output unit = row of w2)",
                         f"须给出 {K} 个目标值 t（每个输出单元、即 w2 的每一行一个）")

    def bias(b, n, name):
        b = tuple(float(v) for v in (b or (0.0,)))
        if len(b) == 1:
            return b * n, True
        if len(b) != n:
            raise ParamError(f"{name}: give one shared bias or {n} biases", f"{name}：给一个共用偏置或 {n} 个偏置")
        return b, False

    b1, shared1 = bias(prm.get("b1"), H, "b1")
    b2, shared2 = bias(prm.get("b2"), K, "b2")
    lr = float(prm["lr"])
    if not lr > 0:
        raise ParamError("the learning rate must be positive", "学习率须为正数")
    ask = prm.get("ask") or "w2"
    if ask not in ASKS:
        raise ParamError(f"ask must be one of {', '.join(ASKS)}", f"ask 须为 {', '.join(ASKS)} 之一")
    r, c = prm.get("entry") or (1, 1)
    if ask in ("w1", "w2"):
        rows, cols = (H, D) if ask == "w1" else (K, H)
        if not (1 <= r <= rows and 1 <= c <= cols):
            raise ParamError(f"entry must be a row 1..{rows} and a column 1..{cols} of {ask}",
                             f"entry 须为 {ask} 的第 1..{rows} 行、第 1..{cols} 列")
    return x, W1, b1, W2, b2, t, lr, ask, (r - 1, c - 1), shared1, shared2


def _run(x, W1, b1, W2, b2, t, lr, *, hidden_act=True, out_act=True, biases=True, out_deriv="sigmoid",
         hid_deriv=True, delta_scale=1.0, w2_for_hidden="old", h_for_grad="act"):
    """Forward, backward and update; the keyword flags give the wrong methods."""
    D, H, K = len(x), len(W1), len(W2)
    neth = [sum(W1[j][i] * x[i] for i in range(D)) + (b1[j] if biases else 0.0) for j in range(H)]
    h = [_sig(v) if hidden_act else v for v in neth]
    neto = [sum(W2[k][j] * h[j] for j in range(H)) + (b2[k] if biases else 0.0) for k in range(K)]
    o = [_sig(v) if out_act else v for v in neto]
    loss = 0.5 * sum((tk - ok) ** 2 for tk, ok in zip(t, o))
    if out_deriv == "sigmoid":
        d_o = [(o[k] - t[k]) * o[k] * (1 - o[k]) for k in range(K)]
    elif out_deriv == "net":
        d_o = [(o[k] - t[k]) * neto[k] * (1 - neto[k]) for k in range(K)]
    else:  # none
        d_o = [o[k] - t[k] for k in range(K)]
    d_o = [delta_scale * v for v in d_o]
    hin = h if h_for_grad == "act" else neth
    gW2 = [[d_o[k] * hin[j] for j in range(H)] for k in range(K)]
    nW2 = [[W2[k][j] - lr * gW2[k][j] for j in range(H)] for k in range(K)]
    Wb = {"old": W2, "new": nW2}.get(w2_for_hidden)
    if w2_for_hidden == "transposed":
        back = [sum(d_o[k] * W2[j][k] for k in range(K)) for j in range(H)]
    else:
        back = [sum(d_o[k] * Wb[k][j] for k in range(K)) for j in range(H)]
    d_h = [back[j] * (h[j] * (1 - h[j]) if hid_deriv else 1.0) for j in range(H)]
    gW1 = [[d_h[j] * x[i] for i in range(D)] for j in range(H)]
    nW1 = [[W1[j][i] - lr * gW1[j][i] for i in range(D)] for j in range(H)]
    return {"neth": neth, "h": h, "neto": neto, "o": o, "loss": loss, "d_o": d_o, "d_h": d_h, "back": back,
            "gW1": gW1, "gW2": gW2, "nW1": nW1, "nW2": nW2}


def _pick_answer(res, ask, rc, K, H):
    r, c = rc
    if ask == "loss":
        return res["loss"]
    if ask == "delta_out":
        return res["d_o"][0] if K == 1 else tuple(res["d_o"])
    if ask == "delta_hidden":
        return res["d_h"][0] if H == 1 else tuple(res["d_h"])
    if ask == "w2":
        return res["nW2"][r][c]
    return res["nW1"][r][c]


def _tol(ask, W_old, new):
    """Updated weights: the change is what is computed, so the tolerance is relative to it."""
    if ask in ("w1", "w2"):
        return 0.0, 5e-3 * abs(new - W_old) + 1e-6
    return RTOL, 1e-6


def _finite(v) -> bool:
    return all(math.isfinite(x) for x in v) if isinstance(v, tuple) else math.isfinite(v)


def generate(rng: random.Random, difficulty: str) -> dict:
    asks = {"easy": ("loss", "delta_out", "w2", "w2"),
            "medium": ("loss", "delta_out", "w2", "w1", "delta_hidden"),
            "hard": ("w1", "w1", "delta_hidden", "w2")}[difficulty]
    ask = pick(rng, asks)
    K = 1 if difficulty == "easy" else pick(rng, (1, 2) if difficulty == "medium" else (2,))
    D, H = 2, 2
    for _ in range(1000):
        x = tuple(tenths(rng, -1, 1) if difficulty == "hard" else tenths(rng, 0.1, 1) for _ in range(D))
        W1 = tuple(tuple(tenths(rng, -0.9, 0.9) for _ in range(D)) for _ in range(H))
        W2 = tuple(tuple(tenths(rng, -0.9, 0.9) for _ in range(H)) for _ in range(K))
        if difficulty == "hard":
            b1, b2 = tuple(tenths(rng, -0.5, 0.5) for _ in range(H)), tuple(tenths(rng, -0.5, 0.5) for _ in range(K))
        else:
            b1, b2 = (tenths(rng, 0.1, 0.5),), (tenths(rng, 0.1, 0.5),)
        t = tuple(pick(rng, (0.0, 0.1, 0.9, 1.0) if difficulty != "easy" else (0.0, 1.0)) for _ in range(K))
        lr = pick(rng, (0.5, 0.5, 0.1, 1.0) if difficulty != "easy" else (0.5, 1.0))
        res = _run(x, W1, b1 * (H if len(b1) == 1 else 1), W2, b2 * (K if len(b2) == 1 else 1), t, lr)
        if any(abs(o - tk) < 0.1 for o, tk in zip(res["o"], t)):
            continue
        terms = [[res["d_o"][k] * W2[k][j] for k in range(K)] for j in range(H)]
        if any(abs(sum(tj)) < 0.3 * sum(abs(v) for v in tj) for tj in terms):
            continue  # heavy cancellation in the hidden sums: rounding would dominate
        if any(abs(v) < 2e-3 for v in res["d_h"]):
            continue
        entry = (rng.randint(1, H if ask == "w1" else K), rng.randint(1, D if ask == "w1" else H))
        return {"x": x, "w1": W1, "b1": b1, "w2": W2, "b2": b2, "t": t, "lr": lr, "ask": ask, "entry": entry}
    raise ParamError("no usable draw", "没有合适的参数")


def solve(prm: dict) -> Solution:
    x, W1, b1, W2, b2, t, lr, ask, rc, shared1, shared2 = _shapes(prm)
    D, H, K = len(x), len(W1), len(W2)
    res = _run(x, W1, b1, W2, b2, t, lr)
    ans = _pick_answer(res, ask, rc, K, H)
    r, c = rc
    old = W2[r][c] if ask == "w2" else W1[r][c] if ask == "w1" else None
    rtol, atol = _tol(ask, old, ans) if old is not None else _tol(ask, 0, 0)

    arch = f"{D}-{H}-{K}"
    b1s = _g(b1[0]) if shared1 else _vec(b1)
    b2s = _g(b2[0]) if shared2 else _vec(b2)
    shared_en = " (one bias shared by the layer's units)" if shared1 or shared2 else ""
    shared_zh = "（同一层的单元共用一个偏置）" if shared1 or shared2 else ""
    wname = f"w^{{({2 if ask == 'w2' else 1})}}_{{{r + 1}{c + 1}}}"
    if ask == "w2":
        what_en = (f"the updated value of ${wname}$, the weight from hidden unit $h_{c + 1}$ to output $o_{r + 1}$ "
                   "(6 decimal places)")
        what_zh = f"更新后的 ${wname}$（隐藏单元 $h_{c + 1}$ 到输出 $o_{r + 1}$ 的权重，保留 6 位小数）"
    elif ask == "w1":
        what_en = (f"the updated value of ${wname}$, the weight from input $x_{c + 1}$ to hidden unit $h_{r + 1}$ "
                   "(6 decimal places: the change is small)")
        what_zh = f"更新后的 ${wname}$（输入 $x_{c + 1}$ 到隐藏单元 $h_{r + 1}$ 的权重，保留 6 位小数：变化量很小）"
    elif ask == "loss":
        what_en, what_zh = "the loss $E$ before the update (4 significant digits)", "更新前的损失 $E$（4 位有效数字）"
    elif ask == "delta_out":
        what_en = ("the output error term $\\delta_1 = \\partial E / \\partial net_{o_1}$ (4 significant digits)" if K == 1 else
                   f"the output error terms $\\delta_k = \\partial E / \\partial net_{{o_k}}$, $k = 1..{K}$ (4 significant digits)")
        what_zh = ("输出层误差项 $\\delta_1 = \\partial E / \\partial net_{o_1}$（4 位有效数字）" if K == 1 else
                   f"输出层误差项 $\\delta_k = \\partial E / \\partial net_{{o_k}}$，$k = 1..{K}$（4 位有效数字）")
    else:
        what_en = (f"the hidden error terms $\\delta_j = \\partial E / \\partial net_{{h_j}}$, $j = 1..{H}$ "
                   "(4 significant digits)")
        what_zh = f"隐藏层误差项 $\\delta_j = \\partial E / \\partial net_{{h_j}}$，$j = 1..{H}$（4 位有效数字）"
    prompt = bi(
        f"A {arch} network has sigmoid hidden and output units. Input $x$ = {_vec(x)}; hidden weights "
        f"$W^{{(1)}}$ = {_mat(W1)} (row $j$ = the weights into $h_j$), hidden bias {b1s}; output weights "
        f"$W^{{(2)}}$ = {_mat(W2)} (row $k$ = the weights into $o_k$), output bias {b2s}{shared_en}. "
        f"Target $t$ = {_vec(t) if K > 1 else _g(t[0])}, loss $E = \\frac{{1}}{{2}}\\sum_k (t_k - o_k)^2$, one SGD step with "
        f"$\\eta = {_g(lr)}$ on this sample. Give {what_en}.",
        f"一个 {arch} 网络，隐藏层和输出层都是 sigmoid 单元。输入 $x$ = {_vec(x)}；隐藏层权重 "
        f"$W^{{(1)}}$ = {_mat(W1)}（第 $j$ 行是进入 $h_j$ 的权重），隐藏层偏置 {b1s}；输出层权重 "
        f"$W^{{(2)}}$ = {_mat(W2)}（第 $k$ 行是进入 $o_k$ 的权重），输出层偏置 {b2s}{shared_zh}。"
        f"目标 $t$ = {_vec(t) if K > 1 else _g(t[0])}，损失 $E = \\frac{{1}}{{2}}\\sum_k (t_k - o_k)^2$，对这个样本做一步 SGD，"
        f"$\\eta = {_g(lr)}$。求{what_zh}。",
    )

    steps = []
    fw_en, fw_zh = [], []
    for j in range(H):
        terms = " + ".join(f"{_p(W1[j][i])} \\cdot {_p(x[i])}" for i in range(D))
        s = (f"$net_{{h_{j + 1}}} = {terms} + {_p(b1[j])} = {_g(res['neth'][j])}$, "
             f"$h_{j + 1} = \\sigma({_g(res['neth'][j])}) = {_g(res['h'][j])}$")
        fw_en.append(s)
        fw_zh.append(s)
    steps.append(bi("Forward, hidden layer ($\\sigma(a) = 1/(1 + e^{-a})$): " + "; ".join(fw_en) + ".",
                    "前向，隐藏层（$\\sigma(a) = 1/(1 + e^{-a})$）：" + "；".join(fw_zh) + "。"))
    fo = []
    for k in range(K):
        terms = " + ".join(f"{_p(W2[k][j])} \\cdot {_g(res['h'][j])}" for j in range(H))
        fo.append(f"$net_{{o_{k + 1}}} = {terms} + {_p(b2[k])} = {_g(res['neto'][k])}$, "
                  f"$o_{k + 1} = \\sigma({_g(res['neto'][k])}) = {_g(res['o'][k])}$")
    steps.append(bi("Forward, output layer: " + "; ".join(fo) + ".", "前向，输出层：" + "；".join(fo) + "。"))
    lt = " + ".join(f"({_g(t[k])} - {_g(res['o'][k])})^2" for k in range(K))
    ls = f"$E = \\frac{{1}}{{2}}[{lt}] = {_g(res['loss'])}$"
    steps.append(bi(f"Loss: {ls}.", f"损失：{ls}。"))
    if ask != "loss":
        do = "; ".join(f"$\\delta_{{o_{k + 1}}} = ({_g(res['o'][k])} - {_g(t[k])}) \\cdot {_g(res['o'][k])} "
                       f"\\cdot (1 - {_g(res['o'][k])}) = {_g(res['d_o'][k])}$" for k in range(K))
        steps.append(bi(
            "Output error terms $\\delta_{o_k} = \\partial E / \\partial net_{o_k} = (o_k - t_k) \\cdot o_k(1 - o_k)$ "
            f"(the ½ cancels the 2 of the square; $o(1 - o)$ is the sigmoid's derivative): {do}.",
            "输出层误差项 $\\delta_{o_k} = \\partial E / \\partial net_{o_k} = (o_k - t_k) \\cdot o_k(1 - o_k)$"
            f"（½ 与平方求导的 2 抵消；$o(1 - o)$ 是 sigmoid 的导数）：{do.replace('$; $', '$；$')}。"))
    if ask == "w2":
        g = res["gW2"][r][c]
        steps.append(bi(
            f"Gradient: $\\partial E / \\partial {wname} = \\delta_{{o_{r + 1}}} \\cdot h_{c + 1} = "
            f"{_p(res['d_o'][r])} \\cdot {_g(res['h'][c])} = {_g(g)}$.",
            f"梯度：$\\partial E / \\partial {wname} = \\delta_{{o_{r + 1}}} \\cdot h_{c + 1} = "
            f"{_p(res['d_o'][r])} \\cdot {_g(res['h'][c])} = {_g(g)}$。"))
    if ask in ("delta_hidden", "w1"):
        dh = []
        for j in range(H):
            terms = " + ".join(f"{_p(res['d_o'][k])} \\cdot {_p(W2[k][j])}" for k in range(K))
            dh.append(f"$\\delta_{{h_{j + 1}}} = {_g(res['h'][j])} \\cdot (1 - {_g(res['h'][j])}) \\cdot "
                      f"({terms}) = {_g(res['d_h'][j])}$")
        steps.append(bi(
            "Hidden error terms $\\delta_{h_j} = h_j(1 - h_j) \\cdot \\sum_k \\delta_{o_k} w^{(2)}_{kj}$, with the OLD "
            "output weights (all gradients are computed before any weight changes): " + "; ".join(dh) + ".",
            "隐藏层误差项 $\\delta_{h_j} = h_j(1 - h_j) \\cdot \\sum_k \\delta_{o_k} w^{(2)}_{kj}$，用更新前的输出层权重"
            "（先算出全部梯度，再统一更新）：" + "；".join(dh) + "。"))
    if ask == "w1":
        g = res["gW1"][r][c]
        steps.append(bi(
            f"Gradient: $\\partial E / \\partial {wname} = \\delta_{{h_{r + 1}}} \\cdot x_{c + 1} = "
            f"{_p(res['d_h'][r])} \\cdot {_p(x[c])} = {_g(g)}$.",
            f"梯度：$\\partial E / \\partial {wname} = \\delta_{{h_{r + 1}}} \\cdot x_{c + 1} = "
            f"{_p(res['d_h'][r])} \\cdot {_p(x[c])} = {_g(g)}$。"))
    if ask in ("w1", "w2"):
        g = (res["gW2"] if ask == "w2" else res["gW1"])[r][c]
        u = f"${wname} \\leftarrow {wname} - \\eta \\cdot \\partial E / \\partial {wname} = {_g(old)} - {_g(lr)} \\cdot {_p(g)} = {ans:.6f}$"
        steps.append(bi(f"Update: {u}.", f"更新：{u}。"))
    elif ask in ("delta_out", "delta_hidden"):
        v = ans if isinstance(ans, tuple) else (ans,)
        steps.append(bi(f"Answer: {', '.join(_g(a, 5) for a in v)}.", f"答案：{', '.join(_g(a, 5) for a in v)}。"))

    # wrong methods
    def wrong(**kw):
        return _pick_answer(_run(x, W1, b1, W2, b2, t, lr, **kw), ask, rc, K, H)

    def flip():
        if ask in ("w1", "w2"):
            return 2 * old - ans
        return tuple(-a for a in ans) if isinstance(ans, tuple) else -ans

    M = Misconception
    sign = M("sign_flipped", flip(), bi(
        "Sign error: with δ = (o − t)·o(1 − o) the update is w ← w − η·∂E/∂w; you added the gradient "
        "(or used t − o without flipping the update's sign).",
        "符号错了：δ = (o − t)·o(1 − o) 时更新为 w ← w − η·∂E/∂w；你加上了梯度（或用了 t − o 却没有改变更新的符号）。"))
    no_out = M("no_output_derivative", wrong(out_deriv="none"), bi(
        "You forgot the sigmoid's derivative o(1 − o) in the output δ: δ_o = (o − t)·o(1 − o), not o − t.",
        "输出层 δ 漏掉了 sigmoid 的导数 o(1 − o)：δ_o = (o − t)·o(1 − o)，不是 o − t。"))
    no_hid = M("no_hidden_derivative", wrong(hid_deriv=False), bi(
        "You forgot the hidden unit's sigmoid derivative h(1 − h): δ_h = h(1 − h)·Σ_k δ_k w_kj.",
        "隐藏层 δ 漏掉了 sigmoid 的导数 h(1 − h)：δ_h = h(1 − h)·Σ_k δ_k w_kj。"))
    doubled = M("doubled_gradient", wrong(delta_scale=2.0), bi(
        "Your gradient is doubled: with E = ½Σ(t − o)² the ½ cancels the 2 from the square, so ∂E/∂o = o − t.",
        "梯度多了一倍：E = ½Σ(t − o)² 中的 ½ 与平方求导的 2 抵消，∂E/∂o = o − t。"))
    miscon: list[Misconception] = []
    if ask == "loss":
        miscon = [
            M("no_half", 2 * ans, bi("You forgot the ½: E = ½Σ_k (t_k − o_k)².", "漏掉了 ½：E = ½Σ_k (t_k − o_k)²。")),
            M("no_output_sigmoid", wrong(out_act=False), bi(
                "You used the net input as the output: the output unit applies the sigmoid, o = σ(net_o).",
                "你把净输入当成了输出：输出单元还要过 sigmoid，o = σ(net_o)。")),
            M("no_hidden_sigmoid", wrong(hidden_act=False), bi(
                "You fed the hidden net inputs forward: the hidden units output h = σ(net_h).",
                "你把隐藏层的净输入直接传了下去：隐藏单元的输出是 h = σ(net_h)。")),
            M("forgot_bias", wrong(biases=False), bi("You left out the biases in the forward pass.", "前向计算时漏掉了偏置。")),
        ]
    elif ask == "delta_out":
        miscon = [sign, no_out, M("net_in_derivative", wrong(out_deriv="net"), bi(
            "You put the net input into o(1 − o): the sigmoid's derivative is σ(net)(1 − σ(net)) = o(1 − o) with the output o.",
            "你把净输入代进了 o(1 − o)：sigmoid 的导数是 σ(net)(1 − σ(net)) = o(1 − o)，要用输出 o。")), doubled]
    elif ask == "delta_hidden":
        miscon = [no_hid, M("used_updated_weights", wrong(w2_for_hidden="new"), bi(
            "You back-propagated through the already updated output weights: δ_h uses the OLD w_kj "
            "(all gradients first, then all updates).",
            "你用更新后的输出层权重做了反传：δ_h 要用更新前的 w_kj（先算全部梯度，再统一更新）。")),
            no_out, sign]
        if K == H:
            miscon.append(M("wrong_weight_index", wrong(w2_for_hidden="transposed"), bi(
                "You used row j of W(2); δ_h_j collects the weights LEAVING h_j, column j: Σ_k δ_k w_kj.",
                "你用了 W(2) 的第 j 行；δ_h_j 要汇总从 h_j 出发的权重，即第 j 列：Σ_k δ_k w_kj。")))
    elif ask == "w2":
        miscon = [sign, no_out, doubled, M("net_instead_of_activation", wrong(h_for_grad="net"), bi(
            "You multiplied δ by the hidden unit's net input: ∂E/∂w_kj = δ_k·h_j with the activation h_j = σ(net_h_j).",
            "你用 δ 乘了隐藏单元的净输入：∂E/∂w_kj = δ_k·h_j，h_j 是激活值 σ(net_h_j)。"))]
    else:
        miscon = [sign, no_hid, M("used_updated_weights", wrong(w2_for_hidden="new"), bi(
            "You back-propagated through the already updated output weights: δ_h uses the OLD w_kj "
            "(all gradients first, then all updates).",
            "你用更新后的输出层权重做了反传：δ_h 要用更新前的 w_kj（先算全部梯度，再统一更新）。")),
            no_out, doubled]
    if ask in ("w1", "w2") and lr != 1:
        g = (res["gW2"] if ask == "w2" else res["gW1"])[r][c]
        miscon.append(M("forgot_learning_rate", old - g, bi(
            f"You forgot the learning rate: w ← w − η·∂E/∂w with η = {_g(lr)}.",
            f"漏乘了学习率：w ← w − η·∂E/∂w，η = {_g(lr)}。")))
    if ask in ("w1", "w2"):
        answer_text = f"{ans:.6f}"
    elif isinstance(ans, tuple):
        answer_text = "[" + ", ".join(_g(a, 5) for a in ans) + "]"
    else:
        answer_text = _g(ans, 5)
    conventions = (
        bi("E = ½Σ_k (t_k − o_k)² (the ½ makes ∂E/∂o = o − t); weights are stored (out, in): w_kj goes from unit j "
           "to unit k; every gradient is computed with the old weights, then all weights and biases are updated "
           "together (the biases' updates do not change the asked value).",
           "E = ½Σ_k (t_k − o_k)²（有 ½ 时 ∂E/∂o = o − t）；权重按 (输出, 输入) 存放：w_kj 从单元 j 指向单元 k；"
           "先用旧权重算出全部梯度，再同时更新所有权重和偏置（偏置的更新不影响所求的值）。"),
    )
    chain = _chain(x, W1, b1, W2, b2, t, lr, ask, rc, rtol, atol, wname)
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, answer_text=answer_text, rtol=rtol, atol=atol, chain=chain,
                    hint=bi("Forward, then δ_o = (o − t)·o(1 − o), δ_h = h(1 − h)·Σ δ_o w (old w), ∂E/∂w = δ × input, "
                            "w ← w − η·∂E/∂w.",
                            "先前向，再 δ_o = (o − t)·o(1 − o)，δ_h = h(1 − h)·Σ δ_o w（旧权重），∂E/∂w = δ × 输入，"
                            "w ← w − η·∂E/∂w。"))


def _o(v):
    v = tuple(v)
    return float(v[0]) if len(v) == 1 else v


def _t(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


SIG = 6  # the steps show 6 significant digits


def _chain(x, W1, b1, W2, b2, t, lr, ask, rc, rtol, atol, wname):
    """The gradable steps: net_h, h, net_o, o, then what the asked value needs (E; δ_o; δ_h;
    the weight's gradient and its update). Every shown line is computed from the shown values."""
    D, H, K = len(x), len(W1), len(W2)
    r, c = rc
    ch = Chain({"x": x, "w1": W1, "b1": b1, "w2": W2, "b2": b2, "t": t, "lr": lr})
    tol = dict(rtol=RTOL, atol=1e-6, sig=SIG)

    def idx(u, n):
        return f"_{u + 1}"

    def lines(s, key, fmt):
        return "; ".join(fmt(s, u) for u in range(len(_t(s[key]))))

    def tx(f):
        return lambda s: bi(f(s), f(s))

    sig_h = bi("the logistic sigmoid σ(a) = 1/(1 + e^{−a})", "logistic sigmoid：σ(a) = 1/(1 + e^{−a})")
    ch.step("net_h", bi("the hidden net inputs net_h", "隐藏层净输入 net_h"),
            lambda e: _o(sum(e["w1"][j][i] * e["x"][i] for i in range(D)) + e["b1"][j] for j in range(H)),
            uses=("w1", "x", "b1"),
            text=tx(lambda s: lines(s, "net_h", lambda s, j: f"$net_{{h_{j + 1}}} = " + " + ".join(f"{_p(W1[j][i])} \\cdot {_p(x[i])}" for i in range(D))
                                    + f" + {_p(b1[j])} = {_g(_t(s['net_h'])[j])}$")), **tol,
            rule=bi("a neuron's net input: weighted sum plus bias", "神经元的净输入：加权和加偏置"),
            formula=bi("net_h_j = Σ_i w(1)_ji x_i + b(1)_j", "net_h_j = Σ_i w(1)_ji x_i + b(1)_j"),
            substituted=tx(lambda s: "; ".join(f"net_h{j + 1} = " + " + ".join(f"{_p(W1[j][i])}·{_p(x[i])}" for i in range(D))
                                               + f" + {_p(b1[j])}" for j in range(H))),
            mistakes=(StepMistake("forgot_bias", bi("You left out the bias.", "漏掉了偏置。"),
                                  lambda e: _o(sum(e["w1"][j][i] * e["x"][i] for i in range(D)) for j in range(H))),))
    ch.step("h", bi("the hidden activations h", "隐藏层激活 h"),
            lambda e: _o(_sig(v) for v in _t(e["net_h"])), uses=("net_h",),
            text=tx(lambda s: lines(s, "h", lambda s, j: f"$h_{j + 1} = \\sigma({_g(_t(s['net_h'])[j])}) = {_g(_t(s['h'])[j])}$")), **tol,
            rule=sig_h, formula=bi("h_j = 1/(1 + e^{−net_h_j})", "h_j = 1/(1 + e^{−net_h_j})"),
            substituted=tx(lambda s: ", ".join(f"1/(1 + e^{{−({_g(v)})}})" for v in _t(s["net_h"]))),
            mistakes=(StepMistake("no_hidden_sigmoid", bi("You fed the net input forward: the hidden units output h = σ(net_h).",
                                                          "你把净输入直接传了下去：隐藏单元的输出是 h = σ(net_h)。"),
                                  lambda e: e["net_h"]),))
    ch.step("net_o", bi("the output net inputs net_o", "输出层净输入 net_o"),
            lambda e: _o(sum(e["w2"][k][j] * _t(e["h"])[j] for j in range(H)) + e["b2"][k] for k in range(K)),
            uses=("w2", "h", "b2"),
            text=tx(lambda s: lines(s, "net_o", lambda s, k: f"$net_{{o_{k + 1}}} = " + " + ".join(f"{_p(W2[k][j])} \\cdot "
                                                                                                   f"{_g(_t(s['h'])[j])}" for j in range(H))
                                    + f" + {_p(b2[k])} = {_g(_t(s['net_o'])[k])}$")), **tol,
            rule=bi("a neuron's net input: weighted sum plus bias", "神经元的净输入：加权和加偏置"),
            formula=bi("net_o_k = Σ_j w(2)_kj h_j + b(2)_k", "net_o_k = Σ_j w(2)_kj h_j + b(2)_k"),
            substituted=tx(lambda s: "; ".join(f"net_o{k + 1} = " + " + ".join(f"{_p(W2[k][j])}·{_g(_t(s['h'])[j])}" for j in range(H))
                                               + f" + {_p(b2[k])}" for k in range(K))))
    ch.step("o", bi("the outputs o", "输出 o"),
            lambda e: _o(_sig(v) for v in _t(e["net_o"])), uses=("net_o",),
            text=tx(lambda s: lines(s, "o", lambda s, k: f"$o_{k + 1} = \\sigma({_g(_t(s['net_o'])[k])}) = {_g(_t(s['o'])[k])}$")), **tol,
            rule=sig_h, formula=bi("o_k = 1/(1 + e^{−net_o_k})", "o_k = 1/(1 + e^{−net_o_k})"),
            substituted=tx(lambda s: ", ".join(f"1/(1 + e^{{−({_g(v)})}})" for v in _t(s["net_o"]))),
            mistakes=(StepMistake("no_output_sigmoid", bi("You used the net input as the output: o = σ(net_o).",
                                                          "你把净输入当成了输出：o = σ(net_o)。"), lambda e: e["net_o"]),))
    if ask == "loss":
        ch.step("E", bi("the loss E", "损失 E"),
                lambda e: 0.5 * sum((tk - ok) ** 2 for tk, ok in zip(e["t"], _t(e["o"]))), uses=("t", "o"),
                text=tx(lambda s: "$E = \\frac{1}{2}[" + " + ".join(f"({_g(t[k])} - {_g(_t(s['o'])[k])})^2" for k in range(K))
                        + f"] = {_g(s['E'])}$"), **tol,
                rule=bi("the half squared error", "半平方误差"), formula=bi("E = ½Σ_k (t_k − o_k)²", "E = ½Σ_k (t_k − o_k)²"),
                mistakes=(StepMistake("no_half", bi("You forgot the ½: E = ½Σ_k (t_k − o_k)².", "漏掉了 ½：E = ½Σ_k (t_k − o_k)²。"),
                                      lambda e: sum((tk - ok) ** 2 for tk, ok in zip(e["t"], _t(e["o"])))),))
        return ch.steps

    def d_o(e, kind="sigmoid", scale=1.0, sign=1.0):
        o, tt = _t(e["o"]), e["t"]
        if kind == "none":
            return _o(sign * scale * (o[k] - tt[k]) for k in range(K))
        return _o(sign * scale * (o[k] - tt[k]) * o[k] * (1 - o[k]) for k in range(K))

    ch.step("d_o", bi("the output error terms δ_o", "输出层误差项 δ_o"), d_o, uses=("o", "t"),
            text=tx(lambda s: lines(s, "d_o", lambda s, k: f"$\\delta_{{o_{k + 1}}} = ({_g(_t(s['o'])[k])} - {_g(t[k])}) \\cdot {_g(_t(s['o'])[k])} "
                                    f"\\cdot (1 - {_g(_t(s['o'])[k])}) = {_g(_t(s['d_o'])[k])}$")), **tol,
            rule=bi("the chain rule through the loss and the output sigmoid", "链式法则：经过损失与输出层 sigmoid"),
            formula=bi("δ_o_k = ∂E/∂net_o_k = (o_k − t_k)·o_k(1 − o_k)", "δ_o_k = ∂E/∂net_o_k = (o_k − t_k)·o_k(1 − o_k)"),
            substituted=tx(lambda s: "; ".join(f"({_g(_t(s['o'])[k])} − {_g(t[k])})·{_g(_t(s['o'])[k])}·(1 − {_g(_t(s['o'])[k])})" for k in range(K))),
            mistakes=(StepMistake("no_output_derivative", bi("You forgot the sigmoid's derivative o(1 − o): δ_o = (o − t)·o(1 − o), not o − t.",
                                                             "漏掉了 sigmoid 的导数 o(1 − o)：δ_o = (o − t)·o(1 − o)，不是 o − t。"),
                                  lambda e: d_o(e, kind="none")),
                      StepMistake("sign_flipped", bi("Sign error: δ_o = (o − t)·o(1 − o), not (t − o)·o(1 − o).",
                                                     "符号错了：δ_o = (o − t)·o(1 − o)，不是 (t − o)·o(1 − o)。"), lambda e: d_o(e, sign=-1.0)),
                      StepMistake("doubled_gradient", bi("Doubled: with E = ½Σ(t − o)² the ½ cancels the 2 of the square.",
                                                         "多了一倍：E = ½Σ(t − o)² 中的 ½ 与平方求导的 2 抵消。"), lambda e: d_o(e, scale=2.0))))
    if ask == "delta_out":
        return ch.steps
    if ask in ("delta_hidden", "w1"):
        def d_h(e, deriv=True, transposed=False):
            dd, hh, w2 = _t(e["d_o"]), _t(e["h"]), e["w2"]
            back = [sum(dd[k] * (w2[j][k] if transposed else w2[k][j]) for k in range(K)) for j in range(H)]
            return _o(back[j] * (hh[j] * (1 - hh[j]) if deriv else 1.0) for j in range(H))

        def dh_line(s, j):
            terms = " + ".join(f"{_p(_t(s['d_o'])[k])} \\cdot {_p(W2[k][j])}" for k in range(K))
            hj = _g(_t(s["h"])[j])
            return f"$\\delta_{{h_{j + 1}}} = {hj} \\cdot (1 - {hj}) \\cdot ({terms}) = {_g(_t(s['d_h'])[j])}$"

        mis = [StepMistake("no_hidden_derivative", bi("You forgot the hidden unit's sigmoid derivative h(1 − h).",
                                                      "漏掉了隐藏单元 sigmoid 的导数 h(1 − h)。"), lambda e: d_h(e, deriv=False))]
        if K == H:
            mis.append(StepMistake("wrong_weight_index", bi("δ_h_j collects the weights LEAVING h_j, column j of W(2): Σ_k δ_k w_kj.",
                                                            "δ_h_j 汇总从 h_j 出发的权重，即 W(2) 的第 j 列：Σ_k δ_k w_kj。"),
                                   lambda e: d_h(e, transposed=True)))
        ch.step("d_h", bi("the hidden error terms δ_h", "隐藏层误差项 δ_h"), d_h,
                uses=("d_o", "h", "w2"), text=tx(lambda s: lines(s, "d_h", dh_line)), **tol,
                rule=bi("back-propagation: the error flows back through the OLD output weights", "反向传播：误差经更新前的输出层权重传回"),
                formula=bi("δ_h_j = h_j(1 − h_j)·Σ_k δ_o_k w(2)_kj", "δ_h_j = h_j(1 − h_j)·Σ_k δ_o_k w(2)_kj"),
                substituted=tx(lambda s: "; ".join(dh_line(s, j).rsplit(" = ", 1)[0].replace("$", "").split(" = ", 1)[1] for j in range(H))),
                mistakes=tuple(mis))
    if ask == "delta_hidden":
        return ch.steps
    layer = "w2" if ask == "w2" else "w1"
    dkey, ikey = ("d_o", "h") if ask == "w2" else ("d_h", "x")
    dname = f"\\delta_{{o_{r + 1}}}" if ask == "w2" else f"\\delta_{{h_{r + 1}}}"
    iname = f"h_{c + 1}" if ask == "w2" else f"x_{c + 1}"

    def grad(e):
        return _t(e[dkey])[r] * _t(e[ikey])[c]

    def gline(s):
        inp = _g(_t(s["h"])[c]) if ask == "w2" else _p(x[c])
        return f"$\\partial E / \\partial {wname} = {dname} \\cdot {iname} = {_p(_t(s[dkey])[r])} \\cdot {inp} = {_g(s['grad'])}$"

    gm = ()
    if ask == "w2":
        gm = (StepMistake("net_instead_of_activation", bi("∂E/∂w_kj = δ_k·h_j with the activation h_j, not the net input.",
                                                          "∂E/∂w_kj = δ_k·h_j，用激活值 h_j，不是净输入。"),
                          lambda e: _t(e["d_o"])[r] * _t(e["net_h"])[c]),)
    wplain = wname.replace('{', '').replace('}', '').replace('^', '')  # the weight's name as plain text (step names are not typeset)
    ch.step("grad", bi(f"the gradient ∂E/∂{wplain}", f"梯度 ∂E/∂{wplain}"), grad,
            uses=(dkey, ikey) + (("net_h",) if ask == "w2" else ()),
            text=tx(gline), **tol, rule=bi("a weight's gradient: its δ times its input", "权重的梯度：δ 乘该权重的输入"),
            formula=bi("∂E/∂w = δ (of the unit it enters) × the input it carries", "∂E/∂w = （所进入单元的）δ × 它传递的输入"),
            substituted=tx(lambda s: gline(s).rsplit(" = ", 1)[0] + "$"), mistakes=gm)
    old = (W2 if ask == "w2" else W1)[r][c]
    ch.step("w_new", bi(f"the updated weight {wplain}", f"更新后的权重 {wplain}"),
            lambda e: e[layer][r][c] - e["lr"] * e["grad"], uses=(layer, "lr", "grad"),
            text=tx(lambda s: f"${wname} \\leftarrow {_g(old)} - {_g(lr)} \\cdot {_p(s['grad'])} = {_g(s['w_new'], 8)}$"),
            rtol=rtol, atol=atol, sig=8,
            rule=bi("gradient descent: step against the gradient", "梯度下降：沿梯度的反方向走一步"),
            formula=bi("w ← w − η·∂E/∂w", "w ← w − η·∂E/∂w"),
            substituted=tx(lambda s: f"{_g(old)} − {_g(lr)}·{_p(s['grad'])}"),
            mistakes=(StepMistake("sign_flipped", bi("Sign error: w ← w − η·∂E/∂w; you added the gradient.", "符号错了：w ← w − η·∂E/∂w；你加上了梯度。"),
                                  lambda e: e[layer][r][c] + e["lr"] * e["grad"]),
                      StepMistake("forgot_learning_rate", bi(f"You forgot the learning rate η = {_g(lr)}.", f"漏乘了学习率 η = {_g(lr)}。"),
                                  lambda e: e[layer][r][c] - e["grad"] if e["lr"] != 1 else None)))
    return ch.steps


def check(prm: dict):
    """Engine route: Dense + sigmoid layers with the same numbers, half-sum MSE, layer-by-layer
    backward (the δ's are the gradients at the net inputs), sgd_step, read the asked value."""
    import numpy as np

    from ..engine import Activation, Dense, mse, sgd_step

    x, W1, b1, W2, b2, t, lr, ask, (r, c), _, _ = _shapes(prm)
    D, H, K = len(x), len(W1), len(W2)
    hidden, out = Dense(D, H), Dense(H, K)
    hidden.weight, hidden.bias = W1, b1
    out.weight, out.bias = W2, b2
    a1, a2 = Activation("sigmoid"), Activation("sigmoid")
    o = a2.forward(out.forward(a1.forward(hidden.forward(np.array([x])))))
    loss, g = mse(o, np.array([t]), convention="half_sum")
    d_o = a2.backward(g)
    d_h = a1.backward(out.backward(d_o))
    hidden.backward(d_h)
    sgd_step([hidden, out], lr)

    def vec(v):
        v = [float(a) for a in v.ravel()]
        return v[0] if len(v) == 1 else tuple(v)

    if ask == "loss":
        return loss
    if ask == "delta_out":
        return vec(d_o)
    if ask == "delta_hidden":
        return vec(d_h)
    return float((out if ask == "w2" else hidden).weight[r, c])
