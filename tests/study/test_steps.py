"""Step-by-step calculations (issue 14): each step graded at once, error carried forward,
mistakes named at their step, the hint ladder, the score recorded with the answer.

Hand-computed cases:
- rnn_step:3: W_xh = [-0.1; -0.9], W_hh = [1 -1; 0.7 0.3], b = (-0.2, 0.3), x = -0.6,
  h = (0.3, 0.9): a = (0.06 + 0.3 − 0.9 − 0.2, 0.54 + 0.21 + 0.27 + 0.3) = (−0.74, 1.32);
  h_t = (tanh −0.74, tanh 1.32) = (−0.6291, 0.8668).
- softmax_ce_grad:0: z = (0, −2, 1), target class 3: e^z = (1, 0.1353, 2.7183), sum 3.8536,
  ŷ = (0.2595, 0.0351, 0.7054); ∂L/∂z = ŷ − (0, 0, 1) = (0.2595, 0.0351, −0.2946).
"""
import json
import math
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import problem
from quizcli.core.session import Item
from quizcli.study.drill import run_drill
from quizcli.study.steps import StepMode, ask_steps, hint_rung

runner = CliRunner()


class FakeUI:
    def __init__(self, answers):
        self.answers = list(answers)
        self.events = []

    def ask(self, item):
        return self.answers.pop(0) if self.answers else None

    def invalid(self, item, text, result):
        self.events.append({"event": "invalid", "answer": text})

    def step_event(self, item, ev):
        self.events.append(ev)

    def graded(self):
        return [e["outcome"] for e in self.events if e["event"] == "graded"]


def _item(pid):
    return Item.of_problem(problem(pid))


def run(pid, answers):
    ui = FakeUI(answers)
    a, _, stop = ask_steps(_item(pid), ui)
    return a, ui


def test_rnn_all_steps_right_scores_one():
    a, ui = run("rnn_step:3", ["-0.74, 1.32", "-0.6291, 0.8668"])
    assert [e["index"] for e in ui.events if e["event"] == "step"] == [1, 2]
    assert all(o.correct and not o.carried for o in ui.graded())
    assert a.score == 1.0 and a.correct is True and a.rating == "good" and a.hints == 0
    assert len(a.steps) == 2 and a.steps[0]["correct"] is True


def test_rnn_wrong_first_step_carries_forward():
    # a typed as (0, 1): the student's h_t from it is (tanh 0, tanh 1) = (0, 0.7616)
    a, ui = run("rnn_step:3", ["0, 1", "0, 0.7616"])
    first, second = ui.graded()
    assert first.correct is False and first.carried is False
    assert second.correct is False and second.carried is True and second.off == ("a",)
    assert math.isclose(second.expected[1], math.tanh(1.0), rel_tol=1e-12)
    assert a.score == 0.5 and a.correct is False and a.rating == "hard"


def test_rnn_misconception_named_at_its_step():
    # forgetting tanh: h_t typed as the pre-activation itself
    a, ui = run("rnn_step:3", ["-0.74, 1.32", "-0.74, 1.32"])
    assert ui.graded()[1].misconception == "forgot_tanh"
    # leaving out the recurrent term at step 1: a = (0.06 − 0.2, 0.54 + 0.3) = (−0.14, 0.84)
    a, ui = run("rnn_step:3", ["-0.14, 0.84", "q"])
    assert ui.graded()[0].misconception == "no_recurrent_term"
    assert a.misconception == "no_recurrent_term"


def test_softmax_ce_grad_steps_and_carry():
    a, ui = run("softmax_ce_grad:0", ["0.2595 0.0351 0.7054", "0.2595 0.0351 -0.2946"])
    assert a.score == 1.0
    # a wrong ŷ = (0.2, 0.1, 0.7), then ŷ − y from it = (0.2, 0.1, −0.3): carried
    a, ui = run("softmax_ce_grad:0", ["0.2 0.1 0.7", "0.2 0.1 -0.3"])
    assert [o.carried for o in ui.graded()] == [False, True] and a.score == 0.5
    # sign flipped at step 2, named there
    a, ui = run("softmax_ce_grad:0", ["0.2595 0.0351 0.7054", "-0.2595 -0.0351 0.2946"])
    assert ui.graded()[1].misconception == "sign_flipped" and a.score == 0.5
    # the logits copied as probabilities at step 1
    a, ui = run("softmax_ce_grad:0", ["0 -2 1", "q"])
    assert ui.graded()[0].misconception == "no_softmax"


