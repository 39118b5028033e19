"""One perceptron (PLA) update on a sample: w ← w + η·y·x, b ← b + η·y when y(w·x + b) ≤ 0.

Formula route: the score, the mistake test and the update rule (exact fractions).
Engine route: a different computation — the perceptron loss L = max(0, −y(w·x + b)) on an engine
Dense(d, 1) layer holding w and b: forward, the loss's subgradient −y (or 0) pushed through the
layer's backward, then one `sgd_step` with learning rate η.
"""
from __future__ import annotations

import random
from fractions import Fraction

from .base import Chain, StepMistake, strip_results, Family, Misconception, Param, ParamError, Solution, bi, pick
from ._shared import frac as _F, num as _n, paren as _p, vec as _vec

FAMILY = Family(
    id="perceptron_step",
    topic="neuron",
    concepts=("perceptron", "linear_separability", "step_function"),
    title=bi("One perceptron update", "感知器的一步更新"),
    params=(
        Param("w", "floats", bi("weights w_1, …, w_d", "权重 w_1, …, w_d"), aliases=("weights",), min=-1e6, max=1e6, max_len=32),
        Param("b", "float", bi("bias b", "偏置 b"), default="0", aliases=("bias",), min=-1e6, max=1e6),
        Param("x", "floats", bi("the sample x_1, …, x_d", "样本 x_1, …, x_d"), min=-1e6, max=1e6, max_len=32),
        Param("y", "int", bi("its label, +1 or −1", "样本标签，+1 或 −1"), aliases=("label",)),
        Param("lr", "float", bi("learning rate η", "学习率 η"), default="1", aliases=("eta",), max=1000),
    ),
)

ATOL = 5e-4


def _parse(prm: dict):
    w = tuple(_F(v) for v in prm["w"])
    x = tuple(_F(v) for v in prm["x"])
    if not w or len(w) != len(x):
        raise ParamError(f"w and x need the same length (w has {len(w)}, x has {len(x)})",
                         f"w 与 x 长度须相同（w 有 {len(w)} 个，x 有 {len(x)} 个）")
    y = int(prm["y"])
    if y not in (1, -1):
        raise ParamError("the label y must be +1 or −1 (the perceptron's labels)", "标签 y 须为 +1 或 −1（感知器的标签）")
    lr = _F(prm.get("lr", 1))
    if lr <= 0:
        raise ParamError("the learning rate must be positive", "学习率须为正数")
    return w, _F(prm.get("b", 0)), x, y, lr


def generate(rng: random.Random, difficulty: str) -> dict:
    d = 3 if difficulty == "hard" and rng.random() < 0.4 else 2
    for _ in range(1000):
        if difficulty == "easy":
            zero = rng.random() < 0.3
            w = tuple(0.0 if zero else float(rng.randint(-3, 3)) for _ in range(d))
            b = 0.0 if zero else float(rng.randint(-2, 2))
            x = tuple(float(rng.randint(-3, 3)) for _ in range(d))
            lr = 1.0
        else:
            w = tuple(rng.randint(-10, 10) / 10 for _ in range(d))
            b = rng.randint(-10, 10) / 10
            x = tuple(float(rng.randint(-3, 3)) if difficulty == "medium" else rng.randint(-20, 20) / 10
                      for _ in range(d))
            lr = pick(rng, (1.0, 0.5, 0.1) if difficulty == "medium" else (0.5, 0.1, 0.2))
        y = pick(rng, (1, -1))
        s = sum(_F(a) * _F(c) for a, c in zip(w, x)) + _F(b)
        if y * s > 0 or all(v == 0 for v in x) or sum(v != 0 for v in x) < min(2, d):
            continue
        return {"w": w, "b": b, "x": x, "y": y, "lr": lr}
    raise ParamError("no usable draw", "没有合适的参数")


