"""The bank as Moodle XML (Moodle's own question import format: question/format/xml).

- A category per topic; bank questions as `multichoice` (single and multiple answer, a
  `fraction` per option from Moodle's list of allowed grades, the option's `why` as its
  feedback), `truefalse`, `numerical` (a fixed number with its tolerance) and `essay` (short
  answers and formulas: the model answer and key points as grader information).
- Each generated family in its own category: N seeded, engine-verified variants as
  `numerical` questions (draw them with Moodle's random question), and for the families with
  a closed form Moodle's formula language can write (conv/pool output size with `floor`,
  parameter counts, the sigmoid) also a `calculated` question with its dataset, whose items
  are the parameters of those verified problems.
- `lang="both"` writes Moodle's multilang spans (the multilang filter shows one language);
  maths is written as `\\( … \\)`, which Moodle's MathJax filter renders.

The XML writer is the standard library's ElementTree (texts escaped by it)."""
from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Sequence

from .. import kinds
from ..core.mathtext import MATH, plain_subscripts
from ..core.models import Bank, Bilingual, Question
from ..core.session import Item
from ..study.exam import section_of

# Moodle's allowed grades (question_bank::fraction_options_full), as percentages
GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5,
          11.11111, 10, 5, 0)
MOODLE_LANG = {"zh": "zh_cn", "en": "en"}

# TeX commands MathJax would turn into links, styles, ids, raw HTML or macros: such a formula is
# shown as plain text, never handed to MathJax
_UNSAFE_TEX = re.compile(r"\\(?:href|url|class|style|cssId|html|data|unicode|require|def|gdef|edef|let|"
                         r"newcommand|renewcommand|newenvironment|mmlToken|bbox|texttip|toggle|mathtip)(?![A-Za-z])")
_RAW_SCRIPT = re.compile(r"[A-Za-z0-9α-ωΑ-Ω)\]]*(?:[_^]\{[^{}]*\})+")


def grade(percent: float) -> str:
    """A percentage written as the allowed Moodle grade it equals (ValueError if none)."""
    for g in GRADES:
        if abs(abs(percent) - g) < 0.001:
            v = g if percent >= 0 else -g
            return f"{v:g}" if float(v).is_integer() else f"{v:.5f}"
    raise ValueError(f"{percent} % is not a grade Moodle accepts")


def _inline(s: str) -> str:
    s = plain_subscripts(s)
    out, pos = [], 0
    for m in _RAW_SCRIPT.finditer(s):  # a sub/superscript left in plain text: as maths
        out.append(html.escape(s[pos:m.start()], quote=False))
        out.append("\\(" + html.escape(m.group(0), quote=False) + "\\)")
        pos = m.end()
    out.append(html.escape(s[pos:], quote=False))
    s = "".join(out)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
    return s


def mathjax_html(text: str) -> str:
    """Markdown-lite with `$…$` → HTML with `\\( … \\)` (and `$$…$$` → `\\[ … \\]`) for
    MathJax; a matrix written [1 2; 3 4] becomes a bmatrix; no raw ^{…} or _{…} is left
    outside the maths."""
    from ..render.sheets import _matrices

    text = _matrices(text)
    parts, pos = [], 0
    for m in MATH.finditer(text):
        parts.append(_inline(text[pos:m.start()]))
        if _UNSAFE_TEX.search(m.group(0)):
            parts.append(html.escape(m.group(0), quote=False))
        elif m.group(1) is not None:
            parts.append("\\[" + html.escape(m.group(1).strip(), quote=False) + "\\]")
        else:
            parts.append("\\(" + html.escape(m.group(2).strip(), quote=False) + "\\)")
        pos = m.end()
    parts.append(_inline(text[pos:]))
    body = "".join(parts)
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "".join("<p>" + "<br>".join(p.split("\n")) + "</p>" for p in paras)


def bilingual_html(b: Bilingual, lang: str) -> str:
    """One language, or both as Moodle multilang spans (zh_cn and en)."""
    if lang != "both":
        return mathjax_html(b.t(lang))
    return "".join(f'<span lang="{MOODLE_LANG[lg]}" class="multilang">{mathjax_html(b.t(lg))}</span>' for lg in ("zh", "en"))


def _plain(b: Bilingual, lang: str) -> str:
    return b.t("en" if lang == "both" else lang)


# ----------------------------------------------------------------------------- XML helpers


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html", **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, **({"format": fmt} if fmt else {}), **attrs)
    ET.SubElement(el, "text").text = value
    return el


def _simple(parent: ET.Element, tag: str, value) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = str(value)
    return el


def _category(quiz: ET.Element, path: str) -> None:
    q = ET.SubElement(quiz, "question", type="category")
    _text(q, "category", f"$course$/top/{path}", fmt=None)
    _text(q, "info", "", fmt="html")


