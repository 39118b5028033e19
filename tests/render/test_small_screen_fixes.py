"""The "Smaller" list of issue 17, each read on the real output of the command that shows it
(CliRunner, both languages where the text differs).

Hand-computed values: conv_output:1 is a 13×13 input, kernel 3, stride 2, no padding, so its
output is ⌊(13 − 3)/2⌋ + 1 = 6 (the standard output-size formula, d2l §7.3); a drill of two
items with one skipped and one answered has 1 answered of 2 and 1 skipped."""
import io
import json
import re

import pytest
from rich.console import Console

from quizcli.commands.progress import _wait_text
from quizcli.generators import problem
from quizcli.render.problems import problem_view


def _drill(runner, tmp_path, args, answers, lang="en"):
    return runner.invoke(["--home", str(tmp_path), "--lang", lang, "drill", "--fade", "off", *args], input=answers)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_skipped_item_is_counted_once_as_skipped_not_as_answered(runner, tmp_path, lang):
    r = _drill(runner, tmp_path, ["--item", "conv_output:2", "--item", "conv_output:1"], "s\n6\n", lang)
    assert r.exit_code == 0, r.output
    if lang == "en":
        assert "Score: 1/1   answered 1 of 2, skipped 1" in r.stdout
        assert "Skipped: conv_output:2" in r.stdout and "Missed:" not in r.stdout
    else:
        assert "得分：1/1   共 2 题，答 1 题，跳过 1 题" in r.stdout
        assert "跳过：conv_output:2" in r.stdout and "未答对" not in r.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_review_summary_is_titled_review(runner, bank, tmp_path, lang):
    q = next(q for q in bank.questions.values() if q.type == "truefalse")
    line = {"ts": "2026-01-05T10:00:00+00:00", "item": q.id, "card": q.id, "kind": "truefalse", "topic": q.topic,
            "concepts": list(q.concepts), "answer": "x", "correct": False, "rating": "again", "seconds": 3.0,
            "misconception": None, "expected": "x", "mode": "drill", "score": 0.0, "confidence": None, "hints": 0, "steps": None}
    export = tmp_path / "old.jsonl"
    export.write_text(json.dumps(line) + "\n", encoding="utf-8")
    home = tmp_path / "home"
    assert runner.invoke(["--home", str(home), "progress", "import", str(export)]).exit_code == 0
    r = runner.invoke(["--home", str(home), "--lang", lang, "review"], input="s\n")
    assert r.exit_code == 0, r.output
    assert ("Review summary" if lang == "en" else "复习小结") in r.stdout
    assert ("Drill summary" if lang == "en" else "练习小结") not in r.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_due_says_when_in_a_unit_that_reads(runner, tmp_path, lang):
    """A wrong answer comes back within minutes: never "(in 0.0 h)"."""
    r = _drill(runner, tmp_path, ["--item", "conv_output:1"], "5\n", lang)
    assert r.exit_code == 0, r.output
    r = runner.invoke(["--home", str(tmp_path), "--lang", lang, "review"], input="")
    if "Nothing is due" in r.stdout or "没有到期" in r.stdout:
        assert "0.0 h" not in r.stdout and "0.0 小时" not in r.stdout
        assert re.search(r"in \d+ min|in under a minute|\d+ 分钟后|不到 1 分钟后", r.stdout), r.stdout


