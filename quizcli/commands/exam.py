"""`exam`: the timed mock final."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import BankOpt, JsonOpt, LangOpt, console, fail, get_bank, lang
from ..core.models import Bilingual


def register(app: typer.Typer) -> None:
    app.command("exam", help="A timed mock exam over all topics, interleaved like a real paper, "
                             "then a report and tonight's plan; Ctrl-C pauses (exam --resume).")(exam)


def exam(
    minutes: Annotated[float, typer.Option("--minutes", "-m", help="Time allowed (0.1 to 600 minutes); when it runs "
                                                                   "out, the item being answered is the last.", min=0.1, max=600)] = 60,
    n: Annotated[int, typer.Option("-n", "--number", help="Number of items on the paper.", min=3, max=200)] = 25,
    topics: Annotated[Optional[List[str]], typer.Option("--topics", "-t", help="Limit to these topics (repeatable; default all).", show_default=False)] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Same seed, same paper.", show_default=False)] = None,
    paper: Annotated[Optional[Path], typer.Option("--paper", help="Also write the paper and its answer "
                                                                  "key as Markdown to this file.", show_default=False)] = None,
    feedback: Annotated[str, typer.Option("--feedback", help="end (answers and marks in the report, like a real paper) or now (after each item).")] = "end",
    resume: Annotated[bool, typer.Option("--resume", help="Go on with the paused exam: same paper, the time left kept.")] = False,
    confidence: Annotated[Optional[bool], typer.Option("--confidence/--no-confidence", help="Say how sure you are (1 sure, 2 unsure, 3 guess) for each item; "
                                                                                            "or add it to the answer: 55 !1 "
                                                                                            "(default: QUIZCLI_CONFIDENCE).", show_default=False)] = None,
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
      quizcli exam --resume

    Ctrl-C asks whether to hand in, pause (quizcli exam --resume goes on with the same paper
    and the time left) or discard the paper; every answer given is kept either way.
    """
    from ..bank.search import resolve_topic
    from ..study.exam import prepare_exam, resume_state, sit_exam

    lg = lang(lang_opt)
    if minutes != minutes:  # NaN passes every range check
        raise fail(Bilingual("--minutes must be a number of minutes, not nan.", "--minutes 必须是分钟数，不能是 nan。").t(lg), 2)
    if feedback not in ("end", "now"):
        raise fail(Bilingual("--feedback must be end or now.", "--feedback 只能是 end 或 now。").t(lg))
    b = get_bank(bank, lg)
    from .common import open_recorder, start_symbolic_warmup

    pause_file = _pause_path()
    done = []
    if resume:
        state = _load_paused(pause_file, lg)
        try:
            items, done, left, weights = resume_state(b, state)
        except ValueError as e:
            raise fail(Bilingual(f"The paused exam {pause_file} cannot be read ({e}); start a new one with quizcli exam.",
                                 f"无法读取暂停的考试 {pause_file}（{e}）；请用 quizcli exam 重新开始。").t(lg))
        minutes = max(0.1, left / 60)
        chosen_topics = list(state.get("topics") or b.topics)
        recorder = open_recorder(lg)
    else:
        chosen_topics = []
        for t in topics or []:
            tid = resolve_topic(b, t)
            if tid is None:
                raise fail(Bilingual(f"No topic '{t}'. See quizcli topics.", f"没有“{t}”这个主题。可运行 quizcli topics 查看。").t(lg))
            chosen_topics.append(tid)
        chosen_topics = chosen_topics or list(b.topics)
        recorder = open_recorder(lg)
        store = getattr(recorder, "store", None)
        history = [dict(r) for r in store.answers()] if store is not None else []
        items, weights = prepare_exam(b, chosen_topics, n, seed, history)
        if not items:
            raise fail(Bilingual("No questions for those topics yet.", "这些主题还没有题目。").t(lg))
    if paper is not None:
        from ..render.exam import paper_markdown

        cmd = "quizcli exam" + (f" --seed {seed}" if seed is not None else "") + f" -n {n}" + "".join(f" --topics {t}" for t in (topics or []))
        title = Bilingual("Mock exam — Neural Networks and Deep Learning", "模拟考试 —— 神经网络与深度学习").t(lg)
        paper.write_text(paper_markdown(items, b, lg, title, cmd), encoding="utf-8")
    start_symbolic_warmup(items)

    from ..render.exam import ExamJsonUI, ExamUI, report_view

    ui = ExamJsonUI(lg, b, feedback=feedback) if json_out else ExamUI(console(), lg, b, None, feedback=feedback)
    from ..render.confidence import add_confidence, default_on

    confident = default_on() if confidence is None else confidence
    if confident:
        add_confidence(ui)
    if not json_out:
        left_items = len(items) - len(done)
        if resume:
            msg = (Bilingual("Resuming the mock exam: {k} of {n} items left, {m:.1f} minutes. q hands in.",
                             "继续模拟考试：{n} 题中还剩 {k} 题，{m:.1f} 分钟。输入 q 交卷。").t(lg))
        elif feedback == "end":
            msg = (Bilingual("Mock exam: {n} items, {m:g} minutes. Answers are shown at the end. q ends the exam.",
                             "模拟考试：{n} 题，{m:g} 分钟。答案在最后统一给出。输入 q 交卷。").t(lg))
        else:
            msg = (Bilingual("Mock exam: {n} items, {m:g} minutes, feedback after each item. q ends the exam.",
                             "模拟考试：{n} 题，{m:g} 分钟，每题之后给出反馈。输入 q 交卷。").t(lg))
        console().print(msg.format(n=len(items), k=left_items, m=minutes), markup=False)
    rep, answers = sit_exam(items, ui, recorder, minutes, weights, done, confidence=confident)
    if rep.stopped == "interrupt" and not json_out:
        choice = _ask_after_interrupt(lg)
        if choice == "pause":
            from ..study.exam import paused_state
            from ..study.plan import save_settings

            try:
                save_settings(pause_file, paused_state(items, answers, rep.seconds_left, weights, chosen_topics))
            except OSError as e:
                from ..progress.store import os_reason

                en, zh = os_reason(e)
                console().print(Bilingual(f"The exam could not be paused "
                                          f"({en}); here is the report.", f"无法暂停考试（{zh}）；以下是成绩报告。").t(lg), markup=False)
            else:
                m = rep.seconds_left / 60
                console().print(Bilingual(f"Paused: {len(answers)} of {len(items)} answered, {m:.1f} minutes left. "
                                          "Go on with: quizcli exam --resume",
                                          f"已暂停：{len(items)} 题已答 {len(answers)} 题，剩余 {m:.1f} 分钟。"
                                          "继续：quizcli exam --resume").t(lg), markup=False)
                return
        elif choice == "discard":
            _remove(pause_file)
            console().print((Bilingual(f"Paper discarded. Your {len(answers)} answers are kept in your progress.",
                                       f"试卷已放弃。你的 {len(answers)} 条作答已保存在学习记录中。").t(lg)), markup=False)
            return
    _remove(pause_file) if resume else None
    if json_out:
        from ..render.jsonout import emit

        emit({"event": "report", **rep.to_dict(with_time_left=False)})
        return
    console().print(report_view(rep, items, b, lg))


