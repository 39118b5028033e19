"""True / false: a statement to judge, answered t/f, true/false, 对/错."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual
from .base import Kind, Section, key_idea, pick


class TrueFalseKind(Kind):
    id = "truefalse"
    label = Bilingual("true / false", "判断")
    section = Section.OBJECTIVE
    groups = frozenset({"mixed", "concept"})
    order = 30

    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        if not isinstance(raw, bool):
            ck.err(ck.line_of(q, "answer"), f"{where}: a truefalse answer must be true or false, got {raw!r}")
            return None
        return {"answer": raw}

    def hint(self, item, lang: str) -> str:
        return pick(lang, "Answer true or false (t/f, 对/错).", "回答对或错（t/f、对/错）。")

    def hint_ladder(self, item, concept) -> tuple[Bilingual, ...]:
        """The concept's key idea, then the fact the statement turns on (the bank's explanation)."""
        e = item.question.explanation
        rungs = (key_idea(concept), Bilingual(f"The fact it turns on: {e.en}", f"关键事实：{e.zh}"))
        return tuple(r for r in rungs if r is not None)

    def grade(self, item, text: str):
        from ..grading import grade_truefalse

        return grade_truefalse(text, item.question.answer)

    def expected(self, item, lang: str) -> str:
        a = item.question.answer
        return pick(lang, "true" if a else "false", "对" if a else "错")


KIND = TrueFalseKind()
