"""Feed-forward layers with forward/backward, PyTorch names and layouts.

Common contract (see docs/engine.md):

* ``forward(x)`` returns the output and caches what ``backward`` needs; only
  the most recent forward call can be back-propagated.
* ``backward(grad_out)`` takes dL/d(output) (output's shape) and returns
  dL/d(input) (input's shape).  It also OVERWRITES ``self.grads`` (no
  accumulation as in PyTorch: one forward, one backward, one step).
* ``params``: dict name -> float64 array, ``grads``: same keys and shapes.
  Parameters are also readable/writable as attributes (``layer.weight``);
  assigning copies into the existing array, so shapes must match.
* ``rng``: a ``numpy.random.Generator`` for the initial weights; default
  ``np.random.default_rng(0)`` so every construction is deterministic.
"""

from __future__ import annotations

import math

import numpy as np

from . import functional as F
from .activations import ACTIVATION_SPECS, softmax, softmax_backward

__all__ = [
    "Layer", "Dense", "Linear", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d",
    "BatchNorm", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Dropout", "Activation",
    "PReLU", "Softmax", "Flatten", "Sequential", "ACTIVATIONS",
]


def _rng(rng) -> np.random.Generator:
    return np.random.default_rng(0) if rng is None else rng


def _uniform(rng, shape, bound) -> np.ndarray:
    return rng.uniform(-bound, bound, size=shape).astype(np.float64)


class Layer:
    """Base class.  Subclasses fill ``self.params`` in ``__init__``."""

    def __init__(self):
        object.__setattr__(self, "params", {})
        object.__setattr__(self, "grads", {})
        object.__setattr__(self, "training", True)

    # -- parameters as attributes ---------------------------------------
    def __getattr__(self, name):
        params = self.__dict__.get("params")
        if params is not None and name in params:
            return params[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name, value):
        params = self.__dict__.get("params")
        if params is not None and name in params:
            value = np.asarray(value, dtype=np.float64)
            if value.shape != params[name].shape:
                raise ValueError(f"{name}: expected shape {params[name].shape}, got {value.shape}")
            params[name][...] = value
        else:
            object.__setattr__(self, name, value)

    # -- API --------------------------------------------------------------
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_out):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def count_params(self) -> int:
        """Number of trainable scalars (sum of parameter sizes)."""
        return int(sum(p.size for p in self.params.values()))

    def zero_grad(self):
        self.grads.clear()
        self.grads.update({k: np.zeros_like(v) for k, v in self.params.items()})

    def train(self, mode: bool = True):
        object.__setattr__(self, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Dense(Layer):
    """Fully connected layer (PyTorch ``nn.Linear``): y = x @ weight.T + bias.

    weight: (out_features, in_features); bias: (out_features,).
    forward: x (..., in_features) -> (..., out_features).
    Init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias, as PyTorch.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, rng=None):
        super().__init__()
        rng = _rng(rng)
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / math.sqrt(in_features)
        self.params["weight"] = _uniform(rng, (out_features, in_features), bound)
        if bias:
            self.params["bias"] = _uniform(rng, (out_features,), bound)

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        self._x = x
        y = x @ self.params["weight"].T
        if "bias" in self.params:
            y = y + self.params["bias"]
        return y

    def backward(self, grad_out):
        g = np.asarray(grad_out, dtype=np.float64)
        x2 = self._x.reshape(-1, self.in_features)
        g2 = g.reshape(-1, self.out_features)
        self.grads["weight"] = g2.T @ x2
        if "bias" in self.params:
            self.grads["bias"] = g2.sum(axis=0)
        return g @ self.params["weight"]

    def extra_repr(self):
        return f"{self.in_features}, {self.out_features}, bias={'bias' in self.params}"


Linear = Dense


class Conv2d(Layer):
    """2-D cross-correlation layer, NCHW (PyTorch ``nn.Conv2d``, groups=1).

    weight: (out_channels, in_channels, kh, kw); bias: (out_channels,).
    kernel_size, stride, padding, dilation: int or (h, w).  Zero padding.
    forward: (N, C, H, W) -> (N, O, Ho, Wo), Ho = floor((H+2p-d(k-1)-1)/s)+1.
    Init: U(-1/sqrt(C*kh*kw), +) for weight and bias.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, bias: bool = True, rng=None):
        super().__init__()
        rng = _rng(rng)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = F.pair(kernel_size)
        self.stride, self.padding, self.dilation = F.pair(stride), F.pair(padding), F.pair(dilation)
        kh, kw = self.kernel_size
        bound = 1.0 / math.sqrt(in_channels * kh * kw)
        self.params["weight"] = _uniform(rng, (out_channels, in_channels, kh, kw), bound)
        if bias:
            self.params["bias"] = _uniform(rng, (out_channels,), bound)

    def forward(self, x):
        self._x = np.asarray(x, dtype=np.float64)
        return F.conv2d(self._x, self.params["weight"], self.params.get("bias"),
                        self.stride, self.padding, self.dilation)

    def backward(self, grad_out):
        gx, gw, gb = F.conv2d_backward(self._x, self.params["weight"], grad_out,
                                       self.stride, self.padding, self.dilation)
        self.grads["weight"] = gw
        if "bias" in self.params:
            self.grads["bias"] = gb
        return gx

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}")


