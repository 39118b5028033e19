"""Link a test's computation to the bank entry that states the result.

    states(bank, "loss_functions", "0.357", "1.609")

passes when each snippet appears in the text of the concept or question `loss_functions`
(every text field, either language, LaTeX as written and as rendered, spaces ignored). A test
that recomputes a number the bank prints calls it, so that changing the number in the YAML (or
deleting the entry) makes the test fail: the computation guards the bank, not itself."""
from __future__ import annotations

import re


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def entry_text(bank, entry_id: str) -> str:
    """All the text of a concept or a question (both languages, raw and rendered math)."""
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

    walk(d)
    text = "\n".join(parts)
    rendered = [bank.math.get(m, "") for m in re.findall(r"\$\$?(.+?)\$\$?", text, re.S)]
    return text + "\n" + "\n".join(rendered)


def states(bank, entry_id: str, *snippets: str) -> None:
    """Assert that the entry states every snippet (spaces ignored)."""
    flat = _flat(entry_text(bank, entry_id))
    missing = [s for s in snippets if _flat(s) not in flat]
    assert not missing, f"{entry_id} does not state {missing}"
