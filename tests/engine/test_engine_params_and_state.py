import numpy as np
import pytest

from quizcli.engine import (AvgPool2d, BatchNorm, Conv2d, ConvTranspose2d, Dense, Dropout,
                            Flatten, GRUCell, LayerNorm, LSTMCell, MaxPool2d, MultiHeadAttention,
                            RNNCell, Sequential, count_params, scaled_dot_product_attention,
                            sigmoid)


@pytest.mark.parametrize("d,o", [(3, 4), (784, 10)])
def test_dense_and_conv_counts(d, o):
    assert Dense(d, o).count_params() == d * o + o
    assert Dense(d, o, bias=False).count_params() == d * o
    assert Conv2d(3, 16, 3).count_params() == 16 * 3 * 3 * 3 + 16
    assert Conv2d(3, 16, (5, 3), bias=False).count_params() == 16 * 3 * 5 * 3
    assert ConvTranspose2d(4, 2, 3).count_params() == 4 * 2 * 9 + 2
    assert MaxPool2d(2).count_params() == AvgPool2d(2).count_params() == Flatten().count_params() == 0
    assert BatchNorm(8).count_params() == LayerNorm(8).count_params() == 16


@pytest.mark.parametrize("d,h", [(3, 5), (10, 20)])
def test_cell_counts(d, h):
    assert RNNCell(d, h).count_params() == h * d + h * h + 2 * h
    assert GRUCell(d, h).count_params() == 3 * (h * d + h * h + 2 * h)
    assert LSTMCell(d, h).count_params() == 4 * (h * d + h * h + 2 * h)
    assert LSTMCell(d, h, bias=False).count_params() == 4 * (h * d + h * h)
    lstm = LSTMCell(d, h)
    assert lstm.weight_ih.shape == (4 * h, d) and lstm.weight_hh.shape == (4 * h, h)
    assert lstm.bias_ih.shape == lstm.bias_hh.shape == (4 * h,)


@pytest.mark.parametrize("e,heads", [(4, 2), (512, 8)])
def test_attention_counts(e, heads):
    assert MultiHeadAttention(e, heads).count_params() == 4 * e * e + 4 * e
    assert MultiHeadAttention(e, heads, bias=False).count_params() == 4 * e * e


def test_sequential_counts_and_names():
    m = Sequential(Conv2d(1, 4, 3), Flatten(), Dense(4 * 26 * 26, 10))
    assert m.count_params() == count_params(m) == (36 + 4) + (4 * 676 * 10 + 10)
    assert list(m.params) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert count_params([Dense(2, 3), Dense(3, 1)]) == 9 + 4


def test_seeded_init_is_deterministic():
    a, b = Dense(3, 4), Dense(3, 4)
    assert np.array_equal(a.weight, b.weight)
    c = Dense(3, 4, rng=np.random.default_rng(1))
    assert not np.array_equal(a.weight, c.weight)
    assert np.all(np.abs(a.weight) <= 1 / np.sqrt(3))


def test_batchnorm_running_stats_and_inference():
    x = np.random.default_rng(0).standard_normal((5, 3)) * 2 + 1
    bn = BatchNorm(3)
    y = bn.forward(x)
    # training normalises with the biased variance
    np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5))
    # running stats: new = 0.9 * old + 0.1 * batch, with the UNBIASED variance
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(0))
    np.testing.assert_allclose(bn.running_var, 0.9 * 1.0 + 0.1 * x.var(0, ddof=1))
    bn.weight = [1.0, 2.0, 3.0]
    bn.bias = [0.0, -1.0, 0.5]
    bn.eval()
    z = np.random.default_rng(1).standard_normal((2, 3))
    expect = (z - bn.running_mean) / np.sqrt(bn.running_var + 1e-5) * [1, 2, 3] + [0, -1, 0.5]
    np.testing.assert_allclose(bn.forward(z), expect)
    # 2-D: per channel over (N, H, W)
    x4 = np.random.default_rng(2).standard_normal((2, 3, 4, 4))
    bn2 = BatchNorm(3)
    y4 = bn2.forward(x4)
    np.testing.assert_allclose(y4.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(bn2.running_var, 0.9 + 0.1 * x4.var(axis=(0, 2, 3), ddof=1))


def test_layernorm_normalises_last_axes():
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    y = LayerNorm((3, 4)).forward(x)
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(1, 2)), 1, atol=1e-4)


