"""Whole drills driven through the real command with piped answers, as a script would,
and once in a pseudo-terminal as a student would."""
import json
import os
import time
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.generators import problem
from quizcli.study.drill import Answered, run_drill
from quizcli.study.items import item_from_id
from quizcli.bank.store import load_bank

BANK = str(Path(__file__).parent / "drill_bank")
ITEMS = ["t.choice", "t.multi", "t.tf", "t.sym", "t.num"]
runner = CliRunner()


def drill_json(answers, items=ITEMS, extra=()):
    args = ["--bank", BANK, "drill", "--json", *extra]
    for i in items:
        args += ["--item", i]
    r = runner.invoke(app, args, input="".join(a + "\n" for a in answers))
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.output.splitlines() if line.strip()]


def graded(events):
    return [e for e in events if e["event"] == "graded"]


def test_all_right():
    ev = drill_json(["b", "ca", "f", "s*(1-s)", "1/4"])
    assert [g["correct"] for g in graded(ev)] == [True] * 5
    s = ev[-1]
    assert s["event"] == "summary" and s["correct"] == 5 and s["graded"] == 5 and s["stopped"] == "end"


def test_other_right_forms():
    ev = drill_json(["2", "C A", "错", "exp(-x)/(1+exp(-x))^2", "25%"])
    assert [g["correct"] for g in graded(ev)] == [True] * 5


def test_all_wrong():
    ev = drill_json(["a", "b", "t", "s*(1+s)", "0.5"])
    g = graded(ev)
    assert [x["correct"] for x in g] == [False] * 5
    assert g[0]["expected"] == "B" and g[1]["expected"] == "AC" and g[4]["expected"] == "0.25"
    assert ev[-1]["correct"] == 0 and "dying_relu" in ev[-1]["explain_next"]


def test_garbage_asks_again_and_loses_nothing():
    ev = drill_json(["Z", "b", "ca", "maybe", "f", "x.__class__", "s*(1-s)", "abc", "1/4"])
    invalid = [e for e in ev if e["event"] == "invalid"]
    assert [e["item"] for e in invalid] == ["t.choice", "t.tf", "t.sym", "t.num"]
    assert all(e["message"] for e in invalid)
    assert [g["correct"] for g in graded(ev)] == [True] * 5


def test_hint_and_skip():
    ev = drill_json(["?", "b", "s", "", "f", "s*(1-s)", "1/4"])
    assert any(e["event"] == "hint" and e["item"] == "t.choice" for e in ev)
    assert any(e["event"] == "hint" and e["item"] == "t.tf" for e in ev)
    g = graded(ev)
    assert g[1]["item"] == "t.multi" and g[1]["correct"] is None
    assert ev[-1]["skipped"] == 1 and ev[-1]["correct"] == 4


def test_s_is_an_answer_when_it_is_a_variable():
    # in the symbolic item 's' is declared (as σ(x)): it is an answer, not "skip"
    ev = drill_json(["s"], items=["t.sym"])
    assert graded(ev)[0]["correct"] is False and graded(ev)[0]["answer"] == "s"


def test_early_quit_keeps_the_summary():
    ev = drill_json(["b", "q"])
    assert len(graded(ev)) == 1
    assert ev[-1]["stopped"] == "quit" and ev[-1]["answered"] == 1 and ev[-1]["total_items"] == 5


def test_end_of_input_ends_cleanly():
    ev = drill_json(["b", "ca"])
    assert ev[-1]["event"] == "summary" and ev[-1]["stopped"] == "eof" and ev[-1]["answered"] == 2


def test_misconception_is_named():
    p = problem("conv_output:3")
    m = p.misconceptions[0]
    ev = drill_json([str(m.value)], items=["conv_output:3"])
    g = graded(ev)[0]
    assert g["correct"] is False and g["misconception"] == m.id
    assert m.feedback.en in g["feedback"]
    ev = drill_json([p.answer_text], items=["conv_output:3"])
    assert graded(ev)[0]["correct"] is True


def test_hostile_symbolic_answer_is_refused_without_side_effects(tmp_path):
    target = tmp_path / "pwned"
    ev = drill_json([f"__import__('os').system('touch {target}')", "9**9**9**9", "s*(1-s)"], items=["t.sym"])
    assert len([e for e in ev if e["event"] == "invalid"]) == 2
    assert graded(ev)[0]["correct"] is True
    assert not target.exists()


