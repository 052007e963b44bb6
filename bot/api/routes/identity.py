"""GET /api/identity and GET /api/suggestions: who the pages speak for and what they offer to ask.

Both come from the knowledge base (the list's title and seal lines, the settings' overrides,
the common-questions file), so the pages type no county, bureau or office of their own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from bot.api.deps import KnowledgeDep

router = APIRouter(tags=["knowledge"])

IDENTITY_KEYS = ("county", "bureau", "short_name", "general_phone", "title")


@router.get("/api/identity")
def identity(kb: KnowledgeDep) -> dict[str, str]:
    """``{"county", "bureau", "short_name", "general_phone", "title"}`` (title: the list's)."""
    data = kb.identity.to_dict()
    return {k: str(data.get(k) or "") for k in IDENTITY_KEYS}


@router.get("/api/suggestions")
def suggestions(kb: KnowledgeDep) -> dict[str, list[str]]:
    """``{"station": [...], "widget": [...]}``: the station's buttons and the widget's suggestions."""
    try:
        groups: dict[str, Any] = kb.suggestions()
    except (OSError, ValueError) as exc:  # a missing or malformed questions file: the pages show none
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, f"常见问题暂时不可用。/ Common questions unavailable: {exc}"
        ) from exc
    return {name: list(questions) for name, questions in groups.items()}
