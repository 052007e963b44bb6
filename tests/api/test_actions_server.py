"""The in-process action server mirrors rasa_sdk's own endpoint (status codes and bodies)."""

from __future__ import annotations

import zlib

import httpx
import pytest

from appdata.turns import TurnReport

CALL = {
    "next_action": "action_answer_phone",
    "sender_id": "action-test-01",
    "version": "3.6.21",
    "domain": {"slots": {}, "responses": {}, "forms": {}},
    "tracker": {
        "sender_id": "action-test-01",
        "slots": {},
        "latest_message": {
            "text": "农保中心电话是多少",
            "intent": {"name": "ask_phone", "confidence": 0.99},
            "entities": [{"entity": "office", "value": "农保中心"}],
        },
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
}


@pytest.fixture(scope="module")
def http(action_server):
    with httpx.Client(base_url=action_server, timeout=30) as c:
        yield c


def test_health_and_actions(http):
    assert http.get("/health").json() == {"status": "ok"}
    names = {a["name"] for a in http.get("/actions").json()}
    assert {
        "action_answer_phone",
        "action_default_fallback",
        "action_handoff",
        "validate_complaint_form",
        "action_submit_complaint",
    } <= names


def test_run_action(http):
    r = http.post("/webhook", json=CALL)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"events", "responses"}
    text = " ".join(m.get("text") or "" for m in body["responses"])
    assert "7591916" in text
    assert any((m.get("custom") or {}).get("sources") for m in body["responses"])
    # The last message reports the call to the gateway (appdata.turns), in Rasa's own format.
    report = body["responses"][-1]
    assert not report.get("text") and not report.get("buttons")
    assert TurnReport.from_custom(report["custom"]) == TurnReport(action="action_answer_phone", intent="ask_phone",
                                                                  confidence=0.99)


def test_the_report_carries_the_contact_details_of_the_complaint_form(http):
    tracker = {
        **CALL["tracker"],
        "slots": {"complaint_employer": "某某公司", "complaint_contact": "13812345678",
                  "requested_slot": "complaint_contact"},
        "latest_message": {"text": "13812345678", "intent": {"name": "nlu_fallback"}, "entities": []},
        "active_loop": {"name": "complaint_form"},
    }
    call = {**CALL, "next_action": "validate_complaint_form", "tracker": tracker,
            "domain": {"slots": {}, "responses": {}, "forms": {"complaint_form": {"required_slots": [
                "complaint_employer", "complaint_contact"]}}}}
    r = http.post("/webhook", json=call)
    assert r.status_code == 200, r.text
    report = TurnReport.from_custom(r.json()["responses"][-1]["custom"])
    assert report.action == "validate_complaint_form" and report.intent == "nlu_fallback"
    assert report.secrets == ("13812345678",)  # the contact, not the employer
    assert report.message_is_secret  # the message answers the contact question


def test_a_failed_action_reports_nothing(http):
    r = http.post("/webhook", json={**CALL, "next_action": "action_does_not_exist"})
    assert r.status_code == 404 and "responses" not in r.json()


def test_deflate_body(http):
    r = http.post(
        "/webhook",
        content=zlib.compress(httpx.Request("POST", "/", json=CALL).content),
        headers={"Content-Encoding": "deflate", "Content-Type": "application/json"},
    )
    assert r.status_code == 200


def test_unknown_action_404(http):
    r = http.post("/webhook", json={**CALL, "next_action": "action_nope"})
    assert r.status_code == 404
    assert r.json() == {
        "error": "No registered action found for name 'action_nope'.",
        "action_name": "action_nope",
    }


def test_invalid_body_400(http):
    assert http.post("/webhook", content=b"not json").status_code == 400
    assert http.post("/webhook", content=b"").json() == {"error": "Invalid body request"}


def test_missing_domain_449(http):
    call = {k: v for k, v in CALL.items() if k != "domain"}
    call["domain_digest"] = "not-the-current-one"
    assert http.post("/webhook", json=call).status_code == 449


def test_no_action_returns_null(http):
    r = http.post("/webhook", json={"tracker": CALL["tracker"]})
    assert r.status_code == 200 and r.json() is None


def test_rejection_is_400():
    """ActionExecutionRejection → 400 with rasa_sdk's body (a throwaway executor and app)."""
    from fastapi.testclient import TestClient
    from rasa_sdk import Action
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection

    from bot.actions_server import create_action_app

    class Rejecting(Action):
        def name(self):
            return "action_reject"

        def run(self, dispatcher, tracker, domain):
            raise ActionExecutionRejection("action_reject", "not now")

    class Crashing(Action):
        def name(self):
            return "action_crash"

        def run(self, dispatcher, tracker, domain):
            raise RuntimeError("boom")

    ex = ActionExecutor()
    ex.register_action(Rejecting)
    ex.register_action(Crashing)
    with TestClient(create_action_app(ex)) as c:
        r = c.post("/webhook", json={**CALL, "next_action": "action_reject"})
        assert r.status_code == 400
        assert r.json() == {"error": "not now", "action_name": "action_reject"}
        r = c.post("/webhook", json={**CALL, "next_action": "action_crash"})
        assert r.status_code == 500 and r.json()["error"] == "boom"
