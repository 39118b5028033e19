"""Content tests for the attention, transformer and embedding topics (author c6).

1. exam-style questions in both languages find the intended concept first;
2. every syllabus concept of the three topics is found first by its English and Chinese name;
3. the formulas and worked numbers written in the bank are recomputed here (NumPy / math),
   including every symbolic and numeric model answer of the three topic files.
"""
from __future__ import annotations

import heapq
import itertools
import math

import numpy as np
import pytest

from bank_text import num, states
from quizcli.bank.search import search

TOPICS = ("attention", "transformer", "embedding")


def _softmax(s):
    s = np.asarray(s, dtype=float)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# --------------------------------------------------------------------------- 1. search

SEARCH_CASES = [
    # attention, English
    ("What are the two steps of computing attention?", "attention_mechanism"),
    ("Explain the attention mechanism and the attention distribution", "attention_mechanism"),
    ("What is the difference between focus attention and saliency-based attention?", "focus_vs_saliency"),
    ("Explain the cocktail party effect", "focus_vs_saliency"),
    ("What is the difference between soft attention and hard attention?", "soft_hard_attention"),
    ("List the common attention scoring functions", "attention_scoring"),
    ("additive attention vs dot-product attention", "attention_scoring"),
    ("In key-value attention, what roles do the keys and values play?", "key_value_attention"),
    ("Why does multi-head attention use several heads?", "multi_head_attention"),
    ("How does self-attention compute Q, K and V?", "self_attention"),
    ("Why are the attention scores divided by the square root of d_k?", "scaled_dot_product"),
    ("Why does the Transformer need positional encoding?", "positional_encoding"),
    ("What is the difference between self-attention and cross-attention?", "cross_attention"),
    # attention, Chinese
    ("简述注意力机制的计算步骤", "attention_mechanism"),
    ("什么是聚焦式注意力和显著性注意力？", "focus_vs_saliency"),
    ("用鸡尾酒会效应说明两种注意力", "focus_vs_saliency"),
    ("软注意力与硬注意力有什么区别？", "soft_hard_attention"),
    ("常用的注意力打分函数有哪些？", "attention_scoring"),
    ("加性模型与点积模型的区别", "attention_scoring"),
    ("简述键值对注意力的原理", "key_value_attention"),
    ("为什么要使用多头注意力？", "multi_head_attention"),
    ("简述自注意力模型的计算过程", "self_attention"),
    ("缩放点积注意力为什么要除以根号d_k？", "scaled_dot_product"),
    ("为什么 Transformer 需要位置编码？", "positional_encoding"),
    ("位置编码与位置嵌入有什么区别", "positional_encoding"),
    ("自注意力与交叉注意力有何区别？", "cross_attention"),
    ("编码器-解码器注意力中查询来自哪里？", "cross_attention"),
    # transformer, English
    ("Describe the structure of the Transformer encoder and decoder", "transformer"),
    ("What does Add & Norm do in the Transformer?", "add_norm"),
    ("Explain the residual connection and layer normalisation around each Transformer sub-layer", "add_norm"),
    ("What is the position-wise feed-forward network?", "position_wise_ffn"),
    ("Why does the Transformer decoder use masked self-attention?", "masked_attention"),
    ("Compare the complexity of CNN, RNN and self-attention layers", "architecture_complexity"),
    ("What is the maximum path length of a recurrent layer?", "architecture_complexity"),
    ("What is the difference between BERT and GPT?", "pretrained_lm"),
    ("How does BERT's masked language model choose the tokens to mask?", "masked_lm"),
    # transformer, Chinese
    ("简述 Transformer 编码器和解码器的结构", "transformer"),
    ("Transformer 中残差连接与层归一化的作用是什么？", "add_norm"),
    ("简述逐位前馈网络的结构", "position_wise_ffn"),
    ("为什么 Transformer 解码器要使用掩码自注意力？", "masked_attention"),
    ("比较 CNN、RNN 与 Transformer 的每层复杂度、序列操作数和最大路径长度", "architecture_complexity"),
    ("比较 BERT 与 GPT 的异同", "pretrained_lm"),
    ("简述预训练语言模型的预训练-微调范式", "pretrained_lm"),
    ("BERT 的掩码语言模型中为什么不全部替换为 [MASK]？", "masked_lm"),
    # embedding, English
    ("What are the advantages and disadvantages of one-hot encoding?", "one_hot"),
    ("What is a distributed representation of words?", "distributed_representation"),
    ("What is a word embedding?", "word_embedding"),
    ("What problems does the n-gram language model have?", "ngram"),
    ("Describe the neural network language model of Bengio", "nnlm"),
    ("What is the difference between CBOW and skip-gram?", "cbow"),
    ("How does skip-gram generate training pairs?", "skip_gram"),
    ("How does hierarchical softmax reduce the cost to O(log V)?", "hierarchical_softmax"),
    ("Explain negative sampling in word2vec", "negative_sampling"),
    ("What are the two training tricks of word2vec?", "word2vec"),
    # embedding, Chinese
    ("独热编码有哪些优缺点？", "one_hot"),
    ("什么是分布式表示？", "distributed_representation"),
    ("什么是词向量？", "word_embedding"),
    ("n 元语法模型存在哪些问题？", "ngram"),
    ("简述神经网络语言模型的结构", "nnlm"),
    ("NNLM 模型存在什么问题？", "nnlm"),
    ("简述连续词袋模型 CBOW 的原理", "cbow"),
    ("跳词模型如何用中心词预测上下文？", "skip_gram"),
    ("层次 Softmax 如何利用霍夫曼树加速？", "hierarchical_softmax"),
    ("简述负采样的原理", "negative_sampling"),
    ("word2vec 包含哪两种模型？", "word2vec"),
]


