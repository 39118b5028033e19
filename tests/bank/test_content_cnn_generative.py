"""Content tests for the `cnn` and `generative` topics of the bank.

1. search: exam-style questions (Chinese and English) find the intended concept first;
2. reachability: every syllabus concept of the two topics is found by its English and
   its Chinese name;
3. formulas and worked numbers in the entries, checked by computing them (NumPy, sympy,
   the engine's independent conv / pool / transposed-conv code), and the model answers
   of the symbolic and numeric questions checked against brute force.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from bank_text import states
from quizcli.bank.search import search
from quizcli.engine import functional as F
from quizcli.engine.layers import Conv2d, Dense, Flatten, MaxPool2d, Sequential
from quizcli.engine.tools import count_params, trace_shapes

TOPICS = ("cnn", "generative")


def _first(bank, query):
    hits = search(bank, query)
    return hits[0].concept_id if hits else None


# --------------------------------------------------------------------------- 1. search

SEARCH_ZH = [
    # cnn
    ("为什么池化层能带来一定的平移不变性？", "pooling"),
    ("卷积层的参数量如何计算？", "conv_params"),
    ("简述卷积神经网络中权值共享的含义及作用", "weight_sharing"),
    ("1×1 卷积有什么作用？", "conv_1x1"),
    ("残差网络为什么能解决网络退化问题？", "resnet"),
    ("简述 Inception 模块的结构和辅助分类器的作用", "inception"),
    ("卷积和互相关有什么区别？", "cross_correlation"),
    ("什么是空洞卷积？它有什么优点？", "dilated_conv"),
    ("转置卷积的输出尺寸如何计算？", "transposed_conv"),
    ("计算卷积层输出特征图的大小", "conv_output_size"),
    ("全连接网络处理图像有什么不足？", "fc_limits_images"),
    ("什么是感受野？两个3×3卷积的感受野是多少？", "receptive_field"),
    ("简述 TextCNN 的结构", "textcnn"),
    ("卷积的等变性与不变性有什么区别？", "equivariance"),
    ("零填充的作用是什么？", "padding"),
    # generative
    ("生成式模型与判别式模型有什么区别？", "generative_vs_discriminative"),
    ("简述自编码器的结构和损失函数", "autoencoder"),
    ("变分自编码器与自编码器有什么不同？", "vae"),
    ("变分自编码器的损失函数由哪两部分组成？", "vae"),
    ("为什么变分自编码器需要再参数化技巧？", "reparameterization"),
    ("简述生成对抗网络的训练过程", "gan"),
    ("什么是模式坍塌？", "gan"),
    ("GAN 中生成器和判别器分别起什么作用？", "gan"),
    ("条件生成对抗网络如何控制生成的类别？", "conditional_gan"),
]

SEARCH_EN = [
    # cnn
    ("What does a pooling layer do and why does it give translation invariance?", "pooling"),
    ("How many parameters does a convolutional layer have?", "conv_params"),
    ("Why are 1x1 convolutions used in Inception?", "conv_1x1"),
    ("Why do residual connections help train very deep networks?", "resnet"),
    ("What is the difference between convolution and cross-correlation?", "cross_correlation"),
    ("What is the receptive field of a neuron in a CNN?", "receptive_field"),
    ("What is a dilated convolution?", "dilated_conv"),
    ("How is the output size of a transposed convolution computed?", "transposed_conv"),
    ("What is the time complexity of a convolutional layer?", "conv_complexity"),
    ("Explain translation equivariance and invariance in CNNs", "equivariance"),
    ("What is weight sharing in a CNN?", "weight_sharing"),
    # generative
    ("What is the difference between generative and discriminative models?", "generative_vs_discriminative"),
    ("What is the loss function of an autoencoder?", "autoencoder"),
    ("Explain the loss of a variational autoencoder: reconstruction and KL term", "vae"),
    ("Why is the reparameterization trick needed?", "reparameterization"),
    ("What is the minimax objective of a GAN?", "gan"),
    ("What is the optimal discriminator of a GAN?", "gan"),
    ("What is mode collapse?", "gan"),
    ("How does a conditional GAN differ from a GAN?", "conditional_gan"),
]


@pytest.mark.parametrize("query,expected", SEARCH_ZH)
def test_search_zh(bank, query, expected):
    assert _first(bank, query) == expected


@pytest.mark.parametrize("query,expected", SEARCH_EN)
def test_search_en(bank, query, expected):
    assert _first(bank, query) == expected


def test_enough_search_queries_per_topic(bank):
    for lang_list in (SEARCH_ZH, SEARCH_EN):
        per_topic = {t: 0 for t in TOPICS}
        for _, cid in lang_list:
            per_topic[bank.concepts[cid].topic] += 1
        assert all(n >= 5 for n in per_topic.values()), per_topic


# --------------------------------------------------------------------- 2. reachability





def test_questions_per_topic(bank):
    for t in TOPICS:
        qs = [q for q in bank.questions.values() if q.id.startswith(t + ".")]
        assert len(qs) >= 20, (t, len(qs))
        for q in qs:
            for o in q.options or ():
                assert o.why is not None, (q.id, o.text.en)


# ------------------------------------------------------------- 3. formulas and numbers

def conv_out(n, k, p=0, s=1, d=1):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def windows_brute(n, k, p=0, s=1, d=1):
    """Count window start positions that fit entirely in the padded input."""
    span = d * (k - 1) + 1
    return sum(1 for start in range(0, n + 2 * p, s) if start + span <= n + 2 * p)


def test_conv_output_formula_against_brute_force_and_engine():
    rng = np.random.default_rng(0)
    for n in range(5, 14):
        for k in (1, 2, 3, 5):
            for p in (0, 1, 2):
                for s in (1, 2, 3):
                    for d in (1, 2):
                        if d * (k - 1) + 1 > n + 2 * p:
                            continue
                        o = conv_out(n, k, p, s, d)
                        assert o == windows_brute(n, k, p, s, d)
                        assert o == F.conv_output_size(n, k, s, p, d)
    x = rng.normal(size=(1, 2, 11, 11))
    w = rng.normal(size=(3, 2, 3, 3))
    assert F.conv2d(x, w, stride=2, padding=1).shape == (1, 3, conv_out(11, 3, 1, 2), conv_out(11, 3, 1, 2))


def test_worked_output_sizes(bank):
    assert conv_out(227, 11, 0, 4) == 55          # AlexNet conv1
    assert conv_out(224, 3, 1, 2) == 112          # floor matters: 223/2 = 111.5
    assert conv_out(32, 5) == 28                  # LeNet-5 C1
    states(bank, "conv_output_size", f"(227-11)/4+1 = {conv_out(227, 11, 0, 4)}",
           f"\\lfloor {224 + 2 - 3}/2 \\rfloor + 1 = {conv_out(224, 3, 1, 2)}",
           f"gives {conv_out(224, 3, 1, 2)}, not {(224 + 2 - 3) / 2 + 1}",
           f"$s = 1$: ${conv_out(32, 5)}$ (LeNet-5's first layer)")
    states(bank, "cnn.alexnet_conv1_output", "227", str(conv_out(227, 11, 0, 4)))
    assert conv_out(7, 3, 0, 2) == 3              # 7x7x3 image, 3x3 kernel, stride 2
    o = conv_out(7, 3, 0, 2)
    states(bank, "channels", "a $7\\times 7\\times 3$ image", "stride 2, no padding",
           f"gives a ${o}\\times {o}$ partial result", f"**one** ${o}\\times {o}\\times 1$ feature map")
    assert conv_out(224, 2, 0, 2) == 112          # 2x2 pooling halves
    states(bank, "pooling", "$2\\times2$ with stride 2", f"$224 \\to {conv_out(224, 2, 0, 2)}$")
    # narrow / equal-width / wide convolution for n = 5, k = 3
    assert [conv_out(5, 3, p) for p in (0, 1, 2)] == [3, 5, 7]
    widths = [conv_out(5, 3, p) for p in (0, 1, 2)]
    states(bank, "padding", "$n = 5$, $k = 3$ gives $%d$, $%d$ and $%d$" % tuple(widths))
    # no padding: ten 3x3 layers shrink 32 to 12
    n = 32
    for _ in range(10):
        n = conv_out(n, 3)
    assert n == 12
    states(bank, "padding", f"goes to ${conv_out(32, 3)}\\times{conv_out(32, 3)}$ after one $3\\times3$ layer",
           f"after ten such layers only ${n}\\times{n}$ is left")
    # dilation: effective kernel d(k-1)+1
    e2, e4 = (d * (3 - 1) + 1 for d in (2, 4))
    states(bank, "dilated_conv", "$k_{\\mathrm{eff}} = d(k-1)+1$", f"$d=2$ covers ${e2}\\times{e2}$",
           f"$d=4$ covers ${e4}\\times{e4}$")


def test_qiu_2d_convolution_example_and_flip():
    X = np.array([[1, 1, 1, 1, 1], [-1, 0, -3, 0, 1], [2, 1, 1, -1, 0],
                  [0, -1, 1, 2, 1], [1, 2, 1, 1, 1]], float)
    W = np.array([[1, 0, 0], [0, 0, 0], [0, 0, -1]], float)
    conv = F.conv2d(X[None, None], W[::-1, ::-1][None, None].copy())[0, 0]   # convolution = xcorr with flipped kernel
    assert np.array_equal(conv, [[0, -2, -1], [2, 2, 4], [-1, 0, 0]])
    xcorr = F.conv2d(X[None, None], W[None, None])[0, 0]
    assert np.array_equal(xcorr, -conv)           # for this kernel the flip negates
    # 1-D illustration in cross_correlation: (1,2,3) with (1,0,-1)
    x, w = np.array([1.0, 2, 3]), np.array([1.0, 0, -1])
    assert np.correlate(x, w, "valid")[0] == -2
    assert np.convolve(x, w, "valid")[0] == 2
    # convolution is commutative, cross-correlation is not
    a, b = np.array([1.0, 2, 0, -1]), np.array([3.0, -1, 2])
    assert np.allclose(np.convolve(a, b), np.convolve(b, a))
    assert not np.allclose(np.correlate(a, b, "full"), np.correlate(b, a, "full"))


def conv_params(k, c_in, c_out):
    return (k * k * c_in + 1) * c_out


def test_parameter_counts(bank):
    assert conv_params(3, 64, 128) == 73_856
    # the distractors: weights without biases; one bias per output position; one weight per channel pair
    states(bank, "cnn.params_bias_count", f"{conv_params(3, 64, 128):,}", f"{9 * 64 * 128:,}",
           f"{9 * 64 * 128 + 128 * 32 * 32:,}", f"{(9 + 1) * 128:,}")
    assert conv_params(11, 3, 96) == 34_944
    assert count_params(Conv2d(64, 128, 3, padding=1, rng=np.random.default_rng(0))) == 73_856
    assert count_params(Conv2d(3, 96, 11, stride=4, rng=np.random.default_rng(0))) == 34_944
    assert count_params(Conv2d(256, 64, 1, rng=np.random.default_rng(0))) == (256 + 1) * 64     # 1x1 conv
    # parameter count does not depend on the image size, output shape does
    layer = Conv2d(3, 4, 3, rng=np.random.default_rng(0))
    assert layer.forward(np.zeros((1, 3, 8, 8))).shape[2:] == (6, 6)
    assert layer.forward(np.zeros((1, 3, 20, 20))).shape[2:] == (18, 18)
    # fully connected layer on images
    states(bank, "fc_limits_images", f"{224 * 224 * 3:,}", f"{224 * 224 * 3 * 1000 / 1e8:.1f}\\times 10^8")
    states(bank, "cnn.fc_vs_conv_why", f"{224 * 224 * 3:,} weights per unit")
    fc = 32 * 32 * 64 * 32 * 32 * 128  # a dense layer between two 32×32 maps, 64 and 128 channels
    states(bank, "conv_params", f"$32\\times32\\times64$ map to a $32\\times32\\times128$ map: about ${fc / 1e9:.1f}\\times10^9$ weights")
    # VGG: three 3x3 vs one 7x7, two 3x3 vs one 5x5 (C channels, weights only)
    C = 7
    assert 3 * 9 * C * C == 27 * C * C < 49 * C * C
    assert 2 * 9 * C * C == 18 * C * C < 25 * C * C


def test_shape_trace_example():
    model = Sequential([
        Conv2d(3, 16, 3, padding=1, rng=np.random.default_rng(0)), MaxPool2d(2),
        Conv2d(16, 32, 3, padding=1, rng=np.random.default_rng(0)), MaxPool2d(2),
        Flatten(), Dense(8 * 8 * 32, 10, rng=np.random.default_rng(0)),
    ])
    rows = trace_shapes(model, (1, 3, 32, 32))
    assert [r["output_shape"] for r in rows] == [
        (1, 16, 32, 32), (1, 16, 16, 16), (1, 32, 16, 16), (1, 32, 8, 8), (1, 2048), (1, 10)]
    assert [r["params"] for r in rows] == [448, 0, 4640, 0, 0, 20_490]
    assert count_params(model) == 25_578


def _sci(x, digits):
    """x in the bank's scientific notation, e.g. 1.2\\times10^8."""
    e = math.floor(math.log10(x))
    return f"{x / 10 ** e:.{digits}f}\\times10^{e}"


