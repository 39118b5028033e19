"""Checking and helper utilities: gradcheck, sgd_step, parameter counts,
shape traces and receptive fields computed by running the layers."""

from __future__ import annotations

import copy

import numpy as np

from . import functional as F
from .layers import (Activation, AvgPool2d, BatchNorm, Conv2d, ConvTranspose2d, Dropout,
                     Layer, MaxPool2d, PReLU, Sequential)

__all__ = ["gradcheck", "sgd_step", "count_params", "run_shape", "trace_shapes",
           "probe_shape", "probe_trace", "receptive_field"]


# -- nested tuple helpers ------------------------------------------------------
def _leaves(obj):
    if isinstance(obj, (tuple, list)):
        out = []
        for o in obj:
            out.extend(_leaves(o))
        return out
    return [obj]


def _map(obj, fn):
    if isinstance(obj, (tuple, list)):
        return tuple(_map(o, fn) for o in obj)
    return fn(obj)


def _rel_err(a, n, floor):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic gradient shape {a.shape} != numeric {n.shape}")
    denom = max(np.linalg.norm(a), np.linalg.norm(n), floor)
    return float(np.linalg.norm(a - n) / denom)


def _numeric(loss, arr, eps):
    """Central differences of the scalar ``loss()`` w.r.t. ``arr`` (perturbed
    in place and restored)."""
    g = np.zeros_like(arr)
    flat, gflat = arr.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        lp = loss()
        flat[i] = old - eps
        lm = loss()
        flat[i] = old
        gflat[i] = (lp - lm) / (2 * eps)
    return g


def gradcheck(f, inputs, eps: float = 1e-6, seed: int = 0, kwargs=None,
              floor: float = 1.0, details: bool = False):
    """Compare analytic gradients with central finite differences (float64).

    Layer (anything with ``forward``/``backward``/``params``):
        ``inputs`` is the positional argument of ``forward`` (one array) or a
        tuple of them (may nest, e.g. ``(x, (h, c))`` for LSTMCell); ``kwargs``
        go to ``forward``.  The scalar loss is a fixed random projection
        L = sum_k sum(out_k * R_k), R_k ~ N(0, 1) from ``default_rng(seed)``,
        so ``backward`` is called with grad_out = R (one R per output when
        forward returns a tuple).  Checked: every input array and every
        entry of ``params`` (numeric dL/dp vs ``grads[name]``).
    Plain function ``fn(*inputs) -> (value, grad)``:
        ``value`` is a scalar and ``grad`` is dvalue/d inputs[0] (or a tuple
        of gradients for inputs[0], inputs[1], ...); other inputs (targets)
        are not differentiated.

    Error per tensor: ||analytic - numeric||_2 / max(||analytic||_2,
    ||numeric||_2, floor); floor = 1 makes tiny gradients compare absolutely
    (finite-difference round-off is ~1e-10 absolute).  Returns the worst
    error over all checked tensors as a float (or, with ``details=True``, a
    dict tensor name -> error).  Inputs are copied, never modified.
    """
    kwargs = kwargs or {}
    single = not isinstance(inputs, (tuple, list))
    args = _map((inputs,) if single else tuple(inputs),
                lambda a: np.array(a, dtype=np.float64))
    errs: dict[str, float] = {}

    if hasattr(f, "backward") and hasattr(f, "params"):
        out = f.forward(*args, **kwargs)
        rng = np.random.default_rng(seed)
        R = _map(out, lambda o: rng.standard_normal(np.shape(o)))
        Rl = _leaves(R)

        def loss():
            o = _leaves(f.forward(*args, **kwargs))
            return float(sum(np.sum(oi * ri) for oi, ri in zip(o, Rl)))

        gin = f.backward(*R) if isinstance(out, tuple) else f.backward(R)
        gin_leaves = _leaves((gin,) if single else gin)
        pgrads = {k: np.array(v) for k, v in f.grads.items()}
        arg_leaves = _leaves(args)
        if len(gin_leaves) != len(arg_leaves):
            raise ValueError(f"backward returned {len(gin_leaves)} gradients for {len(arg_leaves)} inputs")
        for i, (a, ga) in enumerate(zip(arg_leaves, gin_leaves)):
            errs[f"input{i}"] = _rel_err(ga, _numeric(loss, a, eps), floor)
        for name, p in f.params.items():
            if name not in pgrads:
                raise KeyError(f"backward did not fill grads[{name!r}]")
            errs[name] = _rel_err(pgrads[name], _numeric(loss, p, eps), floor)
    else:
        value, grad = f(*args, **kwargs)
        grads = grad if isinstance(grad, (tuple, list)) else (grad,)

        def loss():
            return float(f(*args, **kwargs)[0])

        for i, ga in enumerate(grads):
            errs[f"input{i}"] = _rel_err(ga, _numeric(loss, args[i], eps), floor)

    return errs if details else max(errs.values(), default=0.0)


def _layers(obj):
    if isinstance(obj, Layer) or (hasattr(obj, "params") and hasattr(obj, "grads")):
        return [obj]
    return list(obj)


