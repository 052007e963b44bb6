"""Fresh-question throughput of cluster mode with 1 and 2 Rasa replicas.

    .venv/bin/python -m bench.cluster [--replicas 1 2] [--clients 4] [--duration 30]

Starts a private PostgreSQL and Redis (bot.localpg, bot.localredis), then for each replica
count the real system (``python -m bot.run`` on free ports, tests.harness.RunningSystem) in
cluster mode on them, and sends messages never sent before (bench/fresh.py) from ``clients``
threads for ``duration`` seconds through ``POST /api/chat``. Per row: msg/s, p50/p95, and what
PostgreSQL did per message (commits, rows inserted, from pg_stat_database). Results go to
bench/results/cluster-<date>.json. On a machine with fewer free cores than replicas the rows
say more about the machine than about the design (see bench/README.md, "Past one machine").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.fresh import FreshPool, fresh_list
from bench.load import Client, Seen, fixed_time, gateway_target, throughput_row
from bot.localpg import LocalPostgres
from bot.localredis import LocalRedis
from tests.harness import RunningSystem, free_port

RESULTS = Path(__file__).resolve().parent / "results"


def say(msg: str) -> None:
    print(msg, flush=True)


def pg_counters(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, blks_hit + blks_read"
            " FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return dict(zip(("commits", "inserted", "updated", "deleted", "blocks"), row, strict=True))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu(system: RunningSystem) -> dict[str, float]:
    """CPU seconds of the gateway process (app + actions) and of each Rasa replica."""
    out = {"gateway": cpu_seconds(system.proc.pid)}
    for i, pid in enumerate(system.children()):
        out[f"rasa{i}"] = cpu_seconds(pid)
    return out


def consecutive_ports(n: int) -> int:
    import socket

    for _ in range(100):
        port = free_port()
        try:
            for i in range(1, n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port + i))
        except OSError:
            continue
        return port
    raise RuntimeError("no consecutive free ports")


def run_row(pg: LocalPostgres, redis: LocalRedis, replicas: int, args, pool: FreshPool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    env = {
        "JIZE_TRACKER_STORE_URL": pg.url,
        "JIZE_LOCK_STORE_URL": redis.url,
        "JIZE_APP_DB_URL": pg.url,
        "JIZE_RASA_REPLICAS": str(replicas),
        "JIZE_RASA_URL": f"http://127.0.0.1:{consecutive_ports(replicas)}",
        "JIZE_RATE_CHAT_PER_SENDER": "0",
        "JIZE_RATE_CHAT_PER_IP": "0",
        "JIZE_LOG_RETENTION_DAYS": "0",
    }
    say(f"\n== cluster mode, {replicas} replica(s), {args.clients} clients, {args.duration:.0f} s ==")
    with RunningSystem(app_db=tmp / "app.db", env=env, start_timeout=600) as system:
        say(f"  ready after {system.startup_seconds:.0f} s")
        target = gateway_target(system.url)
        warm = Client(target)
        for i in range(replicas * 4):  # every replica traces its graphs before the row
            for text in ("您好", "请问社保卡丢了怎么办", "请问人事科的电话"):
                warm.post(f"bench-warm-{i:04d}", text)
        warm.close()
        before, cpu_before = pg_counters(pg.url), process_cpu(system)
        samples, wall = fixed_time(target, args.clients, args.duration, f"r{replicas}", Seen(), pool=pool)
        after, cpu_after = pg_counters(pg.url), process_cpu(system)
    shutil.rmtree(tmp, ignore_errors=True)
    row = throughput_row(samples, wall, args.clients)
    ok = max(1, row["ok"])
    row["replicas"] = replicas
    row["postgresql_per_message"] = {k: round((after[k] - before[k]) / ok, 2) for k in before}
    # CPU ms per message of each process: what one more core buys, and what saturates first
    row["cpu_ms_per_message"] = {k: round((cpu_after[k] - cpu_before.get(k, 0)) * 1000 / ok, 1) for k in cpu_after}
    row["load_average"] = os.getloadavg()
    say(
        f"  {row['msg_per_s']:.1f} msg/s, p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, errors {row['errors']}; "
        f"PostgreSQL per message: {row['postgresql_per_message']}; CPU ms per message: {row['cpu_ms_per_message']}"
    )
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    conversations = fresh_list(4000)
    root = Path(tempfile.mkdtemp(prefix="bench-cluster-services-"))
    os.chmod(root, 0o755)  # PostgreSQL runs as its own user when we are root
    rows = []
    with LocalPostgres(root / "pg") as pg, LocalRedis(root / "redis") as redis:
        offset = 0
        for n in args.replicas:
            # each row its own messages: none was sent to the system before
            pool = FreshPool(conversations[offset:offset + 2000])
            rows.append(run_row(pg, redis, n, args, pool))
            offset += pool.taken
    shutil.rmtree(root, ignore_errors=True)
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cpu_count": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "clients": args.clients,
        "duration": args.duration,
        "rows": rows,
    }
    out = args.out or RESULTS / f"cluster-{time.strftime('%Y-%m-%d')}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
