"""Multi-head attention (PyTorch ``nn.MultiheadAttention`` with batch_first=True)."""

from __future__ import annotations

import math

import numpy as np

from .functional import (causal_mask, scaled_dot_product_attention,
                         scaled_dot_product_attention_backward)
from .layers import Layer, _rng

__all__ = ["MultiHeadAttention"]


def _f(x):
    return np.asarray(x, dtype=np.float64)


class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention.

    Parameters (PyTorch names with the dot replaced by "_"):
    ``in_proj_weight`` (3E, E) = rows [W_q; W_k; W_v], ``in_proj_bias`` (3E,),
    ``out_proj_weight`` (E, E), ``out_proj_bias`` (E,).  bias=False drops both
    biases.  Head h uses columns h*d:(h+1)*d of the projected Q, K, V, with
    d = E / num_heads; scores are divided by sqrt(d).

    forward(query, key, value, causal=False): query (N, L, E), key/value
    (N, S, E) (batch_first), or unbatched (L, E)/(S, E).  Returns the output
    (N, L, E) only; the per-head weights (N, num_heads, L, S) are kept in
    ``last_attention`` (PyTorch would return their head average).
    causal=True lets query i attend keys j <= i only.
    backward(grad_out) -> (grad_query, grad_key, grad_value); for
    self-attention with one tensor x, dL/dx is their sum.
    Init: Xavier-uniform in_proj_weight, U(+-1/sqrt(E)) out_proj_weight,
    zero biases (PyTorch).
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, rng=None):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError("embed_dim must be divisible by num_heads")
        rng = _rng(rng)
        E = embed_dim
        self.embed_dim, self.num_heads, self.head_dim = E, num_heads, E // num_heads
        a = math.sqrt(6.0 / (E + 3 * E))
        self.params["in_proj_weight"] = rng.uniform(-a, a, size=(3 * E, E))
        if bias:
            self.params["in_proj_bias"] = np.zeros(3 * E)
        self.params["out_proj_weight"] = rng.uniform(-1 / math.sqrt(E), 1 / math.sqrt(E), size=(E, E))
        if bias:
            self.params["out_proj_bias"] = np.zeros(E)
        self.last_attention = None

    def _split(self, t):  # (N, L, E) -> (N, h, L, d)
        n, l, _ = t.shape
        return t.reshape(n, l, self.num_heads, self.head_dim).transpose(0, 2, 1, 3)

    def _merge(self, t):  # (N, h, L, d) -> (N, L, E)
        n, _, l, _ = t.shape
        return t.transpose(0, 2, 1, 3).reshape(n, l, self.embed_dim)

    def forward(self, query, key=None, value=None, causal: bool = False):
        q = _f(query)
        k = q if key is None else _f(key)
        v = k if value is None else _f(value)
        self._unbatched = q.ndim == 2
        if self._unbatched:
            q, k, v = q[None], k[None], v[None]
        E = self.embed_dim
        W = self.params["in_proj_weight"]
        b = self.params.get("in_proj_bias", np.zeros(3 * E))
        Qp = q @ W[:E].T + b[:E]
        Kp = k @ W[E:2 * E].T + b[E:2 * E]
        Vp = v @ W[2 * E:].T + b[2 * E:]
        Qh, Kh, Vh = self._split(Qp), self._split(Kp), self._split(Vp)
        mask = causal_mask(q.shape[1], k.shape[1]) if causal else None
        Oh, A = scaled_dot_product_attention(Qh, Kh, Vh, mask)
        O = self._merge(Oh)
        out = O @ self.params["out_proj_weight"].T
        if "out_proj_bias" in self.params:
            out = out + self.params["out_proj_bias"]
        self._cache = (q, k, v, Qh, Kh, Vh, A, O)
        self.last_attention = A[0] if self._unbatched else A
        return out[0] if self._unbatched else out

    def backward(self, grad_out):
        q, k, v, Qh, Kh, Vh, A, O = self._cache
        g = _f(grad_out)
        if self._unbatched:
            g = g[None]
        E = self.embed_dim
        W = self.params["in_proj_weight"]
        g2 = g.reshape(-1, E)
        self.grads["out_proj_weight"] = g2.T @ O.reshape(-1, E)
        gO = g @ self.params["out_proj_weight"]
        gQh, gKh, gVh = scaled_dot_product_attention_backward(Qh, Kh, Vh, A, self._split(gO))
        gQ, gK, gV = self._merge(gQh), self._merge(gKh), self._merge(gVh)
        self.grads["in_proj_weight"] = np.concatenate([
            gQ.reshape(-1, E).T @ q.reshape(-1, E),
            gK.reshape(-1, E).T @ k.reshape(-1, E),
            gV.reshape(-1, E).T @ v.reshape(-1, E)], axis=0)
        if "in_proj_bias" in self.params:
            self.grads["in_proj_bias"] = np.concatenate(
                [gQ.sum(axis=(0, 1)), gK.sum(axis=(0, 1)), gV.sum(axis=(0, 1))])
            self.grads["out_proj_bias"] = g2.sum(axis=0)
        gq, gk, gv = gQ @ W[:E], gK @ W[E:2 * E], gV @ W[2 * E:]
        if self._unbatched:
            gq, gk, gv = gq[0], gk[0], gv[0]
        return gq, gk, gv

    def extra_repr(self):
        return f"{self.embed_dim}, num_heads={self.num_heads}"
