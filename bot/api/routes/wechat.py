"""GET/POST /wechat: the Official Account's server URL (公众号 服务器配置), as WeChat speaks it.

* ``GET`` — URL check: ``signature`` = sha1(sorted token, timestamp, nonce); the ``echostr``
  comes back as plain text (403 otherwise).
* ``POST`` — a message: the signature again (403), a body within
  ``JIZE_WECHAT_MAX_BODY_BYTES`` (413) that is plain XML without DTD or entities (400). With
  ``encrypt_type=aes`` the ``Encrypt`` field is checked (``msg_signature``, 403), decrypted and
  its AppID compared (403); the reply is encrypted the same way. ``JIZE_WECHAT_MODE=safe``
  refuses plaintext messages (403). The answer is a passive text reply or ``success``.

Mounted only when ``JIZE_WECHAT_TOKEN`` is set (404 otherwise); not part of the JSON API's
OpenAPI schema.
"""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse, Response

from bot.core.config import AppSettings
from bot.wechat.channel import BadMessage, WeChatChannel
from bot.wechat.crypto import AppIdMismatch, BadSignature, DecryptError, MessageCrypto, signature_ok
from bot.wechat.xml import XMLRefused, build_xml, parse_xml

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

XML_TYPE = "application/xml; charset=utf-8"


def _forbidden(why: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, f"签名或来源不正确。/ {why}")


def _bad(why: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, f"消息格式不正确。/ {why}")


def _check_signature(settings: AppSettings, sig: str | None, timestamp: str, nonce: str) -> None:
    if not signature_ok(sig, settings.wechat_token.get_secret_value(), timestamp, nonce):
        raise _forbidden("Bad signature.")


@router.get("/wechat")
def verify(
    request: Request,
    signature: Annotated[str, Query()] = "",
    timestamp: Annotated[str, Query()] = "",
    nonce: Annotated[str, Query()] = "",
    echostr: Annotated[str, Query()] = "",
) -> PlainTextResponse:
    _check_signature(request.app.state.settings, signature, timestamp, nonce)
    return PlainTextResponse(echostr)


@router.post("/wechat")
async def receive(request: Request) -> Response:
    settings: AppSettings = request.app.state.settings
    q = request.query_params
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    _check_signature(settings, q.get("signature"), timestamp, nonce)

    body = await request.body()
    if len(body) > settings.wechat_max_body_bytes:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "请求内容太大。/ Request body too large.")
    try:
        outer = parse_xml(body)
    except XMLRefused as e:
        raise _bad(str(e)) from None

    crypto: MessageCrypto | None = request.app.state.wechat_crypto
    encrypted = q.get("encrypt_type", "").lower() == "aes"
    if encrypted:
        if crypto is None:
            raise _bad("Encrypted message but no JIZE_WECHAT_AES_KEY is configured.")
        encrypt = outer.get("Encrypt", "")
        if not encrypt:
            raise _bad("Missing Encrypt.")
        try:
            crypto.check(q.get("msg_signature"), timestamp, nonce, encrypt)
            fields = parse_xml(crypto.decrypt(encrypt).encode("utf-8"))
        except (BadSignature, AppIdMismatch) as e:
            raise _forbidden(str(e)) from None
        except (DecryptError, XMLRefused) as e:
            raise _bad(str(e)) from None
    elif settings.wechat_mode == "safe":
        raise _forbidden("Plaintext messages are refused in safe mode.")
    else:
        fields = outer

    channel: WeChatChannel = request.app.state.wechat
    try:
        reply = await channel.handle(fields)
    except BadMessage as e:
        raise _bad(str(e)) from None
    if reply is None:
        return PlainTextResponse("success")

    xml = build_xml(
        {
            "ToUserName": fields["FromUserName"],
            "FromUserName": fields["ToUserName"],
            "CreateTime": reply.create_time,
            "MsgType": "text",
            "Content": reply.content,
        }
    )
    if encrypted and crypto is not None:
        sealed = crypto.encrypt(xml)
        now = str(int(time.time()))
        xml = build_xml(
            {"Encrypt": sealed, "MsgSignature": crypto.sign(now, nonce, sealed), "TimeStamp": int(now), "Nonce": nonce}
        )
    return Response(xml, media_type=XML_TYPE)
