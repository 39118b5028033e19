"""The plan on an 80-column terminal, in both languages: the heat strip (one cell a day,
M for a mock, E for the exam) and the day table fit; today's part lists its tasks."""
from datetime import date

import pytest
from rich.console import Console

from quizcli.progress.store import Store
from quizcli.render.plan import heat_strip, plan_view, today_view
from quizcli.study import plan as P


@pytest.fixture(scope="module")
def plan(bank, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("p") / "p.sqlite")
    p = P.plan_from_store(bank, store, date(2027, 1, 15), date(2027, 1, 1), 40, list(bank.topics), mock_minutes=60)
    store.close()
    return p


def _render(renderable):
    c = Console(width=80, record=True, color_system=None, force_terminal=False)
    c.print(renderable)
    return c.export_text()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_fits_80_columns(bank, plan, lang):
    from rich.cells import cell_len

    text = _render(plan_view(plan, bank, lang))
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    strip = text.splitlines()[1]
    cells = strip.split("  ")[0]
    assert len(cells) == len(plan["days"]) + 1 and cells.endswith("E")
    mocks = [i for i, d in enumerate(plan["days"]) if any(t["kind"] == "mock" for t in d["tasks"])]
    assert [i for i, ch in enumerate(cells) if ch == "M"] == mocks
    assert "60!" in text  # the mock day that runs over
    today = _render(today_view(plan, bank, lang))
    assert ("Today (2027-01-01)" if lang == "en" else "今天（2027-01-01）") in today
    assert all(cell_len(line) <= 80 for line in today.splitlines())


def test_heat_strip_shades_by_minutes(plan):
    days = [{"date": "2027-01-01", "minutes": 0, "tasks": []},
            {"date": "2027-01-02", "minutes": 10, "tasks": [{"kind": "learn"}]},
            {"date": "2027-01-03", "minutes": 40, "tasks": [{"kind": "learn"}]},
            {"date": "2027-01-04", "minutes": 40, "tasks": [{"kind": "mock"}]}]
    s = heat_strip({"days": days}, "en").plain
    assert s[:5] == " ░█ME"  # none, a quarter (lightest shade), full, mock, exam
