"""Hints one level deeper on each `?` (issue 17) for choice, multi and true/false items in a drill
or a review: first the key idea of the item's concept (its summary), then an option to rule out
with the bank's reason (true/false: the fact the statement turns on, the explanation), then "no
more hints". Each rung taken is recorded as a calculation's step hints are (study/steps.py):
`hints` on the answer, a quarter of the credit per rung, a right answer Hard for the scheduler.
Enter gives only the form of the answer; in an exam `?` says there are no hints (and the form).

Hand-picked bank items, expected text read from the bank:
- cnn.params_bias_count (choice, answer B, concept conv_params): the first wrong option with a
  reason is A (3·3·64·128, the weights only);
- cnn.cnn_properties_multi (multi, answer A B E): the first wrong option is C;
- cnn.tf_pool_params (true/false, false, concept pooling).
Two rungs on a right answer: score 1 − 2·0.25 = 0.5."""
import io
import json
import sqlite3

from rich.console import Console

from quizcli.core.mathtext import render_inline
from quizcli.progress.store import store_path
from quizcli.render.drill_ui import RichUI
from quizcli.study.drill import ask_item, hint_ladder
from quizcli.study.items import item_from_id
from quizcli.study.scripted import ScriptedUI


def _drill(runner, home, item, answers, lang="en"):
    r = runner.invoke(["--home", str(home), "drill", "--json", "--lang", lang, "--item", item], input="".join(a + "\n" for a in answers))
    assert r.exit_code == 0, r.output
    return [json.loads(x) for x in r.output.splitlines() if x.strip()]


def _tx(bank, text):
    return render_inline(text, bank.math)


def test_choice_key_idea_then_rule_out_then_no_more(runner, bank, tmp_path):
    q = bank.questions["cnn.params_bias_count"]
    c = bank.concepts[q.concepts[0]]
    assert q.answer == 1 and c.id == "conv_params"
    ev = _drill(runner, tmp_path, q.id, ["?", "?", "?", "B"])
    hints = [e for e in ev if e["event"] == "hint"]
    assert [(h["level"], h["of"]) for h in hints] == [(1, 2), (2, 2), (None, 2)]
    assert hints[0]["hint"] == _tx(bank, f"Key idea ({c.title.en}): {c.summary.en}")
    assert hints[1]["hint"] == _tx(bank, "Rule out A: " + q.options[0].why.en)
    assert hints[2]["hint"].startswith("No more hints. Answer with one letter")
    g = next(e for e in ev if e["event"] == "graded")
    assert g["correct"] is True and g["hints"] == 2 and g["score"] == 0.5 and g["rating"] == "hard"
    row = sqlite3.connect(store_path(tmp_path)).execute("SELECT hints, score, rating, correct FROM answers").fetchone()
    assert row == (2, 0.5, "hard", 1)


def test_multi_rules_out_a_wrong_option_in_chinese(runner, bank, tmp_path):
    q = bank.questions["cnn.cnn_properties_multi"]
    c = bank.concepts[q.concepts[0]]
    assert set(q.answer) == {0, 1, 4}
    ev = _drill(runner, tmp_path, q.id, ["?", "?", "abe"], lang="zh")
    hints = [e["hint"] for e in ev if e["event"] == "hint"]
    assert hints == [_tx(bank, f"核心思想（{c.title.zh}）：{c.summary.zh}"), _tx(bank, "可以排除 C：" + q.options[2].why.zh)]
    g = next(e for e in ev if e["event"] == "graded")
    assert g["correct"] is True and g["hints"] == 2


def test_truefalse_key_idea_then_the_fact(runner, bank, tmp_path):
    q = bank.questions["cnn.tf_pool_params"]
    c = bank.concepts["pooling"]
    assert q.answer is False and q.concepts[0] == "pooling"
    ev = _drill(runner, tmp_path, q.id, ["?", "?", "?", "t"])
    hints = [e for e in ev if e["event"] == "hint"]
    assert [h["hint"] for h in hints[:2]] == [_tx(bank, f"Key idea ({c.title.en}): {c.summary.en}"),
                                              _tx(bank, "The fact it turns on: " + q.explanation.en)]
    assert hints[2]["level"] is None and "true or false" in hints[2]["hint"]
    g = next(e for e in ev if e["event"] == "graded")
    assert g["correct"] is False and g["hints"] == 2 and g["score"] == 0.0 and g["rating"] == "again"


def test_one_rung_then_right_and_enter_costs_nothing(runner, bank, tmp_path):
    ev = _drill(runner, tmp_path, "cnn.params_bias_count", ["?", "b"])
    g = next(e for e in ev if e["event"] == "graded")
    assert (g["hints"], g["score"], g["rating"]) == (1, 0.75, "hard")
    ev = _drill(runner, tmp_path / "2", "cnn.params_bias_count", ["", "b"])
    h = [e for e in ev if e["event"] == "hint"]
    assert len(h) == 1 and "level" not in h[0] and h[0]["hint"] == "Answer with one letter (or its number)."
    g = next(e for e in ev if e["event"] == "graded")
    assert (g["hints"], g["score"], g["rating"]) == (0, 1.0, "good")


def test_review_climbs_an_exam_does_not(bank):
    item = item_from_id(bank, "cnn.tf_pool_params")
    ui = ScriptedUI(["?", "?", "f"])
    ui.bank = bank
    a, _, _ = ask_item(item, ui, mode="review")
    assert a.hints == 2 and a.correct is True and a.rating == "hard" and a.score == 0.5
    ui = ScriptedUI(["?", "?", "f"])
    ui.bank = bank
    a, _, _ = ask_item(item, ui, mode="exam")
    assert a.hints == 0 and a.rating == "good"
    assert [e["hint"] for e in ui.events if e["event"] == "hint"] == ["A mock exam gives no hints. Answer true or false (t/f, 对/错)."] * 2


def test_kinds_without_a_ladder_keep_the_form_hint(bank):
    num = next(q for q in bank.questions.values() if q.type == "numeric")
    assert hint_ladder(item_from_id(bank, num.id), bank) == ()
    short = next(q for q in bank.questions.values() if q.type == "short")
    assert hint_ladder(item_from_id(bank, short.id), bank) == ()
    # without the bank (a script's face) the concept rung is left out, the rule-out stays
    q = bank.questions["cnn.params_bias_count"]
    ladder = hint_ladder(item_from_id(bank, q.id))
    assert [b.en for b in ladder[:1]] == ["Rule out A: " + q.options[0].why.en] and len(ladder) == 2


def test_every_choice_and_truefalse_item_has_two_rungs(bank):
    for q in bank.questions.values():
        if q.type in ("choice", "multi", "truefalse"):
            ladder = hint_ladder(item_from_id(bank, q.id), bank)
            assert len(ladder) == 3 and all(b.en.strip() and b.zh.strip() for b in ladder), q.id


def test_the_terminal_shows_the_rung_and_the_cost(bank):
    item = item_from_id(bank, "cnn.params_bias_count")
    buf = io.StringIO()
    ui = RichUI(Console(file=buf, width=80, color_system=None), "en", bank)
    ui.hint_rung(item, 2, 2, hint_ladder(item, bank)[1])
    a, _, _ = ask_item(item, ScriptedUI(["?", "B"]), mode="drill")
    ui.feedback(item, a, None)
    out = buf.getvalue()
    assert out.startswith("💡 2/2 Rule out A: That is 3·3·64·128") and "✓ Right, with 1 hint (score 0.75)." in out
