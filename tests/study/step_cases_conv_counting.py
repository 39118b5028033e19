"""Hand-computed step cases for the convolution counting families (issue 14), collected by
test_steps_families.py: every step right, a wrong first step carried forward, a misconception
named at its step, the hint ladder.

Sources and the hand computations:
- conv_output: cs231n (CS231n notes, "Convolutional Networks"), AlexNet's first layer: a 227×227
  input, 11×11 kernel, stride 4, no padding: n + 2p − k = 227 + 0 − 11 = 216, o = 216/4 + 1 = 55.
  Forgetting the +1 gives 54; ignoring the stride 216 + 1 = 217.
- conv_padding: cs231n's rule that P = (F − 1)/2 keeps the size at stride 1: n = 32, k = 5:
  2p = o − n + k − 1 = 32 − 32 + 5 − 1 = 4, p = 4/2 = 2; not halving gives 4.
- conv_params: AlexNet conv1 (Krizhevsky et al. 2012, single tower), 96 filters 11×11×3:
  11·11·3 = 363 weights per filter, 363·96 = 34 848 weights, 96 biases, 34 848 + 96 = 34 944.
  Without the input channels 11·11 = 121; one filter 363; no biases 34 848.
- conv_cost: the same layer's 55×55×96 output: 363 multiplications per output value,
  55·55·96 = 290 400 output values, 363·290 400 = 105 415 200 (AlexNet's conv1 "105M" in cs231n's
  and the paper's cost tables). One output channel only: 55·55 = 3025; the weights instead of the
  work: 363·96 = 34 848.
- pool_output: AlexNet's overlapping max pooling, 3×3 stride 2 on 55×55: 55 + 0 − 3 = 52,
  ⌊52/2⌋ + 1 = 27. Forgetting the +1: 26; stride 1: 52 + 1 = 53.
- transposed_conv_output: Dumoulin & Visin, "A guide to convolution arithmetic for deep learning"
  (2016), o = s(i − 1) + k − 2p, with the DCGAN-style 4×4 kernel, stride 2, padding 1 on 16×16:
  (16 − 1)·2 = 30, o = 30 − 2·1 + (4 − 1) + 0 + 1 = 32 (the size doubles). n·s instead of (n − 1)s: 32;
  adding 2p: 30 + 2 + 3 + 1 = 36; the ordinary convolution formula: ⌊(16 + 2 − 3 − 1)/2⌋ + 1 = 8.
- receptive_field: VGG-16's first layers (Simonyan & Zisserman 2015; the receptive-field tables of
  Araujo, Norris & Sim, "Computing receptive fields of convolutional neural networks", Distill 2019):
  conv1_1 3, conv1_2 5, pool1 6, conv2_1 10, conv2_2 14. Recursion r_l = r_{l−1} + (k − 1)·j_{l−1}:
  r1 = 1 + 2 = 3, r2 = 3 + 2 = 5, r3 = 5 + 1 = 6, j3 = 1·2 = 2, r4 = 6 + 2·2 = 10, r5 = 10 + 2·2 = 14.
  Pool1's own stride included: 5 + 1·2 = 7; conv2_1 without the earlier strides: 6 + 2 = 8;
  k instead of k − 1 at conv1_2: 3 + 3 = 6.
- network_params: LeNet-5 in its modern form (conv5-6, pool2, conv5-16, pool2, fc120, fc84, fc10 on
  32×32×1, valid padding), 61 706 parameters (e.g. d2l.ai's LeNet chapter and cs231n): 28×28×6,
  (25·1 + 1)·6 = 156; 14×14×6; 10×10×16, (25·6 + 1)·16 = 2416; 5×5×16; flatten 5·5·16 = 400;
  (400 + 1)·120 = 48 120; (120 + 1)·84 = 10 164; (84 + 1)·10 = 850; total 61 706. Flattening only the
  channels: 16; conv3 without its input channels: (25 + 1)·16 = 416; 2 parameters per pooled map:
  61 706 + 2·6 + 2·16 = 61 750.
- shape_trace: our own hand computation, d2l.ai's LeNet convolutional part on 1×28×28 (conv 5×5 with
  padding 2, 6 filters; pool 2; conv 5×5 without padding, 16 filters; pool 2) and one dense layer of
  10: 28 + 4 − 5 + 1 = 28, ⌊28/2⌋ = 14, 14 + 0 − 5 + 1 = 10, ⌊10/2⌋ = 5, 16·5·5 = 400;
  5²·1·6 + 6 = 156, 5²·6·16 + 16 = 2416, 400·10 + 10 = 4010, total 156 + 2416 + 4010 = 6582.
  Ignoring conv1's padding: 28 − 5 + 1 = 24; flattening without the channels: 25; conv2 without its
  input channels: 25·16 + 16 = 416.
"""
from quizcli.generators import solve

