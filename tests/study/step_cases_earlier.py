"""Hand-computed step cases for the families converted before the others (issue 14): softmax,
perceptron_step, q_learning_step and attention_values, plus rnn_step's step mistakes. Collected
by test_steps_families.py; each number below is worked out by hand, never with the family's code.

- softmax (the max-shift form every framework uses, e.g. cs231n's "Softmax classifier" notes):
  z = (1, 2, 3), m = 3: e^{z−m} = (e^{−2}, e^{−1}, 1) = (0.135335, 0.367879, 1); S = 1.503215;
  p = (0.090031, 0.244728, 0.665241). Stopping after the exponentials, not normalised: (0.1353, 0.3679, 1).
- perceptron_step (Rosenblatt's rule as nndl ch. 3 states it: on a mistake w ← w + η y x, b ← b + η y):
  w = (0, 0), b = 0, x = (1, 1), y = +1, η = 1: the margin y(w·x + b) = 0 ≤ 0, a mistake, so
  w = (1, 1), b = 1. Update with the sign flipped: (−1, −1, −1); the bias left alone: (1, 1, 0);
  no update at a zero margin: (0, 0, 0).
- q_learning_step (Sutton & Barto, eq. 6.8): Q = [0.5 0; 0.2 0.8], s = 1, a = 1, r = 1, s′ = 2,
  α = 0.1, γ = 0.9: max_a′ Q(2, a′) = 0.8; target r + γ·0.8 = 1.72; Q(1, 1) ← 0.5 + 0.1·(1.72 − 0.5)
  = 0.622. The max over the current state's row instead: 0.5; γ forgotten: 1 + 0.8 = 1.8; α forgotten,
  Q ← the target: 1.72.
- attention_values (Vaswani et al. 2017, scaled dot-product attention): q = (1, 0), K = I₂,
  V = [1 2; 3 4], d_k = 2: s = (1/√2, 0) = (0.707107, 0); α = softmax(s) = (2.028115, 1)/3.028115
  = (0.669762, 0.330238); o = 0.669762·(1, 2) + 0.330238·(3, 4) = (1.660477, 2.660477).
  Unscaled scores (1, 0); divided by d_k instead of √d_k (0.5, 0); the scores used as weights
  (0.7071, 0); the weights applied to the keys: α·K = (0.669762, 0.330238).
- rnn_step:3 (W_xh = [−0.1; −0.9], W_hh = [1 −1; 0.7 0.3], b = (−0.2, 0.3), x = −0.6,
  h = (0.3, 0.9)): without W_hh·h, a = (0.06 − 0.2, 0.54 + 0.3) = (−0.14, 0.84); with W_hhᵀ,
  a₁ = 0.06 + (1·0.3 + 0.7·0.9) − 0.2 = 0.79, a₂ = 0.54 + (−1·0.3 + 0.3·0.9) + 0.3 = 0.81.
"""
from quizcli.generators import solve

Q_ARGS = ["q=0.5 0; 0.2 0.8", "s=1", "a=1", "r=1", "s_next=2", "alpha=0.1", "gamma=0.9"]
ATT_ARGS = ["q=1 0", "k=1 0; 0 1", "v=1 2; 3 4"]
PER_ARGS = ["w=0,0", "b=0", "x=1,1", "y=1", "lr=1"]

CASES = {
    "softmax": (lambda: solve("softmax", ["z=1,2,3"]), ["0.135335, 0.367879, 1", "1.503215", "0.090031, 0.244728, 0.665241"]),
    "perceptron_step": (lambda: solve("perceptron_step", PER_ARGS), ["0", "1, 1, 1"]),
    "q_learning_step": (lambda: solve("q_learning_step", Q_ARGS), ["0.8", "1.72", "0.622"]),
    "attention_values": (lambda: solve("attention_values", ATT_ARGS), ["0.707107, 0", "0.669762, 0.330238", "1.660477, 2.660477"]),
}

MISCONCEPTIONS = [
    ("softmax", 2, "0.1353, 0.3679, 1", "shifted_not_normalised"),
    ("perceptron_step", 1, "-1, -1, -1", "subtracted"),
    ("perceptron_step", 1, "1, 1, 0", "forgot_bias"),
    ("perceptron_step", 1, "0, 0, 0", "no_update"),
    ("q_learning_step", 0, "0.5", "current_state_row"),
    ("q_learning_step", 1, "1.8", "forgot_gamma"),
    ("q_learning_step", 2, "1.72", "forgot_alpha"),
    ("attention_values", 0, "1, 0", "no_scaling"),
    ("attention_values", 0, "0.5, 0", "divided_by_dk"),
    ("attention_values", 1, "0.7071, 0", "no_softmax"),
    ("attention_values", 2, "0.669762, 0.330238", "used_keys_as_values"),
    ("rnn_step", 0, "-0.14, 0.84", "no_recurrent_term"),
    ("rnn_step", 0, "0.79, 0.81", "transposed_w_hh"),
]