def test_conv_cost_by_counting(bank):
    # count multiply-accumulates of a real small convolution loop
    m, k, c_in, c_out = 4, 3, 2, 5
    macs = 0
    for _ in range(c_out):
        for _ in range(m * m):
            macs += k * k * c_in
    assert macs == m ** 2 * k ** 2 * c_in * c_out
    alexnet = 55 ** 2 * 11 ** 2 * 3 * 96
    states(bank, "conv_complexity", "$M^2 \\cdot K^2 \\cdot C_{in} \\cdot C_{out}$",
           f"55²·11²·3·96 = {alexnet:,} ≈ {alexnet / 1e8:.2f}×10⁸")
    direct = 28 ** 2 * 25 * 192 * 32
    bottleneck = 28 ** 2 * 192 * 16 + 28 ** 2 * 25 * 16 * 32
    assert direct == 120_422_400 and bottleneck == 12_443_648
    assert 9 < direct / bottleneck < 10.5              # "about ten times less"
    states(bank, "conv_1x1", f"$28^2\\cdot 25\\cdot 192\\cdot 32 \\approx {_sci(direct, 1)}$",
           f"$28^2\\cdot 192\\cdot 16 + 28^2\\cdot 25\\cdot 16\\cdot 32 \\approx {_sci(bottleneck, 2)}$",
           "about ten times less")
    states(bank, "cnn.conv_1x1_uses", f"about {direct / 1e8:.1f}×10⁸ MACs",
           f"about {bottleneck / 1e7:.2f}×10⁷, roughly ten times less")


