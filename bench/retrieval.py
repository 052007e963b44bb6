"""Retrieval benchmark: recall@1, recall@5 and MRR of keyword (BM25), dense and hybrid
retrieval, per question file, and an error table that says where each miss was lost.

A question counts as answered at rank r when the r-th result's text contains the case's key
(the same rule as ../shared/eval/run_eval.py). Each file is reported on its own: the
development sets are not pooled with each other or with a held-out set.

The error table follows a question down the knowledge layer's path, with the kind of question
taken from the case's category (an oracle intent, so that the NLU's own mistakes, measured by
scripts/rasa_nlu_eval.sh, are not counted here) and no NLU confidence (no prior):

- ``candidates``: the passage with the key never reached the re-rank (neither retriever's
  candidates, nor the fused top);
- ``re-rank``: it was a candidate but not in the top 5 of ``/api/search``;
- ``found-gate``: retrieval had it, but the answer said "not in the list";
- ``composition``: an answer was given, but without what the case expects (the same
  ``all``/``none`` rule as run_eval.py), or an out-of-scope question was answered.

    python bench/retrieval.py [--cases A.jsonl B.jsonl ...] [--json out.json]
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

EVAL_DIR = ROOT.parent / "shared" / "eval"
DEFAULT_CASES = EVAL_DIR / "dev.jsonl"
DEFAULT_FILES = (EVAL_DIR / "dev.jsonl", EVAL_DIR / "dev2.jsonl", *sorted((ROOT / "bench" / "cases").glob("heldout*.jsonl")))
# The case file's category as the NLU intent its first turn would get.
CATEGORY_INTENT = {
    "office": "ask_office", "phone": "ask_phone", "penalty": "ask_penalty", "complaint": "ask_complaint",
    "procedure": "ask_procedure", "service": "ask_service", "supervision": "ask_supervision",
    "boundary": "ask_boundary", "oos": "out_of_scope",
}
STAGES = ("candidates", "re-rank", "found-gate", "composition")


def squash(text: str) -> str:
    return "".join(str(text).split())


def load_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(kb: KnowledgeBase, cases: list[dict], mode: str) -> dict:
    r1 = r5 = 0
    rr = 0.0
    latencies = []
    for case in cases:
        started = time.perf_counter()
        hits = kb.retriever.search(case["turns"][0], k=5, mode=mode)
        latencies.append(time.perf_counter() - started)
        # (a result's text as /api/search gives it: the passage as its row prints it)
        rank = next((n for n, h in enumerate(hits, 1) if squash(case["key"]) in squash(h.printed or h.text)), None)
        if rank:
            r1 += rank == 1
            r5 += 1
            rr += 1 / rank
    n = max(1, len(cases))
    return {"mode": mode, "recall@1": r1 / n, "recall@5": r5 / n, "mrr": rr / n,
            "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0}


def answer_text(answer) -> str:
    return "\n".join([answer.text or "", *(b.get("title", "") for b in answer.buttons or [])])


def passes(case: dict, text: str) -> bool:
    flat = squash(text)
    return (all(any(squash(alt) in flat for alt in group) for group in case["all"])
            and not any(squash(n) in flat for n in case.get("none", [])))


def lost_at(kb: KnowledgeBase, case: dict) -> tuple[str | None, str]:
    """The stage at which ``case`` was lost (None: answered right), and the last answer."""
    context: dict = {}
    answer = None
    for n, turn in enumerate(case["turns"]):
        # a later turn of a conversation is what the NLU calls a follow-up
        intent = CATEGORY_INTENT.get(case["cat"]) if n == 0 else "follow_up"
        answer = kb.answer(turn, intent=intent, context=context)
        context = answer.context or context
    text = answer_text(answer) if answer is not None else ""
    if case["cat"] == "oos":
        # refused: the knowledge layer finds nothing (the action then says it is out of scope)
        refused = answer is not None and not answer.found
        return (None if refused and passes({**case, "all": []}, text) else "composition"), text
    if passes(case, text):
        return None, text
    key = squash(case.get("key") or "")
    if key:
        trace: dict = {}
        kb.retriever.search(case["turns"][0], k=5, trace=trace)
        if not any(key in squash(kb.store.passage_by_id[pid].printed or kb.store.passage_by_id[pid].text)
                   for pid in trace["candidates"]):
            return "candidates", text
        if not any(key in squash(h.printed or h.text) for h in kb.search(case["turns"][0], k=5)):
            return "re-rank", text
    if case["cat"] != "oos" and answer is not None and not answer.found:
        return "found-gate", text
    return "composition", text


def errors(kb: KnowledgeBase, cases: list[dict]) -> dict:
    by_stage = {s: [] for s in STAGES}
    per_cat: dict[str, list[int]] = {}
    for case in cases:
        stage, text = lost_at(kb, case)
        tally = per_cat.setdefault(case["cat"], [0, 0])
        tally[1] += 1
        if stage is None:
            tally[0] += 1
        else:
            by_stage[stage].append({"id": case["id"], "cat": case["cat"], "question": case["turns"][-1],
                                    "answer": text[:160]})
    right = sum(v[0] for v in per_cat.values())
    return {"answered_right": right, "n": len(cases), "per_category": per_cat, "lost": by_stage}


def report_file(kb: KnowledgeBase, path: Path, out) -> dict:
    cases = load_cases(path)
    keyed = [c for c in cases if c.get("key")]
    # hybrid first: it pays for the query embeddings; the other modes reuse the cached vectors,
    # so only the hybrid row's latency is a real query latency.
    by_mode = {mode: evaluate(kb, keyed, mode) for mode in ("hybrid", "dense", "keyword")}
    rows = [by_mode[m] for m in ("keyword", "dense", "hybrid")]
    out(f"{path.name}: retrieval on {len(keyed)} keyed questions")
    out(f"  {'mode':10s} {'recall@1':>9s} {'recall@5':>9s} {'MRR':>6s}")
    for r in rows:
        out(f"  {r['mode']:10s} {r['recall@1']:9.1%} {r['recall@5']:9.1%} {r['mrr']:6.3f}")
    err = errors(kb, cases)
    cats = "  ".join(f"{c} {a}/{b}" for c, (a, b) in sorted(err["per_category"].items()))
    out(f"  answers (oracle intent, knowledge layer only): {err['answered_right']}/{err['n']}  ({cats})")
    out("  lost at: " + ", ".join(f"{s} {len(err['lost'][s])}" for s in STAGES))
    for stage in STAGES:
        for miss in err["lost"][stage]:
            out(f"    {stage:12s} {miss['id']} [{miss['cat']}] {miss['question']}")
    hybrid = rows[2]
    return {"cases": str(path), "n": len(keyed), "rows": rows, "errors": err,
            "hybrid_beats_both": all(hybrid["mrr"] >= r["mrr"] for r in rows[:2]),
            "hybrid_p50_ms": by_mode["hybrid"]["p50_ms"]}


def run(cases_paths: Path | list[Path] | tuple[Path, ...] = DEFAULT_FILES, *, force_build: bool = True,
        out=print) -> dict:
    """Build the knowledge base (forced: the build time is measured), report every question
    file that exists with ``out`` and return the figures (``rows`` are the first file's, for
    ``python -m bench``'s summary)."""
    paths = [cases_paths] if isinstance(cases_paths, Path) else list(cases_paths)
    paths = [p for p in paths if p.exists()]
    if not paths:
        raise FileNotFoundError("no question file found")
    settings = get_settings()
    started = time.perf_counter()
    report = build(settings, force=force_build)
    build_seconds = time.perf_counter() - started
    kb = KnowledgeBase(settings)
    started = time.perf_counter()
    kb.warm_up()
    warm_seconds = time.perf_counter() - started
    out(f"model {report.model_id}, {report.passages} passages")
    files = [report_file(kb, p, out) for p in paths]
    first = files[0]
    out(f"hybrid query latency p50 (uncached, embedding included): {first['hybrid_p50_ms']:.1f} ms")
    out(f"build (parse + embed + index): {build_seconds:.1f} s; load + warm-up: {warm_seconds:.1f} s")
    beats = all(f["hybrid_beats_both"] for f in files)
    out("hybrid beats both on MRR" if beats else "WARNING: hybrid does not beat both single retrievers")
    return {"cases": first["cases"], "n": first["n"], "rows": first["rows"], "files": files,
            "build_seconds": build_seconds, "rebuilt": report.rebuilt, "warm_seconds": warm_seconds,
            "model": report.model_id, "passages": report.passages, "hybrid_beats_both": beats}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, nargs="+", default=list(DEFAULT_FILES))
    ap.add_argument("--no-build", action="store_true", help="use the store and index as they are")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    figures = run(args.cases, force_build=not args.no_build)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
