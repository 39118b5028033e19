"""Gradient of softmax + cross-entropy with respect to the logits: ŷ − y.

Formula route: ∂L/∂z = ŷ − y (one-hot y, class counted from 1); binary (sigmoid + BCE):
∂L/∂z = p − y.
Engine route: back-propagation through the engine's Softmax (or sigmoid) layer: forward on the
logits, dL/dŷ = −y/ŷ (+ (1 − y)/(1 − p) for BCE) pushed through the layer's backward (the chain
rule with the softmax Jacobian), never the ŷ − y shortcut.
"""
from __future__ import annotations

import math
import random

from .base import Chain, StepMistake, Family, Misconception, Param, ParamError, Solution, bi, fmt_num, pick
from ._shared import multiclass_kind, softmax, random_probs as _probs

FAMILY = Family(
    id="softmax_ce_grad",
    topic="training",
    concepts=("softmax_ce_gradient", "cross_entropy", "backpropagation"),
    title=bi("Gradient of softmax + cross-entropy", "Softmax + 交叉熵的梯度"),
    params=(
        Param("z", "floats", bi("logits z_1, …, z_n (give z or y_hat)", "logits z_1, …, z_n（z 与 y_hat 二选一）"),
              default="", aliases=("logits",), min=-1e6, max=1e6, max_len=100),
        Param("y_hat", "floats", bi("softmax probabilities ŷ_1, …, ŷ_n summing to 1 (give z or y_hat)",
                                    "softmax 概率 ŷ_1, …, ŷ_n，和为 1（z 与 y_hat 二选一）"),
              default="", aliases=("yhat", "probs"), max_len=100),
        Param("target", "int", bi("the true class, counted from 1", "真实类别，从 1 开始数"),
              default="0", aliases=("class", "y"), max=100),
        Param("p", "float", bi("binary (sigmoid + BCE): predicted P(label = 1); 0 = not binary",
                               "二分类（sigmoid + BCE）：预测 P(标签 = 1)；0 表示非二分类"),
              default="0"),
        Param("label", "int", bi("binary: the true label 0 or 1", "二分类：真实标签 0 或 1"), default="-1"),
    ),
)

RTOL, ATOL = 1e-3, 5e-4


def _finite(v) -> bool:
    return all(math.isfinite(x) for x in v) if isinstance(v, tuple) else math.isfinite(v)


def _mode(prm: dict) -> str:
    z, yh, t = tuple(prm.get("z") or ()), tuple(prm.get("y_hat") or ()), int(prm.get("target") or 0)
    p, lab = float(prm.get("p") or 0), int(prm.get("label", -1))
    if p or lab != -1:
        if z or yh or t:
            raise ParamError("give either a multi-class problem (z or y_hat, target) or a binary one (p, label), not both",
                             "多分类（z 或 y_hat，target）与二分类（p, label）只能给一种")
        if not 0 < p < 1 or lab not in (0, 1):
            raise ParamError("binary: give p strictly between 0 and 1 and label 0 or 1, e.g. p=0.8 label=1",
                             "二分类：p 须严格介于 0 和 1 之间，label 为 0 或 1，例如 p=0.8 label=1")
        return "binary"
    return multiclass_kind(z, yh, t)


def generate(rng: random.Random, difficulty: str) -> dict:
    empty = {"z": (), "y_hat": (), "target": 0, "p": 0.0, "label": -1}
    kind = pick(rng, {"easy": ("probs", "probs", "binary"), "medium": ("probs", "logits", "logits"),
                      "hard": ("logits", "logits", "probs")}[difficulty])
    if kind == "binary":
        return {**empty, "p": rng.randint(1, 19) / 20, "label": rng.randint(0, 1)}
    n = 3 if difficulty != "hard" else pick(rng, (3, 4))
    target = rng.randint(1, n)
    if kind == "probs":
        return {**empty, "y_hat": _probs(rng, n), "target": target}
    while True:
        if difficulty == "hard":
            z = tuple(rng.randint(-20, 30) / 10 for _ in range(n))
        else:
            z = tuple(float(rng.randint(-2, 3)) for _ in range(n))
        if len(set(z)) == n:
            return {**empty, "z": z, "target": target}


def _v(x: float) -> str:
    return fmt_num(x, 4)


def _vec(v) -> str:
    return "(" + ", ".join(_v(x) for x in v) + ")"


