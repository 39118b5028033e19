"""Content tests for the `probabilistic`, `rl` and `seq_generation` topics of the bank
(question_bank/probabilistic.yaml, rl.yaml, seq_generation.yaml).

1. search: exam-style questions in both languages (modelled on the end-of-chapter exercises
   of Qiu Xipeng's nndl, ch. 11, 12, 14 and 15, in our own words) find the intended concept first;
2. every numeric and symbolic model answer is read from the bank and recomputed here from
   its definition by a second route (brute-force enumeration of the distribution, finite
   differences, simulation, a from-scratch beam search or BLEU), and nothing is left unchecked;
3. the formulas and worked numbers stated in the entries' bodies are checked the same way.

Facts checked against: nndl ch. 11–12 (graphical models, Boltzmann machines, RBM, CD, DBN) and
ch. 14–15; Sutton & Barto, Reinforcement Learning (2nd ed., 2018), ch. 3, 4, 6, 13; Hinton (2002)
for contrastive divergence; Papineni et al. (2002), "BLEU: a method for automatic evaluation of
machine translation" — the seven-times-"the" candidate of the clipping test is that paper's own
example (sect. 2.1), the other sentences are ours.
"""
from __future__ import annotations

import itertools
import math
import random
from functools import lru_cache

import numpy as np
import pytest

from bank_text import states
from quizcli.bank.store import load_bank
from quizcli.bank.search import search
from quizcli.engine.activations import softmax as engine_softmax
from quizcli.generators import q_learning_step

TOPICS = ("probabilistic", "rl", "seq_generation")


@lru_cache(maxsize=1)
def bank():
    return load_bank()


def _q(qid):
    return bank().questions[qid]


def _first(query):
    hits = search(bank(), query)
    return hits[0].concept_id if hits else None


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


# --------------------------------------------------------------------------- 1. search

SEARCH_ZH = [
    # probabilistic
    ("什么是概率图模型？它的三个基本问题是什么？", "graphical_models"),
    ("概率图模型中的推断问题有哪些方法？", "graphical_models"),
    ("比较有向图模型与无向图模型", "graphical_models"),
    ("贝叶斯网络中的条件独立性有哪几种基本结构？", "bayesian_network"),
    ("计算贝叶斯网络条件概率表的参数数量", "bayesian_network"),
    ("马尔可夫随机场的联合概率如何分解？什么是配分函数？", "markov_random_field"),
    ("玻尔兹曼机的能量函数是什么？温度 T 起什么作用？", "boltzmann_machine"),
    ("受限玻尔兹曼机的结构有什么特点？写出 p(h|v)", "rbm"),
    ("简述对比散度算法的步骤", "contrastive_divergence"),
    ("深度信念网络如何进行逐层预训练？", "deep_belief_network"),
    ("什么是 d-分离？", "bayesian_network"),
    ("为什么玻尔兹曼机的学习很慢？", "boltzmann_machine"),
    # rl
    ("强化学习与监督学习有什么区别？", "reinforcement_learning"),
    ("马尔可夫决策过程由哪些要素组成？", "mdp"),
    ("推导状态值函数的贝尔曼方程", "value_function"),
    ("写出 Q 学习的更新公式，它为什么是异策略的？", "q_learning"),
    ("SARSA 与 Q 学习有什么区别？", "q_learning"),
    ("深度 Q 网络中经验回放和目标网络的作用是什么？", "dqn"),
    ("推导 REINFORCE 算法的策略梯度", "policy_gradient"),
    ("为什么要在策略梯度中引入基准线？", "policy_gradient"),
    ("演员-评论员算法与 REINFORCE 有什么不同？", "actor_critic"),
    ("什么是探索与利用？ε-贪心策略如何选择动作？", "exploration_exploitation"),
    ("为什么基于值函数的强化学习方法要使用 ε-贪心策略？", "exploration_exploitation"),
    ("蒙特卡罗方法与时序差分方法有什么区别？", "value_function"),
    # seq_generation
    ("什么是自回归生成模型？如何生成序列？", "autoregressive_generation"),
    ("采样温度对生成文本有什么影响？", "autoregressive_generation"),
    ("比较贪心搜索和束搜索", "greedy_beam_search"),
    ("束搜索为什么需要长度归一化？", "greedy_beam_search"),
    ("什么是教师强制？什么是曝光偏差？", "teacher_forcing"),
    ("如何缓解曝光偏差问题？计划采样是什么？", "teacher_forcing"),
    ("语言模型的困惑度如何计算？与交叉熵有什么关系？", "perplexity"),
    ("BLEU 的计算方法是什么？为什么需要长度惩罚？", "bleu"),
    ("为什么 BLEU 使用几何平均？", "bleu"),
    ("证明困惑度等于交叉熵的指数", "perplexity"),
]

