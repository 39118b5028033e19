"""Value families (softmax, cross_entropy, softmax_ce_grad, activation, conv2d_values,
batchnorm, layernorm, attention_values): hand-computed cases from the course notes and the
standard references, each recomputed here with plain `math` (never the family's own code),
misconceptions named, and the CLI path once per family."""
import json
import math

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import ParamError, solve
from quizcli.grading import grade_numeric

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
    assert grade(p, f"{wrong[0]:.4f}, {wrong[1]:.4f}").misconception == "temperature_multiplied"
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


# ----------------------------------------------------------------------------- cross_entropy


def test_cross_entropy_notes_example():
    # Course notes: ŷ = (0.34, 0.46, 0.20), true class 1 → CE = −ln 0.34 = 1.0788.
    p = solve("cross_entropy", ["y_hat=0.34,0.46,0.20", "target=1"])
    close(p.answer, -math.log(0.34), 1e-12)
    close(p.answer, 1.0788, 5e-5)
    assert grade(p, "1.0788").correct
    assert grade(p, str(-math.log10(0.34))).misconception == "log10"          # 0.4685
    assert grade(p, "-1.0788").misconception == "forgot_minus"
    assert grade(p, str(-math.log(0.46))).misconception == "counted_from_zero"  # entry 2
    # BCE summed over the classes: −ln 0.34 − ln 0.54 − ln 0.80
    bce = -math.log(0.34) - math.log(1 - 0.46) - math.log(1 - 0.20)
    assert grade(p, str(bce)).misconception == "bce_per_class"


def test_cross_entropy_from_logits():
    # logits (4, 1, −4), class 1: −ln softmax = −4 + ln(e^4 + e + e^-4) = 0.04891
    p = solve("cross_entropy", ["z=4,1,-4", "target=1"])
    ref = -4 + math.log(math.exp(4) + math.exp(1) + math.exp(-4))
    close(ref, -math.log(0.952269826), 1e-8)
    close(p.answer, ref, 1e-12)
    # −z_t: the logit taken for a log-probability
    assert grade(p, "-4").misconception == "forgot_logsumexp"
    # class 3 (the least likely): −(−4) + ln(…) = 8.0489
    p3 = solve("cross_entropy", ["logits=4,1,-4", "class=3"])
    close(p3.answer, 4 + math.log(math.exp(4) + math.exp(1) + math.exp(-4)), 1e-12)
    assert grade(p3, str(-math.log(0.952269826))).misconception == "predicted_class"


def test_binary_cross_entropy():
    # p = 0.8: label 1 → −ln 0.8 = 0.2231; label 0 → −ln 0.2 = 1.6094
    p1 = solve("cross_entropy", ["p=0.8", "label=1"])
    close(p1.answer, 0.22314355, 1e-8)
    assert grade(p1, "0.2231").correct
    assert grade(p1, "1.6094").misconception == "wrong_term"       # −ln(1 − p) for label 1
    assert grade(p1, "0.0969").misconception == "log10"            # −log10 0.8
    p0 = solve("cross_entropy", ["p=0.8", "label=0"])
    close(p0.answer, -math.log(0.2), 1e-12)
    # a batch is averaged: (−ln 0.9 − ln 0.8)/2 = 0.16425; the sum 0.3285 is a named mistake
    pb = solve("cross_entropy", ["p=0.9,0.2", "label=1,0"])
    close(pb.answer, (-math.log(0.9) - math.log(0.8)) / 2, 1e-12)
    assert grade(pb, "0.3285").misconception == "summed_not_mean"


@pytest.mark.parametrize("args", [
    ["y_hat=0.34,0.46,0.20"],                       # no target
    ["y_hat=0.34,0.46,0.20", "target=4"],           # class out of range (counted from 1)
    ["y_hat=0.3,0.3,0.3", "target=1"],              # does not sum to 1
    ["z=1,2", "y_hat=0.5,0.5", "target=1"],         # both
    ["p=0.8"],                                      # no label
    ["p=0.8", "label=2"],
    ["p=1", "label=1"],
    ["p=0.8", "label=1", "target=1"],
])
def test_cross_entropy_bad_params(args):
    with pytest.raises(ParamError):
        solve("cross_entropy", args)


def test_cross_entropy_cli():
    out = cli_json("cross_entropy", "y_hat=0.34,0.46,0.20", "target=1")
    close(out["answer"], -math.log(0.34), 1e-9)


