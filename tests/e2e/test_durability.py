"""The real system (``python -m bot.run``: real Rasa, actions, knowledge base) under faults:

* every listening socket of the app, the action server and Rasa is on 127.0.0.1, and Rasa's
  HTTP API does not exist;
* Rasa stopped: the gateway answers a friendly 503 at once, and answers again by itself when
  Rasa is back; the conversation survives the restart (SQL tracker store on SQLite, with the
  in-memory cache of rasa_components/tracker_store.py on), so the follow-up "电话呢" still
  knows which office it is about;
* the app killed with SIGKILL right after a complaint confirmation: the ticket whose reference
  the user was given is in app.db.

One system for the module (starting Rasa is the slow part); the SIGKILL test runs last.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import time
import uuid

import httpx
import pytest

from bot.core.config import AppSettings
from tests.harness import RunningSystem, listening_addresses, missing_parts, need

pytestmark = pytest.mark.integration

OFFICE_QUESTION = "城乡居民养老保险归哪个科室管"
OFFICE_PHONE = "7591916"  # 农保中心, the office of that question


def sender() -> str:
    return "dur-" + uuid.uuid4().hex[:12]


def text_of(r: httpx.Response) -> str:
    assert r.status_code == 200, r.text
    return "\n".join(rep["text"] for rep in r.json()["replies"])


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    missing = missing_parts()
    need(not missing, "the real system needs " + ", ".join(missing) + " (run `make setup`)")
    tmp = tmp_path_factory.mktemp("durability")
    s = RunningSystem(app_db=tmp / "app.db", env={"JIZE_RASA_TIMEOUT": "20"})
    s.start()
    yield s
    s.stop()
    # whatever the SIGKILL test left behind
    for pid in getattr(s, "killed_children", []):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def test_everything_listens_on_loopback_and_rasa_api_is_off(system):
    rasa = system.rasa_pid()
    assert rasa is not None
    addrs = listening_addresses([system.proc.pid, rasa])
    ports = {port for _, port in addrs}
    assert {system.port, system.action_port, system.rasa_port} <= ports, addrs
    assert all(host in ("127.0.0.1", "::1") for host, _ in addrs), addrs

    base = system.env["JIZE_RASA_URL"]
    assert httpx.get(base + "/", timeout=10).status_code == 200
    # without --enable-api none of Rasa's HTTP API exists
    assert httpx.get(base + "/status", timeout=10).status_code == 404
    assert httpx.get(base + "/version", timeout=10).status_code == 404
    assert httpx.post(base + "/model/parse", json={"text": "你好"}, timeout=10).status_code == 404
    r = httpx.get(base + "/conversations/someone/tracker", timeout=10)
    assert r.status_code == 404
    assert httpx.post(base + "/model", json={}, timeout=10).status_code in (404, 405)


def test_rasa_stopped_is_503_then_back_and_the_conversation_survives(system):
    sid = sender()
    first = text_of(system.chat(sid, OFFICE_QUESTION))
    assert "农保中心" in first, first

    rasa = system.rasa_pid()
    os.kill(rasa, signal.SIGTERM)  # stop the Rasa child; bot.run restarts it
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and system.rasa_pid() == rasa:
        time.sleep(0.2)

    t0 = time.monotonic()
    r = system.chat(sender(), "农保中心电话是多少")
    assert r.status_code == 503, r.text
    assert time.monotonic() - t0 < 10, "the user waited for a Rasa that is not there"
    detail = r.json()["detail"]
    assert "暂时不可用" in detail and "7523309" in detail  # friendly, with the office phone

    assert system.wait_healthy(300), system.log_tail()
    # the same conversation, after the restart: the follow-up still knows the office
    follow = text_of(system.chat(sid, "电话呢"))
    assert OFFICE_PHONE in follow, follow
    assert "Rasa stopped unexpectedly" in system.log_tail(300)

    tracker_db = system.env["JIZE_RASA_TRACKER_DB"]
    db = sqlite3.connect(tracker_db)
    try:
        n = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", [sid]).fetchone()[0]
    finally:
        db.close()
    assert n > 0, "Rasa did not use the SQL tracker store in the data dir"
    # both Rasa runs used the cached store (rasa_components/tracker_store.py): the follow-up
    # after the restart came from SQLite, into a cache that started empty
    off = {x.strip() for x in system.env.get("JIZE_RASA_NO_PATCHES", "").split(",")}
    if not off & {"1", "tracker"}:
        rasa_log = AppSettings().log_dir / f"rasa-{system.rasa_port}.log"
        assert rasa_log.read_text(encoding="utf-8").count("tracker store: SQL with an in-memory cache") >= 2


def test_ticket_survives_sigkill_right_after_the_confirmation(system):
    """Last test of the module: it kills the system."""
    sid = sender()
    steps = [
        ("我要投诉", "单位"),
        ("鸡泽县耐久测试建筑有限公司", "问题"),
        ("拖欠我两个月工资不给", "多少钱"),
        ("今年5月开始，一共九千元", "联系方式"),
        ("李女士 0310-1234567", "确认"),
    ]
    for message, expect in steps:
        reply = text_of(system.chat(sid, message))
        assert expect in reply, f"after {message!r}: {reply}"
    final = text_of(system.chat(sid, "确认"))
    # SIGKILL as soon as the user has the reference: nothing gets a chance to flush or close
    rasa = system.rasa_pid()
    os.kill(system.proc.pid, signal.SIGKILL)
    system.killed_children = [rasa] if rasa else []
    system.proc.wait(10)

    m = re.search(r"TS-\d{8}-\d{4}", final)
    assert m, final
    db = sqlite3.connect(system.env["JIZE_APP_DB_PATH"])
    try:
        row = db.execute("SELECT kind, sender_id, fields FROM tickets WHERE ref = ?", [m.group(0)]).fetchone()
        logged = [r[0] for r in db.execute("SELECT message FROM conversations WHERE sender_id = ?", [sid])]
        replies = " ".join(r[0] for r in db.execute("SELECT reply FROM conversations WHERE sender_id = ?", [sid]))
    finally:
        db.close()
    assert row is not None, f"ticket {m.group(0)} lost"
    assert row[0] == "complaint" and row[1] == sid
    assert "李女士 0310-1234567" in row[2]  # the ticket keeps the contact for the call back
    # ... and the conversation log does not
    assert "[联系方式]" in logged
    assert "1234567" not in " ".join(logged) and "李女士" not in " ".join(logged)
    assert "1234567" not in replies and "李女士" not in replies
