"""Every command a student can run is documented: it has help text, and the README shows it
(the way sqlite-utils' tests/test_docs.py keeps its docs honest)."""
import re
from pathlib import Path

import pytest
import typer

from quizcli.cli import build_app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands():
    """Every command path of the real app: ('drill',), ('bank', 'check'), …"""
    root = typer.main.get_command(build_app())
    out = []

    def walk(cmd, path):
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            for name, sub in cmd.commands.items():
                walk(sub, path + (name,))
        else:
            out.append((path, cmd))

    walk(root, ())
    return out


COMMANDS = _commands()


def test_the_app_has_the_commands_of_the_readme_list():
    names = {" ".join(p) for p, _ in _commands()}
    assert {"topics", "explain", "drill", "review", "exam", "sheet", "solve", "gen", "stats", "bank check"} <= names


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(path, cmd):
    assert (cmd.help or "").strip(), f"quizcli {' '.join(path)} has no help text"
    assert re.search(r"quizcli " + r"\s+".join(map(re.escape, path)) + r"\b", README), \
        f"the README never shows `quizcli {' '.join(path)}`"


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_has_help(path, cmd):
    missing = [p.opts[0] for p in cmd.params if getattr(p, "param_type_name", "") == "option" and not (getattr(p, "help", "") or "").strip()]
    assert missing == []
