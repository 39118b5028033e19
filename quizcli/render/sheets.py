"""Printable practice sheets: Markdown (LaTeX math), self-contained HTML (MathML, print
CSS), and PDF (the HTML printed by a headless Chromium). Same arguments, same bytes: no
timestamp is written unless a date is asked for."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import kinds
from ..study.exam import SECTIONS, section_of
from ..study.items import Item
from ..core.mathtext import MATH

LETTERS = "ABCDEFGHIJ"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Sheet:
    title: str
    topics: tuple[str, ...]
    items: tuple[Item, ...]
    seed: int
    command: str
    lang: str
    date: str | None = None
    version: int | None = None


def _tr(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _grouped(items: Sequence[Item]) -> list[tuple[object, list[tuple[int, Item]]]]:
    groups = []
    numbered = list(enumerate(items, 1))
    for s in SECTIONS:
        members = [(i, it) for i, it in numbered if section_of(it).id == s.id]
        if members:
            groups.append((s, members))
    return groups


def ordered(items: Sequence[Item]) -> list[Item]:
    """Items in section order (numbering follows the printed order)."""
    order = {s.id: j for j, s in enumerate(SECTIONS)}
    return sorted(items, key=lambda it: order[section_of(it).id])


def _answer_parts(it: Item, lang: str) -> tuple[str, list[str]]:
    """(the answer, the worked steps or explanation lines)."""
    if it.question is not None:
        kind = kinds.of(it)
        ans = kind.model_answer(it, lang)
        lines = []
        if kind.self_rated:
            lines += [f"{_tr(lang, 'Key point', '要点')} {j}: {k.t(lang)}" for j, k in enumerate(it.question.key_points, 1)]
        lines.append(it.question.explanation.t(lang))
        return ans, lines
    return it.problem.answer_text, [s.t(lang) for s in it.problem.steps]


# ----------------------------------------------------------------------------- Markdown


def markdown(sheet: Sheet, answers: str = "end") -> tuple[str, str | None]:
    """(sheet, separate key or None)."""
    lang = sheet.lang
    out = [f"# {sheet.title}" + (f" ({_tr(lang, 'version', '版本')} {sheet.version})" if sheet.version else ""), ""]
    out.append(f"{_tr(lang, 'Topics', '主题')}: {', '.join(sheet.topics)}  ")
    out.append(f"{_tr(lang, 'Name', '姓名')}: ______________  {_tr(lang, 'Date', '日期')}: {sheet.date or '______________'}  ")
    out.append(f"{_tr(lang, 'Seed', '种子')} {sheet.seed} · {_tr(lang, 'reproduce with', '复现命令')}: `{sheet.command}`")
    out.append("")
    for s, members in _grouped(sheet.items):
        out += [f"## {s.title.t(lang)}", ""]
        for i, it in members:
            out.append(f"**{i}.** {it.prompt.t(lang)}")
            options = kinds.of(it).options(it)
            if options:
                out.append("")
                for j, o in enumerate(options):
                    out.append(f"- **{LETTERS[j]}.** {o.text.t(lang)}")
            if s.id != "objective":
                out += ["", "&nbsp;", "", "&nbsp;", ""]
            out.append("")
    key = _markdown_key(sheet)
    if answers == "end":
        out += ['<div style="page-break-before: always"></div>', "", key]
        return "\n".join(out).rstrip() + "\n", None
    if answers == "separate":
        return "\n".join(out).rstrip() + "\n", key.rstrip() + "\n"
    return "\n".join(out).rstrip() + "\n", None


def _markdown_key(sheet: Sheet) -> str:
    lang = sheet.lang
    v = f" ({_tr(lang, 'version', '版本')} {sheet.version})" if sheet.version else ""
    out = [f"## {_tr(lang, 'Answer key', '参考答案')}{v}", ""]
    for i, it in enumerate(sheet.items, 1):
        ans, lines = _answer_parts(it, lang)
        out.append(f"**{i}.** {ans}")
        out.append("")
        for line in lines:
            out.append(f"> {line}  ")
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- HTML


def _math_html(latex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    try:
        return convert(latex, display="block" if display else "inline")
    except Exception:
        return html.escape(f"${latex}$")


def text_html(text: str) -> str:
    """Markdown-lite with $math$ → HTML (MathML for the math)."""
    parts: list[str] = []
    pos = 0
    for m in MATH.finditer(text):
        parts.append(_inline_html(text[pos:m.start()]))
        parts.append(_math_html((m.group(1) or m.group(2)).strip(), display=m.group(1) is not None))
        pos = m.end()
    parts.append(_inline_html(text[pos:]))
    body = "".join(parts)
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    out = []
    for p in paras:
        lines = p.split("\n")
        if all(re.match(r"^\s*[-*] ", ln) for ln in lines):
            items = [re.sub(r"^\s*[-*] ", "", ln) for ln in lines]
            out.append("<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>")
        else:
            out.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(out)


def _inline_html(s: str) -> str:
    from ..core.mathtext import plain_subscripts

    s = html.escape(plain_subscripts(s), quote=False)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    return s


CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Songti SC", "SimSun",
       "DejaVu Serif", "Times New Roman", serif; font-size: 11pt; line-height: 1.5; color: #111; max-width: 180mm; margin: auto; }
math { font-family: "DejaVu Math TeX Gyre", "STIX Two Math", "Cambria Math", math; }
h1 { font-size: 17pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; border-bottom: 1px solid #888; margin-top: 14pt; }
.meta { color: #333; font-size: 10pt; margin-bottom: 6pt; }
.meta span { margin-right: 18pt; }
.q { break-inside: avoid; page-break-inside: avoid; margin: 8pt 0; }
.q .n { font-weight: bold; margin-right: 4pt; }
.q p { display: inline; margin: 0; }
.opts { list-style: none; padding-left: 18pt; margin: 4pt 0; columns: 2; }
.opts li { break-inside: avoid; }
.space { border-bottom: 1px dotted #aaa; height: 22pt; }
.space.tall { height: 70pt; }
.key { page-break-before: always; break-before: page; }
.key .a { margin: 6pt 0; break-inside: avoid; }
.key .a > p:first-of-type { display: inline; margin: 0; }
.key .steps { color: #333; font-size: 10pt; margin: 2pt 0 0 18pt; }
.key .steps p { margin: 1pt 0; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9.5pt; }
.repro { font-size: 9pt; color: #555; }
"""


