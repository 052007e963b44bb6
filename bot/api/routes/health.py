"""GET /healthz: is every part up?"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


async def _actions_ok(request: Request) -> bool:
    http: httpx.AsyncClient = request.app.state.http
    try:
        r = await http.get(request.app.state.settings.action_url + "/health", timeout=2.0)
    except httpx.HTTPError:
        return False
    return r.status_code == 200


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    rasa_ok, actions_ok = await asyncio.gather(request.app.state.rasa.healthy(), _actions_ok(request))
    kb_ok = bool(getattr(request.app.state, "kb_ready", False))
    ok = rasa_ok and actions_ok and kb_ok
    body = {"status": "ok" if ok else "degraded", "rasa": rasa_ok, "actions": actions_ok, "knowledge": kb_ok}
    return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})
