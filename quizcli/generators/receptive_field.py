"""Receptive field of a stack of convolution and pooling layers (with stride and dilation).

Formula route: r_0 = 1, j_0 = 1; per layer r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1} and
j_l = j_{l−1}·s_l (j is the product of the earlier strides: the input distance between
neighbouring units of layer l − 1).
Engine route: `receptive_field(layers)` on engine Conv2d / MaxPool2d layers, which measures
the field by back-propagating a one-hot gradient from a central output unit.
"""
from __future__ import annotations

import random
import re

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import bi_lines, count_step

FAMILY = Family(
    id="receptive_field",
    topic="cnn",
    concepts=("receptive_field", "stride", "dilated_conv", "pooling"),
    title=bi("Receptive field of stacked layers", "堆叠层的感受野"),
    params=(
        Param("layers", "str", bi(
            "layers from input to output, comma-separated: conv<k>[s<stride>][d<dilation>] or pool<k>[s<stride>], "
            "e.g. conv3s1,pool2s2,conv3s1d2 (conv stride defaults to 1, pool stride to k)",
            "从输入到输出的各层，逗号分隔：conv<k>[s<步长>][d<空洞率>] 或 pool<k>[s<步长>]，"
            "如 conv3s1,pool2s2,conv3s1d2（卷积步长默认 1，汇聚步长默认 k）"), aliases=("l",)),
    ),
    notes=(bi("At most 64 layers; kernel ≤ 32, stride ≤ 8, dilation ≤ 64; the receptive field plus twice the total "
              "stride at most 2048 pixels (VGG-16 up to pool5: 212 + 2·32), and a stack the engine can probe in a few seconds.",
              "至多 64 层；核大小 ≤ 32，步长 ≤ 8，空洞率 ≤ 64；感受野加两倍总步长至多 2048 像素（VGG-16 到 pool5：212 + 2·32），"
              "且引擎能在几秒内测量。"),),
)

MAX_LAYERS, MAX_K, MAX_S, MAX_D = 64, 32, 8, 64
MAX_SPAN = 2048  # receptive field + 2 × the total stride: what the engine's probe (up to 4096 pixels) can measure

_RE = re.compile(r"^(conv|pool)(\d+)(?:s(\d+))?(?:d(\d+))?$")


def parse_layers(text: str):
    out = []
    for tok in [t.strip().lower() for t in str(text).replace("，", ",").split(",") if t.strip()]:
        m = _RE.match(tok)
        if not m:
            raise ParamError(f"cannot read layer '{tok}': write conv3s1, conv3s1d2 or pool2s2",
                             f"无法识别的层“{tok}”：请写成 conv3s1、conv3s1d2 或 pool2s2")
        kind, k = m.group(1), int(m.group(2))
        s = int(m.group(3)) if m.group(3) else (1 if kind == "conv" else k)
        d = int(m.group(4)) if m.group(4) else 1
        if kind == "pool" and d != 1:
            raise ParamError("pooling layers have no dilation here", "这里的汇聚层没有空洞率")
        if min(k, s, d) < 1:
            raise ParamError("kernel, stride and dilation must be ≥ 1", "核大小、步长、空洞率须 ≥ 1")
        if k > MAX_K or s > MAX_S or d > MAX_D:
            raise ParamError(f"layer '{tok}': kernel at most {MAX_K}, stride at most {MAX_S}, dilation at most {MAX_D}",
                             f"层“{tok}”：核大小至多 {MAX_K}，步长至多 {MAX_S}，空洞率至多 {MAX_D}")
        out.append((kind, k, s, d))
        if len(out) > MAX_LAYERS:
            raise ParamError(f"at most {MAX_LAYERS} layers", f"最多 {MAX_LAYERS} 层")
    if not out:
        raise ParamError("give at least one layer", "至少给出一层")
    return out


def _fmt(layer):
    kind, k, s, d = layer
    return f"{kind}{k}s{s}" + (f"d{d}" if d != 1 else "")


