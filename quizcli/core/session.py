"""What a study session passes around: the item asked, the answer given, the session's summary.

Small value types with `to_dict`/`from_dict`; they import nothing outside quizcli.core. `Item.kind`
is a question kind's id (quizcli/kinds/): the kind decides how the item is asked and graded.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any, Protocol

from .models import Bilingual, Question
from .problem import Problem


class Rating(str, Enum):
    """The scheduler's grade of one answer (FSRS's four buttons)."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"


class Stop(str, Enum):
    """Why a session ended."""

    END = "end"
    QUIT = "quit"
    EOF = "eof"
    INTERRUPT = "interrupt"
    TIME = "time"


@dataclass(frozen=True)
class Item:
    """One thing to answer: a bank question or a generated problem, asked as its `kind`."""

    id: str
    kind: str
    topic: str
    concepts: tuple[str, ...]
    question: Question | None = None
    problem: Problem | None = None

    @property
    def prompt(self) -> Bilingual:
        return self.question.prompt if self.question else self.problem.prompt

    @property
    def card_id(self) -> str:
        """The scheduler's card: a bank question, or a whole generator family (every seed
        of a family trains the same skill)."""
        return self.id if self.question else f"family:{self.problem.family}"

    @classmethod
    def of_question(cls, q: Question) -> "Item":
        return cls(id=q.id, kind=q.type, topic=q.topic, concepts=q.concepts, question=q)

    @classmethod
    def of_problem(cls, p: Any) -> "Item":
        return cls(id=p.id, kind="generated", topic=p.topic, concepts=p.concepts, problem=p)


@dataclass(frozen=True)
class Answered:
    """One graded (or skipped) item, as recorded: correct is None for a skip.

    `score` is the share of the item earned, 0–1 (a short answer's share of key points had;
    1 or 0 for everything graded right or wrong; None for a skip)."""

    item: str
    card: str
    kind: str
    topic: str
    concepts: tuple[str, ...]
    answer: str
    correct: bool | None
    rating: str | None  # a Rating value; None for a skip
    seconds: float
    misconception: str | None
    expected: str
    mode: str = "drill"
    score: float | None = None
    confidence: int | None = None  # 1 sure, 2 unsure, 3 guess; None when not asked
    hints: int = 0  # hint rungs taken before answering
    steps: tuple = ()  # per-step results of a step-by-step calculation (dicts)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["concepts"] = list(self.concepts)
        d["steps"] = list(self.steps)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Answered":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        kw["concepts"] = tuple(kw.get("concepts") or ())
        kw["steps"] = tuple(kw.get("steps") or ())
        return cls(**kw)


class Recorder(Protocol):
    def record(self, a: Answered) -> None: ...


class NullRecorder:
    """Keeps nothing: for a drill whose progress cannot be saved."""

    def record(self, a: Answered) -> None:
        pass


@dataclass
class Summary:
    answered: list[Answered] = field(default_factory=list)
    total_items: int = 0
    seconds: float = 0.0
    stopped: str = Stop.END.value

    @property
    def graded(self) -> list[Answered]:
        return [a for a in self.answered if a.correct is not None]

    @property
    def correct(self) -> int:
        return sum(1 for a in self.graded if a.correct)

    @property
    def skipped(self) -> int:
        return sum(1 for a in self.answered if a.correct is None)

    def by_concept(self) -> dict[str, tuple[int, int]]:
        """concept id -> (right, graded), over the graded answers."""
        out: dict[str, list[int]] = {}
        for a in self.graded:
            for c in a.concepts[:2]:  # an item's first concepts are what it mainly tests
                r = out.setdefault(c, [0, 0])
                r[0] += int(bool(a.correct))
                r[1] += 1
        return {c: (r[0], r[1]) for c, r in out.items()}

    def explain_next(self, limit: int = 5) -> list[str]:
        """Concepts to study next: most answers wrong first."""
        wrong: dict[str, int] = {}
        for a in self.answered:
            if a.correct is not True:
                for c in a.concepts[:2]:
                    wrong[c] = wrong.get(c, 0) + 1
        return [c for c, _ in sorted(wrong.items(), key=lambda kv: -kv[1])][:limit]

    def misconceptions(self) -> list[str]:
        return [a.misconception for a in self.answered if a.misconception]

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": len(self.answered),
            "graded": len(self.graded),
            "correct": self.correct,
            "skipped": self.skipped,
            "total_items": self.total_items,
            "seconds": round(self.seconds, 1),
            "stopped": self.stopped,
            "by_concept": {c: {"right": r, "total": t} for c, (r, t) in self.by_concept().items()},
            "explain_next": self.explain_next(),
            "misconceptions": self.misconceptions(),
        }
