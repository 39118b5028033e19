"""A calculation asked step by step (issue 14): each step graded at once against the exact
value and against the value it should have given the student's own earlier numbers (error
carried forward), the wrong method named where one matches, a four-rung hint ladder.

The face is any object with `ask(item) -> str | None`, `invalid(item, text, result)` and
`step_event(item, event)`; an event is a dict whose texts are `Bilingual` (the face picks the
language): {"event": "step" | "hint" | "graded" | "worked", ...}.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..core.models import Bilingual
from ..core.session import Answered, Item

QUIT = {"q", "quit", "exit", ":q", "退出"}
SKIP = {"s", "skip", "跳过"}
HINT = {"?", "？", "h", "hint", "提示"}
WORKED = {"w", "worked", "解答"}

RUNGS = 4  # rule, formula, formula with numbers, the step done
RUNG_COST = 0.25  # each rung taken costs this share of the step's credit


def _b(en: str, zh: str) -> Bilingual:
    return Bilingual(en=en, zh=zh)


def _event(ui: Any, item: Item, ev: dict) -> None:
    """Hand a step event to the face; a face without `step_event` (study.scripted) keeps it in
    its `events` list, so a script's drill with steps still works."""
    fn = getattr(ui, "step_event", None)
    if fn is not None:
        fn(item, ev)
    elif isinstance(getattr(ui, "events", None), list):
        ui.events.append(ev)


def hint_rung(item: Item, step: Any, level: int, env: dict | None = None) -> Bilingual:
    """Rung `level` (1–4) of a step's hint ladder: the rule's name, the formula, the formula
    with the numbers substituted, the step done; with `env` (the student's earlier values by
    step id) the last two use the student's own numbers, so they agree with error carried forward."""
    p = item.problem
    if env is not None and level == 3:
        sub = step.substituted_for(env)
        if sub is not None:
            return _b("With the numbers: " + sub.en, "代入数值：" + sub.zh)
    if env is not None and level >= 4:
        t = step.text_for(env)
        return _b("Step done: " + t.en, "本步解答：" + t.zh)
    if level == 1:
        r = step.rule or step.name
        return _b("Rule: " + r.en, "规则：" + r.zh)
    if level == 2:
        f = step.formula or p.hint or step.name
        return _b("Formula: " + f.en, "公式：" + f.zh)
    if level == 3:
        s = step.substituted or step.formula or p.hint or step.name
        return _b("With the numbers: " + s.en, "代入数值：" + s.zh)
    return _b("Step done: " + step.text.en, "本步解答：" + step.text.zh)


def step_credit(rungs: int) -> float:
    return max(0.0, 1.0 - RUNG_COST * min(rungs, RUNGS))


def rating_from_score(score: float, hints: int) -> str:
    """What FSRS is told about a step-by-step answer."""
    if score >= 0.999 and hints == 0:
        return "good"
    if score >= 0.5:
        return "hard"
    return "again"


def parse_value(text: str, like: Any) -> Any:
    """The student's number, vector or matrix, shaped like `like` (tuples)."""
    from ..grading.numeric import parse_array, parse_number

    if not isinstance(like, (list, tuple)):
        try:
            return float(parse_number(text))
        except Exception:
            arr = parse_array(text)
            return float(arr.reshape(-1)[0])
    arr = parse_array(text)
    import numpy as np

    a = np.asarray(arr, dtype=float).reshape(np.asarray(like, dtype=float).shape)
    lst = a.tolist()
    return tuple(tuple(r) if isinstance(r, list) else r for r in lst)


@dataclass
class StepOutcome:
    index: int
    id: str
    answer: str
    correct: bool
    carried: bool
    expected: Any  # the value given the student's earlier answers
    exact: Any
    misconception: str | None
    misconceptions: tuple[str, ...]
    hints: int
    credit: float
    off: tuple[str, ...]  # earlier steps whose entered value was off (for a carried step)
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        from ..core.problem import to_jsonable

        return {"index": self.index, "id": self.id, "answer": self.answer, "correct": self.correct,
                "carried": self.carried, "expected": to_jsonable(self.expected), "misconception": self.misconception,
                "hints": self.hints, "credit": round(self.credit, 4), "skipped": self.skipped}


