"""A formula: an expression over declared variables, checked for equivalence by the safe
symbolic grader (never eval)."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual
from .base import Kind, Section, pick


class SymbolicKind(Kind):
    id = "symbolic"
    label = Bilingual("formula", "公式")
    section = Section.CALC
    groups = frozenset({"mixed", "symbolic"})
    fields = ("variables", "substitutions")
    needs_sympy = True
    order = 45

    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        variables = ck.str_list(q, "variables", where)
        ok = True
        if not variables:
            ck.err(ck.line_of(q, "variables") if "variables" in q else line, f"{where}: a symbolic question must list its variables")
        if not isinstance(raw, str) or not raw.strip():
            ck.err(ck.line_of(q, "answer"), f"{where}: a symbolic answer must be an expression string, got {raw!r}")
            ok = False
        sv = q.get("substitutions") or {}
        substitutions: tuple[tuple[str, str], ...] = ()
        if not isinstance(sv, dict) or not all(isinstance(v, str) for v in sv.values()):
            ck.err(ck.line_of(q, "substitutions"), f"{where}.substitutions must map a name to an expression")
        else:
            substitutions = tuple((str(k), v) for k, v in sv.items())
        if not ok:
            return None
        return {"answer": raw.strip(), "variables": variables, "substitutions": substitutions}

    def deep_check(self, q, full: bool = True) -> list[str]:
        try:
            if full:
                from ..grading.symbolic import parse_expression as parse
            else:
                parse = _light_parser()
        except ImportError:  # grading not available: nothing to check with
            return []
        out = []
        names = list(q.variables) + [k for k, _ in q.substitutions if k not in q.variables]
        try:
            parse("0", names)
        except Exception as e:  # the parser's errors carry a message in both languages
            return [f"variables / substitutions: {getattr(e, 'message_en', None) or e}"]
        for label, expr in [("answer", q.answer), *q.substitutions]:
            try:
                parse(expr, list(q.variables))
            except Exception as e:
                out.append(f"{label} '{expr}' does not parse: {getattr(e, 'message_en', None) or e}")
        return out

    def hint(self, item, lang: str) -> str:
        q = item.question
        vs = ", ".join(q.variables)
        subs = "".join(f"; {k} may stand for {v}" for k, v in q.substitutions)
        subs_zh = "".join(f"；可用 {k} 表示 {v}" for k, v in q.substitutions)
        return pick(lang,
                    f"Write an expression in {vs}{subs}: + - * / ^, parentheses, exp log sqrt sigmoid tanh … "
                    "e.g. s*(1-s) or exp(-x)/(1+exp(-x))^2.",
                    f"用 {vs} 写出表达式{subs_zh}：可用 + - * / ^、括号、exp log sqrt sigmoid tanh 等，如 s*(1-s)。")

    def answer_words(self, item) -> frozenset[str]:
        q = item.question
        return frozenset(q.variables) | frozenset(k for k, _ in q.substitutions)

    def extra_json(self, item, render) -> dict[str, Any]:
        return {"variables": list(item.question.variables)}

    def grade(self, item, text: str):
        from ..grading import grade_symbolic

        q = item.question
        return grade_symbolic(text, q.answer, list(q.variables), substitutions=dict(q.substitutions) or None)

    def expected(self, item, lang: str) -> str:
        return item.question.answer


KIND = SymbolicKind()


def _light_parser():
    """The grader's own parse and bounds check, without sympy (ordinary commands stay fast)."""
    from ..grading.symbolic import check_expression

    return check_expression
