"""`quizcli export moodle`: the file parsed back by an independent reader (moodle-xml-parser
from PyPI, MIT, for the multichoice questions) and by the element names Moodle's own importer
reads (question/format/xml/format.php of github:moodle/moodle: name/text, questiontext,
answer@fraction, tolerance, graderinfo, dataset_definitions/dataset_definition/…); counts,
types, grades, tolerances, formulas and both languages checked."""
import ast
import math
import operator
import re
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from quizcli import generators, kinds
from quizcli.cli import app
from quizcli.core.session import Item
from quizcli.export.moodle import GRADES

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("moodle")
    out = d / "bank.xml"
    r = runner.invoke(app, ["export", "moodle", "cnn", "rnn", "--variants", "4", "-o", str(out)])
    assert r.exit_code == 0, r.output
    both = d / "both.xml"
    r = runner.invoke(app, ["export", "moodle", "cnn", "--variants", "2", "--lang", "both", "-o", str(both)])
    assert r.exit_code == 0, r.output
    return out, both


def _questions(path):
    root = ET.parse(path).getroot()
    assert root.tag == "quiz"
    return root.findall("question")


def test_an_independent_reader_takes_the_choice_questions(exported, bank):
    parser = pytest.importorskip("moodle_xml_parser.parser")
    out, _ = exported
    parsed = parser.parse_file(str(out))
    mcs = [q for qs in parsed.values() for q in qs if getattr(q, "type", "") == "multichoice"]
    expect = [q for q in bank.questions.values() if q.topic in ("cnn", "rnn") and q.options]
    assert len(mcs) == len(expect) > 10
    by_name = {q.name: q for q in mcs}
    for q in expect:
        m = by_name[q.id]
        kind = kinds.get(q.type)
        right = kind.right_options(Item.of_question(q))
        assert m.single is (not kind.multiple)
        assert len(m.options) == len(q.options)
        got_right = {j for j, o in enumerate(m.options) if float(o.score_fraction) > 0}
        assert got_right == right, q.id
        assert math.isclose(sum(float(o.score_fraction) for o in m.options if float(o.score_fraction) > 0), 100, abs_tol=0.01)
        for o, src in zip(m.options, q.options):
            if src.why:
                assert o.feedback and max(re.findall(r"[A-Za-z]+", src.why.en) or [""], key=len) in o.feedback


def test_types_grades_and_tolerances_as_moodle_reads_them(exported, bank):
    out, _ = exported
    qs = _questions(out)
    cats = [q.find("category/text").text for q in qs if q.get("type") == "category"]
    assert "$course$/top/quizcli/cnn" in cats and "$course$/top/quizcli/rnn" in cats
    assert "$course$/top/quizcli/cnn/conv_output" in cats  # a family in its own category
    real = [q for q in qs if q.get("type") != "category"]
    types = {q.get("type") for q in real}
    assert {"multichoice", "truefalse", "essay", "numerical", "calculated"} <= types
    for q in real:
        assert q.find("name/text").text and q.find("questiontext").get("format") == "html"
        for a in q.findall("answer"):
            frac = float(a.get("fraction"))
            if q.get("type") != "calculated" and q.get("type") != "numerical":
                assert any(abs(abs(frac) - g) < 0.001 for g in GRADES), (q.find("name/text").text, frac)
    tf = {q.find("name/text").text: q for q in real if q.get("type") == "truefalse"}
    for qid, q in tf.items():
        right = [a.find("text").text for a in q.findall("answer") if a.get("fraction") == "100"]
        assert right == [("true" if bank.questions[qid].answer else "false")]
    essays = [q for q in real if q.get("type") == "essay"]
    assert all(q.find("graderinfo/text").text for q in essays)
    # every numerical variant is the engine-verified problem its name says, with its tolerance
    nums = [q for q in real if q.get("type") == "numerical" and ":" in q.find("name/text").text]
    assert len(nums) >= 10
    for q in nums:
        p = generators.problem(q.find("name/text").text)
        a = q.find("answer")
        assert math.isclose(float(a.find("text").text), float(p.answer), rel_tol=1e-9)
        assert math.isclose(float(a.find("tolerance").text), max(p.atol, p.rtol * abs(float(p.answer))), rel_tol=1e-6)
    # no $…$ left: maths is \( … \) for MathJax
    for q in real:
        assert "$" not in (q.find("questiontext/text").text or "").replace("$course$", "")


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_FUNCS = {"floor": math.floor, "exp": math.exp}


def _moodle_formula(formula: str, values: dict) -> float:
    """Evaluate a Moodle calculated formula with our own tiny walker (numbers, + − × ÷,
    floor, exp; no eval)."""
    text = re.sub(r"\{(\w+)\}", lambda m: repr(float(values[m.group(1)])), formula)

    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant):
            return float(n.value)
        if isinstance(n, ast.BinOp):
            return _OPS[type(n.op)](ev(n.left), ev(n.right))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -ev(n.operand)
        if isinstance(n, ast.Call) and n.func.id in _FUNCS:
            return _FUNCS[n.func.id](ev(n.args[0]))
        raise ValueError(ast.dump(n))

    return ev(ast.parse(text, mode="eval"))


def test_calculated_formulas_give_the_textbook_values(exported):
    out, _ = exported
    calc = {q.find("name/text").text.split(" ")[0]: q for q in _questions(out) if q.get("type") == "calculated"}
    assert {"conv_output", "conv_params", "pool_output", "rnn_params"} <= set(calc)
    f = {k: q.find("answer/text").text for k, q in calc.items()}
    assert _moodle_formula(f["conv_output"], {"n": 224, "k": 7, "s": 2, "p": 3}) == 112  # ResNet's stem
    assert _moodle_formula(f["conv_output"], {"n": 227, "k": 11, "s": 4, "p": 0}) == 55  # AlexNet conv1
    assert _moodle_formula(f["conv_output"], {"n": 32, "k": 5, "s": 1, "p": 2}) == 32  # 'same' padding
    assert _moodle_formula(f["conv_params"], {"k": 3, "c_in": 64, "c_out": 128}) == 73856
    assert _moodle_formula(f["rnn_params"], {"d": 10, "h": 20, "b": 2}) == 640  # torch.nn.RNN(10, 20): 200+400+40
    for name, q in calc.items():
        defs = q.findall("dataset_definitions/dataset_definition")
        names = {d.find("name/text").text for d in defs}
        assert names == set(re.findall(r"\{(\w+)\}", f[name]))
        counts = {int(d.find("itemcount").text) for d in defs}
        assert len(counts) == 1 and counts.pop() == len(defs[0].findall("dataset_items/dataset_item")) >= 1
        assert q.find("answer/tolerance") is not None and q.find("answer/tolerancetype").text == "2"


def test_both_languages_as_multilang_spans(exported):
    _, both = exported
    real = [q for q in _questions(both) if q.get("type") != "category"]
    for q in real:
        text = q.find("questiontext/text").text
        assert text.count('class="multilang"') == 2, q.find("name/text").text
        zh = re.search(r'<span lang="zh_cn" class="multilang">(.*?)</span><span lang="en"', text, re.S).group(1)
        assert re.search(r"[\u4e00-\u9fff]", zh)
