"""The progress store's guarantees: nothing graded is lost, concurrent drills both record,
a corrupt file is moved aside (never emptied), an unwritable folder still lets the drill
run, and the schedule moves the right way."""
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.progress.store import SCHEMA_VERSION, Store, StoreError, store_path
from quizcli.study.drill import Answered
from quizcli.core.report import Stats
from quizcli.study.stats import compute

REPO = Path(__file__).resolve().parents[2]
BANK = str(REPO / "tests" / "study" / "drill_bank")
runner = CliRunner()


def _answer(item="t.choice", correct=True, rating="good", card=None, misconception=None):
    return Answered(item=item, card=card or item, kind="choice", topic="neuron", concepts=("dying_relu",),
                    answer="b", correct=correct, rating=rating, seconds=1.5, misconception=misconception,
                    expected="B")


def test_schema_version_and_wal(tmp_path):
    s = Store(tmp_path / "p.sqlite")
    assert s.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_each_answer_is_committed_at_once(tmp_path):
    path = tmp_path / "p.sqlite"
    s = Store(path)
    s.record(_answer())
    # a second, independent connection sees it without anything being closed
    other = Store(path)
    assert other.count() == 1
    row = dict(other.answers()[0])
    assert row["item"] == "t.choice" and row["correct"] == 1 and row["rating"] == "good"
    assert json.loads(row["concepts"]) == ["dying_relu"] and row["ts"].endswith("+00:00")


def test_due_dates_move_the_right_way(tmp_path):
    s = Store(tmp_path / "p.sqlite")
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    s.record(_answer(card="good_card"), when=t0)
    s.record(_answer(card="bad_card", correct=False, rating="again"), when=t0)
    s.record(_answer(card="easy_card", rating="easy"), when=t0)
    due = {r["card"]: datetime.fromisoformat(r["due"]) for r in s.cards()}
    assert due["bad_card"] < due["good_card"] < due["easy_card"]
    # right again when due: the interval grows
    s.record(_answer(card="good_card"), when=due["good_card"])
    due2 = {r["card"]: datetime.fromisoformat(r["due"]) for r in s.cards()}
    assert due2["good_card"] - due["good_card"] > due["good_card"] - t0
    # wrong later: it comes back sooner than a right answer would have brought it
    s.record(_answer(card="good_card", correct=False, rating="again"), when=due2["good_card"])
    due3 = {r["card"]: datetime.fromisoformat(r["due"]) for r in s.cards()}
    assert due3["good_card"] - due2["good_card"] < timedelta(days=1)
    lapses = {r["card"]: r["lapses"] for r in s.cards()}
    assert lapses["good_card"] == 1 and lapses["bad_card"] == 1
    # most overdue first
    later = t0 + timedelta(days=400)
    assert [r["card"] for r in s.due_cards(at=later)][0] == "bad_card"


def test_skips_are_kept_but_do_not_move_cards(tmp_path):
    s = Store(tmp_path / "p.sqlite")
    s.record(_answer(correct=None, rating=None))
    assert s.count() == 1 and s.cards() == []


def test_corrupt_file_is_moved_aside_not_emptied(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"this is not a database, but it is the student's file" * 100)
    s = Store(path)
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert s.notices and "moved to" in s.notices[0][0] and "已将其移到" in s.notices[0][1]
    s.record(_answer())
    assert s.count() == 1


def test_unwritable_folder_gives_a_clear_error_and_the_drill_still_runs(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as e:
        Store(blocker / "sub" / "progress.sqlite")
    assert "Cannot create the progress folder" in e.value.en
    r = runner.invoke(app, ["--home", str(blocker / "sub"), "--bank", BANK, "drill", "--item", "t.choice"], input="b\n")
    assert r.exit_code == 0, r.output
    assert "without saving progress" in r.output and "Right!" in r.output


def test_a_killed_drill_loses_no_answered_item(tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, QUIZCLI_HOME=str(home), PYTHONUNBUFFERED="1")
    args = [sys.executable, "-m", "quizcli", "--bank", BANK, "drill", "--json",
            "--item", "t.choice", "--item", "t.tf", "--item", "t.num"]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    proc.stdin.write("b\nf\n")
    proc.stdin.flush()
    seen = 0
    deadline = time.time() + 30
    while seen < 2 and time.time() < deadline:
        line = proc.stdout.readline()
        if '"event": "graded"' in line:
            seen += 1
    assert seen == 2
    proc.send_signal(signal.SIGKILL)  # kill -9 while it waits for the third answer
    proc.wait(timeout=10)
    s = Store(store_path(home))
    assert [r["item"] for r in s.answers()] == ["t.choice", "t.tf"]


def test_four_drills_at_once_all_record(tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, QUIZCLI_HOME=str(home))
    items = []
    for i in ("t.choice", "t.tf", "t.num", "t.multi", "t.sym") * 2:
        items += ["--item", i]
    args = [sys.executable, "-m", "quizcli", "--bank", BANK, "drill", "--json", *items]
    answers = "b\nf\n0.25\nac\ns*(1-s)\n" * 2
    # all start on a fresh home at the same moment: they race to create the store
    procs = [subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, text=True) for _ in range(4)]
    for p in procs:
        p.stdin.write(answers)
        p.stdin.close()
    for p in procs:
        assert p.wait(timeout=60) == 0
        err = p.stderr.read()
        assert "without saving" not in err and "Could not save" not in err, err
    s = Store(store_path(home))
    assert s.count() == 40
    assert all(r["correct"] == 1 for r in s.answers())