@pytest.mark.parametrize("query,expected", SEARCH_CASES)
def test_exam_question_finds_concept_first(bank, query, expected):
    hits = search(bank, query)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].concept_id == expected, f"{query!r} -> {[h.concept_id for h in hits[:3]]}"


def _syllabus():
    from syllabus_data import SYLLABUS

    return SYLLABUS


def test_search_cases_cover_each_topic_in_both_languages(bank):
    syl = _syllabus()
    for topic in TOPICS:
        ids = set(syl[topic])
        en = [q for q, c in SEARCH_CASES if c in ids and q.isascii()]
        zh = [q for q, c in SEARCH_CASES if c in ids and not q.isascii()]
        assert len(en) >= 5 and len(zh) >= 5, topic


# --------------------------------------------------------------------------- 2. reachability



def test_topic_contents(bank):
    syl = _syllabus()
    for topic in TOPICS:
        concepts = [c for c in bank.concepts.values() if c.topic == topic]
        assert {c.id for c in concepts} >= set(syl[topic])
        questions = [q for q in bank.questions.values() if q.id.startswith(topic + ".")]
        assert len(questions) >= 20, topic
        assert sum(q.type == "symbolic" for q in questions) >= 3, topic


# --------------------------------------------------------------------------- 3. formulas: attention

def test_attention_body_example(bank):
    # attention_mechanism body: q = (1, 1), keys = values = (1,0), (0,1), (1,1), d_k = 2
    q = np.array([1.0, 1.0])
    K = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    s = K @ q / math.sqrt(2)
    assert np.allclose(s, [0.707, 0.707, 1.414], atol=5e-4)
    a = _softmax(s)
    assert np.allclose(a, [0.248, 0.248, 0.503], atol=5e-4)
    assert np.allclose(a @ K, [0.752, 0.752], atol=5e-4)
    states(bank, "attention_mechanism", "d_k = 2", "q = (1,1)", "(1,0), (0,1), (1,1)",
           num(s), f"\\approx {num(a)}", f"\\approx ({num(a @ K)})")