SEARCH_EN = [
    # probabilistic
    ("What are the three basic problems of probabilistic graphical models?", "graphical_models"),
    ("What is a v-structure (common effect) in a Bayesian network and why does explaining away happen?", "bayesian_network"),
    ("What is the partition function of a Markov random field?", "markov_random_field"),
    ("What is the Hammersley-Clifford theorem?", "markov_random_field"),
    ("Write the energy function of a Boltzmann machine", "boltzmann_machine"),
    ("Why are the hidden units of an RBM conditionally independent given the visible units?", "rbm"),
    ("How does contrastive divergence approximate the gradient of an RBM?", "contrastive_divergence"),
    ("How is a deep belief network pre-trained layer by layer?", "deep_belief_network"),
    ("What is explaining away?", "bayesian_network"),
    ("What is the Gibbs distribution?", "markov_random_field"),
    # rl
    ("What is the difference between reinforcement learning and supervised learning?", "reinforcement_learning"),
    ("What is the discounted return?", "reinforcement_learning"),
    ("What is the Markov property of a Markov decision process?", "mdp"),
    ("Derive the Bellman equation for the state value function", "value_function"),
    ("Write the Q-learning update rule", "q_learning"),
    ("Why is Q-learning off-policy while SARSA is on-policy?", "q_learning"),
    ("Why does DQN use experience replay and a target network?", "dqn"),
    ("Derive the REINFORCE policy gradient", "policy_gradient"),
    ("Why does subtracting a baseline reduce variance in policy gradient?", "policy_gradient"),
    ("Explain the actor-critic algorithm", "actor_critic"),
    ("What is the advantage function in actor-critic methods?", "actor_critic"),
    ("How does epsilon-greedy balance exploration and exploitation?", "exploration_exploitation"),
    ("What is the multi-armed bandit problem?", "exploration_exploitation"),
    ("What is the difference between Monte Carlo and temporal difference learning?", "value_function"),
    ("What is SARSA?", "q_learning"),
    # seq_generation
    ("What is an autoregressive model and how does it generate text?", "autoregressive_generation"),
    ("What is top-k sampling?", "autoregressive_generation"),
    ("Compare greedy search and beam search decoding", "greedy_beam_search"),
    ("What is beam search?", "greedy_beam_search"),
    ("What is teacher forcing?", "teacher_forcing"),
    ("What is exposure bias and how does scheduled sampling reduce it?", "teacher_forcing"),
    ("How is the perplexity of a language model computed?", "perplexity"),
    ("What is the relation between perplexity and cross-entropy?", "perplexity"),
    ("How is the BLEU score computed, and what is the brevity penalty?", "bleu"),
    ("What is modified n-gram precision in BLEU?", "bleu"),
    ("What is top-p (nucleus) sampling?", "autoregressive_generation"),
]


@pytest.mark.parametrize("query,expected", SEARCH_ZH)
def test_search_zh(query, expected):
    assert _first(query) == expected, [m.concept_id for m in search(bank(), query)[:3]]


@pytest.mark.parametrize("query,expected", SEARCH_EN)
def test_search_en(query, expected):
    assert _first(query) == expected, [m.concept_id for m in search(bank(), query)[:3]]


def test_enough_search_queries_per_topic_and_language():
    for queries in (SEARCH_ZH, SEARCH_EN):
        per_topic = {t: 0 for t in TOPICS}
        for _, cid in queries:
            per_topic[bank().concepts[cid].topic] += 1
        assert all(n >= 5 for n in per_topic.values()), per_topic


def test_topics_are_listed_in_syllabus_order_with_enough_mixed_questions():
    ids = list(bank().topics)
    assert [t for t in ids if t in TOPICS] == list(TOPICS)
    for t in TOPICS:
        qs = bank().questions_in(t)
        kinds = {q.type for q in qs}
        assert len(qs) >= 15, (t, len(qs))
        assert {"short", "truefalse", "numeric"} <= kinds and kinds & {"choice", "multi"}, (t, kinds)
        assert sum(q.type in ("numeric", "symbolic") for q in qs) >= 3, t


# ------------------------------------------------------- 2. model answers, recomputed

# -- probabilistic: small distributions enumerated by brute force

def bm_energy(x, w, b):
    """Boltzmann machine energy −Σ_{i<j} w_ij x_i x_j − Σ_i b_i x_i, written as loops."""
    e = 0.0
    for i in range(len(x)):
        e -= b[i] * x[i]
        for j in range(i + 1, len(x)):
            e -= w[i][j] * x[i] * x[j]
    return e


def rbm_energy(v, h, a, b, W):
    """RBM energy −Σ a_i v_i − Σ b_j h_j − Σ_ij v_i w_ij h_j, written as loops."""
    e = -sum(ai * vi for ai, vi in zip(a, v)) - sum(bj * hj for bj, hj in zip(b, h))
    for i, vi in enumerate(v):
        for j, hj in enumerate(h):
            e -= vi * W[i][j] * hj
    return e


RBM_A = (0.5, -0.5, 0.2)
RBM_B = (-1.0, 0.5)
RBM_W = ((1.0, -1.0), (2.0, 0.0), (0.5, 1.0))


def _bn_params():
    parents = {1: [], 2: [], 3: [1, 2], 4: [3]}
    # a binary node needs one free probability per configuration of its parents
    tables = {k: np.zeros([2] * len(p)) for k, p in parents.items()}
    return sum(t.size for t in tables.values())


