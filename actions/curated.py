"""Curated answers in the answering path: a question close enough in meaning to a curated
question (or one of its phrasings) gets that answer, with its citations, ahead of retrieval.

The answers are the app's records (``appdata.store``: staff write them in /agent); the
knowledge layer decides how close is close enough (``kb.match_curated``, threshold
``JIZE_CURATED_THRESHOLD``) and composes the reply with its citations and a context, so that
follow-ups ("电话呢") work after a curated answer as after any other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from actions import common

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CuratedHit:
    answer: Any  # knowledge Answer
    payload: dict[str, Any]  # {"id", "version", "score", "text"}: travels to the gateway


def lookup(question: str, intent: str | None, query_vector: dict | None = None) -> CuratedHit | None:
    """The curated answer for ``question``, or None (none close enough, none stored, or a failure,
    which is logged: retrieval answers then)."""
    if not question:
        return None
    try:
        entries = common.get_store().curated()
        if not entries:
            return None
        kb = common.get_kb()
        match = kb.match_curated(question, entries, query_vector=query_vector)
        if match is None or not match.passes:
            return None
        answer = kb.curated_answer(question, match.entry, match, intent)
    except Exception:
        logger.exception("curated answer lookup failed")
        return None
    if answer is None:
        logger.warning("curated answer %s cites no passage of the list any more", match.entry.id)
        return None
    return CuratedHit(answer, {"id": match.entry.id, "version": match.entry.version,
                               "score": round(match.score, 4), "text": match.text})
