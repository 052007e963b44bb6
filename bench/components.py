"""Where a question's time goes: the knowledge layer in-process, Rasa and the action server
over HTTP.

In-process (this process, the same settings and thread cap as the app):
    load + warm-up, normalise + tokenise, query embedding (cache miss and hit), FAISS,
    keyword (BM25/FTS5) search, fusion + re-rank (the rest of ``retriever.search``),
    ``kb.search`` and ``kb.answer`` with a cold and a warm embedding cache; and the sentence
    embedding Rasa's NLU computes for a new message (the same knowledge.e5engine backend).
Over HTTP (a running system):
    Rasa's REST channel directly (NLU + policies + the action round trip), Rasa answering
    without a custom action (thanks, goodbye: NLU + policies only), and the action server's
    ``POST /webhook`` with the payload Rasa sends.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.load import Client, Sample, Seen, Target, percentile, rasa_rest_target, sequential, stats
from bench.questions import CONVERSATIONS, NO_ACTION_MESSAGES

# The NLU intent each kind of question in the mix is meant to get (for kb.answer and the
# action payloads; Rasa decides for itself in the HTTP runs).
KIND_INTENT = {"office": "ask_office", "phone": "ask_phone", "penalty": "ask_penalty",
               "complaint": "ask_complaint", "follow_up": None, "fallback": None}
KIND_ACTION = {"office": "action_answer_office", "phone": "action_answer_phone",
               "penalty": "action_answer_penalty", "complaint": "action_answer_complaint",
               "fallback": "action_default_fallback"}


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _row(name: str, values: list[float], note: str = "") -> dict:
    return {"part": name, "n": len(values), "p50_ms": round(percentile(values, 50), 3),
            "p95_ms": round(percentile(values, 95), 3), "note": note}


def _clear_cache(embedder: Any) -> bool:
    """Empty the embedder's query-embedding LRU (``clear_cache()``) to force a miss."""
    clear = getattr(embedder, "clear_cache", None)
    if clear is None:
        return False
    clear()
    return True


def _clear_text_caches(retriever: Any) -> None:
    """Empty the retriever's per-text caches (words, BM25 rows, scores): every timed part then
    costs what it costs for a new question (only the embedding rows say cached or not)."""
    clear = getattr(retriever, "clear_caches", None)
    if clear is not None:
        clear()


def knowledge_split(reps: int = 3) -> dict:
    """Time the knowledge layer's parts in this process (loads the knowledge base)."""
    from knowledge.normalize import normalize_query
    from knowledge.retrieval import CANDIDATES
    from knowledge.service import get_knowledge

    started = time.perf_counter()
    kb = get_knowledge()
    kb.warm_up()
    load_seconds = time.perf_counter() - started
    r = kb.retriever
    emb = r.embedder
    questions = [(kind, turns[0]) for kind, turns in CONVERSATIONS if kind in KIND_INTENT]
    t: dict[str, list[float]] = defaultdict(list)
    fusion: list[float] = []
    can_miss = True
    for _ in range(reps):
        for kind, q in questions:
            _clear_text_caches(r)
            s = time.perf_counter()
            nq = normalize_query(q)
            toks = r.query_tokens(nq)
            t_norm = time.perf_counter() - s
            t["normalise + tokenise"].append(_ms(t_norm))

            can_miss = _clear_cache(emb)
            s = time.perf_counter()
            vec = emb.embed_queries([nq])[0]
            t["embedding (cache miss)"].append(_ms(time.perf_counter() - s))
            s = time.perf_counter()
            emb.embed_queries([nq])
            t_hit = time.perf_counter() - s
            t["embedding (cache hit)"].append(_ms(t_hit))

            s = time.perf_counter()
            r.index.search(vec, CANDIDATES)
            t_faiss = time.perf_counter() - s
            t["FAISS (flat IP, top 50)"].append(_ms(t_faiss))
            _clear_text_caches(r)
            s = time.perf_counter()
            r.keywords.search(toks, CANDIDATES)
            t_kw = time.perf_counter() - s
            t["keyword search (BM25, top 50)"].append(_ms(t_kw))

            _clear_text_caches(r)
            s = time.perf_counter()
            kb.search(q, k=5)
            t_search = time.perf_counter() - s
            t["kb.search (embedding cached)"].append(_ms(t_search))
            fusion.append(_ms(max(0.0, t_search - t_norm - t_hit - t_faiss - t_kw)))
            _clear_cache(emb)
            _clear_text_caches(r)
            s = time.perf_counter()
            kb.search(q, k=5)
            t["kb.search (cache miss)"].append(_ms(time.perf_counter() - s))

            intent = KIND_INTENT[kind]
            _clear_cache(emb)
            _clear_text_caches(r)
            s = time.perf_counter()
            kb.answer(q, intent=intent)
            t["kb.answer (cache miss)"].append(_ms(time.perf_counter() - s))
            _clear_text_caches(r)
            s = time.perf_counter()
            kb.answer(q, intent=intent)
            t["kb.answer (embeddings cached)"].append(_ms(time.perf_counter() - s))
    order = ["normalise + tokenise", "embedding (cache miss)", "embedding (cache hit)",
             "FAISS (flat IP, top 50)", "keyword search (BM25, top 50)"]
    rows = [_row(k, t[k]) for k in order]
    rows.append(_row("fusion + re-rank", fusion, "kb.search minus the parts above"))
    rows += [_row(k, t[k]) for k in ("kb.search (cache miss)", "kb.search (embedding cached)",
                                     "kb.answer (cache miss)", "kb.answer (embeddings cached)")]
    from knowledge.e5engine import backend_setting

    rows.append(_row("Rasa NLU e5 embedding (new message)",
                     nlu_embedding_times([q for _, q in questions], reps),
                     f"{backend_setting()} backend, 1 thread: rasa_components.e5_featurizer, "
                     "per message not seen before"))
    # the NLU's vector handed to kb.answer (what the action server does with the parse data)
    accept = getattr(emb, "accept", None)
    if accept is not None:
        from knowledge.e5engine import pack_vector

        handed: list[float] = []
        for _ in range(reps):
            for kind, q in questions:
                nq = normalize_query(q)
                payload = pack_vector(emb.embed_queries([nq])[0], emb.model_id, nq)
                _clear_cache(emb)
                _clear_text_caches(r)
                s = time.perf_counter()
                kb.answer(q, intent=KIND_INTENT[kind], query_vector=payload)
                handed.append(_ms(time.perf_counter() - s))
        rows.append(_row("kb.answer (new message, NLU vector handed)", handed,
                         "cache emptied, the parse data's query_vector given: no embedding here"))
    if not can_miss:
        for row in rows:
            if "miss" in row["part"]:
                row["note"] = "embedder has no query cache: every call is a miss"
    return {"load_warm_seconds": round(load_seconds, 2), "questions": len(questions), "reps": reps,
            "rows": rows}


