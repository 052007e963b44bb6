"""/wechat: the Official Account message interface, spoken as WeChat's servers speak it.

WeChat is played by wechatpy (an independent implementation: its ``WeChatCrypto`` encrypts the
requests and decrypts the replies, ``check_signature`` and ``parse_message`` read them) plus
hashlib for the plain signatures. Behind the endpoint everything is the API tests' real system:
the real action server and knowledge base, and a Rasa stand-in that, like Rasa's tracker,
keeps each conversation's slots between turns. The customer-service API is a small fake server
on 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from appdata.privacy import CONTACT_MASK
from bot.main import create_app
from bot.wechat.crypto import AppIdMismatch, BadSignature, MessageCrypto
from bot.wechat.replies import MAX_BYTES, MORE_HINT, Choice, Outgoing, choice_number, render
from bot.wechat.xml import XMLRefused, parse_xml

TOKEN = "jize-wechat-test-token"
AES_KEY = base64.b64encode(bytes(range(7, 39))).decode()[:-1]  # 43 characters
APPID = "wx1234567890abcdef"
APPSECRET = "test-app-secret-0123456789"
ACCOUNT = "gh_0123456789ab"  # the Official Account's original id (ToUserName)

# The published example of WeChat's message encryption (消息加解密 sample, WXBizMsgCrypt).
SAMPLE = {
    "token": "QDG6eK",
    "aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "appid": "wx5823bf96d3bd56c7",
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
    "encrypt": (
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg"
        "3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+k"
        "DZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6ti"
        "WSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p"
        "8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
    ),
}

CITATION = "出处：鸡泽县人力资源和社会保障局责任清单·测试长条目。"
LONG_SENTENCE = "用人单位应当依法为劳动者办理社会保险登记并按时足额缴纳社会保险费，不得以任何理由拖延。"
LONG_TEXT = "\n".join([*(f"第{i}条：{LONG_SENTENCE}" for i in range(1, 25)), CITATION])


def openid() -> str:
    """A fresh OpenID in WeChat's shape (28 characters)."""
    return "o" + uuid.uuid4().hex[:27]


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