def _bn_marginal():
    p1 = {1: 0.3, 0: 0.7}
    p2_given = {1: 0.8, 0: 0.1}
    joint = {(a, c): p1[a] * (p2_given[a] if c else 1 - p2_given[a]) for a in (0, 1) for c in (0, 1)}
    assert sum(joint.values()) == pytest.approx(1.0)
    return sum(p for (a, c), p in joint.items() if c == 1)


MRF_PHI = {(0, 0): 3.0, (0, 1): 1.0, (1, 0): 1.0, (1, 1): 5.0}


def _mrf_p11():
    z = sum(MRF_PHI.values())
    return MRF_PHI[(1, 1)] / z


def _bm_ratio():
    w = [[0, 2, -1], [0, 0, 1], [0, 0, 0]]
    b = [-1, 0.5, 0]
    states = list(itertools.product((0, 1), repeat=3))
    unnorm = {s: math.exp(-bm_energy(s, w, b)) for s in states}
    z = sum(unnorm.values())
    return (unnorm[(1, 1, 0)] / z) / (unnorm[(0, 0, 0)] / z)


def _rbm_p_h1():
    v = (1, 0, 1)
    num = sum(math.exp(-rbm_energy(v, (1, h2), RBM_A, RBM_B, RBM_W)) for h2 in (0, 1))
    den = sum(math.exp(-rbm_energy(v, h, RBM_A, RBM_B, RBM_W)) for h in itertools.product((0, 1), repeat=2))
    return num / den


def _cd1():
    eta = 0.1
    v0, ph0 = np.array([1.0, 0.0]), 0.8
    v1, ph1 = np.array([1.0, 1.0]), 0.6
    return list(eta * (np.outer(v0, [ph0]) - np.outer(v1, [ph1]))[:, 0])


# -- rl

def _return(rewards, gamma):
    g = 0.0
    for r in reversed(rewards):
        g = r + gamma * g
    return g


def bellman_backup(policy, model, v, gamma, optimal=False):
    """One Bellman backup of a state; model[a] = list of (prob, reward, next state)."""
    q = {a: sum(p * (r + gamma * v[s2]) for p, r, s2 in outs) for a, outs in model.items()}
    return max(q.values()) if optimal else sum(policy[a] * q[a] for a in model)


BACKUP_MODEL = {"a1": [(1.0, 1.0, "s1")], "a2": [(1.0, 0.0, "s2")]}
BACKUP_V = {"s1": 2.0, "s2": 4.0}


def trajectory_probability(tau, p0, policy, transition):
    """p(τ) = p(s0) Π_t π(a_t | s_t) p(s_{t+1} | s_t, a_t) for τ = (s0, a0, s1, a1, …, sT)."""
    states, actions = tau[0::2], tau[1::2]
    p = p0[states[0]]
    for t, a in enumerate(actions):
        p *= policy[states[t]][a] * transition[(states[t], a)][states[t + 1]]
    return p


MDP_P0 = {"s0": 1.0}
MDP_PI = {"s0": {"a0": 0.5, "other": 0.5}, "s1": {"a1": 0.6, "other": 0.4}}
MDP_T = {("s0", "a0"): {"s1": 0.8, "s0": 0.2}, ("s1", "a1"): {"s2": 0.5, "s1": 0.5}}


def td_target(r, next_values, gamma, terminal=False):
    """Bootstrapped target r + γ max_a' Q(s', a') (or r + γ V(s') for one value); r if terminal."""
    return r if terminal else r + gamma * max(np.atleast_1d(next_values))


def td_update(table, s, a, target, alpha):
    table[(s, a)] += alpha * (target - table[(s, a)])
    return table[(s, a)]


def _q_learning_value():
    q = {("s", "a"): 2.0, ("s'", "a1"): 3.0, ("s'", "a2"): 5.0}
    target = 1 + 0.9 * max(q[("s'", b)] for b in ("a1", "a2"))
    return td_update(q, "s", "a", target, 0.5)


def _sarsa_value():
    q = {("s", "a"): 2.0, ("s'", "a1"): 3.0, ("s'", "a2"): 5.0}
    return td_update(q, "s", "a", 1 + 0.9 * q[("s'", "a1")], 0.5)