def test_wait_text_picks_the_unit():
    assert _wait_text(20, "en") == "in under a minute"
    assert _wait_text(600, "en") == "in 10 min" and _wait_text(600, "zh") == "10 分钟后"
    assert _wait_text(3 * 3600, "en") == "in 3.0 h"
    assert _wait_text(5 * 86400, "en") == "in 5 days" and _wait_text(5 * 86400, "zh") == "5 天后"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exam_report_says_skipped_and_prints_whole_points(runner, tmp_path, lang):
    r = runner.invoke(["--home", str(tmp_path), "--lang", lang, "exam", "-n", "3", "--seed", "2"], input="s\ns\ns\n")
    assert r.exit_code == 0, r.output
    out = r.stdout
    if lang == "en":
        assert "Your answer: (skipped)" in out and "Your answer: s\n" not in out.replace(" ", "").replace("│", "\n")
        assert re.search(r"Score: 0 / \d+  \(0%\)", out), out
    else:
        assert "你的答案：（已跳过）" in out and "你的答案：s" not in out
        assert re.search(r"得分：0 / \d+（0%）", out), out
    assert not re.search(r"/ \d+\.0\b", out)  # "2 / 26.0"
    assert not re.search(r"/\d+\.0 (pts|分)", out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kind_formula_is_the_word_the_screen_shows(runner, tmp_path, lang):
    r = _drill(runner, tmp_path, ["neuron", "--kind", "formula", "-n", "1"], "q\n", lang)
    assert r.exit_code == 0, r.output
    assert (" · formula · " if lang == "en" else " · 公式 · ") in r.stdout
    r = _drill(runner, tmp_path, ["neuron", "--kind", "formule"], "", lang)
    assert r.exit_code == 1 and "formula" in r.stderr and "symbolic" in r.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_labelled_convention_is_not_labelled_twice(runner, lang):
    r = runner.invoke(["--lang", lang, "gen", "rnn_params"])
    assert r.exit_code == 0, r.output
    if lang == "en":
        assert "Conventions: Bias: " in r.stdout and "Bias convention" not in r.stdout
    else:
        assert "约定：偏置：" in r.stdout and "约定：偏置约定" not in r.stdout


def test_difficulty_applies_to_an_item_id_without_one(runner, tmp_path):
    r = _drill(runner, tmp_path, ["--item", "conv_output:7", "-d", "hard"], "q\n")
    assert r.exit_code == 0, r.output
    assert "conv_output:7:hard" in r.stdout
    r = _drill(runner, tmp_path, ["--item", "conv_output:7:easy", "-d", "hard"], "q\n")
    assert r.exit_code == 1 and "carries its difficulty (easy)" in r.stderr
    r = _drill(runner, tmp_path, ["--item", "conv_output:7:easy"], "q\n")
    assert r.exit_code == 0 and "conv_output:7:easy" in r.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_worked_steps_and_parameter_help_wrap_under_their_text(runner, lang):
    """A wrapped step goes on under its own text (4 columns in), not at column 0 (what
    `gen gd_step -d easy -a` prints, at 60 columns; `solve --help` at the tests' 100)."""
    buf = io.StringIO()
    Console(file=buf, width=60, color_system=None).print(problem_view(problem("gd_step:1:easy"), lang, show_answer=True))
    lines = buf.getvalue().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(" 1. "))
    body = lines[start:next(i for i, ln in enumerate(lines) if ln.startswith(" → "))]
    assert len(body) > 4  # some step wraps at 60 columns
    assert all(re.match(r" \d\. |    \S", ln) for ln in body), body
    r = runner.invoke(["--lang", "en", "solve", "attention_values", "--help"], env={"COLUMNS": "80"})
    q = r.stdout.splitlines()
    i = next(i for i, ln in enumerate(q) if ln.startswith("  q (Q): "))
    assert q[i + 1].startswith(" " * len("  q (Q): ")) and q[i + 1].strip()


def test_wrong_entries_are_named_in_grammar_of_their_number():
    from quizcli.grading import grade_numeric

    one = grade_numeric("1 2 4", (1, 2, 3))
    assert one.message_en == "Not correct: entry 3 is wrong." and one.message_zh == "不正确：第 3 个数有误。"
    two = grade_numeric("0 2 4", (1, 2, 3))
    assert two.message_en == "Not correct: entries 1, 3 are wrong." and two.message_zh == "不正确：第 1、3 个数有误。"
    m = grade_numeric("1 2; 3 5", ((1, 2), (3, 4)))
    assert m.message_zh == "不正确：位置 (2,2) 处的数有误。"  # a matrix entry is a position, not the n-th number


def test_negative_factors_of_attention_scores_are_bracketed():
    from quizcli.generators import generate

    p = generate("attention_values", 0)  # q_1 = (0, -1): its second entry is negative
    text = " ".join(s.en for s in p.steps)
    assert "(-1) \\cdot (-1)" in text and "+ -1" not in text


def test_one_sample_is_a_pair_not_pairs():
    from quizcli.generators import generate

    p = generate("gd_step", 1, "easy")  # trained on one sample
    assert "one sample: the (x, y) pair (1, 5)" in p.prompt.en and "pairs" not in p.prompt.en
