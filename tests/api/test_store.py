"""appdata.store.AppStore on a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import timedelta

import pytest

from appdata.store import DUPLICATE_TICKET_MINUTES, AppStore


@pytest.fixture()
def db(tmp_path):
    s = AppStore(tmp_path / "app.db")
    yield s
    s.close()


def test_wal_and_tables(db, tmp_path):
    assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"conversations", "feedback", "tickets"} <= set(db.db.table_names())


def test_ticket_contract(db, tmp_path):
    t = db.create_ticket(
        kind="complaint", sender_id="s1", fields={"employer": "某公司"}, office="劳动科", phone="7523309"
    )
    assert re.fullmatch(r"TS-\d{8}-0001", t.ref)
    assert t.status == "open"
    # committed before it returns: another connection sees it
    other = sqlite3.connect(tmp_path / "app.db")
    assert other.execute("SELECT kind, status FROM tickets WHERE ref = ?", [t.ref]).fetchone() == (
        "complaint",
        "open",
    )
    other.close()
    t2 = db.create_ticket(kind="handoff", sender_id="s2")
    assert t2.ref.endswith("-0002")
    assert [x.ref for x in db.list_tickets("open")] == [t2.ref, t.ref]
    done = db.mark_ticket_done(t.ref)
    assert done.status == "done" and done.done_at
    assert [x.ref for x in db.list_tickets("open")] == [t2.ref]
    assert [x.ref for x in db.list_tickets("done")] == [t.ref]
    assert len(db.list_tickets(None)) == 2
    assert db.mark_ticket_done("TS-19990101-0001") is None
    assert db.get_ticket(t.ref).fields == {"employer": "某公司"}


def test_ticket_validation(db):
    with pytest.raises(ValueError):
        db.create_ticket(kind="other", sender_id="s")
    with pytest.raises(ValueError):
        db.list_tickets("pending")


def test_ticket_numbers_unique_across_connections(tmp_path):
    """Two stores (as two processes would) and several threads never share a number."""
    a, b = AppStore(tmp_path / "app.db"), AppStore(tmp_path / "app.db")
    refs: list[str] = []
    lock = threading.Lock()

    def work(store, n):
        for i in range(10):
            ref = store.create_ticket(kind="handoff", sender_id=f"x{n}-{i}").ref
            with lock:
                refs.append(ref)

    threads = [threading.Thread(target=work, args=(s, n)) for n, s in enumerate((a, b, a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(refs) == 40 and len(set(refs)) == 40
    a.close()
    b.close()


def test_the_same_ticket_submitted_again_is_the_one_already_made(db):
    """A turn retried after a replica died runs the submit action twice: one ticket."""
    fields = {"employer": "某公司", "contact": "13800000000"}
    first = db.create_ticket(kind="complaint", sender_id="s1", fields=fields, office="劳动科")
    again = db.create_ticket(kind="complaint", sender_id="s1", fields=dict(fields), office="劳动科")
    assert again.ref == first.ref and len(db.list_tickets(None)) == 1
    # another conversation, other fields, or long after: new tickets
    assert db.create_ticket(kind="complaint", sender_id="s2", fields=fields).ref != first.ref
    assert db.create_ticket(kind="complaint", sender_id="s1", fields={**fields, "contact": "139"}).ref != first.ref
    later = db.now() + timedelta(minutes=DUPLICATE_TICKET_MINUTES + 1)
    db.now = lambda: later
    assert db.create_ticket(kind="complaint", sender_id="s1", fields=fields).ref != first.ref
    assert len(db.list_tickets(None)) == 4


def test_retention_purge(db):
    old = db.now() - timedelta(days=40)
    db.log_conversation(sender_id="s", message="old", reply="r", when=old)
    keep = db.log_conversation(sender_id="s", message="new", reply="r")
    assert db.purge_conversations(30) == 1
    assert [c.id for c in db.conversations()] == [keep]
    assert db.purge_conversations(0) == 0


def test_unanswered_counts(db):
    for _ in range(2):
        db.log_conversation(sender_id="s", message="甲", reply="", fallback=True)
    db.log_conversation(sender_id="s", message="乙", reply="", fallback=True)
    db.log_conversation(sender_id="s", message="丙", reply="", fallback=False)
    items = db.unanswered()
    assert [(i["question"], i["count"]) for i in items] == [("甲", 2), ("乙", 1)]


def test_feedback_rating_checked(db):
    with pytest.raises(ValueError):
        db.add_feedback(sender_id="s", rating="meh", reply="x")
    fid = db.add_feedback(sender_id="s", rating="up", reply="x")
    assert db.feedback()[0]["id"] == fid


def test_durable_commits(db, tmp_path):
    """WAL with synchronous=FULL: a ticket committed is on disk, and another connection (another
    process: the app killed right after) sees it without the first one closing."""
    assert db.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    t = db.create_ticket(kind="complaint", sender_id="s9", fields={"contact": "13812345678"})
    other = sqlite3.connect(tmp_path / "app.db")
    try:
        row = other.execute("SELECT fields FROM tickets WHERE ref = ?", [t.ref]).fetchone()
    finally:
        other.close()
    assert row and "13812345678" in row[0]


def test_a_turn_is_logged_and_audited_in_one_commit(db, tmp_path):
    """batch(): the conversation log and the audit record in one transaction (one sync of the
    disk), committed when it ends: another connection sees both then, neither before."""
    other = sqlite3.connect(tmp_path / "app.db")
    try:
        with db.batch():
            mid = db.log_conversation(sender_id="b1", message="农保电话", reply="7591916")
            aid = db.add_audit({"id": "c" * 32, "sender_id": "b1", "message_id": mid, "question": "农保电话",
                                "route": "knowledge", "sources": []})
            assert other.execute("SELECT COUNT(*) FROM conversations WHERE id = ?", [mid]).fetchone()[0] == 0
        assert other.execute("SELECT COUNT(*) FROM conversations WHERE id = ?", [mid]).fetchone()[0] == 1
        assert other.execute("SELECT message_id FROM audit WHERE id = ?", [aid]).fetchone()[0] == mid
        # a write that fails inside leaves the others
        with db.batch():
            kept = db.log_conversation(sender_id="b2", message="社保卡", reply="…")
            with pytest.raises(sqlite3.IntegrityError):
                db.add_audit({"id": "d" * 32, "sender_id": "b2"})  # no route
        assert db.get_conversation(kept) is not None and not db.db.conn.in_transaction
    finally:
        other.close()
