"""Multiple-choice and true/false answers.

Option indices in the API are 0-based (A = 0); the student types letters (A, b, （B）, B.)
or 1-based numbers (2 = B). Several options for multiple choice: AC, a,c, C A, 1 3, A、C.
"""
from __future__ import annotations

import re
import unicodedata

from .result import GradeResult, ParseError

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _norm(text: str) -> str:
    if not isinstance(text, str):
        raise ParseError("The answer must be text.", "答案必须是文本。")
    s = unicodedata.normalize("NFKC", text).strip()
    s = s.replace("、", ",").replace("，", ",").replace("。", "")
    return s


def parse_choice(text: str, n_options: int, multiple: bool = False) -> set[int]:
    """Return the set of chosen 0-based option indices; ParseError if not understood."""
    last = _LETTERS[n_options - 1]
    s = _norm(text)
    body = re.sub(r"[()\[\]{}【】.,;:\s/&+和与及]+", " ", s).strip()
    if not body:
        raise ParseError(f"Please choose an option A–{last} (or 1–{n_options}).",
                         f"请选择选项 A–{last}（或 1–{n_options}）。")
    picked: list[int] = []
    if re.fullmatch(r"[0-9 ]+", body):
        parts = body.split()
        if n_options <= 9 and multiple and len(parts) == 1 and len(parts[0]) > 1:
            parts = list(parts[0])          # "13" -> 1, 3
        for p in parts:
            k = int(p)
            if not 1 <= k <= n_options:
                raise ParseError(f"There is no option {k}; choose 1–{n_options} or A–{last}.",
                                 f"没有选项 {k}；请选 1–{n_options} 或 A–{last}。")
            picked.append(k - 1)
    elif re.fullmatch(r"[A-Za-z ]+", body):
        for c in body.replace(" ", "").upper():
            k = _LETTERS.index(c)
            if k >= n_options:
                raise ParseError(f"There is no option {c}; choose A–{last}.",
                                 f"没有选项 {c}；请选 A–{last}。")
            picked.append(k)
    else:
        raise ParseError(f"Answer with option letters A–{last} or numbers 1–{n_options}.",
                         f"请用选项字母 A–{last} 或数字 1–{n_options} 作答。")
    chosen = set(picked)
    if not multiple and len(chosen) > 1:
        raise ParseError("Choose exactly one option.", "只能选一个选项。")
    return chosen


def _letters(ix) -> str:
    return "".join(_LETTERS[i] for i in sorted(ix))


def grade_choice(text: str, n_options: int, answer: int | set[int] | frozenset[int] | list[int],
                 multiple: bool = False) -> GradeResult:
    """answer: 0-based index (single) or set of indices (multiple).

    Multiple choice: correct only on the exact set; score = max(0, (hits - wrong picks) / |answer|)."""
    if not 1 <= n_options <= 26:
        raise ValueError("n_options must be 1..26")
    want = {answer} if isinstance(answer, int) else set(answer)
    try:
        got = parse_choice(text, n_options, multiple)
    except ParseError as err:
        return GradeResult.invalid(err)
    shown = _letters(got)
    if got == want:
        return GradeResult(True, 1.0, "Correct.", "正确。", shown)
    if not multiple:
        return GradeResult(False, 0.0, "Not correct.", "不正确。", shown)
    hits, extra, missed = len(got & want), len(got - want), len(want - got)
    score = max(0.0, (hits - extra) / len(want)) if want else 0.0
    en = f"Not quite: {extra} wrong option(s) chosen, {missed} correct option(s) missed."
    zh = f"不完全对：多选了 {extra} 个错误选项，漏选了 {missed} 个正确选项。"
    return GradeResult(False, score, en, zh, shown)


_TRUE = {"t", "true", "y", "yes", "1", "对", "正确", "是", "√", "✓", "✔", "right", "correct", "真", "对的"}
_FALSE = {"f", "false", "n", "no", "0", "错", "错误", "否", "×", "✗", "✘", "x", "wrong", "incorrect", "假", "不对", "错的"}


def parse_truefalse(text: str) -> bool:
    s = _norm(text).lower().strip(" .!")
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ParseError("Answer true or false (t/f, yes/no, 1/0).",
                     "请回答对或错（对/错、是/否、√/×）。")


def grade_truefalse(text: str, answer: bool) -> GradeResult:
    try:
        got = parse_truefalse(text)
    except ParseError as err:
        return GradeResult.invalid(err)
    shown = "true" if got else "false"
    if got == bool(answer):
        return GradeResult(True, 1.0, "Correct.", "正确。", shown)
    return GradeResult(False, 0.0, "Not correct.", "不正确。", shown)
