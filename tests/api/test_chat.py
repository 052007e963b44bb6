"""POST /api/chat against the Rasa stand-in and the real action server + knowledge base."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app

SENDER = "test-sender-0001"


def test_phone_question_answers_with_phone_and_citation(client, fake_rasa):
    r = client.post("/api/chat", json={"sender_id": SENDER, "message": "农保中心电话是多少"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sender_id"] == SENDER
    assert isinstance(body["message_id"], int)
    text = "\n".join(rep["text"] for rep in body["replies"])
    assert "7591916" in text
    assert body["sources"], "a factual answer carries its sources"
    for s in body["sources"]:
        assert set(s) == {"id", "citation", "excerpt"}
        assert s["citation"]
    # Rasa got exactly what the user typed, for this sender.
    assert fake_rasa.requests[-1] == {"sender": SENDER, "message": "农保中心电话是多少"}


def test_reply_shape_matches_public_contract(client):
    body = client.post("/api/chat", json={"sender_id": SENDER, "message": "你好"}).json()
    assert set(body) >= {"sender_id", "replies", "sources"}
    assert body["replies"][0]["text"].startswith("您好")
    assert body["replies"][0]["buttons"] == [{"title": "农保中心电话", "payload": "农保中心电话是多少"}]
    assert body["sources"] == []


def test_sender_id_is_issued_when_missing(client):
    body = client.post("/api/chat", json={"message": "你好"}).json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", body["sender_id"])
    other = client.post("/api/chat", json={"message": "你好"}).json()
    assert other["sender_id"] != body["sender_id"]


def test_message_is_cleaned_before_rasa(client, fake_rasa):
    client.post("/api/chat", json={"sender_id": SENDER, "message": "  你好\u0000\u200b\n\t世界  "})
    assert fake_rasa.requests[-1]["message"] == "你好 世界"


@pytest.mark.parametrize("message", ["", "   ", "\u0000\u0001", "\u200b"])
def test_empty_message_is_422(client, message):
    r = client.post("/api/chat", json={"sender_id": SENDER, "message": message})
    assert r.status_code == 422
    assert "空" in r.json()["detail"] and "empty" in r.json()["detail"]


def test_too_long_message_is_413(client):
    r = client.post("/api/chat", json={"sender_id": SENDER, "message": "问" * 501})
    assert r.status_code == 413
    assert "500" in r.json()["detail"]
    ok = client.post("/api/chat", json={"sender_id": SENDER, "message": "你好" + "啊" * 498})
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"[]", b'"text"', b'{"message": 5}', b'{"sender_id": "abc"}'],
)
def test_malformed_body_is_422_json(client, raw):
    r = client.post("/api/chat", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


@pytest.mark.parametrize("sender", ["short", "has space 123", "中文发送者标识符号", "x" * 65, "a/b/c/d/e/f"])
def test_bad_sender_id_is_422(client, sender):
    r = client.post("/api/chat", json={"sender_id": sender, "message": "你好"})
    assert r.status_code == 422
    assert "sender_id" in r.json()["detail"]


def test_huge_body_is_413(client):
    r = client.post(
        "/api/chat",
        content=b'{"message": "' + b"a" * 70000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_rasa_timeout_is_friendly_503(client):
    r = client.post("/api/chat", json={"sender_id": SENDER, "message": "__slow__"})
    assert r.status_code == 503
    detail = r.json()["detail"]
    assert "暂时不可用" in detail and "Traceback" not in detail
    assert "7523309" in detail  # the bureau's office phone, read from knowledge


def test_rasa_error_status_is_503(client):
    r = client.post("/api/chat", json={"sender_id": SENDER, "message": "__error__"})
    assert r.status_code == 503


def test_rasa_unreachable_is_503(app_settings, unused_port):
    settings = app_settings(rasa_url=f"http://127.0.0.1:{unused_port()}", rasa_timeout=2.0)
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/chat", json={"sender_id": SENDER, "message": "你好"})
        assert r.status_code == 503
        assert r.json()["detail"].startswith("抱歉")
        h = c.get("/healthz")
        assert h.status_code == 503
        assert h.json() == {"status": "degraded", "rasa": False, "actions": False, "knowledge": True}


def test_empty_rasa_answer_becomes_apology_and_is_unanswered(client, store):
    r = client.post("/api/chat", json={"sender_id": SENDER, "message": "__empty__"})
    assert r.status_code == 200
    assert "抱歉" in r.json()["replies"][0]["text"]
    conv = store.get_conversation(r.json()["message_id"])
    assert conv.fallback is True


def test_conversation_is_logged_with_intent_and_masked(client, store):
    msg = "我的身份证130431199001011234，手机13812345678，农保中心电话7591916是多少"
    body = client.post("/api/chat", json={"sender_id": "log-sender-001", "message": msg}).json()
    conv = store.get_conversation(body["message_id"])
    assert conv.sender_id == "log-sender-001"
    assert "130431199001011234" not in conv.message and "13812345678" not in conv.message
    assert "[身份证号]" in conv.message and "[手机号]" in conv.message
    assert "7591916" in conv.message  # the bureau's number stays readable
    assert conv.intent == "ask_phone"
    assert conv.action == "action_answer_phone"
    assert conv.fallback is False
    assert conv.sources == [s["id"] for s in body["sources"]]
    assert "7591916" in conv.reply


def test_fallback_questions_are_flagged(client, store):
    body = client.post(
        "/api/chat", json={"sender_id": "fallback-0001", "message": "身份证丢了怎么补办"}
    ).json()
    conv = store.get_conversation(body["message_id"])
    assert conv.action == "action_default_fallback"
    assert conv.intent == "nlu_fallback"
    if body["sources"]:  # retrieval may still answer it: then it is not "unanswered"
        assert conv.fallback is False
    else:
        assert conv.fallback is True


def test_rate_limit_per_sender(app_settings, fake_rasa):
    settings = app_settings(rasa_url=fake_rasa.url, rate_chat_per_sender=2, rate_chat_per_ip=0)
    with TestClient(create_app(settings)) as c:
        codes = [
            c.post("/api/chat", json={"sender_id": "rate-sender-1", "message": "你好"}).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        r = c.post("/api/chat", json={"sender_id": "rate-sender-1", "message": "你好"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert "Too many" in r.json()["detail"]
        # another conversation is not affected
        assert c.post("/api/chat", json={"sender_id": "rate-sender-2", "message": "你好"}).status_code == 200


def test_hostile_text_is_passed_as_plain_data(client):
    body = client.post("/api/chat", json={"sender_id": SENDER, "message": "__echo_html__"}).json()
    # The API returns text, not markup; the faces insert it with textContent (see test_static).
    assert body["replies"][0]["text"] == "<script>alert(1)</script><b>粗体</b>"
    assert body["sources"][0]["citation"] == "<i>引用</i>"


def test_the_action_reports_stay_inside_the_gateway(client, fake_rasa):
    """Rasa's reply carries the actions' turn reports; the client gets none of them."""
    r = client.post("/api/chat", json={"sender_id": "report-sender-01", "message": "农保中心电话是多少"})
    assert r.status_code == 200
    assert "jize_turn" not in r.text and "action_answer_phone" not in r.text
    assert set(r.json()) == {"sender_id", "message_id", "replies", "sources", "route", "audit_id"}
    assert r.json()["route"] == "knowledge"
    assert "scores" not in r.text and "curated" not in r.text
