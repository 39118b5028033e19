"""Step-by-step grading per family, on hand-computed cases (issue 14): all steps right gives 1;
a wrong first step followed by the later steps computed from it is carried forward; a
misconception entered at a step is named at that step; the hint ladder's rungs come in order.

Sources of the hand-computed numbers:
- backprop_step: Matt Mazur's "A Step by Step Backpropagation Example" (2015), the 2-2-2 sigmoid
  network x = (0.05, 0.10), W1 = [0.15 0.20; 0.25 0.30], b1 = 0.35, W2 = [0.40 0.45; 0.50 0.55],
  b2 = 0.60, t = (0.01, 0.99), η = 0.5: net_h1 = 0.3775, h = (0.593269992, 0.596884378),
  o = (0.75136507, 0.772928465), w5 (W2[1][1]) becomes 0.35891648.
- batchnorm: x = (1, 4, 2, 5), γ = 2, β = 2: μ = 3, σ² = (4 + 1 + 1 + 4)/4 = 2.5, √2.5 = 1.5811,
  x̂ = (−1.2649, 0.6325, −0.6325, 1.2649), y = 2x̂ + 2 = (−0.5298, 3.2649, 0.7351, 4.5298).
- gd_step quadratic f(w) = (w + 3)², w = 3, η = 0.1: ∂f/∂w = 2·(3 + 3) = 12, w ← 3 − 1.2 = 1.8.
- lstm_step:2 (x = 0.5, h = 0.6, c = 0.9; weights in the prompt): z_i = 0.4 − 0.36 + 0.1 = 0.14,
  i = σ(0.14) = 0.5349; f = σ(0.96) = 0.7231; g = tanh(0.11) = 0.1096; o = σ(−1.09) = 0.2516;
  c_t = 0.7231·0.9 + 0.5349·0.1096 = 0.7094; h_t = 0.2516·tanh(0.7094) = 0.1536.
"""
import importlib
import math
from pathlib import Path

import pytest

from quizcli.core.session import Item
from quizcli.generators import generate, solve
from quizcli.generators.base import fmt_answer
from quizcli.study.steps import ask_steps

MAZUR = ["x=0.05,0.10", "w1=0.15,0.20;0.25,0.30", "b1=0.35", "w2=0.40,0.45;0.50,0.55", "b2=0.60",
         "t=0.01,0.99", "lr=0.5", "ask=w2", "entry=1,1"]


class UI:
    def __init__(self, answers):
        self.answers, self.events = list(answers), []

    def ask(self, item):
        return self.answers.pop(0) if self.answers else None

    def invalid(self, item, text, result):
        self.events.append({"event": "invalid"})

    def step_event(self, item, ev):
        self.events.append(ev)

    def outcomes(self):
        return [e["outcome"] for e in self.events if e["event"] == "graded"]


def run(p, answers):
    ui = UI(answers)
    a, _, _ = ask_steps(Item.of_problem(p), ui)
    return a, ui


def typed(v):
    return fmt_answer(v, 8).strip("[]")


CASES = {
    "backprop_step": (lambda: solve("backprop_step", MAZUR),
                      ["0.3775, 0.3925", "0.593269992, 0.596884378", "1.105905967, 1.224921404",
                       "0.75136507, 0.772928465", "0.138498562, -0.038098236", "0.082167041", "0.35891648"]),
    "batchnorm": (lambda: solve("batchnorm", ["x=1,4,2,5", "gamma=2", "beta=2", "eps=0"]),
                  ["3", "2.5", "1.5811", "-1.2649 0.6325 -0.6325 1.2649", "-0.5298 3.2649 0.7351 4.5298"]),
    "gd_step": (lambda: solve("gd_step", ["w=3", "lr=0.1", "a=1", "c=-3"]), ["12", "1.8"]),
    "lstm_step": (lambda: generate("lstm_step", 2), ["0.5349", "0.7231", "0.1096", "0.2516", "0.7094", "0.1536"]),
    "rnn_step": (lambda: generate("rnn_step", 3), ["-0.74, 1.32", "-0.6291, 0.8668"]),
    "softmax_ce_grad": (lambda: generate("softmax_ce_grad", 0), ["0.2595 0.0351 0.7054", "0.2595 0.0351 -0.2946"]),
}


