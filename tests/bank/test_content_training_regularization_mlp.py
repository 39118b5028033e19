"""Content tests for the training, regularization and mlp topics (author c5).

1. search: exam-style questions in both languages find the intended concept first;
2. reachability: every syllabus concept of these topics is found first by its English and
   by its Chinese name;
3. formulas and worked numbers in the bank are checked numerically (finite differences,
   simulation, counting), and every symbolic model answer is checked against an
   independent definition.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from bank_text import num, states
from quizcli.bank.search import search
from quizcli.grading.symbolic import grade_symbolic

TOPICS = ("training", "regularization", "mlp")


def top(bank, query: str) -> str | None:
    hits = search(bank, query)
    return hits[0].concept_id if hits else None


# --------------------------------------------------------------------------- 1. search

SEARCH_CASES = [
    # training, English
    ("Briefly describe the idea of the backpropagation algorithm", "backpropagation"),
    ("Derive the gradient of softmax with cross-entropy loss with respect to the logits", "softmax_ce_gradient"),
    ("Why is mini-batch gradient descent preferred over SGD and batch gradient descent?", "minibatch_gd"),
    ("How is the error term delta of a hidden unit computed?", "delta_rule"),
    ("Why is minimizing the negative log-likelihood equivalent to maximum likelihood estimation?", "maximum_likelihood"),
    ("What is a computational graph?", "computational_graph"),
    ("Why is cross-entropy used instead of mean squared error for classification?", "cross_entropy"),
    ("What is stochastic gradient descent?", "sgd"),
    # training, Chinese
    ("简述反向传播算法的基本思想", "backpropagation"),
    ("推导 Softmax 与交叉熵损失对输入 z 的梯度", "softmax_ce_gradient"),
    ("什么是链式法则？", "chain_rule"),
    ("写出 sigmoid 输出层神经元的误差项 δ", "delta_rule"),
    ("为什么最小化交叉熵等价于最大似然估计？", "maximum_likelihood"),
    ("均方误差的公式是什么？", "mse_loss"),
    ("简述小批量梯度下降中批大小的选择", "minibatch_gd"),
    ("梯度下降法的参数更新公式是什么？", "gradient_descent"),
    # regularization, English
    ("What is dropout and how does it behave differently at training and test time?", "dropout"),
    ("Why can't dropout be applied directly to the recurrent connections of an RNN?", "dropout_in_rnn"),
    ("Why does L1 regularization produce sparse weights?", "l1_regularization"),
    ("Explain weight decay: how does the L2 penalty change the gradient update?", "weight_decay"),
    ("What is label smoothing?", "label_smoothing"),
    ("Give examples of data augmentation for images", "data_augmentation"),
    ("Why does the noise of SGD act as an implicit regularizer?", "implicit_regularization"),
    # regularization, Chinese
    ("简述丢弃法在训练阶段和测试阶段的区别", "dropout"),
    ("试分析为什么不能在循环神经网络中的循环连接上直接应用丢弃法？", "dropout_in_rnn"),
    ("L1 正则化为什么能产生稀疏解？", "l1_regularization"),
    ("什么是权重衰减？", "weight_decay"),
    ("什么是标签平滑？", "label_smoothing"),
    ("数据增强有哪些常用方法？", "data_augmentation"),
    ("什么是正则化？", "regularization"),
    # mlp, English
    ("What is the universal approximation theorem?", "universal_approximation"),
    ("How are the layers of a neural network counted? Is the input layer counted?", "network_layers"),
    ("How many parameters does a fully connected layer have?", "fully_connected"),
    ("Write the batched forward pass of a hidden layer in matrix form", "batched_forward"),
    ("Which output activation and loss should be used for multi-class classification?", "output_layer_choice"),
    ("What is a feedforward neural network?", "feedforward_network"),
    ("What is a multilayer perceptron?", "mlp"),
    # mlp, Chinese
    ("简述通用近似定理的内容", "universal_approximation"),
    ("什么是前馈神经网络？它有什么特点？", "feedforward_network"),
    ("全连接层的参数量怎么计算？", "fully_connected"),
    ("神经网络的层数如何计算？输入层算不算一层？", "network_layers"),
    ("多分类任务的输出层应该用什么激活函数和损失函数？", "output_layer_choice"),
    ("写出批量前向计算的矩阵形式", "batched_forward"),
    ("什么是多层感知机？", "mlp"),
]


@pytest.mark.parametrize("query,expected", SEARCH_CASES)
def test_exam_question_finds_concept(bank, query, expected):
    assert top(bank, query) == expected, [m.concept_id for m in search(bank, query)]


# --------------------------------------------------------------------------- 2. reachability







def test_question_counts(bank):
    for t in TOPICS:
        qs = [q for q in bank.questions.values() if q.topic == t]
        assert len(qs) >= 20, (t, len(qs))
        assert sum(q.type == "symbolic" for q in qs) >= 3, t


# --------------------------------------------------------------------------- helpers

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def num_grad(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = h
        g.flat[i] = (f(x + d) - f(x - d)) / (2 * h)
    return g


# --------------------------------------------------------------------------- 3. training

def test_softmax_ce_gradient_is_yhat_minus_y(bank):
    rng = np.random.default_rng(0)
    for _ in range(5):
        z = rng.normal(size=4)
        y = np.eye(4)[rng.integers(4)]
        loss = lambda v: -np.sum(y * np.log(softmax(v)))
        assert np.allclose(num_grad(loss, z), softmax(z) - y, atol=1e-6)
    # also for soft targets summing to 1 (label smoothing)
    y = np.array([0.925, 0.025, 0.025, 0.025])
    z = rng.normal(size=4)
    loss = lambda v: -np.sum(y * np.log(softmax(v)))
    assert np.allclose(num_grad(loss, z), softmax(z) - y, atol=1e-6)
    states(bank, "softmax_ce_gradient", "$\\nabla_z L = \\hat y - y$",
           "This also holds for soft labels that sum to 1 (e.g. label smoothing)")


def test_notes_softmax_ce_example(bank):
    y_hat = np.array([0.34, 0.46, 0.20])
    y = np.array([1.0, 0.0, 0.0])
    assert np.allclose(y_hat - y, [-0.66, 0.46, 0.20])
    assert abs((y_hat - y).sum()) < 1e-12
    g = ", ".join(f"{v:.2f}" for v in y_hat - y)
    states(bank, "softmax_ce_gradient", f"$\\hat y = ({num(y_hat, digits=2)})$", f"= ({g})$", "It sums to 0")
    states(bank, "training.softmax_ce_example", f"= ({g})", "the components sum to 0")
    states(bank, "cross_entropy", f"$L = -\\ln 0.34 \\approx {-math.log(0.34):.3f}$",
           f"$-\\ln 0.9 \\approx {-math.log(0.9):.3f}$")


def test_softmax_jacobian(bank):
    z = np.array([0.3, -1.2, 2.0])
    p = softmax(z)
    jac = np.array([num_grad(lambda v, i=i: softmax(v)[i], z) for i in range(3)])
    assert np.allclose(jac, np.diag(p) - np.outer(p, p), atol=1e-6)
    states(bank, "softmax_ce_gradient", "$\\partial \\hat y_i/\\partial z_j = \\hat y_i(\\delta_{ij} - \\hat y_j)$",
           "$\\hat y_i(1-\\hat y_i)$ on the diagonal and $-\\hat y_i \\hat y_j$ off it")


def test_bce_gradient_and_mse_saturation(bank):
    for z in (-3.0, -0.5, 0.0, 1.7):
        for y in (0.0, 1.0, 0.3):
            bce = lambda v: -(y * np.log(sigmoid(v[0])) + (1 - y) * np.log(1 - sigmoid(v[0])))
            assert np.isclose(num_grad(bce, [z])[0], sigmoid(z) - y, atol=1e-6)
    # MSE on a saturated wrong sigmoid has a tiny gradient, BCE does not
    z, y = -8.0, 1.0
    mse = lambda v: 0.5 * (y - sigmoid(v[0])) ** 2
    assert abs(num_grad(mse, [z])[0]) < 1e-3 < abs(sigmoid(z) - y)
    states(bank, "softmax_ce_gradient", "$\\partial L/\\partial z = \\sigma(z) - y$")
    states(bank, "training.bce_logit_gradient", "σ(z) − y")
    states(bank, "mse_loss", "its gradient contains $\\sigma'(z)$, which vanishes when the unit saturates on a wrong answer")


def test_delta_rule_output_and_hidden(bank):
    """A 2-2-2 sigmoid net with E = 1/2 sum (t - o)^2: delta = -dE/dnet matches the formulas."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=2)
    W1, W2 = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    t = np.array([1.0, 0.0])

    def forward(W1, W2):
        h = sigmoid(W1 @ x)
        return h, sigmoid(W2 @ h)

    h, o = forward(W1, W2)
    delta_out = (t - o) * o * (1 - o)
    delta_hid = h * (1 - h) * (W2.T @ delta_out)
    E = lambda W1_, W2_: 0.5 * np.sum((t - forward(W1_, W2_)[1]) ** 2)
    gW2 = num_grad(lambda w: E(W1, w.reshape(2, 2)), W2.ravel()).reshape(2, 2)
    gW1 = num_grad(lambda w: E(w.reshape(2, 2), W2), W1.ravel()).reshape(2, 2)
    # dE/dw_ji = -delta_j x_ji, so the update w += eta * delta * x is gradient descent
    assert np.allclose(gW2, -np.outer(delta_out, h), atol=1e-6)
    assert np.allclose(gW1, -np.outer(delta_hid, x), atol=1e-6)
    states(bank, "delta_rule", "$\\delta = -\\partial E/\\partial net$", "$\\delta_k = (t_k - o_k)\\,o_k(1-o_k)$",
           "$\\delta_j = o_j(1-o_j)\\sum_{k} \\delta_k w_{kj}$", "w_ji += η δ_j x_ji")


