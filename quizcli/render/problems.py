"""Generated problems on the terminal: the prompt, and with the answer the worked steps."""
from __future__ import annotations

import re

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..core.problem import Problem
from ..core.mathtext import render_inline
from ..core.models import Bilingual


def math_text(s: str) -> Text:
    """A line of a prompt or step, with `$...$` converted to Unicode."""
    return Text(render_inline(s, {}))


_LABEL_EN = re.compile(r"^([A-Z][\w -]{0,30}?) convention: ")
_LABEL_ZH = re.compile(r"^(\S{1,10}?)约定：")


def _unlabelled(text: str) -> str:
    """"Bias convention: one bias …" under "Conventions:" reads as "Bias: one bias …" (not
    "Conventions: Bias convention: …", nor "约定：偏置约定：…")."""
    text = _LABEL_EN.sub(r"\1: ", text, count=1)
    return _LABEL_ZH.sub(r"\1：", text, count=1)


def problem_prompt(p: Problem, lang: str) -> Panel:
    body = [math_text(p.prompt.t(lang))]
    if p.conventions:
        # a hanging indent: every convention starts under the first, wrapped lines too
        grid = Table.grid(padding=(0, 1) if lang == "en" else 0)
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(ratio=1, style="dim")
        head = Bilingual("Conventions:", "约定：").t(lang)
        for c in p.conventions:
            grid.add_row(head, Text(_unlabelled(render_inline(c.t(lang), {}))))
            head = ""
        body.append(grid)
    title = Text(f" {p.id} ", style="bold cyan")
    return Panel(Group(*body), title=title, title_align="left", border_style="cyan")


def solution_block(p: Problem, lang: str) -> Group:
    head = Bilingual("Worked solution", "解题步骤").t(lang)
    lines: list = [Text(head, style="bold green")]
    steps = Table.grid()  # a step that wraps goes on under its own text, not at the margin
    steps.add_column(no_wrap=True, style="bold")
    steps.add_column(ratio=1)
    for i, s in enumerate(p.steps, 1):
        steps.add_row(f" {i}. ", math_text(s.t(lang)))
    lines.append(steps)
    ans = Text(" → " + Bilingual("Answer: ", "答案：").t(lang), style="bold green")
    ans.append(p.answer_text, style="bold")
    lines.append(ans)
    note = p.route_note()
    if note is not None:
        lines.append(Text("   " + note.t(lang), style="dim"))
    return Group(*lines)


def problem_view(p: Problem, lang: str, show_answer: bool = False) -> Group:
    """The problem's prompt, and its worked solution when `show_answer`."""
    parts = [problem_prompt(p, lang)]
    if show_answer:
        parts.append(solution_block(p, lang))
    return Group(*parts)