def test_pooling_output_and_no_params(bank):
    x = np.arange(2 * 56 * 56, dtype=float).reshape(1, 2, 56, 56)
    pool = MaxPool2d(2)
    assert pool.forward(x).shape == (1, 2, 28, 28)
    assert count_params(pool) == 0
    states(bank, "cnn.pool_params", f"{28 * 28 * 64:,}")
    # max pooling: local invariance to a shift that stays inside the window
    a = np.zeros((1, 1, 4, 4))
    a[0, 0, 0, 0] = 1.0
    b = np.zeros((1, 1, 4, 4))
    b[0, 0, 1, 1] = 1.0
    assert np.array_equal(F.max_pool2d(a, 2), F.max_pool2d(b, 2))


def test_convolution_is_equivariant_not_invariant():
    rng = np.random.default_rng(1)
    x = np.zeros((1, 1, 12, 12))
    x[0, 0, 3:6, 2:5] = rng.normal(size=(3, 3))
    w = rng.normal(size=(1, 1, 3, 3))
    shifted = np.roll(x, (2, 1), axis=(2, 3))
    y, ys = F.conv2d(x, w), F.conv2d(shifted, w)
    assert np.allclose(ys, np.roll(y, (2, 1), axis=(2, 3)))      # equivariance
    assert not np.allclose(ys, y)                                # not invariance