# ---------------------------------------------------------------------- stand-ins
class CustomerServiceAPI:
    """WeChat's token and customer-service endpoints, on 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.token_requests: list[dict[str, list[str]]] = []
        self.sends: list[tuple[str, dict[str, Any], int]] = []  # (token, body, errcode answered)
        self.revoked: set[str] = set()
        self.arrived = threading.Condition()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != "/cgi-bin/token":
                    self._json({"errcode": 404})
                    return
                api.token_requests.append(parse_qs(url.query))
                self._json({"access_token": f"ACCESS-{len(api.token_requests)}", "expires_in": 7200})

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                code = 40001 if token in api.revoked else 0
                with api.arrived:
                    api.sends.append((token, body, code))
                    api.arrived.notify_all()
                self._json({"errcode": code, "errmsg": "invalid credential" if code else "ok"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def delivered(self, touser: str, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The messages accepted for ``touser``, once at least one has arrived."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                got = [b for _, b, code in self.sends if code == 0 and b.get("touser") == touser]
                if got or time.monotonic() > deadline:
                    return got
                self.arrived.wait(0.1)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class WeChatServers:
    """What WeChat's servers send to the account's server URL, and how they read the reply."""

    def __init__(self, base_url: str, appid: str = APPID, token: str = TOKEN, aes_key: str = AES_KEY) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, trust_env=False)
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, appid)

    def query(self, **extra: str) -> dict[str, str]:
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}

    @staticmethod
    def message_xml(user: str, kind: str = "text", msg_id: str | None = None, **fields: str) -> str:
        created = fields.pop("_time", None) or int(time.time())
        body = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
        tail = f"<MsgId>{msg_id or uuid.uuid4().int % 10**19}</MsgId>" if kind != "event" else ""
        return (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime>"
            f"<MsgType><![CDATA[{kind}]]></MsgType>{body}{tail}</xml>"
        )

    def post(self, xml: str | bytes, encrypted: bool = False, query: dict[str, str] | None = None) -> httpx.Response:
        q = query or self.query(openid="ignored-by-the-server")
        if not encrypted:
            return self.http.post("/wechat", params=q, content=xml)
        sealed = parse_message_xml(self.crypto.encrypt_message(xml, q["nonce"], q["timestamp"]))
        q = {**q, "encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
        body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        return self.http.post("/wechat", params=q, content=body)

    def text(self, user: str, content: str, msg_id: str | None = None, encrypted: bool = False) -> httpx.Response:
        return self.post(self.message_xml(user, "text", msg_id, Content=content), encrypted)

    def reply(self, r: httpx.Response, encrypted: bool = False):
        """The reply as wechatpy reads it (decrypting and checking MsgSignature in safe mode)."""
        assert r.status_code == 200, r.text
        xml = r.text
        if encrypted:
            outer = parse_message_xml(xml)
            assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
            xml = self.crypto.decrypt_message(xml, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        return parse_message(xml)

    def ask(self, user: str, content: str, encrypted: bool = False) -> str:
        msg = self.reply(self.text(user, content, encrypted=encrypted), encrypted)
        assert msg.type == "text" and msg.target == user and msg.source == ACCOUNT
        return msg.content


def parse_message_xml(xml: str) -> dict[str, str]:
    import xmltodict

    return dict(xmltodict.parse(xml)["xml"])


def make_rasa(support, action_url: str):
    """The API tests' Rasa stand-in, plus what these tests need: slots kept per conversation (so
    a follow-up has its context, as Rasa's tracker gives it), a long answer and a slow one."""

    class ConversationRasa(support.FakeRasa):
        def __init__(self) -> None:
            super().__init__(action_url)
            self.slots: dict[str, dict[str, Any]] = {}

        def respond(self, sender: str, message: str) -> tuple[int, Any]:
            if message == "__long__":
                return 200, [
                    {"recipient_id": sender, "text": LONG_TEXT, "buttons": [{"title": "转人工", "payload": "转人工"}]},
                    {"recipient_id": sender, "custom": {"sources": [{"id": "t1", "citation": CITATION}]}},
                ]
            m = re.fullmatch(r"__sleep__:([\d.]+):(.+)", message)
            if m:
                time.sleep(float(m.group(1)))
                return super().respond(sender, m.group(2))
            return super().respond(sender, message)

        def run_action(self, sender, message, intent, action, slots=None, extra_events=None):
            if slots is not None:  # the complaint form's scripted step
                return super().run_action(sender, message, intent, action, slots, extra_events)
            kept = self.slots.setdefault(sender, {})
            call = {
                "next_action": action,
                "sender_id": sender,
                "tracker": {
                    "sender_id": sender,
                    "slots": {"kb_context": None, "requested_slot": None, **kept},
                    "latest_message": {
                        "text": message,
                        "intent": {"name": intent, "confidence": 0.9},
                        "entities": [],
                        "intent_ranking": [],
                    },
                    "latest_event_time": time.time(),
                    "followup_action": None,
                    "paused": False,
                    "events": [{"event": "user", "text": message, "parse_data": {"intent": {"name": intent}}}],
                    "latest_input_channel": "rest",
                    "active_loop": {},
                    "latest_action": {"action_name": "action_listen"},
                    "latest_action_name": "action_listen",
                },
                "domain": {"slots": {"kb_context": {"type": "any"}}, "responses": {}, "forms": {}},
                "version": "3.6.21",
            }
            r = httpx.post(self.action_url + "/webhook", json=call, timeout=30)
            if r.status_code != 200:
                return []
            data = r.json() or {}
            for e in data.get("events") or []:
                if e.get("event") == "slot":
                    kept[e["name"]] = e.get("value")
            out: list[dict[str, Any]] = []
            for resp in data.get("responses", []):
                if resp.get("buttons"):
                    out.append({"recipient_id": sender, "text": resp.get("text"), "buttons": resp["buttons"]})
                elif resp.get("text"):
                    out.extend({"recipient_id": sender, "text": p} for p in resp["text"].strip().split("\n\n"))
                if resp.get("custom"):
                    out.append({"recipient_id": sender, "custom": resp["custom"]})
            return out

    return ConversationRasa()


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def wx_rasa(support, action_server) -> Iterator[Any]:
    with make_rasa(support, action_server) as fr:
        yield fr


