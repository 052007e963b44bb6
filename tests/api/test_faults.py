"""Faults: a slow or failing custom action gives the user the fallback (not a hang), Rasa down
gives a friendly 503 and the gateway recovers by itself when Rasa is back."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.main import create_app


class SlowAction:
    """Registered with rasa_sdk's executor next to the project's actions."""

    seconds = 3.0

    @staticmethod
    def make():
        from rasa_sdk import Action

        class _Slow(Action):
            def name(self):
                return "action_test_slow"

            def run(self, dispatcher, tracker, domain):
                time.sleep(SlowAction.seconds)  # a blocking call, like a stuck database
                dispatcher.utter_message(text="太慢的回答")
                return []

        class _Broken(Action):
            def name(self):
                return "action_test_broken"

            def run(self, dispatcher, tracker, domain):
                raise RuntimeError("knowledge base exploded")

        return _Slow, _Broken


@pytest.fixture(scope="module")
def slow_system(data_dir, app_settings, support):
    """Action server (timeout 0.5 s) with the slow and broken actions, a Rasa stand-in, the app."""
    from actions.report import build_executor
    from bot.actions_server import create_action_app

    executor = build_executor("actions")
    for cls in SlowAction.make():
        executor.register_action(cls)
    port = support.free_port()
    with support.ThreadedServer(create_action_app(executor, timeout=0.5), port):
        action_url = f"http://127.0.0.1:{port}"
        with support.FakeRasa(action_url) as rasa:
            settings = app_settings(rasa_url=rasa.url, action_port=port, rasa_timeout=5.0)
            with TestClient(create_app(settings)) as client:
                yield client, action_url


@pytest.mark.parametrize("action", ["action_test_slow", "action_test_broken"])
def test_slow_or_failing_action_gives_the_fallback(slow_system, action):
    client, _ = slow_system
    t0 = time.monotonic()
    r = client.post("/api/chat", json={"sender_id": "slow-action-01", "message": f"__action__:{action}"})
    elapsed = time.monotonic() - t0
    assert r.status_code == 200, r.text
    text = r.json()["replies"][0]["text"]
    assert "抱歉" in text and "7523309" in text  # the fallback, with the bureau's phone
    assert "太慢" not in text
    assert elapsed < 2.5, f"the user waited {elapsed:.1f} s"
    conv = client.app.state.store.get_conversation(r.json()["message_id"])
    assert conv.fallback is True  # so it shows up among the unanswered questions


def test_action_server_answers_a_timeout_with_an_error_status(slow_system):
    _, action_url = slow_system
    call = {"next_action": "action_test_slow", "tracker": {"sender_id": "x1", "slots": {}}, "domain": {}}
    r = httpx.post(action_url + "/webhook", json=call, timeout=10)
    assert r.status_code == 504  # Rasa: "failed custom action", events dropped, goes on
    assert r.json()["action_name"] == "action_test_slow"


def test_broken_action_does_not_echo_the_conversation(slow_system):
    _, action_url = slow_system
    call = {
        "next_action": "action_test_broken",
        "tracker": {"sender_id": "x2", "slots": {"complaint_contact": "13812345678"}},
        "domain": {},
    }
    r = httpx.post(action_url + "/webhook", json=call, timeout=10)
    assert r.status_code == 500
    assert "13812345678" not in r.text and "request_body" not in r.json()


def test_a_slow_action_does_not_block_the_event_loop(slow_system):
    """Actions run in worker threads: the app (same process, same loop) keeps answering."""
    client, action_url = slow_system
    done = threading.Event()

    def slow_turn():
        client.post("/api/chat", json={"sender_id": "slow-action-02", "message": "__action__:action_test_slow"})
        done.set()

    threading.Thread(target=slow_turn, daemon=True).start()
    time.sleep(0.1)
    t0 = time.monotonic()
    assert httpx.get(action_url + "/health", timeout=5).status_code == 200
    assert time.monotonic() - t0 < 0.3
    assert done.wait(5)


def test_rasa_down_is_503_and_recovers_by_itself(app_settings, action_server, support):
    FakeRasa = support.FakeRasa
    port = support.free_port()
    settings = app_settings(rasa_url=f"http://127.0.0.1:{port}", rasa_timeout=3.0)
    with TestClient(create_app(settings)) as c:
        t0 = time.monotonic()
        r = c.post("/api/chat", json={"sender_id": "recover-0001", "message": "你好"})
        assert r.status_code == 503 and time.monotonic() - t0 < 3
        detail = r.json()["detail"]
        assert detail.startswith("抱歉") and "7523309" in detail and "Traceback" not in detail
        with FakeRasa(action_server, port=port):
            r = c.post("/api/chat", json={"sender_id": "recover-0001", "message": "农保中心电话是多少"})
            assert r.status_code == 200 and "7591916" in r.text
            assert c.get("/healthz").json()["rasa"] is True


def test_default_timeouts_are_ordered():
    """A slow action must end (10 s) well before the gateway gives up on Rasa (30 s), and Rasa's
    own action timeout (fixed, 5 minutes) never comes into play."""
    from bot.core.config import AppSettings

    s = AppSettings()
    assert s.action_timeout < s.rasa_timeout < 300