def _head(quiz: ET.Element, qtype: str, name: str, prompt: str, general: str, points: float) -> ET.Element:
    q = ET.SubElement(quiz, "question", type=qtype)
    _text(q, "name", name, fmt=None)
    _text(q, "questiontext", prompt)
    _text(q, "generalfeedback", general)
    _simple(q, "defaultgrade", f"{points:g}")
    _simple(q, "penalty", "0.3333333")
    _simple(q, "hidden", "0")
    return q


def _answer(q: ET.Element, fraction: str, text: str, feedback: str = "", fmt: str = "html", **extra) -> ET.Element:
    a = ET.SubElement(q, "answer", fraction=fraction, format=fmt)
    ET.SubElement(a, "text").text = text
    for k, v in extra.items():
        _simple(a, k, v)
    _text(a, "feedback", feedback)
    return a


def _num(v: float) -> str:
    return f"{v:.10g}"


def tolerance(answer: float, rtol: float, atol: float) -> float:
    """The absolute (nominal) tolerance Moodle checks: the larger of the two."""
    return max(float(atol), float(rtol) * abs(float(answer)))


# ----------------------------------------------------------------------------- bank questions


@dataclass
class Counts:
    questions: int = 0
    by_type: dict | None = None
    skipped: list | None = None

    def add(self, qtype: str) -> None:
        self.questions += 1
        self.by_type = self.by_type or {}
        self.by_type[qtype] = self.by_type.get(qtype, 0) + 1


def _bank_question(quiz: ET.Element, q: Question, lang: str, counts: Counts) -> None:
    item = Item.of_question(q)
    kind = kinds.of(item)
    pts = float(section_of(item).points)
    prompt = bilingual_html(q.prompt, lang)
    general = bilingual_html(q.explanation, lang)
    options = kind.options(item)
    if options:
        right = kind.right_options(item)
        wrong = len(options) - len(right)
        qq = _head(quiz, "multichoice", q.id, prompt, general, pts)
        _simple(qq, "single", "false" if kind.multiple else "true")
        _simple(qq, "shuffleanswers", "true")
        _simple(qq, "answernumbering", "ABCD")
        for j, o in enumerate(options):
            if j in right:
                frac = grade(100 / len(right))
            else:
                frac = grade(-100 / wrong) if kind.multiple and wrong else "0"
            _answer(qq, frac, bilingual_html(o.text, lang), bilingual_html(o.why, lang) if o.why else "")
        counts.add("multichoice")
    elif isinstance(q.answer, bool):
        qq = _head(quiz, "truefalse", q.id, prompt, general, pts)
        _answer(qq, "100" if q.answer else "0", "true", "", fmt="moodle_auto_format")
        _answer(qq, "0" if q.answer else "100", "false", "", fmt="moodle_auto_format")
        counts.add("truefalse")
    elif isinstance(q.answer, float):
        qq = _head(quiz, "numerical", q.id, prompt, general, pts)
        _answer(qq, "100", _num(q.answer), "", fmt="moodle_auto_format", tolerance=_num(tolerance(q.answer, q.rtol, q.atol)))
        counts.add("numerical")
    else:  # short answers, formulas, vectors: a teacher marks them with the model answer at hand
        model = Bilingual(kind.model_answer(item, "en"), kind.model_answer(item, "zh"))
        info = bilingual_html(model, lang)
        if q.key_points:
            info += "<ol>" + "".join(f"<li>{bilingual_html(k, lang)}</li>" for k in q.key_points) + "</ol>"
        qq = _head(quiz, "essay", q.id, prompt, general, pts)
        _simple(qq, "responseformat", "editor")
        _simple(qq, "responserequired", "1")
        _simple(qq, "responsefieldlines", "10")
        _simple(qq, "attachments", "0")
        _simple(qq, "attachmentsrequired", "0")
        _text(qq, "graderinfo", info)
        _text(qq, "responsetemplate", "")
        counts.add("essay")


# ----------------------------------------------------------------------------- families


@dataclass(frozen=True)
class Calculated:
    """A family Moodle's calculated question can hold: its text with {variables}, the
    formula in Moodle's language, the variables of a verified problem's parameters (None
    when those parameters fall outside the formula), the same formula in Python (to check
    the formula against the engine-verified answer), decimals shown."""

    prompt: Bilingual
    formula: str
    variables: Callable[[dict], dict | None]
    value: Callable[[dict], float]
    answer: Callable[[object], float]
    decimals: int = 0
    tolerance: float = 0.0


def _square(v) -> int | None:
    return v[0] if isinstance(v, (tuple, list)) and len(v) == 2 and v[0] == v[1] else None


def _conv_vars(p: dict) -> dict | None:
    n, k, s, pad, d = (_square(p.get(x)) for x in ("n", "k", "s", "p", "d"))
    if None in (n, k, s, pad) or d not in (None, 1) or not s:
        return None
    return {"n": n, "k": k, "s": s, "p": pad}