def _numeric_grad(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def _reinforce_step():
    theta, alpha, g = 0.0, 0.1, 2.0
    score = _numeric_grad(lambda t: math.log(sigmoid(t)), theta)
    return theta + alpha * g * score


def epsilon_greedy(q_values, eps):
    """Action probabilities of 'with prob. 1 − ε greedy, with prob. ε uniform', by enumeration."""
    n = len(q_values)
    best = int(np.argmax(q_values))
    probs = [0.0] * n
    probs[best] += 1 - eps
    for a in range(n):
        probs[a] += eps / n
    return probs


def _eps_probs():
    p = epsilon_greedy([0.3, 1.2, -0.5, 0.7], 0.1)
    assert sum(p) == pytest.approx(1.0)
    return [p[1], p[0]]


# -- seq_generation

TABLE = {(): {"A": 0.6, "B": 0.4}, ("A",): {"A": 0.55, "B": 0.45}, ("B",): {"A": 0.9, "B": 0.1}}


def _seq_prob(seq):
    p = 1.0
    for t, tok in enumerate(seq):
        p *= TABLE[tuple(seq[:t])][tok]
    return p


def greedy_decode(length=2):
    seq = ()
    for _ in range(length):
        dist = TABLE[seq]
        seq += (max(dist, key=dist.get),)
    return seq


def beam_decode(k, length=2):
    beams = [((), 0.0)]
    for _ in range(length):
        cands = [(seq + (tok,), lp + math.log(p)) for seq, lp in beams for tok, p in TABLE[seq].items()]
        beams = sorted(cands, key=lambda c: -c[1])[:k]
    return beams[0][0]


def exhaustive_best(length=2):
    return max(itertools.product("AB", repeat=length), key=_seq_prob)


def ngrams(words, n):
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def modified_precision(candidate, references, n):
    """Papineni et al. (2002), eq. in sect. 2.1: clipped n-gram counts over candidate n-grams."""
    from collections import Counter

    cand = Counter(ngrams(candidate.split(), n))
    max_ref = Counter()
    for ref in references:
        for g, c in Counter(ngrams(ref.split(), n)).items():
            max_ref[g] = max(max_ref[g], c)
    clipped = sum(min(c, max_ref[g]) for g, c in cand.items())
    return clipped / sum(cand.values())


def brevity_penalty(c, r):
    return 1.0 if c > r else math.exp(1 - r / c)


def bleu(candidate, references, n_max=4):
    c = len(candidate.split())
    r = min((len(x.split()) for x in references), key=lambda L: (abs(L - c), L))
    ps = [modified_precision(candidate, references, n) for n in range(1, n_max + 1)]
    if min(ps) == 0:
        return 0.0
    return brevity_penalty(c, r) * math.exp(sum(math.log(p) for p in ps) / n_max)


def _perplexity(probs):
    return math.exp(-sum(math.log(p) for p in probs) / len(probs))


NUMERIC_REFERENCE = {
    "probabilistic.bn_params_count": _bn_params,
    "probabilistic.bn_marginal": _bn_marginal,
    "probabilistic.mrf_probability": _mrf_p11,
    "probabilistic.bm_energy_ratio": _bm_ratio,
    "probabilistic.rbm_energy": lambda: rbm_energy((1, 0, 1), (1, 1), RBM_A, RBM_B, RBM_W),
    "probabilistic.rbm_hidden_prob": _rbm_p_h1,
    "probabilistic.cd1_update": _cd1,
    "rl.discounted_return": lambda: _return([1, 0, 2, 3], 0.9),
    "rl.trajectory_probability": lambda: trajectory_probability(("s0", "a0", "s1", "a1", "s2"), MDP_P0, MDP_PI, MDP_T),
    "rl.bellman_backup": lambda: bellman_backup({"a1": 0.5, "a2": 0.5}, BACKUP_MODEL, BACKUP_V, 0.9),
    "rl.q_update_value": _q_learning_value,
    "rl.sarsa_update_value": _sarsa_value,
    "rl.dqn_target_value": lambda: td_target(1.0, [2.0, 4.0], 0.99),
    "rl.reinforce_step": _reinforce_step,
    "rl.td_error_value": lambda: td_target(1.0, 3.0, 0.9) - 2.0,
    "rl.epsilon_greedy_probs": _eps_probs,
    "seq_generation.beam_example_greedy": lambda: _seq_prob(greedy_decode()),
    "seq_generation.beam_example_beam": lambda: _seq_prob(beam_decode(2)),
    "seq_generation.sentence_probability": lambda: math.exp(sum(map(math.log, (0.2, 0.5, 0.4)))),
    "seq_generation.temperature_value": lambda: float(engine_softmax(np.array([2.0, 1.0, 0.0]), temperature=0.5)[0]),
    "seq_generation.perplexity_value": lambda: _perplexity([0.5, 0.25, 0.125]),
    "seq_generation.perplexity_from_ce": lambda: _perplexity([1 / 8] * 5),  # a model with CE = 3 bits
    "seq_generation.bleu_clipped_precision": lambda: modified_precision(
        "the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"], 1),
    "seq_generation.bleu_brevity_penalty": lambda: brevity_penalty(8, 10),
    "seq_generation.bleu2_value": lambda: bleu("the cat sat on the mat", ["the cat is on the mat"], n_max=2),
}


def _rbm_h_given_v_brute(v1, v2, w1, w2, b):
    def e(h):
        return -(b * h + w1 * v1 * h + w2 * v2 * h)  # visible biases cancel in the conditional
    return math.exp(-e(1)) / (math.exp(-e(0)) + math.exp(-e(1)))


def _ppl_from_ce(v):
    # a random sequence of token probabilities whose cross-entropy (nats) is v["H"]
    rng = np.random.default_rng(int(v["H"] * 1000))
    p = rng.uniform(0.05, 0.95, size=7)
    p = np.exp(np.log(p) * v["H"] / -np.mean(np.log(p)))  # rescale logs so the mean NLL is H
    return _perplexity(list(p))