def test_delta_rule_worked_numbers(bank):
    d = (1 - 0.7) * 0.7 * 0.3
    assert math.isclose(d, 0.063)
    assert math.isclose(0.5 * d * 1.0, 0.0315)
    assert math.isclose(0.6 * 0.4 * d * 0.5, 0.00756)
    states(bank, "delta_rule", "$t = 1$, $o = 0.7$", f"$\\delta = 0.3\\cdot 0.7\\cdot 0.3 = {d:.3f}$",
           f"$0.5\\cdot {d:.3f} = {0.5 * d * 1.0:.4f}$", f"= 0.6\\cdot 0.4\\cdot {d:.3f}\\cdot 0.5 = {0.6 * 0.4 * d * 0.5:.5f}$")


def test_gradient_descent_example(bank):
    w = 3.0
    w1 = w - 0.1 * 2 * w
    assert math.isclose(w1, 2.4)
    assert math.isclose(w1 / w, 0.8)
    assert math.isclose((w - 1.1 * 2 * w) / w, -1.2)
    states(bank, "gradient_descent", "$L(w) = w^2$, $w_0 = 3$, $\\eta = 0.1$", f"The gradient is $2w = {2 * w:g}$",
           f"$w_1 = 3 - 0.1\\cdot 6 = {w1:g}$", f"multiplies $w$ by ${w1 / w:g}$",
           f"With $\\eta = 1.1$ each step multiplies $w$ by ${(w - 1.1 * 2 * w) / w:g}$")


