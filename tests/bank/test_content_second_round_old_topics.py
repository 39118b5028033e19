"""Second-round (issue 13) content that went into the existing topics, and content corrections.

1. corrections: each test reads the bank and fails on the text it replaced;
2. the new concepts: reachable by their syllabus names and by exam-style questions, with
   complete entries;
3. every number in the new questions, recomputed here independently (NumPy / sympy /
   brute force) from the data stated in the prompt.

Sources for the facts (content is in our own words): Qiu Xipeng, *Neural Networks and Deep
Learning* (nndl), ch. 2 (evaluation, bias-variance, NFL, MLE/MAP), ch. 5 (convolution
variants), ch. 6 (graph networks); Goodfellow, Shlens & Szegedy 2015 (adversarial examples,
FGSM); He et al. 2016 (degradation); Huang et al. 2017 (DenseNet-121: 6 layers,
k = 32, 64 -> 256 channels); Howard et al. 2017 (MobileNet cost ratio 1/N + 1/D_K^2);
Redmon et al. 2016 (YOLO 7x7x30); Kipf & Welling 2017 (GCN); Ho et al. 2020 (DDPM).
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from bank_text import states
from quizcli.bank.search import search
from quizcli.bank.store import load_bank


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def _first(bank, query):
    hits = search(bank, query)
    return hits[0].concept_id if hits else None


# --------------------------------------------------------------------------- 1. corrections

def test_parameter_init_no_longer_forbids_equal_weights_everywhere(bank):
    c = bank.concepts["parameter_init"]
    assert "must never all be equal" not in c.body.en
    assert "绝不能全部相同" not in c.body.zh
    # the rule is stated for hidden units, and zero init of convex models is allowed
    assert "hidden" in c.body.en and "logistic" in c.body.en and "zeros" in c.body.en
    assert "隐藏" in c.body.zh and "Logistic 回归" in c.body.zh and "全零" in c.body.zh
    # it must agree with zero_init, which says the same
    assert "logistic" in bank.concepts["zero_init"].body.en.lower()
    q = bank.questions["optimization.init_methods"]
    assert "weights themselves are never set" not in q.explanation.en
    assert "权重本身绝不能" not in q.explanation.zh
    assert "hidden" in q.explanation.en and "隐藏" in q.explanation.zh


def test_cnn_architecture_formula_ends_with_a_fully_connected_layer_before_softmax(bank):
    c = bank.concepts["cnn_architecture"]
    latex = c.formulas[0].latex
    stages = [s.strip() for s in latex.split(r"\to")]
    assert stages[-1] == r"\mathrm{softmax}"
    # softmax is fed by an FC layer (the logits), not by ReLU outputs
    assert stages[-2] == r"\mathrm{FC}", stages
    # the body's pattern says the same in both languages
    assert r"\text{FC} \to \text{softmax}" in c.body.en
    assert r"\text{全连接} \to \text{softmax}" in c.body.zh


def test_non_saturating_gan_loss_explains_saturation_through_the_logit(bank):
    q = bank.questions["generative.non_saturating"]
    why = q.options[0].why
    assert "flat near D = 0" not in why.en and "在 D 接近 0 处很平缓" not in why.zh
    for text in (why.en, why.zh):
        assert "−σ(a)" in text and "1 − σ(a)" in text
    assert "logit" in why.en and "logit" in why.zh
    # the two derivatives the text states, checked by central differences
    sig = lambda a: 1 / (1 + math.exp(-a))
    h = 1e-6
    for a in (-6.0, -2.0, 0.5):
        d_sat = (math.log(1 - sig(a + h)) - math.log(1 - sig(a - h))) / (2 * h)
        d_ns = (math.log(sig(a + h)) - math.log(sig(a - h))) / (2 * h)
        assert math.isclose(d_sat, -sig(a), abs_tol=1e-6)
        assert math.isclose(d_ns, 1 - sig(a), abs_tol=1e-6)
    # and as a function of D, log(1 − D) is not flat near 0: slope −1/(1 − D) → −1
    D = 1e-3
    slope = (math.log(1 - (D + h)) - math.log(1 - (D - h))) / (2 * h)
    assert math.isclose(slope, -1 / (1 - D), rel_tol=1e-6)


def test_sym_var_qk_prompt_names_variables_as_typed_and_the_typed_names_grade(bank):
    from quizcli.grading import grade_symbolic

    q = bank.questions["attention.sym_var_qk"]
    for text in (q.prompt.en, q.prompt.zh):
        assert "sigma_" not in text
        assert "d_k" in text and "sigma" in text
    subs = dict(q.substitutions)
    for typed in ("d_k*sigma^4", "d_k sigma^4"):
        assert grade_symbolic(typed, q.answer, q.variables, substitutions=subs).correct is True
    assert grade_symbolic("d_k*sigma^2", q.answer, q.variables, substitutions=subs).correct is False


# --------------------------------------------------------------------------- 2. the new concepts

NEW_CONCEPTS = {
    "basics": ["evaluation_metrics", "confusion_matrix", "roc_auc", "bias_variance",
               "cross_validation", "no_free_lunch", "mle_map"],
    "linear": ["svm", "max_margin", "kernel_trick"],
    "regularization": ["adversarial_examples"],
    "cnn": ["resnet_degradation", "densenet", "depthwise_separable_conv", "group_conv",
            "object_detection", "semantic_segmentation"],
    "rnn": ["graph_neural_network"],
    "generative": ["diffusion_models"],
}
ALL_NEW = [c for cs in NEW_CONCEPTS.values() for c in cs]

# exam-style questions (own wording, in the manner of nndl's end-of-chapter exercises)
SEARCH = [
    ("精确率和召回率有什么区别？", "evaluation_metrics"),
    ("为什么 F1 值采用调和平均？", "evaluation_metrics"),
    ("类别不平衡时为什么不能只看准确率？", "evaluation_metrics"),
    ("What is the difference between precision and recall?", "evaluation_metrics"),
    ("How is the F1 score computed?", "evaluation_metrics"),
    ("什么是混淆矩阵？", "confusion_matrix"),
    ("假正例和假反例分别指什么？", "confusion_matrix"),
    ("What are false positives and false negatives?", "confusion_matrix"),
    ("什么是 ROC 曲线？AUC 的含义是什么？", "roc_auc"),
    ("What does the area under the ROC curve measure?", "roc_auc"),
    ("简述偏差-方差分解，并说明其与过拟合的关系", "bias_variance"),
    ("Explain the bias-variance tradeoff", "bias_variance"),
    ("什么是 k 折交叉验证？", "cross_validation"),
    ("How does k-fold cross-validation work?", "cross_validation"),
    ("留一法交叉验证的缺点是什么？", "cross_validation"),
    ("简述没有免费午餐定理", "no_free_lunch"),
    ("What does the no free lunch theorem say?", "no_free_lunch"),
    ("最大似然估计和最大后验估计有什么区别？", "mle_map"),
    ("为什么说 L2 正则化等价于高斯先验下的最大后验估计？", "mle_map"),
    ("What is the difference between MLE and MAP estimation?", "mle_map"),
    ("简述支持向量机的基本思想", "svm"),
    ("什么是支持向量？", "svm"),
    ("What are support vectors in an SVM?", "svm"),
    ("软间隔支持向量机中参数 C 的作用", "svm"),
    ("为什么支持向量机要最大化间隔？", "max_margin"),
    ("Why does the SVM maximise the margin?", "max_margin"),
    ("什么是核技巧？为什么 SVM 可以使用核函数？", "kernel_trick"),
    ("What is the kernel trick?", "kernel_trick"),
    ("什么是对抗样本？", "adversarial_examples"),
    ("How does the fast gradient sign method create adversarial examples?", "adversarial_examples"),
    ("对抗训练为什么能提高模型的鲁棒性？", "adversarial_examples"),
    ("什么是深层网络的退化问题？它是过拟合吗？", "resnet_degradation"),
    ("Why does a deeper plain network have higher training error?", "resnet_degradation"),
    ("简述 DenseNet 的稠密连接与增长率", "densenet"),
    ("How does DenseNet differ from ResNet?", "densenet"),
    ("深度可分离卷积的参数量如何计算？", "depthwise_separable_conv"),
    ("Why is a depthwise separable convolution cheaper than a standard convolution?", "depthwise_separable_conv"),
    ("MobileNet 为什么计算量小？", "depthwise_separable_conv"),
    ("分组卷积的参数量是多少？", "group_conv"),
    ("What is a grouped convolution in ResNeXt?", "group_conv"),
    ("简述 R-CNN、Fast R-CNN 和 Faster R-CNN 的区别", "object_detection"),
    ("How does YOLO detect objects?", "object_detection"),
    ("目标检测中的非极大值抑制是什么？", "object_detection"),
    ("什么是语义分割？全卷积网络如何实现语义分割？", "semantic_segmentation"),
    ("How does U-Net work for image segmentation?", "semantic_segmentation"),
    ("简述图卷积网络 GCN 的计算过程", "graph_neural_network"),
    ("How does a graph convolutional network aggregate information from neighbours?", "graph_neural_network"),
    ("扩散模型的前向过程和反向过程是什么？", "diffusion_models"),
    ("How are diffusion models trained?", "diffusion_models"),
    ("去噪扩散概率模型与生成对抗网络的比较", "diffusion_models"),
    # the short names students type
    ("F1", "evaluation_metrics"), ("AUC", "roc_auc"), ("SVM", "svm"), ("核函数", "kernel_trick"),
    ("MAP", "mle_map"), ("What is the mAP of a detector?", "object_detection"), ("YOLO", "object_detection"),
    ("留一法", "cross_validation"), ("FGSM", "adversarial_examples"), ("MobileNet", "depthwise_separable_conv"),
    ("ResNeXt", "group_conv"), ("U-Net", "semantic_segmentation"), ("GCN", "graph_neural_network"),
    ("DDPM", "diffusion_models"), ("增长率", "densenet"),
]


@pytest.mark.parametrize("query,cid", SEARCH)
def test_exam_questions_find_the_new_concept_first(bank, query, cid):
    assert _first(bank, query) == cid, (query, [m.concept_id for m in search(bank, query)[:3]])


def test_every_new_concept_has_exam_questions_in_both_languages(bank):
    qs = dict(SEARCH)
    # the concepts the queries aim at are the bank's, each in the topic it was added to
    assert {c: bank.concepts[c].topic for c in ALL_NEW if c in bank.concepts} == \
        {c: t for t, cs in NEW_CONCEPTS.items() for c in cs}
    assert {cid for _q, cid in SEARCH} <= set(bank.concepts)
    langs = {}
    for q, cid in SEARCH:
        langs.setdefault(cid, set()).add("zh" if re.search(r"[\u4e00-\u9fff]", q) else "en")
    assert set(langs) == set(ALL_NEW) and all(v == {"en", "zh"} for v in langs.values()), langs
    assert len(qs) == len(SEARCH)


@pytest.mark.parametrize("topic,cid", [(t, c) for t, cs in NEW_CONCEPTS.items() for c in cs])
def test_new_entries_are_complete(bank, topic, cid):
    c = bank.concepts[cid]
    assert c.topic == topic
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert any(cjk.search(a) for a in c.aliases) and any(not cjk.search(a) for a in c.aliases), cid
    assert any(cjk.search(k) for k in c.keywords) and any(not cjk.search(k) for k in c.keywords), cid
    # a real body: formulas and a worked argument (Chinese is about 40 % shorter)
    assert "$" in c.body.en and len(c.body.en) > 900, cid
    assert "$" in c.body.zh and len(c.body.zh) > 450, cid
    assert cjk.search(c.body.zh) and not cjk.search(c.body.en), cid
    assert c.formulas and 3 <= len(c.key_points) <= 5 and c.pitfalls, cid
    assert c.related and all(r in bank.concepts for r in c.related), cid
    # at least two questions of at least two kinds
    qs = [q for q in bank.questions.values() if cid in q.concepts]
    assert len(qs) >= 2 and len({q.type for q in qs}) >= 2, (cid, [q.id for q in qs])


def test_graph_names_moved_to_the_new_entry(bank):
    from quizcli.bank.search import normalize

    old = {normalize(a) for a in bank.concepts["recursive_graph_nn"].aliases}
    assert not old & {"graph neural network", "gnn", "图神经网络"}
    assert "bias variance" not in {normalize(a) for a in bank.concepts["overfitting"].aliases}
    assert _first(bank, "递归神经网络与图神经网络") == "recursive_graph_nn"
    assert _first(bank, "图神经网络") == "graph_neural_network"


# --------------------------------------------------------------------------- 3. numbers
# Every numeric answer is recomputed from the data in its prompt by a route of its own
# (counting pairs, rasterising boxes, building the layers with the engine, iterating the
# diffusion chain ...); the worked numbers in the bodies are checked the same way.

def _ans(bank, qid):
    return float(bank.questions[qid].answer)


def _close(bank, qid, value):
    q = bank.questions[qid]
    tol = max(q.atol or 0.0, (q.rtol or 0.0) * abs(value), 1e-9)
    assert abs(float(q.answer) - value) <= tol, (qid, q.answer, value)
    return q


def _counts(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    return (int(np.sum(y_true & y_pred)), int(np.sum(~y_true & y_pred)),
            int(np.sum(y_true & ~y_pred)), int(np.sum(~y_true & ~y_pred)))


def _labels(tp, fp, fn, tn):
    """Label vectors with the given confusion counts (positive = True)."""
    y_true = [True] * tp + [False] * fp + [True] * fn + [False] * tn
    y_pred = [True] * tp + [True] * fp + [False] * fn + [False] * tn
    return y_true, y_pred


def _prf(y_true, y_pred):
    tp, fp, fn, _ = _counts(y_true, y_pred)
    p, r = tp / (tp + fp), tp / (tp + fn)
    return p, r, 2 * p * r / (p + r)


def test_precision_recall_f1_questions(bank):
    yt, yp = _labels(30, 20, 10, 940)
    p, r, f1 = _prf(yt, yp)
    _close(bank, "basics.f1_from_counts", f1)
    _close(bank, "basics.precision_from_counts", p)
    assert "97 %" in bank.questions["basics.f1_from_counts"].explanation.en
    assert np.mean(np.array(yt) == np.array(yp)) == pytest.approx(0.97)
    # body: TP = 40, FP = 10, FN = 20
    p, r, f1 = _prf(*_labels(40, 10, 20, 0))
    body = bank.concepts["evaluation_metrics"].body.en
    assert f"{p:.1f}" in body and f"{r:.3f}" in body and f"{f1:.3f}" in body
    # always-negative classifier on 1 % positives: accuracy 0.99, recall 0
    yt = np.array([True] * 10 + [False] * 990)
    yp = np.zeros(1000, bool)
    tp, fp, fn, tn = _counts(yt, yp)
    assert (tp + tn) / 1000 == 0.99 and tp / (tp + fn) == 0
    assert bank.questions["basics.accuracy_imbalanced"].answer == 0


def test_confusion_matrix_question_and_body(bank):
    true = np.repeat([0, 0, 0, 1, 1, 1, 2, 2, 2], [50, 3, 2, 5, 30, 15, 0, 10, 85])
    pred = np.repeat([0, 1, 2, 0, 1, 2, 0, 1, 2], [50, 3, 2, 5, 30, 15, 0, 10, 85])
    M = np.zeros((3, 3), int)
    np.add.at(M, (true, pred), 1)
    assert M.tolist() == [[50, 3, 2], [5, 30, 15], [0, 10, 85]]
    precision_b = np.sum((pred == 1) & (true == 1)) / np.sum(pred == 1)
    _close(bank, "basics.confusion_class_precision", precision_b)
    assert "30/50 = 0.6" in bank.questions["basics.confusion_class_precision"].explanation.en
    # body: 100 patients, 30 ill; TP 25, FN 5, FP 7, TN 63
    yt, yp = _labels(25, 7, 5, 63)
    tp, fp, fn, tn = _counts(yt, yp)
    body = bank.concepts["confusion_matrix"].body.en
    assert (tp + tn) == 88 and "88 %" in body
    assert f"{tp / (tp + fn):.3f}" in body and f"{tp / (tp + fp):.3f}" in body
    assert fp / (fp + tn) == 0.1 and "0.1" in body


def _auc_by_roc(pos, neg):
    """Area under the ROC curve traced by sweeping the threshold (trapezoids)."""
    scores = np.array(pos + neg)
    labels = np.array([1] * len(pos) + [0] * len(neg))
    pts = [(0.0, 0.0)]
    for t in sorted(set(scores), reverse=True):
        pred = scores >= t
        pts.append((np.sum(pred & (labels == 0)) / len(neg), np.sum(pred & (labels == 1)) / len(pos)))
    xs, ys = zip(*pts)
    return float(np.trapezoid(ys, xs) if hasattr(np, "trapezoid") else np.trapz(ys, xs))


def test_auc_questions(bank):
    pos, neg = [0.9, 0.8, 0.4], [0.6, 0.5, 0.2]
    pairs = np.mean([1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg])
    assert pairs == pytest.approx(_auc_by_roc(pos, neg))
    _close(bank, "basics.auc_tiny_ranking", pairs)
    # body example
    pos, neg = [0.9, 0.6, 0.35], [0.7, 0.3]
    body_auc = _auc_by_roc(pos, neg)
    assert body_auc == pytest.approx(4 / 6)
    assert "4/6 = 0.667" in bank.concepts["roc_auc"].body.en
    # squaring scores in [0, 1] keeps the order, hence the AUC (option C is a distractor)
    assert _auc_by_roc([p * p for p in pos], [n * n for n in neg]) == pytest.approx(body_auc)
    assert set(bank.questions["basics.roc_facts"].answer) == {0, 1, 3}


def test_bias_variance_numbers(bank):
    f_star, preds = 2.5, np.array([1.0, 3.0, 2.0, 2.0])
    bias2 = (preds.mean() - f_star) ** 2
    var = preds.var()
    assert bias2 + var == pytest.approx(np.mean((preds - f_star) ** 2))
    _close(bank, "basics.bias_variance_numbers", bias2 + var)
    # body: f* = 2, predictions 2.5, 3.5, 2.0, 4.0
    preds = np.array([2.5, 3.5, 2.0, 4.0])
    body = bank.concepts["bias_variance"].body.en
    assert (preds.mean() - 2) ** 2 == 1 and preds.var() == 0.625 and "0.625" in body
    assert np.mean((preds - 2) ** 2) == 1.625 and "1.625" in body


def test_bias_variance_decomposition_by_simulation(bank):
    """The decomposition the entry states, checked by Monte Carlo on polynomial fits."""
    states(bank, "bias_variance",
           r"\mathbb{E}_{D,\epsilon}[(y - f_D(x))^2] = (\mathbb{E}_D[f_D(x)] - f^\star(x))^2 + "
           r"\mathbb{E}_D[(f_D(x) - \mathbb{E}_D[f_D(x)])^2] + \sigma^2",
           "bias², variance and noise, in that order", "三项依次为偏差²、方差和噪声")
    rng = np.random.default_rng(0)
    x0, sigma = 0.3, 0.2
    f = np.sin
    for degree in (1, 5):
        preds, errs = [], []
        for _ in range(2000):
            x = rng.uniform(-2, 2, 15)
            y = f(x) + rng.normal(0, sigma, 15)
            p = np.polyval(np.polyfit(x, y, degree), x0)
            preds.append(p)
            errs.append((f(x0) + rng.normal(0, sigma) - p) ** 2)
        preds = np.array(preds)
        decomposed = (preds.mean() - f(x0)) ** 2 + preds.var() + sigma ** 2
        assert np.mean(errs) == pytest.approx(decomposed, rel=0.08)


def test_cross_validation_counts(bank):
    folds = np.array_split(np.arange(1200), 4)
    train_sizes = {1200 - len(f) for f in folds}
    assert train_sizes == {900}
    _close(bank, "basics.cv_fold_size", 900)
    runs = 0
    for _lr in (0.1, 0.01, 0.001):
        for i in range(5):
            runs += 1          # train without fold i
    runs += 1                  # final retraining on all the training data
    _close(bank, "basics.cv_trainings", runs)


def test_map_estimates(bank):
    grid = np.linspace(1e-6, 1 - 1e-6, 2_000_001)

    def map_estimate(h, n, a, b):
        log_post = (h + a - 1) * np.log(grid) + (n - h + b - 1) * np.log(1 - grid)
        return grid[np.argmax(log_post)]

    _close(bank, "basics.map_coin", map_estimate(14, 20, 2, 2))
    body = bank.concepts["mle_map"].body.en
    assert f"{map_estimate(7, 10, 2, 2):.3f}" == "0.667" and "0.667" in body
    assert round(map_estimate(700, 1000, 2, 2), 4) == 0.6996 and "0.6996" in body


def test_map_with_gaussian_prior_is_ridge_with_lambda_sigma2_over_sigma_w2(bank):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(0, 0.7, 30)
    sigma, sigma_w = 0.7, 0.4
    # maximise the log posterior by gradient ascent (no closed form used)
    w = np.zeros(3)
    for _ in range(20000):
        grad = X.T @ (y - X @ w) / sigma ** 2 - w / sigma_w ** 2
        w += 1e-3 * grad
    lam = sigma ** 2 / sigma_w ** 2
    ridge = np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y)
    assert np.allclose(w, ridge, atol=1e-6)
    q = bank.questions["basics.map_lambda"]
    assert q.options[q.answer].text.en == "λ = σ²/σ_w²"


def test_svm_margin_and_distance_questions(bank):
    w, b = np.array([6.0, 8.0]), 1.0
    # a point on w·x + b = +1, projected onto w·x + b = −1: the width of the band
    p = (1 - b) * w / (w @ w)
    q = p - 2 * w / (w @ w)
    assert p @ w + b == pytest.approx(1) and q @ w + b == pytest.approx(-1)
    _close(bank, "linear.svm_margin_width", np.linalg.norm(p - q))
    # distance of (2, 1) from 6x1 + 8x2 + 1 = 0 by projecting onto the plane
    x = np.array([2.0, 1.0])
    foot = x - (w @ x + b) * w / (w @ w)
    assert foot @ w + b == pytest.approx(0)
    _close(bank, "linear.point_hyperplane_distance", np.linalg.norm(x - foot))
    # body: w = (3, 4), b = −2
    body = bank.concepts["max_margin"].body.en
    w, b = np.array([3.0, 4.0]), -2.0
    assert 1 / np.linalg.norm(w) == 0.2 and 2 / np.linalg.norm(w) == 0.4
    assert "$1/5 = 0.2$" in body and "$2/5 = 0.4$" in body
    assert (w @ np.array([1.0, 1.0]) + b) / np.linalg.norm(w) == 1


def _hard_margin_svm(X, y):
    """Exact hard-margin SVM for a handful of points, from the KKT conditions: for every
    candidate support set S solve y_i(w·x_i + b) = 1 (i in S), w = sum_S a_j y_j x_j,
    sum_S a_j y_j = 0; keep feasible solutions (a >= 0, all margins >= 1), take min ||w||."""
    from itertools import combinations

    best = None
    for size in range(2, len(y) + 1):
        for S in combinations(range(len(y)), size):
            S = list(S)
            K = X[S] @ X[S].T
            A = np.zeros((size + 1, size + 1))
            A[:size, :size] = (y[S][:, None] * y[S][None, :]) * K
            A[:size, size] = y[S]
            A[size, :size] = y[S]
            rhs = np.r_[np.ones(size), 0.0]
            try:
                sol = np.linalg.solve(A, rhs)
            except np.linalg.LinAlgError:
                continue
            alpha, b = sol[:size], sol[size]
            w = (alpha * y[S]) @ X[S]
            if np.all(alpha >= -1e-9) and np.all(y * (X @ w + b) >= 1 - 1e-9):
                if best is None or w @ w < best[0] @ best[0] - 1e-12:
                    best = (w, b, S)
    return best


def test_hard_margin_svm_support_vectors(bank):
    """w is a combination of the support vectors only, they sit at y(w·x + b) = 1, and
    removing a point outside the margin changes nothing (linear.tf_svm_remove_point)."""
    states(bank, "svm", r"w = \sum_n \alpha_n y_n x_n", r"$\alpha_n > 0$ only for points with $y_n(w^\top x_n + b) = 1$",
           "Removing any other point leaves the classifier unchanged", "去掉其他任何点，分类器都不变")
    states(bank, "linear.tf_svm_remove_point", "strictly outside the margin and retraining leaves a hard-margin SVM unchanged",
           "严格位于间隔之外的训练样本后重新训练，硬间隔 SVM 的结果不变")
    assert bank.questions["linear.tf_svm_remove_point"].answer is True
    states(bank, "max_margin", "band width 2/‖w‖", "间隔带宽度 2/‖w‖")
    X = np.array([[2.0, 2.0], [3.0, 3.0], [4.0, 1.0], [0.0, 0.0], [-1.0, 1.0], [1.0, -1.0]])
    y = np.array([1, 1, 1, -1, -1, -1.0])
    w, b, S = _hard_margin_svm(X, y)
    margins = y * (X @ w + b)
    assert np.allclose(margins[S], 1) and np.all(margins >= 1 - 1e-9)
    far = int(np.argmax(margins))
    w2, b2, _ = _hard_margin_svm(np.delete(X, far, 0), np.delete(y, far))
    assert np.allclose(w, w2) and b == pytest.approx(b2)
    # and a brute-force check that no separating direction has a wider band
    best = 0.0
    for t in np.linspace(0, 2 * np.pi, 3601):
        u = np.array([np.cos(t), np.sin(t)])
        pos, neg = X[y > 0] @ u, X[y < 0] @ u
        best = max(best, pos.min() - neg.max())
    assert best == pytest.approx(2 / np.linalg.norm(w), abs=1e-3)


def test_kernel_questions(bank):
    x, z = np.array([1.0, 2.0, 0.0]), np.array([2.0, 1.0, 3.0])

    def phi(v):
        """Explicit features of (x·z + 1)²: 1, √2 x_i, x_i², √2 x_i x_j (i < j)."""
        out = [1.0] + [math.sqrt(2) * a for a in v] + [a * a for a in v]
        out += [math.sqrt(2) * v[i] * v[j] for i in range(len(v)) for j in range(i + 1, len(v))]
        return np.array(out)

    assert len(phi(x)) == 10
    _close(bank, "linear.kernel_value", phi(x) @ phi(z))
    assert (x @ z + 1) ** 2 == pytest.approx(phi(x) @ phi(z))
    # body: (x·z)² with φ(x) = (x1², √2 x1 x2, x2²)
    x, z = np.array([1.0, 2.0]), np.array([3.0, 1.0])
    phi2 = lambda v: np.array([v[0] ** 2, math.sqrt(2) * v[0] * v[1], v[1] ** 2])  # noqa: E731
    assert phi2(x) @ phi2(z) == pytest.approx(25) and (x @ z) ** 2 == 25
    assert "= 25$" in bank.concepts["kernel_trick"].body.en


def test_fgsm_questions(bank):
    rng = np.random.default_rng(2)
    w = np.array([0.5, -1.0, 2.0, -0.5])
    x = rng.normal(size=4)
    eta = 0.1 * np.sign(w)
    assert np.max(np.abs(eta)) == pytest.approx(0.1)
    _close(bank, "regularization.fgsm_linear_change", w @ (x + eta) - w @ x)
    w = 0.01 * rng.choice([-1.0, 1.0], size=784)
    x = rng.uniform(0, 1, 784)
    _close(bank, "regularization.fgsm_dimension", w @ (x + 0.05 * np.sign(w)) - w @ x)
    assert 224 * 224 * 3 == 150528 and "150\\,528" in bank.concepts["adversarial_examples"].body.en
    assert "192" in bank.questions["regularization.fgsm_dimension"].explanation.en and 150528 / 784 == 192


def test_fgsm_step_increases_the_loss_of_a_logistic_model(bank):
    """FGSM as the entry states it: a step along sign(∇ₓL), weights fixed, raises the loss."""
    states(bank, "adversarial_examples", r"x_{adv} = x + \epsilon\,\mathrm{sign}(\nabla_x \mathcal{L}(\theta, x, y))",
           r"one step that increases the loss as much as possible within an $\epsilon$-box",
           r"一步就在 $\epsilon$ 范围内尽可能增大损失",
           "The gradient is taken with respect to the input x, with the weights fixed", "梯度是对输入 x 求的（权重固定）")
    rng = np.random.default_rng(3)
    w, b = rng.normal(size=50), 0.1
    x, y = rng.normal(size=50), 1.0
    loss = lambda v: math.log(1 + math.exp(-y * (w @ v + b)))  # noqa: E731
    h = 1e-6
    grad = np.array([(loss(x + h * e) - loss(x - h * e)) / (2 * h) for e in np.eye(50)])
    eps = 0.1
    gain = loss(x + eps * np.sign(grad)) - loss(x)
    assert gain > 0 and loss(x - eps * np.sign(grad)) < loss(x)
    # no random perturbation of the same size (each input moved by ±ε) raises it as much
    for _ in range(200):
        assert loss(x + eps * rng.choice([-1.0, 1.0], size=50)) - loss(x) <= gain + 1e-12


def _dense_block_channels(k0, k, layers):
    """Run a dense block with the engine (BN-free, 3×3 convs, padding 1) on a 4×4 input and
    return the channel count each layer receives and the block's output channels."""
    from quizcli.engine.layers import Conv2d

    rng = np.random.default_rng(0)
    feats = [rng.normal(size=(1, k0, 4, 4))]
    seen = []
    for _ in range(layers):
        inp = np.concatenate(feats, axis=1)
        seen.append(inp.shape[1])
        conv = Conv2d(inp.shape[1], k, 3, padding=1, bias=False, rng=rng)
        feats.append(conv.forward(inp))
    return seen, np.concatenate(feats, axis=1).shape[1]