def test_softmax_saturation_numbers(bank):
    # scaled_dot_product body: scores (1, 0, -1) and the same times 8
    a = _softmax([1.0, 0.0, -1.0])
    assert np.allclose(a, [0.665, 0.245, 0.090], atol=5e-4)
    assert abs(a[0] * (1 - a[0]) - 0.22) < 0.005
    b = _softmax([8.0, 0.0, -8.0])
    assert np.allclose(b, [0.9997, 0.0003, 0.0000], atol=5e-5)
    assert abs(b[0] * (1 - b[0]) - 0.0003) < 5e-5
    states(bank, "scaled_dot_product", "scores $(1, 0, -1)$", f"({num(a)})",
           f"α(1-α) ≈ {a[0] * (1 - a[0]):.2f}", f"({num(b, digits=4)})",
           f"α(1-α) ≈ {b[0] * (1 - b[0]):.4f}", "∂αᵢ/∂sⱼ = αᵢ(δᵢⱼ-αⱼ)")
    # softmax Jacobian alpha_i (delta_ij - alpha_j) against finite differences
    s = np.array([0.3, -1.2, 0.8])
    J = np.diag(_softmax(s)) - np.outer(_softmax(s), _softmax(s))
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        assert np.allclose((_softmax(s + e) - _softmax(s - e)) / (2 * h), J[:, j], atol=1e-8)


def test_variance_of_dot_product_is_d_k(bank):
    # scaled_dot_product: Var(q^T k) = d_k (std 8 for d_k = 64), Var(q^T k / sqrt(d_k)) = 1
    states(bank, "scaled_dot_product", "Var(qᵀk) = dₖ", "Var(qᵀk/√(dₖ)) = 1",
           f"({math.sqrt(64):.0f} for $d_k = 64$)")
    states(bank, "attention.sym_var_qk", "Var(qᵀk) = d_k σ⁴")
    rng = np.random.default_rng(0)
    for d_k, sigma in ((16, 1.0), (64, 1.0), (64, 0.5)):
        q = rng.normal(0, sigma, size=(6000, d_k))
        k = rng.normal(0, sigma, size=(6000, d_k))
        dots = (q * k).sum(axis=1)
        assert abs(dots.var() / (d_k * sigma**4) - 1) < 0.08
        assert abs((dots / math.sqrt(d_k)).var() / sigma**4 - 1) < 0.08


def test_two_key_weights_question(bank):
    a = _softmax(np.array([[1.0, 0.0], [0.0, 1.0]]) @ np.array([1.0, 2.0]) / math.sqrt(2))
    assert np.allclose(a, [0.330, 0.670], atol=5e-4)
    assert math.isclose(a[0], _sigmoid(1 / math.sqrt(2) - 2 / math.sqrt(2)))
    states(bank, "attention.num_two_key_weights", "q = (1, 2)", f"1/√2 ≈ {1 / math.sqrt(2):.3f}",
           f"2/√2 ≈ {2 / math.sqrt(2):.3f}", f"σ({(1 - 2) / math.sqrt(2):.3f}) ≈ {a[0]:.3f}",
           f"α_2 ≈ {a[1]:.3f}")


def _mha_params(d):
    return 4 * (d * d + d)


def test_multi_head_parameter_count_matches_engine(bank):
    from quizcli.engine.attention import MultiHeadAttention

    for d, h in ((8, 1), (8, 2), (8, 4), (12, 3)):
        layer = MultiHeadAttention(d, h, rng=np.random.default_rng(0))
        assert sum(p.size for p in layer.params.values()) == _mha_params(d)
    assert _mha_params(512) == 1_050_624
    # the question's answer and its distractors: no biases, no W_O, h full-width heads
    states(bank, "attention.mha_params_512", f"{_mha_params(512):,}", f"{4 * 512**2:,}", f"{3 * (512**2 + 512):,}",
           f"{8 * _mha_params(512):,}", f"d_k = 512/8 = {512 // 8}")


