"""Retrieval benchmark: recall@1, recall@5 and MRR of keyword (BM25), dense and hybrid retrieval.

A question counts as answered at rank r when the r-th result's text contains the case's key
(the same rule as ../shared/eval/run_eval.py). Also the build time and a query's latency.

    python bench/retrieval.py [--cases ../shared/eval/dev.jsonl] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.service import KnowledgeBase, build  # noqa: E402
from knowledge.settings import get_settings  # noqa: E402

DEFAULT_CASES = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def squash(text: str) -> str:
    return "".join(str(text).split())


def evaluate(kb: KnowledgeBase, cases: list[dict], mode: str) -> dict:
    r1 = r5 = 0
    rr = 0.0
    latencies = []
    for case in cases:
        started = time.perf_counter()
        hits = kb.retriever.search(case["turns"][0], k=5, mode=mode)
        latencies.append(time.perf_counter() - started)
        rank = next((n for n, h in enumerate(hits, 1) if squash(case["key"]) in squash(h.text)), None)
        if rank:
            r1 += rank == 1
            r5 += 1
            rr += 1 / rank
    n = max(1, len(cases))
    return {"mode": mode, "recall@1": r1 / n, "recall@5": r5 / n, "mrr": rr / n,
            "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0}


def run(cases_path: Path = DEFAULT_CASES, *, force_build: bool = True, out=print) -> dict:
    """Build the knowledge base (forced: the build time is measured), evaluate the three
    retrieval modes on the keyed cases, print the table with ``out`` and return the figures.
    ``python -m bench`` calls this too."""
    settings = get_settings()
    started = time.perf_counter()
    report = build(settings, force=force_build)
    build_seconds = time.perf_counter() - started
    kb = KnowledgeBase(settings)
    started = time.perf_counter()
    kb.warm_up()
    warm_seconds = time.perf_counter() - started
    cases = [json.loads(line) for line in cases_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [c for c in cases if c.get("key")]
    # hybrid first: it pays for the query embeddings; the other modes reuse the cached vectors,
    # so only the hybrid row's latency is a real query latency.
    by_mode = {mode: evaluate(kb, cases, mode) for mode in ("hybrid", "dense", "keyword")}
    rows = [by_mode[m] for m in ("keyword", "dense", "hybrid")]
    out(f"retrieval on {len(cases)} keyed questions from {cases_path.name} "
        f"(model {report.model_id}, {report.passages} passages)")
    out(f"{'mode':10s} {'recall@1':>9s} {'recall@5':>9s} {'MRR':>6s}")
    for r in rows:
        out(f"{r['mode']:10s} {r['recall@1']:9.1%} {r['recall@5']:9.1%} {r['mrr']:6.3f}")
    out(f"hybrid query latency p50 (uncached, embedding included): {by_mode['hybrid']['p50_ms']:.1f} ms")
    out(f"build (parse + embed + index): {build_seconds:.1f} s; load + warm-up: {warm_seconds:.1f} s")
    hybrid = rows[2]
    beats = all(hybrid["mrr"] >= r["mrr"] for r in rows[:2])
    out("hybrid beats both on MRR" if beats else "WARNING: hybrid does not beat both single retrievers")
    return {"cases": str(cases_path), "n": len(cases), "rows": rows, "build_seconds": build_seconds,
            "rebuilt": report.rebuilt, "warm_seconds": warm_seconds, "model": report.model_id,
            "passages": report.passages, "hybrid_beats_both": beats}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    figures = run(args.cases)
    if args.json:
        args.json.write_text(json.dumps({k: figures[k] for k in ("rows", "build_seconds", "warm_seconds", "model")},
                                        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