@pytest.fixture(scope="module")
def cs_api(support) -> Iterator[CustomerServiceAPI]:
    api = CustomerServiceAPI(support.free_port())
    yield api
    api.close()


@pytest.fixture(scope="module")
def wx_db(tmp_path_factory):
    return tmp_path_factory.mktemp("wechat") / "app.db"


@pytest.fixture(scope="module")
def wx_settings(app_settings, wx_rasa, cs_api, wx_db):
    def make(**overrides: Any):
        return app_settings(
            **{
                "rasa_url": wx_rasa.url,
                "rasa_timeout": 10.0,
                "rate_chat_per_sender": 1000,
                "rate_chat_per_ip": 0,
                "app_db_path": wx_db,
                "wechat_token": TOKEN,
                "wechat_aes_key": AES_KEY,
                "wechat_appid": APPID,
                "wechat_appsecret": APPSECRET,
                "wechat_api_base": cs_api.url,
                "wechat_max_body_bytes": 8192,
                **overrides,
            }
        )

    return make


@pytest.fixture(scope="module")
def serve(support):
    """Factory: the app for some settings behind a real uvicorn server; yields (app, servers)."""
    from contextlib import contextmanager

    @contextmanager
    def run(settings) -> Iterator[tuple[Any, WeChatServers]]:
        app = create_app(settings)
        port = support.free_port()
        with support.ThreadedServer(app, port, lifespan="on"):
            wechat = WeChatServers(f"http://127.0.0.1:{port}")
            try:
                yield app, wechat
            finally:
                wechat.http.close()

    return run


@pytest.fixture(scope="module")
def system(serve, wx_settings):
    with serve(wx_settings()) as (app, wechat):
        yield app, wechat


@pytest.fixture()
def app(system):
    return system[0]


@pytest.fixture()
def wechat(system) -> WeChatServers:
    return system[1]


def turns_for(fake: Any, sender: str) -> list[str]:
    return [r["message"] for r in fake.requests if r.get("sender") == sender]


# ---------------------------------------------------------------------- crypto, XML, replies
def test_official_sample_decrypts_and_verifies():
    crypto = MessageCrypto(SAMPLE["token"], SAMPLE["aes_key"], SAMPLE["appid"])
    crypto.check(SAMPLE["msg_signature"], SAMPLE["timestamp"], SAMPLE["nonce"], SAMPLE["encrypt"])
    fields = parse_xml(crypto.decrypt(SAMPLE["encrypt"]).encode())
    assert fields["Content"] == "hello"
    assert fields["MsgId"] == "4561255354251345929"
    assert fields["ToUserName"] == SAMPLE["appid"] and fields["MsgType"] == "text"
    with pytest.raises(BadSignature):
        crypto.check("0" * 40, SAMPLE["timestamp"], SAMPLE["nonce"], SAMPLE["encrypt"])
    with pytest.raises(AppIdMismatch):
        MessageCrypto(SAMPLE["token"], SAMPLE["aes_key"], "wx0000000000000000").decrypt(SAMPLE["encrypt"])


def test_crypto_agrees_with_wechatpy_both_ways():
    ours = MessageCrypto(TOKEN, AES_KEY, APPID)
    theirs = WeChatCrypto(TOKEN, AES_KEY, APPID)
    xml = "<xml><Content><![CDATA[工伤认定找哪个科室？" + "长" * 300 + "]]></Content></xml>"
    sealed = ours.encrypt(xml)
    ts, nonce = "1700000000", "n0nce"
    reply = f"<xml><Encrypt><![CDATA[{sealed}]]></Encrypt><MsgSignature><![CDATA[{ours.sign(ts, nonce, sealed)}]]></MsgSignature><TimeStamp>{ts}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    assert theirs.decrypt_message(reply, ours.sign(ts, nonce, sealed), ts, nonce) == xml
    # 32-byte PKCS#7 blocks, as WeChat pads (not AES's 16)
    assert len(base64.b64decode(sealed)) % 32 == 0
    theirs_sealed = parse_message_xml(theirs.encrypt_message(xml, nonce, ts))
    ours.check(theirs_sealed["MsgSignature"], ts, nonce, theirs_sealed["Encrypt"])
    assert ours.decrypt(theirs_sealed["Encrypt"]) == xml


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<xml><Content>&lol2;</Content></xml>",
        b'<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>'.encode("utf-16"),
        b"<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>",
        b"<notxml><A>1</A></notxml>",
        b"<xml><A>1</A>",
    ],
)
def test_xml_refuses_entities_repeats_and_junk(body):
    with pytest.raises(XMLRefused):
        parse_xml(body)


