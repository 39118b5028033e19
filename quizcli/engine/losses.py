"""Loss functions.  Each returns ``(value, grad)``: ``value`` is a Python float,
``grad`` is dL/d(first argument) with the first argument's shape."""

from __future__ import annotations

import numpy as np

from .activations import log_softmax, sigmoid, softmax

__all__ = ["mse", "binary_cross_entropy", "softmax_cross_entropy", "nll_loss", "cross_entropy"]


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _reduce(total: float, n: int, reduction: str) -> tuple[float, float]:
    """Return (value, scale of the per-element gradient)."""
    if reduction == "mean":
        return total / n, 1.0 / n
    if reduction == "sum":
        return total, 1.0
    raise ValueError(f"reduction must be 'mean' or 'sum', not {reduction!r}")


def mse(y, t, convention: str = "half_sum"):
    """Squared error between prediction ``y`` and target ``t`` (same shape).

    convention="half_sum": L = 0.5 * sum((y - t)^2), grad = y - t
        (the course notes' convention, which makes the gradient clean).
    convention="mean":     L = mean((y - t)^2), grad = 2 (y - t) / y.size
        (PyTorch's ``nn.MSELoss()``).
    Returns (float, ndarray of y's shape).
    """
    y, t = _f(y), _f(t)
    d = y - t
    if convention == "half_sum":
        return float(0.5 * np.sum(d * d)), d
    if convention == "mean":
        return float(np.mean(d * d)), 2.0 * d / d.size
    raise ValueError(f"convention must be 'half_sum' or 'mean', not {convention!r}")


def binary_cross_entropy(p, t, from_logits: bool = False, reduction: str = "mean"):
    """L = -reduce(t log p + (1 - t) log(1 - p)).

    ``p`` are probabilities in (0, 1), or logits z with p = sigma(z) when
    ``from_logits`` (then grad = (sigma(z) - t) / n, computed stably).
    ``t`` are targets in [0, 1] of p's shape.  reduction "mean" divides by
    p.size.  Returns (float, grad w.r.t. p (or z), shape of p).
    """
    x, t = _f(p), _f(t)
    if from_logits:
        # log sigma(z) = -softplus(-z), log(1 - sigma(z)) = -softplus(z)
        sp_pos = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
        sp_neg = sp_pos - x
        total = float(np.sum(t * sp_neg + (1 - t) * sp_pos))
        value, scale = _reduce(total, x.size, reduction)
        return value, (sigmoid(x) - t) * scale
    total = float(-np.sum(t * np.log(x) + (1 - t) * np.log1p(-x)))
    value, scale = _reduce(total, x.size, reduction)
    return value, (x - t) / (x * (1 - x)) * scale


def _targets_to_probs(target, shape) -> np.ndarray:
    """Integer class targets (N,) / scalar -> one-hot; float (N, C) kept as is."""
    target = np.asarray(target)
    if target.shape == tuple(shape) and np.issubdtype(target.dtype, np.floating):
        return target.astype(np.float64)
    idx = target.astype(np.int64)
    onehot = np.zeros(shape, dtype=np.float64)
    np.put_along_axis(onehot, idx[..., None], 1.0, axis=-1)
    return onehot


def softmax_cross_entropy(logits, target, reduction: str = "mean"):
    """Cross-entropy of softmax(logits) against class targets (PyTorch's
    ``F.cross_entropy``).

    logits: (N, C) or (C,).  target: integer classes (N,) / scalar (0-based),
    or float class probabilities of logits' shape.
    L = -sum_c y_c log softmax(z)_c, averaged over the batch ("mean") or summed.
    grad = (softmax(z) - y) / N (the "y_hat - y" rule).
    Returns (float, ndarray of logits' shape).
    """
    z = _f(logits)
    y = _targets_to_probs(target, z.shape)
    n = 1 if z.ndim == 1 else int(np.prod(z.shape[:-1]))
    total = float(-np.sum(y * log_softmax(z)))
    value, scale = _reduce(total, n, reduction)
    return value, (softmax(z) - y) * scale


cross_entropy = softmax_cross_entropy


def nll_loss(log_probs, target, reduction: str = "mean"):
    """Negative log-likelihood of log-probabilities (PyTorch's ``F.nll_loss``:
    the input is log p, e.g. ``log_softmax`` output, not p).

    log_probs: (N, C) or (C,); target: integer classes (N,) / scalar.
    L = -mean_i log_probs[i, target_i]; grad = -onehot / N.
    Returns (float, ndarray of log_probs' shape).
    """
    lp = _f(log_probs)
    onehot = _targets_to_probs(np.asarray(target).astype(np.int64), lp.shape)
    n = 1 if lp.ndim == 1 else int(np.prod(lp.shape[:-1]))
    total = float(-np.sum(onehot * lp))
    value, scale = _reduce(total, n, reduction)
    return value, -onehot * scale