def solve(prm: dict) -> Solution:
    w, b, x, y, lr = _parse(prm)
    d = len(w)
    s = sum(a * c for a, c in zip(w, x)) + b
    mistake = y * s <= 0
    nw = tuple(a + lr * y * c for a, c in zip(w, x)) if mistake else w
    nb = b + lr * y if mistake else b
    ans = tuple(float(v) for v in (*nw, nb))
    names = ", ".join(f"w_{i + 1}" for i in range(d))
    prompt = bi(
        f"A perceptron with labels $y = \\pm 1$ predicts $\\mathrm{{sign}}(w \\cdot x + b)$. Its weights are "
        f"$w$ = {_vec(w)}, bias $b = {_n(b)}$. The sample $x$ = {_vec(x)} with label $y = {'+1' if y > 0 else '-1'}$ is "
        f"presented. Apply the perceptron learning rule with $\\eta = {_n(lr)}$ (a sample with "
        f"$y(w \\cdot x + b) \\leq 0$ counts as misclassified). Give the new ${names}, b$.",
        f"感知器的标签为 $y = \\pm 1$，预测 $\\mathrm{{sign}}(w \\cdot x + b)$。当前权重 $w$ = {_vec(w)}，"
        f"偏置 $b = {_n(b)}$。输入样本 $x$ = {_vec(x)}，标签 $y = {'+1' if y > 0 else '-1'}$。按感知器学习规则更新一次，"
        f"$\\eta = {_n(lr)}$（满足 $y(w \\cdot x + b) \\leq 0$ 的样本算作分错）。求新的 ${names}, b$。",
    )
    terms = " + ".join(f"{_p(a)} \\cdot {_p(c)}" for a, c in zip(w, x))
    steps = [bi(
        f"Score: $w \\cdot x + b = {terms} + {_p(b)} = {_n(s)}$; $y(w \\cdot x + b) = {_n(y * s)}$"
        + (" ≤ 0: misclassified, so update." if mistake else " > 0: correctly classified, so no update."),
        f"打分：$w \\cdot x + b = {terms} + {_p(b)} = {_n(s)}$；$y(w \\cdot x + b) = {_n(y * s)}$"
        + (" ≤ 0：分错了，需要更新。" if mistake else " > 0：分类正确，不更新。"))]
    if mistake:
        wt = "; ".join(f"$w_{i + 1} = {_n(a)} + {_n(lr)} \\cdot {_p(y)} \\cdot {_p(c)} = {_n(n)}$"
                       for i, (a, c, n) in enumerate(zip(w, x, nw)))
        steps.append(bi(f"Weights: $w \\leftarrow w + \\eta y x$: {wt}.",
                        f"权重：$w \\leftarrow w + \\eta y x$：{wt.replace('$; $', '$；$')}。"))
        steps.append(bi(f"Bias: $b \\leftarrow b + \\eta y = {_n(b)} + {_n(lr)} \\cdot {_p(y)} = {_n(nb)}$.",
                        f"偏置：$b \\leftarrow b + \\eta y = {_n(b)} + {_n(lr)} \\cdot {_p(y)} = {_n(nb)}$。"))
    else:
        steps.append(bi("The perceptron only learns from mistakes: w and b stay as they are.",
                        "感知器只在分错时学习：w 和 b 保持不变。"))
    steps.append(bi(f"New ${names}, b$: {_vec(ans)}.", f"新的 ${names}, b$：{_vec(ans)}。"))

    def upd(k_w, k_b):
        return tuple(float(v) for v in (*(a + k_w * lr * y * c for a, c in zip(w, x)), b + k_b * lr * y))

    M = Misconception
    if mistake:
        miscon = [
            M("subtracted", upd(-1, -1), bi(
                "You subtracted: for a misclassified sample the perceptron moves w TOWARD y·x: w ← w + ηyx, b ← b + ηy.",
                "你做了减法：分错的样本要让 w 朝 y·x 的方向移动：w ← w + ηyx，b ← b + ηy。")),
            M("forgot_bias", upd(1, 0), bi("You forgot to update the bias: b ← b + ηy (the bias is a weight on a constant input 1).",
                                             "漏掉了偏置的更新：b ← b + ηy（偏置就是常数输入 1 的权重）。")),
            M("doubled_update", upd(2, 2), bi(
                "Your step is doubled: with ±1 labels, (y − ŷ) = 2y; the perceptron rule is w ← w + ηyx "
                "(the (t − ŷ) form belongs to 0/1 labels)" + (" — or you forgot η = 0.5." if lr == Fraction(1, 2) else "."),
                "更新量翻倍了：标签为 ±1 时 (y − ŷ) = 2y；感知器规则是 w ← w + ηyx（(t − ŷ) 的写法对应 0/1 标签）"
                + ("——或者你漏乘了 η = 0.5。" if lr == Fraction(1, 2) else "。"))),
            M("no_update", tuple(float(v) for v in (*w, b)), bi(
                "The sample is misclassified (y(w·x + b) ≤ 0), so w and b must change; with ±1 labels the negative "
                "class is y = −1, not 0.",
                "样本分错了（y(w·x + b) ≤ 0），w 和 b 必须更新；±1 标签中负类是 y = −1，不是 0。")),
        ]
        if lr != 1:
            miscon.append(M("forgot_learning_rate", tuple(float(v) for v in (*(a + y * c for a, c in zip(w, x)), b + y)),
                            bi(f"You forgot the learning rate η = {_n(lr)}.", f"漏乘了学习率 η = {_n(lr)}。")))
    else:
        miscon = [M("updated_anyway", upd(1, 1), bi(
            "The sample is already classified correctly (y(w·x + b) > 0): the perceptron does not update.",
            "样本已经分对了（y(w·x + b) > 0）：感知器不更新。"))]
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Labels ±1; update only when y(w·x + b) ≤ 0 (a score of exactly 0 is a mistake); "
                                    "the bias is updated as a weight on a constant input 1.",
                                    "标签为 ±1；仅当 y(w·x + b) ≤ 0 时更新（得分恰为 0 也算错）；偏置按常数输入 1 的权重更新。"),),
                    rtol=0.0, atol=ATOL, chain=_chain(w, b, x, y, lr),
                    hint=bi("If y(w·x + b) ≤ 0: w ← w + ηyx, b ← b + ηy.", "若 y(w·x + b) ≤ 0：w ← w + ηyx，b ← b + ηy。"))


