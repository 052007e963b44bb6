from __future__ import annotations

from actions import handoff, messages
from tests.actions.conftest import DOMAIN, make_tracker


def _events(*texts: str) -> list[dict]:
    return [{"event": "user", "text": t} for t in texts]


def test_handoff_creates_ticket_then_gives_the_offices_phone(kb, store, dispatcher, monkeypatch):
    monkeypatch.setattr(handoff, "HANDOFF_OFFICE", "办公室")  # an alias of 总办 in the fake KB
    tracker = make_tracker(
        "转人工",
        "request_human",
        events=_events("你好", "我的身份证号是130430199001011234，社保断缴了怎么办", "转人工"),
        sender_id="u-42",
    )
    events = handoff.ActionHandoff().run(dispatcher, tracker, DOMAIN)

    [ticket] = store.list_tickets()
    assert ticket.kind == "handoff"
    assert ticket.sender_id == "u-42"
    assert ticket.office == "办公室"
    assert ticket.phone == "2222222"  # from kb.offices(), never typed in code
    assert ticket.fields["request"] == "转人工"
    recent = ticket.fields["recent_questions"]
    assert recent[0] == "你好"
    assert "130430199001011234" not in recent[1]  # personal numbers are masked

    assert kb.calls[0]["intent"] == "ask_phone"
    assert kb.calls[0]["entities"] == {"office": ["办公室"]}
    [msg] = dispatcher.messages
    assert ticket.ref in msg["text"]
    assert kb.next_answer.text in msg["text"]
    assert msg["custom"]["sources"] == kb.next_answer.sources
    assert events == []


def test_handoff_still_helps_when_the_store_fails(kb, dispatcher, monkeypatch):
    from actions import common

    def broken_store():
        raise OSError("disk full")

    monkeypatch.setattr(common, "get_store", broken_store)
    handoff.ActionHandoff().run(dispatcher, make_tracker("人工", "request_human"), DOMAIN)
    [msg] = dispatcher.messages
    assert msg["text"].startswith(messages.HANDOFF_FAILED)
    assert kb.next_answer.text in msg["text"]


def test_handoff_without_knowledge_still_records_the_request(kb, store, dispatcher):
    kb.fail = True
    handoff.ActionHandoff().run(dispatcher, make_tracker("人工", "request_human"), DOMAIN)
    [ticket] = store.list_tickets()
    assert ticket.phone is None
    assert ticket.ref in dispatcher.messages[0]["text"]
