"""One gradient-descent step: a linear model with squared loss on a small batch, or a quadratic.

Formula route: residuals r_n = ŷ_n − y_n, ∂L/∂w = c·Σ_n r_n x_n, ∂L/∂b = c·Σ_n r_n with
c = 2/N (mean), 1/N (½·mean) or 1 (½·sum); quadratic f(w) = Σ a_i (w_i − c_i)², ∂f/∂w_i = 2a_i(w_i − c_i);
then θ ← θ − η·∇ (exact fractions).
Engine route: linear — an engine Dense(d, 1) holding w and b, the engine's `mse` on the batch
(scaled to the stated convention), backward, `sgd_step`; quadratic — central finite differences
of f, then the step.
"""
from __future__ import annotations

import random
from fractions import Fraction

from .base import strip_results, Chain, Family, Misconception, StepMistake, Param, ParamError, Solution, bi, fmt_num, pick
from ._shared import frac as _F, num as _n, paren as _p, vec as _vec

LOSSES = ("mean", "half_mean", "half_sum")

FAMILY = Family(
    id="gd_step",
    topic="optimization",
    concepts=("gradient_descent", "learning_rate", "batch_gd", "mse_loss", "linear_regression"),
    title=bi("One gradient-descent step", "一步梯度下降"),
    params=(
        Param("w", "floats", bi("the parameters' start values w_1, …, w_d", "参数初值 w_1, …, w_d"), aliases=("w0",), min=-1e6, max=1e6, max_len=16),
        Param("lr", "float", bi("learning rate η", "学习率 η"), default="0.1", aliases=("eta",), max=100),
        Param("x", "matrix", bi("linear model: the inputs, one sample per row (1-D inputs may be given as x=1,2,3)",
                                "线性模型：输入，每行一个样本（一维输入可写成 x=1,2,3）"), default=(), min=-1e6, max=1e6, max_len=64),
        Param("y", "floats", bi("linear model: the targets y_1, …, y_N", "线性模型：目标值 y_1, …, y_N"), default="", min=-1e6, max=1e6, max_len=64),
        Param("bias", "bool", bi("linear model: has a bias b (false: ŷ = w·x, no bias to update)",
                                 "线性模型：是否有偏置 b（false：ŷ = w·x，没有偏置要更新）"), default="true"),
        Param("b", "float", bi("linear model: the bias's start value", "线性模型：偏置初值"), default="0", min=-1e6, max=1e6),
        Param("loss", "str", bi("linear model: mean = (1/N)Σ(ŷ − y)², half_mean = (1/2N)Σ(ŷ − y)², half_sum = ½Σ(ŷ − y)²",
                                "线性模型：mean = (1/N)Σ(ŷ − y)²，half_mean = (1/2N)Σ(ŷ − y)²，half_sum = ½Σ(ŷ − y)²"),
              default="mean", choices=LOSSES),
        Param("a", "floats", bi("quadratic f(w) = Σ a_i (w_i − c_i)²: the coefficients a_i (give a and c instead of x, y)",
                                "二次函数 f(w) = Σ a_i (w_i − c_i)²：系数 a_i（给出 a 和 c，不给 x、y）"), default="", min=-1e6, max=1e6, max_len=16),
        Param("c", "floats", bi("quadratic: the minimiser c_i", "二次函数：极小点 c_i"), default="", min=-1e6, max=1e6, max_len=16),
    ),
)

RTOL, ATOL = 1e-3, 5e-4


def _out(v):
    v = tuple(float(a) for a in v)
    return v[0] if len(v) == 1 else v


