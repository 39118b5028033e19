"""Shape trace of a small CNN: input → conv → ReLU → max-pool → conv → ReLU → max-pool → flatten → dense.

Formula route: conv o = ⌊(n + 2p − k)/1⌋ + 1 (stride 1), pool o = ⌊n/q⌋ (window = stride = q),
flatten C·H·W, parameters (k²·C_in + 1)·C_out per conv and (F + 1)·units for the dense layer.
Engine route: `probe_trace` (the layers run on zero strips) of the convolutional part as an engine Sequential (the shape after
every layer, the flattened size from the Flatten layer), then the Dense layer is built on that
size and the whole engine network's `count_params` is read.
"""
from __future__ import annotations

import random

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import bi_lines, count_step

FAMILY = Family(
    id="shape_trace",
    topic="cnn",
    concepts=("cnn_architecture", "conv_output_size", "conv_params"),
    title=bi("Shape trace of a small CNN", "小型卷积网络的形状追踪"),
    params=(
        Param("input", "ints", bi("input C,H,W (square: H = W), e.g. 1,28,28", "输入 C,H,W（正方形：H = W），如 1,28,28"),
              aliases=("x", "in"), max=10000),
        Param("filters", "ints", bi("filters of conv1, conv2, e.g. 6,16", "conv1、conv2 的卷积核个数，如 6,16"), aliases=("c",), max=4096),
        Param("k", "ints", bi("kernel size of both convs (k, or k1,k2); stride 1", "两个卷积层的核大小（k，或 k1,k2）；步长 1"),
              default="5", max=32),
        Param("p", "ints", bi("zero padding of both convs (p, or p1,p2)", "两个卷积层的零填充（p，或 p1,p2）"), default="0", max=32),
        Param("pool", "int", bi("max-pool window = stride", "最大汇聚窗口 = 步长"), default="2", max=32),
        Param("units", "int", bi("outputs of the final dense layer", "最后全连接层的输出数"), default="10", max=100000),
    ),
    notes=(bi("The flattened length may be at most 10^7 and the final dense layer have at most 5·10^8 weights "
              "(flattened length × units).",
              "展平后的长度至多 10^7，最后的全连接层至多 5·10^8 个权重（展平长度 × 输出数）。"),),
)


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        inp, k, p, f = pick(rng, (((1, 28, 28), 5, 2, (6, 16)), ((1, 28, 28), 5, 0, (6, 16)), ((1, 32, 32), 5, 0, (6, 16)),
                                   ((1, 28, 28), 3, 1, (8, 16)), ((3, 32, 32), 3, 1, (16, 32))))
        return {"input": inp, "filters": f, "k": (k, k), "p": (p, p), "pool": 2, "units": 10}
    if difficulty == "medium":
        inp = pick(rng, ((1, 28, 28), (3, 32, 32), (1, 32, 32), (3, 28, 28)))
        k = pick(rng, (3, 5))
        p = pick(rng, (0, k // 2))
        return {"input": inp, "filters": pick(rng, ((6, 16), (8, 16), (16, 32), (32, 64), (10, 20))),
                "k": (k, k), "p": (p, p), "pool": 2, "units": pick(rng, (10, 10, 2, 5))}
    inp = pick(rng, ((3, 32, 32), (3, 64, 64), (1, 48, 48), (3, 40, 40), (3, 36, 36)))
    k = pick(rng, ((5, 3), (3, 3), (7, 3), (5, 5), (3, 5)))
    p = tuple(pick(rng, (0, kk // 2)) for kk in k)
    return {"input": inp, "filters": pick(rng, ((16, 32), (32, 64), (12, 24), (20, 50))), "k": k, "p": p,
            "pool": pick(rng, (2, 2, 3)), "units": pick(rng, (10, 100, 7))}


def _two(v, name):
    v = tuple(v)
    if len(v) == 1:
        return v * 2
    if len(v) != 2:
        raise ParamError(f"{name}: give one value or two", f"{name}：给出一个或两个值")
    return v


def _trace(c0, n, f, k, p, q, units, *, pad=True, flat_channels=True, cin=True, bias=True):
    """Sizes after conv1, pool1, conv2, pool2, the flattened length and the total parameters."""
    h1 = n + 2 * (p[0] if pad else 0) - k[0] + 1
    h2 = h1 // q
    h3 = h2 + 2 * (p[1] if pad else 0) - k[1] + 1
    h4 = h3 // q
    flat = f[1] * h4 * h4 if flat_channels else h4 * h4
    b = 1 if bias else 0
    conv1 = k[0] ** 2 * (c0 if cin else 1) * f[0] + b * f[0]
    conv2 = k[1] ** 2 * (f[0] if cin else 1) * f[1] + b * f[1]
    dense = flat * units + b * units
    return (h1, h2, h3, h4, flat, conv1 + conv2 + dense), (conv1, conv2, dense)


MAX_DENSE_WEIGHTS = 500_000_000
MAX_FLAT = 10_000_000


def solve(prm: dict) -> Solution:
    inp = tuple(prm["input"])
    if len(inp) != 3 or inp[1] != inp[2]:
        raise ParamError("input must be C,H,W with H = W", "输入须为 C,H,W 且 H = W")
    c0, n, _ = inp
    f, k, p = _two(prm["filters"], "filters"), _two(prm["k"], "k"), _two(prm["p"], "p")
    q, units = prm["pool"], prm["units"]
    if min(c0, n, *f, *k, q, units) < 1 or min(p) < 0:
        raise ParamError("sizes, filters, kernels, pool and units must be ≥ 1; padding ≥ 0", "尺寸、卷积核个数、核大小、汇聚窗口和输出数须 ≥ 1；填充 ≥ 0")
    ans, (pc1, pc2, pd) = _trace(c0, n, f, k, p, q, units)
    h1, h2, h3, h4, flat, total = ans
    if min(h1, h2, h3, h4) < 1 or h1 < q or h3 < q:
        raise ParamError("the network shrinks the input to nothing", "网络把输入缩小到了零")
    if flat > MAX_FLAT:
        raise ParamError(f"the flattened length would be {flat}; at most {MAX_FLAT} is checked",
                         f"展平后的长度将为 {flat}；最多检查 {MAX_FLAT}")
    if flat * units > MAX_DENSE_WEIGHTS:
        raise ParamError(f"the dense layer would have {flat} × {units} weights; at most {MAX_DENSE_WEIGHTS} are checked "
                         "(VGG-16's largest has 1.03·10^8)",
                         f"全连接层将有 {flat} × {units} 个权重；最多检查 {MAX_DENSE_WEIGHTS} 个（VGG-16 最大的一层为 1.03·10^8）")

    def conv_txt(i, lang):
        kk, pp, ff = k[i], p[i], f[i]
        if lang == "en":
            return f"conv{i + 1}: {ff} filters {kk}×{kk}, stride 1, padding {pp}, then ReLU"
        return f"conv{i + 1}：{ff} 个 {kk}×{kk} 卷积核，步长 1，填充 {pp}，接 ReLU"

    prompt = bi(
        f"A CNN takes a {c0}×{n}×{n} input (C×H×W) and applies: {conv_txt(0, 'en')}; max-pool {q}×{q}, stride {q}; "
        f"{conv_txt(1, 'en')}; max-pool {q}×{q}, stride {q}; flatten; a dense layer with {units} outputs. All conv and dense layers have biases. "
        "Give, in this order: the side length H after conv1, after pool1, after conv2, after pool2, the flattened length, and the total number of parameters.",
        f"一个卷积网络的输入为 {c0}×{n}×{n}（C×H×W），依次为：{conv_txt(0, 'zh')}；{q}×{q} 最大汇聚，步长 {q}；"
        f"{conv_txt(1, 'zh')}；{q}×{q} 最大汇聚，步长 {q}；展平；输出 {units} 维的全连接层。所有卷积层和全连接层都有偏置。"
        "按顺序给出：conv1 后、pool1 后、conv2 后、pool2 后的边长 H，展平后的长度，以及参数总数。",
    )
    steps = [
        bi(r"Conv (stride 1): $o = n + 2p - k + 1$; pool (window = stride = q): $o = \lfloor n/q \rfloor$; the channels become the number of filters.",
           r"卷积（步长 1）：$o = n + 2p - k + 1$；汇聚（窗口 = 步长 = q）：$o = \lfloor n/q \rfloor$；通道数变为卷积核个数。"),
    ]
    chain = _chain(c0, n, f, k, p, q, units)
    steps += [st.text for st in chain]
    args = (c0, n, f, k, p, q, units)
    miscon = [
        Misconception("forgot_bias", _trace(*args, bias=False)[0], bi(
            "Your total forgot the biases (one per filter and one per dense output).", "你的参数总数漏了偏置（每个卷积核一个，每个全连接输出一个）。")),
        Misconception("flatten_without_channels", _trace(*args, flat_channels=False)[0], bi(
            f"You flattened only H×W; the flattened vector has C·H·W entries (C = {f[1]} channels).",
            f"你只展平了 H×W；展平后的向量有 C·H·W 个元素（C = {f[1]} 个通道）。")),
        Misconception("conv_forgot_input_channels", _trace(*args, cin=False)[0], bi(
            "Your conv parameter counts forgot the input channels: a filter has k²·C_in weights.",
            "你的卷积参数漏了输入通道：每个卷积核有 k²·C_in 个权重。")),
    ]
    if any(p):
        alt = _trace(*args, pad=False)[0]
        if min(alt[:4]) >= 1:
            miscon.append(Misconception("ignored_padding", alt, bi(
                "You ignored the convolutions' padding.", "你忽略了卷积层的填充。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    answer_of=("h1", "h2", "h3", "h4", "flat", "total"),
                    conventions=(bi("Layouts C×H×W; pooling floors; every conv and dense layer has a bias.",
                                    "形状记为 C×H×W；汇聚向下取整；每个卷积层和全连接层都有偏置。"),),
                    rtol=0, atol=0.01,
                    hint=bi("Conv: n + 2p − k + 1; pool: ⌊n/q⌋; flatten: C·H·W.", "卷积：n + 2p − k + 1；汇聚：⌊n/q⌋；展平：C·H·W。"))


def _chain(c0, n, f, k, p, q, units):
    """The side after conv1, pool1, conv2, pool2, the flattened length, the parameters of conv1,
    conv2 and the dense layer, and their total."""
    F = fmt_num
    ch = Chain({"input": (c0, n, n), "filters": tuple(f), "k": tuple(k), "p": tuple(p), "pool": q, "units": units})
    no_bias = bi("You forgot the bias: one per filter (one per output of a dense layer).", "你漏了偏置：每个卷积核一个（全连接层每个输出一个）。")
    no_cin = bi("You forgot the input channels: a filter has k²·C_in weights.", "你漏了输入通道：每个卷积核有 k²·C_in 个权重。")
    no_pad = bi("You ignored the padding: add 2p.", "你忽略了填充：要加 2p。")

    def conv_side(j, src):
        def side(e, pad=True):
            size = e["input"][1] if src == "input" else e[src]
            return size + 2 * (e["p"][j] if pad else 0) - e["k"][j] + 1

        def text(x, l):
            size = x["input"][1] if src == "input" else x[src]
            h = x[f"h{2 * j + 1}"]
            return f"conv{j + 1}{bi(': ', '：').t(l)}${F(size)} + 2 \\cdot {p[j]} - {k[j]} + 1 = {F(h)}$ → {f[j]}×{F(h)}×{F(h)}"

        count_step(ch, f"h{2 * j + 1}", bi(f"the side H after conv{j + 1}", f"conv{j + 1} 之后的边长 H"), side,
                   uses=("p", "k") + ((src,) if src != "input" else ("input",)), text=bi_lines(text),
                   rule=bi("a stride-1 convolution: o = n + 2p − k + 1", "步长为 1 的卷积：o = n + 2p − k + 1"),
                   formula=bi("o = n + 2p − k + 1", "o = n + 2p − k + 1"),
                   mistakes=(StepMistake("ignored_padding", no_pad, lambda e: side(e, pad=False)),) if p[j] else ())

    def pool_side(j):
        src, sid = f"h{2 * j + 1}", f"h{2 * j + 2}"
        count_step(ch, sid, bi(f"the side H after pool{j + 1}", f"pool{j + 1} 之后的边长 H"), lambda e: e[src] // e["pool"],
                   uses=(src, "pool"),
                   text=bi_lines(lambda x, l: f"pool{j + 1}{bi(': ', '：').t(l)}$\\lfloor {F(x[src])}/{q} \\rfloor = {F(x[sid])}$ "
                                 f"→ {f[j]}×{F(x[sid])}×{F(x[sid])}"),
                   rule=bi("pooling with window = stride = q divides the side by q, rounding down", "窗口 = 步长 = q 的汇聚把边长除以 q，向下取整"),
                   formula=bi("o = ⌊n/q⌋", "o = ⌊n/q⌋"))

    conv_side(0, "input")
    pool_side(0)
    conv_side(1, "h2")
    pool_side(1)
    count_step(ch, "flat", bi("the flattened length C·H·W", "展平后的长度 C·H·W"), lambda e: e["filters"][1] * e["h4"] ** 2, uses=("filters", "h4"),
               text=bi_lines(lambda x, l: bi("Flatten: ", "展平：").t(l) + f"${f[1]} \\cdot {F(x['h4'])} \\cdot {F(x['h4'])} = {F(x['flat'])}$"),
               rule=bi("flattening lines up every value of every channel", "展平把每个通道的每个值排成一列"), formula=bi("C·H·W", "C·H·W"),
               mistakes=(StepMistake("flatten_without_channels", bi(f"You flattened only H×W; the vector has C·H·W entries (C = {f[1]}).",
                                                                    f"你只展平了 H×W；向量有 C·H·W 个元素（C = {f[1]}）。"), lambda e: e["h4"] ** 2),))

    def conv_params(j):
        cin = c0 if j == 0 else f[0]
        sid = f"pc{j + 1}"

        def count(e, bias=1, with_cin=True):
            c = (e["input"][0] if j == 0 else e["filters"][0]) if with_cin else 1
            return e["k"][j] ** 2 * c * e["filters"][j] + bias * e["filters"][j]

        count_step(ch, sid, bi(f"the parameters of conv{j + 1}", f"conv{j + 1} 的参数"), count, uses=("k", "filters") + (("input",) if j == 0 else ()),
                   text=bi_lines(lambda x, l: (bi(f"Parameters of conv{j + 1}: ", f"conv{j + 1} 的参数：").t(l))
                                 + f"${k[j]}^2 \\cdot {cin} \\cdot {f[j]} + {f[j]} = {F(x[sid])}$"),
                   rule=bi("one k×k×C_in filter and one bias per output channel", "每个输出通道一个 k×k×C_in 卷积核和一个偏置"),
                   formula=bi("k²·C_in·C_out + C_out", "k²·C_in·C_out + C_out"),
                   mistakes=(StepMistake("forgot_bias", no_bias, lambda e: count(e, bias=0)),
                             StepMistake("conv_forgot_input_channels", no_cin, lambda e: count(e, with_cin=False))))

    conv_params(0)
    conv_params(1)
    count_step(ch, "pd", bi("the parameters of the dense layer", "全连接层的参数"), lambda e: e["flat"] * e["units"] + e["units"], uses=("flat", "units"),
               text=bi_lines(lambda x, l: bi("Parameters of the dense layer: ", "全连接层的参数：").t(l)
                             + f"${F(x['flat'])} \\cdot {units} + {units} = {F(x['pd'])}$"
                             + bi("; pooling, ReLU and flatten have none", "；汇聚、ReLU、展平没有参数").t(l)),
               substituted=bi_lines(lambda x, l: f"{F(x['flat'])} · {units} + {units}"),
               rule=bi("every flattened input connects to every output, plus one bias per output", "每个展平的输入连接每个输出，外加每个输出一个偏置"),
               formula=bi("F·units + units", "F·units + units"),
               mistakes=(StepMistake("forgot_bias", no_bias, lambda e: e["flat"] * e["units"]),))
    count_step(ch, "total", bi("the total number of parameters", "参数总数"), lambda e: e["pc1"] + e["pc2"] + e["pd"], uses=("pc1", "pc2", "pd"),
               text=bi_lines(lambda x, l: bi("Total: ", "合计：").t(l) + f"${F(x['pc1'])} + {F(x['pc2'])} + {F(x['pd'])} = {F(x['total'])}$"),
               rule=bi("add up the layers' parameters", "把各层的参数相加"), formula=bi("conv1 + conv2 + dense", "conv1 + conv2 + 全连接"))
    return ch.steps


def check(prm: dict):
    """Engine route: trace the shapes through an engine Sequential and count its parameters."""
    from ..engine import Activation, Conv2d, Dense, Flatten, MaxPool2d, Sequential, count_params, probe_trace
    from ._shared import shape_only_rng

    c0, n, _ = prm["input"]
    f, k, p = _two(prm["filters"], "filters"), _two(prm["k"], "k"), _two(prm["p"], "p")
    q, rng = prm["pool"], shape_only_rng()
    body = [Conv2d(c0, f[0], k[0], padding=p[0], rng=rng), Activation("relu"), MaxPool2d(q),
            Conv2d(f[0], f[1], k[1], padding=p[1], rng=rng), Activation("relu"), MaxPool2d(q), Flatten()]
    rows = probe_trace(Sequential(*body), (1, c0, n, n))  # shape after every layer (run on zero strips)
    flat = rows[-1][1]
    dense = Dense(flat, prm["units"], rng=rng)
    side = [rows[i][2] for i in (0, 2, 3, 5)]
    return tuple(side) + (flat, count_params(Sequential(*body, dense)))
