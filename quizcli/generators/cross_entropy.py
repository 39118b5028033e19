"""Cross-entropy loss: multi-class from probabilities or logits, or binary (BCE).

Formula route: CE = −ln ŷ_t (one-hot target t, counted from 1), from logits
−z_t + ln Σ_j e^{z_j}; BCE = −[y ln p + (1 − y) ln(1 − p)], averaged over the samples.
Engine route: the engine's loss functions (softmax_cross_entropy on the logits — on ln ŷ
when probabilities are given — and binary_cross_entropy with mean reduction).
"""
from __future__ import annotations

import math
import random

from .base import Chain, StepMistake, Family, Misconception, Param, ParamError, Solution, bi, fmt_num, pick
from ._shared import multiclass_kind, random_probs as _probs

FAMILY = Family(
    id="cross_entropy",
    topic="training",
    concepts=("cross_entropy", "maximum_likelihood", "loss_functions", "logistic_regression"),
    title=bi("Cross-entropy loss", "交叉熵损失"),
    params=(
        Param("z", "floats", bi("logits z_1, …, z_n (give z or y_hat)", "logits z_1, …, z_n（z 与 y_hat 二选一）"),
              default="", aliases=("logits",), min=-1e6, max=1e6, max_len=100),
        Param("y_hat", "floats", bi("predicted probabilities ŷ_1, …, ŷ_n summing to 1 (give z or y_hat)",
                                    "预测概率 ŷ_1, …, ŷ_n，和为 1（z 与 y_hat 二选一）"),
              default="", aliases=("yhat", "probs"), max_len=100),
        Param("target", "int", bi("the true class, counted from 1 (multi-class)", "真实类别，从 1 开始数（多分类）"),
              default="0", aliases=("class", "y"), max=100),
        Param("p", "floats", bi("binary: predicted P(label = 1), one per sample", "二分类：预测 P(标签 = 1)，每个样本一个"),
              default="", max_len=100),
        Param("label", "ints", bi("binary: the true labels (0 or 1), one per sample", "二分类：真实标签（0 或 1），每个样本一个"),
              default="", aliases=("labels",), max_len=100),
    ),
)

RTOL, ATOL = 2e-3, 5e-4


def _mode(prm: dict) -> str:
    z, yh, t = tuple(prm.get("z") or ()), tuple(prm.get("y_hat") or ()), int(prm.get("target") or 0)
    p, lab = tuple(prm.get("p") or ()), tuple(prm.get("label") or ())
    if p or lab:
        if z or yh or t:
            raise ParamError("give either a multi-class problem (z or y_hat, target) or a binary one (p, label), not both",
                             "多分类（z 或 y_hat，target）与二分类（p, label）只能给一种")
        if len(p) != len(lab) or not p:
            raise ParamError("binary: give one label per probability, e.g. p=0.8 label=1",
                             "二分类：每个概率对应一个标签，例如 p=0.8 label=1")
        if any(not 0 < x < 1 for x in p):
            raise ParamError("binary: probabilities must lie strictly between 0 and 1", "二分类：概率须严格介于 0 和 1 之间")
        if any(y not in (0, 1) for y in lab):
            raise ParamError("binary: labels are 0 or 1", "二分类：标签只能是 0 或 1")
        return "binary"
    return multiclass_kind(z, yh, t)