def nlu_embedding_times(questions: list[str], reps: int) -> list[float]:
    """Milliseconds per question of the engine Rasa's E5SentenceFeaturizer uses (config.yml).

    Timed here rather than inside Rasa: it is the same runtime (the same pins in
    requirements-rasa.txt and pyproject.toml, the same backend, ``JIZE_EMBEDDING_BACKEND``) and
    the same engine wrapper (knowledge/e5engine.py), on the same text
    (knowledge.e5engine.embedding_text); the cache is left out.
    """
    from knowledge.e5engine import E5Engine, embedding_text

    engine = E5Engine.shared("original", 1)
    texts = [embedding_text(q) for q in questions]
    engine.encode(texts[:1])  # first call allocates the engine's buffers
    times = []
    for _ in range(reps):
        for text in texts:
            s = time.perf_counter()
            engine.encode([text])
            times.append(_ms(time.perf_counter() - s))
    return times


# ----------------------------------------------------------------------------- over HTTP
def _domain_dict() -> dict:
    import yaml

    from knowledge.settings import PROJECT_DIR

    with open(Path(PROJECT_DIR) / "domain.yml", encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def action_payload(domain: dict, action: str, text: str, intent: str | None, sender: str) -> dict:
    """The body Rasa 3.6 posts to the action server for ``action`` after ``text``."""
    now = time.time()
    intent_name = intent or "nlu_fallback"
    latest = {"text": text, "intent": {"name": intent_name, "confidence": 0.93},
              "entities": [], "intent_ranking": [{"name": intent_name, "confidence": 0.93}],
              "message_id": "0" * 32}
    slots = {name: None for name in (domain.get("slots") or {})}
    slots["session_started_metadata"] = None
    events = [
        {"event": "action", "timestamp": now - 0.02, "name": "action_session_start", "policy": None,
         "confidence": 1.0, "action_text": None, "hide_rule_turn": False},
        {"event": "session_started", "timestamp": now - 0.02},
        {"event": "action", "timestamp": now - 0.02, "name": "action_listen", "policy": None,
         "confidence": None, "action_text": None, "hide_rule_turn": False},
        {"event": "user", "timestamp": now - 0.01, "text": text, "parse_data": latest,
         "input_channel": "rest", "message_id": "0" * 32, "metadata": {}},
        {"event": "user_featurization", "timestamp": now - 0.01, "use_text_for_featurization": False},
    ]
    tracker = {"sender_id": sender, "slots": slots, "latest_message": latest,
               "latest_event_time": now - 0.01, "followup_action": None, "paused": False,
               "events": events, "latest_input_channel": "rest", "active_loop": {},
               "latest_action": {"action_name": "action_listen"},
               "latest_action_name": "action_listen"}
    return {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": domain,
            "version": "3.6.21"}


def action_roundtrip(action_port: int, reps: int = 3) -> dict:
    """``POST 127.0.0.1:<action_port>/webhook`` with realistic payloads, one client."""
    domain = _domain_dict()
    target = Target("actions", f"http://127.0.0.1:{action_port}/webhook", lambda s, m: m,
                    ok=lambda status, data: status == 200 and b"responses" in data)
    client = Client(target)
    questions = [(kind, turns[0]) for kind, turns in CONVERSATIONS if kind in KIND_ACTION]
    samples: list[Sample] = []
    n = 0
    for _ in range(reps):
        for kind, text in questions:
            n += 1
            sender = f"bench-act-{n:05d}"
            payload = action_payload(domain, KIND_ACTION[kind], text, KIND_INTENT.get(kind), sender)
            status, data, ms = client.post(sender, payload)  # type: ignore[arg-type]
            if status and not target.ok(status, data):
                status = -status
            samples.append(Sample(0.0, ms, status, kind, False))
    client.close()
    return stats(samples).as_dict()


def rasa_split(rasa_url: str, seen: Seen, passes: int = 2) -> dict:
    """Rasa's REST channel directly: the mix (with the action round trip) and thanks/goodbye only."""
    mix = sequential(rasa_rest_target(rasa_url), passes, "rasa", seen)
    no_action = sequential(rasa_rest_target(rasa_url), passes * 4, "rasa0", Seen(),
                           conversations=[("chitchat", [m]) for m in NO_ACTION_MESSAGES])
    return {"rest_mix": stats(mix).as_dict(), "rest_no_action": stats(no_action).as_dict()}