def test_dropout_inverted_and_seeded():
    x = np.ones((200, 50))
    d = Dropout(0.3, rng=np.random.default_rng(5))
    y = d.forward(x)
    assert set(np.unique(y)) <= {0.0, 1 / 0.7}
    assert abs((y == 0).mean() - 0.3) < 0.02
    y2 = Dropout(0.3, rng=np.random.default_rng(5)).forward(x)
    assert np.array_equal(y, y2)
    assert np.array_equal(d.eval().forward(x), x)


def test_lstm_gates_and_equations():
    rng = np.random.default_rng(4)
    cell = LSTMCell(3, 2, rng=rng)
    x, h, c = rng.standard_normal((1, 3)), rng.standard_normal((1, 2)), rng.standard_normal((1, 2))
    h1, c1 = cell.forward(x, (h, c))
    z = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
    i, f, g, o = sigmoid(z[:, :2]), sigmoid(z[:, 2:4]), np.tanh(z[:, 4:6]), sigmoid(z[:, 6:])
    np.testing.assert_allclose(c1, f * c + i * g)
    np.testing.assert_allclose(h1, o * np.tanh(c1))
    for k, v in dict(i=i, f=f, g=g, o=o).items():
        np.testing.assert_allclose(cell.last_gates[k], v)
    h2, c2 = cell.forward(x[0])  # unbatched, zero state
    assert h2.shape == c2.shape == (2,)


def test_gru_equations():
    rng = np.random.default_rng(6)
    cell = GRUCell(2, 3, rng=rng)
    x, h = rng.standard_normal((2, 2)), rng.standard_normal((2, 3))
    hn = cell.forward(x, h)
    Wi, Wh, bi, bh = cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
    r = sigmoid(x @ Wi[:3].T + bi[:3] + h @ Wh[:3].T + bh[:3])
    z = sigmoid(x @ Wi[3:6].T + bi[3:6] + h @ Wh[3:6].T + bh[3:6])
    n = np.tanh(x @ Wi[6:].T + bi[6:] + r * (h @ Wh[6:].T + bh[6:]))
    np.testing.assert_allclose(hn, (1 - z) * n + z * h)
    np.testing.assert_allclose(cell.last_gates["r"], r)
    rnn = RNNCell(2, 3, nonlinearity="relu", rng=rng)
    np.testing.assert_allclose(rnn.forward(x, h), np.maximum(
        x @ rnn.weight_ih.T + rnn.bias_ih + h @ rnn.weight_hh.T + rnn.bias_hh, 0))


def test_attention_weights_and_single_head_formula():
    rng = np.random.default_rng(7)
    mha = MultiHeadAttention(4, 2, rng=rng)
    x = rng.standard_normal((2, 3, 4))
    mha.forward(x, x, x, causal=True)
    A = mha.last_attention
    assert A.shape == (2, 2, 3, 3)
    np.testing.assert_allclose(A.sum(-1), 1)
    assert np.all(A[..., np.triu_indices(3, 1)[0], np.triu_indices(3, 1)[1]] == 0)
    one = MultiHeadAttention(4, 1, rng=rng)
    W, Wo = one.in_proj_weight, one.out_proj_weight
    Q, K, V = x @ W[:4].T, x @ W[4:8].T, x @ W[8:].T
    S = Q @ K.transpose(0, 2, 1) / 2.0
    P = np.exp(S) / np.exp(S).sum(-1, keepdims=True)
    np.testing.assert_allclose(one.forward(x, x, x), P @ V @ Wo.T, atol=1e-12)
    out, w = scaled_dot_product_attention(Q, K, V)
    np.testing.assert_allclose(w, P, atol=1e-12)