def generate(rng: random.Random, difficulty: str) -> dict:
    empty = {"z": (), "y_hat": (), "target": 0, "p": (), "label": ()}
    kind = pick(rng, {"easy": ("probs", "probs", "binary"), "medium": ("probs", "logits", "binary"),
                      "hard": ("logits", "logits", "binary_batch", "probs")}[difficulty])
    if kind == "binary":
        return {**empty, "p": (rng.randint(1, 19) / 20,), "label": (rng.randint(0, 1),)}
    if kind == "binary_batch":
        n = pick(rng, (2, 3))
        labels = tuple(rng.randint(0, 1) for _ in range(n - 1))
        labels += (1 - labels[0],) if len(set(labels)) == 1 else (rng.randint(0, 1),)  # both labels in the batch
        return {**empty, "p": tuple(rng.randint(1, 19) / 20 for _ in range(n)), "label": labels}
    n = 3 if difficulty == "easy" else pick(rng, (3, 4))
    target = rng.randint(1, n)
    if kind == "probs":
        return {**empty, "y_hat": _probs(rng, n), "target": target}
    while True:
        if difficulty == "hard":
            z = tuple(rng.randint(-20, 30) / 10 for _ in range(n))
        else:
            z = tuple(float(rng.randint(-2, 4)) for _ in range(n))
        if len(set(z)) == n:
            break
    return {**empty, "z": z, "target": target}


def _v(x: float) -> str:
    return fmt_num(x, 4)


def _sig(x: float) -> str:
    """A probability to 5 significant digits, so that −ln of the shown value gives the 4-decimal loss."""
    return f"{x:.5g}"


def _p(x: float) -> str:
    """A number to write after an operator: negatives in parentheses."""
    return f"({_v(x)})" if x < 0 else _v(x)


def _solve_binary(prm: dict) -> Solution:
    p, lab = tuple(float(x) for x in prm["p"]), tuple(int(y) for y in prm["label"])
    n = len(p)
    terms = [-math.log(q) if y == 1 else -math.log(1 - q) for q, y in zip(p, lab)]
    ans = sum(terms) / n
    if n == 1:
        prompt = bi(
            f"A logistic-regression model predicts $P(y = 1) = {_v(p[0])}$ for a sample whose true label is $y = {lab[0]}$. "
            "Compute the binary cross-entropy loss (natural log), to 4 decimals.",
            f"逻辑回归模型对一个样本预测 $P(y = 1) = {_v(p[0])}$，其真实标签为 $y = {lab[0]}$。"
            "计算二元交叉熵损失（自然对数），保留 4 位小数。",
        )
    else:
        ps, ls = ", ".join(_v(q) for q in p), ", ".join(str(y) for y in lab)
        prompt = bi(
            f"A logistic-regression model predicts $P(y = 1)$ = ({ps}) for {n} samples with true labels ({ls}). "
            "Compute the mean binary cross-entropy over the batch (natural log), to 4 decimals.",
            f"逻辑回归模型对 {n} 个样本预测 $P(y = 1)$ = ({ps})，真实标签为 ({ls})。"
            "计算这批样本的平均二元交叉熵（自然对数），保留 4 位小数。",
        )
    steps = [bi(r"$\mathrm{BCE} = -[y \cdot \ln(p) + (1 - y) \ln(1 - p)]$: for $y = 1$ only $-\ln(p)$ remains, "
                r"for $y = 0$ only $-\ln(1 - p)$.",
                r"$\mathrm{BCE} = -[y \cdot \ln(p) + (1 - y) \ln(1 - p)]$：$y = 1$ 时只剩 $-\ln(p)$，$y = 0$ 时只剩 $-\ln(1 - p)$。")]
    chain = _chain_binary(p, lab)
    steps += [st.text for st in chain]

    def mean_of(f):
        return sum(f(q, y) for q, y in zip(p, lab)) / n

    miscon = [
        Misconception("log10", mean_of(lambda q, y: -math.log10(q if y == 1 else 1 - q)),
                      bi("You used log base 10; the loss uses the natural log ln.", "你用了以 10 为底的对数；损失用自然对数 ln。")),
        Misconception("forgot_minus", -ans,
                      bi("You forgot the minus sign: the loss is −ln(·), a positive number.", "你漏了负号：损失是 −ln(·)，为正数。")),
        Misconception("wrong_term", mean_of(lambda q, y: -math.log(1 - q) if y == 1 else -math.log(q)),
                      bi("You used the wrong term: for label 1 the loss is −ln p, for label 0 it is −ln(1 − p).",
                         "你用错了项：标签为 1 时损失是 −ln p，标签为 0 时是 −ln(1 − p)。")),
        Misconception("log2", ans / math.log(2),
                      bi("You used log base 2 (bits); the loss uses the natural log ln.", "你用了以 2 为底的对数；损失用自然对数 ln。")),
    ]
    if n > 1:
        miscon.append(Misconception("summed_not_mean", sum(terms),
                                    bi("You summed the losses; the batch loss is their mean (divide by the number of samples).",
                                       "你把损失加起来了；批量损失取平均（除以样本数）。")))
    conventions = (bi("Natural logarithm; a batch loss is the mean over samples.", "自然对数；批量损失对样本取平均。"),)
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, answer_text=f"{ans:.4f}", rtol=RTOL, atol=ATOL, chain=chain,
                    hint=bi("Label 1: −ln p; label 0: −ln(1 − p).", "标签 1：−ln p；标签 0：−ln(1 − p)。"))


