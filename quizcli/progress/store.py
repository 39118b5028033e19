"""Progress: one SQLite file, one row per graded answer, one FSRS card per item.

Guarantees (each tested):
- every answer is committed in its own transaction the moment it is graded, together with
  its card's new schedule, so a killed process loses nothing it had graded;
- WAL mode and a busy timeout, so two drills in two terminals both record everything;
- a store that another program holds locked is *busy*, not corrupt: quizcli waits up to the
  busy timeout (QUIZCLI_BUSY_TIMEOUT seconds, default 10) and then says the file is in use,
  changing nothing;
- only a file that does not open as SQLite, or fails the integrity check while readable, is
  moved aside (byte for byte, to a timestamped name, with a message) and a fresh store is
  started: never silently emptied;
- an SQLite file that is not a quizcli store is refused with a message and never written;
- damaged fields are reported, never a traceback: a damaged schema version refuses the file
  (left as it is); a damaged answer row is left in the file but skipped by every reader,
  with a notice; a damaged review schedule (cards row) is derived data: the card counts as
  due and is rebuilt from its answers the next time it is answered;
- `progress import` checks every line before writing any, and writes all in one transaction;
- a folder that cannot be written gives a clear message, and the drill runs without
  recording.
Datetimes are stored in UTC (ISO 8601); the study day for streaks is the local date.
"""
from __future__ import annotations

import errno
import json
import math
import os
import sqlite3
import time
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..core.session import Answered