def test_rich_screen_in_both_languages():
    args = ["--bank", BANK, "drill", "--item", "t.choice", "--item", "t.num"]
    r = runner.invoke(app, args, input="b\n0.3\n")
    assert r.exit_code == 0, r.output
    assert "Right!" in r.output and "Not quite" in r.output and "Score: 1/2" in r.output
    assert "quizcli explain dying_relu" in r.output
    r = runner.invoke(app, ["--lang", "zh", *args], input="b\n0.25\n")
    assert "正确" in r.output and "得分：2/2" in r.output


def test_topic_in_chinese_and_typos():
    r = runner.invoke(app, ["drill", "卷积神经网络", "--kind", "numeric", "-n", "2", "--seed", "4", "--json"], input="")
    assert r.exit_code == 0, r.output
    first = json.loads(r.output.splitlines()[0])
    assert first["event"] == "item" and first["topic"] == "cnn"
    r = runner.invoke(app, ["drill", "cnnn"])
    assert r.exit_code == 1 and "Did you mean" in r.output and "cnn" in r.output
    r = runner.invoke(app, ["drill", "--item", "nope.nothing"])
    assert r.exit_code == 1 and "No item" in r.output


def test_same_seed_same_drill():
    a = runner.invoke(app, ["drill", "cnn", "--seed", "11", "-n", "4", "--json"], input="")
    b = runner.invoke(app, ["drill", "cnn", "--seed", "11", "-n", "4", "--json"], input="")
    ids = lambda r: [json.loads(x)["item"] for x in r.output.splitlines() if '"event": "item"' in x]
    assert ids(a) == ids(b) and ids(a)


class _ScriptUI:
    """A UI whose student answers one item, then presses Ctrl-C."""

    def __init__(self):
        self.calls = 0
        self.summarised = None

    def show_item(self, item, index, total):
        pass

    def ask(self, item):
        self.calls += 1
        if self.calls > 1:
            raise KeyboardInterrupt
        return "b"

    def hint(self, item):
        pass

    def invalid(self, item, text, result):
        pass

    def key_points(self, item, text, found):
        return ""

    def feedback(self, item, a, result):
        pass

    def warn(self, en, zh):
        pass

    def summary(self, s):
        self.summarised = s


def test_ctrl_c_keeps_every_answer_already_given():
    bank = load_bank([Path(BANK)])
    items = [item_from_id(bank, i) for i in ITEMS]
    kept: list[Answered] = []

    class Rec:
        def record(self, a):
            kept.append(a)

    ui = _ScriptUI()
    s = run_drill(items, ui, Rec())
    assert s.stopped == "interrupt" and len(s.answered) == 1
    assert [a.item for a in kept] == ["t.choice"] and kept[0].correct is True
    assert ui.summarised is s


@pytest.mark.skipif(shutil.which("quizcli") is None, reason="the quizcli command is not installed")
def test_drill_in_a_pseudo_terminal():
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, COLUMNS="100", TERM="xterm")
    child = pexpect.spawn("quizcli", ["--bank", BANK, "drill", "--item", "t.choice", "--item", "t.num"],
                          env=env, encoding="utf-8", timeout=20)
    child.expect("Which is the derivative of ReLU")
    child.expect("answer")
    child.sendline("b")
    child.expect("Right!")
    child.expect("What is")
    child.expect("answer")
    child.sendline("?")
    child.expect("one number")
    child.sendline("0.25")
    child.expect("Score: 2/2")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.skipif(shutil.which("quizcli") is None, reason="the quizcli command is not installed")
def test_ctrl_c_in_a_terminal_prints_the_summary_and_keeps_the_answer(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from quizcli.progress.store import Store, store_path

    env = dict(os.environ, COLUMNS="100", TERM="xterm", QUIZCLI_HOME=str(tmp_path))
    child = pexpect.spawn("quizcli", ["--bank", BANK, "drill", "--item", "t.choice", "--item", "t.num"],
                          env=env, encoding="utf-8", timeout=20)
    child.expect("answer")
    child.sendline("b")
    child.expect("Right!")
    child.expect("What is")
    child.expect("answer")
    time.sleep(0.3)  # as a person would: the prompt is up and waiting, then Ctrl-C
    child.sendintr()
    child.expect("Score: 1/1")
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert [r["item"] for r in Store(store_path(tmp_path)).answers()] == ["t.choice"]
