"""Plain-function versions of the spatial and attention operations, with the
backward passes the layers use.  Layout is NCHW; weights follow PyTorch.

Implementation: im2col by slicing, one strided slice per kernel position
(a Python loop over kh*kw positions, never over pixels), then a tensordot.
"""

from __future__ import annotations

import numpy as np

from .activations import softmax

__all__ = [
    "pair", "conv_output_size", "pool_output_size", "conv_transpose_output_size",
    "conv2d", "conv2d_backward", "conv_transpose2d", "conv_transpose2d_backward",
    "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward",
    "scaled_dot_product_attention", "scaled_dot_product_attention_backward",
    "causal_mask",
]


def pair(v) -> tuple[int, int]:
    """3 -> (3, 3); (3, 2) -> (3, 2)."""
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"expected an int or a pair, got {v!r}")
        return int(v[0]), int(v[1])
    return int(v), int(v)


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """floor((n + 2p - d(k-1) - 1) / s) + 1 -- floor because a window that
    would run past the padded input is dropped (PyTorch/Conv2d semantics)."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def pool_output_size(n: int, k: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> int:
    """PyTorch's pooling size: floor (or ceil) of (n + 2p - k)/s, plus 1.  With
    ceil_mode the last window must still start inside the input or left padding."""
    if ceil_mode:
        o = -(-(n + 2 * padding - k) // stride) + 1
        if (o - 1) * stride >= n + padding:
            o -= 1
        return o
    return (n + 2 * padding - k) // stride + 1


def conv_transpose_output_size(n: int, k: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """(n - 1) s - 2p + d(k - 1) + output_padding + 1."""
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _check4(x, name="x"):
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), got shape {x.shape}")


def _im2col(xp, kh, kw, sh, sw, dh, dw, ho, wo):
    """(N, C, Hp, Wp) -> (N, C, kh, kw, ho, wo): the input value each kernel
    tap sees at each output position."""
    n, c = xp.shape[:2]
    cols = np.empty((n, c, kh, kw, ho, wo), dtype=xp.dtype)
    for i in range(kh):
        hi = i * dh
        for j in range(kw):
            wj = j * dw
            cols[:, :, i, j] = xp[:, :, hi:hi + sh * (ho - 1) + 1:sh, wj:wj + sw * (wo - 1) + 1:sw]
    return cols


def _col2im(cols, shape, sh, sw, dh, dw):
    """Adjoint of _im2col: scatter-add (N, C, kh, kw, ho, wo) into ``shape``."""
    n, c, kh, kw, ho, wo = cols.shape
    out = np.zeros(shape, dtype=cols.dtype)
    for i in range(kh):
        hi = i * dh
        for j in range(kw):
            wj = j * dw
            out[:, :, hi:hi + sh * (ho - 1) + 1:sh, wj:wj + sw * (wo - 1) + 1:sw] += cols[:, :, i, j]
    return out


def _pad(x, ph, pw, value=0.0):
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    """2-D cross-correlation (what every DL library calls convolution).

    x: (N, C, H, W); w: (O, C, kh, kw); b: (O,) or None.  stride, padding
    (zeros, both sides) and dilation are ints or (h, w) pairs.
    Returns (N, O, Ho, Wo) with Ho = floor((H + 2p - d(kh-1) - 1)/s) + 1.
    """
    x, w = _f(x), _f(w)
    _check4(x)
    _check4(w, "w")
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"weight expects {w.shape[1]} input channels, input has {x.shape[1]}")
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    kh, kw = w.shape[2:]
    ho = conv_output_size(x.shape[2], kh, sh, ph, dh)
    wo = conv_output_size(x.shape[3], kw, sw, pw, dw)
    if ho <= 0 or wo <= 0:
        raise ValueError(f"kernel larger than padded input: output would be {ho}x{wo}")
    cols = _im2col(_pad(x, ph, pw), kh, kw, sh, sw, dh, dw, ho, wo)
    out = np.tensordot(cols, w, axes=([1, 2, 3], [1, 2, 3])).transpose(0, 3, 1, 2)
    if b is not None:
        out = out + _f(b)[None, :, None, None]
    return np.ascontiguousarray(out)


def conv2d_backward(x, w, grad_out, stride=1, padding=0, dilation=1):
    """Gradients of conv2d.  Returns (grad_x (N,C,H,W), grad_w (O,C,kh,kw),
    grad_b (O,))."""
    x, w, g = _f(x), _f(w), _f(grad_out)
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    kh, kw = w.shape[2:]
    ho, wo = g.shape[2:]
    xp = _pad(x, ph, pw)
    cols = _im2col(xp, kh, kw, sh, sw, dh, dw, ho, wo)
    gw = np.tensordot(g, cols, axes=([0, 2, 3], [0, 4, 5]))
    gcols = np.tensordot(g, w, axes=([1], [0])).transpose(0, 3, 4, 5, 1, 2)
    gxp = _col2im(gcols, xp.shape, sh, sw, dh, dw)
    gx = gxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    return np.ascontiguousarray(gx), gw, g.sum(axis=(0, 2, 3))


def conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0, dilation=1):
    """Transposed convolution (the input-gradient of conv2d), PyTorch layout.

    x: (N, Cin, H, W); w: (Cin, Cout, kh, kw) -- note in/out are swapped
    relative to conv2d, as in PyTorch; b: (Cout,) or None.
    Returns (N, Cout, Ho, Wo), Ho = (H-1)s - 2p + d(kh-1) + output_padding + 1.
    output_padding adds rows/cols on the bottom/right only (it resolves the
    ambiguity of which input size a strided conv came from).
    """
    x, w = _f(x), _f(w)
    _check4(x)
    _check4(w, "w")
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"weight expects {w.shape[0]} input channels, input has {x.shape[1]}")
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = (pair(stride), pair(padding),
                                                pair(output_padding), pair(dilation))
    n, _, h, wd = x.shape
    kh, kw = w.shape[2:]
    ho = conv_transpose_output_size(h, kh, sh, ph, oph, dh)
    wo = conv_transpose_output_size(wd, kw, sw, pw, opw, dw)
    if ho <= 0 or wo <= 0:
        raise ValueError(f"padding too large: output would be {ho}x{wo}")
    gcols = np.tensordot(x, w, axes=([1], [0])).transpose(0, 3, 4, 5, 1, 2)
    full = _col2im(gcols, (n, w.shape[1], ho + 2 * ph, wo + 2 * pw), sh, sw, dh, dw)
    out = full[:, :, ph:ph + ho, pw:pw + wo]
    if b is not None:
        out = out + _f(b)[None, :, None, None]
    return np.ascontiguousarray(out)


def conv_transpose2d_backward(x, w, grad_out, stride=1, padding=0, output_padding=0, dilation=1):
    """Gradients of conv_transpose2d.  Returns (grad_x (N,Cin,H,W),
    grad_w (Cin,Cout,kh,kw), grad_b (Cout,))."""
    x, w, g = _f(x), _f(w), _f(grad_out)
    (sh, sw), (ph, pw), (dh, dw) = pair(stride), pair(padding), pair(dilation)
    kh, kw = w.shape[2:]
    h, wd = x.shape[2:]
    cols = _im2col(_pad(g, ph, pw), kh, kw, sh, sw, dh, dw, h, wd)
    gx = np.tensordot(cols, w, axes=([1, 2, 3], [1, 2, 3])).transpose(0, 3, 1, 2)
    gw = np.tensordot(x, cols, axes=([0, 2, 3], [0, 4, 5]))
    return np.ascontiguousarray(gx), gw, g.sum(axis=(0, 2, 3))


def _pool_geometry(x, kernel_size, stride, padding, ceil_mode):
    (kh, kw) = pair(kernel_size)
    (sh, sw) = pair(stride) if stride is not None else (kh, kw)
    (ph, pw) = pair(padding)
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError("padding should be at most half of the kernel size")
    h, w = x.shape[2:]
    ho = pool_output_size(h, kh, sh, ph, ceil_mode)
    wo = pool_output_size(w, kw, sw, pw, ceil_mode)
    if ho <= 0 or wo <= 0:
        raise ValueError(f"pooling window larger than input: output would be {ho}x{wo}")
    # ceil_mode windows may hang over the right/bottom edge: make room.
    hp = max(h + 2 * ph, (ho - 1) * sh + kh)
    wp = max(w + 2 * pw, (wo - 1) * sw + kw)
    return kh, kw, sh, sw, ph, pw, ho, wo, hp, wp


def _pool_windows(x, fill, geom):
    kh, kw, sh, sw, ph, pw, ho, wo, hp, wp = geom
    n, c, h, w = x.shape
    xp = np.full((n, c, hp, wp), fill, dtype=np.float64)
    xp[:, :, ph:ph + h, pw:pw + w] = x
    return _im2col(xp, kh, kw, sh, sw, 1, 1, ho, wo)  # (N, C, kh, kw, ho, wo)


def max_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, return_indices=False):
    """Max pooling, NCHW.  stride defaults to kernel_size; padding is -inf
    (never selected).  Returns (N, C, Ho, Wo); with ``return_indices`` also the
    argmax window position (flat index in kh*kw, first maximum wins)."""
    x = _f(x)
    _check4(x)
    geom = _pool_geometry(x, kernel_size, stride, padding, ceil_mode)
    kh, kw, *_rest, ho, wo, _hp, _wp = geom
    win = _pool_windows(x, -np.inf, geom)
    n, c = x.shape[:2]
    win = win.reshape(n, c, kh * kw, ho, wo)
    idx = np.argmax(win, axis=2)
    out = np.take_along_axis(win, idx[:, :, None], axis=2)[:, :, 0]
    return (out, idx) if return_indices else out


def max_pool2d_backward(x, indices, grad_out, kernel_size, stride=None, padding=0, ceil_mode=False):
    """Route each output gradient to the arg-max input.  Returns (N, C, H, W)."""
    x, g = _f(x), _f(grad_out)
    geom = _pool_geometry(x, kernel_size, stride, padding, ceil_mode)
    kh, kw, sh, sw, ph, pw, ho, wo, hp, wp = geom
    n, c, h, w = x.shape
    gcols = np.zeros((n, c, kh * kw, ho, wo))
    np.put_along_axis(gcols, indices[:, :, None], g[:, :, None], axis=2)
    gxp = _col2im(gcols.reshape(n, c, kh, kw, ho, wo), (n, c, hp, wp), sh, sw, 1, 1)
    return np.ascontiguousarray(gxp[:, :, ph:ph + h, pw:pw + w])


def _avg_divisor(n, k, s, p, o):
    # PyTorch (count_include_pad=True): zero padding counts, but the part of a
    # ceil_mode window hanging past the right padding does not.
    start = np.arange(o) * s - p
    end = np.minimum(start + k, n + p)
    return (end - start).astype(np.float64)


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False):
    """Average pooling, NCHW, zero padding counted in the mean (PyTorch's
    default count_include_pad=True).  Returns (N, C, Ho, Wo)."""
    x = _f(x)
    _check4(x)
    geom = _pool_geometry(x, kernel_size, stride, padding, ceil_mode)
    kh, kw, sh, sw, ph, pw, ho, wo, hp, wp = geom
    win = _pool_windows(x, 0.0, geom)
    div = np.outer(_avg_divisor(x.shape[2], kh, sh, ph, ho), _avg_divisor(x.shape[3], kw, sw, pw, wo))
    return win.sum(axis=(2, 3)) / div


def avg_pool2d_backward(x, grad_out, kernel_size, stride=None, padding=0, ceil_mode=False):
    """Spread each output gradient evenly over its window.  Returns (N, C, H, W)."""
    x, g = _f(x), _f(grad_out)
    geom = _pool_geometry(x, kernel_size, stride, padding, ceil_mode)
    kh, kw, sh, sw, ph, pw, ho, wo, hp, wp = geom
    n, c, h, w = x.shape
    div = np.outer(_avg_divisor(h, kh, sh, ph, ho), _avg_divisor(w, kw, sw, pw, wo))
    gd = g / div
    gcols = np.broadcast_to(gd[:, :, None, None], (n, c, kh, kw, ho, wo))
    gxp = _col2im(gcols, (n, c, hp, wp), sh, sw, 1, 1)
    return np.ascontiguousarray(gxp[:, :, ph:ph + h, pw:pw + w])


def causal_mask(lq: int, lk: int | None = None) -> np.ndarray:
    """Boolean (lq, lk) mask, True where query i may attend key j (j <= i)."""
    lk = lq if lk is None else lk
    return np.tril(np.ones((lq, lk), dtype=bool))


def _apply_mask(scores, mask):
    if mask is None:
        return scores
    mask = np.asarray(mask)
    if mask.dtype == bool:
        # True = may attend (the convention of torch's F.scaled_dot_product_attention).
        return np.where(mask, scores, -np.inf)
    return scores + mask  # additive float mask (0 or -inf)


def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d_k) [masked]) V.

    Q: (..., Lq, dk), K: (..., Lk, dk), V: (..., Lk, dv); mask broadcastable
    to (..., Lq, Lk): boolean (True = may attend) or additive float.
    Returns (output (..., Lq, dv), weights (..., Lq, Lk)); weight rows sum to 1.
    """
    Q, K, V = _f(Q), _f(K), _f(V)
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    A = softmax(_apply_mask(scores, mask), axis=-1)
    return A @ V, A


def scaled_dot_product_attention_backward(Q, K, V, A, grad_out):
    """Given weights A from the forward pass and dL/d(output), return
    (grad_Q, grad_K, grad_V) with the shapes of Q, K, V.  Masked entries have
    A = 0 and hence receive no gradient."""
    Q, K, V, A, g = _f(Q), _f(K), _f(V), _f(A), _f(grad_out)
    gV = np.swapaxes(A, -1, -2) @ g
    gA = g @ np.swapaxes(V, -1, -2)
    gS = A * (gA - np.sum(gA * A, axis=-1, keepdims=True)) / np.sqrt(Q.shape[-1])
    return gS @ K, np.swapaxes(gS, -1, -2) @ Q, gV
