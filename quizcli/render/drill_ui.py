"""The two faces of a drill: a rich terminal screen, and JSON lines for scripts.

Both read one answer per line from standard input, so a drill works the same typed at a
terminal or piped from a file; end of input ends the drill with its summary.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .. import kinds
from ..core.models import Bank, Bilingual
from ..core.session import Answered, Item, Summary
from ..grading import GradeResult
from ..study.items import expected_text
from ..core.mathtext import render_inline
from .lineedit import read_line

LETTERS = "ABCDEFGHIJ"


def _tx(s: str, bank: Bank | None) -> Text:
    return Text(render_inline(s, bank.math if bank else {}))


def _hint_text(item: Item, lang: str) -> str:
    """What form the answer takes (and the family's hint for problems)."""
    return kinds.of(item).hint(item, lang)


def _step_value_text(v: Any, st: Any) -> str:
    """A step's value as its worked line shows it (4 decimals, or the step's significant digits)."""
    from ..generators.base import fmt_answer, fmt_sig

    sig = getattr(st, "sig", None)
    if not sig:
        return fmt_answer(v, getattr(st, "digits", 4) or 4)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt_sig(x, sig) for x in v) + "]"
    return fmt_sig(v, sig)


class RichUI:
    """The terminal screen."""

    def __init__(self, console: Console, lang: str, bank: Bank, title: tuple[str, str] = ("Drill summary", "练习小结")):
        self.out, self.lang, self.bank = console, lang, bank
        self.title = title  # the summary's title (en, zh): review says "Review summary"
        self._last_problem = None  # the last calculation answered: `w` shows its worked solution
        self._step_mode = False

    def _t(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh" else en

    def show_item(self, item: Item, index: int, total: int) -> None:
        body: list[Any] = [_tx(item.prompt.t(self.lang), self.bank)]
        kind = kinds.of(item)
        options = kind.options(item)
        if options:
            opts = Table.grid(padding=(0, 1))
            opts.add_column(style="bold")
            opts.add_column()
            for i, o in enumerate(options):
                opts.add_row(f"{LETTERS[i]}.", _tx(o.text.t(self.lang), self.bank))
            body.append(opts)
            if kind.multiple:
                body.append(Text(self._t("(choose all that apply)", "（多选）"), style="dim"))
        if item.problem is not None and item.problem.conventions:
            for c in item.problem.conventions:
                body.append(Text(render_inline(c.t(self.lang), {}), style="dim"))
        title = Text(f" {index}/{total} · {kind.label.t(self.lang)} · {item.id} ", style="bold cyan")
        self.out.print()
        self.out.print(Panel(Group(*body), title=title, title_align="left", border_style="cyan"))

    def ask(self, item: Item) -> str | None:
        if self._step_mode:
            prompt = self._t("step (? hint, w solution, s skip, q quit)", "本步（? 提示，w 解答，s 跳过，q 结束）")
        elif self._last_problem is not None:
            prompt = self._t("answer (? hint, w last solution, s skip, q quit)", "作答（? 提示，w 上题解答，s 跳过，q 结束）")
        else:
            prompt = self._t("answer (? hint, s skip, q quit)", "作答（? 提示，s 跳过，q 结束）")
        while True:
            try:
                text = read_line(self.out, f"[bold]{prompt}[/] › ")
            except EOFError:
                return None
            # `w`: the worked solution of the last calculation (a symbolic answer may be the variable w)
            if (not self._step_mode and text.strip().lower() == "w" and self._last_problem is not None
                    and item.kind != "symbolic"):
                self._show_solution()
                continue
            return text

    def _show_solution(self) -> None:
        from .problems import solution_block

        if self._last_problem is None:
            self.out.print(Text(self._t("No finished calculation yet: its worked solution is shown once it is answered.",
                                        "还没有做完的计算题：作答后即可查看解答。"), style="dim"))
            return
        self.out.print(solution_block(self._last_problem, self.lang))

    def step_event(self, item: Item, ev: dict) -> None:
        """A step-by-step calculation: a step asked, a hint rung, a step graded, a step shown worked."""
        lang = self.lang
        e = ev["event"]
        if e == "step":
            self._step_mode = True
            name = render_inline(ev["name"].t(lang), {})
            self.out.print(Text(self._t(f"Step {ev['index']} of {ev['total']}: {name} = ?",
                                        f"第 {ev['index']} 步（共 {ev['total']} 步）：{name} = ?"), style="bold cyan"))
        elif e == "worked":
            self.out.print(Text(self._t(f"Step {ev['index']} of {ev['total']} (worked): ", f"第 {ev['index']} 步（已给出）："),
                                style="dim bold").append_text(Text(render_inline(ev["text"].t(lang), {}), style="dim")))
        elif e == "hint":
            self.out.print(Text(f"💡 {ev['level']}/4 " + render_inline(ev["text"].t(lang), {}), style="yellow"))
        elif e == "solution":
            if self._last_problem is not None:
                self.out.print(Text(self._t(f"Worked solution of the last calculation ({self._last_problem.id}):",
                                            f"上一道计算题（{self._last_problem.id}）的解答："), style="dim"))
                self._show_solution()
            else:
                self.out.print(Text(self._t("This calculation's worked solution is shown once you have answered it.",
                                            "本题解答在作答后显示。"), style="dim"))
        elif e == "graded":
            o = ev["outcome"]
            exp = _step_value_text(o.expected, ev.get("st"))
            if o.skipped:
                self.out.print(Text(self._t(f"Skipped. This step: {exp}", f"已跳过。本步：{exp}"), style="dim"))
            elif o.correct:
                self.out.print(Text("✓ " + self._t("Right.", "正确。"), style="bold green"))
            elif o.carried:
                names = ", ".join(render_inline(b.t(lang), {}) for b in ev.get("off_names") or [])
                # an earlier value can be off the exact one and still have been credited (carried itself)
                self.out.print(Text("✓ " + self._t(f"Right given your earlier values (what you gave for {names} differs from the exact value; "
                                                   "this step counts).",
                                                   f"按你前面的数值计算是对的（你给出的{names}与准确值不同；本步计分）。"), style="bold green"))
            else:
                line = Text("✗ " + self._t("Not quite. ", "不对。"), style="bold red")
                line.append(self._t("Expected: ", "应为：") + exp, style="bold")
                if ev.get("off_names"):
                    line.append(self._t(" (from your earlier numbers)", "（按你前面的数值）"))
                self.out.print(line)
                for fbk in ([ev["feedback"]] if ev.get("feedback") else []) + list(ev.get("also") or []):
                    self.out.print(Text("⚠ " + render_inline(fbk.t(lang), self.bank.math), style="yellow"))

    def hint(self, item: Item) -> None:
        self.out.print(Text("💡 " + render_inline(_hint_text(item, self.lang), {}), style="yellow"))

    def hint_rung(self, item: Item, level: int | None, total: int, text) -> None:
        """A rung of the item's hint ladder (level None: there are no more)."""
        head = f"💡 {level}/{total} " if level else "💡 "
        self.out.print(Text(head, style="yellow").append_text(Text(render_inline(text.t(self.lang), self.bank.math), style="yellow")))

    def invalid(self, item: Item, text: str, result: GradeResult) -> None:
        msg = result.message_zh if self.lang == "zh" else result.message_en
        self.out.print(Text("✗ " + msg + self._t("  Try again.", "  请重新输入。"), style="yellow"))

    def warn(self, en: str, zh: str) -> None:
        self.out.print(Text(self._t(en, zh), style="yellow"))

    def key_points(self, item: Item, text: str, found: list[bool]) -> str | None:
        q = item.question
        # as `explain` shows an exam question: the points a marker ticks, then one paragraph
        self.out.print(Text(self._t("Model answer: the points a marker ticks (✓ = terms found in your answer)",
                                    "参考答案：阅卷要点（✓ = 你的答案中出现了相关词）"), style="bold green"))
        points = Table.grid()  # a point that wraps goes on under its own text
        points.add_column(no_wrap=True)
        points.add_column(ratio=1)
        for i, (k, f) in enumerate(zip(q.key_points, found), 1):
            points.add_row(Text(f" {i}. ", style="bold").append("✓ " if f else "  ", style="green"), _tx(k.t(self.lang), self.bank))
        self.out.print(points)
        self.out.print(Text(self._t("In one paragraph", "连贯作答"), style="bold"))
        self.out.print(_tx(q.answer.t(self.lang), self.bank))
        prompt = self._t("Which did you have? (e.g. 1 3, all, none; Enter = the ✓ ones)", "你答到了哪些？（如 1 3、全部、无；回车 = 打 ✓ 的）")
        try:
            return read_line(self.out, f"[bold]{prompt}[/] › ", history="key_points")
        except EOFError:
            return None

    def feedback(self, item: Item, a: Answered, result: GradeResult | None) -> None:
        lang = self.lang
        if item.problem is not None:
            self._last_problem = item.problem
        if a.steps:
            self._step_mode = False
            self._step_feedback(item, a)
            return
        if a.correct is None:
            self.out.print(Text(self._t(f"Skipped. Answer: {expected_text(item, lang)}", f"已跳过。答案：{expected_text(item, lang)}"), style="dim"))
            if item.problem is not None:
                from .problems import solution_block

                self.out.print(solution_block(item.problem, lang))
            return
        kind = kinds.of(item)
        if kind.self_rated:
            style = "bold green" if a.correct else "bold yellow"
            rating_zh = {"again": "未掌握", "hard": "勉强", "good": "良好", "easy": "轻松"}.get(a.rating or "", a.rating)
            self.out.print(Text(self._t(f"Self-rated: {a.rating} ({a.expected} key points)", f"自评：{rating_zh}（要点 {a.expected}）"), style=style))
        elif a.correct and a.hints:
            self.out.print(Text("✓ " + self._t(f"Right, with {a.hints} hint{'s' if a.hints != 1 else ''} (score {a.score:.2g}).",
                                               f"正确，用了 {a.hints} 级提示（得分 {a.score:.2g}）。"), style="bold green"))
        elif a.correct:
            self.out.print(Text("✓ " + self._t("Right!", "正确！"), style="bold green"))
        else:
            line = Text("✗ " + self._t("Not quite. ", "不对。"), style="bold red")
            line.append(self._t("Expected: ", "正确答案："), style="bold")
            line.append(render_inline(expected_text(item, lang), self.bank.math))
            self.out.print(line)
            if result is not None:
                msg = result.message_zh if lang == "zh" else result.message_en
                if msg and msg.strip(" .。") not in ("Not correct", "不正确", "错误"):
                    msg = render_inline(msg, self.bank.math)
                    self.out.print(Text(("⚠ " if a.misconception else "") + msg, style="yellow" if a.misconception else ""))
        q = item.question
        options = kind.options(item)
        if options:
            chosen = kind.chosen(item, a.answer)
            right = kind.right_options(item)
            for i in sorted(chosen | right):
                o = options[i]
                if o.why and (i in chosen or not a.correct):
                    mark = "✓" if i in right else "✗"
                    self.out.print(Text(f" {LETTERS[i]} {mark} ", style="bold").append_text(_tx(o.why.t(lang), self.bank)))
        if q is not None:
            self.out.print(Text(self._t("Why: ", "解析：") , style="bold").append_text(_tx(q.explanation.t(lang), self.bank)))
        elif not a.correct:
            from .problems import solution_block

            self.out.print(solution_block(item.problem, lang))
        if not a.correct:
            pointers = "  ·  ".join(f"quizcli explain {c}" for c in item.concepts[:2])
            self.out.print(Text("→ " + pointers, style="dim"))

    def _step_feedback(self, item: Item, a: Answered) -> None:
        """The end of a step-by-step calculation: steps right, the score, the solution if anything was missed."""
        n = a.steps[0].get("of") or len(item.problem.gradable_steps)  # the steps asked (a faded example shows the others)
        right = sum(1 for st in a.steps if st.get("correct") or st.get("carried"))
        carried = sum(1 for st in a.steps if st.get("carried"))
        style = "bold green" if a.correct else "bold yellow"
        extra_en = f", {carried} carried forward" if carried else ""
        extra_zh = f"，其中 {carried} 步按前面的数值计分" if carried else ""
        hints_en = f", {a.hints} hint rung{'s' if a.hints != 1 else ''}" if a.hints else ""
        hints_zh = f"，用了 {a.hints} 级提示" if a.hints else ""
        self.out.print(Text(self._t(f"Steps right: {right} of {n}{extra_en}{hints_en} · score {a.score:.3g}",
                                    f"步骤正确：{right}/{n}{extra_zh}{hints_zh} · 得分 {a.score:.3g}"), style=style))
        if not a.correct:
            from .problems import solution_block

            self.out.print(solution_block(item.problem, self.lang))
            pointers = "  ·  ".join(f"quizcli explain {c}" for c in item.concepts[:2])
            self.out.print(Text("→ " + pointers, style="dim"))

    def summary(self, s: Summary) -> None:
        lang = self.lang
        graded = len(s.graded)
        head = Text(self._t(*self.title), style="bold")
        stop = {"quit": self._t("stopped by you", "已手动结束"), "eof": self._t("end of input", "输入结束"),
                "interrupt": self._t("interrupted (Ctrl-C) — answers so far are kept", "已中断（Ctrl-C）——已作答的题目均已保存"),
                "time": self._t("time is up", "时间到"), "end": ""}[s.stopped]
        score = Text(self._t(f"Score: {s.correct}/{graded}", f"得分：{s.correct}/{graded}"), style="bold green" if graded and s.correct == graded else "bold")
        minutes, secs = divmod(int(round(s.seconds)), 60)
        # answered = graded: a skipped item is counted once, as skipped
        info = Text(self._t(f"   answered {graded} of {s.total_items}, skipped {s.skipped}, time {minutes}:{secs:02d}",
                            f"   共 {s.total_items} 题，答 {graded} 题，跳过 {s.skipped} 题，用时 {minutes}:{secs:02d}"))
        score.append_text(info)
        parts: list[Any] = [head, score]
        stepped = [a for a in s.answered if a.steps]
        if stepped:
            share = sum(a.score or 0 for a in stepped) / len(stepped)
            parts.append(Text(self._t(f"Step-by-step: {len(stepped)} calculation{'s' if len(stepped) != 1 else ''}, share of steps right {share:.0%}",
                                      f"分步作答：{len(stepped)} 道计算题，步骤得分率 {share:.0%}")))
        missed = [a.item for a in s.answered if a.correct is False]
        if missed:
            parts.append(Text(self._t("Missed: ", "未答对：") + ", ".join(missed), style="dim"))
        skipped = [a.item for a in s.answered if a.correct is None]
        if skipped:
            parts.append(Text(self._t("Skipped: ", "跳过：") + ", ".join(skipped), style="dim"))
        if stop:
            parts.append(Text(stop, style="dim"))
        by = s.by_concept()
        if by:
            table = Table(show_header=True, header_style="bold cyan", box=None, padding=(0, 2))
            table.add_column(self._t("concept", "知识点"))
            table.add_column(self._t("right", "正确"), justify="right")
            for cid, (r, t) in sorted(by.items(), key=lambda kv: kv[1][0] / kv[1][1]):
                c = self.bank.concepts.get(cid)
                name = f"{cid}  {c.title.t(lang)}" if c else cid
                table.add_row(name, Text(f"{r}/{t}", style="green" if r == t else "red" if r == 0 else "yellow"))
            parts.append(table)
        nxt = s.explain_next()
        if nxt:
            parts.append(Text(self._t("Explain next:", "建议复习：") , style="bold"))
            for c in nxt:
                parts.append(Text(f"  quizcli explain {c}", style="cyan"))
        self.out.print()
        self.out.print(Panel(Group(*parts), border_style="green"))


class JsonUI:
    """One JSON object per line: item shown, answer graded, summary."""

    def __init__(self, lang: str, bank: Bank, stream=None):
        self.lang, self.bank = lang, bank
        self.stream = stream
        self._last_problem = None  # `w` during a step-by-step calculation: the last one's solution

    def _emit(self, obj: dict) -> None:
        out = self.stream or sys.stdout
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    def _readline(self) -> str | None:
        line = sys.stdin.readline()
        if line == "":
            return None
        return line.rstrip("\r\n")

    def show_item(self, item: Item, index: int, total: int) -> None:
        d = {"event": "item", "item": item.id, "kind": item.kind, "topic": item.topic, "concepts": list(item.concepts),
             "prompt": render_inline(item.prompt.t(self.lang), self.bank.math), "index": index, "total": total}
        d.update(kinds.of(item).extra_json(item, lambda b: render_inline(b.t(self.lang), self.bank.math)))
        self._emit(d)

    def ask(self, item: Item) -> str | None:
        return self._readline()

    def hint(self, item: Item) -> None:
        self._emit({"event": "hint", "item": item.id, "hint": _hint_text(item, self.lang)})

    def hint_rung(self, item: Item, level: int | None, total: int, text) -> None:
        self._emit({"event": "hint", "item": item.id, "level": level, "of": total,
                    "hint": render_inline(text.t(self.lang), self.bank.math)})

    def invalid(self, item: Item, text: str, result: GradeResult) -> None:
        self._emit({"event": "invalid", "item": item.id, "answer": text,
                    "message": result.message_zh if self.lang == "zh" else result.message_en})

    def warn(self, en: str, zh: str) -> None:
        self._emit({"event": "warning", "message": zh if self.lang == "zh" else en})

    def key_points(self, item: Item, text: str, found: list[bool]) -> str | None:
        q = item.question
        self._emit({"event": "key_points", "item": item.id, "model_answer": q.answer.t(self.lang),
                    "key_points": [k.t(self.lang) for k in q.key_points], "found": found})
        return self._readline()

    def step_event(self, item: Item, ev: dict) -> None:
        lang = self.lang

        def tx(b):
            return render_inline(b.t(lang), self.bank.math)

        e = ev["event"]
        if e == "step":
            name = tx(ev["name"])
            prompt = (Bilingual(f"Step {ev['index']} of {ev['total']}: {name} = ?", f"第 {ev['index']} 步（共 {ev['total']} 步）：{name} = ?").t(lang))
            self._emit({"event": "step", "item": item.id, "index": ev["index"], "total": ev["total"], "id": ev["step"].id,
                        "name": name, "prompt": prompt})
        elif e == "worked":
            self._emit({"event": "worked", "item": item.id, "index": ev["index"], "name": tx(ev["name"]), "text": tx(ev["text"])})
        elif e == "hint":
            self._emit({"event": "hint", "item": item.id, "step": ev["step"], "level": ev["level"], "text": tx(ev["text"])})
        elif e == "solution":
            last = self._last_problem
            self._emit({"event": "solution", "item": last.id if last else None, "available": last is not None,
                        "steps": [render_inline(s.t(lang), self.bank.math) for s in last.steps] if last else [],
                        "answer": last.answer_text if last else None})
        elif e == "graded":
            from ..core.problem import to_jsonable

            o = ev["outcome"]
            fbs = ([ev["feedback"]] if ev.get("feedback") else []) + list(ev.get("also") or [])
            self._emit({"event": "graded", "item": item.id, "step": o.index, "answer": o.answer, "correct": o.correct,
                        "carried": o.carried, "skipped": o.skipped, "expected": to_jsonable(o.expected),
                        "exact": to_jsonable(o.exact), "misconception": o.misconception,
                        "misconceptions": list(o.misconceptions), "off": list(o.off), "hints": o.hints,
                        "credit": round(o.credit, 4), "feedback": " ".join(tx(b) for b in fbs)})

    def feedback(self, item: Item, a: Answered, result: GradeResult | None) -> None:
        if item.problem is not None:
            self._last_problem = item.problem
        if a.steps:
            self._emit({"event": "item_graded", "item": item.id, "correct": a.correct, "score": a.score, "rating": a.rating,
                        "hints": a.hints, "steps": list(a.steps), "expected": expected_text(item, self.lang),
                        "solution": [render_inline(s.t(self.lang), self.bank.math) for s in item.problem.steps],
                        "seconds": a.seconds})
            return
        if item.question is not None:
            fb = item.question.explanation.t(self.lang)
        else:
            fb = " ".join(s.t(self.lang) for s in item.problem.steps)
        fb = render_inline(fb, self.bank.math)
        if result is not None and (result.message_en or result.message_zh) and not a.correct:
            fb = (result.message_zh if self.lang == "zh" else result.message_en) + " " + fb
        self._emit({"event": "graded", "item": item.id, "answer": a.answer, "correct": a.correct, "rating": a.rating,
                    "expected": expected_text(item, self.lang), "misconception": a.misconception, "feedback": fb,
                    "seconds": a.seconds, "hints": a.hints, "score": a.score})

    def summary(self, s: Summary) -> None:
        d = s.to_dict()
        scored = [a.score for a in s.answered if a.score is not None]
        d["score"] = round(sum(scored) / len(scored), 4) if scored else None
        d["missed"] = [a.item for a in s.answered if a.correct is not True]
        d["hints"] = sum(a.hints for a in s.answered)
        self._emit({"event": "summary", **d})
