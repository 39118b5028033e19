"""`plan` and `today`: study to an exam date."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import BankOpt, JsonOpt, LangOpt, console, fail, get_bank, home_dir, lang
from ..core.models import Bilingual

TodayOpt = Annotated[Optional[str], typer.Option("--today", help="Plan as if today were this date (YYYY-MM-DD).", show_default=False)]


def register(app: typer.Typer) -> None:
    app.command("plan", help="Study to a date: a day-by-day plan to the exam (reviews, weak concepts, practice, two mocks). "
                "Practice is interleaved (problem types mixed): it feels harder and works better, because choosing the method is what the exam asks.")(plan)
    app.command("today", help="Today's part of the saved study plan (short for quizcli plan).")(today)


def _date(value: str, opt: str, lg: str):
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise fail(Bilingual(f"{opt} wants a date as YYYY-MM-DD, for example 2027-01-15 (got '{value}').",
                             f"{opt} 需要 YYYY-MM-DD 格式的日期，例如 2027-01-15（收到“{value}”）。").t(lg))


def _settings_path() -> Path:
    from ..progress.store import store_path

    return store_path(home_dir()).parent / "plan.json"


def plan(
    exam: Annotated[Optional[str], typer.Option("--exam", help="The exam date, YYYY-MM-DD: makes (and saves) a new plan.", show_default=False)] = None,
    minutes: Annotated[Optional[int], typer.Option("--minutes", "-m", help="Minutes a day (default 40, "
                                                                           "or the saved plan's).", min=5, max=600, show_default=False)] = None,
    topics: Annotated[Optional[List[str]], typer.Option("--topics", "-t", help="Only these topics (repeatable; default all).", show_default=False)] = None,
    mock_minutes: Annotated[Optional[int], typer.Option("--mock-minutes", help="Minutes of each mock exam (default: that day's minutes; more makes the day "
                                                                               "run over, and the plan says so).", min=5, max=600, show_default=False)] = None,
    today_opt: TodayOpt = None,
    ics: Annotated[Optional[Path], typer.Option("--ics", help="Also write the plan as a calendar file (.ics) for a calendar app.", show_default=False)] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every day of the saved plan, not only today.")] = False,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """A plan from today to the day before the exam, within your daily minutes: which due
    reviews, which weak or new concepts (weakest and least-seen first), which calculation
    families to practise, and two mock exams (the last 3 days before the exam, not the night
    before); the target retention rises as the date nears, and the last day is a light
    review. Leeches go to explain, a worked example, then a fresh variant. The plan is
    recomputed every day from what you actually did: a missed day moves work forward.
    Interleaved practice (topics and problem types mixed) feels harder and works better:
    telling similar problems apart is what the exam asks.

    With no option: today's part of the saved plan (same as quizcli today).

    Examples:
      quizcli plan --exam 2027-01-15 --minutes 40
      quizcli plan --exam 2027-01-15 --topics cnn --topics rnn --ics plan.ics
      quizcli today
    """
    _run(exam, minutes, topics, mock_minutes, today_opt, ics, show_all, json_out, lang_opt, bank)


def today(today_opt: TodayOpt = None, json_out: JsonOpt = False, lang_opt: LangOpt = None, bank: BankOpt = None) -> None:
    """Today's part of the saved plan (make one first with quizcli plan --exam DATE)."""
    _run(None, None, None, None, today_opt, None, False, json_out, lang_opt, bank)


def _run(exam, minutes, topics, mock_minutes, today_opt, ics, show_all, json_out, lang_opt, bank) -> None:
    from datetime import date

    from ..bank.search import resolve_topic
    from ..study.plan import PlanError, load_settings, plan_from_store, save_settings, to_ics

    lg = lang(lang_opt)
    today_d = _date(today_opt, "--today", lg) if today_opt else date.today()
    path = _settings_path()
    b = get_bank(bank, lg)
    new = exam is not None
    if new:
        exam_d = _date(exam, "--exam", lg)
        chosen = []
        for t in topics or []:
            tid = resolve_topic(b, t)
            if tid is None:
                raise fail(Bilingual(f"No topic '{t}'. See quizcli topics.", f"没有“{t}”这个主题。可运行 quizcli topics 查看。").t(lg))
            if tid not in chosen:
                chosen.append(tid)
        settings = {"exam": exam_d.isoformat(), "minutes": minutes or 40, "topics": chosen or list(b.topics),
                    "mock_minutes": mock_minutes, "created": today_d.isoformat()}
    else:
        try:
            settings = load_settings(path)
        except PlanError as e:
            raise fail(e.zh if lg == "zh" else e.en)
        if settings is None:
            raise fail(Bilingual("No plan yet: make one with quizcli plan --exam YYYY-MM-DD [--minutes 40].",
                                 "还没有学习计划：先用 quizcli plan --exam YYYY-MM-DD [--minutes 40] 制定一个。").t(lg))
        if topics:
            raise fail(Bilingual("--topics changes a plan: give --exam too.", "--topics 会改变计划：请同时给出 --exam。").t(lg))
        if minutes or mock_minutes:
            settings = {**settings, "minutes": minutes or settings["minutes"], "mock_minutes": mock_minutes or settings.get("mock_minutes")}
            new = True
        exam_d = date.fromisoformat(settings["exam"])
        settings["topics"] = [t for t in settings["topics"] if t in b.topics] or list(b.topics)
    if exam_d <= today_d:
        raise fail(Bilingual(f"The exam date {exam_d} is not after today ({today_d}): nothing left to plan. Good luck!",
                             f"考试日期 {exam_d} 不在今天（{today_d}）之后，没有可安排的日子了。祝考试顺利！").t(lg))

    from .common import open_store

    store = open_store(lg)
    try:
        created = date.fromisoformat(settings.get("created") or today_d.isoformat())
    except ValueError:
        created = today_d
    try:
        p = plan_from_store(b, store, exam_d, today_d, int(settings["minutes"]), settings["topics"],
                            mock_minutes=settings.get("mock_minutes"), since=created)
    except PlanError as e:
        raise fail(e.zh if lg == "zh" else e.en)
    if new:
        try:
            save_settings(path, settings)
        except OSError as e:
            from ..progress.store import os_reason

            en, zh = os_reason(e)
            console(stderr=True).print(Bilingual(f"The plan could not be saved "
                                                 f"({en}); it is shown "
                                                 f"but not kept.", f"计划未能保存（{zh}）；仅显示，不保留。").t(lg), style="yellow", markup=False)
    if ics is not None:
        try:
            ics.write_text(to_ics(p, lg), encoding="utf-8", newline="")
        except OSError as e:
            from ..progress.store import os_reason

            en, zh = os_reason(e)
            raise fail(Bilingual(f"Cannot write {ics} ({en}).", f"无法写入 {ics}（{zh}）。").t(lg))
    if json_out:
        from ..render.jsonout import emit

        emit(p)
        return
    from ..render.plan import plan_view, today_view

    view = plan_view(p, b, lg) if (new or show_all) else today_view(p, b, lg)
    console().print(view)
    if ics is not None:
        console().print(Bilingual(f"Calendar written to {ics}.", f"日历已写入 {ics}。").t(lg), markup=False)
