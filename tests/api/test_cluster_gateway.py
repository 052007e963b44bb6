"""Cluster mode without servers: the hash ring, the gateway's failover between replicas, the
replicas' endpoints file (PostgreSQL tracker store without the cache, atomic Redis lock store),
the settings and GET /healthz/cluster. The same with real PostgreSQL, Redis and Rasa replicas:
tests/cluster/."""

from __future__ import annotations

import asyncio
import os
import stat
from collections import Counter

import httpx
import pytest
import yaml
from pydantic import ValidationError

from bot.hashring import HashRing
from bot.rasa_pool import RasaPool, ReplicaDown
from bot.run import ATOMIC_REDIS_LOCK_STORE, RasaProcess
from tests.harness import free_port, json_server

PG = "postgresql://jize:p%40ss@db.example:5433/jize"
REDIS = "redis://:s3cret@cache.example:6380/2"


def test_hash_ring_spreads_keys_and_moves_few_when_a_replica_is_added():
    three = HashRing(["http://a:1", "http://b:1", "http://c:1"])
    keys = [f"sender-{i}" for i in range(3000)]
    counts = Counter(three.owner(k) for k in keys)
    assert all(700 < n < 1300 for n in counts.values()), counts
    four = HashRing(["http://a:1", "http://b:1", "http://c:1", "http://d:1"])
    moved = sum(three.owner(k) != four.owner(k) for k in keys)
    assert moved < len(keys) * 0.4  # about a quarter, never a reshuffle
    # every key moved went to the new replica
    assert all(four.owner(k) == "http://d:1" for k in keys if three.owner(k) != four.owner(k))
    order = three.order("sender-1")
    assert sorted(order) == sorted(three.nodes) and order == three.order("sender-1")


def test_hash_ring_refuses_nothing_and_duplicates():
    with pytest.raises(ValueError):
        HashRing([])
    with pytest.raises(ValueError):
        HashRing(["http://a:1", "http://a:1"])


def _rasa_reply(text: str):
    return lambda body: [{"text": f"{text}:{body['sender']}:{body['message']}"}]


def test_pool_sends_a_conversation_to_its_replica_and_fails_over_when_it_is_down():
    with json_server(_rasa_reply("A")) as a, json_server(_rasa_reply("B")) as b:
        dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there

        async def run():
            async with httpx.AsyncClient(trust_env=False) as http:
                pool = RasaPool([a, b, dead], http, timeout=5, retry_after=60)
                ring = pool.ring
                # a conversation owned by the dead replica is answered by the next on the ring
                sid = next(f"s{i:08d}" for i in range(10_000) if ring.owner(f"s{i:08d}") == dead)
                turn = await pool.send(sid, "你好")
                nxt = ring.order(sid)[1]
                assert turn.replies[0]["text"] == f"{'A' if nxt == a else 'B'}:{sid}:你好"
                assert pool.state[dead].failures == 1
                # ...and the dead one is tried last while it is marked down
                assert pool.order(sid)[-1] == dead
                # a conversation owned by a live replica stays there, turn after turn
                live = next(f"t{i:08d}" for i in range(10_000) if ring.owner(f"t{i:08d}") == a)
                for _ in range(3):
                    assert (await pool.send(live, "x")).replies[0]["text"].startswith("A:")
                assert await pool.replicas_health() == [False, False, False]  # json_server has no GET /

        asyncio.run(run())


def test_pool_with_every_replica_down_is_unavailable():
    async def run():
        async with httpx.AsyncClient(trust_env=False) as http:
            pool = RasaPool([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"], http)
            with pytest.raises(ReplicaDown):
                await pool.send("someone-01", "你好")

    asyncio.run(run())


@pytest.fixture()
def cluster_settings(app_settings, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    return app_settings(
        data_dir=tmp_path / "data",
        rasa_model_dir=models,
        rasa_url="http://127.0.0.1:5990",
        action_port=5998,
        tracker_store_url=PG,
        lock_store_url=REDIS,
        rasa_replicas=3,
    )


def test_cluster_replicas_and_their_endpoints(cluster_settings):
    s = cluster_settings
    assert s.cluster and s.replica_urls == [f"http://127.0.0.1:{p}" for p in (5990, 5991, 5992)]
    proc = RasaProcess(s, s.replica_urls[1])
    assert proc.port == 5991 and "5991" in proc.command()
    path = proc.endpoints_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # it holds the passwords
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    tracker, lock = config["tracker_store"], config["lock_store"]
    # Rasa's own SQL store (no in-memory cache: replicas share the database) on PostgreSQL
    assert tracker == {"type": "SQL", "dialect": "postgresql", "url": "db.example", "port": 5433, "db": "jize",
                       "username": "jize", "password": "p@ss"}
    assert lock == {"type": ATOMIC_REDIS_LOCK_STORE, "url": "cache.example", "port": 6380, "db": 2,
                    "key_prefix": "jize", "password": "s3cret"}
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5998/webhook"
    assert proc.environment()["TICKET_LOCK_LIFETIME"] == str(s.lock_lifetime)


def test_embedded_mode_is_unchanged(app_settings, tmp_path):
    s = app_settings(data_dir=tmp_path, rasa_url="http://127.0.0.1:5999")
    assert not s.cluster and s.replica_urls == ["http://127.0.0.1:5999"]
    assert "TICKET_LOCK_LIFETIME" not in RasaProcess(s).environment()


def test_existing_replicas_are_used_as_given(app_settings, tmp_path):
    s = app_settings(data_dir=tmp_path, tracker_store_url=PG, rasa_urls="http://10.0.0.5:5005, http://10.0.0.6:5005/")
    assert s.replica_urls == ["http://10.0.0.5:5005", "http://10.0.0.6:5005"]


@pytest.mark.parametrize(("field", "value"), [("tracker_store_url", "mysql://x/y"), ("lock_store_url", "http://x")])
def test_store_urls_are_checked(app_settings, tmp_path, field, value):
    with pytest.raises(ValidationError):
        app_settings(data_dir=tmp_path, **{field: value})


def test_healthz_cluster_embedded(client):
    r = client.get("/healthz/cluster")
    body = r.json()
    assert body["tracker_store"] == "sqlite" and body["lock_store"] == "in_memory"
    assert len(body["replicas"]) == 1 and set(body["replicas"][0]) == {"url", "pid", "ok"}
