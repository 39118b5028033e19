"""The night-before mock exam: a paper in sections like a Chinese university final
(选择/判断, 简答, 计算), weighted toward weak and unseen concepts while covering every topic,
then a report with tonight's plan."""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any, Sequence

from .. import kinds
from ..core.models import Bank, Bilingual, Question
from ..core.report import ExamReport, Missed, PlanEntry, Score
from ..core.session import Answered, Item
from .items import _families_for


@dataclass(frozen=True)
class Section:
    """A part of the paper; each question kind says which part it stands in."""

    id: str
    points: int  # per item
    share: float  # of the paper's items
    title: Bilingual

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(k.id for k in kinds.all_kinds().values() if k.section.value == self.id)


SECTIONS = (
    Section(kinds.Section.OBJECTIVE.value, 2, 0.5, Bilingual("Part I. Multiple choice and true/false", "一、选择题与判断题")),
    Section(kinds.Section.SHORT.value, 6, 0.2, Bilingual("Part II. Short answer", "二、简答题")),
    Section(kinds.Section.CALC.value, 8, 0.3, Bilingual("Part III. Calculation", "三、计算题")),
)
_BY_ID = {s.id: s for s in SECTIONS}


def section_of(item: Item) -> Section:
    return _BY_ID[kinds.of(item).section.value]


def quotas(n: int) -> dict[str, int]:
    q = {s.id: int(round(n * s.share)) for s in SECTIONS}
    q["objective"] += n - sum(q.values())
    return q


def build_paper(bank: Bank, topics: Sequence[str], n: int = 25, seed: int | None = None,
                weights: dict[str, float] | None = None, difficulty: str = "medium") -> list[Item]:
    """`n` items over `topics`, sections in order, each topic covered when n allows,
    bank questions drawn with probability growing with their concepts' weakness."""
    from .. import generators

    rng = random.Random(seed)
    weights = weights or {}
    quota = quotas(n)
    topic_order = list(topics)
    rng.shuffle(topic_order)

    pools: dict[tuple[str, str], list[Any]] = {}
    for t in topic_order:
        for s in SECTIONS:
            qs: list[Any] = [q for q in bank.questions.values() if q.topic == t and q.type in s.kinds]
            if s.id == kinds.get("generated").section.value:  # generated problems are calculations
                qs += [("family", f) for f in _families_for({t}, set(), bank)]
            pools[(t, s.id)] = qs

    def weight(c: Any) -> float:
        if isinstance(c, Question):
            return 0.05 + max((weights.get(x, 1.0) for x in c.concepts), default=1.0)
        fam = generators.get(c[1]).family
        return 0.05 + max((weights.get(x, 1.0) for x in fam.concepts[:2]), default=1.0)

    def dup_key(c: Any) -> tuple[str, str]:
        if isinstance(c, Question):
            return (c.concepts[0] if c.concepts else c.id, c.type)
        fam = generators.get(c[1]).family
        return (fam.concepts[0] if fam.concepts else c[1], "generated")

    on_paper: set[tuple[str, str]] = set()
    chosen: list[Item] = []
    stalled = 0
    i = 0
    while sum(quota.values()) > 0 and stalled < len(topic_order):
        t = topic_order[i % len(topic_order)]
        i += 1
        open_sections = sorted((s for s in SECTIONS if quota[s.id] > 0 and pools[(t, s.id)]),
                               key=lambda s: -quota[s.id] / max(1, round(n * s.share)))
        if not open_sections:
            stalled += 1
            continue
        stalled = 0
        s = open_sections[0]
        pool = pools[(t, s.id)]
        k = rng.choices(range(len(pool)), weights=[weight(c) for c in pool])[0]
        c = pool.pop(k)
        key = dup_key(c)
        if key in on_paper:
            continue  # a near-duplicate (same concept, same kind) of an item already on the paper
        on_paper.add(key)
        quota[s.id] -= 1
        if isinstance(c, Question):
            chosen.append(Item.of_question(c))
        else:
            p = generators.generate(c[1], rng.randrange(1, 10_000), difficulty)
            chosen.append(Item.of_problem(p))
    from .interleave import interleave

    return [it for s in SECTIONS for it in interleave([x for x in chosen if section_of(x).id == s.id])]


def item_points(item: Item) -> int:
    return section_of(item).points


def earned(item: Item, a: Answered | None) -> float:
    """Points earned: all or nothing, except where the kind gives partial credit (a short
    answer earns its share of key points)."""
    return kinds.of(item).earned(item, a, item_points(item))


