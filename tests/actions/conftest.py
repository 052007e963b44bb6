"""Fixtures for the custom-action tests: real rasa_sdk Trackers and CollectingDispatchers, a fake
knowledge base that records its calls, and a real AppStore in a temporary directory."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from knowledge.answers import Answer
from knowledge.identity import Identity
from knowledge.records import Office

DOMAIN: dict[str, Any] = {
    "slots": {},
    "forms": {
        "complaint_form": {
            "required_slots": [
                "complaint_employer",
                "complaint_details",
                "complaint_since_amount",
                "complaint_contact",
                "complaint_confirmed",
            ]
        }
    },
}


# The knowledge layer's own record types: the scripted stand-in below returns real ones.
FakeOffice = Office
FAKE_IDENTITY = Identity("测试县", "测试县人力资源和社会保障局", "测试县人社局", "2222222", "测试县人力资源和社会保障局责任清单")


def FakeAnswer(text: str, sources=None, buttons=None, found: bool = True, context=None) -> Answer:  # noqa: N802
    """A found :class:`knowledge.answers.Answer` unless told otherwise."""
    return Answer(text, list(sources or []), list(buttons or []), found, dict(context or {}))


class FakeKB:
    """Stands in for knowledge.service.KnowledgeBase; answers are scripted per test."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.next_answer = FakeAnswer(
            text="【测试答案】",
            sources=[{"id": "D1", "citation": "责任清单 第1项", "excerpt": "……"}],
            buttons=[{"title": "电话", "payload": "电话呢"}],
            context={"intent": "ask_office", "office": "测试科", "ids": ["D1"], "question": "q"},
        )
        self.offices_list = [
            FakeOffice("测试科", ["测试股"], "1111111"),
            FakeOffice("总办", ["办公室"], "2222222"),
        ]
        self.fail = False

    @property
    def identity(self) -> Identity:
        if self.fail:
            raise RuntimeError("knowledge store not built")
        return FAKE_IDENTITY

    def source_scores(self, question: str, ids: list[str]) -> dict[str, float]:
        return {pid: 0.9 for pid in ids}

    def answer(
        self,
        question: str,
        intent: str | None = None,
        entities: dict | None = None,
        context: dict | None = None,
        confidence: float | None = None,
    ):
        self.calls.append({"question": question, "intent": intent, "entities": entities, "context": context,
                           "confidence": confidence})
        if self.fail:
            raise RuntimeError("knowledge store not built")
        return self.next_answer

    def offices(self):
        if self.fail:
            raise RuntimeError("knowledge store not built")
        return self.offices_list


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch) -> FakeKB:
    fake = FakeKB()
    monkeypatch.setattr(common, "get_kb", lambda: fake)
    return fake


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path):
    from appdata.store import AppStore

    s = AppStore(tmp_path / "app.db")
    monkeypatch.setattr(common, "get_store", lambda: s)
    yield s
    s.close()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[dict] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict] | None = None,
    active_loop: str | None = None,
    sender_id: str = "tester",
    confidence: float = 0.99,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": entities or [],
    }
    user_event = {"event": "user", "text": text, "parse_data": latest}
    return Tracker(
        sender_id=sender_id,
        slots=dict(slots or {}),
        latest_message=latest,
        events=list(events if events is not None else [user_event]),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def slot_events(**slots: Any) -> list[dict]:
    return [{"event": "slot", "name": k, "value": v} for k, v in slots.items()]
