"""Request dependencies: settings, store, knowledge base, Rasa client, rate limits, admin token."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request, status

from appdata.privacy import Masker
from appdata.store import AppStore
from bot.clientaddr import client_address, in_networks, parse_ip
from bot.core.config import AppSettings
from bot.dialogue import DialogueService
from bot.rasa_client import RasaClient
from bot.ratelimit import RateLimiter


def get_settings(request: Request) -> AppSettings:
    return request.app.state.settings


def get_store(request: Request) -> AppStore:
    return request.app.state.store


def get_kb(request: Request) -> Any:
    """The warmed-up knowledge base, or 503 when it could not be loaded."""
    kb = getattr(request.app.state, "kb", None)
    if kb is None or not getattr(request.app.state, "kb_ready", False):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "知识库暂时不可用，请稍后再试。/ The knowledge base is not available right now.",
        )
    return kb


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


def get_dialogue(request: Request) -> DialogueService:
    return request.app.state.dialogue


def get_masker(request: Request) -> Masker:
    return request.app.state.masker


def client_ip(request: Request) -> str:
    """The client's address (X-Forwarded-For only from a trusted proxy, see bot.clientaddr)."""
    cached = getattr(request.state, "client_ip", None)
    if cached is None:
        settings: AppSettings = request.app.state.settings
        peer = request.client.host if request.client else None
        forwarded = ",".join(request.headers.getlist("x-forwarded-for")) or None
        cached = client_address(peer, forwarded, settings.networks_trusted)
        request.state.client_ip = cached
    return cached


def ip_rate_key(request: Request) -> str | None:
    """The key for the per-address rate limits; None for exempt addresses (default loopback)."""
    ip = client_ip(request)
    if in_networks(parse_ip(ip), request.app.state.settings.networks_exempt):
        return None
    return ip


TOO_MANY = "请求太频繁，请稍后再试。/ Too many requests, please slow down."


def check_rate(limiter: RateLimiter, key: str | None) -> None:
    if key is None:
        return
    retry = limiter.hit(key)
    if retry:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            TOO_MANY,
            headers={"Retry-After": str(int(retry) + 1)},
        )


def limiter(name: str):
    def dep(request: Request) -> RateLimiter:
        return request.app.state.limiters[name]

    return dep


def require_admin(
    request: Request,
    x_admin_token: Annotated[str | None, Header()] = None,
) -> None:
    settings: AppSettings = request.app.state.settings
    expected = settings.admin_token.get_secret_value()
    if not expected:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "管理功能未启用：请设置 JIZE_ADMIN_TOKEN。/ Admin endpoints are disabled: set JIZE_ADMIN_TOKEN.",
        )
    given = (x_admin_token or "").encode("utf-8")
    if not hmac.compare_digest(given, expected.encode("utf-8")):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "管理口令不正确。/ Missing or wrong X-Admin-Token.",
        )


SettingsDep = Annotated[AppSettings, Depends(get_settings)]
StoreDep = Annotated[AppStore, Depends(get_store)]
KnowledgeDep = Annotated[Any, Depends(get_kb)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
DialogueDep = Annotated[DialogueService, Depends(get_dialogue)]
MaskerDep = Annotated[Masker, Depends(get_masker)]
ClientIPDep = Annotated[str, Depends(client_ip)]
IPRateKeyDep = Annotated[str | None, Depends(ip_rate_key)]
AdminDep = Depends(require_admin)