def sgd_step(layers_or_model, lr: float) -> None:
    """Plain gradient descent, in place: p -= lr * grads[name] for every
    parameter of a layer, a Sequential, or an iterable of layers.  Raises
    KeyError if a parameter has no gradient (backward not run)."""
    for layer in _layers(layers_or_model):
        grads = layer.grads
        for name, p in layer.params.items():
            if name not in grads:
                raise KeyError(f"no gradient for {name!r}: run backward first")
            p -= lr * grads[name]


def count_params(layers_or_model) -> int:
    """Total number of trainable scalars of a layer, Sequential or iterable."""
    return int(sum(layer.count_params() for layer in _layers(layers_or_model)))


def run_shape(layer, input_shape, **kwargs):
    """Output shape obtained by running ``forward`` on zeros of ``input_shape``
    (on a deep copy in eval mode, so running statistics and dropout masks of
    the real layer are untouched).  Returns a tuple, or a tuple of tuples for
    layers returning several arrays (LSTMCell)."""
    probe = copy.deepcopy(layer).eval()
    out = probe.forward(np.zeros(tuple(input_shape)), **kwargs)
    if isinstance(out, tuple):
        return tuple(tuple(np.shape(o)) for o in out)
    return tuple(np.shape(out))


def trace_shapes(model, input_shape):
    """Run a Sequential (or list of layers) on zeros and record every layer.

    Returns a list of dicts {"index", "layer" (repr), "output_shape" (tuple),
    "params" (int)}, one per layer, in order.
    """
    layers = list(model.layers) if isinstance(model, Sequential) else _layers(model)
    x = np.zeros(tuple(input_shape))
    rows = []
    for i, layer in enumerate(layers):
        x = copy.deepcopy(layer).eval().forward(x)
        rows.append({"index": i, "layer": repr(layer), "output_shape": tuple(x.shape),
                     "params": layer.count_params()})
    return rows


_SPATIAL = (Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d)