def _parse(prm: dict):
    w = tuple(_F(v) for v in prm["w"])
    lr = _F(prm.get("lr", 0.1))
    if not w:
        raise ParamError("give the start value(s) w", "请给出参数初值 w")
    if lr <= 0:
        raise ParamError("the learning rate must be positive", "学习率须为正数")
    X, y, a, c = prm.get("x") or (), prm.get("y") or (), prm.get("a") or (), prm.get("c") or ()
    if a or c:
        if X or y:
            raise ParamError("give either a linear model (x, y) or a quadratic (a, c), not both",
                             "线性模型（x, y）与二次函数（a, c）只能给一种")
        a, c = tuple(_F(v) for v in a), tuple(_F(v) for v in c)
        if len(a) != len(w) or len(c) != len(w):
            raise ParamError(f"a and c need one entry per parameter ({len(w)})", f"a 与 c 须与参数个数（{len(w)}）相同")
        if any(v <= 0 for v in a):
            raise ParamError("the coefficients a must be positive (a bowl with a minimum)", "系数 a 须为正（有极小值的碗形）")
        return "quad", w, lr, a, c
    if not X or not y:
        raise ParamError("give the batch x=…, y=… (linear model) or a=…, c=… (quadratic)",
                         "请给出数据 x=…、y=…（线性模型）或 a=…、c=…（二次函数）")
    X = tuple(tuple(_F(v) for v in row) for row in X)
    y = tuple(_F(v) for v in y)
    d = len(w)
    if d == 1 and len(X) == 1 and len(X[0]) == len(y) > 1:
        X = tuple((v,) for v in X[0])  # x=1,2,3: one 1-D sample per entry
    if len(X) != len(y) or any(len(r) != d for r in X):
        raise ParamError(f"x needs one row of {d} inputs per target ({len(y)} targets)",
                         f"x 须为每个目标值一行、每行 {d} 个输入（共 {len(y)} 个目标值）")
    loss = prm.get("loss") or "mean"
    if loss not in LOSSES:
        raise ParamError(f"loss must be one of {', '.join(LOSSES)}", f"loss 须为 {', '.join(LOSSES)} 之一")
    has_b = prm.get("bias", True) is not False
    if not has_b and prm.get("b", 0):
        raise ParamError("bias=false means no bias: leave b out", "bias=false 表示没有偏置：请不要给 b")
    return "linear", w, lr, (X, y, _F(prm.get("b", 0)) if has_b else None), loss


def _lin_grad(X, y, w, b, loss, *, factor=None, average=None, with_x=True):
    N = len(y)
    r = [sum(wi * xi for wi, xi in zip(w, row)) + b - t for row, t in zip(X, y)]
    k = {"mean": Fraction(2), "half_mean": Fraction(1), "half_sum": Fraction(1)}[loss] if factor is None else factor
    avg = (loss != "half_sum") if average is None else average
    scale = k / N if avg else k
    gw = tuple(scale * sum(rn * (row[i] if with_x else 1) for rn, row in zip(r, X)) for i in range(len(w)))
    gb = scale * sum(r)
    return r, gw, gb, scale


def generate(rng: random.Random, difficulty: str) -> dict:
    empty = {"x": (), "y": (), "b": 0.0, "loss": "mean", "a": (), "c": ()}
    kind = pick(rng, {"easy": ("quad", "linear"), "medium": ("linear", "linear", "quad"),
                      "hard": ("linear", "linear", "quad")}[difficulty])
    for _ in range(1000):
        if kind == "quad":
            d = 2 if difficulty == "hard" else 1
            a = tuple(pick(rng, (0.5, 1.0, 2.0, 3.0) if d == 1 else (0.5, 1.0, 2.0)) for _ in range(d))
            c = tuple(float(rng.randint(-3, 3)) for _ in range(d))
            w = tuple(float(rng.randint(-3, 5)) for _ in range(d))
            if any(wi == ci for wi, ci in zip(w, c)):
                continue
            lr = pick(rng, (0.1, 0.1, 0.25, 0.05))
            return {**empty, "w": w, "lr": lr, "a": a, "c": c}
        d = 2 if difficulty == "hard" else 1
        N = 1 if difficulty == "easy" else pick(rng, (2, 3))
        if difficulty == "hard":
            X = tuple(tuple(float(rng.randint(-2, 3)) for _ in range(d)) for _ in range(N))
        else:
            X = tuple((float(rng.randint(1, 4)),) for _ in range(N))
        if len(set(X)) < N or any(all(v == 0 for v in row) for row in X):
            continue
        y = tuple(float(rng.randint(-2, 6)) for _ in range(N))
        w = tuple(rng.randint(-10, 10) / 10 for _ in range(d))
        b = rng.randint(-5, 5) / 10
        lr = pick(rng, (0.1, 0.05, 0.01) if difficulty != "easy" else (0.1, 0.5))
        loss = pick(rng, LOSSES if difficulty != "easy" else ("mean", "half_sum"))
        prm = {**empty, "x": X, "y": y, "w": w, "b": b, "lr": lr, "loss": loss}
        _, gw, gb, _ = _lin_grad(tuple(tuple(_F(v) for v in r) for r in X), tuple(_F(v) for v in y),
                                 tuple(_F(v) for v in w), _F(b), loss)
        if any(abs(g * _F(lr)) < Fraction(1, 100) for g in (*gw, gb)):
            continue
        return prm
    raise ParamError("no usable draw", "没有合适的参数")


