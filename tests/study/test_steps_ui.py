"""The terminal face of a step-by-step calculation at 80 columns, in both languages: the step
prompt, hint rungs, the carried-forward message, the worked solution after a miss or a skip,
and `w` for the last calculation's solution."""
import io

from rich.console import Console

from quizcli.core.session import Item
from quizcli.generators import problem
from quizcli.render.drill_ui import RichUI
from quizcli.study.drill import run_drill
from quizcli.study.steps import StepMode


def screen(lang, answers, items, steps=True):
    out = io.StringIO()
    con = Console(file=out, width=80, force_terminal=False, color_system=None)
    feed = list(answers)

    def fake_input(prompt=""):
        con.print(prompt, end="")
        if not feed:
            raise EOFError
        a = feed.pop(0)
        con.print(a)
        return a

    con.input = fake_input
    from quizcli.bank.store import load_bank

    ui = RichUI(con, lang, load_bank())
    s = run_drill([Item.of_problem(problem(i)) for i in items], ui, None, steps=StepMode() if steps else None)
    return out.getvalue(), s


def test_steps_screen_english():
    text, s = screen("en", ["0, 1", "?", "?", "?", "0 0.7616"], ["rnn_step:3"])
    assert "Step 1 of 2: the pre-activation a = ?" in text
    assert "💡 1/4 Rule:" in text and "💡 3/4 With the numbers: tanh(0), tanh(1)" in text  # the student's own a = (0, 1)
    assert "Right given your earlier values (what you gave for the pre-activation a differs from the exact value" in " ".join(text.split())
    assert "Steps right: 1 of 2, 1 carried forward, 3 hint rungs · score 0.125" in text
    assert "Worked solution" in text  # shown after a miss
    assert max(len(line) for line in text.splitlines()) <= 80
    assert s.answered[0].score == 0.125


def test_steps_screen_chinese():
    text, _ = screen("zh", ["-0.74 1.32", "-0.74 1.32"], ["rnn_step:3"])
    assert "第 1 步（共 2 步）：预激活 a = ?" in text and "✓ 正确。" in text
    assert "你停在了预激活" in text  # forgot_tanh named at step 2
    assert "步骤正确：1/2" in text and "解题步骤" in text


def test_w_shows_the_last_calculation_and_a_skip_shows_the_solution():
    text, _ = screen("en", ["s", "w", "q"], ["conv_output:7", "rnn_step:3"], steps=False)
    first, _, rest = text.partition("Skipped. Answer:")
    assert "Worked solution" in rest.split("2/2")[0]  # the skip shows the worked solution
    after = rest.split("2/2", 1)[1]
    assert "Worked solution" in after and "→ Answer: " + problem("conv_output:7").answer_text in after


def test_faded_example_counts_only_the_steps_asked():
    from quizcli.bank.store import load_bank

    out = io.StringIO()
    con = Console(file=out, width=80, force_terminal=False, color_system=None)
    feed = ["0.2"]
    con.input = lambda prompt="": feed.pop(0) if feed else (_ for _ in ()).throw(EOFError)
    ui = RichUI(con, "en", load_bank())
    run_drill([Item.of_problem(problem("lstm_step:2"))], ui, None, steps=StepMode("backward", []))
    text = out.getvalue()
    assert "Step 5 of 6 (worked):" in text and "Step 6 of 6: the new output" in text
    assert "Steps right: 0 of 1 · score 0" in text and "1 calculation," in text
