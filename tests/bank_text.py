"""Link a test's computation to the bank entry that states the result.

    states(bank, "loss_functions", "0.357", "1.609")

passes when each snippet appears in the text of the concept or question `loss_functions`
(every text field, either language, LaTeX as written and as rendered, spaces ignored, the
typographic minus − read as -). A snippet that begins or ends with a digit must not continue a
longer number there: "0.22" is not found in "0.225", nor "12" in "512". Every number of a
snippet must also be stated by the English and by the Chinese text of the entry. A test that
recomputes a number the bank prints calls it, so that changing the number in the YAML (in either
language, or deleting the entry) makes the test fail: the computation guards the bank, not itself."""
from __future__ import annotations

import re


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("\u2212", "-")


def num(*values, digits: int = 3, sep: str = ", ") -> str:
    """A computed number (or several, joined by `sep`) written as the bank writes it: `digits`
    decimals, so num(0.24825, 0.50349) == "0.248, 0.503" and num(12.0, digits=0) == "12"."""
    flat = [v for x in values for v in (x if hasattr(x, "__iter__") else [x])]
    return sep.join(f"{float(v):.{digits}f}" for v in flat)


def _found(snippet: str, flat: str) -> bool:
    s = _flat(snippet)
    if not s:
        raise AssertionError("an empty snippet guards nothing")
    head = r"(?<![\d.])" if s[0].isdigit() else ""
    tail = r"(?!\.?\d)" if s[-1].isdigit() else ""
    return re.search(head + re.escape(s) + tail, flat) is not None


def _fields(bank, entry_id: str) -> dict:
    """The text fields of a concept or a question by language: {"en": [...], "zh": [...], None: [...]}
    (None holds what no language owns: ids, formulas' LaTeX, model answers, aliases)."""
    if entry_id in bank.concepts:
        d = bank.concepts[entry_id].to_dict()
    elif entry_id in bank.questions:
        d = bank.questions[entry_id].to_dict()
    else:
        raise AssertionError(f"no concept or question {entry_id!r} in the bank")
    out: dict = {"en": [], "zh": [], None: []}

    def walk(v, lang):
        if isinstance(v, str):
            out[lang].append(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[lang].append(repr(v))
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, k if k in ("en", "zh") else lang)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x, lang)

    for key in ("source", "rtol", "atol"):  # where the entry sits and its tolerances state nothing
        d.pop(key, None)
    walk(d, None)
    return out


def _with_math(bank, parts: list[str]) -> list[str]:
    """The fields, then the rendering of each math span in them."""
    return parts + [bank.math.get(m, "") for p in parts for m in re.findall(r"\$\$?(.+?)\$\$?", p, re.S)]


def _parts(bank, entry_id: str) -> list[str]:
    """Every text field of a concept or a question, then the rendering of each math span."""
    f = _fields(bank, entry_id)
    return _with_math(bank, f["en"] + f["zh"] + f[None])


def entry_text(bank, entry_id: str) -> str:
    """All the text of a concept or a question (both languages, raw and rendered math)."""
    return "\n".join(_parts(bank, entry_id))


_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\.?\d)")


def _joined(parts: list[str]) -> str:
    return "\x00".join(_flat(p) for p in parts)


def states(bank, entry_id: str, *snippets: str) -> None:
    """Assert that the entry states every snippet (spaces ignored). A snippet is matched inside
    one field (or one rendered formula), never across the end of one and the start of the next.
    Each number in a snippet must moreover appear in the English and in the Chinese text of an
    entry written in both, so a number changed in one language only is caught too."""
    fields = _fields(bank, entry_id)
    flat = _joined(_parts(bank, entry_id))
    missing = [s for s in snippets if not _found(s, flat)]
    assert not missing, f"{entry_id} does not state {missing}"
    if fields["en"] and fields["zh"]:
        for lang in ("en", "zh"):
            text = _joined(_with_math(bank, fields[lang] + fields[None]))
            lost = sorted({n for s in snippets for n in _NUMBER.findall(_flat(s)) if not _found(n, text)})
            assert not lost, f"{entry_id}: the {lang} text does not state {lost}"
