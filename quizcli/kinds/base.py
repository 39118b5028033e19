"""The contract of a question kind (see the package docstring).

A kind is stateless: its methods take the `Item` (quizcli.core.session) they act on. Parsing
receives the loader's checker `ck`, which offers `err(line, message)`, `line_of(mapping, key)`,
`bilingual(mapping, key, where, required=True)`, `bilingual_value(value, where, line)`,
`bilingual_list(mapping, key, where, required, min_len)`, `str_list(mapping, key, where)` and
`unknown_keys(mapping, allowed, where)`: the kind reports problems through it as `file:line`.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar

from ..core.models import Bilingual, Concept, Option
from ..core.session import Answered, Item

LETTERS = "ABCDEFGHIJ"


class Section(str, Enum):
    """Where a kind's items stand on an exam paper and a printed sheet."""

    OBJECTIVE = "objective"
    SHORT = "short"
    CALC = "calc"


class Kind:
    """One question kind. Subclasses set the class attributes and override what differs."""

    id: ClassVar[str]
    label: ClassVar[Bilingual]
    section: ClassVar[Section]
    groups: ClassVar[frozenset[str]]  # the --kind names that admit it ("mixed" admits all)
    fields: ClassVar[tuple[str, ...]] = ()  # YAML fields this kind owns beyond the common ones
    in_bank: ClassVar[bool] = True  # may a bank question declare this type?
    self_rated: ClassVar[bool] = False  # the student rates the answer against key points
    multiple: ClassVar[bool] = False  # several options may be right
    needs_sympy: ClassVar[bool] = False  # grading imports sympy (warm it up in the background)
    order: ClassVar[int] = 50  # listing order

    # ---- the bank ----
    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        """The Question fields this kind reads from its YAML mapping `q` (`raw` is q["answer"]):
        a dict with "answer" and any of "options", "key_points", "variables", "substitutions",
        "rtol", "atol"; None when the entry is unusable (the problem is reported through ck)."""
        raise NotImplementedError

    def deep_check(self, q, full: bool = True) -> list[str]:
        """Problems found by the kind's own checks (messages without the id): `full` for
        `bank check`, else the light form run on every load."""
        return []

    # ---- asking ----
    def options(self, item: Item) -> tuple[Option, ...]:
        """The options shown under the prompt (none for most kinds)."""
        return ()

    def hint(self, item: Item, lang: str) -> str:
        """What form the answer takes (the first `?`)."""
        raise NotImplementedError

    def hint_ladder(self, item: Item, concept: Concept | None) -> tuple[Bilingual, ...]:
        """The hints `?` climbs in a drill or a review, one rung deeper each time (`concept`: the
        item's first concept, None when unknown). Empty: `?` gives only the form of the answer."""
        return ()

    def answer_words(self, item: Item) -> frozenset[str]:
        """Words that are answers, not commands, for this item (a variable named q or s)."""
        return frozenset()

    def extra_json(self, item: Item, render) -> dict[str, Any]:
        """Fields the JSON face of a drill adds to an item event (render: text -> shown text)."""
        return {}

    # ---- grading ----
    def grade(self, item: Item, text: str):
        """A grading.GradeResult for a typed answer."""
        raise NotImplementedError

    def expected(self, item: Item, lang: str) -> str:
        """The right answer as a student would write it."""
        raise NotImplementedError

    def model_answer(self, item: Item, lang: str) -> str:
        """The answer as a key prints it (a short answer's full model answer)."""
        return self.expected(item, lang)

    def chosen(self, item: Item, text: str) -> set[int]:
        """The option indices an answer picked (empty for kinds without options)."""
        return set()

    def right_options(self, item: Item) -> set[int]:
        return set()

    def earned(self, item: Item, a: Answered | None, points: float) -> float:
        """Exam points earned out of `points`: all or nothing unless the kind says otherwise."""
        if a is None or a.correct is None:
            return 0.0
        return float(points) if a.correct else 0.0

    def __repr__(self) -> str:
        return f"<kind {self.id}>"


def letter_index(v: Any, n: int) -> int | None:
    """A single option letter (A–…) as a 0-based index, or None."""
    if isinstance(v, str) and len(v.strip()) == 1 and v.strip().upper() in LETTERS[:n]:
        return LETTERS.index(v.strip().upper())
    return None


def shape_words(answer: Any) -> tuple[str, str]:
    """How a numeric answer is typed, in (en, zh)."""
    if isinstance(answer, (list, tuple)):
        if answer and isinstance(answer[0], (list, tuple)):
            r, c = len(answer), len(answer[0])
            return (f"a {r}×{c} matrix, row by row (1 2; 3 4)", f"{r}×{c} 矩阵，按行填写（如 1 2; 3 4）")
        return (f"{len(answer)} numbers separated by commas or spaces", f"{len(answer)} 个数，用逗号或空格分隔")
    return ("one number", "一个数")


def key_idea(concept: Concept | None) -> Bilingual | None:
    """The first rung of a concept item's hints: the concept's key idea (its summary, else its
    first key point), named by its title."""
    if concept is None:
        return None
    idea = concept.summary if (concept.summary.en.strip() and concept.summary.zh.strip()) else (
        concept.key_points[0] if concept.key_points else None)
    if idea is None:
        return None
    return Bilingual(f"Key idea ({concept.title.en}): {idea.en}", f"核心思想（{concept.title.zh}）：{idea.zh}")


def pick(lang: str, en: str, zh: str) -> str:
    return Bilingual(en, zh).t(lang)