def grade_step(step: Any, text: str, env: dict, wrong: set[str]):
    """Grade one typed step. Returns (outcome fields, the student's value) or (GradeResult, None)
    when the text is not a value of the right form (ask again)."""
    from ..generators.base import answers_agree
    from ..grading import grade_numeric

    exact = step.value
    given = step.recompute(env)
    r = grade_numeric(text, exact, rtol=step.rtol, atol=step.atol)
    if r.correct is None:
        return r, None
    value = parse_value(text, exact)
    off = tuple(u for u in step.uses if u in wrong)
    if r.correct:
        return dict(correct=True, carried=False, expected=given, exact=exact, misconception=None, misconceptions=(), off=()), value
    if off and grade_numeric(text, given, rtol=step.rtol, atol=step.atol).correct:
        return dict(correct=False, carried=True, expected=given, exact=exact, misconception=None, misconceptions=(), off=off), value
    names = []
    for m in step.mistakes:
        try:
            mv = m.fn(step.env(env))
        except (ArithmeticError, ValueError, KeyError, TypeError):
            continue
        if mv is not None and grade_numeric(text, mv, rtol=step.rtol, atol=step.atol).correct \
                and not answers_agree(mv, given, rtol=step.rtol, atol=step.atol):
            names.append(m.id)
    return dict(correct=False, carried=False, expected=given, exact=exact,
                misconception=names[0] if names else None, misconceptions=tuple(names), off=off), value


def _mistake(step: Any, mid: str | None):
    for m in step.mistakes:
        if m.id == mid:
            return m
    return None


def ask_steps(item: Item, ui: Any, mode: str = "drill", shown: frozenset[int] = frozenset()):
    """Ask `item`'s steps one by one; steps whose index (1-based) is in `shown` are shown
    worked (fading) and not asked. Returns (answered or None, None, stop reason or None)."""
    p = item.problem
    steps = p.gradable_steps
    n = len(steps)
    env: dict = dict(p.params)
    wrong: set[str] = set()
    outcomes: list[StepOutcome] = []
    start = time.monotonic()
    stop = None
    for i, st in enumerate(steps, 1):
        if i in shown:
            env[st.id] = st.value
            _event(ui, item, {"event": "worked", "index": i, "total": n, "name": st.name, "text": st.text})
            continue
        _event(ui, item, {"event": "step", "index": i, "total": n, "name": st.name, "step": st})
        rungs = 0
        while True:
            text = ui.ask(item)
            if text is None:
                stop = "eof"
                break
            t = text.strip()
            low = t.lower()
            if low in QUIT:
                stop = "quit"
                break
            if low in HINT:
                if rungs < RUNGS:
                    rungs += 1
                _event(ui, item, {"event": "hint", "step": i, "level": rungs, "text": hint_rung(item, st, rungs, env)})
                continue
            if low in WORKED:
                _event(ui, item, {"event": "solution", "step": i})
                continue
            if low in SKIP:
                env[st.id] = st.value  # later steps are graded from the right value
                o = StepOutcome(i, st.id, "", False, False, st.recompute(env), st.value, None, (), rungs, 0.0, (), skipped=True)
                outcomes.append(o)
                _event(ui, item, {"event": "graded", "step": i, "outcome": o, "text": st.text, "st": st})
                break
            res, value = grade_step(st, t, env, wrong)
            if value is None:
                ui.invalid(item, t, res)
                continue
            ok = res["correct"] or res["carried"]
            o = StepOutcome(i, st.id, t, res["correct"], res["carried"], res["expected"], res["exact"], res["misconception"],
                            res["misconceptions"], rungs, step_credit(rungs) if ok else 0.0, res["off"])
            outcomes.append(o)
            env[st.id] = value
            if not res["correct"]:
                wrong.add(st.id)
            m = _mistake(st, o.misconception)
            others = [_mistake(st, x) for x in o.misconceptions[1:]]
            _event(ui, item, {"event": "graded", "step": i, "outcome": o, "text": st.text, "st": st,
                                 "off_names": [s.name for s in steps if s.id in o.off],
                                 "feedback": m.feedback if m else None,
                                 "also": [x.feedback for x in others if x]})
            break
        if stop:
            break
    if not outcomes:
        return None, None, stop
    asked = n - len(shown)
    score = sum(o.credit for o in outcomes) / asked if asked else 1.0
    hints = sum(o.hints for o in outcomes)
    complete = len(outcomes) == asked
    all_right = complete and all(o.correct for o in outcomes)
    miscon = next((o.misconception for o in outcomes if o.misconception), None)
    from ..generators.base import fmt_answer

    a = Answered(item=item.id, card=item.card_id, kind=item.kind, topic=item.topic, concepts=item.concepts,
                 answer=" | ".join(o.answer or "-" for o in outcomes), correct=all_right,
                 rating=rating_from_score(score, hints), seconds=round(time.monotonic() - start, 2),
                 misconception=miscon, expected=p.answer_text or fmt_answer(p.answer), mode=mode,
                 score=round(score, 4), hints=hints, steps=tuple({**o.to_dict(), "of": asked} for o in outcomes))
    return a, None, stop


