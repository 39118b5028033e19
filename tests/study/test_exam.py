"""The mock exam: sections and points, coverage, piped answers give the right report."""
import json

import pytest

from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.core.report import ExamReport
from quizcli.study.drill import Answered
from quizcli.study.exam import SECTIONS, build_paper, quotas, report, section_of
from quizcli.study.items import expected_text
from quizcli.study.stats import concept_weights

runner = CliRunner()


def _paper(bank, n=12, seed=5, topics=None):
    topics = topics or list(bank.topics)
    return build_paper(bank, topics, n=n, seed=seed, weights=concept_weights([], bank.concepts))


def _right_answer(it):
    if it.kind == "short":
        return [it.question.answer.en, "all"]
    if it.kind == "symbolic":
        return [it.question.answer]
    return [expected_text(it, "en")]


def test_quotas_follow_the_section_shares():
    assert quotas(25) == {"objective": 12, "short": 5, "calc": 8}
    assert sum(quotas(7).values()) == 7


def test_paper_is_in_section_order_and_covers_topics(bank):
    items = _paper(bank, n=30, seed=1)
    order = [section_of(i).id for i in items]
    assert order == sorted(order, key=lambda s: [x.id for x in SECTIONS].index(s))
    topics_with_items = {t for t in bank.topics if bank.questions_in(t)}
    assert topics_with_items <= {i.topic for i in items}
    assert len({i.id for i in items}) == len(items)
    assert [i.id for i in _paper(bank, n=30, seed=1)] == [i.id for i in items]  # same seed, same paper


def test_weak_concepts_are_asked_more(bank):
    topic = max(bank.topics, key=lambda t: len(bank.questions_in(t)))
    qs = [q for q in bank.questions_in(topic) if q.type in ("choice", "multi", "truefalse")]
    counts = {c: sum(c in q.concepts for q in qs) for c in {c for q in qs for c in q.concepts}}
    target = min(counts, key=lambda c: (counts[c], c))

    def hits(w):
        return sum(any(target in i.concepts for i in build_paper(bank, [topic], n=3, seed=s, weights=w)) for s in range(60))

    weak = {c: 0.3 for c in bank.concepts}
    weak[target] = 3.0
    assert hits(weak) > hits({c: 1.0 for c in bank.concepts})


def test_report_scores_by_hand(bank):
    items = _paper(bank, n=10, seed=3)
    answered = []
    for it in items:
        s = section_of(it)
        if s.id == "short":
            answered.append(Answered(it.id, it.card_id, it.kind, it.topic, it.concepts, "x", True, "good", 1, None, "2/4"))
        elif s.id == "objective":
            answered.append(Answered(it.id, it.card_id, it.kind, it.topic, it.concepts, "x", True, "good", 1, None, "A"))
        # calculation items left unanswered
    rep = report(items, answered)
    n_obj = sum(section_of(i).id == "objective" for i in items)
    n_short = sum(section_of(i).id == "short" for i in items)
    n_calc = sum(section_of(i).id == "calc" for i in items)
    assert rep.sections["objective"].earned == 2 * n_obj
    assert rep.sections["short"].earned == 3 * n_short  # half the key points of 6 points
    assert rep.sections["calc"].earned == 0 and rep.sections["calc"].max == 8 * n_calc
    assert rep.score == 2 * n_obj + 3 * n_short
    assert len(rep.wrong) == n_short + n_calc
    assert rep.plan and all(p.explain.startswith("quizcli explain ") for p in rep.plan)
    # the JSON a command prints is the same report, and reads back to it
    assert ExamReport.from_dict(rep.to_dict()) == rep
    assert rep.to_dict()["sections"]["objective"] == {"earned": 2 * n_obj, "max": 2 * n_obj, "items": n_obj}


def _run_exam(tmp_path, answers, n=8, seed=5, extra=()):
    lines = "".join(a + "\n" for a in answers)
    r = runner.invoke(app, ["--home", str(tmp_path / "h"), "exam", "-n", str(n), "--seed", str(seed), "--json",
                            "--paper", str(tmp_path / "paper.md"), *extra], input=lines)
    assert r.exit_code == 0, r.output
    events = [json.loads(x) for x in r.output.splitlines() if x.strip()]
    return events, events[-1]


def test_piped_exam_all_right_gets_full_marks(bank, tmp_path):
    items = _paper(bank, n=8, seed=5)
    answers = [a for it in items for a in _right_answer(it)]
    events, rep = _run_exam(tmp_path, answers, extra=["--feedback", "now"])
    assert [e["item"] for e in events if e["event"] == "item"] == [i.id for i in items]
    assert rep["event"] == "report" and rep["score"] == rep["max"] and rep["wrong"] == [] and rep["plan"] == []
    paper = (tmp_path / "paper.md").read_text()
    assert "Answer key" in paper and "quizcli exam --seed 5 -n 8" in paper
    # exam answers update the schedule too
    r = runner.invoke(app, ["--home", str(tmp_path / "h"), "stats", "--json"])
    assert json.loads(r.output)["graded"] == len(items)


