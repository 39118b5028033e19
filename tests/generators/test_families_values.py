"""Value families (softmax, cross_entropy, softmax_ce_grad, activation, conv2d_values,
batchnorm, layernorm, attention_values): hand-computed cases from the course notes and the
standard references, each recomputed here with plain `math` (never the family's own code),
misconceptions named, and the CLI path once per family."""
import json
import math

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import ParamError, problem, solve
from quizcli.grading import grade_numeric
from quizcli.render.mathtext import MATH, latex_to_unicode, leftover_command

VALUE_FAMILIES = ("softmax", "cross_entropy", "softmax_ce_grad", "activation", "conv2d_values",
                  "batchnorm", "layernorm", "attention_values")


def close(a, b, tol=1e-4):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            close(x, y, tol)
        return
    assert abs(float(a) - float(b)) <= tol, (a, b)


def softmax_ref(z, t=1.0):
    e = [math.exp(x / t) for x in z]
    return [x / sum(e) for x in e]


def grade(p, text):
    return grade_numeric(text, p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)


def miscon(p, mid):
    for m in p.misconceptions:
        if m.id == mid:
            return m.value
    raise AssertionError(f"{p.family}: no misconception {mid} in {[m.id for m in p.misconceptions]}")


def cli_json(family, *args):
    r = CliRunner().invoke(app, ["solve", family, *args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@pytest.mark.parametrize("family", VALUE_FAMILIES)
def test_math_renders_without_raw_latex(family):
    """Every $…$ fragment a student sees converts to Unicode with no command left over."""
    for difficulty in ("easy", "medium", "hard"):
        for seed in range(8):
            p = problem(f"{family}:{seed}" if difficulty == "medium" else f"{family}:{seed}:{difficulty}")
            for b in (p.prompt, *p.steps, *p.conventions):
                for text in (b.en, b.zh):
                    for m in MATH.finditer(text):
                        frag = (m.group(1) or m.group(2)).strip()
                        assert leftover_command(latex_to_unicode(frag)) is None, (p.id, frag)


# ----------------------------------------------------------------------------- softmax


def test_softmax_notes_example():
    # Course notes: softmax(4, 1, −4) printed as 95.25 % / 4.71 % / 0.04 % — a misprint;
    # exactly e^4/(e^4 + e + e^-4) = 0.95227, 0.04741, 0.00032.
    p = solve("softmax", ["z=4,1,-4"])
    ref = softmax_ref([4, 1, -4])
    close(ref, [0.95227, 0.04741, 0.00032], 5e-6)
    close(p.answer, ref, 1e-12)
    assert p.answer_text == "[0.9523, 0.0474, 0.0003]"
    assert grade(p, "0.9523, 0.0474, 0.0003").correct
    # the notes' misprint is a rounding slip in the 4th decimal: within tolerance; two
    # decimals are not enough (0.95 is 0.0023 off)
    assert grade(p, "0.9525, 0.0471, 0.0004").correct
    assert not grade(p, "0.95, 0.05, 0").correct
    # z/Σz: 4/1, 1/1, −4/1 — "forgot to exponentiate"
    assert grade(p, "4, 1, -4").misconception == "no_exponential"
    assert grade(p, f"{math.exp(4)}, {math.e}, {math.exp(-4)}").misconception == "no_normalisation"
    assert grade(p, f"1, {math.exp(-3)}, {math.exp(-8)}").misconception == "shifted_not_normalised"
    sig = [1 / (1 + math.exp(-x)) for x in (4, 1, -4)]
    assert grade(p, ", ".join(map(str, sig))).misconception == "independent_sigmoids"


def test_softmax_temperature():
    # Engine docs: softmax([1, 2], T=2) = (0.3775, 0.6225) = (1/(1+e^0.5), 1/(1+e^-0.5)).
    p = solve("softmax", ["z=1,2", "t=2"])
    ref = [1 / (1 + math.exp(0.5)), 1 / (1 + math.exp(-0.5))]
    close(ref, [0.3775, 0.6225], 5e-5)
    close(p.answer, ref, 1e-12)
    # multiplying by T instead: softmax(2, 4) = (1/(1+e^2), …) = (0.1192, 0.8808)
    wrong = [1 / (1 + math.exp(2)), 1 / (1 + math.exp(-2))]
    assert grade(p, "%.4f, %.4f" % tuple(wrong)).misconception == "temperature_multiplied"
    # ignoring T: softmax(1, 2) = (0.2689, 0.7311)
    assert grade(p, "0.2689, 0.7311").misconception == "ignored_temperature"
    # a high temperature flattens the distribution
    flat = solve("softmax", ["z=1,2", "T=10"]).answer
    assert abs(flat[0] - flat[1]) < abs(ref[0] - ref[1])


def test_softmax_stable_form_and_errors():
    # large logits: the stable form still gives softmax(1000, 999) = (1/(1+e^-1), …)
    p = solve("softmax", ["z=1000,999"])
    close(p.answer, [1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))], 1e-12)
    assert any("max" in s.en for s in p.steps)
    for bad in (["z=1"], ["z=1,2", "t=0"], ["z=1,2", "t=-1"]):
        with pytest.raises(ParamError):
            solve("softmax", bad)


def test_softmax_cli():
    out = cli_json("softmax", "z=4,1,-4")
    close(out["answer"], softmax_ref([4, 1, -4]), 1e-9)
