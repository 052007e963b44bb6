"""This checkout against another on the same new messages: their answers, and one-client latency.

    .venv/bin/python -m bench.paired DIR [--start 0] [--conversations 110] [--answers out.json]
    .venv/bin/python -m bench.paired DIR --start 110 --conversations 2200 --answers /tmp/diff.json

Starts ``python -m bot.run`` from this checkout (A) and from ``DIR`` (B, e.g. a ``git archive``
of main with its ``.venv``, ``.venv-rasa`` and ``var`` linked in) on free ports, both with
``PYTHONHASHSEED=0`` (an answer that names things in set order would otherwise depend on the
start of the process) and without rate limits, then sends each new conversation
(bench/fresh.py, from ``--start``; the first 110 are the held-out questions as written, the bench's
one-client pass, later ones wrapped in greetings and closings) to A and to B in turn, one turn
at a time, alternating which goes first. On a shared machine that pairs every message's latency
with the other system's at the same moment: the per-message difference is less noisy than two
runs' percentiles. Prints each reply that differs (text, sources, route: the audit id and message
id aside), the count, each system's p50/p95 and the median of the per-message differences.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from bench.fresh import fresh_list
from bench.load import Client, gateway_target, percentile
from bench.systems import running

VOLATILE = ("audit_id", "message_id", "latency_ms", "conversation_id")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tree", type=Path, help="the other checkout (B)")
    ap.add_argument("--start", type=int, default=0, help="first conversation of the fresh sequence")
    ap.add_argument("--conversations", type=int, default=110)
    ap.add_argument("--warm", type=int, default=20, help="conversations sent first to each, not counted")
    ap.add_argument("--answers", type=Path, help="write every reply of both here (JSON)")
    args = ap.parse_args(argv)

    convs = fresh_list(args.start + args.conversations + args.warm)
    warm, convs = convs[:args.warm], convs[args.start + args.warm:args.start + args.warm + args.conversations]
    env = {"JIZE_RATE_CHAT_PER_SENDER": "0", "JIZE_RATE_CHAT_PER_IP": "0", "PYTHONHASHSEED": "0"}
    with running({"A": env, "B": env}, {"B": args.tree}, "jize-paired-") as systems:
        clients = {name: Client(gateway_target(sy.url)) for name, sy in systems.items()}
        for client in clients.values():
            for i, (_, turns) in enumerate(warm):
                for text in turns:
                    client.post(f"paired-warm-{i:05d}", text)
        replies: dict[str, list[dict]] = {"A": [], "B": []}
        latency: dict[str, list[float]] = {"A": [], "B": []}
        for i, (_, turns) in enumerate(convs):
            for text in turns:
                for name in ("A", "B") if (len(latency["A"]) % 2 == 0) else ("B", "A"):
                    status, data, ms = clients[name].post(f"paired-{args.start + i:05d}", text)
                    reply = json.loads(data) if status == 200 else {"status": status}
                    for key in VOLATILE:
                        reply.pop(key, None)
                    replies[name].append({"conversation": args.start + i, "text": text, "reply": reply, "ms": round(ms, 2)})
                    latency[name].append(ms)
        differ = 0
        for a, b in zip(replies["A"], replies["B"], strict=True):
            if a["reply"] != b["reply"]:
                differ += 1
                print(json.dumps({"text": a["text"], "A": a["reply"], "B": b["reply"]}, ensure_ascii=False))
        if args.answers:
            args.answers.write_text(json.dumps(replies, ensure_ascii=False), encoding="utf-8")
        diffs = [a - b for a, b in zip(latency["A"], latency["B"], strict=True)]
        summary = {
            "messages": len(diffs), "replies_differ": differ,
            **{f"{name}_p50_ms": round(percentile(v, 50), 1) for name, v in latency.items()},
            **{f"{name}_p95_ms": round(percentile(v, 95), 1) for name, v in latency.items()},
            "median_A_minus_B_ms": round(statistics.median(diffs), 2) if diffs else None,
            "A_faster": sum(d < 0 for d in diffs), "tree_B": str(args.tree),
        }
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