def test_densenet_channel_growth(bank):
    seen, out = _dense_block_channels(128, 32, 12)
    _close(bank, "cnn.densenet_input_channels", seen[-1])
    assert out == 512 and "= 512" in bank.questions["cnn.densenet_input_channels"].explanation.en
    _, out = _dense_block_channels(256, 32, 24)
    _close(bank, "cnn.densenet_block_output", out)
    _, out1 = _dense_block_channels(64, 32, 6)
    body = bank.concepts["densenet"].body.en
    assert out1 == 256 and "64 + 6 \\cdot 32 = 256" in body and "128 + 12 \\cdot 32 = 512" in body
    # L(L+1)/2 direct connections: every pair (earlier source incl. the input, later layer)
    L = 6
    assert sum(range(1, L + 1)) == L * (L + 1) // 2


def _separable_params(c_in, c_out, k):
    """Weights of depthwise (one engine conv per channel) + pointwise layers, no biases."""
    from quizcli.engine.layers import Conv2d
    from quizcli.engine.tools import count_params

    depthwise = sum(count_params(Conv2d(1, 1, k, bias=False)) for _ in range(c_in))
    return depthwise + count_params(Conv2d(c_in, c_out, 1, bias=False))


def test_depthwise_separable_questions(bank):
    from quizcli.engine.layers import Conv2d
    from quizcli.engine.tools import count_params

    sep = _separable_params(32, 64, 3)
    _close(bank, "cnn.separable_params", sep)
    assert count_params(Conv2d(32, 64, 3, bias=False)) == 18432
    # multiplications at stride 1, same padding: weights × output positions, for both layers
    ratio = _separable_params(128, 256, 3) / count_params(Conv2d(128, 256, 3, bias=False))
    _close(bank, "cnn.separable_cost_ratio", ratio)
    body = bank.concepts["depthwise_separable_conv"].body.en
    assert _separable_params(64, 128, 3) == 8768 and "8768" in body
    assert count_params(Conv2d(64, 128, 3, bias=False)) == 73728 and "73\\,728" in body


