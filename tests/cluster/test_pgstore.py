"""The app's records on a real PostgreSQL (cluster mode): the same behaviour as on SQLite, and
ticket numbers that two gateway processes never hand out twice."""

from __future__ import annotations

import concurrent.futures
import uuid

import psycopg
import pytest

from appdata.pgstore import PgAppStore
from appdata.store import purge_tracker_events_pg

pytestmark = pytest.mark.integration


@pytest.fixture
def store(pg_server):
    s = PgAppStore(pg_server.url)
    yield s
    s.close()


def test_conversations_feedback_and_unanswered(store):
    sid = "pg-" + uuid.uuid4().hex[:10]
    a = store.log_conversation(sender_id=sid, message="那个怎么办", reply="抱歉", fallback=True, sources=[])
    b = store.log_conversation(sender_id=sid, message="农保电话", reply="7591916", sources=["duty-8.2"], latency_ms=40)
    assert b > a
    conv = store.get_conversation(b)
    assert conv.sender_id == sid and conv.sources == ["duty-8.2"] and conv.latency_ms == 40 and not conv.fallback
    assert [c.id for c in store.conversations(sender_id=sid)] == [b, a]
    assert any(u["question"] == "那个怎么办" for u in store.unanswered(limit=1000, days=1))
    fid = store.add_feedback(sender_id=sid, rating="down", message_id=a, reason="没答")
    assert any(f["id"] == fid and f["reason"] == "没答" for f in store.feedback(limit=1000))
    with pytest.raises(ValueError):
        store.add_feedback(sender_id=sid, rating="meh")


def test_ticket_numbers_are_unique_across_stores(pg_server):
    stores = [PgAppStore(pg_server.url) for _ in range(2)]  # as two gateway processes
    sid = "pg-" + uuid.uuid4().hex[:10]

    def create(i: int) -> str:
        return stores[i % 2].create_ticket(kind="complaint", sender_id=sid, fields={"n": i}).ref

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        refs = list(pool.map(create, range(40)))
    assert len(set(refs)) == 40
    mine = [t for t in stores[0].list_tickets(status="open", limit=10000) if t.sender_id == sid]
    assert sorted(t.ref for t in mine) == sorted(refs)
    done = stores[1].mark_ticket_done(refs[0])
    assert done.status == "done" and done.done_at
    assert stores[0].get_ticket(refs[0]).status == "done"
    for s in stores:
        s.close()


def test_retention_purges_tracker_events(pg_server):
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS events (id SERIAL PRIMARY KEY, sender_id TEXT, timestamp FLOAT)")
        conn.execute("INSERT INTO events (sender_id, timestamp) VALUES ('old', 1000), ('new', %s)", [4e9])
    assert purge_tracker_events_pg(pg_server.url, 30) >= 1
    with psycopg.connect(pg_server.url) as conn:
        left = {r[0] for r in conn.execute("SELECT sender_id FROM events WHERE sender_id IN ('old', 'new')")}
    assert left == {"new"}
