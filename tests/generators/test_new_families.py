"""New families of issue 13, each with hand-computed cases from public worked examples (the
source named; the numbers recomputed here, never with the family's own code)."""
import pytest

from quizcli.generators import ParamError, solve
from quizcli.grading import grade_numeric


def grade(p, text):
    return grade_numeric(text, p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)


# ----------------------------------------------------------------------------- pool_values

CS231N = "1 1 2 4;5 6 7 8;3 2 1 0;1 2 3 4"  # cs231n "Convolutional Neural Networks" notes, max-pooling figure


def test_pool_values_cs231n_max_pooling():
    p = solve("pool_values", [f"x={CS231N}", "k=2"])  # stride defaults to the window
    assert p.answer == ((6, 8), (3, 4))
    assert p.engine_answer == p.answer


def test_pool_values_average_and_misconceptions():
    p = solve("pool_values", [f"x={CS231N}", "k=2", "kind=avg"])
    by_hand = (((1 + 1 + 5 + 6) / 4, (2 + 4 + 7 + 8) / 4), ((3 + 2 + 1 + 2) / 4, (1 + 0 + 3 + 4) / 4))
    assert p.answer == by_hand
    assert grade(p, "6 8; 3 4").misconception == "used_max"
    assert grade(p, "3.25 2; 5.25 2").misconception == "transposed"


def test_pool_values_padding_conventions():
    # max pooling pads with −∞: an all-negative corner window keeps its largest negative value
    p = solve("pool_values", ["x=-1 -2 -3;-4 -5 -6;-7 -8 -9", "k=2", "s=2", "p=1"])
    assert p.answer == ((-1, -2), (-4, -5))
    # average pooling counts the zero padding (divide by k² = 4)
    q = solve("pool_values", ["x=1 2 3;4 5 6;7 8 9", "k=3", "s=2", "p=1", "kind=avg"])
    assert [list(r) for r in q.answer] == [pytest.approx([12 / 9, 16 / 9]), pytest.approx([24 / 9, 28 / 9])]  # /9
    assert grade(q, "3 4; 6 7").misconception == "padding_not_counted"  # /4 instead


def test_pool_values_refuses_bad_windows():
    with pytest.raises(ParamError):
        solve("pool_values", [f"x={CS231N}", "k=2", "p=2"])
    with pytest.raises(ParamError):
        solve("pool_values", ["x=1 2;3 4", "k=5"])


# ----------------------------------------------------------------------------- network_params

VGG16 = ("conv3-64,conv3-64,pool2,conv3-128,conv3-128,pool2,conv3-256,conv3-256,conv3-256,pool2,"
         "conv3-512,conv3-512,conv3-512,pool2,conv3-512,conv3-512,conv3-512,pool2,fc4096,fc4096,fc1000")


def test_network_params_vgg16():
    # Simonyan & Zisserman 2015, configuration D: 138,357,544 parameters (the count torchvision reports)
    p = solve("network_params", [f"layers={VGG16}", "input=224,224,3"])
    assert p.answer == 138_357_544 and p.engine_answer == p.answer
    assert solve("network_params", [f"layers={VGG16.rsplit(',fc', 3)[0]}", "input=224,224,3", "ask=shape"]).answer == (7, 7, 512)


def test_network_params_lenet5_modern():
    # LeNet-5 as usually taught today (d2l 7.6 / nndl 5.3 with full C3): 61,706 parameters,
    # recomputed: conv1 (25·1+1)·6 = 156, conv2 (25·6+1)·16 = 2416, fc (400+1)·120, (120+1)·84, (84+1)·10
    by_hand = 156 + 2416 + 401 * 120 + 121 * 84 + 85 * 10
    p = solve("network_params", ["layers=conv5-6,pool2,conv5-16,pool2,fc120,fc84,fc10", "input=32,32,1", "pad=valid"])
    assert p.answer == by_hand == 61_706
    assert grade(p, str(by_hand - 6 - 16 - 120 - 84 - 10)).misconception == "forgot_bias"
    s = solve("network_params", ["layers=conv5-6,pool2,conv5-16,pool2", "input=32,32,1", "pad=valid", "ask=shape"])
    assert s.answer == (5, 5, 16)


def test_network_params_alexnet_single_tower():
    # AlexNet without the two-GPU groups on a 227×227 input: 62,378,344 (the often-quoted 62.3 M)
    p = solve("network_params", ["layers=conv11-96s4p0,pool3s2,conv5-256p2,pool3s2,conv3-384,conv3-384,conv3-256,pool3s2,"
                                 "fc4096,fc4096,fc1000", "input=227,227,3"])
    assert p.answer == 62_378_344


def test_network_params_refuses_bad_layers():
    for layers in ("conv3-64,fc10,conv3-8", "conv99-4", "bogus", ",".join(["conv3-8"] * 70)):
        with pytest.raises(ParamError):
            solve("network_params", [f"layers={layers}", "input=32,32,3"])


# ----------------------------------------------------------------------------- conv2d_channels

