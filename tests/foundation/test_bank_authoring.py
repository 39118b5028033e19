"""`bank check` as an author meets it (issue 17, authoring): YAML escape traps are caught,
a misspelt field gets the nearest name, problems come in file and line order, and an error
that only follows from an earlier one is not reported again."""
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from quizcli.bank.loader import validate_dirs
from quizcli.cli import app


from demo_bank import GOOD, TOPICS  # noqa: E402 (the shared minimal bank)

NUMERIC = """\
  - id: demo.n1
    type: numeric
    concepts: [alpha]
    prompt: {en: How many?, zh: 多少？}
    answer: 55
    tolerance: {rel: 0, abs: 0.5}
    explanation: {en: Count., zh: 数一数。}
"""


def _bank(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topics.yaml").write_text(files.pop("topics.yaml", TOPICS), encoding="utf-8")
    for name, body in files.items():
        (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def _problems(folder: Path):
    _, problems = validate_dirs([folder])
    return [(Path(p.file).name, p.line, p.message) for p in problems]


def test_double_quoted_frac_is_not_bank_ok(tmp_path):
    """The reported case: "\\frac…" in double quotes became a form feed and 'rac…', and
    bank check said Bank OK."""
    body = GOOD.replace("    body: {en: 'Body $x^2$.', zh: '正文 $x^2$。'}",
                        '    body: {en: "Half: $\\frac{1}{2}$.", zh: \'一半：$\\frac{1}{2}$。\'}')
    bank = _bank(tmp_path / "b", {"demo.yaml": body})
    r = CliRunner().invoke(app, ["bank", "check", str(bank)])
    assert r.exit_code == 1, r.output
    assert "Bank OK" not in r.output
    assert "demo.yaml:6: '\\frac' in a double-quoted string: YAML reads '\\f' as a form feed, so the text shows 'rac'" in r.output


def test_did_you_mean_tolerance(tmp_path):
    body = GOOD + NUMERIC.replace("    tolerance:", "    tolerence:")
    problems = _problems(_bank(tmp_path, {"demo.yaml": body}))
    assert len(problems) == 1, problems
    file, line, msg = problems[0]
    assert (file, line) == ("demo.yaml", 21)
    assert "unknown field 'tolerence' in question demo.n1 (did you mean 'tolerance'?)" in msg


def test_did_you_mean_for_a_concept_field_and_a_type(tmp_path):
    body = GOOD.replace("    key_points:\n      - {en: point, zh: 要点}", "    key_points:\n      - {en: point, zh: 要点}\n    pitfals: []")
    body = body.replace("    type: truefalse", "    type: truefalses")
    problems = _problems(_bank(tmp_path, {"demo.yaml": body}))
    msgs = [m for _, _, m in problems]
    assert any("unknown field 'pitfals'" in m and "(did you mean 'pitfalls'?)" in m for m in msgs), problems
    assert any("got 'truefalses' (did you mean 'truefalse'?)" in m for m in msgs), problems


def test_no_follow_on_error_for_a_concept_rejected_in_the_same_file(tmp_path):
    """The concept exists but was refused (no summary): its questions must not add
    "concept 'alpha' does not exist"."""
    body = GOOD.replace("    summary: {en: The first one., zh: 第一个。}\n", "")
    problems = _problems(_bank(tmp_path, {"demo.yaml": body}))
    assert problems == [("demo.yaml", 3, "concept alpha is missing required field 'summary'")], problems


def test_no_follow_on_error_for_a_concept_in_a_file_that_does_not_parse(tmp_path):
    other = GOOD.split("questions:")[0].replace("    title: {en: Alpha, zh: 阿尔法}", "    title: {en: Alpha, zh: 阿尔法")
    uses = """\
        topic: demo
        questions:
          - id: demo.q9
            type: truefalse
            concepts: [alpha]
            prompt: {en: Is it?, zh: 是吗？}
            answer: true
            explanation: {en: Yes., zh: 是。}
        """
    problems = _problems(_bank(tmp_path, {"a_concepts.yaml": other, "b_uses.yaml": uses}))
    assert [f for f, _, _ in problems] == ["a_concepts.yaml"], problems
    assert "YAML syntax error" in problems[0][2]


def test_no_unknown_topic_when_topics_yaml_is_broken(tmp_path):
    broken = TOPICS.replace("title: {en: Demo, zh: 演示}", "title: {en: Demo, zh: 演示")
    problems = _problems(_bank(tmp_path, {"topics.yaml": broken, "demo.yaml": GOOD}))
    assert [f for f, _, _ in problems] == ["topics.yaml"], problems


def test_no_unknown_topic_when_the_topic_was_rejected(tmp_path):
    rejected = TOPICS.replace("    title: {en: Demo, zh: 演示}\n", "")
    problems = _problems(_bank(tmp_path, {"topics.yaml": rejected, "demo.yaml": GOOD}))
    assert problems == [("topics.yaml", 2, "topic demo is missing required field 'title'")], problems


def test_a_real_unknown_reference_is_still_reported(tmp_path):
    body = GOOD.replace("    concepts: [alpha]", "    concepts: [alpah]").replace("topic: demo", "topic: dmeo")
    problems = _problems(_bank(tmp_path, {"demo.yaml": body}))
    assert [(line, m.split(" (")[0]) for _, line, m in problems] == [
        (1, "unknown topic 'dmeo'"), (12, "question demo.q1: concept 'alpah' does not exist")], problems
    assert "(did you mean 'demo'?)" in problems[0][2] and "(did you mean 'alpha'?)" in problems[1][2]


def test_problems_come_in_file_and_line_order(tmp_path):
    """Cross-file checks (references), formula and symbolic checks used to come after all
    the per-file ones; now each file's problems are in line order, files in reading order."""
    a = GOOD.replace("    concepts: [alpha]", "    concepts: [nope]")          # a reference (checked last), line 12
    a = a.replace("    answer: true", "    answer: perhaps")                    # a per-item check, line 14
    a = a.replace("'Body $x^2$.'", "'Body $\\frac{1}{$.'")                     # a formula (checked later), line 3
    a = a.replace("    key_points:", "    keypoints:")                         # an unknown field, line 7
    b = GOOD.replace("  - id: alpha", "  - id: beta").replace("demo.q1", "demo.q2").replace("[alpha]", "[gamma]")
    problems = _problems(_bank(tmp_path, {"a.yaml": a, "b.yaml": b}))
    where = [(f, line) for f, line, _ in problems]
    assert where == sorted(where, key=lambda x: (x[0], x[1])), problems
    assert ("a.yaml", 12) in where and ("a.yaml", 14) in where and ("b.yaml", 12) in where
    assert where.index(("a.yaml", 12)) < where.index(("a.yaml", 14))
    r = CliRunner().invoke(app, ["bank", "check", str(tmp_path)])
    printed = [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in r.output.splitlines() if ".yaml:" in line]
    assert printed == [f"{f}:{line}" for f, line in where]


def test_good_bank_checks_ok(tmp_path):
    r = CliRunner().invoke(app, ["bank", "check", str(_bank(tmp_path, {"demo.yaml": GOOD + NUMERIC}))])
    assert r.exit_code == 0 and "Bank OK" in r.output, r.output
