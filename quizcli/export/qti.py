"""The bank as a QTI 1.2 package that Canvas imports (Settings → Import course content →
"QTI .zip file"): an `imsmanifest.xml` and one assessment per topic, each item typed with the
`question_type` Canvas names (multiple_choice_question, true_false_question,
multiple_answers_question, numerical_question, essay_question).

Numbers: Canvas keeps four decimals of a numerical answer and of its bounds (an answer below
1e-4 becomes 0), so each range is widened outward to four decimals and a variant whose
answer is not 0 but below 1e-3 is left out (another seed is drawn instead)."""
from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from typing import Sequence

from .. import kinds
from ..core.models import Bank, Bilingual, Question
from ..core.session import Item
from ..study.exam import section_of
from .moodle import _scalar, _variants, mathjax_html, tolerance

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_DECIMALS = 4
SMALLEST = 1e-3


@dataclass
class QtiCounts:
    questions: int = 0
    by_type: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)

    def add(self, qtype: str) -> None:
        self.questions += 1
        self.by_type[qtype] = self.by_type.get(qtype, 0) + 1


def _text(b: Bilingual, lang: str) -> str:
    if lang == "both":
        return mathjax_html(b.zh) + "<hr>" + mathjax_html(b.en)
    return mathjax_html(b.t(lang))


