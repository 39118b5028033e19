"""A fixed numeric answer from the bank: a number, a vector or a matrix, with a tolerance."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual
from .base import Kind, Section, pick, shape_words


def numeric_answer(v: Any) -> Any:
    """A number, or a (nested) tuple of numbers with rectangular rows; None if not."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list) and v:
        items = [numeric_answer(x) for x in v]
        if any(x is None for x in items):
            return None
        if all(isinstance(x, float) for x in items):
            return tuple(items)
        if all(isinstance(x, tuple) and all(isinstance(y, float) for y in x) for x in items):
            if len({len(x) for x in items}) == 1:
                return tuple(items)
    return None


class NumericKind(Kind):
    id = "numeric"
    label = Bilingual("calculation", "计算")
    section = Section.CALC
    groups = frozenset({"mixed", "numeric"})
    fields = ("tolerance",)
    order = 40

    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        answer = numeric_answer(raw)
        if answer is None:
            ck.err(ck.line_of(q, "answer"), f"{where}: a numeric answer must be a number or a list (of lists) of numbers, got {raw!r}")
            return None
        out: dict[str, Any] = {"answer": answer}
        if "tolerance" in q:
            tv = q["tolerance"]
            if isinstance(tv, dict) and all(isinstance(tv.get(k, 0), (int, float)) and not isinstance(tv.get(k, 0), bool)
                                            for k in ("rel", "abs")):
                ck.unknown_keys(tv, ("rel", "abs"), f"{where}.tolerance")
                if "rel" in tv:
                    out["rtol"] = float(tv["rel"])
                if "abs" in tv:
                    out["atol"] = float(tv["abs"])
            else:
                ck.err(ck.line_of(q, "tolerance"), f"{where}.tolerance must be a mapping with rel: and/or abs: numbers")
        return out

    def hint(self, item, lang: str) -> str:
        en, zh = shape_words(item.question.answer)
        return pick(lang, f"Answer with {en}.", f"请填写{zh}。")

    def grade(self, item, text: str):
        from ..grading import grade_numeric

        q = item.question
        return grade_numeric(text, q.answer, rtol=q.rtol, atol=q.atol)

    def expected(self, item, lang: str) -> str:
        from ..generators.base import fmt_answer

        return fmt_answer(item.question.answer)


KIND = NumericKind()