def _pool_vars(p: dict) -> dict | None:
    if p.get("ceil"):
        return None
    return _conv_vars({**p, "d": (1, 1)})


def _conv_params_vars(p: dict) -> dict | None:
    k = _square(p.get("k"))
    if k is None or not p.get("bias"):
        return None
    return {"k": k, "c_in": p["c_in"], "c_out": p["c_out"]}


def _recurrent_vars(p: dict) -> dict | None:
    return {"d": p["d"], "h": p["h"], "b": p["biases"]}


def _sigmoid_vars(p: dict) -> dict | None:
    return {"x": p["x"]} if p.get("f") == "sigmoid" else None


def _first(a):
    return float(a[0]) if isinstance(a, (tuple, list)) else float(a)


_OUT = "floor(({n} + 2*{p} - {k}) / {s}) + 1"
CALCULATED: dict[str, Calculated] = {
    "conv_output": Calculated(
        Bilingual("A convolution layer with a {k}×{k} kernel, stride {s} and zero padding {p} on each side is applied to a "
                  "{n}×{n} input. What is the output size (height = width)?",
                  "对 {n}×{n} 的输入做卷积，卷积核 {k}×{k}，步长 {s}，每侧零填充 {p}。输出尺寸（高 = 宽）是多少？"),
        _OUT, _conv_vars, lambda v: math.floor((v["n"] + 2 * v["p"] - v["k"]) / v["s"]) + 1, float),
    "pool_output": Calculated(
        Bilingual("A {k}×{k} pooling window with stride {s} and padding {p} is applied to a {n}×{n} feature map "
                  "(rounding down). What is the output size?",
                  "对 {n}×{n} 的特征图做 {k}×{k} 池化，步长 {s}，填充 {p}（向下取整）。输出尺寸是多少？"),
        _OUT, _pool_vars, lambda v: math.floor((v["n"] + 2 * v["p"] - v["k"]) / v["s"]) + 1, float),
    "conv_params": Calculated(
        Bilingual("How many parameters (weights and biases) does a convolution layer with {c_in} input channels, "
                  "{c_out} filters of size {k}×{k} and one bias per filter have?",
                  "卷积层有 {c_in} 个输入通道、{c_out} 个 {k}×{k} 的卷积核，每个卷积核一个偏置。共有多少个参数（权重与偏置）？"),
        "({k}*{k}*{c_in} + 1) * {c_out}", _conv_params_vars, lambda v: (v["k"] * v["k"] * v["c_in"] + 1) * v["c_out"], float),
    "rnn_params": Calculated(
        Bilingual("A simple RNN layer has input size {d}, hidden size {h} and {b} bias vector(s). How many parameters does it have?",
                  "简单 RNN 层输入维度 {d}，隐藏维度 {h}，有 {b} 个偏置向量。共有多少个参数？"),
        "{h} * ({d} + {h} + {b})", _recurrent_vars, lambda v: v["h"] * (v["d"] + v["h"] + v["b"]), float),
    "lstm_params": Calculated(
        Bilingual("An LSTM layer has input size {d}, hidden size {h} and {b} bias vector(s) per gate. How many parameters does it have?",
                  "LSTM 层输入维度 {d}，隐藏维度 {h}，每个门 {b} 个偏置向量。共有多少个参数？"),
        "4 * {h} * ({d} + {h} + {b})", _recurrent_vars, lambda v: 4 * v["h"] * (v["d"] + v["h"] + v["b"]), float),
    "gru_params": Calculated(
        Bilingual("A GRU layer has input size {d}, hidden size {h} and {b} bias vector(s) per gate. How many parameters does it have?",
                  "GRU 层输入维度 {d}，隐藏维度 {h}，每个门 {b} 个偏置向量。共有多少个参数？"),
        "3 * {h} * ({d} + {h} + {b})", _recurrent_vars, lambda v: 3 * v["h"] * (v["d"] + v["h"] + v["b"]), float),
    "activation": Calculated(
        Bilingual("What is the sigmoid σ(x) = 1/(1 + e^(−x)) at x = {x}? (4 decimals)",
                  "sigmoid 函数 σ(x) = 1/(1 + e^(−x)) 在 x = {x} 处的值是多少？（保留 4 位小数）"),
        "1 / (1 + exp(-{x}))", _sigmoid_vars, lambda v: 1 / (1 + math.exp(-v["x"])), _first, decimals=4, tolerance=0.0005),
}


def _scalar(a) -> float | None:
    if isinstance(a, bool):
        return None
    if isinstance(a, (int, float)):
        return float(a)
    return None


