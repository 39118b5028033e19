"""Issue 18 items 4 and 10 (store / import / export parts): a locked store is busy, not
corrupt; only an unreadable file is moved aside; a foreign SQLite file is refused and left
alone; damaged fields give a clear message; `progress import` is all or nothing and
de-duplicates; `progress export` failures are clear messages. Every error goes through the
CLI as a plain message with exit 1, in English or Chinese, never "internal error"."""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.progress.store import (APPLICATION_ID, ForeignFile, ImportLineError, Store, StoreBusy, StoreDamaged,
                                    StoreError, parse_export, store_path)
from quizcli.study.drill import Answered

REPO = Path(__file__).resolve().parents[2]
BANK = str(REPO / "tests" / "study" / "drill_bank")
runner = CliRunner()
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def _answer(item="t.choice", correct=True, rating="good", seconds=1.5):
    return Answered(item=item, card=item, kind="choice", topic="neuron", concepts=("dying_relu",),
                    answer="b", correct=correct, rating=rating, seconds=seconds, misconception=None, expected="B")


def _home_with_history(tmp_path, n=3) -> Path:
    """A home whose store holds n answers (to t.choice, t.tf, t.num, ...), checkpointed."""
    home = tmp_path / "home"
    s = Store(store_path(home))
    for i, item in enumerate(["t.choice", "t.tf", "t.num", "t.multi", "t.sym"][:n]):
        s.record(_answer(item=item), when=T0 + timedelta(minutes=i))
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return home


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _flat(s: str) -> str:
    """Output without the line breaks and spaces rich adds when it wraps long messages."""
    return "".join(s.split())


def _has(output: str, text: str) -> bool:
    return _flat(text) in _flat(output)


def _clear_exit(r, code=1):
    """A handled error: the exit code, no exception other than the exit, no traceback."""
    assert r.exit_code == code, r.output
    assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output and "internal error" not in r.output


def _aside(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".corrupt-" in p.name]


class Holder:
    """Another program holding the store locked: a second sqlite3 connection inside
    BEGIN EXCLUSIVE that also writes a row, until release()."""

    def __init__(self, path: Path, mode: str):
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if mode == "exclusive-locking":  # WAL store, readers shut out too
            self.conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        elif mode == "rollback-journal":  # the store switched to a rollback journal: readers shut out
            self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("BEGIN EXCLUSIVE")
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('other_program', 'was here')")

    def release(self):
        self.conn.execute("COMMIT")
        self.conn.close()


# ---------------------------------------------------------------- item 4: locked is busy, not corrupt


@pytest.mark.parametrize("mode", ["exclusive-locking", "rollback-journal"])
def test_a_store_locked_by_another_program_is_busy_not_moved_aside(tmp_path, mode):
    home = _home_with_history(tmp_path)
    path = store_path(home)
    holder = Holder(path, mode)
    t = time.monotonic()
    with pytest.raises(StoreBusy) as e:
        Store(path, busy_timeout=0.3)
    assert time.monotonic() - t < 20  # waited for the lock, then gave up (a generous bound against hangs)
    assert "in use by another program" in e.value.en and "正被另一个程序占用" in e.value.zh
    assert _aside(home) == [] and path.exists()
    holder.release()
    s = Store(path)
    assert [r["item"] for r in s.answers()] == ["t.choice", "t.tf", "t.num"]
    # the other program's write landed in the student's file, not in a moved copy
    assert s.conn.execute("SELECT value FROM meta WHERE key='other_program'").fetchone()[0] == "was here"


@pytest.mark.parametrize("lg, text", [("en", "is in use by another program"), ("zh", "正被另一个程序占用")])
def test_busy_store_through_the_cli_says_so_and_keeps_the_history(tmp_path, monkeypatch, lg, text):
    monkeypatch.setenv("QUIZCLI_BUSY_TIMEOUT", "0.3")
    home = _home_with_history(tmp_path)
    holder = Holder(store_path(home), "exclusive-locking")
    try:
        for args in (["stats"], ["progress", "export", str(tmp_path / "e.jsonl")], ["progress", "reset", "-y"]):
            r = runner.invoke(app, ["--home", str(home), "--lang", lg, "--bank", BANK, *args])
            _clear_exit(r)
            assert _has(r.output, text) and _has(r.output, str(store_path(home)))
        r = runner.invoke(app, ["--home", str(home), "--lang", lg, "--bank", BANK, "drill", "--item", "t.choice"], input="b\n")
        assert r.exit_code == 0 and _has(r.output, text)
    finally:
        holder.release()
    assert _aside(home) == []
    assert Store(store_path(home)).count() == 3


