"""What a student sees, rendered as rich renders it into an 80-column terminal
(Console(file=StringIO(), width=80)), in both languages.

Each screen is checked for what must hold on any terminal (nothing wider than 80 columns, the
title and the content it exists to show, no raw LaTeX), and a few are compared with the
screens checked in under tests/render/screens/ (regenerate with UPDATE_SCREENS=1 after a
deliberate change, and read the diff)."""
import io
import json
import os
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from quizcli.core.session import Answered, Item
from quizcli.render.drill_ui import RichUI
from quizcli.render.exam import report_view
from quizcli.render.stats import stats_view
from quizcli.render.tables import topics_table
from quizcli.render.terminal import concept_view
from quizcli.study.exam import report
from quizcli.study.stats import compute

SCREENS = Path(__file__).parent / "screens"


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=80, color_system=None, force_terminal=False, legacy_windows=False), buf


def render(renderable) -> str:
    con, buf = _console()
    con.print(renderable)
    return buf.getvalue()


def _fits(text: str) -> None:
    wide = [line for line in text.splitlines() if cell_len(line) > 80]
    assert wide == []


def _golden(name: str, text: str) -> None:
    path = SCREENS / name
    if os.environ.get("UPDATE_SCREENS") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_concept_page(bank, lang):
    c = bank.concepts["dying_relu"]
    text = render(concept_view(c, bank, lang, []))
    _fits(text)
    assert c.title.t(lang) in text
    assert "\\" not in text and "$" not in text
    flat = "".join(text.split())
    for kp in c.key_points:
        assert "".join(kp.t(lang).split())[:10] in flat
    _golden(f"concept_dying_relu_{lang}.txt", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_topics_table_shows_every_topic_id_uncut(bank, lang):
    text = render(topics_table(bank, lang))
    _fits(text)
    for t in bank.topics:
        assert t in text, t


def _answered(item, answer, correct, expected, score):
    return Answered(item=item.id, card=item.card_id, kind=item.kind, topic=item.topic, concepts=item.concepts,
                    answer=answer, correct=correct, rating="good" if correct else "again", seconds=3.0,
                    misconception=None, expected=expected, score=score)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_drill_feedback_on_a_wrong_choice_names_the_right_option_and_why(bank, lang):
    q = next(q for q in bank.questions.values() if q.type == "choice" and all(o.why for o in q.options))
    item = Item.of_question(q)
    wrong = (q.answer + 1) % len(q.options)
    con, buf = _console()
    ui = RichUI(con, lang, bank)
    ui.show_item(item, 1, 1)
    ui.feedback(item, _answered(item, "ABCDEFGHIJ"[wrong], False, "ABCDEFGHIJ"[q.answer], 0.0), None)
    text = buf.getvalue()
    _fits(text)
    assert q.id in text
    assert ("Expected: " if lang == "en" else "正确答案：") + "ABCDEFGHIJ"[q.answer] in text
    assert f" {'ABCDEFGHIJ'[wrong]} ✗ " in text and f" {'ABCDEFGHIJ'[q.answer]} ✓ " in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exam_report_lists_the_missed_item_with_its_right_answer(bank, lang):
    from quizcli.api import item_from_id

    items = [item_from_id(bank, "conv_output:7"), item_from_id(bank, next(iter(bank.questions)))]
    got = _answered(items[0], "1", False, items[0].problem.answer_text, 0.0)
    rep = report(items, [got])
    text = render(report_view(rep, items, bank, lang))
    _fits(text)
    assert "conv_output:7" in text
    assert items[0].problem.answer_text in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stats_screen_shows_accuracy_and_topics(bank, lang):
    rows = [{"item": "x", "card": "x", "kind": "choice", "topic": "cnn", "concepts": "[\"conv_output_size\"]", "answer": "A",
             "correct": 1 if i % 3 else 0, "rating": "good", "seconds": 2.0, "misconception": None, "expected": "A",
             "mode": "drill", "ts": f"2026-11-{10 + i:02d}T10:00:00+00:00"} for i in range(9)]
    data = compute(rows, topics=list(bank.topics), concept_topics={c.id: c.topic for c in bank.concepts.values()})
    text = render(stats_view(data, bank, lang))
    _fits(text)
    assert "67%" in text  # 6 of 9 right


def _ragged(text_renderable, width: int) -> list[str]:
    """Wrapped lines shorter than 60 % of the width that are followed by a line of the same
    paragraph (each source line of the bank text is one paragraph)."""
    out = []
    for para in text_renderable.split("\n"):
        con, buf = _console()
        con.width = width
        con.print(para)
        lines = buf.getvalue().rstrip("\n").split("\n")
        out += [ln for ln in lines[:-1] if cell_len(ln.rstrip()) < 0.6 * width]
    return out


@pytest.mark.slow
def test_chinese_wraps_without_ragged_lines_in_every_concept(bank):
    from quizcli.render.terminal import rich_text

    ragged = {}
    for c in bank.concepts.values():
        for field in (c.summary, c.body, *c.key_points, *c.pitfalls):
            bad = _ragged(rich_text(field.zh, bank), 78)
            if bad:
                ragged[c.id] = bad
    assert ragged == {}


def test_chinese_breaks_between_characters_and_keeps_short_formulas_whole(bank):
    from quizcli.render.terminal import rich_text

    c = bank.concepts["dying_relu"]
    text = render(rich_text(c.summary.zh, bank))
    first = text.splitlines()[0]
    assert cell_len(first) >= 70  # the line is filled, not ended at the first long run of Chinese
    assert not any(line.lstrip().startswith(("，", "。", "、")) for line in text.splitlines())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stats_shows_calibration_per_topic_and_hints_taken(bank, lang):
    """Three sure answers on cnn (one right), two guesses on rnn (both right), hints on two."""
    def row(topic, correct, confidence, hints=0):
        return {"item": "x", "card": "x", "kind": "choice", "topic": topic, "concepts": "[\"pooling\"]", "answer": "A",
                "correct": correct, "rating": "good", "seconds": 2.0, "misconception": None, "expected": "A",
                "mode": "drill", "ts": "2026-11-20T10:00:00+00:00", "score": float(correct), "confidence": confidence,
                "hints": hints, "steps": None}
    rows = [row("cnn", 1, 1, 2), row("cnn", 0, 1), row("cnn", 0, 1, 1), row("rnn", 1, 3), row("rnn", 1, 3)]
    data = compute(rows, topics=list(bank.topics), concept_topics={c.id: c.topic for c in bank.concepts.values()})
    assert data.hints == {"rungs": 3, "answers": 2}
    text = render(stats_view(data, bank, lang))
    _fits(text)
    cal = [line for line in text.splitlines() if "% / " in line]  # the per-topic calibration rows
    cnn = next(line for line in cal if line.lstrip("│ ").startswith("cnn "))
    assert "33% / 3" in cnn  # 1 of 3 sure answers right
    rnn = next(line for line in cal if line.lstrip("│ ").startswith("rnn "))
    assert "100% / 2" in rnn  # both guesses right
    assert ("3 rung(s) on 2 answer(s)" if lang == "en" else "共 3 级，涉及 2 题") in text


# ---- goldens: drill feedback, the exam report, stats, topics (issue 17) -------------------------
# Fixed items and answers, no clock: what the screen says is all that changes them.

FEEDBACK_ITEMS = [
    ("attention.kv_roles", "B"),  # right: the keys and the query set the weights
    ("conv_output:1", "5"),  # wrong: 13×13, k 3, s 2 → ⌊10/2⌋ + 1 = 6; 5 is the forgotten +1
    ("cnn.pooling_role", {"en": "It takes the max over a small window in each channel, so the feature map gets smaller.",
                          "zh": "在每个通道的小窗口内取最大值，特征图变小。"}),
]


def _drill_screen(bank, lang: str) -> str:
    """Each item shown, answered by script and fed back, as `drill` runs them (no summary:
    it prints the time taken)."""
    from quizcli.api import item_from_id
    from quizcli.study.drill import ask_item

    con, buf = _console()
    ui = RichUI(con, lang, bank)
    con.input = lambda *a, **k: ""  # "Which did you have?": Enter, the ✓ ones
    for n, (iid, answer) in enumerate(FEEDBACK_ITEMS, 1):
        item = item_from_id(bank, iid)
        text = answer[lang] if isinstance(answer, dict) else answer
        ui.ask = lambda _item, text=text: text
        ui.show_item(item, n, len(FEEDBACK_ITEMS))
        a, result, stop = ask_item(item, ui)
        assert stop is None
        ui.feedback(item, a, result)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_drill_feedback_golden(bank, lang):
    text = _drill_screen(bank, lang)
    _fits(text)
    assert ("✓ Right!" if lang == "en" else "✓ 正确！") in text
    assert ("Expected: 6" if lang == "en" else "正确答案：6") in text
    assert "+1" in text  # the misconception's feedback
    assert ("Model answer" if lang == "en" else "参考答案") in text
    _golden(f"drill_feedback_{lang}.txt", text)


def _exam_report(bank, lang):
    """Three items: a choice answered wrong, a calculation skipped, a short answer with 2 of
    its 4 key points (the marking `exam` does)."""
    from quizcli.api import item_from_id

    items = [item_from_id(bank, i) for i in ("attention.kv_roles", "conv_output:1", "cnn.pooling_role", "basics.diagnose_overfit")]
    q = items[3].question
    answered = [
        _answered(items[0], "A", False, "B", 0.0),
        Answered(item=items[1].id, card=items[1].card_id, kind=items[1].kind, topic=items[1].topic, concepts=items[1].concepts,
                 answer="s", correct=None, rating=None, seconds=3.0, misconception=None, expected="6", score=None),
        _answered(items[2], {"en": "max over a window; smaller map", "zh": "窗口内取最大值；特征图变小"}[lang], False, "2/4", 0.5),
        _answered(items[3], "ABCDEFGHIJ"[q.answer], True, "ABCDEFGHIJ"[q.answer], 1.0),
    ]
    return items, report(items, answered)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exam_report_golden(bank, lang):
    items, rep = _exam_report(bank, lang)
    text = render(report_view(rep, items, bank, lang))
    _fits(text)
    assert ("Your answer: (skipped)" if lang == "en" else "你的答案：（已跳过）") in text
    _golden(f"exam_report_{lang}.txt", text)


def _stats_rows():
    """Twelve answers over four days of November 2026 (noon UTC: the same day in any time
    zone within ±11 h): cnn 5 of 7 right, rnn 2 of 5; one misconception twice."""
    plan = [("cnn", "conv_output_size", 1), ("cnn", "conv_output_size", 0), ("cnn", "pooling", 1), ("cnn", "pooling", 1),
            ("cnn", "conv_output_size", 1), ("cnn", "conv_output_size", 0), ("cnn", "pooling", 1),
            ("rnn", "bptt", 0), ("rnn", "bptt", 1), ("rnn", "long_term_dependency", 0), ("rnn", "bptt", 1), ("rnn", "bptt", 0)]
    rows = []
    for i, (topic, concept, right) in enumerate(plan):
        rows.append({"item": f"{topic}.x{i}", "card": f"{topic}.x{i}", "kind": "choice", "topic": topic, "concepts": json.dumps([concept]),
                     "answer": "A", "correct": right, "rating": "good" if right else "again", "seconds": 2.0,
                     "misconception": "forgot_plus_one" if i in (1, 5) else None, "expected": "A", "mode": "drill",
                     "ts": f"2026-11-{17 + i // 3:02d}T12:00:00+00:00", "score": float(right), "confidence": None, "hints": 0, "steps": None})
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stats_golden(bank, lang):
    from datetime import date

    data = compute(_stats_rows(), topics=list(bank.topics), today=date(2026, 11, 21),
                   concept_topics={c.id: c.topic for c in bank.concepts.values()})
    text = render(stats_view(data, bank, lang))
    _fits(text)
    assert "58%" in text  # 7 of 12 right
    _golden(f"stats_{lang}.txt", text)


def _counts_masked(text: str) -> str:
    """The table with its concept and question counts as `#`: the bank grows every week, the
    layout is what the golden guards (the counts are checked against the bank instead)."""
    import re

    return re.sub(r"(?<=│)( +)(\d+)(?= │)", lambda m: " " * (len(m.group(0)) - 1) + "#", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_topics_golden(bank, lang):
    text = render(topics_table(bank, lang))
    _fits(text)
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│ ")]
    rows = {c[0]: c for c in cells if c[0]}
    for tid in bank.topics:
        assert rows[tid][-2:] == [str(bank.concept_count(tid)), str(bank.question_count(tid))], tid
    _golden(f"topics_{lang}.txt", _counts_masked(text))