def _text(v) -> str:
    if isinstance(v, tuple):
        return "[" + ", ".join(f"{x:.4f}" for x in v) + "]"
    return f"{v:.4f}"


def _solve_binary(prm: dict) -> Solution:
    p, y = float(prm["p"]), int(prm["label"])
    ans = p - y
    prompt = bi(
        f"A sigmoid output unit predicts $p = \\sigma(z) = {_v(p)}$ for a sample with label $y = {y}$, "
        "trained with binary cross-entropy. Give $\\partial L / \\partial z$, the gradient with respect to the logit $z$.",
        f"sigmoid 输出单元对一个标签为 $y = {y}$ 的样本预测 $p = \\sigma(z) = {_v(p)}$，损失为二元交叉熵。"
        "求对 logit $z$ 的梯度 $\\partial L / \\partial z$。",
    )
    steps = (
        bi(r"$L = -[y \cdot \ln(p) + (1 - y) \ln(1 - p)]$ with $p = \sigma(z)$; since $\sigma'(z) = p(1 - p)$ the chain rule "
           r"gives $\partial L / \partial z = p - y$.",
           r"$L = -[y \cdot \ln(p) + (1 - y) \ln(1 - p)]$，$p = \sigma(z)$；由 $\sigma'(z) = p(1 - p)$ 和链式法则得 "
           r"$\partial L / \partial z = p - y$。"),
    )
    chain = _chain_binary(p, y)
    steps += tuple(st.text for st in chain)
    dp = -y / p + (1 - y) / (1 - p)
    miscon = [
        Misconception("sign_flipped", y - p, bi("Sign error: the gradient is p − y, not y − p.", "符号反了：梯度是 p − y，不是 y − p。")),
        Misconception("grad_wrt_probability", dp,
                      bi("That is ∂L/∂p; the question asks for the gradient with respect to the logit z (multiply by σ' = p(1 − p)).",
                         "这是 ∂L/∂p；题目要的是对 logit z 的梯度（还要乘 σ' = p(1 − p)）。")),
        Misconception("forgot_minus_label", p,
                      bi("You gave p; subtract the label: p − y.", "你只给了 p；还要减去标签：p − y。")),
    ]
    return Solution(prompt=prompt, answer=ans, steps=steps, misconceptions=tuple(miscon),
                    conventions=(bi("Natural logarithm; p = σ(z).", "自然对数；p = σ(z)。"),),
                    answer_text=_text(ans), rtol=RTOL, atol=ATOL, chain=chain,
                    hint=bi("Sigmoid + BCE: ∂L/∂z = p − y.", "Sigmoid + BCE：∂L/∂z = p − y。"))


