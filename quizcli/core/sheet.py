"""A printed sheet as a value: its items in printed order, each item's points and code.

Built by `study/sheets.py` (selection, balance, parallel forms, codes), printed by
`render/sheets.py`. Imports nothing of quizcli but the other value types.
"""
from __future__ import annotations

from dataclasses import dataclass

from .session import Item

SPACES = ("compact", "normal", "exam")


@dataclass(frozen=True)
class Sheet:
    """One printable sheet (one form of a set).

    `lang` is the language a sheet is printed in; `second`, when set, is the other language,
    printed under every text in smaller type (`--lang both`). `codes[i]` and `points[i]`
    belong to `items[i]` (empty tuples: no codes printed, section default points).
    `form` is the form's letter (A, B, …, Z, AA, …); `student` what the header prints after
    "Student" for a personalised form. `version` is the older numbered form of a set."""

    title: str
    topics: tuple[str, ...]
    items: tuple[Item, ...]
    seed: int
    command: str
    lang: str
    date: str | None = None
    version: int | None = None
    form: str | None = None
    codes: tuple[str, ...] = ()
    points: tuple[float, ...] = ()
    student: str | None = None
    space: str = "normal"
    second: str | None = None
    instructions: bool = True

    @property
    def label(self) -> str | None:
        """What follows the title: 'A' for a form, '2' for a numbered version, else None."""
        if self.form:
            return self.form
        return str(self.version) if self.version else None
