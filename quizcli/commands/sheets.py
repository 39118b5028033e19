"""`sheet` (printable practice sheets) and `export anki`."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import BankOpt, LangOpt, console, fail, get_bank, lang

export_app = typer.Typer(help="Take the bank elsewhere: an Anki deck.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("sheet", help="A printable practice sheet with an answer key: Markdown, HTML or PDF.")(sheet)
    app.add_typer(export_app, name="export")


def sheet(
    targets: Annotated[Optional[List[str]], typer.Argument(help="Topics or concepts (default: all).", show_default=False)] = None,
    n: Annotated[int, typer.Option("-n", "--number", help="Questions per sheet.", min=1, max=300)] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Same arguments and seed, same sheet, byte for byte.")] = 1,
    kind: Annotated[str, typer.Option("--kind", "-k", help="concept, numeric, symbolic or mixed.")] = "mixed",
    difficulty: Annotated[str, typer.Option("--difficulty", "-d", help="easy, medium or hard (calculations).")] = "medium",
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or pdf.")] = "md",
    answers: Annotated[str, typer.Option("--answers", help="end (key on a new page), separate (a second file) or none.")] = "end",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Output file (md without -o prints to the screen).", show_default=False)] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title printed on the sheet.", show_default=False)] = None,
    versions: Annotated[int, typer.Option("--versions", help="K different versions (seeds N…N+K−1), numbered files, one combined key.", min=1, max=100)] = 1,
    date: Annotated[Optional[str], typer.Option("--date", help="Print this date on the sheet (none by default, so reruns are identical).", show_default=False)] = None,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Write a practice sheet to print: header with name and date lines, numbered questions
    grouped by kind with room to write, then the answer key with worked steps. The sheet
    prints its seed and the command that reproduces it.

    Examples:
      quizcli sheet cnn rnn -n 20 --seed 3 --format html -o week5.html
      quizcli sheet neuron --kind numeric --format md -o drills.md
      quizcli sheet all -n 30 --format pdf --answers separate -o final.pdf
      quizcli sheet cnn --versions 30 --format html -o class.html    # one variant per student
    """
    from ..render import sheets as sh
    from ..study.items import kind_filters, select_items
    from ..study.targets import UnknownTarget, resolve_targets

    lg = lang(lang_opt)
    _SANDBOX_NOTICE.clear()
    if fmt not in ("md", "html", "pdf"):
        raise fail("--format must be md, html or pdf")
    if answers not in ("end", "separate", "none"):
        raise fail("--answers must be end, separate or none")
    if kind not in kind_filters():
        raise fail(f"--kind must be one of {', '.join(kind_filters())}")
    if fmt == "pdf" and sh.find_browser() is None:
        raise fail(
            "PDF needs a headless Chromium, and none is installed. Install it (Debian/Ubuntu: "
            "sudo apt-get install chromium fonts-noto-cjk fonts-dejavu-extra), or write HTML with "
            "--format html and print it from any browser."
            if lg == "en" else
            "生成 PDF 需要无头 Chromium，但本机没有安装。请安装（Debian/Ubuntu：sudo apt-get install chromium "
            "fonts-noto-cjk fonts-dejavu-extra），或改用 --format html 生成网页后用浏览器打印。"
        )
    b = get_bank(bank, lg)
    try:
        t = resolve_targets(b, list(targets or []))
    except UnknownTarget as e:
        raise fail(f"No topic or concept '{e.name}'." + (f" Did you mean: {', '.join(e.suggestions)}?" if e.suggestions else ""))
    topic_names = tuple(t.topics) + tuple(t.concepts)
    default_title = ("Practice sheet — Neural Networks and Deep Learning" if lg == "en" else "练习卷 —— 神经网络与深度学习")
    sheets = []
    for v in range(versions):
        s_seed = seed + v
        items = sh.ordered(select_items(b, t.topics, t.concepts, kind=kind, n=n, seed=s_seed, difficulty=difficulty))
        if not items:
            raise fail("Nothing to put on a sheet there with that --kind.")
        cmd = _command(targets, n, s_seed, kind, difficulty, lg)
        sheets.append(sh.Sheet(title=title or default_title, topics=topic_names, items=tuple(items), seed=s_seed,
                               command=cmd, lang=lg, date=date, version=(v + 1) if versions > 1 else None))
    if output is None and fmt != "md":
        output = Path(f"sheet-{'-'.join(topic_names[:3]) or 'all'}-{seed}.{fmt}")
    per_version_answers = "none" if versions > 1 and answers != "none" else answers
    jobs: list[tuple[str, Optional[Path]]] = []  # (document, target) in writing order
    for s in sheets:
        out_path = _numbered(output, s.version) if output else None
        if fmt == "md":
            doc, key = sh.markdown(s, per_version_answers)
        else:
            doc, key = sh.html_sheet(s, per_version_answers)
        jobs.append((doc, out_path))
        if key is not None:
            jobs.append((key, _suffixed(out_path, "key") if out_path else None))
    if versions > 1 and answers != "none":
        key = sh.combined_key_markdown(sheets) if fmt == "md" else sh.combined_key_html(sheets)
        jobs.append((key, _suffixed(output, "key") if output else None))
    written: list[Path] = []
    try:
        for _, path in jobs:  # a folder or a missing folder as target: say so before any work
            if path is not None:
                sh.check_target(path)
        for doc, path in jobs:
            if _write(doc, path, fmt, lg):
                written.append(path)
    except sh.OutputError as e:
        _report_written(written, lg)
        raise fail(_output_message(e, fmt, lg), code=2 if e.kind in ("is_dir", "no_dir") else 1)
    except RuntimeError as e:
        _report_written(written, lg)
        raise fail(f"Could not print the PDF: {e}. Try --format html." if lg == "en" else f"PDF 打印失败：{e}。可改用 --format html。")
    _report_written(written, lg)