class ConvTranspose2d(Layer):
    """Transposed convolution (PyTorch ``nn.ConvTranspose2d``, groups=1).

    weight: (in_channels, out_channels, kh, kw) (PyTorch's transposed layout);
    bias: (out_channels,).  forward: (N, Cin, H, W) -> (N, Cout, Ho, Wo),
    Ho = (H-1)s - 2p + d(k-1) + output_padding + 1.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, dilation=1, bias: bool = True, rng=None):
        super().__init__()
        rng = _rng(rng)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = F.pair(kernel_size)
        self.stride, self.padding = F.pair(stride), F.pair(padding)
        self.output_padding, self.dilation = F.pair(output_padding), F.pair(dilation)
        if any(op >= max(s, d) for op, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ValueError("output_padding must be smaller than stride or dilation")
        kh, kw = self.kernel_size
        # PyTorch computes fan_in from weight.size(1), i.e. out_channels * kh * kw.
        bound = 1.0 / math.sqrt(out_channels * kh * kw)
        self.params["weight"] = _uniform(rng, (in_channels, out_channels, kh, kw), bound)
        if bias:
            self.params["bias"] = _uniform(rng, (out_channels,), bound)

    def forward(self, x):
        self._x = np.asarray(x, dtype=np.float64)
        return F.conv_transpose2d(self._x, self.params["weight"], self.params.get("bias"),
                                  self.stride, self.padding, self.output_padding, self.dilation)

    def backward(self, grad_out):
        gx, gw, gb = F.conv_transpose2d_backward(self._x, self.params["weight"], grad_out,
                                                 self.stride, self.padding,
                                                 self.output_padding, self.dilation)
        self.grads["weight"] = gw
        if "bias" in self.params:
            self.grads["bias"] = gb
        return gx

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, output_padding={self.output_padding}")


class MaxPool2d(Layer):
    """Max pooling (PyTorch ``nn.MaxPool2d``).  stride defaults to kernel_size.
    forward: (N, C, H, W) -> (N, C, Ho, Wo); no parameters."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False):
        super().__init__()
        self.kernel_size = F.pair(kernel_size)
        self.stride = F.pair(stride) if stride is not None else self.kernel_size
        self.padding, self.ceil_mode = F.pair(padding), bool(ceil_mode)

    def _kw(self):
        return dict(kernel_size=self.kernel_size, stride=self.stride,
                    padding=self.padding, ceil_mode=self.ceil_mode)

    def forward(self, x):
        self._x = np.asarray(x, dtype=np.float64)
        out, self._idx = F.max_pool2d(self._x, return_indices=True, **self._kw())
        return out

    def backward(self, grad_out):
        return F.max_pool2d_backward(self._x, self._idx, grad_out, **self._kw())

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(MaxPool2d):
    """Average pooling (PyTorch ``nn.AvgPool2d``, count_include_pad=True)."""

    def forward(self, x):
        self._x = np.asarray(x, dtype=np.float64)
        return F.avg_pool2d(self._x, **self._kw())

    def backward(self, grad_out):
        return F.avg_pool2d_backward(self._x, grad_out, **self._kw())


