"""POST /api/chat: one user message in, the assistant's replies and their sources out."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from bot.actions_server import FALLBACK_ACTIONS, SENSITIVE_SLOTS
from bot.api.deps import (
    IPRateKeyDep,
    MaskerDep,
    ObserverDep,
    RasaDep,
    SettingsDep,
    StoreDep,
    check_rate,
    limiter,
)
from bot.privacy import CONTACT_MASK
from bot.rasa_client import RasaUnavailable
from bot.ratelimit import RateLimiter
from bot.text import SENDER_ID_PATTERN, clean_text, new_sender_id

logger = logging.getLogger(__name__)
router = APIRouter(tags=["chat"])


class ChatRequest(BaseModel):
    sender_id: str | None = Field(
        None, pattern=SENDER_ID_PATTERN, description="8–64 chars [A-Za-z0-9_-]; omitted → issued"
    )
    message: str


class Button(BaseModel):
    title: str
    payload: str


class Reply(BaseModel):
    text: str
    buttons: list[Button] = []


class Source(BaseModel):
    id: str
    citation: str
    excerpt: str = ""


class ChatResponse(BaseModel):
    sender_id: str
    message_id: int | None = None
    replies: list[Reply]
    sources: list[Source]


def busy_text(request: Request) -> str:
    phone = request.app.state.contact_phone
    tail = f"如有急事，请拨打人社局办公室电话 {phone}。" if phone else "如有急事，请直接联系县人社局。"
    return "抱歉，问答服务暂时不可用，请稍后再试。" + tail


def empty_answer_text(request: Request) -> str:
    phone = request.app.state.contact_phone
    tail = f"，或拨打人社局办公室电话 {phone} 咨询" if phone else ""
    return f"抱歉，我暂时没能回答这个问题。您可以换个说法再问{tail}。"


@router.post("/api/chat", response_model=ChatResponse)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    rasa: RasaDep,
    masker: MaskerDep,
    observer: ObserverDep,
    ip: IPRateKeyDep,
    per_sender: Annotated[RateLimiter, Depends(limiter("chat_sender"))],
    per_ip: Annotated[RateLimiter, Depends(limiter("chat_ip"))],
) -> ChatResponse:
    message = clean_text(body.message)
    if not message:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "消息不能为空。/ The message is empty.",
        )
    if len(message) > settings.message_max_chars:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"消息太长，请不超过 {settings.message_max_chars} 个字。"
            f"/ The message is longer than {settings.message_max_chars} characters.",
        )
    sender_id = body.sender_id or new_sender_id()
    check_rate(per_ip, ip)
    check_rate(per_sender, sender_id)

    observer.begin_turn(sender_id)
    t0 = time.perf_counter()
    try:
        turn = await rasa.send(sender_id, message)
    except RasaUnavailable as e:
        observer.end_turn(sender_id)
        logger.warning("Rasa unavailable for /api/chat: %s", e)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            busy_text(request) + " / The assistant is temporarily unavailable, please try again later.",
        ) from None
    latency_ms = int((time.perf_counter() - t0) * 1000)
    calls = observer.end_turn(sender_id)

    replies = turn.replies
    fallback = False
    if not replies:
        # Rasa swallows errors (e.g. the action server failed) and answers with nothing.
        replies = [{"text": empty_answer_text(request), "buttons": []}]
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
    if any(c.requested_slot in SENSITIVE_SLOTS for c in calls):
        secrets.append(message)
    try:
        message_id = store.log_conversation(
            sender_id=sender_id,
            message=masker.redact(message, secrets, CONTACT_MASK),
            reply=masker.redact(reply_text, secrets, CONTACT_MASK),
            intent=intent,
            action=action,
            fallback=fallback,
            sources=[s["id"] for s in turn.sources],
            latency_ms=latency_ms,
        )
    except Exception:  # a full disk must not cost the citizen the answer
        logger.exception("could not log the conversation")
        message_id = None
    return ChatResponse(sender_id=sender_id, message_id=message_id, replies=replies, sources=turn.sources)