def test_positional_encoding_properties(bank):
    d = 16

    def pe(pos):
        out = np.zeros(d)
        i = np.arange(d // 2)
        omega = 10000.0 ** (-2 * i / d)
        out[0::2] = np.sin(pos * omega)
        out[1::2] = np.cos(pos * omega)
        return out, omega

    v, omega = pe(1)
    assert np.allclose(v[:2], [0.841, 0.540], atol=5e-4)
    assert math.isclose(2 * math.pi / omega[0], 2 * math.pi)
    assert np.all(np.diff(omega) < 0)  # low dimensions oscillate fastest
    # PE(pos + k) is a fixed linear map (a rotation per pair) of PE(pos)
    k = 3
    for pos in (0, 5, 17):
        a, _ = pe(pos)
        b, _ = pe(pos + k)
        for i, w in enumerate(omega):
            R = np.array([[math.cos(k * w), math.sin(k * w)], [-math.sin(k * w), math.cos(k * w)]])
            assert np.allclose(R @ a[2 * i:2 * i + 2], b[2 * i:2 * i + 2])
    states(bank, "positional_encoding", f"(\\sin 1, \\cos 1) \\approx ({num(v[:2])})",
           "\\omega_i = 1/10000^{2i/d}", "from $2\\pi$ (for $i = 0$)",
           "a rotation in each sin/cos pair", "$PE_{pos+k}$ is a fixed linear function")


def test_self_attention_is_permutation_equivariant(bank):
    states(bank, "self_attention", "permutation-equivariant",
           "shuffling the inputs shuffles the outputs in the same way")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 4))
    Wq, Wk, Wv = (rng.normal(size=(4, 4)) for _ in range(3))

    def attn(X):
        Q, K, V = X @ Wq, X @ Wk, X @ Wv
        return _softmax(Q @ K.T / 2.0) @ V

    perm = np.array([3, 0, 4, 1, 2])
    assert np.allclose(attn(X[perm]), attn(X)[perm])


# --------------------------------------------------------------------------- transformer

def _ffn_params(d, d_ff):
    return d * d_ff + d_ff + d_ff * d + d


def test_transformer_parameter_counts(bank):
    from quizcli.engine.layers import Dense, LayerNorm

    d, d_ff = 8, 32
    ffn = sum(p.size for lay in (Dense(d, d_ff, rng=np.random.default_rng(0)), Dense(d_ff, d, rng=np.random.default_rng(0))) for p in lay.params.values())
    ln = sum(p.size for p in LayerNorm(d).params.values())
    assert ffn == _ffn_params(d, d_ff) == 8 * d * d + 5 * d
    assert ln == 2 * d
    for d in (8, 64, 512):
        enc = _mha_params(d) + _ffn_params(d, 4 * d) + 2 * 2 * d
        dec = 2 * _mha_params(d) + _ffn_params(d, 4 * d) + 3 * 2 * d
        assert enc == 12 * d * d + 13 * d
        assert dec == 16 * d * d + 19 * d
    assert _ffn_params(512, 2048) == 2_099_712
    states(bank, "transformer.num_encoder_512", f"{_ffn_params(512, 2048):,}", f"LayerNorms 4·512 = {4 * 512:,}",
           f"Total {_mha_params(512) + _ffn_params(512, 2048) + 4 * 512:,}")


def test_causal_mask():
    from quizcli.engine.functional import causal_mask

    for n in range(1, 8):
        assert causal_mask(n).sum() == n * (n + 1) // 2
    rng = np.random.default_rng(2)
    s = rng.normal(size=(4, 4))
    M = np.where(np.tril(np.ones((4, 4), bool)), 0.0, -np.inf)
    a = _softmax(s + M)
    assert np.allclose(a.sum(axis=1), 1.0)
    assert np.all(a[np.triu_indices(4, 1)] == 0.0)