def _solve_quad(w, lr, a, c) -> Solution:
    d = len(w)
    g = tuple(2 * ai * (wi - ci) for ai, wi, ci in zip(a, w, c))
    new = tuple(wi - lr * gi for wi, gi in zip(w, g))
    ans = _out(new)
    def term(ai, ci, name):
        inner = name if ci == 0 else f"({name} - {_n(ci)})" if ci > 0 else f"({name} + {_n(-ci)})"
        return (inner if ai == 1 else f"{_n(ai)}{inner}") + "^2"

    terms = " + ".join(term(ai, ci, f"w_{i + 1}" if d > 1 else "w") for i, (ai, ci) in enumerate(zip(a, c)))
    wn = "w" if d == 1 else ", ".join(f"w_{i + 1}" for i in range(d))
    start = f"$w = {_n(w[0])}$" if d == 1 else f"$w$ = {_vec(w)}"
    prompt = bi(
        f"Minimise $f({wn}) = {terms}$ by gradient descent, starting from {start} with learning rate "
        f"$\\eta = {_n(lr)}$. Give ${wn}$ after one step.",
        f"用梯度下降最小化 $f({wn}) = {terms}$，初值 {start}，学习率 $\\eta = {_n(lr)}$。求一步之后的 ${wn}$。",
    )
    steps = [bi(r"Gradient: $\partial f / \partial w_i = 2a_i(w_i - c_i)$; step: $w \leftarrow w - \eta \cdot \nabla f(w)$.",
                r"梯度：$\partial f / \partial w_i = 2a_i(w_i - c_i)$；更新：$w \leftarrow w - \eta \cdot \nabla f(w)$。")]
    for i in range(d):
        sub = f"_{i + 1}" if d > 1 else ""
        s = (f"$\\partial f / \\partial w{sub} = 2 \\cdot {_n(a[i])} \\cdot ({_n(w[i])} - {_p(c[i])}) = {_n(g[i])}$, "
             f"$w{sub} \\leftarrow {_n(w[i])} - {_n(lr)} \\cdot {_p(g[i])} = {_n(new[i])}$")
        steps.append(bi(s + ".", s + "。"))
    M = Misconception
    miscon = [
        M("gradient_ascent", _out(wi + lr * gi for wi, gi in zip(w, g)), bi(
            "You stepped uphill: gradient DEScent subtracts, w ← w − η∇f.", "你沿梯度上升了：梯度下降要减去，w ← w − η∇f。")),
        M("forgot_factor_two", _out(wi - lr * gi / 2 for wi, gi in zip(w, g)), bi(
            "You forgot the 2 of the square: d/dw a(w − c)² = 2a(w − c).", "漏掉了平方求导的 2：d/dw a(w − c)² = 2a(w − c)。")),
    ]
    if lr != 1:
        miscon.append(M("forgot_learning_rate", _out(wi - gi for wi, gi in zip(w, g)), bi(
            f"You forgot the learning rate: multiply the gradient by η = {_n(lr)}.", f"漏乘了学习率 η = {_n(lr)}。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Plain gradient descent: w ← w − η∇f(w).", "普通梯度下降：w ← w − η∇f(w)。"),),
                    rtol=RTOL, atol=ATOL, chain=_quad_chain(w, lr, a, c),
                    hint=bi("∂f/∂w = 2a(w − c); w ← w − η·∂f/∂w.", "∂f/∂w = 2a(w − c)；w ← w − η·∂f/∂w。"))


