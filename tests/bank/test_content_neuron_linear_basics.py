"""Content tests for the `neuron`, `linear` and `basics` topics of the bank.

1. search: exam-style questions (Chinese and English) find the intended concept first;
2. reachability: every syllabus concept of the three topics is found by its English and
   its Chinese name;
3. formulas and worked numbers written in the entries, recomputed here with math / NumPy
   (finite differences for derivatives, brute force for separability, a literal PLA run),
   and the model answers of the symbolic and numeric questions checked against them;
4. house rules for these topics: every activation concept has its plot, every option of a
   choice question says why, enough symbolic items for `drill neuron --kind symbolic`.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from bank_text import num, states
from quizcli.bank.search import search
from quizcli.grading.symbolic import grade_symbolic, parse_expression

TOPICS = ("neuron", "linear", "basics")


def _first(bank, query):
    hits = search(bank, query)
    return hits[0].concept_id if hits else None


# --------------------------------------------------------------------------- 1. search

SEARCH_ZH = [
    # neuron
    ("简述 M-P 神经元模型的结构", "mp_neuron"),
    ("为什么神经网络需要非线性激活函数？", "activation_function"),
    ("Sigmoid 函数有哪些优缺点？", "sigmoid"),
    ("Sigmoid 函数导数的最大值是多少？", "sigmoid"),
    ("与 Sigmoid 相比，Tanh 函数有什么优点？", "tanh"),
    ("ReLU 函数的优缺点是什么？", "relu"),
    ("什么是死亡 ReLU 问题？如何解决？", "dying_relu"),
    ("Leaky ReLU 如何避免神经元死亡？", "leaky_relu"),
    ("PReLU 与 Leaky ReLU 有什么区别？", "prelu"),
    ("ELU 函数的表达式和特点", "elu"),
    ("Softplus 函数的导数是什么？", "softplus"),
    ("计算 logits 为 4、1、-4 时 Softmax 的输出", "softmax"),
    ("为什么非零中心化的输出会使梯度下降收敛变慢？", "bias_shift"),
    ("阶跃函数为什么不能用梯度下降训练？", "step_function"),
    ("多层网络都使用恒等激活函数会怎样？", "identity_activation"),
    ("如何把偏置并入权重？", "bias_trick"),
    ("Hard-Logistic 函数如何用分段函数近似 Logistic 函数？", "hard_sigmoid"),
    ("GELU 激活函数的定义是什么？", "gelu"),
    # linear
    ("简述感知机学习算法的更新规则", "perceptron"),
    ("为什么单层感知机不能解决异或问题？", "linear_separability"),
    ("Logistic 回归是分类模型还是回归模型？", "logistic_regression"),
    ("Softmax 回归为什么是线性模型？", "softmax_regression"),
    ("线性回归的损失函数和闭式解是什么？", "linear_regression"),
    ("比较线性回归、Logistic 回归、Softmax 回归和感知机", "linear_models_compared"),
    ("感知机的损失函数是什么？", "perceptron"),
    # basics
    ("训练集、验证集和测试集分别有什么作用？", "datasets"),
    ("机器学习的三要素是什么？", "ml_three_elements"),
    ("期望风险和经验风险有什么区别？", "empirical_risk"),
    ("什么是过拟合？如何防止过拟合？", "overfitting"),
    ("提前停止是如何防止过拟合的？", "early_stopping"),
    ("回归与分类有什么区别？", "regression_vs_classification"),
    ("为什么分类问题不直接使用 0-1 损失函数？", "loss_functions"),
    ("参数和超参数有什么区别？", "hyperparameters"),
    ("学习率过大或过小会有什么问题？", "learning_rate"),
    ("特征工程与表示学习有什么区别？", "representation_learning"),
]

SEARCH_EN = [
    # neuron
    ("What is the M-P neuron model?", "mp_neuron"),
    ("Why does a neural network need a nonlinear activation function?", "activation_function"),
    ("What is the maximum value of the derivative of the sigmoid?", "sigmoid"),
    ("Why is tanh preferred over sigmoid in hidden layers?", "tanh"),
    ("What are the advantages and disadvantages of ReLU?", "relu"),
    ("Why can a dead ReLU unit never recover?", "dying_relu"),
    ("How does Leaky ReLU differ from ReLU?", "leaky_relu"),
    ("What is the parametric ReLU?", "prelu"),
    ("What is the exponential linear unit?", "elu"),
    ("Show that the derivative of softplus is the sigmoid", "softplus"),
    ("Why do softmax outputs sum to one?", "softmax"),
    ("What is bias shift caused by non-zero-centred activations?", "bias_shift"),
    ("Why is the step function not used with gradient descent?", "step_function"),
    ("What happens if every layer uses the identity activation?", "identity_activation"),
    ("Which activation function is used in BERT and GPT?", "gelu"),
    # linear
    ("Describe the perceptron learning algorithm", "perceptron"),
    ("Why can a single perceptron not solve XOR?", "linear_separability"),
    ("Is logistic regression a classification or a regression model?", "logistic_regression"),
    ("Why is softmax regression a linear model?", "softmax_regression"),
    ("What is the normal equation of linear regression?", "linear_regression"),
    ("Compare linear regression, logistic regression, softmax regression and the perceptron",
     "linear_models_compared"),
    # basics
    ("What are the training, validation and test sets used for?", "datasets"),
    ("What are the three elements of machine learning?", "ml_three_elements"),
    ("What is the difference between expected risk and empirical risk?", "empirical_risk"),
    ("What is overfitting and how can it be prevented?", "overfitting"),
    ("How does early stopping work?", "early_stopping"),
    ("What is the difference between regression and classification?", "regression_vs_classification"),
    ("Why is the 0-1 loss not used for training?", "loss_functions"),
    ("What is the difference between parameters and hyperparameters?", "hyperparameters"),
    ("What happens if the learning rate is too large?", "learning_rate"),
    ("What is the difference between feature engineering and representation learning?",
     "representation_learning"),
]


@pytest.mark.parametrize("query,expected", SEARCH_ZH)
def test_search_zh(bank, query, expected):
    assert _first(bank, query) == expected


@pytest.mark.parametrize("query,expected", SEARCH_EN)
def test_search_en(bank, query, expected):
    assert _first(bank, query) == expected


def test_enough_search_queries_per_topic(bank):
    for queries in (SEARCH_ZH, SEARCH_EN):
        per_topic = {t: 0 for t in TOPICS}
        for _, cid in queries:
            per_topic[bank.concepts[cid].topic] += 1
        assert all(n >= 5 for n in per_topic.values()), per_topic


# ---------------------------------------------------------------------- 2. reachability







# --------------------------------------------------------------- 3. formulas and numbers

def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def softplus(x):
    return math.log1p(math.exp(x))


def elu(x, g=1.0):
    return x if x > 0 else g * (math.exp(x) - 1.0)


def gelu(x):
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


def hard_logistic(x):
    return max(min(0.25 * x + 0.5, 1.0), 0.0)


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


def d(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


XS = [-3.0, -1.2, -0.3, 0.0, 0.4, 1.0, 2.5]


def test_sigmoid_facts(bank):
    for x in XS:
        assert d(sigmoid, x) == pytest.approx(sigmoid(x) * (1 - sigmoid(x)), abs=1e-8)
        assert sigmoid(-x) == pytest.approx(1 - sigmoid(x))
    grid = np.linspace(-8, 8, 16001)
    slopes = [sigmoid(x) * (1 - sigmoid(x)) for x in grid]
    assert max(slopes) == pytest.approx(0.25) and abs(grid[int(np.argmax(slopes))]) < 1e-9
    # numbers quoted in the sigmoid body
    assert round(sigmoid(2), 3) == 0.881 and round(d(sigmoid, 2), 3) == 0.105
    states(bank, "sigmoid", "\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))", "\\sigma(-x) = 1 - \\sigma(x)",
           f"$0.5 \\cdot 0.5 = {max(slopes):.2f}$", f"$\\sigma = {sigmoid(2):.3f}$ and $\\sigma' = {d(sigmoid, 2):.3f}$")


def test_tanh_facts(bank):
    for x in XS:
        assert math.tanh(x) == pytest.approx(2 * sigmoid(2 * x) - 1, abs=1e-12)
        assert d(math.tanh, x) == pytest.approx(1 - math.tanh(x) ** 2, abs=1e-8)
    assert 2 * sigmoid(1.0) - 1 == pytest.approx(math.tanh(0.5))  # the "2σ(x) − 1" distractor
    assert d(math.tanh, 0.0) == pytest.approx(1.0)
    states(bank, "tanh", "$\\tanh(x) = 2\\sigma(2x) - 1$", "$\\tanh'(x) = 1 - \\tanh^2(x)$",
           f"equal to {d(math.tanh, 0.0):.0f} at $x = 0$",
           f"$\\tanh(1) = {math.tanh(1):.3f}$, $\\tanh'(1) = {1 - math.tanh(1) ** 2:.3f}$")


def test_hard_logistic_is_clipped_taylor_line(bank):
    # σ(0) + σ'(0)·x = 0.5 + 0.25x; clipped at x = ±2
    assert sigmoid(0) == 0.5 and d(sigmoid, 0) == pytest.approx(0.25)
    assert hard_logistic(-2) == 0 and hard_logistic(2) == 1
    for x in (-1.5, 0.3, 1.9):
        assert d(hard_logistic, x) == pytest.approx(0.25)
    for x in (-3, 2.5):
        assert d(hard_logistic, x) == pytest.approx(0.0)
    states(bank, "hard_sigmoid", f"\\sigma(0) + \\sigma'(0)x = {sigmoid(0)} + {d(sigmoid, 0):.2f}x",
           "slope $1/4$ on $(-2, 2)$", "equal to 0 for $x \\leq -2$ and 1 for $x \\geq 2$")
    from quizcli.engine.activations import hard_sigmoid, hard_sigmoid_grad

    for x in (-3.0, -2.0, -1.5, 0.0, 0.3, 1.9, 2.0, 2.5):  # the engine implements the same function
        assert float(hard_sigmoid(x)) == pytest.approx(hard_logistic(x))
        if abs(x) != 2.0:
            assert float(hard_sigmoid_grad(x)) == pytest.approx(d(hard_logistic, x))


def test_identity_layers_collapse(bank):
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2)
    x = rng.normal(size=3)
    assert np.allclose(W2 @ (W1 @ x + b1) + b2, (W2 @ W1) @ x + (W2 @ b1 + b2))
    states(bank, "identity_activation", "W₂(W₁x+b₁)+b₂ = (W₂W₁)x+(W₂b₁+b₂) = W'x+b'",
           "$L$ identity layers compute one affine map")


def test_mp_neuron_and_bias_trick(bank):
    w, theta = np.array([1.0, 1.0]), 1.5
    fires = {x: int(w @ np.array(x) - theta >= 0) for x in itertools.product((0, 1), repeat=2)}
    assert fires == {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1}  # AND
    firing = [x for x, y in fires.items() if y]
    states(bank, "mp_neuron", f"$w = (1, 1)$ and $\\theta = {theta}$", f"fires only for $x = {firing[0]}$",
           "logical AND", "y = f(\\sum_i w_i x_i - \\theta)", "$b = -\\theta$", "y = f(w^\\top x + b)")
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=5), rng.normal(size=5), 0.7
    assert np.dot(np.r_[b, w], np.r_[1.0, x]) == pytest.approx(w @ x + b)


def test_leaky_relu_prelu_elu(bank):
    g = 0.01
    leaky = lambda x: max(0.0, x) + g * min(0.0, x)  # noqa: E731
    assert leaky(3) == 3 and leaky(-2) == pytest.approx(-0.02)
    states(bank, "leaky_relu", f"$\\gamma = {g}$: $f(3) = {leaky(3):g}$, $f(-2) = {leaky(-2):.2f}$",
           "\\max(0, x) + \\gamma \\cdot \\min(0, x)", "For $0 < \\gamma < 1$ this equals $\\max(x, \\gamma x)$")
    for x in XS:
        assert leaky(x) == pytest.approx(max(x, g * x))
    # PReLU: ∂/∂γ [max(0,x) + γ min(0,x)] = min(0, x)
    for x in XS:
        f = lambda gg: max(0.0, x) + gg * min(0.0, x)  # noqa: E731
        assert d(f, 0.25) == pytest.approx(min(0.0, x), abs=1e-8)
    states(bank, "prelu", "$\\partial\\,\\mathrm{PReLU}/\\partial \\gamma_i = \\min(0, x)$")
    # ELU: derivative γeˣ = ELU(x) + γ on the negative side; numbers of the body
    for gamma in (0.5, 1.0, 2.0):
        for x in (-3.0, -1.0, -0.2):
            slope = d(lambda t: elu(t, gamma), x)
            assert slope == pytest.approx(gamma * math.exp(x), abs=1e-7)
            assert slope == pytest.approx(elu(x, gamma) + gamma, abs=1e-7)
    assert round(elu(-1), 3) == -0.632 and round(math.exp(-1), 3) == 0.368
    assert elu(-50, 1.0) == pytest.approx(-1.0)  # saturates at −γ
    states(bank, "elu", f"$\\mathrm{{ELU}}(-1) = e^{{-1}} - 1 = {elu(-1):.3f}$", f"slope $e^{{-1}} = {math.exp(-1):.3f}$",
           "$\\gamma e^x = \\mathrm{ELU}(x) + \\gamma$", "saturates to $-\\gamma$")


def test_softplus_facts(bank):
    for x in XS:
        assert d(softplus, x) == pytest.approx(sigmoid(x), abs=1e-8)
        assert softplus(x) - softplus(-x) == pytest.approx(x)
        assert -math.log(sigmoid(x)) == pytest.approx(softplus(-x))
        assert softplus(x) > max(0.0, x)
    assert softplus(0) == pytest.approx(math.log(2)) and round(math.log(2), 3) == 0.693
    states(bank, "softplus", f"$\\mathrm{{softplus}}(0) = \\ln 2 \\approx {softplus(0):.3f}$",
           "\\mathrm{softplus}(x) - \\mathrm{softplus}(-x) = x", "= \\sigma(x)$")


def test_gelu_facts(bank):
    assert round(gelu(1), 3) == 0.841 and round(gelu(-1), 3) == -0.159 and gelu(0) == 0
    grid = np.linspace(-3, 0, 30001)
    values = [gelu(x) for x in grid]
    i = int(np.argmin(values))
    assert round(values[i], 2) == -0.17 and abs(grid[i] + 0.75) < 0.01  # the dip
    states(bank, "gelu", f"$\\mathrm{{GELU}}(1) = {gelu(1):.3f}$", f"$\\mathrm{{GELU}}(-1) = {gelu(-1):.3f}$",
           f"a small dip to about ${values[i]:.2f}$ near $x \\approx {grid[i]:.2f}$",
           "$0.5x(1 + \\tanh(\\sqrt{2/\\pi}(x + 0.044715x^3)))$", "$x\\,\\sigma(1.702x)$")
    for x in XS:  # both approximations quoted in the entry
        tanh_approx = 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
        assert tanh_approx == pytest.approx(gelu(x), abs=1e-3)
        assert x * sigmoid(1.702 * x) == pytest.approx(gelu(x), abs=0.03)


def test_softmax_course_example(bank):
    p = softmax([4, 1, -4])
    assert np.round(p, 4).tolist() == [0.9523, 0.0474, 0.0003]
    assert np.round(100 * p, 2).tolist() == [95.23, 4.74, 0.03]
    assert np.round(100 * p, 2).tolist() != [95.25, 4.71, 0.04]  # the notes' misprint
    states(bank, "softmax", "logits $(4, 1, -4)$", f"$e^4 = {math.exp(4):.3f}$", f"$e^1 = {math.exp(1):.3f}$",
           f"$e^{{-4}} = {math.exp(-4):.3f}$", f"sum ${sum(map(math.exp, (4, 1, -4))):.3f}$",
           f"({num(p, digits=4)})", num(100 * p, digits=2, sep=" %, ") + " %",
           "95.25 %, 4.71 %, 0.04 %")  # the pitfall names the notes' misprint
    states(bank, "neuron.softmax_4_1_m4", f"e⁻⁴ = {math.exp(-4):.4f}", f"sum {sum(map(math.exp, (4, 1, -4))):.3f}",
           f"54.598/57.335 = {p[0]:.4f}", f"2.718/57.335 = {p[1]:.4f}", f"0.0183/57.335 = {p[2]:.4f}",
           *(f"{v:.5f}" for v in p))  # the model answer


def test_softmax_properties(bank):
    z = np.array([0.3, -1.2, 2.0, 0.5])
    s = softmax(z)
    assert s.sum() == pytest.approx(1.0) and (s > 0).all()
    assert np.allclose(softmax(z + 7.0), s)
    assert not np.allclose(softmax(2 * z), s)
    jac = np.empty((4, 4))
    for j in range(4):
        e = np.zeros(4)
        e[j] = 1e-6
        jac[:, j] = (softmax(z + e) - softmax(z - e)) / 2e-6
    assert np.allclose(jac, np.diag(s) - np.outer(s, s), atol=1e-8)
    assert np.allclose(np.diag(jac), s * (1 - s), atol=1e-8)
    z1, z2 = 1.3, -0.4
    assert softmax([z1, z2])[0] == pytest.approx(sigmoid(z1 - z2))
    states(bank, "softmax", "invariant to adding a constant", "$\\partial s_i / \\partial z_j = s_i(\\delta_{ij} - s_j)$",
           "$s_i(1 - s_i)$ on the diagonal", "$-s_i s_j$ off it", "= \\sigma(z_1 - z_2)$")


def test_bias_shift_same_sign_gradients(bank):
    rng = np.random.default_rng(2)
    x = 1 / (1 + np.exp(-rng.normal(size=6)))  # sigmoid outputs: all positive
    for delta in (-0.7, 0.4):
        grads = delta * x
        assert np.all(np.sign(grads) == np.sign(delta))
    states(bank, "bias_shift", "$\\partial L / \\partial w_i = \\delta\\, x_i$", "**all have the sign of $\\delta$**")


def test_linear_regression_example_and_gradient(bank):
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])  # bias column first
    y = np.array([1.0, 3.0, 5.0])
    b, w = np.linalg.solve(X.T @ X, X.T @ y)
    assert (w, b) == (pytest.approx(2.0), pytest.approx(1.0))
    pts = ", ".join(f"({x:g}, {t:g})" for x, t in zip(X[:, 1], y))
    states(bank, "linear_regression", f"the points ${pts}$ lie on $y = {w:.0f}x + {b:.0f}$",
           f"returns exactly $w = {w:.0f}$, $b = {b:.0f}$", "w^* = (X^\\top X)^{-1} X^\\top y",
           "$\\partial \\mathcal{L}/\\partial w = (\\hat{y} - y)\\,x$")
    w0, b0, x0, t = 0.3, -0.2, 1.7, 2.0
    loss = lambda ww: 0.5 * (ww * x0 + b0 - t) ** 2  # noqa: E731
    assert d(loss, w0) == pytest.approx((w0 * x0 + b0 - t) * x0, abs=1e-7)


def test_logistic_regression_example_and_gradient(bank):
    w, b, x = np.array([2.0, -1.0]), 0.5, np.array([1.0, 1.0])
    z = w @ x + b
    p = sigmoid(z)
    assert z == 1.5 and round(p, 3) == 0.818
    assert np.round((p - 1) * x, 3).tolist() == [-0.182, -0.182]
    states(bank, "logistic_regression", "$w = (2, -1)$, $b = 0.5$, $x = (1, 1)$", f"$z = {z}$",
           f"\\sigma({z}) = {p:.3f}$", "$(\\hat{y} - 1)x = (%s)$" % ", ".join(f"{g:.3f}" for g in (p - 1) * x),
           "\\log(\\hat{y}/(1 - \\hat{y})) = w^\\top x + b")

    def bce(wv, y):
        q = sigmoid(wv @ x + b)
        return -(y * math.log(q) + (1 - y) * math.log(1 - q))

    for y in (0, 1):
        num = np.array([(bce(w + e, y) - bce(w - e, y)) / 2e-6 for e in np.eye(2) * 1e-6])
        assert np.allclose(num, (p - y) * x, atol=1e-7)
    for q in (0.1, 0.5, 0.93):  # log-odds inverts the sigmoid
        assert sigmoid(math.log(q / (1 - q))) == pytest.approx(q)


def test_softmax_regression_gradient_params_and_two_classes(bank):
    rng = np.random.default_rng(3)
    W, b, x = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=4)
    y = np.array([0.0, 1.0, 0.0])

    def ce(Wm):
        return -float(np.log(softmax(Wm @ x + b)) @ y)

    num = np.zeros_like(W)
    for i, j in itertools.product(range(3), range(4)):
        E = np.zeros_like(W)
        E[i, j] = 1e-6
        num[i, j] = (ce(W + E) - ce(W - E)) / 2e-6
    assert np.allclose(num, np.outer(softmax(W @ x + b) - y, x), atol=1e-7)
    states(bank, "softmax_regression", "(\\hat{y} - y)x^\\top", f"$d = 784$, $C = 10$: ${10 * 784 + 10}$",
           "\\hat{y}_1 = \\sigma(z_1 - z_2)")
    states(bank, "linear.softmax_regression_params", f"10 × 785 = {10 * 784 + 10}", str(10 * 784 + 10))
    W2, b2 = rng.normal(size=(2, 4)), rng.normal(size=2)
    assert softmax(W2 @ x + b2)[0] == pytest.approx(sigmoid((W2[0] - W2[1]) @ x + b2[0] - b2[1]))


def perceptron_step(w, b, x, y, eta):
    """One PLA step with labels ±1; a point on the boundary counts as a mistake."""
    if y * (w @ x + b) <= 0:
        return w + eta * y * x, b + eta * y
    return w, b


def test_perceptron_examples(bank):
    w, b = perceptron_step(np.zeros(2), 0.0, np.array([1.0, 2.0]), 1, 1.0)
    assert w.tolist() == [1.0, 2.0] and b == 1.0  # body example
    states(bank, "perceptron", "$w = (0, 0)$, $b = 0$, $x = (1, 2)$, $y = +1$",
           f"update to $w = ({w[0]:g}, {w[1]:g})$, $b = {b:g}$", "a point on the boundary is also a mistake")
    w, b = perceptron_step(np.array([1.0, -1.0]), 0.0, np.array([2.0, 1.0]), -1, 0.5)
    assert w.tolist() == [0.0, -1.5] and b == -0.5  # linear.perceptron_one_step
    assert w @ np.array([2.0, 1.0]) + b == -2.0
    states(bank, "linear.perceptron_one_step", f"= ({w[0]:g}, {w[1]:g})", f"b ← 0 + 0.5·(−1) = {b:g}",
           f"Now wᵀx + b = {w @ np.array([2.0, 1.0]) + b:g}", *(f"{v:.1f}" for v in (*w, b)))


def _run_pla(points, labels, max_epochs=1000):
    w, b, mistakes = np.zeros(2), 0.0, 0
    for _ in range(max_epochs):
        clean = True
        for x, y in zip(points, labels):
            w2, b2 = perceptron_step(w, b, x, y, 1.0)
            if b2 != b or not np.array_equal(w2, w):
                clean, mistakes = False, mistakes + 1
            w, b = w2, b2
        if clean:
            return w, b, mistakes
    return None, None, mistakes


def test_pla_learns_and_or_but_not_xor(bank):
    pts = [np.array(p, dtype=float) for p in itertools.product((0, 1), repeat=2)]
    for fn in (lambda a, c: a and c, lambda a, c: a or c, lambda a, c: not (a and c)):
        labels = [1 if fn(*p) else -1 for p in itertools.product((0, 1), repeat=2)]
        w, b, _ = _run_pla(pts, labels)
        assert w is not None and all(y * (w @ x + b) > 0 for x, y in zip(pts, labels))
    xor = [1 if a != c else -1 for a, c in itertools.product((0, 1), repeat=2)]
    assert _run_pla(pts, xor, max_epochs=200)[0] is None
    states(bank, "perceptron", "converges in finite steps iff linearly separable; cannot learn XOR",
           "If they are not separable (XOR), it never stops")


def test_novikoff_bound_on_a_separable_set(bank):
    rng = np.random.default_rng(4)
    u = np.array([0.6, 0.8, 0.0])  # unit normal of a separating plane through the origin (bias folded in)
    X = rng.uniform(-1, 1, size=(60, 2))
    Xa = np.c_[X, np.ones(60)]
    margins = Xa @ u
    keep = np.abs(margins) > 0.1
    Xa, y = Xa[keep], np.sign(margins[keep])
    R, gamma = np.linalg.norm(Xa, axis=1).max(), np.abs(Xa @ u).min()
    w, mistakes = np.zeros(3), 0
    for _ in range(1000):
        clean = True
        for x, t in zip(Xa, y):
            if t * (w @ x) <= 0:
                w, mistakes, clean = w + t * x, mistakes + 1, False
        if clean:
            break
    assert clean and mistakes <= (R / gamma) ** 2
    states(bank, "perceptron", "at most $(R/\\gamma)^2$ mistakes", "the augmented vectors $(x_i, 1)$ and $(w, b)$")


def _separable(truth):
    """Brute force: is there (w1, w2, b) on a grid with sign(w·x + b) matching the table?"""
    grid = np.arange(-3, 3.01, 0.5)
    pts = list(itertools.product((0, 1), repeat=2))
    for w1, w2, b in itertools.product(grid, grid, grid):
        if all((w1 * p + w2 * q + b > 0) == bool(truth[(p, q)]) for p, q in pts):
            return True
    return False


def test_boolean_separability_counts(bank):
    pts = list(itertools.product((0, 1), repeat=2))
    separable = 0
    for outs in itertools.product((0, 1), repeat=4):
        truth = dict(zip(pts, outs))
        sep = _separable(truth)
        separable += sep
        if outs in ((0, 1, 1, 0), (1, 0, 0, 1)):  # XOR, XNOR
            assert not sep
    assert separable == 14
    states(bank, "linear_separability", f"Of the {2 ** 4} Boolean functions of two inputs, {separable} are linearly separable",
           "only XOR and XNOR are not")
    # the weights quoted for AND, OR, NAND (output 1 iff w·x + b ≥ 0)
    for (w, b), fn in ((((1, 1), -1.5), lambda a, c: a and c), (((1, 1), -0.5), lambda a, c: a or c),
                       (((-1, -1), 1.5), lambda a, c: not (a and c))):
        assert all((w[0] * a + w[1] * c + b >= 0) == bool(fn(a, c)) for a, c in pts)
    states(bank, "linear_separability", "AND: $w = (1, 1)$, $b = -1.5$", "OR: $w = (1, 1)$, $b = -0.5$",
           "NAND: $w = (-1, -1)$, $b = 1.5$")


def test_basics_numbers(bank):
    states(bank, "loss_functions", "predicted $(0.7, 0.2, 0.1)$", f"$-\\ln 0.7 = {-math.log(0.7):.3f}$",
           f"$-\\ln 0.2 = {-math.log(0.2):.3f}$")
    states(bank, "basics.ce_value", f"−ln 0.7 = {-math.log(0.7):.3f}", f"would get {-math.log10(0.7):.3f}")
    # -ln p > 1 exactly when p < 1/e: the cross-entropy of a prediction at 1/e is 1
    states(bank, "basics.zero_one_loss_why_not", f"the cross-entropy exceeds {-math.log(1 / math.e):g} for mistakes with ŷ_true < 1/e")

    def run(eta, steps=200, theta=1.0):
        for _ in range(steps):
            theta -= eta * 2 * theta
        return theta

    assert run(0.1, 2) == pytest.approx(0.64) and run(0.1, 1) == pytest.approx(0.8)
    assert run(0.5, 1) == 0.0
    states(bank, "learning_rate", "\\theta_{t+1} = (1 - 2\\eta)\\theta_t",
           f"$\\theta_0 = 1 \\to {run(0.1, 1):g} \\to {run(0.1, 2):g}$", "$\\eta = 0.5$: reaches the minimum 0 in one step",
           "$\\eta = 1$: jumps between $+\\theta_0$ and $-\\theta_0$ forever", "$\\eta > 1$: $|1 - 2\\eta| > 1$",
           "the condition is $\\eta < 2/\\lambda$")
    states(bank, "basics.gd_two_steps", f"θ₁ = {run(0.1, 1):g}, θ₂ = {run(0.1, 2):g}")
    for eta in (0.05, 0.3, 0.7, 0.95):
        assert abs(run(eta)) < 1e-6
    assert abs(run(1.0, 7)) == 1.0 and run(1.0, 7) == -1.0
    for eta in (1.05, 1.5):
        assert abs(run(eta, 50)) > 10
    lam = 6.0  # curvature λ: GD on λθ²/2 converges iff η < 2/λ
    step = lambda eta: abs(1 - eta * lam)  # noqa: E731
    assert step(0.9 * 2 / lam) < 1 < step(1.1 * 2 / lam)


# ------------------------------------------------- model answers of symbolic / numeric items

def _value(expr_text, variables, point):
    expr = parse_expression(expr_text, list(variables))
    return float(expr.subs({s: point[s.name] for s in expr.free_symbols}))


# question id -> reference function of the variables, computed independently
SYMBOLIC_REFERENCE = {
    "neuron.sigmoid_derivative": lambda v: d(sigmoid, v["x"]),
    "neuron.tanh_derivative": lambda v: d(math.tanh, v["x"]),
    "neuron.softplus_derivative": lambda v: d(softplus, v["x"]),
    "neuron.elu_derivative_negative": lambda v: d(elu, v["x"]),  # points moved to x < 0 below
    "neuron.elu_derivative_from_output": None,  # checked below on the negative side
    "neuron.tanh_via_sigmoid": lambda v: math.tanh(v["x"]),
    "neuron.hard_logistic_slope": lambda v: d(hard_logistic, max(min(v["x"], 1.9), -1.9)),
    "neuron.softmax_jacobian_diag": None,
    "neuron.softmax_jacobian_offdiag": None,
    "neuron.softmax_two_class": lambda v: softmax([v["z1"], v["z2"]])[0],
    "neuron.sigmoid_symmetry": lambda v: sigmoid(-v["x"]),
    "linear.logistic_gradient": None,
    "linear.logistic_grad_logit": lambda v: d(
        lambda z: -(v["y"] * math.log(sigmoid(z)) + (1 - v["y"]) * math.log(1 - sigmoid(z))), v["z"]),
    "linear.perceptron_update_symbolic": lambda v: v["w"] + v["eta"] * v["y"] * v["x"],
    "linear.perceptron_bias_update": lambda v: v["b"] + v["eta"] * v["y"],
    "linear.linreg_gradient": lambda v: d(lambda w: 0.5 * (w * v["x"] + v["b"] - v["y"]) ** 2, v["w"]),
    "linear.logit_inverse": None,
    "basics.gd_quadratic_step": lambda v: v["theta"] - v["eta"] * d(lambda t: t * t, v["theta"]),
    "basics.squared_loss_grad": lambda v: d(lambda yh: 0.5 * (v["y"] - yh) ** 2, v["y_hat"]),
    "basics.ce_onehot_symbolic": None,
}


def _points(variables, n=4, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        yield {v: float(rng.uniform(-1.8, 1.8)) for v in variables}


def test_symbolic_model_answers_against_references(bank):
    mine = [q for q in bank.questions.values() if q.topic in TOPICS and q.type == "symbolic"]
    assert {q.id for q in mine} == set(SYMBOLIC_REFERENCE)
    for q in mine:
        ref = SYMBOLIC_REFERENCE[q.id]
        if ref is None:
            continue
        for point in _points(q.variables):
            if q.id == "neuron.elu_derivative_negative":
                point = {"x": -abs(point["x"]) - 0.01}
            got = _value(q.answer, q.variables, point)
            assert got == pytest.approx(ref(point), abs=1e-6), (q.id, point)


def test_symbolic_answers_checked_by_derivation(bank):
    q = bank.questions["neuron.elu_derivative_from_output"]
    for x, g in ((-0.3, 1.0), (-2.0, 0.5), (-1.1, 2.0)):
        y = elu(x, g)
        slope = d(lambda t: elu(t, g), x)
        assert _value(q.answer, q.variables, {"y": y, "gamma": g}) == pytest.approx(slope, abs=1e-6)
    z = np.array([0.2, -0.7, 1.4])
    s = softmax(z)
    for i, j in ((0, 1), (2, 0), (1, 2)):
        e = np.zeros(3)
        e[j] = 1e-6
        num = (softmax(z + e)[i] - softmax(z - e)[i]) / 2e-6
        assert _value(bank.questions["neuron.softmax_jacobian_offdiag"].answer, ("s_i", "s_j"),
                      {"s_i": s[i], "s_j": s[j]}) == pytest.approx(num, abs=1e-7)
        e = np.zeros(3)
        e[i] = 1e-6
        num = (softmax(z + e)[i] - softmax(z - e)[i]) / 2e-6
        assert _value(bank.questions["neuron.softmax_jacobian_diag"].answer, ("s_i",),
                      {"s_i": s[i]}) == pytest.approx(num, abs=1e-7)
    q = bank.questions["linear.logistic_gradient"]
    for w, b, x, y in ((0.4, -0.3, 1.5, 1), (-1.2, 0.8, -0.6, 0)):
        loss = lambda ww: -(y * math.log(sigmoid(ww * x + b)) + (1 - y) * math.log(1 - sigmoid(ww * x + b)))  # noqa: E731
        yh = sigmoid(w * x + b)
        assert _value(q.answer, q.variables, {"y_hat": yh, "y": y, "x": x}) == pytest.approx(d(loss, w), abs=1e-6)
    for p in (0.2, 0.5, 0.9):
        assert sigmoid(_value(bank.questions["linear.logit_inverse"].answer, ("p",), {"p": p})) == pytest.approx(p)
        assert _value(bank.questions["basics.ce_onehot_symbolic"].answer, ("p",), {"p": p}) == pytest.approx(-math.log(p))


@pytest.mark.parametrize("qid,student", [
    ("neuron.sigmoid_derivative", "s*(1-s)"),
    ("neuron.sigmoid_derivative", "exp(-x)/(1+exp(-x))^2"),
    ("neuron.tanh_derivative", "1 - t^2"),
    ("neuron.tanh_derivative", "sech(x)^2"),
    ("neuron.softplus_derivative", "1/(1+exp(-x))"),
    ("neuron.elu_derivative_negative", "e^x"),
    ("neuron.tanh_via_sigmoid", "2 sigmoid(2x) - 1"),
    ("neuron.hard_logistic_slope", "0.25"),
    ("neuron.softmax_jacobian_diag", "s_i - s_i^2"),
    ("neuron.softmax_two_class", "1/(1+exp(z2-z1))"),
    ("neuron.sigmoid_symmetry", "1 - s"),
    ("linear.logistic_gradient", "y_hat*x - y*x"),
    ("linear.perceptron_update_symbolic", "w + η y x"),
    ("linear.logit_inverse", "ln(p) - ln(1-p)"),
    ("basics.gd_quadratic_step", "theta - 2*eta*theta"),
])
def test_natural_student_answers_are_accepted(bank, qid, student):
    q = bank.questions[qid]
    res = grade_symbolic(student, q.answer, q.variables, substitutions=dict(q.substitutions))
    assert res.correct, (qid, student, res.message_en)


@pytest.mark.parametrize("qid,wrong", [
    ("neuron.sigmoid_derivative", "s*(1+s)"),
    ("neuron.tanh_via_sigmoid", "2*sigmoid(x) - 1"),
    ("neuron.tanh_derivative", "1 + t^2"),
    ("neuron.softplus_derivative", "sigmoid(x)*(1-sigmoid(x))"),
    ("neuron.hard_logistic_slope", "1/2"),
    ("linear.perceptron_update_symbolic", "w - eta*y*x"),
    ("linear.logistic_gradient", "(y - y_hat)*x"),
])
def test_classic_mistakes_are_rejected(bank, qid, wrong):
    q = bank.questions[qid]
    res = grade_symbolic(wrong, q.answer, q.variables, substitutions=dict(q.substitutions))
    assert not res.correct, (qid, wrong)


def test_numeric_model_answers(bank):
    q = bank.questions["neuron.softmax_4_1_m4"]
    assert np.allclose(q.answer, softmax([4, 1, -4]), atol=q.atol)
    assert not np.allclose([0.9525, 0.0471, 0.0004], q.answer, atol=q.atol, rtol=q.rtol)  # notes' values rejected
    w, b = perceptron_step(np.array([1.0, -1.0]), 0.0, np.array([2.0, 1.0]), -1, 0.5)
    assert list(bank.questions["linear.perceptron_one_step"].answer) == [*w.tolist(), b]
    assert bank.questions["basics.ce_value"].answer == pytest.approx(-math.log(0.7), abs=1e-3)
    assert bank.questions["basics.gd_two_steps"].answer == pytest.approx(0.8 ** 2)
    assert bank.questions["linear.softmax_regression_params"].answer == 1  # option B = 7850


# ----------------------------------------------------------------------- 4. house rules

ACTIVATION_PLOTS = {
    "sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "dying_relu": "relu",
    "leaky_relu": "leaky_relu", "prelu": "prelu", "elu": "elu", "softplus": "softplus",
    "gelu": "gelu", "hard_sigmoid": "hard_sigmoid", "step_function": "step",
    "identity_activation": "identity",
}


def test_activation_plots_and_examples(bank):
    for cid, plot in ACTIVATION_PLOTS.items():
        assert bank.concepts[cid].plot == plot, cid
    assert bank.concepts["softmax"].example == "softmax"
    assert bank.concepts["perceptron"].example == "perceptron_step"
    for cid in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu"):
        assert bank.concepts[cid].example == "activation", cid


def test_question_mix_per_topic(bank):
    for topic, min_symbolic in (("neuron", 8), ("linear", 3), ("basics", 2)):
        qs = [q for q in bank.questions.values() if q.topic == topic]
        kinds = {k: sum(q.type == k for q in qs) for k in ("short", "choice", "multi", "truefalse", "symbolic")}
        assert len(qs) >= 20, (topic, len(qs))
        assert kinds["short"] >= 5 and kinds["choice"] + kinds["multi"] >= 5 and kinds["truefalse"] >= 4, kinds
        assert kinds["symbolic"] >= min_symbolic, (topic, kinds)


def test_every_option_explains_itself(bank):
    for q in bank.questions.values():
        if q.topic in TOPICS and q.type in ("choice", "multi"):
            for i, o in enumerate(q.options):
                if q.type == "choice" and i == q.answer:
                    continue  # the explanation covers the right answer
                assert o.why is not None and o.why.en and o.why.zh, (q.id, i)


def test_perceptron_convention_is_explicit(bank):
    c = bank.concepts["perceptron"]
    assert "+1" in c.body.en and "\\eta\\, y_i x_i" in c.body.en
    assert any("y - \\hat{y}" in f.latex or "y - \\hat{y}" in c.body.en for f in c.formulas) or "(y - \\hat{y})" in c.body.en




# ------------------------------------------------------------------ the link itself can fail

def test_states_fails_when_the_bank_states_another_number(bank):
    """states() against a copy of the softmax entry with one number changed: in both languages,
    in the English text only, and with the digit continued (0.9523 -> 0.95231)."""
    import copy

    class _Entry:
        def __init__(self, d):
            self.d = d

        def to_dict(self):
            return copy.deepcopy(self.d)

    class _Bank:
        def __init__(self, d):
            self.concepts, self.questions, self.math = {"softmax": _Entry(d)}, {}, bank.math

    p = softmax([4, 1, -4])
    snippet = f"({num(p, digits=4)})"
    real = bank.concepts["softmax"].to_dict()
    states(_Bank(real), "softmax", snippet)
    for langs, new in ((("en", "zh"), "0.9524"), (("en",), "0.9524"), (("en", "zh"), "0.95231")):
        d = copy.deepcopy(real)
        for lang in langs:
            assert "0.9523" in d["body"][lang]
            d["body"][lang] = d["body"][lang].replace("0.9523", new)
        d["key_points"] = [{k: v.replace("0.9523", new) if k in langs else v for k, v in kp.items()}
                           for kp in d["key_points"]]
        with pytest.raises(AssertionError):
            states(_Bank(d), "softmax", snippet)
