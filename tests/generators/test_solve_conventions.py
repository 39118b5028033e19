"""`solve` takes what students bring (issue 13): GRU update conventions, a model without bias,
grouped convolutions and LeNet-5's C3 connection table. Values recomputed here by hand."""
import math

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import ParamError, solve


def sig(v):
    return 1 / (1 + math.exp(-v))


GRU = ["wx=0.5,0.3,0.2", "wh=0.1,0.4,0.6", "x=1", "h=0.5"]


def _gru_by_hand():
    r, z = sig(0.5 + 0.1 * 0.5), sig(0.3 + 0.4 * 0.5)
    n = math.tanh(0.2 + 0.6 * r * 0.5)
    return z, n


def test_gru_update_conventions():
    z, n = _gru_by_hand()
    nndl = solve("gru_step", GRU)
    chung = solve("gru_step", GRU + ["update=chung"])
    assert abs(nndl.answer - (z * 0.5 + (1 - z) * n)) < 1e-9  # nndl / Cho et al. 2014 eq. 7
    assert abs(chung.answer - ((1 - z) * 0.5 + z * n)) < 1e-9  # Chung et al. 2014
    assert abs(nndl.answer - 0.4515) < 1e-4 and abs(chung.answer - 0.4201) < 1e-4
    # each convention's swapped_z misconception is the other convention's answer
    assert abs(next(m.value for m in chung.misconceptions if m.id == "swapped_z") - nndl.answer) < 1e-12


def test_gru_note_credits_cho_with_our_form_and_chung_with_the_swap():
    for p in (solve("gru_step", GRU), solve("gru_step", GRU + ["update=chung"])):
        note = p.conventions[0]
        for text in (note.en, note.zh):
            assert "Cho" in text and "Chung" in text
            assert "7" in text  # Cho et al. 2014's eq. 7
        assert "swap" not in note.en.split("Chung")[0]  # the swap is never credited to Cho
    assert "Cho et al. swap" not in solve("gru_step", GRU).conventions[0].en


def test_gd_step_without_bias():
    # ŷ = w x, w = 0.5, (x, y) = (1, 2), (2, 3), mean squared error: ∂L/∂w = (2/N)Σ(ŷ − y)x
    p = solve("gd_step", ["w=0.5", "x=1,2", "y=2,3", "bias=false", "lr=0.1"])
    g = (2 / 2) * ((0.5 - 2) * 1 + (1 - 3) * 2)
    assert abs(p.answer - (0.5 - 0.1 * g)) < 1e-12
    assert not any(m.id == "bias_not_updated" for m in p.misconceptions)
    assert all("∂b" not in s.en and "\\partial b" not in s.en for s in p.steps)
    p2 = solve("gd_step", ["w=0.5,1", "x=1 2;2 1", "y=2,3", "bias=false"])
    assert len(p2.answer) == 2
    with pytest.raises(ParamError):
        solve("gd_step", ["w=0.5", "x=1,2", "y=2,3", "bias=false", "b=0.3"])


def test_lenet5_c3_connection_table():
    # LeNet-5 (LeCun et al. 1998), layer C3: 6 input maps, 16 output maps, 5×5 kernels, a
    # connection table of 60 pairs: 60·25 weights + 16 biases = 1516 trainable parameters.
    assert solve("conv_params", ["c_in=6", "c_out=16", "k=5", "connections=60"]).answer == 1516
    # the same layer fully connected: 6·16·25 + 16 = 2416
    assert solve("conv_params", ["c_in=6", "c_out=16", "k=5"]).answer == 2416


def test_grouped_and_depthwise_convolution():
    # depthwise 3×3 on 32 channels (MobileNet): 32·9 + 32 = 320
    assert solve("conv_params", ["c_in=32", "c_out=32", "k=3", "groups=32"]).answer == 320
    # AlexNet conv2 in two groups: 5·5·48·256 + 256 = 307456
    assert solve("conv_params", ["c_in=96", "c_out=256", "k=5", "groups=2"]).answer == 307456
    with pytest.raises(ParamError):
        solve("conv_params", ["c_in=6", "c_out=16", "k=5", "groups=4"])


def test_conv_params_help_says_what_is_not_covered():
    r = CliRunner().invoke(app, ["--lang", "en", "solve", "conv_params", "--help"])
    assert r.exit_code == 0 and "subsampling" in r.output and "connections" in r.output