def test_render_cuts_at_a_sentence_keeps_citation_and_choices():
    out = Outgoing(LONG_TEXT, choices=(Choice("转人工", "转人工"),), dialogue=True)
    first = render(out)
    assert len(first.text.encode()) <= MAX_BYTES
    assert first.text.endswith(MORE_HINT)
    assert CITATION in first.text and "回复数字：\n1. 转人工" in first.text
    head = first.text.split("\n" + CITATION)[0]
    assert head.endswith("拖延。")  # a whole sentence
    second = render(Outgoing(first.rest, first.citations, out.choices))
    assert second.rest is None and CITATION in second.text
    assert head + "\n" + second.text.split("\n" + CITATION)[0] == LONG_TEXT.rsplit("\n", 1)[0]
    # no sentence end at all: cut between whole characters, with an ellipsis
    blob = render(Outgoing("字" * 3000 + "🙂" * 10))
    assert len(blob.text.encode()) <= MAX_BYTES and "……" in blob.text and "\ufffd" not in blob.text


def test_choice_numbers():
    assert [choice_number(t) for t in ("1", " 2 ", "３", "2.", "十", "12a", "")] == [1, 2, 3, 2, None, None, None]


def test_settings_from_the_environment(monkeypatch, tmp_path):
    from pydantic import ValidationError

    from bot.core.config import AppSettings

    monkeypatch.chdir(tmp_path)  # no .env
    s = AppSettings()
    assert not s.wechat_enabled and s.wechat_mode == "compatible"
    assert (s.wechat_api_base, s.wechat_reply_timeout) == ("https://api.weixin.qq.com", 4.5)
    monkeypatch.setenv("JIZE_WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("JIZE_WECHAT_AES_KEY", AES_KEY)
    monkeypatch.setenv("JIZE_WECHAT_APPID", APPID)
    monkeypatch.setenv("JIZE_WECHAT_APPSECRET", APPSECRET)
    monkeypatch.setenv("JIZE_WECHAT_MODE", "safe")
    s = AppSettings()
    assert s.wechat_enabled and s.wechat_mode == "safe" and s.wechat_appid == APPID
    assert s.wechat_aes_key.get_secret_value() == AES_KEY
    assert APPSECRET not in repr(s) and TOKEN not in repr(s) and AES_KEY not in repr(s)
    monkeypatch.setenv("JIZE_WECHAT_AES_KEY", AES_KEY[:-1])
    with pytest.raises(ValidationError, match="43"):
        AppSettings()
    monkeypatch.setenv("JIZE_WECHAT_AES_KEY", AES_KEY)
    monkeypatch.setenv("JIZE_WECHAT_MODE", "plain")
    with pytest.raises(ValidationError):
        AppSettings()


# ---------------------------------------------------------------------- the endpoint
def test_endpoint_is_absent_without_token(client):
    assert client.get("/wechat", params={"echostr": "x"}).status_code == 404
    assert client.post("/wechat", content=b"<xml/>").status_code == 404


def test_url_verification(wechat):
    q = wechat.query(echostr="8123640573812365487")
    check_signature(TOKEN, q["signature"], q["timestamp"], q["nonce"])  # wechatpy agrees it is valid
    r = wechat.http.get("/wechat", params=q)
    assert r.status_code == 200 and r.text == "8123640573812365487"
    assert r.headers["content-type"].startswith("text/plain")
    bad = {**q, "signature": sign("another-token", q["timestamp"], q["nonce"])}
    with pytest.raises(InvalidSignatureException):
        check_signature(TOKEN, bad["signature"], bad["timestamp"], bad["nonce"])
    r = wechat.http.get("/wechat", params=bad)
    assert r.status_code == 403 and "8123640573812365487" not in r.text
    assert wechat.http.get("/wechat", params={"echostr": "1"}).status_code == 403


def test_plaintext_question_gets_the_dialogue_answer(wechat, app, wx_rasa):
    user = openid()
    r = wechat.text(user, "农保中心电话是多少")
    assert r.headers["content-type"].startswith("application/xml")
    msg = wechat.reply(r)
    assert (msg.type, msg.source, msg.target) == ("text", ACCOUNT, user)
    assert "7591916" in msg.content and "出处" in msg.content
    assert abs(msg.create_time.timestamp() - time.time()) < 60
    sender = app.state.wechat.sender_id(user)
    assert wx_rasa.requests[-1] == {"sender": sender, "message": "农保中心电话是多少"}
    # the same answer as /api/chat gives for the same question
    chat = httpx.post(
        str(wechat.http.base_url) + "/api/chat", json={"sender_id": "compare-0001", "message": "农保中心电话是多少"}
    ).json()
    assert msg.content == "\n\n".join(rep["text"] for rep in chat["replies"])


def test_safe_mode_round_trip_and_plaintext_refused(serve, wx_settings, wx_rasa):
    with serve(wx_settings(wechat_mode="safe")) as (app, wechat):
        user = openid()
        assert "7591916" in wechat.ask(user, "农保中心电话是多少", encrypted=True)
        before = len(wx_rasa.requests)
        r = wechat.text(user, "农保中心电话是多少")
        assert r.status_code == 403
        assert len(wx_rasa.requests) == before


def test_compatible_mode_answers_encrypted_with_encrypted(wechat):
    user = openid()
    r = wechat.text(user, "农保中心电话是多少", encrypted=True)
    assert "<Encrypt>" in r.text and "7591916" not in r.text
    assert "7591916" in wechat.reply(r, encrypted=True).content


def test_bad_signatures_are_403(wechat, wx_rasa):
    user = openid()
    before = len(wx_rasa.requests)
    xml = wechat.message_xml(user, Content="农保中心电话是多少")
    q = wechat.query()
    r = wechat.post(xml, query={**q, "signature": sign("wrong", q["timestamp"], q["nonce"])})
    assert r.status_code == 403
    r = wechat.http.post("/wechat", content=xml)  # no signature at all
    assert r.status_code == 403
    # a good signature but a msg_signature that does not cover this Encrypt
    sealed = parse_message_xml(wechat.crypto.encrypt_message(xml, q["nonce"], q["timestamp"]))
    body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
    forged = {**q, "encrypt_type": "aes", "msg_signature": sign(TOKEN, q["timestamp"], q["nonce"], "other")}
    assert wechat.http.post("/wechat", params=forged, content=body).status_code == 403
    ok = {**q, "encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]}
    assert wechat.http.post("/wechat", params=ok, content=body).status_code == 200
    assert len(wx_rasa.requests) == before + 1


def test_message_for_another_appid_is_refused(system, wx_rasa):
    _, ours = system
    other = WeChatServers(str(ours.http.base_url), appid="wxffffffffffffffff")
    before = len(wx_rasa.requests)
    r = other.text(openid(), "农保中心电话是多少", encrypted=True)
    assert r.status_code == 403 and "AppID" in r.json()["detail"]
    assert len(wx_rasa.requests) == before
    other.http.close()


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;">]><xml><ToUserName>a</ToUserName>'
        "<FromUserName>o1</FromUserName><MsgType>text</MsgType><Content>&lol2;</Content></xml>",
        '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName>'
        "<FromUserName>o1</FromUserName><MsgType>text</MsgType><Content>&xxe;</Content></xml>",
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_entities_are_400(wechat, wx_rasa, body):
    before = len(wx_rasa.requests)
    r = wechat.post(body)
    assert r.status_code == 400
    assert "root:" not in r.text and "lollol" not in r.text
    assert len(wx_rasa.requests) == before


def test_encrypted_entities_are_400_too(wechat):
    r = wechat.post('<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>', True)
    assert r.status_code == 400


def test_message_without_sender_is_400(wechat, wx_rasa):
    before = len(wx_rasa.requests)
    r = wechat.post("<xml><ToUserName>gh_1</ToUserName><MsgType>text</MsgType><Content>你好</Content></xml>")
    assert r.status_code == 400 and "FromUserName" in r.json()["detail"]
    assert len(wx_rasa.requests) == before


def test_oversized_body_is_refused(wechat, wx_rasa):
    before = len(wx_rasa.requests)
    r = wechat.text(openid(), "问" * 4000)  # 12 kB of UTF-8, over the 8 kB set for this app
    assert r.status_code == 413
    assert len(wx_rasa.requests) == before


def test_follow_up_keeps_context_across_messages(wechat, app, wx_rasa):
    user = openid()
    first = wechat.ask(user, "城乡居民养老保险哪个科室负责")
    assert "负责科室：农保中心" in first
    second = wechat.ask(user, "电话呢")
    assert "农保中心的联系电话：7591916" in second and "出处" in second
    sender = app.state.wechat.sender_id(user)
    assert turns_for(wx_rasa, sender) == ["城乡居民养老保险哪个科室负责", "电话呢"]
    # without the first message the same words get the general office's number, not the 农保中心's
    alone = wechat.ask(openid(), "电话呢")
    assert "7591916" not in alone and "农保中心" not in alone


def test_long_answer_is_split_with_citation_and_continued_on_quanwen(wechat, app, wx_rasa):
    user = openid()
    first = wechat.ask(user, "__long__")
    assert len(first.encode("utf-8")) <= 2048
    assert first.endswith("回复“全文”查看完整回答")
    assert CITATION in first.split("\n")
    assert "回复数字：\n1. 转人工" in first
    assert first.startswith("第1条：") and "第24条" not in first
    rest = wechat.ask(user, "全文")
    assert len(rest.encode("utf-8")) <= 2048
    assert "第24条" in rest and CITATION in rest and not rest.endswith(MORE_HINT)
    shown = first.split("\n" + CITATION)[0] + "\n" + rest.split("\n" + CITATION)[0]
    assert shown == LONG_TEXT.rsplit("\n", 1)[0]  # nothing lost, nothing repeated
    assert "已经全部发送" in wechat.ask(user, "全文")
    # the dialogue saw the question once, not the "全文"s
    assert turns_for(wx_rasa, app.state.wechat.sender_id(user)) == ["__long__"]


def test_numbered_choice_sends_the_buttons_payload(wechat, app, wx_rasa):
    user = openid()
    greeting = wechat.ask(user, "你好")
    assert greeting.startswith("您好") and greeting.endswith("回复数字：\n1. 农保中心电话")
    answer = wechat.ask(user, "1")
    sender = app.state.wechat.sender_id(user)
    assert turns_for(wx_rasa, sender) == ["你好", "农保中心电话是多少"]
    assert "7591916" in answer
    # a number with no such choice is just text for the dialogue
    wechat.ask(user, "7")
    assert turns_for(wx_rasa, sender)[-1] == "7"


def test_same_msgid_is_answered_once_even_after_restart(wechat, app, wx_rasa, serve, wx_settings):
    user = openid()
    msg_id = "6054768590064713728"
    xml = wechat.message_xml(user, "text", msg_id, Content="农保中心电话是多少")
    replies = [wechat.post(xml) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert replies[0].content == replies[1].content == replies[2].content
    assert "7591916" in wechat.reply(replies[0]).content
    sender = app.state.wechat.sender_id(user)
    assert turns_for(wx_rasa, sender) == ["农保中心电话是多少"]
    # a new process on the same app.db: the retry still gets the same bytes, no new turn
    with serve(wx_settings()) as (app2, wechat2):
        assert app2.state.wechat_state is not app.state.wechat_state
        again = wechat2.post(xml)
        assert again.content == replies[0].content
    assert turns_for(wx_rasa, sender) == ["农保中心电话是多少"]


def test_retries_during_the_first_answer_wait_for_it(wechat, app, wx_rasa):
    user = openid()
    xml = wechat.message_xml(user, "text", "7000000000000000001", Content="__sleep__:0.6:农保中心电话是多少")
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(wechat.post, xml)
        time.sleep(0.2)
        retries = [pool.submit(wechat.post, xml) for _ in range(2)]
        bodies = [f.result().content for f in (first, *retries)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert "7591916" in wechat.reply(httpx.Response(200, content=bodies[0])).content
    assert len(turns_for(wx_rasa, app.state.wechat.sender_id(user))) == 1


@pytest.fixture()
def quick(serve, wx_settings, tmp_path):
    """An app that gives up on a passive reply after 1 s (WeChat's is 5 s, the default 4.5 s)."""
    with serve(wx_settings(wechat_reply_timeout=1.0, app_db_path=tmp_path / "quick.db")) as running:
        yield running


def test_slow_answer_comes_through_the_customer_service_api(quick, cs_api, wx_rasa):
    app, wechat = quick
    user = openid()
    xml = wechat.message_xml(user, "text", "7000000000000000002", Content="__sleep__:2:农保中心电话是多少")
    t0 = time.monotonic()
    r = wechat.post(xml)
    assert r.status_code == 200 and r.text == "success"
    assert time.monotonic() - t0 < 2  # answered at the reply timeout, not with the answer
    assert wechat.post(xml).text == "success"  # a retry: still success, nothing twice
    sent = cs_api.delivered(user)
    assert sent == [{"touser": user, "msgtype": "text", "text": {"content": sent[0]["text"]["content"]}}]
    assert "农保中心的联系电话：7591916" in sent[0]["text"]["content"]
    assert len(turns_for(wx_rasa, app.state.wechat.sender_id(user))) == 1
    assert cs_api.token_requests == [{"grant_type": ["client_credential"], "appid": [APPID], "secret": [APPSECRET]}]

    # the next late answer uses the cached token
    second = openid()
    assert wechat.text(second, "__sleep__:2:投诉电话是多少").text == "success"
    assert cs_api.delivered(second) and len(cs_api.token_requests) == 1
    # once WeChat calls that token invalid (40001) a new one is fetched and the text sent again
    cs_api.revoked.add("ACCESS-1")
    third = openid()
    assert wechat.text(third, "__sleep__:2:投诉电话是多少").text == "success"
    assert cs_api.delivered(third)
    assert len(cs_api.token_requests) == 2
    tries = [(t, code) for t, b, code in cs_api.sends if b["touser"] == third]
    assert tries == [("ACCESS-1", 40001), ("ACCESS-2", 0)]


def test_slow_answer_without_appsecret_waits_for_quanwen(serve, wx_settings, tmp_path, cs_api):
    settings = wx_settings(wechat_appsecret="", wechat_reply_timeout=1.0, app_db_path=tmp_path / "nosecret.db")
    with serve(settings) as (_, wechat):
        user = openid()
        first = wechat.ask(user, "__sleep__:2:农保中心电话是多少")
        assert "回复“全文”查看" in first and "7591916" not in first
        deadline = time.monotonic() + 10
        while "7591916" not in (later := wechat.ask(user, "全文")) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "农保中心的联系电话：7591916" in later
        assert cs_api.delivered(user, timeout=0.5) == []


def test_message_left_pending_by_a_stopped_process_is_not_run_again(wechat, app, wx_rasa):
    user = openid()
    xml = wechat.message_xml(user, "text", "7000000000000000003", Content="农保中心电话是多少")
    sender = app.state.wechat.sender_id(user)
    key = app.state.wechat.message_key(parse_xml(xml.encode()))
    assert app.state.wechat_state.claim(key, sender) is None  # as if the process had died here
    replies = [wechat.reply(wechat.post(xml)).content for _ in range(2)]
    assert replies[0] == replies[1] and "再发一次" in replies[0]
    assert turns_for(wx_rasa, sender) == []


def test_voice_uses_recognition(wechat, app, wx_rasa):
    user = openid()
    r = wechat.post(wechat.message_xml(user, "voice", None, MediaId="m1", Format="amr", Recognition="农保中心电话是多少"))
    assert "7591916" in wechat.reply(r).content
    r = wechat.post(wechat.message_xml(user, "voice", None, MediaId="m2", Format="amr", Recognition=""))
    assert "请直接输入" in wechat.reply(r).content
    assert turns_for(wx_rasa, app.state.wechat.sender_id(user)) == ["农保中心电话是多少"]


@pytest.mark.parametrize(
    "kind, fields",
    [
        ("image", {"PicUrl": "http://mmbiz.qpic.cn/x.jpg", "MediaId": "m"}),
        ("link", {"Title": "t", "Description": "d", "Url": "https://example.org"}),
        ("location", {"Location_X": "36.7", "Location_Y": "114.8", "Scale": "15", "Label": "x"}),
    ],
)
def test_other_messages_are_asked_to_type(wechat, app, wx_rasa, kind, fields):
    user = openid()
    text = wechat.reply(wechat.post(wechat.message_xml(user, kind, None, **fields))).content
    assert "请直接输入您的问题" in text and len(text) < 80
    assert turns_for(wx_rasa, app.state.wechat.sender_id(user)) == []


def test_subscribe_gets_a_welcome_once(wechat, app, wx_rasa):
    user = openid()
    xml = wechat.message_xml(user, "event", None, Event="subscribe", _time="1700000000")
    first = wechat.post(xml)
    text = wechat.reply(first).content
    bureau = app.state.kb.store.meta["bureau"]
    assert bureau and f"欢迎关注{bureau}" in text
    assert "科室" in text and "电话" in text and "投诉" in text and "处罚" in text
    assert wechat.post(xml).content == first.content  # retried event: FromUserName + CreateTime
    unsub = wechat.message_xml(user, "event", None, Event="unsubscribe")
    assert wechat.post(unsub).text == "success"
    assert turns_for(wx_rasa, app.state.wechat.sender_id(user)) == []


def test_contact_in_the_complaint_form_is_redacted_like_api_chat(wechat, app, wx_rasa):
    user = openid()
    sender = app.state.wechat.sender_id(user)
    wx_rasa.contact_step.add(sender)
    shown = wechat.ask(user, "张先生 微信zhang_san88 电话0310-1234567")
    assert "zhang_san88" in shown
    conv = app.state.store.conversations(sender_id=sender, limit=1)[0]
    assert conv.message == CONTACT_MASK and "zhang_san88" not in conv.reply


def test_rate_limit_per_conversation(serve, wx_settings, tmp_path):
    with serve(wx_settings(rate_chat_per_sender=2, app_db_path=tmp_path / "rl.db")) as (_, wechat):
        user = openid()
        answers = [wechat.ask(user, "你好") for _ in range(3)]
        assert answers[0].startswith("您好") and answers[1].startswith("您好")
        assert "太快" in answers[2]
        assert wechat.ask(openid(), "你好").startswith("您好")  # another citizen is not affected


def test_openid_never_reaches_logs_rasa_or_the_database(wechat, app, wx_rasa, wx_db, caplog):
    user = openid()
    with caplog.at_level("DEBUG"):
        wechat.ask(user, "农保中心电话是多少")
        wechat.ask(user, "__long__")
        wechat.post(wechat.message_xml(user, "event", None, Event="subscribe"))
    sender = app.state.wechat.sender_id(user)
    assert re.fullmatch(r"wx-[0-9a-f]{40}", sender)
    convs = app.state.store.conversations(sender_id=sender)
    assert len(convs) == 2
    for c in app.state.store.conversations(limit=10_000):
        assert user not in (c.sender_id + c.message + c.reply)
    assert all(user not in json.dumps(r) for r in wx_rasa.requests)
    assert user not in caplog.text
    for path in wx_db.parent.glob(wx_db.name + "*"):  # app.db, its WAL and shared memory
        assert user.encode() not in path.read_bytes()


def test_access_log_filter_hides_openid_and_secrets():
    import logging

    from bot.wechat.logfilter import QuerySecretFilter

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', ("1.2.3.4", "POST",
        "/wechat?signature=x&openid=oABC123&nonce=1", "1.1", 200), None,
    )
    QuerySecretFilter().filter(record)
    assert "oABC123" not in record.getMessage() and "openid=[hidden]" in record.getMessage()
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET",
        "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=S3CRET"), None,
    )
    QuerySecretFilter().filter(record)
    assert "S3CRET" not in record.getMessage() and "appid=wx1" in record.getMessage()
