"""Question kinds as plugins: one module per kind, found by scanning this package.

Each module defines `KIND`, an instance of a `kinds.base.Kind` subclass, which declares the
kind's id, label (both languages), exam section, the `--kind` groups that admit it and the
YAML fields it owns, and answers everything the rest of quizcli asks of a kind: parse its YAML,
grade a typed answer, the expected answer as text, the form-of-answer hint, the options to
show, the points earned in an exam. Loader, drill, exam, sheets, exports and renderers ask the
kind; nothing else switches on a kind's name. Adding a kind is adding one file here (with its
tests and a section in docs/bank-format.md).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import Kind, Section

__all__ = ["Kind", "Section", "all_kinds", "get", "of", "ids", "bank_ids", "groups", "admitted"]


@lru_cache(maxsize=1)
def all_kinds() -> dict[str, Kind]:
    """Every kind, by id, in a stable order (the order of `Kind.order`, then id)."""
    found: list[Kind] = []
    for m in pkgutil.iter_modules(__path__):
        if m.name.startswith("_") or m.name == "base":
            continue
        mod = importlib.import_module(f"{__name__}.{m.name}")
        kind = getattr(mod, "KIND", None)
        if isinstance(kind, Kind):
            found.append(kind)
    found.sort(key=lambda k: (k.order, k.id))
    return {k.id: k for k in found}


def get(kind_id: str) -> Kind | None:
    return all_kinds().get(kind_id)


def of(item) -> Kind:
    """The kind of an item (anything with a `.kind` id)."""
    k = all_kinds().get(item.kind)
    if k is None:
        raise KeyError(f"unknown question kind {item.kind!r}")
    return k


def ids() -> tuple[str, ...]:
    return tuple(all_kinds())


def bank_ids() -> tuple[str, ...]:
    """The kinds a bank file may declare as a question's `type` (not 'generated')."""
    return tuple(k.id for k in all_kinds().values() if k.in_bank)


def groups() -> tuple[str, ...]:
    """The names `--kind` accepts, in a stable order."""
    seen: list[str] = []
    for k in all_kinds().values():
        for g in k.groups:
            if g not in seen:
                seen.append(g)
    order = {"mixed": 0, "concept": 1, "numeric": 2, "symbolic": 3}
    return tuple(sorted(seen, key=lambda g: (order.get(g, 9), g)))


def admitted(group: str) -> frozenset[str]:
    """The kind ids a `--kind` group admits."""
    return frozenset(k.id for k in all_kinds().values() if group in k.groups)
