"""JIZE_LOG_RETENTION_DAYS: conversation logs, feedback and Rasa's tracker events older than
N days are deleted (at start-up and then every few hours); tickets are kept."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

from fastapi.testclient import TestClient

from appdata.store import AppStore, purge_tracker_events
from bot.main import create_app

DAY = 86400


def make_tracker_db(path, now: float) -> None:
    """A tracker store as Rasa's SQLTrackerStore creates it (table ``events``)."""
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
        " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
        " action_name VARCHAR(255), data TEXT)"
    )
    rows = [
        ("old-sender", "user", now - 100 * DAY, '{"text": "我的手机13812345678"}'),
        ("old-sender", "slot", now - 95 * DAY, '{"name": "complaint_contact"}'),
        ("new-sender", "user", now - 2 * DAY, '{"text": "农保中心电话"}'),
    ]
    conn.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()


def senders(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT sender_id FROM events ORDER BY id")]
    finally:
        conn.close()


def test_purge_tracker_events(tmp_path):
    now = time.time()
    db = tmp_path / "rasa-tracker.db"
    make_tracker_db(db, now)
    assert purge_tracker_events(db, 0) == 0
    assert purge_tracker_events(db, 90, now=now) == 2
    assert senders(db) == ["new-sender"]
    assert purge_tracker_events(tmp_path / "missing.db", 90) == 0
    sqlite3.connect(tmp_path / "empty.db").close()
    assert purge_tracker_events(tmp_path / "empty.db", 90) == 0


def test_app_start_deletes_logs_older_than_the_retention(app_settings, fake_rasa, tmp_path):
    app_db, tracker_db = tmp_path / "app.db", tmp_path / "rasa-tracker.db"
    store = AppStore(app_db)
    old = store.log_conversation(
        sender_id="old-sender", message="旧问题", reply="旧回答", when=store.now() - timedelta(days=31)
    )
    recent = store.log_conversation(
        sender_id="new-sender", message="新问题", reply="新回答", when=store.now() - timedelta(days=29)
    )
    ticket = store.create_ticket(kind="handoff", sender_id="old-sender", fields={})
    store.db.execute(
        "UPDATE tickets SET created_at = ? WHERE ref = ?",
        [(store.now() - timedelta(days=400)).isoformat(), ticket.ref],
    )
    make_tracker_db(tracker_db, time.time())
    store.close()

    settings = app_settings(
        rasa_url=fake_rasa.url, app_db_path=app_db, rasa_tracker_db=tracker_db, log_retention_days=30
    )
    with TestClient(create_app(settings)) as c:
        s = c.app.state.store
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            s.get_conversation(old) is not None or senders(tracker_db) != ["new-sender"]
        ):
            time.sleep(0.05)
        assert s.get_conversation(old) is None
        assert s.get_conversation(recent) is not None
        assert s.get_ticket(ticket.ref) is not None  # tickets are records, not logs
        assert senders(tracker_db) == ["new-sender"]  # Rasa's copy of the dialogue too


def test_retention_zero_keeps_everything(app_settings, fake_rasa, tmp_path):
    app_db = tmp_path / "app.db"
    store = AppStore(app_db)
    old = store.log_conversation(
        sender_id="old-sender", message="旧问题", reply="旧回答", when=store.now() - timedelta(days=3000)
    )
    store.close()
    settings = app_settings(rasa_url=fake_rasa.url, app_db_path=app_db, log_retention_days=0)
    with TestClient(create_app(settings)) as c:
        time.sleep(0.3)
        assert c.app.state.store.get_conversation(old) is not None