# ----------------------------------------------------------------------------- softmax_ce_grad


def test_softmax_ce_grad_notes_example():
    # Course notes: ŷ = (0.34, 0.46, 0.20), true class 1 → ŷ − y = (−0.66, 0.46, 0.20).
    p = solve("softmax_ce_grad", ["y_hat=0.34,0.46,0.20", "target=1"])
    close(p.answer, [0.34 - 1, 0.46, 0.20], 1e-12)
    assert grade(p, "-0.66, 0.46, 0.20").correct
    assert grade(p, "0.66, -0.46, -0.20").misconception == "sign_flipped"
    assert grade(p, "0.34, 0.46, 0.20").misconception == "forgot_minus_one"
    assert grade(p, "-0.66, 0, 0").misconception == "only_target_entry"
    assert grade(p, f"{-1 / 0.34}, 0, 0").misconception == "grad_wrt_probabilities"   # −y/ŷ = −2.9412
    assert grade(p, "0.34, -0.54, 0.20").misconception == "counted_from_zero"


def ce_of_logits(z, t):
    return -z[t] + math.log(sum(math.exp(x) for x in z))


def test_softmax_ce_grad_from_logits_matches_finite_differences():
    # z = (1, 2, 3), class 3: softmax = (0.0900, 0.2447, 0.6652) → (0.0900, 0.2447, −0.3348).
    z, t = [1.0, 2.0, 3.0], 2
    p = solve("softmax_ce_grad", ["z=1,2,3", "target=3"])
    h = 1e-6
    fd = [(ce_of_logits([x + h * (i == j) for j, x in enumerate(z)], t)
           - ce_of_logits([x - h * (i == j) for j, x in enumerate(z)], t)) / (2 * h) for i in range(3)]
    close(p.answer, fd, 1e-8)
    close(p.answer, [0.0900, 0.2447, -0.3348], 1e-4)
    assert grade(p, "1, 2, 2").misconception == "no_softmax"                        # z − y = (1, 2, 3 − 1)


def test_softmax_ce_grad_binary():
    # sigmoid + BCE: ∂L/∂z = p − y; p = 0.8, y = 1 → −0.2 (∂L/∂p = −1/0.8 = −1.25 is the named slip)
    p = solve("softmax_ce_grad", ["p=0.8", "label=1"])
    close(p.answer, -0.2, 1e-12)
    assert grade(p, "0.2").misconception == "sign_flipped"
    assert grade(p, "-1.25").misconception == "grad_wrt_probability"
    with pytest.raises(ParamError):
        solve("softmax_ce_grad", ["p=0.8"])
    with pytest.raises(ParamError):
        solve("softmax_ce_grad", ["y_hat=0.5,0.4", "target=1"])


def test_softmax_ce_grad_cli():
    out = cli_json("softmax_ce_grad", "y_hat=0.34,0.46,0.20", "target=1")
    close(out["answer"], [-0.66, 0.46, 0.20], 1e-9)


# ----------------------------------------------------------------------------- activation


def sig(x):
    return 1 / (1 + math.exp(-x))


def test_activation_functions_are_the_engines():
    from quizcli.engine import ACTIVATION_SPECS
    from quizcli.generators.activation import FUNCTIONS

    assert set(FUNCTIONS) == set(ACTIVATION_SPECS)