def solve(prm: dict) -> Solution:
    mode = _mode(prm)
    if mode == "binary":
        return _solve_binary(prm)
    t = int(prm["target"])
    z = tuple(float(x) for x in prm["z"] or ())
    if mode == "logits":
        m = max(z)
        lse = m + math.log(sum(math.exp(x - m) for x in z))
        yh = tuple(math.exp(x - lse) for x in z)
    else:
        yh = tuple(float(x) for x in prm["y_hat"])
    n = len(yh)
    ans = -math.log(yh[t - 1])
    if mode == "logits":
        zs = ", ".join(_v(x) for x in z)
        prompt = bi(
            f"A {n}-class classifier outputs the logits $z$ = ({zs}) and the true class is class {t} (classes counted from 1). "
            "Compute the softmax cross-entropy loss (natural log), to 4 decimals.",
            f"一个 {n} 分类模型输出 logits $z$ = ({zs})，真实类别为第 {t} 类（类别从 1 开始数）。"
            "计算 softmax 交叉熵损失（自然对数），保留 4 位小数。",
        )
        exps = " + ".join(f"e^{{{_v(x)}}}" for x in z)
        chain = _chain(z, t)
        steps = [
            bi(r"$\mathrm{CE} = -\ln(\mathrm{softmax}(z)_t) = -z_t + \ln \sum_j e^{z_j}$ (one-hot target: only the true class counts).",
               r"$\mathrm{CE} = -\ln(\mathrm{softmax}(z)_t) = -z_t + \ln \sum_j e^{z_j}$（one-hot 目标：只有真实类别那一项）。"),
            bi(f"$\\ln({exps}) = {fmt_num(lse, 6)}$", f"$\\ln({exps}) = {fmt_num(lse, 6)}$"),
            bi(f"$\\mathrm{{CE}} = -{_p(z[t - 1])} + {fmt_num(lse, 6)} = {_v(ans)}$ (equivalently softmax gives "
               f"$\\hat{{y}}_{t} = {_sig(yh[t - 1])}$ and $-\\ln({_sig(yh[t - 1])}) \\approx {_v(ans)}$).",
               f"$\\mathrm{{CE}} = -{_p(z[t - 1])} + {fmt_num(lse, 6)} = {_v(ans)}$（等价地，softmax 得 "
               f"$\\hat{{y}}_{t} = {_sig(yh[t - 1])}$，$-\\ln({_sig(yh[t - 1])}) \\approx {_v(ans)}$）。"),
        ]
    else:
        ys = ", ".join(_v(x) for x in yh)
        prompt = bi(
            f"A {n}-class softmax classifier predicts $\\hat{{y}}$ = ({ys}) and the true class is class {t} (classes counted from 1). "
            "Compute the cross-entropy loss (natural log), to 4 decimals.",
            f"一个 {n} 分类 softmax 模型预测 $\\hat{{y}}$ = ({ys})，真实类别为第 {t} 类（类别从 1 开始数）。"
            "计算交叉熵损失（自然对数），保留 4 位小数。",
        )
        steps = [
            bi(r"$\mathrm{CE} = -\sum_i y_i \cdot \ln(\hat{y}_i)$; with a one-hot $y$ only the true class remains: $-\ln(\hat{y}_t)$.",
               r"$\mathrm{CE} = -\sum_i y_i \cdot \ln(\hat{y}_i)$；$y$ 为 one-hot，只剩真实类别一项：$-\ln(\hat{y}_t)$。"),
        ]
        chain = _chain_probs(yh, t)
        steps += [st.text for st in chain]
    q = yh[t - 1]
    miscon = [
        Misconception("log10", -math.log10(q), bi("You used log base 10; the loss uses the natural log ln.",
                                                   "你用了以 10 为底的对数；损失用自然对数 ln。")),
        Misconception("forgot_minus", -ans, bi("You forgot the minus sign: the loss is −ln ŷ_t, a positive number.",
                                                "你漏了负号：损失是 −ln ŷ_t，为正数。")),
    ]
    if t < n:
        miscon.append(Misconception(
            "counted_from_zero", -math.log(yh[t]),
            bi(f"You took entry {t + 1}: classes are counted from 1, so class {t} is entry {t}.",
               f"你取了第 {t + 1} 个数：类别从 1 开始数，第 {t} 类就是第 {t} 个数。")))
    top = max(range(n), key=lambda i: yh[i])
    if top != t - 1:
        miscon.append(Misconception(
            "predicted_class", -math.log(yh[top]),
            bi("You used the predicted (largest) probability; the loss uses the probability of the TRUE class.",
               "你用了预测概率最大的类；损失要用真实类别的概率。")))
    miscon.append(Misconception(
        "bce_per_class", -sum(math.log(x) if i == t - 1 else math.log(1 - x) for i, x in enumerate(yh) if x < 1),
        bi("You added binary cross-entropy over every class (−Σ[y ln ŷ + (1−y) ln(1−ŷ)]); "
           "softmax cross-entropy is −Σ y ln ŷ = −ln ŷ_t.",
           "你对每个类别都算了二元交叉熵（−Σ[y ln ŷ + (1−y) ln(1−ŷ)]）；softmax 交叉熵是 −Σ y ln ŷ = −ln ŷ_t。")))
    if mode == "logits":
        miscon.append(Misconception(
            "forgot_logsumexp", -z[t - 1],
            bi("You used −z_t: the logit is not a log-probability; add ln Σ e^{z_j} (apply softmax first).",
               "你只算了 −z_t：logit 不是对数概率；还要加上 ln Σ e^{z_j}（先做 softmax）。")))
    miscon.append(Misconception("log2", ans / math.log(2), bi("You used log base 2 (bits); the loss uses the natural log ln.",
                                                              "你用了以 2 为底的对数；损失用自然对数 ln。")))
    conventions = (bi("Natural logarithm; classes are counted from 1; the target is one-hot.",
                      "自然对数；类别从 1 开始数；目标为 one-hot。"),)
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=conventions, answer_text=f"{ans:.4f}", rtol=RTOL, atol=ATOL,
                    chain=chain,
                    hint=bi("Only the true class counts: CE = −ln ŷ_t.", "只有真实类别那一项：CE = −ln ŷ_t。"))


