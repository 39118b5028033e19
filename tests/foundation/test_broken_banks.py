"""Each kind of mistake an author can make is reported with the right file and line."""
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.bank.loader import validate_dirs
from quizcli.cli import app


from demo_bank import GOOD, write_bank  # noqa: E402 (the shared minimal bank)


def _bank(tmp_path: Path, body: str) -> Path:
    return write_bank(tmp_path, body)


def _problems(tmp_path: Path, body: str):
    _, problems = validate_dirs([_bank(tmp_path, body)])
    return [(Path(p.file).name, p.line, p.message) for p in problems]


def test_good_bank_has_no_problems(tmp_path):
    assert _problems(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    "change, line, fragment",
    [
        # YAML syntax: an unclosed flow mapping
        (("    title: {en: Alpha, zh: 阿尔法}", "    title: {en: Alpha, zh: 阿尔法"), 5, "YAML syntax error"),
        # a missing required field
        (("    summary: {en: The first one., zh: 第一个。}\n", ""), 3, "missing required field 'summary'"),
        # a missing language
        (("    body: {en: 'Body $x^2$.', zh: '正文 $x^2$。'}", "    body: {en: 'Body $x^2$.'}"), 6, "missing the 'zh' text"),
        # a wrong answer type
        (("    answer: true", "    answer: perhaps"), 14, "truefalse answer must be true or false"),
        # an unknown concept reference
        (("    concepts: [alpha]", "    concepts: [alpah]"), 12, "concept 'alpah' does not exist (did you mean 'alpha'?)"),
        # an unknown question type
        (("    type: truefalse", "    type: essay"), 11, "type must be one of"),
        # an unknown field (usually a typo)
        (("    key_points:", "    keypoints:"), 7, "unknown field 'keypoints'"),
        # a comma inside a flow mapping splits the text
        (("      - {en: point, zh: 要点}", "      - {en: point, too, zh: 要点}"), 8, "a comma inside {…} splits the text"),
        # a formula that does not render
        (("'Body $x^2$.'", "'Body $\\frac{1}{$.'"), 3, "does not convert"),
    ],
)
def test_each_mistake_is_reported_at_its_line(tmp_path, change, line, fragment):
    old, new = change
    assert old in GOOD
    problems = _problems(tmp_path, GOOD.replace(old, new))
    assert any(f == "demo.yaml" and ln == line and fragment in msg for f, ln, msg in problems), problems


def test_duplicate_id_names_the_first_place(tmp_path):
    dup = GOOD + textwrap.indent(GOOD.split("questions:\n")[1], "")
    problems = _problems(tmp_path, dup)
    assert any(ln == 16 and "duplicate id 'demo.q1' (first defined at" in msg and "demo.yaml:10" in msg for _, ln, msg in problems), problems


def test_unknown_topic(tmp_path):
    problems = _problems(tmp_path, GOOD.replace("topic: demo", "topic: dmeo"))
    assert any(ln == 1 and "unknown topic 'dmeo'" in msg for _, ln, msg in problems), problems


def test_every_problem_is_reported_at_once(tmp_path):
    bad = GOOD.replace("    answer: true", "    answer: perhaps").replace("    concepts: [alpha]", "    concepts: [nope]")
    bad = bad.replace("    summary: {en: The first one., zh: 第一个。}\n", "")
    problems = _problems(tmp_path, bad)
    assert len(problems) >= 3


def test_bank_check_cli_exit_codes(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad"
    bad.mkdir()
    _bank(bad, GOOD.replace("    answer: true", "    answer: perhaps"))
    r = runner.invoke(app, ["bank", "check", str(bad)])
    assert r.exit_code == 1
    assert "demo.yaml:14:" in r.output and "truefalse answer" in r.output
    good = tmp_path / "good"
    good.mkdir()
    _bank(good, GOOD)
    r = runner.invoke(app, ["bank", "check", str(good)])
    assert r.exit_code == 0, r.output
    assert "Bank OK" in r.output


def test_extra_bank_is_loaded_on_top(tmp_path):
    runner = CliRunner()
    _bank(tmp_path, GOOD)
    r = runner.invoke(app, ["--bank", str(tmp_path), "explain", "alpha", "--json"])
    assert r.exit_code == 0, r.output
    assert '"id": "alpha"' in r.output
    r = runner.invoke(app, ["topics", "--json", "--bank", str(tmp_path)])
    assert '"demo"' in r.output and '"cnn"' in r.output


def test_broken_extra_bank_gives_a_message_not_a_traceback(tmp_path):
    runner = CliRunner()
    _bank(tmp_path, GOOD.replace("    title: {en: Alpha, zh: 阿尔法}", "    title: {en: Alpha, zh: 阿尔法"))
    r = runner.invoke(app, ["--bank", str(tmp_path), "topics"])
    assert r.exit_code == 1
    assert "demo.yaml:5" in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
