"""Rasa's CPU time per message, measured on the real system.

    .venv/bin/python -m bench.rasa_cpu [--reps 3] [--messages 150]
    JIZE_RASA_NO_PATCHES=tracker .venv/bin/python -m bench.rasa_cpu    # the stock tracker store

Starts ``python -m bot.run`` on free ports (``tests.harness.RunningSystem``), sends messages to
``/api/chat`` one after another and divides the Rasa process's CPU time (utime + stime) by
their count. Two workloads: the bench's mix (``bench.questions``, a fresh sender per
conversation) and long conversations (15 one-turn questions per sender, which makes the
tracker store's per-turn cost visible). Prints one JSON line per workload.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.procmem import cpu_seconds
from bench.questions import CONVERSATIONS
from tests.harness import RunningSystem

LONG_TURNS = 15


def mix() -> Iterator[tuple[str, str]]:
    while True:
        for _kind, turns in CONVERSATIONS:
            sender = f"cpu-{uuid.uuid4().hex[:10]}"
            for text in turns:
                yield sender, text


def long_conversations() -> Iterator[tuple[str, str]]:
    singles = [t for kind, turns in CONVERSATIONS if len(turns) == 1 and kind != "complaint" for t in turns]
    i = 0
    while True:
        sender = f"cpul-{uuid.uuid4().hex[:10]}"
        for _ in range(LONG_TURNS):
            yield sender, singles[i % len(singles)]
            i += 1


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--messages", type=int, default=150)
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="jize-cpu-"))
    # Rate limits off: one sender in a long conversation sends more than 30 messages a minute.
    system = RunningSystem(
        app_db=tmp / "app.db", env={"JIZE_RATE_CHAT_PER_SENDER": "0", "JIZE_RATE_CHAT_PER_IP": "0"}
    )
    system.start()
    try:
        rasa = system.rasa_pid()
        client = httpx.Client(trust_env=False, timeout=60)

        def send(messages: Iterator[tuple[str, str]], n: int) -> int:
            errors = 0
            for _ in range(n):
                sender, text = next(messages)
                r = client.post(system.url + "/api/chat", json={"sender_id": sender, "message": text})
                errors += r.status_code != 200
            return errors

        for name, messages in (("mix", mix()), ("long", long_conversations())):
            send(messages, 30)  # warm-up
            cpu_ms, wall_ms, errors = [], [], []
            for _ in range(args.reps):
                c0, t0 = cpu_seconds(rasa), time.perf_counter()
                errors.append(send(messages, args.messages))
                cpu_ms.append(round(1000 * (cpu_seconds(rasa) - c0) / args.messages, 2))
                wall_ms.append(round(1000 * (time.perf_counter() - t0) / args.messages, 1))
            print(json.dumps({"workload": name, "rasa_cpu_ms_per_msg": cpu_ms,
                              "wall_ms_per_msg": wall_ms, "errors": errors}), flush=True)
    finally:
        system.stop()


if __name__ == "__main__":
    main()
