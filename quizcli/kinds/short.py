"""Short answer: written in a few sentences, then rated by the student against the model
answer's key points (typed answers get a hint of which key terms were found)."""
from __future__ import annotations

from typing import Any

from ..core.models import Bilingual
from .base import Kind, Section, pick


class ShortKind(Kind):
    id = "short"
    label = Bilingual("short answer", "简答")
    section = Section.SHORT
    groups = frozenset({"mixed", "concept"})
    # variants: other phrasings of the question (what `explain` matches a pasted question
    # against); source: where a question of this kind comes from, the fact only
    fields = ("key_points", "variants", "source")
    self_rated = True
    order = 10

    def parse(self, q: dict, raw: Any, ck: Any, where: str, line: int) -> dict[str, Any] | None:
        answer = ck.bilingual(q, "answer", where)
        key_points = ck.bilingual_list(q, "key_points", where, required=True, min_len=1)
        variants = ck.str_list(q, "variants", where)
        origin = q.get("source")
        if origin is not None and not (isinstance(origin, str) and origin.strip()):
            ck.err(ck.line_of(q, "source"), f"{where}.source must be a short text (e.g. 'nndl exercise 4-3')")
            origin = None
        if not answer:
            return None
        return {"answer": answer, "key_points": key_points, "variants": variants, "origin": origin.strip() if origin else None}

    def hint(self, item, lang: str) -> str:
        n = len(item.question.key_points)
        return pick(lang, f"Write your answer in a few sentences; a good answer covers {n} key points. Then compare with the model answer.",
                    f"用几句话作答；好的答案应覆盖 {n} 个要点。之后对照参考答案自评。")

    def grade(self, item, text: str):
        raise ValueError(f"{item.id}: short answers are self-rated against their key points, not graded")

    def expected(self, item, lang: str) -> str:
        return item.question.answer.t(lang)

    def earned(self, item, a, points: float) -> float:
        """The share of key points the student had."""
        if a is None or a.correct is None:
            return 0.0
        if a.score is not None:
            return points * a.score
        had, total = (int(x) for x in a.expected.split("/"))  # answers recorded before `score` existed
        return points * had / total if total else 0.0


KIND = ShortKind()