def receptive_field(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        r += d * (k - 1) * jump
        jump *= s
    return r


def probe_rf_1d(layers, n=64):
    """Which input positions influence the centre output: push a ones-kernel through."""
    dep = [{i} for i in range(n)]          # dependency sets of each position
    for k, s, d in layers:
        span = d * (k - 1) + 1
        dep = [set().union(*(dep[st + d * j] for j in range(k)))
               for st in range(0, len(dep) - span + 1, s)]
    centre = dep[len(dep) // 2]
    return max(centre) - min(centre) + 1


def test_receptive_field_recursion_against_probe(bank):
    cases = {
        ((3, 1, 1), (3, 1, 1)): 5,
        ((3, 1, 1),) * 3: 7,
        ((3, 1, 1), (2, 2, 1), (3, 1, 1)): 8,
        ((3, 1, 1), (3, 1, 2), (3, 1, 4)): 15,
    }
    for layers, expected in cases.items():
        assert receptive_field(layers) == expected
        assert probe_rf_1d(layers) == expected
    for L in range(1, 6):
        assert receptive_field(((3, 1, 1),) * L) == 1 + L * 2
    two, three = receptive_field(((3, 1, 1),) * 2), receptive_field(((3, 1, 1),) * 3)
    after_pool = receptive_field(((3, 1, 1), (2, 2, 1)))
    states(bank, "receptive_field", "$r_l = r_{l-1} + (k_l - 1)\\, j_{l-1}$",
           f"stride-1 convs: $1 + 2 + 2 = {two}$, three: ${three}$",
           f"$3$, then $3+1={after_pool}$, then ${after_pool} + 2\\cdot 2 = {receptive_field(((3, 1, 1), (2, 2, 1), (3, 1, 1)))}$",
           "r_L = 1 + L(k-1)")
    dilated = [receptive_field(((3, 1, 1), (3, 1, 2), (3, 1, 4))[:i]) for i in (1, 2, 3)]
    states(bank, "dilated_conv", "with $d = 1, 2, 4$ gives receptive fields $%d$, $%d$, $%d$" % tuple(dilated))


def transposed_conv_1d(y, w, s, p):
    n, k = len(y), len(w)
    full = np.zeros((n - 1) * s + k)
    for i, v in enumerate(y):
        full[i * s:i * s + k] += v * w
    return full[p:len(full) - p]


def test_transposed_conv_is_the_transpose_and_its_size():
    for n, k, s, p in [(4, 4, 2, 1), (2, 3, 1, 0), (3, 3, 2, 0), (5, 2, 2, 0)]:
        o = (n - 1) * s - 2 * p + k
        assert o == F.conv_transpose_output_size(n, k, s, p)
        w = np.arange(1.0, k + 1)
        # matrix of the forward convolution mapping size o to size n
        C = np.zeros((conv_out(o, k, p, s), o))
        for r in range(C.shape[0]):
            for j in range(k):
                col = r * s + j - p
                if 0 <= col < o:
                    C[r, col] = w[j]
        assert C.shape[0] == n
        y = np.random.default_rng(n).normal(size=n)
        assert np.allclose(transposed_conv_1d(y, w, s, p), C.T @ y)
        # zero insertion + padding k-1-p + ordinary convolution with the flipped kernel
        up = np.zeros((n - 1) * s + 1)
        up[::s] = y
        padded = np.pad(up, k - 1 - p)
        assert np.allclose(np.correlate(padded, w[::-1], "valid"), C.T @ y)
    x, wt = np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 4, 4))
    assert F.conv_transpose2d(x, wt, stride=2, padding=1).shape == (1, 1, 8, 8)


