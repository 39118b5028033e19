"""Link a test's computation to the bank entry that states the result.

    states(bank, "loss_functions", "0.357", "1.609")

passes when each snippet appears in the text of the concept or question `loss_functions`
(every text field, either language, LaTeX as written and as rendered, spaces ignored, the
typographic minus − read as -). A snippet that begins or ends with a digit must not continue a
longer number there: "0.22" is not found in "0.225", nor "12" in "512". A test
that recomputes a number the bank prints calls it, so that changing the number in the YAML (or
deleting the entry) makes the test fail: the computation guards the bank, not itself."""
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


def _parts(bank, entry_id: str) -> list[str]:
    """Every text field of a concept or a question, then the rendering of each math span."""
    if entry_id in bank.concepts:
        d = bank.concepts[entry_id].to_dict()
    elif entry_id in bank.questions:
        d = bank.questions[entry_id].to_dict()
    else:
        raise AssertionError(f"no concept or question {entry_id!r} in the bank")
    parts: list[str] = []

    def walk(v):
        if isinstance(v, str):
            parts.append(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            parts.append(repr(v))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    for key in ("source", "rtol", "atol"):  # where the entry sits and its tolerances state nothing
        d.pop(key, None)
    walk(d)
    rendered = [bank.math.get(m, "") for p in parts for m in re.findall(r"\$\$?(.+?)\$\$?", p, re.S)]
    return parts + rendered


def entry_text(bank, entry_id: str) -> str:
    """All the text of a concept or a question (both languages, raw and rendered math)."""
    return "\n".join(_parts(bank, entry_id))


def states(bank, entry_id: str, *snippets: str) -> None:
    """Assert that the entry states every snippet (spaces ignored). A snippet is matched inside
    one field (or one rendered formula), never across the end of one and the start of the next."""
    flat = "\x00".join(_flat(p) for p in _parts(bank, entry_id))
    missing = [s for s in snippets if not _found(s, flat)]
    assert not missing, f"{entry_id} does not state {missing}"
