"""Numeric answers: numbers, vectors, matrices; tolerance + misconception matching.

numpy is imported lazily (inside functions) so `import quizcli.grading` stays light.
No eval anywhere: numbers are matched by a regular expression and converted by float().
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Sequence

from .result import GradeResult, ParseError, get_field

# Characters NFKC does not fold the way we want.
_CHAR_MAP = str.maketrans({
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2012": "-", "\ufe63": "-",
    "\u3001": ",",  # 、
    "\u3010": "[", "\u3011": "]",  # 【】
    "\u3014": "[", "\u3015": "]",  # 〔〕
    "\u00d7": "*", "\u00b7": "*",
})

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(rf"^([+-]?)({_NUM})(%?)$")
_FRACTION_RE = re.compile(rf"^([+-]?)({_NUM})\s*/\s*({_NUM})$")

NUMBER_FORMS_EN = "a number such as 0.25, 1/4, 25% or 2.5e-1"
NUMBER_FORMS_ZH = "一个数，例如 0.25、1/4、25% 或 2.5e-1"


def normalize_text(text: str) -> str:
    """Full-width -> ASCII (NFKC), Chinese punctuation -> ASCII, strip, drop trailing 。"""
    if not isinstance(text, str):
        raise ParseError("The answer must be text.", "答案必须是文本。")
    s = unicodedata.normalize("NFKC", text.translate(_CHAR_MAP)).translate(_CHAR_MAP)
    s = s.strip()
    while s.endswith("。") or s.endswith("｡"):
        s = s[:-1].rstrip()
    return s


def _finite(v: float, shown: str) -> float:
    if not math.isfinite(v):
        raise ParseError(f"'{shown}' is too large.", f"“{shown}”太大了。")
    return v


def parse_number(text: str) -> float:
    """Parse one number: 0.25, 1/4, -1/4, 25%, 2.5e-1, .25, +3, 1e3, full-width forms."""
    s = normalize_text(text)
    if len(s) > 100:
        raise ParseError("The answer is too long for a number.", "答案太长，不像一个数。")
    if not s:
        raise ParseError(f"Please enter {NUMBER_FORMS_EN}.", f"请输入{NUMBER_FORMS_ZH}。")
    s = re.sub(r"\s*%$", "%", s)
    m = _NUMBER_RE.match(s)
    if m:
        sign, num, pct = m.groups()
        v = float(num) * (-1.0 if sign == "-" else 1.0)
        if pct:
            v /= 100.0
        return _finite(v, s)
    m = _FRACTION_RE.match(s)
    if m:
        sign, a, b = m.groups()
        den = float(b)
        if den == 0.0:
            raise ParseError("Division by zero in the fraction.", "分数的分母不能为 0。")
        v = float(a) / den * (-1.0 if sign == "-" else 1.0)
        return _finite(v, s)
    raise ParseError(f"Could not read '{s[:40]}' as a number; expected {NUMBER_FORMS_EN}.",
                     f"无法把“{s[:40]}”读成数；应填{NUMBER_FORMS_ZH}。")


def _split_row(row: str) -> list[str]:
    row = row.strip()
    if not row:
        return []
    parts = re.split(r"\s*,\s*|\s+", row)
    if any(p == "" for p in parts):
        raise ParseError("Empty entry (two separators in a row?).", "有空的数（是不是连着写了两个分隔符？）。")
    return parts


def _strip_outer(s: str) -> str:
    pairs = {"[": "]", "(": ")"}
    if s and s[0] in pairs:
        if not s.endswith(pairs[s[0]]):
            raise ParseError("Unbalanced brackets.", "括号不配对。")
        return s[1:-1].strip()
    if s and s[-1] in "])":
        raise ParseError("Unbalanced brackets.", "括号不配对。")
    return s


def parse_array(text: str):
    """Parse a vector (1-D) or matrix (2-D) into a float numpy array.

    Vectors: `[0.1, 0.2]`, `0.1, 0.2`, `0.1 0.2`, `(0.1, 0.2)`, `0.1，0.2`, `0.1、0.2`.
    Matrices: `1 2; 3 4`, `[[1,2],[3,4]]`, `[1 2; 3 4]`, or one row per line.
    Each entry goes through parse_number (so `1/4`, `25%` work). Ragged rows -> ParseError.
    """
    import numpy as np

    s = normalize_text(text)
    if len(s) > 2000:
        raise ParseError("The answer is too long.", "答案太长。")
    if not s:
        raise ParseError("Please enter the numbers, separated by commas or spaces.",
                         "请输入这些数，用逗号或空格隔开。")
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"\s*%", "%", s)
    rows_txt: list[str]
    inner = s
    if re.match(r"^[\[(]\s*[\[(]", s):  # nested brackets: [[1,2],[3,4]]
        inner = _strip_outer(s)
        groups = re.findall(r"[\[(]([^\[\]()]*)[\])]", inner)
        rest = re.sub(r"[\[(]([^\[\]()]*)[\])]", "", inner)
        if re.sub(r"[\s,;]", "", rest):
            raise ParseError("Could not read the matrix; write it as [[1,2],[3,4]] or 1 2; 3 4.",
                             "无法读取矩阵；请写成 [[1,2],[3,4]] 或 1 2; 3 4。")
        rows_txt = groups
    else:
        inner = _strip_outer(s)
        if re.search(r"[\[\]()]", inner):
            raise ParseError("Unexpected bracket; write a matrix as [[1,2],[3,4]] or 1 2; 3 4.",
                             "括号位置不对；矩阵请写成 [[1,2],[3,4]] 或 1 2; 3 4。")
        rows_txt = [r for r in re.split(r"\s*[;\n]\s*", inner)]
        rows_txt = [r for r in rows_txt if r.strip() != ""] if len(rows_txt) > 1 else rows_txt
    rows = [[parse_number(p) for p in _split_row(r)] for r in rows_txt]
    if not rows or any(len(r) == 0 for r in rows):
        raise ParseError("An empty row or an empty answer.", "有空行或答案为空。")
    if len(rows) == 1 and not re.match(r"^[\[(]\s*[\[(]", s):
        return np.array(rows[0], dtype=float)
    lens = {len(r) for r in rows}
    if len(lens) != 1:
        counts = ", ".join(str(len(r)) for r in rows)
        raise ParseError(f"Rows have different lengths ({counts}); every row needs the same number of entries.",
                         f"各行长度不同（{counts}）；每一行的数应一样多。")
    return np.array(rows, dtype=float)


def _close(a, e, rtol: float, atol: float):
    import numpy as np
    return np.abs(a - e) <= atol + rtol * np.abs(e)


def _coerce(got, shape: tuple):
    """Accept a row/column vector for a vector, a 1-element array for a scalar."""
    import numpy as np
    if got.shape == shape:
        return got
    if got.size == int(np.prod(shape)) and (len(shape) <= 1) and got.ndim == 2 and 1 in got.shape:
        return got.reshape(shape)
    if len(shape) == 0 and got.size == 1:
        return got.reshape(())
    if len(shape) == 2 and 1 in shape and got.ndim == 1 and got.size == int(np.prod(shape)):
        return got.reshape(shape)  # a one-row (or one-column) matrix typed as a plain list
    return None


def _fmt(arr) -> Any:
    return arr.tolist() if hasattr(arr, "tolist") else arr


def _rounding_hint(got, exp) -> bool:
    import numpy as np
    g = np.atleast_1d(got)
    e = np.atleast_1d(exp)
    for a, x in zip(g.ravel(), e.ravel()):
        if a == 0 or np.isclose(a, x):
            continue
        if not any(abs(round(float(x), d) - a) <= 1e-12 * max(1.0, abs(a)) for d in range(0, 4)):
            return False
    return True


def grade_numeric(text: str, expected: Any, rtol: float = 1e-2, atol: float = 1e-8,
                  misconceptions: Sequence[Any] = ()) -> GradeResult:
    """Grade a number / vector / matrix against `expected` (float, list or nested list).

    Correct iff every entry satisfies |a-e| <= atol + rtol*|e|. All-or-nothing score.
    Wrong answers are compared (same tolerance, same shape) against each misconception's
    `value` in order; the first match wins. A shape mismatch that matches no misconception
    gives correct=None ("ask again") with an "expected N numbers, got M" message; a
    transposed matrix gives correct=False with misconception "transposed".
    """
    import numpy as np

    exp = np.asarray(expected, dtype=float)
    try:
        if exp.ndim == 0:
            try:
                got = np.asarray(parse_number(text), dtype=float)
            except ParseError as first:
                try:
                    got = parse_array(text)
                except ParseError:
                    raise first
        else:
            got = parse_array(text)
    except ParseError as err:
        return GradeResult.invalid(err)

    def match_misconception(arr):
        for m in misconceptions or ():
            val = get_field(m, "value")
            if val is None:
                continue
            mv = np.asarray(val, dtype=float)
            cand = _coerce(arr, mv.shape)
            if cand is not None and bool(np.all(_close(cand, mv, rtol, atol))):
                return m
        return None

    shaped = _coerce(got, exp.shape)
    if shaped is None:
        m = match_misconception(got)
        if m is not None:
            return GradeResult(False, 0.0, get_field(m, "feedback_en", "") or "",
                               get_field(m, "feedback_zh", "") or "", _fmt(got), get_field(m, "id"))
        if exp.ndim == 2 and got.shape == exp.shape[::-1] and bool(np.all(_close(got.T, exp, rtol, atol))):
            return GradeResult(False, 0.0,
                               "You entered the transpose: check which index is the row.",
                               "你填的是转置矩阵：检查哪个下标对应行。", _fmt(got), "transposed")
        if exp.ndim == 2 and got.ndim == 2:
            en = f"Expected a {exp.shape[0]}×{exp.shape[1]} matrix, got {got.shape[0]}×{got.shape[1]}."
            zh = f"应填 {exp.shape[0]}×{exp.shape[1]} 矩阵，你给了 {got.shape[0]}×{got.shape[1]}。"
        elif exp.ndim == 2:
            en = f"Expected a {exp.shape[0]}×{exp.shape[1]} matrix, got {got.size} numbers."
            zh = f"应填 {exp.shape[0]}×{exp.shape[1]} 矩阵，你给了 {got.size} 个数。"
        elif got.ndim == 2:
            en = f"Expected {exp.size} numbers, got a {got.shape[0]}×{got.shape[1]} matrix."
            zh = f"应填 {exp.size} 个数，你给了 {got.shape[0]}×{got.shape[1]} 矩阵。"
        else:
            en = f"Expected {exp.size} number{'' if exp.size == 1 else 's'}, got {got.size}."
            zh = f"应填 {exp.size} 个数，你给了 {got.size} 个。"
        if exp.ndim == 2:
            en += " Enter it row by row, rows separated by ';'."
            zh += "请逐行输入，行与行之间用“;”隔开。"
        return GradeResult(None, 0.0, en, zh, _fmt(got), None)

    ok = _close(shaped, exp, rtol, atol)
    if bool(np.all(ok)):
        return GradeResult(True, 1.0, "Correct.", "正确。", _fmt(shaped), None)
    m = match_misconception(shaped)
    if m is not None:
        return GradeResult(False, 0.0, get_field(m, "feedback_en", "") or "",
                           get_field(m, "feedback_zh", "") or "", _fmt(shaped), get_field(m, "id"))
    if _rounding_hint(shaped, exp):
        return GradeResult(False, 0.0, "Close: check your rounding and give more digits.",
                           "接近了：检查四舍五入，多保留几位小数。", _fmt(shaped), "rounding")
    if exp.ndim >= 1 and exp.size > 1:
        if exp.ndim == 2:
            bad = [f"({i + 1},{j + 1})" for i, j in np.argwhere(~ok)]
        else:
            bad = [str(i + 1) for i in np.flatnonzero(~ok)]
        where_en = ("entry " if len(bad) == 1 else "entries ") + ", ".join(bad)
        where_zh = ("第 " + "、".join(bad) + " 个数") if exp.ndim == 1 else ("位置 " + "、".join(bad) + " 处的数")
        return GradeResult(False, 0.0, f"Not correct: {where_en} {'is' if len(bad) == 1 else 'are'} wrong.",
                           f"不正确：{where_zh}有误。", _fmt(shaped), None)
    return GradeResult(False, 0.0, "Not correct.", "不正确。", _fmt(shaped), None)
