"""POST /api/chat: one user message in, the assistant's replies and their sources out."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from bot.api.deps import TOO_MANY, DialogueDep, IPRateKeyDep, check_rate, limiter
from bot.dialogue import DialogueUnavailable, EmptyMessage, MessageTooLong, RateLimited
from bot.ratelimit import RateLimiter
from bot.text import SENDER_ID_PATTERN, new_sender_id

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
    route: Literal["curated", "knowledge", "not_found", "form", "handoff", "chitchat"] = Field(
        description="how the message was answered"
    )
    audit_id: str | None = Field(None, description="the reply's audit record: GET /api/admin/audit/{audit_id}")


@router.post("/api/chat", response_model=ChatResponse)
async def chat(
    body: ChatRequest,
    dialogue: DialogueDep,
    ip: IPRateKeyDep,
    per_ip: Annotated[RateLimiter, Depends(limiter("chat_ip"))],
) -> ChatResponse:
    try:
        message = dialogue.clean(body.message)
    except EmptyMessage:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "消息不能为空。/ The message is empty.",
        ) from None
    except MessageTooLong as e:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"消息太长，请不超过 {e.limit} 个字。/ The message is longer than {e.limit} characters.",
        ) from None
    sender_id = body.sender_id or new_sender_id()
    check_rate(per_ip, ip)
    try:
        turn = await dialogue.turn(sender_id, message)
    except RateLimited as e:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            TOO_MANY,
            headers={"Retry-After": str(int(e.retry_after) + 1)},
        ) from None
    except DialogueUnavailable:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            dialogue.busy_text() + " / The assistant is temporarily unavailable, please try again later.",
        ) from None
    return ChatResponse(
        sender_id=sender_id, message_id=turn.message_id, replies=turn.replies, sources=turn.sources,
        route=turn.route, audit_id=turn.audit_id,
    )