@pytest.mark.parametrize("args, expected", [
    # syllabus: σ(0) = 1/2 and the sigmoid's maximum slope 1/4 at 0
    (["f=sigmoid", "x=0"], (0.5, 0.25)),
    (["f=sigmoid", "x=2"], (sig(2), sig(2) * (1 - sig(2)))),                 # 0.8808, 0.1050
    # tanh' = 1 − tanh²: tanh 1 = 0.7616, 1 − 0.5800 = 0.4200
    (["f=tanh", "x=1"], (math.tanh(1), 1 - math.tanh(1) ** 2)),
    (["f=relu", "x=-1"], (0.0, 0.0)),
    (["f=relu", "x=2.5"], (2.5, 1.0)),
    (["f=relu", "x=0"], (0.0, 0.0)),                                          # kink: PyTorch's ReLU'(0) = 0
    (["f=leaky_relu", "x=-2", "a=0.1"], (-0.2, 0.1)),
    (["f=leaky_relu", "x=-2"], (-0.02, 0.01)),                                # default slope 0.01
    (["f=elu", "x=-1"], (math.exp(-1) - 1, math.exp(-1))),                   # −0.6321, 0.3679
    (["f=elu", "x=-1", "alpha=2"], (2 * (math.exp(-1) - 1), 2 * math.exp(-1))),
    (["f=softplus", "x=0"], (math.log(2), 0.5)),                              # softplus' = σ
    # GELU(1) = 1·Φ(1) = 0.8413; GELU'(1) = Φ(1) + φ(1) = 0.8413 + 0.2420
    (["f=gelu", "x=1"], (0.5 * (1 + math.erf(1 / math.sqrt(2))),
                         0.5 * (1 + math.erf(1 / math.sqrt(2))) + math.exp(-0.5) / math.sqrt(2 * math.pi))),
    (["f=hard_sigmoid", "x=1"], (0.75, 0.25)),                                # nndl hard-logistic 0.25x + 0.5
    (["f=hard_sigmoid", "x=2.5"], (1.0, 0.0)),
    (["f=hard_tanh", "x=-0.4"], (-0.4, 1.0)),
    (["f=prelu", "x=-2"], (-0.5, 0.25)),
])
def test_activation_values(args, expected):
    p = solve("activation", args)
    close(p.answer, expected, 1e-9)


def test_activation_misconceptions():
    p = solve("activation", ["f=sigmoid", "x=0"])
    assert grade(p, "0.5, 0.5").misconception == "derivative_is_sigma"
    p = solve("activation", ["f=sigmoid", "x=2"])
    assert grade(p, f"{sig(2)}, -2").misconception == "used_x_in_derivative"         # 2·(1 − 2)
    p = solve("activation", ["f=tanh", "x=1"])
    assert grade(p, "0.7616, 0.2384").misconception == "forgot_square"               # 1 − tanh 1
    p = solve("activation", ["f=relu", "x=-1"])
    assert grade(p, "0, 1").misconception == "negative_slope_one"
    p = solve("activation", ["f=leaky_relu", "x=-2", "a=0.2"])
    assert grade(p, "-0.02, 0.01").misconception == "wrong_slope"
    p = solve("activation", ["f=hard_sigmoid", "x=1"])
    assert grade(p, f"{1 / 6 + 0.5}, {1 / 6}").misconception == "pytorch_hardsigmoid"
    p = solve("activation", ["f=gelu", "x=1"])
    assert grade(p, "0.8413, 0.8413").misconception == "forgot_x_phi"


def test_activation_kink_convention_and_errors():
    p = solve("activation", ["f=relu", "x=0"])
    assert any("left-hand" in c.en for c in p.conventions)
    with pytest.raises(ParamError):
        solve("activation", ["f=sigmoid", "x=1", "a=0.1"])     # sigmoid has no parameter
    with pytest.raises(ParamError):
        solve("activation", ["f=swish", "x=1"])


def test_activation_cli():
    out = cli_json("activation", "f=sigmoid", "x=2")
    close(out["answer"], [sig(2), sig(2) * (1 - sig(2))], 1e-9)


# ----------------------------------------------------------------------------- conv2d_values


def xcorr_ref(X, K, s=(1, 1), p=(0, 0)):
    """Independent reference: explicit loops over a zero-padded copy."""
    H, W = len(X) + 2 * p[0], len(X[0]) + 2 * p[1]
    P = [[0] * W for _ in range(H)]
    for i, row in enumerate(X):
        for j, v in enumerate(row):
            P[i + p[0]][j + p[1]] = v
    kh, kw = len(K), len(K[0])
    return [[sum(P[i + a][j + b] * K[a][b] for a in range(kh) for b in range(kw))
             for j in range(0, W - kw + 1, s[1])] for i in range(0, H - kh + 1, s[0])]