def solve(prm: dict) -> Solution:
    mode = _mode(prm)
    if mode == "binary":
        return _solve_binary(prm)
    t = int(prm["target"])
    z = tuple(float(x) for x in prm["z"] or ())
    if mode == "logits":
        yh = softmax(z)
    else:
        yh = tuple(float(x) for x in prm["y_hat"])
    n = len(yh)
    y = tuple(1.0 if i == t - 1 else 0.0 for i in range(n))
    ans = tuple(a - b for a, b in zip(yh, y))
    ask_en = (f"Give the gradient of the loss with respect to the logits, $\\partial L / \\partial z$ "
              f"($n = {n}$ numbers, to 4 decimals).")
    ask_zh = f"求损失对 logits 的梯度 $\\partial L / \\partial z$（{n} 个数，保留 4 位小数）。"
    if mode == "logits":
        prompt = bi(f"A softmax classifier trained with cross-entropy outputs the logits $z$ = {_vec(z)}; "
                    f"the true class is class {t} (classes counted from 1). {ask_en}",
                    f"用交叉熵训练的 softmax 分类器输出 logits $z$ = {_vec(z)}；真实类别为第 {t} 类（类别从 1 开始数）。{ask_zh}")
    else:
        prompt = bi(f"A softmax classifier trained with cross-entropy predicts $\\hat{{y}}$ = {_vec(yh)}; "
                    f"the true class is class {t} (classes counted from 1). {ask_en}",
                    f"用交叉熵训练的 softmax 分类器预测 $\\hat{{y}}$ = {_vec(yh)}；真实类别为第 {t} 类（类别从 1 开始数）。{ask_zh}")
    steps = [bi(r"For softmax followed by cross-entropy, $\partial L / \partial z_i = \hat{y}_i - y_i$ "
                r"(the softmax Jacobian and $-y_i/\hat{y}_i$ combine to this).",
                r"softmax 之后接交叉熵时，$\partial L / \partial z_i = \hat{y}_i - y_i$（softmax 的雅可比矩阵与 "
                r"$-y_i/\hat{y}_i$ 相乘化简而得）。")]
    if mode == "logits":
        chain = _chain(z, t, y)
        steps.append(chain[0].text)
        steps.append(bi(f"One-hot target for class {t}: $y$ = {_vec(y)}.", f"第 {t} 类的 one-hot 目标：$y$ = {_vec(y)}。"))
        steps.append(chain[1].text)
    else:
        chain = _chain_probs(yh, t)
        steps += [st.text for st in chain]

    miscon = [
        Misconception("sign_flipped", tuple(-a for a in ans),
                      bi("Sign error: the gradient is ŷ − y, not y − ŷ (gradient descent then moves z by −η(ŷ − y)).",
                         "符号反了：梯度是 ŷ − y，不是 y − ŷ（梯度下降再沿 −η(ŷ − y) 更新 z）。")),
        Misconception("forgot_minus_one", yh,
                      bi("You gave ŷ: subtract the one-hot target, i.e. 1 at the true class.",
                         "你只给了 ŷ：还要减去 one-hot 目标，即在真实类别处减 1。")),
        Misconception("only_target_entry", tuple(a if i == t - 1 else 0.0 for i, a in enumerate(ans)),
                      bi("Every logit gets a gradient: the wrong classes get ŷ_i, not 0 (softmax couples all classes).",
                         "每个 logit 都有梯度：错误类别的梯度是 ŷ_i，不是 0（softmax 把所有类别耦合在一起）。")),
        Misconception("grad_wrt_probabilities", tuple(-b / a for a, b in zip(yh, y)),
                      bi("That is ∂L/∂ŷ (−y/ŷ); the question asks for the gradient with respect to the logits z.",
                         "这是对 ŷ 的梯度（−y/ŷ）；题目要的是对 logits z 的梯度。")),
    ]
    if t < n:
        miscon.append(Misconception(
            "counted_from_zero", tuple(a - (1.0 if i == t else 0.0) for i, a in enumerate(yh)),
            bi(f"You subtracted 1 at entry {t + 1}: classes are counted from 1, so class {t} is entry {t}.",
               f"你在第 {t + 1} 个数上减了 1：类别从 1 开始数，第 {t} 类就是第 {t} 个数。")))
    if mode == "logits":
        miscon.append(Misconception(
            "no_softmax", tuple(a - b for a, b in zip(z, y)),
            bi("You used z − y: apply softmax to the logits first, the gradient is ŷ − y.",
               "你用了 z − y：要先对 logits 做 softmax，梯度是 ŷ − y。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Natural logarithm; classes are counted from 1; one sample (no batch averaging).",
                                    "自然对数；类别从 1 开始数；单个样本（不做批量平均）。"),),
                    answer_text=_text(ans), rtol=RTOL, atol=ATOL, chain=chain,
                    hint=bi("∂L/∂z = ŷ − y: the probabilities, minus 1 at the true class.",
                            "∂L/∂z = ŷ − y：概率本身，真实类别处再减 1。"))


