"""quizcli as a library: what a script imports to load the bank, run a drill, sit a mock exam
or make a problem, without a terminal. Every command of the CLI is one of these calls plus
parsing and printing.

    from quizcli import api

    bank = api.load_bank()
    items = api.select_items(bank, topics=["cnn"], n=5, seed=1)
    ui = api.ScriptedUI(["B", "42", "q"])
    summary = api.run_drill(items, ui)            # ui.events holds what was shown
    paper, weights = api.prepare_exam(bank, ["cnn", "rnn"], n=10, seed=1)
    report = api.take_exam(paper, api.ScriptedUI([]), api.NullRecorder(), minutes=30)
    p = api.problem("conv_output:7")               # p.answer, p.steps, p.misconceptions
    p = api.solve("conv_output", ["n=32", "k=5", "s=1", "p=2"])

Names re-exported here are the stable surface; everything else may move.
"""
from __future__ import annotations

from .bank.search import search
from .bank.store import load_bank
from .core.models import Bank, Bilingual, Concept, Question
from .core.session import Answered, Item, NullRecorder, Summary
from .study.drill import run_drill
from .core.report import ExamReport, Stats
from .study.exam import prepare_exam, report, take_exam
from .study.examples import worked_example
from .study.items import expected_text, grade, item_from_id, select_items
from .study.review import due_items
from .study.scripted import ScriptedUI

__all__ = [
    "Answered", "Bank", "Bilingual", "Concept", "Item", "NullRecorder", "Question", "ScriptedUI", "Summary",
    "ExamReport", "Stats", "due_items", "expected_text", "grade", "item_from_id", "load_bank", "prepare_exam", "problem", "report",
    "run_drill", "search", "select_items", "solve", "take_exam", "worked_example",
]


def problem(problem_id: str):
    """A generated problem by its id, 'family:seed[:difficulty]' (both routes agree)."""
    from . import generators

    return generators.problem(problem_id)


def solve(family: str, params: list[str]):
    """The worked solution for a student's own parameters ('n=32', 'k=5', …)."""
    from . import generators

    return generators.solve(family, params)
