"""Every layer's backward against central finite differences (float64)."""

import numpy as np
import pytest

from quizcli.engine import (Activation, AvgPool2d, BatchNorm, Conv2d, ConvTranspose2d, Dense,
                            Dropout, Flatten, GRUCell, LayerNorm, LSTMCell, MaxPool2d,
                            MultiHeadAttention, PReLU, RNNCell, Sequential, Softmax, gradcheck)

TOL = 1e-6


def R(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("shape,io", [((2, 3), (3, 4)), ((1, 5), (5, 2)), ((2, 3, 4), (4, 3))])
@pytest.mark.parametrize("bias", [True, False])
def test_dense(shape, io, bias):
    assert gradcheck(Dense(*io, bias=bias, rng=np.random.default_rng(1)), R(0, *shape)) < TOL


CONV_CASES = [
    # (in, out, kernel, stride, padding, dilation, input shape)
    (1, 2, 3, 1, 0, 1, (1, 1, 5, 5)),
    (2, 3, 3, 2, 1, 1, (2, 2, 6, 5)),
    (2, 2, (2, 3), (1, 2), (0, 1), (2, 1), (1, 2, 6, 7)),
    (3, 1, 1, 1, 0, 1, (2, 3, 3, 3)),
]


@pytest.mark.parametrize("cin,cout,k,s,p,d,shape", CONV_CASES)
def test_conv2d(cin, cout, k, s, p, d, shape):
    layer = Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, rng=np.random.default_rng(2))
    assert gradcheck(layer, R(1, *shape)) < TOL
    assert gradcheck(Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, bias=False),
                     R(2, *shape)) < TOL


@pytest.mark.parametrize("cin,cout,k,s,p,op,d,shape", [
    (2, 3, 3, 2, 1, 1, 1, (1, 2, 3, 3)),
    (1, 2, (2, 3), 1, 0, 0, 1, (2, 1, 3, 2)),
    (2, 1, 3, (2, 3), (1, 0), (1, 2), 1, (1, 2, 2, 3)),
    (1, 1, 2, 1, 0, 0, 2, (1, 1, 3, 3)),
])
def test_conv_transpose2d(cin, cout, k, s, p, op, d, shape):
    layer = ConvTranspose2d(cin, cout, k, stride=s, padding=p, output_padding=op, dilation=d)
    assert gradcheck(layer, R(3, *shape)) < TOL


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
@pytest.mark.parametrize("k,s,p,ceil,shape", [
    (2, None, 0, False, (1, 2, 4, 4)),
    (3, 2, 1, False, (2, 1, 5, 6)),
    (3, 2, 1, True, (1, 2, 6, 7)),
    ((2, 3), (1, 2), 0, True, (1, 1, 5, 6)),
])
def test_pools(cls, k, s, p, ceil, shape):
    assert gradcheck(cls(k, s, p, ceil_mode=ceil), R(4, *shape)) < TOL


@pytest.mark.parametrize("shape", [(4, 3), (3, 2, 2, 2), (2, 3, 4)])
def test_batchnorm_train_and_eval(shape):
    bn = BatchNorm(shape[1])
    bn.weight = R(5, shape[1])
    bn.bias = R(6, shape[1])
    assert gradcheck(bn, R(7, *shape)) < TOL
    bn.eval()
    assert gradcheck(bn, R(8, *shape)) < TOL


@pytest.mark.parametrize("ns,shape", [(4, (3, 4)), ((2, 3), (2, 2, 3)), (5, (5,))])
def test_layernorm(ns, shape):
    ln = LayerNorm(ns)
    ln.weight = R(9, *ln.weight.shape)
    ln.bias = R(10, *ln.bias.shape)
    assert gradcheck(ln, R(11, *shape)) < TOL


def test_dropout_fixed_mask():
    d = Dropout(0.4, rng=np.random.default_rng(3))
    x = R(12, 3, 5)
    d.forward(x)
    d.resample = False
    assert gradcheck(d, x) < TOL
    d.eval()
    assert gradcheck(d, x) < TOL


