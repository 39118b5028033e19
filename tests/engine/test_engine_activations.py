import math

import numpy as np
import pytest

from quizcli.engine import (ACTIVATIONS, Activation, erf, gelu, gradcheck, hard_sigmoid,
                            relu_grad, sigmoid, sigmoid_grad, softmax, softplus_grad, step_grad,
                            tanh)

KINKS = {"step": [0], "relu": [0], "leaky_relu": [0], "prelu": [0], "elu": [0],
         "hard_tanh": [-1, 1], "hard_sigmoid": [-2, 2]}
XS = np.linspace(-5, 5, 1001)


def test_registry_ids_and_interface():
    assert set(ACTIVATIONS) == {"identity", "step", "sigmoid", "tanh", "hard_sigmoid",
                                "hard_tanh", "relu", "leaky_relu", "prelu", "elu",
                                "softplus", "gelu"}
    for key, act in ACTIVATIONS.items():
        assert act.id == key and isinstance(act.name, str) and act.name
        assert act.fn(XS).shape == XS.shape and act.grad(XS).shape == XS.shape


@pytest.mark.parametrize("key", sorted(ACTIVATIONS))
def test_derivative_matches_finite_differences(key):
    act = ACTIVATIONS[key]
    x = XS[np.all([np.abs(XS - k) > 1e-3 for k in KINKS.get(key, [])], axis=0)] \
        if key in KINKS else XS
    h = 1e-6
    fd = (act.fn(x + h) - act.fn(x - h)) / (2 * h)
    np.testing.assert_allclose(act.grad(x), fd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("key", ["sigmoid", "tanh", "gelu", "softplus", "elu"])
def test_activation_layer_gradcheck(key):
    x = np.random.default_rng(3).standard_normal((3, 4))
    assert gradcheck(Activation(key), x) < 1e-6


def test_parameters_and_defaults():
    x = np.array([-2.0, 3.0])
    assert np.allclose(ACTIVATIONS["leaky_relu"].fn(x), [-0.02, 3.0])
    assert np.allclose(ACTIVATIONS["prelu"].fn(x), [-0.5, 3.0])
    assert np.allclose(Activation("leaky_relu", slope=0.2).fn(x), [-0.4, 3.0])
    assert np.allclose(Activation("elu", alpha=2.0).fn([-1.0]), [2 * (math.exp(-1) - 1)])
    with pytest.raises(TypeError):
        Activation("relu", slope=0.1)


def test_identities():
    x = np.linspace(-4, 4, 81)
    np.testing.assert_allclose(tanh(x), 2 * sigmoid(2 * x) - 1, atol=1e-15)
    np.testing.assert_allclose(softplus_grad(x), sigmoid(x))
    assert sigmoid_grad(0.0) == 0.25 and sigmoid_grad(x).max() <= 0.25


def test_kink_conventions_and_hard_sigmoid():
    assert relu_grad(0.0) == 0.0
    assert np.all(step_grad(np.array([-1.0, 0.0, 1.0])) == 0)
    # nndl hard-logistic max(0, min(1, x/4 + 1/2)), not PyTorch's x/6 + 1/2
    np.testing.assert_allclose(hard_sigmoid([-3, -2, 0, 1, 2, 3]), [0, 0, 0.5, 0.75, 1, 1])


def test_gelu_exact_and_erf():
    for v in (-3.0, -0.5, 0.0, 0.7, 2.5):
        assert erf(v) == math.erf(v)
    assert abs(gelu(1.0) - 0.8413447460685429) < 1e-15


def test_softmax_known_values_and_stability():
    # the notes print 95.25 %, 4.71 %, 0.04 %: slightly off
    np.testing.assert_allclose(softmax([4.0, 1.0, -4.0]), [0.95227, 0.04741, 0.00032], atol=5e-6)
    np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    np.testing.assert_allclose(softmax(x, temperature=2.0), softmax(x / 2.0))
    np.testing.assert_allclose(softmax(x, axis=0).sum(axis=0), 1.0)
    assert np.allclose(softmax(x, temperature=1e6), 1 / 3, atol=1e-5)