def test_iterations_and_batches(bank):
    N, B = 50_000, 128
    assert N / B == 390.625
    assert math.ceil(N / B) == 391 and N // B == 390 and N - 390 * B == 80
    assert 10 * math.ceil(N / B) == 3910
    states(bank, "minibatch_gd", "$N = 50\\,000$, $B = 128$", f"$50\\,000/128 = {N / B}$",
           f"so {math.ceil(N / B)} iterations per epoch and {10 * math.ceil(N / B)} updates in 10 epochs",
           f"({N // B} per epoch if the incomplete batch is dropped)")
    states(bank, "batch_gd", "exactly 1 update per epoch", f"$B = 100$ makes {50_000 // 100}")


def test_sgd_single_example_gradient_is_unbiased(bank):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(7, 3)), rng.normal(size=7)
    w = rng.normal(size=3)
    per = [(X[i] @ w - y[i]) * X[i] for i in range(7)]
    full = X.T @ (X @ w - y) / 7
    assert np.allclose(np.mean(per, axis=0), full)
    states(bank, "sgd", "an **unbiased** estimate of the full gradient", "its expectation over a random $i$ is the batch gradient")
    states(bank, "training.sgd_unbiased", "E[∇L_i] = (1/N)Σ_i ∇L_i")


def test_computational_graph_and_chain_rule_examples(bank):
    w, x, b, y = 2.0, 3.0, 1.0, 5.0
    L = lambda v: (v[0] * x + b - y) ** 2
    assert L([w]) == 4.0
    assert np.isclose(num_grad(L, [w])[0], 12.0, atol=1e-5)
    f = lambda v: sigmoid(v[0] * 2.0)
    assert np.isclose(num_grad(f, [0.0])[0], 0.5, atol=1e-8)
    states(bank, "computational_graph", "$w = 2, x = 3, b = 1, y = 5$", f"$L = {L([w]):g}$",
           f"$\\partial L/\\partial w = 4\\cdot x = {num_grad(L, [w])[0]:.0f}$")
    states(bank, "chain_rule", "$L = \\sigma(wx)$ with $x = 2$, $w = 0$",
           f"\\frac14\\cdot 2 = {num_grad(f, [0.0])[0]:.1f}$")
    states(bank, "training.chain_rule_value", f"times x = 2 gives {num_grad(f, [0.0])[0]:.1f}")


