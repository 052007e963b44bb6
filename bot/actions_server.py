"""Rasa's action server, served by the app itself (same process, same event loop).

Rasa calls ``POST http://127.0.0.1:{action_port}/webhook`` to run custom actions; this
module runs them with rasa_sdk's own :class:`~rasa_sdk.executor.ActionExecutor`, exactly as
rasa_sdk's sanic endpoint does (same request parsing, same error bodies and status codes),
so ``knowledge/`` is loaded once and shared with ``/api/search``.

The executor is ``actions.report.build_executor()``'s: each call's result ends with a report
for the gateway (intent, action, contact details to keep out of the log) that travels back
inside Rasa's reply (see :mod:`appdata.turns`); nothing is remembered here between calls.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT = 10.0


class ActionTimeout(Exception):
    """A custom action did not finish within the action timeout."""


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


def create_action_app(executor, timeout: float = DEFAULT_ACTION_TIMEOUT) -> FastAPI:
    """A small FastAPI app that mirrors rasa_sdk.endpoint.create_app (webhook, health, actions)."""
    from rasa_sdk import utils
    from rasa_sdk.interfaces import (
        ActionExecutionRejection,
        ActionMissingDomainException,
        ActionNotFoundException,
    )

    app = FastAPI(title="Jize HRSS action server", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.executor = executor

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
        try:
            result = await run_in_worker(executor, action_call, timeout)
        except ActionExecutionRejection as e:
            logger.debug(e)
            return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=400)
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
            return JSONResponse({"error": f"action {name} timed out", "action_name": name}, status_code=504)
        except Exception as e:
            # rasa_sdk's sanic handler also echoes the request body; we do not: Rasa writes the
            # error text into its log, and the body holds the whole conversation.
            logger.exception("Exception while running action %s", name)
            return JSONResponse({"error": str(e), "action_name": name}, status_code=500)

        return JSONResponse(result.model_dump() if result else None)

    return app
