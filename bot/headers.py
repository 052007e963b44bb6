"""Security and caching headers on every response of the app, as a plain ASGI middleware.

``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` on every response; on
HTML pages also ``Content-Security-Policy`` and ``X-Frame-Options: SAMEORIGIN``; under
``/api/`` also ``Cache-Control: no-store``. A header the route set itself is kept.

Plain ASGI rather than Starlette's ``@app.middleware("http")`` (BaseHTTPMiddleware), which
runs every request in a task of its own with memory streams in between: ~0.5 ms of CPU per
request, more than the routing and validation of ``/api/chat`` together.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h.setdefault("X-Content-Type-Options", "nosniff")
                h.setdefault("Referrer-Policy", "same-origin")
                if h.get("content-type", "").startswith("text/html"):
                    h.setdefault("Content-Security-Policy", self.csp)
                    h.setdefault("X-Frame-Options", "SAMEORIGIN")
                if api:
                    h.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