# More hand-computed cases live in step_cases_*.py beside this file (one per group of families),
# each with CASES and MISCONCEPTIONS of the same shape and a docstring naming its sources.
_MORE = [importlib.import_module(p.stem) for p in sorted(Path(__file__).parent.glob("step_cases_*.py"))]
for _mod in _MORE:
    CASES.update(_mod.CASES)


@pytest.mark.parametrize("family", sorted(CASES))
def test_all_steps_right_scores_one(family):
    make, answers = CASES[family]
    p = make()
    assert len(p.chain) == len(answers), [s.id for s in p.chain]
    a, ui = run(p, answers)
    assert [o.correct for o in ui.outcomes()] == [True] * len(answers), [(o.id, o.answer, o.exact) for o in ui.outcomes()]
    assert a.score == 1.0 and a.correct is True


@pytest.mark.parametrize("family", sorted(CASES))
def test_wrong_first_step_then_carried_forward(family):
    p = CASES[family][0]()
    first = p.chain[0]
    wrong = _nudge(first.value)
    env = {first.id: wrong}
    answers = [typed(wrong)]
    for st in p.chain[1:]:
        v = st.recompute(env)
        env[st.id] = v
        answers.append(typed(v))
    a, ui = run(p, answers)
    out = ui.outcomes()
    assert out[0].correct is False and not out[0].carried
    # every later step that depends (through the chain) on the first is carried; the others are right
    for o in out[1:]:
        assert o.carried or o.correct, (o.id, o.answer, o.expected)
    assert any(o.carried for o in out[1:])
    assert math.isclose(a.score, (len(out) - 1) / len(out), abs_tol=1e-4)  # the score is kept to 4 decimals


def _nudge(v):
    if isinstance(v, (list, tuple)):
        return tuple(_nudge(x) for x in v)
    return v * 1.3 + 0.37


MISCONCEPTIONS = [
    # Mazur, step δ_o without the sigmoid's derivative: o − t = (0.74136507, −0.217071535)
    ("backprop_step", 4, "0.74136507, -0.217071535", "no_output_derivative"),
    # Mazur, update with the sign flipped: 0.40 + 0.5·0.082167041 = 0.44108352
    ("backprop_step", 6, "0.44108352", "sign_flipped"),
    # batch norm, variance divided by N − 1: 10/3
    ("batchnorm", 1, "3.3333", "unbiased_variance"),
    # quadratic, the 2 of the square forgotten: 6
    ("gd_step", 0, "6", "forgot_factor_two"),
    # lstm c_t with the gates swapped: f·g + i·c = 0.7231·0.1096 + 0.5349·0.9 = 0.5607
    ("lstm_step", 4, "0.5607", "swapped_f_i"),
]


for _mod in _MORE:
    MISCONCEPTIONS += _mod.MISCONCEPTIONS


@pytest.mark.parametrize("family,index,answer,mid", MISCONCEPTIONS)
def test_misconception_named_at_its_step(family, index, answer, mid):
    make, right = CASES[family]
    answers = right[:index] + [answer]
    a, ui = run(make(), answers)
    o = ui.outcomes()[index]
    assert o.correct is False and o.misconception == mid, (o.id, o.expected)


@pytest.mark.parametrize("family", sorted(CASES))
def test_hint_ladder_in_order(family):
    make, right = CASES[family]
    p = make()
    a, ui = run(p, ["?", "?", "?", "?", right[0]])
    hints = [e for e in ui.events if e["event"] == "hint"]
    assert [h["level"] for h in hints] == [1, 2, 3, 4]
    en = [h["text"].en for h in hints]
    assert en[0].startswith("Rule:") and en[1].startswith("Formula:") and en[2].startswith("With the numbers:")
    assert en[3] == "Step done: " + p.chain[0].text.en
    assert ui.outcomes()[0].hints == 4 and ui.outcomes()[0].credit == 0.0
    assert all(h["text"].zh for h in hints)
