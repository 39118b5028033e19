"""Values of a small 2-D cross-correlation (a deep-learning "convolution") with stride and padding.

Formula route: Y[i, j] = Σ_a Σ_b X̃[i·s_h + a, j·s_w + b] · K[a, b] over the zero-padded X̃,
written out in pure Python.
Engine route: the engine's functional conv2d (im2col) on the same input and kernel.
"""
from __future__ import annotations

import random

from ._shared import output_matrix_step
from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

FAMILY = Family(
    id="conv2d_values",
    topic="cnn",
    concepts=("convolution", "cross_correlation", "kernel", "stride", "padding"),
    title=bi("Values of a 2-D convolution (cross-correlation)", "二维卷积（互相关）的计算"),
    params=(
        Param("x", "matrix", bi("the input X, rows separated by ';' (e.g. 0 1 2; 3 4 5; 6 7 8)",
                                "输入 X，行之间用“;”分隔（如 0 1 2; 3 4 5; 6 7 8）"), aliases=("X", "input"), min=-1e6, max=1e6),
        Param("w", "matrix", bi("the kernel K, rows separated by ';' (e.g. 0 1; 2 3)", "卷积核 K，行之间用“;”分隔（如 0 1; 2 3）"),
              aliases=("k", "K", "kernel"), min=-1e6, max=1e6),
        Param("s", "pair", bi("stride (s, or sh,sw)", "步长（s，或 sh,sw）"), default="1", aliases=("stride",), max=8),
        Param("p", "pair", bi("zero padding on each side (p, or ph,pw)", "每侧零填充（p，或 ph,pw）"), default="0",
              aliases=("padding",), max=8),
    ),
)

MAX_CELLS = 36  # a hand-sized output (the worked steps list every cell)


def _pad(x, ph, pw):
    w = len(x[0]) + 2 * pw
    rows = [[0.0] * w for _ in range(ph)]
    rows += [[0.0] * pw + list(r) + [0.0] * pw for r in x]
    rows += [[0.0] * w for _ in range(ph)]
    return rows


def _xcorr(x, k, s, p):
    """Cross-correlation of the list-of-rows x with kernel k; returns (rows, products per cell)."""
    (sh, sw), (ph, pw) = s, p
    xp = _pad(x, ph, pw)
    kh, kw = len(k), len(k[0])
    oh, ow = (len(xp) - kh) // sh + 1, (len(xp[0]) - kw) // sw + 1
    out, terms = [], []
    for i in range(oh):
        row, trow = [], []
        for j in range(ow):
            prods = [(xp[i * sh + a][j * sw + b], k[a][b]) for a in range(kh) for b in range(kw)]
            row.append(sum(u * v for u, v in prods))
            trow.append(prods)
        out.append(tuple(row))
        terms.append(trow)
    return tuple(out), terms


def _mat(m) -> str:
    return "[" + "; ".join(" ".join(fmt_num(v) for v in r) for r in m) + "]"


def _flat(v):
    return [x for r in v for x in r]


def _shape(v):
    return (len(v), len(v[0]))


def _rand_matrix(rng, h, w, lo, hi):
    return tuple(tuple(float(rng.randint(lo, hi)) for _ in range(w)) for _ in range(h))


def _kernel(rng, k):
    while True:
        K = _rand_matrix(rng, k, k, -1, 2)
        rot = tuple(tuple(r[::-1]) for r in K[::-1])
        if K != rot and sum(v != 0 for r in K for v in r) >= 2:
            return K


