"""Step families (backprop_step, perceptron_step, gd_step, rnn_step, lstm_step, gru_step):
hand-computed cases from well-known worked examples, each recomputed here with plain `math`
(never the family's own code), the misconceptions named, and the CLI path once per family."""
import json
import math

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import ParamError, solve
from quizcli.grading import grade_numeric

STEP_FAMILIES = ("backprop_step", "perceptron_step", "gd_step", "rnn_step", "lstm_step", "gru_step")


def close(a, b, tol=1e-4):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            close(x, y, tol)
        return
    assert abs(float(a) - float(b)) <= tol, (a, b)


def sig(v):
    return 1 / (1 + math.exp(-v))


def grade(p, text):
    return grade_numeric(text, p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)


def miscon(p, mid):
    for m in p.misconceptions:
        if m.id == mid:
            return m.value
    raise AssertionError(f"{p.family}: no misconception {mid} in {[m.id for m in p.misconceptions]}")


def typed(v):
    if isinstance(v, (list, tuple)):
        return ", ".join(repr(float(x)) for x in v)
    return repr(float(v))


def cli_json(family, *args):
    r = CliRunner().invoke(app, ["solve", family, *args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


# ----------------------------------------------------------------------------- backprop_step

MAZUR = ["x=0.05,0.10", "w1=0.15,0.20;0.25,0.30", "b1=0.35", "w2=0.40,0.45;0.50,0.55", "b2=0.60",
         "t=0.01,0.99", "lr=0.5"]


def mazur_reference():
    """Matt Mazur, "A Step by Step Backpropagation Example" (2015), recomputed by hand here."""
    i1, i2 = 0.05, 0.10
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, t1, t2, eta = 0.35, 0.60, 0.01, 0.99, 0.5
    h1, h2 = sig(w1 * i1 + w2 * i2 + b1), sig(w3 * i1 + w4 * i2 + b1)
    o1, o2 = sig(w5 * h1 + w6 * h2 + b2), sig(w7 * h1 + w8 * h2 + b2)
    E = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    dh1 = h1 * (1 - h1) * (d1 * w5 + d2 * w7)
    dh2 = h2 * (1 - h2) * (d1 * w6 + d2 * w8)
    return {"E": E, "d": (d1, d2), "dh": (dh1, dh2), "w5": w5 - eta * d1 * h1, "w6": w6 - eta * d1 * h2,
                "w8": w8 - eta * d2 * h2, "w1": w1 - eta * dh1 * i1, "w4": w4 - eta * dh2 * i2}


def test_backprop_mazur_example():
    ref = mazur_reference()
    # the numbers printed in Mazur's post
    close(ref["E"], 0.298371109, 1e-9)
    close(ref["w5"], 0.35891648, 1e-8)
    close(ref["w6"], 0.408666186, 1e-9)
    close(ref["w8"], 0.561370121, 1e-9)
    close(ref["w1"], 0.149780716, 1e-9)
    close(ref["w4"], 0.29950229, 1e-8)
    close(ref["d"][0], 0.138498562, 1e-9)
    p = solve("backprop_step", MAZUR + ["ask=loss"])
    close(p.answer, ref["E"], 1e-12)
    assert grade(p, "0.2984").correct
    assert miscon(p, "no_half") == pytest.approx(2 * ref["E"])
    p = solve("backprop_step", MAZUR + ["ask=w2"])  # w5 = W2[1,1]
    close(p.answer, ref["w5"], 1e-12)
    assert p.answer_text == "0.358916"
    assert grade(p, "0.358916").correct
    # the wrong sign: 0.40 + 0.5·0.0822 = 0.441083
    assert grade(p, typed(0.8 - ref["w5"])).misconception == "sign_flipped"
    # forgot o(1 − o): 0.40 − 0.5·(0.751365 − 0.01)·h1
    p = solve("backprop_step", MAZUR + ["ask=w2", "entry=1,2"])  # w6
    close(p.answer, ref["w6"], 1e-12)
    p = solve("backprop_step", MAZUR + ["ask=w2", "entry=2,2"])  # w8
    close(p.answer, ref["w8"], 1e-12)
    p = solve("backprop_step", MAZUR + ["ask=w1"])  # w1 = W1[1,1]
    close(p.answer, ref["w1"], 1e-12)
    assert grade(p, "0.149781").correct
    assert not grade(p, "0.15").correct  # the change (−0.00022) must be there
    assert grade(p, typed(0.30 - ref["w1"])).misconception == "sign_flipped"
    p = solve("backprop_step", MAZUR + ["ask=w1", "entry=2,2"])  # w4
    close(p.answer, ref["w4"], 1e-12)
    p = solve("backprop_step", MAZUR + ["ask=delta_out"])
    close(p.answer, ref["d"], 1e-12)
    assert grade(p, "0.1385, -0.03810").correct
    i1, i2 = 0.05, 0.10
    h1 = sig(0.15 * i1 + 0.20 * i2 + 0.35)
    o1 = sig(0.40 * h1 + 0.45 * sig(0.25 * i1 + 0.30 * i2 + 0.35) + 0.60)
    assert miscon(p, "no_output_derivative")[0] == pytest.approx(o1 - 0.01)
    p = solve("backprop_step", MAZUR + ["ask=delta_hidden"])
    close(p.answer, ref["dh"], 1e-12)
    # using the updated w5, w7 for the hidden δ is a named mistake
    assert "used_updated_weights" in [m.id for m in p.misconceptions]


def test_backprop_han_kamber_example():
    # Han, Kamber & Pei, Data Mining (3rd ed.), Example 9.1 / Fig. 9.5: a 3-2-1 sigmoid network,
    # x = (1, 0, 1), target 1, l = 0.9; the book's Err_j = −δ_j (it uses T − O and adds):
    # O4 = 0.332, O5 = 0.525, O6 = 0.474, Err6 = 0.1311, Err5 = −0.0065, Err4 = −0.0087,
    # new w46 = −0.261, w56 = −0.138, w14 = 0.192, w35 = 0.194.
    args = ["x=1,0,1", "w1=0.2,0.4,-0.5;-0.3,0.1,0.2", "b1=-0.4,0.2", "w2=-0.3,-0.2", "b2=0.1", "t=1", "lr=0.9"]
    O4 = sig(0.2 * 1 + 0.4 * 0 - 0.5 * 1 - 0.4)
    O5 = sig(-0.3 * 1 + 0.1 * 0 + 0.2 * 1 + 0.2)
    O6 = sig(-0.3 * O4 - 0.2 * O5 + 0.1)
    close((O4, O5, O6), (0.332, 0.525, 0.474), 5e-4)
    err6 = O6 * (1 - O6) * (1 - O6)
    err4, err5 = O4 * (1 - O4) * err6 * -0.3, O5 * (1 - O5) * err6 * -0.2
    close((err6, err5, err4), (0.1311, -0.0065, -0.0087), 1e-4)  # the book rounds O_j to 3 decimals first
    p = solve("backprop_step", args + ["ask=delta_out"])
    close(p.answer, -err6, 1e-12)
    p = solve("backprop_step", args + ["ask=delta_hidden"])
    close(p.answer, (-err4, -err5), 1e-12)
    p = solve("backprop_step", args + ["ask=w2"])
    close(p.answer, -0.3 + 0.9 * err6 * O4, 1e-12)
    close(p.answer, -0.261, 5e-4)
    p = solve("backprop_step", args + ["ask=w2", "entry=1,2"])
    close(p.answer, -0.138, 5e-4)
    p = solve("backprop_step", args + ["ask=w1"])
    close(p.answer, 0.2 + 0.9 * err4 * 1, 1e-12)
    close(p.answer, 0.192, 5e-4)
    p = solve("backprop_step", args + ["ask=w1", "entry=2,3"])
    close(p.answer, 0.194, 5e-4)


def test_backprop_rejects_bad_shapes_and_cli():
    with pytest.raises(ParamError):
        solve("backprop_step", ["x=1,2", "w1=0.1,0.2,0.3", "w2=0.1", "t=1"])
    with pytest.raises(ParamError):
        solve("backprop_step", MAZUR + ["ask=w1", "entry=3,1"])
    d = cli_json("backprop_step", *MAZUR, "ask=w2")
    close(d["answer"], mazur_reference()["w5"], 1e-12)


# ----------------------------------------------------------------------------- perceptron_step


def pla_reference(w, b, x, y, eta=1):
    s = sum(a * c for a, c in zip(w, x)) + b
    if y * s <= 0:
        return [a + eta * y * c for a, c in zip(w, x)], b + eta * y
    return list(w), b


def test_perceptron_li_hang_example_2_1():
    # Li Hang, Statistical Learning Methods, Example 2.1 (Table 2.1): x1 = (3,3) +1, x2 = (4,3) +1,
    # x3 = (1,1) −1, η = 1, w0 = 0, b0 = 0. Misclassified points in order x1, x3, x3, x3, x1, x3, x3
    # give (w, b) = ((3,3),1), ((2,2),0), ((1,1),−1), ((0,0),−2), ((3,3),−1), ((2,2),−2), ((1,1),−3).
    pts = {1: ((3, 3), 1), 3: ((1, 1), -1)}
    book = [((3, 3), 1), ((2, 2), 0), ((1, 1), -1), ((0, 0), -2), ((3, 3), -1), ((2, 2), -2), ((1, 1), -3)]
    w, b = [0, 0], 0
    for k, (bw, bb) in zip((1, 3, 3, 3, 1, 3, 3), book):
        x, y = pts[k]
        p = solve("perceptron_step", [f"w={w[0]},{w[1]}", f"b={b}", f"x={x[0]},{x[1]}", f"y={y}"])
        w, b = pla_reference(w, b, x, y)
        assert (w, b) == (list(bw), bb)
        close(p.answer, (*w, b), 1e-12)
    # the first step has score exactly 0: a mistake by the convention y(w·x + b) ≤ 0
    p = solve("perceptron_step", ["w=0,0", "b=0", "x=3,3", "y=1"])
    close(p.answer, (3, 3, 1), 1e-12)
    assert grade(p, "3, 3, 1").correct
    assert grade(p, "3, 3, 0").misconception == "forgot_bias"
    assert grade(p, "-3, -3, -1").misconception == "subtracted"
    assert grade(p, "6, 6, 2").misconception == "doubled_update"
    assert grade(p, "0, 0, 0").misconception == "no_update"


def test_perceptron_learning_rate_and_correct_point():
    # w = (0.5, −0.2), b = 0.1, x = (1, 2), y = −1: score 0.5 − 0.4 + 0.1 = 0.2 > 0, y·s < 0 → update
    # with η = 0.5: w = (0.5 − 0.5, −0.2 − 1.0) = (0, −1.2), b = 0.1 − 0.5 = −0.4.
    p = solve("perceptron_step", ["w=0.5,-0.2", "b=0.1", "x=1,2", "y=-1", "lr=0.5"])
    ref_w, ref_b = pla_reference([0.5, -0.2], 0.1, [1, 2], -1, 0.5)
    close(p.answer, (*ref_w, ref_b), 1e-12)
    close(p.answer, (0.0, -1.2, -0.4), 1e-12)
    # with η = 0.5, forgetting η doubles the step: the doubled-update feedback names both
    r = grade(p, typed((0.5 - 1, -0.2 - 2, 0.1 - 1)))
    assert r.misconception == "doubled_update" and "η = 0.5" in r.message_en
    p = solve("perceptron_step", ["w=0.5,-0.2", "b=0.1", "x=1,2", "y=-1", "lr=0.1"])
    close(p.answer, (0.4, -0.4, 0.0), 1e-12)
    assert grade(p, typed((0.5 - 1, -0.2 - 2, 0.1 - 1))).misconception == "forgot_learning_rate"
    # a correctly classified point: no update
    p = solve("perceptron_step", ["w=1,1", "b=0", "x=1,2", "y=1"])
    close(p.answer, (1, 1, 0), 1e-12)
    assert miscon(p, "updated_anyway") == (2.0, 3.0, 1.0)
    with pytest.raises(ParamError):
        solve("perceptron_step", ["w=1,1", "x=1,2", "y=0"])
    d = cli_json("perceptron_step", "w=0,0", "x=3,3", "y=1")
    close(d["answer"], (3, 3, 1), 1e-12)


# ----------------------------------------------------------------------------- gd_step


def test_gd_d2l_quadratics():
    # d2l §12.3 (gradient descent): f(x) = x², x0 = 10, η = 0.2 → 6 after one step and
    # "epoch 10, x: 0.060466"; f(x) = x1² + 2x2², x0 = (−5, −2), η = 0.1 →
    # "epoch 20, x1: -0.057646, x2: -0.000073".
    x = 10.0
    for k in range(10):
        p = solve("gd_step", [f"w={x!r}", "a=1", "c=0", "lr=0.2"])
        ref = x - 0.2 * 2 * x
        close(p.answer, ref, 1e-12)
        if k == 0:
            assert ref == 6.0 and grade(p, "6").correct
            assert grade(p, "14").misconception == "gradient_ascent"  # 10 + 0.2·20
            assert grade(p, "8").misconception == "forgot_factor_two"  # 10 − 0.2·10
        x = ref
    close(x, 0.060466, 5e-7)
    x1, x2 = -5.0, -2.0
    for k in range(20):
        p = solve("gd_step", [f"w={x1!r},{x2!r}", "a=1,2", "c=0,0", "lr=0.1"])
        r1, r2 = x1 - 0.1 * 2 * x1, x2 - 0.1 * 4 * x2
        close(p.answer, (r1, r2), 1e-12)
        if k == 0:
            assert (r1, r2) == pytest.approx((-4.0, -1.2))
        x1, x2 = r1, r2
    close((x1, x2), (-0.057646, -0.000073), 5e-7)


def test_gd_linear_batch_conventions():
    # Hand computation: ŷ = w x + b, batch (1, 2), (2, 3), (3, 5); w = 0.5, b = 0, η = 0.1.
    # ŷ = 0.5, 1.0, 1.5; residuals ŷ − y = −1.5, −2.0, −3.5; Σr·x = −1.5 − 4 − 10.5 = −16,
    # Σr = −7. mean (no ½): ∂w = 2/3·(−16) = −32/3, ∂b = −14/3 → w = 0.5 + 3.2/3 = 1.566667,
    # b = 1.4/3 = 0.466667; half_mean: half of that step; half_sum: ∂w = −16, ∂b = −7.
    xs, ys, w, b, eta = [1, 2, 3], [2, 3, 5], 0.5, 0.0, 0.1
    r = [w * x + b - y for x, y in zip(xs, ys)]
    sx, s1 = sum(a * x for a, x in zip(r, xs)), sum(r)
    assert (sx, s1) == (-16.0, -7.0)
    base = ["x=1,2,3", "y=2,3,5", "w=0.5", "b=0", "lr=0.1"]
    p = solve("gd_step", base + ["loss=mean"])
    close(p.answer, (w - eta * 2 / 3 * sx, b - eta * 2 / 3 * s1), 1e-12)
    close(p.answer, (1.566667, 0.466667), 1e-6)
    assert grade(p, "1.5667, 0.4667").correct
    assert grade(p, typed((w - eta / 3 * sx, b - eta / 3 * s1))).misconception == "factor_two"
    assert grade(p, typed((w - eta * 2 * sx, b - eta * 2 * s1))).misconception == "forgot_average"
    assert grade(p, typed((w + eta * 2 / 3 * sx, b + eta * 2 / 3 * s1))).misconception == "gradient_ascent"
    assert grade(p, typed((w - eta * 2 / 3 * s1, b - eta * 2 / 3 * s1))).misconception == "forgot_input"
    p = solve("gd_step", base + ["loss=half_mean"])
    close(p.answer, (w - eta / 3 * sx, b - eta / 3 * s1), 1e-12)
    p = solve("gd_step", base + ["loss=half_sum"])
    close(p.answer, (w - eta * sx, b - eta * s1), 1e-12)
    close(p.answer, (2.1, 0.7), 1e-12)
    assert grade(p, typed((w - eta / 3 * sx, b - eta / 3 * s1))).misconception == "averaged_sum"
    # the same batch as a column matrix
    p2 = solve("gd_step", ["x=1;2;3", "y=2,3,5", "w=0.5", "b=0", "lr=0.1", "loss=half_sum"])
    assert p2.answer == p.answer
    with pytest.raises(ParamError):
        solve("gd_step", ["w=1", "x=1,2", "y=1,2", "a=1", "c=0"])
    with pytest.raises(ParamError):
        solve("gd_step", ["w=1,2", "x=1,2,3", "y=1,2"])
    d = cli_json("gd_step", "w=10", "a=1", "c=0", "lr=0.2")
    assert d["answer"] == 6.0


# ----------------------------------------------------------------------------- rnn_step


def test_rnn_step_hand_cases():
    # Hand computation: W_xh = [0.5; −0.3], W_hh = [0.1 0.2; −0.4 0.3], b = (0.1, 0.2),
    # x = 1, h_{t−1} = (0.5, −0.5): a1 = 0.5 + 0.05 − 0.1 + 0.1 = 0.55, a2 = −0.3 − 0.2 − 0.15 + 0.2 = −0.45,
    # h_t = (tanh 0.55, tanh −0.45) = (0.5005, −0.4219).
    args = ["wx=0.5;-0.3", "wh=0.1,0.2;-0.4,0.3", "b=0.1,0.2", "x=1", "h=0.5,-0.5"]
    a1 = 0.5 * 1 + 0.1 * 0.5 + 0.2 * -0.5 + 0.1
    a2 = -0.3 * 1 + -0.4 * 0.5 + 0.3 * -0.5 + 0.2
    close((a1, a2), (0.55, -0.45), 1e-12)
    p = solve("rnn_step", args)
    close(p.answer, (math.tanh(a1), math.tanh(a2)), 1e-12)
    close(p.answer, (0.5005, -0.4219), 5e-5)
    assert p.answer_text == "[0.5005, -0.4219]"
    assert grade(p, "0.5005, -0.4219").correct
    assert grade(p, "0.55, -0.45").misconception == "forgot_tanh"
    assert grade(p, typed((math.tanh(0.6), math.tanh(-0.1)))).misconception == "no_recurrent_term"
    assert grade(p, typed((sig(a1), sig(a2)))).misconception == "used_sigmoid"
    # W_hhᵀ: a1 = 0.5 + 0.05 + 0.2 + 0.1, a2 = −0.3 + 0.1 − 0.15 + 0.2
    assert grade(p, typed((math.tanh(0.85), math.tanh(-0.15)))).misconception == "transposed_w_hh"
    # the same W_xh typed as a list (D = 1)
    assert solve("rnn_step", ["wx=0.5,-0.3", *args[1:]]).answer == p.answer


def test_rnn_step_first_step_and_two_inputs():
    # First step of a sequence: h_0 = 0, so h_1 = tanh(W_xh x + b). With the all-ones 2×2 W_xh,
    # x = (0.5, 0.5), b = 0: h_1 = (tanh 1, tanh 1) = (0.7616, 0.7616) — the recurrent weights do not matter.
    p = solve("rnn_step", ["wx=1,1;1,1", "wh=0.3,-0.7;0.9,0.2", "x=0.5,0.5", "h=0,0"])
    close(p.answer, (math.tanh(1.0), math.tanh(1.0)), 1e-12)
    close(p.answer, (0.7616, 0.7616), 5e-5)
    with pytest.raises(ParamError):
        solve("rnn_step", ["wx=1,1,1", "wh=0.3,-0.7;0.9,0.2", "x=0.5,0.5", "h=0,0"])
    d = cli_json("rnn_step", "wx=0.5;-0.3", "wh=0.1,0.2;-0.4,0.3", "b=0.1,0.2", "x=1", "h=0.5,-0.5")
    close(d["answer"], (math.tanh(0.55), math.tanh(-0.45)), 1e-12)


# ----------------------------------------------------------------------------- lstm_step

# Aidan Gomez, "Backpropagating an LSTM: A Numerical Example" (2016): hidden size 1, input size 2,
# W_a (candidate) = [0.45, 0.25], U_a = 0.15, b_a = 0.2; W_i = [0.95, 0.8], U_i = 0.8, b_i = 0.65;
# W_f = [0.7, 0.45], U_f = 0.1, b_f = 0.15; W_o = [0.6, 0.4], U_o = 0.25, b_o = 0.1; x0 = [1, 2],
# x1 = [0.5, 3]. Printed: state0 = 0.78572, out0 = 0.53631, state1 = 1.5176, out1 = 0.77198.
GOMEZ = ["wx=0.95,0.8;0.7,0.45;0.45,0.25;0.6,0.4", "wh=0.8,0.1,0.15,0.25", "b=0.65,0.15,0.2,0.1"]


def lstm_ref(x, h, c):
    a = math.tanh(0.45 * x[0] + 0.25 * x[1] + 0.15 * h + 0.2)
    i = sig(0.95 * x[0] + 0.8 * x[1] + 0.8 * h + 0.65)
    f = sig(0.7 * x[0] + 0.45 * x[1] + 0.1 * h + 0.15)
    o = sig(0.6 * x[0] + 0.4 * x[1] + 0.25 * h + 0.1)
    c_new = f * c + i * a
    return (i, f, a, o), c_new, o * math.tanh(c_new)


def test_lstm_gomez_example():
    gates0, c0, h0 = lstm_ref((1, 2), 0.0, 0.0)
    close((c0, h0), (0.78572, 0.53631), 1e-5)
    p = solve("lstm_step", GOMEZ + ["x=1,2", "h=0", "c=0", "ask=c"])
    close(p.answer, c0, 1e-12)
    p = solve("lstm_step", GOMEZ + ["x=1,2", "h=0", "c=0", "ask=h"])
    close(p.answer, h0, 1e-12)
    p = solve("lstm_step", GOMEZ + ["x=1,2", "h=0", "c=0", "ask=gates"])
    close(p.answer, gates0, 1e-12)
    gates1, c1, h1 = lstm_ref((0.5, 3), h0, c0)
    close((c1, h1), (1.5176, 0.77198), 5e-5)
    p = solve("lstm_step", GOMEZ + ["x=0.5,3", f"h={h0!r}", f"c={c0!r}", "ask=c"])
    close(p.answer, c1, 1e-12)
    i, f, g, o = gates1
    assert grade(p, typed(f * g + i * c0)).misconception == "swapped_f_i"
    assert grade(p, typed(c0 + i * g)).misconception == "no_forget_gate"
    p = solve("lstm_step", GOMEZ + ["x=0.5,3", f"h={h0!r}", f"c={c0!r}", "ask=h"])
    close(p.answer, h1, 1e-12)
    assert grade(p, "0.7720").correct
    assert grade(p, typed(o * c1)).misconception == "forgot_tanh_c"


def test_lstm_scalar_hand_case():
    # Hand computation, hidden and input size 1, all weights 0.5, biases 0, x = 1, h = 0, c = 1:
    # every pre-activation is 0.5, so i = f = o = σ(0.5) = 0.622459, g = tanh(0.5) = 0.462117,
    # c_t = 0.622459·1 + 0.622459·0.462117 = 0.910108, h_t = 0.622459·tanh(0.910108) = 0.448908.
    args = ["wx=0.5,0.5,0.5,0.5", "wh=0.5,0.5,0.5,0.5", "x=1", "h=0", "c=1"]
    s5, t5 = sig(0.5), math.tanh(0.5)
    c = s5 * 1 + s5 * t5
    p = solve("lstm_step", args + ["ask=c"])
    close(p.answer, c, 1e-12)
    close(p.answer, 0.910108, 5e-7)
    # tanh gates: i = f = tanh(0.5)
    assert grade(p, typed(t5 + t5 * t5)).misconception == "tanh_gates"
    p = solve("lstm_step", args + ["ask=h"])
    close(p.answer, s5 * math.tanh(c), 1e-12)
    close(p.answer, 0.448908, 5e-7)
    p = solve("lstm_step", args + ["ask=gates"])
    close(p.answer, (s5, s5, t5, s5), 1e-12)
    assert grade(p, typed((s5, s5, s5, s5))).misconception == "sigmoid_candidate"
    with pytest.raises(ParamError):
        solve("lstm_step", ["wx=0.5,0.5,0.5", "wh=0.5,0.5,0.5,0.5", "x=1", "h=0", "c=1"])
    d = cli_json("lstm_step", *GOMEZ, "x=1,2", "h=0", "c=0", "ask=c")
    close(d["answer"], 0.78572, 1e-5)


# ----------------------------------------------------------------------------- gru_step


def test_gru_scalar_hand_case():
    # Hand computation, hidden and input size 1, every weight 0.5, no bias, x = 1, h_{t−1} = 0.5:
    # r = z = σ(0.5 + 0.25) = σ(0.75) = 0.679179; h̃ = tanh(0.5 + 0.5·(r·0.5)) = tanh(0.669795) = 0.584845;
    # h_t = z·0.5 + (1 − z)·h̃ = 0.527220 (nndl/d2l/PyTorch: z keeps the old state).
    args = ["wx=0.5,0.5,0.5", "wh=0.5,0.5,0.5", "x=1", "h=0.5"]
    r = z = sig(0.75)
    n = math.tanh(0.5 + 0.5 * (r * 0.5))
    ht = z * 0.5 + (1 - z) * n
    close((r, n, ht), (0.679179, 0.584845, 0.527220), 1e-6)
    for reset in ("before", "after"):  # one hidden unit: both placements of r agree
        p = solve("gru_step", args + [f"reset={reset}"])
        close(p.answer, ht, 1e-12)
    assert grade(p, "0.5272").correct
    assert grade(p, typed((1 - z) * 0.5 + z * n)).misconception == "swapped_z"
    assert grade(p, typed(z * 0.5 + (1 - z) * math.tanh(0.75))).misconception == "forgot_reset"
    assert grade(p, typed(z * 0.5 + (1 - z) * sig(0.5 + 0.5 * r * 0.5))).misconception == "sigmoid_candidate"
    p = solve("gru_step", args + ["ask=gates"])
    close(p.answer, (r, z, n), 1e-12)
    assert grade(p, typed((math.tanh(0.75), math.tanh(0.75), math.tanh(0.5 + 0.5 * math.tanh(0.75) * 0.5)))
                 ).misconception == "tanh_gates"
    # first step from h_0 = 0: h_1 = (1 − z)·tanh(w x + b) with z = σ(0.5)
    p = solve("gru_step", ["wx=0.5,0.5,0.5", "wh=0.5,0.5,0.5", "x=1", "h=0"])
    close(p.answer, (1 - sig(0.5)) * math.tanh(0.5), 1e-12)


def test_gru_reset_placement_two_units():
    # Hand-built case where the two placements of r differ (they agree whenever r is the same in
    # every unit, since W_hh(r·h) = r·(W_hh h) for a scalar r): hidden size 2, input size 1, x = 1,
    # h = (0.2, 0.6), no bias; W_xr = (1, −1) so r = (σ(1), σ(−1)); W_xz = 0 and W_hr = W_hz = 0 so
    # z = (0.5, 0.5); candidate W_xh = (1, 1), W_hh = [1 2; 3 4].
    # before (nndl/d2l): h̃ = tanh(W_xh x + W_hh(r ⊙ h)); after (PyTorch): h̃ = tanh(W_xh x + r ⊙ (W_hh h)).
    wx = "wx=1;-1;0;0;1;1"
    wh = "wh=0,0;0,0;0,0;0,0;1,2;3,4"
    h = (0.2, 0.6)
    r = (sig(1), sig(-1))
    z = (0.5, 0.5)
    before = [math.tanh(1 + (1 * r[0] * h[0] + 2 * r[1] * h[1])), math.tanh(1 + (3 * r[0] * h[0] + 4 * r[1] * h[1]))]
    after = [math.tanh(1 + r[0] * (1 * h[0] + 2 * h[1])), math.tanh(1 + r[1] * (3 * h[0] + 4 * h[1]))]
    ref_b = tuple(z[k] * h[k] + (1 - z[k]) * before[k] for k in range(2))
    ref_a = tuple(z[k] * h[k] + (1 - z[k]) * after[k] for k in range(2))
    p = solve("gru_step", [wx, wh, "x=1", "h=0.2,0.6", "reset=before"])
    close(p.answer, ref_b, 1e-12)
    assert grade(p, typed(ref_a)).misconception == "other_reset_placement"
    p = solve("gru_step", [wx, wh, "x=1", "h=0.2,0.6", "reset=after"])
    close(p.answer, ref_a, 1e-12)
    p = solve("gru_step", [wx, wh, "x=1", "h=0.2,0.6", "ask=gates"])
    close(p.answer, (r, z, tuple(before)), 1e-12)
    with pytest.raises(ParamError):
        solve("gru_step", ["wx=0.5,0.5", "wh=0.5,0.5,0.5", "x=1", "h=0.5"])
    d = cli_json("gru_step", "wx=0.5,0.5,0.5", "wh=0.5,0.5,0.5", "x=1", "h=0.5")
    close(d["answer"], 0.527220, 1e-6)
