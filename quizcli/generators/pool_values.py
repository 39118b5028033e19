"""Values of max or average pooling on a small matrix (window k, stride s, padding p).

Formula route: Y[i, j] = max (or mean) of the window X̃[i·s : i·s + k, j·s : j·s + k] over the
padded input, written out in pure Python (max pooling pads with −∞: padding is never the
maximum; average pooling counts the zero padding in the mean, PyTorch's count_include_pad).
Engine route: the engine's MaxPool2d / AvgPool2d layers run on the same input.
"""
from __future__ import annotations

import random

from ._shared import output_matrix_step
from .base import Chain, Family, StepMistake, Misconception, Param, ParamError, Solution, bi, fmt_num, pick

FAMILY = Family(
    id="pool_values",
    topic="cnn",
    concepts=("pooling", "stride"),
    title=bi("Values of max / average pooling", "最大 / 平均汇聚的计算"),
    params=(
        Param("x", "matrix", bi("the input X, rows separated by ';' (e.g. 1 3 2 4; 5 6 1 2; 7 2 8 1; 3 4 0 6)",
                                "输入 X，行之间用“;”分隔（如 1 3 2 4; 5 6 1 2; 7 2 8 1; 3 4 0 6）"),
              aliases=("X", "input"), min=-1e6, max=1e6, max_len=12),
        Param("k", "int", bi("pooling window k×k", "汇聚窗口 k×k"), default="2", min=1, max=6),
        Param("s", "int", bi("stride; 0 = same as k (the default of pooling layers)", "步长；0 表示等于 k（汇聚层的默认值）"),
              default="0", min=0, max=6),
        Param("p", "int", bi("padding on each side (at most k/2)", "每侧填充（不超过 k/2）"), default="0", min=0, max=3),
        Param("kind", "str", bi("max or avg", "max 或 avg"), default="max", choices=("max", "avg")),
    ),
)

MAX_CELLS = 36


def _windows(x, k, s, p):
    """The windows of the padded input (None marks padding), row by row."""
    n_h, n_w = len(x), len(x[0])
    oh, ow = (n_h + 2 * p - k) // s + 1, (n_w + 2 * p - k) // s + 1

    def at(i, j):
        i, j = i - p, j - p
        return x[i][j] if 0 <= i < n_h and 0 <= j < n_w else None

    return [[[at(i * s + a, j * s + b) for a in range(k) for b in range(k)] for j in range(ow)] for i in range(oh)]


def _pool(wins, kind, *, pad_counts=True, pad_as_zero=False):
    out = []
    for row in wins:
        r = []
        for w in row:
            if kind == "max":
                vals = [v if v is not None else 0.0 for v in w] if pad_as_zero else [v for v in w if v is not None]
                r.append(max(vals))
            else:
                vals = [v for v in w if v is not None]
                r.append(sum(vals) / (len(w) if pad_counts else len(vals)))
        out.append(tuple(r))
    return tuple(out)


def _mat(m) -> str:
    return "[" + "; ".join(" ".join(fmt_num(v) for v in r) for r in m) + "]"


def generate(rng: random.Random, difficulty: str) -> dict:
    kind = pick(rng, ("max", "max", "avg"))
    if difficulty == "easy":
        n, k, s, p = 4, 2, 0, 0
    elif difficulty == "medium":
        n, k, s, p = pick(rng, ((4, 2, 0, 0), (5, 3, 2, 0), (6, 2, 0, 0), (5, 2, 1, 0), (6, 3, 3, 0)))
    else:
        n, k, s, p = pick(rng, ((5, 3, 2, 1), (4, 3, 1, 1), (5, 2, 2, 1), (6, 3, 2, 0), (4, 2, 2, 1)))
    hi = 9 if kind == "max" else 8
    lo = -3 if difficulty == "hard" else 0
    x = tuple(tuple(float(rng.randint(lo, hi)) for _ in range(n)) for _ in range(n))
    return {"x": x, "k": k, "s": s, "p": p, "kind": kind}


