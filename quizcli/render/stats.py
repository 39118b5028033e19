"""`quizcli stats` on the terminal: mastery bars, a 14-day accuracy chart, weak spots."""
from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..core.models import Bank
from ..core.report import Stats

BLOCKS = " ▁▂▃▄▅▆▇█"


def bar(fraction: float | None, width: int = 20) -> Text:
    if fraction is None:
        return Text("·" * width, style="dim")
    full = int(round(fraction * width))
    style = "green" if fraction >= 0.8 else "yellow" if fraction >= 0.5 else "red"
    return Text("█" * full, style=style) + Text("░" * (width - full), style="dim")


def stats_view(data: Stats, bank: Bank, lang: str) -> Group:
    def tr(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    parts: list[Any] = []
    head = Text(tr("Progress", "学习进度"), style="bold")
    acc = data.correct / data.graded if data.graded else 0
    head.append(tr(f"   {data.graded} graded answers, {acc:.0%} right, streak {data.streak_days} day{'' if data.streak_days == 1 else 's'}",
                   f"   已评分 {data.graded} 题，正确率 {acc:.0%}，连续学习 {data.streak_days} 天"))
    hints = data.hints
    if hints.get("rungs"):
        head.append(tr(f"\n   hints taken: {hints['rungs']} rung(s) on {hints['answers']} answer(s)",
                       f"\n   使用提示：共 {hints['rungs']} 级，涉及 {hints['answers']} 题"), style="dim")
    parts.append(head)

    t = Table(title=tr("Mastery by topic (last 20 answers)", "各主题掌握度（最近 20 题）"), header_style="bold cyan", title_justify="left")
    t.add_column(tr("topic", "主题"), overflow="fold", max_width=34)  # a long title wraps, never cut
    t.add_column(tr("mastery", "掌握度"))
    t.add_column("%", justify="right")
    t.add_column(tr("answered", "作答"), justify="right")
    for tid, s in data.topics.items():
        topic = bank.topics.get(tid)
        name = f"{tid} {topic.title.t(lang)}" if topic else tid
        m = s.mastery
        t.add_row(name, bar(m), "–" if m is None else f"{100 * m:.0f}", str(s.answered))
    parts.append(t)

    chart = Text(tr("Accuracy, last 14 days (bar height = % right; · no answers)\n", "近 14 天正确率（柱高 = 正确率；· 表示当天未作答）\n"), style="bold")
    for d in data.days:
        a = d.accuracy
        if a is None:
            chart.append(" · ", style="dim")
        else:
            ch = BLOCKS[max(1, int(round(a * 8)))]
            chart.append(f" {ch} ", style="green" if a >= 0.8 else "yellow" if a >= 0.5 else "red")
    chart.append("\n")
    for d in data.days:
        chart.append(f"{d.day[8:10]:>3}", style="dim")
    parts.append(chart)

    if data.weakest:
        w = Table(title=tr("Weakest concepts", "最薄弱的知识点"), header_style="bold cyan", title_justify="left")
        w.add_column(tr("concept", "知识点"), overflow="fold")  # a long title wraps, never cut
        w.add_column(tr("right", "正确"), justify="right", no_wrap=True)
        w.add_column(tr("study it", "复习命令"), no_wrap=True)  # a command to copy stays on one line
        for x in data.weakest:
            c = bank.concepts.get(x.concept)
            name = f"{x.concept} {c.title.t(lang)}" if c else x.concept
            w.add_row(name, f"{x.right}/{x.total}", f"quizcli explain {x.concept}")
        parts.append(w)
    cal = data.calibration
    if any(v["answers"] for v in cal.get("levels", {}).values()):
        names = {"sure": tr("sure", "确定"), "unsure": tr("unsure", "不确定"), "guess": tr("guess", "猜的")}
        c = Table(title=tr("Calibration: how often you are right when you say…", "校准：你说……时答对的比例"),
                  header_style="bold cyan", title_justify="left")
        c.add_column(tr("confidence", "把握"))
        c.add_column(tr("right", "正确率"), justify="right")
        c.add_column(tr("answers", "作答"), justify="right")
        for k, v in cal["levels"].items():
            c.add_row(names[k], "–" if v["accuracy"] is None else f"{100 * v['accuracy']:.0f}%", str(v["answers"]))
        parts.append(c)
        topics = {t: lv for t, lv in (cal.get("topics") or {}).items() if any(v["answers"] for v in lv.values())}
        if topics:
            pt = Table(title=tr("…per topic (right / answers)", "……各主题（正确率 / 作答数）"), header_style="bold cyan",
                       title_justify="left")
            pt.add_column(tr("topic", "主题"), no_wrap=True)
            for k in names:
                pt.add_column(names[k], justify="right", no_wrap=True)
            for tid, lv in topics.items():
                pt.add_row(tid, *("–" if not lv[k]["answers"] else f"{100 * lv[k]['accuracy']:.0f}% / {lv[k]['answers']}"
                                  for k in names))
            parts.append(pt)
        if cal["overconfident_topics"]:
            o = Text(tr("Overconfident topics (sure, but often wrong; the plan gives them more time): ",
                        "过度自信的主题（自认为确定却常答错；学习计划会多安排时间）："), style="bold yellow")
            o.append(", ".join(f"{x['topic']} {100 * x['sure_accuracy']:.0f}%" for x in cal["overconfident_topics"]))
            parts.append(o)
    if data.misconceptions:
        m = Table(title=tr("Mistakes you make most", "最常犯的错误"), header_style="bold cyan", title_justify="left")
        m.add_column(tr("misconception", "错误类型"))
        m.add_column(tr("times", "次数"), justify="right")
        for mid, n in data.misconceptions:
            m.add_row(mid, str(n))
        parts.append(m)
    return Group(*parts)
