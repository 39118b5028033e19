"""Content tests for the rnn and lstm_gru topics (question_bank/rnn.yaml, lstm_gru.yaml).

1. Search: exam-style questions in both languages find the intended concept first.
2. Reachability: every syllabus concept of the two topics is found first by its English
   and by its Chinese name.
3. Formulas: every number and formula the entries state is recomputed here by a second
   route (finite differences, the NumPy engine's cells, counting weight arrays).
"""
from __future__ import annotations

import math
import random
from functools import lru_cache

import numpy as np
import pytest

from bank_text import states
from quizcli.bank.store import load_bank
from quizcli.bank.search import search

TOPICS = ("rnn", "lstm_gru")


@lru_cache(maxsize=1)
def bank():
    return load_bank()


def _q(qid):
    return bank().questions[qid]


# --------------------------------------------------------------------------- 1. search

SEARCH_CASES = [
    # rnn, English
    ("Why are feedforward networks and n-gram models poorly suited to sequences?", "sequence_modeling"),
    ("Write the state update of a simple recurrent network", "simple_rnn"),
    ("What does parameter sharing over time mean in an RNN?", "rnn_parameter_sharing"),
    ("What is backpropagation through time?", "bptt"),
    ("Why is it hard for a simple RNN to learn long-range dependencies?", "long_term_dependency"),
    ("How is the hidden state of a bidirectional RNN formed?", "bidirectional_rnn"),
    ("Describe the encoder-decoder model for machine translation", "seq2seq"),
    ("What is a stacked RNN?", "stacked_rnn"),
    ("What is the difference between a recursive neural network and a recurrent neural network?", "recursive_graph_nn"),
    ("What are the strengths and weaknesses of recurrent neural networks?", "rnn_pros_cons"),
    ("What is a time-delay neural network?", "tdnn"),
    ("Why does an RNN suffer from vanishing gradients?", "long_term_dependency"),
    # rnn, Chinese
    ("为什么前馈神经网络和 n 元语法模型不适合处理序列数据？", "sequence_modeling"),
    ("写出简单循环网络的隐状态更新公式", "simple_rnn"),
    ("简述循环神经网络中参数共享的含义及好处", "rnn_parameter_sharing"),
    ("什么是随时间反向传播算法（BPTT）？", "bptt"),
    ("什么是截断的随时间反向传播？", "bptt"),
    ("为什么简单循环神经网络难以学习长程依赖？", "long_term_dependency"),
    ("双向循环神经网络的隐状态是如何得到的？", "bidirectional_rnn"),
    ("简述用于机器翻译的编码器-解码器模型", "seq2seq"),
    ("什么是堆叠循环神经网络？", "stacked_rnn"),
    ("递归神经网络与循环神经网络有什么关系？", "recursive_graph_nn"),
    ("循环神经网络有哪些优点和缺点？", "rnn_pros_cons"),
    ("什么是延时神经网络？", "tdnn"),
    ("为什么循环神经网络会出现梯度消失？", "long_term_dependency"),
    # lstm_gru, English
    ("What is the role of the forget gate in an LSTM?", "lstm_gates"),
    ("Why can LSTM alleviate the vanishing gradient problem?", "lstm_vanishing"),
    ("What do the reset gate and update gate of a GRU do?", "gru_gates"),
    ("What are the differences between LSTM and GRU?", "gru_vs_lstm"),
    ("How many parameters does an LSTM layer with input size d and hidden size h have?", "recurrent_params"),
    ("What is the cell state in an LSTM?", "cell_state"),
    ("Write the equations of the gated recurrent unit", "gru"),
    ("Write the six equations of the LSTM", "lstm"),
    # lstm_gru, Chinese
    ("简述 LSTM 中遗忘门的作用", "lstm_gates"),
    ("LSTM 为什么能缓解梯度消失问题？", "lstm_vanishing"),
    ("GRU 中重置门和更新门分别起什么作用？", "gru_gates"),
    ("比较 GRU 和 LSTM 的异同", "gru_vs_lstm"),
    ("输入维度为 d、隐藏单元数为 h 的 LSTM 层有多少个参数？", "recurrent_params"),
    ("LSTM 中记忆单元和隐状态有什么区别？", "cell_state"),
    ("写出门控循环单元的计算公式", "gru"),
    ("写出长短期记忆网络的计算公式", "lstm"),
]


