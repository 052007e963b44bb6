"""Command line: ``python -m knowledge build | search | answer``."""

from __future__ import annotations

import argparse
import json
import sys

from .parser import ParseError
from .settings import get_settings
from .store import StoreError

MAX_QUERY_CHARS = 2000


def _hits_json(hits) -> list[dict]:
    return [h.to_dict() for h in hits]


def cmd_build(args) -> int:
    from .service import build

    report = build(get_settings(), force=args.force)
    state = "built" if report.rebuilt else "up to date"
    print(f"knowledge store {state}: {report.passages} passages, model {report.model_id}, "
          f"{report.seconds:.1f} s -> {report.db_path}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _search_one(kb, query: str, k: int):
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"question too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
    return kb.search(query, k=k)


def cmd_search(args) -> int:
    from .service import get_knowledge

    kb = get_knowledge()
    if args.query == "-":
        for line in sys.stdin:
            line = line.rstrip("\n")
            try:
                out = _hits_json(_search_one(kb, line, args.k))
            except ValueError as exc:
                out = {"error": str(exc)}
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return 0
    try:
        hits = _search_one(kb, args.query, args.k)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_hits_json(hits), ensure_ascii=False))
        return 0
    if not hits:
        print("no results (empty question or nothing to search for)")
    for n, h in enumerate(hits, 1):
        mark = "" if h.found else "  [weak match]"
        print(f"{n}. [{h.score:.2f}] {h.citation}{mark}\n   {h.text[:160]}\n   科室：{h.office or '—'}  电话：{h.phone or '—'}")
    return 0


def cmd_answer(args) -> int:
    from .service import get_knowledge

    answer = get_knowledge().answer(args.question, intent=args.intent)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.text)
        for s in answer.sources:
            print(f"  来源：{s['citation']}")
    return 0


def cmd_homophones(args) -> int:
    """The words typed by sound the search would read otherwise (knowledge.homophones), for the
    questions of question files (JSON lines with "turns") or of stdin (one per line); prints each
    correction and a count, and the CPU the corrections took per question."""
    import time

    from .normalize import clean, fix_typos
    from .service import get_knowledge

    retriever = get_knowledge().retriever
    questions: list[str] = []
    for path in args.files or ["-"]:
        lines = sys.stdin.read().splitlines() if path == "-" else open(path, encoding="utf-8").read().splitlines()
        for line in filter(str.strip, lines):
            questions.extend(json.loads(line)["turns"] if path != "-" else [line])
    texts = [fix_typos(clean(q)) for q in questions]
    retriever.homophones.correct(texts[0] if texts else "")  # the syllable table loaded before timing
    start = time.process_time()
    corrected = [retriever.homophones.correct(t) for t in texts]
    cpu = (time.process_time() - start) * 1000 / max(1, len(texts))
    changed = [(a, b) for a, b in zip(texts, corrected, strict=True) if a != b]
    for before, after in changed:
        print(f"{before}\n  → {after}")
    print(f"{len(changed)} of {len(texts)} questions corrected; {cpu:.2f} ms of CPU per question")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse the source list into the store and (re)build the index")
    b.add_argument("--force", action="store_true", help="rebuild even if up to date")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("search", help="search the list; QUERY '-' reads one question per line from stdin")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--json", action="store_true", help="print JSON (always on in batch mode)")
    s.set_defaults(func=cmd_search)
    a = sub.add_parser("answer", help="compose the assistant's answer to a question")
    a.add_argument("question")
    a.add_argument("--intent", default=None)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_answer)
    h = sub.add_parser("homophones", help="show the words typed by sound that search reads as the list's words")
    h.add_argument("files", nargs="*", help="question files (JSON lines with 'turns'); none or '-': stdin, one per line")
    h.set_defaults(func=cmd_homophones)
    args = parser.parse_args(argv)
    if getattr(args, "k", 1) < 1 or getattr(args, "k", 1) > 50:
        parser.error("--k must be between 1 and 50")
    try:
        return args.func(args)
    except (ParseError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
