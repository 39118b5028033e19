import subprocess
import sys
import time

import numpy as np
import pytest

from quizcli.engine import (Activation, AvgPool2d, BatchNorm, Conv2d, Dense, Flatten, LSTMCell,
                            MaxPool2d, Sequential, conv2d, gradcheck, receptive_field, run_shape,
                            sgd_step, trace_shapes)


@pytest.mark.parametrize("layers,rf,jump", [
    ([Conv2d(1, 1, 3)], (3, 3), (1, 1)),
    ([Conv2d(1, 1, 3), Conv2d(1, 1, 3)], (5, 5), (1, 1)),
    ([Conv2d(1, 1, 3), MaxPool2d(2), Conv2d(1, 1, 3)], (8, 8), (2, 2)),
    ([Conv2d(1, 1, 3, dilation=2)], (5, 5), (1, 1)),
    ([Conv2d(3, 8, 7, stride=2, padding=3), BatchNorm(8), Activation("relu"),
      MaxPool2d(3, 2, 1)], (11, 11), (4, 4)),
    ([Conv2d(1, 1, (3, 5), stride=(1, 2)), AvgPool2d(2)], (4, 7), (2, 4)),
])
def test_receptive_field_by_probing(layers, rf, jump):
    assert receptive_field(layers) == rf
    assert receptive_field(Sequential(*layers), return_jump=True) == (rf, jump)


def test_receptive_field_rejects_dense():
    with pytest.raises(TypeError):
        receptive_field([Conv2d(1, 1, 3), Flatten(), Dense(4, 2)])


def test_run_shape_has_no_side_effects():
    bn = BatchNorm(3)
    assert run_shape(bn, (1, 3)) == (1, 3)
    assert np.all(bn.running_mean == 0) and bn.training
    assert run_shape(LSTMCell(3, 4), (2, 3)) == ((2, 4), (2, 4))


def test_trace_shapes():
    m = Sequential(Conv2d(3, 8, 3, padding=1), Activation("relu"), MaxPool2d(2), Flatten(),
                   Dense(8 * 16 * 16, 10))
    rows = trace_shapes(m, (1, 3, 32, 32))
    assert [r["output_shape"] for r in rows] == [(1, 8, 32, 32), (1, 8, 32, 32), (1, 8, 16, 16),
                                                (1, 2048), (1, 10)]
    assert [r["params"] for r in rows] == [224, 0, 0, 0, 20490]


def test_sgd_step_updates_in_place():
    d = Dense(2, 1)
    w0, b0 = d.weight.copy(), d.bias.copy()
    x = np.array([[1.0, 2.0]])
    d.forward(x)
    d.backward(np.array([[1.0]]))
    sgd_step([d], 0.1)
    np.testing.assert_allclose(d.weight, w0 - 0.1 * x)
    np.testing.assert_allclose(d.bias, b0 - 0.1)
    with pytest.raises(KeyError):
        sgd_step(Dense(2, 2), 0.1)


def test_gradcheck_does_not_modify_inputs():
    x = np.random.default_rng(0).standard_normal((2, 3))
    x0 = x.copy()
    errs = gradcheck(Dense(3, 2), x, details=True)
    assert set(errs) == {"input0", "weight", "bias"}
    assert np.array_equal(x, x0)


def test_verification_is_fast():
    x = np.random.default_rng(0).standard_normal((1, 3, 32, 32))
    w = np.random.default_rng(1).standard_normal((16, 3, 3, 3))
    cell = LSTMCell(10, 20)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        conv2d(x, w, padding=1)
        run_shape(Conv2d(3, 16, 3, stride=2), (1, 3, 7, 7))
        cell.forward(np.ones((1, 10)))
        best = min(best, time.perf_counter() - t)
    assert best < 0.010


def test_engine_imports_only_numpy():
    code = ("import sys, quizcli.engine; bad = [m for m in ('torch', 'scipy', 'sympy') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={"PYTHONPATH": str(__import__('pathlib').Path(__file__).parents[2])})
    assert r.returncode == 0, r.stdout + r.stderr
