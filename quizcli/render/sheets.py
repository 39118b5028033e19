"""Printable practice sheets: Markdown (LaTeX math), self-contained HTML (MathML, print
CSS), and PDF (the HTML printed by a headless Chromium). Same arguments, same bytes: no
timestamp is written unless a date is asked for."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import kinds
from ..study.exam import SECTIONS, section_of
from ..study.items import Item
from ..core.mathtext import MATH

from ..core.sheet import Sheet
from ..core.models import Bilingual
from ..i18n import html_lang

LETTERS = "ABCDEFGHIJ"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

__all__ = ["Sheet", "ordered", "markdown", "html_sheet", "html_class_set", "combined_key_html",
           "combined_key_markdown", "text_html", "print_pdf", "write_file", "check_target", "OutputError"]


def _tr(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _trs(sheet: Sheet, en: str, zh: str, sep: str = " / ") -> str:
    """An interface string in the sheet's language, then (for --lang both) the other one."""
    first = _tr(sheet.lang, en, zh)
    if sheet.second and sheet.second != sheet.lang:
        return first + sep + _tr(sheet.second, en, zh)
    return first


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


def _points(sheet: Sheet) -> list[float]:
    if sheet.points:
        return list(sheet.points)
    return [float(section_of(it).points) for it in sheet.items]


def _code(sheet: Sheet, i: int) -> str:
    return sheet.codes[i - 1] if sheet.codes else ""


def _num(x: float) -> str:
    return f"{x:g}"


def _pts_word(sheet: Sheet, x: float) -> str:
    return _trs(sheet, f"{_num(x)} pt" + ("" if x == 1 else "s"), f"{_num(x)} 分")


def _heading(sheet: Sheet) -> str:
    label = sheet.label
    if not label:
        return sheet.title
    if sheet.form:
        return f"{sheet.title} — {_trs(sheet, 'Form', '试卷')} {label}"
    return f"{sheet.title} ({_tr(sheet.lang, 'version', '版本')} {label})"


def _instructions(sheet: Sheet) -> str:
    total = _num(sum(_points(sheet)))
    n = len(sheet.items)
    en = (f"{n} questions, {total} points. Write the letter of your choice in the brackets, tick T or F for "
          "true/false, and show your working for short answers and calculations.")
    zh = f"共 {n} 题，满分 {total} 分。选择题将所选字母填入括号内，判断题在“对”或“错”的方框中打勾，简答题与计算题写出过程。"
    return _tr(sheet.lang, en, zh), (_tr(sheet.second, en, zh) if sheet.second and sheet.second != sheet.lang else None)


def _section_title(sheet: Sheet, s, members, pts: list[float]) -> str:
    total = sum(pts[i - 1] for i, _ in members)
    each = {pts[i - 1] for i, _ in members}
    n = len(members)
    if len(each) == 1:
        e = _num(next(iter(each)))
        en, zh = f"{n} × {e} = {_num(total)} points", f"共 {n} 题，每题 {e} 分，共 {_num(total)} 分"
    else:
        en, zh = f"{n} questions, {_num(total)} points", f"共 {n} 题，共 {_num(total)} 分"
    title = s.title.t(sheet.lang)
    if sheet.second and sheet.second != sheet.lang:
        title += " " + s.title.t(sheet.second)
    return f"{title} ({_tr(sheet.lang, en, zh)})"


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
    note = it.problem.route_note()
    return it.problem.answer_text, [s.t(lang) for s in it.problem.steps] + ([note.t(lang)] if note else [])


def _objective(it: Item) -> bool:
    return section_of(it).id == "objective"


def _short_answer(it: Item, lang: str) -> str:
    """The answer as a grid cell shows it: letters for choices, T/F (对/错) for true/false."""
    ans = kinds.of(it).expected(it, lang)
    return {"true": "T", "false": "F"}.get(ans, ans)


