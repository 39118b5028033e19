"""A generated problem (quizcli/generators/): a numeric answer checked by two routes, with
misconceptions matched before a wrong answer is called wrong. Never declared in a bank file."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual
from .base import Kind, Section, pick, shape_words


class GeneratedKind(Kind):
    id = "generated"
    label = Bilingual("calculation", "计算")
    section = Section.CALC
    groups = frozenset({"mixed", "numeric"})
    in_bank = False
    order = 60

    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        ck.err(ck.line_of(q, "type"), f"{where}: generated problems come from quizcli/generators/, not from a bank file")
        return None

    def hint(self, item, lang: str) -> str:
        p = item.problem
        en, zh = shape_words(p.answer)
        lead = p.hint.t(lang) + " " if p.hint else ""
        return lead + pick(lang, f"Answer with {en}; fractions (1/4), percentages and 2.5e-1 are fine.",
                           f"请填写{zh}；可写分数（1/4）、百分数或 2.5e-1。")

    def grade(self, item, text: str):
        from ..grading import grade_numeric

        p = item.problem
        return grade_numeric(text, p.answer, rtol=p.rtol, atol=p.atol, misconceptions=p.misconceptions)

    def expected(self, item, lang: str) -> str:
        return item.problem.answer_text


KIND = GeneratedKind()