def test_conv2d_values_d2l_cross_correlation():
    # d2l §6.2: X = 0..8 (3×3), K = [[0, 1], [2, 3]] → [[19, 25], [37, 43]]
    X, K = [[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]
    assert xcorr_ref(X, K) == [[19, 25], [37, 43]]
    p = solve("conv2d_values", ["x=0 1 2; 3 4 5; 6 7 8", "w=0 1; 2 3"])
    close(p.answer, [[19, 25], [37, 43]], 0)
    assert p.answer_text == "[19 25; 37 43]"
    assert grade(p, "19 25; 37 43").correct
    # true convolution flips K to [[3, 2], [1, 0]]: Y11 = 0·3 + 1·2 + 3·1 + 4·0 = 5
    flipped = xcorr_ref(X, [[3, 2], [1, 0]])
    assert flipped == [[5, 11], [23, 29]]
    assert grade(p, "5 11; 23 29").misconception == "flipped_kernel"
    assert grade(p, "19 37; 25 43").misconception == "transposed"


def test_conv2d_values_d2l_padding_and_stride():
    # d2l §6.3, Fig. 6.3.3: same X and K, padding 1, stride 3 (rows) × 2 (columns) → [[0, 8], [6, 8]]
    X, K = [[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]
    assert xcorr_ref(X, K, (3, 2), (1, 1)) == [[0, 8], [6, 8]]
    p = solve("conv2d_values", ["x=0 1 2; 3 4 5; 6 7 8", "w=0 1; 2 3", "s=3,2", "p=1"])
    close(p.answer, [[0, 8], [6, 8]], 0)
    stride1 = xcorr_ref(X, K, (1, 1), (1, 1))                 # 4×4: the stride was ignored
    assert grade(p, "; ".join(" ".join(map(str, r)) for r in stride1)).misconception == "ignored_stride"


def test_conv2d_values_edge_detector():
    # d2l's edge detector K = [1, −1] marks the 1→0 edge: [[1 1 0 0]; [1 1 0 0]] → [[0 1 0]; [0 1 0]]
    p = solve("conv2d_values", ["x=1 1 0 0; 1 1 0 0", "w=1 -1"])
    close(p.answer, xcorr_ref([[1, 1, 0, 0], [1, 1, 0, 0]], [[1, -1]]), 0)
    close(p.answer, [[0, 1, 0], [0, 1, 0]], 0)
    with pytest.raises(ParamError):
        solve("conv2d_values", ["x=1 2; 3 4", "w=1 2 3; 4 5 6; 7 8 9"])      # kernel larger than input
    with pytest.raises(ParamError):
        solve("conv2d_values", ["x=1 2 3; 4 5 6; 7 8 9", "w=1 0; 0 1", "s=0"])


def test_conv2d_values_padding_misconception():
    # 3×3 input, 2×2 kernel, padding 1, stride 1: 4×4 output; without padding 2×2
    X, K = [[1, 2, 0], [0, 1, 3], [2, 0, 1]], [[1, 0], [2, -1]]
    p = solve("conv2d_values", ["x=1 2 0; 0 1 3; 2 0 1", "w=1 0; 2 -1", "p=1"])
    close(p.answer, xcorr_ref(X, K, (1, 1), (1, 1)), 0)
    nopad = xcorr_ref(X, K)
    assert grade(p, "; ".join(" ".join(map(str, r)) for r in nopad)).misconception == "no_padding"


def test_conv2d_values_cli():
    out = cli_json("conv2d_values", "x=0 1 2; 3 4 5; 6 7 8", "w=0 1; 2 3")
    assert out["answer"] == [[19, 25], [37, 43]]


# ----------------------------------------------------------------------------- batchnorm


def bn_ref(x, g=1.0, b=0.0, eps=0.0, ddof=0):
    n = len(x)
    mu = math.fsum(x) / n
    var = math.fsum((v - mu) ** 2 for v in x) / (n - ddof)
    return [mu, var] + [g * (v - mu) / math.sqrt(var + eps) + b for v in x]


def test_batchnorm_two_values():
    # engine docs: x = (1, 3) → mean 2, biased variance 1, outputs (−1, 1)
    p = solve("batchnorm", ["x=1,3"])
    close(p.answer, [2, 1, -1, 1], 1e-12)
    # with ε = 1e-5 (PyTorch's default) the outputs shrink to ∓1/√(1 + 1e-5) = ∓0.999995
    p = solve("batchnorm", ["x=1,3", "eps=1e-5"])
    close(p.answer, [2, 1, -1 / math.sqrt(1.00001), 1 / math.sqrt(1.00001)], 1e-12)


def test_batchnorm_four_values_with_gamma_beta():
    # x = (1, 2, 3, 4): μ = 2.5, σ² = 1.25, x̂ = (∓1.3416, ∓0.4472); γ = 2, β = 1 → y = (−1.6833, 0.1056, 1.8944, 3.6833)
    ref = bn_ref([1, 2, 3, 4], 2, 1)
    close(ref, [2.5, 1.25, -1.6833, 0.1056, 1.8944, 3.6833], 5e-5)
    p = solve("batchnorm", ["x=1,2,3,4", "gamma=2", "beta=1"])
    close(p.answer, ref, 1e-12)
    assert grade(p, "2.5, 1.25, -1.6833, 0.1056, 1.8944, 3.6833").correct
    # ÷(N − 1): σ² = 5/3 and the outputs computed with it
    assert grade(p, ", ".join(map(str, bn_ref([1, 2, 3, 4], 2, 1, ddof=1)))).misconception == "unbiased_variance"
    xhat = bn_ref([1, 2, 3, 4])[2:]
    assert grade(p, ", ".join(map(str, [2.5, 1.25] + xhat))).misconception == "forgot_scale_shift"
    div_var = [2 * (v - 2.5) / 1.25 + 1 for v in (1, 2, 3, 4)]
    assert grade(p, ", ".join(map(str, [2.5, 1.25] + div_var))).misconception == "divided_by_variance"
    assert grade(p, ", ".join(map(str, [2.5, math.sqrt(1.25)] + ref[2:]))).misconception == "std_as_variance"


def test_batchnorm_errors_and_cli():
    with pytest.raises(ParamError):
        solve("batchnorm", ["x=2,2,2"])          # zero variance with ε = 0
    with pytest.raises(ParamError):
        solve("batchnorm", ["x=2"])
    out = cli_json("batchnorm", "x=1,2,3,4", "gamma=2", "beta=1")
    close(out["answer"], bn_ref([1, 2, 3, 4], 2, 1), 1e-9)


# ----------------------------------------------------------------------------- layernorm


def ln_ref(row, g=1.0, b=0.0, ddof=0):
    d = len(row)
    mu = math.fsum(row) / d
    sd = math.sqrt(math.fsum((v - mu) ** 2 for v in row) / (d - ddof))
    return [g * (v - mu) / sd + b for v in row]


def test_layernorm_one_sample():
    # x = (1, 2, 3, 4): μ = 2.5, σ² = 1.25 → (∓1.3416, ∓0.4472)
    p = solve("layernorm", ["x=1,2,3,4"])
    close(p.answer, ln_ref([1, 2, 3, 4]), 1e-12)
    close(p.answer, [-1.3416, -0.4472, 0.4472, 1.3416], 5e-5)
    # x = (2, 4, 6), γ = 2, β = 1: σ² = 8/3, x̂ = (−1.2247, 0, 1.2247) → y = (−1.4495, 1, 3.4495)
    p = solve("layernorm", ["x=2,4,6", "gamma=2", "beta=1"])
    close(p.answer, [1 - 2 * math.sqrt(1.5), 1, 1 + 2 * math.sqrt(1.5)], 1e-12)
    assert grade(p, "-1.4495, 1, 3.4495").correct
    assert grade(p, "-1, 1, 3").misconception == "unbiased_variance"        # ÷(D − 1): σ² = 4, x̂ = (−1, 0, 1)
    assert grade(p, "-1.2247, 0, 1.2247").misconception == "forgot_scale_shift"
    # per-feature γ, β
    p = solve("layernorm", ["x=2,4,6", "gamma=1,2,3", "beta=0,0,1"])
    close(p.answer, [-math.sqrt(1.5), 0, 3 * math.sqrt(1.5) + 1], 1e-12)


def test_layernorm_batch_is_not_batchnorm():
    # two samples (1, 2, 3) and (3, 6, 9): each normalises to (−1.2247, 0, 1.2247); batch statistics
    # (per feature over the 2 samples) would give ∓1 in every column
    p = solve("layernorm", ["x=1 2 3; 3 6 9"])
    close(p.answer, [ln_ref([1, 2, 3]), ln_ref([3, 6, 9])], 1e-12)
    assert grade(p, "-1 -1 -1; 1 1 1").misconception == "normalised_over_batch"


def test_layernorm_errors_and_cli():
    with pytest.raises(ParamError):
        solve("layernorm", ["x=1,2,3", "gamma=1,2"])
    with pytest.raises(ParamError):
        solve("layernorm", ["x=5,5,5"])
    out = cli_json("layernorm", "x=1,2,3,4")
    close(out["answer"], ln_ref([1, 2, 3, 4]), 1e-9)


# ----------------------------------------------------------------------------- attention_values


def test_attention_values_identity_example():
    # engine docs: Q = K = V = I₂; query 2 scores (0, 1/√2) → α = (0.3302, 0.6698) = (1 − σ(1/√2), σ(1/√2));
    # with V = I the output row equals the weights
    a = 1 / (1 + math.exp(-1 / math.sqrt(2)))
    close([1 - a, a], [0.3302, 0.6698], 5e-5)
    p = solve("attention_values", ["q=1 0; 0 1", "k=1 0; 0 1", "v=1 0; 0 1", "i=2"])
    close(p.answer, [1 - a, a, 1 - a, a], 1e-12)
    assert grade(p, "0.3302, 0.6698, 0.3302, 0.6698").correct
    # without √d_k: softmax(0, 1) = (0.2689, 0.7311)
    b = 1 / (1 + math.exp(-1))
    assert grade(p, f"{1 - b}, {b}, {1 - b}, {b}").misconception == "no_scaling"


def test_attention_values_three_keys():
    # q = (1, 2) against keys (1, 0), (0, 1), (1, 1): q·k = (1, 2, 3), /√2, softmax; V = (10, 0), (0, 10), (5, 5)
    s = [x / math.sqrt(2) for x in (1, 2, 3)]
    w = softmax_ref(s)
    V = [(10, 0), (0, 10), (5, 5)]
    o = [sum(w[j] * V[j][c] for j in range(3)) for c in range(2)]
    p = solve("attention_values", ["q=1 2", "k=1 0; 0 1; 1 1", "v=10 0; 0 10; 5 5"])
    close(p.answer, w + o, 1e-12)
    wn = softmax_ref([1, 2, 3])                                  # (0.0900, 0.2447, 0.6652): √d_k forgotten
    on = [sum(wn[j] * V[j][c] for j in range(3)) for c in range(2)]
    assert grade(p, ", ".join(map(str, wn + on))).misconception == "no_scaling"
    K = [(1, 0), (0, 1), (1, 1)]
    ok = [sum(w[j] * K[j][c] for j in range(3)) for c in range(2)]
    assert grade(p, ", ".join(map(str, w + ok))).misconception == "used_keys_as_values"
    wd = softmax_ref([1 / 2, 2 / 2, 3 / 2])                      # divided by d_k = 2
    od = [sum(wd[j] * V[j][c] for j in range(3)) for c in range(2)]
    assert grade(p, ", ".join(map(str, wd + od))).misconception == "divided_by_dk"
    po = solve("attention_values", ["q=1 2", "k=1 0; 0 1; 1 1", "v=10 0; 0 10; 5 5", "ask=output"])
    close(po.answer, o, 1e-12)


def test_attention_values_softmax_axis():
    # Q = [1 0; 1 1], K = I: QKᵀ/√2 = [0.7071 0; 0.7071 0.7071]. Query 1 over the keys: (0.6698, 0.3302);
    # normalising down the columns instead gives (0.5, 0.3302)
    p = solve("attention_values", ["q=1 0; 1 1", "k=1 0; 0 1", "v=1 2; 3 4", "ask=weights"])
    a = 1 / (1 + math.exp(-1 / math.sqrt(2)))
    close(p.answer, [a, 1 - a], 1e-12)
    assert grade(p, f"0.5, {1 - a}").misconception == "softmax_wrong_axis"


def test_attention_values_errors_and_cli():
    with pytest.raises(ParamError):
        solve("attention_values", ["q=1 0 1", "k=1 0; 0 1", "v=1; 2"])       # d_k differs
    with pytest.raises(ParamError):
        solve("attention_values", ["q=1 0", "k=1 0; 0 1", "v=1 2"])          # one value per key
    with pytest.raises(ParamError):
        solve("attention_values", ["q=1 0", "k=1 0; 0 1", "v=1 2; 3 4", "i=2"])
    out = cli_json("attention_values", "q=1 0; 0 1", "k=1 0; 0 1", "v=1 0; 0 1", "i=2")
    a = 1 / (1 + math.exp(-1 / math.sqrt(2)))
    close(out["answer"], [1 - a, a, 1 - a, a], 1e-9)
