"""Shape and count families checked against hand-computed textbook / course cases.

Families: pool_output, transposed_conv_output, conv_params, conv_cost, dense_params,
shape_trace, receptive_field, rnn_params, lstm_params, gru_params, attention_params,
iterations, init_scale, dropout.
"""
import math

import numpy as np
import pytest

from quizcli.generators import ParamError, problem, solve
from quizcli.grading import grade_numeric


def ans(family, *args):
    return solve(family, list(args)).answer


def miscon_ids(family, *args):
    return {m.id for m in solve(family, list(args)).misconceptions}


# ---------------------------------------------------------------- pool_output
def test_pool_output_alexnet_overlapping_pool():
    # AlexNet: conv1 output 55×55, max-pool 3×3 stride 2 → 27 (Krizhevsky et al. 2012; d2l 8.1)
    assert ans("pool_output", "n=55", "k=3", "s=2") == 27
    # then 27 → 13 after the second overlapping pool
    assert ans("pool_output", "n=27", "k=3", "s=2") == 13


def test_pool_output_default_stride_and_ceil():
    # LeNet-style 2×2 pooling, stride defaults to the window: 28 → 14, 7 → 3 (floor)
    assert ans("pool_output", "n=28", "k=2") == 14
    assert ans("pool_output", "n=7", "k=2") == 3
    # ceil mode: 7 → 4 (PyTorch MaxPool2d(2, ceil_mode=True)); 5×5 → 3 (engine docs example)
    assert ans("pool_output", "n=7", "k=2", "ceil=true") == 4
    assert ans("pool_output", "n=5", "k=2", "ceil=true") == 3
    # ceil with padding: the last window would start in the right padding → dropped (PyTorch gives 3)
    assert ans("pool_output", "n=5", "k=2", "s=2", "p=1", "ceil=true") == 3
    # ResNet stem: 112 → 56 with 3×3, stride 2, padding 1
    assert ans("pool_output", "n=112", "k=3", "s=2", "p=1") == 56
    with pytest.raises(ParamError):
        solve("pool_output", ["n=8", "k=2", "p=2"])  # padding > k/2


# ---------------------------------------------------------------- transposed_conv_output
def test_transposed_conv_output():
    # DCGAN / d2l 14.10: k=4, s=2, p=1 doubles the size: 4 → 8, 16 → 32
    assert ans("transposed_conv_output", "n=4", "k=4", "s=2", "p=1") == 8
    assert ans("transposed_conv_output", "n=16", "k=4", "s=2", "p=1") == 32
    # d2l 14.10.1: 2×2 input, 2×2 kernel, stride 1 → 3×3
    assert ans("transposed_conv_output", "n=2", "k=2") == 3
    # engine docs: 4×4, k=3, s=2, p=1, output_padding=1 → 8×8 (inverts a stride-2 'same' conv)
    assert ans("transposed_conv_output", "n=4", "k=3", "s=2", "p=1", "output_padding=1") == 8
    assert "used_conv_formula" in miscon_ids("transposed_conv_output", "n=4", "k=4", "s=2", "p=1")


# ---------------------------------------------------------------- conv_params / conv_cost
def test_conv_params_textbook():
    # AlexNet conv1: 96 filters 11×11×3 + 96 biases = 34 944
    assert ans("conv_params", "c_in=3", "c_out=96", "k=11") == 34944
    # VGG-16 conv1_1: 3·3·3·64 + 64 = 1 792; conv3_1: 3·3·128·256 + 256 = 295 168
    assert ans("conv_params", "c_in=3", "c_out=64", "k=3") == 1792
    assert ans("conv_params", "c_in=128", "c_out=256", "k=3") == 295168
    # LeNet-5 C1 (6 filters 5×5 on 1 channel): 156
    assert ans("conv_params", "c_in=1", "c_out=6", "k=5") == 156
    # a 1×3 kernel, no bias
    assert ans("conv_params", "c_in=64", "c_out=32", "k=1,3", "bias=false") == 6144
    p = solve("conv_params", ["c_in=3", "c_out=96", "k=11"])
    r = grade_numeric("34848", p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)
    assert r.misconception == "forgot_bias"


def test_conv_cost():
    # AlexNet conv1: 55²·11²·3·96 = 105 415 200 multiplications
    assert ans("conv_cost", "n_out=55", "k=11", "c_in=3", "c_out=96") == 105415200
    # nndl (邱锡鹏) 5.3: M²·K²·C_in·C_out, e.g. 28×28 output, 5×5 kernels, 1 → 20 channels: 392 000
    assert ans("conv_cost", "n_out=28", "k=5", "c_in=1", "c_out=20") == 392000


