"""Elementwise activation functions with their derivatives, and softmax.

Every function takes an array-like and returns a float64 ``numpy.ndarray`` of
the same shape.  Derivatives are taken with respect to the input ``x``,
elementwise.  At kinks the left-hand derivative is used (ReLU'(0) = 0 as in
PyTorch): LeakyReLU'(0) = slope, PReLU'(0) = a, ELU'(0) = alpha,
hard-tanh'(±1) = 0, hard-sigmoid'(±2) = 0, and step'(x) = 0 everywhere (the
Dirac impulse at 0 is ignored).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "identity", "identity_grad", "step", "step_grad", "sigmoid", "sigmoid_grad",
    "tanh", "tanh_grad", "hard_sigmoid", "hard_sigmoid_grad", "hard_tanh",
    "hard_tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad",
    "prelu", "prelu_grad", "elu", "elu_grad", "softplus", "softplus_grad",
    "gelu", "gelu_grad", "erf", "softmax", "log_softmax", "softmax_backward",
    "ACTIVATION_SPECS",
]


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def identity(x):
    return _f(x).copy()


def identity_grad(x):
    return np.ones_like(_f(x))


def step(x):
    """Heaviside step: 1 for x >= 0 else 0 (the perceptron convention)."""
    return (_f(x) >= 0).astype(np.float64)


def step_grad(x):
    return np.zeros_like(_f(x))


def sigmoid(x):
    """Logistic sigma(x) = 1 / (1 + e^-x), computed without overflow."""
    x = _f(x)
    # exp of a non-positive number never overflows; split by sign.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    return np.tanh(_f(x))


def tanh_grad(x):
    return 1.0 - np.tanh(_f(x)) ** 2


def hard_sigmoid(x):
    """nndl "hard-logistic": max(0, min(1, 0.25 x + 0.5)).

    This is the first-order Taylor expansion of sigma at 0 clipped to [0, 1].
    PyTorch's ``hardsigmoid`` uses x/6 + 1/2 instead (different slope).
    """
    return np.clip(0.25 * _f(x) + 0.5, 0.0, 1.0)


def hard_sigmoid_grad(x):
    x = _f(x)
    return np.where((x > -2.0) & (x < 2.0), 0.25, 0.0)


def hard_tanh(x):
    """max(-1, min(1, x))."""
    return np.clip(_f(x), -1.0, 1.0)


def hard_tanh_grad(x):
    x = _f(x)
    return np.where((x > -1.0) & (x < 1.0), 1.0, 0.0)


def relu(x):
    return np.maximum(_f(x), 0.0)


def relu_grad(x):
    # ReLU'(0) = 0 (PyTorch convention).
    return (_f(x) > 0).astype(np.float64)


def leaky_relu(x, slope: float = 0.01):
    x = _f(x)
    return np.where(x > 0, x, slope * x)


def leaky_relu_grad(x, slope: float = 0.01):
    return np.where(_f(x) > 0, 1.0, slope)


def prelu(x, a: float = 0.25):
    """PReLU with a single shared parameter ``a`` (PyTorch's default init 0.25)."""
    x = _f(x)
    return np.where(x > 0, x, a * x)


def prelu_grad(x, a: float = 0.25):
    """Derivative w.r.t. x (the derivative w.r.t. ``a`` is min(x, 0))."""
    return np.where(_f(x) > 0, 1.0, a)


def elu(x, alpha: float = 1.0):
    x = _f(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x, alpha: float = 1.0):
    x = _f(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def softplus(x):
    """log(1 + e^x), stable for large |x|."""
    x = _f(x)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x):
    return sigmoid(x)


# math.erf is correctly rounded to double precision; vectorising it keeps
# GELU exact (an approximation with ~1e-7 error would spoil 1e-6 gradchecks).
_erf_vec = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """Error function, elementwise, via ``math.erf`` (double precision)."""
    x = _f(x)
    return np.asarray(_erf_vec(x), dtype=np.float64).reshape(x.shape)


_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def gelu(x):
    """Exact GELU: x * Phi(x) with Phi(x) = (1 + erf(x / sqrt 2)) / 2."""
    x = _f(x)
    return x * 0.5 * (1.0 + erf(x / _SQRT2))


def gelu_grad(x):
    """Phi(x) + x * phi(x)."""
    x = _f(x)
    return 0.5 * (1.0 + erf(x / _SQRT2)) + x * _INV_SQRT_2PI * np.exp(-0.5 * x * x)


def softmax(x, axis: int = -1, temperature: float = 1.0):
    """softmax(x / T) along ``axis``; returns an array of x's shape summing to 1.

    The max is subtracted first so that exp never overflows.
    """
    z = _f(x) / float(temperature)
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1, temperature: float = 1.0):
    """log(softmax(x / T)) computed stably (log-sum-exp); same shape as x."""
    z = _f(x) / float(temperature)
    z = z - np.max(z, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def softmax_backward(y, grad_out, axis: int = -1, temperature: float = 1.0):
    """Vector-Jacobian product of softmax: given y = softmax(x/T) and dL/dy,
    return dL/dx = y * (g - sum(g * y)) / T, shape of y."""
    y = _f(y)
    g = _f(grad_out)
    return y * (g - np.sum(g * y, axis=axis, keepdims=True)) / float(temperature)


# id -> (human name, fn, grad, default keyword parameters)
ACTIVATION_SPECS = {
    "identity": ("Identity", identity, identity_grad, {}),
    "step": ("Step (Heaviside)", step, step_grad, {}),
    "sigmoid": ("Sigmoid (logistic)", sigmoid, sigmoid_grad, {}),
    "tanh": ("Tanh", tanh, tanh_grad, {}),
    "hard_sigmoid": ("Hard-sigmoid (hard-logistic)", hard_sigmoid, hard_sigmoid_grad, {}),
    "hard_tanh": ("Hard-tanh", hard_tanh, hard_tanh_grad, {}),
    "relu": ("ReLU", relu, relu_grad, {}),
    "leaky_relu": ("Leaky ReLU", leaky_relu, leaky_relu_grad, {"slope": 0.01}),
    "prelu": ("PReLU", prelu, prelu_grad, {"a": 0.25}),
    "elu": ("ELU", elu, elu_grad, {"alpha": 1.0}),
    "softplus": ("Softplus", softplus, softplus_grad, {}),
    "gelu": ("GELU (exact, erf)", gelu, gelu_grad, {}),
}