SYMBOLIC_REFERENCE = {
    "probabilistic.rbm_conditional_symbolic": lambda v: _rbm_h_given_v_brute(v["v1"], v["v2"], v["w1"], v["w2"], v["b"]),
    "rl.constant_reward_return": lambda v: _return([v["r"]] * 3000, v["gamma"]),
    "rl.bernoulli_policy_grad": lambda v: _numeric_grad(lambda t: math.log(sigmoid(t)), v["theta"]),
    "rl.epsilon_greedy_symbolic": lambda v: max(epsilon_greedy([0.0] * (int(v["n"]) - 1) + [1.0], v["epsilon"])),
    "seq_generation.perplexity_symbolic": lambda v: _perplexity([v["p1"], v["p2"]]),
    "seq_generation.perplexity_ce_symbolic": _ppl_from_ce,
}


def _point(var, rng):
    if var in ("gamma", "epsilon", "p1", "p2"):
        return rng.uniform(0.05, 0.9)
    if var == "n":
        return float(rng.randint(2, 8))
    if var in ("v1", "v2"):
        return float(rng.randint(0, 1))
    if var == "H":
        return rng.uniform(0.2, 4.0)
    return rng.uniform(-2.0, 2.0)


def test_every_numeric_and_symbolic_question_is_recomputed():
    qs = [q for t in TOPICS for q in bank().questions_in(t)]
    assert {q.id for q in qs if q.type == "numeric"} == set(NUMERIC_REFERENCE)
    assert {q.id for q in qs if q.type == "symbolic"} == set(SYMBOLIC_REFERENCE)


@pytest.mark.parametrize("qid", sorted(NUMERIC_REFERENCE))
def test_numeric_answer_matches_its_definition(qid):
    q = _q(qid)
    expected = np.atleast_1d(np.asarray(NUMERIC_REFERENCE[qid](), dtype=float))
    given = np.atleast_1d(np.asarray(q.answer, dtype=float))
    assert given.shape == expected.shape, (qid, given, expected)
    # within the question's own grading tolerance, and that tolerance is tight
    assert np.all(np.abs(given - expected) <= np.maximum(q.atol, q.rtol * np.abs(expected))), (qid, given, expected)
    assert np.all(np.abs(given - expected) <= 1e-3 * np.maximum(1, np.abs(expected))), (qid, given, expected)


@pytest.mark.parametrize("qid", sorted(SYMBOLIC_REFERENCE))
def test_symbolic_answer_matches_its_definition(qid):
    import sympy
    from quizcli.grading.symbolic import parse_expression

    q = _q(qid)
    expr = parse_expression(q.answer, list(q.variables))
    syms = {s.name: s for s in expr.free_symbols}
    rng = random.Random(qid)
    for _ in range(12):
        point = {v: _point(v, rng) for v in q.variables}
        got = float(expr.subs({syms[v]: sympy.Float(point[v]) for v in syms}))
        assert got == pytest.approx(SYMBOLIC_REFERENCE[qid](point), rel=1e-5, abs=1e-6), (qid, point)


# ----------------------------------------------------------- 3. formulas of the entries

def test_boltzmann_conditional_is_a_sigmoid_and_tends_to_a_step_as_T_falls():
    # what boltzmann_machine and probabilistic.bm_temperature state, checked below by enumeration
    states(bank(), "boltzmann_machine", r"p(x) = \exp(-E(x)/T)/Z", "E(x) = −Σ_{i<j} w_ij x_i x_j − Σ_i b_i x_i",
           r"p(x_i = 1 \mid x_{\setminus i}) = \sigma\left(\frac{\sum_j w_{ij} x_j + b_i}{T}\right)",
           "Each unit turns on with probability σ((Σ_j w_ij x_j + b_i)/T)", "每个单元以概率 σ((Σ_j w_ij x_j + b_i)/T) 取 1",
           r"As $T \to 0$ the update becomes the deterministic threshold rule of a Hopfield network",
           r"$T \to 0$ 时更新退化为 Hopfield 网络的确定性阈值规则")
    states(bank(), "probabilistic.bm_temperature", "for large T the argument is near 0 and the probability near 1/2",
           "T 很大时自变量接近 0，概率接近 1/2", "a step function", "成为阶跃函数")
    rng = np.random.default_rng(1)
    n = 4
    w = np.triu(rng.normal(size=(n, n)), 1)
    b = rng.normal(size=n)
    W = w + w.T
    for T in (0.5, 1.0, 3.0):
        configs = list(itertools.product((0, 1), repeat=n))
        p = {s: math.exp(-bm_energy(s, w, b) / T) for s in configs}
        for s in configs:
            for i in range(n):
                on, off = list(s), list(s)
                on[i], off[i] = 1, 0
                brute = p[tuple(on)] / (p[tuple(on)] + p[tuple(off)])
                formula = sigmoid((W[i] @ np.array(s, float) - W[i, i] * s[i] + b[i]) / T)
                assert brute == pytest.approx(formula)
    # large T: close to 1/2; small T: a step (Hopfield threshold rule)
    assert sigmoid(0.7 / 1e3) == pytest.approx(0.5, abs=1e-3)
    assert sigmoid(0.7 / 1e-3) == pytest.approx(1.0) and sigmoid(-0.7 / 1e-3) == pytest.approx(0.0)


