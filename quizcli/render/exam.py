"""The mock exam on screen (a countdown on every item), its report, and the paper as Markdown."""
from __future__ import annotations

import time
from typing import Any, Sequence

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .. import kinds
from ..core.models import Bank
from ..core.report import ExamReport
from ..study.exam import SECTIONS, section_of
from ..study.items import Item, expected_text
from .drill_ui import LETTERS, JsonUI, RichUI


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class ExamUI(RichUI):
    """The drill screen plus a countdown and the section headings; no answers shown
    until the end (like a real paper)."""

    def __init__(self, console, lang: str, bank: Bank, deadline: float, feedback: str = "end"):
        super().__init__(console, lang, bank)
        self.deadline = deadline
        self.feedback_now = feedback == "now"
        self._section: str | None = None

    def show_item(self, item: Item, index: int, total: int) -> None:
        s = section_of(item)
        if s.id != self._section:
            self._section = s.id
            self.out.print()
            self.out.print(Text(s.title.t(self.lang) + self._t(f"  ({s.points} points each)", f"（每题 {s.points} 分）"), style="bold magenta"))
        super().show_item(item, index, total)
        left = self.deadline - time.monotonic()
        self.out.print(Text("⏱ " + _clock(left) + self._t(" left", " 剩余"), style="bold red" if left < 300 else "bold"))

    def feedback(self, item, a, result) -> None:
        if self.feedback_now:
            return super().feedback(item, a, result)
        if a.correct is None:
            self.out.print(Text(self._t("Skipped.", "已跳过。"), style="dim"))
        else:
            self.out.print(Text(self._t("Answer recorded.", "已作答。"), style="dim"))

    def key_points(self, item, text, found):
        """Feedback now: the model answer and the student's own marking, as in a drill.
        Deferred (like a real paper): nothing is shown; the answer is marked by the key
        points whose terms it contains, and the report shows the model answer."""
        if self.feedback_now:
            return super().key_points(item, text, found)
        return ""

    def summary(self, s) -> None:
        if s.stopped == "time":
            self.out.print(Text(self._t("Time is up.", "时间到。"), style="bold red"))
        if not self.feedback_now and any(getattr(kinds.get(a.kind), "self_rated", False) for a in s.graded):
            self.out.print(Text(self._t("Short answers are marked by the key points whose terms they contain: compare yours with the model answers below.",
                                        "简答题按答案中出现的要点术语给分：请对照下面的参考答案。"), style="dim"))


class ExamJsonUI(JsonUI):
    def __init__(self, lang: str, bank: Bank, stream=None, feedback: str = "end"):
        super().__init__(lang, bank, stream)
        self.feedback_now = feedback == "now"

    def key_points(self, item, text, found):
        if self.feedback_now:
            return super().key_points(item, text, found)
        return ""  # marked by the key points found; the model answer comes with the report

    def feedback(self, item, a, result) -> None:
        if self.feedback_now:
            return super().feedback(item, a, result)
        self._emit({"event": "recorded", "item": item.id, "answer": a.answer, "skipped": a.correct is None,
                    "seconds": a.seconds})

    def summary(self, s) -> None:
        pass  # the report follows


def _numbered(lines: Sequence[str], indent: str, style: str) -> Table:
    """1., 2., … with each line's wrapped part under its own text (a hanging indent)."""
    grid = Table.grid()
    grid.add_column(no_wrap=True, style=style)
    grid.add_column(ratio=1, style=style)
    for j, line in enumerate(lines, 1):
        grid.add_row(f"{indent}{j}. ", line)
    return grid


def _your_answer(item: Item, answer: str | None, tr) -> str:
    """The answer as the report shows it: a skip (`s`, as the drill reads it) says so."""
    from ..study.drill import SKIP

    if answer is None:
        return tr("(none)", "（未作答）")
    word = answer.strip().lower()
    if word in SKIP and word not in kinds.of(item).answer_words(item):
        return tr("(skipped)", "（已跳过）")
    return answer


