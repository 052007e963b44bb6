"""The NLU's embedding of the message (parse data ``query_vector``) reaches ``kb.answer``."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions import answering, common, fallback
from tests.actions.conftest import DOMAIN, FakeKB, make_tracker

PAYLOAD = {"model": "m@1", "prefix": "query: ", "text_sha256": "0" * 16, "format": "f32le-b64", "dim": 1,
           "data": "AACAPw=="}


class VectorKB(FakeKB):
    def answer(self, question, intent=None, entities=None, context=None, confidence=None, query_vector=None):
        result = super().answer(question, intent, entities, context, confidence)
        self.calls[-1]["query_vector"] = query_vector
        return result


@pytest.fixture
def vkb(monkeypatch: pytest.MonkeyPatch) -> VectorKB:
    fake = VectorKB()
    monkeypatch.setattr(common, "get_kb", lambda: fake)
    return fake


def _with_vector(tracker: Tracker) -> Tracker:
    tracker.latest_message["query_vector"] = PAYLOAD
    return tracker


@pytest.mark.parametrize("action,intent", [
    (answering.ActionAnswerOffice(), "ask_office"),
    (fallback.ActionDefaultFallback(), None),
    (fallback.ActionAnswerOutOfScope(), "out_of_scope"),
])
def test_the_parse_datas_vector_is_handed_to_the_knowledge_layer(vkb, dispatcher, action, intent):
    action.run(dispatcher, _with_vector(make_tracker("职称申报找哪个科", intent)), DOMAIN)
    assert vkb.calls[-1]["query_vector"] == PAYLOAD


def test_without_a_vector_the_old_call_is_made(kb, dispatcher):
    # a knowledge layer (or a test double) without the parameter is called as before
    answering.ActionAnswerOffice().run(dispatcher, make_tracker("职称申报找哪个科", "ask_office"), DOMAIN)
    assert "query_vector" not in kb.calls[-1] and dispatcher.messages


def test_a_malformed_vector_is_not_passed():
    tracker = make_tracker("职称申报找哪个科", "ask_office")
    tracker.latest_message["query_vector"] = "AACAPw=="
    assert common.latest_query_vector(tracker) is None
    assert common.latest_query_vector(make_tracker("x")) is None