def _key_parts(it: Item, lang: str) -> tuple[str, list[str]]:
    """What the compact key prints: a self-rated answer as its numbered key points (what a
    marker ticks), everything else as the answer and its worked steps."""
    if it.question is not None and kinds.of(it).self_rated and it.question.key_points:
        marks = "①②③④⑤⑥⑦⑧⑨⑩"
        pts = " ".join(f"{marks[j] if j < len(marks) else str(j + 1) + '.'} {k.t(lang)}" for j, k in enumerate(it.question.key_points))
        return pts, []
    return _answer_parts(it, lang)


# ----------------------------------------------------------------------------- Markdown


def _md_text(sheet: Sheet, t) -> str:
    first = t.t(sheet.lang)
    if sheet.second and sheet.second != sheet.lang:
        return first + "  \n" + "*" + t.t(sheet.second).replace("\n", " ") + "*"
    return first


def markdown(sheet: Sheet, answers: str = "end") -> tuple[str, str | None]:
    """(sheet, separate key or None)."""
    lang = sheet.lang
    pts = _points(sheet)
    out = [f"# {_heading(sheet)}", ""]
    out.append(f"{_trs(sheet, 'Topics', '主题')}: {', '.join(sheet.topics)}  ")
    who = f"{_trs(sheet, 'Student', '学号')}: {sheet.student}" if sheet.student else f"{_trs(sheet, 'Student no.', '学号')}: ______________"
    out.append(f"{_trs(sheet, 'Name', '姓名')}: ______________  {who}  {_trs(sheet, 'Date', '日期')}: {sheet.date or '______________'}  "
               f"{_trs(sheet, 'Score', '得分')}: ______ / {_num(sum(pts))}  ")
    first, second = _instructions(sheet)
    out.append(f"*{first}*" + (f"  \n*{second}*" if second else "") + "  ")
    out.append(f"{_tr(lang, 'Seed', '种子')} {sheet.seed} · {_tr(lang, 'reproduce with', '复现命令')}: `{sheet.command}`")
    out.append("")
    for s, members in _grouped(sheet.items):
        out += [f"## {_section_title(sheet, s, members, pts)}", ""]
        for i, it in members:
            code = _code(sheet, i)
            tail = f" ({_pts_word(sheet, pts[i - 1])}" + (f" · `{code}`" if code else "") + ")"
            kind = kinds.of(it)
            options = kind.options(it)
            box = "  ( &nbsp; )" if options else ("  ☐ " + _tr(lang, "T", "对") + " ☐ " + _tr(lang, "F", "错")) if _objective(it) else ""
            out.append(f"**{i}.** {_md_text(sheet, it.prompt)}{box}{tail}")
            if options:
                out.append("")
                for j, o in enumerate(options):
                    out.append(f"- **{LETTERS[j]}.** {_md_text(sheet, o.text)}")
            if not _objective(it):
                lines = {"compact": 1, "normal": 2, "exam": 4}.get(sheet.space, 2) * (2 if section_of(it).id == "calc" else 1)
                out += ["", *(["&nbsp;", ""] * lines)]
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
    label = f" — {_tr(lang, 'Form', '试卷')} {sheet.label}" if sheet.form else (f" ({_tr(lang, 'version', '版本')} {sheet.label})" if sheet.label else "")
    out = [f"## {_tr(lang, 'Answer key', '参考答案')}{label}", ""]
    grid = [(i, it) for i, it in enumerate(sheet.items, 1) if _objective(it)]
    for row in range(0, len(grid), 10):
        cells = grid[row:row + 10]
        out.append("| " + " | ".join(f"**{i}.**" for i, _ in cells) + " |")
        out.append("|" + "---|" * len(cells))
        out.append("| " + " | ".join(_short_answer(it, lang) for _, it in cells) + " |")
        out.append("")
    for i, it in enumerate(sheet.items, 1):
        if _objective(it):
            continue
        ans, lines = _key_parts(it, lang)
        code = _code(sheet, i)
        out.append(f"**{i}.** {ans}" + (f"  `{code}`" if code else ""))
        out.append("")
        for line in lines:
            out.append(f"> {line}  ")
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- HTML