def solve(prm: dict) -> Solution:
    x = tuple(tuple(float(v) for v in r) for r in prm["x"])
    k, kind = int(prm["k"]), prm.get("kind") or "max"
    s, p = int(prm["s"]) or k, int(prm["p"])
    n_h, n_w = len(x), len(x[0])
    if k < 1 or s < 1 or p < 0:
        raise ParamError("window and stride must be ≥ 1, padding ≥ 0", "窗口和步长须 ≥ 1，填充须 ≥ 0")
    if 2 * p > k:
        raise ParamError("pooling padding must be at most half the window", "汇聚层的填充不能超过窗口的一半")
    if k > n_h + 2 * p or k > n_w + 2 * p:
        raise ParamError("the window is larger than the padded input", "窗口比填充后的输入还大")
    wins = _windows(x, k, s, p)
    oh, ow = len(wins), len(wins[0])
    if oh * ow > MAX_CELLS:
        raise ParamError(f"the output has {oh * ow} cells; keep it at most {MAX_CELLS}",
                         f"输出有 {oh * ow} 个元素；请不超过 {MAX_CELLS} 个")
    if oh < 2:
        raise ParamError("the output has a single row: give a larger input", "输出只有一行：请给更大的输入")
    ans = _pool(wins, kind)
    name_en, name_zh = ("max", "最大") if kind == "max" else ("average", "平均")
    pad_en = f", padding {p}" if p else ""
    pad_zh = f"，填充 {p}" if p else ""
    stride_en = f"stride {s}" + (" (the default: equal to the window)" if int(prm["s"]) == 0 else "")
    stride_zh = f"步长 {s}" + ("（默认值：等于窗口大小）" if int(prm["s"]) == 0 else "")
    pad_rule_en = ("" if not p else (" Max pooling pads with −∞ (padding is never the maximum)." if kind == "max" else
                                     " The zero padding counts in the average (PyTorch's count_include_pad)."))
    pad_rule_zh = ("" if not p else ("最大汇聚的填充视为 −∞（填充永远不会是最大值）。" if kind == "max" else
                                     "零填充计入平均值（PyTorch 的 count_include_pad）。"))
    prompt = bi(
        f"Apply {name_en} pooling with a {k}×{k} window, {stride_en}{pad_en} to X = {_mat(x)} ({n_h}×{n_w}).{pad_rule_en} "
        "Give the output matrix row by row, rows separated by ';'.",
        f"对 X = {_mat(x)}（{n_h}×{n_w}）做 {k}×{k} 窗口、{stride_zh}{pad_zh}的{name_zh}汇聚。{pad_rule_zh}"
        "逐行给出输出矩阵，行之间用“;”分隔。",
    )
    steps = [bi(f"Output size: $\\lfloor ({n_h} + 2 \\cdot {p} - {k})/{s} \\rfloor + 1 = {oh}$ rows, "
                f"$\\lfloor ({n_w} + 2 \\cdot {p} - {k})/{s} \\rfloor + 1 = {ow}$ columns; each output is the "
                + ("largest value" if kind == "max" else f"mean of the {k * k} values") + " of its window.",
                f"输出尺寸：$\\lfloor ({n_h} + 2 \\cdot {p} - {k})/{s} \\rfloor + 1 = {oh}$ 行，"
                f"$\\lfloor ({n_w} + 2 \\cdot {p} - {k})/{s} \\rfloor + 1 = {ow}$ 列；每个输出是其窗口中"
                + ("的最大值。" if kind == "max" else f" {k * k} 个数的平均值。"))]
    integer = all(v == int(v) for r in ans for v in r)
    rtol, atol = (0, 0.01) if integer else (1e-3, 1e-3)
    chain = _chain(x, k, s, p, kind, oh, ow, rtol, atol)
    steps += [st.text for st in chain]
    other = "avg" if kind == "max" else "max"
    miscon = [
        Misconception(f"used_{other}", _pool(wins, other), bi(
            f"You took the {'mean' if kind == 'max' else 'maximum'}; this is {name_en} pooling.",
            f"你取了{'平均值' if kind == 'max' else '最大值'}；这是{name_zh}汇聚。")),
        Misconception("transposed", tuple(zip(*ans)), bi(
            "You entered the transpose: row i of the output comes from row i of windows.",
            "你填的是转置：输出的第 i 行来自第 i 行窗口。")),
    ]
    if s != 1 and (n_h + 2 * p - k) // 1 + 1 <= 8:
        miscon.append(Misconception("stride_one", _pool(_windows(x, k, 1, p), kind), bi(
            f"You slid the window by 1; the stride is {s}" + (" (pooling's default stride is the window size)." if int(prm["s"]) == 0 else "."),
            f"你每次只移动 1；步长是 {s}" + ("（汇聚层默认步长等于窗口大小）。" if int(prm["s"]) == 0 else "。"))))
    if p and kind == "avg":
        miscon.append(Misconception("padding_not_counted", _pool(wins, kind, pad_counts=False), bi(
            f"You divided by the real entries only; with count_include_pad the zero padding counts: divide by {k * k}.",
            f"你只除以了真实元素的个数；count_include_pad 下零填充也计入：应除以 {k * k}。")))
    if p and kind == "max" and any(v < 0 for r in x for v in r):
        miscon.append(Misconception("padding_as_zero", _pool(wins, kind, pad_as_zero=True), bi(
            "You let the padding take part as 0; max pooling pads with −∞, so an all-negative window keeps its largest negative value.",
            "你把填充当作 0 参与比较；最大汇聚的填充是 −∞，全为负数的窗口仍取其中最大的负数。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Stride defaults to the window; floor rounding; max pooling pads with −∞, average "
                                    "pooling counts zero padding (PyTorch).",
                                    "步长默认等于窗口大小；向下取整；最大汇聚的填充为 −∞，平均汇聚计入零填充（PyTorch）。"),),
                    rtol=rtol, atol=atol, chain=chain,
                    hint=bi("Cut X into k×k windows moved by the stride; take each window's max (or mean).",
                            "按步长把 X 切成 k×k 的窗口；取每个窗口的最大值（或平均值）。"))


