"""A study plan on screen: a heat strip of minutes per day, then the days and their tasks."""
from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..core.models import Bank, Bilingual
from ..study.plan import task_line, task_short

SHADES = " ░▒▓█"
_KIND = {"review": ("review", "复习"), "learn": ("learn", "学习"), "practise": ("practise", "练习"),
         "mock": ("mock", "模拟考"), "explain": ("explain", "讲解")}


def heat_strip(plan: dict[str, Any], lang: str) -> Text:
    """One cell per day, shaded by its minutes; M marks a mock, the exam day is E."""
    days = plan["days"]
    top = max([d["minutes"] for d in days] + [1])
    t = Text()
    for d in days:
        if any(task["kind"] == "mock" for task in d["tasks"]):
            t.append("M", style="bold magenta" if not d.get("over") else "bold red")
            continue
        i = 0 if not d["minutes"] else 1 + min(3, int(3 * d["minutes"] / top))
        t.append(SHADES[i], style="cyan")
    t.append("E", style="bold red")
    legend = Bilingual("  (one cell a day: shade = minutes, M = mock, E = exam)", "  （每格一天：深浅 = 分钟，M = 模拟考，E = 考试）").t(lang)
    t.append(legend, style="dim")
    return t


def _header(plan: dict[str, Any], lang: str) -> Text:
    exam = date.fromisoformat(plan["exam"])
    today = date.fromisoformat(plan["today"])
    left = (exam - today).days
    if lang == "zh":
        s = f"考试 {exam}，还有 {left} 天，每天 {plan['minutes']} 分钟"
    else:
        s = f"Exam {exam}: {left} day{'s' if left != 1 else ''} left, {plan['minutes']} minutes a day"
    return Text(s, style="bold")


def _notes(plan: dict[str, Any], lang: str) -> list[Text]:
    return [Text("⚠ " + n[lang if lang in n else "en"], style="yellow") for n in plan.get("notes", [])]


def plan_view(plan: dict[str, Any], bank: Bank | None, lang: str) -> Group:
    """The whole plan: header, heat strip, one row per day."""
    zh = lang == "zh"
    parts: list[Any] = [_header(plan, lang), heat_strip(plan, lang)]
    table = Table(header_style="bold cyan", show_lines=False, expand=False)
    table.add_column("日期" if zh else "day", no_wrap=True)
    table.add_column("分钟" if zh else "min", justify="right", no_wrap=True)
    table.add_column("任务" if zh else "tasks", overflow="fold")
    for d in plan["days"]:
        lines = [task_short(t, lang) for t in d["tasks"]] or ["—"]
        day = date.fromisoformat(d["date"])
        mins = str(d["minutes"]) + ("!" if d.get("over") else "")
        table.add_row(f"{day:%m-%d}", mins, "\n".join("· " + s for s in lines))
    parts.append(table)
    parts += _notes(plan, lang)
    parts.append(Text("今天要做的：quizcli today" if zh else "Each day: quizcli today", style="dim"))
    return Group(*parts)


def today_view(plan: dict[str, Any], bank: Bank | None, lang: str) -> Group:
    """Today's part of the plan."""
    zh = lang == "zh"
    parts: list[Any] = [_header(plan, lang), heat_strip(plan, lang)]
    d = plan["days"][0] if plan["days"] else None
    done = plan.get("minutes_done_today") or 0
    if done:
        parts.append(Text(f"今天已学习 {done:g} 分钟。" if zh else f"Studied today so far: {done:g} minutes.", style="green"))
    if d is None or not d["tasks"]:
        parts.append(Text("今天的计划已完成。" if zh else "Today's plan is done.", style="bold green"))
    else:
        title = f"今天（{d['date']}）：{d['minutes']} 分钟" if zh else f"Today ({d['date']}): {d['minutes']} minutes"
        parts.append(Text(title, style="bold cyan"))
        for i, t in enumerate(d["tasks"], 1):
            k = _KIND[t["kind"]][1 if zh else 0]
            line = Text(f" {i}. ", style="bold")
            line.append(f"[{k}] ", style="magenta")
            line.append(task_line(t, lang))
            parts.append(line)
        if d.get("carried"):
            n = d["carried"]
            parts.append(Text(f"另有 {n} 道到期复习顺延到明天（不超出每天的分钟数）。" if zh
                              else f"{n} more due reviews move to tomorrow (within the daily minutes).", style="yellow"))
    parts += _notes(plan, lang)
    return Group(*parts)