def generate(rng: random.Random, difficulty: str) -> dict:
    while True:
        if difficulty == "easy":
            n, k, s, p = pick(rng, (3, 3, 4)), 2, (1, 1), (0, 0)
        elif difficulty == "medium":
            n, k = pick(rng, (3, 4, 4, 5)), pick(rng, (2, 2, 3))
            s = pick(rng, ((1, 1), (1, 1), (2, 2)))
            p = pick(rng, ((0, 0), (0, 0), (1, 1)))
        else:
            n, k = pick(rng, (4, 5, 5)), pick(rng, (2, 3, 3))
            s = pick(rng, ((2, 2), (2, 1), (1, 2), (2, 2)))
            p = pick(rng, ((1, 1), (1, 1), (0, 0), (1, 0)))
        oh, ow = (n + 2 * p[0] - k) // s[0] + 1, (n + 2 * p[1] - k) // s[1] + 1
        if oh >= 2 and ow >= 1 and oh * ow <= 9:  # ≥ 2 rows: a one-row matrix would be typed as a vector
            break
    x = _rand_matrix(rng, n, n, 0, 5 if difficulty == "easy" else 4)
    return {"x": x, "w": _kernel(rng, k), "s": s, "p": p}


def solve(prm: dict) -> Solution:
    x = tuple(tuple(float(v) for v in r) for r in prm["x"])
    k = tuple(tuple(float(v) for v in r) for r in prm["w"])
    s, p = tuple(prm["s"]), tuple(prm["p"])
    if min(s) < 1 or min(p) < 0:
        raise ParamError("stride must be ≥ 1 and padding ≥ 0", "步长须 ≥ 1，填充须 ≥ 0")
    (n_h, n_w), (kh, kw) = _shape(x), _shape(k)
    if kh > n_h + 2 * p[0] or kw > n_w + 2 * p[1]:
        raise ParamError("the kernel is larger than the padded input", "卷积核比填充后的输入还大")
    if max(n_h, n_w) > 8 or max(kh, kw) > 5:
        raise ParamError("keep it hand-sized: input at most 8×8, kernel at most 5×5",
                         "请保持手算规模：输入不超过 8×8，卷积核不超过 5×5")
    ans, terms = _xcorr(x, k, s, p)
    oh, ow = _shape(ans)
    if oh * ow > MAX_CELLS:
        raise ParamError(f"the output has {oh * ow} cells; keep it at most {MAX_CELLS}",
                         f"输出有 {oh * ow} 个元素；请不超过 {MAX_CELLS} 个")
    integer = all(v == int(v) for v in _flat(x) + _flat(k))

    def pr(a, b):
        return f"{a}×{b}" if a != b else f"{a}"

    opts_en = f"stride {pr(*s)}, zero padding {pr(*p)}"
    opts_zh = f"步长 {pr(*s)}，零填充 {pr(*p)}"
    prompt = bi(
        f"Input X = {_mat(x)} ({n_h}×{n_w}), kernel K = {_mat(k)} ({kh}×{kw}), {opts_en}. Compute the output of the "
        "convolution layer as deep-learning libraries define it (cross-correlation: the kernel is not flipped; no bias). "
        "Give the output matrix row by row, rows separated by ';'.",
        f"输入 X = {_mat(x)}（{n_h}×{n_w}），卷积核 K = {_mat(k)}（{kh}×{kw}），{opts_zh}。按深度学习框架的定义"
        "（互相关：卷积核不翻转；无偏置）计算卷积层的输出。逐行给出输出矩阵，行之间用“;”分隔。",
    )
    steps = [
        bi(r"Cross-correlation: $Y[i, j] = \sum_{a, b} \tilde{X}[(i-1) s + a, (j-1) s + b] \cdot K[a, b]$ (indices from 1) — slide the kernel "
           r"(unflipped) over the padded input $\tilde{X}$, multiply elementwise and add.",
           r"互相关：$Y[i, j] = \sum_{a, b} \tilde{X}[(i-1) s + a, (j-1) s + b] \cdot K[a, b]$（下标从 1 开始）—— 卷积核（不翻转）在填充后的输入 "
           r"$\tilde{X}$ 上滑动，对应元素相乘再求和。"),
        bi(f"Output size: $\\lfloor ({n_h} + 2 \\cdot {p[0]} - {kh})/{s[0]} \\rfloor + 1 = {oh}$ rows, "
           f"$\\lfloor ({n_w} + 2 \\cdot {p[1]} - {kw})/{s[1]} \\rfloor + 1 = {ow}$ columns.",
           f"输出尺寸：$\\lfloor ({n_h} + 2 \\cdot {p[0]} - {kh})/{s[0]} \\rfloor + 1 = {oh}$ 行，"
           f"$\\lfloor ({n_w} + 2 \\cdot {p[1]} - {kw})/{s[1]} \\rfloor + 1 = {ow}$ 列。"),
    ]
    if p != (0, 0):
        xp = _pad(x, *p)
        steps.append(bi(f"Padded input $\\tilde{{X}}$ = {_mat(xp)}.", f"填充后的输入 $\\tilde{{X}}$ = {_mat(xp)}。"))
    rtol, atol = (0.0, 0.01) if integer else (1e-3, 1e-3)
    chain = _chain(x, k, s, p, rtol, atol)
    steps += [st.text for st in chain]
    flipped = tuple(tuple(r[::-1]) for r in k[::-1])
    miscon = [
        Misconception("flipped_kernel", _xcorr(x, flipped, s, p)[0],
                      bi("You flipped the kernel (true mathematical convolution); a deep-learning convolution layer "
                         "computes the cross-correlation with the kernel as given.",
                         "你把卷积核翻转了（数学上的卷积）；深度学习中的卷积层计算的是互相关，卷积核按原样使用。")),
        Misconception("transposed", tuple(zip(*ans)),
                      bi("You entered the transpose: row i of the output comes from sliding the kernel along row i of the input.",
                         "你填的是转置：输出的第 i 行来自卷积核沿输入第 i 行方向的滑动。")),
    ]
    if p != (0, 0) and kh <= n_h and kw <= n_w:
        miscon.append(Misconception("no_padding", _xcorr(x, k, s, (0, 0))[0],
                                    bi("You forgot the zero padding: add p rows/columns of zeros on every side first.",
                                       "你忘了零填充：先在四周各补 p 行/列的 0。")))
    if s != (1, 1):
        miscon.append(Misconception("ignored_stride", _xcorr(x, k, (1, 1), p)[0],
                                    bi("You ignored the stride: the kernel moves s positions at a time.",
                                       "你忽略了步长：卷积核每次移动 s 个位置。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Deep-learning convolution = cross-correlation (no kernel flip); padding is zeros on each side.",
                                    "深度学习中的卷积即互相关（不翻转卷积核）；填充为四周补 0。"),),
                    rtol=rtol, atol=atol, chain=chain,
                    hint=bi("Place the kernel on the top-left window, multiply elementwise and sum; then move by the stride.",
                            "把卷积核放在左上角的窗口上，对应相乘再求和；再按步长移动。"))