def _win(x, k, s, p, i, j):
    """The window of output (i, j) (from 0) of the padded input; None marks padding."""
    return [(x[r][c] if 0 <= r < len(x) and 0 <= c < len(x[0]) else None)
            for r, c in ((i * s + a - p, j * s + b - p) for a in range(k) for b in range(k))]


def _sub(n: int) -> str:
    """An index as Unicode subscript digits (the step's name is plain text: Y₁₂)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _chain(x, k, s, p, kind, oh, ow, rtol, atol):
    """Each output entry Y_ij from its window, then the output matrix from the entries."""
    ch = Chain({"x": x, "k": k, "s": s, "p": p})
    uses = ("x", "k", "s", "p")
    other = "avg" if kind == "max" else "max"
    name_en, name_zh = ("max", "最大") if kind == "max" else ("average", "平均")

    def one(e, i, j, kind=kind, s=None, **kw):
        return _pool([[_win(e["x"], e["k"], e["s"] if s is None else s, e["p"], i, j)]], kind, **kw)[0][0]

    if kind == "max":
        rule = bi("max pooling: the largest value of the window (padding never wins)", "最大汇聚：窗口中的最大值（填充不参与）")
        formula = bi("$Y[i, j] = \\max$ of the window at rows (i−1)s + 1 … (i−1)s + k, columns (j−1)s + 1 … (j−1)s + k",
                     "$Y[i, j] = \\max$（第 (i−1)s + 1 … (i−1)s + k 行、第 (j−1)s + 1 … (j−1)s + k 列的窗口）")
    else:
        rule = bi(f"average pooling: the mean of the {k * k} values of the window (zero padding counted)",
                  f"平均汇聚：窗口中 {k * k} 个数的平均值（零填充计入）")
        formula = bi(f"Y[i, j] = (sum of the window)/{k * k}, the window at rows (i−1)s + 1 … (i−1)s + k, columns (j−1)s + 1 … (j−1)s + k",
                     f"Y[i, j] = 窗口之和/{k * k}，窗口为第 (i−1)s + 1 … (i−1)s + k 行、第 (j−1)s + 1 … (j−1)s + k 列")
    ids = []
    for i in range(oh):
        for j in range(ow):
            sid = f"y{i + 1}_{j + 1}"
            ids.append(sid)
            w = _win(x, k, s, p, i, j)
            if kind == "max":
                body = f"\\max({', '.join(fmt_num(v) for v in w if v is not None)})"
            else:
                body = f"({' + '.join('0' if v is None else fmt_num(v) for v in w)})/{k * k}"
            lab = f"Y_{{{i + 1}{j + 1}}}"
            mis = [StepMistake(f"used_{other}", bi(f"You took the {'mean' if kind == 'max' else 'maximum'}; this is {name_en} pooling.",
                                                   f"你取了{'平均值' if kind == 'max' else '最大值'}；这是{name_zh}汇聚。"),
                               lambda e, i=i, j=j: one(e, i, j, kind=other))]
            if s != 1:
                mis.append(StepMistake("stride_one", bi(f"You slid the window by 1; the stride is {s}.", f"你每次只移动 1；步长是 {s}。"),
                                       lambda e, i=i, j=j: one(e, i, j, s=1)))
            if p and kind == "avg":
                mis.append(StepMistake("padding_not_counted", bi(
                    f"You divided by the real entries only; with count_include_pad the zero padding counts: divide by {k * k}.",
                    f"你只除以了真实元素的个数；count_include_pad 下零填充也计入：应除以 {k * k}。"),
                    lambda e, i=i, j=j: one(e, i, j, pad_counts=False)))
            if p and kind == "max":
                mis.append(StepMistake("padding_as_zero", bi(
                    "You let the padding take part as 0; max pooling pads with −∞, so an all-negative window keeps its largest negative value.",
                    "你把填充当作 0 参与比较；最大汇聚的填充是 −∞，全为负数的窗口仍取其中最大的负数。"),
                    lambda e, i=i, j=j: one(e, i, j, pad_as_zero=True)))
            ch.step(sid, bi(f"the output entry Y{_sub(i + 1)}{_sub(j + 1)}", f"输出元素 Y{_sub(i + 1)}{_sub(j + 1)}"), lambda e, i=i, j=j: one(e, i, j),
                    uses=uses, rtol=rtol, atol=atol,
                    text=lambda sh, lab=lab, body=body, sid=sid: bi(f"${lab} = {body} = {fmt_num(sh[sid])}$", f"${lab} = {body} = {fmt_num(sh[sid])}$"),
                    rule=rule, formula=formula, substituted=lambda sh, lab=lab, body=body: bi(f"${lab} = {body}$", f"${lab} = {body}$"),
                    mistakes=tuple(mis))

    output_matrix_step(ch, oh, ow, ids, rtol=rtol, atol=atol, fmt=_mat,
                       transposed=bi("You entered the transpose: row i of the output comes from row i of windows.",
                                                   "你填的是转置：输出的第 i 行来自第 i 行窗口。"))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's MaxPool2d / AvgPool2d on a 1×1×H×W input."""
    import numpy as np

    from ..engine import AvgPool2d, MaxPool2d

    k = int(prm["k"])
    cls = AvgPool2d if (prm.get("kind") or "max") == "avg" else MaxPool2d
    layer = cls(k, stride=int(prm["s"]) or k, padding=int(prm["p"]))
    y = layer.forward(np.asarray(prm["x"], dtype=float)[None, None])[0, 0]
    return tuple(tuple(float(v) for v in r) for r in y)
