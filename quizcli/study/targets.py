"""Turn what a student typed after `drill` into topics and concepts."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.models import Bank
from ..bank.search import normalize, resolve_topic, suggest, suggest_topic


@dataclass
class Targets:
    topics: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)


class UnknownTarget(ValueError):
    def __init__(self, name: str, suggestions: list[str]):
        super().__init__(name)
        self.name, self.suggestions = name, suggestions


def resolve_targets(bank: Bank, names: list[str]) -> Targets:
    """'cnn', '卷积神经网络', 'all', a concept id ('dropout') or a concept's name
    ('dying relu'). Raises UnknownTarget with the nearest topics and concepts."""
    out = Targets()
    if not names or any(n.strip().lower() in ("all", "全部", "所有") for n in names):
        out.topics = list(bank.topics)
        return out
    for name in names:
        tid = resolve_topic(bank, name)
        if tid:
            out.topics.append(tid)
            continue
        cid = _concept_by_name(bank, name)
        if cid:
            out.concepts.append(cid)
            continue
        near = suggest_topic(bank, name) + [c for c in suggest(bank, name) if c not in bank.topics]
        raise UnknownTarget(name, near[:4])
    return out


def _concept_by_name(bank: Bank, name: str) -> str | None:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key in bank.concepts:
        return key
    q = normalize(name)
    for c in bank.concepts.values():
        if q in {normalize(x) for x in (c.title.en, c.title.zh, *c.aliases)}:
            return c.id
    return None
