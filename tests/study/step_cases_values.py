"""Hand-computed step cases for the value families (issue 14), collected by test_steps_families.py.

Each case lists the answer a student types at every step of the chain, in order; the numbers are
worked out here by hand (or from the source named), never with the family's own code.

- activation (sigmoid at x = 2; the logistic function's closed forms): e^{-2} = 0.135335,
  σ(2) = 1/1.135335 = 0.880797; σ'(2) = σ(1 − σ) = 0.880797 · 0.119203 = 0.104994.
  Misconceptions: σ' written as σ itself (0.8808); σ(−2) = 0.119203 (the sign in the exponent).
- conv2d_values: Dive into Deep Learning (d2l), section "Convolutions for Images", the 2-D
  cross-correlation of X = [0 1 2; 3 4 5; 6 7 8] with K = [0 1; 2 3]:
  Y11 = 0·0 + 1·1 + 3·2 + 4·3 = 19, Y12 = 1·0 + 2·1 + 4·2 + 5·3 = 25, Y21 = 3·0 + 4·1 + 6·2 + 7·3 = 37,
  Y22 = 4·0 + 5·1 + 7·2 + 8·3 = 43. Flipped kernel [3 2; 1 0]: Y11 = 0·3 + 1·2 + 3·1 + 4·0 = 5;
  the transpose [19 37; 25 43].
- conv2d_channels: d2l, section "Multiple Input and Multiple Output Channels", two channels
  X1 = [0 1 2; 3 4 5; 6 7 8], X2 = [1 2 3; 4 5 6; 7 8 9], K1 = [0 1; 2 3], K2 = [1 2; 3 4]
  (d2l's answer [56 72; 104 120]), here with a bias b = 1: X1 ⋆ K1 = [19 25; 37 43];
  X2 ⋆ K2: 1 + 4 + 12 + 20 = 37, 2 + 6 + 15 + 24 = 47, 4 + 10 + 21 + 32 = 67, 5 + 12 + 24 + 36 = 77;
  Y = [19+37+1 25+47+1; 37+67+1 43+77+1] = [57 73; 105 121]. Misconceptions: K1 flipped to
  [3 2; 1 0] gives [5 11; 23 29] at the first map; the bias forgotten [56 72; 104 120]; the bias
  added per channel [58 74; 106 122].
- pool_values: cs231n "Convolutional Neural Networks" notes, the max-pooling figure: 2×2 windows,
  stride 2, on [1 1 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4]: max(1, 1, 5, 6) = 6, max(2, 4, 7, 8) = 8,
  max(3, 2, 1, 2) = 3, max(1, 0, 3, 4) = 4. The mean of the first window (1 + 1 + 5 + 6)/4 = 3.25.
- dropout (inverted dropout as PyTorch's nn.Dropout defines it, y = m·x/(1 − p)): x = (2, −1, 0.4, 3),
  m = (1, 0, 1, 1), p = 0.2: keep probability 0.8; y = (2/0.8, 0, 0.4/0.8, 3/0.8) = (2.5, 0, 0.5, 3.75).
  Misconceptions: p taken as the keep probability (0.2); the mask only (2, 0, 0.4, 3); divided by p
  (10, 0, 2, 15).
- init_scale: Glorot & Bengio (2010), eq. 16, W ~ U[−√6/√(n_in + n_out), +√6/√(n_in + n_out)], for
  a 784→256 layer: n = 1040, Var = 2/1040 = 0.00192308, a = √(3 · 0.00192308) = √0.00576923 = 0.07596.
  Misconceptions: He's 2/784 = 0.00255102 at the variance; the normal σ = √0.00192308 = 0.04385
  for the bound.
- perplexity (Jurafsky & Martin, Speech and Language Processing, 3rd ed., ch. 3: perplexity is the
  inverse probability normalised by the length): p = 1/2, 1/4, 1/8: ln p = −0.6931, −1.3863, −2.0794;
  sum −4.1589; cross-entropy 4.1589/3 = 1.3863 nats; PPL = e^{1.3863} = 4 (the geometric mean of
  2, 4, 8 is ∛64 = 4). Misconceptions: the sum not divided by N (4.1589); stopping at the
  cross-entropy (1.3863); the minus dropped, e^{−1.3863} = 0.25; 1/mean p = 1/0.291667 = 3.4286.
- confusion_metrics (rows true, columns predicted; class 2 against the rest, as scikit-learn's
  confusion_matrix lays it out): m = [50 3 2; 4 40 6; 1 5 39]: TP = 40, FP = 3 + 5 = 8,
  FN = 4 + 6 = 10, P = 40/48 = 0.8333, R = 40/50 = 0.8, F1 = 2·0.8333·0.8/1.6333 = 0.8163 (= 80/98),
  accuracy = (50 + 40 + 39)/150 = 0.86. Misconceptions: the rows read as predictions (FP = 4 + 6 = 10);
  P and R swapped (0.8 at P); the accuracy given for P (0.86). (The arithmetic mean
  (0.8333 + 0.8)/2 = 0.8167 is within the tolerance of F1 here, P and R being close: not a case.)
"""
from quizcli.generators import solve

