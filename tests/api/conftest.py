"""API test fixtures.

Everything is real except Rasa's NLU: a temporary data directory with a knowledge base built
with the fake embedder (real SQLite, real FAISS), the real ``AppStore`` file, the real action
server (rasa_sdk's executor with the ``actions`` package, served by bot.actions_server on a
free port) and, standing in for Rasa, a small HTTP server that speaks Rasa's REST channel:
it picks an intent by keywords, calls our action server exactly as Rasa does
(``POST /webhook`` with ``next_action``, ``tracker``, ``domain``, ``version``) and folds the
action's responses into REST channel messages the way Rasa's ``OutputChannel.send_response``
does (``{"text","buttons"}`` then ``{"custom": ...}``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

ADMIN_TOKEN = "test-admin-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------- environment
@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Iterator[Path]:
    """A temporary data directory with a fake-embedder knowledge base and an app.db.

    Nothing goes through environment variables (later test directories start real systems
    from the environment): the process-wide knowledge base and store are installed directly
    and put back afterwards.
    """
    import knowledge.service as service
    from appdata.store import AppStore, set_store

    data = tmp_path_factory.mktemp("api-data")
    _BASE["data_dir"] = data
    base = make_settings()
    service.build(base)
    kb = service.KnowledgeBase(base)
    kb.warm_up()
    saved_kb, service._instance = service._instance, kb
    saved_store = set_store(AppStore(base.app_db, tz=base.timezone))
    yield data
    set_store(saved_store)
    service._instance = saved_kb


# ---------------------------------------------------------------------- action server
class ThreadedServer:
    """A uvicorn server in a background thread (its own event loop)."""

    def __init__(self, app: Any, port: int, lifespan: str = "off") -> None:
        self.port = port
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan)
        )
        self.server.capture_signals = _no_signals  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class _NoSignals:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _no_signals() -> _NoSignals:
    return _NoSignals()


@pytest.fixture(scope="session")
def action_server(data_dir) -> Iterator[str]:
    from actions.report import build_executor
    from bot.actions_server import create_action_app

    port = free_port()
    with ThreadedServer(create_action_app(build_executor("actions")), port):
        yield f"http://127.0.0.1:{port}"


# ---------------------------------------------------------------------- Rasa stand-in
KEYWORD_INTENTS = [
    ("你好", "greet", None),
    ("电话", "ask_phone", "action_answer_phone"),
    ("投诉", "ask_complaint", "action_answer_complaint"),
    ("罚", "ask_penalty", "action_answer_penalty"),
    ("哪个科室", "ask_office", "action_answer_office"),
    ("谁负责", "ask_office", "action_answer_office"),
    ("转人工", "request_human", "action_handoff"),
]
COMPLAINT_SLOTS = (
    "complaint_employer",
    "complaint_details",
    "complaint_since_amount",
    "complaint_contact",
    "complaint_confirmed",
)
GREETING = {
    "text": "您好！我是鸡泽县人社局的政策问答助手。",
    "buttons": [{"title": "农保中心电话", "payload": "农保中心电话是多少"}],
}


class FakeRasa:
    """Rasa's REST channel, with keyword NLU, calling the real action server."""

    def __init__(self, action_url: str, port: int | None = None) -> None:
        self.action_url = action_url
        self.requests: list[dict[str, Any]] = []
        # Senders whose next message answers the complaint form's contact question.
        self.contact_step: set[str] = set()
        self.last_events: list[dict[str, Any]] = []
        self.port = port or free_port()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any, ctype: str = "application/json") -> None:
                data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/":
                    self._send(200, b"Hello from Rasa: 3.6.21", "text/plain")
                else:
                    self._send(404, {"status": "failure"})

            def do_POST(self) -> None:
                if self.path != "/webhooks/rest/webhook":
                    self._send(404, {"status": "failure"})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(body)
                status, out = fake.respond(body.get("sender"), body.get("message") or "")
                self._send(status, out)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def respond(self, sender: str, message: str) -> tuple[int, Any]:
        # Scripted failures, for the error paths of /api/chat.
        if message == "__slow__":
            time.sleep(3)
            return 200, []
        if message == "__empty__":
            return 200, []
        if message == "__error__":
            return 500, {"error": "boom"}
        if message == "__echo_html__":
            return 200, [
                {
                    "recipient_id": sender,
                    "text": "<script>alert(1)</script><b>粗体</b>",
                    "buttons": [{"title": "<img src=x onerror=alert(2)>", "payload": "/greet"}],
                },
                {
                    "recipient_id": sender,
                    "custom": {
                        "sources": [{"id": "x1", "citation": "<i>引用</i>", "excerpt": "<script>1</script>"}]
                    },
                },
            ]
        if sender in self.contact_step:
            self.contact_step.discard(sender)
            return 200, self.contact_answer(sender, message)
        if message.startswith("__action__:"):  # run the named action, e.g. a slow test action
            return 200, self.run_action(sender, message, "nlu_fallback", message.split(":", 1)[1])
        intent, action = "nlu_fallback", "action_default_fallback"
        for word, i, a in KEYWORD_INTENTS:
            if word in message:
                intent, action = i, a
                break
        if action is None:
            return 200, [{"recipient_id": sender, **GREETING}]
        return 200, self.run_action(sender, message, intent, action)

    def contact_answer(self, sender: str, message: str) -> list[dict[str, Any]]:
        """The complaint form's contact step as Rasa runs it: the text fills complaint_contact
        (from_text), validate_complaint_form runs, then the summary repeats every field."""
        fields = {
            "complaint_employer": "某某公司",
            "complaint_details": "拖欠工资",
            "complaint_since_amount": "三个月",
        }
        slots = {**fields, "complaint_contact": message, "requested_slot": "complaint_contact"}
        out = self.run_action(
            sender,
            message,
            "nlu_fallback",
            "validate_complaint_form",
            slots=slots,
            extra_events=[{"event": "slot", "name": "complaint_contact", "value": message}],
        )
        for e in self.last_events:
            if e.get("event") == "slot" and e.get("name") in slots:
                slots[e["name"]] = e.get("value")
        summary = (
            f"请核对您的投诉信息：\n· 被投诉单位：{slots['complaint_employer']}\n· 问题：{slots['complaint_details']}"
            f"\n· 时间/金额：{slots['complaint_since_amount']}\n· 联系方式：{slots['complaint_contact']}\n确认提交吗？"
        )
        return [*out, {"recipient_id": sender, "text": summary}]

    def run_action(
        self,
        sender: str,
        message: str,
        intent: str,
        action: str,
        slots: dict[str, Any] | None = None,
        extra_events: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        tracker = {
            "sender_id": sender,
            "slots": {"kb_context": None, "requested_slot": None, **(slots or {})},
            "latest_message": {
                "text": message,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": [],
                "intent_ranking": [],
            },
            "latest_event_time": time.time(),
            "followup_action": None,
            "paused": False,
            "events": [
                {"event": "user", "text": message, "parse_data": {"intent": {"name": intent}}},
                *(extra_events or []),
            ],
            "latest_input_channel": "rest",
            "active_loop": {"name": "complaint_form"} if slots else {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        }
        call = {
            "next_action": action,
            "sender_id": sender,
            "tracker": tracker,
            "domain": {
                "slots": {"kb_context": {"type": "any"}, **{k: {"type": "text"} for k in COMPLAINT_SLOTS}},
                "responses": {},
                "forms": {"complaint_form": {"required_slots": list(COMPLAINT_SLOTS)}},
            },
            "version": "3.6.21",
        }
        self.last_events = []
        r = httpx.post(self.action_url + "/webhook", json=call, timeout=30)
        if r.status_code != 200:
            # Rasa logs a failed custom action, drops its events and goes on (processor.py).
            return []
        self.last_events = (r.json() or {}).get("events") or []
        out: list[dict[str, Any]] = []
        for resp in (r.json() or {}).get("responses", []):  # as rasa.core.channels.channel.send_response
            if resp.get("buttons"):
                out.append({"recipient_id": sender, "text": resp.get("text"), "buttons": resp["buttons"]})
            elif resp.get("text"):
                out.extend(
                    {"recipient_id": sender, "text": part} for part in resp["text"].strip().split("\n\n")
                )
            if resp.get("custom"):
                out.append({"recipient_id": sender, "custom": resp["custom"]})
        return out

    def __enter__(self) -> FakeRasa:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def fake_rasa(action_server) -> Iterator[FakeRasa]:
    with FakeRasa(action_server) as fr:
        yield fr


# ---------------------------------------------------------------------- the app
_BASE: dict[str, Any] = {"embedding_model": "fake:64", "admin_token": ADMIN_TOKEN, "app_db_path": None}


def make_settings(**overrides: Any):
    """Settings for a test app. Ports it may talk to are free ports unless a test names them,
    so a `make run` on the default ports (8000, 5005, 5055) never answers a test."""
    from bot.core.config import AppSettings

    ports = {"action_port": free_port(), "port": free_port(), "rasa_url": f"http://127.0.0.1:{free_port()}"}
    return AppSettings(**{**_BASE, **ports, **overrides})


@pytest.fixture(scope="session")
def settings(data_dir, fake_rasa, action_server):
    port = int(action_server.rsplit(":", 1)[1])
    return make_settings(
        rasa_url=fake_rasa.url,
        action_port=port,
        rasa_timeout=2.0,
        rate_chat_per_sender=1000,
        rate_chat_per_ip=0,
    )


@pytest.fixture(scope="session")
def client(settings):
    from fastapi.testclient import TestClient

    from bot.main import create_app

    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
def threaded_app(settings) -> Iterator[int]:
    """The app behind a real uvicorn server on a free port (chunked bodies, raw sockets)."""
    from bot.main import create_app

    port = free_port()
    with ThreadedServer(create_app(settings), port, lifespan="on"):
        yield port


@pytest.fixture(scope="session")
def app_settings(data_dir):
    """Factory: AppSettings for an extra app instance (same data dir, other knobs)."""
    return make_settings


@pytest.fixture(scope="session")
def unused_port():
    return free_port


@pytest.fixture(scope="session")
def support():
    """The stand-ins for test modules that build their own systems (the test directories are
    not packages, so they cannot import this module)."""
    from types import SimpleNamespace

    return SimpleNamespace(FakeRasa=FakeRasa, ThreadedServer=ThreadedServer, free_port=free_port)


@pytest.fixture()
def admin() -> dict[str, str]:
    return {"X-Admin-Token": ADMIN_TOKEN}


@pytest.fixture()
def store(client):
    return client.app.state.store