def test_dilated_kernel_span():
    for k in range(1, 6):
        for d in range(1, 5):
            taps = [d * j for j in range(k)]
            assert taps[-1] - taps[0] + 1 == d * (k - 1) + 1
    x = np.zeros((1, 1, 9, 9))
    assert F.conv2d(x, np.zeros((1, 1, 3, 3)), dilation=2).shape[2:] == (5, 5)   # 9 - 5 + 1
    assert F.conv2d(x, np.zeros((1, 1, 3, 3)), dilation=2, padding=2).shape[2:] == (9, 9)  # p = d(k-1)/2


def test_textcnn_feature_map_length(bank):
    n, d, h = 7, 5, 3
    x = np.random.default_rng(0).normal(size=(1, 1, n, d))
    out = F.conv2d(x, np.ones((4, 1, h, d)))
    assert out.shape == (1, 4, n - h + 1, 1)
    states(bank, "textcnn", f"{3 * 100}-dimensional")


# -- generative

def kl_gauss(mu, sigma):
    return 0.5 * (mu ** 2 + sigma ** 2 - math.log(sigma ** 2) - 1)


def test_vae_kl_closed_form_against_integration(bank):
    z = np.linspace(-20, 20, 100_001)
    for mu, sigma in [(0.7, 1.3), (1.0, 1.0), (0.0, 2.0), (-1.5, 0.4)]:
        q = np.exp(-(z - mu) ** 2 / (2 * sigma ** 2)) / (math.sqrt(2 * math.pi) * sigma)
        p = np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)
        mask = q > 1e-300
        numeric = float(np.sum(q[mask] * np.log(q[mask] / p[mask])) * (z[1] - z[0]))
        assert numeric == pytest.approx(kl_gauss(mu, sigma), abs=1e-6)
    assert kl_gauss(0, 1) == 0
    assert kl_gauss(1, 1) == pytest.approx(0.5)
    assert kl_gauss(0, 2) == pytest.approx(0.807, abs=5e-4)
    states(bank, "vae", "\\frac{1}{2}\\sum_j(\\mu_j^2 + \\sigma_j^2 - \\ln(\\sigma_j^2) - 1)",
           f"it is ${kl_gauss(0, 1):.0f}$ exactly when $\\mu = 0$, $\\sigma = 1$",
           f"$\\mu = 1$, $\\sigma = 1$ gives ${kl_gauss(1, 1):.1f}$")
    states(bank, "generative.kl_value", "μ = 0, σ = 2", f"½(3 − {math.log(4):.3f}) ≈ {kl_gauss(0, 2):.3f}")