SCHEMA_VERSION = 2
RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}
# PRAGMA application_id of a quizcli store ("QZCL"); stores made before it was set have 0
APPLICATION_ID = 0x515A434C
DEFAULT_BUSY_TIMEOUT = 10.0

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,              -- UTC, ISO 8601
    item TEXT NOT NULL,            -- question id or family:seed
    card TEXT NOT NULL,            -- scheduler card: question id or family:<id>
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    concepts TEXT NOT NULL,        -- JSON list of concept ids
    answer TEXT NOT NULL,
    correct INTEGER,               -- 1 / 0, NULL for a skip
    rating TEXT,                   -- again / hard / good / easy
    seconds REAL NOT NULL,
    misconception TEXT,
    expected TEXT NOT NULL,
    mode TEXT NOT NULL             -- drill / review / exam
);
CREATE INDEX IF NOT EXISTS answers_ts ON answers(ts);
CREATE INDEX IF NOT EXISTS answers_card ON answers(card);
CREATE TABLE IF NOT EXISTS cards (
    card TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    concepts TEXT NOT NULL,
    fsrs TEXT NOT NULL,            -- fsrs.Card.to_dict() as JSON
    due TEXT NOT NULL,             -- UTC, ISO 8601 (copied out of fsrs for ordering)
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS cards_due ON cards(due);
"""

# Version 2: what an answer earned beyond right/wrong: the share of the item (a short answer's
# key points, a calculation's steps), how sure the student said they were, how many hint rungs
# they took, and the per-step results of a step-by-step calculation.
# score: 0..1, NULL for a skip; confidence: 1 sure, 2 unsure, 3 guess, NULL when not asked;
# hints: rungs of the hint ladder taken; steps: JSON list of per-step results, or NULL
_SCHEMA_V2 = """
ALTER TABLE answers ADD COLUMN score REAL;
ALTER TABLE answers ADD COLUMN confidence INTEGER;
ALTER TABLE answers ADD COLUMN hints INTEGER NOT NULL DEFAULT 0;
ALTER TABLE answers ADD COLUMN steps TEXT
"""

# version -> SQL that upgrades the previous version to it
MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2}

# the columns each reader relies on, per table (at SCHEMA_VERSION)
_COLUMNS = {
    "meta": ("key", "value"),
    "answers": ("id", "ts", "item", "card", "kind", "topic", "concepts", "answer", "correct", "rating",
                "seconds", "misconception", "expected", "mode", "score", "confidence", "hints", "steps"),
    "cards": ("card", "topic", "concepts", "fsrs", "due", "reps", "lapses"),
}
_TEXT_FIELDS = ("item", "card", "kind", "topic", "answer", "expected", "mode")


class StoreError(Exception):
    """Progress cannot be kept; the message says why in both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class StoreBusy(StoreError):
    """Another program holds the store locked for longer than the busy timeout."""


class ForeignFile(StoreError):
    """An SQLite file that is not a quizcli store: refused, never written."""


class StoreDamaged(StoreError):
    """A quizcli store whose structure or schema version is damaged: refused, left as it is."""


class ImportLineError(StoreError):
    """A line of a `progress import` file that is not an exported answer."""

    def __init__(self, line: int, en: str, zh: str):
        super().__init__(f"line {line}: {en}", f"第 {line} 行：{zh}")
        self.line = line


class _Corrupt(sqlite3.DatabaseError):
    """A readable file that fails SQLite's integrity check."""


def os_reason(e: OSError) -> tuple[str, str]:
    """Why an OSError happened, in both languages (the common causes named plainly)."""
    known = {
        errno.ENOENT: ("no such file or folder", "文件或文件夹不存在"),
        errno.EACCES: ("permission denied", "没有权限"),
        errno.EPERM: ("permission denied", "没有权限"),
        errno.EISDIR: ("it is a folder", "这是一个文件夹"),
        errno.ENOTDIR: ("part of the path is not a folder", "路径中有一部分不是文件夹"),
        errno.ENOSPC: ("no space left on the device", "设备空间不足"),
        errno.EROFS: ("the file system is read-only", "文件系统为只读"),
        errno.EDQUOT: ("disk quota exceeded", "磁盘配额已用完"),
        errno.EIO: ("input/output error", "输入/输出错误"),
    }
    if e.errno in known:
        return known[e.errno]
    why = e.strerror or str(e)
    return why, why


def default_home() -> Path:
    """--home / QUIZCLI_HOME, else the platform's user data folder."""
    env = os.environ.get("QUIZCLI_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("quizcli", appauthor=False))


def default_busy_timeout() -> float:
    """QUIZCLI_BUSY_TIMEOUT (seconds, >= 0) if set to a number, else 10."""
    env = os.environ.get("QUIZCLI_BUSY_TIMEOUT")
    if env:
        try:
            v = float(env)
        except ValueError:
            return DEFAULT_BUSY_TIMEOUT
        if math.isfinite(v) and v >= 0:
            return min(v, 24 * 3600.0)
    return DEFAULT_BUSY_TIMEOUT


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse_dt(value: Any) -> datetime | None:
    """A stored ISO 8601 datetime between the years 1970 and 2999, or None if the value is
    not one (naive counts as UTC). The range keeps FSRS's date arithmetic from overflowing."""
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    dt = dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)
    return dt if 1970 <= dt.year <= 2999 else None


def card_number(card: str) -> int:
    """A stable integer id for fsrs from the card's own id (never from the item's text,
    so editing a question's wording keeps its progress)."""
    return zlib.crc32(card.encode("utf-8")) + 1


def _kind_of(e: BaseException) -> str:
    """'busy', 'corrupt' or 'other' for an sqlite3 error."""
    if isinstance(e, _Corrupt):
        return "corrupt"
    code = getattr(e, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF
        if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return "busy"
        if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return "corrupt"
        return "other"
    msg = str(e).lower()
    if "locked" in msg or "busy" in msg:
        return "busy"
    if "not a database" in msg or "malformed" in msg:
        return "corrupt"
    return "other"


def _short(value: Any, width: int = 40) -> str:
    """A stored or imported value, quoted and cut to `width` characters, for a message."""
    try:
        s = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(value)
    return s if len(s) <= width else s[: width - 1] + "…"


class Store:
    def __init__(self, path: Path, notices: list[tuple[str, str]] | None = None,
                 busy_timeout: float | None = None):
        self.path = Path(path)
        self.notices = notices if notices is not None else []
        self.busy_timeout = default_busy_timeout() if busy_timeout is None else max(0.0, float(busy_timeout))
        self.bad_answers: set[int] = set()
        self.conn = self._open()

    # ---------------------------------------------------------------- errors

    def _busy(self) -> StoreBusy:
        t = f"{self.busy_timeout:g}"
        return StoreBusy(
            f"The progress file {self.path} is in use by another program (still locked after {t} s). "
            "Nothing was changed. Close the other program or wait for it to finish, then try again.",
            f"进度文件 {self.path} 正被另一个程序占用（等待 {t} 秒后仍被锁定）。未做任何更改。"
            "请关闭该程序或等它完成后重试。",
        )

    def _write_error(self, e: sqlite3.Error) -> StoreError:
        if _kind_of(e) == "busy":
            return self._busy()
        code = getattr(e, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_FULL:
            return StoreError(f"Cannot write progress to {self.path}: the disk is full. Nothing was changed.",
                              f"无法写入进度文件 {self.path}：磁盘已满。未做任何更改。")
        return StoreError(f"Cannot write progress to {self.path} ({e}). Nothing was changed.",
                          f"无法写入进度文件 {self.path}（{e}）。未做任何更改。")

    def _damaged(self, what_en: str, what_zh: str) -> StoreDamaged:
        return StoreDamaged(
            f"The progress file {self.path} is damaged: {what_en}. It was left as it is. Repair it (for example "
            "with the sqlite3 tool) or move it away to start a fresh one; --home DIR keeps progress in another folder.",
            f"进度文件 {self.path} 已损坏：{what_zh}。文件保持原样。请修复它（例如用 sqlite3 工具），"
            "或将其移走以新建进度文件；也可以用 --home 目录 把进度保存到别的文件夹。",
        )

    # ---------------------------------------------------------------- opening

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            en, zh = os_reason(e)
            raise StoreError(f"Cannot create the progress folder {self.path.parent}: {en}.",
                             f"无法创建进度文件夹 {self.path.parent}：{zh}。") from None
        if self.path.is_dir():
            raise StoreError(f"Cannot open the progress file {self.path}: it is a folder.",
                             f"无法打开进度文件 {self.path}：这是一个文件夹。")
        try:
            conn, version = self._connect_and_inspect()
        except _Corrupt as e:
            self._move_aside(e)
            try:
                conn, version = self._connect_and_inspect()
            except _Corrupt as e2:
                raise StoreError(f"Cannot start a fresh progress file {self.path} ({e2}).",
                                 f"无法新建进度文件 {self.path}（{e2}）。") from None
        try:
            try:
                self._prepare(conn, version)
                self._check_answers(conn)
            except sqlite3.Error as e:
                raise self._write_error(e) from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_and_inspect(self) -> tuple[sqlite3.Connection, int]:
        """A connection and the file's schema version. Raises _Corrupt (sqlite3's word for
        it) for a file to move aside, StoreBusy for a locked one, StoreError otherwise."""
        conn = None
        try:
            conn = self._connect()
            return conn, self._inspect(conn)
        except sqlite3.Error as e:
            if conn is not None:
                conn.close()
            kind = _kind_of(e)
            if kind == "busy":
                raise self._busy() from None
            if kind == "corrupt":
                raise e if isinstance(e, _Corrupt) else _Corrupt(str(e)) from None
            raise StoreError(f"Cannot open the progress file {self.path} ({e}).",
                             f"无法打开进度文件 {self.path}（{e}）。") from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    def _inspect(self, conn: sqlite3.Connection) -> int:
        """Read-only look at the file: its schema version (0 for an empty file). Raises
        sqlite3 errors for an unreadable file, _Corrupt for one failing the integrity check,
        ForeignFile / StoreDamaged / StoreError for one quizcli must not use."""
        objects = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise _Corrupt(f"integrity check failed: {'; '.join(map(str, problems[:3]))}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = sorted(name for kind, name in objects if kind == "table")
        if app_id not in (0, APPLICATION_ID) or (objects and app_id == 0 and not {"meta", "answers", "cards"} <= set(tables)):
            listed = ", ".join(tables[:8]) + (", …" if len(tables) > 8 else "") if tables else "-"
            raise ForeignFile(
                f"{self.path} is an SQLite database but not a quizcli progress file (its tables: {listed}). "
                "It was left untouched. Keep progress elsewhere with --home DIR (or QUIZCLI_HOME), or move that file away.",
                f"{self.path} 是 SQLite 数据库，但不是 quizcli 的进度文件（其中的表：{listed}）。该文件未被改动。"
                "请用 --home 目录（或 QUIZCLI_HOME）把进度保存到别处，或将该文件移走。",
            )
        if not objects:
            return 0
        if "meta" not in tables:
            raise self._damaged("the meta table is missing", "缺少 meta 表")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            raise self._damaged("it has no schema_version", "缺少 schema_version")
        version = self._version(row[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer quizcli (schema {version}); upgrade quizcli.",
                f"{self.path} 由更新版本的 quizcli 写入（结构版本 {version}），请升级 quizcli。",
            )
        if version == SCHEMA_VERSION:
            for table, wanted in _COLUMNS.items():
                if table not in tables:
                    raise self._damaged(f"the {table} table is missing", f"缺少 {table} 表")
                have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                missing = [c for c in wanted if c not in have]
                if missing:
                    raise self._damaged(f"the {table} table lacks the columns {', '.join(missing)}",
                                        f"{table} 表缺少列 {', '.join(missing)}")
        return version

    def _version(self, raw: Any) -> int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            version = raw
        elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
            version = int(raw.strip())
        else:
            raise self._damaged(f"schema_version is {_short(raw)}, not a whole number",
                                f"schema_version 为 {_short(raw)}，不是整数")
        if version < 1:
            raise self._damaged(f"schema_version is {version}, not a version quizcli ever wrote",
                                f"schema_version 为 {version}，不是 quizcli 写过的版本")
        return version

    def _move_aside(self, err: Exception) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    os.replace(src, Path(str(aside) + suffix))
        except OSError as e:
            en, zh = os_reason(e)
            raise StoreError(
                f"The progress file {self.path} is not a readable database ({err}), and it could not be moved "
                f"aside ({en}). It was left as it is.",
                f"进度文件 {self.path} 已损坏或不是数据库（{err}），且无法将其移开（{zh}）。文件保持原样。",
            ) from None
        self.notices.append((
            f"The progress file {self.path} was not a readable database ({err}). It was moved to {aside} "
            "(nothing deleted) and a fresh one was started.",
            f"进度文件 {self.path} 已损坏或不是数据库（{err}）。已将其移到 {aside}（未删除任何内容），并新建了进度文件。",
        ))

    def _prepare(self, conn: sqlite3.Connection, version: int) -> None:
        """WAL mode, and the tables for a fresh or older store. A current store in WAL mode
        needs no write here, so reading commands work while another program writes."""
        deadline = time.monotonic() + self.busy_timeout
        current = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if current != "wal":
            # Two drills started at the same moment race to switch on WAL; SQLite's busy
            # handler does not cover the journal-mode switch, so retry until the deadline.
            while True:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.Error as e:
                    if _kind_of(e) != "busy":
                        raise self._write_error(e) from None
                    if time.monotonic() >= deadline:
                        if version == SCHEMA_VERSION:
                            break  # a readable current store: go on without WAL this time
                        raise self._busy() from None
                    time.sleep(0.05)
        if version < SCHEMA_VERSION:
            try:
                self._migrate(conn)
            except sqlite3.Error as e:
                raise self._write_error(e) from None

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = self._version(row[0]) if row else 0  # another process may have made it meanwhile
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer quizcli (schema {version}); upgrade quizcli.",
                    f"{self.path} 由更新版本的 quizcli 写入（结构版本 {version}），请升级 quizcli。",
                )
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[v].split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(v),))
            if version == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _check_answers(self, conn: sqlite3.Connection) -> None:
        """Find damaged rows. Answers: they stay in the file, every reader skips them, and a
        notice names them. Cards (the schedule, derived from the answers): a notice; they
        count as due and are rebuilt when next answered."""
        bad = _damaged_answer_ids(conn)
        self.bad_answers = bad
        if bad:
            first_id = min(bad)
            first = conn.execute("SELECT * FROM answers WHERE id = ?", (first_id,)).fetchone()
            field, value = _answer_row_problem(first) or ("?", None)
            ids = ", ".join(f"#{i}" for i in sorted(bad)[:10]) + (", …" if len(bad) > 10 else "")
            self.notices.append((
                f"{len(bad)} damaged answer(s) in {self.path} are skipped ({ids}; e.g. #{first_id} has "
                f"{field} = {_short(value)}). They were left in the file; repair or delete those rows to stop this notice.",
                f"{self.path} 中有 {len(bad)} 条已损坏的作答被跳过（{ids}；例如 #{first_id} 的 {field} 为 "
                f"{_short(value)}）。这些行仍保留在文件中；修复或删除它们即可不再提示。",
            ))

        damaged_cards = [r["card"] for r in conn.execute("SELECT card, fsrs, due, reps, lapses FROM cards")
                         if _card_row_damaged(r)]
        if damaged_cards:
            names = ", ".join(damaged_cards[:5]) + (", …" if len(damaged_cards) > 5 else "")
            self.notices.append((
                f"The review schedule of {len(damaged_cards)} item(s) in {self.path} is damaged ({names}). They count "
                "as due now, and each schedule is rebuilt from your recorded answers when you next answer it.",
                f"{self.path} 中有 {len(damaged_cards)} 项的复习计划已损坏（{names}）。这些项目视为现在到期，"
                "下次作答时会根据已记录的作答重建其复习计划。",
            ))

    def close(self) -> None:
        self.conn.close()

    # ---------------------------------------------------------------- writing

    @contextmanager
    def _writing(self):
        """One write transaction: committed whole or rolled back (also on Ctrl-C); an SQLite
        error becomes the StoreError that says what happened (busy, full disk, read-only …)."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            raise self._write_error(e) from None

    def record(self, a: Answered, when: datetime | None = None) -> None:
        """Store one answer and update its card, in one transaction."""
        when = when or now_utc()
        with self._writing():
            self._insert(a, when)
            if a.correct is not None and a.rating in RATINGS:
                self._review_card(a, when)

    def _insert(self, a: Answered, when: datetime) -> None:
        self.conn.execute(
            "INSERT INTO answers(ts, item, card, kind, topic, concepts, answer, correct, rating, seconds,"
            " misconception, expected, mode, score, confidence, hints, steps) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (_iso(when), a.item, a.card, a.kind, a.topic, json.dumps(list(a.concepts)), a.answer,
             None if a.correct is None else int(a.correct), a.rating, float(a.seconds), a.misconception,
             a.expected, a.mode, None if a.score is None else float(a.score), a.confidence, int(a.hints),
             json.dumps(list(a.steps), ensure_ascii=False) if a.steps else None),
        )

    def _review_card(self, a: Answered, when: datetime) -> None:
        from fsrs import Card, Rating

        row = self.conn.execute("SELECT fsrs, reps, lapses FROM cards WHERE card = ?", (a.card,)).fetchone()
        if row is None:
            card, reps, lapses = Card(card_id=card_number(a.card), due=when), 0, 0
        else:
            try:
                card = Card.from_dict(json.loads(row["fsrs"]))
                reps, lapses = row["reps"], row["lapses"]
                if not (_is_count(reps) and _is_count(lapses)):
                    raise ValueError("reps / lapses")
            except Exception:  # a damaged schedule is derived data: rebuild it from the answers
                self._rebuild_card(a.card, a.topic, list(a.concepts))
                return
        card, _ = _scheduler().review_card(card, Rating(RATINGS[a.rating]), review_datetime=when)
        self._put_card(a.card, a.topic, list(a.concepts), card, reps + 1, lapses + (1 if a.rating == "again" else 0))

    def _put_card(self, card_id: str, topic: str, concepts: list, card: Any, reps: int, lapses: int) -> None:
        self.conn.execute(
            "INSERT INTO cards(card, topic, concepts, fsrs, due, reps, lapses) VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT(card) DO UPDATE SET fsrs=excluded.fsrs, due=excluded.due, reps=excluded.reps,"
            " lapses=excluded.lapses, topic=excluded.topic, concepts=excluded.concepts",
            (card_id, topic, json.dumps(concepts), json.dumps(card.to_dict()), _iso(card.due), reps, lapses),
        )

    def _rebuild_card(self, card_id: str, topic: str, concepts: list) -> None:
        """The card's schedule replayed from all its graded answers, oldest first (inside the
        caller's transaction)."""
        from fsrs import Card, Rating

        card = None
        reps = lapses = 0
        graded = []
        for r in self.conn.execute(
            "SELECT id, ts, rating FROM answers WHERE card = ? AND correct IS NOT NULL"
            " AND rating IN ('again','hard','good','easy')", (card_id,),
        ):
            when = _parse_dt(r["ts"])
            if when is not None and r["id"] not in self.bad_answers:
                graded.append((when, r["id"], r))
        graded.sort(key=lambda g: (g[0], g[1]))
        for when, _, r in graded:
            if card is None:
                card = Card(card_id=card_number(card_id), due=when)
            card, _ = _scheduler().review_card(card, Rating(RATINGS[r["rating"]]), review_datetime=when)
            reps += 1
            lapses += r["rating"] == "again"
        if card is None:
            card = Card(card_id=card_number(card_id), due=now_utc())
        self._put_card(card_id, topic, concepts, card, reps, lapses)

    # ---------------------------------------------------------------- reading

    def answers(self) -> list[sqlite3.Row]:
        """Every readable answer, oldest first (damaged rows are skipped; see the notices)."""
        rows = self.conn.execute("SELECT * FROM answers ORDER BY id").fetchall()
        if self.bad_answers:
            rows = [r for r in rows if r["id"] not in self.bad_answers]
        return rows

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def _card_dues(self) -> list[tuple[datetime | None, sqlite3.Row]]:
        return [(_parse_dt(r["due"]), r) for r in self.conn.execute("SELECT * FROM cards")]

    def due_cards(self, at: datetime | None = None, limit: int | None = 20) -> list[sqlite3.Row]:
        """Cards due at `at`, most overdue first; at most `limit` (any size: None for all).
        A card whose due date is damaged counts as due (answering it rebuilds it)."""
        at = at or now_utc()
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        floor = datetime.min.replace(tzinfo=timezone.utc)
        due = sorted(((d or floor, r["card"]), r) for d, r in self._card_dues() if d is None or d <= at)
        if limit is not None:
            due = due[: max(0, int(limit))]
        return [r for _, r in due]

    def next_due(self) -> datetime | None:
        dues = [d for d, _ in self._card_dues()]
        if any(d is None for d in dues):
            return now_utc()
        return min(dues) if dues else None

    def cards(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM cards").fetchall()

    # ---------------------------------------------------------------- moving machines

    def export_lines(self) -> Iterator[str]:
        """JSON lines: every readable answer, oldest first (cards are rebuilt from them on import)."""
        for r in self.answers():
            d = dict(r)
            d.pop("id")
            d["concepts"] = json.loads(d["concepts"])
            d["correct"] = None if d["correct"] is None else bool(d["correct"])
            yield json.dumps(d, ensure_ascii=False)

    def import_lines(self, lines: Iterable[str | bytes]) -> int:
        """Replay exported answers (skipping ones already present); returns how many were added."""
        return self.import_records(parse_export(lines))[0]

    def import_records(self, records: list[tuple[Answered, datetime]]) -> tuple[int, int]:
        """Add checked answers (from `parse_export`) in one transaction, skipping those already
        here and repeats; rebuild the schedule of every card they touch. Returns (added, skipped)."""
        with self._writing() as conn:
            seen = {_row_key(r) for r in conn.execute("SELECT * FROM answers")}
            added = 0
            touched: dict[str, tuple[str, list]] = {}
            for a, when in records:
                key = _answer_key(a, when)
                if key in seen:
                    continue
                seen.add(key)
                self._insert(a, when)
                added += 1
                if a.correct is not None and a.rating in RATINGS:
                    touched[a.card] = (a.topic, list(a.concepts))
            for card_id, (topic, concepts) in touched.items():
                self._rebuild_card(card_id, topic, concepts)
        return added, len(records) - added

    def reset(self) -> int:
        """Delete every answer and card in one transaction; returns how many answers went."""
        with self._writing() as conn:
            n = conn.execute("DELETE FROM answers").rowcount
            conn.execute("DELETE FROM cards")
        self.bad_answers = set()
        return n


def _is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _card_row_damaged(r: sqlite3.Row) -> bool:
    if _parse_dt(r["due"]) is None or not (_is_count(r["reps"]) and _is_count(r["lapses"])):
        return True
    try:
        d = json.loads(r["fsrs"]) if isinstance(r["fsrs"], str) else None
    except ValueError:
        return True
    return not isinstance(d, dict) or _parse_dt(d.get("due")) is None


_BAD_ANSWER_SQL = """
SELECT id FROM answers WHERE typeof(ts) != 'text'
 OR typeof(item) != 'text' OR typeof(card) != 'text' OR typeof(kind) != 'text' OR typeof(topic) != 'text'
 OR typeof(answer) != 'text' OR typeof(expected) != 'text' OR typeof(mode) != 'text'
 OR typeof(concepts) != 'text' OR NOT json_valid(concepts) OR json_type(concepts) != 'array'
 OR EXISTS (SELECT 1 FROM json_each(answers.concepts) WHERE json_each.type != 'text')
 OR typeof(correct) NOT IN ('integer', 'null') OR correct NOT IN (0, 1)
 OR typeof(rating) NOT IN ('text', 'null') OR rating NOT IN ('again', 'hard', 'good', 'easy')
 OR typeof(seconds) NOT IN ('integer', 'real') OR seconds > 1e308 OR seconds < -1e308
 OR typeof(misconception) NOT IN ('text', 'null')
"""


def _damaged_answer_ids(conn: sqlite3.Connection) -> set[int]:
    """The ids of answer rows with a damaged field: the types and the JSON checked by SQLite
    (fast), the times by Python's own parser (what every reader uses)."""
    cur = conn.cursor()
    cur.row_factory = None
    try:
        bad = {r[0] for r in cur.execute(_BAD_ANSWER_SQL)}
    except sqlite3.OperationalError:  # an SQLite without the JSON functions: check in Python
        return {r["id"] for r in conn.execute("SELECT * FROM answers") if _answer_row_problem(r) is not None}
    bad.update(i for i, ts in cur.execute("SELECT id, ts FROM answers") if _parse_dt(ts) is None)
    return bad


def _answer_row_problem(r: sqlite3.Row) -> tuple[str, Any] | None:
    """(column, value) of the first damaged field of a stored answer, or None."""
    if _parse_dt(r["ts"]) is None:
        return "ts", r["ts"]
    for f in _TEXT_FIELDS:
        if not isinstance(r[f], str):
            return f, r[f]
    try:
        concepts = json.loads(r["concepts"]) if isinstance(r["concepts"], str) else None
    except ValueError:
        concepts = None
    if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
        return "concepts", r["concepts"]
    if r["correct"] not in (None, 0, 1) or isinstance(r["correct"], float):
        return "correct", r["correct"]
    if r["rating"] is not None and r["rating"] not in RATINGS:
        return "rating", r["rating"]
    s = r["seconds"]
    if not isinstance(s, (int, float)) or not math.isfinite(s):
        return "seconds", s
    if r["misconception"] is not None and not isinstance(r["misconception"], str):
        return "misconception", r["misconception"]
    return None


def _answer_key(a: Answered, when: datetime) -> tuple:
    """What makes two answers the same answer: every field, the time in stored form."""
    return (_iso(when), a.item, a.card, a.kind, a.topic, json.dumps(list(a.concepts)), a.answer,
            None if a.correct is None else int(a.correct), a.rating, float(a.seconds), a.misconception,
            a.expected, a.mode)


def _row_key(r: sqlite3.Row) -> tuple:
    s = r["seconds"]
    return (r["ts"], r["item"], r["card"], r["kind"], r["topic"], r["concepts"], r["answer"], r["correct"],
            r["rating"], float(s) if isinstance(s, (int, float)) else s, r["misconception"], r["expected"], r["mode"])


# ---------------------------------------------------------------- reading an export

_FIELD_EN = {"str": "text", "list": "a list of texts", "bool": "true, false or null", "num": "a number of seconds (0 or more)",
             "rating": "again, hard, good, easy or null", "opt_str": "text or null", "ts": "a date and time (ISO 8601, years 1970 to 2999)"}
_FIELD_ZH = {"str": "文本", "list": "文本列表", "bool": "true、false 或 null", "num": "秒数（不小于 0 的数）",
             "rating": "again、hard、good、easy 或 null", "opt_str": "文本或 null", "ts": "日期时间（ISO 8601，1970 至 2999 年）"}
# field -> (kind, required)
_EXPORT_FIELDS = {
    "ts": ("ts", True), "item": ("str", True), "card": ("str", True), "kind": ("str", True),
    "topic": ("str", True), "concepts": ("list", True), "answer": ("str", True), "correct": ("bool", True),
    "rating": ("rating", True), "seconds": ("num", True), "misconception": ("opt_str", False),
    "expected": ("str", True), "mode": ("str", False),
}


def _utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
        return False
    return True


def _field_ok(kind: str, v: Any) -> bool:
    if kind in ("str", "ts"):
        return isinstance(v, str) and _utf8(v) and (kind == "str" or _parse_dt(v) is not None)
    if kind == "opt_str":
        return v is None or (isinstance(v, str) and _utf8(v))
    if kind == "list":
        return isinstance(v, list) and all(isinstance(c, str) and _utf8(c) for c in v)
    if kind == "bool":
        return v is None or isinstance(v, bool)
    if kind == "rating":
        return v is None or (isinstance(v, str) and v in RATINGS)
    if kind == "num":
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
    raise AssertionError(kind)


def parse_line(n: int, line: str | bytes) -> tuple[Answered, datetime] | None:
    """One line of an export: the answer and its time, None for a blank line; raises
    ImportLineError naming the line and the field."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportLineError(n, "not UTF-8 text", "不是 UTF-8 文本") from None
    if n == 1:
        line = line.lstrip("\ufeff")
    if not line.strip():
        return None
    try:
        d = json.loads(line)
    except ValueError as e:
        col = getattr(e, "colno", None)
        raise ImportLineError(n, f"not valid JSON ({getattr(e, 'msg', e)}, column {col})",
                              f"不是有效的 JSON（第 {col} 列：{getattr(e, 'msg', e)}）") from None
    except RecursionError:
        raise ImportLineError(n, "not valid JSON (nested too deeply)", "不是有效的 JSON（嵌套过深）") from None
    if not isinstance(d, dict):
        raise ImportLineError(n, "not an exported answer (expected a JSON object {...})",
                              "不是导出的作答记录（应为 JSON 对象 {...}）")
    for field, (kind, required) in _EXPORT_FIELDS.items():
        if field not in d:
            if required:
                raise ImportLineError(n, f'the field "{field}" is missing', f'缺少字段 "{field}"')
            continue
        if not _field_ok(kind, d[field]):
            raise ImportLineError(n, f'"{field}" must be {_FIELD_EN[kind]}, not {_short(d[field])}',
                                  f'"{field}" 应为{_FIELD_ZH[kind]}，而不是 {_short(d[field])}')
    when = _parse_dt(d["ts"])
    a = Answered(item=d["item"], card=d["card"], kind=d["kind"], topic=d["topic"], concepts=tuple(d["concepts"]),
                 answer=d["answer"], correct=d["correct"], rating=d["rating"], seconds=float(d["seconds"]),
                 misconception=d.get("misconception"), expected=d["expected"], mode=d.get("mode", "drill"))
    return a, when


def parse_export(lines: Iterable[str | bytes]) -> list[tuple[Answered, datetime]]:
    """Every answer of an export, all checked before any is written (ImportLineError on the
    first bad line)."""
    out = []
    for n, line in enumerate(lines, 1):
        parsed = parse_line(n, line)
        if parsed is not None:
            out.append(parsed)
    return out


_SCHED: Any = None


def _scheduler():
    """FSRS with fuzzing off: the same answers give the same due dates (testable)."""
    global _SCHED
    if _SCHED is None:
        from fsrs import Scheduler

        _SCHED = Scheduler(enable_fuzzing=False)
    return _SCHED


def store_path(home: Path | None = None) -> Path:
    return (home or default_home()) / "progress.sqlite"


class StoreRecorder:
    """The drill's recorder: writes through to the store. An answer that finds the store
    busy (another program holding it locked past the busy timeout) is kept, with its time,
    and written before the next one, so a lock that ends mid-drill loses nothing."""

    def __init__(self, store: Store):
        self.store = store
        self.pending: list[tuple[Answered, datetime]] = []

    def record(self, a: Answered) -> None:
        self.pending.append((a, now_utc()))
        while self.pending:
            first, when = self.pending[0]
            try:
                self.store.record(first, when=when)
            except StoreBusy:
                n = len(self.pending)
                raise StoreBusy(
                    f"{self.store.path} is locked by another program; {n} answer(s) kept in memory and saved "
                    "with your next answer once the file is free",
                    f"{self.store.path} 被另一个程序锁定；{n} 条作答暂存在内存中，文件解除锁定后随下一次作答一并保存",
                ) from None
            except StoreError:
                self.pending.pop(0)  # not a lock: retrying will not help; the drill says it was not saved
                raise
            self.pending.pop(0)
