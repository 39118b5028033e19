"""`review`, `stats` and `progress export/import/reset`: what the student has learnt."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import BankOpt, JsonOpt, LangOpt, console, fail, get_bank, home_dir, lang

progress_app = typer.Typer(help="Move or reset your progress: export, import, reset.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("review", help="Spaced review: the items that are due now, most overdue first.")(review)
    app.command("stats", help="Progress: mastery per topic, accuracy over time, weakest concepts, streak.")(stats)
    app.add_typer(progress_app, name="progress")


def _store_or_exit(lg: str):
    from ..progress.store import Store, StoreError, store_path

    try:
        store = Store(store_path(home_dir()))
    except StoreError as e:
        raise fail(e.zh if lg == "zh" else e.en)
    for en, zh in store.notices:
        console(stderr=True).print(zh if lg == "zh" else en, style="yellow", markup=False)
    return store


def review(
    n: Annotated[int, typer.Option("-n", "--number", help="At most this many items.", min=1)] = 20,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Ask the items whose review is due (FSRS schedule), most overdue first. A generator
    family comes back as a fresh variant of the same kind of problem. Nothing due: says
    when the next review is."""
    from datetime import datetime

    from ..render.drill_ui import JsonUI, RichUI
    from ..study.drill import run_drill
    from ..study.review import due_items

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    store = _store_or_exit(lg)
    items = due_items(b, store, n)
    if not items:
        nxt = store.next_due()
        if json_out:
            from ..render.jsonout import emit

            emit({"event": "nothing_due", "next_due": nxt.isoformat() if nxt else None})
            return
        if nxt is None:
            msg = ("No progress yet: start with quizcli drill TOPIC (see quizcli topics)."
                   if lg == "en" else "还没有学习记录：先用 quizcli drill 主题 练习（见 quizcli topics）。")
        else:
            local = nxt.astimezone()
            hours = max(0.0, (nxt - datetime.now(nxt.tzinfo)).total_seconds() / 3600)
            msg = (f"Nothing is due. Next review: {local:%Y-%m-%d %H:%M} (in {hours:.1f} h)."
                   if lg == "en" else f"目前没有到期的复习。下一次复习：{local:%Y-%m-%d %H:%M}（{hours:.1f} 小时后）。")
        console().print(msg, markup=False)
        return
    ui = JsonUI(lg, b) if json_out else RichUI(console(), lg, b)
    from ..progress.store import StoreRecorder

    from .study import _start_symbolic_warmup

    _start_symbolic_warmup(items)
    run_drill(items, ui, StoreRecorder(store), mode="review")


def stats(json_out: JsonOpt = False, lang_opt: LangOpt = None, bank: BankOpt = None) -> None:
    """Mastery per topic (a bar each), accuracy over the last 14 days, the 10 weakest
    concepts, the mistakes made most often, and the streak of study days."""
    from ..study.stats import compute

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    store = _store_or_exit(lg)
    rows = [dict(r) for r in store.answers()]
    data = compute(rows, topics=list(b.topics), concept_topics={c.id: c.topic for c in b.concepts.values()})
    if json_out:
        from ..render.jsonout import emit

        emit(data)
        return
    if not rows:
        console().print("Nothing yet: answer a few items with quizcli drill TOPIC, then come back."
                        if lg == "en" else "还没有记录：先用 quizcli drill 主题 做几道题再来看。", markup=False)
        return
    from ..render.stats import stats_view

    console().print(stats_view(data, b, lg))


@progress_app.command("export")
def progress_export(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON lines ('-' for standard output).")],
    lang_opt: LangOpt = None,
) -> None:
    """Write every answer as JSON lines, to move your progress to another machine."""
    lg = lang(lang_opt)
    store = _store_or_exit(lg)
    lines = list(store.export_lines())
    if str(file) == "-":
        sys.stdout.write("".join(line + "\n" for line in lines))
        return
    file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    console().print(f"{len(lines)} answers written to {file}." if lg == "en" else f"已将 {len(lines)} 条作答写入 {file}。", markup=False)


@progress_app.command("import")
def progress_import(
    file: Annotated[Path, typer.Argument(help="A file written by quizcli progress export.")],
    lang_opt: LangOpt = None,
) -> None:
    """Add the answers of an export to this machine's progress (answers already here are
    skipped; the review schedule is rebuilt from them)."""
    from ..progress.store import StoreError

    lg = lang(lang_opt)
    if not file.is_file():
        raise fail(f"No file {file}." if lg == "en" else f"找不到文件 {file}。")
    store = _store_or_exit(lg)
    try:
        with file.open(encoding="utf-8") as f:
            added = store.import_lines(f)
    except StoreError as e:
        raise fail(f"{file}: " + (e.zh if lg == "zh" else e.en))
    console().print(f"{added} answers imported." if lg == "en" else f"已导入 {added} 条作答。", markup=False)


@progress_app.command("reset")
def progress_reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    lang_opt: LangOpt = None,
) -> None:
    """Delete all progress (asks first; export it before if you may want it back)."""
    lg = lang(lang_opt)
    store = _store_or_exit(lg)
    n = store.count()
    if not yes:
        q = (f"Delete all {n} recorded answers and the review schedule? Type yes to confirm"
             if lg == "en" else f"删除全部 {n} 条作答记录和复习计划？输入 yes 确认")
        try:
            ok = input(q + ": ").strip().lower() in ("yes", "y", "是")
        except EOFError:
            ok = False
        if not ok:
            console().print("Nothing deleted." if lg == "en" else "未删除任何内容。", markup=False)
            raise typer.Exit(1)
    store.reset()
    console().print(f"Deleted {n} answers." if lg == "en" else f"已删除 {n} 条作答。", markup=False)