def test_rbm_conditionals_factorise_into_sigmoids():
    # the claims of rbm, checked below by enumerating the joint distribution
    states(bank(), "rbm", "E(v, h) = −aᵀv − bᵀh − vᵀWh", "p(h_j = 1 | v) = σ(b_j + Σ_i w_ij v_i)",
           "p(v_i = 1 | h) = σ(a_i + Σ_j w_ij h_j)", "the units of one layer are independent given the other",
           "给定一层时另一层的单元相互独立")
    rng = np.random.default_rng(2)
    a, b, W = rng.normal(size=3), rng.normal(size=2), rng.normal(size=(3, 2))
    hs = list(itertools.product((0, 1), repeat=2))
    vs = list(itertools.product((0, 1), repeat=3))
    for v in vs:
        un = {h: math.exp(-rbm_energy(v, h, a, b, W)) for h in hs}
        z = sum(un.values())
        for h in hs:  # p(h | v) = Π_j p(h_j | v), each a sigmoid
            prod = math.prod(sigmoid(b[j] + np.dot(W[:, j], v)) if h[j] else 1 - sigmoid(b[j] + np.dot(W[:, j], v))
                             for j in range(2))
            assert un[h] / z == pytest.approx(prod)
    for h in hs:
        un = {v: math.exp(-rbm_energy(v, h, a, b, W)) for v in vs}
        z = sum(un.values())
        p_v0_on = sum(p for v, p in un.items() if v[0]) / z
        assert p_v0_on == pytest.approx(sigmoid(a[0] + np.dot(W[0], h)))


def test_rbm_likelihood_gradient_is_data_minus_model_expectation():
    """The gradient CD approximates: ∂ log p(v)/∂w_ij = E_p(h|v)[v_i h_j] − E_model[v_i h_j]."""
    states(bank(), "contrastive_divergence",
           r"\frac{\partial \log p(v)}{\partial w_{ij}} = \mathbb{E}_{p(h \mid v)}[v_i h_j] - \mathbb{E}_{p(v', h')}[v'_i h'_j]",
           r"The first (positive, data) term is exact: $v_i\, p(h_j = 1 \mid v)$",
           r"第一项（正相、数据项）可以精确计算：$v_i\, p(h_j = 1 \mid v)$")
    rng = np.random.default_rng(3)
    a, b, W = rng.normal(size=3), rng.normal(size=2), rng.normal(size=(3, 2))
    vs = list(itertools.product((0, 1), repeat=3))
    hs = list(itertools.product((0, 1), repeat=2))
    v_data = (1, 0, 1)

    def log_p(Wm):
        joint = {(v, h): math.exp(-rbm_energy(v, h, a, b, Wm)) for v in vs for h in hs}
        z = sum(joint.values())
        return math.log(sum(joint[(v_data, h)] for h in hs) / z)

    joint = {(v, h): math.exp(-rbm_energy(v, h, a, b, W)) for v in vs for h in hs}
    z = sum(joint.values())
    for i in range(3):
        for j in range(2):
            ph = sigmoid(b[j] + np.dot(W[:, j], v_data))
            data_term = v_data[i] * ph
            model_term = sum(p * v[i] * h[j] for (v, h), p in joint.items()) / z
            E = np.zeros_like(W)
            E[i, j] = 1e-6
            fd = (log_p(W + E) - log_p(W - E)) / 2e-6
            assert fd == pytest.approx(data_term - model_term, abs=1e-6)


def test_worked_numbers_in_the_probabilistic_entries():
    # chain x1 → x2 → x3 → x4: 1 + 2 + 2 + 2 = 7 parameters instead of 2^4 − 1 = 15
    parents = ([], [1], [2], [3])  # one free probability per configuration of a node's parents
    states(bank(), "bayesian_network", f"$x_1 \\to x_2 \\to x_3 \\to x_4$ needs ${' + '.join(str(2 ** len(p)) for p in parents)} = "
           f"{sum(2 ** len(p) for p in parents)}$ instead of $2^4 - 1 = {2 ** 4 - 1}$")
    # MRF example: Z = 10, p(x1 = x2) = 0.8
    z = sum(MRF_PHI.values())
    assert z == 10 and (MRF_PHI[(0, 0)] + MRF_PHI[(1, 1)]) / z == pytest.approx(0.8)
    # Boltzmann example: E(1,1,0) = −1.5; the ratio does not need Z
    assert bm_energy((1, 1, 0), [[0, 2, -1], [0, 0, 1], [0, 0, 0]], [-1, 0.5, 0]) == pytest.approx(-1.5)
    assert _bm_ratio() == pytest.approx(math.exp(1.5))
    # RBM body: p(h1 = 1 | v) = σ(0.5) ≈ 0.622; Bayes rule in the marginal question: 0.24/0.31
    assert sigmoid(-1 + 1 + 0.5) == pytest.approx(0.6225, abs=1e-4) == _rbm_p_h1()
    assert 0.24 / _bn_marginal() == pytest.approx(0.774, abs=1e-3)
    for text in (bank().concepts["rbm"].body.en, bank().concepts["contrastive_divergence"].body.en):
        assert "0.622" in text or "(0.02, -0.06)" in text