class BatchNorm(Layer):
    """Batch normalisation over axis 1 (PyTorch ``BatchNorm1d``/``2d``).

    Accepts (N, C), (N, C, L) or (N, C, H, W); statistics are per channel,
    over every other axis.  Training: normalise with the batch mean and the
    BIASED batch variance, then update
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var  = (1 - momentum) * running_var  + momentum * var * n/(n-1)
    (UNBIASED variance in the running estimate, as PyTorch).  Inference
    (``eval()``): normalise with running_mean / running_var.
    Parameters weight (gamma, init 1) and bias (beta, init 0), shape (C,).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True, rng=None):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        if affine:
            self.params["weight"] = np.ones(num_features)
            self.params["bias"] = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)

    def _shape(self, x):
        if x.ndim < 2 or x.shape[1] != self.num_features:
            raise ValueError(f"expected (N, {self.num_features}, ...), got {x.shape}")
        axes = (0,) + tuple(range(2, x.ndim))
        bshape = (1, -1) + (1,) * (x.ndim - 2)
        return axes, bshape

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        axes, bshape = self._shape(x)
        if self.training:
            n = x.size // x.shape[1]
            if n < 2:
                raise ValueError("BatchNorm in training needs more than one value per channel")
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)  # biased, used for normalising
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = (x - mean.reshape(bshape)) * inv_std.reshape(bshape)
        self._cache = (xhat, inv_std, axes, bshape, self.training)
        if "weight" in self.params:
            return xhat * self.params["weight"].reshape(bshape) + self.params["bias"].reshape(bshape)
        return xhat

    def backward(self, grad_out):
        g = np.asarray(grad_out, dtype=np.float64)
        xhat, inv_std, axes, bshape, training = self._cache
        if "weight" in self.params:
            self.grads["weight"] = np.sum(g * xhat, axis=axes)
            self.grads["bias"] = np.sum(g, axis=axes)
            gxhat = g * self.params["weight"].reshape(bshape)
        else:
            gxhat = g
        if not training:  # running stats are constants
            return gxhat * inv_std.reshape(bshape)
        n = g.size // g.shape[1]
        s1 = np.sum(gxhat, axis=axes, keepdims=True)
        s2 = np.sum(gxhat * xhat, axis=axes, keepdims=True)
        return inv_std.reshape(bshape) / n * (n * gxhat - s1 - xhat * s2)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


BatchNorm1d = BatchNorm
BatchNorm2d = BatchNorm


class LayerNorm(Layer):
    """Layer normalisation over the trailing ``normalized_shape`` axes
    (PyTorch ``nn.LayerNorm``): biased variance, eps inside the sqrt.
    weight (init 1) and bias (init 0) have shape ``normalized_shape``.
    Same statistics in training and inference."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, rng=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape, self.eps = tuple(normalized_shape), eps
        if elementwise_affine:
            self.params["weight"] = np.ones(self.normalized_shape)
            self.params["bias"] = np.zeros(self.normalized_shape)

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        k = len(self.normalized_shape)
        if x.shape[-k:] != self.normalized_shape:
            raise ValueError(f"trailing shape {x.shape[-k:]} != {self.normalized_shape}")
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + self.eps)
        xhat = (x - mean) * inv_std
        self._cache = (xhat, inv_std, axes)
        if "weight" in self.params:
            return xhat * self.params["weight"] + self.params["bias"]
        return xhat

    def backward(self, grad_out):
        g = np.asarray(grad_out, dtype=np.float64)
        xhat, inv_std, axes = self._cache
        lead = tuple(range(g.ndim - len(axes)))
        if "weight" in self.params:
            self.grads["weight"] = np.sum(g * xhat, axis=lead)
            self.grads["bias"] = np.sum(g, axis=lead)
            g = g * self.params["weight"]
        n = int(np.prod(self.normalized_shape))
        s1 = np.sum(g, axis=axes, keepdims=True)
        s2 = np.sum(g * xhat, axis=axes, keepdims=True)
        return inv_std / n * (n * g - s1 - xhat * s2)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}"


