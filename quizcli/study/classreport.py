"""What a class's answers say about the items: a report from `quizcli progress export` files,
one per student (the figures Moodle's quiz statistics report gives, per item and concept).

- An item is a bank question, or a whole problem family (every seed trains one skill: the
  scheduler's card). A student's score on it is their first graded answer (a short answer's
  share of key points, else 1 or 0); skips do not count.
- facility: the mean score of those who answered (share right).
- discrimination: the point-biserial (Pearson) correlation between the item's score and the
  student's total, the mean score over every item that student answered, across the
  students who answered the item (None with fewer than 3 such students or no spread).
- upper_lower: the upper–lower 27 % index, the facility among the top 27 % of those students
  (by total) minus that among the bottom 27 % (at least one student in each group).
- An item is flagged when its discrimination is below 0.2, or its facility outside 30–70 %.
- Per family: the misconceptions hit most often and the facility by parameter bucket
  (stride 1 vs > 1, padding 0 vs > 0, dilation 1 vs > 1, a yes/no parameter), from the
  parameters of the seeded problem each student was given.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

from ..core.session import Answered

LOW_DISCRIMINATION = 0.2
FACILITY_BAND = (0.3, 0.7)
# parameter name -> (what it is, the value the bucket compares against)
BUCKET_PARAMS = {"s": ("stride", 1), "p": ("padding", 0), "d": ("dilation", 1), "stride": ("stride", 1),
                 "padding": ("padding", 0), "dilation": ("dilation", 1)}


class ReportError(ValueError):
    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def t(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Student:
    name: str
    answers: list[Answered] = field(default_factory=list)


def _score(a: Answered, raw_score) -> float:
    if isinstance(raw_score, (int, float)) and not isinstance(raw_score, bool) and 0 <= raw_score <= 1:
        return float(raw_score)
    return 1.0 if a.correct else 0.0


def read_students(paths: Sequence[Path]) -> list[Student]:
    """Every export file given (a folder: every file in it), one student each, named by the
    file. ReportError naming the file and line for anything unreadable."""
    from ..progress.store import ImportLineError, parse_line

    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
        elif p.is_file():
            files.append(p)
        else:
            raise ReportError(f"{p}: no such file or folder", f"{p}：文件或文件夹不存在")
    if not files:
        raise ReportError("No export files given (quizcli progress export FILE, one per student).",
                          "没有给出导出文件（每个学生一个，由 quizcli progress export FILE 生成）。")
    out = []
    for f in files:
        st = Student(f.stem)
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ReportError(f"{f}: cannot be read ({e})", f"{f}：无法读取（{e}）") from None
        for n, line in enumerate(text.splitlines(), 1):
            try:
                parsed = parse_line(n, line)
            except ImportLineError as e:
                raise ReportError(f"{f}: {e.en}", f"{f}：{e.zh}") from None
            if parsed is None:
                continue
            a = parsed[0]
            if a.correct is None:
                continue
            raw = json.loads(line).get("score")
            st.answers.append(replace(a, score=_score(a, raw)))
        out.append(st)
    return out


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def _upper_lower(pairs: Sequence[tuple[float, float]]) -> float | None:
    """(item score, total) pairs → facility of the top 27 % minus the bottom 27 % by total."""
    if len(pairs) < 2:
        return None
    k = max(1, round(0.27 * len(pairs)))
    ranked = sorted(pairs, key=lambda p: p[1])
    low, high = ranked[:k], ranked[-k:]
    return sum(s for s, _ in high) / k - sum(s for s, _ in low) / k


def _bucket(params: dict) -> list[tuple[str, str]]:
    out = []
    for name, value in params.items():
        if name in BUCKET_PARAMS:
            what, base = BUCKET_PARAMS[name]
            vals = value if isinstance(value, (tuple, list)) else (value,)
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
                continue
            out.append((what, f"{what} = {base}" if all(v == base for v in vals) else f"{what} > {base}"))
        elif isinstance(value, bool):
            out.append((name, f"{name} = {'yes' if value else 'no'}"))
    return out


def report(students: Sequence[Student]) -> dict:
    """The report as data: {"students", "items": […], "concepts": […], "families": […]}."""
    firsts: list[dict[str, Answered]] = []
    for st in students:
        seen: dict[str, Answered] = {}
        for a in st.answers:
            seen.setdefault(a.card, a)
        firsts.append(seen)
    totals = [sum(a.score for a in f.values()) / len(f) if f else 0.0 for f in firsts]

    items = []
    cards = sorted({c for f in firsts for c in f})
    for card in cards:
        pairs = [(f[card].score, tot) for f, tot in zip(firsts, totals) if card in f]
        any_a = next(f[card] for f in firsts if card in f)
        fac = sum(s for s, _ in pairs) / len(pairs)
        disc = _pearson([s for s, _ in pairs], [t for _, t in pairs])
        flags = []
        if disc is not None and disc < LOW_DISCRIMINATION:
            flags.append("low discrimination")
        if fac < FACILITY_BAND[0]:
            flags.append("hard")
        elif fac > FACILITY_BAND[1]:
            flags.append("easy")
        items.append({"item": card, "topic": any_a.topic, "kind": any_a.kind, "answered": len(pairs),
                      "facility": fac, "discrimination": disc, "upper_lower": _upper_lower(pairs), "flags": flags})

    concepts: dict[str, list[float]] = {}
    who: dict[str, set[int]] = {}
    for j, f in enumerate(firsts):
        for a in f.values():
            for c in a.concepts:
                concepts.setdefault(c, []).append(a.score)
                who.setdefault(c, set()).add(j)
    concept_rows = [{"concept": c, "answered": len(who[c]), "answers": len(v), "facility": sum(v) / len(v)}
                    for c, v in sorted(concepts.items())]

    families = []
    params_cache: dict[str, dict] = {}
    for card in cards:
        if not card.startswith("family:"):
            continue
        fam = card.split(":", 1)[1]
        answers = [f[card] for f in firsts if card in f]
        # every answer counts for the misconceptions, not only the first
        miscon = Counter(a.misconception for st in students for a in st.answers if a.card == card and a.misconception)
        buckets: dict[tuple[str, str], list[float]] = {}
        for a in answers:
            prm = params_cache.get(a.item)
            if prm is None:
                prm = params_cache[a.item] = _params(a.item)
            for key in _bucket(prm):
                buckets.setdefault(key, []).append(a.score)
        families.append({
            "family": fam, "answered": len(answers), "facility": sum(a.score for a in answers) / len(answers),
            "misconceptions": [{"id": m, "count": n} for m, n in sorted(miscon.items(), key=lambda kv: (-kv[1], kv[0]))[:5]],
            "buckets": [{"param": p, "bucket": b, "answered": len(v), "facility": sum(v) / len(v)}
                        for (p, b), v in sorted(buckets.items())],
        })
    return {"students": len(students), "items": items, "concepts": concept_rows, "families": families}


def _params(item_id: str) -> dict:
    """The parameters of a seeded problem ({} when the id does not name one)."""
    from .. import generators

    try:
        return dict(generators.problem(item_id).params)
    except Exception:  # an id from another version of quizcli: no buckets for it
        return {}


def build(paths: Iterable[Path]) -> dict:
    return report(read_students(list(paths)))