LOSS_TEXT = {
    "mean": ("L = \\frac{1}{N}\\sum_n (\\hat{y}_n - y_n)^2", "the mean squared error, without ½", "均方误差，不带 ½"),
    "half_mean": ("L = \\frac{1}{2N}\\sum_n (\\hat{y}_n - y_n)^2", "half the mean squared error", "均方误差的一半"),
    "half_sum": ("L = \\frac{1}{2}\\sum_n (\\hat{y}_n - y_n)^2", "half the sum of squared errors, not averaged",
                 "平方误差和的一半，不取平均"),
}


def _solve_linear(w, lr, data, loss) -> Solution:
    X, y, b = data
    has_b = b is not None
    b = b if has_b else Fraction(0)
    d, N = len(w), len(y)
    r, gw, gb, scale = _lin_grad(X, y, w, b, loss)
    nw = tuple(wi - lr * g for wi, g in zip(w, gw))
    nb = b - lr * gb
    ans = tuple(float(v) for v in ((*nw, nb) if has_b else nw))
    if not has_b and d == 1:
        ans = ans[0]
    ltex, len_, lzh = LOSS_TEXT[loss]
    if d == 1:
        model = "\\hat{y} = w x + b" if has_b else "\\hat{y} = w x"
        batch = ", ".join(f"({_n(row[0])}, {_n(t)})" for row, t in zip(X, y))
        one = len(X) == 1
        batch_en = f"the (x, y) pair {batch}" if one else f"the (x, y) pairs {batch}"
        batch_zh = f"样本 (x, y)：{batch}"
        names = "w, b"
    else:
        model = "\\hat{y} = w \\cdot x + b" if has_b else "\\hat{y} = w \\cdot x"
        batch = "; ".join(f"$x$ = {_vec(row)}, $y = {_n(t)}$" for row, t in zip(X, y))
        batch_en, batch_zh = batch, f"样本 {batch.replace('; ', '；')}"
        names = ", ".join(f"w_{i + 1}" for i in range(d)) + ", b"
    if not has_b:
        names = names[:-3]
    one = N == 1
    start = (f"$w = {_n(w[0])}$" if d == 1 else f"$w$ = {_vec(w)}") + (f", $b = {_n(b)}$" if has_b else "")
    prompt = bi(
        f"A linear model ${model}$ is trained on {'one sample' if one else f'a batch of {N} samples'}: {batch_en}; "
        f"with the loss ${ltex}$ ({len_}). Starting from {start}, take one {'' if one else 'full-batch '}gradient-descent "
        f"step with $\\eta = {_n(lr)}$. Give the new ${names}$.",
        f"线性模型 ${model}$ 在{'一个样本' if one else f'一批 {N} 个样本'}上训练：{batch_zh}；"
        f"损失为 ${ltex}$（{lzh}）。从 {start} 出发，以 $\\eta = {_n(lr)}$ 做一步{'' if one else '全批量'}梯度下降。"
        f"求新的 ${names}$。",
    )
    coef = {"mean": "\\frac{2}{N}", "half_mean": "\\frac{1}{N}", "half_sum": ""}[loss]
    steps = []
    def lin(row):
        return " + ".join(f"{_p(wi)} \\cdot {_p(xi)}" for wi, xi in zip(w, row))

    preds = "; ".join(
        f"$\\hat{{y}}_{n + 1} = {lin(row)}{(' + ' + _p(b)) if has_b else ''} = {_n(rn + t)}$, "
        f"$\\hat{{y}}_{n + 1} - y_{n + 1} = {_n(rn + t)} - {_p(t)} = {_n(rn)}$" for n, (rn, row, t) in enumerate(zip(r, X, y)))
    steps.append(bi(f"Predictions and residuals at the start values: {preds}.",
                    f"初值处的预测与残差：{preds.replace('$; $', '$；$')}。"))
    steps.append(bi(
        f"Gradients: $\\partial L / \\partial w_i = {coef}\\sum_n (\\hat{{y}}_n - y_n) x_{{n,i}}$" + (", " if has_b else " ")
        + (f"$\\partial L / \\partial b = {coef}\\sum_n (\\hat{{y}}_n - y_n)$ " if has_b else "") + f"(here the factor is {fmt_num(scale)}).",
        f"梯度：$\\partial L / \\partial w_i = {coef}\\sum_n (\\hat{{y}}_n - y_n) x_{{n,i}}$" + ("，" if has_b else "")
        + (f"$\\partial L / \\partial b = {coef}\\sum_n (\\hat{{y}}_n - y_n)$" if has_b else "") + f"（这里系数为 {fmt_num(scale)}）。"))
    parts = []
    for i in range(d):
        sub = f"_{i + 1}" if d > 1 else ""
        inner = " + ".join(f"{_p(rn)} \\cdot {_p(row[i])}" for rn, row in zip(r, X))
        parts.append(f"$\\partial L / \\partial w{sub} = {fmt_num(scale)} \\cdot ({inner}) = {_n(gw[i])}$")
    inner = " + ".join(_p(rn) for rn in r)
    if has_b:
        parts.append(f"$\\partial L / \\partial b = {fmt_num(scale)} \\cdot ({inner}) = {_n(gb)}$")
    steps.append(bi("; ".join(parts) + ".", "；".join(parts) + "。"))
    ups = [f"$w{'_' + str(i + 1) if d > 1 else ''} = {_n(w[i])} - {_n(lr)} \\cdot {_p(gw[i])} = {_n(nw[i])}$" for i in range(d)]
    if has_b:
        ups.append(f"$b = {_n(b)} - {_n(lr)} \\cdot {_p(gb)} = {_n(nb)}$")
    steps.append(bi("Step $\\theta \\leftarrow \\theta - \\eta \\cdot \\partial L / \\partial \\theta$: " + "; ".join(ups) + ".",
                    "更新 $\\theta \\leftarrow \\theta - \\eta \\cdot \\partial L / \\partial \\theta$：" + "；".join(ups) + "。"))

    def shape(v):
        v = tuple(float(a) for a in v)
        return v if has_b else (v[:-1] if d > 1 else v[0])

    def wrong(**kw):
        _, gw2, gb2, _ = _lin_grad(X, y, w, b, loss, **kw)
        return shape((*(wi - lr * g for wi, g in zip(w, gw2)), b - lr * gb2))

    M = Misconception
    miscon = [M("gradient_ascent", shape((*(wi + lr * g for wi, g in zip(w, gw)), b + lr * gb)), bi(
        "You stepped uphill: subtract η·∇L. (With the residual written y − ŷ the gradient is −Σ(y − ŷ)x: mind the sign.)",
        "你沿梯度上升了：应减去 η·∇L。（残差写成 y − ŷ 时梯度为 −Σ(y − ŷ)x，注意符号。）"))]
    if loss == "mean":
        miscon.append(M("factor_two", wrong(factor=Fraction(1)), bi(
            "You forgot the 2 from the square: for L = (1/N)Σ(ŷ − y)², ∂L/∂ŷ_n = 2(ŷ_n − y_n)/N.",
            "漏掉了平方求导的 2：L = (1/N)Σ(ŷ − y)² 时 ∂L/∂ŷ_n = 2(ŷ_n − y_n)/N。")))
    else:
        miscon.append(M("factor_two", wrong(factor=Fraction(2)), bi(
            "Your gradient is doubled: the ½ in the loss cancels the 2 from the square.",
            "梯度多了一倍：损失里的 ½ 与平方求导的 2 相互抵消。")))
    if N > 1:
        if loss == "half_sum":
            miscon.append(M("averaged_sum", wrong(average=True), bi(
                "This loss is a sum, not a mean: do not divide by N.", "这个损失是求和而不是平均：不要除以 N。")))
        else:
            miscon.append(M("forgot_average", wrong(average=False), bi(
                f"You forgot to average over the batch: divide the summed gradient by N = {N}.",
                f"忘了对批量取平均：求和后的梯度要除以 N = {N}。")))
    miscon.append(M("forgot_input", wrong(with_x=False), bi(
        "The weight's gradient carries the input: ∂L/∂w = c·Σ(ŷ − y)·x (only the bias's has no x).",
        "权重的梯度要乘输入：∂L/∂w = c·Σ(ŷ − y)·x（只有偏置的梯度不乘 x）。")))
    if has_b:
        miscon.append(M("bias_not_updated", tuple(float(v) for v in (*nw, b)), bi(
            "You did not update the bias: b ← b − η·∂L/∂b too.", "漏掉了偏置的更新：b ← b − η·∂L/∂b。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi(f"Loss ${ltex}$; one full-batch gradient-descent step, all parameters updated together "
                                    "from the gradients at the start values.",
                                    f"损失 ${ltex}$；全批量梯度下降一步，所有参数都用初值处的梯度同时更新。"),),
                    answer_text=("[" + ", ".join(fmt_num(v, 4) for v in ans) + "]") if isinstance(ans, tuple) else fmt_num(ans, 4),
                    rtol=RTOL, atol=ATOL, chain=_linear_chain(w, lr, X, y, b, has_b, loss, N, d),
                    hint=bi("∂L/∂w = c·Σ(ŷ − y)x, ∂L/∂b = c·Σ(ŷ − y) with c = 2/N, 1/N or 1; then θ ← θ − η·∂L/∂θ.",
                            "∂L/∂w = c·Σ(ŷ − y)x，∂L/∂b = c·Σ(ŷ − y)，c = 2/N、1/N 或 1；再 θ ← θ − η·∂L/∂θ。"))