def report_view(rep: ExamReport, items: Sequence[Item], bank: Bank, lang: str) -> Group:
    def tr(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    parts: list[Any] = []
    head = Text(tr(f"Score: {rep.score:g} / {rep.max:g}  ({rep.percent:g}%)", f"得分：{rep.score:g} / {rep.max:g}（{rep.percent:g}%）"),
                style="bold green" if rep.percent >= 60 else "bold red")
    parts.append(head)
    t = Table(header_style="bold cyan", title=tr("By section", "各大题得分"), title_justify="left")
    t.add_column(tr("section", "大题"))
    t.add_column(tr("score", "得分"), justify="right")
    for s in SECTIONS:
        v = rep.sections[s.id]
        if v.items:
            t.add_row(s.title.t(lang), f"{v.earned:g} / {v.max:g}")
    parts.append(t)
    tt = Table(header_style="bold cyan", title=tr("By topic", "各主题得分"), title_justify="left")
    tt.add_column(tr("topic", "主题"))
    tt.add_column(tr("score", "得分"), justify="right")
    for tid, v in sorted(rep.topics.items(), key=lambda kv: kv[1].share):
        topic = bank.topics.get(tid)
        tt.add_row(f"{tid} {topic.title.t(lang) if topic else ''}", f"{v.earned:g} / {v.max:g}")
    parts.append(tt)
    by_id = {it.id: it for it in items}
    if rep.wrong:
        parts.append(Text(tr("What you missed, with solutions", "错题与解答"), style="bold"))
        from ..core.mathtext import render_inline

        for w in rep.wrong:
            it = by_id[w.item]
            block = Text()
            block.append(f"{w.item}  ", style="bold")
            block.append(tr(f"{w.earned:g}/{w.points:g} pts", f"{w.earned:g}/{w.points:g} 分"), style="red")
            block.append("\n" + render_inline(it.prompt.t(lang), bank.math))
            block.append("\n" + tr("Your answer: ", "你的答案：") + _your_answer(it, w.answer, tr), style="")
            kind = kinds.of(it)
            if not kind.self_rated:
                block.append("\n" + tr("Right answer: ", "正确答案：") + render_inline(expected_text(it, lang), bank.math), style="green")
            body: list[Any] = [block]
            if it.question is not None:
                if kind.self_rated:
                    body.append(Text(tr("Model answer: the points a marker ticks", "参考答案：阅卷要点"), style="bold green"))
                    body.append(_numbered([render_inline(k.t(lang), bank.math) for k in it.question.key_points], " ", "green"))
                    body.append(Text(tr("In one paragraph", "连贯作答"), style="bold green"))
                    body.append(Text(render_inline(kind.model_answer(it, lang), bank.math), style="green"))
                body.append(Text(tr("Why: ", "解析：") + render_inline(it.question.explanation.t(lang), bank.math), style="dim"))
            else:
                body.append(_numbered([render_inline(st.t(lang), {}) for st in it.problem.steps], "  ", "dim"))
            parts.append(Panel(Group(*body), border_style="red"))
    if rep.plan:
        plan = Text(tr("Tonight's plan (weakest first)\n", "今晚的复习计划（从最薄弱的开始）\n"), style="bold")
        for i, p in enumerate(rep.plan, 1):
            c = bank.concepts.get(p.concept)
            plan.append(f"{i}. {p.concept} {c.title.t(lang) if c else ''}\n", style="bold")
            plan.append(f"   {p.explain}\n   {p.drill}\n", style="cyan")
        plan.rstrip()  # no blank line above the border
        parts.append(Panel(plan, border_style="green"))
    return Group(*parts)


def paper_markdown(items: Sequence[Item], bank: Bank, lang: str, title: str, command: str) -> str:
    """The paper and its answer key as Markdown (math stays as $…$ LaTeX)."""

    def tr(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    out = [f"# {title}", "", tr(f"Reproduce with: `{command}`", f"复现命令：`{command}`"), ""]
    section = None
    for i, it in enumerate(items, 1):
        s = section_of(it)
        if s.id != section:
            section = s.id
            out += [f"## {s.title.t(lang)}" + tr(f" ({s.points} points each)", f"（每题 {s.points} 分）"), ""]
        out.append(f"**{i}.** {it.prompt.t(lang)}")
        options = kinds.of(it).options(it)
        if options:
            out.append("")
            for j, o in enumerate(options):
                out.append(f"   - {LETTERS[j]}. {o.text.t(lang)}")
        out.append("")
    out += ["\\newpage", "", f"## {tr('Answer key', '参考答案')}", ""]
    for i, it in enumerate(items, 1):
        if it.question is not None:
            out.append(f"**{i}.** {kinds.of(it).model_answer(it, lang)} — {it.question.explanation.t(lang)}")
        else:
            out.append(f"**{i}.** {it.problem.answer_text}")
            for j, st in enumerate(it.problem.steps, 1):
                out.append(f"   {j}. {st.t(lang)}")
        out.append("")
    return "\n".join(out)