@pytest.mark.parametrize("query,expected", SEARCH_CASES)
def test_exam_question_finds_concept_first(query, expected):
    hits = search(bank(), query)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].concept_id == expected, [(h.concept_id, round(h.score, 1)) for h in hits[:3]]


# --------------------------------------------------------------------------- 2. reachability







def test_topics_have_enough_questions_of_each_kind():
    for t in TOPICS:
        qs = [q for q in bank().questions.values() if q.topic == t]
        kinds = {k: sum(q.type == k for q in qs) for k in ("short", "choice", "multi", "truefalse", "symbolic", "numeric")}
        assert len(qs) >= 20, (t, kinds)
        assert kinds["short"] >= 5 and kinds["choice"] + kinds["multi"] >= 5, (t, kinds)
        assert kinds["truefalse"] >= 4 and kinds["symbolic"] >= 3, (t, kinds)


# --------------------------------------------------------------------------- 3. formulas

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_FUNCS = {"tanh": math.tanh, "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "abs": abs}


def _eval_answer(qid, **values):
    """Value of a symbolic question's model answer at a point.

    Plain arithmetic evaluation of the model answer (bank check already parses it with the
    grader's safe parser; importing sympy here would cost a second of the time budget)."""
    q = _q(qid)
    assert set(values) == set(q.variables), (qid, q.variables)
    return float(eval(q.answer.replace("^", "**"), {"__builtins__": {}}, {**_FUNCS, **values}))


def _fd(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def test_simple_rnn_worked_example_and_numeric_question():
    # body: w_xh = 0.5, w_hh = 1, b = 0, x1 = x2 = 1, h0 = 0 -> h1 ≈ 0.462, h2 ≈ 0.745
    h1 = math.tanh(0.5)
    h2 = math.tanh(0.5 + 1.0 * h1)
    assert round(h1, 3) == 0.462 and round(h2, 3) == 0.745
    q = _q("rnn.two_step_forward")
    assert abs(q.answer - h2) <= q.atol + 1e-12
    # same numbers through the engine's Elman cell (1 input, 1 unit, no bias)
    from quizcli.engine.recurrent import RNNCell

    cell = RNNCell(1, 1, bias=False)
    cell.params["weight_ih"][:] = 0.5
    cell.params["weight_hh"][:] = 1.0
    h = cell.forward(np.array([1.0]))
    h = cell.forward(np.array([1.0]), h)
    assert h[0] == pytest.approx(h2, abs=1e-12)


def test_scalar_bptt_product_matches_finite_difference():
    rng = random.Random(0)
    for _ in range(5):
        w, u = rng.uniform(-1.5, 1.5), rng.uniform(-1, 1)
        xs = [rng.uniform(-1, 1) for _ in range(6)]

        def run(h0):
            hs = [h0]
            for x in xs:
                hs.append(math.tanh(w * hs[-1] + u * x))
            return hs

        hs = run(0.3)
        # ∂h_T/∂h_0 = ∏_{j=1..T} w (1 − h_j²)
        prod = math.prod(w * (1 - hj * hj) for hj in hs[1:])
        assert prod == pytest.approx(_fd(lambda h0: run(h0)[-1], 0.3), rel=1e-5, abs=1e-10)
        # the symbolic question for two steps
        two = _eval_answer("rnn.bptt_scalar_two_steps", w=w, h1=hs[1], h2=hs[2])
        assert two == pytest.approx(_fd(lambda h0: run(h0)[2], 0.3), rel=1e-5, abs=1e-10)


def test_vector_bptt_jacobian_is_product_of_diag_times_whh():
    rng = np.random.default_rng(1)
    d, h, T = 3, 4, 5
    Wxh, Whh, b = rng.normal(size=(h, d)), rng.normal(size=(h, h)) * 0.6, rng.normal(size=h)
    xs = rng.normal(size=(T, d))

    def run(h0):
        hs = [h0]
        for x in xs:
            hs.append(np.tanh(Wxh @ x + Whh @ hs[-1] + b))
        return hs

    h0 = rng.normal(size=h)
    hs = run(h0)
    J = np.eye(h)
    for j in range(1, T + 1):  # later factors multiply on the left
        J = np.diag(1 - hs[j] ** 2) @ Whh @ J
    num = np.zeros((h, h))
    for k in range(h):
        e = np.zeros(h)
        e[k] = 1e-6
        num[:, k] = (run(h0 + e)[-1] - run(h0 - e)[-1]) / 2e-6
    np.testing.assert_allclose(J, num, rtol=1e-5, atol=1e-9)
    # backward recursion on the error vector uses the transpose: W_hh^T diag(1 − h²)
    g = rng.normal(size=h)
    delta = g.copy()
    for j in range(T, 0, -1):
        delta = Whh.T @ np.diag(1 - hs[j] ** 2) @ delta
    np.testing.assert_allclose(delta, J.T @ g, rtol=1e-10)
    states(bank(), "bptt", "\\frac{\\partial h_t}{\\partial h_k} = \\prod_{k < j \\leq t} \\mathrm{diag}(1 - h_j^2)\\, W_{hh}",
           "h_j = \\tanh(W_{xh} x_j + W_{hh} h_{j-1} + b)",
           "each step multiplies by $W_{hh}^\\top \\mathrm{diag}(1 - h_j^2)$")


def test_first_step_gradient_wrt_w():
    rng = random.Random(2)
    for _ in range(5):
        w, u, h0, x1 = (rng.uniform(-1.5, 1.5) for _ in range(4))
        want = _fd(lambda w_: math.tanh(w_ * h0 + u * x1), w)
        got = _eval_answer("rnn.first_step_grad_w", w=w, u=u, h0=h0, x1=x1)
        assert got == pytest.approx(want, rel=1e-5, abs=1e-9)


def test_vanishing_and_exploding_numbers():
    vanish, explode = 0.9 ** 50, 1.1 ** 50
    states(bank(), "long_term_dependency", f"$0.9^{{50}} \\approx {vanish:.3f}$", f"$1.1^{{50}} \\approx {explode:.0f}$")
    q = _q("rnn.vanishing_factor_50")
    assert q.answer == pytest.approx(vanish, rel=0.002)
    states(bank(), "rnn.vanishing_factor_50", f"0.9^50 ≈ {vanish:.5f}: about {100 * vanish:.1f} % of the gradient survives",
           f"1.1^50 ≈ {explode:.0f}")
    # the cell path of an LSTM against a simple RNN, twenty steps
    states(bank(), "lstm_vanishing", f"$0.95^{{20}} \\approx {0.95 ** 20:.2f}$", f"$0.5^{{20}} \\approx 10^{{{round(math.log10(0.5 ** 20))}}}$")


def _count(cell_cls, d, h, biases):
    """Parameters of one engine cell (which always stores PyTorch's two biases)."""
    cell = cell_cls(d, h, bias=True)
    w = cell.params["weight_ih"].size + cell.params["weight_hh"].size
    return w + biases * cell.params["bias_ih"].size


@pytest.mark.parametrize("d,h", [(100, 128), (10, 20), (3, 5), (7, 2)])
def test_parameter_count_formulas_against_engine_cells(d, h):
    from quizcli.engine.recurrent import GRUCell, LSTMCell, RNNCell

    for cls, G in ((RNNCell, 1), (GRUCell, 3), (LSTMCell, 4)):
        assert _count(cls, d, h, 1) == G * h * (d + h + 1)
        assert _count(cls, d, h, 2) == G * h * (d + h + 2)
        assert sum(p.size for p in cls(d, h).params.values()) == G * h * (d + h + 2)
    # symbolic questions
    assert _eval_answer("lstm_gru.gru_params_pytorch", d=d, h=h) == _count(GRUCell, d, h, 2)
    assert _eval_answer("rnn.stacked_two_layer_params", d=d, h=h) == _count(RNNCell, d, h, 1) + _count(RNNCell, h, h, 1)
    q = 6
    bi = 2 * _count(RNNCell, d, h, 1) + (q * 2 * h + q)
    assert _eval_answer("rnn.birnn_with_output_params", d=d, h=h, q=q) == bi


def test_worked_parameter_numbers_in_bodies(bank):
    from quizcli.engine.recurrent import GRUCell, LSTMCell, RNNCell

    d, h = 100, 128
    one = [_count(cell, d, h, 1) for cell in (RNNCell, LSTMCell, GRUCell)]  # one bias vector per block
    two = [_count(cell, d, h, 2) for cell in (RNNCell, LSTMCell, GRUCell)]  # b_ih and b_hh
    assert one == [G * h * (d + h + 1) for G in (1, 4, 3)] and two == [G * h * (d + h + 2) for G in (1, 4, 3)]
    states(bank, "recurrent_params", *(str(n) for n in one + two))
    states(bank, "bidirectional_rnn", f"2 × 128 × 229 = {2 * one[0]:,}".replace(",", " "))
    second = _count(RNNCell, h, h, 1)
    states(bank, "stacked_rnn", f"{one[0]} + {second} = {one[0] + second}")
    # the nn.LSTM(10, 20) choice question and its distractors
    q = _q("lstm_gru.pytorch_lstm_params")
    values = [int(o.text.en) for o in q.options]
    assert values[q.answer] == 4 * 20 * (10 + 20 + 2) == 2560
    assert set(values) == {20 * 32, 3 * 20 * 32, 4 * 20 * 31, 2560}
    # GRU has 3/4 of LSTM's parameters under either bias convention
    for b in (1, 2):
        assert 3 * 128 * (228 + b) * 4 == 4 * 128 * (228 + b) * 3


def test_lstm_worked_example_and_engine_cell():
    c = 0.9 * 2 + 0.5 * 0.6
    h = 0.8 * math.tanh(c)
    assert c == pytest.approx(2.1) and round(math.tanh(2.1), 3) == 0.970 and round(h, 3) == 0.776
    q = _q("lstm_gru.lstm_one_step")
    assert abs(q.answer - h) <= q.atol + 1e-12
    # the six equations = the engine's LSTM cell (PyTorch layout, gates i, f, g, o)
    from quizcli.engine.recurrent import LSTMCell

    rng = np.random.default_rng(3)
    d, H = 3, 4
    cell = LSTMCell(d, H, rng=rng)
    x, h0, c0 = rng.normal(size=d), rng.normal(size=H), rng.normal(size=H)
    hn, cn = cell.forward(x, (h0, c0))
    P = cell.params
    z = P["weight_ih"] @ x + P["bias_ih"] + P["weight_hh"] @ h0 + P["bias_hh"]
    i, f, g, o = sigmoid(z[:H]), sigmoid(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), sigmoid(z[3 * H:])
    c_ref = f * c0 + i * g
    np.testing.assert_allclose(cn, c_ref, rtol=1e-12)
    np.testing.assert_allclose(hn, o * np.tanh(c_ref), rtol=1e-12)


def test_cell_path_derivative_is_forget_gate():
    # ∂c_t/∂c_{t−1} with the gates held fixed (h_{t−1}, x_t fixed) is diag(f_t)
    from quizcli.engine.recurrent import LSTMCell

    rng = np.random.default_rng(4)
    cell = LSTMCell(2, 3, rng=rng)
    x, h0, c0 = rng.normal(size=2), rng.normal(size=3), rng.normal(size=3)
    cell.forward(x, (h0, c0))
    f = cell.last_gates["f"]
    J = np.zeros((3, 3))
    for k in range(3):
        e = np.zeros(3)
        e[k] = 1e-6
        J[:, k] = (cell.forward(x, (h0, c0 + e))[1] - cell.forward(x, (h0, c0 - e))[1]) / 2e-6
    np.testing.assert_allclose(J, np.diag(f), atol=1e-8)
    # three steps along the cell path: f1 f2 f3
    fs = [0.9, 0.7, 0.95]
    gs, is_ = [0.3, -0.2, 0.5], [0.4, 0.6, 0.1]

    def run(c):
        for ft, it, gt in zip(fs, is_, gs):
            c = ft * c + it * gt
        return c

    assert _eval_answer("lstm_gru.cell_path_three_steps", f1=0.9, f2=0.7, f3=0.95) == pytest.approx(_fd(run, 0.2), rel=1e-6)


def test_cell_rearrangement_and_hidden_derivative():
    rng = random.Random(5)
    for _ in range(5):
        f, i, c_prev, g = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95), rng.uniform(-3, 3), rng.uniform(-1, 1)
        c = f * c_prev + i * g
        assert _eval_answer("lstm_gru.candidate_from_cell", c=c, f=f, c_prev=c_prev, i=i) == pytest.approx(g, rel=1e-9, abs=1e-12)
        o, cc = rng.uniform(0, 1), rng.uniform(-3, 3)
        want = _fd(lambda v: o * math.tanh(v), cc)
        assert _eval_answer("lstm_gru.hidden_wrt_cell", o=o, c=cc) == pytest.approx(want, rel=1e-6, abs=1e-10)


def test_gru_interpolation_example_rearrangement_and_conventions():
    z, h_prev, h_tilde = 0.8, 0.5, -0.2
    h = z * h_prev + (1 - z) * h_tilde
    assert h == pytest.approx(0.36)                                # gru body example
    assert _eval_answer("lstm_gru.gru_solve_z", h=h, h_prev=h_prev, h_tilde=h_tilde) == pytest.approx(z)
    # swapped convention (1 − z) h_prev + z h̃ is the same model with z relabelled
    z2 = 1 - z
    assert (1 - z2) * h_prev + z2 * h_tilde == pytest.approx(h)
    # the engine's GRU (PyTorch: r inside, after W_hn h + b_hn; h' = (1 − z) n + z h)
    from quizcli.engine.recurrent import GRUCell

    rng = np.random.default_rng(6)
    d, H = 3, 2
    cell = GRUCell(d, H, rng=rng)
    x, h0 = rng.normal(size=d), rng.normal(size=H)
    hn = cell.forward(x, h0)
    P = cell.params
    gi, gh = P["weight_ih"] @ x + P["bias_ih"], P["weight_hh"] @ h0 + P["bias_hh"]
    r, zz = sigmoid(gi[:H] + gh[:H]), sigmoid(gi[H:2 * H] + gh[H:2 * H])
    n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
    np.testing.assert_allclose(hn, zz * h0 + (1 - zz) * n, rtol=1e-12)


def test_forget_bias_values_and_tanh_derivative():
    assert round(float(sigmoid(1.0)), 2) == 0.73 and round(float(sigmoid(2.0)), 2) == 0.88
    states(bank(), "lstm_gates", "the forget-gate **bias** is often set to 1 (or 2)",
           f"$f = \\sigma(1) \\approx {float(sigmoid(1.0)):.2f}$ ($\\sigma(2) \\approx {float(sigmoid(2.0)):.2f}$)")
    states(bank(), "tanh", "$\\tanh'(x) = 1 - \\tanh^2(x)$", "(maximum 1)")
    for x in (-2.0, -0.3, 0.0, 0.7, 1.9):
        assert _fd(math.tanh, x) == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-7)
        assert abs(_fd(math.tanh, x)) <= 1.0


def test_ngram_table_growth_in_body():
    V = 10 ** 4
    assert V ** 3 // V ** 2 == 10 ** 4                              # n = 2 -> 3 multiplies by |V|
    e = round(math.log10(V ** 3 // V ** 2))
    states(bank(), "sequence_modeling", "up to $|V|^n$ entries", f"$|V| = 10^{round(math.log10(V))}$ words",
           f"going from $n = 2$ to $n = 3$ multiplies it by $10^{e}$")


def test_choice_and_multi_options_all_explained():
    for q in bank().questions.values():
        if q.topic in TOPICS and q.type in ("choice", "multi"):
            assert all(o.why is not None for o in q.options), q.id
