"""Helpers several families share (a module starting with `_` is not a family).

Number and matrix formatting for worked steps, the parsing of weight matrices, and the
checks of a multi-class (logits or probabilities) input."""
from __future__ import annotations

import math
import random
from fractions import Fraction

from .base import ParamError, StepMistake, bi, fmt_num


def num(v, d: int = 4) -> str:
    """A number as the steps print it (4 decimals, trailing zeros dropped)."""
    return fmt_num(float(v), d)


def paren(v) -> str:
    """A number ready to be substituted after an operator: negatives in parentheses."""
    s = num(v)
    return f"({s})" if v < 0 else s


def vec(v) -> str:
    return "(" + ", ".join(num(a) for a in v) + ")"


def matrix(m) -> str:
    return "[" + "; ".join(" ".join(num(a) for a in row) for row in m) + "]"


def block(m) -> str:
    """A weight block as a student reads it: a number, a row vector or a matrix."""
    if len(m) == 1 and len(m[0]) == 1:
        return num(m[0][0])
    if len(m) == 1:
        return vec(m[0])
    return matrix(m)


def as_matrix(m, rows: int, cols: int, name: str):
    """`m` as a rows×cols tuple of float rows; a flat list is accepted for a vector."""
    m = tuple(tuple(float(v) for v in r) for r in m)
    if len(m) == rows and all(len(r) == cols for r in m):
        return m
    flat = [v for r in m for v in r]
    if (rows == 1 or cols == 1) and len(flat) == rows * cols:
        return tuple(tuple(flat[i * cols:(i + 1) * cols]) for i in range(rows))
    raise ParamError(f"{name} must be {rows}×{cols} (rows separated by ';')", f"{name} 须为 {rows}×{cols}（行间用“;”分隔）")


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def frac(v) -> Fraction:
    """An exact value: a float through its shortest decimal (0.1 → 1/10, not 0.1000000000000000055…)."""
    return Fraction(str(v)) if isinstance(v, float) else Fraction(v)


def multiclass_kind(z, yh, t: int) -> str:
    """'logits' or 'probs' for a multi-class input given as z=… or y_hat=… with a target
    counted from 1; ParamError naming what is wrong otherwise."""
    if bool(z) == bool(yh):
        raise ParamError("give the logits z=… or the probabilities y_hat=… (exactly one), and target=",
                         "请给出 logits z=… 或概率 y_hat=…（二选一），以及 target=")
    n = len(z or yh)
    if n < 2:
        raise ParamError("give at least two classes", "至少需要两个类别")
    if not 1 <= t <= n:
        raise ParamError(f"target must be a class between 1 and {n} (counted from 1)",
                         f"target 须为 1 到 {n} 之间的类别（从 1 开始数）")
    if yh:
        if any(not 0 < x <= 1 for x in yh):
            raise ParamError("probabilities must lie in (0, 1]", "概率须在 (0, 1] 内")
        if abs(sum(yh) - 1) > 1e-9:
            raise ParamError(f"the probabilities must sum to 1 (they sum to {fmt_num(sum(yh), 6)})",
                             f"概率之和须为 1（现在为 {fmt_num(sum(yh), 6)}）")
        return "probs"
    return "logits"


def random_probs(rng: random.Random, n: int) -> tuple:
    """n probabilities in hundredths summing exactly to 1, none below 0.05."""
    while True:
        cuts = sorted(rng.sample(range(5, 96), n - 1))
        parts = [b - a for a, b in zip([0] + cuts, cuts + [100])]
        if min(parts) >= 5:
            return tuple(x / 100 for x in parts)


def tenths(rng: random.Random, lo: float, hi: float, zero: bool = False) -> float:
    """A one-decimal number in [lo, hi] (non-zero unless `zero`): hand-computable weights."""
    while True:
        v = rng.randint(round(lo * 10), round(hi * 10)) / 10
        if v != 0 or zero:
            return v


def softmax(z) -> tuple[float, ...]:
    """Probabilities from logits, in the stable form (the maximum subtracted first)."""
    m = max(z)
    e = [math.exp(x - m) for x in z]
    s = sum(e)
    return tuple(x / s for x in e)


def shape_only_rng():
    """An `rng` for engine layers that allocates nothing (parameter counts at real sizes, e.g.
    a 4096×4096 layer, built in microseconds; counting reads `.size`): `uniform(lo, hi, size)` returns a
    read-only zero-strided array of shape `size` (values 0) whose `astype` is a no-op."""
    import numpy as np

    class _Lazy(np.ndarray):
        def astype(self, *a, **k):  # the engine's `_uniform` calls .astype(float64)
            return self

    class _Rng:
        def uniform(self, low=0.0, high=1.0, size=None):
            return np.broadcast_to(np.float64(0.0), size if size is not None else ()).view(_Lazy)

    return _Rng()


# -- counting steps (output sizes, parameter counts): integers, shown without decimals, graded exactly

def at(v, i: int):
    """Entry i of a per-axis value: a pair (h, w), or one number standing for both axes."""
    return v[i] if isinstance(v, (list, tuple)) else v


def per_axis(square: bool, f):
    """f(0) when both axes agree (the answer is one number), else (f(0), f(1))."""
    return f(0) if square else (f(0), f(1))


def bi_lines(f):
    """A step's text function from f(shown, lang) -> str."""
    from .base import bi

    return lambda s: bi(f(s, "en"), f(s, "zh"))


def without_results(text: str) -> str:
    """A worked line without its results (the hint ladder's 'with the numbers' rung), for
    English ('; ') and Chinese ('；') separators alike."""
    from .base import strip_results

    return "；".join(strip_results(part) for part in text.split("；"))


def count_step(ch, id: str, name, fn, *, uses, text, rule, formula, substituted=None, mistakes=()):
    """A counting step on `ch` (a base.Chain): an integer shown without decimals and graded
    exactly (±0.01, as the final answers of the counting families); `substituted` defaults to
    the line without its results."""
    from .base import bi

    if substituted is None:
        def substituted(s):
            t = text(s)
            return bi(without_results(t.en), without_results(t.zh))
    return ch.step(id, name, fn, uses=uses, text=text, digits=0, rtol=0, atol=0.01, rule=rule, formula=formula,
                   substituted=substituted, mistakes=tuple(mistakes))


def output_matrix_step(ch, oh: int, ow: int, ids, *, rtol: float, atol: float, fmt, transposed) -> None:
    """The last step of a sliding-window family (convolution, pooling): the entries Y_ij,
    computed in steps `y{i}_{j}` before it, put in place as the output matrix; entering its
    transpose is the step's mistake (`transposed`: the feedback, both languages)."""
    def grid(e):
        return tuple(tuple(e[f"y{i + 1}_{j + 1}"] for j in range(ow)) for i in range(oh))

    ch.step("y", bi("the output matrix Y", "输出矩阵 Y"), grid, uses=tuple(ids), rtol=rtol, atol=atol,
            text=lambda s: bi(f"Output Y = {fmt(s['y'])}", f"输出 Y = {fmt(s['y'])}"),
            rule=bi("the entries in place: row i of Y from row i of windows", "按位置排好：Y 的第 i 行来自第 i 行窗口"),
            formula=bi(f"Y is {oh}×{ow}", f"Y 为 {oh}×{ow}"),
            substituted=lambda s: bi(f"Y = {fmt(grid(s))}", f"Y = {fmt(grid(s))}"),
            mistakes=(StepMistake("transposed", transposed, lambda e: tuple(zip(*grid(e)))),))