def _pause_path() -> Path:
    from ..progress.store import store_path
    from .common import home_dir

    return store_path(home_dir()).parent / "exam_paused.json"


def _load_paused(path: Path, lg: str) -> dict:
    import json

    if not path.exists():
        raise fail(Bilingual("No paused exam. Start one with quizcli exam.", "没有暂停的考试。用 quizcli exam 开始一场。").t(lg))
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            raise ValueError("not an object")
        return state
    except (OSError, ValueError) as e:
        raise fail(Bilingual(f"The paused exam {path} cannot be read ({e}); start a new one with quizcli exam.",
                             f"无法读取暂停的考试 {path}（{e}）；请用 quizcli exam 重新开始。").t(lg))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _ask_after_interrupt(lg: str) -> str:
    """hand_in, pause or discard: asked after Ctrl-C (end of input hands in; a second Ctrl-C pauses)."""
    console().print()
    q = (Bilingual("Ctrl-C: hand in now (h), pause and go on later with quizcli exam --resume (p), or discard the paper (d)? ",
                   "Ctrl-C：立即交卷（h），暂停、之后用 quizcli exam --resume 继续（p），还是放弃本卷（d）？").t(lg))
    words = {"h": "hand_in", "hand in": "hand_in", "交卷": "hand_in", "p": "pause", "pause": "pause", "暂停": "pause",
             "d": "discard", "discard": "discard", "放弃": "discard"}
    for _ in range(5):
        try:
            from rich.markup import escape

            from ..render.lineedit import read_line

            ans = read_line(console(), escape(q), history="exam_interrupt").strip().lower()
        except EOFError:
            return "hand_in"
        except KeyboardInterrupt:
            return "pause"
        if ans in words:
            return words[ans]
    return "pause"