def _html_doc(title: str, body: str, lang: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _html_questions(sheet: Sheet) -> str:
    lang = sheet.lang
    out = []
    for s, members in _grouped(sheet.items):
        out.append(f"<h2>{html.escape(s.title.t(lang))}</h2>")
        for i, it in members:
            q = [f'<div class="q" id="q{i}"><span class="n">{i}.</span>{text_html(it.prompt.t(lang))}']
            options = kinds.of(it).options(it)
            if options:
                q.append('<ul class="opts">' + "".join(
                    f"<li><strong>{LETTERS[j]}.</strong> {text_html(o.text.t(lang))}</li>" for j, o in enumerate(options)) + "</ul>")
            if s.id == "objective":
                q.append('<div class="space"></div>')
            else:
                q.append('<div class="space tall"></div>' * (2 if s.id == "calc" else 1))
            q.append("</div>")
            out.append("".join(q))
    return "\n".join(out)


def _html_key(sheet: Sheet) -> str:
    lang = sheet.lang
    v = f" ({_tr(lang, 'version', '版本')} {sheet.version})" if sheet.version else ""
    out = [f'<section class="key"><h2>{_tr(lang, "Answer key", "参考答案")}{v}</h2>']
    for i, it in enumerate(sheet.items, 1):
        ans, lines = _answer_parts(it, lang)
        steps = "".join(f"<div>{text_html(line)}</div>" for line in lines)
        out.append(f'<div class="a" id="a{i}"><span class="n"><strong>{i}.</strong></span> {text_html(ans)}<div class="steps">{steps}</div></div>')
    out.append("</section>")
    return "\n".join(out)


def _html_header(sheet: Sheet) -> str:
    lang = sheet.lang
    v = f" ({_tr(lang, 'version', '版本')} {sheet.version})" if sheet.version else ""
    return (
        f"<h1>{html.escape(sheet.title)}{v}</h1>"
        f'<div class="meta"><span>{_tr(lang, "Topics", "主题")}: {html.escape(", ".join(sheet.topics))}</span>'
        f'<span>{_tr(lang, "Name", "姓名")}: ________________</span>'
        f'<span>{_tr(lang, "Date", "日期")}: {html.escape(sheet.date) if sheet.date else "____________"}</span></div>'
        f'<div class="repro">{_tr(lang, "Seed", "种子")} {sheet.seed} · {_tr(lang, "reproduce with", "复现命令")}: '
        f"<code>{html.escape(sheet.command)}</code></div>"
    )


def html_sheet(sheet: Sheet, answers: str = "end") -> tuple[str, str | None]:
    """(sheet, separate key or None), each one self-contained HTML document."""
    body = _html_header(sheet) + "\n" + _html_questions(sheet)
    if answers == "end":
        body += "\n" + _html_key(sheet)
    doc = _html_doc(sheet.title, body, sheet.lang)
    if answers == "separate":
        key_title = f"{sheet.title} — {_tr(sheet.lang, 'answer key', '参考答案')}"
        return doc, _html_doc(key_title, f"<h1>{html.escape(key_title)}</h1>" + _html_key(sheet).replace('class="key"', 'class="key first"'), sheet.lang)
    return doc, None


def combined_key_html(sheets: Sequence[Sheet]) -> str:
    lang = sheets[0].lang
    title = f"{sheets[0].title} — {_tr(lang, 'answer keys, all versions', '全部版本参考答案')}"
    body = f"<h1>{html.escape(title)}</h1>" + "\n".join(_html_key(s) for s in sheets)
    return _html_doc(title, body, lang)


def combined_key_markdown(sheets: Sequence[Sheet]) -> str:
    lang = sheets[0].lang
    title = f"{sheets[0].title} — {_tr(lang, 'answer keys, all versions', '全部版本参考答案')}"
    return "\n".join([f"# {title}", ""] + [_markdown_key(s) for s in sheets]).rstrip() + "\n"


# ----------------------------------------------------------------------------- PDF


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class NoBrowser(RuntimeError):
    pass


def print_pdf(html_doc: str, pdf_path: Path, timeout: float = 120.0) -> None:
    """Print an HTML document to PDF with headless Chromium (no network, no header/footer)."""
    browser = find_browser()
    if browser is None:
        raise NoBrowser("no Chromium found")
    with tempfile.TemporaryDirectory(prefix="quizcli-pdf-") as tmp:
        src = Path(tmp) / "sheet.html"
        src.write_text(html_doc, encoding="utf-8")
        args = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", src.as_uri(),
        ]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise RuntimeError(f"Chromium did not finish within {timeout:.0f} s") from None
        if proc.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
            raise RuntimeError(f"Chromium failed ({proc.returncode}): {err.strip()[-300:]}")
