"""Real exam questions of group c (generative, memory, unsupervised, learning_paradigms,
probabilistic, rl, seq_generation) are answered by the right bank entry.

The test material is tests/data/exam_questions_c.yaml: questions kept in the wording of their
public source (nndl end-of-chapter exercises for chapters 8-15; Sutton & Barto 2nd ed.
exercises; d2l exercise sections; cs231n / cs224n review questions; the papers and the public
review / interview pages named per item in its `source` field). The bank holds only our own
paraphrases (question_bank/exam_<topic>.yaml), never the test's text.
"""
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from quizcli.bank.search import find

DATA = Path(__file__).resolve().parents[1] / "data"
ITEMS = yaml.safe_load((DATA / "exam_questions_c.yaml").read_text(encoding="utf-8"))
TOPICS = ("generative", "memory", "unsupervised", "learning_paradigms", "probabilistic", "rl", "seq_generation")
CJK = re.compile(r"[\u3400-\u9fff]")


def _norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in s if ch.isalnum())


def test_data_file_is_well_formed(bank):
    assert len(ITEMS) >= 70
    for it in ITEMS:
        assert set(it) >= {"q", "lang", "source", "topic", "accept", "marking"}, it
        assert it["q"].strip() and it["source"].strip(), it
        assert it["topic"] in TOPICS, it
        assert it["lang"] in ("en", "zh") and (it["lang"] == "zh") == bool(CJK.search(it["q"])), it
        for a in it["accept"]:
            assert a in bank.questions or a in bank.concepts, f"unknown accept id {a}"
    for t in TOPICS:
        mine = [it for it in ITEMS if it["topic"] == t]
        assert len(mine) >= 10, t
        for lang in ("en", "zh"):
            assert sum(it["lang"] == lang for it in mine) >= 4, (t, lang)
    assert len({_norm(it["q"]) for it in ITEMS}) == len(ITEMS), "duplicate test question"


def test_real_questions_find_an_accepted_answer_first(bank):
    misses, outside = [], []
    for it in ITEMS:
        f = find(bank, it["q"])
        top = f.hits[0].id if f.hits else None
        if top not in it["accept"]:
            misses.append((it["q"][:70], top, it["accept"][0]))
        if not f.in_course:
            outside.append(it["q"][:70])
    share = 1 - len(misses) / len(ITEMS)
    assert share >= 0.95, f"{len(misses)} of {len(ITEMS)} missed: {misses}"
    assert outside == [], f"judged off-course: {outside}"


def test_marking_points_map_to_key_points(bank):
    bad = []
    checked = 0
    for it in ITEMS:
        q = bank.questions.get(it["accept"][0])
        if q is None:
            continue
        for m in it["marking"]:
            checked += 1
            if not 1 <= m["kp"] <= len(q.key_points):
                bad.append((q.id, m["kp"], "no such key point"))
                continue
            kp = q.key_points[m["kp"] - 1]
            text = f"{kp.en} {kp.zh}".lower()
            if not 1 <= len(m["words"]) <= 3 or not any(w.lower() in text for w in m["words"]):
                bad.append((q.id, m["kp"], m["words"], kp.en))
    assert checked >= 100 and bad == [], bad


def test_bank_never_holds_the_test_wording(bank):
    texts = []
    for q in bank.questions.values():
        texts += [_norm(q.prompt.en), _norm(q.prompt.zh)] + [_norm(v) for v in q.variants]
    joined = "\x00".join(texts)  # one text each; the separator is never in a needle
    leaked = [it["q"][:70] for it in ITEMS if _norm(it["q"]) in joined]
    assert leaked == []


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_has_twenty_short_questions(bank, topic):
    shorts = [q for q in bank.questions.values() if q.topic == topic and q.type == "short"]
    assert len(shorts) >= 20, (topic, len(shorts))


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’−-]*", text))


@pytest.mark.parametrize("topic", TOPICS)
def test_exam_questions_are_complete(bank, topic):
    exam = [q for q in bank.questions.values() if q.topic == topic and ".exam_" in q.id]
    assert len(exam) >= 15, (topic, len(exam))
    for q in exam:
        assert q.type == "short" and q.concepts, q.id
        assert all(c in bank.concepts for c in q.concepts), q.id
        assert len(q.variants) >= 4, q.id
        assert sum(bool(CJK.search(v)) for v in q.variants) >= 2 and sum(not CJK.search(v) for v in q.variants) >= 2, q.id
        assert 3 <= len(q.key_points) <= 6, q.id
        assert q.origin and q.origin.strip(), q.id
        assert q.answer.en.strip() and q.answer.zh.strip() and q.explanation.en.strip() and q.explanation.zh.strip(), q.id
        for kp in q.key_points:
            assert _words(kp.en) >= 6, (q.id, kp.en)
            assert len(CJK.findall(kp.zh)) >= 10, (q.id, kp.zh)
