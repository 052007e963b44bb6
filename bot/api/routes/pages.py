"""The static faces: / (widget demo), /agent (agent console), /station (service station)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(
        STATIC_DIR / name, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"}
    )


@router.get("/")
def index() -> FileResponse:
    return _page("index.html")


@router.get("/agent")
def agent() -> FileResponse:
    return _page("agent.html")


@router.get("/station")
def station() -> FileResponse:
    return _page("station.html")
