"""Cap request bodies at ``max_bytes``, whether or not they announce a Content-Length.

A plain ASGI middleware: a declared ``Content-Length`` over the cap is refused at once; any
other body (``Transfer-Encoding: chunked``, or a Content-Length that lies) is read up to the cap
before the app sees it and refused with 413 as soon as it grows past it, so no route ever holds
more than ``max_bytes`` of one request in memory. The body is then handed to the app in one
piece.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "请求内容太大。/ Request body too large."


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0 or declared > self.max_bytes:
                await self._refuse(scope, receive, send, 413 if declared > 0 else 400)
                return
        if length is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, 413)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break

        buffered: Message | None = {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        async def replay() -> Message:
            nonlocal buffered
            if buffered is not None:
                message, buffered = buffered, None
                return message
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int) -> None:
        detail = TOO_LARGE if status == 413 else "Content-Length 不正确。/ Invalid Content-Length."
        response = JSONResponse(
            {"detail": detail},
            status_code=status,
            headers={"Connection": "close", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )
        await response(scope, receive, send)