_MIS = {
    "log10": bi("You used log base 10; the loss uses the natural log ln.", "你用了以 10 为底的对数；损失用自然对数 ln。"),
    "log2": bi("You used log base 2 (bits); the loss uses the natural log ln.", "你用了以 2 为底的对数；损失用自然对数 ln。"),
    "forgot_minus": bi("You forgot the minus sign: the loss is −ln ŷ_t, a positive number.", "你漏了负号：损失是 −ln ŷ_t，为正数。"),
    "bce_per_class": bi("You added binary cross-entropy over every class (−Σ[y ln ŷ + (1−y) ln(1−ŷ)]); "
                        "softmax cross-entropy is −Σ y ln ŷ = −ln ŷ_t.",
                        "你对每个类别都算了二元交叉熵（−Σ[y ln ŷ + (1−y) ln(1−ŷ)]）；softmax 交叉熵是 −Σ y ln ŷ = −ln ŷ_t。"),
    "predicted_class": bi("You used the predicted (largest) probability; the loss uses the probability of the TRUE class.",
                          "你用了预测概率最大的类；损失要用真实类别的概率。"),
}


def _counted_from_zero(t):
    return bi(f"You took entry {t + 1}: classes are counted from 1, so class {t} is entry {t}.",
              f"你取了第 {t + 1} 个数：类别从 1 开始数，第 {t} 类就是第 {t} 个数。")


