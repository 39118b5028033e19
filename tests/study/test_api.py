"""The public API runs a drill, a mock exam and a problem without a terminal."""
from quizcli import api


def test_a_scripted_drill_grades_right_and_wrong_answers(bank):
    items = [api.item_from_id(bank, "conv_output:7")]
    right = api.expected_text(items[0], "en")
    ui = api.ScriptedUI([right])
    s = api.run_drill(items, ui)
    assert s.correct == 1 and s.answered[0].score == 1.0
    ui = api.ScriptedUI(["-1"])
    s = api.run_drill(items, ui)
    assert s.correct == 0 and s.answered[0].score == 0.0
    assert [e["event"] for e in ui.events] == ["item", "graded", "summary"]


def test_a_short_answer_scores_its_share_of_key_points(bank):
    q = next(q for q in bank.questions.values() if q.type == "short" and len(q.key_points) >= 3)
    item = api.item_from_id(bank, q.id)
    s = api.run_drill([item], api.ScriptedUI(["my answer", "1 2"]))
    assert s.answered[0].score == 2 / len(q.key_points)
    assert s.answered[0].expected == f"2/{len(q.key_points)}"


def test_a_mock_exam_from_the_library_scores_what_was_answered(bank):
    paper, weights = api.prepare_exam(bank, ["cnn", "rnn"], n=6, seed=2)
    first = paper[0]
    answers = [api.expected_text(first, "en") if first.kind != "short" else "x", "q"]
    if first.kind == "short":
        answers = ["x", "all", "q"]
    rep = api.take_exam(paper, api.ScriptedUI(answers), api.NullRecorder(), minutes=5, weights=weights)
    points = {"objective": 2, "short": 6, "calc": 8}
    sec = next(k for k, v in rep.sections.items() if v.items and k == _section(first))
    assert rep.score == points[sec]
    assert rep.stopped == "quit"


def _section(item):
    from quizcli.study.exam import section_of

    return section_of(item).id


def test_problem_and_solve_agree_with_the_formula():
    p = api.solve("conv_output", ["n=32", "k=5", "s=1", "p=2"])
    assert p.answer == 32  # (32 − 5 + 2·2)/1 + 1
    assert api.problem("conv_output:7").id == "conv_output:7"