def test_prelu_softmax_flatten():
    x = R(13, 2, 3, 2, 2)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    assert gradcheck(PReLU(), x) < TOL
    assert gradcheck(PReLU(3), x) < TOL
    assert gradcheck(Softmax(), R(14, 3, 4)) < TOL
    assert gradcheck(Softmax(axis=0, temperature=2.0), R(15, 3, 4)) < TOL
    assert gradcheck(Flatten(), x) < TOL


@pytest.mark.parametrize("n,d,h", [(1, 2, 3), (3, 4, 2)])
@pytest.mark.parametrize("bias", [True, False])
def test_rnn_cells(n, d, h, bias):
    x, h0, c0 = R(16, n, d), R(17, n, h), R(18, n, h)
    assert gradcheck(RNNCell(d, h, bias=bias), (x, h0)) < TOL
    assert gradcheck(RNNCell(d, h, bias=bias, nonlinearity="relu"), (x, h0)) < TOL
    assert gradcheck(GRUCell(d, h, bias=bias), (x, h0)) < TOL
    assert gradcheck(LSTMCell(d, h, bias=bias), (x, (h0, c0))) < TOL


def test_cells_unbatched():
    x, h0, c0 = R(19, 3), R(20, 2), R(21, 2)
    assert gradcheck(LSTMCell(3, 2), (x, (h0, c0))) < TOL
    assert gradcheck(GRUCell(3, 2), (x, h0)) < TOL


@pytest.mark.parametrize("e,heads,lq,lk,n", [(4, 2, 3, 5, 2), (6, 3, 2, 2, 1), (4, 1, 4, 4, 1)])
@pytest.mark.parametrize("bias", [True, False])
def test_attention(e, heads, lq, lk, n, bias):
    mha = MultiHeadAttention(e, heads, bias=bias, rng=np.random.default_rng(4))
    if bias:  # non-zero biases so their gradients are exercised
        mha.in_proj_bias = R(22, 3 * e)
        mha.out_proj_bias = R(23, e)
    q, k, v = R(24, n, lq, e), R(25, n, lk, e), R(26, n, lk, e)
    assert gradcheck(mha, (q, k, v)) < TOL
    if lq == lk:
        assert gradcheck(mha, (q, k, v), kwargs={"causal": True}) < TOL


def test_sequential_cnn():
    rng = np.random.default_rng(5)
    model = Sequential(Conv2d(1, 2, 3, padding=1, rng=rng), BatchNorm(2), Activation("tanh"),
                       MaxPool2d(2), Flatten(), Dense(8, 3, rng=rng), Activation("sigmoid"))
    assert gradcheck(model, R(27, 2, 1, 4, 4)) < TOL


class _BrokenDense(Dense):
    def backward(self, grad_out):
        gx = super().backward(grad_out)
        self.grads["weight"] = self.grads["weight"] * 1.01
        return gx


def test_gradcheck_detects_a_wrong_gradient():
    assert gradcheck(_BrokenDense(3, 2), R(28, 4, 3)) > 1e-3
    wrong = lambda y, t: (float(np.sum((y - t) ** 2)), y - t)  # missing factor 2
    assert gradcheck(wrong, (R(29, 3), R(30, 3))) > 0.1


def test_bptt_with_shallow_copies_matches_finite_differences():
    """Two RNN steps via copy.copy(cell), grads summed, vs numeric dL/dW_hh."""
    import copy
    cell = RNNCell(2, 3, rng=np.random.default_rng(8))
    xs, h0, r = R(31, 2, 1, 2), R(32, 1, 3), R(33, 1, 3)

    def loss():
        h = h0
        for x in xs:
            h = cell.forward(x, h)
        return float(np.sum(h * r))

    steps, h = [], h0
    for x in xs:
        s = copy.copy(cell)
        h = s.forward(x, h)
        steps.append(s)
    g, total = r, np.zeros_like(cell.weight_hh)
    for s in reversed(steps):
        _, g = s.backward(g)
        total += cell.grads["weight_hh"]
    W = cell.weight_hh
    num = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        old = W[idx]
        W[idx] = old + 1e-6
        lp = loss()
        W[idx] = old - 1e-6
        lm = loss()
        W[idx] = old
        num[idx] = (lp - lm) / 2e-6
    np.testing.assert_allclose(total, num, rtol=1e-6, atol=1e-9)