_TEXT_ARG = re.compile(r"\\text\{([^{}]*)\}")


def _math_html(latex: str, display: bool) -> str:
    """MathML for one formula, rebuilt by the allow-list sanitizer: latex2mathml copies
    \\text{…} (and \\href, \\class, \\style arguments) into its output unescaped."""
    from latex2mathml.converter import convert

    from .htmlsafe import mathml

    # latex2mathml copies a \text{…} argument verbatim: undo TeX's escapes there, so the key
    # shows output_padding, not output\_padding
    latex = _TEXT_ARG.sub(lambda m: "\\text{" + re.sub(r"\\([_%&#$])", r"\1", m.group(1)) + "}", latex)
    try:
        raw = convert(latex, display="block" if display else "inline")
    except Exception:
        return html.escape(f"${latex}$")
    return mathml(raw)


# A matrix written as text, [1 2; 3 4] (two rows or more): typeset as a matrix.
_NUM = r"-?\d+(?:\.\d+)?"
_MATRIX = re.compile(rf"\[\s*({_NUM}(?:[ ,]+{_NUM})*(?:\s*;\s*{_NUM}(?:[ ,]+{_NUM})*)+)\s*\]")


def _matrices(text: str) -> str:
    def conv(m: re.Match) -> str:
        rows = [re.split(r"[ ,]+", r.strip()) for r in m.group(1).split(";")]
        if len({len(r) for r in rows}) != 1:
            return m.group(0)
        return "$\\begin{bmatrix}" + "\\\\".join(" & ".join(r) for r in rows) + "\\end{bmatrix}$"

    out, pos = [], 0
    for mm in MATH.finditer(text):  # only outside the maths already there
        out.append(_MATRIX.sub(conv, text[pos:mm.start()]))
        out.append(mm.group(0))
        pos = mm.end()
    out.append(_MATRIX.sub(conv, text[pos:]))
    return "".join(out)


