"""The drill loop: ask each item, read the answer, grade it, record it at once, report.

Presentation and input are behind a small `DrillUI` protocol (rich screen or JSON lines),
so the same loop serves a terminal, a pipe and the tests. Every graded answer is handed to
the recorder the moment it is graded: quitting, end of input or Ctrl-C loses nothing.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, Sequence

from ..grading import GradeResult
from .items import Item, expected_text, grade

QUIT = {"q", "quit", "exit", ":q", "退出"}
SKIP = {"s", "skip", "跳过"}
HINT = {"", "?", "？", "h", "hint", "提示"}


@dataclass(frozen=True)
class Answered:
    """One graded (or skipped) item, as recorded: correct is None for a skip."""

    item: str
    card: str
    kind: str
    topic: str
    concepts: tuple[str, ...]
    answer: str
    correct: bool | None
    rating: str | None  # again / hard / good / easy; None for a skip
    seconds: float
    misconception: str | None
    expected: str
    mode: str = "drill"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["concepts"] = list(self.concepts)
        return d


class Recorder(Protocol):
    def record(self, a: Answered) -> None: ...


class NullRecorder:
    def record(self, a: Answered) -> None:  # noqa: D401 - nothing to keep
        pass


class DrillUI(Protocol):
    def show_item(self, item: Item, index: int, total: int) -> None: ...
    def ask(self, item: Item) -> str | None: ...  # None at end of input
    def hint(self, item: Item) -> None: ...
    def invalid(self, item: Item, text: str, result: GradeResult) -> None: ...
    def key_points(self, item: Item, text: str, found: list[bool]) -> str | None: ...
    def feedback(self, item: Item, a: Answered, result: GradeResult | None) -> None: ...
    def summary(self, s: "Summary") -> None: ...
    def warn(self, en: str, zh: str) -> None: ...


@dataclass
class Summary:
    answered: list[Answered] = field(default_factory=list)
    total_items: int = 0
    seconds: float = 0.0
    stopped: str = "end"  # end | quit | eof | interrupt | time

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


def _is_command(item: Item, text: str, words: set[str]) -> bool:
    t = text.strip().lower()
    if t not in words:
        return False
    # a symbolic item may use q or s as a variable: then they are answers, not commands
    q = item.question
    if q is not None and q.type == "symbolic" and (t in q.variables or t in dict(q.substitutions)):
        return False
    return True


def ask_item(item: Item, ui: DrillUI, mode: str = "drill") -> tuple[Answered | None, GradeResult | None, str | None]:
    """Ask one item until it is answered, skipped or the student stops.

    Returns (answered or None, grade result or None, stop reason or None)."""
    start = time.monotonic()
    while True:
        text = ui.ask(item)
        if text is None:
            return None, None, "eof"
        if _is_command(item, text, QUIT):
            return None, None, "quit"
        if _is_command(item, text, SKIP):
            a = _answered(item, text.strip(), None, None, start, None, mode, expected_text(item, "en"))
            return a, None, None
        if text.strip() in HINT and text.strip() not in (item.question.variables if item.question else ()):
            ui.hint(item)
            continue
        if item.kind == "short":
            from ..grading import key_terms_found, parse_point_selection, rating_from_points
            from ..grading.result import ParseError

            kps = [k.to_dict() for k in item.question.key_points]
            found = key_terms_found(text, kps)
            while True:
                sel = ui.key_points(item, text, found)
                if sel is None or not sel.strip():
                    had = [i for i, f in enumerate(found) if f]
                    break
                try:
                    had = parse_point_selection(sel, len(kps))
                    break
                except ParseError as e:
                    ui.warn(e.message_en, e.message_zh)
            rating = rating_from_points(len(had), len(kps))
            a = _answered(item, text.strip(), rating in ("good", "easy"), rating, start, None, mode, f"{len(had)}/{len(kps)}")
            return a, None, None
        result = grade(item, text)
        if result.correct is None:
            ui.invalid(item, text, result)
            continue
        a = _answered(item, text.strip(), bool(result.correct), "good" if result.correct else "again", start,
                      result.misconception, mode, expected_text(item, "en"))
        return a, result, None


def _answered(item: Item, text: str, correct, rating, start: float, misconception, mode: str, expected: str) -> Answered:
    return Answered(
        item=item.id, card=item.card_id, kind=item.kind, topic=item.topic, concepts=item.concepts,
        answer=text, correct=correct, rating=rating, seconds=round(time.monotonic() - start, 2),
        misconception=misconception, expected=expected, mode=mode,
    )


def run_drill(items: Sequence[Item], ui: DrillUI, recorder: Recorder | None = None, mode: str = "drill",
              deadline: float | None = None) -> Summary:
    """Ask every item in order; stop on quit, end of input, Ctrl-C or the deadline
    (time.monotonic() value: the item being answered when time runs out is the last)."""
    recorder = recorder or NullRecorder()
    summary = Summary(total_items=len(items))
    t0 = time.monotonic()
    try:
        for i, item in enumerate(items, 1):
            if deadline is not None and time.monotonic() >= deadline:
                summary.stopped = "time"
                break
            ui.show_item(item, i, len(items))
            answered, result, stop = ask_item(item, ui, mode)
            if answered is not None:
                _record(recorder, ui, answered)
                summary.answered.append(answered)
                ui.feedback(item, answered, result)
            if stop:
                summary.stopped = stop
                break
    except KeyboardInterrupt:
        summary.stopped = "interrupt"
    summary.seconds = time.monotonic() - t0
    ui.summary(summary)
    return summary


def _record(recorder: Recorder, ui: DrillUI, a: Answered) -> None:
    try:
        recorder.record(a)
    except Exception as e:  # the drill goes on; the student is told once per failure
        ui.warn(f"Could not save this answer ({e}); the drill goes on.", f"这道题的作答未能保存（{e}），练习继续。")
