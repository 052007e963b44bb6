"""What every custom action shares: knowledge and store access, entities, the sources payload.

The actions are thin adapters (docs/CONTRACTS.md): they pass the user's words, the NLU intent
and entities and the previous turn's ``kb_context`` to ``knowledge.answer`` and send back what
it says. Nothing here knows an office, a phone number or a rule of the list.

``knowledge`` and ``appdata.store`` are imported lazily, on the first action call, so that
importing the package (the action server registers every module) stays cheap; tests replace
:func:`get_kb` and :func:`get_store`.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import messages

logger = logging.getLogger(__name__)

ENTITY_NAMES = ("office", "department", "matter", "count")
KB_CONTEXT_SLOT = "kb_context"
# The office that takes general enquiries (handoff, complaints no office was found for).
# Only its name is configured; its phone always comes from the knowledge store.
GENERAL_OFFICE = os.environ.get("JIZE_HANDOFF_OFFICE", "办公室")


def get_kb() -> Any:
    """The process-wide KnowledgeBase (``knowledge.service.get_knowledge``)."""
    from knowledge.service import get_knowledge

    return get_knowledge()


def get_store() -> Any:
    """The app's record store, shared with the gateway: ``appdata.store.get_store()``
    (``JIZE_APP_DB_PATH``, default ``$JIZE_DATA_DIR/app.db``)."""
    from appdata.store import get_store as app_store

    return app_store()


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "").strip()


def latest_intent(tracker: Tracker) -> str | None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name")


def latest_confidence(tracker: Tracker) -> float | None:
    """The NLU's confidence in the latest message's intent (the knowledge layer's prior)."""
    value = ((tracker.latest_message or {}).get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, (int, float)) else None


def latest_query_vector(tracker: Tracker) -> dict | None:
    """The NLU's embedding of the latest message (parse data ``query_vector``, put there by
    rasa_components.e5_featurizer), for ``knowledge.answer``: it checks that the vector is its
    own model's and of this text, and embeds the text itself otherwise."""
    value = (tracker.latest_message or {}).get("query_vector")
    return value if isinstance(value, dict) else None


def entities_of(tracker: Tracker) -> dict[str, list[str]]:
    """Entities of the latest message as ``{"office": ["农保中心"], ...}`` (values deduplicated,
    in order of appearance; synonyms already mapped by Rasa)."""
    found: dict[str, list[str]] = {}
    for ent in (tracker.latest_message or {}).get("entities") or []:
        name = ent.get("entity")
        value = ent.get("value")
        if name not in ENTITY_NAMES or value is None:
            continue
        value = str(value).strip()
        if value and value not in found.setdefault(name, []):
            found[name].append(value)
    return found


def kb_context(tracker: Tracker) -> dict | None:
    ctx = tracker.get_slot(KB_CONTEXT_SLOT)
    return ctx if isinstance(ctx, dict) else None


def ask_knowledge(
    question: str,
    intent: str | None,
    entities: dict[str, list[str]] | None = None,
    context: dict | None = None,
    confidence: float | None = None,
    query_vector: dict | None = None,
) -> Any | None:
    """``get_kb().answer(...)``, or None (logged) when the knowledge layer fails."""
    try:
        extra = {"query_vector": query_vector} if query_vector is not None else {}
        return get_kb().answer(question=question, intent=intent, entities=entities or {}, context=context,
                               confidence=confidence, **extra)
    except Exception:  # the user gets an apology, the log gets the stack trace
        logger.exception("knowledge.answer failed (intent=%s)", intent)
        return None


def source_scores(question: str, sources: list[dict]) -> dict[str, float]:
    """Each cited passage's retrieval score for the question (for the audit record); {} on failure."""
    ids = [str(s.get("id")) for s in sources if isinstance(s, dict) and s.get("id")]
    if not ids or not question:
        return {}
    try:
        return get_kb().source_scores(question, ids)
    except Exception:
        logger.exception("source scores failed")
        return {}


def utter_answer(dispatcher: CollectingDispatcher, answer: Any, prefix: str = "", suffix: str = "",
                 question: str = "", curated: dict | None = None) -> None:
    """Send an Answer: text, its buttons, and as the custom payload ``{"sources": [...], "route",
    "scores": {id: score}}`` (+ ``"curated": {"id", "version", "score", "text"}`` for a curated
    answer); the gateway keeps route, scores and curated for the audit record."""
    text = "\n".join(part for part in (prefix, answer.text or "", suffix) if part)
    sources = list(answer.sources or [])
    payload: dict[str, Any] = {
        "sources": sources,
        "route": "curated" if curated else ("knowledge" if getattr(answer, "found", bool(sources)) else "not_found"),
        "scores": source_scores(question, sources),
    }
    if curated:
        payload["curated"] = curated
    buttons = list(answer.buttons or [])
    if payload["route"] == "not_found":
        text = f"{text}\n{messages.HANDOFF_HINT}" if text else text
        buttons.append(dict(messages.HANDOFF_BUTTON))
    dispatcher.utter_message(text=text, buttons=buttons, json_message=payload)


def context_slot(answer: Any) -> list[EventType]:
    ctx = getattr(answer, "context", None)
    return [SlotSet(KB_CONTEXT_SLOT, ctx)] if ctx is not None else []


def answer_turn(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None) -> list[EventType]:
    """One factual turn: a curated answer close enough to the latest message (not for a follow-up,
    which is read with the conversation's topic), else knowledge/'s answer."""
    question = latest_text(tracker)
    if intent != "follow_up":
        hit = curated_answer(question, intent, latest_query_vector(tracker))
        if hit is not None:
            utter_answer(dispatcher, hit.answer, question=question, curated=hit.payload)
            return context_slot(hit.answer)
    answer = ask_knowledge(question, intent, entities_of(tracker), kb_context(tracker),
                           latest_confidence(tracker), latest_query_vector(tracker))
    if answer is None:
        dispatcher.utter_message(text=messages.KB_UNAVAILABLE)
        return []
    utter_answer(dispatcher, answer, question=question)
    return context_slot(answer)


def curated_answer(question: str, intent: str | None, query_vector: dict | None = None) -> Any | None:
    """``actions.curated.lookup`` (imported here so that tests may replace the store and kb above)."""
    from actions.curated import lookup

    return lookup(question, intent, query_vector)


def office_phone(office: str | None) -> str | None:
    """Phone of an office (name or alias) from ``kb.offices()``; None if unknown."""
    if not office:
        return None
    try:
        offices = get_kb().offices()
    except Exception:
        logger.exception("knowledge.offices failed")
        return None
    for o in offices:
        if office == o.name or office in (o.aliases or []):
            return o.phone
    return None


def context_office(answer: Any) -> str | None:
    ctx = getattr(answer, "context", None)
    if isinstance(ctx, dict):
        office = ctx.get("office")
        if isinstance(office, list):
            office = office[0] if office else None
        return str(office) if office else None
    return None


def user_texts(tracker: Tracker, limit: int = 3, skip_latest: bool = True) -> list[str]:
    """The last ``limit`` user messages (oldest first), without the latest one by default."""
    texts = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    if skip_latest and texts:
        texts = texts[:-1]
    return [t for t in texts if t.strip()][-limit:]
