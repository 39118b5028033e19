"""`exam`: the timed mock final."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import BankOpt, JsonOpt, LangOpt, console, fail, get_bank, lang


def register(app: typer.Typer) -> None:
    app.command("exam", help="The night before: a timed mock exam over all topics, then a report and tonight's plan.")(exam)


def exam(
    minutes: Annotated[float, typer.Option("--minutes", "-m", help="Time allowed; when it runs out, the item being answered is the last.", min=0.1)] = 60,
    n: Annotated[int, typer.Option("-n", "--number", help="Number of items on the paper.", min=3, max=200)] = 25,
    topics: Annotated[Optional[List[str]], typer.Option("--topics", "-t", help="Limit to these topics (repeatable; default all).", show_default=False)] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Same seed, same paper.", show_default=False)] = None,
    paper: Annotated[Optional[Path], typer.Option("--paper", help="Also write the paper and its answer key as Markdown to this file.", show_default=False)] = None,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """A mock final paper in sections (选择/判断 2 points each, 简答 6, 计算 8), weighted
    toward your weak and unseen concepts while covering every topic. Answers are not shown
    until the end; then: scores per section and topic, every missed item with its solution,
    and tonight's plan (explain and drill commands, weakest first). Exam answers update your
    review schedule too. Within a section the items are interleaved (no two of one family or
    concept in a row): harder to sit, better for remembering.

    Examples:
      quizcli exam
      quizcli exam --minutes 30 -n 15 --topics cnn --topics rnn
      quizcli exam --seed 1 --paper mock1.md
    """
    from ..bank.search import resolve_topic
    from ..study.exam import prepare_exam, take_exam

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    chosen_topics = []
    for t in topics or []:
        tid = resolve_topic(b, t)
        if tid is None:
            raise fail(f"No topic '{t}'. See quizcli topics." if lg == "en" else f"没有“{t}”这个主题。可运行 quizcli topics 查看。")
        chosen_topics.append(tid)
    chosen_topics = chosen_topics or list(b.topics)

    from .study import _recorder, _start_symbolic_warmup

    recorder = _recorder(lg)
    store = getattr(recorder, "store", None)
    history = [dict(r) for r in store.answers()] if store is not None else []
    items, weights = prepare_exam(b, chosen_topics, n, seed, history)
    if not items:
        raise fail("No questions for those topics yet." if lg == "en" else "这些主题还没有题目。")
    if paper is not None:
        from ..render.exam import paper_markdown

        cmd = "quizcli exam" + (f" --seed {seed}" if seed is not None else "") + f" -n {n}" + "".join(f" --topics {t}" for t in (topics or []))
        title = "Mock exam — Neural Networks and Deep Learning" if lg == "en" else "模拟考试 —— 神经网络与深度学习"
        paper.write_text(paper_markdown(items, b, lg, title, cmd), encoding="utf-8")
    _start_symbolic_warmup(items)

    from ..render.exam import ExamJsonUI, ExamUI, report_view

    ui = ExamJsonUI(lg, b) if json_out else ExamUI(console(), lg, b, None)
    if not json_out:
        console().print(("Mock exam: {n} items, {m:g} minutes. Answers are shown at the end. q ends the exam."
                         if lg == "en" else "模拟考试：{n} 题，{m:g} 分钟。答案在最后统一给出。输入 q 交卷。").format(n=len(items), m=minutes))
    rep = take_exam(items, ui, recorder, minutes, weights)
    if json_out:
        from ..render.jsonout import emit

        emit({"event": "report", **rep})
        return
    console().print(report_view(rep, items, b, lg))