def test_worked_numbers_in_the_rl_entries():
    assert _return([1, 0, 2, 3], 0.9) == pytest.approx(4.807)
    assert td_target(1.0, [2.0, 4.0], 0.99, terminal=True) == 1.0  # terminal: the target is r alone
    # the MDP example's distributions are normalised
    assert all(sum(d.values()) == pytest.approx(1.0) for d in (*MDP_PI.values(), *MDP_T.values()))
    assert "4.807" in bank().concepts["reinforcement_learning"].body.en
    # optimality backup of the value-function example: max(2.8, 3.6) = 3.6
    assert bellman_backup(None, BACKUP_MODEL, BACKUP_V, 0.9, optimal=True) == pytest.approx(3.6)
    # geometric series r/(1 − γ): r = 1, γ = 0.9 gives 10
    assert _return([1.0] * 5000, 0.9) == pytest.approx(10.0)
    # REINFORCE example: σ(0.1) ≈ 0.525
    assert sigmoid(_reinforce_step()) == pytest.approx(0.525, abs=1e-3)
    # the alternative ε-greedy definition (random among the non-greedy actions)
    eps, n = 0.1, 4
    assert (1 - eps) + (n - 1) * eps / (n - 1) == pytest.approx(1.0)


@pytest.mark.slow  # a real browser or an exhaustive sweep: the fast run keeps under two minutes
def test_q_learning_finds_the_value_iteration_optimum_and_sarsa_is_on_policy():
    """Tabular Q-learning with ε-greedy behaviour converges to Q* of the Bellman optimality
    equation (computed by value iteration); SARSA on the same data converges to the value of
    the ε-greedy policy, which is lower."""
    states(bank(), "value_function",
           r"Q^*(s, a) = \sum_{s'} p(s' \mid s, a)\left[r + \gamma \max_{a'} Q^*(s', a')\right]",
           "the optimality equation as an update = value iteration", "把最优方程当作更新式 = 值迭代")
    states(bank(), "q_learning",
           "In the tabular case it converges to $Q^*$ with probability 1", "它以概率 1 收敛到 $Q^*$",
           r"$\sum \alpha_t = \infty$, $\sum \alpha_t^2 < \infty$",
           "so it learns the value of the ε-greedy policy itself", "因此学到的是 ε-贪心策略本身的值")
    # two states, two actions; P[s][a] = [(prob, next, reward)]
    P = {0: {0: [(1.0, 0, 0.0)], 1: [(0.8, 1, 1.0), (0.2, 0, 0.0)]},
         1: {0: [(1.0, 0, 2.0)], 1: [(1.0, 1, 0.5)]}}
    gamma = 0.9
    q_star = np.zeros((2, 2))
    for _ in range(2000):
        q_star = np.array([[sum(p * (r + gamma * q_star[s2].max()) for p, s2, r in P[s][a]) for a in (0, 1)]
                           for s in (0, 1)])
    rng = random.Random(0)

    def step(s, a):
        u, acc = rng.random(), 0.0
        for p, s2, r in P[s][a]:
            acc += p
            if u <= acc:
                return s2, r
        return P[s][a][-1][1], P[s][a][-1][2]

    def act(q, s, eps=0.2):
        return rng.randrange(2) if rng.random() < eps else int(np.argmax(q[s]))

    for algo in ("q", "sarsa"):
        q = np.zeros((2, 2))
        s, a = 0, 0
        for t in range(1, 200001):
            s2, r = step(s, a)
            a2 = act(q, s2)
            target = r + gamma * (q[s2].max() if algo == "q" else q[s2, a2])
            alpha = 0.5 / (1 + t / 5000)
            if t <= 300:        # the update is the one quizcli's q_learning_step family drills
                family = q_learning_step.solve({
                    "q": tuple(map(tuple, q.tolist())), "s": s + 1, "a": a + 1, "r": r, "s_next": s2 + 1,
                    "a_next": a2 + 1, "alpha": alpha, "gamma": gamma,
                    "method": "qlearning" if algo == "q" else "sarsa"}).answer
            q[s, a] += alpha * (target - q[s, a])
            if t <= 300:
                assert family == pytest.approx(q[s, a], rel=1e-9, abs=1e-9), (algo, t)
            s, a = s2, a2
        if algo == "q":
            assert np.allclose(q, q_star, atol=0.15), (q, q_star)
        else:
            assert q.max() < q_star.max() - 0.1  # the ε-greedy policy is worth less than π*


