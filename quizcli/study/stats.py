"""What the progress says: per-topic mastery, accuracy over time, weakest concepts, most
frequent misconceptions, study streak. Pure functions over answer rows (dicts with the
store's columns), so they are tested without a database."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping

from ..core.report import DayStats, Stats, TopicStats, WeakConcept

RECENT = 20  # mastery = accuracy over a topic's last RECENT graded answers


def _concepts(row: Mapping[str, Any]) -> list[str]:
    c = row["concepts"]
    return json.loads(c) if isinstance(c, str) else list(c)


def _local_day(ts: str) -> date:
    return datetime.fromisoformat(ts).astimezone().date()


def compute(rows: Iterable[Mapping[str, Any]], topics: Iterable[str] = (), today: date | None = None,
            concept_topics: Mapping[str, str] | None = None) -> Stats:
    rows = list(rows)
    graded = [r for r in rows if r["correct"] is not None]
    today = today or datetime.now().astimezone().date()

    by_topic: dict[str, list[int]] = {}
    for r in graded:
        by_topic.setdefault(r["topic"], []).append(int(r["correct"]))
    topic_stats = {}
    for t in list(topics) or sorted(by_topic):
        res = by_topic.get(t, [])
        recent = res[-RECENT:]
        topic_stats[t] = TopicStats(len(res), sum(res), (sum(recent) / len(recent)) if recent else None)

    per_day: dict[date, list[int]] = {}
    for r in graded:
        per_day.setdefault(_local_day(r["ts"]), []).append(int(r["correct"]))
    days = []
    for i in range(13, -1, -1):
        d = today - timedelta(days=i)
        res = per_day.get(d, [])
        days.append(DayStats(d.isoformat(), len(res), (sum(res) / len(res)) if res else None))

    concept_res: dict[str, list[int]] = {}
    for r in graded:
        for c in _concepts(r)[:2]:
            concept_res.setdefault(c, []).append(int(r["correct"]))
    # Laplace-smoothed error rate: one wrong answer out of one is weaker than 1 of 10.
    weakest = sorted(
        (WeakConcept(c, sum(v), len(v), (len(v) - sum(v) + 1) / (len(v) + 2), concept_topics.get(c) if concept_topics else None)
         for c, v in concept_res.items() if sum(v) < len(v)),
        key=lambda w: (-w.weakness, w.concept),
    )[:10]

    misc = Counter(r["misconception"] for r in rows if r["misconception"])
    study_days = {_local_day(r["ts"]) for r in rows}
    streak = 0
    d = today if today in study_days else today - timedelta(days=1)
    while d in study_days:
        streak += 1
        d -= timedelta(days=1)
    hinted = [r for r in rows if _hints(r)]
    return Stats(
        answered=len(rows),
        graded=len(graded),
        correct=sum(int(r["correct"]) for r in graded),
        topics=topic_stats,
        days=tuple(days),
        weakest=tuple(weakest),
        misconceptions=tuple(misc.most_common(10)),
        streak_days=streak,
        study_days=len(study_days),
        calibration=calibration(graded),
        # rungs of the hint ladder taken (drill --steps), and on how many answers
        hints={"rungs": sum(_hints(r) for r in hinted), "answers": len(hinted)},
    )


def concept_mastery(rows: Iterable[Mapping[str, Any]], recent: int = RECENT) -> dict[str, tuple[float, int]]:
    """concept -> (share right of its last `recent` graded answers, graded answers); an answer
    counts for the first two concepts it tests, as a drill's summary counts them."""
    res: dict[str, list[int]] = {}
    for r in rows:
        if r["correct"] is None:
            continue
        for c in _concepts(r)[:2]:
            res.setdefault(c, []).append(int(r["correct"]))
    return {c: (sum(v[-recent:]) / len(v[-recent:]), len(v)) for c, v in res.items()}


def concept_weights(rows: Iterable[Mapping[str, Any]], concept_ids: Iterable[str]) -> dict[str, float]:
    """Weights for picking items: unseen concepts 2, weak ones up to 3, mastered ones 0.3."""
    res: dict[str, list[int]] = {}
    for r in rows:
        if r["correct"] is None:
            continue
        for c in _concepts(r):
            res.setdefault(c, []).append(int(r["correct"]))
    out = {}
    for c in concept_ids:
        v = res.get(c)
        if not v:
            out[c] = 2.0
        else:
            acc = sum(v[-5:]) / len(v[-5:])
            out[c] = 0.3 + 2.7 * (1 - acc)
    return out


CONFIDENCE_LEVELS = {1: "sure", 2: "unsure", 3: "guess"}
OVERCONFIDENT_MIN = 3  # "sure" answers a topic needs before it can be called overconfident
OVERCONFIDENT_BELOW = 0.75  # accuracy of "sure" answers under which a topic is overconfident


def _points(row: Mapping[str, Any]) -> float:
    s = row.get("score") if hasattr(row, "get") else None
    return float(s) if s is not None else float(bool(row["correct"]))


def _hints(r: Mapping[str, Any]) -> int:
    """Hint rungs an answer row used (0 for rows written before the column existed)."""
    try:
        return int(r["hints"] or 0)
    except (KeyError, IndexError, TypeError, ValueError):
        return 0


def calibration(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Accuracy per confidence level (mean score of the graded answers that said it), per
    topic, and the overconfident topics: at least OVERCONFIDENT_MIN "sure" answers, fewer than
    OVERCONFIDENT_BELOW of them right (lowest first). Answers without a confidence are left out."""
    levels: dict[int, list[float]] = {}
    per_topic: dict[str, dict[int, list[float]]] = {}
    for r in rows:
        c = r.get("confidence") if hasattr(r, "get") else None
        if r["correct"] is None or c not in CONFIDENCE_LEVELS:
            continue
        p = _points(r)
        levels.setdefault(c, []).append(p)
        per_topic.setdefault(r["topic"], {}).setdefault(c, []).append(p)

    def cell(v: list[float]) -> dict[str, Any]:
        return {"answers": len(v), "accuracy": round(sum(v) / len(v), 4) if v else None}

    over = []
    for t, lv in per_topic.items():
        sure = lv.get(1, [])
        if len(sure) >= OVERCONFIDENT_MIN and sum(sure) / len(sure) < OVERCONFIDENT_BELOW:
            over.append({"topic": t, "sure_answers": len(sure), "sure_accuracy": round(sum(sure) / len(sure), 4),
                         "sure_wrong": sum(1 for x in sure if x < 0.5)})
    over.sort(key=lambda d: (d["sure_accuracy"], -d["sure_answers"], d["topic"]))
    return {
        "levels": {CONFIDENCE_LEVELS[k]: cell(levels.get(k, [])) for k in CONFIDENCE_LEVELS},
        "topics": {t: {CONFIDENCE_LEVELS[k]: cell(lv.get(k, [])) for k in CONFIDENCE_LEVELS} for t, lv in sorted(per_topic.items())},
        "overconfident_topics": over,
    }
