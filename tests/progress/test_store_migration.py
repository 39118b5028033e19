"""A store written by the first version (schema 1) opens in this one: it is upgraded in place
to schema 2 (score, confidence, hints, steps per answer), and every old answer is kept."""
import sqlite3

from quizcli.core.session import Answered
from quizcli.progress.store import MIGRATIONS, SCHEMA_VERSION, Store


def test_a_schema_1_store_is_upgraded_and_keeps_its_answers(tmp_path):
    path = tmp_path / "progress.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[1])
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO answers(ts, item, card, kind, topic, concepts, answer, correct, rating, seconds,"
                 " misconception, expected, mode) VALUES ('2026-11-01T10:00:00+00:00', 'cnn.q', 'cnn.q', 'choice',"
                 " 'cnn', '[\"pooling\"]', 'B', 1, 'good', 3.0, NULL, 'B', 'drill')")
    conn.commit()
    conn.close()
    store = Store(path)
    assert SCHEMA_VERSION == 2
    rows = [dict(r) for r in store.answers()]
    assert len(rows) == 1 and rows[0]["item"] == "cnn.q" and rows[0]["score"] is None and rows[0]["hints"] == 0
    store.record(Answered(item="cnn.r", card="cnn.r", kind="short", topic="cnn", concepts=("pooling",), answer="x",
                          correct=True, rating="good", seconds=2.0, misconception=None, expected="2/3",
                          score=2 / 3, confidence=1, hints=2, steps=({"step": 1, "correct": True},)))
    new = [dict(r) for r in store.answers()][-1]
    assert (new["score"], new["confidence"], new["hints"]) == (2 / 3, 1, 2)
    assert '"correct": true' in new["steps"]
    version = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert version == "2"