CASES = {
    "activation": (lambda: solve("activation", ["f=sigmoid", "x=2"]), ["0.880797", "0.104994"]),
    "conv2d_values": (lambda: solve("conv2d_values", ["x=0 1 2; 3 4 5; 6 7 8", "w=0 1; 2 3"]),
                      ["19", "25", "37", "43", "19 25; 37 43"]),
    "conv2d_channels": (lambda: solve("conv2d_channels", ["x=0 1 2;3 4 5;6 7 8;1 2 3;4 5 6;7 8 9", "w=0 1;2 3;1 2;3 4", "c=2", "b=1"]),
                        ["19 25; 37 43", "37 47; 67 77", "57 73; 105 121"]),
    "pool_values": (lambda: solve("pool_values", ["x=1 1 2 4;5 6 7 8;3 2 1 0;1 2 3 4", "k=2"]), ["6", "8", "3", "4", "6 8; 3 4"]),
    "dropout": (lambda: solve("dropout", ["x=2,-1,0.4,3", "mask=1,0,1,1", "p=0.2"]), ["0.8", "2.5, 0, 0.5, 3.75"]),
    "init_scale": (lambda: solve("init_scale", ["fan_in=784", "fan_out=256", "scheme=xavier_uniform"]), ["1040", "0.00192308", "0.07596"]),
    "perplexity": (lambda: solve("perplexity", ["p=0.5,0.25,0.125"]), ["-0.6931, -1.3863, -2.0794", "-4.1589", "1.3863", "4"]),
    "confusion_metrics": (lambda: solve("confusion_metrics", ["m=50 3 2;4 40 6;1 5 39", "cls=2"]),
                          ["40", "8", "10", "0.8333", "0.8", "0.8163", "0.86"]),
}

MISCONCEPTIONS = [
    ("activation", 1, "0.8808", "derivative_is_sigma"),
    ("activation", 0, "0.1192", "sign_in_exponent"),
    ("conv2d_values", 0, "5", "flipped_kernel"),
    ("conv2d_values", 4, "19 37; 25 43", "transposed"),
    ("conv2d_channels", 0, "5 11; 23 29", "flipped_kernel"),
    ("conv2d_channels", 2, "56 72; 104 120", "forgot_bias"),
    ("conv2d_channels", 2, "58 74; 106 122", "bias_per_channel"),
    ("pool_values", 0, "3.25", "used_avg"),
    ("dropout", 0, "0.2", "divided_by_p"),
    ("dropout", 1, "2, 0, 0.4, 3", "no_scaling"),
    ("dropout", 1, "10, 0, 2, 15", "divided_by_p"),
    ("init_scale", 1, "0.00255102", "xavier_he_swap"),
    ("init_scale", 2, "0.04385", "uniform_normal_swap"),
    ("perplexity", 2, "4.1589", "sum_not_mean"),
    ("perplexity", 3, "1.3863", "no_exponential"),
    ("perplexity", 3, "0.25", "forgot_minus"),
    ("perplexity", 3, "3.4286", "inverse_mean_probability"),
    ("confusion_metrics", 1, "10", "rows_are_predictions"),
    ("confusion_metrics", 3, "0.8", "swapped_precision_recall"),
    ("confusion_metrics", 3, "0.86", "gave_accuracy"),
]
