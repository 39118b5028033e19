"""Plain-data views for `--json` output (stable keys, for scripts and editor plugins)."""
from __future__ import annotations

import json
import sys
from typing import Any

from ..core.models import Bank, Concept, Question
from ..core.mathtext import render_inline


def concept_json(c: Concept, bank: Bank, lang: str, matches: list[str]) -> dict[str, Any]:
    """The concept in `lang`; `formulas` carry both the LaTeX and the terminal rendering."""
    return {
        "id": c.id,
        "topic": c.topic,
        "lang": lang,
        "title": c.title.t(lang),
        "summary": c.summary.t(lang),
        "body": c.body.t(lang),
        "formulas": [
            {
                "latex": f.latex,
                "text": bank.math.get(f.latex) or render_inline(f"${f.latex}$", bank.math),
                "label": f.label.t(lang) if f.label else None,
            }
            for f in c.formulas
        ],
        "key_points": [k.t(lang) for k in c.key_points],
        "pitfalls": [p.t(lang) for p in c.pitfalls],
        "related": list(c.related),
        "questions": [b.id for b in bank.briefs_for(c.id)],
        "example": c.example,
        "matches": matches,
    }


def question_json(q: Question, lang: str) -> dict[str, Any]:
    """An exam question with its model answer, in `lang`."""
    return {
        "id": q.id,
        "prompt": q.prompt.t(lang),
        "answer": q.answer.t(lang),
        "key_points": [k.t(lang) for k in q.key_points],
        "concepts": list(q.concepts),
        "source": q.origin,
    }


def topics_json(bank: Bank) -> list[dict[str, Any]]:
    return [
        {
            "id": tp.id,
            "title": tp.title.to_dict(),
            "concepts": bank.concept_count(tp.id),
            "questions": bank.question_count(tp.id),
        }
        for tp in bank.topics.values()
    ]


def emit(obj: Any) -> None:
    """Write one JSON document (UTF-8, not ASCII-escaped) and a newline to stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
