"""The drill loop: ask each item, read the answer, grade it, record it at once, report.

Presentation and input are behind a small `DrillUI` protocol (rich screen or JSON lines),
so the same loop serves a terminal, a pipe and the tests. Every graded answer is handed to
the recorder the moment it is graded: quitting, end of input or Ctrl-C loses nothing.
"""
from __future__ import annotations

import re
import time
from typing import Protocol, Sequence

from .. import kinds
from ..core.models import Bilingual
from ..core.session import Answered, Item, NullRecorder, Recorder, Summary
from ..grading import GradeResult
from .items import expected_text, grade

__all__ = ["Answered", "NullRecorder", "Recorder", "Summary", "DrillUI", "ask_item", "hint_ladder", "run_drill"]

QUIT = {"q", "quit", "exit", ":q", "退出"}
SKIP = {"s", "skip", "跳过"}
HINT = {"", "?", "？", "h", "hint", "提示"}  # Enter: the form of the answer; the others climb the hint ladder


class DrillUI(Protocol):
    def show_item(self, item: Item, index: int, total: int) -> None: ...
    def ask(self, item: Item) -> str | None: ...  # None at end of input
    def hint(self, item: Item) -> None: ...
    def invalid(self, item: Item, text: str, result: GradeResult) -> None: ...
    def key_points(self, item: Item, text: str, found: list[bool]) -> str | None: ...
    def feedback(self, item: Item, a: Answered, result: GradeResult | None) -> None: ...
    def summary(self, s: "Summary") -> None: ...
    def warn(self, en: str, zh: str) -> None: ...


def hint_ladder(item: Item, bank=None) -> tuple[Bilingual, ...]:
    """The hints `?` climbs on `item` in a drill or a review, deeper each time (choice, multi and
    true/false: the key idea of the item's first concept, then an option to rule out or the fact
    the statement turns on), closed by a rung saying there are no more. Empty for kinds whose
    `?` gives only the form of the answer. `bank` gives the concept (None: that rung is left out)."""
    concept = None
    if bank is not None and item.concepts:
        concept = bank.concepts.get(item.concepts[0])
    kind = kinds.of(item)
    rungs = tuple(kind.hint_ladder(item, concept))
    if not rungs:
        return ()
    return rungs + (Bilingual("No more hints. " + kind.hint(item, "en") + " Or s to skip.",
                              "没有更多提示了。" + kind.hint(item, "zh") + "或输入 s 跳过。"),)


def _exam_hint(item: Item) -> tuple[Bilingual, ...]:
    """What `?` says in a mock exam: no hints, only the form of the answer (and it costs nothing)."""
    kind = kinds.of(item)
    return (Bilingual("A mock exam gives no hints. " + kind.hint(item, "en"), "模拟考试不提供提示。" + kind.hint(item, "zh")),)


def _show_rung(ui: DrillUI, item: Item, level: int | None, total: int, text: Bilingual) -> None:
    """Hand a hint rung to the face (`hint_rung`); a face without it (study.scripted) keeps it
    in its `events`, else shows the form of the answer."""
    fn = getattr(ui, "hint_rung", None)
    if fn is not None:
        fn(item, level, total, text)
    elif isinstance(getattr(ui, "events", None), list):
        ui.events.append({"event": "hint", "item": item.id, "level": level, "of": total, "hint": text.t(getattr(ui, "lang", "en"))})
    else:
        ui.hint(item)


def _is_command(item: Item, text: str, words: set[str]) -> bool:
    t = text.strip().lower()
    if t not in words:
        return False
    # a symbolic item may use q or s as a variable: then they are answers, not commands
    return t not in kinds.of(item).answer_words(item)


def split_confidence(text: str) -> tuple[str, int | None]:
    """'55 !1' -> ('55', 1): a confidence (1 sure, 2 unsure, 3 guess) typed after the answer."""
    m = _CONF.match(text)
    return (m.group(1), int(m.group(2))) if m else (text, None)


_CONF = re.compile(r"^(.*\S)\s+!([123])\s*$", re.S)


