"""`solve` refuses sizes beyond its limits (issue 18 item 9) quickly, in both languages, with
exit 1 and never a traceback; `--json` errors are JSON; the limits are in `solve FAMILY --help`;
real exam sizes (VGG-16 up to pool5, AlexNet, a 224×224 input) stay inside them."""
import json
import time

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import ParamError, families, solve

# Each of these allocated tens of GiB, looped for hours or took seconds before the limits.
OVERSIZED = [
    ("conv_output", ["n=100000", "k=3"]),
    ("iterations", ["n=1000", "b=10", "e=1e12"]),
    ("receptive_field", ["layers=conv99999s1"]),
    ("softmax", ["z=" + ",".join(str(i % 7) for i in range(10000))]),
    ("init_scale", ["fan_in=1e300", "fan_out=3"]),
    ("pool_output", ["n=1000000", "k=2"]),
    ("transposed_conv_output", ["n=100000", "k=3", "s=2"]),
    ("conv_cost", ["n_out=4096", "k=11", "c_in=4096", "c_out=64"]),
    ("shape_trace", ["input=3,9000,9000", "filters=64,64", "k=3", "p=1"]),
    ("receptive_field", ["layers=" + ",".join(["conv31"] * 40)]),
]


@pytest.mark.parametrize("family,args", OVERSIZED, ids=[f for f, _ in OVERSIZED])
def test_oversized_input_is_refused_fast_in_both_languages(family, args):
    t = time.time()
    for lang in ("en", "zh"):
        r = CliRunner().invoke(app, ["--lang", lang, "solve", family, *args])
        assert r.exit_code == 1, (r.output, r.exception)
        assert "Traceback" not in r.output and "internal" not in r.output.lower()
        assert "RoutesDisagree" not in r.output
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in r.output), r.output
    assert time.time() - t < 30  # generous: only there to catch a hang


@pytest.mark.parametrize("family,args", OVERSIZED[:5], ids=[f for f, _ in OVERSIZED[:5]])
def test_json_errors_are_json(family, args):
    r = CliRunner().invoke(app, ["solve", family, *args, "--json"])
    assert r.exit_code == 1
    d = json.loads(r.output)
    assert set(d) == {"error"} and d["error"]


def test_json_error_for_unknown_family_and_bad_parameter():
    for argv in (["solve", "no_such_family", "n=3", "--json"], ["solve", "conv_output", "n=5", "q=1", "--json"],
                 ["solve", "conv_output", "n=5", "--json"], ["solve", "conv_output", "n=5", "k=9", "--json"]):
        r = CliRunner().invoke(app, argv)
        assert r.exit_code == 1, argv
        assert "error" in json.loads(r.output), argv


def test_limits_are_listed_in_family_help():
    r = CliRunner().invoke(app, ["--lang", "en", "solve", "conv_output", "--help"])
    assert r.exit_code == 0 and "≤ 10000" in r.output
    r = CliRunner().invoke(app, ["--lang", "zh", "solve", "receptive_field", "--help"])
    assert r.exit_code == 0 and "64 层" in r.output


def test_list_json_carries_the_limits():
    r = CliRunner().invoke(app, ["solve", "--list", "--json"])
    rows = {row["family"]: row for row in json.loads(r.output)}
    n = next(p for p in rows["conv_output"]["params"] if p["name"] == "n")
    assert n["max"] == 10000


def test_every_numeric_parameter_of_every_family_has_an_upper_limit():
    """A parameter without a limit is how `n=100000` got through: each numeric one has one
    (list parameters a length limit too, unless the family bounds the size itself)."""
    own_bounds = {"conv2d_values"}  # checks a hand-sized input itself (≤ 8×8, kernel ≤ 5×5)
    missing = []
    for fid, fm in families().items():
        for p in fm.family.params:
            if p.kind in ("int", "float", "pair", "ints", "floats", "matrix") and p.max is None \
                    and fid not in own_bounds and p.name not in ("y_hat", "p", "label", "mask", "target", "y"):
                missing.append((fid, p.name))
    assert not missing, missing


@pytest.mark.parametrize("family,args,answer", [
    ("receptive_field", ["layers=conv3,conv3,pool2,conv3,conv3,pool2,conv3,conv3,conv3,pool2,"
                         "conv3,conv3,conv3,pool2,conv3,conv3,conv3,pool2"], 212),  # VGG-16 up to pool5 (18 layers)
    ("receptive_field", ["layers=conv11s4,pool3s2,conv5,pool3s2,conv3,conv3,conv3,pool3s2"], 195),  # AlexNet
    ("conv_output", ["n=227", "k=11", "s=4"], 55),  # AlexNet conv1
    ("conv_output", ["n=4096", "k=7", "s=2", "p=3"], 2048),
    ("conv_cost", ["n_out=224", "k=3", "c_in=64", "c_out=64"], 1849688064),  # VGG-16 conv1_2
    ("iterations", ["n=1281167", "b=256", "e=90"], [5005, 450450]),  # ImageNet, 90 epochs
])
def test_real_sizes_are_inside_the_limits(family, args, answer):
    p = solve(family, args)
    assert p.answer == answer or list(p.answer) == answer


def test_receptive_field_accepts_twenty_and_more_layers():
    p = solve("receptive_field", ["layers=" + ",".join(["conv3"] * 24)])
    assert p.answer == 1 + 2 * 24  # each 3×3 stride-1 layer widens the field by 2


def test_limit_messages_name_the_parameter_and_the_limit():
    with pytest.raises(ParamError) as e:
        solve("conv_output", ["n=100000", "k=3"])
    assert "n=100000" in e.value.en and "10000" in e.value.en
    assert "n=100000" in e.value.zh and "10000" in e.value.zh


def test_dropout_with_p_zero_and_a_dropping_mask_says_what_is_wrong(runner):
    """p = 0 keeps every unit, so a mask with a 0 contradicts it: say so (it used to fall through
    to 'outside what quizcli can check', the engine's Dropout(0) ignoring the mask)."""
    r = runner.invoke(["solve", "dropout", "x=1,2,3", "mask=1,0,1", "p=0"])
    assert r.exit_code != 0 and "with p = 0 no unit is ever dropped" in r.output and "outside what quizcli" not in r.output
    ok = runner.invoke(["solve", "dropout", "x=1,2,3", "mask=1,1,1", "p=0"])
    assert ok.exit_code == 0 and "[1, 2, 3]" in ok.output