class StepMode:
    """What `run_drill` asks step by step.

    fade=None (`--steps`): every calculation, every step asked. fade="backward" | "forward":
    faded worked examples (Atkinson, Renkl & Merrill 2003) for the families that declare their
    steps, from the student's history: a family seen for the first time is a worked example with
    one step to fill in (the last one backward, the first one forward); each clean solve blanks
    one more step, a miss steps back one; once every step was blanked and solved cleanly the
    family is mastered and asked as a single final answer again. `history`: (card, correct,
    hints) of past answers, oldest first; answers given in this session are added to it."""

    def __init__(self, fade: str | None = None, history=()):
        if fade not in (None, "backward", "forward"):
            raise ValueError("fade must be backward or forward")
        self.fade = fade
        self.history = [tuple(h) for h in history]

    def blanks(self, item: Item) -> int:
        n = len(item.problem.gradable_steps)
        return fade_level(self.history, item.card_id, n)

    def shown(self, item: Item) -> frozenset[int]:
        """The 1-based indices of the steps shown worked (not asked)."""
        if self.fade is None:
            return frozenset()
        n = len(item.problem.gradable_steps)
        k = min(self.blanks(item), n)
        asked = range(n - k + 1, n + 1) if self.fade == "backward" else range(1, k + 1)
        return frozenset(set(range(1, n + 1)) - set(asked))

    def applies(self, item: Item) -> bool:
        if item.problem is None:
            return False
        if self.fade is None:
            return True
        chain = item.problem.chain
        return len(chain) >= 2 and self.blanks(item) <= len(item.problem.gradable_steps)

    def ask(self, item: Item, ui: Any, mode: str = "drill"):
        out = ask_steps(item, ui, mode, self.shown(item))
        self.note(out[0])
        return out

    def note(self, a: Answered | None) -> None:
        if a is not None and a.correct is not None:
            self.history.append((a.card, a.correct, a.hints))


def _clean(correct, hints) -> bool:
    return bool(correct) and not (hints or 0)


def fade_level(history, card: str, n: int) -> int:
    """How many of a family's n steps are blanked next time: 1 for a family never seen, one more
    after each clean solve (right, no hints), one fewer after a miss (at least 1); n + 1 means
    mastered (asked as a single final answer)."""
    k = 1
    for c, correct, hints in history:
        if c != card or correct is None:
            continue
        if _clean(correct, hints):
            k = min(k + 1, n + 1)
        else:
            k = max(1, k - 1)
    return k


def history_from_store(store) -> list[tuple[str, bool | None, int]]:
    """(card, correct, hints) of every answer in a progress store, oldest first."""
    out = []
    for r in store.answers():
        keys = r.keys()
        correct = None if r["correct"] is None else bool(r["correct"])
        out.append((r["card"], correct, int(r["hints"] or 0) if "hints" in keys else 0))
    return out


def mistake_ids(store, days: float, now=None) -> list[str]:
    """The items answered wrong in the last `days` days, most recent first, one per card (a
    family's card once, whatever its seeds), leaving out those answered right since."""
    from datetime import datetime, timedelta, timezone

    now = now or datetime.now(timezone.utc)
    since = now - timedelta(days=days)
    last: dict[str, tuple[datetime, str, bool]] = {}
    for r in store.answers():
        if r["correct"] is None:
            continue
        try:
            ts = datetime.fromisoformat(r["ts"])
        except (TypeError, ValueError):
            continue
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=timezone.utc)
        last[r["card"]] = (ts, r["item"], bool(r["correct"]))
    wrong = [(ts, item, card) for card, (ts, item, ok) in last.items() if not ok and ts >= since]
    return [item for _, item, _ in sorted(wrong, reverse=True)]


def mistake_items(bank, store, days: float, limit: int, seed: int | None = None, now=None) -> list[Item]:
    """Items to re-ask for `drill --mistakes`: the questions themselves, fresh variants of families."""
    import random

    from .items import UnknownItem, item_from_id

    rng = random.Random(seed)
    items = []
    for iid in mistake_ids(store, days, now)[:limit]:
        try:
            if iid.count(":") >= 1 and iid not in bank.questions:
                from ..generators.base import parse_problem_id, problem_id

                fam, _, diff = parse_problem_id(iid)
                iid = problem_id(fam, rng.randrange(1, 10_000), diff)
            items.append(item_from_id(bank, iid))
        except (UnknownItem, ValueError):
            continue
    return items