def _p(v) -> str:
    return fmt_num(v) if v >= 0 else "(" + fmt_num(v) + ")"


def _cell(x, k, s, p, i, j):
    """Y[i, j] (from 0) of the cross-correlation, and its products (padded input value, kernel value)."""
    xp = _pad(x, *p)
    prods = [(xp[i * s[0] + a][j * s[1] + b], k[a][b]) for a in range(len(k)) for b in range(len(k[0]))]
    return sum(u * v for u, v in prods), prods


def _cell_or_none(x, k, s, p, i, j):
    """A wrong method's entry at (i, j), None where its output has no such entry."""
    xp = _pad(x, *p)
    if i * s[0] + len(k) > len(xp) or j * s[1] + len(k[0]) > len(xp[0]):
        return None
    return _cell(x, k, s, p, i, j)[0]


def _flip(k):
    return tuple(tuple(r[::-1]) for r in k[::-1])


def _sub(n: int) -> str:
    """An index as Unicode subscript digits (the step's name is plain text: Y₁₂)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _chain(x, k, s, p, rtol, atol):
    """Each output entry Y_ij as the sum of its products, then the output matrix from the entries."""
    ch = Chain({"x": x, "w": k, "s": s, "p": p})
    xp = _pad(x, *p)
    oh, ow = (len(xp) - len(k)) // s[0] + 1, (len(xp[0]) - len(k[0])) // s[1] + 1
    uses = ("x", "w", "s", "p")
    rule = bi("cross-correlation: the kernel (not flipped) times its window, entry by entry, summed",
              "互相关：卷积核（不翻转）与其窗口对应相乘再求和")
    formula = bi("$Y[i, j] = \\sum_{a, b} \\tilde{X}[(i-1) s + a, (j-1) s + b] \\cdot K[a, b]$",
                 "$Y[i, j] = \\sum_{a, b} \\tilde{X}[(i-1) s + a, (j-1) s + b] \\cdot K[a, b]$")
    ids = []
    for i in range(oh):
        for j in range(ow):
            sid = f"y{i + 1}_{j + 1}"
            ids.append(sid)
            prods = " + ".join(f"{fmt_num(u)} \\cdot {_p(v)}" for u, v in _cell(x, k, s, p, i, j)[1])
            lab = f"Y_{{{i + 1}{j + 1}}}"
            mis = [StepMistake("flipped_kernel", bi(
                "You flipped the kernel (true mathematical convolution); a deep-learning convolution layer uses the kernel as given.",
                "你把卷积核翻转了（数学上的卷积）；深度学习中的卷积层按原样使用卷积核。"),
                lambda e, i=i, j=j: _cell(e["x"], _flip(e["w"]), e["s"], e["p"], i, j)[0])]
            if p != (0, 0):
                mis.append(StepMistake("no_padding", bi("You forgot the zero padding: this window starts on the padded input.",
                                                        "你忘了零填充：这个窗口是在填充后的输入上取的。"),
                                       lambda e, i=i, j=j: _cell_or_none(e["x"], e["w"], e["s"], (0, 0), i, j)))
            if s != (1, 1):
                mis.append(StepMistake("ignored_stride", bi("You ignored the stride: the kernel moves s positions at a time.",
                                                            "你忽略了步长：卷积核每次移动 s 个位置。"),
                                       lambda e, i=i, j=j: _cell(e["x"], e["w"], (1, 1), e["p"], i, j)[0]))
            ch.step(sid, bi(f"the output entry Y{_sub(i + 1)}{_sub(j + 1)}", f"输出元素 Y{_sub(i + 1)}{_sub(j + 1)}"),
                    lambda e, i=i, j=j: _cell(e["x"], e["w"], e["s"], e["p"], i, j)[0], uses=uses, rtol=rtol, atol=atol,
                    text=lambda sh, lab=lab, prods=prods, sid=sid: bi(f"${lab} = {prods} = {fmt_num(sh[sid])}$", f"${lab} = {prods} = {fmt_num(sh[sid])}$"),
                    rule=rule, formula=formula, substituted=lambda sh, lab=lab, prods=prods: bi(f"${lab} = {prods}$", f"${lab} = {prods}$"),
                    mistakes=tuple(mis))

    output_matrix_step(ch, oh, ow, ids, rtol=rtol, atol=atol, fmt=_mat,
                       transposed=bi("You entered the transpose: row i of the output comes from sliding the kernel along row i of the input.",
                                                   "你填的是转置：输出的第 i 行来自卷积核沿输入第 i 行方向的滑动。"))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's functional conv2d (im2col) on a 1×1×H×W input."""
    import numpy as np

    from ..engine import conv2d

    x = np.asarray(prm["x"], dtype=float)[None, None]
    w = np.asarray(prm["w"], dtype=float)[None, None]
    y = conv2d(x, w, stride=tuple(prm["s"]), padding=tuple(prm["p"]))[0, 0]
    return tuple(tuple(float(v) for v in r) for r in y)