def test_piped_exam_stopped_early_reports_and_plans(bank, tmp_path):
    items = _paper(bank, n=8, seed=5)
    events, rep = _run_exam(tmp_path, ["q"])
    assert rep["score"] == 0 and rep["stopped"] == "quit"
    assert len(rep["wrong"]) == len(items)
    assert rep["plan"][0]["drill"].startswith("quizcli drill ")


def test_time_limit_makes_the_current_item_the_last(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path / "h"), "exam", "-n", "6", "--seed", "2", "--minutes", "0.1"], input="")
    assert r.exit_code == 0, r.output
    assert "Score:" in r.output and "Tonight's plan" in r.output and "left" in r.output


def test_feedback_is_deferred_for_every_kind(bank, tmp_path):
    """By default nothing is shown before the report: no expected answer, no model answer,
    for short answers too; a short answer earns the share of key points its terms show."""
    from quizcli.grading import key_terms_found

    items = _paper(bank, n=8, seed=5)
    shorts = [it for it in items if it.kind == "short"]
    assert shorts
    answers = [_right_answer(it)[0] for it in items]
    events, rep = _run_exam(tmp_path, answers)
    before = events[:-1]
    assert not any(e["event"] in ("graded", "key_points") for e in before)
    assert not any("expected" in e or "model_answer" in e or "feedback" in e for e in before)
    assert [e["item"] for e in before if e["event"] == "recorded"] == [i.id for i in items]
    for it in shorts:
        kps = [k.to_dict() for k in it.question.key_points]
        share = sum(key_terms_found(it.question.answer.en, kps)) / len(kps)
        lost = [w for w in rep["wrong"] if w["item"] == it.id]
        assert (lost[0]["earned"] if lost else 6) == pytest.approx(round(6 * share, 2), abs=0.01)


def test_tonights_plan_is_weakest_first(bank, tmp_path):
    """The report of a mock filled in by hand: two calculations scored 0 / 8 come before a
    short answer scored 4.5 / 6, whatever the alphabet says."""
    from quizcli.core.session import Answered

    items = _paper(bank, n=30, seed=2)
    calc = [it for it in items if section_of(it).id == "calc"][:2]
    short = next(it for it in items if it.kind == "short" and len(it.question.key_points) == 4
                 and not set(it.concepts[:2]) & {c for x in calc for c in x.concepts[:2]})
    answered = []
    for it in items:
        if it in calc:
            answered.append(Answered(it.id, it.card_id, it.kind, it.topic, it.concepts, "0", False, "again", 1, None, "", score=0.0))
        elif it is short:
            answered.append(Answered(it.id, it.card_id, it.kind, it.topic, it.concepts, "x", True, "good", 1, None, "3/4", score=0.75))
        else:
            answered.append(Answered(it.id, it.card_id, it.kind, it.topic, it.concepts, _right_answer(it)[0], True, "good", 1, None, "",
                                     score=1.0))
    rep = report(items, answered)
    got = {w.item: w.earned for w in rep.wrong}
    assert got[short.id] == 4.5 and all(got[c.id] == 0 for c in calc)
    plan = [p.concept for p in rep.plan]
    first_calc = {c for it in calc for c in it.concepts[:2]}
    assert first_calc <= set(plan)
    assert max(plan.index(c) for c in first_calc) < min(plan.index(c) for c in short.concepts[:2])


def test_tonights_plan_from_a_filled_store_is_weakest_first(bank, tmp_path):
    """A store filled with earlier answers, then a piped mock where every calculation is
    answered 0: every concept of a zero-scored item comes before any concept whose items
    earned more than half their points, and none is left out."""
    from quizcli.core.session import Answered
    from quizcli.progress.store import Store, store_path

    home = tmp_path / "h"
    home.mkdir()
    store = Store(store_path(home))
    for q in list(bank.questions_in("cnn"))[:6]:  # some history, so the weights are not flat
        store.record(Answered(q.id, q.id, q.type, q.topic, q.concepts, "x", False, "again", 5, None, "y", score=0.0))
    from quizcli.study.exam import prepare_exam

    items, _ = prepare_exam(bank, list(bank.topics), 12, 7, [dict(r) for r in store.answers()])
    store.close()
    answers = ["0" if section_of(it).id == "calc" else _right_answer(it)[0] for it in items]
    lines = "".join(a + "\n" for a in answers)
    r = runner.invoke(app, ["--home", str(home), "exam", "-n", "12", "--seed", "7", "--json"], input=lines)
    assert r.exit_code == 0, r.output
    events = [json.loads(x) for x in r.output.splitlines() if x.strip()]
    assert [e["item"] for e in events if e["event"] == "item"] == [i.id for i in items]  # the same paper
    rep = events[-1]
    plan = [p["concept"] for p in rep["plan"]]
    zero = {c for w in rep["wrong"] if w["earned"] == 0 for c in w["concepts"][:2]}
    assert zero and zero <= set(plan)
    good = {c for it in items for c in it.concepts[:2]} - {c for w in rep["wrong"] if w["earned"] <= w["points"] / 2
                                                            for c in w["concepts"][:2]}
    for c in set(plan) & good:
        assert all(plan.index(z) < plan.index(c) for z in zero)
