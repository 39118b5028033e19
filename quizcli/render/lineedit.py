"""Line editing and history for the prompts a student types into (drill, review, exam, the
steps of `drill --steps`, confidence, key points).

At a terminal, answers are read through the standard library's `readline` (GNU readline or
libedit), imported the first time a prompt is shown at a terminal, never for a pipe: the arrow
keys move the cursor, Up and Down recall this session's earlier answers, Ctrl-A / Ctrl-E /
Ctrl-W / Ctrl-U work as in a shell, and wide (Chinese) characters are edited as one character
each. Nothing is written to disk.

The styled prompt is handed to readline itself, each escape sequence wrapped in \\001 … \\002
(RL_PROMPT_START_IGNORE / END), so readline knows where the text starts and how wide the
prompt is when it redraws a line: printing the prompt first and calling input("") would let
readline redraw over it (an Up that recalls a longer line, a line that wraps). libedit
ignores those markers in some versions, so there the prompt goes unstyled.

Without a terminal, or without readline (Windows), this is rich's Console.input.
"""
from __future__ import annotations

import re
import sys
from typing import Any

HISTORY_MAX = 200  # entries kept per history, this session only

_ESC = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_RL: Any = None  # the readline module once imported; False when it is unavailable
_LIBEDIT = False
_HISTORIES: dict[str, list[str]] = {}


def _readline() -> Any:
    """The readline module, set up for answers; None where there is none."""
    global _RL, _LIBEDIT
    if _RL is None:
        try:
            import readline
        except ImportError:  # Windows, or a Python built without it
            _RL = False
            return None
        _LIBEDIT = "libedit" in (getattr(readline, "__doc__", "") or "")
        try:
            readline.set_auto_history(False)  # each prompt keeps its own history (below)
            readline.set_completer(lambda text, state: None)  # Tab never completes file names into an answer
            readline.parse_and_bind("bind ^I ed-insert" if _LIBEDIT else "tab: tab-insert")
        except Exception:  # an odd readline build: editing still works
            pass
        _RL = readline
    return _RL or None


def _interactive(console: Any) -> bool:
    """Input and output both at a terminal (Python's input() only uses readline then)."""
    try:
        return bool(sys.stdin.isatty() and sys.stdout.isatty() and console.is_terminal)
    except (AttributeError, ValueError, OSError):
        return False


def wrap_escapes(text: str) -> str:
    """`text` with every terminal escape sequence between \\001 and \\002, so readline counts
    only the printed characters when it measures the prompt."""
    return _ESC.sub(lambda m: "\x01" + m.group(0) + "\x02", text)


def _rendered(console: Any, markup: str, styled: bool) -> str:
    """The prompt as the console would print it (rich markup rendered to escape sequences)."""
    if not styled:
        from rich.text import Text

        return Text.from_markup(markup).plain
    with console.capture() as cap:
        console.print(markup, end="")
    return wrap_escapes(cap.get())


def remember(history: str, text: str) -> None:
    """Add a line to a history (not a blank line, not the same line twice in a row)."""
    if not text.strip():
        return
    h = _HISTORIES.setdefault(history, [])
    if h and h[-1] == text:
        return
    h.append(text)
    del h[:-HISTORY_MAX]


def history(name: str) -> list[str]:
    """The lines of a history so far (oldest first)."""
    return list(_HISTORIES.get(name, ()))


def read_line(console: Any, prompt: str, history: str = "answer") -> str:
    """One line typed after `prompt` (rich markup). `history` names the list Up recalls from:
    answers and the steps of a calculation share "answer"; the confidence and key-point
    prompts keep their own, so Up on an answer never brings back a "2". Raises EOFError at
    end of input, KeyboardInterrupt on Ctrl-C, as input() does."""
    rl = _readline() if _interactive(console) else None
    if rl is None:
        text = console.input(prompt)
        remember(history, text)
        return text
    shown = _rendered(console, prompt, styled=not _LIBEDIT)
    try:
        rl.clear_history()
        for line in _HISTORIES.get(history, ()):
            rl.add_history(line)
    except Exception:
        pass
    text = input(shown)
    remember(history, text)
    return text
