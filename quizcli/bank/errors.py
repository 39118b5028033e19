"""What can be wrong with a bank: a problem at a file and line, and the error that carries them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a bank file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        msg = self.message
        if len(msg) > 1000:  # e.g. a huge value quoted back
            msg = f"{msg[:1000]}… ({len(msg) - 1000} more characters)"
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file  # 0: the file as a whole
        return f"{where}: {msg}"


class BankError(Exception):
    """The bank could not be loaded; `problems` says where and why, `folders` are the extra
    bank folders that were given (the built-in one is always checked)."""

    def __init__(self, problems: list[Problem], folders: list[Path] | None = None):
        self.problems = problems
        self.folders = [Path(f) for f in folders or []]
        super().__init__("\n".join(str(p) for p in problems))

    def check_command(self) -> str:
        """The command that lists every problem, naming the folders (a plain `quizcli bank
        check` would check only the built-in bank and might say OK)."""
        import shlex

        def shown(f: Path) -> str:
            # a path longer than any system allows (PATH_MAX is 4096) names no folder to check:
            # shortened like the problem line, so the message stays readable
            text = str(f)
            return text if len(text) <= 1000 else f"{text[:90]}…{text[-60:]}"

        return " ".join(["quizcli", "bank", "check", *(shlex.quote(shown(f)) for f in self.folders)])
