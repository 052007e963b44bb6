"""POST /api/feedback and the admin endpoints."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.main import create_app


def ask(client, sender, message):
    r = client.post("/api/chat", json={"sender_id": sender, "message": message})
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------------- feedback
def test_feedback_on_a_message(client, store):
    body = ask(client, "feedback-sender-1", "农保中心电话是多少")
    r = client.post(
        "/api/feedback",
        json={
            "sender_id": "feedback-sender-1",
            "message_id": body["message_id"],
            "rating": "down",
            "reason": "电话打不通，我手机13912345678",
        },
    )
    assert r.status_code == 201
    row = store.feedback(limit=1)[0]
    assert row["rating"] == "down" and row["message_id"] == body["message_id"]
    assert "13912345678" not in row["reason"] and "[手机号]" in row["reason"]


def test_feedback_with_reply_text(client, store):
    r = client.post(
        "/api/feedback", json={"sender_id": "feedback-sender-2", "reply": "农保中心 7591916", "rating": "up"}
    )
    assert r.status_code == 201
    assert store.feedback(limit=1)[0]["reply"] == "农保中心 7591916"


def test_feedback_validation(client):
    base = {"sender_id": "feedback-sender-3", "rating": "up"}
    assert client.post("/api/feedback", json=base).status_code == 422  # no target
    assert client.post("/api/feedback", json={**base, "reply": "x", "rating": "meh"}).status_code == 422
    assert client.post("/api/feedback", json={**base, "reply": "x", "sender_id": "bad"}).status_code == 422
    assert client.post("/api/feedback", json={**base, "message_id": 10**9}).status_code == 404


def test_feedback_on_someone_elses_message_is_404(client):
    body = ask(client, "feedback-owner-1", "你好")
    r = client.post(
        "/api/feedback",
        json={"sender_id": "feedback-other-1", "message_id": body["message_id"], "rating": "up"},
    )
    assert r.status_code == 404


# ---------------------------------------------------------------------- admin auth
def test_admin_needs_the_token(client, admin):
    for path in ("/api/admin/unanswered", "/api/admin/tickets", "/api/admin/feedback"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"X-Admin-Token": "wrong"}).status_code == 401
        assert client.get(path, headers=admin).status_code == 200
    assert client.post("/api/admin/tickets/TS-20260101-0001/done").status_code == 401


def test_admin_disabled_without_configured_token(app_settings, fake_rasa):
    settings = app_settings(rasa_url=fake_rasa.url, admin_token="")
    with TestClient(create_app(settings)) as c:
        r = c.get("/api/admin/tickets", headers={"X-Admin-Token": ""})
        assert r.status_code == 503
        assert "JIZE_ADMIN_TOKEN" in r.json()["detail"]


# ---------------------------------------------------------------------- unanswered
def test_unanswered_lists_fallback_questions_most_frequent_first(client, admin, store):
    for _ in range(3):
        store.log_conversation(sender_id="unans-1", message="火星上能交社保吗", reply="抱歉", fallback=True)
    store.log_conversation(sender_id="unans-2", message="月球上能交社保吗", reply="抱歉", fallback=True)
    store.log_conversation(sender_id="unans-3", message="农保中心电话", reply="7591916", fallback=False)
    items = client.get("/api/admin/unanswered", headers=admin).json()["items"]
    questions = [i["question"] for i in items]
    assert questions.index("火星上能交社保吗") < questions.index("月球上能交社保吗")
    assert "农保中心电话" not in questions
    top = next(i for i in items if i["question"] == "火星上能交社保吗")
    assert top["count"] >= 3 and top["last_asked"]


# ---------------------------------------------------------------------- tickets
def test_handoff_ticket_from_chat_then_done(client, admin):
    body = ask(client, "handoff-sender-1", "我要转人工")
    text = "\n".join(r["text"] for r in body["replies"])
    ref = re.search(r"TS-\d{8}-\d{4}", text).group(0)
    tickets = client.get("/api/admin/tickets", headers=admin).json()["tickets"]
    t = next(t for t in tickets if t["ref"] == ref)
    assert t["kind"] == "handoff" and t["sender_id"] == "handoff-sender-1" and t["status"] == "open"
    assert t["phone"] == "7523309"

    r = client.post(f"/api/admin/tickets/{ref}/done", headers=admin)
    assert r.status_code == 200 and r.json()["ticket"]["status"] == "done"
    open_refs = [t["ref"] for t in client.get("/api/admin/tickets", headers=admin).json()["tickets"]]
    assert ref not in open_refs
    done = client.get("/api/admin/tickets", params={"status": "done"}, headers=admin).json()["tickets"]
    assert ref in [t["ref"] for t in done]
    all_ = client.get("/api/admin/tickets", params={"status": "all"}, headers=admin).json()["tickets"]
    assert ref in [t["ref"] for t in all_]


def test_ticket_done_unknown_or_malformed(client, admin):
    assert client.post("/api/admin/tickets/TS-19990101-0001/done", headers=admin).status_code == 404
    assert client.post("/api/admin/tickets/nonsense/done", headers=admin).status_code == 422
    assert client.get("/api/admin/tickets", params={"status": "weird"}, headers=admin).status_code == 422


def test_complaint_ticket_is_listed_with_fields(client, admin, store):
    t = store.create_ticket(
        kind="complaint",
        sender_id="complaint-sender-1",
        fields={"employer": "某建筑公司", "details": "拖欠三个月工资"},
        office="劳动保障监察大队",
        phone="7523309",
    )
    tickets = client.get("/api/admin/tickets", headers=admin).json()["tickets"]
    got = next(x for x in tickets if x["ref"] == t.ref)
    assert got["fields"] == {"employer": "某建筑公司", "details": "拖欠三个月工资"}
    assert got["kind"] == "complaint" and got["office"] == "劳动保障监察大队"


def test_suggest_reply_for_agents(client, admin):
    r = client.get("/api/admin/suggest", params={"q": "农保中心电话是多少"}, headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert {"text", "sources", "buttons", "found"} <= set(body)
    assert client.get("/api/admin/suggest", params={"q": " "}, headers=admin).status_code == 422
    assert client.get("/api/admin/suggest", params={"q": "x"}).status_code == 401
