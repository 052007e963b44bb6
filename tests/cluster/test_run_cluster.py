"""``make run-cluster`` (``python -m bot.cluster``): it starts its own PostgreSQL and Redis and two
Rasa replicas, answers at its address, and Ctrl-C (SIGINT) stops everything it started."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from bot.localpg import LocalPostgres, PostgresUnavailable, find_bin_dir
from tests.harness import RunningSystem, free_port_pair, missing_parts, need

pytestmark = pytest.mark.integration


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_run_cluster_starts_its_servers_and_ctrl_c_stops_them_all():
    try:
        find_bin_dir()
    except PostgresUnavailable as e:
        need(False, str(e))
    need(shutil.which("redis-server"), "redis-server is not installed (`make cluster-deps`)")
    missing = missing_parts()
    need(not missing, "the real system needs " + ", ".join(missing) + " (run `make setup`)")
    root = Path(tempfile.mkdtemp(prefix="jize-test-run-cluster-"))
    os.chmod(root, 0o755)  # PostgreSQL runs as its own user when we are root
    rasa_port = free_port_pair()
    env = {"JIZE_CLUSTER_DIR": str(root / "cluster"), "JIZE_RASA_URL": f"http://127.0.0.1:{rasa_port}"}
    for name in ("JIZE_TRACKER_STORE_URL", "JIZE_LOCK_STORE_URL", "JIZE_APP_DB_URL", "JIZE_RASA_URLS"):
        env[name] = ""
    system = RunningSystem(app_db=root / "app.db", env=env, module="bot.cluster")
    try:
        system.start()
        state = httpx.get(system.url + "/healthz/cluster", timeout=30, trust_env=False).json()
        assert state["tracker_store"] == "postgresql" and state["lock_store"] == "redis"
        assert [r["ok"] for r in state["replicas"]] == [True, True]
        r = system.chat("run-cluster-0001", "农保中心电话是多少")
        assert r.status_code == 200 and "7591916" in r.text
        log = system.log_tail(400)
        pg_port = int(log.split("starting PostgreSQL on 127.0.0.1:")[1].split(" ")[0])
        redis_port = int(log.split("starting Redis on 127.0.0.1:")[1].split(" ")[0])
        pids = [r["pid"] for r in state["replicas"]]
        assert _listening(pg_port) and _listening(redis_port)

        system.proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert system.proc.wait(60) == 0, system.log_tail()
        time.sleep(1)
        assert not _listening(pg_port) and not _listening(redis_port)
        assert not LocalPostgres(root / "cluster" / "postgresql").running()
        for pid in pids:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        assert "stopping PostgreSQL" in system.log_tail(50) and "stopping Redis" in system.log_tail(50)
    finally:
        system.stop()
        shutil.rmtree(root, ignore_errors=True)
