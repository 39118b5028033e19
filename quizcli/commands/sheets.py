"""`sheet` (printable practice sheets) and `export anki`."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import STATE, BankOpt, JsonOpt, LangOpt, console, fail, get_bank, kind_option, lang
from ..core.models import Bilingual
from ..i18n import other_lang

export_app = typer.Typer(help="Take the bank elsewhere: an Anki deck.", no_args_is_help=True)


class_app = typer.Typer(help="For teachers: what a class's answers say about the items.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("sheet", help="A printable practice sheet with an answer key: Markdown, HTML, PDF or JSON.")(sheet)
    app.command("key", help="The answer and worked solution of one question of a printed sheet, from its code.")(key)
    app.add_typer(export_app, name="export")
    app.add_typer(class_app, name="class")


def key(
    code: Annotated[str, typer.Argument(help="The code printed beside a question, e.g. B-07·k3f2.1x9 (B-07.k3f2.1x9 too).")],
    as_json: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Print the question a sheet's code names, with its answer and worked solution: a
    grader needs no key file. The code holds the question (or problem family) and its
    variant (seed, option order), so the item is rebuilt exactly.

    Examples:
      quizcli key B-07·k3f2.1x9
      quizcli key A-03.561q --json
    """
    import json

    from ..study import sheets as ss

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    try:
        d = ss.decode(b, code)
    except ss.BadCode as e:
        if e.candidates:
            raise fail(Bilingual(f"The code {code} is ambiguous here (it could be {', '.join(e.candidates)}).",
                                 f"代码 {code} 在此有歧义（可能是 {'、'.join(e.candidates)}）。").t(lg))
        raise fail(Bilingual(f"No question has the code {code}. A code looks like B-07·k3f2 or B-07·k3f2.1x9 (as printed beside the question).",
                             f"没有题目的代码是 {code}。代码形如 B-07·k3f2 或 B-07·k3f2.1x9（印在题目旁）。").t(lg))
    if as_json:
        data = ss.item_data(d.item, code.strip(), None, lg)
        from ..render.sheets import _answer_parts

        ans, lines = _answer_parts(d.item, lg)
        data.update({"form": d.form, "number": d.number, "prompt": d.item.prompt.t(lg), "solution": lines})
        _stdout(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    from ..render.sheets import key_view

    console().print(key_view(d.item, code.strip(), lg))


@class_app.command("report")
def class_report(
    files: Annotated[List[Path], typer.Argument(help="Files from `quizcli progress export`, one per student, or a folder of them.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (the terminal) or html (a printable report with bar charts).")] = "table",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The HTML file to write (default: class-report.html).", show_default=False)] = None,
    as_json: JsonOpt = False,
    lang_opt: LangOpt = None,
) -> None:
    """Per item and per concept: how many answered, facility (share right), discrimination
    (point-biserial correlation with the student's total, and the upper–lower 27 % index);
    per problem family the misconceptions hit most and the facility by parameter (stride 1
    vs > 1, padding 0 vs > 0, …). Items are flagged when discrimination < 0.2 or facility is
    outside 30–70 %.

    Examples:
      quizcli class report exports/
      quizcli class report ann.jsonl bo.jsonl cai.jsonl --json
      quizcli class report exports/ --format html -o week5-report.html
    """
    import json

    from ..study.classreport import ReportError, build

    lg = lang(lang_opt)
    if fmt not in ("table", "html"):
        raise fail(Bilingual("--format must be table or html", "--format 只能是 table 或 html").t(lg))
    try:
        data = build(files)
    except ReportError as e:
        raise fail(e.t(lg))
    if as_json:
        _stdout(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    if fmt == "html":
        from ..render import sheets as sh
        from ..render.classreport import html_report

        target = output or Path("class-report.html")
        try:
            sh.write_file(target, html_report(data, lg))
        except sh.OutputError as e:
            raise fail(_output_message(e, "html", lg), code=2 if e.kind in ("is_dir", "no_dir") else 1)
        _report_written([target], lg)
        return
    from ..render.classreport import tables

    console().print(tables(data, lg))


def _stdout(text: str) -> None:
    import sys

    sys.stdout.write(text)


def sheet(
    targets: Annotated[Optional[List[str]], typer.Argument(help="Topics or concepts (default: all).", show_default=False)] = None,
    n: Annotated[int, typer.Option("-n", "--number", help="Questions per sheet.", min=1, max=300)] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Same arguments and seed, same sheet, byte for byte.")] = 1,
    kind: Annotated[str, typer.Option("--kind", "-k", help="concept, numeric, symbolic (= formula) or mixed.")] = "mixed",
    difficulty: Annotated[str, typer.Option("--difficulty", "-d", help="easy, medium or hard (calculations).")] = "medium",
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html, pdf or json (the sheet as data: codes, points, answers).")] = "md",
    answers: Annotated[str, typer.Option("--answers", help="end (key on a new page), separate (a second file) or none.")] = "end",
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", help="Output file (md and json without -o print to the screen).", show_default=False)] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title printed on the sheet.", show_default=False)] = None,
    forms: Annotated[int, typer.Option(
        "--forms", help="K parallel forms A, B, C, … with the same structure, each with its key, and one combined key.", min=1, max=500)] = 1,
    versions: Annotated[Optional[int], typer.Option("--versions", help="The same as --forms.", min=1, max=500, show_default=False)] = None,
    per_topic: Annotated[Optional[int], typer.Option(
        "--per-topic", help="Exactly this many questions from each topic (instead of -n).", min=1, max=100, show_default=False)] = None,
    kind_quotas: Annotated[Optional[str], typer.Option(
        "--kinds", help="Quotas per kind, e.g. choice=8,short=4,numeric=8 (instead of -n).", show_default=False)] = None,
    points: Annotated[Optional[str], typer.Option(
        "--points", help="Points per item by section or kind, e.g. objective=2,short=6,calc=8 (the defaults) or truefalse=1.", show_default=False)] = None,
    space: Annotated[str, typer.Option("--space", help="Answer space: compact, normal or exam.")] = "normal",
    students: Annotated[Optional[Path], typer.Option(
        "--students", help="A file with one student number (or name) per line: one personalised form each.", show_default=False)] = None,
    date: Annotated[Optional[str], typer.Option(
        "--date", help="Print this date on the sheet (none by default, so reruns are identical).", show_default=False)] = None,
    lang_opt: Annotated[Optional[str], typer.Option(
        "--lang", "-l", help="zh, en, or both (zh with the English below; en+zh for the reverse).", show_default=False)] = None,
    bank: BankOpt = None,
) -> None:
    """Write a sheet to hand out: header with name, student number and score, instructions,
    sections with points, every question with its code (A-07·k3f2: `quizcli key CODE` prints
    its answer), T / F boxes, room to write, then a compact answer key (a grid for the
    objective items, worked solutions for the rest). Items are spread evenly over the topics
    and kinds, with no two on the same concept and kind and none giving another away.

    Examples:
      quizcli sheet cnn rnn -n 20 --seed 3 --format html -o week5.html
      quizcli sheet cnn rnn --kinds choice=8,short=4,numeric=8 --points truefalse=1
      quizcli sheet all -n 30 --format pdf --answers separate -o final.pdf
      quizcli sheet cnn rnn --forms 4 --format html -o midterm.html   # forms A–D + keys
      quizcli sheet cnn --forms 100 --format pdf -o class.pdf          # one form per student
      quizcli sheet cnn --lang both --format pdf -o bilingual.pdf
      quizcli sheet cnn --format json                                  # codes, points, answers
    """
    import json
    import sys

    from ..render import sheets as sh
    from ..study import sheets as ss
    from ..study.targets import UnknownTarget, resolve_targets
    from ..core.sheet import SPACES

    raw_lang = (lang_opt or STATE.lang or "").strip().lower()
    second = None
    if raw_lang in ("both", "zh+en", "en+zh"):
        lg = "en" if raw_lang == "en+zh" else "zh"
        second = other_lang(lg)
    else:
        lg = lang(lang_opt)
    _SANDBOX_NOTICE.clear()
    if fmt not in ("md", "html", "pdf", "json"):
        raise fail(Bilingual("--format must be md, html, pdf or json", "--format 只能是 md、html、pdf 或 json").t(lg))
    if answers not in ("end", "separate", "none"):
        raise fail(Bilingual("--answers must be end, separate or none", "--answers 只能是 end、separate 或 none").t(lg))
    kind = kind_option(kind, lg)
    if space not in SPACES:
        raise fail(Bilingual(f"--space must be one of {', '.join(SPACES)}", f"--space 只能是 {'、'.join(SPACES)}").t(lg))
    k_forms = versions or forms
    try:
        quotas = ss.parse_quotas(kind_quotas, "--kinds")
        pts_raw = ss.parse_points(points)
    except ss.SheetError as e:
        raise fail(e.t(lg))
    roster: list[str] = []
    if students is not None:
        try:
            roster = [ln.strip() for ln in students.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except (OSError, UnicodeDecodeError) as e:
            raise fail(Bilingual(f"Cannot read {students}: {e}", f"无法读取 {students}：{e}").t(lg))
        if not roster:
            raise fail(Bilingual(f"{students} holds no student.", f"{students} 中没有学生。").t(lg))
        if forms == 1 and not versions:
            k_forms = len(roster)  # one form each; with --forms K the K forms are dealt out in turn
    if fmt == "pdf" and sh.find_browser() is None:
        raise fail(
            Bilingual("PDF needs a headless Chromium, and none is installed. Install it (Debian/Ubuntu: "
                      "sudo apt-get install chromium fonts-noto-cjk fonts-dejavu-extra), or write HTML with "
                      "--format html and print it from any browser.",
                      "生成 PDF 需要无头 Chromium，但本机没有安装。请安装（Debian/Ubuntu：sudo apt-get install chromium "
                      "fonts-noto-cjk fonts-dejavu-extra），或改用 --format html 生成网页后用浏览器打印。").t(lg)
        )
    if difficulty not in ("easy", "medium", "hard"):
        raise fail(Bilingual("--difficulty must be easy, medium or hard.", "--difficulty 只能是 easy、medium 或 hard。").t(lg), 2)
    if title is not None:
        # a title the terminal passed as undecodable bytes (surrogates) cannot be written to a file
        title = title.encode("utf-8", "replace").decode("utf-8") if any("\ud800" <= ch <= "\udfff" for ch in title) else title
    b = get_bank(bank, lg)
    try:
        t = resolve_targets(b, list(targets or []))
    except UnknownTarget as e:
        raise fail(f"No topic or concept '{e.name}'." + (f" Did you mean: {', '.join(e.suggestions)}?" if e.suggestions else ""))
    topic_names = tuple(t.topics) + tuple(t.concepts)
    default_title = Bilingual("Practice sheet — Neural Networks and Deep Learning", "练习卷 —— 神经网络与深度学习").t(lg)
    if second:
        default_title = Bilingual("Practice sheet — Neural Networks and Deep Learning / 练习卷 —— 神经网络与深度学习",
                                  "练习卷 —— 神经网络与深度学习 / Practice sheet — Neural Networks and Deep Learning").t(lg)
    cmd = _command(targets, n, seed, kind, difficulty, raw_lang if second else lg, k_forms, per_topic, kind_quotas, points)
    try:
        built = _build(ss, b, t, n, seed, kind, difficulty, per_topic, quotas, pts_raw, k_forms, lg)
    except ss.SheetError as e:
        raise fail(e.t(lg))
    if not roster and k_forms > 26:
        roster = [f"{j:03d}" for j in range(1, k_forms + 1)]
    sheets = ss.sheets_of(built, title=title or default_title, topics=topic_names, seed=seed, command=cmd, lang=lg,
                          second=second, date=date, space=space, students=roster or None)
    if fmt == "json":
        data = ss.sheet_data(sheets[0], lg) if len(sheets) == 1 else \
            {"forms": [{"form": s.form, **({"student": s.student} if s.student else {}), **ss.sheet_data(s, lg)} for s in sheets]}
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if output is None:
            sys.stdout.write(text)
            return
        try:
            sh.write_file(output, text)
        except sh.OutputError as e:
            raise fail(_output_message(e, fmt, lg), code=2 if e.kind in ("is_dir", "no_dir") else 1)
        _report_written([output], lg)
        return
    if output is None and fmt != "md":
        output = Path(f"sheet-{'-'.join(topic_names[:3]) or 'all'}-{seed}.{fmt}")
    many = len(sheets) > 1
    jobs: list[tuple[str, Optional[Path]]] = []  # (document, target) in writing order
    dealt = bool(roster) and len(built.forms) < len(sheets)  # K forms dealt out over a roster
    keys = ss.distinct_forms(sheets) if dealt else sheets
    if many and fmt == "pdf":
        # a class set: every form in one PDF, every key in another (one browser run each)
        jobs.append((sh.html_class_set(sheets), output))
        if answers != "none":
            jobs.append((sh.combined_key_html(keys), _suffixed(output, "key")))
    else:
        for j, s in enumerate(sheets):
            tag = f"{j + 1:03d}-{s.form}" if dealt else s.form
            out_path = _lettered(output, tag) if output else None
            per_form = answers if not many else ("separate" if answers != "none" and not dealt else "none")
            if fmt == "md":
                doc, key = sh.markdown(s, per_form)
            else:
                doc, key = sh.html_sheet(s, per_form)
            jobs.append((doc, out_path))
            if key is not None:
                jobs.append((key, _suffixed(out_path, "key") if out_path else None))
        if dealt and answers != "none":
            for k in keys:
                _, key = sh.markdown(k, "separate") if fmt == "md" else sh.html_sheet(k, "separate")
                jobs.append((key, _lettered(output, f"{k.form}-key") if output else None))
        if many and answers != "none":
            key = sh.combined_key_markdown(keys) if fmt == "md" else sh.combined_key_html(keys)
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
        raise fail(Bilingual(f"Could not print the PDF: {e}. Try --format html.", f"PDF 打印失败：{e}。可改用 --format html。").t(lg))
    _report_written(written, lg)


def _build(ss, b, t, n, seed, kind, difficulty, per_topic, quotas, pts, k_forms, lg):
    """The forms, with a progress bar on the terminal for a class set."""
    kw = dict(n=n, seed=seed, kind=kind, difficulty=difficulty, per_topic=per_topic, kind_quotas=quotas or None,
              points=pts or None, forms=k_forms)
    if k_forms < 5:
        return ss.build(b, t.topics, t.concepts, **kw)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as prog:
        task = prog.add_task(Bilingual("Building forms", "正在组卷").t(lg), total=k_forms)
        return ss.build(b, t.topics, t.concepts, progress=lambda done, total: prog.update(task, completed=done), **kw)


def _report_written(written: list[Path], lg: str) -> None:
    if written:
        console(stderr=True).print(Bilingual("Wrote: ", "已写入：").t(lg) + ", ".join(str(p) for p in written), markup=False)


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


def _command(targets, n, seed, kind, difficulty, lg, forms=1, per_topic=None, kind_quotas=None, points=None) -> str:
    parts = ["quizcli", "sheet", *(targets or [])]
    if per_topic:
        parts += ["--per-topic", str(per_topic)]
    if kind_quotas:
        parts += ["--kinds", kind_quotas]
    if not per_topic and not kind_quotas:
        parts += ["-n", str(n)]
    parts += ["--seed", str(seed)]
    if kind != "mixed":
        parts += ["--kind", kind]
    if difficulty != "medium":
        parts += ["--difficulty", difficulty]
    if forms > 1:
        parts += ["--forms", str(forms)]
    if points:
        parts += ["--points", points]
    if lg != "en":
        parts += ["--lang", lg]
    return " ".join(parts)


def _lettered(path: Path, form: Optional[str]) -> Path:
    return path if form is None else path.with_name(f"{path.stem}-{form}{path.suffix}")


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
        prog.add_task(Bilingual("Printing ", "正在打印 ").t(lg) + str(path) + " …", total=None)
        printed = sh.print_pdf(doc, path)
    if printed.no_sandbox and not _SANDBOX_NOTICE:
        _SANDBOX_NOTICE.append(True)
        why = printed.why or "?"
        console(stderr=True).print(
            Bilingual(f"Note: Chromium would not start with its sandbox here ({why}), so it printed with --no-sandbox. "
                      "The page still runs no script and loads nothing else: JavaScript is off and the sheet's "
                      "Content-Security-Policy forbids scripts, frames and file or network access.",
                      f"注意：Chromium 在此无法带沙箱启动（{why}），因此以 --no-sandbox 打印。页面依然不会运行脚本、"
                      "也不加载其他任何内容：JavaScript 已关闭，试卷的内容安全策略（CSP）禁止脚本、框架以及文件和网络访问。").t(lg),
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
    console().print(Bilingual(f"{n} notes written to {output}.", f"已将 {n} 张卡片写入 {output}。").t(lg), markup=False)


def _export_lang(raw: Optional[str]) -> tuple[str, str]:
    """(the language messages use, the export's language: zh, en or both)."""
    v = (raw or STATE.lang or "").strip().lower()
    if v == "both":
        return lang(None), "both"
    lg = lang(raw)
    return lg, lg


@export_app.command("moodle")
def export_moodle(
    targets: Annotated[Optional[List[str]], typer.Argument(help="Topics or concepts (default: all).", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The Moodle XML file to write.")] = Path("quizcli-moodle.xml"),
    variants: Annotated[int, typer.Option("--variants", help="Seeded, engine-verified numerical variants per problem family (0: none).", min=0, max=200)] = 5,
    lang_opt: Annotated[Optional[str], typer.Option("--lang", "-l", help="zh, en, or both (Moodle multilang spans).", show_default=False)] = None,
    bank: BankOpt = None,
) -> None:
    """The bank as Moodle XML (Question bank → Import → Moodle XML format): a category per
    topic; choice questions as multichoice with per-option feedback, true/false, numerical
    with tolerance, short answers as essay with the model answer as grader information;
    each problem family as numerical variants in its own category (for Moodle's random
    question) plus a calculated question with its dataset where the formula allows.

    Examples:
      quizcli export moodle cnn rnn -o bank.xml
      quizcli export moodle --variants 20 --lang both -o course.xml
    """
    from ..export.moodle import build_xml

    _export(build_xml, "xml", targets, output, variants, lang_opt, bank)


@export_app.command("qti")
def export_qti(
    targets: Annotated[Optional[List[str]], typer.Argument(help="Topics or concepts (default: all).", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The QTI .zip package to write.")] = Path("quizcli-qti.zip"),
    variants: Annotated[int, typer.Option("--variants", help="Seeded, engine-verified numerical variants per problem family (0: none).", min=0, max=200)] = 5,
    lang_opt: Annotated[Optional[str], typer.Option("--lang", "-l", help="zh, en, or both (Chinese, then English).", show_default=False)] = None,
    bank: BankOpt = None,
) -> None:
    """The bank as a QTI 1.2 package for Canvas (Import course content → "QTI .zip file"):
    one quiz per topic with multiple_choice, multiple_answers, true_false, numerical and
    essay questions; numerical ranges kept to the four decimals Canvas stores.

    Example: quizcli export qti cnn rnn -o bank.zip
    """
    from ..export.qti import build_package

    _export(build_package, "zip", targets, output, variants, lang_opt, bank)


def _export(build, ext: str, targets, output: Path, variants: int, lang_opt, bank) -> None:
    """An LMS export: resolve the targets, build the file, write it whole, say what it holds."""
    from ..render import sheets as sh
    from ..study.targets import UnknownTarget, resolve_targets

    lg, xl = _export_lang(lang_opt)
    b = get_bank(bank, lg)
    try:
        t = resolve_targets(b, list(targets or []))
    except UnknownTarget as e:
        raise fail(Bilingual(f"No topic or concept '{e.name}'.", f"没有主题或知识点 '{e.name}'。").t(lg))
    topics = list(t.topics) or sorted({b.concepts[c].topic for c in t.concepts if c in b.concepts}, key=list(b.topics).index)
    data, counts = build(b, topics, t.concepts, lang=xl, variants=variants)
    try:
        sh.write_file(output, data)
    except sh.OutputError as e:
        raise fail(_output_message(e, ext, lg), code=2 if e.kind in ("is_dir", "no_dir") else 1)
    kinds_s = ", ".join(f"{v} {k}" for k, v in sorted(counts.by_type.items()))
    console().print(Bilingual(f"{counts.questions} questions ({kinds_s}) written to {output}.",
                              f"已将 {counts.questions} 道题（{kinds_s}）写入 {output}。").t(lg), markup=False)