def test_depthwise_separable_equals_a_standard_conv_with_factorised_weights():
    """Depthwise then pointwise = one standard conv whose kernel W[o, c] = P[o, c]·D[c]."""
    from quizcli.engine import functional as F

    rng = np.random.default_rng(4)
    c_in, c_out, k = 3, 5, 3
    x = rng.normal(size=(2, c_in, 6, 6))
    D = rng.normal(size=(c_in, 1, k, k))
    P = rng.normal(size=(c_out, c_in, 1, 1))
    depth = np.concatenate([F.conv2d(x[:, c:c + 1], D[c:c + 1]) for c in range(c_in)], axis=1)
    two_step = F.conv2d(depth, P)
    W = P[:, :, 0, 0][:, :, None, None] * D[:, 0][None]
    assert np.allclose(two_step, F.conv2d(x, W))


def test_grouped_convolution_questions(bank):
    from quizcli.engine import functional as F
    from quizcli.engine.layers import Conv2d
    from quizcli.engine.tools import count_params

    G, c, k = 32, 256, 3
    grouped = sum(count_params(Conv2d(c // G, c // G, k, bias=False)) for _ in range(G)) + c
    _close(bank, "cnn.group_conv_params", grouped)
    assert grouped - c == k * k * c * c // G == 18432
    assert "18\\,432" in bank.concepts["group_conv"].body.en and "589\\,824" in bank.concepts["group_conv"].body.en
    assert count_params(Conv2d(c, c, k, bias=False)) == 589824
    # a grouped conv is a standard conv with a block-diagonal kernel: 1/G of the weights free
    rng = np.random.default_rng(5)
    G, c_in, c_out = 2, 4, 6
    x = rng.normal(size=(1, c_in, 5, 5))
    Ws = [rng.normal(size=(c_out // G, c_in // G, 3, 3)) for _ in range(G)]
    parts = [F.conv2d(x[:, g * (c_in // G):(g + 1) * (c_in // G)], Ws[g]) for g in range(G)]
    full = np.zeros((c_out, c_in, 3, 3))
    for g in range(G):
        full[g * (c_out // G):(g + 1) * (c_out // G), g * (c_in // G):(g + 1) * (c_in // G)] = Ws[g]
    assert np.allclose(np.concatenate(parts, axis=1), F.conv2d(x, full))
    assert sum(w.size for w in Ws) * G == full.size
    assert list(bank.questions["cnn.group_conv_facts"].answer) == [0, 2, 4]


def _raster_iou(a, b, step=0.01):
    xs = np.arange(-1, 8, step) + step / 2
    X, Y = np.meshgrid(xs, xs)
    inside = lambda r: (X > r[0]) & (X < r[2]) & (Y > r[1]) & (Y < r[3])  # noqa: E731
    A, B = inside(a), inside(b)
    return np.sum(A & B) / np.sum(A | B)


def test_detection_questions(bank):
    _close(bank, "cnn.iou_boxes", _raster_iou((0, 0, 4, 3), (2, 1, 6, 5)))
    assert _raster_iou((0, 0, 2, 2), (1, 1, 3, 3)) == pytest.approx(1 / 7, abs=1e-3)
    assert "1/(4 + 4 - 1) = 1/7" in bank.concepts["object_detection"].body.en
    S, B, C = 7, 3, 10
    _close(bank, "cnn.yolo_output_size", np.zeros((S, S, B * 5 + C)).size)
    states(bank, "cnn.yolo_output_size", f"B = 2 and C = 20, has 7·7·{2 * 5 + 20} = {np.zeros((7, 7, 2 * 5 + 20)).size}")


def test_segmentation_questions(bank):
    from quizcli.engine.layers import Conv2d
    from quizcli.engine.tools import count_params

    pred = np.zeros(400, bool)
    true = np.zeros(400, bool)
    pred[:150] = True
    true[50:180] = True        # 130 true pixels, 100 of them predicted
    assert pred.sum() == 150 and true.sum() == 130 and (pred & true).sum() == 100
    _close(bank, "cnn.segmentation_iou", (pred & true).sum() / (pred | true).sum())
    _close(bank, "cnn.fcn_score_layer_params", count_params(Conv2d(4096, 21, 1)))
    body = bank.concepts["semantic_segmentation"].body.en
    assert round(80 / (120 + 100 - 80), 3) == 0.571 and "0.571" in body


def _gcn_norm(A):
    At = A + np.eye(len(A))
    d = At.sum(1)
    return At / np.sqrt(np.outer(d, d))


def test_gcn_questions(bank):
    from quizcli.engine.layers import Dense
    from quizcli.engine.tools import count_params

    star = np.zeros((4, 4))
    star[0, 1:] = star[1:, 0] = 1
    _close(bank, "rnn.gcn_normalised_entry", _gcn_norm(star)[0, 1])
    _close(bank, "rnn.gcn_layer_params", count_params(Dense(1433, 16)))
    path = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], float)
    body = bank.concepts["graph_neural_network"].body.en
    assert round(_gcn_norm(path)[0, 1], 3) == 0.408 and "0.408" in body
    assert _gcn_norm(path)[1, 1] == pytest.approx(1 / 3)
    # permutation equivariance of a GCN layer: relabelling nodes permutes the output rows
    rng = np.random.default_rng(6)
    H, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    perm = np.array([2, 0, 3, 1])
    Pm = np.eye(4)[perm]
    layer = lambda A, H: np.maximum(0, _gcn_norm(A) @ H @ W)  # noqa: E731
    assert np.allclose(layer(Pm @ star @ Pm.T, Pm @ H), Pm @ layer(star, H))


def _diffusion_moments(betas, x0):
    """Mean and variance of x_t given x0, by running the chain step by step."""
    m, v = x0, 0.0
    for b in betas:
        m, v = math.sqrt(1 - b) * m, (1 - b) * v + b
    return m, v


def test_diffusion_questions(bank):
    _, v = _diffusion_moments([0.1, 0.2, 0.3, 0.4], 1.0)
    _close(bank, "generative.diffusion_alpha_bar", v)
    m, v3 = _diffusion_moments([0.1, 0.2, 0.3], 2.0)
    _close(bank, "generative.diffusion_mean_coefficient", m)
    body = bank.concepts["diffusion_models"].body.en
    assert round(1 - v3, 3) == 0.504 and "0.504" in body and "0.496" in body
    # Monte Carlo of the chain agrees with the closed form
    rng = np.random.default_rng(7)
    x = np.full(200_000, 2.0)
    for b in (0.1, 0.2, 0.3):
        x = math.sqrt(1 - b) * x + math.sqrt(b) * rng.normal(size=x.size)
    assert x.mean() == pytest.approx(m, abs=0.01) and x.var() == pytest.approx(v3, abs=0.01)


# --------------------------------------------------------------------------- symbolic answers

SYMBOLIC = {
    "cnn.sym_densenet_channels": lambda v: _dense_block_channels(int(v["k0"]), int(v["k"]), int(v["l"]))[0][-1],
    "cnn.sym_separable_ratio": lambda v: _separable_params(3, int(v["c_out"]), int(v["k"])) / (v["k"] ** 2 * 3 * v["c_out"]),
    "rnn.sym_gcn_entry": lambda v: _gcn_pair_entry(int(v["d_i"]), int(v["d_j"])),
    "generative.sym_diffusion_variance": lambda v: _diffusion_moments([v["beta"]] * int(v["t"]), 0.0)[1],
}


def _gcn_pair_entry(d_i, d_j):
    """Two adjacent nodes 0 and 1 with d_i and d_j neighbours each (extra leaves attached)."""
    n = 2 + (d_i - 1) + (d_j - 1)
    A = np.zeros((n, n))
    A[0, 1] = A[1, 0] = 1
    nxt = 2
    for node, d in ((0, d_i), (1, d_j)):
        for _ in range(d - 1):
            A[node, nxt] = A[nxt, node] = 1
            nxt += 1
    return _gcn_norm(A)[0, 1]


def _value(q, point):
    from quizcli.grading.symbolic import parse_expression

    expr = parse_expression(q.answer, list(q.variables))
    return float(expr.subs({s: point[s.name] for s in expr.free_symbols}))


@pytest.mark.parametrize("qid", sorted(SYMBOLIC))
def test_symbolic_answers_against_independent_computation(bank, qid):
    q = bank.questions[qid]
    rng = np.random.default_rng(8)
    for _ in range(4):
        point = {v: int(rng.integers(1, 7)) for v in q.variables}
        if "beta" in point:
            point["beta"] = float(rng.uniform(0.01, 0.5))
        assert _value(q, point) == pytest.approx(SYMBOLIC[qid](point), rel=1e-9), (qid, point)


@pytest.mark.parametrize("qid,typed", [
    ("cnn.sym_densenet_channels", "k0 + (l-1)k"),
    ("cnn.sym_densenet_channels", "k0 + l*k - k"),
    ("cnn.sym_separable_ratio", "(k^2 + c_out)/(k^2 c_out)"),
    ("rnn.sym_gcn_entry", "1/sqrt(d_i+1)/sqrt(d_j+1)"),
    ("generative.sym_diffusion_variance", "1 - (1-β)^t"),
])
def test_natural_typed_answers_are_accepted(bank, qid, typed):
    from quizcli.grading import grade_symbolic

    q = bank.questions[qid]
    assert grade_symbolic(typed, q.answer, q.variables, substitutions=dict(q.substitutions)).correct is True


@pytest.mark.parametrize("qid,wrong", [
    ("cnn.sym_densenet_channels", "k0 + l*k"),
    ("cnn.sym_separable_ratio", "1/k^2"),
    ("rnn.sym_gcn_entry", "1/sqrt(d_i*d_j)"),
    ("generative.sym_diffusion_variance", "t*beta"),
])
def test_typical_wrong_answers_are_rejected(bank, qid, wrong):
    from quizcli.grading import grade_symbolic

    q = bank.questions[qid]
    assert grade_symbolic(wrong, q.answer, q.variables, substitutions=dict(q.substitutions)).correct is False


def test_every_new_numeric_and_symbolic_question_is_checked_here(bank):
    """A new numeric/symbolic question without a check in this file fails here."""
    src = open(__file__, encoding="utf-8").read()
    new = [q for q in bank.questions.values()
           if q.type in ("numeric", "symbolic") and set(q.concepts) & set(ALL_NEW)]
    assert len(new) >= 25
    missing = [q.id for q in new if f'"{q.id}"' not in src]
    assert missing == []


def test_new_items_render_without_raw_markup(bank):
    """What the terminal shows for the new entries and questions: no raw LaTeX, no ^{…}/_{…}."""
    from quizcli.core.mathtext import render_inline

    texts = []
    for cid in ALL_NEW:
        c = bank.concepts[cid]
        texts += [c.summary.en, c.summary.zh, c.body.en, c.body.zh]
        texts += [t for kp in (*c.key_points, *c.pitfalls) for t in (kp.en, kp.zh)]
    for q in bank.questions.values():
        if set(q.concepts) & set(ALL_NEW):
            texts += [q.prompt.en, q.prompt.zh, q.explanation.en, q.explanation.zh]
            texts += [t for o in q.options for t in (o.text.en, o.text.zh)]
    bad = [t[:80] for t in texts
           if re.search(r"\\[A-Za-z]+|\^\{|_\{", render_inline(t, bank.math))]
    assert bad == []