def _chain(z, t, y):
    """Logits given: ŷ = softmax(z), then ∂L/∂z = ŷ − y."""
    ch = Chain({"z": z, "target": t})
    n = len(z)

    def onehot(e):
        return tuple(1.0 if i == int(e["target"]) - 1 else 0.0 for i in range(n))

    ch.step("probs", bi("the probabilities ŷ", "概率 ŷ"), lambda e: softmax(e["z"]), uses=("z",),
            text=lambda s: bi(f"Softmax of the logits: $\\hat{{y}}$ = {_vec(s['probs'])}.", f"先算 softmax：$\\hat{{y}}$ = {_vec(s['probs'])}。"),
            rtol=RTOL, atol=ATOL,
            rule=bi("softmax: exponentiate, then normalise", "softmax：取指数，再归一化"),
            formula=bi("ŷ_i = e^{z_i} / Σ_j e^{z_j}", "ŷ_i = e^{z_i} / Σ_j e^{z_j}"),
            substituted=lambda s: bi("ŷ_i = e^{z_i} / (" + " + ".join(f"e^{{{_v(v)}}}" for v in z) + ")",
                                     "ŷ_i = e^{z_i} / (" + " + ".join(f"e^{{{_v(v)}}}" for v in z) + ")"),
            mistakes=(StepMistake("no_softmax", bi("You copied the logits: exponentiate and normalise them first.",
                                                   "你直接抄了 logits：要先取指数再归一化。"), lambda e: tuple(e["z"])),))
    ch.step("grad", bi("the gradient ∂L/∂z", "梯度 ∂L/∂z"),
            lambda e: tuple(a - b for a, b in zip(e["probs"], onehot(e))), uses=("probs", "target"),
            text=lambda s: bi(f"$\\hat{{y}} - y$ = {_vec(s['grad'])}: subtract 1 at the true class, keep the other probabilities.",
                              f"$\\hat{{y}} - y$ = {_vec(s['grad'])}：真实类别处减 1，其余概率不变。"),
            rtol=RTOL, atol=ATOL,
            rule=bi("softmax with cross-entropy: prediction minus target", "softmax 接交叉熵：预测减目标"),
            formula=bi("∂L/∂z_i = ŷ_i − y_i (y one-hot)", "∂L/∂z_i = ŷ_i − y_i（y 为 one-hot）"),
            substituted=lambda s: bi(f"{_vec(s['probs'])} − {_vec(y)}", f"{_vec(s['probs'])} − {_vec(y)}"),
            mistakes=(StepMistake("sign_flipped", bi("Sign error: the gradient is ŷ − y, not y − ŷ.", "符号反了：梯度是 ŷ − y，不是 y − ŷ。"),
                                  lambda e: tuple(b - a for a, b in zip(e["probs"], onehot(e)))),
                      StepMistake("forgot_minus_one", bi("You gave ŷ: subtract the one-hot target, i.e. 1 at the true class.",
                                                         "你只给了 ŷ：还要减去 one-hot 目标，即在真实类别处减 1。"),
                                  lambda e: tuple(e["probs"])),
                      StepMistake("counted_from_zero", bi("You subtracted 1 one entry too far: classes are counted from 1.",
                                                          "减 1 的位置错了一位：类别从 1 开始数。"),
                                  lambda e: tuple(a - (1.0 if i == int(e["target"]) else 0.0) for i, a in enumerate(e["probs"]))
                                  if int(e["target"]) < n else None)) + _grad_mistakes("probs", onehot))
    return ch.steps


def _grad_mistakes(key, onehot):
    """Wrong methods at the gradient step, from the probabilities in env[key]."""
    return (StepMistake("only_target_entry", bi("Every logit gets a gradient: the wrong classes get ŷ_i, not 0 (softmax couples all classes).",
                                                "每个 logit 都有梯度：错误类别的梯度是 ŷ_i，不是 0（softmax 把所有类别耦合在一起）。"),
                        lambda e: tuple(a - b if b else 0.0 for a, b in zip(e[key], onehot(e)))),
            StepMistake("grad_wrt_probabilities", bi("That is ∂L/∂ŷ (−y/ŷ); the question asks for the gradient with respect to the logits z.",
                                                     "这是对 ŷ 的梯度（−y/ŷ）；题目要的是对 logits z 的梯度。"),
                        lambda e: tuple(-b / a for a, b in zip(e[key], onehot(e)))))


