"""Hand-computed values and independent naive implementations."""

import numpy as np
import pytest

from quizcli.engine import (Activation, Conv2d, Dense, MaxPool2d, Sequential, avg_pool2d,
                            conv2d, conv_transpose2d, max_pool2d, mse, run_shape, sgd_step)


def naive_conv2d(x, w, b, stride, padding, dilation):
    """Textbook loops over every output pixel (the independent route)."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, ho, wo))
    for a in range(n):
        for f in range(o):
            for i in range(ho):
                for j in range(wo):
                    for u in range(kh):
                        for v in range(kw):
                            out[a, f, i, j] += np.dot(
                                xp[a, :, i * sh + u * dh, j * sw + v * dw], w[f, :, u, v])
            out[a, f] += b[f]
    return out


def test_d2l_cross_correlation():
    X = np.arange(9.0).reshape(1, 1, 3, 3)
    K = np.array([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 1, 2, 2)
    # 0*0+1*1+3*2+4*3 = 19, 1*0+2*1+4*2+5*3 = 25, ...
    np.testing.assert_array_equal(conv2d(X, K)[0, 0], [[19, 25], [37, 43]])


@pytest.mark.parametrize("stride,padding,dilation", [((1, 1), (0, 0), (1, 1)),
                                                     ((2, 1), (1, 2), (1, 1)),
                                                     ((1, 2), (2, 0), (2, 1))])
def test_conv2d_matches_naive_loops(stride, padding, dilation):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    np.testing.assert_allclose(conv2d(x, w, b, stride, padding, dilation),
                               naive_conv2d(x, w, b, stride, padding, dilation), atol=1e-12)


def test_conv_shapes():
    # 7x7x3 input, 3x3 kernel, stride 2, no padding -> floor((7-3)/2)+1 = 3
    assert run_shape(Conv2d(3, 16, 3, stride=2), (1, 3, 7, 7)) == (1, 16, 3, 3)
    assert run_shape(Conv2d(3, 8, 5, padding=2), (2, 3, 32, 32)) == (2, 8, 32, 32)
    assert run_shape(Conv2d(1, 1, 3, dilation=2), (1, 1, 9, 9)) == (1, 1, 5, 5)
    # output 8: (4-1)*2 - 2*1 + 3 + 1
    from quizcli.engine import ConvTranspose2d
    assert run_shape(ConvTranspose2d(1, 2, 3, stride=2, padding=1, output_padding=1),
                     (1, 1, 4, 4)) == (1, 2, 8, 8)
    assert run_shape(MaxPool2d(2, ceil_mode=True), (1, 1, 5, 5)) == (1, 1, 3, 3)
    assert run_shape(MaxPool2d(2), (1, 1, 5, 5)) == (1, 1, 2, 2)


def test_conv_transpose_is_adjoint_of_conv():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
    y = rng.standard_normal(conv2d(x, w, stride=2, padding=1).shape)
    lhs = np.sum(conv2d(x, w, stride=2, padding=1) * y)
    rhs = np.sum(x * conv_transpose2d(y, w, stride=2, padding=1))
    assert abs(lhs - rhs) < 1e-10
    # a single input pixel stamps the kernel: 1x1 input, 2x2 kernel -> the kernel
    k = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    np.testing.assert_array_equal(conv_transpose2d(np.ones((1, 1, 1, 1)), k)[0, 0], k[0, 0])


def test_pools_known_4x4():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(max_pool2d(x, 2)[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(avg_pool2d(x, 2)[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    X = np.arange(9.0).reshape(1, 1, 3, 3)  # d2l: 2x2 window, stride 1
    np.testing.assert_array_equal(max_pool2d(X, 2, stride=1)[0, 0], [[4, 5], [7, 8]])
    np.testing.assert_array_equal(avg_pool2d(X, 2, stride=1)[0, 0], [[2, 3], [5, 6]])
    # zero padding counts in the average (PyTorch count_include_pad=True)
    assert avg_pool2d(np.ones((1, 1, 2, 2)), 2, stride=2, padding=1)[0, 0, 0, 0] == 0.25
    # ceil_mode: overhanging windows average only what lies inside: (2+6)/2, (8+9)/2, 10
    np.testing.assert_array_equal(avg_pool2d(x[:, :, :3, :3], 2, ceil_mode=True)[0, 0],
                                  [[2.5, 4.0], [8.5, 10.0]])


def test_mazur_one_sgd_step():
    """Matt Mazur's "A Step by Step Backpropagation Example" (2-2-2 sigmoid, MSE ½).

    Forward:  net_h1 = .15*.05 + .20*.10 + .35 = .3775 -> out_h1 = .593269992
              net_h2 = .25*.05 + .30*.10 + .35 = .3925 -> out_h2 = .596884378
              net_o1 = .40*out_h1 + .45*out_h2 + .60 = 1.105905967 -> out_o1 = .751365070
              net_o2 = .50*out_h1 + .55*out_h2 + .60 = 1.224921404 -> out_o2 = .772928465
    E = ½(.01 - .751365070)² + ½(.99 - .772928465)² = .274811083 + .023560026 = .298371109
    dE/dw5 = (out_o1 - .01) * out_o1 (1 - out_o1) * out_h1 = .741365070 * .186815602 * .593269992
           = .082167041 -> w5 = .40 - .5 * .082167041 = .358916480
    dE/dw1 = [sum_o delta_o w_o,h1] * out_h1 (1 - out_h1) * i1 = .000438568 -> w1 = .149780716
    Mazur does not update the biases, so only the weights are compared (sgd_step also moves
    the biases, which does not affect the weight updates of this one step).
    """
    hidden, out = Dense(2, 2), Dense(2, 2)
    hidden.weight = [[0.15, 0.20], [0.25, 0.30]]   # rows: h1 <- (w1, w2), h2 <- (w3, w4)
    hidden.bias = [0.35, 0.35]
    out.weight = [[0.40, 0.45], [0.50, 0.55]]      # rows: o1 <- (w5, w6), o2 <- (w7, w8)
    out.bias = [0.60, 0.60]
    net = Sequential(hidden, Activation("sigmoid"), out, Activation("sigmoid"))
    y = net.forward(np.array([[0.05, 0.10]]))
    np.testing.assert_allclose(y, [[0.75136507, 0.772928465]], atol=1e-9)
    loss, grad = mse(y, [[0.01, 0.99]], convention="half_sum")
    assert abs(loss - 0.298371109) < 1e-9
    net.backward(grad)
    sgd_step(net, lr=0.5)
    np.testing.assert_allclose(out.weight, [[0.35891648, 0.408666186], [0.511301270, 0.561370121]],
                               atol=1e-8)
    np.testing.assert_allclose(hidden.weight, [[0.149780716, 0.19956143], [0.24975114, 0.29950229]],
                               atol=1e-8)