def _meta(item: ET.Element, fields: dict) -> None:
    md = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    for k, v in fields.items():
        f = ET.SubElement(md, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = k
        ET.SubElement(f, "fieldentry").text = str(v)


def _material(parent: ET.Element, html_text: str) -> None:
    m = ET.SubElement(parent, "material")
    ET.SubElement(m, "mattext", texttype="text/html").text = html_text


def _score(res: ET.Element) -> None:
    outcomes = ET.SubElement(res, "outcomes")
    ET.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")


def _set_full(cond: ET.Element) -> None:
    s = ET.SubElement(cond, "setvar", action="Set", varname="SCORE")
    s.text = "100"


def bounds(answer: float, tol: float) -> tuple[str, str]:
    """[answer − tol, answer + tol] widened outward to Canvas's four decimals."""
    f = 10 ** CANVAS_DECIMALS
    lo = math.floor(round((answer - tol) * f, 6)) / f
    hi = math.ceil(round((answer + tol) * f, 6)) / f
    return f"{lo:.{CANVAS_DECIMALS}f}", f"{hi:.{CANVAS_DECIMALS}f}"


def _choice_item(sec, ident, title, prompt, options, right, multiple, points, lang, general):
    qtype = "multiple_answers_question" if multiple else "multiple_choice_question"
    it = ET.SubElement(sec, "item", ident=ident, title=title)
    ids = [f"{ident}_{j}" for j in range(len(options))]
    _meta(it, {"question_type": qtype, "points_possible": f"{points:g}", "original_answer_ids": ",".join(ids)})
    pres = ET.SubElement(it, "presentation")
    _material(pres, prompt)
    lid = ET.SubElement(pres, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
    rc = ET.SubElement(lid, "render_choice")
    for oid, text in zip(ids, options):
        lab = ET.SubElement(rc, "response_label", ident=oid)
        _material(lab, text)
    res = ET.SubElement(it, "resprocessing")
    _score(res)
    cond = ET.SubElement(res, "respcondition", **{"continue": "No"})
    cv = ET.SubElement(cond, "conditionvar")
    if multiple:
        both = ET.SubElement(cv, "and")
        for j, oid in enumerate(ids):
            if j in right:
                ET.SubElement(both, "varequal", respident="response1").text = oid
            else:
                ET.SubElement(ET.SubElement(both, "not"), "varequal", respident="response1").text = oid
    else:
        ET.SubElement(cv, "varequal", respident="response1").text = ids[min(right)]
    _set_full(cond)
    if general:
        fb = ET.SubElement(it, "itemfeedback", ident="general_fb")
        _material(ET.SubElement(fb, "flow_mat"), general)
    return it


def _numerical_item(sec, ident, title, prompt, answer, tol, points, general):
    it = ET.SubElement(sec, "item", ident=ident, title=title)
    _meta(it, {"question_type": "numerical_question", "points_possible": f"{points:g}"})
    pres = ET.SubElement(it, "presentation")
    _material(pres, prompt)
    rs = ET.SubElement(pres, "response_str", ident="response1", rcardinality="Single")
    ET.SubElement(ET.SubElement(rs, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    res = ET.SubElement(it, "resprocessing")
    _score(res)
    cond = ET.SubElement(res, "respcondition", **{"continue": "No"})
    either = ET.SubElement(ET.SubElement(cond, "conditionvar"), "or")
    lo, hi = bounds(answer, tol)
    ET.SubElement(either, "varequal", respident="response1").text = f"{answer:.{CANVAS_DECIMALS}f}".rstrip("0").rstrip(".") or "0"
    rng = ET.SubElement(either, "and")
    ET.SubElement(rng, "vargte", respident="response1").text = lo
    ET.SubElement(rng, "varlte", respident="response1").text = hi
    _set_full(cond)
    if general:
        fb = ET.SubElement(it, "itemfeedback", ident="general_fb")
        _material(ET.SubElement(fb, "flow_mat"), general)


def _essay_item(sec, ident, title, prompt, points, general):
    it = ET.SubElement(sec, "item", ident=ident, title=title)
    _meta(it, {"question_type": "essay_question", "points_possible": f"{points:g}"})
    pres = ET.SubElement(it, "presentation")
    _material(pres, prompt)
    rs = ET.SubElement(pres, "response_str", ident="response1", rcardinality="Single")
    ET.SubElement(ET.SubElement(rs, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    res = ET.SubElement(it, "resprocessing")
    _score(res)
    ET.SubElement(ET.SubElement(ET.SubElement(res, "respcondition", **{"continue": "No"}), "conditionvar"), "other")
    if general:
        fb = ET.SubElement(it, "itemfeedback", ident="general_fb")
        _material(ET.SubElement(fb, "flow_mat"), general)


def _safe_ident(s: str) -> str:
    return "q_" + "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in s)


def _bank_item(sec, q: Question, lang: str, counts: QtiCounts) -> None:
    item = Item.of_question(q)
    kind = kinds.of(item)
    pts = float(section_of(item).points)
    ident, prompt = _safe_ident(q.id), _text(q.prompt, lang)
    general = _text(q.explanation, lang)
    options = kind.options(item)
    if options:
        _choice_item(sec, ident, q.id, prompt, [_text(o.text, lang) for o in options], kind.right_options(item),
                     kind.multiple, pts, lang, general)
        counts.add("multiple_answers_question" if kind.multiple else "multiple_choice_question")
    elif isinstance(q.answer, bool):
        it = _choice_item(sec, ident, q.id, prompt, ["True", "False"], {0 if q.answer else 1}, False, pts, lang, general)
        it.find("itemmetadata/qtimetadata/qtimetadatafield/fieldentry").text = "true_false_question"
        counts.add("true_false_question")
    elif isinstance(q.answer, float) and (q.answer == 0 or abs(q.answer) >= SMALLEST):
        _numerical_item(sec, ident, q.id, prompt, q.answer, tolerance(q.answer, q.rtol, q.atol), pts, general)
        counts.add("numerical_question")
    else:
        model = Bilingual(kind.model_answer(item, "en"), kind.model_answer(item, "zh"))
        _essay_item(sec, ident, q.id, prompt, pts, general + "<hr>" + _text(model, lang))
        counts.add("essay_question")


def build_package(bank: Bank, topics: Sequence[str], concepts: Sequence[str] = (), lang: str = "en",
                  variants: int = 5) -> tuple[bytes, QtiCounts]:
    """The .zip (bytes) and what it holds."""
    from ..study.items import _families_for
    from .. import generators

    counts = QtiCounts()
    files: dict[str, bytes] = {}
    wanted = set(concepts)
    topics = list(topics) or list(bank.topics)
    for t in topics:
        ident = f"quizcli_{t}"
        root = ET.Element("questestinterop", xmlns=NS)
        title = bank.topics[t].title if t in bank.topics else Bilingual(t, t)
        asmt = ET.SubElement(root, "assessment", ident=ident, title=f"quizcli: {title.en} / {title.zh}")
        sec = ET.SubElement(asmt, "section", ident="root_section")
        for q in bank.questions.values():
            if q.topic == t and (not wanted or set(q.concepts) & wanted):
                _bank_item(sec, q, lang, counts)
        fams = _families_for(set(), wanted, bank) if wanted else _families_for({t}, set(), bank)
        for fid in fams:
            if generators.get(fid).family.topic != t or variants <= 0:
                continue
            chosen = 0
            for p in _variants(fid, variants * 4):
                if chosen >= variants:
                    break
                a = _scalar(p.answer)
                if a is None:
                    continue
                if a != 0 and abs(a) < SMALLEST:
                    counts.left_out.append(p.id)
                    continue
                steps = Bilingual("\n".join(s.en for s in p.steps), "\n".join(s.zh for s in p.steps))
                _numerical_item(sec, _safe_ident(p.id), p.id, _text(p.prompt, lang), a,
                                tolerance(a, p.rtol, p.atol), 8.0, _text(steps, lang))
                counts.add("numerical_question")
                chosen += 1
        ET.indent(root)
        files[f"{ident}/{ident}.xml"] = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    manifest = ET.Element("manifest", identifier="quizcli_manifest", xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1")
    md = ET.SubElement(manifest, "metadata")
    ET.SubElement(md, "schema").text = "IMS Content"
    ET.SubElement(md, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    res = ET.SubElement(manifest, "resources")
    for path in files:
        ident = path.split("/")[0]
        r = ET.SubElement(res, "resource", identifier=ident, type="imsqti_xmlv1p2")
        ET.SubElement(r, "file", href=path)
    ET.indent(manifest)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("imsmanifest.xml", (2020, 1, 1, 0, 0, 0)),
                   b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(manifest, encoding="utf-8"))
        for path, data in files.items():
            z.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue(), counts
