"""Progress: one SQLite file, one row per graded answer, one FSRS card per item.

Guarantees (each tested):
- every answer is committed in its own transaction the moment it is graded, together with
  its card's new schedule, so a killed process loses nothing it had graded;
- WAL mode and a busy timeout, so two drills in two terminals both record everything;
- a corrupt or non-SQLite file is moved aside to a timestamped name with a message, and a
  fresh store is started: never silently emptied;
- a folder that cannot be written gives a clear message, and the drill runs without
  recording.
Datetimes are stored in UTC (ISO 8601); the study day for streaks is the local date.
"""
from __future__ import annotations

import json
import os
import sqlite3
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..core.session import Answered

SCHEMA_VERSION = 1
RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}

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

# version -> SQL that upgrades the previous version to it
MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1}


class StoreError(Exception):
    """Progress cannot be kept; the message says why in both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh


def default_home() -> Path:
    """--home / QUIZCLI_HOME, else the platform's user data folder."""
    env = os.environ.get("QUIZCLI_HOME")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("quizcli", appauthor=False))


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def card_number(card: str) -> int:
    """A stable integer id for fsrs from the card's own id (never from the item's text,
    so editing a question's wording keeps its progress)."""
    return zlib.crc32(card.encode("utf-8")) + 1


class Store:
    def __init__(self, path: Path, notices: list[tuple[str, str]] | None = None):
        self.path = path
        self.notices = notices if notices is not None else []
        self.conn = self._open()

    # ---------------------------------------------------------------- opening

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"Cannot create the progress folder {self.path.parent}: {e.strerror}.",
                             f"无法创建进度文件夹 {self.path.parent}：{e.strerror}。") from None
        try:
            conn = self._connect()
            self._check_readable(conn)
        except sqlite3.DatabaseError as e:
            if "unable to open" in str(e) or "readonly" in str(e) or "read-only" in str(e):
                raise StoreError(f"Cannot open {self.path} for writing ({e}).", f"无法写入 {self.path}（{e}）。") from None
            conn = self._move_aside_and_reopen(e)
        import time

        # Two drills started at the same moment race to switch on WAL and create the tables;
        # SQLite's busy handler does not cover the journal-mode switch, so retry briefly.
        for attempt in range(100):
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                self._migrate(conn)
                break
            except sqlite3.OperationalError as e:
                if "locked" in str(e) and attempt < 99:
                    time.sleep(0.05)
                    continue
                raise StoreError(f"Cannot write progress to {self.path} ({e}).", f"无法写入进度文件 {self.path}（{e}）。") from None
        return conn

    @staticmethod
    def _check_readable(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        row = conn.execute("PRAGMA quick_check").fetchone()
        if row is not None and row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row[0]}")

    def _move_aside_and_reopen(self, err: Exception) -> sqlite3.Connection:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(aside) + suffix))
        self.notices.append((
            f"The progress file {self.path} was not a readable database ({err}). It was moved to {aside} "
            "(nothing deleted) and a fresh one was started.",
            f"进度文件 {self.path} 已损坏或不是数据库（{err}）。已将其移到 {aside}（未删除任何内容），并新建了进度文件。",
        ))
        conn = self._connect()
        self._check_readable(conn)
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                raise StoreError(
                    f"{self.path} was written by a newer quizcli (schema {version}); upgrade quizcli.",
                    f"{self.path} 由更新版本的 quizcli 写入（结构版本 {version}），请升级 quizcli。",
                )
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[v].split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(v),))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    # ---------------------------------------------------------------- writing

    def record(self, a: Answered, when: datetime | None = None) -> None:
        """Store one answer and update its card, in one transaction."""
        when = when or now_utc()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "INSERT INTO answers(ts, item, card, kind, topic, concepts, answer, correct, rating, seconds,"
                " misconception, expected, mode) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (_iso(when), a.item, a.card, a.kind, a.topic, json.dumps(list(a.concepts)), a.answer,
                 None if a.correct is None else int(a.correct), a.rating, float(a.seconds), a.misconception,
                 a.expected, a.mode),
            )
            if a.correct is not None and a.rating in RATINGS:
                self._review_card(a, when)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _review_card(self, a: Answered, when: datetime) -> None:
        from fsrs import Card, Rating

        row = self.conn.execute("SELECT fsrs, reps, lapses FROM cards WHERE card = ?", (a.card,)).fetchone()
        card = Card.from_dict(json.loads(row["fsrs"])) if row else Card(card_id=card_number(a.card), due=when)
        reps, lapses = (row["reps"], row["lapses"]) if row else (0, 0)
        card, _ = _scheduler().review_card(card, Rating(RATINGS[a.rating]), review_datetime=when)
        self.conn.execute(
            "INSERT INTO cards(card, topic, concepts, fsrs, due, reps, lapses) VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT(card) DO UPDATE SET fsrs=excluded.fsrs, due=excluded.due, reps=excluded.reps,"
            " lapses=excluded.lapses, topic=excluded.topic, concepts=excluded.concepts",
            (a.card, a.topic, json.dumps(list(a.concepts)), json.dumps(card.to_dict()), _iso(card.due),
             reps + 1, lapses + (1 if a.rating == "again" else 0)),
        )

    # ---------------------------------------------------------------- reading

    def answers(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM answers ORDER BY id").fetchall()

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def due_cards(self, at: datetime | None = None, limit: int = 20) -> list[sqlite3.Row]:
        """Cards due at `at`, most overdue first."""
        at = at or now_utc()
        return self.conn.execute("SELECT * FROM cards WHERE due <= ? ORDER BY due ASC LIMIT ?", (_iso(at), limit)).fetchall()

    def next_due(self) -> datetime | None:
        row = self.conn.execute("SELECT MIN(due) FROM cards").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def cards(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM cards").fetchall()

    # ---------------------------------------------------------------- moving machines

    def export_lines(self) -> Iterator[str]:
        """JSON lines: every answer, oldest first (cards are rebuilt from them on import)."""
        for r in self.answers():
            d = dict(r)
            d.pop("id")
            d["concepts"] = json.loads(d["concepts"])
            d["correct"] = None if d["correct"] is None else bool(d["correct"])
            yield json.dumps(d, ensure_ascii=False)

    def import_lines(self, lines: Iterator[str]) -> int:
        """Replay exported answers (skipping ones already present); returns how many were added."""
        added = 0
        seen = {(r["ts"], r["item"], r["answer"]) for r in self.answers()}
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                a = Answered(item=d["item"], card=d["card"], kind=d["kind"], topic=d["topic"], concepts=tuple(d["concepts"]),
                             answer=d["answer"], correct=d["correct"], rating=d["rating"], seconds=d["seconds"],
                             misconception=d.get("misconception"), expected=d["expected"], mode=d.get("mode", "drill"))
                when = datetime.fromisoformat(d["ts"])
            except (ValueError, KeyError, TypeError) as e:
                raise StoreError(f"line {n}: not an exported answer ({e})", f"第 {n} 行：不是导出的作答记录（{e}）") from None
            if (d["ts"], a.item, a.answer) in seen:
                continue
            self.record(a, when=when)
            added += 1
        return added

    def reset(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DELETE FROM answers")
        self.conn.execute("DELETE FROM cards")
        self.conn.execute("COMMIT")


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
    """The drill's recorder: writes through to the store."""

    def __init__(self, store: Store):
        self.store = store

    def record(self, a: Answered) -> None:
        self.store.record(a)
