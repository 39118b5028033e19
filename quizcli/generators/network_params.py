"""Shapes after each layer and the total parameters of a CNN given as a layer list
(`conv3-64,conv3-64,pool2,…,fc4096,fc4096,fc1000`, input H,W,C).

Formula route: per layer, conv o = ⌊(n + 2p − k)/s⌋ + 1 with (k²·C_in + 1)·C_out parameters,
pool o = ⌊(n − k)/s⌋ + 1 with none, the first fc flattens H·W·C and has (in + 1)·out parameters.
Engine route: the same layers built as engine Conv2d / MaxPool2d / Flatten / Dense (with
shape-only weights, so a VGG-16 costs nothing), the shape after every layer from `probe_trace`
(the layers run on zero strips) and the total from `count_params`.
"""
from __future__ import annotations

import random
import re

from .base import Chain, Family, Misconception, Param, ParamError, Solution, StepMistake, bi, fmt_num, pick
from ._shared import bi_lines, count_step

ASKS = ("params", "shape")

FAMILY = Family(
    id="network_params",
    topic="cnn",
    concepts=("cnn_architecture", "conv_params", "conv_output_size", "pooling"),
    title=bi("Shapes and parameters of a CNN", "卷积网络各层形状与参数总量"),
    params=(
        Param("layers", "str", bi(
            "layers from input to output, comma-separated: conv<k>-<filters>[s<stride>][p<padding>], "
            "pool<k>[s<stride>] (max pooling, stride defaults to k), fc<units>; e.g. conv5-6,pool2,conv5-16,pool2,fc120,fc84,fc10",
            "从输入到输出的各层，逗号分隔：conv<k>-<卷积核个数>[s<步长>][p<填充>]、pool<k>[s<步长>]（最大汇聚，步长默认 k）、"
            "fc<单元数>；如 conv5-6,pool2,conv5-16,pool2,fc120,fc84,fc10"), aliases=("l",)),
        Param("input", "ints", bi("input H,W,C, e.g. 224,224,3", "输入 H,W,C，如 224,224,3"), aliases=("x", "in"),
              min=1, max=4096),
        Param("pad", "str", bi("default padding of the convs: same (p = k//2, as VGG) or valid (p = 0, as LeNet-5)",
                               "卷积层的默认填充：same（p = k//2，如 VGG）或 valid（p = 0，如 LeNet-5）"),
              default="same", choices=("same", "valid")),
        Param("bias", "bool", bi("conv and fc layers have biases", "卷积层与全连接层有偏置"), default="true"),
        Param("ask", "str", bi("params (the total) or shape (the output of the last layer: h, w, c, or its length after fc)",
                               "params（参数总数）或 shape（最后一层的输出：h, w, c；全连接后为长度）"),
              default="params", choices=ASKS),
    ),
    notes=(bi("At most 64 layers; kernels ≤ 32, strides ≤ 8, filters and units ≤ 100000, and at most 5·10^8 weights "
              "in one fc layer (VGG-16's fc6 has 1.03·10^8). Not covered: batch norm, groups, residual connections.",
              "至多 64 层；卷积核 ≤ 32，步长 ≤ 8，卷积核个数与单元数 ≤ 100000，单个全连接层至多 5·10^8 个权重"
              "（VGG-16 的 fc6 为 1.03·10^8）。不包括：批归一化、分组卷积、残差连接。"),),
)

MAX_LAYERS, MAX_K, MAX_S, MAX_WIDTH, MAX_FC_WEIGHTS = 64, 32, 8, 100000, 500_000_000
_CONV = re.compile(r"^conv(\d+)-(\d+)(?:s(\d+))?(?:p(\d+))?$")
_POOL = re.compile(r"^(?:max)?pool(\d+)(?:s(\d+))?$")
_FC = re.compile(r"^fc-?(\d+)$")