def _bce_per_class(yh, t):
    return -sum(math.log(x) if i == t - 1 else math.log(1 - x) for i, x in enumerate(yh) if x < 1)


def _chain(z, t):
    """Logits given: ln Σ_j e^{z_j} (shown to 6 decimals), then CE = −z_t + ln Σ e^{z_j}."""
    ch = Chain({"z": z, "target": t})
    n = len(z)
    exps = " + ".join(f"e^{{{_v(x)}}}" for x in z)

    def lse(e):
        m = max(e["z"])
        return m + math.log(sum(math.exp(x - m) for x in e["z"]))

    ch.step("lse", bi("the log-sum-exp ln Σ_j e^{z_j}", "对数和指数 ln Σ_j e^{z_j}"), lse, uses=("z",), digits=6,
            text=lambda s: bi(f"$\\ln({exps}) = {fmt_num(s['lse'], 6)}$", f"$\\ln({exps}) = {fmt_num(s['lse'], 6)}$"),
            rtol=RTOL, atol=ATOL, rule=bi("the log of softmax's normaliser", "softmax 归一化常数的对数"),
            formula=bi("ln Σ_j e^{z_j}", "ln Σ_j e^{z_j}"), substituted=lambda s: bi(f"$\\ln({exps})$", f"$\\ln({exps})$"))

    def ce(e, k=None):
        k = int(e["target"]) - 1 if k is None else k
        return -e["z"][k] + e["lse"]

    def probs(e):
        return [math.exp(x - e["lse"]) for x in e["z"]]

    top = max(range(n), key=lambda i: z[i])
    mis = [StepMistake("forgot_minus", _MIS["forgot_minus"], lambda e: -ce(e)),
           StepMistake("forgot_logsumexp", bi("The logit is not a log-probability: add ln Σ e^{z_j}.",
                                              "logit 不是对数概率：还要加上 ln Σ e^{z_j}。"), lambda e: -e["z"][int(e["target"]) - 1]),
           StepMistake("log10", _MIS["log10"], lambda e: ce(e) / math.log(10)),
           StepMistake("log2", _MIS["log2"], lambda e: ce(e) / math.log(2)),
           StepMistake("bce_per_class", _MIS["bce_per_class"], lambda e: _bce_per_class(probs(e), int(e["target"])))]
    if t < n:
        mis.append(StepMistake("counted_from_zero", _counted_from_zero(t), lambda e: ce(e, int(e["target"]))))
    if top != t - 1:
        mis.append(StepMistake("predicted_class", _MIS["predicted_class"], lambda e, top=top: ce(e, top)))
    ch.step("ce", bi("the loss CE = −z_t + ln Σ e^{z_j}", "损失 CE = −z_t + ln Σ e^{z_j}"), ce, uses=("z", "target", "lse"),
            text=lambda s: bi(f"$\\mathrm{{CE}} = -{_p(z[t - 1])} + {fmt_num(s['lse'], 6)} = {_v(s['ce'])}$",
                              f"$\\mathrm{{CE}} = -{_p(z[t - 1])} + {fmt_num(s['lse'], 6)} = {_v(s['ce'])}$"),
            rtol=RTOL, atol=ATOL, rule=bi("cross-entropy of a one-hot target: minus the log-probability of the true class",
                                          "one-hot 目标的交叉熵：真实类别对数概率的相反数"),
            formula=bi("CE = −ln softmax(z)_t = −z_t + ln Σ_j e^{z_j}", "CE = −ln softmax(z)_t = −z_t + ln Σ_j e^{z_j}"),
            substituted=lambda s: bi(f"$-{_p(z[t - 1])} + {fmt_num(s['lse'], 6)}$", f"$-{_p(z[t - 1])} + {fmt_num(s['lse'], 6)}$"),
            mistakes=tuple(mis))
    return ch.steps


