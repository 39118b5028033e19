"""Content tests for the `optimization` and `normalization` topics of the bank.

1. search: exam-style questions (Chinese and English) find the intended concept first;
2. reachability: every syllabus concept of the two topics is found by its English and
   its Chinese name;
3. formulas and worked numbers in the entries, checked by computing them (NumPy, sympy,
   the engine), and the model answers of the symbolic / numeric questions checked by
   simulation.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from bank_text import states
from quizcli.bank.search import search

TOPICS = ("optimization", "normalization")


def _first(bank, query):
    hits = search(bank, query)
    return hits[0].concept_id if hits else None


# --------------------------------------------------------------------------- 1. search

SEARCH_ZH = [
    # optimization
    ("是否可以将网络的参数全部初始化为0？为什么？", "zero_init"),
    ("为什么神经网络的权重不能全部初始化为 0？", "zero_init"),
    ("简述 Xavier 初始化的思想及其适用的激活函数", "xavier_init"),
    ("为什么使用 ReLU 激活函数的网络要采用 He 初始化？", "he_init"),
    ("Adam 算法中为什么要进行偏差修正？", "adam"),
    ("梯度爆炸有哪些解决方法？", "exploding_gradient"),
    ("什么是梯度消失？如何缓解梯度消失？", "vanishing_gradient"),
    ("简述梯度截断的方法", "gradient_clipping"),
    ("动量法为什么能够加速收敛并减少震荡？", "momentum"),
    ("为什么要进行学习率预热？", "lr_schedule"),
    ("AdaGrad 算法的主要缺点是什么？", "adagrad"),
    ("RMSprop 算法是如何改进 AdaGrad 的？", "rmsprop"),
    ("为什么平坦最小值比尖锐最小值泛化能力更好？", "flat_minima"),
    ("参数初始化有哪几种方式？", "parameter_init"),
    ("什么是预训练初始化？", "pretrained_init"),
    ("Nesterov 加速梯度与动量法有什么区别？", "nesterov"),
    # normalization
    ("分析为什么批量归一化不能直接应用于循环神经网络？", "bn_in_rnn"),
    ("简述批量归一化的原理及其作用", "batch_norm"),
    ("批量归一化中可学习参数 γ 和 β 的作用是什么？", "batch_norm"),
    ("批量归一化在测试阶段如何计算均值和方差？", "batchnorm_inference"),
    ("层归一化与批量归一化有什么区别？", "layer_norm"),
    ("RMSNorm 与 LayerNorm 有什么不同？", "rms_norm"),
    ("实例归一化和组归一化分别在哪些维度上计算均值和方差？", "other_norms"),
]

SEARCH_EN = [
    # optimization
    ("Why can't all the weights of a neural network be initialised to zero?", "zero_init"),
    ("What goes wrong with all-zero initialization of an MLP?", "zero_init"),
    ("Explain Xavier initialisation and the activation functions it is designed for.", "xavier_init"),
    ("Why is He initialization used for ReLU networks?", "he_init"),
    ("Why does Adam use bias correction?", "adam"),
    ("How can exploding gradients be dealt with?", "exploding_gradient"),
    ("What is the vanishing gradient problem in deep sigmoid networks?", "vanishing_gradient"),
    ("How does gradient clipping by norm work?", "gradient_clipping"),
    ("How does momentum speed up gradient descent?", "momentum"),
    ("Why use learning rate warm-up at the start of training?", "lr_schedule"),
    ("What is the main drawback of AdaGrad?", "adagrad"),
    ("How does RMSProp improve on AdaGrad?", "rmsprop"),
    ("Why do flat minima generalise better than sharp minima?", "flat_minima"),
    ("What is Nesterov accelerated gradient?", "nesterov"),
    # normalization
    ("Why is batch normalization not applied directly in RNNs?", "bn_in_rnn"),
    ("Describe how batch normalization works during training.", "batch_norm"),
    ("How does batch norm compute its output at test time?", "batchnorm_inference"),
    ("What is the difference between batch norm and layer norm?", "layer_norm"),
    ("What is the difference between RMSNorm and layer normalization?", "rms_norm"),
    ("What is group normalization?", "other_norms"),
    ("Why does batch normalization fail with a batch size of one?", "batch_norm"),
]


@pytest.mark.parametrize("query,expected", SEARCH_ZH + SEARCH_EN)
def test_exam_question_finds_concept(bank, query, expected):
    assert _first(bank, query) == expected


def test_enough_search_queries_per_topic_and_language(bank):
    for queries in (SEARCH_ZH, SEARCH_EN):
        for t in TOPICS:
            assert sum(bank.concepts[cid].topic == t for _, cid in queries) >= 5


# --------------------------------------------------------------------- 2. reachability







def test_question_counts(bank):
    for t in TOPICS:
        qs = [q for q in bank.questions.values() if q.id.startswith(t + ".")]
        assert len(qs) >= 20, t
        kinds = {q.type for q in qs}
        assert {"short", "choice", "truefalse", "symbolic"} <= kinds, (t, kinds)


# ----------------------------------------------------------- 3. formulas and numbers

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _expr(bank, qid):
    """The model answer of a symbolic question as a Python function of its variables."""
    import sympy
    from quizcli.grading.symbolic import parse_expression

    q = bank.questions[qid]
    e = parse_expression(q.answer, list(q.variables))
    syms = [sympy.Symbol(v, real=True) for v in q.variables]
    f = sympy.lambdify(syms, e, "math")
    return lambda **kw: f(*[kw[v] for v in q.variables])


# ---- vanishing / exploding gradients

def test_sigmoid_derivative_at_most_quarter_and_depth_factors(bank):
    z = np.linspace(-10, 10, 20001)
    d = sigmoid(z) * (1 - sigmoid(z))
    assert d.max() == pytest.approx(0.25, abs=1e-9)
    assert z[d.argmax()] == pytest.approx(0.0, abs=1e-3)
    states(bank, "vanishing_gradient", f"\\sigma′(z) = \\sigma(z)(1-\\sigma(z)) \\leq 1/4$, with the maximum at $z = {abs(z[d.argmax()]):.0f}$",
           f"$(1/4)^{{10}} \\approx {0.25 ** 10 * 1e7:.1f} \\times 10^{{-7}}$")
    states(bank, "exploding_gradient", f"$1.5^{{50}} \\approx {1.5 ** 50 / 1e8:.1f} \\times 10^{{8}}$")


def test_deep_sigmoid_chain_gradient_shrinks(bank):
    # a chain of 10 scalar sigmoid units with weight 1: d out / d in = Π σ'(z_l) ≤ (1/4)^10
    rng = np.random.default_rng(0)
    for _ in range(20):
        x, grad = rng.normal(), 1.0
        for _ in range(10):
            a = sigmoid(x)
            grad *= a * (1 - a)
            x = a
        assert 0 < grad <= 0.25 ** 10
    states(bank, "vanishing_gradient", "$\\delta^{(l)} = f′(z^{(l)}) \\odot (W^{(l+1)})^{\\top} \\delta^{(l+1)}$",
           "shrink the gradient by $(1/4)^L$", "for $L = 10$")


# ---- gradient clipping

def clip_by_norm(g, theta):
    g = np.asarray(g, dtype=float)
    n = np.linalg.norm(g)
    return g * theta / n if n > theta else g


def test_clipping_examples(bank):
    assert np.allclose(clip_by_norm([3, 4], 1), [0.6, 0.8])
    assert np.allclose(clip_by_norm([3, 4], 10), [3, 4])
    by_value = np.clip([3, 4], -1, 1)                            # by value changes the direction
    states(bank, "gradient_clipping", "$(3, 4)$ with $c = 1$ becomes $(%s)$" % ", ".join(f"{v:g}" for v in by_value))
    states(bank, "optimization.clip_by_norm", "(3, 4)/5 = (%s)" % ", ".join(f"{v:g}" for v in clip_by_norm([3, 4], 1)),
           "(%s)" % ", ".join(f"{v:g}" for v in by_value), "That is clipping by value")  # the distractor
    f = _expr(bank, "optimization.clip_component")
    for g1, g2, th in [(3, 4, 1), (-2.0, 0.5, 0.3), (10, -7, 2.5)]:
        assert f(g1=g1, g2=g2, theta=th) == pytest.approx(clip_by_norm([g1, g2], th)[0])


# ---- momentum

def momentum_steps(grads, alpha, rho):
    d, out = 0.0, []
    for g in grads:
        d = rho * d - alpha * g
        out.append(d)
    return out


def test_momentum_unrolled_and_limit(bank):
    f = _expr(bank, "optimization.momentum_unrolled")
    for alpha, rho, g in [(0.1, 0.9, (1.0, -2.0, 0.5)), (0.03, 0.5, (3.0, 1.0, -1.0))]:
        d3 = momentum_steps(g, alpha, rho)[2]
        assert f(alpha=alpha, rho=rho, g1=g[0], g2=g[1], g3=g[2]) == pytest.approx(d3)
        # the unrolled sum  -α Σ ρ^k g_{t-k}
        assert d3 == pytest.approx(-alpha * sum(rho ** k * g[2 - k] for k in range(3)))
    # constant gradient: the step tends to -α g/(1-ρ) = -10 α g for ρ = 0.9
    assert momentum_steps([1.0] * 500, 0.01, 0.9)[-1] == pytest.approx(-0.1)


def test_nesterov_uses_lookahead_gradient(bank):
    # on f(θ) = θ²/2 (∇f = θ), Nesterov and plain momentum differ exactly by where ∇ is taken
    alpha, rho = 0.1, 0.9
    th_p = th_n = 5.0
    d_p = d_n = 0.0
    for _ in range(200):
        d_p = rho * d_p - alpha * th_p
        th_p += d_p
        d_n = rho * d_n - alpha * (th_n + rho * d_n)
        th_n += d_n
    assert abs(th_n) < abs(th_p) < 5.0        # both converge; the look-ahead damps faster
    states(bank, "nesterov", "\\Delta\\theta_t = \\rho\\,\\Delta\\theta_{t-1} - \\alpha\\, \\nabla L(\\theta_{t-1} + \\rho\\,\\Delta\\theta_{t-1})",
           "the result oscillates less than plain momentum")


# ---- AdaGrad, RMSProp, Adam

def adam(grads, alpha=1e-3, b1=0.9, b2=0.999, eps=1e-8, correct=True):
    m = v = 0.0
    steps, mhats = [], []
    for t, g in enumerate(grads, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh, vh = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if correct else (m, v)
        steps.append(-alpha * mh / (math.sqrt(vh) + eps))
        mhats.append(mh)
    return steps, mhats


def test_adam_first_step_is_lr_regardless_of_scale(bank):
    for g in (1e-3, 1.0, 250.0, 1e3):
        step = adam([g])[0][0]
        assert step == pytest.approx(-1e-3, rel=1e-4)
        assert adam([-g])[0][0] == pytest.approx(1e-3, rel=1e-4)
    # without bias correction: α (1-β1)/√(1-β2) ≈ 3.16 α
    assert abs(adam([1000.0], correct=False)[0][0]) == pytest.approx(3.16e-3, rel=1e-3)
    # correcting v but not m gives 0.1 α (the distractor 0.0001)
    m1, v1 = 0.1 * 1000.0, 1000.0 ** 2
    assert 1e-3 * m1 / math.sqrt(v1) == pytest.approx(1e-4)
    q = bank.questions["optimization.adam_first_step"]
    assert q.answer == 1                                          # option B, "0.001"
    assert q.options[1].text.en == "0.001"


def test_adam_bias_correction_formulas(bank):
    f = _expr(bank, "optimization.adam_second_step")
    for b1, g1, g2 in [(0.9, 1.0, 3.0), (0.5, -2.0, 0.7), (0.99, 4.0, -1.0)]:
        mhat2 = adam([g1, g2], b1=b1)[1][1]
        assert f(g1=g1, g2=g2, b=b1) == pytest.approx(mhat2)
    # m̂ is exact for a constant gradient
    assert adam([2.5] * 7)[1][-1] == pytest.approx(2.5)
    # how slowly the β2 correction fades
    b2 = 0.999
    states(bank, "adam", f"$0.999^{{1000}} \\approx {b2 ** 1000:.2f}$")
    states(bank, "optimization.tf_adam_correction", f"0.999^10 ≈ {1 - b2 ** 10:.2f}, so v_t is still about {1 / (1 - b2 ** 10):.0f} times too small",
           f"1 − 0.999^1000 ≈ {1 - b2 ** 1000:.2f}")


def test_adagrad_and_rmsprop_first_steps_and_decay(bank):
    alpha, eps = 0.01, 1e-8
    # AdaGrad: first step ≈ α sign(g); later steps shrink for a constant gradient
    G, steps = 0.0, []
    for g in [5.0] * 100:
        G += g * g
        steps.append(alpha * g / math.sqrt(G + eps))
    assert steps[0] == pytest.approx(alpha)
    assert all(a > b for a, b in zip(steps, steps[1:]))
    assert steps[-1] == pytest.approx(alpha / 10)              # α/√t
    states(bank, "adagrad", "$G_1 = g_1^2$, so the step is about $\\alpha\\,\\mathrm{sign}(g_1)$",
           "the effective learning rate decays monotonically", "G_t = \\sum_{\\tau=1}^{t} g_\\tau \\odot g_\\tau")
    # RMSProp: first step α/√(1-β) ≈ 3.16 α, then it settles at ≈ α for a constant gradient
    beta, G, steps = 0.9, 0.0, []
    for g in [5.0] * 200:
        G = beta * G + (1 - beta) * g * g
        steps.append(alpha * g / math.sqrt(G + eps))
    assert steps[0] == pytest.approx(alpha / math.sqrt(0.1)) == pytest.approx(3.1623 * alpha, rel=1e-4)
    assert steps[-1] == pytest.approx(alpha, rel=1e-6)
    states(bank, "rmsprop", f"the first is α/√(1−β) ≈ {steps[0] / alpha:.2f}α for β = 0.9",
           f"last $1/(1-\\beta)$ steps ({1 / (1 - 0.9):.0f} steps for $\\beta = 0.9$)",
           "G_t = \\beta\\, G_{t-1} + (1-\\beta)\\, g_t \\odot g_t")


# ---- learning-rate schedules

def test_lr_schedules(bank):
    step = lambda t: 0.1 * 0.1 ** (t // 30)
    assert step(65) == pytest.approx(0.001)
    assert bank.questions["optimization.step_decay_value"].answer == pytest.approx(step(65))
    assert [step(0), step(30), step(60)] == pytest.approx([0.1, 0.01, 0.001])
    cos = lambda t, T, lo, hi: lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * t / T))
    assert cos(0, 100, 0.001, 0.1) == pytest.approx(0.1)
    assert cos(100, 100, 0.001, 0.1) == pytest.approx(0.001)
    assert cos(50, 100, 0.001, 0.1) == pytest.approx((0.1 + 0.001) / 2)
    warm = lambda t, Tw, lr: t / Tw * lr
    assert warm(500, 1000, 1e-3) == pytest.approx(5e-4)


# ---- initialisation

def test_fixed_value_biases(bank):
    assert sigmoid(1.0) == pytest.approx(0.73, abs=0.005)
    assert sigmoid(2.0) == pytest.approx(0.88, abs=0.005)
    states(bank, "parameter_init", "the LSTM forget-gate bias 1 or 2",
           f"($\\sigma(1) \\approx {sigmoid(1.0):.2f}$, $\\sigma(2) \\approx {sigmoid(2.0):.2f}$)")


def test_xavier_numbers_and_uniform_bound(bank):
    var = _expr(bank, "optimization.xavier_variance_formula")
    bound = _expr(bank, "optimization.xavier_uniform_bound")
    for a, b in [(256, 128), (784, 300), (10, 10)]:
        assert var(n_in=a, n_out=b) == pytest.approx(2 / (a + b))
        r = bound(n_in=a, n_out=b)
        assert r ** 2 / 3 == pytest.approx(2 / (a + b))         # Var(U(-r, r)) = r²/3
    assert bound(n_in=256, n_out=128) == pytest.approx(0.125)
    n_in, n_out = 256, 128
    states(bank, "xavier_init", f"$n_{{in}} = {n_in}$, $n_{{out}} = {n_out}$: $\\mathrm{{Var}}(w) = 2/{n_in + n_out} \\approx {2 / (n_in + n_out):.4f}$",
           f"$r = \\sqrt{{6/{n_in + n_out}}} = {math.sqrt(6 / (n_in + n_out)):.3f}$")
    w = np.random.default_rng(1).uniform(-0.125, 0.125, 400_000)
    assert w.var() == pytest.approx(2 / 384, rel=0.01)


def test_he_numbers(bank):
    var = _expr(bank, "optimization.he_conv_variance")
    assert var(c_in=64, k=3) == pytest.approx(2 / 576)
    n_in = 64 * 3 * 3                                            # a 3×3 conv with 64 input channels
    states(bank, "he_init", f"has $n_{{in}} = {n_in}$, variance $2/{n_in} \\approx {2 / n_in:.4f}$, std $\\approx {math.sqrt(2 / n_in):.3f}$",
           f"$n_{{in}} = 512$ gives std $\\sqrt{{2/512}} = {math.sqrt(2 / 512):.4f}$")
    assert bank.questions["optimization.he_std_value"].answer == pytest.approx(math.sqrt(2 / 128))
    # E[ReLU(z)²] = Var(z)/2 for symmetric z
    z = np.random.default_rng(2).normal(0, 1.7, 1_000_000)
    assert (np.maximum(z, 0) ** 2).mean() == pytest.approx(1.7 ** 2 / 2, rel=0.01)


def test_he_keeps_relu_variance_and_lecun_halves_it(bank):
    # one ReLU layer: Var(z_next) = n Var(w) E[ReLU(z)^2] = n Var(w) Var(z)/2
    rng = np.random.default_rng(3)
    n = 256
    z = rng.normal(0, 1.3, size=(1000, n))
    x = np.maximum(z, 0)
    for var_w, ratio in [(2 / n, 1.0), (1 / n, 0.5)]:           # He keeps it, LeCun/Xavier halves it
        W = rng.normal(0, math.sqrt(var_w), size=(n, n))
        assert (x @ W).var() / z.var() == pytest.approx(ratio, rel=0.05)
    # over 30 layers the halving compounds to 2^-30 ≈ 9.3e-10
    states(bank, "optimization.exam_he_init", f"$2^{{-30}}\\approx10^{{{round(math.log10(0.5 ** 30))}}}$")
    states(bank, "he_init", "\\mathbb{E}[x^2] = \\frac{1}{2}\\mathrm{Var}(z)",
           "\\frac{1}{2} n_{in}\\,\\mathrm{Var}(w)\\,\\mathrm{Var}(z^{(l-1)})", "$\\mathrm{Var}(w) = \\frac{2}{n_{in}}$",
           "a 30-layer ReLU network shrink by about a factor of 2 per layer in variance")


def _mlp_grads(W1, b1, W2, b2, X, Y, act):
    """Two-layer MLP, squared loss; returns gradients (dW1, db1, dW2, db2)."""
    f, df = act
    Z = X @ W1.T + b1
    H = f(Z)
    O = H @ W2.T + b2
    dO = (O - Y) / len(X)
    dW2, db2 = dO.T @ H, dO.sum(0)
    dZ = (dO @ W2) * df(Z)
    return dZ.T @ X, dZ.sum(0), dW2, db2


SIG = (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)))
TANH = (np.tanh, lambda z: 1 - np.tanh(z) ** 2)


def test_zero_init_symmetry_never_breaks(bank):
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(32, 3)), rng.normal(size=(32, 2))
    W1, b1, W2, b2 = np.zeros((4, 3)), np.zeros(4), np.zeros((2, 4)), np.zeros(2)
    dW1, db1, dW2, db2 = _mlp_grads(W1, b1, W2, b2, X, Y, SIG)
    assert np.all(dW1 == 0) and np.all(db1 == 0)                # first-layer gradient exactly 0
    assert np.abs(dW2).max() > 0                                 # sigmoid(0) = 0.5: W2 moves
    assert np.allclose(dW2, dW2[:, :1])                          # ... equally for every hidden unit
    for _ in range(200):
        g = _mlp_grads(W1, b1, W2, b2, X, Y, SIG)
        W1, b1, W2, b2 = (p - 0.5 * d for p, d in zip((W1, b1, W2, b2), g))
    assert np.abs(W1).max() > 1e-3                               # the first layer did learn ...
    assert np.allclose(W1, W1[:1]) and np.allclose(W2, W2[:, :1])  # ... but all units identical
    states(bank, "zero_init", "so the first-layer weights get exactly zero gradient on the first step",
           "with sigmoid, $h = \\sigma(0) = 0.5$, so only the output layer moves at first",
           "identical ones for every unit, so the symmetry persists")


def test_zero_init_with_tanh_only_output_bias_learns(bank):
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    W1, b1, W2, b2 = np.zeros((4, 3)), np.zeros(4), np.zeros((2, 4)), np.zeros(2)
    for _ in range(50):
        g = _mlp_grads(W1, b1, W2, b2, X, Y, TANH)
        W1, b1, W2, b2 = (p - 0.5 * d for p, d in zip((W1, b1, W2, b2), g))
    assert np.all(W1 == 0) and np.all(W2 == 0) and np.all(b1 == 0)
    assert np.abs(b2).max() > 0
    states(bank, "zero_init", "with tanh or ReLU, $h = 0$", "only the output bias ever learns")


def test_random_init_breaks_symmetry_and_zero_init_is_fine_for_logistic_regression(bank):
    rng = np.random.default_rng(6)
    X = rng.normal(size=(64, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) > 0).astype(float)
    w = np.zeros(3)
    for _ in range(300):
        w -= 0.5 * X.T @ (sigmoid(X @ w) - y) / len(X)
    acc = ((sigmoid(X @ w) > 0.5) == y).mean()
    assert acc > 0.95                                            # zero-initialised LR learns
    W1 = rng.normal(0, 0.5, (4, 3))
    g = _mlp_grads(W1, np.zeros(4), rng.normal(0, 0.5, (2, 4)), np.zeros(2), X, rng.normal(size=(64, 2)), TANH)
    assert not np.allclose(g[0], g[0][:1])                       # different units, different gradients
    states(bank, "zero_init", "logistic or linear regression, can be initialised to 0 without trouble",
           "Fixes: random initial weights")


# ---- batch norm

def bn(x, gamma=1.0, beta=0.0, eps=0.0):
    x = np.asarray(x, dtype=float)
    return gamma * (x - x.mean()) / np.sqrt(x.var() + eps) + beta


def test_batch_norm_worked_examples(bank):
    x = np.array([3, 9, 11, 17.0])
    assert x.mean() == 10 and x.var() == 25
    assert np.allclose(bn(x), [-1.4, -0.2, 0.2, 1.4])
    assert np.allclose(bn(x, 2, 0.5), [-2.3, 0.1, 0.9, 3.3])
    q = bank.questions["normalization.bn_forward_values"]
    xq = np.array([2, 4, 4, 4, 5, 5, 7, 9.0])
    assert xq.mean() == 5 and xq.std() == 2
    assert np.allclose(bn(xq, 3, 1), q.answer)
    # the same through the engine (eps = 1e-5 changes nothing at 1 % tolerance)
    from quizcli.engine.layers import BatchNorm

    layer = BatchNorm(1)
    layer.params["weight"][:] = 3
    layer.params["bias"][:] = 1
    assert np.allclose(layer.forward(xq.reshape(-1, 1)).ravel(), q.answer, rtol=1e-4, atol=1e-4)


def test_batch_norm_symbolic_output(bank):
    f = _expr(bank, "normalization.bn_output_formula")
    x = np.array([3, 9, 11, 17.0])
    for xi, yi in zip(x, bn(x, 2, 0.5, 1e-5)):
        assert f(x=xi, mu=10, var=25, eps=1e-5, gamma=2, beta=0.5) == pytest.approx(yi)


def test_batch_of_one_gives_beta():
    assert np.allclose(bn([7.3], gamma=2, beta=0.4, eps=1e-5), [0.4])
    from quizcli.engine.layers import BatchNorm

    with pytest.raises(ValueError):
        BatchNorm(3).forward(np.ones((1, 3)))


def test_conv_batch_norm_statistics_and_params():
    from quizcli.engine.layers import BatchNorm

    rng = np.random.default_rng(7)
    x = rng.normal(2.0, 3.0, size=(4, 64, 5, 5))
    y = BatchNorm(64).forward(x)
    assert np.allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-9)     # per channel over N, H, W
    assert np.allclose(y.var(axis=(0, 2, 3)), 1, atol=1e-3)
    assert sum(p.size for p in BatchNorm(64).params.values()) == 128


def test_running_statistics(bank):
    from quizcli.engine.layers import BatchNorm

    layer = BatchNorm(1)
    layer.forward(np.array([3, 9, 11, 17.0]).reshape(-1, 1))
    assert layer.running_mean[0] == pytest.approx(1.0)
    assert layer.running_var[0] == pytest.approx(0.9 + 0.1 * 100 / 3)
    assert layer.running_var[0] == pytest.approx(4.23, abs=0.005)

    layer = BatchNorm(1)
    layer.forward(np.array([1, 3, 5, 7.0]).reshape(-1, 1))
    assert layer.running_var[0] == pytest.approx(bank.questions["normalization.running_var_value"].answer, rel=1e-4)

    f = _expr(bank, "normalization.running_mean_two_batches")
    layer = BatchNorm(1, momentum=0.3)
    layer.forward(np.array([1.0, 3.0]).reshape(-1, 1))          # mean a = 2
    layer.forward(np.array([-4.0, 0.0]).reshape(-1, 1))         # mean b = -2
    assert f(m=0.3, a=2, b=-2) == pytest.approx(layer.running_mean[0])


def test_batch_norm_folding(bank):
    from quizcli.engine.layers import BatchNorm

    rng = np.random.default_rng(8)
    layer = BatchNorm(3)
    for _ in range(5):
        layer.forward(rng.normal(1.0, 2.0, size=(16, 3)))
    layer.params["weight"][:] = [0.5, 2.0, -1.0]
    layer.params["bias"][:] = [0.1, -0.3, 0.7]
    layer.eval()
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    X = rng.normal(size=(10, 4))
    ref = layer.forward(X @ W.T + b)
    g, be, mu, var, eps = layer.params["weight"], layer.params["bias"], layer.running_mean, layer.running_var, layer.eps
    Wf = (g / np.sqrt(var + eps))[:, None] * W
    bf = _expr(bank, "normalization.bn_fold_bias")
    bfold = np.array([bf(b=b[i], mu=mu[i], var=var[i], eps=eps, gamma=g[i], beta=be[i]) for i in range(3)])
    assert np.allclose(X @ Wf.T + bfold, ref)


def test_bias_before_batch_norm_is_redundant(bank):
    x = np.random.default_rng(9).normal(size=20)
    assert np.allclose(bn(x + 3.7, 1.5, 0.2, 1e-5), bn(x, 1.5, 0.2, 1e-5))
    states(bank, "batch_norm", "The bias $b$ of the affine map is redundant (the mean subtraction cancels it")


# ---- layer norm, RMSNorm, group / instance norm

def test_layer_norm_example():
    from quizcli.engine.layers import LayerNorm

    x = np.array([[2, 4, 4, 4, 5, 5, 7, 9.0]])
    expect = [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]
    assert np.allclose(LayerNorm(8, eps=0.0).forward(x), [expect])
    # same result whatever the rest of the batch is (batch independence)
    other = np.vstack([x, np.random.default_rng(10).normal(size=(3, 8))])
    assert np.allclose(LayerNorm(8, eps=0.0).forward(other)[0], expect)


def rms_norm(x, g=1.0, eps=0.0):
    x = np.asarray(x, dtype=float)
    return x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + eps) * g


def test_rms_norm(bank):
    assert np.allclose(rms_norm([1, 2, 2, 4]), [0.4, 0.8, 0.8, 1.6])
    rng = np.random.default_rng(11)
    x = rng.normal(size=6)
    assert np.allclose(rms_norm(3.5 * x), rms_norm(x))                     # scale invariant
    assert np.sqrt((rms_norm(x) ** 2).mean()) == pytest.approx(1.0)        # unit RMS
    xc = x - x.mean()
    assert np.allclose(rms_norm(xc, eps=1e-5), bn(xc, eps=1e-5))           # = LN (β = 0) at mean 0
    assert not np.allclose(rms_norm(x + 1), bn(x + 1))                     # differs otherwise
    f = _expr(bank, "normalization.rmsnorm_first_component")
    for v, g in [((1.0, 2.0, 2.0), 1.0), ((-0.5, 3.0, 1.2), 2.5)]:
        assert f(x1=v[0], x2=v[1], x3=v[2], g=g) == pytest.approx(rms_norm(v, g)[0])


def group_norm(x, G, eps=1e-5):
    N, C, H, W = x.shape
    xg = x.reshape(N, G, C // G, H, W)
    mu = xg.mean(axis=(2, 3, 4), keepdims=True)
    var = xg.var(axis=(2, 3, 4), keepdims=True)
    return ((xg - mu) / np.sqrt(var + eps)).reshape(N, C, H, W)


def test_group_norm_extremes():
    from quizcli.engine.layers import BatchNorm, LayerNorm

    x = np.random.default_rng(12).normal(size=(2, 6, 3, 3))
    ln = LayerNorm((6, 3, 3)).forward(x)
    inst = (x - x.mean(axis=(2, 3), keepdims=True)) / np.sqrt(x.var(axis=(2, 3), keepdims=True) + 1e-5)
    assert np.allclose(group_norm(x, 1), ln)
    assert np.allclose(group_norm(x, 6), inst)
    # BN in training mode on a single image = instance norm statistics
    assert np.allclose(BatchNorm(6).forward(x[:1]), inst[:1])


def test_symbolic_model_answers_grade_as_correct(bank):
    from quizcli.grading.symbolic import grade_symbolic

    qs = [q for q in bank.questions.values() if q.type == "symbolic" and q.id.split(".")[0] in TOPICS]
    assert len(qs) >= 6
    for q in qs:
        r = grade_symbolic(q.answer, q.answer, q.variables, substitutions=dict(q.substitutions))
        assert r.correct is True, q.id
