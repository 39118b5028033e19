"""Confidence and calibration (issue 15): 1 sure, 2 unsure, 3 guess, before the result or
after the answer ('55 !1'); a right guess is Hard for FSRS, not Good; a confident error is
asked again later in the session (hypercorrection: confident errors, once corrected, are
remembered, but come back if not; Butterfield & Metcalfe 2001); stats shows accuracy per
level and topic, and overconfident topics that the plan weights. Figures checked by hand."""
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizcli.bank.store import load_bank
from quizcli.core.session import Answered
from quizcli.progress.store import Store, StoreRecorder
from quizcli.study import plan as P
from quizcli.study.drill import run_drill, split_confidence
from quizcli.study.items import item_from_id
from quizcli.study.scripted import ScriptedUI
from quizcli.study.stats import calibration, compute

BANK = Path(__file__).parent / "drill_bank"


@pytest.fixture(scope="module")
def dbank():
    return load_bank([BANK])


def test_split_confidence():
    assert split_confidence("55 !1") == ("55", 1)
    assert split_confidence("0.25  !3 ") == ("0.25", 3)
    assert split_confidence("55") == ("55", None)
    assert split_confidence("55!1") == ("55!1", None)  # needs a space: never eats an answer
    assert split_confidence("55 !4") == ("55 !4", None)


def test_a_right_guess_is_hard_and_a_confident_error_comes_back(dbank, tmp_path):
    items = [item_from_id(dbank, "t.choice"), item_from_id(dbank, "t.num")]
    store = Store(tmp_path / "p.sqlite")
    ui = ScriptedUI(["B !3", "0.5 !1", "0.25 !2"])
    s = run_drill(items, ui, StoreRecorder(store))
    asked = [e["item"] for e in ui.events if e["event"] == "item"]
    assert asked == ["t.choice", "t.num", "t.num"]  # the confident error, asked again at the end
    got = [(a.item, a.correct, a.rating, a.confidence) for a in s.answered]
    assert got == [("t.choice", True, "hard", 3), ("t.num", False, "again", 1), ("t.num", True, "good", 2)]
    rows = [dict(r) for r in store.answers()]
    assert [r["confidence"] for r in rows] == [3, 1, 2] and rows[0]["rating"] == "hard" and rows[0]["answer"] == "B"
    store.close()


def test_a_confident_error_comes_back_only_once(dbank):
    ui = ScriptedUI(["0.5 !1", "0.5 !1"])
    s = run_drill([item_from_id(dbank, "t.num")], ui)
    assert len(s.answered) == 2 and s.stopped == "end"


def test_the_confidence_prompt(dbank):
    class UI(ScriptedUI):
        def __init__(self, answers, levels):
            super().__init__(answers)
            self.levels = list(levels)

        def confidence(self, item):
            return self.levels.pop(0)

    ui = UI(["B", "0.25"], [1, 3])
    s = run_drill([item_from_id(dbank, "t.choice"), item_from_id(dbank, "t.num")], ui, confidence=True)
    assert [(a.confidence, a.rating) for a in s.answered] == [(1, "good"), (3, "hard")]
    # without --confidence the prompt is not asked
    ui = UI(["B"], [1])
    s = run_drill([item_from_id(dbank, "t.choice")], ui)
    assert s.answered[0].confidence is None and ui.levels == [1]


def _row(topic, conf, correct, score=None):
    return {"topic": topic, "concepts": json.dumps(["x"]), "correct": int(correct), "confidence": conf,
            "score": (1.0 if correct else 0.0) if score is None else score, "ts": "2026-12-01T12:00:00+00:00",
            "misconception": None}


