"""Typing an answer feels like a shell (issue 17): at a terminal the drill reads through the
standard library's readline, so Left moves the cursor instead of inserting ^[[D, Up recalls this
session's earlier answers (answers and confidence levels kept apart), and a Chinese character is
deleted as one character. Driven for real in a pseudo-terminal (os.openpty, no pexpect), as in
tests/study/test_exam_resume.py; the answers the drill graded are read back from the progress
store. Expected answers from tests/study/drill_bank/drilltest.yaml: t.num is 0.25, t.tf is false
(错), t.choice is B."""
import os
import re
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizcli.render import lineedit

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "tests" / "study" / "drill_bank"
LEFT, UP, BACKSPACE, CTRL_U = "\x1b[D", "\x1b[A", "\x7f", "\x15"
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|[\x01\x02]")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Pty:
    """A quizcli process on a pseudo-terminal 80 columns wide; `expect` waits for text."""

    def __init__(self, args, home):
        import fcntl
        import struct
        import termios

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
        env = dict(os.environ, TERM="xterm", COLUMNS="80", LINES="40", QUIZCLI_HOME=str(home), LC_ALL="C.UTF-8",
                   PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen([sys.executable, "-m", "quizcli", *args], stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd, self.raw, self.pos = master, b"", 0

    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def expect(self, pattern: str, timeout: float = 30) -> str:
        """Wait until `pattern` (a regex) shows after the last match; returns what came before it."""
        end = time.monotonic() + timeout
        while True:
            m = re.compile(pattern).search(self.text(), self.pos)
            if m:
                before = self.text()[self.pos:m.start()]
                self.pos = m.end()
                return before
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {pattern!r}; screen so far:\n{self.text()[-1500:]}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"quizcli ended before {pattern!r}:\n{self.text()[-1500:]}")
                self.raw += chunk

    def send(self, keys: str, pause: float = 0.15) -> None:
        os.write(self.fd, keys.encode("utf-8"))
        time.sleep(pause)  # readline reads an escape sequence as one key only if it arrives whole

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.fd)


def _graded(home: Path) -> list[tuple[str, str, int]]:
    from quizcli.progress.store import store_path

    con = sqlite3.connect(store_path(home))
    try:
        return [tuple(r) for r in con.execute("SELECT item, answer, correct FROM answers ORDER BY id")]
    finally:
        con.close()


def test_left_inserts_in_place_up_recalls_and_chinese_is_one_character(tmp_path):
    t = Pty(["--bank", str(BANK), "drill", "--lang", "zh", "--confidence",
             "--item", "t.num", "--item", "t.tf", "--item", "t.choice"], tmp_path)
    t.expect(r"作答（\? 提示")
    t.expect("› ")
    # "025", Left twice puts the cursor between 0 and 2, "." makes it 0.25
    t.send("025")
    t.send(LEFT)
    t.send(LEFT)
    t.send(".\r")
    t.expect("有多确定")
    t.send("1\r")
    t.expect("正确")
    t.expect(r"作答（\? 提示")
    t.expect("› ")
    # Up brings back the answer, not the confidence "1" typed since
    t.send(UP)
    t.expect("0.25", timeout=5)
    # clear it; 对, Backspace (one wide character), 错: the answer is 错
    t.send(CTRL_U)
    t.send("对")
    t.send(BACKSPACE)
    t.send("错\r")
    t.expect("有多确定")
    t.send("\r")
    t.expect("正确")
    t.expect(r"作答（\? 提示")
    t.send("q\r")
    t.expect("练习小结")
    assert t.close() == 0
    assert _graded(tmp_path) == [("t.num", "0.25", 1), ("t.tf", "错", 1)]
    assert "^[[D" not in t.text()  # what a terminal without line editing echoes for Left


def test_a_pipe_reads_plain_lines_without_readline():
    code = ("import sys; from quizcli.cli import main\n"
            "sys.argv = ['quizcli', '--bank', %r, 'drill', '--item', 't.num']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('READLINE' if 'readline' in sys.modules else 'NO-READLINE')\n") % str(BANK)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], input="1/4\n", capture_output=True, text=True, env=env, timeout=60)
    assert "Right" in out.stdout and out.stdout.strip().endswith("NO-READLINE"), out.stdout + out.stderr


def test_prompt_escapes_are_marked_for_readline():
    styled = "\x1b[1m作答 ›\x1b[0m "
    assert lineedit.wrap_escapes(styled) == "\x01\x1b[1m\x02作答 ›\x01\x1b[0m\x02 "
    assert lineedit.wrap_escapes("plain › ") == "plain › "


def test_histories_are_kept_apart_and_bounded(monkeypatch):
    monkeypatch.setattr(lineedit, "_HISTORIES", {})
    for line in ["0.25", "0.25", "", "  ", "1 2; 3 4"]:
        lineedit.remember("answer", line)
    lineedit.remember("confidence", "2")
    assert lineedit.history("answer") == ["0.25", "1 2; 3 4"] and lineedit.history("confidence") == ["2"]
    for i in range(lineedit.HISTORY_MAX + 5):
        lineedit.remember("answer", str(i))
    h = lineedit.history("answer")
    assert len(h) == lineedit.HISTORY_MAX and h[-1] == str(lineedit.HISTORY_MAX + 4)
