"""Multiple choice: every right option among 2–10, answered with their letters in any order."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual
from .base import LETTERS, letter_index, pick
from .choice import ChoiceKind


class MultiKind(ChoiceKind):
    id = "multi"
    label = Bilingual("multiple choice", "多选")
    multiple = True
    order = 21

    def parse_answer(self, raw: Any, n: int, ck: Any, aline: int, where: str) -> Any:
        letters = raw if isinstance(raw, list) else list(str(raw).replace(",", " ").split()) if isinstance(raw, str) else None
        idx = [letter_index(x, n) for x in letters] if letters else None
        if not idx or any(i is None for i in idx):
            ck.err(aline, f"{where}: answer must be a list of option letters A–{LETTERS[n - 1]}, got {raw!r}")
            return None
        return tuple(sorted(set(idx)))  # type: ignore[arg-type]

    def hint(self, item, lang: str) -> str:
        return pick(lang, "Answer with every right letter, e.g. AC (any order).", "填写所有正确选项，如 AC（顺序不限）。")

    def _right(self, q):
        return set(q.answer)

    def right_options(self, item) -> set[int]:
        return set(item.question.answer)


KIND = MultiKind()