def report(items: Sequence[Item], answered: Sequence[Answered], weakness: dict[str, float] | None = None) -> ExamReport:
    """Scores per section and topic, the wrong items, and tonight's plan."""
    by_id = {a.item: a for a in answered}
    sections: dict[str, list[float]] = {s.id: [0.0, 0.0, 0] for s in SECTIONS}  # earned, max, items
    topics: dict[str, list[float]] = {}
    wrong: list[Missed] = []
    lost: dict[str, list[float]] = {}  # concept -> [share of its items' points lost, points lost]
    for it in items:
        a = by_id.get(it.id)
        s = section_of(it)
        got, pts = earned(it, a), item_points(it)
        sec = sections[s.id]
        sec[0] += got
        sec[1] += pts
        sec[2] += 1
        tp = topics.setdefault(it.topic, [0.0, 0.0])
        tp[0] += got
        tp[1] += pts
        if got < pts:
            wrong.append(Missed(it.id, s.id, a.answer if a else None, round(got, 2), pts, tuple(it.concepts)))
            for c in it.concepts[:2]:
                v = lost.setdefault(c, [0.0, 0.0])
                v[0] += (pts - got) / pts
                v[1] += pts - got
    weakness = weakness or {}
    # weakest first: the share of points lost (a 0 / 8 before a 4.5 / 6), then the points
    # lost, then the history's weakness; every concept of an item scored 0 is in the plan
    plan_ids = sorted(lost, key=lambda c: (-round(lost[c][0], 6), -lost[c][1], -weakness.get(c, 0.0), c))
    zero = {c for w in wrong if w.earned == 0 for c in w.concepts[:2]}
    keep = plan_ids[:8] + [c for c in plan_ids[8:] if c in zero]
    total = sum(v[0] for v in sections.values())
    total_max = sum(v[1] for v in sections.values())
    return ExamReport(
        score=round(total, 2),
        max=total_max,
        percent=round(100 * total / total_max, 1) if total_max else 0.0,
        sections={k: Score(round(v[0], 2), v[1], int(v[2])) for k, v in sections.items()},
        topics={k: Score(round(v[0], 2), v[1]) for k, v in topics.items()},
        wrong=tuple(wrong),
        plan=tuple(PlanEntry(c, round(lost[c][0], 2), round(lost[c][1], 2)) for c in keep),
    )


# ----------------------------------------------------------------------------- the session


class ExamRecorder:
    """Records every answer at once, marked as given in an exam."""

    def __init__(self, recorder):
        self.recorder = recorder

    def record(self, a: Answered) -> None:
        self.recorder.record(as_exam(a))


def as_exam(a: Answered) -> Answered:
    return replace(a, mode="exam")


def prepare_exam(bank: Bank, topics: Sequence[str], n: int, seed: int | None,
                 history: Sequence[dict] = ()) -> tuple[list[Item], dict[str, float]]:
    """The paper, weighted toward the concepts the answer history shows weak or unseen, and
    those weights (concept id -> weight)."""
    from .stats import concept_weights

    weights = concept_weights(list(history), bank.concepts)
    return build_paper(bank, topics, n=n, seed=seed, weights=weights), weights


def take_exam(items: Sequence[Item], ui, recorder, minutes: float, weights: dict[str, float] | None = None) -> ExamReport:
    """Sit the paper through `ui` within `minutes`, recording each answer the moment it is
    given; returns the report (see `report`) with why it stopped and the minutes used."""
    return sit_exam(items, ui, recorder, minutes, weights)[0]


def sit_exam(items: Sequence[Item], ui, recorder, minutes: float, weights: dict[str, float] | None = None,
             done: Sequence[Answered] = (), confidence: bool = False) -> tuple[ExamReport, list[Answered]]:
    """`take_exam` for a paper perhaps begun before: the items answered in `done` (already
    recorded) are not asked again, and the report covers the whole paper. Returns the report
    and every answer of the paper (to pause it: see `paused_state`)."""
    import time

    from .drill import run_drill

    done = list(done)
    asked = {a.item for a in done}
    todo = [it for it in items if it.id not in asked]
    deadline = time.monotonic() + minutes * 60
    if hasattr(ui, "deadline"):
        ui.deadline = deadline
    s = run_drill(todo, ui, ExamRecorder(recorder), mode="exam", deadline=deadline, confidence=confidence)
    answers = done + [as_exam(a) for a in s.answered]
    rep = replace(report(items, answers, weakness=weights), stopped=getattr(s.stopped, "value", s.stopped),
                  minutes_used=round(s.seconds / 60, 1), seconds_left=max(0.0, round(minutes * 60 - s.seconds, 1)))
    return rep, answers


def paused_state(items: Sequence[Item], answers: Sequence[Answered], seconds_left: float,
                 weights: dict[str, float] | None, topics: Sequence[str]) -> dict[str, Any]:
    """What `quizcli exam --resume` needs: the same paper (item ids reproduce generated
    problems), the answers given, the time left."""
    return {"version": 1, "items": [it.id for it in items], "answers": [a.to_dict() for a in answers],
            "seconds_left": round(float(seconds_left), 1), "weights": dict(weights or {}), "topics": list(topics)}


def resume_state(bank: Bank, state: dict[str, Any]) -> tuple[list[Item], list[Answered], float, dict[str, float]]:
    """The paper, answers and time left of a paused exam; ValueError when it cannot be read."""
    from .items import UnknownItem, item_from_id

    try:
        items = [item_from_id(bank, i) for i in state["items"]]
        answers = [Answered.from_dict(d) for d in state["answers"]]
        left = float(state["seconds_left"])
        weights = {str(k): float(v) for k, v in (state.get("weights") or {}).items()}
    except (KeyError, TypeError, ValueError, UnknownItem) as e:
        raise ValueError(str(e)) from None
    return items, answers, left, weights