def test_cross_entropy_entropy_plus_kl(bank):
    p = np.array([0.2, 0.5, 0.3])
    q = np.array([0.1, 0.6, 0.3])
    H = lambda a, b: -np.sum(a * np.log(b))
    kl = np.sum(p * np.log(p / q))
    assert np.isclose(H(p, q), H(p, p) + kl)
    assert not np.isclose(H(p, q), H(q, p))
    assert H(p, p) > 0
    states(bank, "cross_entropy", "$H(p,q) = H(p) + \\mathrm{KL}(p\\,\\|\\,q)$", "H(p, q) = −Σ p(x) log q(x)")


# --------------------------------------------------------------------------- 3. regularization

def test_weight_decay_update(bank):
    w, eta, lam, g = 2.0, 0.1, 0.5, 0.4
    grad = lambda v: g + lam * v  # d/dw [L + lam/2 w^2] with dL/dw = g
    assert math.isclose(w - eta * grad(w), (1 - eta * lam) * w - eta * g)
    assert math.isclose((1 - eta * lam) * w - eta * g, 1.86)
    assert math.isclose(w - eta * g, 1.96)
    pen = lambda v: lam / 2 * np.sum(v ** 2)
    v = np.array([0.3, -1.1])
    assert np.allclose(num_grad(pen, v), lam * v, atol=1e-6)
    states(bank, "weight_decay", "$w = 2$, $\\eta = 0.1$, $\\lambda = 0.5$, $\\nabla L = 0.4$",
           f"$w \\leftarrow {1 - eta * lam:g}\\cdot 2 - {eta * g:g} = {(1 - eta * lam) * w - eta * g:g}$",
           f"(without decay it would be ${w - eta * g:g}$)", "= (1 - \\eta\\lambda)\\,w - \\eta\\nabla L")
    states(bank, "regularization.weight_decay_step", f"= {(1 - eta * lam) * w:g} − {eta * g:g} = {(1 - eta * lam) * w - eta * g:g}")


def test_l1_drives_small_weight_to_zero_l2_does_not(bank):
    """Proximal (soft-threshold) L1 steps reach exactly 0; L2 steps only shrink."""
    w1 = w2 = 0.5
    eta, lam = 0.1, 1.0
    for _ in range(20):
        w1 = np.sign(w1) * max(abs(w1) - eta * lam, 0.0)   # L1, zero data gradient
        w2 = (1 - eta * lam) * w2                            # L2
    assert w1 == 0.0 and w2 > 0.0
    states(bank, "l1_regularization", "drives many weights exactly to zero", "weights only shrink towards 0",
           "is pushed all the way to 0 and stays there")


