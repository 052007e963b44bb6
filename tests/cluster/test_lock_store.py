"""The cluster's Redis lock store (rasa_components/lock_store.py) on a real Redis, run in Rasa's
interpreter (.venv-rasa) as the replicas run it: a live replica keeps its conversation however
long its turn takes (its ticket is renewed), a killed replica's claim is gone within one
lifetime, and a replica that waited for that claim still gets its turn."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.harness import need

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"

SCRIPT = r"""
import asyncio, json, sys, time
sys.path.insert(0, sys.argv[1])
from rasa_components.lock_store import AtomicRedisLockStore

port, password = int(sys.argv[2]), sys.argv[3]
one, two = (AtomicRedisLockStore(host="127.0.0.1", port=port, password=password, key_prefix="t:")
            for _ in range(2))  # two replicas

async def long_turn():
    async with one.lock("c1", lock_lifetime=3):
        await asyncio.sleep(7)  # longer than two lifetimes
        return time.time()

async def next_turn():
    await asyncio.sleep(0.5)
    async with two.lock("c1", lock_lifetime=3):
        return time.time()

async def main():
    ended, started = await asyncio.gather(long_turn(), next_turn())
    one.issue_ticket("c2", 3)  # a replica killed mid-turn: its ticket is never renewed nor cleaned up
    t0 = time.time()
    async with two.lock("c2", lock_lifetime=3):
        waited = time.time() - t0
    print(json.dumps({"overlap": ended - started, "waited_for_dead": waited}))

asyncio.run(main())
"""


def test_a_live_turn_keeps_its_lock_and_a_dead_claim_expires(redis_server):
    need(RASA_PY.exists(), f"{RASA_PY} not found (`make setup`)")
    out = subprocess.run(
        [str(RASA_PY), "-c", SCRIPT, str(ROOT), str(redis_server.port), redis_server.password],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # the next turn began only after the 7 s turn ended (its 3 s ticket was renewed meanwhile)
    assert result["overlap"] <= 0.05, result
    # the killed replica's claim expired within one lifetime (plus a poll), and the waiting
    # replica's own ticket survived the wait
    assert result["waited_for_dead"] < 3 + 1.5, result
