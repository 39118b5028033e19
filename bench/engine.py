"""Per-operation timings of quizcli.engine (run: python bench/engine.py).

Prints the best-of-N wall time in milliseconds for the operations a problem
verifier typically runs.  Budget: verifying one generated problem < 10 ms.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from quizcli.engine import (BatchNorm, Conv2d, ConvTranspose2d, Dense, GRUCell,  # noqa: E402
                            LSTMCell, MaxPool2d, MultiHeadAttention, Sequential, Activation,
                            Flatten, gradcheck, receptive_field, run_shape,
                            softmax_cross_entropy)


def best_ms(fn, repeat=7, number=None):
    """Best time of one call in ms, calling fn ``number`` times per repeat."""
    if number is None:
        t = time.perf_counter()
        fn()
        once = time.perf_counter() - t
        number = max(1, min(1000, int(0.02 / max(once, 1e-7))))
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t) / number)
    return best * 1e3


def main():
    rng = np.random.default_rng(0)
    x32 = rng.standard_normal((1, 3, 32, 32))
    conv = Conv2d(3, 16, 3, padding=1)
    y32 = conv.forward(x32)
    g32 = np.ones_like(y32)
    pool = MaxPool2d(2)
    pool.forward(y32)
    convt = ConvTranspose2d(16, 3, 4, stride=2, padding=1)
    x16 = rng.standard_normal((1, 16, 16, 16))
    lstm, gru = LSTMCell(32, 64), GRUCell(32, 64)
    xs, hs = rng.standard_normal((1, 32)), rng.standard_normal((1, 64))
    lstm.forward(xs, (hs, hs))
    mha = MultiHeadAttention(64, 8)
    xa = rng.standard_normal((1, 10, 64))
    mha.forward(xa, xa, xa)
    bn = BatchNorm(16)
    dense = Dense(8, 4)
    xd = rng.standard_normal((3, 8))
    logits, tgt = rng.standard_normal((32, 10)), rng.integers(0, 10, 32)
    cnn = Sequential(Conv2d(1, 6, 5), Activation("relu"), MaxPool2d(2), Conv2d(6, 16, 5),
                     Activation("relu"), MaxPool2d(2), Flatten(), Dense(16 * 5 * 5, 120))
    cases = [
        ("conv2d forward (1,3,32,32), 16 3x3 filters, pad 1", lambda: conv.forward(x32)),
        ("conv2d backward (same)", lambda: conv.backward(g32)),
        ("max_pool2d 2x2 forward (1,16,32,32)", lambda: pool.forward(y32)),
        ("conv_transpose2d forward (1,16,16,16) -> (1,3,32,32)", lambda: convt.forward(x16)),
        ("batchnorm forward (1,16,32,32)", lambda: bn.forward(y32)),
        ("LSTM step forward (1,32) h=64", lambda: lstm.forward(xs, (hs, hs))),
        ("LSTM step backward", lambda: lstm.backward(hs, hs)),
        ("GRU step forward (1,32) h=64", lambda: gru.forward(xs, hs)),
        ("attention forward (1,10,64), 8 heads", lambda: mha.forward(xa, xa, xa)),
        ("attention backward", lambda: mha.backward(xa)),
        ("softmax cross-entropy (32,10)", lambda: softmax_cross_entropy(logits, tgt)),
        ("run_shape LeNet-like stack (1,1,32,32)", lambda: run_shape(cnn, (1, 1, 32, 32))),
        ("receptive_field LeNet-like conv/pool stack", lambda: receptive_field(cnn.layers[:6])),
        ("gradcheck Dense(8,4) on (3,8)", lambda: gradcheck(dense, xd)),
    ]
    width = max(len(name) for name, _ in cases)
    print(f"quizcli.engine benchmark (numpy {np.__version__}), best-of-7 ms per call")
    for name, fn in cases:
        print(f"  {name:<{width}}  {best_ms(fn):8.3f} ms")


if __name__ == "__main__":
    main()