def test_export_import_round_trip(tmp_path):
    a = Store(tmp_path / "a.sqlite")
    t0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
    a.record(_answer(), when=t0)
    a.record(_answer(item="t.tf", correct=False, rating="again", misconception="m1"), when=t0 + timedelta(minutes=1))
    lines = list(a.export_lines())
    b = Store(tmp_path / "b.sqlite")
    assert b.import_lines(iter(lines)) == 2
    assert b.import_lines(iter(lines)) == 0  # importing twice adds nothing
    assert list(b.export_lines()) == lines
    assert {r["card"]: r["due"] for r in b.cards()} == {r["card"]: r["due"] for r in a.cards()}
    with pytest.raises(StoreError):
        b.import_lines(iter(["{not json"]))


def test_progress_commands(tmp_path):
    home = str(tmp_path / "h")
    r = runner.invoke(app, ["--home", home, "stats"])
    assert r.exit_code == 0 and "Nothing yet" in r.output
    r = runner.invoke(app, ["--home", home, "review"])
    assert r.exit_code == 0 and "No progress yet" in r.output
    runner.invoke(app, ["--home", home, "--bank", BANK, "drill", "--item", "t.choice", "--item", "t.num"], input="a\n0.25\n")
    r = runner.invoke(app, ["--home", home, "--bank", BANK, "stats", "--json"])
    d = json.loads(r.output)
    assert d["graded"] == 2 and d["correct"] == 1 and d["topics"]["neuron"]["answered"] == 2
    assert d["weakest"][0]["concept"] == "dying_relu" and d["streak_days"] == 1
    out = tmp_path / "export.jsonl"
    r = runner.invoke(app, ["--home", home, "progress", "export", str(out)])
    assert r.exit_code == 0 and len(out.read_text().splitlines()) == 2
    r = runner.invoke(app, ["--home", home, "progress", "reset"], input="no\n")
    assert r.exit_code == 1 and "Nothing deleted" in r.output
    r = runner.invoke(app, ["--home", home, "progress", "reset"], input="yes\n")
    assert r.exit_code == 0 and "Deleted 2" in r.output
    r = runner.invoke(app, ["--home", home, "progress", "import", str(out)])
    assert r.exit_code == 0 and "2 answers imported" in r.output
    # the wrong answer (t.choice answered 'a') is due again within minutes: review asks it
    r = runner.invoke(app, ["--home", home, "--bank", BANK, "review", "--json"], input="")
    assert r.exit_code == 0


def test_stats_compute_by_hand():
    rows = [
        {"ts": "2026-05-01T10:00:00+00:00", "topic": "cnn", "concepts": '["a"]', "correct": 1, "misconception": None},
        {"ts": "2026-05-01T10:01:00+00:00", "topic": "cnn", "concepts": '["a"]', "correct": 0, "misconception": "m"},
        {"ts": "2026-05-02T10:00:00+00:00", "topic": "rnn", "concepts": '["b"]', "correct": 0, "misconception": "m"},
        {"ts": "2026-05-03T10:00:00+00:00", "topic": "rnn", "concepts": '["b"]', "correct": None, "misconception": None},
    ]
    from datetime import date

    d = compute(rows, topics=["cnn", "rnn", "mlp"], today=date(2026, 5, 3))
    assert d.topics["cnn"].to_dict() == {"answered": 2, "correct": 1, "mastery": 0.5}
    assert d.topics["mlp"].mastery is None
    # b: 0/1 right -> (1+1)/(1+2) = 0.667; a: 1/2 -> (1+1)/(2+2) = 0.5
    assert [(w.concept, round(w.weakness, 3)) for w in d.weakest] == [("b", 0.667), ("a", 0.5)]
    assert d.misconceptions == (("m", 2),) and d.to_dict()["misconceptions"] == [{"id": "m", "count": 2}]
    assert d.streak_days == 3
    assert Stats.from_dict(json.loads(json.dumps(d.to_dict()))) == d  # what stats --json prints reads back


def test_concept_mastery_by_hand():
    """a: right, wrong, right over its last 2 → 1/2 with 3 answers; b counted as the second
    concept of two rows; c is a third concept and does not count; ungraded rows are left out."""
    from quizcli.study.stats import concept_mastery

    rows = [{"concepts": '["a", "b", "c"]', "correct": 1}, {"concepts": '["a"]', "correct": 0},
            {"concepts": '["a", "b"]', "correct": 1}, {"concepts": '["b"]', "correct": None}]
    assert concept_mastery(rows, recent=2) == {"a": (0.5, 3), "b": (1.0, 2)}