def test_calibration_by_hand():
    rows = ([_row("cnn", 1, True)] + [_row("cnn", 1, False)] * 3  # cnn: sure 1/4 right
            + [_row("rnn", 1, True)] * 3 + [_row("rnn", 1, False, score=0.5)]  # rnn: sure (3 + 0.5)/4
            + [_row("rnn", 2, True), _row("rnn", 2, False)]  # unsure 1/2
            + [_row("cnn", 3, True)] * 2  # guess 2/2
            + [_row("cnn", None, False)] * 5)  # not asked: left out
    cal = calibration(rows)
    assert cal["levels"]["sure"] == {"answers": 8, "accuracy": pytest.approx((1 + 3 + 0.5) / 8, abs=1e-4)}
    assert cal["levels"]["unsure"] == {"answers": 2, "accuracy": 0.5}
    assert cal["levels"]["guess"] == {"answers": 2, "accuracy": 1.0}
    assert cal["topics"]["cnn"]["sure"] == {"answers": 4, "accuracy": 0.25}
    assert cal["topics"]["rnn"]["sure"]["accuracy"] == pytest.approx(0.875)
    assert [t["topic"] for t in cal["overconfident_topics"]] == ["cnn"]  # rnn at 87.5 % is not
    assert cal["overconfident_topics"][0]["sure_wrong"] == 3
    assert compute(rows, today=date(2026, 12, 1)).calibration == cal


def test_stats_screen_shows_calibration(bank, runner, tmp_path):
    store = Store(tmp_path / "progress.sqlite")
    qs = [q for q in bank.questions_in("cnn")][:4]
    for q, ok in zip(qs, (True, False, False, False)):
        store.record(Answered(q.id, q.id, q.type, q.topic, q.concepts, "x", ok, "good" if ok else "again", 5, None, "y",
                              score=float(ok), confidence=1))
    store.close()
    r = runner.invoke(["--home", str(tmp_path), "stats"])
    assert r.exit_code == 0, r.output
    assert "Calibration" in r.output and "25%" in r.output and "Overconfident topics" in r.output and "cnn 25%" in r.output
    r = runner.invoke(["--home", str(tmp_path), "stats", "--json"])
    assert json.loads(r.output)["calibration"]["overconfident_topics"][0]["topic"] == "cnn"


def test_confident_errors_feed_the_plan(bank, tmp_path):
    """Two concepts each missed once; the one the student was sure of comes first."""
    store = Store(tmp_path / "p.sqlite")
    firsts = [c for c in bank.concepts if any(q.concepts and q.concepts[0] == c for q in bank.questions_in("cnn"))]
    early, late = firsts[0], firsts[-1]
    when = datetime(2026, 12, 30, 12, tzinfo=timezone.utc)
    for c, conf in ((early, 2), (late, 1)):
        q = next(q for q in bank.questions_in("cnn") if q.concepts and q.concepts[0] == c)
        store.record(Answered(q.id, q.id, q.type, q.topic, q.concepts, "x", False, "again", 5, None, "y", score=0.0,
                              confidence=conf), when=when)
    p = P.plan_from_store(bank, store, date(2027, 1, 15), date(2027, 1, 1), 40, ["cnn"])
    learned = [c for d in p["days"] for t in d["tasks"] if t["kind"] == "learn" for c in t["concepts"]]
    assert learned.index(late) < learned.index(early)
    store.close()


def test_review_with_confidence_in_json(bank, runner, tmp_path):
    store = Store(tmp_path / "progress.sqlite")
    q = next(q for q in bank.questions.values() if q.type == "truefalse")
    store.record(Answered(q.id, q.id, q.type, q.topic, q.concepts, "x", True, "good", 5, None, "y", score=1.0),
                 when=datetime.now(timezone.utc) - timedelta(days=400))
    store.close()
    answer = "true" if q.answer else "false"
    r = runner.invoke(["--home", str(tmp_path), "review", "--json", "--confidence"], input=f"{answer}\n3\n")
    assert r.exit_code == 0, r.output
    events = [json.loads(x) for x in r.output.splitlines() if x.strip()]
    assert [e["event"] for e in events][:3] == ["item", "confidence", "graded"]
    assert events[2]["rating"] == "hard"
    rows = [dict(x) for x in Store(tmp_path / "progress.sqlite").answers()]
    assert rows[-1]["confidence"] == 3 and rows[-1]["mode"] == "review"
