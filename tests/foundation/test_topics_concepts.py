"""`quizcli topics TOPIC` (issue 17): a topic's concepts with their titles, the bank questions on
each and the student's mastery, in a table that fits 80 columns in either language, as JSON too;
a typo is answered with the nearest topic and exit 1. Expected values are read from the built-in
bank (question_bank/cnn.yaml: the concepts of topic cnn and the questions that list them); the
mastery figures are hand-computed from the answers each test records: 2 right of 3 is 67 %, 2 of 4 is 50 %, and
with 25 answers of which the first 5 are wrong only the last 20 (all right) count, 100 %."""
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from quizcli.core.session import Answered
from quizcli.progress.store import Store, store_path
from quizcli.render.tables import topic_concepts_table


def _concepts(bank, topic):
    return [s for s in bank.stubs() if s.topic == topic]


def _questions_on(bank, cid):
    return sum(1 for q in bank.questions.values() if cid in q.concepts)


def _record(home, concepts, results):
    store = Store(store_path(home))
    t0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    for i, ok in enumerate(results):
        store.record(Answered(item=f"x.{i}", card=f"x.{i}", kind="choice", topic="cnn", concepts=tuple(concepts), answer="A",
                              correct=ok, rating="good" if ok else "again", seconds=3.0, misconception=None, expected="A",
                              score=1.0 if ok else 0.0), when=t0 + timedelta(minutes=i))
    store.close()


def test_lists_every_concept_with_its_questions(runner, bank, tmp_path):
    r = runner.invoke(["--home", str(tmp_path), "topics", "cnn", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["topic"]["id"] == "cnn" and data["topic"]["title"] == bank.topics["cnn"].title.to_dict()
    stubs = _concepts(bank, "cnn")
    assert [c["id"] for c in data["concepts"]] == [s.id for s in stubs]
    assert [c["title"] for c in data["concepts"]] == [s.title.to_dict() for s in stubs]
    assert [c["questions"] for c in data["concepts"]] == [_questions_on(bank, s.id) for s in stubs]
    assert _questions_on(bank, "pooling") > 0 and all(c["mastery"] is None and c["answered"] == 0 for c in data["concepts"])
    assert not store_path(tmp_path).exists()  # looking never creates a progress file


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_in_the_chosen_language_at_80_columns(runner, bank, tmp_path, lang, monkeypatch):
    monkeypatch.setattr("quizcli.commands.common._CONSOLES", {})  # a console made at another width is cached
    r = runner.invoke(["--home", str(tmp_path), "topics", "cnn", "--lang", lang], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(len(x) for x in lines) <= 80 and "…" not in r.output
    for s in _concepts(bank, "cnn"):
        row = next(x for x in lines if x.startswith(f"│ {s.id} "))
        n = str(_questions_on(bank, s.id))
        assert row.rstrip("│ ").split("│")[-2].strip() == n
    zh_title = bank.topics["cnn"].title.zh
    if lang == "zh":
        assert zh_title in r.output and all(s.title.zh in r.output for s in _concepts(bank, "cnn"))
        assert "English" not in r.output
    else:
        assert zh_title not in r.output and "中文" not in r.output
    assert "quizcli drill cnn" in r.output


def test_both_titles_from_100_columns(bank):
    con = Console(width=120, record=True, file=__import__("io").StringIO())
    con.print(topic_concepts_table(bank, "cnn", "en", None, width=120))
    out = con.export_text()
    s = _concepts(bank, "cnn")[1]
    assert s.title.en in out and s.title.zh in out


def test_mastery_from_the_progress_store(runner, tmp_path, monkeypatch):
    _record(tmp_path, ["pooling", "stride"], [True, False, True])
    _record(tmp_path, ["stride", "padding", "pooling"], [False])  # third concept: not counted for pooling
    _record(tmp_path, ["receptive_field"], [False] * 5 + [True] * 20)
    r = runner.invoke(["--home", str(tmp_path), "topics", "cnn", "--json"])
    by = {c["id"]: c for c in json.loads(r.output)["concepts"]}
    assert (by["pooling"]["mastery"], by["pooling"]["answered"]) == (round(2 / 3, 4), 3)
    assert (by["stride"]["mastery"], by["stride"]["answered"]) == (2 / 4, 4)  # right, wrong, right, then wrong
    assert (by["padding"]["mastery"], by["padding"]["answered"]) == (0.0, 1)
    assert (by["receptive_field"]["mastery"], by["receptive_field"]["answered"]) == (1.0, 25)
    assert by["convolution"]["mastery"] is None
    monkeypatch.setattr("quizcli.commands.common._CONSOLES", {})
    r = runner.invoke(["--home", str(tmp_path), "topics", "cnn"], env={"COLUMNS": "80"})
    row = next(x for x in r.output.splitlines() if x.startswith("│ pooling "))
    assert "67% (3)" in row


def test_a_topic_by_alias_or_title(runner):
    for name in (["卷积神经网络"], ["conv"], ["Convolutional", "neural", "networks"]):
        r = runner.invoke(["topics", *name, "--json"])
        assert r.exit_code == 0 and json.loads(r.output)["topic"]["id"] == "cnn", name


def test_a_typo_suggests_the_nearest_topic(runner):
    r = runner.invoke(["topics", "cnnn"])
    assert r.exit_code == 1 and "No topic matches" in r.output and "Did you mean: cnn" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(["topics", "cnnn", "--json"])
    assert r.exit_code == 1
    d = json.loads(r.output.splitlines()[0])
    assert d["error"] == "no topic" and d["suggestions"][0] == "cnn"
    r = runner.invoke(["topics", "卷积神经网路", "--lang", "zh"])
    assert r.exit_code == 1 and "没有找到" in r.output and "cnn" in r.output


def test_help_says_what_it_does(runner):
    r = runner.invoke(["topics", "--help"])
    assert r.exit_code == 0 and "[TOPIC]" in r.output
    text = " ".join(r.output.split())
    assert "With TOPIC" in text and "concepts" in text and "mastery" in text and "quizcli topics cnn" in text


def test_topics_topic_imports_neither_numpy_nor_sympy():
    code = ("import sys, json\nfrom quizcli.cli import main\nsys.argv = ['quizcli', 'topics', 'cnn']\n"
            "try:\n    main()\nexcept BaseException:\n    pass\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mods = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "numpy" not in mods and "sympy" not in mods
