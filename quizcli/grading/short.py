"""Short answers: key-term hints, self-rating from points, point selection parsing.

Term derivation when a key point has no explicit `terms`:
  * English: words of >= 4 letters from `en`, lower-cased, minus a stop-word list.
  * Chinese: runs of >= 2 CJK characters from `zh`, after splitting on non-CJK text and
    on a few particles that rarely occur inside words (的 了 是 及 或 把 被 也 都 就 而
    会 将 这 那).
Matching is a case-insensitive substring test on the NFKC-normalised text; a key point is
"found" when any one of its terms appears, or (derived Chinese runs of >= 4 chars only)
when at least a third of the run's overlapping 2-character pieces appear (so "梯度会消失"
matches "饱和时梯度消失"). This is a hint for self-marking, not a grade.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Sequence

from .result import ParseError, get_field

_STOP = {
    "about", "above", "after", "again", "also", "because", "been", "before", "being",
    "between", "both", "does", "doing", "down", "during", "each", "from", "further",
    "have", "having", "here", "into", "itself", "just", "like", "more", "most", "much",
    "must", "only", "other", "over", "same", "should", "some", "such", "than", "that",
    "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "under", "until", "very", "were", "what", "when", "where", "which", "while", "will",
    "with", "would", "your", "make", "makes", "made", "used", "uses", "using", "many",
    "can't", "cannot", "could", "each", "every", "thing", "things", "well", "even",
}
_ZH_SPLIT = re.compile(r"[^\u4e00-\u9fff]+|[的了是及或把被也都就而会将这那]")


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s or "").lower()


def derive_terms(key_point: Any) -> list[str]:
    terms = get_field(key_point, "terms")
    if terms:
        return [_norm(t).strip() for t in terms if isinstance(t, str) and t.strip()]
    out: list[str] = []
    en = _norm(get_field(key_point, "en", "") or "")
    for w in re.findall(r"[a-z][a-z'-]*", en):
        w = w.strip("'-")
        if len(w) >= 4 and w not in _STOP and w not in out:
            out.append(w)
    for run in _zh_runs(key_point):
        if run not in out:
            out.append(run)
    return out


def _zh_runs(key_point: Any) -> list[str]:
    if get_field(key_point, "terms"):
        return []
    zh = unicodedata.normalize("NFKC", get_field(key_point, "zh", "") or "")
    return [r for r in _ZH_SPLIT.split(zh) if len(r) >= 2]


def key_terms_found(text: str, key_points: Sequence[Any]) -> list[bool]:
    """For each key point: does any of its terms already appear in `text`?"""
    t = _norm(text)
    found = []
    for kp in key_points:
        hit = any(term in t for term in derive_terms(kp))
        if not hit:
            for run in _zh_runs(kp):
                if len(run) >= 4:
                    grams = [run[i:i + 2] for i in range(len(run) - 1)]
                    if sum(g in t for g in grams) * 3 >= len(grams):
                        hit = True
                        break
        found.append(hit)
    return found


def rating_from_points(n_had: int, n_total: int) -> str:
    """Self-rating for spaced repetition from key points covered.

    n_total <= 0 -> "good" if n_had>0 else "again". Else ratio r = n_had/n_total:
    n_had == 0 or r < 0.4 -> "again"; r < 0.7 -> "hard"; r < 1 -> "good"; all -> "easy"."""
    if n_total <= 0:
        return "good" if n_had > 0 else "again"
    n_had = max(0, min(n_had, n_total))
    r = n_had / n_total
    if n_had == 0 or r < 0.4:
        return "again"
    if r < 0.7:
        return "hard"
    if r < 1.0:
        return "good"
    return "easy"


_ALL = {"all", "a", "全部", "都", "全", "所有", "everything", "*"}
_NONE = {"", "none", "no", "n", "0", "-", "无", "没有", "都没有", "nothing", "一个也没有"}


def parse_point_selection(text: str, n: int) -> list[int]:
    """Parse which key points the learner had: "1 3", "1,3", "1-3", "all", "none", "".

    Returns sorted 0-based indices. Numbers typed are 1-based; out of range -> ParseError."""
    s = _norm(text).strip().replace("、", ",").replace("，", ",").replace("。", "")
    s = s.strip(" .")
    if s in _NONE:
        return []
    if s in _ALL:
        return list(range(n))
    if not re.fullmatch(r"[\d\s,;\-–~]+", s):
        raise ParseError("Type the numbers of the points you had (e.g. 1 3), 'all' or 'none'.",
                         "请输入你答到的要点编号（如 1 3），或“全部”/“无”。")
    chosen: set[int] = set()
    for part in re.split(r"[\s,;]+", s):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)\s*[-–~]\s*(\d+)", part)
        lo, hi = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        if m is None:
            if not part.isdigit():
                raise ParseError(f"Could not read '{part}'.", f"无法识别“{part}”。")
            lo = hi = int(part)
        if lo > hi:
            lo, hi = hi, lo
        if lo < 1 or hi > n:
            raise ParseError(f"Point numbers go from 1 to {n}.", f"要点编号应在 1 到 {n} 之间。")
        chosen.update(range(lo - 1, hi))
    return sorted(chosen)