# ---------------------------------------------------------------- dense_params
def test_dense_params():
    # 784-256-10 MLP: 784·256+256 + 256·10+10 = 203 530
    assert ans("dense_params", "widths=784,256,10") == 203530
    # nndl exercise 4-layer 2-3-1 network: 2·3+3 + 3·1+1 = 13; without bias 9
    assert ans("dense_params", "widths=2,3,1") == 13
    assert ans("dense_params", "widths=2,3,1", "bias=false") == 9
    # AlexNet FC6: 9216 → 4096 is 37 752 832 parameters (real size, counted by the engine)
    assert ans("dense_params", "widths=9216,4096") == 37752832


# ---------------------------------------------------------------- shape_trace
def test_shape_trace_lenet():
    # LeNet-5 (d2l 7.6): 1×28×28, conv 5×5 pad 2 → 28, pool → 14, conv 5×5 → 10, pool → 5, flatten 400;
    # params conv 156 + 2 416, dense 400→10: 4 010 → 6 582
    assert ans("shape_trace", "input=1,28,28", "filters=6,16", "k=5", "p=2,0") == (28, 14, 10, 5, 400, 6582)
    # engine docs example shape: 1×28×28, conv3 (4) → 26 → 13 …
    a = ans("shape_trace", "input=3,32,32", "filters=16,32", "k=3", "p=1")
    assert a[:5] == (32, 16, 16, 8, 2048)
    assert a[5] == (27 * 16 + 16) + (144 * 32 + 32) + (2048 * 10 + 10)


# ---------------------------------------------------------------- receptive_field
def test_receptive_field():
    # two stacked 3×3 convs see 5×5, three see 7×7 (VGG, Simonyan & Zisserman 2015)
    assert ans("receptive_field", "layers=conv3,conv3") == 5
    assert ans("receptive_field", "layers=conv3,conv3,conv3") == 7
    # engine docs: conv3, pool2, conv3 → 8
    assert ans("receptive_field", "layers=conv3s1,pool2s2,conv3s1") == 8
    # dilated convs 1, 2, 4 (Yu & Koltun 2016): 3, 7, 15
    assert ans("receptive_field", "layers=conv3d1,conv3d2,conv3d4") == 15
    # AlexNet conv1 + pool1: 11 + (3−1)·4 = 19
    assert ans("receptive_field", "layers=conv11s4,pool3s2") == 19
    with pytest.raises(ParamError):
        solve("receptive_field", ["layers=conv3,fc10"])


# ---------------------------------------------------------------- rnn / lstm / gru
def test_recurrent_params():
    # LSTM: 4(h(d+h)+h), e.g. d=100, h=128: 4·(128·228 + 128) = 117 248 (Keras LSTM(128) on 100 features)
    assert ans("lstm_params", "d=100", "h=128") == 117248
    # PyTorch nn.LSTM(100, 128) has two bias vectors: + 4·128 = 117 760
    assert ans("lstm_params", "d=100", "h=128", "biases=2") == 117760
    # GRU: 3(h(d+h)+h) with Keras' single bias (reset_after=False): d=32, h=64 → 18 624
    assert ans("gru_params", "d=32", "h=64") == 18624
    # simple RNN: h(d+h)+h, d=3, h=2 → 12
    assert ans("rnn_params", "d=3", "h=2") == 12
    assert "three_gates" in miscon_ids("lstm_params", "d=100", "h=128")
    assert "lstm_gates" in miscon_ids("gru_params", "d=32", "h=64")


# ---------------------------------------------------------------- attention_params
def test_attention_params():
    # engine docs: MultiHeadAttention(8, 2): 4·64 + 4·8 = 288
    assert ans("attention_params", "d_model=8", "heads=2") == 288
    # "Attention is all you need" base encoder layer: d=512, d_ff=2048:
    # 4·512² + 4·512 = 1 050 624; FFN 2·512·2048 + 2048 + 512 = 2 099 712; LN 2 048 → 3 152 384
    # (= PyTorch nn.TransformerEncoderLayer(512, 8) parameter count)
    assert ans("attention_params", "d_model=512", "heads=8", "d_ff=2048") == 3152384
    # BERT-base layer: d=768, d_ff=3072 → 7 087 872
    assert ans("attention_params", "d_model=768", "heads=12", "d_ff=3072") == 7087872


# ---------------------------------------------------------------- iterations
def test_iterations():
    # MNIST 60 000 samples, B = 128: ⌈468.75⌉ = 469 per epoch (drop_last=False), 10 epochs → 4 690
    assert ans("iterations", "n=60000", "b=128", "e=10") == (469, 4690)
    # with drop_last: 468 per epoch
    assert ans("iterations", "n=60000", "b=128", "e=10", "drop_last=true") == (468, 4680)
    # CIFAR-10 50 000, B = 100, 20 epochs: 500, 10 000
    assert ans("iterations", "n=50000", "b=100", "e=20") == (500, 10000)