def test_reparameterisation_distribution_and_gradient(bank):
    rng = np.random.default_rng(0)
    eps = rng.standard_normal(200_000)
    mu, sigma = 1.5, 0.7
    z = mu + sigma * eps
    assert z.mean() == pytest.approx(mu, abs=0.01)
    assert z.std() == pytest.approx(sigma, abs=0.01)
    states(bank, "reparameterization", f"$\\mu = 1$, $\\sigma = 2$, $\\epsilon = 0.5$ gives $z = {1 + 2 * 0.5:g}$",
           "z = \\mu + \\sigma \\odot \\epsilon", "$\\sigma = e^{v/2}$",
           "$\\partial z/\\partial v = \\frac{1}{2} e^{v/2}\\epsilon$")
    # dz/dv with v = log sigma^2, by finite differences
    f = lambda v, e: mu + math.exp(v / 2) * e
    for v, e in [(0.3, 1.2), (-1.0, -0.4)]:
        h = 1e-6
        fd = (f(v + h, e) - f(v - h, e)) / (2 * h)
        assert fd == pytest.approx(math.exp(v / 2) * e / 2, rel=1e-6)


def test_gan_optimal_discriminator_and_value(bank):
    grid = np.linspace(1e-6, 1 - 1e-6, 200_001)
    for a, b in [(0.3, 0.5), (2.0, 0.1), (1.0, 1.0)]:
        vals = a * np.log(grid) + b * np.log(1 - grid)
        assert grid[np.argmax(vals)] == pytest.approx(a / (a + b), abs=1e-5)
    # V(D*, G) = -log 4 + 2 JS(p_data || p_g) on discrete distributions
    rng = np.random.default_rng(3)
    for _ in range(5):
        pd, pg = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
        d = pd / (pd + pg)
        v = np.sum(pd * np.log(d)) + np.sum(pg * np.log(1 - d))
        m = (pd + pg) / 2
        js = 0.5 * np.sum(pd * np.log(pd / m)) + 0.5 * np.sum(pg * np.log(pg / m))
        assert v == pytest.approx(-math.log(4) + 2 * js)
    states(bank, "gan", "$D = a/(a+b)$", "V(D^*, G) = -\\log 4 + 2\\, \\mathrm{JS}(p_{\\mathrm{data}} \\| p_g)",
           f"$V = -\\log 4 \\approx {-math.log(4):.3f}$", "$D^* = 1/2$")
    # the numeric question: D* = 1/2 in both terms of V
    states(bank, "generative.gan_optimum_value", f"V = log(1/2) + log(1/2) = −log 4 ≈ {2 * math.log(0.5):.3f}")


# -- the model answers of the symbolic and numeric questions