def _chain_probs(yh, t):
    """Probabilities given: the true class's probability ŷ_t, then CE = −ln ŷ_t."""
    ch = Chain({"y_hat": yh, "target": t})
    n = len(yh)
    top = max(range(n), key=lambda i: yh[i])
    mis = []
    if t < n:
        mis.append(StepMistake("counted_from_zero", _counted_from_zero(t), lambda e: e["y_hat"][int(e["target"])]))
    if top != t - 1:
        mis.append(StepMistake("predicted_class", _MIS["predicted_class"], lambda e: max(e["y_hat"])))
    ch.step("q", bi(f"the probability of the true class ŷ_{t}", f"真实类别的概率 ŷ_{t}"), lambda e: e["y_hat"][int(e["target"]) - 1],
            uses=("y_hat", "target"), digits=6, rtol=RTOL, atol=ATOL,
            text=lambda s: bi(f"True class {t}: $\\hat{{y}}_{t} = {fmt_num(s['q'], 6)}$", f"真实类别 {t}：$\\hat{{y}}_{t} = {fmt_num(s['q'], 6)}$"),
            rule=bi("a one-hot target picks the true class's probability", "one-hot 目标只取真实类别的概率"),
            formula=bi("ŷ_t, entry t of ŷ (counted from 1)", "ŷ_t，即 ŷ 的第 t 个数（从 1 开始数）"),
            substituted=lambda s: bi(f"entry {t} of $\\hat{{y}}$", f"$\\hat{{y}}$ 的第 {t} 个数"), mistakes=tuple(mis))

    def ce(e):
        return -math.log(e["q"])

    ch.step("ce", bi("the loss CE = −ln ŷ_t", "损失 CE = −ln ŷ_t"), ce, uses=("q",), rtol=RTOL, atol=ATOL,
            text=lambda s: bi(f"$\\mathrm{{CE}} = -\\ln(\\hat{{y}}_{t}) = -\\ln({fmt_num(s['q'], 6)}) = {_v(s['ce'])}$",
                              f"$\\mathrm{{CE}} = -\\ln(\\hat{{y}}_{t}) = -\\ln({fmt_num(s['q'], 6)}) = {_v(s['ce'])}$"),
            rule=bi("cross-entropy of a one-hot target: minus the log-probability of the true class",
                    "one-hot 目标的交叉熵：真实类别对数概率的相反数"),
            formula=bi("CE = −ln ŷ_t (natural log)", "CE = −ln ŷ_t（自然对数）"),
            substituted=lambda s: bi(f"$-\\ln({fmt_num(s['q'], 6)})$", f"$-\\ln({fmt_num(s['q'], 6)})$"),
            mistakes=(StepMistake("log10", _MIS["log10"], lambda e: -math.log10(e["q"])),
                      StepMistake("forgot_minus", _MIS["forgot_minus"], lambda e: math.log(e["q"])),
                      StepMistake("log2", _MIS["log2"], lambda e: -math.log2(e["q"])),
                      StepMistake("bce_per_class", _MIS["bce_per_class"], lambda e: _bce_per_class(e["y_hat"], int(e["target"])))))
    return ch.steps