def _t(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,)


def _tx(f):
    return lambda s: bi(f(s), f(s))


def _quad_chain(w, lr, a, c):
    """The gradient 2a_i(w_i − c_i), then the step."""
    d = len(w)
    ch = Chain({})
    sub = (lambda i: f"_{i + 1}") if d > 1 else (lambda i: "")

    def grad(e, k=2):
        return _out(k * ai * (wi - ci) for ai, wi, ci in zip(a, w, c))

    ch.step("grad", bi("the gradient ∂f/∂w", "梯度 ∂f/∂w"), grad, uses=("a", "w", "c"),
            text=_tx(lambda s: "; ".join(f"$\\partial f / \\partial w{sub(i)} = 2 \\cdot {_n(a[i])} \\cdot ({_n(w[i])} - {_p(c[i])}) = {_n(_t(s['grad'])[i])}$"
                                        for i in range(d))), rtol=RTOL, atol=ATOL,
            rule=bi("the power rule and the chain rule", "幂函数求导与链式法则"), formula=bi("∂f/∂w_i = 2a_i(w_i − c_i)", "∂f/∂w_i = 2a_i(w_i − c_i)"),
            substituted=_tx(lambda s: "; ".join(f"2·{_n(a[i])}·({_n(w[i])} − {_p(c[i])})" for i in range(d))),
            mistakes=(StepMistake("forgot_factor_two", bi("You forgot the 2 of the square: d/dw a(w − c)² = 2a(w − c).",
                                                          "漏掉了平方求导的 2：d/dw a(w − c)² = 2a(w − c)。"), lambda e: grad(e, 1)),))
    _update_step(ch, w, lr, None, sub, d, has_b=False)
    return ch.steps


