"""A concept's worked example: a generated problem of its `example:` family."""
from __future__ import annotations

from ..core.models import Concept


def worked_example(concept: Concept):
    """The concept's worked example (a generators.base.Problem), or None when it has none:
    its family's seed-1 problem, with the concept's own activation when the family takes
    one (relu → a ReLU problem)."""
    from .. import generators

    if not concept.example:
        return None
    try:
        fm = generators.get(concept.example)
    except generators.UnknownFamily:
        return None
    if concept.plot and fm.family.param("f") is not None:
        return generators.solve(fm.family.id, [f"f={concept.plot}", "x=1.5"])
    return generators.problem(f"{fm.family.id}:1")
