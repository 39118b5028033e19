"""What a drill, a review or an exam asks: bank questions and generated problems behind one
type, how to pick them for a topic or a concept, and how to grade an answer to each."""
from __future__ import annotations

import random
from typing import Iterable

from .. import kinds
from ..core.models import Bank, Question
from ..core.session import Item
from ..grading import GradeResult


def kind_filters() -> dict[str, frozenset[str]]:
    """--kind name -> the item kinds it admits (each kind says which groups it belongs to)."""
    return {g: kinds.admitted(g) for g in kinds.groups()}


class UnknownItem(KeyError):
    pass


def item_from_id(bank: Bank, item_id: str) -> Item:
    """A bank question by id, or a generated problem by 'family:seed[:difficulty]'."""
    if item_id in bank.questions:
        return Item.of_question(bank.questions[item_id])
    if ":" in item_id:
        from .. import generators

        try:
            p = generators.problem(item_id)
        except (ValueError, KeyError) as e:
            raise UnknownItem(item_id) from e
        return Item.of_problem(p)
    raise UnknownItem(item_id)


def _families_for(topics: set[str], concepts: set[str], bank: Bank) -> list[str]:
    from .. import generators

    wanted_examples = {bank.concepts[c].example for c in concepts if c in bank.concepts and bank.concepts[c].example}
    out = []
    for fid, fm in generators.families().items():
        if concepts:
            if set(fm.family.concepts) & concepts or fid in wanted_examples:
                out.append(fid)
        elif fm.family.topic in topics:
            out.append(fid)
    return out


def select_items(
    bank: Bank,
    topics: Iterable[str] = (),
    concepts: Iterable[str] = (),
    kind: str = "mixed",
    n: int = 10,
    seed: int | None = None,
    difficulty: str = "medium",
    weights: dict[str, float] | None = None,
) -> list[Item]:
    """Up to `n` items on the topics (or just the concepts), of the admitted kinds.

    Mixed drills take about 40 % generated problems when the topic has families. `weights`
    (concept id -> weight ≥ 0) tilts the choice of bank questions toward weak concepts.
    A seed makes the selection reproducible."""
    rng = random.Random(seed)
    topics, concepts = set(topics), set(concepts)
    admitted = kinds.admitted(kind)

    def relevant(q: Question) -> bool:
        if concepts:
            return bool(set(q.concepts) & concepts)
        return q.topic in topics

    bank_pool = [q for q in bank.questions.values() if q.type in admitted and relevant(q)]
    fams = _families_for(topics, concepts, bank) if "generated" in admitted else []
    calc_only = admitted <= kinds.admitted("numeric")  # every admitted kind is a calculation
    if calc_only:
        n_gen = n if fams else 0
    elif fams:
        n_gen = max(1, round(n * 0.4)) if bank_pool else n
    else:
        n_gen = 0
    n_bank = min(n - n_gen, len(bank_pool))
    if n_bank < n - n_gen and fams:
        n_gen = n - n_bank  # too few bank questions: fill with problems
    chosen_q = _weighted_sample(bank_pool, n_bank, rng, weights)
    items = [Item.of_question(q) for q in chosen_q]
    if n_gen:
        from .. import generators

        order = list(fams)
        rng.shuffle(order)
        for i in range(n_gen):
            fid = order[i % len(order)]
            p = generators.generate(fid, rng.randrange(1, 10_000), difficulty)
            items.append(Item.of_problem(p))
    rng.shuffle(items)
    from .interleave import interleave

    return interleave(items)


def _weighted_sample(pool: list[Question], k: int, rng: random.Random, weights: dict[str, float] | None) -> list[Question]:
    pool = list(pool)
    if not weights:
        rng.shuffle(pool)
        return pool[:k]
    out = []
    for _ in range(k):
        ws = [0.05 + max((weights.get(c, 1.0) for c in q.concepts), default=1.0) for q in pool]
        i = rng.choices(range(len(pool)), weights=ws)[0]
        out.append(pool.pop(i))
    return out


# ----------------------------------------------------------------------------- grading


def grade(item: Item, text: str) -> GradeResult:
    """Grade a typed answer (short answers are self-rated elsewhere, not here)."""
    return kinds.of(item).grade(item, text)


def expected_text(item: Item, lang: str) -> str:
    """The right answer as a student would write it."""
    return kinds.of(item).expected(item, lang)