def _update_step(ch, w, lr, b, sub, d, has_b):
    def new(e, sign=-1, rate=True, bias=True):
        g = [_F(v) for v in _t(e["grad"])]  # exact fractions: 3 − 0.1·12 is 1.8, not 1.7999…
        eta = _F(lr) if rate else 1
        vals = [_F(w[i]) + sign * eta * g[i] for i in range(d)]
        if has_b:
            vals.append(_F(b) + sign * eta * g[d] if bias else _F(b))
        return _out(vals)

    def line(s):
        g, nv = _t(s["grad"]), _t(s["new"])
        ups = [f"$w{sub(i)} = {_n(w[i])} - {_n(lr)} \\cdot {_p(g[i])} = {_n(nv[i])}$" for i in range(d)]
        if has_b:
            ups.append(f"$b = {_n(b)} - {_n(lr)} \\cdot {_p(g[d])} = {_n(nv[d])}$")
        return "; ".join(ups)

    mis = [StepMistake("gradient_ascent", bi("You stepped uphill: gradient DEScent subtracts, θ ← θ − η∇L.",
                                             "你沿梯度上升了：梯度下降要减去，θ ← θ − η∇L。"), lambda e: new(e, sign=1))]
    if lr != 1:
        mis.append(StepMistake("forgot_learning_rate", bi(f"You forgot the learning rate: multiply the gradient by η = {_n(lr)}.",
                                                          f"漏乘了学习率 η = {_n(lr)}。"), lambda e: new(e, rate=False)))
    if has_b:
        mis.append(StepMistake("bias_not_updated", bi("You did not update the bias: b ← b − η·∂L/∂b too.", "漏掉了偏置的更新：b ← b − η·∂L/∂b。"),
                               lambda e: new(e, bias=False)))
    ch.step("new", bi("the new parameters", "更新后的参数"), new, uses=("grad", "w", "lr") + (("b",) if has_b else ()),
            text=_tx(line), rtol=RTOL, atol=ATOL, rule=bi("gradient descent: step against the gradient", "梯度下降：沿梯度的反方向走一步"),
            formula=bi("θ ← θ − η·∂L/∂θ", "θ ← θ − η·∂L/∂θ"),
            substituted=_tx(lambda s: "; ".join(f"{_n(v)} − {_n(lr)}·{_p(g)}" for v, g in zip(list(w) + ([b] if has_b else []), _t(s["grad"])))),
            mistakes=tuple(mis))