LENET = "conv5-6,pool2,conv5-16,pool2,fc120,fc84,fc10"
VGG_START = "conv3s1,conv3s1,pool2s2,conv3s1,conv3s1"

CASES = {
    "conv_output": (lambda: solve("conv_output", ["n=227", "k=11", "s=4", "p=0"]), ["216", "55"]),
    "conv_padding": (lambda: solve("conv_padding", ["n=32", "k=5"]), ["4", "2"]),
    "conv_params": (lambda: solve("conv_params", ["c_in=3", "c_out=96", "k=11"]), ["363", "34848", "96", "34944"]),
    "conv_cost": (lambda: solve("conv_cost", ["n_out=55", "k=11", "c_in=3", "c_out=96"]), ["363", "290400", "105415200"]),
    "pool_output": (lambda: solve("pool_output", ["n=55", "k=3", "s=2"]), ["52", "27"]),
    "transposed_conv_output": (lambda: solve("transposed_conv_output", ["n=16", "k=4", "s=2", "p=1"]), ["30", "32"]),
    "receptive_field": (lambda: solve("receptive_field", [f"layers={VGG_START}"]), ["3", "5", "6", "2", "10", "14"]),
    "network_params": (lambda: solve("network_params", [f"layers={LENET}", "input=32,32,1", "pad=valid"]),
                       ["28, 28, 6", "156", "14, 14, 6", "10, 10, 16", "2416", "5, 5, 16", "400", "48120", "10164", "850", "61706"]),
    "shape_trace": (lambda: solve("shape_trace", ["input=1,28,28", "filters=6,16", "k=5", "p=2,0", "units=10"]),
                    ["28", "14", "10", "5", "400", "156", "2416", "4010", "6582"]),
}

MISCONCEPTIONS = [
    ("conv_output", 1, "54", "forgot_plus_one"),
    ("conv_output", 1, "217", "ignored_stride"),
    ("conv_padding", 1, "4", "not_halved"),
    ("conv_params", 0, "121", "forgot_input_channels"),
    ("conv_params", 1, "363", "one_filter"),
    ("conv_params", 3, "34848", "forgot_bias"),
    ("conv_cost", 1, "3025", "forgot_c_out"),
    ("conv_cost", 2, "34848", "counted_parameters"),
    ("pool_output", 1, "26", "forgot_plus_one"),
    ("pool_output", 1, "53", "stride_one"),
    ("transposed_conv_output", 0, "32", "n_times_s"),
    ("transposed_conv_output", 1, "36", "added_padding"),
    ("transposed_conv_output", 1, "8", "used_conv_formula"),
    ("receptive_field", 1, "6", "sum_of_kernels"),
    ("receptive_field", 2, "7", "own_stride_included"),
    ("receptive_field", 4, "8", "ignored_strides"),
    ("network_params", 4, "416", "forgot_input_channels"),
    ("network_params", 6, "16", "flatten_channels_only"),
    ("network_params", 10, "61750", "pool_has_params"),
    ("shape_trace", 0, "24", "ignored_padding"),
    ("shape_trace", 4, "25", "flatten_without_channels"),
    ("shape_trace", 6, "416", "conv_forgot_input_channels"),
]
