"""The bank's concept questions as an Anki package, built with genanki (MIT). Maths is
written for Anki's MathJax, `\\( … \\)`; no raw `^{…}` or `_{…}` reaches a card."""
from __future__ import annotations

import html
from pathlib import Path

from .. import kinds
from ..core.models import Bank, Bilingual, Question
from ..core.session import Item
from .moodle import mathjax_html as text_html

# Fixed ids: Anki matches model, deck and notes across re-imports by them.
MODEL_ID = 1607392319
DECK_ID = 2059400110
# the kinds a flash card can hold: those a concept drill asks (no formulas or calculations)
KINDS = kinds.admitted("concept")


def _model():
    import genanki

    return genanki.Model(
        MODEL_ID,
        "quizcli question",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Id"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Question}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}",
        }],
        css=".card { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 18px; "
            "text-align: left; } .kp { margin-left: 1em; } .ptr { color: #777; font-size: 14px; }",
    )


def _front(q: Question, langs: tuple[str, ...]) -> str:
    parts = []
    for lg in langs:
        p = text_html(q.prompt.t(lg))
        options = kinds.get(q.type).options(Item.of_question(q))
        if options:
            p += "<ol type='A'>" + "".join(f"<li>{text_html(o.text.t(lg))}</li>" for o in options) + "</ol>"
        parts.append(f"<div lang='{lg}'>{p}</div>")
    return "<hr>".join(parts)


def _back(q: Question, langs: tuple[str, ...]) -> str:
    parts = []
    for lg in langs:
        ans = kinds.get(q.type).model_answer(Item.of_question(q), lg)
        p = f"<div><b>{Bilingual('Answer', '答案').t(lg)}:</b> {text_html(ans)}</div>"
        if q.key_points:
            p += "<div class='kp'>" + "".join(f"<div>• {text_html(k.t(lg))}</div>" for k in q.key_points) + "</div>"
        p += f"<div>{text_html(q.explanation.t(lg))}</div>"
        parts.append(p)
    ptr = " ".join(f"quizcli explain {c}" for c in q.concepts)
    return "<hr>".join(parts) + f"<div class='ptr'>{html.escape(ptr)}</div>"


def build_deck(bank: Bank, topics, concepts, path: Path, lang: str = "en", both: bool = True) -> int:
    """Write the deck; returns the number of notes."""
    import genanki

    langs = ("zh", "en") if both and lang == "zh" else ("en", "zh") if both else (lang,)
    model = _model()
    deck = genanki.Deck(DECK_ID, "quizcli::神经网络与深度学习 Neural Networks and Deep Learning")
    topics, concepts = set(topics), set(concepts)
    n = 0
    for q in bank.questions.values():
        if q.type not in KINDS:
            continue
        if concepts and not set(q.concepts) & concepts:
            continue
        if not concepts and topics and q.topic not in topics:
            continue
        tags = [f"quizcli::{q.topic}", *(f"concept::{c}" for c in q.concepts)]
        note = genanki.Note(model=model, fields=[_front(q, langs), _back(q, langs), q.id], tags=tags,
                            guid=genanki.guid_for("quizcli", q.id))
        deck.add_note(note)
        n += 1
    genanki.Package(deck).write_to_file(str(path))
    return n
