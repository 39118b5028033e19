"""The whole syllabus is in the bank: every concept reachable in both languages, enough
questions of every kind, examples and plots that exist."""
from collections import Counter

import pytest

from quizcli.bank.search import search
from quizcli.core.plots import PLOTTABLE

from syllabus_data import ENTRIES, PENDING, SYLLABUS, concept_params, topic_params



def test_bank_topics_follow_the_syllabus_order(bank):
    landed = [t for t in SYLLABUS if t in bank.topics]
    assert landed == [t for t in bank.topics if t in SYLLABUS]
    assert set(bank.topics) <= set(SYLLABUS), set(bank.topics) - set(SYLLABUS)


def test_pending_list_names_only_syllabus_ids_not_yet_in_the_bank(bank):
    assert PENDING <= {e[1] for e in ENTRIES}
    assert not PENDING & set(bank.concepts), "a landed concept must leave tests/data/pending_concepts.txt"


@pytest.mark.parametrize("topic", topic_params())
def test_every_syllabus_topic_is_in_the_bank(bank, topic):
    assert topic in bank.topics
    assert bank.concept_count(topic) >= 3


@pytest.mark.parametrize("topic,cid,en,zh", concept_params())
def test_every_syllabus_concept_is_in_the_bank_under_its_topic(bank, topic, cid, en, zh):
    assert cid in bank.concepts
    assert bank.concepts[cid].topic == topic


@pytest.mark.parametrize("topic,cid,en,zh", concept_params())
def test_syllabus_names_are_the_concepts_titles_or_aliases(bank, topic, cid, en, zh):
    from quizcli.bank.search import normalize

    c = bank.concepts[cid]
    names = {normalize(x) for x in (c.title.en, c.title.zh, *c.aliases)}
    assert normalize(en) in names and normalize(zh) in names


@pytest.mark.parametrize("topic,cid,en,zh", concept_params())
def test_every_syllabus_concept_is_found_by_its_english_and_chinese_name(bank, topic, cid, en, zh):
    for name in (en, zh):
        found = search(bank, name)
        assert found and found[0].concept_id == cid, (name, [f.concept_id for f in found[:3]])


def test_question_counts_per_topic_and_kind(bank):
    per_topic = Counter(q.topic for q in bank.questions.values())
    assert all(per_topic[t] >= 15 for t in bank.topics), per_topic
    assert sum(per_topic.values()) >= 300
    kinds = Counter(q.type for q in bank.questions.values())
    assert kinds["symbolic"] >= 40, kinds
    assert kinds["short"] >= 60 and kinds["choice"] + kinds["multi"] >= 60 and kinds["truefalse"] >= 40, kinds
    for t in bank.topics:
        tk = Counter(q.type for q in bank.questions_in(t))
        assert tk["short"] and (tk["choice"] or tk["multi"]) and tk["truefalse"], (t, tk)


def test_short_answers_have_three_to_five_key_points_and_every_distractor_is_explained(bank):
    for q in bank.questions.values():
        if q.type == "short":
            assert 3 <= len(q.key_points) <= 5, q.id
        if q.type in ("choice", "multi"):
            right = {q.answer} if q.type == "choice" else set(q.answer)
            assert all(o.why for i, o in enumerate(q.options) if i not in right), q.id


def test_activation_concepts_have_plots_that_exist(bank):
    for c in bank.concepts.values():
        if c.plot:
            assert c.plot in PLOTTABLE, c.id
    for cid in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu"):
        assert bank.concepts[cid].plot, cid


def test_every_concept_names_its_related_ids_and_a_real_example_family(bank):
    from quizcli.generators import families

    fams = families()
    for c in bank.concepts.values():
        assert all(r in bank.concepts for r in c.related), c.id
        if c.example:
            assert c.example in fams, (c.id, c.example)


def test_a_symbolic_drill_of_neurons_serves_symbolic_items(bank):
    from quizcli.study.items import select_items

    items = select_items(bank, ["neuron"], kind="symbolic", n=8, seed=1)
    assert len(items) == 8 and all(i.kind == "symbolic" for i in items)