def _linear_chain(w, lr, X, y, b, has_b, loss, N, d):
    """The residuals ŷ − y, the gradient (∂L/∂w…, ∂L/∂b), the step."""
    ch = Chain({})
    sub = (lambda i: f"_{i + 1}") if d > 1 else (lambda i: "")
    X = tuple(tuple(float(v) for v in row) for row in X)

    def resid(e):
        return _out(sum(_F(wi) * _F(xi) for wi, xi in zip(w, row)) + _F(b) - _F(t) for row, t in zip(X, y))

    def lin(row):
        return " + ".join(f"{_p(wi)} \\cdot {_p(xi)}" for wi, xi in zip(w, row))

    ch.step("resid", bi("the residuals ŷ − y", "残差 ŷ − y"), resid, uses=("x", "y", "w") + (("b",) if has_b else ()),
            text=_tx(lambda s: "; ".join(f"$\\hat{{y}}_{n + 1} - y_{n + 1} = {lin(row)}{(' + ' + _p(b)) if has_b else ''} - {_p(t)} = {_n(_t(s['resid'])[n])}$"
                                        for n, (row, t) in enumerate(zip(X, y)))), rtol=RTOL, atol=ATOL,
            rule=bi("the prediction minus the target, at the start values", "初值处的预测减目标"),
            formula=bi("ŷ_n − y_n = w·x_n + b − y_n", "ŷ_n − y_n = w·x_n + b − y_n"),
            substituted=_tx(lambda s: "; ".join(f"${lin(row)}{(' + ' + _p(b)) if has_b else ''} - {_p(t)}$" for row, t in zip(X, y))),
            mistakes=(StepMistake("residual_sign", bi("The residual here is ŷ − y (prediction minus target), not y − ŷ.",
                                                      "这里的残差是 ŷ − y（预测减目标），不是 y − ŷ。"), lambda e: _out(-v for v in _t(resid(e)))),))
    k = {"mean": 2.0, "half_mean": 1.0, "half_sum": 1.0}[loss]
    avg = loss != "half_sum"

    def grad(e, k=k, avg=avg, with_x=True):
        r = [_F(v) for v in _t(e["resid"])]
        sc = _F(k) / N if avg else _F(k)
        g = [sc * sum(rn * (_F(row[i]) if with_x else 1) for rn, row in zip(r, X)) for i in range(d)]
        if has_b:
            g.append(sc * sum(r))
        return _out(g)

    scale = k / N if avg else k

    def gline(s):
        r, g = _t(s["resid"]), _t(s["grad"])
        parts = [f"$\\partial L / \\partial w{sub(i)} = {fmt_num(scale)} \\cdot ("
                 + " + ".join(f"{_p(rn)} \\cdot {_p(row[i])}" for rn, row in zip(r, X)) + f") = {_n(g[i])}$" for i in range(d)]
        if has_b:
            parts.append(f"$\\partial L / \\partial b = {fmt_num(scale)} \\cdot (" + " + ".join(_p(rn) for rn in r) + f") = {_n(g[d])}$")
        return "; ".join(parts)

    coef = {"mean": "2/N", "half_mean": "1/N", "half_sum": "1"}[loss]
    mis = [StepMistake("factor_two", bi("Mind the factor from the square: c = 2/N for the mean squared error, 1/N with the ½, 1 for ½·sum.",
                                        "注意平方求导的系数：均方误差 c = 2/N，带 ½ 时为 1/N，½ 求和时为 1。"),
                       lambda e: grad(e, k=1.0 if loss == "mean" else 2.0)),
           StepMistake("forgot_input", bi("The weight's gradient carries the input: ∂L/∂w = c·Σ(ŷ − y)·x.",
                                          "权重的梯度要乘输入：∂L/∂w = c·Σ(ŷ − y)·x。"), lambda e: grad(e, with_x=False))]
    if N > 1:
        mis.append(StepMistake("averaged_sum" if loss == "half_sum" else "forgot_average",
                               bi("This loss is a sum: do not divide by N." if loss == "half_sum" else f"Average over the batch: divide by N = {N}.",
                                  "这个损失是求和：不要除以 N。" if loss == "half_sum" else f"要对批量取平均：除以 N = {N}。"),
                               lambda e: grad(e, avg=not avg)))
    ch.step("grad", bi("the gradient (∂L/∂w" + (", ∂L/∂b)" if has_b else ")"), "梯度（∂L/∂w" + ("，∂L/∂b）" if has_b else "）")),
            grad, uses=("resid", "x"), text=_tx(gline), rtol=RTOL, atol=ATOL,
            rule=bi("the chain rule through the squared error", "对平方误差用链式法则"),
            formula=bi(f"∂L/∂w_i = c·Σ_n (ŷ_n − y_n) x_n,i, ∂L/∂b = c·Σ_n (ŷ_n − y_n), c = {coef}",
                       f"∂L/∂w_i = c·Σ_n (ŷ_n − y_n) x_n,i，∂L/∂b = c·Σ_n (ŷ_n − y_n)，c = {coef}"),
            substituted=_tx(lambda s: strip_results(gline(s))),
            mistakes=tuple(mis))
    _update_step(ch, w, lr, b, sub, d, has_b)
    return ch.steps


