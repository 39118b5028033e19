"""Faded worked examples and `drill --mistakes` (issue 14), from a progress store filled here.

Fading (Atkinson, Renkl & Merrill 2003): a family seen for the first time is a worked example
with one step to fill in; each clean solve blanks one more step; a miss steps back one; once
every step has been blanked and solved cleanly the family is asked as one final answer."""
import json
from datetime import datetime, timedelta, timezone

from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.core.session import Answered, Item
from quizcli.generators import problem
from quizcli.progress.store import Store, store_path
from quizcli.study.steps import StepMode, fade_level, history_from_store, mistake_ids

runner = CliRunner()
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def _ans(item, correct, hints=0, kind="generated"):
    card = f"family:{item.split(':')[0]}" if kind == "generated" else item
    return Answered(item=item, card=card, kind=kind, topic="rnn", concepts=("simple_rnn",), answer="x",
                    correct=correct, rating="good" if correct else "again", seconds=1.0, misconception=None,
                    expected="1", score=1.0 if correct else 0.0, hints=hints)


def _store(tmp_path, answers):
    s = Store(store_path(tmp_path))
    for i, a in enumerate(answers):
        s.record(a, when=NOW - timedelta(hours=len(answers) - i))
    return s


def test_fading_moves_forward_after_clean_solves_and_back_after_a_miss(tmp_path):
    item = Item.of_problem(problem("lstm_step:2"))  # asks h_t: 6 steps (i, f, g, o, c_t, h_t)
    assert len(item.problem.chain) == 6
    empty = StepMode("backward", history_from_store(_store(tmp_path / "a", [])))
    assert empty.blanks(item) == 1 and empty.shown(item) == frozenset({1, 2, 3, 4, 5})
    s = _store(tmp_path / "b", [_ans("lstm_step:1", True), _ans("lstm_step:5", True)])
    mode = StepMode("backward", history_from_store(s))
    assert mode.blanks(item) == 3 and mode.shown(item) == frozenset({1, 2, 3})
    assert StepMode("forward", history_from_store(s)).shown(item) == frozenset({4, 5, 6})
    # a miss steps back; a right answer with a hint is not a clean solve (it steps back too)
    s = _store(tmp_path / "c", [_ans("lstm_step:1", True), _ans("lstm_step:5", True), _ans("lstm_step:6", False)])
    assert StepMode("backward", history_from_store(s)).blanks(item) == 2
    s = _store(tmp_path / "d", [_ans("lstm_step:1", True), _ans("lstm_step:5", True, hints=2)])
    assert StepMode("backward", history_from_store(s)).blanks(item) == 1
    # another family's history does not count
    s = _store(tmp_path / "e", [_ans("rnn_step:1", True), _ans("rnn_step:2", True)])
    assert StepMode("backward", history_from_store(s)).blanks(item) == 1


def test_mastered_family_is_a_single_final_answer_again(tmp_path):
    item = Item.of_problem(problem("rnn_step:3"))  # 2 steps
    hist = [("family:rnn_step", True, 0)] * 2
    assert fade_level(hist, "family:rnn_step", 2) == 3
    mode = StepMode("backward", hist)
    assert not mode.applies(item)  # asked as today: the final answer only
    assert fade_level(hist + [("family:rnn_step", False, 0)], "family:rnn_step", 2) == 2
    # --steps asks every step whatever the history; a family without declared steps is not faded
    assert StepMode(None, hist).applies(item) and StepMode(None, hist).shown(item) == frozenset()
    import dataclasses

    no_chain = dataclasses.replace(problem("conv_output:7"), chain=(), answer_of=())  # as a family declaring no steps
    assert not StepMode("backward", []).applies(Item.of_problem(no_chain))


def test_drill_fades_from_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZCLI_HOME", str(tmp_path))

    def drill(answers):
        r = runner.invoke(app, ["drill", "--item", "rnn_step:3", "--json"], input="".join(a + "\n" for a in answers))
        assert r.exit_code == 0, r.output
        return [json.loads(x) for x in r.output.splitlines() if x.strip()]

    ev = drill(["-0.6291 0.8668"])  # first time: a worked a, then h_t to fill in
    assert [e["event"] for e in ev][:3] == ["item", "worked", "step"] and ev[2]["index"] == 2
    ev = drill(["-0.74 1.32", "-0.6291 0.8668"])  # one clean solve: both steps blanked
    assert [e["index"] for e in ev if e["event"] == "step"] == [1, 2]
    ev = drill(["-0.6291 0.8668"])  # two clean solves: mastered, one final answer
    assert not [e for e in ev if e["event"] == "step"]
    assert [e["correct"] for e in ev if e["event"] == "graded"] == [True]
    r = runner.invoke(app, ["drill", "--item", "rnn_step:3", "--json", "--fade", "off"], input="-0.6291 0.8668\n")
    assert '"event": "step"' not in r.output


def test_mistakes_reasks_wrong_items_with_fresh_family_variants(tmp_path, monkeypatch):
    s = Store(store_path(tmp_path))
    s.record(_ans("rnn_step:3", False), when=NOW - timedelta(days=1))
    s.record(_ans("t.num", False, kind="numeric"), when=NOW - timedelta(hours=2))
    s.record(_ans("t.tf", False, kind="truefalse"), when=NOW - timedelta(days=10))  # too old
    s.record(_ans("lstm_step:1", False), when=NOW - timedelta(hours=5))
    s.record(_ans("lstm_step:4", True), when=NOW - timedelta(hours=4))  # answered right since
    assert mistake_ids(s, 7, now=NOW) == ["t.num", "rnn_step:3"]
    assert mistake_ids(s, 30, now=NOW) == ["t.num", "rnn_step:3", "t.tf"]
    s.close()
    monkeypatch.setenv("QUIZCLI_HOME", str(tmp_path))
    from pathlib import Path

    bank = str(Path(__file__).parent / "drill_bank")
    r = runner.invoke(app, ["--bank", bank, "drill", "--mistakes", "--days", "3650", "--json", "--fade", "off"], input="s\nq\n")
    assert r.exit_code == 0, r.output
    items = [json.loads(x)["item"] for x in r.output.splitlines() if '"event": "item"' in x]
    assert items[0] == "t.num" and items[1].startswith("rnn_step:") and items[1] != "rnn_step:3"
    summary = json.loads(r.output.splitlines()[-1])
    assert summary["event"] == "summary" and summary["missed"] == ["t.num"]