def text_html(text: str) -> str:
    """Markdown-lite with $math$ → HTML (MathML for the math)."""
    text = _matrices(text)
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
@page { size: A4; margin: 15mm 15mm 14mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Songti SC", "SimSun",
       "DejaVu Serif", "Times New Roman", serif; font-size: 10.5pt; line-height: 1.42; color: #111; max-width: 180mm; margin: auto; }
math { font-family: "DejaVu Math TeX Gyre", "STIX Two Math", "Cambria Math", math; }
h1 { font-size: 15pt; margin: 0 0 3pt; }
h2 { font-size: 11.5pt; border-bottom: 1px solid #888; margin: 10pt 0 4pt; break-after: avoid; page-break-after: avoid; }
.meta { font-size: 10pt; margin: 2pt 0; display: flex; flex-wrap: wrap; gap: 4pt 16pt; }
.meta .blank { display: inline-block; min-width: 30mm; border-bottom: 1px solid #333; }
.instr { font-size: 9.5pt; font-style: italic; margin: 3pt 0; }
.q { break-inside: avoid; page-break-inside: avoid; margin: 5pt 0 6pt; }
.q .head { display: flex; gap: 6pt; align-items: baseline; }
.q .n { font-weight: bold; min-width: 16pt; }
.q .txt { flex: 1; }
.q .txt p { display: inline; margin: 0; }
.q .side { white-space: nowrap; font-size: 9pt; text-align: right; }
.pts { color: #222; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; color: #666; display: block; }
.bracket { font-weight: normal; letter-spacing: 10pt; }
.tf { white-space: nowrap; margin-left: 6pt; }
.box { display: inline-block; width: 9pt; height: 9pt; border: 1px solid #222; vertical-align: -1pt; margin: 0 3pt 0 12pt; }
.l2 { color: #444; font-size: 9pt; }
.l2 p { display: inline; margin: 0; }
.opts { list-style: none; padding-left: 22pt; margin: 2pt 0 0; display: grid; gap: 1pt 10pt; }
.opts.c4 { grid-template-columns: repeat(4, 1fr); }
.opts.c2 { grid-template-columns: repeat(2, 1fr); }
.opts.c1 { grid-template-columns: 1fr; }
.opts li p { display: inline; margin: 0; }
.space { margin-left: 22pt; border-bottom: 1px dotted #999; }
.key { break-before: page; page-break-before: always; }
.key.first { break-before: auto; page-break-before: auto; }
.grid { border-collapse: collapse; margin: 4pt 0 8pt; font-size: 10pt; }
.grid td, .grid th { border: 1px solid #999; padding: 1pt 5pt; text-align: center; min-width: 18pt; }
.grid th { background: #f0f0f0; font-weight: bold; }
.key .a { margin: 5pt 0; break-inside: avoid; }
.key .a p { display: inline; margin: 0; }
.key .steps { color: #333; font-size: 9.5pt; margin: 1pt 0 0 18pt; }
.key .steps p { margin: 0; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
.repro { font-size: 8pt; color: #555; }
.form { break-before: page; page-break-before: always; }
.form.first { break-before: auto; page-break-before: auto; }
"""

# answer space (pt) by section and --space
SPACE_PT = {"compact": {"short": 46, "calc": 64}, "normal": {"short": 84, "calc": 118}, "exam": {"short": 150, "calc": 190}}


# The sheet needs its inline <style> and nothing else: no script, no frame, no file or
# network fetch, even when someone opens the HTML file by hand. (Fonts are the system's.)
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "base-uri 'none'; form-action 'none'")


def _html_doc(title: str, body: str, lang: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang(lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _both_html(sheet: Sheet, t) -> str:
    """A bilingual text: the sheet's language, and the other one under it for --lang both."""
    first = text_html(t.t(sheet.lang))
    if sheet.second and sheet.second != sheet.lang:
        return first + f'<div class="l2" lang="{sheet.second}">{text_html(t.t(sheet.second))}</div>'
    return first


def _opts_class(sheet: Sheet, options) -> str:
    from ..core.mathtext import plain_subscripts

    longest = max(len(plain_subscripts(o.text.t(sheet.lang))) for o in options)
    wide = max(len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", o.text.t(sheet.lang))) for o in options)
    size = longest + wide  # a CJK character is two columns wide
    if sheet.second and sheet.second != sheet.lang:
        size = max(size, max(len(o.text.t(sheet.second)) for o in options))
    return "c4" if size <= 16 and len(options) <= 4 else "c2" if size <= 40 else "c1"


def _html_questions(sheet: Sheet) -> str:
    lang = sheet.lang
    pts = _points(sheet)
    out = []
    for s, members in _grouped(sheet.items):
        out.append(f"<h2>{html.escape(_section_title(sheet, s, members, pts))}</h2>")
        for i, it in members:
            kind = kinds.of(it)
            options = kind.options(it)
            mark = ""
            if options:
                mark = Bilingual('<span class="bracket">( )</span>', '<span class="bracket">（）</span>').t(lang)
            elif _objective(it):
                t_, f_ = _tr(lang, "T", "对"), _tr(lang, "F", "错")
                mark = f'<span class="tf"><span class="box"></span>{t_}<span class="box"></span>{f_}</span>'
            code = _code(sheet, i)
            side = f'<span class="pts">{html.escape(_pts_word(sheet, pts[i - 1]))}</span>' + (
                f'<span class="code">{html.escape(code)}</span>' if code else "")
            q = [f'<div class="q {s.id}" id="q{i}"><div class="head"><span class="n">{i}.</span>'
                 f'<div class="txt">{_both_html(sheet, it.prompt)} {mark}</div><div class="side">{side}</div></div>']
            if options:
                cls = _opts_class(sheet, options)
                q.append(f'<ul class="opts {cls}">' + "".join(
                    f"<li><strong>{LETTERS[j]}.</strong> {_both_html(sheet, o.text)}</li>" for j, o in enumerate(options)) + "</ul>")
            if not _objective(it):
                h = SPACE_PT.get(sheet.space, SPACE_PT["normal"])["calc" if s.id == "calc" else "short"]
                q.append(f'<div class="space" style="height: {h}pt"></div>')
            q.append("</div>")
            out.append("".join(q))
    return "\n".join(out)


def _html_key(sheet: Sheet, first: bool = False) -> str:
    lang = sheet.lang
    label = f" — {_tr(lang, 'Form', '试卷')} {sheet.label}" if sheet.form else (f" ({_tr(lang, 'version', '版本')} {sheet.label})" if sheet.label else "")
    who = f" · {_tr(lang, 'Student', '学号')} {html.escape(sheet.student)}" if sheet.student else ""
    out = [f'<section class="key{" first" if first else ""}"><h2>{_tr(lang, "Answer key", "参考答案")}{label}{who}</h2>']
    grid = [(i, it) for i, it in enumerate(sheet.items, 1) if _objective(it)]
    for row in range(0, len(grid), 10):
        cells = grid[row:row + 10]
        out.append('<table class="grid"><tr>' + "".join(f"<th>{i}</th>" for i, _ in cells) + "</tr><tr>"
                   + "".join(f'<td id="a{i}">{html.escape(_short_answer(it, lang))}</td>' for i, it in cells) + "</tr></table>")
    rest = [(i, it) for i, it in enumerate(sheet.items, 1) if not _objective(it)]
    for i, it in rest:
        ans, lines = _key_parts(it, lang)
        steps = "".join(f"<div>{text_html(line)}</div>" for line in lines)
        code = _code(sheet, i)
        c = f' <span class="code" style="display:inline">{html.escape(code)}</span>' if code else ""
        out.append(f'<div class="a" id="a{i}"><span class="n"><strong>{i}.</strong></span> {text_html(ans)}{c}<div class="steps">{steps}</div></div>')
    out.append("</section>")
    return "\n".join(out)


def _html_header(sheet: Sheet) -> str:
    lang = sheet.lang
    total = _num(sum(_points(sheet)))
    who = (f'<span>{_trs(sheet, "Student", "学号")}: <strong>{html.escape(sheet.student)}</strong></span>' if sheet.student
           else f'<span>{_trs(sheet, "Student no.", "学号")}: <span class="blank"></span></span>')
    first, second = _instructions(sheet)
    return (
        f"<h1>{html.escape(_heading(sheet))}</h1>"
        f'<div class="meta"><span>{_trs(sheet, "Name", "姓名")}: <span class="blank"></span></span>{who}'
        f'<span>{_trs(sheet, "Date", "日期")}: {html.escape(sheet.date) if sheet.date else "<span class=blank></span>"}</span>'
        f'<span>{_trs(sheet, "Score", "得分")}: <span class="blank" style="min-width:14mm"></span> / {total}</span></div>'
        f'<div class="meta"><span>{_trs(sheet, "Topics", "主题")}: {html.escape(", ".join(sheet.topics))}</span></div>'
        + (f'<div class="instr">{html.escape(first)}' + (f"<br>{html.escape(second)}" if second else "") + "</div>" if sheet.instructions else "")
        + f'<div class="repro">{_tr(lang, "Seed", "种子")} {sheet.seed} · {_tr(lang, "reproduce with", "复现命令")}: '
        f"<code>{html.escape(sheet.command)}</code></div>"
    )


def _body(sheet: Sheet, answers: str) -> str:
    body = _html_header(sheet) + "\n" + _html_questions(sheet)
    if answers == "end":
        body += "\n" + _html_key(sheet)
    return body


def html_sheet(sheet: Sheet, answers: str = "end") -> tuple[str, str | None]:
    """(sheet, separate key or None), each one self-contained HTML document."""
    doc = _html_doc(sheet.title, _body(sheet, answers), sheet.lang)
    if answers == "separate":
        key_title = f"{_heading(sheet)} — {_tr(sheet.lang, 'answer key', '参考答案')}"
        return doc, _html_doc(key_title, f"<h1>{html.escape(key_title)}</h1>" + _html_key(sheet, first=True), sheet.lang)
    return doc, None


def html_class_set(sheets: Sequence[Sheet]) -> str:
    """Every form in one document, each starting on a new page (one browser prints them all)."""
    parts = [f'<section class="form{" first" if j == 0 else ""}">{_body(s, "none")}</section>' for j, s in enumerate(sheets)]
    return _html_doc(sheets[0].title, "\n".join(parts), sheets[0].lang)


def combined_key_html(sheets: Sequence[Sheet]) -> str:
    lang = sheets[0].lang
    what = ("answer keys, all forms", "全部试卷参考答案") if sheets[0].form else ("answer keys, all versions", "全部版本参考答案")
    title = f"{sheets[0].title} — {_tr(lang, *what)}"
    body = f"<h1>{html.escape(title)}</h1>" + "\n".join(_html_key(s, first=(j == 0)) for j, s in enumerate(sheets))
    return _html_doc(title, body, lang)


def combined_key_markdown(sheets: Sequence[Sheet]) -> str:
    lang = sheets[0].lang
    what = ("answer keys, all forms", "全部试卷参考答案") if sheets[0].form else ("answer keys, all versions", "全部版本参考答案")
    title = f"{sheets[0].title} — {_tr(lang, *what)}"
    return "\n".join([f"# {title}", ""] + [_markdown_key(s) for s in sheets]).rstrip() + "\n"


# ----------------------------------------------------------------------------- files


class OutputError(Exception):
    """The file could not be written where asked. `kind` says why: "is_dir" (the target is
    a folder), "no_dir" (its folder does not exist), "not_writable" (no new file can be made
    in that folder), "not_replaced" (the old file could not be replaced: read-only or
    immutable), "not_new" (what is there afterwards is not the file just made)."""

    def __init__(self, kind: str, path: Path, detail: str = ""):
        super().__init__(f"{kind}: {path}" + (f" ({detail})" if detail else ""))
        self.kind, self.path, self.detail = kind, Path(path), detail


def check_target(path: Path) -> None:
    """Raise OutputError when `path` can obviously not become the new file."""
    path = Path(path)
    if path.is_dir():
        raise OutputError("is_dir", path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError("no_dir", path, str(parent))


def _new_file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)  # replacing a file keeps its permissions
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _temp_beside(path: Path) -> Path:
    """An empty temporary file in the target's own folder (so the final rename is atomic)."""
    check_target(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as e:
        raise OutputError("not_writable", path, e.strerror or str(e)) from None
    os.close(fd)
    return Path(name)


def _replace_checked(tmp: Path, path: Path, header: bytes | None = None) -> None:
    """Move the finished temporary file over `path` and check that `path` is now that file."""
    made = os.stat(tmp)
    try:
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError("not_replaced", path, e.strerror or str(e)) from None
    try:
        now = os.stat(path)
        with open(path, "rb") as f:
            start = f.read(len(header) if header else 0)
    except OSError as e:
        raise OutputError("not_new", path, e.strerror or str(e)) from None
    if (now.st_dev, now.st_ino, now.st_size) != (made.st_dev, made.st_ino, made.st_size) or (header and start != header):
        raise OutputError("not_new", path)


def _special(path: Path) -> bool:
    """An existing target that is not a regular file (/dev/stdout, a pipe): it is written
    into, never replaced (replacing /dev/null with a file would be a disaster as root)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_into(path: Path, raw: bytes) -> None:
    try:
        with open(path, "wb") as f:
            f.write(raw)
    except OSError as e:
        raise OutputError("not_replaced", path, e.strerror or str(e)) from None


def write_file(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` whole or not at all: a temporary file in the same folder,
    then an atomic rename, then a check that the target really is the new file. On any
    failure the old file (if any) is left as it was and OutputError is raised."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _special(path):
        _write_into(path, raw)
        return
    path = Path(os.path.realpath(path))  # through a symlink, not over it
    tmp = _temp_beside(path)
    try:
        try:
            with open(tmp, "wb") as f:
                f.write(raw)
        except OSError as e:
            raise OutputError("not_writable", path, e.strerror or str(e)) from None
        _replace_checked(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- PDF


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class NoBrowser(RuntimeError):
    pass


@dataclass(frozen=True)
class Printed:
    """How the PDF was printed: `no_sandbox` is True when Chromium refused to start with
    its sandbox (as root, or without user namespaces) and ran with --no-sandbox; `why` is
    Chromium's own reason."""

    path: Path
    no_sandbox: bool = False
    why: str = ""


# Flags for a browser that prints one local page and does nothing else. JavaScript is
# switched off in the fresh profile's preferences (content setting "javascript": block):
# --blink-settings=scriptEnabled=false would do it too, but with it Chromium 156's headless
# --print-to-pdf silently writes nothing (exit status 0, no file). The page's own
# Content-Security-Policy (see CSP) forbids scripts, frames and every fetch as well.
_FLAGS = (
    "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
)
_PREFERENCES = {"profile": {"default_content_setting_values": {"javascript": 2, "popups": 2, "notifications": 2}}}
_SANDBOX_FAILURE = re.compile(r"[^\n]*(?:no-sandbox|sandbox|crbug\.com/638180)[^\n]*", re.I)
_NOISE = re.compile(r"dbus|Fontconfig|unexpected operator|bytes written to file", re.I)


def _die_with_parent():
    """A preexec_fn that has the child killed when we die (Linux PR_SET_PDEATHSIG), or
    None. Everything is looked up here, in the parent: between fork and exec the child
    only calls prctl (no import, which could deadlock on a lock held by another thread)."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        prctl.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    sig = int(signal.SIGKILL)

    def child() -> None:
        prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG

    return child


def _group_alive(pgid: int) -> bool:
    """Is any process of group `pgid` still running? (Zombies waiting for init to reap
    them count as gone.)"""
    if sys.platform.startswith("linux") and os.path.isdir("/proc"):
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
                return True
        return False
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _kill_group(proc: subprocess.Popen) -> None:
    """End the browser and everything it started (its own process group): SIGTERM, a few
    seconds' grace, then SIGKILL; return once none of them runs any more."""
    if os.name != "posix":
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        return
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None and not _group_alive(proc.pid):
            return
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(proc.pid):
                return
            time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
        proc.wait()


class _Terminated(SystemExit):
    pass


def _run_browser(args: list[str], timeout: float, tmp: str) -> tuple[int, str]:
    kw: dict = {"env": dict(os.environ, TMPDIR=tmp)}  # its own scratch files go with ours
    if os.name == "posix":
        kw["start_new_session"] = True  # its own process group: a Ctrl-C is ours to pass on
        if sys.platform.startswith("linux"):
            kw["preexec_fn"] = _die_with_parent()  # and it dies if we are killed outright
    old: dict = {}
    if threading.current_thread() is threading.main_thread():
        def _stop(signum, frame):
            raise _Terminated(128 + signum)

        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                old[name] = signal.signal(getattr(signal, name), _stop)
    try:
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True, errors="replace", **kw)
        except (OSError, subprocess.SubprocessError) as e:
            raise RuntimeError(f"cannot start {args[0]}: {e}") from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium did not finish within {timeout:.0f} s") from None
        finally:
            _kill_group(proc)  # on success, error, Ctrl-C or SIGTERM alike
        return proc.returncode, err or ""
    finally:
        for name, handler in old.items():
            signal.signal(getattr(signal, name), handler)


def _tail(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip() and not _NOISE.search(ln)]
    return " ".join(lines)[-300:]


def print_pdf(html_doc: str, pdf_path: Path, timeout: float = 120.0) -> Printed:
    """Print an HTML document to `pdf_path` with headless Chromium: JavaScript off, no
    network, a fresh profile, the browser's sandbox unless it cannot start with it. The PDF
    is printed to a temporary file beside the target, checked (non-empty, starts with %PDF,
    written by this run), then renamed over the target; OutputError if the target cannot
    take it (the old file stays as it was), RuntimeError if Chromium fails."""
    browser = find_browser()
    if browser is None:
        raise NoBrowser("no Chromium found")
    special = _special(pdf_path)
    pdf_path = Path(pdf_path) if special else Path(os.path.realpath(pdf_path))
    part = _temp_beside(Path(tempfile.gettempdir()) / "quizcli-sheet.pdf" if special else pdf_path)
    try:
        with tempfile.TemporaryDirectory(prefix="quizcli-pdf-", ignore_cleanup_errors=True) as tmp:
            src = Path(tmp) / "sheet.html"
            src.write_text(html_doc, encoding="utf-8")
            profile = Path(tmp) / "profile"
            (profile / "Default").mkdir(parents=True)
            (profile / "Default" / "Preferences").write_text(json.dumps(_PREFERENCES), encoding="utf-8")
            before = os.stat(part)
            base = [browser, *_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={part}", src.as_uri()]
            code, err = _run_browser(base, timeout, tmp)
            no_sandbox, why = False, ""
            if code != 0 and _SANDBOX_FAILURE.search(err):
                no_sandbox = True
                why = _SANDBOX_FAILURE.search(err).group(0).strip()
                why = re.sub(r"^\[[^\]]*\]\s*", "", why)[:200]
                code, err = _run_browser([browser, "--no-sandbox", *base[1:]], timeout, tmp)
            if code != 0:
                raise RuntimeError(f"Chromium failed ({code}): {_tail(err)}")
            after = os.stat(part)
            with open(part, "rb") as f:
                head = f.read(5)
            if after.st_size == 0 or head != b"%PDF-" or after.st_mtime_ns < before.st_mtime_ns:
                raise RuntimeError("Chromium exited without writing the PDF" + (f": {_tail(err)}" if _tail(err) else ""))
        if special:
            _write_into(pdf_path, part.read_bytes())
        else:
            _replace_checked(part, pdf_path, header=b"%PDF-")
        return Printed(pdf_path, no_sandbox, why)
    finally:
        part.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- key CODE


def key_view(item: Item, code: str, lang: str, points: float | None = None):
    """One coded item for a grader on the terminal: the question, the answer, the worked
    solution (a rich renderable)."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from ..core.mathtext import render_inline

    head = Text()
    head.append(code, style="bold cyan")
    head.append(f"  {item.id}  ·  {kinds.of(item).label.t(lang)}", style="dim")
    if points is not None:
        head.append(f"  ·  {_num(points)} " + _tr(lang, "pts", "分"), style="dim")
    head.append("\n")
    head.append(render_inline(item.prompt.t(lang), {}))
    for j, o in enumerate(kinds.of(item).options(item)):
        head.append(f"\n  {LETTERS[j]}. ", style="bold")
        head.append(render_inline(o.text.t(lang), {}))
    ans, lines = _answer_parts(item, lang)
    out = [Panel(head, border_style="cyan")]
    a = Text(_tr(lang, "Answer: ", "答案："), style="bold green")
    a.append(render_inline(kinds.of(item).expected(item, lang), {}), style="bold")
    out.append(a)
    if kinds.of(item).self_rated:
        out.append(Text(render_inline(ans, {})))
    if lines:
        out.append(Text(_tr(lang, "Worked solution", "解答过程"), style="bold green"))
        for j, line in enumerate(lines, 1):
            t = Text(f" {j}. ", style="bold")
            t.append(render_inline(line, {}))
            out.append(t)
    return Group(*out)
