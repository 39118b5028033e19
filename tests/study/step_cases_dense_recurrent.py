"""Hand-computed step cases for the dense, recurrent and partly converted families (issue 14),
collected by tests/study/test_steps_families.py (CASES and MISCONCEPTIONS of the same shape).

Sources and hand computations:
- dense_params: the 784–256–10 MNIST MLP of d2l.ai (§5.2, "Implementation of Multilayer
  Perceptrons": nn.Linear(784, 256), nn.Linear(256, 10)): layer 1 784·256 + 256 = 200704 + 256 = 200960;
  layer 2 256·10 + 10 = 2570; total 203530. Only the weights of layer 1: 200704 (forgot_bias).
- rnn_params: d = 3, h = 2, one bias vector: h·d = 6, h² = 4, biases 1·2 = 2, total 12. The recurrent
  matrix given the input's shape h×d: 6 (recurrent_as_input).
- lstm_params: Keras LSTM(128) on 100 input features (its model.summary prints 117 248):
  h·d = 12800, h² = 16384, biases 128, one block 29312, 4 blocks 117248; 3 blocks 87936 (three_gates).
- gru_params: d = 32, h = 64, one bias vector per gate: 2048, 4096, 64, one block 6208, 3 blocks 18624;
  4 blocks as an LSTM 24832 (lstm_gates).
- attention_params: the base Transformer encoder layer of Vaswani et al. 2017 (d_model = 512, 8 heads,
  d_ff = 2048; PyTorch's nn.TransformerEncoderLayer(512, 8) has 3 152 384 parameters):
  4·512² = 1048576, 4·512 = 2048, attention 1050624; FFN 2·512·2048 + 2048 + 512 = 2099712;
  two layer norms 4·512 = 2048; total 3152384. One FFN matrix only: 512·2048 + 2048 = 1050624 (ffn_one_matrix).
- iterations: MNIST's 60 000 training images, batch 128, 10 epochs (PyTorch DataLoader default
  drop_last=False): ⌊60000/128⌋ = 468, 60000 − 128·468 = 96 left over, 468 + 1 = 469 per epoch,
  469·10 = 4690. Unrounded 60000/128 = 468.75 (no_rounding); the short batch dropped: 468
  (wrong_last_batch); the epochs forgotten: 469 (forgot_epochs).
- hopfield_step: the Hebbian weights storing (1, −1, 1), W = ppᵀ − I = [0 −1 1; −1 0 −1; 1 −1 0]
  (Hopfield 1982; nndl §8.6), state (1, 1, 1), b = (0, 0, 3): pair sum w12 + w13 + w23 = −1 + 1 − 1 = −1,
  bᵀs = 3, E = −(−1) − 3 = −2. Every pair twice: −2 (no_half); E with the sign flipped: 2 (sign_flipped).
- cross_entropy: the course notes' ŷ = (0.34, 0.46, 0.20), class 1: ŷ_1 = 0.34, −ln 0.34 = 1.0788;
  entry 2 taken: 0.46 (counted_from_zero); −log10 0.34 = 0.4685 (log10).
- gru_step: every weight 0.5, no bias, x = 1, h = 0.5: r = z = σ(0.75) = 0.679179,
  h̃ = tanh(0.5 + 0.5·0.679179·0.5) = tanh(0.669795) = 0.584845, h_t = 0.679179·0.5 + 0.320821·0.584845 = 0.527220;
  z and 1 − z swapped: 0.320821·0.5 + 0.679179·0.584845 = 0.557625 (swapped_z).
- layernorm (a mini-batch): X = [1 2 3; 4 0 2], γ = 2, β = 1: μ = (2, 2); σ² = (2/3, 8/3) = (0.666667, 2.666667);
  √σ² = (0.816497, 1.632993); x̂ = [−1.224745 0 1.224745; 1.224745 −1.224745 0];
  y = 2x̂ + 1 = [−1.44949 1 3.44949; 3.44949 −1.44949 1]. Divided by D − 1: σ² = (1, 4) (unbiased_variance).
- lstm_step, softmax_ce_grad: the cases in test_steps_families.py (lstm_step:2, softmax_ce_grad:0);
  lstm h_t without the tanh: o·c_t = 0.2516·0.7094 = 0.1785 (forgot_tanh_c); the gradient y − ŷ:
  (−0.2595, −0.0351, 0.2946) (sign_flipped).
"""
from quizcli.generators import solve

HEBB = "w=0 -1 1;-1 0 -1;1 -1 0"

CASES = {
    "dense_params": (lambda: solve("dense_params", ["widths=784,256,10"]), ["200960", "2570", "203530"]),
    "rnn_params": (lambda: solve("rnn_params", ["d=3", "h=2"]), ["6", "4", "2", "12"]),
    "lstm_params": (lambda: solve("lstm_params", ["d=100", "h=128"]), ["12800", "16384", "128", "29312", "117248"]),
    "gru_params": (lambda: solve("gru_params", ["d=32", "h=64"]), ["2048", "4096", "64", "6208", "18624"]),
    "attention_params": (lambda: solve("attention_params", ["d_model=512", "heads=8", "d_ff=2048"]),
                         ["1048576", "2048", "1050624", "2099712", "2048", "3152384"]),
    "iterations": (lambda: solve("iterations", ["n=60000", "b=128", "e=10"]), ["468", "96", "469", "4690"]),
    "hopfield_step": (lambda: solve("hopfield_step", [HEBB, "s=1,1,1", "b=0,0,3", "ask=energy"]), ["-1", "3", "-2"]),
    "cross_entropy": (lambda: solve("cross_entropy", ["y_hat=0.34,0.46,0.20", "target=1"]), ["0.34", "1.0788"]),
    "gru_step": (lambda: solve("gru_step", ["wx=0.5,0.5,0.5", "wh=0.5,0.5,0.5", "x=1", "h=0.5"]),
                 ["0.679179", "0.679179", "0.584845", "0.527220"]),
    "layernorm": (lambda: solve("layernorm", ["x=1 2 3; 4 0 2", "gamma=2", "beta=1"]),
                  ["2 2", "0.666667 2.666667", "0.816497 1.632993", "-1.224745 0 1.224745; 1.224745 -1.224745 0",
                   "-1.44949 1 3.44949; 3.44949 -1.44949 1"]),
}

MISCONCEPTIONS = [
    ("dense_params", 0, "200704", "forgot_bias"),
    ("rnn_params", 1, "6", "recurrent_as_input"),
    ("lstm_params", 4, "87936", "three_gates"),
    ("gru_params", 4, "24832", "lstm_gates"),
    ("attention_params", 3, "1050624", "ffn_one_matrix"),
    ("iterations", 0, "468.75", "no_rounding"),
    ("iterations", 2, "468", "wrong_last_batch"),
    ("iterations", 3, "469", "forgot_epochs"),
    ("hopfield_step", 0, "-2", "no_half"),
    ("hopfield_step", 2, "2", "sign_flipped"),
    ("cross_entropy", 0, "0.46", "counted_from_zero"),
    ("cross_entropy", 1, "0.4685", "log10"),
    ("gru_step", 3, "0.557625", "swapped_z"),
    ("layernorm", 1, "1 4", "unbiased_variance"),
    ("lstm_step", 5, "0.1785", "forgot_tanh_c"),
    ("softmax_ce_grad", 1, "-0.2595 -0.0351 0.2946", "sign_flipped"),
]