_EASY = ("conv3s1,conv3s1", "conv3s1,conv3s1,conv3s1", "conv5s1,conv3s1", "conv3s1,pool2s2", "conv3s1,pool2s2,conv3s1",
         "conv5s1,pool2s2", "conv3s1,conv5s1")
_BLOCKS = ("conv3s1", "conv3s1", "conv5s1", "conv3s2", "pool2s2", "pool2s2", "pool3s2", "conv1s1", "conv7s2")


def generate(rng: random.Random, difficulty: str) -> dict:
    if difficulty == "easy":
        return {"layers": pick(rng, _EASY)}
    if difficulty == "medium":
        n = pick(rng, (3, 4, 4, 5))
        return {"layers": ",".join(pick(rng, _BLOCKS) for _ in range(n))}
    n = pick(rng, (4, 5, 6))
    blocks = _BLOCKS + ("conv3s1d2", "conv3s1d2", "conv3s1d4", "conv3s1d3")
    layers = [pick(rng, blocks) for _ in range(n)]
    if not any("d" in l for l in layers):
        layers[rng.randrange(n)] = "conv3s1d2"
    return {"layers": ",".join(layers)}


def _rf(layers, *, use_stride=True, use_dil=True, own_stride=False, minus_one=True):
    r, j = 1, 1
    for kind, k, s, d in layers:
        jj = j * s if own_stride else j
        r += ((k - 1) if minus_one else k) * (d if use_dil else 1) * (jj if use_stride else 1)
        j *= s
    return r


MAX_PROBE_CELLS = 60_000_000


