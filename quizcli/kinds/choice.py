"""Single choice: one right option among 2–10, answered with its letter (or number)."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual, Option
from .base import LETTERS, Kind, Section, key_idea, letter_index, pick

LANGS = ("en", "zh")


class ChoiceKind(Kind):
    id = "choice"
    label = Bilingual("single choice", "单选")
    section = Section.OBJECTIVE
    groups = frozenset({"mixed", "concept"})
    fields = ("options",)
    order = 20

    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        ov = q.get("options")
        if not isinstance(ov, list) or len(ov) < 2:
            ck.err(ck.line_of(q, "options") if "options" in q else line, f"{where}: a {self.id} question needs at least 2 options")
            return None
        if len(ov) > len(LETTERS):
            ck.err(ck.line_of(q, "options"), f"{where}: at most {len(LETTERS)} options (A–{LETTERS[-1]})")
            return None
        opts = []
        for i, o in enumerate(ov):
            oline = ck.line_of(o) if isinstance(o, dict) else ck.line_of(q, "options")
            if not isinstance(o, dict):
                ck.err(oline, f"{where}.options[{i + 1}] must be a mapping with en:, zh: (and why:)")
                continue
            ck.unknown_keys(o, ("en", "zh", "why"), f"{where}.options[{i + 1}]")
            text = ck.bilingual_value({k: o.get(k) for k in LANGS}, f"{where}.options[{i + 1}]", oline)
            why = ck.bilingual(o, "why", f"{where}.options[{i + 1}]", required=False)
            if text:
                opts.append(Option(text=text, why=why))
        answer = self.parse_answer(raw, len(ov), ck, ck.line_of(q, "answer"), where)
        if answer is None:
            return None
        return {"answer": answer, "options": tuple(opts)}

    def parse_answer(self, raw: Any, n: int, ck: Any, aline: int, where: str) -> Any:
        answer = letter_index(raw, n)
        if answer is None:
            ck.err(aline, f"{where}: answer must be one option letter A–{LETTERS[n - 1]}, got {raw!r}")
        return answer

    def options(self, item) -> tuple[Option, ...]:
        return item.question.options

    def hint(self, item, lang: str) -> str:
        return pick(lang, "Answer with one letter (or its number).", "填一个选项字母（或序号）。")

    def hint_ladder(self, item, concept) -> tuple[Bilingual, ...]:
        """The concept's key idea, then a wrong option to rule out with the bank's reason (the
        first wrong option that has one)."""
        rungs = [key_idea(concept)]
        right = self.right_options(item)
        for i, o in enumerate(item.question.options):
            if i not in right and o.why is not None:
                rungs.append(Bilingual(f"Rule out {LETTERS[i]}: {o.why.en}", f"可以排除 {LETTERS[i]}：{o.why.zh}"))
                break
        return tuple(r for r in rungs if r is not None)

    def grade(self, item, text: str):
        from ..grading import grade_choice

        q = item.question
        return grade_choice(text, len(q.options), self._right(q), multiple=self.multiple)

    def _right(self, q):
        return q.answer

    def expected(self, item, lang: str) -> str:
        return "".join(LETTERS[i] for i in sorted(self.right_options(item)))

    def right_options(self, item) -> set[int]:
        return {item.question.answer}

    def chosen(self, item, text: str) -> set[int]:
        from ..grading import parse_choice
        from ..grading.result import ParseError

        try:
            return set(parse_choice(text, len(item.question.options), self.multiple))
        except (ParseError, ValueError):
            return set()

    def extra_json(self, item, render) -> dict[str, Any]:
        return {"options": [render(o.text) for o in item.question.options]}


KIND = ChoiceKind()
