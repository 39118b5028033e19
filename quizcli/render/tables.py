"""The topics table (kept apart from the concept page so `topics` imports only rich.table)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich.table import Table
from rich.text import Text

from ..core.models import Bank
from ..i18n import t


def topics_table(bank: Bank, lang: str, mastery: dict[str, float] | None = None, width: int = 80, banks: Sequence[str | Path] = ()) -> Table:
    """The course map. Below 100 columns only the chosen language's titles are shown, so
    nothing is cut; ids never wrap (they are what a student types). `banks`, the extra bank
    folders loaded, go into the commands the caption suggests."""
    both = width >= 100
    if banks:
        import shlex

        flags = "".join(f" --bank {shlex.quote(str(d))}" for d in banks)
        # commands to copy: never folded inside a path (the terminal wraps a line too long)
        caption = Text(t("topics_hint_bank", lang, flags=flags), no_wrap=True, overflow="ignore", justify="left")
    else:
        caption = t("topics_hint", lang)
    table = Table(title=t("topics_title", lang), title_style="bold", caption=caption, header_style="bold cyan")
    _id_and_titles(table, lang, both)
    table.add_column(t("concepts", lang), justify="right", no_wrap=True)
    table.add_column(t("questions", lang), justify="right", no_wrap=True)
    if mastery is not None:
        table.add_column("%", justify="right")
    for topic in bank.topics.values():
        titles = [topic.title.zh, topic.title.en] if both else [topic.title.t(lang)]
        row = [
            topic.id,
            *titles,
            str(bank.concept_count(topic.id)),
            str(bank.question_count(topic.id)),
        ]
        if mastery is not None:
            m = mastery.get(topic.id)
            row.append("–" if m is None else f"{100 * m:.0f}")
        table.add_row(*row)
    return table


def concept_rows(bank: Bank, topic_id: str, mastery: dict[str, tuple[float, int]] | None = None) -> list[dict]:
    """One topic's concepts in course order: id, titles, bank questions that test the concept,
    and (from `mastery`: concept -> (share right, graded answers)) how well the student knows it."""
    mastery = mastery or {}
    rows = []
    for s in bank.stubs():
        if s.topic != topic_id:
            continue
        m = mastery.get(s.id)
        rows.append({"id": s.id, "title": s.title.to_dict(), "questions": len(bank.briefs_for(s.id)),
                     "mastery": None if m is None else round(m[0], 4), "answered": 0 if m is None else m[1]})
    return rows


def topic_concepts_table(bank: Bank, topic_id: str, lang: str, mastery: dict[str, tuple[float, int]] | None = None,
                         width: int = 80, recent: int = 20) -> Table:
    """`quizcli topics TOPIC`: the topic's concepts. As in the course map, below 100 columns only
    the chosen language's title is shown, and ids never wrap."""
    both = width >= 100
    topic = bank.topics[topic_id]
    head = f"{topic.id} · {topic.title.zh} · {topic.title.en}" if both else f"{topic.id} · {topic.title.t(lang)}"
    table = Table(title=head, title_style="bold", caption=t("topic_concepts_hint", lang, id=topic.id, n=recent), header_style="bold cyan")
    _id_and_titles(table, lang, both)
    table.add_column(t("questions", lang), justify="right", no_wrap=True)
    table.add_column(t("mastery", lang), justify="right", no_wrap=True)
    for r in concept_rows(bank, topic_id, mastery):
        titles = [r["title"]["zh"], r["title"]["en"]] if both else [r["title"][lang]]
        m = "–" if r["mastery"] is None else f"{100 * r['mastery']:.0f}% ({r['answered']})"
        table.add_row(r["id"], *titles, str(r["questions"]), m)
    return table


def _id_and_titles(table: Table, lang: str, both: bool) -> None:
    """The id column (never wrapped), then the title in the chosen language, or in both."""
    table.add_column(t("id", lang), style="bold", no_wrap=True)
    if both or lang == "zh":
        table.add_column("中文")
    if both or lang != "zh":
        table.add_column("English")
