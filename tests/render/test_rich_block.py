"""Bullets in the bank's Markdown-lite text keep a hanging indent (issue 17): a bullet that wraps
goes on under its own text, not at the left margin. The text is the kmeans concept's
explanation (question_bank/unsupervised.yaml), whose "Algorithm (Lloyd)" list has bullets
longer than a line at 80 columns in both languages."""
import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from quizcli.render.terminal import rich_block, rich_text


def _lines(renderable, width=80) -> list[str]:
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False).print(renderable)
    return buf.getvalue().splitlines()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_wrapped_bullet_continues_under_its_text(bank, lang):
    lines = _lines(rich_block(bank.concepts["kmeans"].body.t(lang), bank))
    bullets = [i for i, ln in enumerate(lines) if ln.startswith("  • ")]
    assert len(bullets) == 4
    wrapped = [i + 1 for i in bullets if i + 1 < len(lines) and lines[i + 1].strip() and not lines[i + 1].startswith("  • ")
               and i + 1 not in bullets and i + 1 <= bullets[-1]]
    assert wrapped  # at least one bullet is longer than a line
    for i in wrapped:
        assert lines[i].startswith("    ") and not lines[i].startswith("     "), lines[i]  # under the text, 4 columns in
    assert all(cell_len(ln) <= 80 for ln in lines)


def test_text_without_bullets_is_the_same_single_text(bank):
    body = bank.concepts["dying_relu"].summary.en
    assert _lines(rich_block(body, bank)) == _lines(rich_text(body, bank))