def _chain_probs(yh, t):
    """Probabilities given: the one-step gradient ∂L/∂z = ŷ − y (subtract 1 at the true class)."""
    ch = Chain({"y_hat": yh, "target": t})
    n = len(yh)

    def onehot(e):
        return tuple(1.0 if i == int(e["target"]) - 1 else 0.0 for i in range(n))

    y = onehot({"target": t})
    ch.step("grad", bi("the gradient ∂L/∂z", "梯度 ∂L/∂z"),
            lambda e: tuple(a - b for a, b in zip(e["y_hat"], onehot(e))), uses=("y_hat", "target"),
            text=lambda s: bi(f"One-hot target for class {t}: $y$ = {_vec(y)}; $\\hat{{y}} - y$ = {_vec(s['grad'])}: "
                              "subtract 1 at the true class, keep the other probabilities.",
                              f"第 {t} 类的 one-hot 目标：$y$ = {_vec(y)}；$\\hat{{y}} - y$ = {_vec(s['grad'])}：真实类别处减 1，其余概率不变。"),
            rtol=RTOL, atol=ATOL,
            rule=bi("softmax with cross-entropy: prediction minus target", "softmax 接交叉熵：预测减目标"),
            formula=bi("∂L/∂z_i = ŷ_i − y_i (y one-hot)", "∂L/∂z_i = ŷ_i − y_i（y 为 one-hot）"),
            substituted=lambda s: bi(f"{_vec(yh)} − {_vec(y)}", f"{_vec(yh)} − {_vec(y)}"),
            mistakes=(StepMistake("sign_flipped", bi("Sign error: the gradient is ŷ − y, not y − ŷ (gradient descent then moves z by −η(ŷ − y)).",
                                                     "符号反了：梯度是 ŷ − y，不是 y − ŷ（梯度下降再沿 −η(ŷ − y) 更新 z）。"),
                                  lambda e: tuple(b - a for a, b in zip(e["y_hat"], onehot(e)))),
                      StepMistake("forgot_minus_one", bi("You gave ŷ: subtract the one-hot target, i.e. 1 at the true class.",
                                                         "你只给了 ŷ：还要减去 one-hot 目标，即在真实类别处减 1。"), lambda e: tuple(e["y_hat"])),
                      StepMistake("counted_from_zero", bi(f"You subtracted 1 at entry {t + 1}: classes are counted from 1, so class {t} is entry {t}.",
                                                          f"你在第 {t + 1} 个数上减了 1：类别从 1 开始数，第 {t} 类就是第 {t} 个数。"),
                                  lambda e: tuple(a - (1.0 if i == int(e["target"]) else 0.0) for i, a in enumerate(e["y_hat"]))
                                  if int(e["target"]) < n else None)) + _grad_mistakes("y_hat", onehot))
    return ch.steps


def _chain_binary(p, y):
    """Binary (sigmoid + BCE): the one step ∂L/∂z = p − y."""
    ch = Chain({"p": p, "label": y})
    ch.step("grad", bi("the gradient ∂L/∂z", "梯度 ∂L/∂z"), lambda e: e["p"] - int(e["label"]), uses=("p", "label"),
            text=lambda s: bi(f"$\\partial L / \\partial z = {_v(p)} - {y} = {_v(s['grad'])}$",
                              f"$\\partial L / \\partial z = {_v(p)} - {y} = {_v(s['grad'])}$"),
            rtol=RTOL, atol=ATOL, rule=bi("sigmoid with binary cross-entropy: prediction minus label", "sigmoid 接二元交叉熵：预测减标签"),
            formula=bi("∂L/∂z = p − y", "∂L/∂z = p − y"), substituted=lambda s: bi(f"${_v(p)} - {y}$", f"${_v(p)} - {y}$"),
            mistakes=(StepMistake("sign_flipped", bi("Sign error: the gradient is p − y, not y − p.", "符号反了：梯度是 p − y，不是 y − p。"),
                                  lambda e: int(e["label"]) - e["p"]),
                      StepMistake("grad_wrt_probability",
                                  bi("That is ∂L/∂p; the question asks for the gradient with respect to the logit z (multiply by σ' = p(1 − p)).",
                                     "这是 ∂L/∂p；题目要的是对 logit z 的梯度（还要乘 σ' = p(1 − p)）。"),
                                  lambda e: -int(e["label"]) / e["p"] + (1 - int(e["label"])) / (1 - e["p"])),
                      StepMistake("forgot_minus_label", bi("You gave p; subtract the label: p − y.", "你只给了 p；还要减去标签：p − y。"),
                                  lambda e: e["p"])))
    return ch.steps


def check(prm: dict):
    """Engine route: forward through the engine's Softmax/sigmoid layer, then back-propagate
    dL/dŷ = −y/ŷ (+ (1 − y)/(1 − p) for BCE) through the layer's backward."""
    import numpy as np

    from ..engine import Activation, Softmax

    if _mode(prm) == "binary":
        p, y = float(prm["p"]), float(prm["label"])
        act = Activation("sigmoid")
        q = act.forward(np.array([math.log(p / (1 - p))]))
        return float(act.backward(-y / q + (1 - y) / (1 - q))[0])
    logits = np.asarray(prm["z"], dtype=float) if prm.get("z") else np.log(np.asarray(prm["y_hat"], dtype=float))
    layer = Softmax()
    yh = layer.forward(logits)
    y = np.zeros_like(yh)
    y[int(prm["target"]) - 1] = 1.0
    return tuple(float(v) for v in layer.backward(-y / yh))
