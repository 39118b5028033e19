"""Authoring hints name the folder (issue 17): with a broken extra bank given by `--bank DIR`,
every command suggests `quizcli bank check DIR` (a bare `quizcli bank check` checks only the
built-in bank and says OK), and the commands the screens suggest carry `--bank DIR` when the
items come from an extra bank. The banks are tests/demo_bank.py's, written into tmp_path and
broken in one place (a true/false answer that is neither)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from demo_bank import GOOD, write_bank  # noqa: E402

BROKEN = GOOD.replace("answer: true", "answer: maybe")


@pytest.fixture
def broken(tmp_path) -> Path:
    return write_bank(tmp_path / "my bank", BROKEN)


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=pytest.mark.slow)])  # the same code path in either language
@pytest.mark.parametrize("args", [["drill", "demo", "-n", "1"], ["explain", "alpha"], ["exam", "-n", "3"]], ids=["drill", "explain", "exam"])
def test_a_broken_extra_bank_suggests_checking_that_folder(runner, broken, tmp_path, args, lang):
    r = runner.invoke(["--home", str(tmp_path / "home"), "--lang", lang, *args, "--bank", str(broken)], input="\n\n")
    assert r.exit_code == 1, r.output
    err = r.stderr
    assert "demo.yaml:14:" in err and "maybe" in err  # the problem itself, at its line
    # the folder has a space: quoted, so the command copies as one argument
    assert f"quizcli bank check '{broken}'" in err, err
    assert ("problem:" if lang == "en" else "1 个问题") in err
    assert "Traceback" not in r.output


def test_the_suggested_check_command_really_finds_the_problem(runner, broken):
    """What the hint suggests, run: it fails on the extra folder, where a bare check says OK."""
    r = runner.invoke(["bank", "check", str(broken)])
    assert r.exit_code == 1 and "maybe" in r.stderr
    assert runner.invoke(["bank", "check"]).exit_code == 0


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=pytest.mark.slow)])
def test_drill_them_on_a_concept_of_an_extra_bank_names_the_folder(runner, tmp_path, lang):
    good = write_bank(tmp_path / "extra")
    r = runner.invoke(["--lang", lang, "explain", "alpha", "--bank", str(good)])
    assert r.exit_code == 0, r.output
    drill = ("drill them: " if lang == "en" else "练习：") + f"quizcli drill alpha --bank {good}"
    assert drill in r.stdout
    r = runner.invoke(["--lang", lang, "topics", "--bank", str(good)])
    assert f"quizcli drill {'ID' if lang == 'en' else '编号'} --bank {good}" in r.stdout


def test_drill_them_without_an_extra_bank_is_the_bare_command(runner):
    r = runner.invoke(["explain", "dying_relu"])
    assert r.exit_code == 0
    assert "drill them: quizcli drill dying_relu\n" in r.stdout.replace(" \n", "\n").replace("  \n", "\n")
