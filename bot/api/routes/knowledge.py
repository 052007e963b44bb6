"""GET /api/search and GET /api/offices: straight from the knowledge base, no dialogue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status

from bot.api.deps import IPRateKeyDep, KnowledgeDep, SettingsDep, check_rate, limiter
from bot.ratelimit import RateLimiter
from bot.text import clean_text

router = APIRouter(tags=["knowledge"])

RESULT_KEYS = ("id", "kind", "citation", "text", "office", "phone", "score", "found")


def hit_dict(hit: Any) -> dict[str, Any]:
    """A search result. Its ``text`` is the passage as its row prints it (with the row's time and
    responsible office and phone), so a result read on its own says who handles it."""
    d = hit.to_dict() if hasattr(hit, "to_dict") else dict(hit)
    out = {k: d.get(k) for k in RESULT_KEYS if k in d}
    if isinstance(out.get("score"), float):
        out["score"] = round(out["score"], 4)
    return out


def clean_query(q: str | None, max_chars: int) -> str:
    query = clean_text(q or "")
    if not query:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "请输入要查询的内容。/ The query q is empty."
        )
    if len(query) > max_chars:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"查询太长，请不超过 {max_chars} 个字。/ The query is longer than {max_chars} characters.",
        )
    return query


@router.get("/api/search")
def search(
    kb: KnowledgeDep,
    settings: SettingsDep,
    ip: IPRateKeyDep,
    per_ip: Annotated[RateLimiter, Depends(limiter("search_ip"))],
    q: Annotated[str | None, Query(description="question or keywords")] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict[str, list[dict[str, Any]]]:
    query = clean_query(q, settings.message_max_chars)
    check_rate(per_ip, ip)
    k = min(k, settings.search_max_k)
    return {"results": [hit_dict(h) for h in kb.search(query, k=k)]}


def office_dict(o: Any) -> dict[str, Any]:
    duty_ids = list(getattr(o, "duty_ids", []) or [])
    return {
        "name": o.name,
        "aliases": list(getattr(o, "aliases", []) or []),
        "phone": getattr(o, "phone", None),
        "duty_count": len(duty_ids),
        "duty_ids": duty_ids,
    }


@router.get("/api/offices")
def offices(kb: KnowledgeDep) -> dict[str, list[dict[str, Any]]]:
    return {"offices": [office_dict(o) for o in kb.offices()]}