def test_conv2d_channels_d2l_two_channel_example():
    # d2l §7.4 (multiple input channels): X channels 0..8 and 1..9 (3×3), kernels [0 1; 2 3] and
    # [1 2; 3 4]; recomputed: Y11 = (0·0+1·1+3·2+4·3) + (1·1+2·2+4·3+5·4) = 19 + 37 = 56
    p = solve("conv2d_channels", ["x=0 1 2;3 4 5;6 7 8;1 2 3;4 5 6;7 8 9", "w=0 1;2 3;1 2;3 4", "c=2"])
    assert p.answer == ((56, 72), (104, 120)) and p.engine_answer == p.answer
    assert grade(p, "19 25; 37 43").misconception == "first_channel_only"
    assert grade(p, "28 36; 52 60").misconception == "averaged_channels"


def test_conv2d_channels_bias_added_once():
    p = solve("conv2d_channels", ["x=0 1 2;3 4 5;6 7 8;1 2 3;4 5 6;7 8 9", "w=0 1;2 3;1 2;3 4", "c=2", "b=1"])
    assert p.answer == ((57, 73), (105, 121))
    assert grade(p, "58 74; 106 122").misconception == "bias_per_channel"
    with pytest.raises(ParamError):
        solve("conv2d_channels", ["x=0 1 2;3 4 5;6 7 8", "w=0 1;2 3;1 2;3 4", "c=2"])


# ----------------------------------------------------------------------------- conv_padding

def test_conv_padding_same_and_targets():
    # "same" padding with stride 1 is (k − 1)/2: 1 for 3×3, 2 for 5×5, 3 for 7×7 (cs231n, d2l §7.3)
    for k, p in ((3, 1), (5, 2), (7, 3)):
        assert solve("conv_padding", ["n=32", f"k={k}"]).answer == p
    # dilation 2 on a 3×3 kernel spans 5 pixels: same padding 2
    q = solve("conv_padding", ["n=64", "k=3", "d=2"])
    assert q.answer == 2 and grade(q, "1").misconception == "kernel_over_two"
    # 32 → 30 with a 5×5 kernel, stride 1: 32 + 2p − 5 + 1 = 30 → p = 1
    assert solve("conv_padding", ["n=32", "k=5", "o=30"]).answer == 1


def test_conv_padding_stride_alexnet():
    # AlexNet conv1: 227×227, 11×11, no padding, output 55: (227 − 11)/s + 1 = 55 → s = 4
    p = solve("conv_padding", ["n=227", "k=11", "o=55", "ask=stride"])
    assert p.answer == 4 and p.engine_answer == 4
    # ResNet stem: 224, 7×7, p = 3, output 112 → s = 2
    assert solve("conv_padding", ["n=224", "k=7", "p=3", "o=112", "ask=stride"]).answer == 2
    with pytest.raises(ParamError):  # stride 1 already gives 30 < 31: no stride reaches a larger output
        solve("conv_padding", ["n=32", "k=3", "o=31", "ask=stride"])


# ----------------------------------------------------------------------------- confusion_metrics

def test_confusion_metrics_google_mlcc_tumour_example():
    # Google Machine Learning Crash Course (classification): TP = 1, FP = 1, FN = 8, TN = 90:
    # accuracy 91/100, precision 1/2, recall 1/9, F1 = 2/(2 + 1 + 8) = 2/11
    p = solve("confusion_metrics", ["tp=1", "fp=1", "fn=8", "tn=90"])
    assert p.answer == pytest.approx((0.5, 1 / 9, 2 / 11, 0.91))
    assert p.engine_answer == pytest.approx(p.answer)
    r = solve("confusion_metrics", ["tp=1", "fp=1", "fn=8", "tn=90", "ask=recall"])
    assert grade(r, "0.5").misconception == "swapped_precision_recall"
    assert grade(r, "0.91").misconception == "gave_accuracy"
    f = solve("confusion_metrics", ["tp=1", "fp=1", "fn=8", "tn=90", "ask=f1"])
    assert grade(f, str((0.5 + 1 / 9) / 2)).misconception == "f1_arithmetic_mean"


def test_confusion_metrics_multiclass_one_against_rest():
    # rows true, columns predicted; class 2: TP 40, FP 3 + 5, FN 4 + 6
    p = solve("confusion_metrics", ["m=50 3 2;4 40 6;1 5 39", "cls=2"])
    assert p.answer == pytest.approx((40 / 48, 40 / 50, 80 / 98, 129 / 150))
    # reading rows as predictions swaps FP and FN
    f = solve("confusion_metrics", ["m=50 3 2;4 40 6;1 5 39", "cls=2", "ask=precision"])
    assert grade(f, str(40 / 50)).misconception in ("rows_are_predictions", "swapped_precision_recall")
    with pytest.raises(ParamError):
        solve("confusion_metrics", ["tp=0", "fp=3", "fn=2", "tn=5"])


# ----------------------------------------------------------------------------- perplexity

def test_perplexity_uniform_digits_slp3():
    # Jurafsky & Martin, Speech and Language Processing (3rd ed.), ch. 3: digits drawn uniformly
    # (each p = 1/10) have perplexity 10, whatever the length
    p = solve("perplexity", ["p=" + ",".join(["0.1"] * 7)])
    assert p.answer == pytest.approx(10) and p.engine_answer == pytest.approx(10)


