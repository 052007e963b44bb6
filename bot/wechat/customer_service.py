"""WeChat's customer-service message API (客服消息): a text to one user, outside the 5 s reply.

``POST {base}/cgi-bin/message/custom/send?access_token=…`` with
``{"touser": openid, "msgtype": "text", "text": {"content": …}}``. The access token comes from
``GET {base}/cgi-bin/token?grant_type=client_credential&appid=…&secret=…``, is kept until
shortly before its ``expires_in`` and fetched again when the API calls it invalid or expired.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

logger = logging.getLogger(__name__)

# invalid credential, access token expired, invalid access token
TOKEN_ERRORS = frozenset({40001, 42001, 40014})


class CustomerServiceError(Exception):
    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class CustomerService:
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        base_url: str,
        appid: str,
        secret: str,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self.secret = secret
        self.timeout = timeout
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def _json(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            r = await self.http.request(method, self.base_url + path, timeout=self.timeout, **kw)
            data = r.json()
        except (httpx.HTTPError, ValueError) as e:
            raise CustomerServiceError(f"{path}: {type(e).__name__}") from None
        if not isinstance(data, dict):
            raise CustomerServiceError(f"{path}: not a JSON object")
        return data

    async def access_token(self, stale: str | None = None) -> str:
        """The cached token; a new one when it is about to expire or equals ``stale``."""
        async with self._lock:
            if self._token and self._token != stale and self.clock() < self._expires_at:
                return self._token
            data = await self._json(
                "GET",
                "/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
            token, expires_in = data.get("access_token"), data.get("expires_in")
            if not token or not isinstance(expires_in, int | float):
                # the secret never goes into the message: only WeChat's code
                raise CustomerServiceError(f"no access token (errcode {data.get('errcode')})", data.get("errcode"))
            # Refresh a little early (a fifth of the lifetime, at most 5 minutes): a token that
            # expires in flight costs a second request.
            self._token = str(token)
            self._expires_at = self.clock() + float(expires_in) - min(300.0, float(expires_in) / 5)
            return self._token

    async def send_text(self, openid: str, content: str) -> None:
        # UTF-8 as it is, not \\u escapes: the text is counted and shown as sent.
        body = json.dumps(
            {"touser": openid, "msgtype": "text", "text": {"content": content}}, ensure_ascii=False
        ).encode("utf-8")
        token = await self.access_token()
        for attempt in range(2):
            data = await self._json(
                "POST",
                "/cgi-bin/message/custom/send",
                params={"access_token": token},
                content=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            code = data.get("errcode", 0)
            if code == 0:
                return
            if code in TOKEN_ERRORS and attempt == 0:
                token = await self.access_token(stale=token)
                continue
            raise CustomerServiceError(f"custom/send failed (errcode {code})", code)
