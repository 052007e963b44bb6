"""Rasa's action server, served by the app itself (same process, same event loop).

Rasa calls ``POST http://127.0.0.1:{action_port}/webhook`` to run custom actions; this
module runs them with rasa_sdk's own :class:`~rasa_sdk.executor.ActionExecutor`, exactly as
rasa_sdk's sanic endpoint does (same request parsing, same error bodies and status codes),
so ``knowledge/`` is loaded once and shared with ``/api/search``.

It also remembers, per conversation, which intent and action the last call carried: Rasa's
REST channel does not return the intent, and the chat log wants it (fallback questions go to
the "unanswered" list).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import warnings
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

FALLBACK_ACTIONS = {"action_default_fallback"}
# Slots whose values identify a person (domain.yml): kept in the ticket, never in the app's logs.
SENSITIVE_SLOTS = ("complaint_contact",)
DEFAULT_ACTION_TIMEOUT = 10.0


class ActionTimeout(Exception):
    """A custom action did not finish within the action timeout."""


def _secrets(items: Any) -> tuple[str, ...]:
    return tuple(
        str(v).strip() for k, v in items if k in SENSITIVE_SLOTS and isinstance(v, str) and v.strip()
    )


def _slot_events(events: Any) -> list[tuple[str, Any]]:
    return [
        (e.get("name"), e.get("value"))
        for e in events or []
        if isinstance(e, dict) and e.get("event") == "slot"
    ]


# Actions run in worker threads (each call with its own event loop), so a slow action neither
# blocks the app that shares this process's event loop nor keeps Rasa waiting past the timeout.
_workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="action")


async def run_in_worker(executor: Any, action_call: dict[str, Any], timeout: float) -> Any:
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_workers, asyncio.run, executor.run(action_call))
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        raise ActionTimeout from None


@dataclass
class ActionCallInfo:
    """What one action call told us about a turn."""

    action: str
    intent: str | None
    requested_slot: str | None = None  # the form slot being asked for when the action ran
    secrets: tuple[str, ...] = ()  # values of SENSITIVE_SLOTS seen in the call or its events


class ActionObserver:
    """Per-sender record of the custom actions run during the current turn (bounded)."""

    def __init__(self, max_senders: int = 5000) -> None:
        self._calls: OrderedDict[str, list[ActionCallInfo]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_senders = max_senders

    def begin_turn(self, sender_id: str) -> None:
        with self._lock:
            self._calls.pop(sender_id, None)

    def record(self, sender_id: str, info: ActionCallInfo) -> None:
        with self._lock:
            self._calls.setdefault(sender_id, []).append(info)
            self._calls.move_to_end(sender_id)
            while len(self._calls) > self.max_senders:
                self._calls.popitem(last=False)

    def end_turn(self, sender_id: str) -> list[ActionCallInfo]:
        with self._lock:
            return self._calls.pop(sender_id, [])


def build_executor(package: str = "actions"):
    """rasa_sdk's executor with every action of ``package`` registered."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package(package)
    return executor


def create_action_app(
    executor, observer: ActionObserver | None = None, timeout: float = DEFAULT_ACTION_TIMEOUT
) -> FastAPI:
    """A small FastAPI app that mirrors rasa_sdk.endpoint.create_app (webhook, health, actions)."""
    from rasa_sdk import utils
    from rasa_sdk.interfaces import (
        ActionExecutionRejection,
        ActionMissingDomainException,
        ActionNotFoundException,
    )

    app = FastAPI(title="Jize HRSS action server", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.executor = executor
    app.state.observer = observer

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/actions")
    async def actions() -> list[dict[str, Any]]:
        return [a.model_dump() for a in executor.list_actions()]

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        raw = await request.body()
        action_call: Any = None
        try:
            if request.headers.get("content-encoding") == "deflate":
                raw = zlib.decompress(raw)
            action_call = json.loads(raw) if raw else None
        except (zlib.error, ValueError):
            action_call = None
        if not isinstance(action_call, dict):
            return JSONResponse({"error": "Invalid body request"}, status_code=400)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            utils.check_version_compatibility(action_call.get("version"))

        name = str(action_call.get("next_action"))
        tracker = action_call.get("tracker") if isinstance(action_call.get("tracker"), dict) else {}
        slots = tracker.get("slots") if isinstance(tracker.get("slots"), dict) else {}
        latest = tracker.get("latest_message") if isinstance(tracker.get("latest_message"), dict) else {}
        intent = latest.get("intent") if isinstance(latest.get("intent"), dict) else {}
        info = ActionCallInfo(
            action=name,
            intent=intent.get("name"),
            requested_slot=slots.get("requested_slot") if isinstance(slots.get("requested_slot"), str) else None,
            secrets=_secrets(slots.items()),
        )
        sender = str(tracker.get("sender_id") or action_call.get("sender_id") or "")

        def failed(status: int, body: dict[str, Any]) -> JSONResponse:
            if observer is not None:
                observer.record(sender, info)
            return JSONResponse(body, status_code=status)

        try:
            result = await run_in_worker(executor, action_call, timeout)
        except ActionExecutionRejection as e:
            logger.debug(e)
            return failed(400, {"error": e.message, "action_name": e.action_name})
        except ActionNotFoundException as e:
            logger.error(e)
            return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=404)
        except ActionMissingDomainException as e:
            logger.debug(e)
            return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=449)
        except ActionTimeout:
            # Rasa treats any status but 400 as "the action failed": it drops the action's events
            # and goes on, so the user gets the fallback instead of waiting (Rasa's own action
            # timeout is 5 minutes).
            logger.error("action %s took longer than %.1f s; answering with an error", name, timeout)
            return failed(504, {"error": f"action {name} timed out", "action_name": name})
        except Exception as e:
            # rasa_sdk's sanic handler also echoes the request body; we do not: Rasa writes the
            # error text into its log, and the body holds the whole conversation.
            logger.exception("Exception while running action %s", name)
            return failed(500, {"error": str(e), "action_name": name})

        body = result.model_dump() if result else None
        if observer is not None and result is not None:
            info.secrets = tuple(dict.fromkeys(info.secrets + _secrets(_slot_events(body.get("events")))))
            observer.record(sender, info)
        return JSONResponse(body)

    return app
