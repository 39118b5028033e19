"""Rich renderables for the terminal: the topics table and the concept page.

Text in the bank is Markdown-lite with `$...$` math; `rich_text` turns it into a rich
Text with the math already in Unicode (from the bank's pre-rendered table). rich.markdown
is not used: it costs ~0.1 s of import for features the bank does not need.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..core.models import Bank, Concept, Question, QuestionBrief
from ..i18n import other_lang as i18n_other, t
from ..core.mathtext import render_inline
from .wrap import glue_math

_INLINE = re.compile(r"(\*\*.+?\*\*|`[^`]+`)")


def _append_inline(out: Text, line: str) -> None:
    for part in _INLINE.split(line):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(part[2:-2], style="bold")
        elif part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(part[1:-1], style="cyan")
        else:
            out.append(part)


def _bullet(line: str) -> str | None:
    """The text of a `- ` / `* ` bullet line, else None."""
    stripped = line.lstrip()
    return stripped[2:] if stripped.startswith(("- ", "* ")) else None


def rich_text(text: str, bank: Bank, style: str = "") -> Text:
    """Markdown-lite → rich Text: paragraphs, `- ` bullets, **bold**, `code`, $math$.
    One Text, for inline use; a block that may hold bullets is `rich_block`."""
    out = Text(style=style)
    lines = render_inline(text.strip(), bank.math, glue=glue_math).splitlines()
    for i, line in enumerate(lines):
        if i:
            out.append("\n")
        item = _bullet(line)
        if item is not None:
            out.append("  • ")
            line = item
        _append_inline(out, line)
    return out


def rich_block(text: str, bank: Bank, style: str = "") -> RenderableType:
    """Like `rich_text`, but a bullet's wrapped lines continue under its text (a hanging
    indent), not at the left margin. Text without bullets is the same single Text."""
    lines = render_inline(text.strip(), bank.math, glue=glue_math).splitlines()
    if not any(_bullet(line) is not None for line in lines):
        return rich_text(text, bank, style)
    parts: list[RenderableType] = []
    para: list[str] = []
    grid: Table | None = None

    def flush_para() -> None:
        if para:
            out = Text(style=style)
            for i, line in enumerate(para):
                if i:
                    out.append("\n")
                _append_inline(out, line)
            parts.append(out)
            para.clear()

    for line in lines:
        item = _bullet(line)
        if item is None:
            grid = None
            para.append(line)
            continue
        flush_para()
        if grid is None:
            grid = Table.grid(expand=True)
            grid.add_column(width=4, no_wrap=True)
            grid.add_column(ratio=1)
            parts.append(grid)
        body = Text(style=style)
        _append_inline(body, item)
        grid.add_row(Text("  • ", style=style), body)
    flush_para()
    return Group(*parts)


def _section(title: str) -> Rule:
    return Rule(Text(title, style="bold cyan"), align="left", style="cyan")


def _bullets(items: Iterable[Text], marker: str = "•", style: str = "") -> Table:
    """A list whose wrapped lines stay indented under their own item."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, justify="right")
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(Text(marker, style=style or "bold"), item)
    return grid


def question_line(q: QuestionBrief, bank: Bank, lang: str) -> Text:
    line = Text()
    line.append(f"{q.id}", style="bold")
    line.append(f"  [{t('type_' + q.type, lang)}]  ", style="dim")
    prompt = rich_text(q.prompt.t(lang).splitlines()[0], bank)
    if len(prompt) > 90:
        prompt = prompt[:88] + Text("…")
    line.append_text(prompt)
    return line


def bank_flags(banks: Sequence[str | Path] = ()) -> str:
    """` --bank DIR` for each extra bank folder, for a command a student copies: without it
    the command would not see the questions the extra bank adds."""
    import shlex

    return "".join(f" --bank {shlex.quote(str(d))}" for d in banks)