def _chain(w, b, x, y, lr):
    """The margin y(w·x + b), then the new w, b (updated only if the margin is ≤ 0)."""
    ch = Chain({})
    d = len(w)
    terms = " + ".join(f"{_p(a)} \\cdot {_p(c)}" for a, c in zip(w, x))

    def tx(f):
        return lambda s: bi(f(s, "en"), f(s, "zh"))

    def margin(e, sign=1):
        return float(sign * y * (sum(a * c for a, c in zip(w, x)) + b))

    ch.step("margin", bi("the margin y(w·x + b)", "间隔 y(w·x + b)"), margin, uses=("w", "x", "b", "y"),
            text=tx(lambda s, l: f"$y(w \\cdot x + b) = {_p(y)} \\cdot ({terms} + {_p(b)}) = {_n(s['margin'])}$"),
            rtol=0.0, atol=ATOL, rule=bi("the signed score: positive when the sample is on the right side", "带符号的得分：样本分对时为正"),
            formula=bi("y(w·x + b)", "y(w·x + b)"), substituted=tx(lambda s, l: f"${_p(y)} \\cdot ({terms} + {_p(b)})$"),
            mistakes=(StepMistake("forgot_label", bi("Multiply the score by the label y: the margin is y(w·x + b).",
                                                     "得分还要乘标签 y：间隔是 y(w·x + b)。"), lambda e: margin(e) * y),))

    def new(e, k=1, kb=1, rate=True, force=None):
        upd = (e["margin"] <= 0) if force is None else force
        eta = _F(lr) if rate else 1
        if not upd:
            return tuple(float(v) for v in (*w, b))
        return tuple(float(v) for v in (*(a + k * eta * y * c for a, c in zip(w, x)), b + kb * eta * y))

    def line(s, l):
        if s["margin"] > 0:
            return bi("margin > 0: correctly classified, no update: ", "间隔 > 0：分类正确，不更新：").t(l) + _vec(s["new"])
        ups = [f"$w_{i + 1} = {_n(a)} + {_n(lr)} \\cdot {_p(y)} \\cdot {_p(c)} = {_n(s['new'][i])}$" for i, (a, c) in enumerate(zip(w, x))]
        ups.append(f"$b = {_n(b)} + {_n(lr)} \\cdot {_p(y)} = {_n(s['new'][d])}$")
        return bi("margin ≤ 0: misclassified, update: ", "间隔 ≤ 0：分错了，更新：").t(l) + "; ".join(ups)

    mis = [StepMistake("subtracted", bi("For a misclassified sample w moves TOWARD y·x: w ← w + ηyx, b ← b + ηy.",
                                        "分错的样本要让 w 朝 y·x 的方向移动：w ← w + ηyx，b ← b + ηy。"), lambda e: new(e, -1, -1)),
           StepMistake("forgot_bias", bi("Update the bias too: b ← b + ηy.", "偏置也要更新：b ← b + ηy。"), lambda e: new(e, 1, 0)),
           StepMistake("doubled_update", bi("Your step is doubled: with ±1 labels the rule is w ← w + ηyx.",
                                            "更新量翻倍了：±1 标签时规则是 w ← w + ηyx。"), lambda e: new(e, 2, 2)),
           StepMistake("no_update", bi("A margin ≤ 0 means misclassified: w and b must change.", "间隔 ≤ 0 即分错：w 和 b 必须更新。"),
                       lambda e: new(e, force=False) if e["margin"] <= 0 else None),
           StepMistake("updated_anyway", bi("A margin > 0 means correctly classified: the perceptron does not update.",
                                            "间隔 > 0 即分对：感知器不更新。"), lambda e: new(e, force=True) if e["margin"] > 0 else None)]
    if lr != 1:
        mis.append(StepMistake("forgot_learning_rate", bi(f"You forgot the learning rate η = {_n(lr)}.", f"漏乘了学习率 η = {_n(lr)}。"),
                               lambda e: new(e, rate=False)))
    ch.step("new", bi("the new w and b", "新的 w 和 b"), new, uses=("margin", "w", "x", "b", "y", "lr"), text=tx(line),
            rtol=0.0, atol=ATOL, rule=bi("the perceptron rule: learn only from mistakes", "感知器规则：只在分错时学习"),
            formula=bi("if y(w·x + b) ≤ 0: w ← w + ηyx, b ← b + ηy", "若 y(w·x + b) ≤ 0：w ← w + ηyx，b ← b + ηy"),
            substituted=tx(lambda s, l: strip_results(line(s, l))), mistakes=tuple(mis))
    return ch.steps


def check(prm: dict):
    """Engine route: perceptron loss max(0, −y·s) on an engine Dense(d, 1) layer, its
    subgradient back-propagated, one sgd_step."""
    import numpy as np

    from ..engine import Dense, sgd_step

    w, b, x, y, lr = _parse(prm)
    layer = Dense(len(w), 1)
    layer.weight = [[float(v) for v in w]]
    layer.bias = [float(b)]
    s = layer.forward(np.array([[float(v) for v in x]]))
    # L = max(0, −y·s): dL/ds = −y where −y·s ≥ 0 (a zero score is on the loss's active side)
    g = np.where(-y * s >= 0, -float(y), 0.0)
    layer.backward(g)
    sgd_step(layer, float(lr))
    return tuple(float(v) for v in (*layer.weight[0], layer.bias[0]))