def test_mlm_fractions_and_complexity_example(bank):
    mask, rand = 0.15 * 0.8, 0.15 * 0.1  # of all tokens: replaced by [MASK], by a random token (and as many unchanged)
    states(bank, "masked_lm", "15 % of positions", f"80 % → `[MASK]` ({100 * mask:.0f} % of all tokens)",
           f"10 % → a random token ({100 * rand:.1f} %)", f"10 % → unchanged ({100 * rand:.1f} %)",
           f"0.15 \\times (0.8, 0.1, 0.1) = ({mask:.2f}, {rand:.3f}, {rand:.3f})")
    states(bank, "transformer.mlm_fraction", f"0.15 × 0.8 = {mask:.2f}; 0.15 × 0.1 = {rand:.3f} random; {rand:.3f} unchanged")
    n, d = 50, 512
    assert n * n * d < n * d * d  # self-attention cheaper than RNN when n < d
    states(bank, "architecture_complexity", "cheaper than a recurrent layer when $n < d$",
           f"$n = {n}$, $d = {d}$", "$O(n^2 d)$", "$O(n d^2)$")


# --------------------------------------------------------------------------- embedding

def test_one_hot_geometry_and_lookup(bank):
    V, d = 6, 3
    eye = np.eye(V)
    E = np.arange(V * d, dtype=float).reshape(V, d)
    for i, j in itertools.combinations(range(V), 2):
        assert eye[i] @ eye[j] == 0
        assert math.isclose(np.linalg.norm(eye[i] - eye[j]), math.sqrt(2))
    for i in range(V):
        assert np.array_equal(eye[i] @ E, E[i])
    states(bank, "one_hot", "$e_i^\\top e_j = 0$", "Euclidean distance $\\sqrt 2$")
    states(bank, "word_embedding", f"{10_000:,}×300 = {10_000 * 300:,}", "$e_i^\\top E$")


def test_bigram_and_nnlm_counts(bank):
    states(bank, "ngram", "occurs 100 times", "30 times", f"= {30 / 100}$")
    V, m, N, h = 17, 5, 3, 7
    shapes = {"C": (V, m), "H": (h, N * m), "d": (h,), "U": (V, h), "b": (V,)}
    total = sum(math.prod(s) for s in shapes.values())
    assert total == V * m + N * m * h + h + h * V + V
    # Bengio et al. (2003) with direct connections W: |V|(1 + nm + h) + h(1 + (n-1)m), n = N + 1
    n = N + 1
    assert total + V * N * m == V * (1 + n * m + h) + h * (1 + (n - 1) * m)
    states(bank, "nnlm", "C \\in \\mathbb{R}^{V\\times m}", "x \\in \\mathbb{R}^{(n-1)m}",
           "a = \\tanh(d + Hx)", "y = b + Wx + Ua")
    states(bank, "embedding.sym_nnlm_params", "C: V·m", "H: h·(N·m) plus h biases", "U: V·h plus V biases")


def _skipgram_pairs(T, c):
    return sum(min(c, t) + min(c, T - 1 - t) for t in range(T))


def test_skipgram_pair_counts(bank):
    assert _skipgram_pairs(5, 2) == 14
    edges = " + ".join(str(min(2, t) + min(2, 4 - t)) for t in range(5))
    states(bank, "skip_gram", f"a sentence of 5 words with $c = 2$ gives ${edges} = {_skipgram_pairs(5, 2)}$",
           "$2cT - c(c+1)$ when $T \\geq c$")
    for c in range(1, 6):
        for T in range(c, 30):
            assert _skipgram_pairs(T, c) == 2 * c * T - c * (c + 1)


def _huffman_lengths(freqs):
    heap = [(f, i, [i]) for i, f in enumerate(freqs)]
    heapq.heapify(heap)
    lengths = [0] * len(freqs)
    counter = len(freqs)
    while len(heap) > 1:
        f1, _, a = heapq.heappop(heap)
        f2, _, b = heapq.heappop(heap)
        for leaf in a + b:
            lengths[leaf] += 1
        heapq.heappush(heap, (f1 + f2, counter, a + b))
        counter += 1
    return lengths


