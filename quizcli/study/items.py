"""What a drill, a review or an exam asks: bank questions and generated problems behind one
type, how to pick them for a topic or a concept, and how to grade an answer to each."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Iterable

from ..core.models import Bank, Bilingual, Question
from ..grading import GradeResult

# --kind filter: which item kinds each name admits
KIND_FILTERS = {
    "concept": {"short", "choice", "multi", "truefalse"},
    "numeric": {"numeric", "generated"},
    "symbolic": {"symbolic"},
    "mixed": {"short", "choice", "multi", "truefalse", "numeric", "generated", "symbolic"},
}


@dataclass(frozen=True)
class Item:
    """One thing to answer. `kind` is the question type, or 'generated' for a problem."""

    id: str
    kind: str
    topic: str
    concepts: tuple[str, ...]
    question: Question | None = None
    problem: Any = None  # generators.base.Problem; not imported here to keep numpy lazy

    @property
    def prompt(self) -> Bilingual:
        return self.question.prompt if self.question else self.problem.prompt

    @property
    def card_id(self) -> str:
        """The scheduler's card: a bank question, or a whole generator family (every seed
        of a family trains the same skill)."""
        return self.id if self.question else f"family:{self.problem.family}"


class UnknownItem(KeyError):
    pass


def item_from_id(bank: Bank, item_id: str) -> Item:
    """A bank question by id, or a generated problem by 'family:seed[:difficulty]'."""
    if item_id in bank.questions:
        q = bank.questions[item_id]
        return Item(id=q.id, kind=q.type, topic=q.topic, concepts=q.concepts, question=q)
    if ":" in item_id:
        from .. import generators

        try:
            p = generators.problem(item_id)
        except (ValueError, KeyError) as e:
            raise UnknownItem(item_id) from e
        return Item(id=p.id, kind="generated", topic=p.topic, concepts=p.concepts, problem=p)
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
    admitted = KIND_FILTERS[kind]

    def relevant(q: Question) -> bool:
        if concepts:
            return bool(set(q.concepts) & concepts)
        return q.topic in topics

    bank_pool = [q for q in bank.questions.values() if q.type in admitted and relevant(q)]
    fams = _families_for(topics, concepts, bank) if "generated" in admitted else []
    if kind == "numeric":
        n_gen = n if fams else 0
    elif kind == "mixed" and fams:
        n_gen = max(1, round(n * 0.4)) if bank_pool else n
    else:
        n_gen = 0
    n_bank = min(n - n_gen, len(bank_pool))
    if n_bank < n - n_gen and fams:
        n_gen = n - n_bank  # too few bank questions: fill with problems
    chosen_q = _weighted_sample(bank_pool, n_bank, rng, weights)
    items = [Item(id=q.id, kind=q.type, topic=q.topic, concepts=q.concepts, question=q) for q in chosen_q]
    if n_gen:
        from .. import generators

        order = list(fams)
        rng.shuffle(order)
        for i in range(n_gen):
            fid = order[i % len(order)]
            p = generators.generate(fid, rng.randrange(1, 10_000), difficulty)
            items.append(Item(id=p.id, kind="generated", topic=p.topic, concepts=p.concepts, problem=p))
    rng.shuffle(items)
    return items


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
    from .. import grading

    q = item.question
    if item.kind == "generated":
        p = item.problem
        return grading.grade_numeric(text, p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)
    assert q is not None
    if q.type == "choice":
        return grading.grade_choice(text, len(q.options), q.answer, multiple=False)
    if q.type == "multi":
        return grading.grade_choice(text, len(q.options), set(q.answer), multiple=True)
    if q.type == "truefalse":
        return grading.grade_truefalse(text, q.answer)
    if q.type == "numeric":
        return grading.grade_numeric(text, q.answer, rtol=q.rtol, atol=q.atol)
    if q.type == "symbolic":
        return grading.grade_symbolic(text, q.answer, list(q.variables), substitutions=dict(q.substitutions) or None)
    raise ValueError(f"{item.id}: {q.type} answers are self-rated, not graded")


def expected_text(item: Item, lang: str) -> str:
    """The right answer as a student would write it."""
    q = item.question
    if item.kind == "generated":
        return item.problem.answer_text
    assert q is not None
    letters = "ABCDEFGHIJ"
    if q.type == "choice":
        return letters[q.answer]
    if q.type == "multi":
        return "".join(letters[i] for i in q.answer)
    if q.type == "truefalse":
        return ("true" if q.answer else "false") if lang == "en" else ("对" if q.answer else "错")
    if q.type == "numeric":
        from ..generators.base import fmt_answer

        return fmt_answer(q.answer)
    if q.type == "symbolic":
        return q.answer
    return q.answer.t(lang)