def test_perplexity_and_its_cross_entropy():
    # p = 1/2, 1/4, 1/8: (1/64)^(−1/3) = 4; CE = ln 4 nats = 2 bits
    p = solve("perplexity", ["p=0.5,0.25,0.125"])
    assert p.answer == pytest.approx(4)
    assert grade(p, str(1 / ((0.5 + 0.25 + 0.125) / 3))).misconception == "inverse_mean_probability"
    assert grade(p, "1.3863").misconception == "no_exponential"
    assert solve("perplexity", ["p=0.5,0.25,0.125", "ask=ce"]).answer == pytest.approx(2 * 0.6931471805599453)
    bits = solve("perplexity", ["p=0.5,0.25,0.125", "ask=ce", "base=2"])
    assert bits.answer == pytest.approx(2) and bits.engine_answer == pytest.approx(2)
    with pytest.raises(ParamError):
        solve("perplexity", ["p=0.5,0"])


# ----------------------------------------------------------------------------- q_learning_step

def test_q_learning_update_by_hand():
    # Sutton & Barto (2018) eq. 6.8: Q(s,a) += α[r + γ max Q(s', ·) − Q(s,a)]; here
    # Q(1,2) = 0 + 0.5·(1 + 0.9·max(1, 2) − 0) = 1.4
    p = solve("q_learning_step", ["q=0 0;1 2", "s=1", "a=2", "r=1", "s_next=2", "alpha=0.5", "gamma=0.9"])
    assert p.answer == pytest.approx(1.4) and p.engine_answer == pytest.approx(1.4)
    assert grade(p, "2.8").misconception == "forgot_alpha"
    assert grade(p, "1.5").misconception == "forgot_gamma"


def test_sarsa_and_terminal_updates():
    # SARSA (eq. 6.7) uses the action taken next: 0 + 0.5·(1 + 0.9·Q(2,1) − 0) = 0.95
    p = solve("q_learning_step", ["q=0 0;1 2", "s=1", "a=2", "r=1", "s_next=2", "a_next=1", "alpha=0.5",
                                  "gamma=0.9", "method=sarsa"])
    assert p.answer == pytest.approx(0.95)
    assert grade(p, "1.4").misconception == "used_max"
    # terminal next state: the target is r alone: 2 + 0.1·(−1 − 2) = 1.7
    t = solve("q_learning_step", ["q=2 0;1 2", "s=1", "a=1", "r=-1", "s_next=0", "alpha=0.1"])
    assert t.answer == pytest.approx(1.7)
    with pytest.raises(ParamError):
        solve("q_learning_step", ["q=0 0;1 2", "s=3", "a=1", "r=1", "s_next=1"])


# ----------------------------------------------------------------------------- hopfield_step

HEBB = "0 -1 1;-1 0 -1;1 -1 0"  # Hebbian storage of the pattern (1, −1, 1): W = p pᵀ − I (Hopfield 1982; nndl §8.6)


def test_hopfield_recalls_a_stored_pattern():
    # start one bit away, at (1, 1, 1); unit 2's net input is −1·1 + (−1)·1 = −2 → −1: the pattern is back
    p = solve("hopfield_step", [f"w={HEBB}", "s=1,1,1", "i=2"])
    assert p.answer == (1, -1, 1) and p.engine_answer == p.answer
    # the energy falls from −(−1 + 1 − 1) = 1 to −(1 + 1 + 1) = −3, the stored pattern's minimum
    assert solve("hopfield_step", [f"w={HEBB}", "s=1,1,1", "ask=energy"]).answer == 1
    e = solve("hopfield_step", [f"w={HEBB}", "s=1,1,1", "i=2", "ask=energy_after"])
    assert e.answer == -3
    assert grade(e, "-6").misconception == "no_half"
    assert grade(e, "1").misconception == "energy_before"


def test_hopfield_bias_ties_and_refusals():
    # with b = (0, 0, 3) unit 3's net input is 1·1 + (−1)·1 + 3 = 3 → +1; its energy term −bᵀs counts
    p = solve("hopfield_step", [f"w={HEBB}", "s=1,1,-1", "b=0,0,3", "i=3"])
    assert p.answer == (1, 1, 1)
    # a net input of exactly 0 keeps the state
    assert solve("hopfield_step", ["w=0 1;1 0", "s=1,-1", "b=1,0", "i=1"]).answer == (1, -1)
    # … unless the text writes s_i = 1 for a net input ≥ 0 (tie=plus)
    assert solve("hopfield_step", ["w=0 1;1 0", "s=-1,1", "b=-1,0", "i=1"]).answer == (-1, 1)
    assert solve("hopfield_step", ["w=0 1;1 0", "s=-1,1", "b=-1,0", "i=1", "tie=plus"]).answer == (1, 1)
    for bad in (["w=0 1;2 0", "s=1,1"], ["w=1 1;1 0", "s=1,1"], ["w=0 1;1 0", "s=1,0"]):
        with pytest.raises(ParamError):
            solve("hopfield_step", bad)