def test_huffman_example_and_hierarchical_softmax_normalisation(bank):
    freqs = [0.4, 0.3, 0.2, 0.1]
    lengths = _huffman_lengths(freqs)
    assert lengths == [1, 2, 3, 3]
    assert math.isclose(sum(f * l for f, l in zip(freqs, lengths)), 1.9)
    states(bank, "hierarchical_softmax", f"frequencies {', '.join(map(str, freqs))}",
           f"code lengths {', '.join(map(str, lengths))}, average {sum(f * l for f, l in zip(freqs, lengths)):.1f}",
           f"($\\approx {round(math.log2(1e6))}$ for $V = 10^6$", "$V-1$ internal nodes",
           "the leaf probabilities automatically sum to 1")
    # a random binary tree with V leaves: V - 1 internal nodes, leaf probabilities sum to 1
    rng = np.random.default_rng(3)
    V, dim = 11, 4
    x = rng.normal(size=dim)
    nodes = [("leaf", i) for i in range(V)]
    internal = 0
    while len(nodes) > 1:
        i, j = sorted(rng.choice(len(nodes), 2, replace=False))
        b, a = nodes.pop(j), nodes.pop(i)
        nodes.append(("node", a, b, rng.normal(size=dim)))
        internal += 1
    assert internal == V - 1
    probs = {}

    def walk(node, p):
        if node[0] == "leaf":
            probs[node[1]] = p
            return
        _, left, right, theta = node
        walk(right, p * _sigmoid(x @ theta))
        walk(left, p * (1 - _sigmoid(x @ theta)))

    walk(nodes[0], 1.0)
    assert len(probs) == V and math.isclose(sum(probs.values()), 1.0)


def test_negative_sampling_numbers_and_gradients(bank):
    g = np.array([0.9, 0.1]) ** 0.75
    assert np.allclose(g / g.sum(), [0.839, 0.161], atol=5e-4)
    p = g / g.sum()
    states(bank, "negative_sampling", "frequencies 0.9 and 0.1", f"$\\approx {p[0]:.3f}$ and ${p[1]:.3f}$",
           "P_n(w) \\propto U(w)^{3/4}",
           "\\partial L/\\partial v_c = (\\sigma(u_o^\\top v_c) - 1)\\,u_o + \\sum_i \\sigma(u_{w_i}^\\top v_c)\\,u_{w_i}",
           "\\frac{d}{ds}[-\\log\\sigma(s)] = \\sigma(s) - 1", "\\frac{d}{ds}[-\\log\\sigma(-s)] = \\sigma(s)")
    rng = np.random.default_rng(4)
    v_c, u_o = rng.normal(size=5), rng.normal(size=5)
    U_neg = rng.normal(size=(3, 5))

    def loss(v):
        return -np.log(_sigmoid(u_o @ v)) - np.log(_sigmoid(-(U_neg @ v))).sum()

    grad = (_sigmoid(u_o @ v_c) - 1) * u_o + (_sigmoid(U_neg @ v_c)[:, None] * U_neg).sum(axis=0)
    h = 1e-6
    num = np.array([(loss(v_c + h * e) - loss(v_c - h * e)) / (2 * h) for e in np.eye(5)])
    assert np.allclose(grad, num, atol=1e-6)
    for s in (-2.0, 0.0, 1.5):
        d_pos = (-math.log(_sigmoid(s + h)) + math.log(_sigmoid(s - h))) / (2 * h)
        d_neg = (-math.log(_sigmoid(-(s + h))) + math.log(_sigmoid(-(s - h)))) / (2 * h)
        assert math.isclose(d_pos, _sigmoid(s) - 1, abs_tol=1e-6)
        assert math.isclose(d_neg, _sigmoid(s), abs_tol=1e-6)


# --------------------------------------------------------------------------- model answers

