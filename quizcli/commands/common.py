"""What every command shares: global options, the language, the bank, the console."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, List, Optional

import typer

from ..core.models import Bilingual

if TYPE_CHECKING:
    from rich.console import Console

    from ..core.models import Bank


@dataclass
class State:
    lang: Optional[str] = None
    banks: List[Path] = field(default_factory=list)
    home: Optional[Path] = None


STATE = State()

LangOpt = Annotated[
    Optional[str],
    typer.Option("--lang", "-l", help="Language: zh or en (default: QUIZCLI_LANG, else the locale, else en).", show_default=False),
]
BankOpt = Annotated[
    Optional[List[Path]],
    typer.Option("--bank", help="An extra bank folder loaded on top of the built-in one (repeatable).", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of the rich screen.")]


def lang(option: Optional[str] = None) -> str:
    """The language to speak: --lang (here or before the command), else QUIZCLI_LANG, else the
    locale, else English. A --lang that names neither language is refused, not ignored."""
    from ..i18n import explicit_lang, resolve_lang

    given = option or STATE.lang
    if given and explicit_lang(given) is None:
        raise fail(f"--lang must be zh or en (中文 or English), not '{given}'. / --lang 只能是 zh 或 en，而不是“{given}”。", 2)
    return resolve_lang(given)


# what the screens call a symbolic item ("formula" / "公式"), accepted as --kind too
KIND_ALIASES = {"formula": "symbolic", "formulas": "symbolic", "公式": "symbolic"}


def kind_option(kind: str, lg: str = "en") -> str:
    """--kind as the library names it: `formula`, the word the screens show, is `symbolic`.
    An unknown name is refused with the names there are."""
    from ..study.items import kind_filters

    kind = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if kind not in kind_filters():
        names = ", ".join(kind_filters())
        raise fail(Bilingual(f"--kind must be one of {names} (formula = symbolic)", f"--kind 须为 {names} 之一（formula 即 symbolic）").t(lg))
    return kind


def bank_dirs(extra: Optional[List[Path]] = None) -> List[Path]:
    return [*STATE.banks, *(extra or [])]


def get_bank(extra: Optional[List[Path]] = None, lang_code: str = "en") -> "Bank":
    """The loaded bank; on a broken bank, print where and why, and exit 1."""
    from ..bank.store import BankError, load_bank

    try:
        return load_bank(bank_dirs(extra))
    except BankError as e:
        from ..i18n import t

        err = console(stderr=True)
        n = len(e.problems)
        err.print(t("bank_broken", lang_code, n=n, s="" if n == 1 else "s"), style="bold red", markup=False, highlight=False)
        for p in e.problems[:15]:
            err.print(f"  {p}", markup=False, highlight=False, soft_wrap=True)
        if n > 15:
            err.print(f"  … (+{n - 15})", markup=False, highlight=False)
        # soft-wrapped: the command stays one line to copy, however narrow the terminal
        err.print(t("bank_broken_check", lang_code, check=e.check_command()), style="bold", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)


_CONSOLES: dict = {}


def console(stderr: bool = False) -> "Console":
    from rich.console import Console

    if stderr not in _CONSOLES:
        _CONSOLES[stderr] = Console(stderr=stderr, highlight=False, soft_wrap=False)
    return _CONSOLES[stderr]


def home_dir() -> Optional[Path]:
    """--home, else QUIZCLI_HOME, else None (the store picks the platform's data folder)."""
    if STATE.home:
        return STATE.home
    env = os.environ.get("QUIZCLI_HOME")
    return Path(env) if env else None


def fail(message: str, code: int = 1) -> "typer.Exit":
    """Print a clear one-line error to stderr and return the Exit to raise."""
    from ..i18n import printable

    console(stderr=True).print(printable(message), style="bold red", markup=False, highlight=False)
    return typer.Exit(code)



def open_recorder(lang: str, home: Path | None = None):
    """A recorder for a drill: the store, or (with a clear message on stderr) none."""
    from ..core.session import NullRecorder
    from ..progress.store import Store, StoreError, StoreRecorder, store_path

    err = console(stderr=True)
    try:
        store = Store(store_path(home or home_dir()))
    except StoreError as e:
        msg = e.zh if lang == "zh" else e.en
        tail = Bilingual(" This drill runs without saving progress.", " 本次练习不会保存进度。").t(lang)
        err.print(msg + tail, style="yellow", markup=False)
        return NullRecorder()
    for en, zh in store.notices:
        err.print(zh if lang == "zh" else en, style="yellow", markup=False)
    return StoreRecorder(store)


def open_store(lg: str):
    """The progress store (stats, review, plan); a clear message and exit 1 when it cannot be opened."""
    from ..progress.store import Store, StoreError, store_path

    try:
        store = Store(store_path(home_dir()))
    except StoreError as e:
        raise fail(e.zh if lg == "zh" else e.en)
    for en, zh in store.notices:
        console(stderr=True).print(zh if lg == "zh" else en, style="yellow", markup=False)
    return store


def start_symbolic_warmup(items) -> None:
    """Import sympy in the background while the student reads the first prompt."""
    from .. import kinds

    if any(kinds.of(i).needs_sympy for i in items):
        import threading

        from ..grading import warm_up

        threading.Thread(target=warm_up, daemon=True).start()
