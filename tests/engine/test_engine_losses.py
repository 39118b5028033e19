import math

import numpy as np
import pytest

from quizcli.engine import (binary_cross_entropy, gradcheck, log_softmax, mse, nll_loss,
                            softmax_cross_entropy)

rng = np.random.default_rng(7)


@pytest.mark.parametrize("shape", [(3,), (2, 4), (3, 2, 2)])
@pytest.mark.parametrize("convention", ["half_sum", "mean"])
def test_mse_gradcheck(shape, convention):
    y, t = rng.standard_normal(shape), rng.standard_normal(shape)
    assert gradcheck(lambda a, b: mse(a, b, convention=convention), (y, t)) < 1e-6


def test_mse_values():
    assert mse([1.0, 2.0], [0.0, 0.0])[0] == 2.5
    assert mse([1.0, 2.0], [0.0, 0.0], convention="mean")[0] == 2.5
    assert np.allclose(mse([1.0, 2.0], [0.0, 0.0], convention="mean")[1], [1.0, 2.0])


@pytest.mark.parametrize("shape", [(4,), (3, 2)])
@pytest.mark.parametrize("from_logits", [False, True])
def test_bce_gradcheck(shape, from_logits):
    z = rng.standard_normal(shape)
    p = z if from_logits else 1 / (1 + np.exp(-z))
    t = rng.uniform(0, 1, shape)
    assert gradcheck(lambda a, b: binary_cross_entropy(a, b, from_logits=from_logits), (p, t)) < 1e-6
    v1 = binary_cross_entropy(1 / (1 + np.exp(-z)), t)[0]
    v2 = binary_cross_entropy(z, t, from_logits=True)[0]
    assert abs(v1 - v2) < 1e-12


@pytest.mark.parametrize("n,c", [(1, 3), (4, 5)])
def test_softmax_ce_and_nll_gradcheck(n, c):
    z = rng.standard_normal((n, c))
    t = rng.integers(0, c, n)
    assert gradcheck(lambda a, b: softmax_cross_entropy(a, b), (z, t)) < 1e-6
    assert gradcheck(lambda a, b: softmax_cross_entropy(a, b, reduction="sum"), (z, t)) < 1e-6
    probs = rng.dirichlet(np.ones(c), n)
    assert gradcheck(lambda a, b: softmax_cross_entropy(a, b), (z, probs)) < 1e-6
    assert gradcheck(lambda a, b: nll_loss(a, b), (log_softmax(z), t)) < 1e-6
    assert abs(nll_loss(log_softmax(z), t)[0] - softmax_cross_entropy(z, t)[0]) < 1e-12


def test_softmax_ce_known_gradient():
    # y_hat = (0.34, 0.46, 0.20), true class = the first one (index 0):
    # dL/dz = y_hat - y = (-0.66, 0.46, 0.20)
    yhat = np.array([0.34, 0.46, 0.20])
    value, grad = softmax_cross_entropy(np.log(yhat), 0)
    np.testing.assert_allclose(grad, [-0.66, 0.46, 0.20], atol=1e-12)
    assert abs(value - (-math.log(0.34))) < 1e-12
    v2, g2 = softmax_cross_entropy(np.log(yhat)[None], np.array([0]))
    assert g2.shape == (1, 3) and abs(v2 - value) < 1e-12