def concept_view(concept: Concept, bank: Bank, lang: str, others: list[str] | None = None, plot: RenderableType | None = None,
                 banks: Sequence[str | Path] = ()) -> RenderableType:
    """The whole `explain` page for one concept; `banks`, the extra bank folders loaded,
    go into the commands it suggests."""
    other_lang = i18n_other(lang)
    topic = bank.topics.get(concept.topic)
    head = Text()
    head.append(concept.title.t(lang), style="bold")
    head.append(f"  ·  {concept.title.t(other_lang)}", style="dim")
    head.append(f"\n{concept.id}", style="cyan")
    if topic:
        head.append(f"  ·  {topic.title.t(lang)} ({topic.id})", style="dim")
    parts: list[RenderableType] = [
        Panel(Group(head, Text(), rich_block(concept.summary.t(lang), bank, style="italic")), border_style="cyan", expand=True),
        _section(t("explanation", lang)),
        Padding(rich_block(concept.body.t(lang), bank), (0, 1)),
    ]
    if concept.formulas:
        parts.append(_section(t("formulas", lang)))
        ft = Table.grid(padding=(0, 2))
        # long formulas fold onto the next line rather than being cut with "…"
        ft.add_column(style="bold green", overflow="fold", ratio=3)
        ft.add_column(style="dim", ratio=2)
        for f in concept.formulas:
            rendered = bank.math.get(f.latex) or render_inline(f"${f.latex}$", bank.math)
            ft.add_row(Text(rendered), rich_text(f.label.t(lang), bank) if f.label else Text(""))
        parts.append(Padding(ft, (0, 2)))
    if plot is not None:
        parts.append(_section(t("plot_title", lang)))
        parts.append(Padding(plot, (0, 2)))
    parts.append(_section(t("key_points", lang)))
    parts.append(_bullets((rich_block(k.t(lang), bank) for k in concept.key_points), "✓", "bold green"))
    if concept.pitfalls:
        parts.append(_section(t("pitfalls", lang)))
        parts.append(_bullets((rich_block(p.t(lang), bank) for p in concept.pitfalls), "!", "bold yellow"))
    if concept.related:
        parts.append(_section(t("related", lang)))
        rel = Text()
        for i, r in enumerate(concept.related):
            if i:
                rel.append("  ·  ", style="dim")
            rel.append(r, style="bold cyan")
            rc = bank.stub(r)
            if rc:
                rel.append(f" {rc.title.t(lang)}", style="dim")
        parts.append(Padding(rel, (0, 2)))  # wrapped lines stay indented
    qs = bank.briefs_for(concept.id)
    if qs:
        parts.append(_section(t("bank_questions", lang)))
        parts.append(Padding(Group(*(question_line(q, bank, lang) for q in qs)), (0, 2)))
        # a command to copy: never folded inside a path (the terminal wraps a line too long)
        parts.append(Text("  " + t("drill_them", lang, id=concept.id + bank_flags(banks)), style="dim", no_wrap=True, overflow="ignore"))
    if others:
        parts.append(_section(t("other_matches", lang)))
        o = Text()
        for i, cid in enumerate(others):
            if i:
                o.append("  ·  ", style="dim")
            o.append(cid, style="bold")
            oc = bank.stub(cid)
            if oc:
                o.append(f" {oc.title.t(lang)}", style="dim")
        parts.append(Padding(o, (0, 2)))
    return Group(*parts)


def question_view(q: Question, bank: Bank, lang: str, others: list[tuple[str, str]] | None = None) -> RenderableType:
    """An exam question answered in full: the points a marker ticks, a connected paragraph,
    the concepts it rests on, then the other close matches ((kind, id) pairs)."""
    other_lang = i18n_other(lang)
    head = Text()
    head.append(q.id, style="bold cyan")
    if q.origin:
        head.append(f"  ·  {q.origin}", style="dim")
    head.append("\n")
    head.append_text(rich_text(q.prompt.t(lang), bank, style="bold"))
    head.append("\n")
    head.append_text(rich_text(q.prompt.t(other_lang), bank, style="dim"))
    parts: list[RenderableType] = [Panel(head, border_style="cyan", expand=True)]
    parts.append(_section(t("model_answer_points", lang)))
    items = []
    for i, k in enumerate(q.key_points, 1):
        items.append(rich_text(k.t(lang), bank))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    for i, item in enumerate(items, 1):
        grid.add_row(Text(f"{i}.", style="bold green"), item)
    parts.append(Padding(grid, (0, 1)))
    parts.append(_section(t("model_answer", lang)))
    parts.append(Padding(rich_block(q.answer.t(lang), bank), (0, 1)))
    parts.append(_section(t("rests_on", lang)))
    rows = []
    for cid in q.concepts:
        stub = bank.stub(cid)
        if stub is None:
            continue
        line = Text()
        line.append(cid, style="bold cyan")
        line.append(f"  {stub.title.t(lang)}", style="bold")
        c = bank.concepts[cid]
        line.append("\n")
        line.append_text(rich_text(c.summary.t(lang), bank, style="dim"))
        line.append(f"\n→ quizcli explain {cid}", style="dim")
        rows.append(line)
    parts.append(Padding(Group(*rows), (0, 2)))
    if others:
        parts.append(_section(t("other_matches", lang)))
        o = Text()
        for i, (kind, oid) in enumerate(others):
            if i:
                o.append("  ·  ", style="dim")
            o.append(oid, style="bold")
            if kind == "concept":
                oc = bank.stub(oid)
                if oc:
                    o.append(f" {oc.title.t(lang)}", style="dim")
        parts.append(Padding(o, (0, 2)))
    return Group(*parts)


def activation_plot(name: str, lang: str) -> RenderableType:
    from ..core.plots import ACTIVATIONS, plot_lines

    rows = plot_lines(name)
    out = Text()
    for label, marks in rows:
        out.append(f"{label:>6} ", style="dim")
        col = 0
        for c, mark in marks:
            out.append(" " * (c - col))
            style = "bold magenta" if mark == "●" else "green" if mark == "·" else "dim"
            out.append(mark, style=style)
            col = c + 1
        out.append("\n")
    width = max((c for _, marks in rows for c, _ in marks), default=48) + 1
    axis = [" "] * width
    axis[0], axis[width // 2], axis[width - 1] = "-4", "0", "4"
    axis[1] = ""  # "-4" takes two columns
    out.append(" " * 7 + "".join(axis) + "\n", style="dim")
    out.append(f"       {ACTIVATIONS[name][2]}:  " + t("plot_legend", lang), style="dim")
    return out
