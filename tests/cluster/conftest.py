"""Real PostgreSQL and Redis (Debian's servers, private instances in a temporary directory,
started and stopped here) and the real system in cluster mode on them: ``python -m bot.run``
with ``JIZE_TRACKER_STORE_URL``/``JIZE_LOCK_STORE_URL``/``JIZE_APP_DB_URL`` set, two Rasa
replicas. Without the servers (``make cluster-deps``), a trained model or the knowledge base the
tests are skipped with the reason, or fail when JIZE_E2E_REQUIRED=1 (CI)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.harness import free_port_pair, missing_parts, need


@pytest.fixture(scope="session")
def pg_server():
    from bot.localpg import LocalPostgres, PostgresUnavailable, find_bin_dir

    try:
        find_bin_dir()
    except PostgresUnavailable as e:
        need(False, str(e))
    # not under pytest's tmp dir: as root, the server runs as the postgres user, which must be
    # able to reach its directory (/tmp is open, /tmp/pytest-of-root is not)
    root = Path(tempfile.mkdtemp(prefix="jize-test-pg-"))
    os.chmod(root, 0o755)
    pg = LocalPostgres(root / "pg").start()
    yield pg
    pg.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    from bot.localredis import LocalRedis

    need(shutil.which("redis-server"), "redis-server is not installed (`make cluster-deps`)")
    redis = LocalRedis(tmp_path_factory.mktemp("redis", numbered=True)).start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def cluster_system(pg_server, redis_server, tmp_path_factory):
    from tests.harness import RunningSystem

    missing = missing_parts()
    need(not missing, "the real system needs " + ", ".join(missing) + " (run `make setup`)")
    rasa_port = free_port_pair()
    system = RunningSystem(
        app_db=tmp_path_factory.mktemp("cluster") / "app.db",
        env={
            "JIZE_TRACKER_STORE_URL": pg_server.url,
            "JIZE_LOCK_STORE_URL": redis_server.url,
            "JIZE_APP_DB_URL": pg_server.url,
            "JIZE_RASA_URL": f"http://127.0.0.1:{rasa_port}",
            "JIZE_RASA_REPLICAS": "2",
            "JIZE_RATE_CHAT_PER_SENDER": "0",
        },
    )
    system.start()
    yield system
    system.stop()