def _variants(fid: str, n: int, difficulty: str = "medium"):
    """Up to `n` engine-verified problems of the family (seeds 1, 2, …; at most 8n tried)."""
    from .. import generators

    out = []
    for seed in range(1, 8 * n + 1):
        if len(out) >= n:
            break
        try:
            out.append(generators.generate(fid, seed, difficulty))
        except Exception:  # a seed whose routes disagree is never shown
            continue
    return out


def _family(quiz: ET.Element, fid: str, topic_path: str, lang: str, variants: int, counts: Counts) -> None:
    from .. import generators

    fam = generators.get(fid).family
    probs = _variants(fid, variants * 3)
    scalars = [p for p in probs if _scalar(p.answer) is not None][:variants]
    spec = CALCULATED.get(fid)
    sets = []
    if spec:
        for p in probs:
            v = spec.variables(dict(p.params))
            if v is None:
                continue
            value = spec.value(v)
            if abs(value - spec.answer(p.answer)) > max(1e-9, spec.tolerance):
                raise AssertionError(f"{fid}: the Moodle formula gives {value}, the verified problem {p.answer}")
            if v not in sets:
                sets.append(v)
    if not scalars and not sets:
        counts.skipped = (counts.skipped or []) + [fid]
        return
    _category(quiz, f"{topic_path}/{fid}")
    pts = 8.0
    for p in scalars:
        ans = _scalar(p.answer)
        steps = Bilingual("\n".join(s.en for s in p.steps), "\n".join(s.zh for s in p.steps))
        qq = _head(quiz, "numerical", p.id, bilingual_html(p.prompt, lang), bilingual_html(steps, lang), pts)
        _answer(qq, "100", _num(ans), "", fmt="moodle_auto_format", tolerance=_num(tolerance(ans, p.rtol, p.atol)))
        counts.add("numerical")
    if sets:
        title = Bilingual(fam.title.en + " (calculated)", fam.title.zh + "（计算型）")
        qq = _head(quiz, "calculated", f"{fid} · {_plain(title, lang)}", bilingual_html(spec.prompt, lang), "", pts)
        _simple(qq, "synchronize", "0")
        _simple(qq, "single", "0")
        _simple(qq, "answernumbering", "abc")
        _simple(qq, "shuffleanswers", "0")
        _answer(qq, "100", spec.formula, "", fmt="moodle_auto_format", tolerance=_num(spec.tolerance),
                tolerancetype="2", correctanswerformat="1", correctanswerlength=str(spec.decimals))
        _simple(qq, "unitgradingtype", "0")
        _simple(qq, "unitpenalty", "0.1000000")
        _simple(qq, "showunits", "3")
        _simple(qq, "unitsleft", "0")
        defs = ET.SubElement(qq, "dataset_definitions")
        for name in sets[0]:
            d = ET.SubElement(defs, "dataset_definition")
            ET.SubElement(ET.SubElement(d, "status"), "text").text = "private"
            ET.SubElement(ET.SubElement(d, "name"), "text").text = name
            _simple(d, "type", "calculated")
            ET.SubElement(ET.SubElement(d, "distribution"), "text").text = "uniform"
            vals = [s[name] for s in sets]
            ET.SubElement(ET.SubElement(d, "minimum"), "text").text = _num(min(vals))
            ET.SubElement(ET.SubElement(d, "maximum"), "text").text = _num(max(vals))
            dec = 0 if all(float(x).is_integer() for x in vals) else 2
            ET.SubElement(ET.SubElement(d, "decimals"), "text").text = str(dec)
            _simple(d, "itemcount", len(vals))
            items = ET.SubElement(d, "dataset_items")
            for j, x in enumerate(vals, 1):
                it = ET.SubElement(items, "dataset_item")
                _simple(it, "number", j)
                _simple(it, "value", _num(x))
            _simple(d, "number_of_items", len(vals))
        counts.add("calculated")


# ----------------------------------------------------------------------------- the file


def build_xml(bank: Bank, topics: Sequence[str], concepts: Sequence[str] = (), lang: str = "en",
              variants: int = 5) -> tuple[bytes, Counts]:
    """The Moodle XML document (UTF-8 bytes) and what it holds."""
    from ..study.items import _families_for

    quiz = ET.Element("quiz")
    counts = Counts(by_type={}, skipped=[])
    topics = list(topics) or list(bank.topics)
    wanted = set(concepts)
    for t in topics:
        path = f"quizcli/{t}"
        _category(quiz, path)
        for q in bank.questions.values():
            if q.topic != t or (wanted and not set(q.concepts) & wanted):
                continue
            _bank_question(quiz, q, lang, counts)
        if variants > 0:
            for fid in _families_for({t}, wanted, bank) if not wanted else _families_for(set(), wanted, bank):
                if fid_topic(fid) == t:
                    _family(quiz, fid, path, lang, variants, counts)
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n", counts


def fid_topic(fid: str) -> str:
    from .. import generators

    return generators.get(fid).family.topic
