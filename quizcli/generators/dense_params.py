"""Parameters of a multilayer perceptron (fully connected layers) given its widths.

Formula route: Σ_l (n_{l−1}·n_l + n_l) over the weight layers.
Engine route: build the engine `Sequential` of `Dense` layers at the real sizes and
call `count_params` (the sum of the built parameter arrays' sizes).
Layers are built with `_shared.shape_only_rng()`: real shapes, nothing allocated.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick

FAMILY = Family(
    id="dense_params",
    topic="mlp",
    concepts=("fully_connected", "mlp"),
    title=bi("Parameters of an MLP", "多层感知机的参数量"),
    params=(
        Param("widths", "ints", bi("layer widths from input to output, e.g. 784,256,10",
                                   "从输入到输出的各层宽度，如 784,256,10"), aliases=("w", "layers"), min=1, max=1000000, max_len=200),
        Param("bias", "bool", bi("every layer has a bias vector", "每层都有偏置向量"), default="true"),
    ),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        widths = pick(rng, ((4, 3, 2), (2, 3, 1), (3, 4, 2), (5, 3, 1), (10, 5, 2), (2, 2, 1), (4, 5, 3)))
        return {"widths": widths, "bias": True}
    if difficulty == "medium":
        n_in = pick(rng, (784, 784, 100, 64, 20, 3072))
        hidden = pick(rng, (256, 128, 100, 512, 300, 64, 50))
        n_out = pick(rng, (10, 10, 2, 1, 5))
        if rng.random() < 0.5:
            return {"widths": (n_in, hidden, n_out), "bias": True}
        h2 = pick(rng, (64, 32, 100, 128))
        return {"widths": (n_in, hidden, h2, n_out), "bias": rng.random() < 0.8}
    n_in = pick(rng, (784, 3072, 1024, 4096, 9216))
    hs = tuple(pick(rng, (4096, 2048, 1024, 512, 256, 128)) for _ in range(rng.choice((2, 3))))
    hs = tuple(sorted(hs, reverse=True))
    return {"widths": (n_in,) + hs + (pick(rng, (10, 100, 1000)),), "bias": rng.random() < 0.7}


def _counts(widths, bias):
    return [(a * b, b if bias else 0) for a, b in zip(widths, widths[1:])]


def solve(prm: dict) -> Solution:
    widths, bias = tuple(prm["widths"]), bool(prm["bias"])
    if len(widths) < 2 or min(widths) < 1:
        raise ParamError("give at least two widths (input and output), all ≥ 1",
                         "至少给出两个宽度（输入和输出），且都 ≥ 1")
    counts = _counts(widths, bias)
    total = sum(w + b for w, b in counts)
    arrow = "–".join(str(w) for w in widths)
    bias_en = "every layer has a bias" if bias else "the layers have no bias"
    bias_zh = "每层都有偏置" if bias else "各层没有偏置"
    prompt = bi(
        f"A fully connected network has layer widths {arrow} (input {widths[0]}, output {widths[-1]}); {bias_en}. "
        "How many trainable parameters does it have in total?",
        f"一个全连接网络各层宽度为 {arrow}（输入 {widths[0]}，输出 {widths[-1]}）；{bias_zh}。它共有多少个可训练参数？",
    )
    steps = [bi(
        r"A layer from $n_{l-1}$ to $n_l$ units has a weight matrix $n_l \times n_{l-1}$"
        + (r" and a bias vector of $n_l$: $n_{l-1} n_l + n_l$ parameters." if bias else r" (no bias): $n_{l-1} n_l$ parameters.")
        + " The input layer has no parameters.",
        r"从 $n_{l-1}$ 个单元到 $n_l$ 个单元的一层有 $n_l \times n_{l-1}$ 的权重矩阵"
        + (r"和长度为 $n_l$ 的偏置：共 $n_{l-1} n_l + n_l$ 个参数。" if bias else r"（无偏置）：共 $n_{l-1} n_l$ 个参数。")
        + "输入层没有参数。",
    )]
    chain = _chain(widths, bias)
    steps += [st.text for st in chain]
    weights = sum(w for w, _ in counts)
    miscon = []
    if bias:
        miscon.append(Misconception("forgot_bias", weights, bi(
            "You counted only the weights; every layer also has one bias per output unit.",
            "你只数了权重；每层每个输出单元还有一个偏置。")))
        miscon.append(Misconception("bias_on_input", total + widths[0], bi(
            "You gave the input layer biases too; biases belong to the layers that compute (one per output unit).",
            "你给输入层也算了偏置；偏置属于进行计算的层（每个输出单元一个）。")))
        miscon.append(Misconception("one_bias_per_layer", weights + len(counts), bi(
            "You counted one bias per layer; there is one bias per unit of each layer.",
            "你每层只算了一个偏置；每层每个单元都有一个偏置。")))
    else:
        miscon.append(Misconception("added_bias", weights + sum(widths[1:]), bi(
            "You added biases, but this network has none.", "你加上了偏置，但这个网络没有偏置。")))
    miscon.append(Misconception("counted_units", sum(widths), bi(
        "You counted the units (neurons); the parameters are the connections (weights) and biases.",
        "你数的是神经元个数；参数是连接（权重）和偏置。")))
    miscon.append(Misconception("skipped_last_layer", sum(w + b for w, b in counts[:-1]), bi(
        "You left out the output layer's weights; the last hidden → output connections are parameters too.",
        "你漏掉了输出层的权重；最后一个隐藏层到输出层的连接也是参数。")))
    if len(widths) > 2:
        miscon.append(Misconception("input_to_output_only", widths[0] * widths[-1] + (widths[-1] if bias else 0), bi(
            "You connected the input straight to the output; each consecutive pair of layers has its own weights.",
            "你把输入直接连到了输出；每一对相邻层之间都有各自的权重。")))
    return Solution(prompt=prompt, answer=total, steps=tuple(steps), misconceptions=tuple(miscon),
                    conventions=(bi("Widths list the input first; every arrow between consecutive widths is one fully connected layer.",
                                    "宽度列表第一个是输入；相邻两个宽度之间是一层全连接层。"),),
                    rtol=0, atol=0.01, chain=chain,
                    hint=bi("Per layer: n_in·n_out weights + n_out biases.", "每层：n_in·n_out 个权重 + n_out 个偏置。"))


def _chain(widths, bias):
    """One step per weight layer (n_{l−1}·n_l + n_l), then the total (a single layer is its own total)."""
    ch = Chain({"widths": widths, "bias": bias})
    L = len(widths) - 1
    ids = tuple(f"layer{i}" for i in range(1, L + 1))
    M = StepMistake
    for i in range(1, L + 1):
        a, b = widths[i - 1], widths[i]

        def cnt(e, i=i, bias_on=None):
            a, b = e["widths"][i - 1], e["widths"][i]
            return a * b + (b if (e["bias"] if bias_on is None else bias_on) else 0)

        def line(s, i=i, a=a, b=b):
            v = fmt_num(s[f"layer{i}"])
            expr = f"{a} \\cdot {b} + {b} = {a * b} + {b} = {v}" if bias else f"{a} \\cdot {b} = {v}"
            return bi(f"Layer {i} ({a} → {b}): ${expr}$", f"第 {i} 层（{a} → {b}）：${expr}$")

        sub = f"{a} \\cdot {b} + {b}" if bias else f"{a} \\cdot {b}"
        if bias:
            mis = (M("forgot_bias", bi("You counted only the weights; the layer also has one bias per output unit.",
                                       "你只数了权重；这一层每个输出单元还有一个偏置。"), lambda e, i=i: cnt(e, i, False)),
                   M("one_bias_per_layer", bi("You counted one bias for the layer; there is one bias per unit.",
                                              "你这一层只算了一个偏置；每个单元都有一个偏置。"), lambda e, i=i: cnt(e, i, False) + 1))
        else:
            mis = (M("added_bias", bi("You added biases, but this network has none.", "你加上了偏置，但这个网络没有偏置。"),
                     lambda e, i=i: cnt(e, i, True)),)
        ch.step(f"layer{i}", bi(f"the parameters of layer {i} ({a} → {b})", f"第 {i} 层（{a} → {b}）的参数量"),
                lambda e, i=i: cnt(e, i), uses=("widths", "bias"), text=line, digits=0, rtol=0, atol=0.01,
                rule=bi("a fully connected layer: a weight per connection" + (" and a bias per output unit" if bias else ""),
                        "全连接层：每条连接一个权重" + ("，每个输出单元一个偏置" if bias else "")),
                formula=bi("n_{l−1}·n_l + n_l" if bias else "n_{l−1}·n_l", "n_{l−1}·n_l + n_l" if bias else "n_{l−1}·n_l"),
                substituted=lambda s, sub=sub: bi(f"${sub}$", f"${sub}$"), mistakes=mis)
    if L == 1:
        return ch.steps

    def total_line(s):
        expr = " + ".join(fmt_num(s[k]) for k in ids)
        return bi(f"Total: ${expr} = {fmt_num(s['total'])}$", f"合计：${expr} = {fmt_num(s['total'])}$")

    mis = [M("counted_units", bi("You counted the units (neurons); the parameters are the connections (weights) and biases.",
                                 "你数的是神经元个数；参数是连接（权重）和偏置。"), lambda e: sum(e["widths"])),
           M("skipped_last_layer", bi("You left out the output layer; the last hidden → output connections are parameters too.",
                                      "你漏掉了输出层；最后一个隐藏层到输出层的连接也是参数。"), lambda e: sum(e[k] for k in ids[:-1])),
           M("input_to_output_only", bi("You connected the input straight to the output; each consecutive pair of layers has its own weights.",
                                        "你把输入直接连到了输出；每一对相邻层之间都有各自的权重。"),
             lambda e: e["widths"][0] * e["widths"][-1] + (e["widths"][-1] if e["bias"] else 0))]
    if bias:
        mis.insert(0, M("bias_on_input", bi("You gave the input layer biases too; biases belong to the layers that compute (one per output unit).",
                                            "你给输入层也算了偏置；偏置属于进行计算的层（每个输出单元一个）。"),
                        lambda e: sum(e[k] for k in ids) + e["widths"][0]))
    ch.step("total", bi("the total number of parameters", "参数总数"), lambda e: sum(e[k] for k in ids), uses=ids + ("widths", "bias"),
            text=total_line, digits=0, rtol=0, atol=0.01,
            rule=bi("the layers' counts add up", "各层参数量相加"), formula=bi("Σ_l (n_{l−1}·n_l + n_l)" if bias else "Σ_l n_{l−1}·n_l",
                                                                          "Σ_l (n_{l−1}·n_l + n_l)" if bias else "Σ_l n_{l−1}·n_l"),
            substituted=lambda s: bi("$" + " + ".join(fmt_num(s[k]) for k in ids) + "$", "$" + " + ".join(fmt_num(s[k]) for k in ids) + "$"),
            mistakes=tuple(mis))
    return ch.steps


def check(prm: dict):
    """Engine route: build the engine MLP at its real sizes and count its parameters."""
    from ..engine import Dense, Sequential, count_params

    widths = tuple(prm["widths"])
    from ._shared import shape_only_rng

    rng = shape_only_rng()
    net = Sequential(*[Dense(a, b, bias=bool(prm["bias"]), rng=rng) for a, b in zip(widths, widths[1:])])
    return count_params(net)
