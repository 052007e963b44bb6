"""CPU time per new message of each process of the assistant, measured on the real system.

    .venv/bin/python -m bench.cpu [--messages 200] [--reps 3] [--clients 1]
    .venv/bin/python -m bench.cpu --profile /tmp/prof    # also py-spy both processes (first rep)
    .venv/bin/python -m bench.cpu --compare JIZE_RASA_NO_PATCHES=graphs   # A/B, reps alternated
    .venv/bin/python -m bench.cpu --compare-tree /tmp/old   # B: another checkout (e.g. git archive of main)

Starts ``python -m bot.run`` on free ports (``tests.harness.RunningSystem``), sends messages
never sent before (bench/fresh.py, every rep its own slice) to ``/api/chat`` and divides each
process's CPU time (``/proc/<pid>/stat`` utime + stime, all threads) by the message count:
``app`` is bot.run (gateway, action server, knowledge layer), ``rasa`` the Rasa server. Unlike
latency, this figure moves less with other load on the machine (on a shared VM it still
does: compare variants with ``--compare``, which runs a second system with other settings
beside the first and alternates their reps, each rep's messages sent to both); on 2 cores, the
8-client throughput of new messages is bounded by the sum of both. Prints one JSON line per
rep and the median of each process per system.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

from bench.fresh import Conversation, FreshPool, fresh_list
from bench.load import Client, gateway_target
from bench.procmem import cpu_seconds
from bench.systems import running


def cpu_of(pids: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


def per_message(before: dict[str, float], after: dict[str, float], messages: int) -> dict[str, float]:
    """CPU ms per message of each process, and their sum (``total``)."""
    out = {name: round(1000 * (after[name] - before[name]) / max(messages, 1), 1) for name in before}
    out["total"] = round(sum(out.values()), 1)
    return out


def send(url: str, conversations: list[Conversation], clients: int, tag: str) -> tuple[int, int]:
    """Sends every turn of ``conversations`` with ``clients`` keep-alive clients; (messages, errors)."""
    pool = FreshPool(conversations)
    counts = [0, 0]
    lock = threading.Lock()

    def worker(i: int) -> None:
        client = Client(gateway_target(url))
        n = 0
        while (conv := pool.take()) is not None:
            n += 1
            for text in conv[1]:
                status, _, _ = client.post(f"cpu-{tag}-k{i}-c{n:05d}", text)
                with lock:
                    counts[0] += 1
                    counts[1] += status != 200
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts[0], counts[1]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=200, help="about this many messages per rep")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--compare", metavar="K=V[;K=V]", help="a second system with these settings, reps alternated")
    ap.add_argument("--compare-tree", type=Path, metavar="DIR",
                    help="the second system runs from this checkout (its own var/ and .venv-rasa, or settings)")
    ap.add_argument("--profile", type=Path, help="py-spy both processes during the first rep into this dir")
    ap.add_argument("--gil", action="store_true",
                    help="profile only the thread holding the GIL (CPU of Python code, not its waits)")
    args = ap.parse_args(argv)

    # Conversations have 1-3 turns: ~1.2 messages each on the held-out set.
    per_rep = max(1, int(args.messages / 1.2))
    convs = fresh_list(per_rep * args.reps + 20)
    variants = {"A": {}}
    if args.compare or args.compare_tree:
        variants["B"] = dict(kv.split("=", 1) for kv in args.compare.split(";")) if args.compare else {}
    unlimited = {"JIZE_RATE_CHAT_PER_SENDER": "0", "JIZE_RATE_CHAT_PER_IP": "0"}
    with running({name: {**unlimited, **env} for name, env in variants.items()},
                 {"B": args.compare_tree}, "jize-cpu-") as systems:
        pids = {name: {"app": sy.proc.pid, "rasa": sy.rasa_pid()} for name, sy in systems.items()}
        for sy in systems.values():
            send(sy.url, convs[:20], 1, "warm")  # not counted
        results: dict[str, list[dict]] = {name: [] for name in systems}
        for rep in range(args.reps):
            batch = convs[20 + rep * per_rep: 20 + (rep + 1) * per_rep]
            order = list(systems) if rep % 2 == 0 else list(reversed(systems))
            for name in order:
                spies = []
                if args.profile and rep == 0:
                    args.profile.mkdir(parents=True, exist_ok=True)
                    spy = shutil.which("py-spy") or str(Path(__file__).resolve().parents[1] / ".venv/bin/py-spy")
                    spies = [subprocess.Popen(
                        [spy, "record", "-p", str(pid), "--nonblocking", "--format", "raw", "-r", "200", *(["--gil"] if args.gil else []),
                         "-o", str(args.profile / f"{proc}{'' if name == 'A' else '-' + name}.txt")],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for proc, pid in pids[name].items()]
                    time.sleep(1.5)
                before, t0 = cpu_of(pids[name]), time.perf_counter()
                messages, errors = send(systems[name].url, batch, args.clients, f"r{rep}")
                after, wall = cpu_of(pids[name]), time.perf_counter() - t0
                for spy in spies:
                    spy.send_signal(2)
                    spy.wait(30)
                row = {"system": name, "rep": rep, "clients": args.clients, "messages": messages, "errors": errors,
                       "cpu_ms_per_msg": per_message(before, after, messages), "msg_per_s": round(messages / wall, 1)}
                results[name].append(row)
                print(json.dumps(row), flush=True)
        for name, rows in results.items():
            medians = {proc: round(statistics.median(r["cpu_ms_per_msg"][proc] for r in rows), 2)
                       for proc in rows[0]["cpu_ms_per_msg"]}
            where = str(args.compare_tree) if name == "B" and args.compare_tree else "this checkout"
            print(json.dumps({"system": name, "tree": where, "settings": variants[name], "median_cpu_ms_per_msg": medians}),
                  flush=True)


if __name__ == "__main__":
    main()
