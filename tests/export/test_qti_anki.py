"""`quizcli export qti` (a QTI 1.2 package as Canvas imports it: imsmanifest.xml listing one
imsqti_xmlv1p2 resource per topic, items typed by Canvas's question_type metadata; Canvas
keeps four decimals of a numerical answer, per its QTI import notes) and the Anki deck's
maths (MathJax delimiters, no raw ^{…} or _{…} on a card). Read back with the standard
library: no maintained QTI 1.2 reader exists on PyPI."""
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile

import pytest
from typer.testing import CliRunner

from quizcli import generators, kinds
from quizcli.cli import app
from quizcli.core.session import Item

runner = CliRunner()
NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2", "m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("qti") / "bank.zip"
    r = runner.invoke(app, ["export", "qti", "cnn", "rnn", "--variants", "3", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def _items(path):
    with zipfile.ZipFile(path) as z:
        manifest = ET.fromstring(z.read("imsmanifest.xml"))
        res = manifest.findall("m:resources/m:resource", NS)
        assert res and all(r.get("type") == "imsqti_xmlv1p2" for r in res)
        out = []
        for r in res:
            doc = ET.fromstring(z.read(r.find("m:file", NS).get("href")))
            out += doc.findall(".//q:item", NS)
        return out, [r.get("identifier") for r in res]


def _qtype(item):
    for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS):
        if f.find("q:fieldlabel", NS).text == "question_type":
            return f.find("q:fieldentry", NS).text


def test_canvas_question_types_and_counts(package, bank):
    items, resources = _items(package)
    assert resources == ["quizcli_cnn", "quizcli_rnn"]
    types = {}
    for it in items:
        types.setdefault(_qtype(it), []).append(it)
    expect = [q for q in bank.questions.values() if q.topic in ("cnn", "rnn")]
    n_multi = sum(1 for q in expect if q.options and kinds.get(q.type).multiple)
    n_single = sum(1 for q in expect if q.options and not kinds.get(q.type).multiple)
    n_tf = sum(1 for q in expect if isinstance(q.answer, bool))
    assert len(types["multiple_answers_question"]) == n_multi > 0
    assert len(types["multiple_choice_question"]) == n_single > 0
    assert len(types["true_false_question"]) == n_tf > 0
    assert types["essay_question"] and types["numerical_question"]
    for it in types["multiple_answers_question"]:
        q = bank.questions[it.get("title")]
        right = kinds.get(q.type).right_options(Item.of_question(q))
        cond = it.find("q:resprocessing/q:respcondition/q:conditionvar/q:and", NS)
        chosen = [v.text for v in cond.findall("q:varequal", NS)]
        assert sorted(int(c.rsplit("_", 1)[1]) for c in chosen) == sorted(right)
        assert len(cond.findall("q:not", NS)) == len(q.options) - len(right)


def test_numerical_ranges_survive_canvas_rounding(package):
    items, _ = _items(package)
    nums = [it for it in items if _qtype(it) == "numerical_question"]
    assert len(nums) >= 6
    for it in nums:
        either = it.find("q:resprocessing/q:respcondition/q:conditionvar/q:or", NS)
        exact = float(either.find("q:varequal", NS).text)
        lo = either.find("q:and/q:vargte", NS).text
        hi = either.find("q:and/q:varlte", NS).text
        assert all(len(x.split(".")[1]) <= 4 for x in (lo, hi))
        assert float(lo) <= exact <= float(hi) and float(lo) < float(hi) or float(lo) == float(hi) == exact
        assert exact == 0 or abs(exact) >= 1e-3
        if ":" in it.get("title"):  # a family variant: the engine-verified answer
            p = generators.problem(it.get("title"))
            assert float(lo) <= float(p.answer) <= float(hi)


def test_anki_maths_is_for_mathjax(tmp_path):
    out = tmp_path / "d.apkg"
    r = runner.invoke(app, ["export", "anki", "-o", str(out)])
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    flds = [f for (f,) in sqlite3.connect(tmp_path / "collection.anki2").execute("SELECT flds FROM notes")]
    assert any("\\(" in f for f in flds)
    for f in flds:
        assert "<math" not in f and "$" not in f
        outside = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", "", f, flags=re.S)
        assert not re.search(r"[_^]\{", outside), outside[:200]
