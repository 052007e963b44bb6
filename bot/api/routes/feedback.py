"""POST /api/feedback: 👍/👎 on an answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field, model_validator

from bot.api.deps import IPRateKeyDep, MaskerDep, StoreDep, check_rate, limiter
from bot.ratelimit import RateLimiter
from bot.text import SENDER_ID_PATTERN, clean_text

router = APIRouter(tags=["feedback"])


class FeedbackRequest(BaseModel):
    sender_id: str = Field(pattern=SENDER_ID_PATTERN)
    message_id: int | None = Field(None, ge=1)
    reply: str | None = Field(None, max_length=5000, description="the reply text, when no message_id")
    rating: Literal["up", "down"]
    reason: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _one_target(self) -> FeedbackRequest:
        if self.message_id is None and not (self.reply and self.reply.strip()):
            raise ValueError("message_id or reply is required")
        return self


@router.post("/api/feedback", status_code=status.HTTP_201_CREATED)
def feedback(
    body: FeedbackRequest,
    store: StoreDep,
    masker: MaskerDep,
    ip: IPRateKeyDep,
    per_ip: Annotated[RateLimiter, Depends(limiter("feedback_ip"))],
) -> dict[str, object]:
    check_rate(per_ip, ip)
    if body.message_id is not None:
        conv = store.get_conversation(body.message_id)
        if conv is None or conv.sender_id != body.sender_id:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                "找不到这条回答，可能已过保存期限。/ No such message for this sender_id.",
            )
    reply = masker.mask(clean_text(body.reply)) if body.reply else None
    reason = masker.mask(clean_text(body.reason)) if body.reason else None
    fid = store.add_feedback(
        sender_id=body.sender_id,
        message_id=body.message_id,
        reply=reply,
        rating=body.rating,
        reason=reason or None,
    )
    return {"ok": True, "id": fid}
