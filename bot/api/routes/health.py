"""GET /healthz: is every part up?"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.rasa_pool import RasaPool

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


@router.get("/healthz/cluster")
async def healthz_cluster(request: Request) -> JSONResponse:
    """The Rasa replicas the gateway sends turns to (up or not), and the stores they share."""
    state = request.app.state
    settings = state.settings
    rasa = state.rasa
    if isinstance(rasa, RasaPool):
        urls, oks = rasa.urls, await rasa.replicas_health()
    else:
        urls, oks = [rasa.base_url], [await rasa.healthy()]
    pids = getattr(state, "replica_pids", {}) or {}
    body = {
        "replicas": [{"url": u, "pid": pids.get(u), "ok": ok} for u, ok in zip(urls, oks, strict=True)],
        "tracker_store": "postgresql" if settings.cluster else "sqlite",
        "lock_store": "redis" if settings.lock_store_url.get_secret_value() else "in_memory",
    }
    return JSONResponse(body, status_code=200 if any(oks) else 503, headers={"Cache-Control": "no-store"})