# ---------------------------------------------------------------- init_scale
def test_init_scale_values():
    # Glorot & Bengio 2010: U(±√(6/(n_in+n_out))); 784→256: √(6/1040) = 0.07596
    assert ans("init_scale", "fan_in=784", "fan_out=256") == pytest.approx(math.sqrt(6 / 1040), rel=1e-12)
    # He et al. 2015: N(0, 2/n_in); n_in = 200 → σ = 0.1
    assert ans("init_scale", "fan_in=200", "fan_out=100", "scheme=he_normal") == pytest.approx(0.1, rel=1e-12)
    assert ans("init_scale", "fan_in=600", "fan_out=10", "scheme=he_uniform") == pytest.approx(0.1, rel=1e-12)
    assert ans("init_scale", "fan_in=100", "fan_out=100", "scheme=xavier_normal") == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize("scheme", ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal"])
def test_init_scale_sampling(scheme):
    """A sampled 1000×1000 matrix has the stated spread (tolerance 1 %: the sampling error of a
    std over 10⁶ draws is ~0.07 %)."""
    fi, fo = 300, 500
    v = ans("init_scale", f"fan_in={fi}", f"fan_out={fo}", f"scheme={scheme}")
    g = np.random.default_rng(0)
    w = g.uniform(-v, v, (1000, 1000)) if scheme.endswith("uniform") else g.normal(0, v, (1000, 1000))
    target_var = 2 / fi if scheme.startswith("he") else 2 / (fi + fo)
    assert w.var() == pytest.approx(target_var, rel=0.01)
    if scheme.endswith("uniform"):
        assert np.abs(w).max() <= v and np.abs(w).max() > 0.999 * v


# ---------------------------------------------------------------- dropout
def test_dropout():
    # inverted dropout, p = 0.5: kept units doubled (d2l 5.6; engine docs mask example)
    assert ans("dropout", "x=1,1,1,1,1,1", "mask=1,0,0,0,1,1", "p=0.5") == (2, 0, 0, 0, 2, 2)
    # p = 0.2: scale 1.25
    assert ans("dropout", "x=2,-1.6,0.4,3", "mask=1,1,0,1", "p=0.2") == pytest.approx((2.5, -2.0, 0.0, 3.75))
    p = solve("dropout", ["x=2,-1.6,0.4,3", "mask=1,1,0,1", "p=0.2"])
    r = grade_numeric("2, -1.6, 0, 3", p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)
    assert r.correct is False and r.misconception == "no_scaling"


# ---------------------------------------------------------------- all: generated problems, CLI
FAMILIES = ["pool_output", "transposed_conv_output", "conv_params", "conv_cost", "dense_params", "shape_trace",
            "receptive_field", "rnn_params", "lstm_params", "gru_params", "attention_params", "iterations",
            "init_scale", "dropout"]


@pytest.mark.parametrize("family", FAMILIES)
def test_generated_problem_answers_and_hard(family):
    for d in ("easy", "medium", "hard"):
        p = problem(f"{family}:7:{d}" if d != "medium" else f"{family}:7")
        assert grade_numeric(p.answer_text, p.answer, rtol=p.rtol, atol=p.atol).correct
        assert p.prompt.zh != p.prompt.en


CLI_CASES = {
    "pool_output": ["n=55", "k=3", "s=2"], "transposed_conv_output": ["n=4", "k=4", "s=2", "p=1"],
    "conv_params": ["c_in=3", "c_out=96", "k=11"], "conv_cost": ["n_out=55", "k=11", "c_in=3", "c_out=96"],
    "dense_params": ["widths=784,256,10"], "shape_trace": ["input=1,28,28", "filters=6,16", "p=2,0"],
    "receptive_field": ["layers=conv3,conv3"], "rnn_params": ["d=3", "h=2"], "lstm_params": ["d=100", "h=128"],
    "gru_params": ["d=32", "h=64"], "attention_params": ["d_model=8", "heads=2"],
    "iterations": ["n=60000", "b=128", "e=10"], "init_scale": ["fan_in=200", "fan_out=100", "scheme=he_normal"],
    "dropout": ["x=1,1", "mask=1,0", "p=0.5"],
}
CLI_EXPECTED = {"pool_output": 27, "transposed_conv_output": 8, "conv_params": 34944, "conv_cost": 105415200,
                "dense_params": 203530, "shape_trace": [28, 14, 10, 5, 400, 6582], "receptive_field": 5,
                "rnn_params": 12, "lstm_params": 117248, "gru_params": 18624, "attention_params": 288,
                "iterations": [469, 4690], "init_scale": 0.1, "dropout": [2, 0]}


def test_cli_solve_json():
    import json

    from typer.testing import CliRunner

    from quizcli.cli import app

    runner = CliRunner()
    for family, args in CLI_CASES.items():
        res = runner.invoke(app, ["solve", family, *args, "--json"])
        assert res.exit_code == 0, (family, res.output)
        data = json.loads(res.output)
        assert data["answer"] == pytest.approx(CLI_EXPECTED[family]), family
