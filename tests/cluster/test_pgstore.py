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
    # the same ticket submitted again through the other gateway (a retried turn): the one made
    again = stores[1].create_ticket(kind="complaint", sender_id=sid, fields={"n": 3}).ref
    assert again == refs[3]
    done = stores[1].mark_ticket_done(refs[0])
    assert done.status == "done" and done.done_at
    assert stores[0].get_ticket(refs[0]).status == "done"
    for s in stores:
        s.close()


def test_retention_purges_tracker_events(pg_server):
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        # Rasa's table (created here when no replica has run on this server yet)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (id SERIAL PRIMARY KEY, sender_id TEXT NOT NULL,"
            " type_name TEXT NOT NULL, timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"
        )
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp) VALUES ('old', 'user', 1000), ('new', 'user', %s)",
            [4e9],
        )
    assert purge_tracker_events_pg(pg_server.url, 30) >= 1
    with psycopg.connect(pg_server.url) as conn:
        left = {r[0] for r in conn.execute("SELECT sender_id FROM events WHERE sender_id IN ('old', 'new')")}
    assert left == {"new"}


def test_rate_limits_are_shared_through_redis(redis_server):
    import redis

    from bot.ratelimit_redis import RedisRateLimiter

    client = redis.Redis.from_url(redis_server.url)
    key = uuid.uuid4().hex
    # two gateway processes, one limit of 3 a minute
    a, b = (RedisRateLimiter(client, "chat_sender", 3) for _ in range(2))
    now = 1_000_000.0 * 60
    assert [a.hit(key, now), b.hit(key, now + 1), a.hit(key, now + 2)] == [0.0, 0.0, 0.0]
    assert b.hit(key, now + 3) == pytest.approx(57.0)
    assert a.hit(key, now + 60) == 0.0  # the next window
    down = RedisRateLimiter(redis.Redis(port=1, socket_connect_timeout=0.2), "chat_sender", 1)
    assert down.hit(key) == 0.0 and down.hit(key) == 0.0  # Redis gone: allowed, not an error


def test_wechat_state_on_postgresql(pg_server):
    from bot.wechat.pgstate import PgWeChatState
    from bot.wechat.replies import Choice

    a, b = PgWeChatState(pg_server.url), PgWeChatState(pg_server.url)  # two gateway processes
    assert a.id_key() == b.id_key() and len(a.id_key()) == 32
    key, sid = uuid.uuid4().hex, "wx-" + uuid.uuid4().hex[:10]
    assert a.claim(key, sid) is None
    assert b.claim(key, sid).status == "pending"  # WeChat's retry reaching the other process
    a.finish(key, "done", "<xml>reply</xml>", 123)
    again = b.claim(key, sid)
    assert (again.status, again.content, again.create_time) == ("done", "<xml>reply</xml>", 123)
    a.save_session(sid, rest="后半段", citations=("出处1",), choices=(Choice("电话", "农保电话"),))
    b.save_session(sid, rest="另一段", citations=(), choices=None)  # keeps the choices
    s = a.session(sid)
    assert s.rest == "另一段" and s.choices == (Choice("电话", "农保电话"),)
    a.close()
    b.close()


def _exercise(store) -> dict:
    """The same calls on either store; what they return, without ids and times."""
    a = store.add_curated(question="社保卡丢了怎么办", answer="到社保窗口挂失补办。", sources=["duty-1.1"],
                          phrasings=["社保卡掉了"], author="staff")
    b = store.add_curated(question="工伤认定找谁", answer="找工伤保险股。", sources=["duty-2.1"])
    a2 = store.update_curated(a.id, question="社保卡丢了怎么办", answer="带身份证到社保窗口挂失补办。",
                              sources=["duty-1.1"], phrasings=["社保卡掉了", "社保卡不见了"], author="staff")
    store.retire_curated(b.id, author="boss")
    m = store.log_conversation(sender_id="parity-1", message="那个咋办", reply="抱歉", fallback=True)
    n = store.log_conversation(sender_id="parity-1", message="社保卡丢了", reply=a2.answer, sources=["duty-1.1"])
    store.add_feedback(sender_id="parity-1", rating="down", message_id=n)
    store.add_feedback(sender_id="parity-1", rating="up", message_id=m)
    for i, route in enumerate(("curated", "knowledge", "not_found")):
        store.add_audit({"id": f"aud-{i}", "sender_id": "parity-1", "question": "q", "route": route,
                         "sources": [{"id": "duty-1.1", "citation": "第1项"}], "confidence": 0.9})
    store.create_ticket(kind="complaint", sender_id="parity-1", fields={"employer": "某厂"})
    stats = store.stats(days=3)
    return {
        "current": [(c.version, c.question, c.answer, c.sources, c.phrasings, c.status) for c in store.curated()],
        "all": [(c.version, c.status, c.retired_by) for c in store.curated(active_only=False)],
        "history": [(c.version, c.answer) for c in store.curated_history(a.id)],
        "key_parts": len(store.curated_key().split(",")),
        "audit": {k: v for k, v in store.get_audit("aud-0").items() if k != "created_at"},
        "recent": [r["route"] for r in store.recent_audit(10)],
        "stats": {k: v for k, v in stats.items() if k not in ("since", "by_day")} | {
            "by_day": [{k: v for k, v in d.items() if k != "date"} for d in stats["by_day"]]},
        "review": [(r["kind"], r["question"], r["count"]) for r in store.review_queue()],
    }


def test_curated_answers_audit_stats_and_review_queue_behave_as_on_sqlite(pg_server, tmp_path):
    """Issue 13's tables on PostgreSQL: the same calls give the same answers as on SQLite."""
    from appdata.store import AppStore

    with psycopg.connect(pg_server.url, autocommit=True) as conn:  # a database of its own
        conn.execute("DROP DATABASE IF EXISTS parity")
        conn.execute("CREATE DATABASE parity")
    url = pg_server.url.rsplit("/", 1)[0] + "/parity"
    pg = PgAppStore(url)
    lite = AppStore(tmp_path / "app.db")
    assert _exercise(pg) == _exercise(lite)
    assert pg.purge_conversations(0) == 0
    pg.close()
    lite.close()
