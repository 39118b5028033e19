"""Generated problems on the terminal: the prompt, and with the answer the worked steps."""
from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from ..core.problem import Problem
from ..core.mathtext import render_inline


def math_text(s: str) -> Text:
    """A line of a prompt or step, with `$...$` converted to Unicode."""
    return Text(render_inline(s, {}))


def problem_prompt(p: Problem, lang: str) -> Panel:
    body = [math_text(p.prompt.t(lang))]
    if p.conventions:
        head = "Conventions: " if lang == "en" else "约定："
        for c in p.conventions:
            body.append(Text(head + render_inline(c.t(lang), {}), style="dim"))
            head = " " * len(head)
    title = Text(f" {p.id} ", style="bold cyan")
    return Panel(Group(*body), title=title, title_align="left", border_style="cyan")


def solution_block(p: Problem, lang: str) -> Group:
    head = "Worked solution" if lang == "en" else "解题步骤"
    lines = [Text(head, style="bold green")]
    for i, s in enumerate(p.steps, 1):
        line = Text(f" {i}. ", style="bold")
        line.append_text(math_text(s.t(lang)))
        lines.append(line)
    ans = Text(" → " + ("Answer: " if lang == "en" else "答案："), style="bold green")
    ans.append(p.answer_text, style="bold")
    lines.append(ans)
    return Group(*lines)


def problem_view(p: Problem, lang: str, show_answer: bool = False) -> Group:
    """The problem's prompt, and its worked solution when `show_answer`."""
    parts = [problem_prompt(p, lang)]
    if show_answer:
        parts.append(solution_block(p, lang))
    return Group(*parts)
