"""The whole syllabus is in the bank: every concept reachable in both languages, enough
questions of every kind, examples and plots that exist."""
from collections import Counter
from pathlib import Path

import pytest
import yaml

from quizcli.bank.search import search
from quizcli.bank.store import load_bank
from quizcli.render.plots import PLOTTABLE

BANK = load_bank()
SYLLABUS = Path(__file__).resolve().parents[2].parent / "shared" / "syllabus.yaml"


def _syllabus():
    if not SYLLABUS.exists():
        pytest.skip(f"{SYLLABUS} is not here (it lives beside the repository in the course workspace)")
    return yaml.safe_load(SYLLABUS.read_text(encoding="utf-8"))


def test_every_syllabus_concept_is_in_the_bank_under_its_topic():
    syl = _syllabus()
    assert list(syl) == list(BANK.topics)
    for topic, concepts in syl.items():
        for cid in concepts:
            assert cid in BANK.concepts, cid
            assert BANK.concepts[cid].topic == topic, cid


def test_every_syllabus_concept_is_found_by_its_english_and_chinese_name():
    misses = []
    for topic, concepts in _syllabus().items():
        for cid, (en, zh) in concepts.items():
            for name in (en, zh):
                found = search(BANK, name)
                if not found or found[0].concept_id != cid:
                    misses.append((cid, name, found[0].concept_id if found else None))
    assert misses == []


def test_question_counts_per_topic_and_kind():
    per_topic = Counter(q.topic for q in BANK.questions.values())
    assert all(per_topic[t] >= 15 for t in BANK.topics), per_topic
    assert sum(per_topic.values()) >= 300
    kinds = Counter(q.type for q in BANK.questions.values())
    assert kinds["symbolic"] >= 40, kinds
    assert kinds["short"] >= 60 and kinds["choice"] + kinds["multi"] >= 60 and kinds["truefalse"] >= 40, kinds
    for t in BANK.topics:
        tk = Counter(q.type for q in BANK.questions_in(t))
        assert tk["short"] and (tk["choice"] or tk["multi"]) and tk["truefalse"], (t, tk)


def test_short_answers_have_three_to_five_key_points_and_every_distractor_is_explained():
    for q in BANK.questions.values():
        if q.type == "short":
            assert 3 <= len(q.key_points) <= 5, q.id
        if q.type in ("choice", "multi"):
            right = {q.answer} if q.type == "choice" else set(q.answer)
            assert all(o.why for i, o in enumerate(q.options) if i not in right), q.id


def test_activation_concepts_have_plots_that_exist():
    for c in BANK.concepts.values():
        if c.plot:
            assert c.plot in PLOTTABLE, c.id
    for cid in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu"):
        assert BANK.concepts[cid].plot, cid


def test_every_concept_names_its_related_ids_and_a_real_example_family():
    from quizcli.generators import families

    fams = families()
    for c in BANK.concepts.values():
        assert all(r in BANK.concepts for r in c.related), c.id
        if c.example:
            assert c.example in fams, (c.id, c.example)


def test_a_symbolic_drill_of_neurons_serves_symbolic_items():
    from quizcli.study.items import select_items

    items = select_items(BANK, ["neuron"], kind="symbolic", n=8, seed=1)
    assert len(items) == 8 and all(i.kind == "symbolic" for i in items)
