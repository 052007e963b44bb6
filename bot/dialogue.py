"""One turn of the dialogue, whatever the channel (``/api/chat``, ``/wechat``).

``DialogueService.turn(sender_id, message)`` sends the message to Rasa, reads which custom
actions ran from the reports in Rasa's reply (:mod:`appdata.turns`), replaces an empty answer by an
apology, decides whether the question went unanswered, masks what is logged and logs it. The
channels only translate their own protocol in and out, so both answer and log alike.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from appdata.privacy import CONTACT_MASK, Masker
from appdata.store import AppStore
from bot.rasa_client import RasaClient, RasaTurn, RasaUnavailable
from bot.ratelimit import RateLimiter
from bot.text import clean_text

logger = logging.getLogger(__name__)

FALLBACK_ACTIONS = {"action_default_fallback"}
FORM_ACTIONS = {"validate_complaint_form", "action_submit_complaint"}
HANDOFF_ACTIONS = {"action_handoff"}
ROUTES = ("curated", "knowledge", "not_found", "form", "handoff", "chitchat")


def route_of(turn: RasaTurn, fallback: bool) -> str:
    """How the turn was answered: the complaint form, a handoff, a curated answer, the list,
    nothing found, or small talk (greeting, thanks, help: no answering action ran)."""
    actions = {c.action for c in turn.reports}
    if actions & FORM_ACTIONS:
        return "form"
    if actions & HANDOFF_ACTIONS:
        return "handoff"
    if turn.route == "curated" and turn.curated:
        return "curated"
    if fallback or turn.route == "not_found":
        return "not_found"
    if turn.sources or turn.route == "knowledge":
        return "knowledge"
    return "chitchat"


class EmptyMessage(ValueError):
    """Nothing is left of the message once control and format characters are removed."""


class MessageTooLong(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"message longer than {limit} characters")
        self.limit = limit


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after:.1f} s")
        self.retry_after = retry_after


class DialogueUnavailable(Exception):
    """Rasa could not be reached, timed out or failed (see :class:`RasaUnavailable`)."""


@dataclass
class TurnResult:
    sender_id: str
    message_id: int | None
    replies: list[dict[str, Any]]
    sources: list[dict[str, str]] = field(default_factory=list)
    fallback: bool = False
    route: str = "chitchat"
    audit_id: str | None = None


class DialogueService:
    def __init__(
        self,
        *,
        rasa: RasaClient,
        store: AppStore,
        masker: Masker,
        per_sender: RateLimiter,
        message_max_chars: int,
        contact_phone: str | None = None,
        knowledge_version: Callable[[], dict[str, str] | None] | None = None,
        rasa_model: Callable[[], str | None] | None = None,
        prefetch: Callable[[str], object] | None = None,
    ) -> None:
        self.rasa = rasa
        # work on the message's text that answering it will need whatever Rasa makes of it
        # (knowledge.service.KnowledgeBase.prefetch), done in a worker thread while Rasa parses
        self.prefetch = prefetch
        self.store = store
        self.masker = masker
        self.per_sender = per_sender
        self.message_max_chars = message_max_chars
        self.contact_phone = contact_phone
        self.knowledge_version = knowledge_version or (lambda: None)
        self.rasa_model = rasa_model or (lambda: None)

    # ------------------------------------------------------------------ texts
    def busy_text(self) -> str:
        phone = self.contact_phone
        tail = f"如有急事，请拨打人社局办公室电话 {phone}。" if phone else "如有急事，请直接联系县人社局。"
        return "抱歉，问答服务暂时不可用，请稍后再试。" + tail

    def empty_answer_text(self) -> str:
        phone = self.contact_phone
        tail = f"，或拨打人社局办公室电话 {phone} 咨询" if phone else ""
        return f"抱歉，我暂时没能回答这个问题。您可以换个说法再问{tail}。"

    # ------------------------------------------------------------------ turn
    def clean(self, message: str) -> str:
        """The message as Rasa gets it; raises EmptyMessage or MessageTooLong."""
        text = clean_text(message)
        if not text:
            raise EmptyMessage("empty message")
        if len(text) > self.message_max_chars:
            raise MessageTooLong(self.message_max_chars)
        return text

    def check_rate(self, sender_id: str) -> None:
        retry = self.per_sender.hit(sender_id)
        if retry:
            raise RateLimited(retry)

    async def turn(self, sender_id: str, message: str) -> TurnResult:
        """One cleaned message in (see :meth:`clean`), the replies out, the exchange logged.

        Raises RateLimited (per conversation) or DialogueUnavailable (Rasa down or slow)."""
        self.check_rate(sender_id)
        t0 = time.perf_counter()
        if self.prefetch is not None:
            asyncio.get_running_loop().run_in_executor(None, self._prefetch, message)
        try:
            turn = await self.rasa.send(sender_id, message)
        except RasaUnavailable as e:
            logger.warning("Rasa unavailable: %s", e)
            raise DialogueUnavailable(str(e)) from None
        latency_ms = int((time.perf_counter() - t0) * 1000)
        calls = turn.reports

        replies = turn.replies
        fallback = False
        if not replies:
            # Rasa swallows errors (e.g. the action server failed) and answers with nothing.
            replies = [{"text": self.empty_answer_text(), "buttons": []}]
            fallback = True
        intent = next((c.intent for c in reversed(calls) if c.intent), None)
        action = calls[-1].action if calls else None
        # Unanswered = the fallback or an answer action ran and nothing in the turn could be cited
        # (action_default_fallback may still answer from retrieval, with sources). The NLU intent
        # alone does not count: inside the complaint form free text is often "nlu_fallback".
        if not turn.sources and any(
            c.action in FALLBACK_ACTIONS or c.action.startswith("action_answer_") for c in calls
        ):
            fallback = True

        reply_text = "\n".join(r["text"] for r in replies if r["text"])
        # Contact details typed into the complaint form go into the ticket only: the answer to the
        # contact question is not logged at all, and the value is cut out of the replies that
        # repeat it (the summary before "确认").
        secrets = [s for c in calls for s in c.secrets]
        if any(c.message_is_secret for c in calls):
            secrets.append(message)
        masked_message = self.masker.redact(message, secrets, CONTACT_MASK)
        route = route_of(turn, fallback)
        # The log and the audit record are committed before the reply goes out (they survive a
        # power cut), in one transaction (one sync of the disk, ~3 ms), in a worker thread: the
        # event loop serves other requests meanwhile.
        message_id, audit_id = await asyncio.to_thread(
            self.record, turn, sender_id=sender_id, masked_message=masked_message,
            reply=self.masker.redact(reply_text, secrets, CONTACT_MASK), route=route, intent=intent,
            action=action, fallback=fallback, latency_ms=latency_ms)
        return TurnResult(
            sender_id=sender_id, message_id=message_id, replies=replies, sources=turn.sources, fallback=fallback,
            route=route, audit_id=audit_id,
        )

    def _prefetch(self, message: str) -> None:
        try:
            self.prefetch(message)
        except Exception:  # only a cache is warmed: answering does the work itself
            logger.debug("prefetch failed", exc_info=True)

    def record(self, turn: RasaTurn, *, sender_id: str, masked_message: str, reply: str, route: str,
               intent: str | None, action: str | None, fallback: bool,
               latency_ms: int) -> tuple[int | None, str | None]:
        """Log the exchange and store its audit record, committed together; (message_id,
        audit_id), None for what could not be stored (logged: the citizen still gets the answer)."""
        try:
            with self.store.batch():
                try:
                    message_id = self.store.log_conversation(
                        sender_id=sender_id,
                        message=masked_message,
                        reply=reply,
                        intent=intent,
                        action=action,
                        fallback=fallback,
                        sources=[s["id"] for s in turn.sources],
                        latency_ms=latency_ms,
                    )
                except Exception:  # a full disk must not cost the citizen the answer
                    logger.exception("could not log the conversation")
                    message_id = None
                audit_id = self.audit(turn, sender_id=sender_id, message_id=message_id, question=masked_message,
                                      route=route, intent=intent, action=action, latency_ms=latency_ms)
        except Exception:
            logger.exception("could not commit the conversation log and the audit record")
            return None, None
        return message_id, audit_id

    def audit(self, turn: RasaTurn, *, sender_id: str, message_id: int | None, question: str, route: str,
              intent: str | None, action: str | None, latency_ms: int) -> str | None:
        """Store the audit record of the turn (question already masked); its id, or None if it
        could not be written (logged: the citizen still gets the answer)."""
        confidence = next((c.confidence for c in reversed(turn.reports) if c.intent), None)
        curated = turn.curated if route == "curated" else None
        try:
            version = self.knowledge_version() or {}
            record = {
                "id": uuid.uuid4().hex,
                "sender_id": sender_id,
                "message_id": message_id,
                "question": question,
                "intent": intent,
                "confidence": confidence,
                "action": action,
                "route": route,
                "sources": [{"id": s["id"], "citation": s["citation"], "score": turn.scores.get(s["id"])}
                            for s in turn.sources],
                "knowledge_sha256": version.get("sha256"),
                "knowledge_built_at": version.get("built_at"),
                "rasa_model": self.rasa_model(),
                "curated_id": curated["id"] if curated else None,
                "curated_version": curated["version"] if curated else None,
                "curated_score": curated["score"] if curated else None,
                "latency_ms": latency_ms,
            }
            return self.store.add_audit(record)
        except Exception:
            logger.exception("could not write the audit record")
            return None
