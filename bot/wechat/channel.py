"""The WeChat Official Account channel: one decrypted message in, the reply text (or none) out.

* One conversation per OpenID: the dialogue's sender id is ``wx-`` + HMAC-SHA256(key, OpenID),
  so Rasa, the logs and app.db never see the OpenID itself.
* Text (and voice with WeChat's ``Recognition``) goes to the same :class:`DialogueService` as
  ``/api/chat``; "全文" continues a long answer, a number picks one of the last choices; other
  message types get a short "please type" text, ``subscribe`` a welcome.
* WeChat gives up after 5 s and resends the same MsgId (up to three times): every message is
  answered once (see :class:`~bot.wechat.state.WeChatState`). An answer not ready within
  ``reply_timeout`` is sent later through the customer-service API and the request gets
  ``success`` (``None`` here); a retry that comes while the first is still being answered
  waits for that answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field

from bot.dialogue import DialogueService, DialogueUnavailable, EmptyMessage, MessageTooLong, RateLimited
from bot.wechat.customer_service import CustomerService, CustomerServiceError
from bot.wechat.replies import Outgoing, asks_for_more, choice_number, from_replies, render
from bot.wechat.state import WeChatState

logger = logging.getLogger(__name__)

PLEASE_TYPE = "抱歉，我只能看懂文字。请直接输入您的问题，例如：拖欠工资去哪里投诉？"
NOTHING_MORE = "上一条回答已经全部发送。请直接输入您的新问题。"
SLOW_DOWN = "您发送得太快了，请稍等一会儿再问。"
LOST = "抱歉，刚才的消息没有处理完，请再发一次。"
LATER = "问题有点复杂，回答还在准备中，请稍后回复“全文”查看。"


class BadMessage(ValueError):
    """The message lacks a field WeChat always sends (FromUserName, ToUserName, MsgType)."""


@dataclass
class Reply:
    content: str
    create_time: int


@dataclass
class _Inflight:
    task: asyncio.Task[Outgoing | None]
    # the first request's outcome: the reply, or None once it goes the customer-service way
    outcome: asyncio.Future[Reply | None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


def welcome_text(bureau_name: str | None) -> str:
    who = bureau_name or "人社局"
    return (
        f"您好，欢迎关注{who}！我是政策问答助手，可以回答：哪个科室办理哪项业务、各科室的电话、"
        "如何投诉（也可以在这里直接登记投诉）、违法行为的处罚标准。每条回答都注明出自责任清单的哪一部分。"
        "请直接输入您的问题，例如：工伤认定找哪个科室？"
    )


class WeChatChannel:
    def __init__(
        self,
        *,
        dialogue: DialogueService,
        state: WeChatState,
        id_key: bytes,
        reply_timeout: float,
        customer_service: CustomerService | None = None,
        bureau_name: str | None = None,
    ) -> None:
        self.dialogue = dialogue
        self.state = state
        self.id_key = id_key
        self.reply_timeout = reply_timeout
        self.customer_service = customer_service
        self.bureau_name = bureau_name
        self._inflight: dict[str, _Inflight] = {}
        self._background: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ ids
    def _hash(self, text: str) -> str:
        return hmac.new(self.id_key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def sender_id(self, openid: str) -> str:
        return "wx-" + self._hash("openid:" + openid)[:40]

    def message_key(self, fields: dict[str, str]) -> str:
        # WeChat's own rule for retries: MsgId, or for events sender + CreateTime.
        msg_id = fields.get("MsgId") or fields.get("MsgID")
        raw = f"msg:{msg_id}" if msg_id else f"event:{fields['FromUserName']}:{fields.get('CreateTime', '')}"
        return self._hash(raw)

    # ------------------------------------------------------------------ entry
    async def handle(self, fields: dict[str, str]) -> Reply | None:
        """The passive reply to one message, or None for WeChat's ``success`` (no reply now)."""
        for name in ("FromUserName", "ToUserName", "MsgType"):
            if not fields.get(name):
                raise BadMessage(f"missing {name}")
        openid = fields["FromUserName"]
        key = self.message_key(fields)
        inflight = self._inflight.get(key)
        if inflight is not None:
            return await self._retry(inflight)
        sender = self.sender_id(openid)
        earlier = self.state.claim(key, sender)
        if earlier is not None:
            if earlier.status == "done":
                return Reply(earlier.content, earlier.create_time or 0) if earlier.content else None
            if earlier.status == "deferred":
                return None
            # "pending" and nobody answering it: the process stopped in the middle. Answering
            # again could run the turn twice (a complaint filed twice); say so instead.
            reply = Reply(LOST, int(time.time()))
            self.state.finish(key, "done", reply.content, reply.create_time)
            return reply

        task = asyncio.create_task(self._answer(fields, sender))
        inflight = self._inflight[key] = _Inflight(task)
        try:
            try:
                out = await asyncio.wait_for(asyncio.shield(task), self.reply_timeout)
            except TimeoutError:
                if not task.done():
                    self._defer(key, inflight, openid, sender)
                    return inflight.outcome.result()
                out = task.result()
            except asyncio.CancelledError:
                if not task.done():  # the request went away: the answer still reaches the user
                    self._defer(key, inflight, openid, sender)
                raise
            reply = self._deliver(sender, out)
            self.state.finish(key, "done", reply.content if reply else None, reply.create_time if reply else None)
            inflight.outcome.set_result(reply)
            return reply
        finally:
            if not inflight.outcome.done():  # an error on the way: retries must not wait for it
                inflight.outcome.set_result(None)
            self._inflight.pop(key, None)

    async def _retry(self, inflight: _Inflight) -> Reply | None:
        if inflight.outcome.done():
            return inflight.outcome.result()
        try:
            return await asyncio.wait_for(asyncio.shield(inflight.outcome), self.reply_timeout)
        except TimeoutError:
            return None  # the first request will answer through the customer-service API

    def _deliver(self, sender: str, out: Outgoing | None) -> Reply | None:
        """Render ``out`` for WeChat and remember what is left of it (and its choices)."""
        if out is None:
            return None
        rendered = render(out)
        if out.dialogue or rendered.rest is not None or out.citations:
            self.state.save_session(sender, rest=rendered.rest, citations=rendered.citations, choices=out.choices)
        return Reply(rendered.text, int(time.time()))

    # ------------------------------------------------------------------ later
    def _defer(self, key: str, inflight: _Inflight, openid: str, sender: str) -> None:
        if self.customer_service is None:
            # No AppSecret: the answer is kept for "全文" and the user is told so now.
            reply = Reply(LATER, int(time.time()))
            self.state.finish(key, "done", reply.content, reply.create_time)
            inflight.outcome.set_result(reply)
            job = self._keep_for_more(inflight.task, sender)
        else:
            self.state.finish(key, "deferred")
            inflight.outcome.set_result(None)
            job = self._send_later(inflight.task, openid, sender)
        bg = asyncio.create_task(job)
        self._background.add(bg)
        bg.add_done_callback(self._background.discard)
        # The OpenID lives on only in this task's memory, until the text is sent.

    async def _keep_for_more(self, task: asyncio.Task[Outgoing | None], sender: str) -> None:
        out = await task
        try:
            if out is not None:
                self.state.save_session(sender, rest=out.body, citations=out.citations, choices=out.choices)
        except Exception:  # nobody waits for this task: its errors are logged here
            logger.exception("late WeChat answer could not be kept")

    async def _send_later(self, task: asyncio.Task[Outgoing | None], openid: str, sender: str) -> None:
        out = await task
        try:
            reply = self._deliver(sender, out)
            if reply is None or self.customer_service is None:
                return
            await self.customer_service.send_text(openid, reply.content)
        except CustomerServiceError as e:
            # e.g. 45015: the user has not written for 48 hours. The answer stays for "全文".
            logger.warning("WeChat customer-service message not sent: %s", e)
            if out is not None:
                self.state.save_session(sender, rest=out.body, citations=out.citations, choices=out.choices)
        except Exception:
            logger.exception("late WeChat answer could not be sent")

    async def aclose(self) -> None:
        """Let answers still on their way be sent (bounded), at shutdown."""
        if self._background:
            with contextlib.suppress(Exception):
                await asyncio.wait(set(self._background), timeout=10)

    # ------------------------------------------------------------------ answers
    async def _answer(self, fields: dict[str, str], sender: str) -> Outgoing | None:
        try:
            kind = fields["MsgType"].strip().lower()
            if kind == "event":
                if fields.get("Event", "").strip().lower() == "subscribe":
                    return Outgoing(welcome_text(self.bureau_name))
                return None  # unsubscribe, menu views, location reports: nothing to say
            if kind == "text":
                return await self._text(sender, fields.get("Content", ""))
            if kind == "voice" and fields.get("Recognition", "").strip():
                return await self._text(sender, fields["Recognition"])
            return Outgoing(PLEASE_TYPE)
        except Exception:  # the citizen gets the busy text, the log the stack trace
            logger.exception("WeChat message could not be answered")
            return Outgoing(self.dialogue.busy_text())

    async def _text(self, sender: str, text: str) -> Outgoing:
        try:
            message = self.dialogue.clean(text)
        except EmptyMessage:
            return Outgoing(PLEASE_TYPE)
        except MessageTooLong as e:
            return Outgoing(f"消息太长，请不超过 {e.limit} 个字。")
        session = self.state.session(sender)
        if asks_for_more(message):
            if not session.rest:
                return Outgoing(NOTHING_MORE)
            return Outgoing(session.rest, session.citations, session.choices, dialogue=True)
        n = choice_number(message)
        if n is not None and 1 <= n <= len(session.choices):
            message = session.choices[n - 1].payload
        try:
            turn = await self.dialogue.turn(sender, message)
        except RateLimited:
            return Outgoing(SLOW_DOWN)
        except DialogueUnavailable:
            return Outgoing(self.dialogue.busy_text())
        return from_replies(turn.replies)
