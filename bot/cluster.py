"""``python -m bot.cluster`` (``make run-cluster``): the assistant on several Rasa replicas.

Like ``python -m bot.run`` (same address, same options), in cluster mode:

* Rasa's conversations in PostgreSQL (``JIZE_TRACKER_STORE_URL``), Rasa's conversation locks
  and the gateway's rate-limit counters in Redis (``JIZE_LOCK_STORE_URL``), the app's records
  (tickets, logs, feedback, WeChat state) in PostgreSQL (``JIZE_APP_DB_URL``, default: the
  tracker store's database);
* ``JIZE_RASA_REPLICAS`` (default 2) Rasa replicas on consecutive ports from
  ``JIZE_RASA_URL``'s, or none when ``JIZE_RASA_URLS`` names servers started elsewhere; the
  gateway sends each conversation to one replica (consistent hashing on the sender id) and to
  the next when that one is down; a replica that dies is restarted.

Whatever of PostgreSQL and Redis is not configured is started here, privately: Debian's
servers (``make cluster-deps`` installs them) with their data under
``<data dir>/cluster/`` (``JIZE_CLUSTER_DIR``), on 127.0.0.1 with random passwords, stopped again on exit (Ctrl-C).
Production points the three URLs at its own servers (docs/CLUSTER.md).
"""

from __future__ import annotations

import contextlib
import os
import sys

from bot import run
from bot.core.config import AppSettings, get_app_settings


def say(msg: str) -> None:
    print(f"[bot.cluster] {msg}", flush=True)


def main(argv: list[str] | None = None) -> int:
    settings = AppSettings()
    root = settings.cluster_dir or settings.data_dir / "cluster"
    with contextlib.ExitStack() as stack:
        tracker_url = settings.tracker_store_url.get_secret_value()
        if not tracker_url:
            from bot.localpg import LocalPostgres, PostgresUnavailable

            try:
                pg = LocalPostgres(root / "postgresql")
                say(f"starting PostgreSQL on 127.0.0.1:{pg.port} (data and log in {pg.root}) ...")
                stack.callback(lambda: (say("stopping PostgreSQL ..."), pg.stop()))
                pg.start()
            except PostgresUnavailable as e:
                raise SystemExit(f"[bot.cluster] {e}") from None
            tracker_url = pg.url
            os.environ["JIZE_TRACKER_STORE_URL"] = tracker_url
        if not settings.app_db_url.get_secret_value():
            os.environ["JIZE_APP_DB_URL"] = tracker_url
        if not settings.lock_store_url.get_secret_value():
            from bot.localredis import LocalRedis, RedisUnavailable

            try:
                redis = LocalRedis(root / "redis")
                say(f"starting Redis on 127.0.0.1:{redis.port} ...")
                stack.callback(lambda: (say("stopping Redis ..."), redis.stop()))
                redis.start()
            except RedisUnavailable as e:
                raise SystemExit(f"[bot.cluster] {e}") from None
            os.environ["JIZE_LOCK_STORE_URL"] = redis.url
        get_app_settings.cache_clear()
        return run.main(argv)


if __name__ == "__main__":
    sys.exit(main())
