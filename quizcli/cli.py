"""The `quizcli` command: a thin typer skin over the library.

Every command lives in `quizcli/commands/`; this file only builds the app, takes the global
options and turns stray errors into a clear message instead of a traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .commands import common, content, exam, problems, progress, sheets, study

app = typer.Typer(
    name="quizcli",
    help=(
        "quizcli: exam prep for Neural Networks and Deep Learning (神经网络与深度学习).\n\n"
        "Start with `quizcli topics`, then `quizcli explain lstm` or `quizcli drill cnn`."
    ),
    # Plain help: rich-formatted help imports rich.markdown (~0.1 s) on every --help.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global(
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Language: zh or en (default: QUIZCLI_LANG, else the locale, else en).", show_default=False)] = None,
    bank: Annotated[Optional[List[Path]], typer.Option("--bank", help="An extra bank folder on top of the built-in one (repeatable).", show_default=False)] = None,
    home: Annotated[Optional[Path], typer.Option("--home", help="Where progress is kept (default: QUIZCLI_HOME, else the user data folder).", show_default=False)] = None,
) -> None:
    common.STATE.lang = lang
    common.STATE.banks = list(bank or [])
    common.STATE.home = home


content.register(app)
problems.register(app)
study.register(app)
progress.register(app)
exam.register(app)
sheets.register(app)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:  # a bug of ours: say so plainly; QUIZCLI_DEBUG=1 shows the traceback
        import os

        if os.environ.get("QUIZCLI_DEBUG"):
            raise
        sys.stderr.write(
            f"quizcli: internal error: {type(e).__name__}: {e}\n"
            "Nothing you answered was lost. Run again with QUIZCLI_DEBUG=1 for details, and please report it.\n"
        )
        sys.exit(2)