def test_a_writer_lock_in_wal_mode_lets_reading_commands_through(tmp_path, monkeypatch):
    """Plain BEGIN EXCLUSIVE on the WAL store: stats and export read at once; reset waits,
    then says the store is busy and deletes nothing."""
    monkeypatch.setenv("QUIZCLI_BUSY_TIMEOUT", "0.3")
    home = _home_with_history(tmp_path)
    holder = Holder(store_path(home), "wal")
    try:
        r = runner.invoke(app, ["--home", str(home), "--bank", BANK, "stats", "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output)["answered"] == 3
        out = tmp_path / "e.jsonl"
        r = runner.invoke(app, ["--home", str(home), "progress", "export", str(out)])
        assert r.exit_code == 0 and len(out.read_text().splitlines()) == 3
        r = runner.invoke(app, ["--home", str(home), "progress", "reset", "-y"])
        _clear_exit(r)
        assert _has(r.output, "in use by another program")
        r = runner.invoke(app, ["--home", str(home), "progress", "import", str(out)])
        _clear_exit(r)  # (every line is already here, but the store could not even be looked at for writing)
    finally:
        holder.release()
    assert Store(store_path(home)).count() == 3 and _aside(home) == []


def test_a_lock_released_within_the_wait_lets_the_command_succeed(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZCLI_BUSY_TIMEOUT", "30")
    home = _home_with_history(tmp_path)
    holder = Holder(store_path(home), "exclusive-locking")
    timer = threading.Timer(0.5, holder.release)
    timer.start()
    try:
        r = runner.invoke(app, ["--home", str(home), "--bank", BANK, "stats", "--json"])
    finally:
        timer.join()
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["answered"] == 3 and _aside(home) == []


def test_busy_store_in_a_real_process_is_not_an_internal_error(tmp_path):
    home = _home_with_history(tmp_path)
    holder = Holder(store_path(home), "rollback-journal")
    try:
        env = dict(os.environ, QUIZCLI_HOME=str(home), QUIZCLI_BUSY_TIMEOUT="0.3", PYTHONPATH=str(REPO))
        p = subprocess.run([sys.executable, "-m", "quizcli", "--lang", "zh", "stats"], env=env,
                           capture_output=True, text=True, timeout=60)
    finally:
        holder.release()
    assert p.returncode == 1, p.stderr
    assert "正被另一个程序占用" in _flat(p.stderr) and "internal error" not in p.stderr and "Traceback" not in p.stderr
    assert Store(store_path(home)).count() == 3


# ---------------------------------------------------------------- unreadable files are still moved aside


def test_garbage_file_is_moved_aside_byte_identical(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(bytes(range(256)) * 64)
    before = _sha(path)
    s = Store(path)
    aside = _aside(tmp_path)
    assert len(aside) == 1 and _sha(aside[0]) == before
    assert s.count() == 0 and s.notices and "moved to" in s.notices[0][0]


def test_truncated_store_is_moved_aside_byte_identical(tmp_path):
    home = _home_with_history(tmp_path, n=5)
    path = store_path(home)
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[:8192])  # cut short, as by a full disk or a bad copy
    s = Store(path)
    aside = _aside(home)
    assert len(aside) == 1 and aside[0].read_bytes() == data[:8192]
    assert s.count() == 0


def test_an_empty_file_becomes_a_store_without_moving_anything(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"")
    s = Store(path)
    assert _aside(tmp_path) == [] and s.count() == 0
    assert s.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


# ---------------------------------------------------------------- a foreign SQLite file


def _foreign(path: Path, app_id=0):
    c = sqlite3.connect(path)
    if app_id:
        c.execute(f"PRAGMA application_id = {app_id}")
    c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    c.execute("INSERT INTO notes(text) VALUES ('my thesis outline')")
    c.commit()
    c.close()


@pytest.mark.parametrize("app_id", [0, 0x4D504246])
def test_a_foreign_sqlite_file_is_refused_and_untouched(tmp_path, app_id):
    path = tmp_path / "progress.sqlite"
    _foreign(path, app_id)
    before, listing = _sha(path), sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ForeignFile) as e:
        Store(path)
    assert str(path) in e.value.en and "not a quizcli progress file" in e.value.en and "notes" in e.value.en
    assert str(path) in e.value.zh and "不是 quizcli 的进度文件" in e.value.zh
    assert _sha(path) == before and sorted(p.name for p in tmp_path.iterdir()) == listing


@pytest.mark.parametrize("lg, text", [("en", "is an SQLite database but not a quizcli progress file"),
                                      ("zh", "不是 quizcli 的进度文件")])
def test_a_foreign_sqlite_file_through_the_cli(tmp_path, lg, text):
    home = tmp_path / "h"
    home.mkdir()
    path = store_path(home)
    _foreign(path)
    before = _sha(path)
    for args in (["stats"], ["review"], ["progress", "reset", "-y"], ["progress", "export", str(tmp_path / "e")]):
        r = runner.invoke(app, ["--home", str(home), "--lang", lg, "--bank", BANK, *args])
        _clear_exit(r)
        assert _has(r.output, text) and _has(r.output, str(path))
    r = runner.invoke(app, ["--home", str(home), "--lang", lg, "--bank", BANK, "drill", "--item", "t.choice"], input="b\n")
    assert r.exit_code == 0 and _has(r.output, text)
    assert _sha(path) == before and _aside(home) == []


# ---------------------------------------------------------------- damaged fields


def _poke(path: Path, sql: str, *args):
    c = sqlite3.connect(path)
    c.execute(sql, args)
    c.commit()
    c.close()


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-3", "0", "١"])
def test_a_damaged_schema_version_is_refused_with_a_message(tmp_path, value):
    home = _home_with_history(tmp_path)
    path = store_path(home)
    _poke(path, "UPDATE meta SET value = ? WHERE key = 'schema_version'", value)
    before = _sha(path)
    with pytest.raises(StoreDamaged) as e:
        Store(path)
    assert "schema_version" in e.value.en and "schema_version" in e.value.zh and "损坏" in e.value.zh
    for lg, text in (("en", "is damaged: schema_version"), ("zh", "已损坏：schema_version")):
        r = runner.invoke(app, ["--home", str(home), "--lang", lg, "stats"])
        _clear_exit(r)
        assert _has(r.output, text)
    assert _sha(path) == before and _aside(home) == []


def test_a_missing_table_is_damage_not_a_traceback(tmp_path):
    home = _home_with_history(tmp_path)
    _poke(store_path(home), "DROP TABLE cards")
    r = runner.invoke(app, ["--home", str(home), "--bank", BANK, "review"])
    _clear_exit(r)
    assert _has(r.output, "the cards table is missing")


def test_a_newer_schema_is_refused(tmp_path):
    home = _home_with_history(tmp_path)
    _poke(store_path(home), "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    r = runner.invoke(app, ["--home", str(home), "stats"])
    _clear_exit(r)
    assert _has(r.output, "newer quizcli (schema 99)")


def test_a_damaged_due_date_counts_as_due_and_is_rebuilt_from_the_answers(tmp_path):
    """cards.due and cards.fsrs are derived from the answers: when damaged, the card is asked
    and its schedule replayed, giving exactly what recording the same answers would give."""
    a_path, b_path = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    t1 = T0 + timedelta(days=3)
    a = Store(a_path)
    a.record(_answer(), when=T0)
    a.close()
    _poke(a_path, "UPDATE cards SET due = 'garbage', fsrs = '{broken' WHERE card = 't.choice'")
    a = Store(a_path)
    assert any("review schedule of 1 item" in en for en, _ in a.notices)
    assert [r["card"] for r in a.due_cards(at=T0)] == ["t.choice"]  # due, although it was answered right just now
    assert a.next_due() is not None
    a.record(_answer(correct=False, rating="again"), when=t1)
    b = Store(b_path)
    b.record(_answer(), when=T0)
    b.record(_answer(correct=False, rating="again"), when=t1)
    row_a, row_b = dict(a.cards()[0]), dict(b.cards()[0])
    assert row_a == row_b and row_a["reps"] == 2 and row_a["lapses"] == 1
    assert Store(a_path).notices == []


def test_damaged_due_through_review_asks_the_item(tmp_path):
    home = _home_with_history(tmp_path, n=1)
    _poke(store_path(home), "UPDATE cards SET due = 'garbage'")
    r = runner.invoke(app, ["--home", str(home), "--bank", BANK, "review", "--json"], input="b\n")
    assert r.exit_code == 0, r.output
    events = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert [e["item"] for e in events if e["event"] == "item"] == ["t.choice"]
    due = Store(store_path(home)).cards()[0]["due"]
    assert datetime.fromisoformat(due) > T0  # healed: a real date again


@pytest.mark.parametrize("column, value", [("ts", "garbage"), ("concepts", "{not json"), ("seconds", "abc"),
                                           ("correct", 7), ("rating", "great"), ("ts", "9999-01-01T00:00:00")])
def test_a_damaged_answer_is_skipped_with_a_notice_and_left_in_the_file(tmp_path, column, value):
    home = _home_with_history(tmp_path)
    path = store_path(home)
    _poke(path, f"UPDATE answers SET {column} = ? WHERE item = 't.tf'", value)
    r = runner.invoke(app, ["--home", str(home), "--bank", BANK, "stats", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["answered"] == 2
    assert _has(r.stderr, "1 damaged answer(s)") and _has(r.stderr, f"#2 has {column}")
    r = runner.invoke(app, ["--home", str(home), "--lang", "zh", "--bank", BANK, "progress", "export", str(tmp_path / "e")])
    assert r.exit_code == 0 and _has(r.stderr, "1 条已损坏的作答被跳过")
    assert [json.loads(x)["item"] for x in (tmp_path / "e").read_text().splitlines()] == ["t.choice", "t.num"]
    assert Store(path).count() == 3  # nothing deleted


# ---------------------------------------------------------------- review -n huge


def test_due_cards_takes_any_limit(tmp_path):
    s = Store(tmp_path / "p.sqlite")
    for i, item in enumerate(["a", "b", "c"]):
        s.record(_answer(item=item, correct=False, rating="again"), when=T0 + timedelta(seconds=i))
    later = T0 + timedelta(days=30)
    assert [r["card"] for r in s.due_cards(at=later, limit=10**28)] == ["a", "b", "c"]
    assert [r["card"] for r in s.due_cards(at=later, limit=2)] == ["a", "b"]
    assert s.due_cards(at=later, limit=0) == [] and s.due_cards(at=later, limit=-1) == []
    assert len(s.due_cards(at=later, limit=None)) == 3


def test_review_with_a_huge_number(tmp_path):
    home = _home_with_history(tmp_path, n=2)
    r = runner.invoke(app, ["--home", str(home), "--bank", BANK, "review", "--json", "-n", str(10**28)], input="")
    assert r.exit_code == 0, r.output
    assert "internal error" not in r.output


# ---------------------------------------------------------------- progress import


def _line(**over):
    d = {"ts": "2026-03-01T08:00:00+00:00", "item": "t.choice", "card": "t.choice", "kind": "choice", "topic": "neuron",
         "concepts": ["dying_relu"], "answer": "b", "correct": True, "rating": "good", "seconds": 1.5,
         "misconception": None, "expected": "B", "mode": "drill"}
    d.update(over)
    return json.dumps(d, ensure_ascii=False)


GOOD = [_line(), _line(item="t.tf", card="t.tf", ts="2026-03-01T08:01:00+00:00", correct=False, rating="again")]

BAD_LINES = [
    (_line(seconds="abc"), '"seconds" must be a number', '"seconds" 应为'),
    (_line(seconds=-1), '"seconds" must be a number', '"seconds" 应为'),
    (_line(seconds=True), '"seconds" must be a number', '"seconds" 应为'),
    (_line().replace('"seconds": 1.5', '"seconds": NaN'), '"seconds" must be a number', '"seconds" 应为'),
    (_line(correct="yes"), '"correct" must be true, false or null', '"correct" 应为'),
    (_line(correct=1), '"correct" must be true, false or null', '"correct" 应为'),
    (_line(concepts="dying_relu"), '"concepts" must be a list of texts', '"concepts" 应为文本列表'),
    (_line(concepts=[1, 2]), '"concepts" must be a list of texts', '"concepts" 应为文本列表'),
    (_line(ts="yesterday"), '"ts" must be a date and time', '"ts" 应为日期时间'),
    (_line(ts=5), '"ts" must be a date and time', '"ts" 应为日期时间'),
    (_line(ts="9999-12-31T23:59:59-01:00"), '"ts" must be a date and time', '"ts" 应为日期时间'),
    (_line(rating="great"), '"rating" must be again, hard, good, easy or null', '"rating" 应为'),
    (_line(item=5), '"item" must be text', '"item" 应为文本'),
    (_line(item="\ud800"), '"item" must be text', '"item" 应为文本'),
    (_line(misconception=3), '"misconception" must be text or null', '"misconception" 应为文本或 null'),
    (json.dumps({k: v for k, v in json.loads(_line()).items() if k != "answer"}), 'the field "answer" is missing', '缺少字段 "answer"'),
    ('["not", "an", "object"]', "expected a JSON object", "应为 JSON 对象"),
    ("{not json", "not valid JSON", "不是有效的 JSON"),
    ("42", "expected a JSON object", "应为 JSON 对象"),
]


@pytest.mark.parametrize("bad, en, zh", BAD_LINES)
def test_import_rejects_a_wrong_line_naming_it_and_imports_nothing(tmp_path, bad, en, zh):
    s = Store(tmp_path / "p.sqlite")
    with pytest.raises(ImportLineError) as e:
        s.import_lines([*GOOD, bad])
    assert e.value.line == 3 and e.value.en.startswith("line 3: ") and en in e.value.en
    assert e.value.zh.startswith("第 3 行：") and zh in e.value.zh
    assert s.count() == 0 and s.cards() == []


@pytest.mark.parametrize("lg", ["en", "zh"])
def test_import_through_the_cli_is_all_or_nothing(tmp_path, lg):
    home = _home_with_history(tmp_path, n=1)
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join([*GOOD, _line(seconds="abc"), _line(ts="2026-03-02T08:00:00+00:00")]) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["--home", str(home), "--lang", lg, "progress", "import", str(f)])
    _clear_exit(r)
    if lg == "en":
        assert _has(r.output, f"{f}: line 3:") and _has(r.output, '"seconds" must be a number') and _has(r.output, "Nothing was imported")
    else:
        assert _has(r.output, f"{f}：第 3 行：") and _has(r.output, "未导入任何内容")
    assert Store(store_path(home)).count() == 1


def test_import_rejects_bytes_that_are_not_utf8(tmp_path):
    home = _home_with_history(tmp_path, n=1)
    f = tmp_path / "in.jsonl"
    f.write_bytes((GOOD[0] + "\n").encode() + b'{"ts": "\xff\xfe"}\n')
    r = runner.invoke(app, ["--home", str(home), "progress", "import", str(f)])
    _clear_exit(r)
    assert _has(r.output, "line 2: not UTF-8 text") and Store(store_path(home)).count() == 1


def test_import_imports_a_repeated_line_once(tmp_path):
    home = tmp_path / "h"
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join([GOOD[0], GOOD[1], GOOD[0], "", GOOD[1]]) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["--home", str(home), "progress", "import", str(f)])
    assert r.exit_code == 0, r.output
    assert _has(r.output, "2 answers imported") and _has(r.output, "2 skipped")
    s = Store(store_path(home))
    assert [r["item"] for r in s.answers()] == ["t.choice", "t.tf"]
    # the schedule is that of one answer each: the same as recording them once
    ref = Store(tmp_path / "ref.sqlite")
    ref.record(_answer(), when=T0)
    ref.record(_answer(item="t.tf", correct=False, rating="again"), when=T0 + timedelta(minutes=1))
    cards = {r["card"]: (r["due"], r["reps"]) for r in s.cards()}
    assert cards == {r["card"]: (r["due"], r["reps"]) for r in ref.cards()}
    assert cards["t.choice"][1] == 1
    # and again: everything is already here
    r = runner.invoke(app, ["--home", str(home), "progress", "import", str(f)])
    assert _has(r.output, "0 answers imported") and Store(store_path(home)).count() == 2


def test_import_of_older_answers_rebuilds_the_schedule_in_time_order(tmp_path):
    """An answer imported from another machine that is older than the one here is replayed
    before it: the card ends as if both had been answered in order on one machine."""
    s = Store(tmp_path / "here.sqlite")
    s.record(_answer(), when=T0 + timedelta(days=2))
    old = _line(ts=T0.isoformat(), correct=False, rating="again")
    assert s.import_lines([old]) == 1
    ref = Store(tmp_path / "ref.sqlite")
    ref.record(_answer(correct=False, rating="again"), when=T0)
    ref.record(_answer(), when=T0 + timedelta(days=2))
    assert dict(s.cards()[0]) == dict(ref.cards()[0])


def test_import_that_fails_while_writing_leaves_nothing(tmp_path, monkeypatch):
    s = Store(tmp_path / "p.sqlite")
    s.record(_answer(item="t.num"), when=T0)

    def broken(*a, **k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_rebuild_card", broken)
    with pytest.raises(StoreError) as e:
        s.import_records(parse_export(GOOD))
    assert "Nothing was changed" in e.value.en
    assert [r["item"] for r in s.answers()] == ["t.num"]


def test_import_from_standard_input_and_bad_paths(tmp_path):
    home = tmp_path / "h"
    r = runner.invoke(app, ["--home", str(home), "progress", "import", "-"], input="\n".join(GOOD) + "\n")
    assert r.exit_code == 0 and _has(r.output, "2 answers imported")
    r = runner.invoke(app, ["--home", str(home), "progress", "import", str(tmp_path / "missing.jsonl")])
    _clear_exit(r)
    assert _has(r.output, "No file")
    r = runner.invoke(app, ["--home", str(home), "--lang", "zh", "progress", "import", str(tmp_path)])
    _clear_exit(r)
    assert _has(r.output, "是文件夹")


def test_a_non_utc_time_is_stored_in_utc_and_matches_on_reimport(tmp_path):
    s = Store(tmp_path / "p.sqlite")
    assert s.import_lines([_line(ts="2026-03-01T09:00:00+01:00")]) == 1
    assert s.answers()[0]["ts"] == "2026-03-01T08:00:00+00:00"
    assert s.import_lines([_line()]) == 0  # the same moment, written in UTC


# ---------------------------------------------------------------- progress export


def _unwritable_dir(tmp_path: Path) -> Path | None:
    d = tmp_path / "locked"
    d.mkdir()
    d.chmod(0o500)
    try:
        (d / "probe").write_text("x")
    except OSError:
        return d
    (d / "probe").unlink()
    for candidate in (Path("/sys"), Path("/proc/sys")):  # as root, chmod stops nothing
        try:
            (candidate / "quizcli-probe").write_text("x")
        except OSError:
            return candidate
    return None


@pytest.mark.parametrize("lg", ["en", "zh"])
def test_export_to_paths_that_cannot_take_it(tmp_path, lg):
    home = _home_with_history(tmp_path)
    cases = [
        (tmp_path / "no" / "such" / "dir" / "e.jsonl", "does not exist", "不存在"),
        (tmp_path, "it is a folder", "这是一个文件夹"),
        (Path("/dev/full"), "no space left on the device", "设备空间不足"),
        (store_path(home), "is the progress file itself", "就是进度文件本身"),
        (home / "progress.sqlite" / "x.jsonl", "is not a folder", "不是文件夹"),
    ]
    locked = _unwritable_dir(tmp_path)
    if locked is not None:
        cases.append((locked / "e.jsonl", "permission denied", "没有权限"))
    before = _sha(store_path(home))
    for target, en, zh in cases:
        r = runner.invoke(app, ["--home", str(home), "--lang", lg, "progress", "export", str(target)])
        _clear_exit(r)
        assert _has(r.output, en if lg == "en" else zh), (target, r.output)
        assert _has(r.output, str(target))
    assert _sha(store_path(home)) == before and Store(store_path(home)).count() == 3
    if locked is not None and locked.is_relative_to(tmp_path):
        locked.chmod(0o700)


def test_export_writes_whole_files_and_keeps_the_mode_of_an_old_one(tmp_path):
    home = _home_with_history(tmp_path)
    out = tmp_path / "e.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    r = runner.invoke(app, ["--home", str(home), "progress", "export", str(out)])
    assert r.exit_code == 0 and _has(r.output, "3 answers written")
    assert [json.loads(x)["item"] for x in out.read_text().splitlines()] == ["t.choice", "t.tf", "t.num"]
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.jsonl", "home"]  # no temporary file left


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("how", ["argument", "stdout"])
def test_export_to_dev_full_in_a_real_process(tmp_path, how):
    home = _home_with_history(tmp_path)
    env = dict(os.environ, QUIZCLI_HOME=str(home), PYTHONPATH=str(REPO))
    args = [sys.executable, "-m", "quizcli", "progress", "export"]
    if how == "argument":
        p = subprocess.run([*args, "/dev/full"], env=env, capture_output=True, text=True, timeout=60)
    else:
        with open("/dev/full", "w") as full:
            p = subprocess.run([*args, "-"], env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert p.returncode == 1, p.stderr
    assert "no space left on the device" in " ".join(p.stderr.split())
    assert "internal error" not in p.stderr and "Traceback" not in p.stderr and "Exception ignored" not in p.stderr


def test_export_to_standard_output(tmp_path):
    home = _home_with_history(tmp_path, n=2)
    r = runner.invoke(app, ["--home", str(home), "progress", "export", "-"])
    assert r.exit_code == 0
    assert [json.loads(x)["item"] for x in r.stdout.splitlines()] == ["t.choice", "t.tf"]


def test_the_fast_damage_check_agrees_with_the_field_by_field_one(tmp_path):
    """Damaged answers are found by one SQL query (plus Python's time parser); the slow
    row-by-row check gives the same rows for every kind of damage."""
    from quizcli.progress.store import _answer_row_problem, _damaged_answer_ids

    s = Store(tmp_path / "p.sqlite")
    damages = [("ts", "garbage"), ("ts", "2026-02-30T00:00:00+00:00"), ("ts", "9999-01-01T00:00:00"),
               ("concepts", "{x"), ("concepts", '"a"'), ("concepts", "[1]"), ("concepts", '["a", null]'),
               ("correct", 7), ("correct", 0.5), ("correct", "yes"), ("rating", "great"), ("rating", 3),
               ("seconds", "abc"), ("seconds", float("inf")), ("item", b"\x00"), ("misconception", b"\x01")]
    for i in range(len(damages) + 3):
        s.record(_answer(item=f"q{i}"), when=T0 + timedelta(minutes=i))
    for k, (column, value) in enumerate(damages, start=1):
        s.conn.execute(f"UPDATE answers SET {column} = ? WHERE id = ?", (value, k))
    slow = {r["id"] for r in s.conn.execute("SELECT * FROM answers") if _answer_row_problem(r) is not None}
    assert _damaged_answer_ids(s.conn) == slow == set(range(1, len(damages) + 1))
    assert Store(tmp_path / "p.sqlite").bad_answers == slow


def test_an_answer_that_found_the_store_busy_is_written_with_the_next_one(tmp_path):
    from quizcli.progress.store import StoreRecorder

    path = tmp_path / "p.sqlite"
    rec = StoreRecorder(Store(path, busy_timeout=0.2))
    holder = Holder(path, "wal")
    with pytest.raises(StoreBusy):
        rec.record(_answer(item="t.choice"))
    holder.release()
    rec.record(_answer(item="t.tf"))
    rows = Store(path).answers()
    assert [r["item"] for r in rows] == ["t.choice", "t.tf"] and rows[0]["ts"] <= rows[1]["ts"]
    assert rec.pending == []
