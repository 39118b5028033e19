"""A drill face for scripts and tests: answers come from a list, everything shown is kept as
events (the same events the JSON face prints), and nothing is printed."""
from __future__ import annotations

from typing import Any, Iterable

from .. import kinds
from ..core.session import Answered, Item, Summary
from ..grading import GradeResult


class ScriptedUI:
    """Answers `answers` in order (None or the end of the list ends the drill); `events`
    holds what a student would have seen, as dicts."""

    def __init__(self, answers: Iterable[str], lang: str = "en"):
        self._answers = list(answers)
        self.lang = lang
        self.events: list[dict[str, Any]] = []
        self.deadline = None

    def show_item(self, item: Item, index: int, total: int) -> None:
        self.events.append({"event": "item", "item": item.id, "kind": item.kind, "index": index, "total": total,
                            "prompt": item.prompt.t(self.lang)})

    def ask(self, item: Item) -> str | None:
        return self._answers.pop(0) if self._answers else None

    def hint(self, item: Item) -> None:
        self.events.append({"event": "hint", "item": item.id, "hint": kinds.of(item).hint(item, self.lang)})

    def invalid(self, item: Item, text: str, result: GradeResult) -> None:
        self.events.append({"event": "invalid", "item": item.id, "answer": text, "message": result.message_en})

    def warn(self, en: str, zh: str) -> None:
        self.events.append({"event": "warning", "message": zh if self.lang == "zh" else en})

    def key_points(self, item: Item, text: str, found: list[bool]) -> str | None:
        self.events.append({"event": "key_points", "item": item.id, "found": found})
        return self.ask(item)

    def feedback(self, item: Item, a: Answered, result: GradeResult | None) -> None:
        self.events.append({"event": "graded", **a.to_dict()})

    def summary(self, s: Summary) -> None:
        self.events.append({"event": "summary", **s.to_dict()})