def parse_layers(text: str, pad: str):
    out = []
    for tok in [t.strip().lower() for t in str(text).replace("，", ",").split(",") if t.strip()]:
        m = _CONV.match(tok)
        if m:
            k, c = int(m.group(1)), int(m.group(2))
            s = int(m.group(3)) if m.group(3) else 1
            p = int(m.group(4)) if m.group(4) is not None else (k // 2 if pad == "same" else 0)
            out.append(("conv", k, s, p, c))
        elif _POOL.match(tok):
            m = _POOL.match(tok)
            k = int(m.group(1))
            out.append(("pool", k, int(m.group(2)) if m.group(2) else k, 0, 0))
        elif _FC.match(tok):
            out.append(("fc", 0, 0, 0, int(_FC.match(tok).group(1))))
        else:
            raise ParamError(f"cannot read layer '{tok}': write conv3-64, conv5-6s1p0, pool2, pool3s2 or fc4096",
                             f"无法识别的层“{tok}”：请写成 conv3-64、conv5-6s1p0、pool2、pool3s2 或 fc4096")
        kind, k, s, p, c = out[-1]
        if kind != "fc" and not (1 <= k <= MAX_K and 1 <= s <= MAX_S and 0 <= p <= k):
            raise ParamError(f"layer '{tok}': kernel 1–{MAX_K}, stride 1–{MAX_S}, padding at most the kernel",
                             f"层“{tok}”：核大小 1–{MAX_K}，步长 1–{MAX_S}，填充不超过核大小")
        if kind != "pool" and not 1 <= c <= MAX_WIDTH:
            raise ParamError(f"layer '{tok}': filters / units 1–{MAX_WIDTH}", f"层“{tok}”：卷积核个数 / 单元数须为 1–{MAX_WIDTH}")
        if len(out) > MAX_LAYERS:
            raise ParamError(f"at most {MAX_LAYERS} layers", f"最多 {MAX_LAYERS} 层")
    if not out:
        raise ParamError("give at least one layer", "至少给出一层")
    return out


def _trace(layers, h, w, c, bias=True, *, cin=True, flat_spatial=True, pool_params=False):
    """Rows (name, shape, params) per layer; shape (h, w, c) before the first fc, (n,) after."""
    rows, flat = [], None
    for kind, k, s, p, out in layers:
        if kind == "conv":
            if flat is not None:
                raise ParamError("a conv layer after an fc layer", "全连接层之后不能再接卷积层")
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            n = (k * k * (c if cin else 1) + (1 if bias else 0)) * out
            c = out
        elif kind == "pool":
            if flat is not None:
                raise ParamError("a pooling layer after an fc layer", "全连接层之后不能再接汇聚层")
            h, w = (h - k) // s + 1, (w - k) // s + 1
            n = 2 * c if pool_params else 0
        else:
            fin = flat if flat is not None else (h * w * c if flat_spatial else c)
            n = (fin + (1 if bias else 0)) * out
            flat = out
        if flat is None and (h < 1 or w < 1):
            raise ParamError("the layers shrink the input to nothing", "这些层把输入缩小到了零")
        rows.append((kind, (flat,) if flat is not None else (h, w, c), n))
    return rows


def _tok(layer):
    kind, k, s, p, c = layer
    if kind == "conv":
        return f"conv{k}-{c}" + (f"s{s}" if s != 1 else "") + f"p{p}"
    if kind == "pool":
        return f"pool{k}" + (f"s{s}" if s != k else "")
    return f"fc{c}"


_LENET = ("conv5-6,pool2,conv5-16,pool2,fc120,fc84,fc10", (32, 32, 1), "valid")
_VGG16 = ("conv3-64,conv3-64,pool2,conv3-128,conv3-128,pool2,conv3-256,conv3-256,conv3-256,pool2,"
          "conv3-512,conv3-512,conv3-512,pool2,conv3-512,conv3-512,conv3-512,pool2,fc4096,fc4096,fc1000", (224, 224, 3), "same")
_VGG11 = ("conv3-64,pool2,conv3-128,pool2,conv3-256,conv3-256,pool2,conv3-512,conv3-512,pool2,conv3-512,conv3-512,pool2,"
          "fc4096,fc4096,fc1000", (224, 224, 3), "same")
_ALEX = ("conv11-96s4p0,pool3s2,conv5-256p2,pool3s2,conv3-384,conv3-384,conv3-256,pool3s2,fc4096,fc4096,fc1000",
         (227, 227, 3), "same")


def generate(rng: random.Random, difficulty: str) -> dict:
    ask = pick(rng, ("params", "params", "shape"))
    if difficulty == "easy":
        n = pick(rng, (28, 32))
        c0 = pick(rng, (1, 3))
        f = pick(rng, (4, 6, 8, 16))
        layers = f"conv{pick(rng, (3, 5))}-{f},pool2,fc{pick(rng, (10, 10, 2))}"
        return {"layers": layers, "input": (n, n, c0), "pad": pick(rng, ("same", "valid")), "bias": True, "ask": ask}
    if difficulty == "medium":
        if rng.random() < 0.3:
            layers, inp, pad = _LENET
            return {"layers": layers, "input": inp, "pad": pad, "bias": True, "ask": ask}
        n, c0 = pick(rng, ((28, 1), (32, 3), (32, 1), (64, 3)))
        f1, f2 = pick(rng, ((8, 16), (16, 32), (32, 64), (6, 16)))
        k = pick(rng, (3, 5))
        layers = f"conv{k}-{f1},pool2,conv{k}-{f2},pool2,fc{pick(rng, (64, 100, 120, 128))},fc{pick(rng, (10, 10, 2))}"
        return {"layers": layers, "input": (n, n, c0), "pad": pick(rng, ("same", "valid")), "bias": rng.random() < 0.85,
                "ask": ask}
    layers, inp, pad = pick(rng, (_VGG16, _VGG11, _ALEX, _LENET))
    return {"layers": layers, "input": inp, "pad": pad, "bias": True, "ask": ask}


def _parse(prm):
    inp = tuple(prm["input"])
    if len(inp) != 3:
        raise ParamError("input must be H,W,C, e.g. 224,224,3", "输入须为 H,W,C，如 224,224,3")
    pad = prm.get("pad") or "same"
    ask = prm.get("ask") or "params"
    if pad not in ("same", "valid") or ask not in ASKS:
        raise ParamError("pad must be same or valid; ask params or shape", "pad 须为 same 或 valid；ask 须为 params 或 shape")
    layers = parse_layers(prm["layers"], pad)
    return layers, inp, pad, bool(prm.get("bias", True)), ask


def _answer(rows, ask):
    if ask == "params":
        return sum(n for _, _, n in rows)
    shape = rows[-1][1]
    return shape[0] if len(shape) == 1 else tuple(shape)


def solve(prm: dict) -> Solution:
    layers, (h0, w0, c0), pad, bias, ask = _parse(prm)
    rows = _trace(layers, h0, w0, c0, bias)
    prev = h0 * w0 * c0
    for (kind, *_), (_, shape, n) in zip(layers, rows):
        if kind == "fc" and n > MAX_FC_WEIGHTS:
            raise ParamError(f"an fc layer with {n} weights; at most {MAX_FC_WEIGHTS} are checked",
                             f"一个全连接层有 {n} 个权重；最多检查 {MAX_FC_WEIGHTS} 个")
    del prev
    ans = _answer(rows, ask)
    desc = ",".join(_tok(l) for l in layers)
    b_en = "conv and fc layers have biases" if bias else "no layer has a bias"
    b_zh = "卷积层与全连接层都有偏置" if bias else "各层都没有偏置"
    pad_en = "'same' padding (p = k//2) unless a layer gives p" if pad == "same" else "no padding unless a layer gives p"
    pad_zh = "除非某层写明 p，卷积用 same 填充（p = k//2）" if pad == "same" else "除非某层写明 p，卷积不填充"
    last = rows[-1][1]
    what_en = "the total number of trainable parameters" if ask == "params" else (
        "the output of the last layer as h, w, c" if len(last) == 3 else "the length of the last layer's output")
    what_zh = "可训练参数的总数" if ask == "params" else ("最后一层的输出（按 h, w, c 填写）" if len(last) == 3 else "最后一层输出的长度")
    prompt = bi(
        f"A CNN takes an input of {h0}×{w0}×{c0} (H×W×C) and applies, in order: {desc} "
        f"(conv<k>-<filters> with stride 1 unless s is given, {pad_en}; pool<k> = max pooling, stride k; "
        f"fc<units> = fully connected, the first one flattening its input); {b_en}. Give {what_en}.",
        f"一个卷积网络的输入为 {h0}×{w0}×{c0}（H×W×C），依次为：{desc}"
        f"（conv<k>-<卷积核个数> 步长为 1，除非写明 s；{pad_zh}；pool<k> 为最大汇聚，步长 k；"
        f"fc<单元数> 为全连接层，第一个全连接层先展平输入）；{b_zh}。求{what_zh}。",
    )
    steps = [bi(r"Per layer: conv $o = \lfloor (n + 2p - k)/s \rfloor + 1$ with $(k^2 C_{in} + 1) C_{out}$ parameters; "
                r"pool $o = \lfloor (n - k)/s \rfloor + 1$, no parameters; fc $(n_{in} + 1) n_{out}$ parameters, "
                r"the first fc taking the flattened $H \cdot W \cdot C$." + ("" if bias else " No biases: drop the +1."),
                r"逐层：卷积 $o = \lfloor (n + 2p - k)/s \rfloor + 1$，参数 $(k^2 C_{in} + 1) C_{out}$；"
                r"汇聚 $o = \lfloor (n - k)/s \rfloor + 1$，无参数；全连接参数 $(n_{in} + 1) n_{out}$，"
                r"第一个全连接层的输入是展平后的 $H \cdot W \cdot C$。" + ("" if bias else "无偏置：去掉 +1。"))]
    chain = _chain(prm["layers"], layers, (h0, w0, c0), pad, bias, ask)
    steps += [st.text for st in chain]
    def wrong(**kw):
        return _answer(_trace(layers, h0, w0, c0, bias if "bias" not in kw else kw.pop("bias"), **kw), ask)

    M = Misconception
    if ask == "params":
        miscon = [
            M("forgot_bias" if bias else "added_bias", wrong(bias=not bias), bi(
                "You forgot the biases: one per filter and one per fc unit." if bias else "No layer has a bias here.",
                "你漏了偏置：每个卷积核一个、每个全连接单元一个。" if bias else "这里各层都没有偏置。")),
            M("forgot_input_channels", wrong(cin=False), bi(
                "You left out the input channels: a k×k filter has k²·C_in weights.",
                "你漏了输入通道：k×k 卷积核有 k²·C_in 个权重。")),
            M("flatten_channels_only", wrong(flat_spatial=False), bi(
                "The first fc layer sees the flattened H·W·C values, not only the C channels.",
                "第一个全连接层的输入是展平后的 H·W·C 个值，不只是 C 个通道。")),
        ]
        if any(l[0] == "pool" for l in layers):
            miscon.append(M("pool_has_params", wrong(pool_params=True), bi(
                "Max pooling has no parameters (only LeNet-5's trainable subsampling has 2 per map).",
                "最大汇聚没有参数（只有 LeNet-5 的可训练下采样每个特征图有 2 个）。")))
    else:
        other = "valid" if pad == "same" else "same"
        alt = parse_layers(prm["layers"], other)
        try:
            alt_ans = _answer(_trace(alt, h0, w0, c0, bias), ask)
        except ParamError:
            alt_ans = None
        miscon = [M("flatten_channels_only", wrong(flat_spatial=False), bi(
            "The first fc layer sees the flattened H·W·C values.", "第一个全连接层的输入是展平后的 H·W·C 个值。"))]
        if alt_ans is not None:
            miscon.append(M(f"{other}_padding", alt_ans, bi(
                f"You used {other} padding; here the convs use {pad} padding.",
                f"你用了 {other} 填充；这里卷积用 {pad} 填充。")))
        if len(last) == 3:
            miscon.append(M("channels_first", (last[2], last[0], last[1]), bi(
                "Give h, w, c in this order (channels last).", "按 h, w, c 的顺序填写（通道在最后）。")))
    return Solution(prompt=prompt, answer=ans, steps=tuple(steps), misconceptions=tuple(miscon), chain=chain,
                    conventions=(bi("conv<k>-<n>: n filters of k×k, stride 1; pooling has no parameters; one bias per filter "
                                    "and per fc unit (VGG, LeNet-5 in its modern form).",
                                    "conv<k>-<n>：n 个 k×k 卷积核，步长 1；汇聚层无参数；每个卷积核、每个全连接单元一个偏置"
                                    "（VGG、现代写法的 LeNet-5）。"),),
                    rtol=0, atol=0.01,
                    hint=bi("Track H×W×C layer by layer; conv (k²C_in + 1)C_out, fc (n_in + 1)n_out.",
                            "逐层跟踪 H×W×C；卷积 (k²C_in + 1)C_out，全连接 (n_in + 1)n_out。"))


FEEDBACK = {
    "forgot_bias": bi("You forgot the biases: one per filter and one per fc unit.", "你漏了偏置：每个卷积核一个、每个全连接单元一个。"),
    "added_bias": bi("No layer has a bias here.", "这里各层都没有偏置。"),
    "forgot_input_channels": bi("You left out the input channels: a k×k filter has k²·C_in weights.", "你漏了输入通道：k×k 卷积核有 k²·C_in 个权重。"),
    "flatten_channels_only": bi("The first fc layer sees the flattened H·W·C values, not only the C channels.",
                                "第一个全连接层的输入是展平后的 H·W·C 个值，不只是 C 个通道。"),
    "pool_has_params": bi("Max pooling has no parameters (only LeNet-5's trainable subsampling has 2 per map).",
                          "最大汇聚没有参数（只有 LeNet-5 的可训练下采样每个特征图有 2 个）。"),
    "channels_first": bi("Give h, w, c in this order (channels last).", "按 h, w, c 的顺序填写（通道在最后）。"),
}


def _m(mid, fn, fb=None):
    return StepMistake(mid, fb or FEEDBACK[mid], fn)


def _chain(text, layers, inp, pad, bias, ask):
    """Per conv or pool layer its output h, w, c; for the parameters also each conv's
    (k²C_in + 1)C_out, the flattened H·W·C before the first fc, each fc's (n_in + 1)n_out and the
    total; for the shape, after an fc the last layer's length."""
    F = fmt_num
    b = 1 if bias else 0
    ch = Chain({"layers": text, "input": tuple(inp), "bias": bias, "pad": pad})
    other = "valid" if pad == "same" else "same"
    try:
        alt = parse_layers(text, other)
    except ParamError:
        alt = layers
    params_mode = ask == "params"
    prev, flat_id, units, param_ids, pools = None, None, None, [], []

    def src(e, prev):
        return tuple(e[prev]) if prev else tuple(e["input"])

    for i, layer in enumerate(layers, 1):
        kind, k, s, p, out = layer
        head = {"en": f"Layer {i}, {_tok(layer)}: ", "zh": f"第 {i} 层，{_tok(layer)}："}
        if kind in ("conv", "pool"):
            def shape(e, prev=prev, kind=kind, k=k, s=s, p=p, out=out):
                h, w, c = src(e, prev)
                if kind == "conv":
                    return ((h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1, out)
                return ((h - k) // s + 1, (w - k) // s + 1, c)

            def text_shape(x, l, prev=prev, kind=kind, k=k, s=s, p=p, head=head, i=i):
                h, w, c = (x[prev] if prev else x["input"])
                oh, ow, oc = x[f"shape{i}"]
                pp = f" + 2 \\cdot {p}" if kind == "conv" else ""

                def one(n, o):
                    return f"\\lfloor ({F(n)}{pp} - {k})/{s} \\rfloor + 1 = {F(o)}"
                calc = f"${one(h, oh)}$" if h == w else f"h: ${one(h, oh)}$, w: ${one(w, ow)}$"
                tail = "" if kind == "conv" else bi(" (pooling has no parameters)", "（汇聚层没有参数）").t(l)
                return head[l] + calc + f" → {F(oh)}×{F(ow)}×{F(oc)}" + tail

            mis = [_m("channels_first", lambda e, f=shape: (lambda t: (t[2], t[0], t[1]))(f(e)))]
            if kind == "conv" and alt[i - 1][3] != p:
                pa = alt[i - 1][3]
                mis.append(_m(f"{other}_padding", lambda e, prev=prev, k=k, s=s, pa=pa, out=out: (
                    lambda h, w, c: ((h + 2 * pa - k) // s + 1, (w + 2 * pa - k) // s + 1, out))(*src(e, prev)),
                    bi(f"You used {other} padding; here the convs use {pad} padding (p = {p}).",
                       f"你用了 {other} 填充；这里卷积用 {pad} 填充（p = {p}）。")))
            sid = f"shape{i}"
            count_step(ch, sid, bi(f"the output of layer {i} ({_tok(layer)}) as h, w, c", f"第 {i} 层（{_tok(layer)}）的输出 h, w, c"),
                       shape, uses=(prev,) if prev else ("input",), text=bi_lines(text_shape),
                       rule=bi("count the window positions along each axis; a conv's channels become its number of filters"
                               if kind == "conv" else "count the window positions along each axis; pooling keeps the channels",
                               "数每个方向上窗口的位置数；卷积的输出通道数等于卷积核个数" if kind == "conv"
                               else "数每个方向上窗口的位置数；汇聚不改变通道数"),
                       formula=bi("o = ⌊(n + 2p − k)/s⌋ + 1, c = C_out" if kind == "conv" else "o = ⌊(n − k)/s⌋ + 1, c unchanged",
                                  "o = ⌊(n + 2p − k)/s⌋ + 1，c = C_out" if kind == "conv" else "o = ⌊(n − k)/s⌋ + 1，c 不变"),
                       mistakes=mis)
            if kind == "pool":
                pools.append(sid)
            if kind == "conv" and params_mode:
                def conv_params(e, prev=prev, k=k, out=out, cin=True, bb=b):
                    c = src(e, prev)[2]
                    return (k * k * (c if cin else 1) + bb) * out

                def text_params(x, l, prev=prev, k=k, out=out, head=head, i=i):
                    c = (x[prev] if prev else x["input"])[2]
                    one = " + 1" if bias else ""
                    return head[l] + bi("parameters ", "参数 ").t(l) + f"$({k}^2 \\cdot {F(c)}{one}) \\cdot {out} = {F(x[f'params{i}'])}$"

                mis = [_m("forgot_input_channels", lambda e, f=conv_params: f(e, cin=False)),
                       _m("forgot_bias", lambda e, f=conv_params: f(e, bb=0)) if bias else _m("added_bias", lambda e, f=conv_params: f(e, bb=1))]
                count_step(ch, f"params{i}", bi(f"the parameters of layer {i} ({_tok(layer)})", f"第 {i} 层（{_tok(layer)}）的参数"),
                           conv_params, uses=(prev,) if prev else ("input",), text=bi_lines(text_params),
                           rule=bi("one k×k×C_in filter per output channel" + (", plus its bias" if bias else ""),
                                   "每个输出通道一个 k×k×C_in 卷积核" + ("，外加一个偏置" if bias else "")),
                           formula=bi("(k²·C_in + 1)·C_out" if bias else "k²·C_in·C_out", "(k²·C_in + 1)·C_out" if bias else "k²·C_in·C_out"),
                           mistakes=mis)
                param_ids.append(f"params{i}")
            prev = sid
        else:
            if params_mode:
                if units is None:
                    def flatten(e, prev=prev, spatial=True):
                        h, w, c = src(e, prev)
                        return h * w * c if spatial else c

                    def text_flat(x, l, prev=prev):
                        h, w, c = (x[prev] if prev else x["input"])
                        return bi("Flatten: ", "展平：").t(l) + f"${F(h)} \\cdot {F(w)} \\cdot {F(c)} = {F(x['flat'])}$"

                    count_step(ch, "flat", bi("the flattened length H·W·C before the first fc layer", "第一个全连接层之前展平后的长度 H·W·C"),
                               flatten, uses=(prev,) if prev else ("input",), text=bi_lines(text_flat),
                               rule=bi("flattening lines up every value of every map", "展平把所有特征图的所有值排成一列"),
                               formula=bi("H·W·C", "H·W·C"), mistakes=(_m("flatten_channels_only", lambda e, f=flatten: f(e, spatial=False)),))
                    flat_id = "flat"

                def fc_params(e, fin_id=flat_id, units=units, out=out, bb=b):
                    fin = e[fin_id] if units is None else units
                    return (fin + bb) * out

                def text_fc(x, l, units=units, out=out, head=head, i=i):
                    fin = F(x["flat"]) if units is None else str(units)
                    one = " + 1" if bias else ""
                    return head[l] + bi("parameters ", "参数 ").t(l) + f"$({fin}{one}) \\cdot {out} = {F(x[f'params{i}'])}$"

                count_step(ch, f"params{i}", bi(f"the parameters of layer {i} ({_tok(layer)})", f"第 {i} 层（{_tok(layer)}）的参数"),
                           fc_params, uses=("flat",) if units is None else (), text=bi_lines(text_fc),
                           rule=bi("every input connects to every unit" + (", plus one bias per unit" if bias else ""),
                                   "每个输入连接每个单元" + ("，外加每个单元一个偏置" if bias else "")),
                           formula=bi("(n_in + 1)·n_out" if bias else "n_in·n_out", "(n_in + 1)·n_out" if bias else "n_in·n_out"),
                           mistakes=(_m("forgot_bias", lambda e, f=fc_params: f(e, bb=0)) if bias else _m("added_bias", lambda e, f=fc_params: f(e, bb=1)),))
                param_ids.append(f"params{i}")
            units = out
    if params_mode:
        ids = tuple(param_ids)

        def total(e, pool=False):
            return sum(e[x] for x in ids) + (sum(2 * e[x][2] for x in pools) if pool else 0)

        count_step(ch, "total", bi("the total number of parameters", "参数总数"), total, uses=ids,
                   text=bi_lines(lambda x, l: bi("Total: ", "合计：").t(l)
                                 + f"${' + '.join(F(x[i]) for i in ids)} = {F(x['total'])}$"
                                 + (" (pooling has none)" if pools and l == "en" else "（汇聚层没有参数）" if pools else "")),
                   rule=bi("add up the layers' parameters", "把各层的参数相加"), formula=bi("Σ parameters of the layers", "Σ 各层参数"),
                   mistakes=((_m("pool_has_params", lambda e: total(e, pool=True)),) if pools else ()))
    elif units is not None:
        count_step(ch, "units", bi("the length of the last layer's output", "最后一层输出的长度"), lambda e, u=units: u, uses=(),
                   text=bi_lines(lambda x, l: (bi(f"The last layer is fully connected: its output has {F(x['units'])} values",
                                                         f"最后一层是全连接层：输出有 {F(x['units'])} 个值").t(l))),
                   rule=bi("an fc layer outputs one value per unit", "全连接层每个单元输出一个值"), formula=bi("n_out", "n_out"),
                   substituted=bi_lines(lambda x, l: bi("n_out of the last fc layer", "最后一个全连接层的 n_out").t(l)))
    return ch.steps


def check(prm: dict):
    """Engine route: engine layers at their real sizes (shape-only weights), shapes from
    `probe_trace`, the total from `count_params`."""
    from ..engine import Conv2d, Dense, Flatten, MaxPool2d, count_params, probe_trace
    from ._shared import shape_only_rng

    layers, (h, w, c), _pad, bias, ask = _parse(prm)
    rng = shape_only_rng()
    built, shape = [], (1, c, h, w)
    for kind, k, s, p, out in layers:
        if kind == "conv":
            layer = Conv2d(shape[1], out, k, stride=s, padding=p, bias=bias, rng=rng)
        elif kind == "pool":
            layer = MaxPool2d(k, stride=s)
        else:
            if len(shape) == 4:
                built.append(Flatten())
                shape = probe_trace([built[-1]], shape)[-1]
            layer = Dense(shape[1], out, bias=bias, rng=rng)
        built.append(layer)
        shape = probe_trace([layer], shape)[-1]
    if ask == "params":
        return count_params(built)
    if len(shape) == 2:
        return int(shape[1])
    _, cc, hh, ww = shape
    return (int(hh), int(ww), int(cc))
