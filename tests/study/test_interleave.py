"""Interleaving (issue 15): drill, review and exam never serve two items of the same family,
or with the same first concept, one after the other when another item is available; the
confusable clusters are put side by side. Rohrer et al. 2014 (interleaved practice 72 % vs
38 % two weeks later) is why; these tests check the order over many seeds."""
from datetime import datetime, timedelta, timezone

import pytest

from quizcli.core.session import Answered, Item
from quizcli.progress.store import Store
from quizcli.study.exam import SECTIONS, build_paper, section_of
from quizcli.study.interleave import clash, confusable, interleave
from quizcli.study.items import item_from_id, select_items
from quizcli.study.review import due_items


def _check(order):
    """A clash between neighbours only when every later item clashes with the first too."""
    bad = []
    for i in range(len(order) - 1):
        if clash(order[i], order[i + 1]) and not all(clash(order[i], x) for x in order[i + 1:]):
            bad.append((i, order[i].id, order[i + 1].id))
    return bad


@pytest.mark.parametrize("topics", [["cnn"], ["lstm_gru"], ["normalization", "regularization"], ["mlp", "training", "optimization"]])
def test_drill_selection_is_interleaved_over_many_seeds(bank, topics):
    for seed in range(40):
        items = select_items(bank, topics, n=16, seed=seed)
        assert _check(items) == [], (seed, topics)


def test_interleave_keeps_every_item_and_removes_clashes(bank):
    """Four items of one family and four of one concept, given clumped: the result holds
    the same eight and no two neighbours clash (a clash-free order exists)."""
    fam = [item_from_id(bank, f"conv_output:{s}") for s in range(1, 5)]
    qs = [Item.of_question(q) for q in bank.questions.values() if q.concepts and q.concepts[0] == "dropout"][:4]
    assert len(qs) == 4
    items = fam + qs
    out = interleave(items)
    assert sorted(i.id for i in out) == sorted(i.id for i in items)
    assert not any(clash(a, b) for a, b in zip(out, out[1:]))
    # with no way out (all of one family), the order is kept and nothing is lost
    assert [i.id for i in interleave(fam)] == [i.id for i in fam]


def test_confusable_clusters_are_mixed(bank):
    """An LSTM item is followed by a GRU one when one remains, not by an unrelated item."""
    lstm = item_from_id(bank, "lstm_step:3")
    gru = item_from_id(bank, "gru_step:3")
    others = [Item.of_question(q) for q in bank.questions_in("embedding")[:3]]
    out = interleave([lstm, *others, gru])
    assert out[0] is lstm and out[1] is gru
    assert confusable(lstm, gru) and not confusable(lstm, others[0])
    bn = [Item.of_question(q) for q in bank.questions.values() if q.concepts and q.concepts[0] == "batch_norm"][:1]
    ln = [Item.of_question(q) for q in bank.questions.values() if q.concepts and q.concepts[0] == "layer_norm"][:1]
    out = interleave([*bn, *others, *ln])
    assert out[1] is ln[0]


def test_exam_sections_are_interleaved_and_hold_no_near_duplicates(bank):
    for seed in range(25):
        paper = build_paper(bank, list(bank.topics), n=30, seed=seed)
        keys = [(i.concepts[0] if i.concepts else i.id, i.kind) for i in paper]
        assert len(keys) == len(set(keys)), seed
        order = [section_of(i).id for i in paper]
        assert order == sorted(order, key=[s.id for s in SECTIONS].index)
        for s in SECTIONS:
            assert _check([i for i in paper if section_of(i).id == s.id]) == [], seed


def test_review_is_interleaved(bank, tmp_path):
    store = Store(tmp_path / "p.sqlite")
    when = datetime.now(timezone.utc) - timedelta(days=90)
    qs = [q for q in bank.questions.values() if q.topic in ("cnn", "lstm_gru")][:30]
    for q in qs:
        store.record(Answered(q.id, q.id, q.type, q.topic, q.concepts, "x", True, "good", 5, None, "y", score=1.0), when=when)
    for seed in range(10):
        items = due_items(bank, store, 30, seed=seed)
        assert len(items) == 30
        assert _check(items) == []
    store.close()