def test_inverted_dropout_expectation_and_example(bank):
    h = np.array([2.0, 4.0, 6.0, 8.0])
    p = 0.5
    assert np.array_equal(np.array([1, 0, 1, 0]) * h / (1 - p), [4.0, 0.0, 12.0, 0.0])
    kept = np.array([1, 0, 1, 0]) * h / (1 - 0.5)
    states(bank, "dropout", "$h = (2, 4, 6, 8)$ with mask $(1, 0, 1, 0)$",
           "becomes $(%s)$" % ", ".join(f"{v:g}" for v in kept), f"multiplied by ${1 / (1 - 0.2):g}$",
           "$\\mathbb{E}[h_i'] = (1-p)\\cdot\\frac{h_i}{1-p} + p\\cdot 0 = h_i$",
           "multiplied the weights by the keep probability $1-p$ at test time")
    # exact expectation over the Bernoulli mask
    for p in (0.1, 0.5, 0.8):
        assert np.allclose((1 - p) * h / (1 - p) + p * 0.0, h)
    # and by simulation
    rng = np.random.default_rng(3)
    m = rng.random((200_000, 4)) >= 0.3
    assert np.allclose((m * h / 0.7).mean(axis=0), h, rtol=0.02)
    # non-inverted dropout: training expectation is (1 - p) h, hence the test-time factor 1 - p
    assert np.allclose((m * h).mean(axis=0), 0.7 * h, rtol=0.02)


def test_recurrent_dropout_survival(bank):
    p, n = 0.5, 20
    under = math.floor(math.log10((1 - p) ** n)) + 1  # (1 - p)^n = 9.5e-7 is under 10^-6
    states(bank, "dropout_in_rnn", "probability about $(1-p)^n$", f"for $p = {p}$ and $n = {n}$ that is under $10^{{{under}}}$")


def test_label_smoothing_targets_and_bounded_logits(bank):
    K, eps = 4, 0.1
    y = np.eye(K)[0]
    ls = (1 - eps) * y + eps / K
    assert np.allclose(ls, [0.925, 0.025, 0.025, 0.025]) and math.isclose(ls.sum(), 1.0)
    # the CE optimum with smoothed targets is at finite logits: softmax(z) = ls for z = log(ls)
    z = np.log(ls)
    assert np.allclose(softmax(z) - ls, 0.0)
    assert math.isclose(z[0] - z[1], math.log(0.925 / 0.025))
    states(bank, "label_smoothing", "$\\tilde{y}_k = (1-\\varepsilon)\\,y_k + \\varepsilon/K$", f"$K = {K}$, $\\varepsilon = {eps}$",
           f"becomes ${ls[0]:.3f}$ for the true class and ${ls[1]:.3f}$ for each of the other three",
           "which is 0 at a finite logit gap, so the logits stay bounded")


# --------------------------------------------------------------------------- 3. mlp

def dense_params(widths):
    return sum(a * b + b for a, b in zip(widths, widths[1:]))


def test_dense_parameter_counts(bank):
    states(bank, "mlp.exam_parameter_count", f"784·256 + 256 = {784 * 256 + 256:,}", f"256·10 + 10 = {256 * 10 + 10:,}",
           f"{dense_params([784, 256, 10]):,}")
    assert dense_params([784, 256, 10]) == 203_530
    assert dense_params([784, 256, 128, 10]) == 235_146
    states(bank, "mlp.dense_param_count", f"{784 * 256:,}".replace(",", " "), f"{784 * 256 + 784:,}".replace(",", " "))  # no bias; per input
    states(bank, "batched_forward", f"{64 * 784 * 256:,}".replace(",", " "))
    states(bank, "mlp.fc_images", f"{1000 * 1000 * 3 * 1000 // 10**9}×10⁹")  # 1000 × 1000 × 3 inputs into 1000 units
    # the count matches an actual layer's arrays
    W, b = np.zeros((256, 784)), np.zeros(256)
    assert W.size + b.size == 200_960
    from quizcli.engine.layers import Dense

    assert sum(p.size for p in Dense(784, 256, rng=np.random.default_rng(0)).params.values()) == dense_params([784, 256])
    states(bank, "fully_connected", f"$784\\cdot 256 + 256 = {dense_params([784, 256]):,}$".replace(",", "\\,"),
           f"256 → 10 adds ${dense_params([256, 10]):,}$".replace(",", "\\,"),
           f"784–256–10 has ${dense_params([784, 256, 10]):,}$".replace(",", "\\,"),
           f"needs $3\\times 10^{round(math.log10(1000 * 1000 * 3 * 1000 / 3))}$ weights")
    states(bank, "mlp.dense_param_count", f"= 784·256 + 256 = {784 * 256:,} + 256 = {dense_params([784, 256]):,}".replace(",", " "),
           f"{784 * 256 + 784:,}".replace(",", " "))
    states(bank, "mlp.total_params_numeric", f"total {dense_params([784, 256, 10]):,}".replace(",", " "))
    states(bank, "batched_forward", "$n = 64$, $d = 784$, $h = 256$",
           f"$64\\cdot 784\\cdot 256 = {64 * 784 * 256:,}$".replace(",", "\\,"))