def _chain_binary(p, lab):
    """Binary: each sample's loss −ln p (label 1) or −ln(1 − p) (label 0), then their mean."""
    n = len(p)
    ch = Chain({"p": p, "label": lab})

    def term(e, k, base=None, wrong=False):
        q, y = e["p"][k], int(e["label"][k])
        x = q if (y == 1) != wrong else 1 - q
        return -math.log(x) / (math.log(base) if base else 1.0)

    ids = []
    for k in range(n):
        y = lab[k]
        arg = _v(p[k]) if y == 1 else f"1 - {_v(p[k])}"
        sid = f"loss{k + 1}"
        label_en, label_zh = (f"Sample {k + 1}: ", f"样本 {k + 1}：") if n > 1 else ("", "")
        ch.step(sid, bi(f"the loss of sample {k + 1}" if n > 1 else "the loss", f"样本 {k + 1} 的损失" if n > 1 else "损失"),
                lambda e, k=k: term(e, k), uses=("p", "label"), rtol=RTOL, atol=ATOL,
                text=lambda s, sid=sid, arg=arg, y=y, le=label_en, lz=label_zh: bi(f"{le}$y = {y}$: $-\\ln({arg}) = {_v(s[sid])}$",
                                                                                  f"{lz}$y = {y}$：$-\\ln({arg}) = {_v(s[sid])}$"),
                rule=bi("binary cross-entropy: minus the log of the probability given to the true label",
                        "二元交叉熵：真实标签所得概率的对数取负"),
                formula=bi("−ln p for y = 1, −ln(1 − p) for y = 0", "y = 1 时 −ln p，y = 0 时 −ln(1 − p)"),
                substituted=lambda s, arg=arg: bi(f"$-\\ln({arg})$", f"$-\\ln({arg})$"),
                mistakes=(StepMistake("log10", _MIS["log10"], lambda e, k=k: term(e, k, base=10)),
                          StepMistake("forgot_minus", bi("You forgot the minus sign: the loss is −ln(·), a positive number.",
                                                         "你漏了负号：损失是 −ln(·)，为正数。"), lambda e, k=k: -term(e, k)),
                          StepMistake("wrong_term", bi("You used the wrong term: for label 1 the loss is −ln p, for label 0 it is −ln(1 − p).",
                                                       "你用错了项：标签为 1 时损失是 −ln p，标签为 0 时是 −ln(1 − p)。"),
                                      lambda e, k=k: term(e, k, wrong=True)),
                          StepMistake("log2", _MIS["log2"], lambda e, k=k: term(e, k, base=2))))
        ids.append(sid)
    if n == 1:
        return ch.steps
    ids = tuple(ids)

    def mtext(s):
        expr = f"({' + '.join(_v(s[k]) for k in ids)})/{n} = {_v(s['mean'])}"
        return bi(f"Mean over the {n} samples: ${expr}$.", f"对 {n} 个样本取平均：${expr}$。")

    ch.step("mean", bi("the mean loss over the batch", "这批样本的平均损失"), lambda e: sum(e[k] for k in ids) / n, uses=ids,
            rtol=RTOL, atol=ATOL, text=mtext, rule=bi("a batch loss is the mean over the samples", "批量损失是各样本损失的平均"),
            formula=bi("(1/N) Σ_i loss_i", "(1/N) Σ_i loss_i"),
            substituted=lambda s: bi(f"$({' + '.join(_v(s[k]) for k in ids)})/{n}$", f"$({' + '.join(_v(s[k]) for k in ids)})/{n}$"),
            mistakes=(StepMistake("summed_not_mean", bi("You summed the losses; the batch loss is their mean (divide by the number of samples).",
                                                        "你把损失加起来了；批量损失取平均（除以样本数）。"), lambda e: sum(e[k] for k in ids)),))
    return ch.steps


def check(prm: dict):
    """Engine route: the engine's loss functions."""
    import numpy as np

    from ..engine import binary_cross_entropy, softmax_cross_entropy

    if _mode(prm) == "binary":
        value, _ = binary_cross_entropy(np.asarray(prm["p"], dtype=float), np.asarray(prm["label"], dtype=float))
        return float(value)
    logits = np.asarray(prm["z"], dtype=float) if prm.get("z") else np.log(np.asarray(prm["y_hat"], dtype=float))
    value, _ = softmax_cross_entropy(logits, int(prm["target"]) - 1)  # the engine counts classes from 0
    return float(value)
