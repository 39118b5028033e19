"""The `quizcli` command: a thin typer skin over the library.

Every command lives in `quizcli/commands/`; this file only builds the app, takes the global
options and turns stray errors into a clear message instead of a traceback.

`main()` registers only the command group the student invoked (all of them for --help or
an unknown name), so a start-up does not import and compile the other groups' modules.
`quizcli.cli.app` (for tests and embedding) has every command.
"""

import importlib
import sys
from pathlib import Path
from typing import Annotated, Iterable, List, Optional

import typer

from .commands import common

# command name -> module in quizcli/commands that registers it
COMMAND_MODULES = {
    "topics": "content", "explain": "content", "bank": "content",
    "gen": "problems", "solve": "problems",
    "drill": "study",
    "review": "progress", "stats": "progress", "progress": "progress",
    "exam": "exam",
    "plan": "plan", "today": "plan",
    "sheet": "sheets", "export": "sheets", "key": "sheets", "class": "sheets",
}
_ORDER = ("content", "problems", "study", "progress", "exam", "plan", "sheets")
_GLOBAL_WITH_VALUE = {"--lang", "-l", "--bank", "--home"}


def _global(
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Language: zh or en (default: "
                                                                     "QUIZCLI_LANG, else the locale, else en).", show_default=False)] = None,
    bank: Annotated[Optional[List[Path]], typer.Option("--bank", help="An extra bank folder on top of "
                                                                      "the built-in one (repeatable).", show_default=False)] = None,
    home: Annotated[Optional[Path], typer.Option("--home", help="Where progress is kept (default: "
                                                                "QUIZCLI_HOME, else the user data folder).", show_default=False)] = None,
) -> None:
    common.STATE.lang = lang
    common.STATE.banks = list(bank or [])
    common.STATE.home = home


def build_app(modules: Iterable[str] = _ORDER) -> typer.Typer:
    """The typer app with the commands of `modules` (in course order for --help)."""
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
    app.callback()(_global)
    wanted = set(modules)
    for name in _ORDER:
        if name in wanted:
            importlib.import_module(f"{__name__.rsplit('.', 1)[0]}.commands.{name}").register(app)
    return app


def _invoked_module(argv: List[str]) -> Optional[str]:
    """The command group named on the command line, skipping global options."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in _GLOBAL_WITH_VALUE:
            i += 2
            continue
        if a.startswith("-"):
            return None  # --help, --version …: the full app answers
        return COMMAND_MODULES.get(a)
    return None


def __getattr__(name: str):
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(name)


def _globals_first(argv: List[str]) -> List[str]:
    """Global options given after the command (`quizcli drill cnn --home DIR`) moved before
    it, where typer reads them: --home, like --lang and --bank, works anywhere."""
    out, moved, i = [], [], 0
    seen_command = False
    while i < len(argv):
        a = argv[i]
        if a == "--":
            out += argv[i:]
            break
        if seen_command and a == "--home" and i + 1 < len(argv):
            moved += argv[i:i + 2]
            i += 2
            continue
        if seen_command and a.startswith("--home="):
            moved.append(a)
            i += 1
            continue
        if not seen_command and not a.startswith("-"):
            seen_command = True
        elif not seen_command and a in _GLOBAL_WITH_VALUE:
            out += argv[i:i + 2]
            i += 2
            continue
        out.append(a)
        i += 1
    return moved + out


def main() -> None:
    sys.argv[1:] = _globals_first(sys.argv[1:])
    module = _invoked_module(sys.argv[1:])
    try:
        build_app((module,) if module else _ORDER)()
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
