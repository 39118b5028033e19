"""Recurrent cells (one time step), PyTorch layout and gate order.

All cells: ``weight_ih`` (G*H, D), ``weight_hh`` (G*H, H), ``bias_ih`` (G*H,),
``bias_hh`` (G*H,) -- two bias vectors, as PyTorch (so a cell has
G*(H*D + H*H + 2H) parameters; ``bias=False`` drops both).  Gate blocks are
stacked along rows in the order RNN: (a); LSTM: i, f, g, o; GRU: r, z, n.
Inputs are batched (N, D) with state (N, H), or unbatched (D,) with (H,).
A missing state (None) means zeros.  ``backward`` differentiates the most
recent ``forward`` only (one step); for BPTT run each step on
``copy.copy(cell)`` (shares the parameter arrays and the grads dict, own
cache), back-propagate the steps in reverse and add up ``grads`` after each
call, since ``backward`` overwrites ``grads``.  Init: U(-1/sqrt(H), 1/sqrt(H)) for every parameter (PyTorch).
"""

from __future__ import annotations

import math

import numpy as np

from .activations import sigmoid
from .layers import Layer, _rng, _uniform

__all__ = ["RNNCell", "LSTMCell", "GRUCell"]


def _f(x):
    return np.asarray(x, dtype=np.float64)


class _Cell(Layer):
    GATES = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, rng=None):
        super().__init__()
        rng = _rng(rng)
        self.input_size, self.hidden_size = input_size, hidden_size
        G, H, D = self.GATES, hidden_size, input_size
        b = 1.0 / math.sqrt(H)
        self.params["weight_ih"] = _uniform(rng, (G * H, D), b)
        self.params["weight_hh"] = _uniform(rng, (G * H, H), b)
        if bias:
            self.params["bias_ih"] = _uniform(rng, (G * H,), b)
            self.params["bias_hh"] = _uniform(rng, (G * H,), b)
        self.last_gates: dict[str, np.ndarray] = {}

    def _prep(self, x, h):
        x = _f(x)
        self._unbatched = x.ndim == 1
        if self._unbatched:
            x = x[None]
        if h is None:
            h = np.zeros((x.shape[0], self.hidden_size))
        else:
            h = _f(h)
            if h.ndim == 1:
                h = h[None]
        return x, h

    def _out(self, a):
        return a[0] if self._unbatched else a

    def _in(self, g):
        if g is None:
            return None
        g = _f(g)
        return g[None] if g.ndim == 1 else g

    def _lin_ih(self, x):
        y = x @ self.params["weight_ih"].T
        return y + self.params["bias_ih"] if "bias_ih" in self.params else y

    def _lin_hh(self, h):
        y = h @ self.params["weight_hh"].T
        return y + self.params["bias_hh"] if "bias_hh" in self.params else y

    def _param_grads(self, d_ih, d_hh, x, h):
        """d_ih, d_hh: gradients w.r.t. the two pre-activation blocks (N, G*H)."""
        self.grads["weight_ih"] = d_ih.T @ x
        self.grads["weight_hh"] = d_hh.T @ h
        if "bias_ih" in self.params:
            self.grads["bias_ih"] = d_ih.sum(axis=0)
            self.grads["bias_hh"] = d_hh.sum(axis=0)
        return d_ih @ self.params["weight_ih"], d_hh @ self.params["weight_hh"]

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}, bias={'bias_ih' in self.params}"


class RNNCell(_Cell):
    """Elman cell: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.

    forward(x, h=None) -> h'.  backward(grad_h) -> (grad_x, grad_h_prev).
    ``last_gates`` = {"a": pre-activation, "h": h'}.
    """

    GATES = 1

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity: str = "tanh", rng=None):
        super().__init__(input_size, hidden_size, bias, rng)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError("nonlinearity must be 'tanh' or 'relu'")
        self.nonlinearity = nonlinearity

    def forward(self, x, h=None):
        x, h = self._prep(x, h)
        a = self._lin_ih(x) + self._lin_hh(h)
        hn = np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0.0)
        self._cache = (x, h, a, hn)
        self.last_gates = {"a": self._out(a), "h": self._out(hn)}
        return self._out(hn)

    def backward(self, grad_h):
        x, h, a, hn = self._cache
        g = self._in(grad_h)
        da = g * (1.0 - hn * hn) if self.nonlinearity == "tanh" else g * (a > 0)
        gx, gh = self._param_grads(da, da, x, h)
        return self._out(gx), self._out(gh)