def ask_item(item: Item, ui: DrillUI, mode: str = "drill", confidence: bool = False) -> tuple[Answered | None, GradeResult | None, str | None]:
    """Ask one item until it is answered, skipped or the student stops. With `confidence`,
    the student says how sure they are before the result (a `ui.confidence(item)` prompt, or
    '!1'..'!3' after the answer): a right guess counts as Hard for the scheduler, not Good.

    In a drill or a review, `?` climbs the item's hint ladder (hint_ladder); each rung taken is
    recorded with the answer (`hints`) and, as for a calculation's steps (study.steps), costs a
    quarter of the credit and makes a right answer Hard for the scheduler. Enter gives only the
    form of the answer; in an exam `?` says there are no hints (and the form). Neither costs anything.

    Returns (answered or None, grade result or None, stop reason or None)."""
    from .steps import step_credit

    start = time.monotonic()
    ladder: tuple[Bilingual, ...] | None = None
    rungs = 0
    while True:
        text = ui.ask(item)
        if text is None:
            return None, None, "eof"
        if _is_command(item, text, QUIT):
            return None, None, "quit"
        if _is_command(item, text, SKIP):
            a = _answered(item, text.strip(), None, None, start, None, mode, expected_text(item, "en"), hints=rungs)
            return a, None, None
        if text.strip() in HINT and text.strip() not in kinds.of(item).answer_words(item):
            if ladder is None:
                ladder = hint_ladder(item, getattr(ui, "bank", None)) if mode != "exam" else _exam_hint(item)
            if not text.strip() or not ladder:
                ui.hint(item)
            elif rungs < len(ladder) - 1:
                rungs += 1
                _show_rung(ui, item, rungs, len(ladder) - 1, ladder[rungs - 1])
            else:
                _show_rung(ui, item, None, len(ladder) - 1, ladder[-1])
            continue
        text, conf = split_confidence(text)
        if conf is None and confidence and hasattr(ui, "confidence"):
            conf = ui.confidence(item)
        if kinds.of(item).self_rated:
            from ..grading import key_terms_found, parse_point_selection, rating_from_points
            from ..grading.result import ParseError

            kps = [k.to_dict() for k in item.question.key_points]
            found = key_terms_found(text, kps)
            while True:
                sel = ui.key_points(item, text, found)
                if sel is None or not sel.strip():
                    had = [i for i, f in enumerate(found) if f]
                    break
                try:
                    had = parse_point_selection(sel, len(kps))
                    break
                except ParseError as e:
                    ui.warn(e.message_en, e.message_zh)
            rating = rating_from_points(len(had), len(kps))
            right = rating in ("good", "easy")
            if conf == 3 and right:
                rating = "hard"  # a right guess is not yet known
            a = _answered(item, text.strip(), right, rating, start, None, mode, f"{len(had)}/{len(kps)}",
                          score=len(had) / len(kps) if kps else 0.0, confidence=conf)
            return a, None, None
        result = grade(item, text)
        if result.correct is None:
            ui.invalid(item, text, result)
            continue
        rating = ("hard" if conf == 3 or rungs else "good") if result.correct else "again"
        a = _answered(item, text.strip(), bool(result.correct), rating, start, result.misconception, mode, expected_text(item, "en"),
                      score=step_credit(rungs) if result.correct else 0.0, confidence=conf, hints=rungs)
        return a, result, None


def _answered(item: Item, text: str, correct, rating, start: float, misconception, mode: str, expected: str,
              score: float | None = None, confidence: int | None = None, hints: int = 0) -> Answered:
    return Answered(
        item=item.id, card=item.card_id, kind=item.kind, topic=item.topic, concepts=item.concepts,
        answer=text, correct=correct, rating=rating, seconds=round(time.monotonic() - start, 2),
        misconception=misconception, expected=expected, mode=mode, score=score, confidence=confidence, hints=hints,
    )


def run_drill(items: Sequence[Item], ui: DrillUI, recorder: Recorder | None = None, mode: str = "drill",
              deadline: float | None = None, confidence: bool = False, steps=None) -> Summary:
    """Ask every item in order; stop on quit, end of input, Ctrl-C or the deadline
    (time.monotonic() value: the item being answered when time runs out is the last).
    With `confidence`, a confident error is asked again at the end of the session (once;
    its card is due again within a day, FSRS's Again). `steps` (study.steps.StepMode): the
    items it applies to are asked step by step."""
    recorder = recorder or NullRecorder()
    items = list(items)
    summary = Summary(total_items=len(items))
    t0 = time.monotonic()
    again: set[str] = set()
    try:
        i = 0
        while i < len(items):
            item = items[i]
            i += 1
            if deadline is not None and time.monotonic() >= deadline:
                summary.stopped = "time"
                break
            ui.show_item(item, i, len(items))
            if steps is not None and steps.applies(item):
                answered, result, stop = steps.ask(item, ui, mode)
            else:
                answered, result, stop = ask_item(item, ui, mode, confidence)
            if answered is not None:
                _record(recorder, ui, answered)
                summary.answered.append(answered)
                ui.feedback(item, answered, result)
                if answered.confidence == 1 and answered.correct is False and mode != "exam" and item.id not in again:
                    again.add(item.id)
                    items.append(item)  # a confident error comes back later in the session
                    summary.total_items = len(items)
            if stop:
                summary.stopped = stop
                break
    except KeyboardInterrupt:
        summary.stopped = "interrupt"
    summary.seconds = time.monotonic() - t0
    ui.summary(summary)
    return summary


def _record(recorder: Recorder, ui: DrillUI, a: Answered) -> None:
    try:
        recorder.record(a)
    except Exception as e:  # the drill goes on; the student is told once per failure
        ui.warn(f"Could not save this answer ({getattr(e, 'en', e)}); the drill goes on.",
                f"这道题的作答未能保存（{getattr(e, 'zh', e)}），练习继续。")