def solve(prm: dict) -> Solution:
    kind, w, lr, p3, p4 = _parse(prm)
    if kind == "quad":
        return _solve_quad(w, lr, p3, p4)
    return _solve_linear(w, lr, p3, p4)


def check(prm: dict):
    """Engine route: Dense + mse + backward + sgd_step (linear); finite differences (quadratic)."""
    import numpy as np

    from ..engine import Dense, mse, sgd_step

    kind, w, lr, p3, p4 = _parse(prm)
    if kind == "quad":
        a = np.array([float(v) for v in p3])
        c = np.array([float(v) for v in p4])
        wv = np.array([float(v) for v in w])

        def f(v):
            return float(np.sum(a * (v - c) ** 2))

        h = 1e-3
        g = np.array([(f(wv + h * e) - f(wv - h * e)) / (2 * h) for e in np.eye(len(wv))])
        return _out(wv - float(lr) * g)
    X, y, b = p3
    layer = Dense(len(w), 1, bias=b is not None)
    layer.weight = [[float(v) for v in w]]
    if b is not None:
        layer.bias = [float(b)]
    out = layer.forward(np.array([[float(v) for v in row] for row in X]))
    t = np.array([[float(v)] for v in y])
    if p4 == "half_sum":
        _, g = mse(out, t, convention="half_sum")
    else:
        _, g = mse(out, t, convention="mean")  # grad 2(ŷ − y)/N
        if p4 == "half_mean":
            g = 0.5 * g
    layer.backward(g)
    sgd_step(layer, float(lr))
    if b is None:
        v = tuple(float(a) for a in layer.weight[0])
        return v if len(v) > 1 else v[0]
    return tuple(float(v) for v in (*layer.weight[0], layer.bias[0]))