# reference implementations of every symbolic answer, from first principles
SYMBOLIC_REFERENCE = {
    "attention.sym_var_qk": lambda d_k, sigma_: d_k * sigma_**4,
    "attention.sym_mha_params": lambda d: _mha_params(d),
    "attention.sym_pe_frequency": lambda i, d: 1.0 / 10000 ** (2 * i / d),
    "attention.sym_two_keys": lambda s1, s2: _softmax([s1, s2])[0],
    "attention.sym_score_cost": lambda L, d_k: L * L * d_k,
    "transformer.sym_ffn_params": lambda d, d_ff: _ffn_params(d, d_ff),
    "transformer.sym_encoder_layer": lambda d: _mha_params(d) + _ffn_params(d, 4 * d) + 4 * d,
    "transformer.sym_decoder_layer": lambda d: 2 * _mha_params(d) + _ffn_params(d, 4 * d) + 6 * d,
    "transformer.sym_causal_pairs": lambda n: sum(range(1, int(n) + 1)),
    "embedding.sym_skipgram_pairs": lambda c, T: 2 * c * T,
    "embedding.sym_skipgram_pairs_edges": lambda c, T: _skipgram_pairs(int(T), int(c)),
    "embedding.sym_hs_path": lambda V: math.log2(V),
    "embedding.sym_ns_gradient": lambda s: (-math.log(_sigmoid(s + 1e-6)) + math.log(_sigmoid(s - 1e-6))) / 2e-6,
    "embedding.sym_nnlm_params": lambda V, m, N, h: V * m + h * N * m + h + V * h + V,
}

INTEGER_POINTS = {"transformer.sym_causal_pairs", "embedding.sym_skipgram_pairs_edges",
                  "embedding.sym_hs_path"}


def _my_questions(bank):
    return [q for q in bank.questions.values() if q.id.split(".")[0] in TOPICS]


_SAFE_FUNCS = {
    "exp": math.exp, "log": math.log, "ln": math.log, "sqrt": math.sqrt, "abs": abs,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)), "tanh": math.tanh, "sin": math.sin,
    "cos": math.cos, "max": max, "min": min,
}


def _evaluate(answer: str, point: dict) -> float:
    """Evaluate a bank answer (safe grammar: numbers, variables, + - * / ^, whitelisted
    functions) at a point. The grammar itself is validated by `quizcli bank check`; here we
    only need its value, so plain Python arithmetic with no builtins is enough (and avoids
    importing sympy, which would cost a second)."""
    code = compile(answer.replace("^", "**"), "<answer>", "eval")
    assert set(code.co_names) <= set(_SAFE_FUNCS) | set(point), code.co_names
    return float(eval(code, {"__builtins__": {}}, {**_SAFE_FUNCS, **point}))


def test_every_symbolic_answer_matches_reference(bank):
    symbolic = [q for q in _my_questions(bank) if q.type == "symbolic"]
    assert {q.id for q in symbolic} == set(SYMBOLIC_REFERENCE)
    rng = np.random.default_rng(5)
    for q in symbolic:
        ref = SYMBOLIC_REFERENCE[q.id]
        for _ in range(5):
            if q.id == "embedding.sym_skipgram_pairs_edges":
                c = int(rng.integers(1, 5))
                point = {"c": c, "T": int(rng.integers(c, 20))}
            elif q.id == "embedding.sym_hs_path":
                point = {"V": 2 ** int(rng.integers(1, 21))}
            elif q.id in INTEGER_POINTS:
                point = {v: int(rng.integers(1, 20)) for v in q.variables}
            else:
                point = {v: float(rng.uniform(0.5, 3.0)) for v in q.variables}
            got = _evaluate(q.answer, point)
            want = float(ref(**point))
            assert math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-6), (q.id, point, got, want)


def test_numeric_answers(bank):
    expected = {
        "attention.num_two_key_weights": list(_softmax(np.array([1.0, 2.0]) / math.sqrt(2))),
        "transformer.num_encoder_512": _mha_params(512) + _ffn_params(512, 2048) + 4 * 512,
        "embedding.num_skipgram_sentence": _skipgram_pairs(5, 2),
    }
    numeric = {q.id: q for q in _my_questions(bank) if q.type == "numeric"}
    assert set(numeric) == set(expected)
    for qid, want in expected.items():
        got = numeric[qid].answer
        assert np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=5e-4), qid
