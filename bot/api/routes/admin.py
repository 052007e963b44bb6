"""Admin endpoints (X-Admin-Token): unanswered questions, tickets, feedback, suggested replies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, status

from bot.api.deps import AdminDep, KnowledgeDep, SettingsDep, StoreDep
from bot.api.routes.knowledge import clean_query

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[AdminDep])

REF_PATTERN = r"^TS-\d{8}-\d{4,}$"


@router.get("/unanswered")
def unanswered(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> dict[str, list[dict[str, Any]]]:
    """Questions answered by the fallback, most frequent first (text is masked)."""
    return {"items": store.unanswered(limit=limit, days=days)}


@router.get("/tickets")
def tickets(
    store: StoreDep,
    status_: Annotated[Literal["open", "done", "all"], Query(alias="status")] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, list[dict[str, Any]]]:
    items = store.list_tickets(None if status_ == "all" else status_, limit=limit)
    return {"tickets": [t.to_dict() for t in items]}


@router.post("/tickets/{ref}/done")
def ticket_done(store: StoreDep, ref: Annotated[str, Path(pattern=REF_PATTERN)]) -> dict[str, Any]:
    ticket = store.mark_ticket_done(ref)
    if ticket is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有编号为 {ref} 的工单。/ No ticket {ref}.")
    return {"ticket": ticket.to_dict()}


@router.get("/feedback")
def feedback(store: StoreDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    return {"items": store.feedback(limit=limit)}


@router.get("/suggest")
def suggest(
    kb: KnowledgeDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """A suggested reply for an agent: the knowledge layer's answer without dialogue state."""
    question = clean_query(q, settings.message_max_chars)
    ans = kb.answer(question)
    return {
        "text": ans.text,
        "sources": list(ans.sources),
        "buttons": list(ans.buttons),
        "found": bool(ans.found),
    }