def test_policy_gradient_identity_and_baseline_on_a_bandit():
    """∇J = E_a[r(a) ∇ log π(a)] for a softmax policy, and E_a[b ∇ log π(a)] = 0 (baseline)."""
    rng = np.random.default_rng(4)
    theta, rewards = rng.normal(size=3), np.array([1.0, -0.5, 2.0])

    def pi(th):
        return engine_softmax(th)

    def J(th):
        return float(pi(th) @ rewards)

    grad_fd = np.array([(J(theta + e) - J(theta - e)) / 2e-6 for e in np.eye(3) * 1e-6])
    p = pi(theta)
    score = np.eye(3) - p  # row a: ∇_θ log π(a) = onehot(a) − π
    assert grad_fd == pytest.approx(sum(p[a] * rewards[a] * score[a] for a in range(3)), abs=1e-6)
    assert sum(p[a] * 7.3 * score[a] for a in range(3)) == pytest.approx(np.zeros(3), abs=1e-12)
    # the baseline changes the variance of the single-sample estimate, not its mean; with
    # returns far from zero (here all about 10 larger) subtracting V = E[r] helps a lot
    rewards = rewards + 10.0
    var = {}
    for b in (0.0, float(p @ rewards)):
        samples = np.array([(rewards[a] - b) * score[a] for a in range(3)])
        mean = p @ samples
        assert mean == pytest.approx(grad_fd, abs=1e-6)
        var[b] = float(p @ ((samples - mean) ** 2).sum(axis=1))
    assert var[float(p @ rewards)] < 0.05 * var[0.0]


def test_worked_numbers_in_the_seq_generation_entries():
    # beam example: greedy AA 0.33 < beam BA 0.36 = exhaustive optimum
    assert greedy_decode() == ("A", "A") and beam_decode(2) == ("B", "A") == exhaustive_best()
    assert {"".join(s): round(_seq_prob(s), 4) for s in itertools.product("AB", repeat=2)} == \
        {"AA": 0.33, "AB": 0.27, "BA": 0.36, "BB": 0.04}
    assert beam_decode(1) == greedy_decode()  # K = 1 is greedy search
    # perplexity body: 64^(1/3) = 4 = e^(2 ln 2); a uniform model over V words has perplexity V
    assert _perplexity([0.5, 0.25, 0.125]) == pytest.approx(4.0) == pytest.approx(math.exp(2 * math.log(2)))
    assert _perplexity([1 / 50] * 9) == pytest.approx(50)
    # temperature: T = 1 gives 0.665; lower T moves towards argmax
    z = np.array([2.0, 1.0, 0.0])
    assert float(engine_softmax(z)[0]) == pytest.approx(0.665, abs=1e-3)
    tops = [float(engine_softmax(z, temperature=t)[0]) for t in (2.0, 1.0, 0.5, 0.1)]
    assert tops == sorted(tops) and tops[-1] > 0.9999
    # BLEU body: plain unigram precision of the degenerate candidate is 7/7, clipped 2/7;
    # BP(8, 10) ≈ 0.779; BLEU-2 of the cat sentence √0.5; BP = 1 when the candidate is longer
    words = "the the the the the the the".split()
    assert sum(w in "the cat is on the mat".split() for w in words) / len(words) == 1.0
    assert brevity_penalty(8, 10) == pytest.approx(0.779, abs=1e-3) and brevity_penalty(12, 10) == 1.0
    assert modified_precision("the cat sat on the mat", ["the cat is on the mat"], 1) == pytest.approx(5 / 6)
    assert modified_precision("the cat sat on the mat", ["the cat is on the mat"], 2) == pytest.approx(3 / 5)
    assert bleu("the cat sat on the mat", ["the cat is on the mat"], 2) == pytest.approx(math.sqrt(0.5))
    # a single zero precision makes the geometric mean (and BLEU-4 of a short sentence) zero
    assert bleu("the cat sat on the mat", ["the cat is on the mat"], 4) == 0.0
    assert "0.707" in bank().concepts["bleu"].body.en and "0.36" in bank().concepts["greedy_beam_search"].body.en


# the forms a student writes are graded as the model answer; the classic slips are not
STUDENT_FORMS = {
    "rl.bernoulli_policy_grad": (["1/(1+exp(theta))", "sigmoid(-theta)", "1 - s"], ["sigmoid(theta)", "s*(1 - s)"]),
    "seq_generation.perplexity_symbolic": (["(p1*p2)^(-1/2)", "exp(-(log(p1)+log(p2))/2)"], ["1/(p1*p2)", "-(log(p1)+log(p2))/2"]),
    "rl.constant_reward_return": (["r*(1/(1-gamma))"], ["r*gamma/(1-gamma)", "r/gamma"]),
    "rl.epsilon_greedy_symbolic": (["1 - epsilon*(n-1)/n"], ["1 - epsilon", "epsilon/n"]),
    "probabilistic.rbm_conditional_symbolic": (["1/(1+exp(-(b+w1*v1+w2*v2)))"], ["sigmoid(w1*v1 + w2*v2)", "exp(b+w1*v1+w2*v2)"]),
    "seq_generation.perplexity_ce_symbolic": (["e^H"], ["2^H", "H"]),
}


@pytest.mark.parametrize("qid", sorted(STUDENT_FORMS))
def test_symbolic_questions_accept_equivalent_forms_and_reject_slips(qid):
    from quizcli.grading.symbolic import grade_symbolic

    q = _q(qid)
    right, wrong = STUDENT_FORMS[qid]
    for text in right:
        assert grade_symbolic(text, q.answer, q.variables, substitutions=dict(q.substitutions)).correct, text
    for text in wrong:
        assert not grade_symbolic(text, q.answer, q.variables, substitutions=dict(q.substitutions)).correct, text
