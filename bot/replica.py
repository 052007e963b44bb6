"""``python -m bot.replica --port 5005``: one Rasa replica in the foreground, for a service
manager (systemd, see docs/CLUSTER.md) in production cluster mode, where the gateway
(``python -m bot.run`` with ``JIZE_RASA_URLS``) starts no Rasa itself.

The replica is the one ``bot.run`` would start for that URL: the project's Rasa entry point,
REST channel on 127.0.0.1, and the endpoints file bot.run writes (action server at
``JIZE_ACTION_PORT`` of this machine, Rasa's SQL tracker store on ``JIZE_TRACKER_STORE_URL``,
the Redis lock store at ``JIZE_LOCK_STORE_URL``). The process is replaced by Rasa (exec), so
the service manager sees and restarts Rasa itself.
"""

from __future__ import annotations

import argparse
import os
import sys

from bot.core.config import get_app_settings
from bot.run import RasaProcess
from knowledge.settings import PROJECT_DIR


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.replica", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True, help="port of this replica on 127.0.0.1")
    ap.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    args = ap.parse_args(argv)
    settings = get_app_settings()
    if not settings.cluster:
        raise SystemExit("[bot.replica] JIZE_TRACKER_STORE_URL is not set: replicas share a PostgreSQL tracker store")
    proc = RasaProcess(settings, f"http://127.0.0.1:{args.port}")
    proc.check()
    cmd = proc.command()
    env = proc.environment()
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    os.chdir(PROJECT_DIR)
    os.execvpe(cmd[0], cmd, env)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