def test_hint_ladder_in_order_and_costs_credit():
    a, ui = run("rnn_step:3", ["?", "?", "?", "?", "?", "-0.74 1.32", "?", "-0.6291 0.8668"])
    hints = [e for e in ui.events if e["event"] == "hint"]
    assert [(h["step"], h["level"]) for h in hints] == [(1, 1), (1, 2), (1, 3), (1, 4), (1, 4), (2, 1)]
    st = problem("rnn_step:3").chain[0]
    assert [h["text"].en for h in hints[:4]] == [hint_rung(_item("rnn_step:3"), st, k).en for k in (1, 2, 3, 4)]
    assert hints[0]["text"].en.startswith("Rule:") and hints[1]["text"].en.startswith("Formula:")
    assert "(-0.1) \\cdot (-0.6)" in hints[2]["text"].en and hints[3]["text"].en.startswith("Step done:")
    # step 1: all four rungs → no credit; step 2: one rung → 0.75
    assert a.hints == 5 and a.score == (0.0 + 0.75) / 2
    assert [s["credit"] for s in a.steps] == [0.0, 0.75]


def test_garbage_is_asked_again_and_skip_marks_the_step():
    a, ui = run("rnn_step:3", ["abc", "s", "-0.6291 0.8668"])
    assert ui.events[1]["event"] == "invalid"
    o1, o2 = ui.graded()
    assert o1.skipped and not o1.correct and o2.correct
    assert a.score == 0.5


def test_family_without_declared_steps_is_one_final_step():
    import dataclasses

    # conv_output declares its steps now; a problem whose solve gives no chain is one final step
    p = dataclasses.replace(problem("conv_output:7"), chain=(), answer_of=())
    ui = FakeUI([p.answer_text])
    a, _, _ = ask_steps(Item.of_problem(p), ui)
    assert len(ui.graded()) == 1 and ui.graded()[0].id == "answer" and a.score == 1.0


def test_run_drill_hook_asks_step_by_step_and_records():
    recorded = []

    class Rec:
        def record(self, a):
            recorded.append(a)

    class UI(FakeUI):
        def show_item(self, item, i, n): pass
        def feedback(self, item, a, r): pass
        def summary(self, s): self.s = s
        def warn(self, en, zh): pass

    ui = UI(["-0.74 1.32", "-0.6291 0.8668", "0 -2 1", "0 -2 0"])
    s = run_drill([_item("rnn_step:3"), _item("softmax_ce_grad:0")], ui, Rec(), steps=StepMode())
    assert [a.score for a in recorded] == [1.0, 0.5] and [a.score for a in s.answered] == [1.0, 0.5]
    assert recorded[1].misconception == "no_softmax" and recorded[1].steps[1]["carried"] is True


def _drill(args, answers, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZCLI_HOME", str(tmp_path))
    r = runner.invoke(app, ["drill", *args, "--json"], input="".join(a + "\n" for a in answers))
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.output.splitlines() if line.strip()]


def test_cli_json_events(tmp_path, monkeypatch):
    ev = _drill(["--item", "rnn_step:3", "--steps"], ["0, 1", "?", "0 0.7616"], tmp_path, monkeypatch)
    steps = [e for e in ev if e["event"] == "step"]
    assert [(e["index"], e["total"]) for e in steps] == [(1, 2), (2, 2)]
    assert steps[0]["prompt"].startswith("Step 1 of 2: the pre-activation a")
    g = [e for e in ev if e["event"] == "graded"]
    assert [(x["step"], x["correct"], x["carried"]) for x in g] == [(1, False, False), (2, False, True)]
    assert g[0]["expected"] == [-0.74, 1.32] and abs(g[1]["expected"][1] - math.tanh(1)) < 1e-12
    h = [e for e in ev if e["event"] == "hint"]
    assert h == [{"event": "hint", "item": "rnn_step:3", "step": 2, "level": 1, "text": h[0]["text"]}]
    summary = ev[-1]
    assert summary["event"] == "summary" and summary["score"] == 0.375 and summary["missed"] == ["rnn_step:3"]
    # recorded with its score, hint rungs and per-step results
    db = next(Path(tmp_path).rglob("*.sqlite*"), None) or next(Path(tmp_path).rglob("*.db"))
    row = sqlite3.connect(db).execute("SELECT score, hints, steps, rating FROM answers").fetchone()
    assert row[0] == 0.375 and row[1] == 1 and json.loads(row[2])[1]["carried"] is True and row[3] == "again"


def test_cli_json_chinese_prompt(tmp_path, monkeypatch):
    ev = _drill(["--item", "rnn_step:3", "--steps", "--lang", "zh"], ["q"], tmp_path, monkeypatch)
    assert [e for e in ev if e["event"] == "step"][0]["prompt"].startswith("第 1 步（共 2 步）：预激活 a")


def test_scripted_face_without_step_events_still_works():
    from quizcli.study.scripted import ScriptedUI

    ui = ScriptedUI(["-0.74 1.32", "-0.6291 0.8668"])
    s = run_drill([_item("rnn_step:3")], ui, None, steps=StepMode())
    assert s.answered[0].score == 1.0
    assert [e["event"] for e in ui.events if e["event"] in ("step", "graded")] == ["step", "graded", "step", "graded", "graded"]
