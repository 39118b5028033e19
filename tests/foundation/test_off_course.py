"""`explain` refuses what is not this course, and accepts what is.

tests/data/off_course.yaml: questions written for this test that are NOT about "Neural
Networks and Deep Learning" (near misses from data structures, algorithms, operating systems,
networks, databases, compilers and cryptography; everyday questions; other sciences). At least
90 % of them must be judged off-course. Conversely every real exam question of the
tests/data/exam_questions_*.yaml sets (whichever groups are present) must be judged in-course.
"""
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from quizcli.bank.search import find
from quizcli.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
OFF = yaml.safe_load((DATA / "off_course.yaml").read_text(encoding="utf-8"))["items"]
runner = CliRunner()


def test_off_course_set_is_well_formed(bank):
    assert len(OFF) >= 40
    # none of them is worded like a question the bank holds (they would be course questions)
    prompts = {q.prompt.en.strip().lower() for q in bank.questions.values()} | {q.prompt.zh.strip() for q in bank.questions.values()}
    assert not [it["q"] for it in OFF if it["q"].strip().lower() in prompts]
    for lang in ("en", "zh"):
        assert sum(it["lang"] == lang for it in OFF) >= 15, lang
    for it in OFF:
        assert it["q"].strip() and it["source"].strip() and it["lang"] in ("en", "zh"), it
    assert len({it["q"] for it in OFF}) == len(OFF), "duplicate question"


def test_off_course_questions_are_refused(bank):
    accepted = []
    for it in OFF:
        f = find(bank, it["q"])
        if f.in_course:
            top = f.hits[0].id if f.hits else None
            accepted.append((it["q"], top, f.coverage))
    share = 1 - len(accepted) / len(OFF)
    assert share >= 0.90, f"{len(accepted)} of {len(OFF)} off-course questions accepted: {accepted}"


@pytest.mark.parametrize("q", [OFF[0]["q"], next(it["q"] for it in OFF if it["lang"] == "zh")])
def test_explain_exits_1_and_points_to_topics(q):
    r = runner.invoke(app, ["explain", q])
    assert r.exit_code == 1, r.output
    assert "quizcli topics" in r.output


def test_explain_json_says_not_in_course():
    import json

    r = runner.invoke(app, ["explain", OFF[-1]["q"], "--json"])
    d = json.loads(r.output)
    assert r.exit_code == 1 and d["in_course"] is False and d["error"] == "not in course"


def _exam_items():
    out = []
    for path in sorted(DATA.glob("exam_questions_*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data["items"] if isinstance(data, dict) else data
        out.extend((path.name, it["q"]) for it in items)
    return out


def test_every_real_exam_question_is_in_course(bank):
    items = _exam_items()
    assert items, "no tests/data/exam_questions_*.yaml found"
    refused = [(name, q) for name, q in items if not find(bank, q).in_course]
    assert refused == [], f"{len(refused)} of {len(items)} course questions judged off-course: {refused}"