def test_deep_mlp_formula_matches_counting(bank):
    for d, h, q, k in [(3, 5, 2, 1), (784, 128, 10, 3), (10, 7, 4, 5)]:
        formula = d * h + h + (k - 1) * (h * h + h) + h * q + q
        assert formula == dense_params([d] + [h] * k + [q])
    states(bank, "mlp.deep_params_symbolic", "d*h + h + (k - 1)*(h*h + h) + h*q + q",
           "(d + 1)h", "k − 1 hidden-to-hidden layers of (h + 1)h each", "the output layer (h + 1)q")


def test_xor_network(bank):
    relu = lambda v: max(0.0, v)
    out = {(a, b): relu(a + b) - 2 * relu(a + b - 1) for a in (0, 1) for b in (0, 1)}
    assert out == {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}
    states(bank, "mlp", "$h_1 = \\mathrm{ReLU}(x_1 + x_2)$, $h_2 = \\mathrm{ReLU}(x_1 + x_2 - 1)$, $y = h_1 - 2h_2$",
           "which gives $%s$ on $%s$" % (", ".join(f"{v:g}" for v in out.values()),
                                        ", ".join(f"({a},{b})" for a, b in out)))


def test_linear_layers_collapse(bank):
    rng = np.random.default_rng(4)
    W1, b1, W2, b2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(2, 5)), rng.normal(size=2)
    x = rng.normal(size=3)
    assert np.allclose(W2 @ (W1 @ x + b1) + b2, (W2 @ W1) @ x + (W2 @ b1 + b2))
    states(bank, "mlp", "$W^{(2)}(W^{(1)}x + b^{(1)}) + b^{(2)} = Wx + b$ with $W = W^{(2)}W^{(1)}$",
           "any stack of linear layers is just one linear layer")
    states(bank, "mlp.why_nonlinear", "W2(W1x + b1) + b2 = (W2W1)x + (W2b1 + b2)")


def test_batched_forward_equals_per_example(bank):
    rng = np.random.default_rng(5)
    X, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=(1, 3))
    H = sigmoid(X @ W + b)
    assert H.shape == (6, 3)
    for i in range(6):
        assert np.allclose(H[i], sigmoid(X[i] @ W + b[0]))
    states(bank, "batched_forward", "H = σ(XW + b) with W of shape d×h and the bias b (1×h) broadcast over the rows",
           "giving H of shape n×h in one matrix product")


# --------------------------------------------------------------------------- symbolic answers

