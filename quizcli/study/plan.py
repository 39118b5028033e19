"""Study to a date: a day-by-day plan from today to the day before the exam.

Pure functions over the store's answer rows and card rows (dicts with the store's columns),
so a plan is tested from a store filled in by hand. What the plan does, and why:

- it spreads retrieval over the days left (spaced practice beats massed; the best gap grows
  with the time left, Cepeda et al. 2008): due reviews each day, at a target retention that
  rises as the exam nears (FSRS retrievability of each card, simulated day by day);
- it teaches the weakest and least-seen concepts first (Laplace-smoothed share of points lost,
  mixed with the lowest retrievability of the concept's cards), and covers every chosen topic
  at least once before the last mock;
- it places two mock exams, the last 2–4 days before the exam, not the night before
  (practice tests 1–6 days before work best, Adesope et al. 2017), each sized to that day's
  minutes unless `mock_minutes` asks for more (then the day says it runs over);
- leeches (cards failed again and again) are not re-asked: they go to `explain`, a worked
  example, then a fresh variant;
- the last day is a light review of the weakest concepts;
- it is recomputed from what was actually done: minutes studied today come off today's
  budget, a missed day's work moves forward, and reviews that do not fit in a day's minutes
  are carried (and the plan says how many), never piled beyond the daily minutes silently.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence
from ..core.models import Bilingual

# minutes per unit of work (estimates: a review item, a new concept read and tried twice,
# a practice problem, a mock item: 60 minutes for a 25-item paper)
REVIEW_MIN = 1.5
LEARN_MIN = 6.0
PRACTISE_MIN = 2.5
EXPLAIN_MIN = 8.0
MOCK_ITEM_MIN = 2.4
REVIEW_SHARE = 0.4  # at most this share of a normal day goes to due reviews
PRACTISE_SHARE = 0.25
LEECH_LAPSES = 4  # a card forgotten this many times is a leech
LAST_MOCK_BEFORE = 3  # days before the exam (2–4 allowed)
FIRST_MOCK_BEFORE = 10
MOCKS = 2


class PlanError(ValueError):
    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh


def target_retention(days_left: int) -> float:
    """The retention a review aims at, rising as the exam nears: 0.85 a month out or more,
    0.95 in the last days."""
    return round(min(0.95, max(0.85, 0.97 - 0.004 * days_left)), 3)


def _concepts(row: Mapping[str, Any]) -> list[str]:
    c = row["concepts"]
    return json.loads(c) if isinstance(c, str) else list(c)


def _score(row: Mapping[str, Any]) -> float:
    s = row.get("score") if hasattr(row, "get") else row["score"]
    if s is not None:
        return float(s)
    return float(bool(row["correct"]))


def _parse_ts(ts: str) -> datetime:
    d = datetime.fromisoformat(ts)
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _noon(d: date) -> datetime:
    """A study day as a moment: local noon, in UTC."""
    return datetime.combine(d, time(12, 0)).astimezone().astimezone(timezone.utc)


@dataclass
class ConceptState:
    id: str
    topic: str
    seen: int = 0
    points: float = 0.0  # sum of scores (0–1 each)
    retrievability: float | None = None
    confident_errors: int = 0  # answers said "sure" and wrong: they come back (Butterfield & Metcalfe 2001)

    @property
    def weakness(self) -> float:
        """Laplace-smoothed share of points lost (an unseen concept is 0.5), raised by a
        card the student is likely to have forgotten (1 − retrievability)."""
        err = (self.seen - self.points + 1) / (self.seen + 2)
        if self.retrievability is not None:
            err = max(err, 0.5 * err + 0.5 * (1 - self.retrievability))
        return min(1.0, err + min(0.3, 0.1 * self.confident_errors))


@dataclass
class CardState:
    card: str
    topic: str
    concepts: list[str]
    fsrs: Any  # fsrs.Card
    lapses: int = 0


@dataclass
class Inputs:
    concepts: dict[str, ConceptState]
    cards: list[CardState]
    families: dict[str, dict[str, Any]]  # family id -> {"topic", "concepts", "seen", "weakness"}
    mocks_done: int = 0
    minutes_today: float = 0.0
    notes: list[tuple[str, str]] = field(default_factory=list)


def gather(bank, rows: Iterable[Mapping[str, Any]], card_rows: Iterable[Mapping[str, Any]], topics: Sequence[str],
           today: date, since: date | None = None, families: dict[str, dict[str, Any]] | None = None) -> Inputs:
    """What the plan needs from the bank and the store: per concept of the chosen topics its
    answers and retrievability, the cards, the families, mocks taken since `since` and the
    minutes already studied today."""
    from fsrs import Card

    from ..progress.store import _scheduler

    topics = list(topics)
    chosen = set(topics)
    cs = {c.id: ConceptState(c.id, c.topic) for c in bank.concepts.values() if c.topic in chosen}
    rows = list(rows)
    mock_days: set[date] = set()
    minutes_today = 0.0
    fam_seen: dict[str, list[float]] = {}
    for r in rows:
        day = _parse_ts(r["ts"]).astimezone().date()
        if day == today:
            minutes_today += float(r["seconds"] or 0) / 60
        if r["mode"] == "exam" and since is not None and since <= day <= today:
            mock_days.add(day)
        if r["correct"] is None:
            continue
        sc = _score(r)
        sure_wrong = r.get("confidence") == 1 and sc < 0.5
        for c in _concepts(r)[:2]:
            if c in cs:
                cs[c].seen += 1
                cs[c].points += sc
                cs[c].confident_errors += int(sure_wrong)
        if str(r["card"]).startswith("family:"):
            fam_seen.setdefault(r["card"].split(":", 1)[1], []).append(sc)
    sched = _scheduler()
    now = _noon(today)
    cards = []
    for r in card_rows:
        if r["topic"] not in chosen:
            continue
        try:
            card = Card.from_dict(json.loads(r["fsrs"]))
        except Exception:
            continue  # a damaged schedule: the store rebuilds it on the next answer
        concepts = _concepts(r)
        cards.append(CardState(r["card"], r["topic"], concepts, card, int(r["lapses"] or 0)))
        try:
            ret = float(sched.get_card_retrievability(card, now))
        except Exception:
            ret = None
        if ret is not None:
            for c in concepts[:2]:
                if c in cs:
                    old = cs[c].retrievability
                    cs[c].retrievability = ret if old is None else min(old, ret)
    if families is None:
        families = family_table(topics)
    fams = {}
    for fid, f in families.items():
        if f["topic"] not in chosen:
            continue
        v = fam_seen.get(fid, [])
        fams[fid] = {**f, "seen": len(v), "weakness": (len(v) - sum(v) + 1) / (len(v) + 2)}
    return Inputs(cs, cards, fams, mocks_done=len(mock_days), minutes_today=minutes_today)


def family_table(topics: Sequence[str]) -> dict[str, dict[str, Any]]:
    """family id -> its topic and concepts, for the chosen topics."""
    from .. import generators

    out = {}
    for fid, fm in generators.families().items():
        if fm.family.topic in set(topics):
            out[fid] = {"topic": fm.family.topic, "concepts": list(fm.family.concepts)}
    return out


def _days(today: date, exam: date) -> list[date]:
    return [today + timedelta(days=i) for i in range((exam - today).days)]


def mock_dates(today: date, exam: date, mocks_left: int) -> list[date]:
    """Where the remaining mocks go: the last LAST_MOCK_BEFORE days before the exam (or 2
    when the time is shorter), an earlier one FIRST_MOCK_BEFORE days before, or as soon as
    possible when that day has passed (at least two days before the last)."""
    n = (exam - today).days
    if mocks_left <= 0 or n < 2:
        return []
    last = exam - timedelta(days=min(LAST_MOCK_BEFORE, n))
    if n >= LAST_MOCK_BEFORE + 1 or n == 2:
        pass
    out = [last]
    if mocks_left >= 2:
        first = max(today, exam - timedelta(days=FIRST_MOCK_BEFORE))
        if (last - first).days >= 2:
            out.insert(0, first)
    return out


def make_plan(bank, inputs: Inputs, exam: date, today: date, minutes: int, topics: Sequence[str],
              mock_minutes: int | None = None, lang_topics: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The plan as a dict (the `--json` shape): {"exam", "minutes", "days": [{"date",
    "minutes", "tasks": [{"kind", "concepts", "families", "items", "minutes"}]}]} plus
    "target_retention" per day and "notes" (each a pair en / zh)."""
    from fsrs import Rating

    from ..progress.store import _scheduler

    if exam <= today:
        raise PlanError(f"The exam date {exam} is not after today ({today}).",
                        f"考试日期 {exam} 不在今天（{today}）之后。")
    if minutes < 5:
        raise PlanError("--minutes must be at least 5.", "--minutes 至少为 5。")
    topics = list(topics)
    days = _days(today, exam)
    notes: list[dict[str, str]] = []
    sched = _scheduler()
    mocks = mock_dates(today, exam, MOCKS - inputs.mocks_done)
    if inputs.mocks_done < MOCKS and len(mocks) < MOCKS - inputs.mocks_done:
        notes.append({"en": f"Only {len(mocks)} of the {MOCKS - inputs.mocks_done} mock exams fit before the exam.",
                      "zh": f"考试前只排得下 {MOCKS - inputs.mocks_done} 次模拟考中的 {len(mocks)} 次。"})
    last_mock = mocks[-1] if mocks else None

    # leeches: to explain + worked example + fresh variant, not re-asked as plain reviews
    leeches = sorted((c for c in inputs.cards if c.lapses >= LEECH_LAPSES), key=lambda c: (-c.lapses, c.card))
    leech_ids = {c.card for c in leeches}
    cards = [c for c in inputs.cards if c.card not in leech_ids]
    sim = {c.card: c.fsrs for c in cards}
    carried = 0

    cstates = inputs.concepts
    # weakest first, then least seen; among equals (e.g. never seen) the topics take turns,
    # each in its course order, so a plan starts every topic before it finishes one
    rank: dict[str, tuple[int, int]] = {}
    topic_pos = {t: i for i, t in enumerate(bank.topics)}
    per_topic: dict[str, int] = {}
    for c in bank.concepts.values():
        if c.id in cstates:
            per_topic[c.topic] = per_topic.get(c.topic, 0) + 1
            rank[c.id] = (per_topic[c.topic], topic_pos.get(c.topic, 0))
    order = sorted(cstates.values(), key=lambda s: (-round(s.weakness, 6), s.seen, rank.get(s.id, (0, 0)), s.id))
    learn_queue = [s.id for s in order]
    def fam_key(f: str) -> tuple:
        fm = inputs.families[f]
        cw = max((cstates[c].weakness for c in fm["concepts"] if c in cstates), default=0.5)
        return (-round(fm["weakness"], 6), fm["seen"], -round(cw, 6), topic_pos.get(fm["topic"], 0), f)

    fam_queue = sorted(inputs.families, key=fam_key)
    covered: set[str] = set()
    out_days = []
    normal_days_before_last = [d for d in days if last_mock is None or d < last_mock]
    normal_days_before_last = [d for d in normal_days_before_last if d not in mocks]

    def topic_of(cid: str) -> str:
        return cstates[cid].topic

    covered_by_last: set[str] | None = None
    for di, d in enumerate(days):
        if d == last_mock:
            covered_by_last = set(covered)
        days_left = (exam - d).days
        target = target_retention(days_left)
        budget = float(minutes)
        if d == today and inputs.minutes_today:
            budget = max(0.0, budget - inputs.minutes_today)
        tasks: list[dict[str, Any]] = []
        over = False
        if d in mocks:
            mm = max(minutes, mock_minutes or 0)
            if d == today and inputs.minutes_today and not mock_minutes:
                mm = max(10, int(budget))
            n_items = max(3, int(round(mm / MOCK_ITEM_MIN)))
            over = mm > minutes
            tasks.append({"kind": "mock", "concepts": [], "families": [], "items": n_items, "minutes": int(mm),
                          "topics": topics, "number": MOCKS - len(mocks) + mocks.index(d) + 1})
            out_days.append(_day(d, tasks, target, over, carried_in=carried))
            continue
        if di == len(days) - 1:
            # the last day: a light review of the weakest concepts
            weakest = [s for s in order if s.seen][:5] or order[:5]
            light = min(budget, max(10.0, minutes / 2))
            n_items = max(1, int(light // REVIEW_MIN))
            if weakest:
                tasks.append({"kind": "review", "concepts": [s.id for s in weakest], "families": [],
                              "items": n_items, "minutes": int(round(light)),
                              "topics": sorted({s.topic for s in weakest}), "light": True})
            out_days.append(_day(d, tasks, target, False, carried_in=carried))
            continue
        # leeches first (at most two a day)
        while leeches and budget >= EXPLAIN_MIN and sum(t["kind"] == "explain" for t in tasks) < 2:
            c = leeches.pop(0)
            tasks.append({"kind": "explain", "concepts": c.concepts[:2], "families": [c.card.split(":", 1)[1]] if c.card.startswith("family:") else [],
                          "items": 1, "minutes": int(EXPLAIN_MIN), "topics": [c.topic], "card": c.card, "lapses": c.lapses,
                          "steps": ["explain", "worked example", "fresh variant"]})
            budget -= EXPLAIN_MIN
            covered.add(c.topic)
        # due reviews: cards whose retrievability on this day is below the target
        when = _noon(d)
        due = []
        for cid, card in sim.items():
            try:
                r = float(sched.get_card_retrievability(card, when))
            except Exception:
                r = 0.0
            if r < target or (card.stability is None and card.due <= when):
                due.append((r, cid))
        due.sort()
        cap = max(REVIEW_MIN, budget * REVIEW_SHARE) if budget >= REVIEW_MIN else 0.0
        fit = min(len(due), int(cap // REVIEW_MIN))
        if fit:
            done = [cid for _, cid in due[:fit]]
            concepts, fams = [], []
            for cid in done:
                c = next(x for x in cards if x.card == cid)
                if cid.startswith("family:"):
                    fams.append(cid.split(":", 1)[1])
                for x in c.concepts[:1]:
                    if x not in concepts:
                        concepts.append(x)
                covered.add(c.topic)
                sim[cid], _ = sched.review_card(sim[cid], Rating.Good, review_datetime=when)
            m = fit * REVIEW_MIN
            tasks.append({"kind": "review", "concepts": concepts, "families": fams, "items": fit,
                          "minutes": int(math.ceil(m)), "topics": sorted({topic_of(x) for x in concepts if x in cstates}),
                          "target_retention": target})
            budget -= m
        carried_in = carried
        carried = len(due) - fit
        # practise: the weakest families
        if fam_queue and budget >= 2 * PRACTISE_MIN:
            share = max(2 * PRACTISE_MIN, minutes * PRACTISE_SHARE)
            share = min(share, budget)
            n_items = int(share // PRACTISE_MIN)
            picks = []
            for _ in range(min(2, max(1, n_items // 2))):
                if fam_queue:
                    head = fam_key(fam_queue[0])[:2]
                    k = next((i for i, f in enumerate(fam_queue) if fam_key(f)[:2] == head
                              and inputs.families[f]["topic"] not in covered), 0)
                    picks.append(fam_queue.pop(k))
            if picks:
                tasks.append({"kind": "practise", "concepts": [], "families": picks, "items": n_items,
                              "minutes": int(round(n_items * PRACTISE_MIN)),
                              "topics": sorted({inputs.families[f]["topic"] for f in picks})})
                covered.update(inputs.families[f]["topic"] for f in picks)
                budget -= n_items * PRACTISE_MIN
                fam_queue.extend(picks)  # a family comes round again, after the others
        # learn: weakest and least-seen concepts, keeping room to cover every topic
        learn: list[str] = []
        slots = int(budget // LEARN_MIN)
        if d in normal_days_before_last:
            later = normal_days_before_last[normal_days_before_last.index(d) + 1:]
        else:
            later = []
        per_day = max(1, int((minutes * (1 - REVIEW_SHARE - PRACTISE_SHARE)) // LEARN_MIN))
        for _ in range(slots):
            if not learn_queue:
                break
            uncovered = [t for t in topics if t not in covered and any(topic_of(c) == t for c in learn_queue)]
            room = (slots - len(learn)) + per_day * len(later)
            if d in normal_days_before_last and uncovered and len(uncovered) >= room:
                pick = next(c for c in learn_queue if topic_of(c) in uncovered)
            else:
                # among the equally weak, a topic not yet in the plan first
                top = round(cstates[learn_queue[0]].weakness, 6)
                pick = next((c for c in learn_queue if round(cstates[c].weakness, 6) == top and topic_of(c) not in covered),
                            learn_queue[0])
            learn_queue.remove(pick)
            learn.append(pick)
            covered.add(topic_of(pick))
        if learn:
            tasks.append({"kind": "learn", "concepts": learn, "families": [], "items": 2 * len(learn),
                          "minutes": int(round(len(learn) * LEARN_MIN)), "topics": sorted({topic_of(c) for c in learn})})
        out_days.append(_day(d, tasks, target, over, carried_in=carried_in, carried=carried))

    if carried:
        notes.append({"en": f"{carried} due reviews do not fit in {minutes} minutes a day before the exam.",
                      "zh": f"每天 {minutes} 分钟，考试前还有 {carried} 道到期复习排不下。"})
    reach = covered if covered_by_last is None else covered_by_last
    missing = [t for t in topics if t not in reach and any(s.topic == t for s in cstates.values())]
    if missing:
        shown = missing[:6]
        more_en = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        more_zh = f"等 {len(missing)} 个" if len(missing) > 6 else ""
        when_en, when_zh = ("the last mock", "最后一次模拟考") if last_mock else ("the exam", "考试")
        notes.append({"en": f"Not every topic fits before {when_en}: " + ", ".join(shown) + more_en + ".",
                      "zh": f"{when_zh}之前排不下这些主题：" + "、".join(shown) + more_zh + "。"})
    if leeches:
        notes.append({"en": f"{len(leeches)} leeches are left for after the exam plan's days.",
                      "zh": f"还有 {len(leeches)} 个顽固错题排不进计划。"})
    for dd in out_days:
        if dd.get("over"):
            notes.append({"en": f"{dd['date']}: the mock runs {dd['minutes'] - minutes} minutes over the daily {minutes}.",
                          "zh": f"{dd['date']}：模拟考比每天的 {minutes} 分钟多用 {dd['minutes'] - minutes} 分钟。"})
    return {
        "exam": exam.isoformat(),
        "today": today.isoformat(),
        "minutes": minutes,
        "topics": topics,
        "mocks_done": inputs.mocks_done,
        "minutes_done_today": round(inputs.minutes_today, 1),
        "days": out_days,
        "notes": notes,
    }


def _day(d: date, tasks: list[dict[str, Any]], target: float, over: bool, carried_in: int = 0, carried: int = 0) -> dict[str, Any]:
    return {"date": d.isoformat(), "minutes": sum(t["minutes"] for t in tasks), "tasks": tasks,
            "target_retention": target, "over": over, "carried": carried}


def plan_from_store(bank, store, exam: date, today: date, minutes: int, topics: Sequence[str],
                    mock_minutes: int | None = None, since: date | None = None) -> dict[str, Any]:
    rows = [dict(r) for r in store.answers()]
    cards = [dict(r) for r in store.cards()]
    inputs = gather(bank, rows, cards, topics, today, since=since)
    return make_plan(bank, inputs, exam, today, minutes, topics, mock_minutes=mock_minutes)


# ----------------------------------------------------------------------------- the saved plan


def save_settings(path, settings: dict[str, Any]) -> None:
    """Write the plan's settings (exam, minutes, topics, mock_minutes, created) atomically."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".plan.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(settings, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_settings(path) -> dict[str, Any] | None:
    """The saved settings, or None when there is none; PlanError when the file is damaged."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return None
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        date.fromisoformat(d["exam"])
        int(d["minutes"])
        list(d["topics"])
        return d
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise PlanError(f"The saved plan {path} cannot be read ({e}); make a new one with quizcli plan --exam DATE.",
                        f"无法读取已保存的计划 {path}（{e}）；请用 quizcli plan --exam 日期 重新制定。") from None


def to_ics(plan: dict[str, Any], lang: str = "en") -> str:
    """The plan as an iCalendar file: one all-day event per day with its tasks."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//quizcli//study plan//EN", "CALSCALE:GREGORIAN"]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for d in plan["days"]:
        if not d["tasks"]:
            continue
        day = date.fromisoformat(d["date"])
        summary = (Bilingual(f"quizcli: {d['minutes']} min", f"quizcli：{d['minutes']} 分钟").t(lang))
        desc = "\\n".join(task_line(t, lang) for t in d["tasks"])
        lines += ["BEGIN:VEVENT", f"UID:quizcli-plan-{plan['exam']}-{d['date']}@quizcli", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
                  _fold("SUMMARY:" + _ics_escape(summary)), _fold("DESCRIPTION:" + _ics_escape(desc, keep_newlines=True)),
                  "END:VEVENT"]
    exam = date.fromisoformat(plan["exam"])
    lines += ["BEGIN:VEVENT", f"UID:quizcli-exam-{plan['exam']}@quizcli", f"DTSTAMP:{stamp}",
              f"DTSTART;VALUE=DATE:{exam:%Y%m%d}", f"DTEND;VALUE=DATE:{exam + timedelta(days=1):%Y%m%d}",
              "SUMMARY:" + (Bilingual("Exam", _ics_escape("考试")).t(lang)), "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def _ics_escape(s: str, keep_newlines: bool = False) -> str:
    s = s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    if keep_newlines:
        s = s.replace("\\\\n", "\\n")
    return s.replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 folding: lines of at most 75 octets, continued with a space."""
    out, cur = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(cur) + len(b) > 74:
            out.append(cur.decode("utf-8"))
            cur = b" "
        cur += b
    out.append(cur.decode("utf-8"))
    return "\r\n".join(out)


def task_short(t: dict[str, Any], lang: str) -> str:
    """One task in a few words (the calendar's rows)."""
    zh = lang == "zh"
    k = t["kind"]
    what = ", ".join(t["concepts"] or t["families"])
    name = {"review": ("review", "复习"), "learn": ("learn", "学习"), "practise": ("practise", "练习"),
            "mock": ("MOCK EXAM", "模拟考"), "explain": ("leech", "顽固错题")}[k][1 if zh else 0]
    if k == "review" and not t.get("light"):
        what = (f"{t['items']} 道到期" if zh else f"{t['items']} due") + (f" ({what})" if what else "")
    elif k == "mock":
        what = f"{t['items']} 题" if zh else f"{t['items']} items"
    elif k == "explain":
        what = f"{t['card']} ×{t['lapses']}"
    return f"{name} {what} [{t['minutes']}′]"


def task_line(t: dict[str, Any], lang: str) -> str:
    """One task in words, with the command that does it."""
    zh = lang == "zh"
    k = t["kind"]
    cs = " ".join(t["concepts"])
    if k == "mock":
        return (f"模拟考 {t['items']} 题（{t['minutes']} 分钟）：quizcli exam -n {t['items']} --minutes {t['minutes']}" if zh
                else f"mock exam, {t['items']} items ({t['minutes']} min): quizcli exam -n {t['items']} --minutes {t['minutes']}")
    if k == "review":
        if t.get("light"):
            return (f"轻量复习最薄弱的知识点（{t['minutes']} 分钟）：quizcli drill {cs} -n {t['items']}" if zh
                    else f"light review of the weakest ({t['minutes']} min): quizcli drill {cs} -n {t['items']}")
        return (f"到期复习 {t['items']} 题（{t['minutes']} 分钟）：quizcli review -n {t['items']}" if zh
                else f"{t['items']} due reviews ({t['minutes']} min): quizcli review -n {t['items']}")
    if k == "practise":
        names = ", ".join(t["families"])
        return (f"计算练习 {names}，{t['items']} 题（{t['minutes']} 分钟）：quizcli drill {' '.join(t['topics'])} --kind numeric -n {t['items']}" if zh
                else f"practise {names}, {t['items']} problems ({t['minutes']} min): quizcli drill {' '.join(t['topics'])} --kind numeric -n {t['items']}")
    if k == "explain":
        c0 = t["concepts"][0] if t["concepts"] else ""
        return (f"顽固错题 {t['card']}（遗忘 {t['lapses']} 次）：quizcli explain {c0}，看例题，再做一道新变式" if zh
                else f"leech {t['card']} (forgotten {t['lapses']} times): quizcli explain {c0}, its worked example, then a fresh variant")
    return (f"学习 {', '.join(t['concepts'])}（{t['minutes']} 分钟）：quizcli explain …，再 quizcli drill {cs} -n {t['items']}" if zh
            else f"learn {', '.join(t['concepts'])} ({t['minutes']} min): quizcli explain …, then quizcli drill {cs} -n {t['items']}")
