"""The exam behaves like an exam (issue 15): Ctrl-C in a pseudo-terminal asks whether to hand
in, pause or discard; `quizcli exam --resume` goes on with the same paper and the time left;
nothing answered is lost."""
import json
import os
import time
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.progress.store import Store, store_path

REPO = Path(__file__).resolve().parents[2]
ARGS = ["exam", "-n", "3", "--seed", "4", "--topics", "cnn", "--minutes", "20"]


def _spawn(home, args):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, COLUMNS="80", TERM="xterm", QUIZCLI_HOME=str(home), QUIZCLI_LANG="en",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return pexpect, pexpect.spawn(sys.executable, ["-m", "quizcli", *args], env=env, encoding="utf-8", timeout=30)


def _interrupt_after_one_answer(home, choice):
    pexpect, child = _spawn(home, ARGS)
    child.expect("Answers are shown at the end")
    child.expect("answer")
    child.sendline("A")
    child.expect("Answer recorded")
    child.expect("answer")
    time.sleep(0.3)  # as a person would: the prompt is up and waiting, then Ctrl-C
    child.sendintr()
    child.expect(r"hand in now \(h\)")
    child.sendline(choice)
    return pexpect, child


def test_pause_then_resume_keeps_paper_time_and_answers(tmp_path):
    pexpect, child = _interrupt_after_one_answer(tmp_path, "p")
    child.expect("Paused: 1 of 3 answered")
    child.expect("quizcli exam --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    state = json.loads((tmp_path / "exam_paused.json").read_text())
    assert len(state["items"]) == 3 and [a["answer"] for a in state["answers"]] == ["A"]
    assert 0 < state["seconds_left"] <= 20 * 60
    store = Store(store_path(tmp_path))
    assert [r["answer"] for r in store.answers()] == ["A"]  # recorded the moment it was given
    store.close()

    r = CliRunner().invoke(app, ["--home", str(tmp_path), "exam", "--resume", "--json"], input="q\n")
    assert r.exit_code == 0, r.output
    events = [json.loads(x) for x in r.output.splitlines() if x.strip()]
    asked = [e["item"] for e in events if e["event"] == "item"]
    assert asked == state["items"][1:2]  # the same paper, from where it stopped
    rep = events[-1]
    assert rep["event"] == "report" and rep["max"] == sum(
        {"objective": 2, "short": 6, "calc": 8}[s] * v["items"] for s, v in rep["sections"].items())
    assert sum(v["items"] for v in rep["sections"].values()) == 3
    first = state["items"][0]
    assert first not in {w["item"] for w in rep["wrong"]} or next(w for w in rep["wrong"] if w["item"] == first)["answer"] == "A"
    assert not (tmp_path / "exam_paused.json").exists()
    r = CliRunner().invoke(app, ["--home", str(tmp_path), "exam", "--resume"])
    assert r.exit_code == 1 and "No paused exam" in r.output


def test_hand_in_and_discard(tmp_path):
    pexpect, child = _interrupt_after_one_answer(tmp_path / "a", "h")
    child.expect("Score:")
    child.expect("Tonight's plan")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    pexpect, child = _interrupt_after_one_answer(tmp_path / "b", "d")
    child.expect("Paper discarded. Your 1 answers are kept")
    child.expect(pexpect.EOF)
    child.close()
    assert not (tmp_path / "b" / "exam_paused.json").exists()
    store = Store(store_path(tmp_path / "b"))
    assert len(store.answers()) == 1
    store.close()
