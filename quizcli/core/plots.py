"""Small terminal plots of an activation function and its derivative.

Pure Python (math module), so `explain` can draw them without importing NumPy. The
engine has the same functions on arrays; a test checks that the two agree.
"""
from __future__ import annotations

import math
from typing import Callable

Fn = Callable[[float], float]


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _gelu(x: float) -> float:
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


def _gelu_grad(x: float) -> float:
    pdf = math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))) + x * pdf


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


# id -> (f, f', short name). At a kink the derivative follows the engine's convention:
# ReLU'(0) = 0, and the step function's derivative is taken as 0 everywhere.
ACTIVATIONS: dict[str, tuple[Fn, Fn, str]] = {
    "identity": (lambda x: x, lambda x: 1.0, "identity"),
    "step": (lambda x: 1.0 if x >= 0 else 0.0, lambda x: 0.0, "step"),
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), "σ"),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2, "tanh"),
    # nndl's hard-logistic: the first-order Taylor line of σ at 0, clipped to [0, 1]
    "hard_sigmoid": (
        lambda x: min(1.0, max(0.0, 0.25 * x + 0.5)),
        lambda x: 0.25 if -2 < x < 2 else 0.0,
        "hard-logistic",
    ),
    "hard_tanh": (lambda x: min(1.0, max(-1.0, x)), lambda x: 1.0 if -1 < x < 1 else 0.0, "hard-tanh"),
    "relu": (lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0, "ReLU"),
    "leaky_relu": (lambda x: x if x > 0 else 0.01 * x, lambda x: 1.0 if x > 0 else 0.01, "Leaky ReLU (0.01)"),
    "prelu": (lambda x: x if x > 0 else 0.25 * x, lambda x: 1.0 if x > 0 else 0.25, "PReLU (a = 0.25)"),
    "elu": (lambda x: x if x > 0 else math.expm1(x), lambda x: 1.0 if x > 0 else math.exp(x), "ELU (α = 1)"),
    "softplus": (_softplus, _sigmoid, "softplus"),
    "gelu": (_gelu, _gelu_grad, "GELU"),
}
PLOTTABLE = tuple(ACTIVATIONS)

_X_MIN, _X_MAX = -4.0, 4.0


def plot_lines(name: str, width: int = 49, height: int = 11) -> list[tuple[str, list[tuple[int, str]]]]:
    """Rows of a character plot of f (●) and f' (·) on [-4, 4].

    Returns (y-axis label, [(column, mark), ...]) per row, top row first, so the renderer
    can colour marks without parsing text."""
    f, df, _ = ACTIVATIONS[name]
    xs = [_X_MIN + (_X_MAX - _X_MIN) * i / (width - 1) for i in range(width)]
    ys_f = [f(x) for x in xs]
    ys_d = [df(x) for x in xs]
    lo = min(min(ys_f), min(ys_d), 0.0)
    hi = max(max(ys_f), max(ys_d), 1.0)
    if hi - lo < 1e-9:
        hi = lo + 1
    rows: list[dict[int, str]] = [dict() for _ in range(height)]

    def row_of(y: float) -> int:
        return round((hi - y) / (hi - lo) * (height - 1))

    zero_row = row_of(0.0)
    zero_col = round((0 - _X_MIN) / (_X_MAX - _X_MIN) * (width - 1))
    for c in range(width):
        rows[zero_row].setdefault(c, "─")
    for r in range(height):
        rows[r].setdefault(zero_col, "│" if r != zero_row else "┼")
    for c, y in enumerate(ys_d):
        rows[row_of(y)][c] = "·"
    for c, y in enumerate(ys_f):
        rows[row_of(y)][c] = "●"
    out = []
    for r in range(height):
        y = hi - (hi - lo) * r / (height - 1)
        label = f"{y:5.2f}" if r in (0, zero_row, height - 1) else ""
        out.append((label, sorted(rows[r].items())))
    return out