class LSTMCell(_Cell):
    """LSTM cell, PyTorch gate order i, f, g, o (rows of weight_ih/weight_hh):

        [i; f; g; o] = W_ih x + b_ih + W_hh h + b_hh   (each block H rows)
        i, f, o = sigmoid(.),  g = tanh(.)
        c' = f * c + i * g,    h' = o * tanh(c')

    forward(x, state=None) with state = (h, c) -> (h', c').
    backward(grad_h, grad_c=None) -> (grad_x, (grad_h_prev, grad_c_prev)).
    ``last_gates`` = {"i", "f", "g", "o", "c", "h"} (post-activation values).
    """

    GATES = 4

    def forward(self, x, state=None):
        h, c = (None, None) if state is None else state
        x, h = self._prep(x, h)
        c = np.zeros_like(h) if c is None else (_f(c)[None] if np.ndim(c) == 1 else _f(c))
        z = self._lin_ih(x) + self._lin_hh(h)
        H = self.hidden_size
        i, f = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H])
        g, o = np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
        cn = f * c + i * g
        tc = np.tanh(cn)
        hn = o * tc
        self._cache = (x, h, c, i, f, g, o, tc)
        self.last_gates = {k: self._out(v) for k, v in
                           dict(i=i, f=f, g=g, o=o, c=cn, h=hn).items()}
        return self._out(hn), self._out(cn)

    def backward(self, grad_h, grad_c=None):
        x, h, c, i, f, g, o, tc = self._cache
        gh = self._in(grad_h)
        if gh is None:
            gh = np.zeros_like(h)
        gc = self._in(grad_c)
        dc = gh * o * (1.0 - tc * tc) + (0.0 if gc is None else gc)
        dz = np.concatenate([
            dc * g * i * (1 - i),          # i
            dc * c * f * (1 - f),          # f
            dc * i * (1 - g * g),          # g
            gh * tc * o * (1 - o),         # o
        ], axis=1)
        gx, ghp = self._param_grads(dz, dz, x, h)
        return self._out(gx), (self._out(ghp), self._out(dc * f))


class GRUCell(_Cell):
    """GRU cell, PyTorch gate order r, z, n, with r applied inside n:

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    forward(x, h=None) -> h'.  backward(grad_h) -> (grad_x, grad_h_prev).
    ``last_gates`` = {"r", "z", "n", "h"}.
    """

    GATES = 3

    def forward(self, x, h=None):
        x, h = self._prep(x, h)
        H = self.hidden_size
        gi, gh = self._lin_ih(x), self._lin_hh(h)
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        hn_lin = gh[:, 2 * H:]
        n = np.tanh(gi[:, 2 * H:] + r * hn_lin)
        hnew = (1 - z) * n + z * h
        self._cache = (x, h, r, z, n, hn_lin)
        self.last_gates = {k: self._out(v) for k, v in dict(r=r, z=z, n=n, h=hnew).items()}
        return self._out(hnew)

    def backward(self, grad_h):
        x, h, r, z, n, hn_lin = self._cache
        g = self._in(grad_h)
        dn = g * (1 - z) * (1 - n * n)
        dz = g * (h - n) * z * (1 - z)
        dr = dn * hn_lin * r * (1 - r)
        d_ih = np.concatenate([dr, dz, dn], axis=1)
        d_hh = np.concatenate([dr, dz, dn * r], axis=1)
        gx, ghp = self._param_grads(d_ih, d_hh, x, h)
        return self._out(gx), self._out(ghp + g * z)