def _reference(qid):
    """Independent definitions of each symbolic answer, as functions of a dict of values."""
    def num(f, x, h=1e-6):
        return (f(x + h) - f(x - h)) / (2 * h)

    s = lambda v: 1 / (1 + math.exp(-v))
    return {
        "training.delta_output_symbolic": lambda v: -num(lambda n: 0.5 * (v["t"] - s(n)) ** 2, math.log(v["o"] / (1 - v["o"]))),
        "training.delta_hidden_symbolic": lambda v: v["o"] * (1 - v["o"]) * (v["d1"] * v["w1"] + v["d2"] * v["w2"]),
        "training.softmax_ce_two_logits": lambda v: num(lambda z1: -math.log(math.exp(z1) / (math.exp(z1) + math.exp(v["z2"]))), v["z1"]),
        "training.bce_logit_gradient": lambda v: num(lambda z: -(v["y"] * math.log(s(z)) + (1 - v["y"]) * math.log(1 - s(z))), v["z"]),
        "regularization.l2_update_symbolic": lambda v: v["w"] - v["eta"] * (v["g"] + num(lambda w: v["lambda_"] / 2 * w * w, v["w"])),
        "regularization.label_smoothing_symbolic": lambda v: (1 - v["epsilon"]) * 1 + v["epsilon"] / v["K"],
        "regularization.inverted_dropout_symbolic": lambda v: v["h"] / (1 - v["p"]),
        "regularization.standard_dropout_test_symbolic": lambda v: 1 - v["p"],
        "mlp.dense_params_symbolic": lambda v: v["n_in"] * v["n_out"] + v["n_out"],
        "mlp.one_hidden_params_symbolic": lambda v: dense_params([v["d"], v["h"], v["q"]]),
        "mlp.deep_params_symbolic": lambda v: dense_params([v["d"]] + [v["h"]] * int(v["k"]) + [v["q"]]),
        "mlp.batched_macs_symbolic": lambda v: v["n"] * v["d"] * v["h"],
    }[qid]


def _domain(qid, name, rng):
    if qid == "training.delta_output_symbolic" and name == "o":
        return rng.uniform(0.05, 0.95)
    if qid.startswith("mlp."):
        return rng.randint(1, 9) if name == "k" else rng.randint(1, 300)
    if name == "p":
        return rng.uniform(0.05, 0.9)
    if name == "K":
        return rng.randint(2, 10)
    return rng.uniform(-2, 2)


def test_symbolic_answers_match_definitions(bank):
    from quizcli.grading.symbolic import parse_expression
    import sympy

    rng = random.Random(7)
    qs = [q for q in bank.questions.values() if q.topic in TOPICS and q.type == "symbolic"]
    assert len(qs) >= 12
    for q in qs:
        ref = _reference(q.id)
        expr = parse_expression(q.answer, list(q.variables))
        f = sympy.lambdify([sympy.Symbol(v) for v in q.variables], expr, "math")
        for _ in range(6):
            vals = {v: _domain(q.id, v, rng) for v in q.variables}
            got = f(*[vals[v] for v in q.variables])
            assert math.isclose(got, ref(vals), rel_tol=1e-5, abs_tol=1e-6), (q.id, vals, got, ref(vals))


@pytest.mark.parametrize("qid,text,ok", [
    ("training.delta_output_symbolic", "o(1-o)(t-o)", True),
    ("training.delta_output_symbolic", "(o-t)*o*(1-o)", False),
    ("training.softmax_ce_two_logits", "sigmoid(z1-z2)-1", True),
    ("training.softmax_ce_two_logits", "-sigmoid(z2-z1)", True),
    ("training.softmax_ce_two_logits", "1-sigmoid(z1-z2)", False),
    ("training.bce_logit_gradient", "σ(z)-y", True),
    ("regularization.l2_update_symbolic", "(1-η*λ)*w-η*g", True),
    ("regularization.l2_update_symbolic", "(1-λ)*w-η*g", False),
    ("regularization.label_smoothing_symbolic", "1-ε+ε/K", True),
    ("regularization.label_smoothing_symbolic", "1-ε", False),
    ("regularization.inverted_dropout_symbolic", "h*(1-p)", False),
    ("mlp.dense_params_symbolic", "(n_in+1)*n_out", True),
    ("mlp.dense_params_symbolic", "n_in*n_out", False),
])
def test_symbolic_grading_of_typical_answers(bank, qid, text, ok):
    q = bank.questions[qid]
    res = grade_symbolic(text, q.answer, q.variables, substitutions=dict(q.substitutions))
    assert res.correct is ok, (qid, text, res)


def test_numeric_answers(bank):
    assert math.isclose(bank.questions["training.ce_value"].answer, round(-math.log(0.34), 3))
    assert bank.questions["training.graph_backward_value"].answer == 12
    assert bank.questions["regularization.weight_decay_step"].answer == pytest.approx((1 - 0.1 * 0.5) * 2 - 0.1 * 0.4)
    assert bank.questions["mlp.total_params_numeric"].answer == dense_params([784, 256, 10])
