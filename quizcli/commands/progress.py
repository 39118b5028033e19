"""`review`, `stats` and `progress export/import/reset`: what the student has learnt."""

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import BankOpt, JsonOpt, LangOpt, console, fail, get_bank, home_dir, lang, open_store
from ..core.models import Bilingual

progress_app = typer.Typer(help="Move or reset your progress: export, import, reset.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("review", help="Spaced review: the items that are due now, most overdue first, "
                               "interleaved (mixed problem types feel harder and work better).")(review)
    app.command("stats", help="Progress: mastery per topic, accuracy over time, weakest concepts, streak.")(stats)
    app.add_typer(progress_app, name="progress")


def review(
    n: Annotated[int, typer.Option("-n", "--number", help="At most this many items.", min=1)] = 20,
    confidence: Annotated[Optional[bool], typer.Option("--confidence/--no-confidence", help="Say how sure you are (1 sure, 2 unsure, 3 guess) before each "
                                                                                            "result; or add it to the answer: 55 "
                                                                                            "!1 (default: QUIZCLI_CONFIDENCE).", show_default=False)] = None,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Ask the items whose review is due (FSRS schedule), most overdue first. A generator
    family comes back as a fresh variant of the same kind of problem. Nothing due: says
    when the next review is. Items are interleaved (never two of one kind of problem in a
    row): that feels harder and works better, because choosing the method is practised too."""
    from datetime import datetime

    from ..render.drill_ui import JsonUI, RichUI
    from ..study.drill import run_drill
    from ..study.review import due_items

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    store = open_store(lg)
    items = due_items(b, store, n)
    if not items:
        nxt = store.next_due()
        if json_out:
            from ..render.jsonout import emit

            emit({"event": "nothing_due", "next_due": nxt.isoformat() if nxt else None})
            return
        if nxt is None:
            msg = (Bilingual("No progress yet: start with quizcli drill TOPIC (see quizcli topics).",
                             "还没有学习记录：先用 quizcli drill 主题 练习（见 quizcli topics）。").t(lg))
        else:
            local = nxt.astimezone()
            wait = _wait_text((nxt - datetime.now(nxt.tzinfo)).total_seconds(), lg)
            msg = (Bilingual(f"Nothing is due. Next review: {local:%Y-%m-%d %H:%M} ({wait}).",
                             f"目前没有到期的复习。下一次复习：{local:%Y-%m-%d %H:%M}（{wait}）。").t(lg))
        console().print(msg, markup=False)
        return
    ui = JsonUI(lg, b) if json_out else RichUI(console(), lg, b, title=("Review summary", "复习小结"))
    from ..progress.store import StoreRecorder
    from ..render.confidence import add_confidence, default_on

    from .common import start_symbolic_warmup

    confident = default_on() if confidence is None else confidence
    if confident:
        add_confidence(ui)
    start_symbolic_warmup(items)
    from ..study.steps import StepMode, history_from_store

    # calculations come back as faded worked examples, from the student's own history
    run_drill(items, ui, StoreRecorder(store), mode="review", confidence=confident,
              steps=StepMode("backward", history_from_store(store)))


def _wait_text(seconds: float, lg: str) -> str:
    """How long until then, in the unit a student reads at a glance: "in 3 min", not "in 0.0 h"."""
    minutes = seconds / 60
    if minutes < 1:
        return Bilingual("in under a minute", "不到 1 分钟后").t(lg)
    if minutes < 60:
        return Bilingual(f"in {minutes:.0f} min", f"{minutes:.0f} 分钟后").t(lg)
    hours = minutes / 60
    if hours < 36:
        return Bilingual(f"in {hours:.1f} h", f"{hours:.1f} 小时后").t(lg)
    days = hours / 24
    return Bilingual(f"in {days:.0f} days", f"{days:.0f} 天后").t(lg)


def stats(json_out: JsonOpt = False, lang_opt: LangOpt = None, bank: BankOpt = None) -> None:
    """Mastery per topic (a bar each), accuracy over the last 14 days, the 10 weakest
    concepts, the mistakes made most often, and the streak of study days."""
    from ..study.stats import compute

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    store = open_store(lg)
    rows = [dict(r) for r in store.answers()]
    data = compute(rows, topics=list(b.topics), concept_topics={c.id: c.topic for c in b.concepts.values()})
    if json_out:
        from ..render.jsonout import emit

        emit(data.to_dict())
        return
    if not rows:
        console().print(Bilingual("Nothing yet: answer a few items with quizcli drill TOPIC, then come back.",
                                  "还没有记录：先用 quizcli drill 主题 做几道题再来看。").t(lg), markup=False)
        return
    from ..render.stats import stats_view

    console().print(stats_view(data, b, lg))


def _say(lg: str, en: str, zh: str) -> str:
    return zh if lg == "zh" else en


def _export_target_problem(file: Path, store_file: Path, lg: str) -> str | None:
    """Why `file` cannot take an export (before anything is written), or None."""
    if file.is_dir():
        return _say(lg, f"Cannot write {file}: it is a folder. Give a file name, for example {file / 'progress.jsonl'}.",
                    f"无法写入 {file}：这是一个文件夹。请给出文件名，例如 {file / 'progress.jsonl'}。")
    parent = file.parent
    if not parent.exists():
        return _say(lg, f"Cannot write {file}: the folder {parent} does not exist. Nothing was exported.",
                    f"无法写入 {file}：文件夹 {parent} 不存在。未导出任何内容。")
    if not parent.is_dir():
        return _say(lg, f"Cannot write {file}: {parent} is not a folder. Nothing was exported.",
                    f"无法写入 {file}：{parent} 不是文件夹。未导出任何内容。")
    real = Path(os.path.realpath(file))
    store_real = os.path.realpath(store_file)
    if any(str(real) == store_real + sfx for sfx in ("", "-wal", "-shm", "-journal")):
        return _say(lg, f"{file} is the progress file itself; choose another name for the export.",
                    f"{file} 就是进度文件本身；请为导出文件另取一个名字。")
    return None


def _write_export(file: Path, data: bytes) -> None:
    """Write `data` to `file` whole or not at all: a regular file (or a new one) through a
    temporary file in the same folder and a rename, so a failed export leaves any earlier
    file as it was; a device or pipe (e.g. /dev/stdout) directly. Raises OSError."""
    real = Path(os.path.realpath(file))
    if real.exists() and not real.is_file():
        with open(real, "wb") as f:
            f.write(data)
        return
    import stat
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if real.exists():
            mode = stat.S_IMODE(real.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _discard_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null so the interpreter's
    final flush does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


@progress_app.command("export")
def progress_export(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON lines ('-' for standard output).")],
    lang_opt: LangOpt = None,
) -> None:
    """Write every answer as JSON lines, to move your progress to another machine."""
    from ..progress.store import os_reason

    lg = lang(lang_opt)
    to_stdout = str(file) == "-"
    if not to_stdout:
        from ..progress.store import store_path

        problem = _export_target_problem(file, store_path(home_dir()), lg)
        if problem:
            raise fail(problem)
    store = open_store(lg)
    lines = list(store.export_lines())
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    try:
        if to_stdout:
            sys.stdout.flush()
            out = sys.stdout.buffer
            out.write(data)
            out.flush()
            return
        _write_export(file, data)
    except BrokenPipeError:
        raise
    except OSError as e:
        en, zh = os_reason(e)
        if to_stdout:
            _discard_stdout()
            raise fail(_say(lg, f"Cannot write to standard output ({en}). Nothing was exported.",
                            f"无法写入标准输出（{zh}）。未导出任何内容。"))
        raise fail(_say(lg, f"Cannot write {file} ({en}). Nothing was exported.",
                        f"无法写入 {file}（{zh}）。未导出任何内容。"))
    console().print(Bilingual(f"{len(lines)} answers written to {file}.", f"已将 {len(lines)} 条作答写入 {file}。").t(lg), markup=False)


def _read_import(file: Path, lg: str) -> bytes:
    """The bytes of an import file ('-' for standard input), or a clear exit."""
    from ..progress.store import os_reason

    if str(file) == "-":
        return sys.stdin.buffer.read()
    if file.is_dir():
        raise fail(_say(lg, f"{file} is a folder; give the file written by quizcli progress export.",
                        f"{file} 是文件夹；请给出 quizcli progress export 写出的文件。"))
    if not file.exists():
        raise fail(Bilingual(f"No file {file}.", f"找不到文件 {file}。").t(lg))
    try:
        return file.read_bytes()
    except OSError as e:
        en, zh = os_reason(e)
        raise fail(_say(lg, f"Cannot read {file} ({en}).", f"无法读取 {file}（{zh}）。"))


@progress_app.command("import")
def progress_import(
    file: Annotated[Path, typer.Argument(help="A file written by quizcli progress export ('-' for standard input).")],
    lang_opt: LangOpt = None,
) -> None:
    """Add the answers of an export to this machine's progress, all or nothing (every line is
    checked first; answers already here and repeated lines are skipped; the review schedule
    is rebuilt from them)."""
    from ..progress.store import StoreError, parse_export

    lg = lang(lang_opt)
    data = _read_import(file, lg)
    try:
        records = parse_export(data.split(b"\n"))
    except StoreError as e:
        raise fail(_say(lg, f"{file}: {e.en}. Nothing was imported.", f"{file}：{e.zh}。未导入任何内容。"))
    store = open_store(lg)
    try:
        added, skipped = store.import_records(records)
    except StoreError as e:
        raise fail(e.text(lg))  # (each of these messages says that nothing was changed)
    msg = Bilingual(f"{added} answers imported.", f"已导入 {added} 条作答。").t(lg)
    if skipped:
        msg += _say(lg, f" {skipped} skipped (already here, or repeated in the file).",
                    f"跳过 {skipped} 条（已存在，或在文件中重复）。")
    console().print(msg, markup=False)


@progress_app.command("reset")
def progress_reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    lang_opt: LangOpt = None,
) -> None:
    """Delete all progress (asks first; export it before if you may want it back)."""
    from ..progress.store import StoreError

    lg = lang(lang_opt)
    store = open_store(lg)
    n = store.count()
    if not yes:
        q = (Bilingual(f"Delete all {n} recorded answers and the "
                       f"review schedule? Type yes to confirm", f"删除全部 {n} 条作答记录和复习计划？输入 yes 确认").t(lg))
        try:
            from rich.markup import escape

            from ..render.lineedit import read_line

            ok = read_line(console(), escape(q + ": "), history="confirm").strip().lower() in ("yes", "y", "是")
        except EOFError:
            ok = False
        if not ok:
            console().print(Bilingual("Nothing deleted.", "未删除任何内容。").t(lg), markup=False)
            raise typer.Exit(1)
    try:
        n = store.reset()
    except StoreError as e:
        raise fail(e.text(lg))
    console().print(Bilingual(f"Deleted {n} answers.", f"已删除 {n} 条作答。").t(lg), markup=False)