def _report_written(written: list[Path], lg: str) -> None:
    if written:
        console(stderr=True).print(("Wrote: " if lg == "en" else "已写入：") + ", ".join(str(p) for p in written), markup=False)


def _output_message(e, fmt: str, lg: str) -> str:
    """A clear message for a file that could not be written (OutputError), en or zh."""
    p, parent, d = e.path, e.path.parent, e.detail
    en = {
        "is_dir": f"Cannot write {p}: it is a folder. Give a file name, e.g. -o {p / ('sheet.' + fmt)}",
        "no_dir": f"Cannot write {p}: the folder {d or parent} does not exist.",
        "not_writable": f"Cannot write {p}: no new file can be made in the folder {parent} ({d}). Nothing was written.",
        "not_replaced": f"Cannot write {p}: the existing file cannot be replaced ({d}); it was left as it was.",
        "not_new": f"Cannot write {p}: afterwards it is not the new file{f' ({d})' if d else ''}; treat it as not written.",
    }
    zh = {
        "is_dir": f"无法写入 {p}：这是一个文件夹。请给出文件名，例如 -o {p / ('sheet.' + fmt)}",
        "no_dir": f"无法写入 {p}：文件夹 {d or parent} 不存在。",
        "not_writable": f"无法写入 {p}：无法在文件夹 {parent} 中新建文件（{d}），什么也没有写入。",
        "not_replaced": f"无法写入 {p}：已有文件无法替换（{d}），原文件保持不变。",
        "not_new": f"无法写入 {p}：写完后该文件并不是新文件{f'（{d}）' if d else ''}，请视为未写入。",
    }
    return (zh if lg == "zh" else en)[e.kind]


def _command(targets, n, seed, kind, difficulty, lg) -> str:
    parts = ["quizcli", "sheet", *(targets or [])]
    parts += ["-n", str(n), "--seed", str(seed)]
    if kind != "mixed":
        parts += ["--kind", kind]
    if difficulty != "medium":
        parts += ["--difficulty", difficulty]
    if lg == "zh":
        parts += ["--lang", "zh"]
    return " ".join(parts)


def _numbered(path: Path, version: Optional[int]) -> Path:
    return path if version is None else path.with_name(f"{path.stem}-{version}{path.suffix}")


def _suffixed(path: Path, tag: str) -> Path:
    return path.with_name(f"{path.stem}-{tag}{path.suffix}")


def _write(doc: str, path: Optional[Path], fmt: str, lg: str) -> bool:
    """Write one document (stdout when path is None); True when a file was written.
    Raises OutputError or RuntimeError (Chromium failed); the old file then stays."""
    import sys

    from ..render import sheets as sh

    if path is None:
        sys.stdout.write(doc)
        return False
    if fmt != "pdf":
        sh.write_file(path, doc)
        return True
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console(stderr=True), transient=True) as prog:
        prog.add_task(("Printing " if lg == "en" else "正在打印 ") + str(path) + " …", total=None)
        printed = sh.print_pdf(doc, path)
    if printed.no_sandbox and not _SANDBOX_NOTICE:
        _SANDBOX_NOTICE.append(True)
        why = printed.why or "?"
        console(stderr=True).print(
            f"Note: Chromium would not start with its sandbox here ({why}), so it printed with --no-sandbox. "
            "The page still runs no script and loads nothing else: JavaScript is off and the sheet's "
            "Content-Security-Policy forbids scripts, frames and file or network access."
            if lg == "en" else
            f"注意：Chromium 在此无法带沙箱启动（{why}），因此以 --no-sandbox 打印。页面依然不会运行脚本、"
            "也不加载其他任何内容：JavaScript 已关闭，试卷的内容安全策略（CSP）禁止脚本、框架以及文件和网络访问。",
            style="yellow", markup=False, highlight=False,
        )
    return True


_SANDBOX_NOTICE: list[bool] = []  # said once per run


@export_app.command("anki")
def export_anki(
    targets: Annotated[Optional[List[str]], typer.Argument(help="Topics (default: all).", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The .apkg file to write.")] = Path("quizcli.apkg"),
    lang_opt: LangOpt = None,
    both: Annotated[bool, typer.Option("--both/--one-language", help="Both languages on each card (default), or only --lang.")] = True,
    bank: BankOpt = None,
) -> None:
    """The bank's concept questions as an Anki deck: front the question, back the model
    answer, key points and the `quizcli explain` pointer; tagged by topic and concept.
    Re-exporting updates the same notes in Anki (stable ids), so progress there is kept.

    Example: quizcli export anki cnn rnn -o nn.apkg
    """
    from ..export.anki import build_deck
    from ..study.targets import UnknownTarget, resolve_targets

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    try:
        t = resolve_targets(b, list(targets or []))
    except UnknownTarget as e:
        raise fail(f"No topic or concept '{e.name}'.")
    n = build_deck(b, t.topics, t.concepts, output, lang=lg, both=both)
    console().print(f"{n} notes written to {output}." if lg == "en" else f"已将 {n} 张卡片写入 {output}。", markup=False)
