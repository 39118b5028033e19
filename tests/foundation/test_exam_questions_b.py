"""Real exam questions of group b (regularization, cnn, rnn, lstm_gru, attention, transformer,
embedding) find the bank question that answers them.

The test set, tests/data/exam_questions_b.yaml, keeps each question's wording as found in a
public source, named per item in its `source` field:
- d2l, Dive into Deep Learning (d2l.ai, English) and its Chinese edition 动手学深度学习
  (zh.d2l.ai): the end-of-section exercises of the dropout, weight decay, convolution, pooling,
  ResNet, RNN, BPTT, GRU, LSTM, bidirectional RNN, attention, multi-head attention, positional
  encoding, Transformer, word2vec and approximate-training sections;
- nndl, 邱锡鹏《神经网络与深度学习》: the end-of-chapter exercises 5-2 … 5-7, 6-1 … 6-7, 7-7,
  7-9, 7-10 and 8-1 (wording as transcribed in public study notes of the book);
- review sheets and interview question lists: jishuzhan.net (人工智能引论期末复习, RNN),
  geekdaxue.co (Transformer/Attention questions), mynw.cn (Transformer 21问),
  ewbang.com (Word2Vec 面试考点).
The bank holds our own paraphrases; the last tests check that it never holds a test's text.
"""
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from quizcli.bank.search import find

DATA = Path(__file__).resolve().parents[1] / "data" / "exam_questions_b.yaml"
TOPICS = ["regularization", "cnn", "rnn", "lstm_gru", "attention", "transformer", "embedding"]
ITEMS = yaml.safe_load(DATA.read_text(encoding="utf-8"))
_CJK = re.compile(r"[\u3400-\u9fff]")


def _norm(text: str) -> str:
    """Lower case, NFKC, no spaces or punctuation: what 'the same wording' means here."""
    s = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in s if ch.isalnum())


def test_data_file_is_well_formed(bank):
    assert len(ITEMS) >= 70
    ids = set(bank.questions) | set(bank.concepts)
    for it in ITEMS:
        assert set(it) == {"q", "lang", "source", "topic", "accept", "marking"}, it
        assert it["lang"] in ("en", "zh") and it["topic"] in TOPICS and it["source"].strip(), it
        assert it["accept"] and all(a in ids for a in it["accept"]), it["accept"]
        assert bool(_CJK.search(it["q"])) == (it["lang"] == "zh"), it["q"]
        assert it["marking"], it["q"]


@pytest.mark.parametrize("topic", TOPICS)
def test_enough_real_questions_per_topic_and_language(bank, topic):
    assert topic in bank.topics
    mine = [it for it in ITEMS if it["topic"] == topic]
    assert len(mine) >= 10, (topic, len(mine))
    # an item belongs to the topic of the bank question it expects first
    for it in mine:
        first = it["accept"][0]
        if first in bank.questions:
            assert bank.questions[first].topic == topic, (topic, first)
    for lang in ("en", "zh"):
        assert sum(it["lang"] == lang for it in mine) >= 4, (topic, lang)


def test_real_questions_find_their_answer(bank):
    misses, off_course = [], []
    for it in ITEMS:
        found = find(bank, it["q"])
        first = found.hits[0].id if found.hits else None
        if first not in it["accept"]:
            misses.append(f"{it['q'][:70]!r} -> {first} (want {it['accept'][0]})")
        if not found.in_course:
            off_course.append(it["q"][:70])
    assert not off_course, off_course
    assert len(misses) <= 0.05 * len(ITEMS), "\n".join(misses)


def test_marking_points_map_to_key_points(bank):
    """Each marking point names the key point of the accepted bank question that covers it."""
    checked = 0
    for it in ITEMS:
        qid = it["accept"][0]
        if qid not in bank.questions:
            continue
        q = bank.questions[qid]
        for m in it["marking"]:
            assert 1 <= m["kp"] <= len(q.key_points), (qid, m)
            kp = q.key_points[m["kp"] - 1]
            text = (kp.en + " " + kp.zh).lower()
            assert 1 <= len(m["words"]) <= 3, m
            assert any(w.lower() in text for w in m["words"]), (qid, m["kp"], m["words"], kp.en)
            checked += 1
    assert checked >= 100


def test_bank_never_holds_a_test_questions_wording(bank):
    texts = []
    for q in bank.questions.values():
        texts += [q.prompt.en, q.prompt.zh, *getattr(q, "variants", ())]
    bank_norm = "\x00".join(_norm(t) for t in texts)  # one text each; the separator is never in a needle
    leaked = [it["q"][:60] for it in ITEMS if _norm(it["q"]) in bank_norm]
    assert not leaked, leaked


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_has_twenty_short_questions(bank, topic):
    shorts = [q for q in bank.questions.values() if q.topic == topic and q.type == "short"]
    assert len(shorts) >= 20, (topic, len(shorts))


def _exam_questions(bank):
    return [q for q in bank.questions.values()
            if q.topic in TOPICS and q.id.split(".", 1)[1].startswith("exam_")]


def test_exam_questions_are_complete(bank):
    exam = _exam_questions(bank)
    assert len(exam) >= 95
    for q in exam:
        assert q.type == "short", q.id
        assert len(q.variants) >= 4, q.id
        assert any(_CJK.search(v) for v in q.variants) and any(not _CJK.search(v) for v in q.variants), q.id
        assert 3 <= len(q.key_points) <= 6, q.id
        assert q.origin and q.origin.strip(), q.id
        for kp in q.key_points:
            assert len(kp.en.split()) >= 6, (q.id, kp.en)
            assert len(_CJK.findall(kp.zh)) >= 10, (q.id, kp.zh)