def _eval(expr, **values):
    """Evaluate a bank answer string (our own, trusted text) numerically."""
    env = {"exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "__builtins__": {}}
    return eval(expr.replace("^", "**"), env, values)


def test_symbolic_model_answers_numerically(bank):
    """Each model answer agrees with an independent computation at several points
    (the sympy equivalence grading itself is tested by the grading tests)."""
    rng = np.random.default_rng(7)
    ans = {qid: bank.questions[qid].answer for qid in (
        "cnn.sym_output_size", "cnn.sym_params", "cnn.sym_cost", "cnn.sym_dilated",
        "cnn.sym_transposed", "generative.sym_optimal_d", "generative.sym_reparam_logvar",
        "generative.sym_reparam_grad", "generative.sym_kl_1d")}
    for n, k, p, s in [(227, 11, 0, 4), (9, 3, 1, 2), (13, 5, 2, 3), (32, 5, 0, 1)]:
        assert _eval(ans["cnn.sym_output_size"], n=n, k=k, p=p, s=s) == windows_brute(n, k, p, s)
        assert _eval(ans["cnn.sym_transposed"], n=n, k=k, p=p, s=s) == F.conv_transpose_output_size(n, k, s, p)
    for k, c_in, c_out in [(3, 2, 4), (5, 1, 3), (1, 6, 2)]:
        assert _eval(ans["cnn.sym_params"], k=k, c_in=c_in, c_out=c_out) == \
            count_params(Conv2d(c_in, c_out, k, rng=np.random.default_rng(0)))
        m = 4
        assert _eval(ans["cnn.sym_cost"], m=m, k=k, c_in=c_in, c_out=c_out) == m * m * k * k * c_in * c_out
    for k in range(1, 6):
        for d in range(1, 4):
            assert _eval(ans["cnn.sym_dilated"], k=k, d=d) == d * (k - 1) + 1
    for a, b in [(0.3, 0.5), (2.0, 0.1)]:
        grid = np.linspace(1e-6, 1 - 1e-6, 100_001)
        best = grid[np.argmax(a * np.log(grid) + b * np.log(1 - grid))]
        assert _eval(ans["generative.sym_optimal_d"], a=a, b=b) == pytest.approx(best, abs=1e-4)
    for _ in range(4):
        mu, v, eps = rng.normal(size=3)
        z = lambda vv: mu + math.sqrt(math.exp(vv)) * eps          # sigma = sqrt(variance)
        assert _eval(ans["generative.sym_reparam_logvar"], mu=mu, v=v, eps=eps) == pytest.approx(z(v))
        h = 1e-6
        fd = (z(v + h) - z(v - h)) / (2 * h)
        assert _eval(ans["generative.sym_reparam_grad"], mu=mu, v=v, eps=eps) == pytest.approx(fd, rel=1e-5)
    for mu, sigma in [(0.7, 1.3), (0.0, 2.0), (-1.5, 0.4)]:
        assert _eval(ans["generative.sym_kl_1d"], mu=mu, sigma=sigma) == pytest.approx(kl_gauss(mu, sigma))


def test_symbolic_formulas_match_brute_force():
    # output size where s divides (n + 2p - k); transposed conv; params via the engine
    for n, k, p, s in [(227, 11, 0, 4), (9, 3, 1, 2), (13, 5, 2, 3)]:
        assert (n + 2 * p - k) % s == 0
        assert (n + 2 * p - k) // s + 1 == windows_brute(n, k, p, s)
    for k, c_in, c_out in [(3, 2, 4), (5, 1, 3)]:
        assert count_params(Conv2d(c_in, c_out, k, rng=np.random.default_rng(0))) == (k * k * c_in + 1) * c_out


def test_numeric_answers(bank):
    expected = {
        "cnn.alexnet_conv1_output": conv_out(227, 11, 0, 4),
        "cnn.alexnet_conv1_params": conv_params(11, 3, 96),
        "cnn.receptive_field_stack": probe_rf_1d(((3, 1, 1), (2, 2, 1), (3, 1, 1))),
        "generative.gan_optimum_value": -math.log(4),
        "generative.kl_value": kl_gauss(0, 2),
    }
    for qid, value in expected.items():
        q = bank.questions[qid]
        assert float(q.answer) == pytest.approx(value, abs=2e-3), qid
