"""What a mock exam and the progress statistics report: typed values with `to_dict` (the JSON a
command prints, unchanged) and `from_dict`. They import nothing outside quizcli.core."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Score:
    """Points earned of the points possible (a section counts its items too)."""

    earned: float
    max: float
    items: int | None = None

    @property
    def share(self) -> float:
        return self.earned / self.max if self.max else 0.0

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"earned": self.earned, "max": self.max}
        if self.items is not None:
            d["items"] = self.items
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Score:
        return cls(float(d["earned"]), d["max"], d.get("items"))


@dataclass(frozen=True)
class Missed:
    """An exam item that lost points: the answer given (None: not answered)."""

    item: str
    section: str
    answer: str | None
    earned: float
    points: int
    concepts: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "section": self.section, "answer": self.answer, "earned": self.earned,
                "points": self.points, "concepts": list(self.concepts)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Missed:
        return cls(d["item"], d["section"], d.get("answer"), float(d["earned"]), int(d["points"]), tuple(d.get("concepts", ())))


@dataclass(frozen=True)
class PlanEntry:
    """One concept of tonight's plan: the share of its items' points lost, the points lost,
    and the two commands that study it."""

    concept: str
    missed: float
    points_lost: float

    @property
    def explain(self) -> str:
        return f"quizcli explain {self.concept}"

    @property
    def drill(self) -> str:
        return f"quizcli drill {self.concept} -n 8"

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept, "missed": self.missed, "points_lost": self.points_lost,
                "explain": self.explain, "drill": self.drill}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlanEntry:
        return cls(d["concept"], float(d["missed"]), float(d["points_lost"]))


@dataclass(frozen=True)
class ExamReport:
    """A marked paper: the score, per section and per topic, what was missed, tonight's plan;
    for a sitting, why it stopped and the time used and left."""

    score: float
    max: float
    percent: float
    sections: dict[str, Score]
    topics: dict[str, Score]
    wrong: tuple[Missed, ...] = ()
    plan: tuple[PlanEntry, ...] = ()
    stopped: str | None = None
    minutes_used: float | None = None
    seconds_left: float | None = None

    def to_dict(self, *, with_time_left: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "score": self.score,
            "max": self.max,
            "percent": self.percent,
            "sections": {k: v.to_dict() for k, v in self.sections.items()},
            "topics": {k: v.to_dict() for k, v in self.topics.items()},
            "wrong": [w.to_dict() for w in self.wrong],
            "plan": [p.to_dict() for p in self.plan],
        }
        if self.stopped is not None:
            d["stopped"] = getattr(self.stopped, "value", self.stopped)
            d["minutes_used"] = self.minutes_used
            if with_time_left:
                d["seconds_left"] = self.seconds_left
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExamReport:
        return cls(score=float(d["score"]), max=d["max"], percent=float(d["percent"]),
                   sections={k: Score.from_dict(v) for k, v in d["sections"].items()},
                   topics={k: Score.from_dict(v) for k, v in d["topics"].items()},
                   wrong=tuple(Missed.from_dict(w) for w in d.get("wrong", ())),
                   plan=tuple(PlanEntry.from_dict(p) for p in d.get("plan", ())),
                   stopped=d.get("stopped"), minutes_used=d.get("minutes_used"), seconds_left=d.get("seconds_left"))


# ----------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class TopicStats:
    answered: int
    correct: int
    mastery: float | None  # share right of the recent answers; None: never answered

    def to_dict(self) -> dict[str, Any]:
        return {"answered": self.answered, "correct": self.correct, "mastery": self.mastery}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TopicStats:
        return cls(int(d["answered"]), int(d["correct"]), d.get("mastery"))


@dataclass(frozen=True)
class DayStats:
    day: str  # ISO date
    answered: int
    accuracy: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "answered": self.answered, "accuracy": self.accuracy}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DayStats:
        return cls(d["day"], int(d["answered"]), d.get("accuracy"))


@dataclass(frozen=True)
class WeakConcept:
    concept: str
    right: int
    total: int
    weakness: float  # Laplace-smoothed error rate (wrong + 1) / (total + 2)
    topic: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"concept": self.concept, "right": self.right, "total": self.total, "weakness": self.weakness}
        if self.topic is not None:
            d["topic"] = self.topic
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WeakConcept:
        return cls(d["concept"], int(d["right"]), int(d["total"]), float(d["weakness"]), d.get("topic"))


@dataclass(frozen=True)
class Stats:
    """What `quizcli stats` shows: mastery per topic, the last 14 days, the weakest concepts,
    the most frequent misconceptions, streaks, calibration per confidence level and hint use."""

    answered: int
    graded: int
    correct: int
    topics: dict[str, TopicStats]
    days: tuple[DayStats, ...]
    weakest: tuple[WeakConcept, ...]
    misconceptions: tuple[tuple[str, int], ...]  # (id, count), most frequent first
    streak_days: int
    study_days: int
    calibration: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, int] = field(default_factory=dict)  # {"rungs": …, "answers": …}

    def to_dict(self) -> dict[str, Any]:
        return {
            "calibration": self.calibration,
            "hints": dict(self.hints),
            "answered": self.answered,
            "graded": self.graded,
            "correct": self.correct,
            "topics": {k: v.to_dict() for k, v in self.topics.items()},
            "days": [d.to_dict() for d in self.days],
            "weakest": [w.to_dict() for w in self.weakest],
            "misconceptions": [{"id": m, "count": n} for m, n in self.misconceptions],
            "streak_days": self.streak_days,
            "study_days": self.study_days,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stats:
        return cls(answered=int(d["answered"]), graded=int(d["graded"]), correct=int(d["correct"]),
                   topics={k: TopicStats.from_dict(v) for k, v in d["topics"].items()},
                   days=tuple(DayStats.from_dict(x) for x in d["days"]),
                   weakest=tuple(WeakConcept.from_dict(x) for x in d["weakest"]),
                   misconceptions=tuple((m["id"], int(m["count"])) for m in d["misconceptions"]),
                   streak_days=int(d["streak_days"]), study_days=int(d["study_days"]),
                   calibration=dict(d.get("calibration") or {}), hints=dict(d.get("hints") or {}))
