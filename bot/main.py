"""The public app: ``create_app(settings)`` builds it; ``app`` is the default instance.

Run with ``python -m bot.run`` (Rasa + app + action server), or for development
``uvicorn bot.main:app`` (no action server, no Rasa: /api/search works, /api/chat says 503).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from appdata.privacy import Masker
from appdata.store import AppStore, purge_tracker_events, purge_tracker_events_pg
from bot.api.routes import admin, chat, curated, feedback, health, identity, insight, knowledge, pages, wechat
from bot.bodylimit import BodyLimitMiddleware
from bot.core.config import AppSettings, get_app_settings
from bot.dialogue import DialogueService
from bot.headers import SecurityHeadersMiddleware
from bot.model_hash import RasaModelHash
from bot.rasa_client import RasaClient
from bot.rasa_pool import RasaPool
from bot.ratelimit import RateLimiter
from bot.wechat import logfilter
from bot.wechat.channel import WeChatChannel
from bot.wechat.crypto import MessageCrypto
from bot.wechat.customer_service import CustomerService
from bot.wechat.state import WeChatState
from knowledge.phones import split_phones

logger = logging.getLogger("bot")

APP_TITLE = "人社政策问答 / HRSS policy Q&A assistant"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


# ---------------------------------------------------------------------- knowledge
def load_knowledge(app: FastAPI) -> None:
    """Load and warm the knowledge base once; on failure the app runs degraded."""
    state = app.state
    state.kb, state.kb_ready, state.kb_error = None, False, None
    from knowledge.store import StoreError

    try:
        from knowledge.service import get_knowledge

        kb = get_knowledge()
        kb.warm_up()
        state.kb, state.kb_ready = kb, True
    except StoreError as e:  # missing or stale store/index: the message says what to run
        state.kb_error = f"{type(e).__name__}: {e}"
        logger.error("knowledge base could not be loaded (%s); /api/search will answer 503", e)
        return
    except Exception as e:  # missing model, ...
        state.kb_error = f"{type(e).__name__}: {e}"
        logger.exception("knowledge base could not be loaded; /api/search will answer 503")
        return
    try:
        offices = [o for o in kb.offices() if o.phone]
    except Exception:
        logger.exception("could not read the office directory")
        offices = []
    # The bureau's published numbers stay readable in masked logs.
    state.masker = Masker(published_numbers(kb, offices))
    main_office = next((o for o in offices if o.name == "办公室"), offices[0] if offices else None)
    state.contact_phone = main_office.phone if main_office else None
    try:
        state.identity = kb.identity
    except Exception:
        logger.exception("could not read the bureau's identity")
    else:
        # The bureau's general number (JIZE_GENERAL_PHONE or the one most offices share).
        state.contact_phone = state.identity.general_phone or state.contact_phone
        app.title = f"{state.identity.short_name}政策问答 / {APP_TITLE}"
        app.openapi_schema = None
    state.bureau_name = bureau_name(kb)


def bureau_name(kb: Any) -> str | None:
    """The bureau's name as its list's title gives it (the knowledge store's meta), if known."""
    meta = getattr(getattr(kb, "store", None), "meta", None) or {}
    name = str(meta.get("bureau") or "").strip()
    return name or None


def published_numbers(kb: Any, offices: list[Any]) -> set[str]:
    """Every phone number the list publishes: office phones, plus (when the store exposes
    them) contact points such as the complaint hotline and the phones printed on passages."""
    numbers = {n for o in offices for n in split_phones(o.phone)}
    store = getattr(kb, "store", None)
    try:
        for cp in getattr(store, "contact_points", None) or []:
            if getattr(cp, "kind", "phone") == "phone" and getattr(cp, "value", None):
                numbers.add(cp.value)
        for p in getattr(store, "passages", None) or []:
            numbers.update(split_phones(getattr(p, "phone", None)))  # "a、b": an office's several numbers
    except Exception:
        logger.exception("could not read the published numbers")
    return numbers


def open_store(settings: AppSettings) -> AppStore:
    """The process-wide store when the settings are the process-wide ones, else a private one."""
    from appdata import store as store_mod

    current = store_mod._store
    url = settings.app_db_url.get_secret_value()
    if current is not None and (getattr(current, "url", None) == url if url else current.path == settings.app_db):
        return current
    if settings is get_app_settings() or (
        settings.app_db == get_app_settings().app_db and url == get_app_settings().app_db_url.get_secret_value()
    ):
        return store_mod.get_store()
    return store_mod.open_app_store(settings)


def purge_old_logs(settings: AppSettings, store: AppStore) -> int:
    """Delete conversation logs, feedback and Rasa tracker events older than the retention."""
    days = settings.log_retention_days
    if days <= 0:
        return 0
    n = store.purge_conversations(days)
    if settings.cluster:
        try:
            n += purge_tracker_events_pg(settings.tracker_store_url.get_secret_value(), days)
        except Exception:
            logger.exception("retention: could not purge Rasa's tracker store on PostgreSQL")
        return n
    try:
        n += purge_tracker_events(settings.tracker_db, days)
    except sqlite3.Error:
        logger.exception("retention: could not purge Rasa's tracker store %s", settings.tracker_db)
    return n


async def retention_loop(app: FastAPI, every: float = 6 * 3600) -> None:
    """Purge at start-up, then every ``every`` seconds (JIZE_LOG_RETENTION_DAYS; 0 = keep)."""
    settings = app.state.settings
    while settings.log_retention_days > 0:
        try:
            n = await asyncio.to_thread(purge_old_logs, settings, app.state.store)
            if n:
                logger.info("retention: deleted %d rows older than %d days", n, settings.log_retention_days)
        except Exception:
            logger.exception("retention purge failed")
        await asyncio.sleep(every)


# ---------------------------------------------------------------------- WeChat
def open_wechat(app: FastAPI, settings: AppSettings) -> None:
    """The Official Account channel on top of the app's dialogue (JIZE_WECHAT_TOKEN set)."""
    state = app.state
    aes_key = settings.wechat_aes_key.get_secret_value()
    state.wechat_crypto = (
        MessageCrypto(settings.wechat_token.get_secret_value(), aes_key, settings.wechat_appid) if aes_key else None
    )
    if settings.wechat_mode == "safe" and state.wechat_crypto is None:
        logger.error("JIZE_WECHAT_MODE=safe without JIZE_WECHAT_AES_KEY: every WeChat message will be refused")
    app_db_url = settings.app_db_url.get_secret_value()
    if app_db_url:  # cluster mode: every gateway process sees the same retries and sessions
        from bot.wechat.pgstate import PgWeChatState

        state.wechat_state = PgWeChatState(app_db_url, tz=settings.timezone)
    else:
        state.wechat_state = WeChatState(settings.app_db, tz=settings.timezone)
    secret = settings.wechat_appsecret.get_secret_value()
    customer_service = (
        CustomerService(
            http=state.http, base_url=settings.wechat_api_base, appid=settings.wechat_appid, secret=secret
        )
        if secret and settings.wechat_appid
        else None
    )
    configured_key = settings.wechat_id_key.get_secret_value()
    state.wechat = WeChatChannel(
        dialogue=state.dialogue,
        state=state.wechat_state,
        id_key=configured_key.encode("utf-8") if configured_key else state.wechat_state.id_key(),
        reply_timeout=settings.wechat_reply_timeout,
        customer_service=customer_service,
        bureau_name=state.bureau_name,
    )
    logfilter.install()


# ---------------------------------------------------------------------- errors
def _validation_detail(errors: list[dict[str, Any]]) -> str:
    for e in errors:
        if e.get("type") == "json_invalid":
            return "请求内容不是有效的 JSON。/ The request body is not valid JSON."
    parts = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path", "header")]
        name = ".".join(loc) or "body"
        typ = e.get("type", "")
        if typ == "missing":
            parts.append(f"缺少字段 {name} / missing field {name}")
        elif name == "sender_id" and typ == "string_pattern_mismatch":
            parts.append(
                "sender_id 须为 8–64 位字母、数字、_ 或 - / sender_id must be 8–64 chars of A-Za-z0-9_-"
            )
        elif typ in ("model_attributes_type", "dict_type"):
            parts.append("请求内容须为 JSON 对象 / the body must be a JSON object")
        else:
            parts.append(f"字段 {name} 不正确 / invalid {name}: {e.get('msg', '')}")
    return "请求格式不正确：" + "；".join(parts) if parts else "请求格式不正确。/ Invalid request."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        return JSONResponse(
            {"detail": _validation_detail(list(exc.errors())), "errors": errors},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            # FastAPI's answer to a body it cannot decode at all (e.g. invalid UTF-8): the same
            # 422 as any other malformed JSON.
            return JSONResponse(
                {"detail": "请求内容不是有效的 JSON。/ The request body is not valid JSON."},
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        if exc.status_code == 404 and detail == "Not Found":
            detail = "未找到。/ Not found."
        elif exc.status_code == 405:
            detail = "不支持这种请求方法。/ Method not allowed."
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "服务器内部错误，请稍后再试。/ Internal server error."},
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )


# ---------------------------------------------------------------------- app
def make_limiters(settings: AppSettings) -> dict[str, Any]:
    """The per-minute limits: in this process's memory, or in Redis (JIZE_LOCK_STORE_URL set),
    shared by every gateway process."""
    limits = {
        "chat_sender": settings.rate_chat_per_sender,
        "chat_ip": settings.rate_chat_per_ip,
        "search_ip": settings.rate_search_per_ip,
        "feedback_ip": settings.rate_feedback_per_ip,
    }
    url = settings.lock_store_url.get_secret_value()
    if not url:
        return {name: RateLimiter(limit) for name, limit in limits.items()}
    import redis

    from bot.ratelimit_redis import RedisRateLimiter

    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return {name: RedisRateLimiter(client, name, limit) for name, limit in limits.items()}


def create_app(settings: AppSettings | None = None) -> FastAPI:
    settings = settings or get_app_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = app.state
        state.store = open_store(settings)
        state.masker = Masker()
        state.contact_phone = None
        state.bureau_name = None
        state.identity = None  # knowledge.identity.Identity once the knowledge base is loaded
        load_knowledge(app)
        state.http = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.rasa_timeout, connect=3.0),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20, keepalive_expiry=30),
            trust_env=False,
        )
        urls = settings.replica_urls
        state.rasa = (
            RasaPool(urls, state.http, timeout=settings.rasa_timeout, retry_after=settings.replica_retry_after)
            if settings.cluster or len(urls) > 1
            else RasaClient(settings.rasa_url, state.http, timeout=settings.rasa_timeout)
        )
        state.dialogue = DialogueService(
            rasa=state.rasa,
            store=state.store,
            masker=state.masker,
            per_sender=state.limiters["chat_sender"],
            message_max_chars=settings.message_max_chars,
            contact_phone=state.contact_phone,
            knowledge_version=lambda: state.kb.version if state.kb_ready else None,
            rasa_model=RasaModelHash(settings.rasa_model_dir),
            prefetch=lambda text: state.kb.prefetch(text) if state.kb_ready else 0,
        )
        if settings.wechat_enabled:
            open_wechat(app, settings)
        retention = asyncio.create_task(retention_loop(app))
        try:
            yield
        finally:
            retention.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retention
            if settings.wechat_enabled:
                await state.wechat.aclose()
                state.wechat_state.close()
            await state.http.aclose()

    app = FastAPI(
        title=APP_TITLE,  # the bureau's name is put in front once the knowledge base is loaded
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.kb_ready = False
    app.state.replica_pids = {}  # url -> pid of the Rasa replicas bot.run started (healthz/cluster)
    app.state.limiters = make_limiters(settings)

    install_error_handlers(app)

    app.add_middleware(SecurityHeadersMiddleware, csp=CSP)

    # Outside the header middleware: an oversized body never reaches a route (see bot.bodylimit).
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            max_age=600,
        )

    for r in (chat.router, knowledge.router, identity.router, feedback.router, health.router, admin.router,
              curated.router, insight.router, pages.router):
        app.include_router(r)
    if settings.wechat_enabled:  # no token, no endpoint: /wechat answers 404
        app.include_router(wechat.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


def __getattr__(name: str) -> Any:  # `uvicorn bot.main:app` builds the default app lazily
    if name == "app":
        return create_app()
    raise AttributeError(name)