class Dropout(Layer):
    """Inverted dropout: in training each element is kept with probability
    1 - p and scaled by 1/(1 - p), so inference is the identity.

    The mask comes from ``rng`` (seeded; default default_rng(0)).  Set
    ``resample = False`` to reuse the last mask (used by gradcheck, whose many
    forward calls must see the same function).  ``last_mask`` holds the 0/1 mask.
    """

    def __init__(self, p: float = 0.5, rng=None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError("p must be in [0, 1]")
        self.p, self.rng, self.resample = float(p), _rng(rng), True
        self.last_mask = None

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        if not self.training or self.p == 0.0:
            self._scale = None
            return x.copy()
        if self.resample or self.last_mask is None or self.last_mask.shape != x.shape:
            self.last_mask = (self.rng.random(x.shape) >= self.p).astype(np.float64)
        self._scale = self.last_mask / (1.0 - self.p) if self.p < 1.0 else np.zeros_like(x)
        return x * self._scale

    def backward(self, grad_out):
        g = np.asarray(grad_out, dtype=np.float64)
        return g.copy() if self._scale is None else g * self._scale

    def extra_repr(self):
        return f"p={self.p}"


class Activation(Layer):
    """An elementwise activation, usable both as a function holder and as a
    layer.  ``Activation("leaky_relu", slope=0.2)``.

    Attributes: ``id`` (registry key), ``name`` (human name), ``kwargs``.
    ``fn(x)`` -> activation values, ``grad(x)`` -> elementwise derivative
    d fn / dx, both of x's shape.  As a layer: forward(x) = fn(x),
    backward(g) = g * grad(x_cached).
    """

    def __init__(self, id: str, **kwargs):
        super().__init__()
        key = id.lower().replace("-", "_")
        if key not in ACTIVATION_SPECS:
            raise KeyError(f"unknown activation {id!r}; known: {sorted(ACTIVATION_SPECS)}")
        name, fn, grad, defaults = ACTIVATION_SPECS[key]
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{key} takes parameters {sorted(defaults)}, got {sorted(unknown)}")
        self.id, self.name = key, name
        self.kwargs = {**defaults, **kwargs}
        self._fn, self._grad = fn, grad

    def fn(self, x):
        return self._fn(x, **self.kwargs)

    def grad(self, x):
        return self._grad(x, **self.kwargs)

    def forward(self, x):
        self._x = np.asarray(x, dtype=np.float64)
        return self.fn(self._x)

    def backward(self, grad_out):
        return np.asarray(grad_out, dtype=np.float64) * self.grad(self._x)

    def extra_repr(self):
        extra = "".join(f", {k}={v}" for k, v in self.kwargs.items())
        return f"{self.id!r}{extra}"


#: Registry of the elementwise activations with default parameters, keyed by id.
ACTIVATIONS: dict[str, Activation] = {k: Activation(k) for k in ACTIVATION_SPECS}


class PReLU(Layer):
    """PReLU with a learnable slope (PyTorch ``nn.PReLU``): weight shape
    (num_parameters,), init 0.25; with num_parameters = C it is per channel
    (axis 1).  forward keeps the input shape."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, rng=None):
        super().__init__()
        self.params["weight"] = np.full(num_parameters, float(init))

    def _a(self, x):
        w = self.params["weight"]
        if w.size == 1 or x.ndim < 2:
            return w.reshape(()) if w.size == 1 else w
        return w.reshape((1, -1) + (1,) * (x.ndim - 2))

    def forward(self, x):
        self._x = x = np.asarray(x, dtype=np.float64)
        return np.where(x > 0, x, self._a(x) * x)

    def backward(self, grad_out):
        g, x = np.asarray(grad_out, dtype=np.float64), self._x
        dw = g * np.minimum(x, 0.0)
        w = self.params["weight"]
        if w.size == 1:
            self.grads["weight"] = np.array([dw.sum()])
        else:
            axes = tuple(i for i in range(x.ndim) if i != (1 if x.ndim >= 2 else 0))
            self.grads["weight"] = dw.sum(axis=axes)
        return np.where(x > 0, g, self._a(x) * g)


class Softmax(Layer):
    """softmax(x / temperature) along ``axis`` as a layer (shape preserved)."""

    def __init__(self, axis: int = -1, temperature: float = 1.0):
        super().__init__()
        self.axis, self.temperature = axis, temperature

    def forward(self, x):
        self._y = softmax(x, axis=self.axis, temperature=self.temperature)
        return self._y

    def backward(self, grad_out):
        return softmax_backward(self._y, grad_out, axis=self.axis, temperature=self.temperature)


class Flatten(Layer):
    """Flatten axes start_dim..end_dim (PyTorch ``nn.Flatten``, default keeps
    the batch axis): (N, C, H, W) -> (N, C*H*W)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        self._shape = x.shape
        s = self.start_dim % x.ndim
        e = self.end_dim % x.ndim
        return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])

    def backward(self, grad_out):
        return np.asarray(grad_out, dtype=np.float64).reshape(self._shape)


class Sequential(Layer):
    """Chain of single-input layers.  ``params``/``grads`` are flat dicts with
    PyTorch state_dict names ("0.weight", "2.bias", ...) that reference the
    layers' own arrays, so in-place updates reach the layers."""

    def __init__(self, *layers):
        object.__setattr__(self, "training", True)
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        self.layers = list(layers)

    @property
    def params(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out):
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out

    def count_params(self) -> int:
        return int(sum(layer.count_params() for layer in self.layers))

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def train(self, mode: bool = True):
        object.__setattr__(self, "training", bool(mode))
        for layer in self.layers:
            layer.train(mode)
        return self

    def append(self, layer):
        self.layers.append(layer)
        return self

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"