def _probe_cost(layers, span: int) -> int:
    """Entries the engine's probe handles (k² per pixel per layer, on a map that halves with each
    stride), on the probe side it reaches (powers of two from 16)."""
    side = 16
    while side < span + 2:
        side *= 2
    cost, j = 0, 1
    for _, k, s, _ in layers:
        cost += k * k * (side // j) ** 2
        j *= s
    return cost


def solve(prm: dict) -> Solution:
    layers = parse_layers(prm["layers"])
    rf = _rf(layers)
    jump = 1
    for _, _, s, _ in layers:
        jump *= s
    if rf + 2 * jump > MAX_SPAN:
        raise ParamError(f"the receptive field ({rf}) plus twice the total stride ({jump}) exceeds {MAX_SPAN} pixels, "
                         "more than the engine measures (VGG-16 up to pool5: 212 + 2·32)",
                         f"感受野（{rf}）加两倍总步长（{jump}）超过 {MAX_SPAN} 像素，超出引擎的测量范围"
                         "（VGG-16 到 pool5：212 + 2·32）")
    if _probe_cost(layers, rf + 2 * jump) > MAX_PROBE_CELLS:
        raise ParamError("this stack is too costly for the engine to measure (large kernels on a large probe); "
                         "use fewer or smaller layers",
                         "这组层对引擎的测量代价太大（大卷积核作用于大的探测图）；请减少层数或用更小的层")
    desc = ", ".join(_fmt(l) for l in layers)
    names_en = {"conv": "conv", "pool": "pool"}
    listing_en = "; ".join(f"{i}. {names_en[k]} {kk}×{kk}, stride {s}" + (f", dilation {d}" if d != 1 else "")
                           for i, (k, kk, s, d) in enumerate(layers, 1))
    listing_zh = "；".join(f"{i}. {'卷积' if k == 'conv' else '汇聚'} {kk}×{kk}，步长 {s}" + (f"，空洞率 {d}" if d != 1 else "")
                           for i, (k, kk, s, d) in enumerate(layers, 1))
    prompt = bi(
        f"A network stacks these layers from the input ({desc}): {listing_en}. "
        "What is the receptive field (side length, in input pixels) of one unit of the last layer? Padding does not matter.",
        f"一个网络从输入开始依次堆叠以下各层（{desc}）：{listing_zh}。最后一层的一个单元的感受野（在输入上的边长，单位像素）是多少？填充不影响结果。",
    )
    steps = [bi(
        r"Recursion: $r_0 = 1$, $j_0 = 1$; for each layer $r_l = r_{l-1} + (k_l - 1)\,d_l\,j_{l-1}$ and $j_l = j_{l-1} s_l$, "
        r"where $j_{l-1} = \prod_{i<l} s_i$ is the input distance between neighbouring units of the previous layer.",
        r"递推：$r_0 = 1$，$j_0 = 1$；每层 $r_l = r_{l-1} + (k_l - 1)\,d_l\,j_{l-1}$，$j_l = j_{l-1} s_l$，"
        r"其中 $j_{l-1} = \prod_{i<l} s_i$ 是前一层相邻单元在输入上的间距。")]
    chain = _chain(prm["layers"], layers)
    steps += [st.text for st in chain]
    miscon = [
        Misconception("ignored_strides", _rf(layers, use_stride=False), bi(
            "You ignored the strides: after a stride-s layer, each further kernel step "
            "covers s× more input pixels (multiply by the product of earlier strides).",
            "你忽略了步长：经过步长为 s 的层后，后面每一步都覆盖 s 倍的输入像素（要乘以前面各层步长之积）。")),
        Misconception("own_stride_included", _rf(layers, own_stride=True), bi(
            "You multiplied by the layer's own stride too; only the strides of the earlier layers count.",
            "你把本层的步长也乘进去了；只算前面各层的步长之积。")),
        Misconception("sum_of_kernels", _rf(layers, minus_one=False) - 1, bi(
            "You used k instead of k − 1 (starting from 0): each layer widens the field "
            "by (k − 1) (times dilation and the earlier strides), starting from r = 1.",
            "你用了 k 而不是 k − 1（并从 0 开始累加）；每层使感受野增加 (k − 1)（再乘空洞率和前面的步长），从 r = 1 开始。")),
    ]
    if any(d != 1 for *_, d in layers):
        miscon.append(Misconception("ignored_dilation", _rf(layers, use_dil=False), bi(
            "You ignored the dilation: a dilated kernel spans d(k − 1) + 1 pixels.", "你忽略了空洞率：空洞卷积核覆盖 d(k − 1) + 1 个像素。")))
    return Solution(prompt=prompt, answer=rf, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    conventions=(bi("Receptive field = the side of the input region one output unit depends on (holes of dilated kernels included).",
                                    "感受野 = 一个输出单元所依赖的输入区域的边长（含空洞卷积的空洞）。"),),
                    rtol=0, atol=0.01,
                    hint=bi("r ← r + (k − 1)·d·(product of earlier strides)", "r ← r + (k − 1)·d·（前面各层步长之积）"))


def _chain(text, layers):
    """Per layer the field r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}; after a strided layer that is not
    the last, the jump j_l = j_{l−1}·s_l (the input distance between neighbouring units)."""
    F = fmt_num
    ch = Chain({"layers": text})
    r_id, j_id = None, None
    last = len(layers)
    for i, (kind, k, s, d) in enumerate(layers, 1):
        def grow(e, r_id=r_id, j_id=j_id, k=k, d=d, s=s, km=1, dil=True, jump=True, own=False, start=1):
            r = e[r_id] if r_id else start
            j = (e[j_id] if j_id else 1) if jump else 1
            return r + (k - km) * (d if dil else 1) * j * (s if own else 1)

        def text_r(x, l, i=i, r_id=r_id, j_id=j_id, k=k, d=d, layer=(kind, k, s, d)):
            r = F(x[r_id]) if r_id else "1"
            j = F(x[j_id]) if j_id else "1"
            dt = f" \\cdot {d}" if d != 1 else ""
            head = bi(f"Layer {i}, {_fmt(layer)}: ", f"第 {i} 层，{_fmt(layer)}：").t(l)
            return head + f"$r_{{{i}}} = {r} + ({k} - 1){dt} \\cdot {j} = {F(x[f'r{i}'])}$"

        mis = []
        if j_id:
            mis.append(StepMistake("ignored_strides", bi("Multiply by the product of the earlier strides: "
                                                         "each step of this kernel covers that many input pixels.",
                                                         "要乘以前面各层步长之积：本层卷积核每走一步覆盖这么多输入像素。"),
                                   lambda e, g=grow: g(e, jump=False)))
        if s != 1:
            mis.append(StepMistake("own_stride_included", bi("Only the strides of the earlier layers count, not this layer's own.",
                                                             "只算前面各层的步长，不算本层自己的步长。"), lambda e, g=grow: g(e, own=True)))
        if d != 1:
            mis.append(StepMistake("ignored_dilation", bi("You ignored the dilation: a dilated kernel spans d(k − 1) + 1 pixels.",
                                                          "你忽略了空洞率：空洞卷积核覆盖 d(k − 1) + 1 个像素。"), lambda e, g=grow: g(e, dil=False)))
        # the generic slip last: where it gives the same number as a named one, that one is named first
        mis.append(StepMistake("sum_of_kernels", bi("Each layer widens the field by k − 1 (times the dilation and the earlier strides), "
                                                    "from r = 1, not by k.",
                                                           "每层使感受野增加 k − 1（再乘空洞率和前面的步长），从 r = 1 开始，而不是增加 k。"),
                               (lambda e, g=grow: g(e, km=0, start=0)) if i == 1 else (lambda e, g=grow: g(e, km=0))))
        count_step(ch, f"r{i}", bi(f"the receptive field r_{i} after layer {i} ({_fmt((kind, k, s, d))})",
                                   f"第 {i} 层（{_fmt((kind, k, s, d))}）后的感受野 r_{i}"),
                   grow, uses=tuple(x for x in (r_id, j_id) if x) or ("layers",), text=bi_lines(text_r),
                   rule=bi("each layer widens the field by (k − 1)·d steps of the previous layer's jump",
                           "每层使感受野增加 (k − 1)·d 个“前一层间距”"),
                   formula=bi("r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}", "r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}"), mistakes=mis)
        r_id = f"r{i}"
        if s != 1 and i < last:
            def jump(e, j_id=j_id, s=s):
                return (e[j_id] if j_id else 1) * s

            def text_j(x, l, i=i, j_id=j_id, s=s):
                return (bi(f"After layer {i}, the jump $j_{{{i}}} = {F(x[j_id]) if j_id else '1'} \\cdot {s} = {F(x[f'j{i}'])}$",
                                  f"第 {i} 层后，间距 $j_{{{i}}} = {F(x[j_id]) if j_id else '1'} \\cdot {s} = {F(x[f'j{i}'])}$").t(l))

            count_step(ch, f"j{i}", bi(f"the jump j_{i} after layer {i} (the product of the strides so far)",
                                       f"第 {i} 层后的间距 j_{i}（到此为止各层步长之积）"),
                       jump, uses=(j_id,) if j_id else ("layers",), text=bi_lines(text_j),
                       rule=bi("a stride-s layer puts neighbouring units s times further apart on the input",
                               "步长为 s 的层使相邻单元在输入上的间距变为 s 倍"),
                       formula=bi("j_l = j_{l−1}·s_l", "j_l = j_{l−1}·s_l"))
            j_id = f"j{i}"
    return ch.steps


def check(prm: dict):
    """Engine route: measure the field by back-propagating through engine layers."""
    from ..engine import Conv2d, MaxPool2d, receptive_field
    from ._shared import shape_only_rng

    rng = shape_only_rng()
    layers = [Conv2d(1, 1, k, stride=s, dilation=d, bias=False, rng=rng) if kind == "conv" else MaxPool2d(k, stride=s)
              for kind, k, s, d in parse_layers(prm["layers"])]
    rows, cols = receptive_field(layers)
    if rows != cols:
        raise AssertionError("square layers gave a non-square field")
    return rows