def _spatial_probe(layer, h: int, w: int) -> tuple[int, int]:
    """(Ho, Wo) of a spatial layer on an h×w map, measured by running the layer's own
    geometry (kernel, stride, padding, dilation, ceil mode) on single-channel zeros: once on
    an h×t strip for the height and once on a t×w strip for the width, t the thinnest size
    the layer accepts. The other axis never changes an axis's size, so this is the shape of a
    full run at a cost linear in the input side (a 4096×4096 map with an 11×11 kernel would
    otherwise need gigabytes)."""
    if isinstance(layer, Conv2d):
        wt = np.zeros((1, 1) + layer.kernel_size)

        def run(x):
            return F.conv2d(x, wt, stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
    elif isinstance(layer, ConvTranspose2d):
        wt = np.zeros((1, 1) + layer.kernel_size)

        def run(x):
            return F.conv_transpose2d(x, wt, stride=layer.stride, padding=layer.padding,
                                      output_padding=layer.output_padding, dilation=layer.dilation)
    else:
        pool = F.avg_pool2d if isinstance(layer, AvgPool2d) else F.max_pool2d

        def run(x):
            return pool(x, **layer._kw())

    def thin(n_real, axis):
        t = 1
        while True:
            t = min(t, n_real)
            shape = [1, 1, h, w]
            shape[2 + (1 - axis)] = t  # the other axis made thin
            try:
                return run(np.zeros(shape)).shape[2 + axis]
            except ValueError:
                if t >= n_real:
                    raise
                t *= 2

    return thin(w, 0), thin(h, 1)


def probe_shape(layer, input_shape) -> tuple:
    """Output shape of `layer` (or a Sequential / list of layers) for `input_shape`, without
    running the full tensor: spatial layers (Conv2d, ConvTranspose2d, pooling) run on
    single-channel strips (`_spatial_probe`) and check the channel count; every other layer
    (Dense, Flatten, activations …) runs `forward` on zeros with a batch of one. Built with
    `shape_only` weights it sizes a VGG-16 in milliseconds."""
    return probe_trace(layer, input_shape)[-1] if _layers(layer) else tuple(input_shape)


def probe_trace(model, input_shape) -> list[tuple]:
    """The shape after every layer, as `probe_shape` measures it."""
    layers = list(model.layers) if isinstance(model, Sequential) else _layers(model)
    shape, out = tuple(input_shape), []
    for layer in layers:
        if isinstance(layer, Sequential):
            for s in probe_trace(layer, shape):
                out.append(s)
            shape = out[-1] if out else shape
            continue
        if isinstance(layer, _SPATIAL):
            if len(shape) != 4:
                raise ValueError(f"{type(layer).__name__} needs an (N, C, H, W) input, got {shape}")
            n, c, h, w = shape
            if isinstance(layer, (Conv2d, ConvTranspose2d)):
                if c != layer.in_channels:
                    raise ValueError(f"{type(layer).__name__} expects {layer.in_channels} channels, input has {c}")
                c = layer.out_channels
            ho, wo = _spatial_probe(layer, h, w)
            shape = (n, c, ho, wo)
        elif isinstance(layer, (Activation, BatchNorm, Dropout, PReLU)) and len(shape) == 4:
            # elementwise / per-channel on a feature map: run on one pixel per channel (a full
            # 64×2000×2000 map would be 2 GB) and check that the shape is kept
            probe = copy.deepcopy(layer).eval() if isinstance(layer, (BatchNorm, Dropout)) else layer
            small = (1, shape[1], 1, 1)
            got = tuple(np.shape(probe.forward(np.zeros(small))))
            if got != small:
                raise ValueError(f"{type(layer).__name__} changed the shape {small} to {got}")
        else:
            # layers with state (running statistics, dropout masks) run as an eval-mode copy; the
            # others directly (a deep copy would materialise shape-only weights: 0.8 GB for VGG's fc6)
            probe = copy.deepcopy(layer).eval() if isinstance(layer, (BatchNorm, Dropout)) else layer
            shape = (shape[0],) + tuple(np.shape(probe.forward(np.zeros((1,) + tuple(shape[1:])))))[1:]
        out.append(shape)
    return out


def _probe_ops(layers):
    """Turn each layer into (forward_shape_fn, backward_fn) acting on a
    single-channel map with all-ones kernels (max pooling is probed as average
    pooling: with ones everywhere every window member contributes)."""
    ops = []
    for layer in layers:
        if isinstance(layer, Sequential):
            ops.extend(_probe_ops(layer.layers))
        elif isinstance(layer, Conv2d):
            w = np.ones((1, 1) + layer.kernel_size)
            kw = dict(stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
            ops.append((lambda x, w=w, kw=kw: F.conv2d(x, w, **kw),
                        lambda x, g, w=w, kw=kw: F.conv2d_backward(x, w, g, **kw)[0]))
        elif isinstance(layer, ConvTranspose2d):
            w = np.ones((1, 1) + layer.kernel_size)
            kw = dict(stride=layer.stride, padding=layer.padding,
                      output_padding=layer.output_padding, dilation=layer.dilation)
            ops.append((lambda x, w=w, kw=kw: F.conv_transpose2d(x, w, **kw),
                        lambda x, g, w=w, kw=kw: F.conv_transpose2d_backward(x, w, g, **kw)[0]))
        elif isinstance(layer, (MaxPool2d, AvgPool2d)):
            kw = layer._kw()
            ops.append((lambda x, kw=kw: F.avg_pool2d(x, **kw),
                        lambda x, g, kw=kw: F.avg_pool2d_backward(x, g, **kw)))
        elif isinstance(layer, (Activation, BatchNorm, Dropout, PReLU)):
            continue  # elementwise / per-channel: no spatial mixing
        else:
            raise TypeError(f"receptive_field cannot probe {type(layer).__name__}")
    return ops


def _extent(mask_1d):
    idx = np.flatnonzero(mask_1d)
    return int(idx[0]), int(idx[-1])


def receptive_field(layers, return_jump: bool = False, max_size: int = 4096):
    """Receptive field (rows, cols) of one output unit of a stack of Conv2d /
    ConvTranspose2d / MaxPool2d / AvgPool2d layers (activations, BatchNorm,
    Dropout are transparent), measured, not computed from a formula: a one-hot
    gradient at a central output position is back-propagated through all-ones
    single-channel kernels on a probe input large enough that the region does
    not touch its border, and the extent of the non-zero input gradient is
    returned.  Dilation holes count inside the field (extent, not support).

    Returns (rf_h, rf_w); with ``return_jump`` also the effective stride
    (jump_h, jump_w): the input distance between neighbouring output units.
    """
    ops = _probe_ops(_layers(layers) if not isinstance(layers, Sequential) else layers.layers)
    size = 16
    while size <= max_size:
        xs = [np.zeros((1, 1, size, size))]
        try:
            for fwd, _ in ops:
                xs.append(fwd(xs[-1]))
        except ValueError:
            size *= 2
            continue
        ho, wo = xs[-1].shape[2:]
        if ho < 3 or wo < 3:
            size *= 2
            continue

        def back(oh, ow):
            g = np.zeros_like(xs[-1])
            g[0, 0, oh, ow] = 1.0
            for (_, bwd), x in zip(reversed(ops), reversed(xs[:-1])):
                g = bwd(x, g)
            nz = g[0, 0] != 0
            return _extent(nz.any(axis=1)), _extent(nz.any(axis=0))

        (r0, r1), (c0, c1) = back(ho // 2, wo // 2)
        if r0 == 0 or c0 == 0 or r1 == size - 1 or c1 == size - 1:
            size *= 2
            continue
        rf = (r1 - r0 + 1, c1 - c0 + 1)
        if not return_jump:
            return rf
        (r0b, _), (c0b, _) = back(ho // 2 + 1, wo // 2 + 1)
        return rf, (r0b - r0, c0b - c0)
    raise ValueError("receptive field larger than the maximum probe size")
