"""The class report on the terminal (rich tables) and as a printable HTML page with small
bar charts (the same Content-Security-Policy as the sheets: no script, no fetch)."""
from __future__ import annotations

import html
from ..i18n import html_lang


def _tr(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def _r(x: float | None) -> str:
    return "—" if x is None else f"{x:+.2f}"


def _flags(flags: list[str], lang: str) -> str:
    zh = {"low discrimination": "区分度低", "hard": "过难", "easy": "过易"}
    return ", ".join(zh.get(f, f) if lang == "zh" else f for f in flags)


def tables(data: dict, lang: str):
    """Rich renderables: items, concepts, families."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    out = [Text(_tr(lang, f"Class report: {data['students']} students", f"班级报告：{data['students']} 名学生"), style="bold")]
    t = Table(title=_tr(lang, "Items", "题目"), title_justify="left")
    for col, j in ((_tr(lang, "item", "题目"), "left"), (_tr(lang, "answered", "作答"), "right"),
                   (_tr(lang, "facility", "难度（正确率）"), "right"), (_tr(lang, "discr.", "区分度"), "right"),
                   (_tr(lang, "27 % index", "27% 指数"), "right"), (_tr(lang, "flags", "标记"), "left")):
        t.add_column(col, justify=j)
    for it in data["items"]:
        t.add_row(it["item"], str(it["answered"]), _pct(it["facility"]), _r(it["discrimination"]), _r(it["upper_lower"]),
                  Text(_flags(it["flags"], lang), style="yellow"))
    out.append(t)
    c = Table(title=_tr(lang, "Concepts", "知识点"), title_justify="left")
    c.add_column(_tr(lang, "concept", "知识点"))
    c.add_column(_tr(lang, "students", "学生"), justify="right")
    c.add_column(_tr(lang, "facility", "正确率"), justify="right")
    for row in data["concepts"]:
        c.add_row(row["concept"], str(row["answered"]), _pct(row["facility"]))
    out.append(c)
    if data["families"]:
        f = Table(title=_tr(lang, "Problem families", "题族"), title_justify="left")
        f.add_column(_tr(lang, "family", "题族"))
        f.add_column(_tr(lang, "facility", "正确率"), justify="right")
        f.add_column(_tr(lang, "by parameter", "按参数"))
        f.add_column(_tr(lang, "most frequent misconceptions", "最常见的错误思路"))
        for row in data["families"]:
            b = "; ".join(f"{x['bucket']}: {_pct(x['facility'])} ({x['answered']})" for x in row["buckets"])
            m = ", ".join(f"{x['id']} ×{x['count']}" for x in row["misconceptions"])
            f.add_row(row["family"], f"{_pct(row['facility'])} ({row['answered']})", b or "—", m or "—")
        out.append(f)
    return Group(*out)


CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans CJK SC", "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #111; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; border-bottom: 1px solid #888; }
table { border-collapse: collapse; width: 100%; margin-bottom: 10pt; }
th, td { border-bottom: 1px solid #ddd; padding: 2pt 4pt; text-align: left; vertical-align: middle; }
th { background: #f0f0f0; }
tr { break-inside: avoid; }
.bar { display: inline-block; height: 7pt; background: #4a7bb7; vertical-align: middle; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar.neg { background: #c0504d; }
.track { display: inline-block; width: 60pt; background: #eee; margin-right: 4pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.flag { color: #a33; font-weight: bold; }
.num { text-align: right; white-space: nowrap; }
"""


def _bar(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "—"
    w = min(1.0, abs(x)) * 60
    cls = "bar neg" if signed and x < 0 else "bar"
    label = f"{x:+.2f}" if signed else f"{100 * x:.0f} %"
    return f'<span class="track"><span class="{cls}" style="width: {w:.1f}pt"></span></span>{label}'


def html_report(data: dict, lang: str) -> str:
    from .sheets import CSP

    e = html.escape
    title = _tr(lang, f"Class report — {data['students']} students", f"班级报告 —— {data['students']} 名学生")
    rows = []
    for it in data["items"]:
        rows.append(f"<tr><td>{e(it['item'])}</td><td class=num>{it['answered']}</td><td>{_bar(it['facility'])}</td>"
                    f"<td>{_bar(it['discrimination'], True)}</td><td class=num>{_r(it['upper_lower'])}</td>"
                    f"<td class=flag>{e(_flags(it['flags'], lang))}</td></tr>")
    head = "".join(f"<th>{e(h)}</th>" for h in (_tr(lang, "Item", "题目"), _tr(lang, "Answered", "作答"), _tr(lang, "Facility", "正确率"),
                                                 _tr(lang, "Discrimination", "区分度"), _tr(lang, "27 % index", "27% 指数"), _tr(lang, "Flags", "标记")))
    body = [f"<h1>{e(title)}</h1>", f"<h2>{_tr(lang, 'Items', '题目')}</h2><table><tr>{head}</tr>{''.join(rows)}</table>"]
    crow = "".join(f"<tr><td>{e(c['concept'])}</td><td class=num>{c['answered']}</td><td>{_bar(c['facility'])}</td></tr>" for c in data["concepts"])
    body.append(f"<h2>{_tr(lang, 'Concepts', '知识点')}</h2><table><tr><th>{_tr(lang, 'Concept', '知识点')}</th>"
                f"<th>{_tr(lang, 'Students', '学生')}</th><th>{_tr(lang, 'Facility', '正确率')}</th></tr>{crow}</table>")
    if data["families"]:
        frows = []
        for f in data["families"]:
            b = "<br>".join(f"{e(x['bucket'])}: {_bar(x['facility'])} ({x['answered']})" for x in f["buckets"]) or "—"
            m = "<br>".join(f"{e(x['id'])} ×{x['count']}" for x in f["misconceptions"]) or "—"
            frows.append(f"<tr><td>{e(f['family'])}</td><td>{_bar(f['facility'])} ({f['answered']})</td><td>{b}</td><td>{m}</td></tr>")
        body.append(f"<h2>{_tr(lang, 'Problem families', '题族')}</h2><table><tr><th>{_tr(lang, 'Family', '题族')}</th>"
                    f"<th>{_tr(lang, 'Facility', '正确率')}</th><th>{_tr(lang, 'By parameter', '按参数')}</th>"
                    f"<th>{_tr(lang, 'Misconceptions', '错误思路')}</th></tr>{''.join(frows)}</table>")
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html_lang(lang)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f"<title>{e(title)}</title><style>{CSS}</style></head>\n<body>\n{''.join(body)}\n</body></html>\n")
