"""Folding Rasa REST channel output into replies and sources."""

from __future__ import annotations

from bot.rasa_client import parse_messages


def test_text_buttons_then_custom_sources():
    turn = parse_messages(
        [
            {
                "recipient_id": "u",
                "text": "农保中心电话：7591916",
                "buttons": [{"title": "还有什么", "payload": "/help"}],
            },
            {
                "recipient_id": "u",
                "custom": {
                    "sources": [
                        {"id": "duty-8.2", "citation": "部门职责登记表 第8项", "excerpt": "城乡居民养老保险"},
                        {"id": "duty-8.2", "citation": "dup", "excerpt": ""},
                    ]
                },
            },
        ]
    )
    assert turn.replies == [
        {"text": "农保中心电话：7591916", "buttons": [{"title": "还有什么", "payload": "/help"}]}
    ]
    assert turn.sources == [
        {"id": "duty-8.2", "citation": "部门职责登记表 第8项", "excerpt": "城乡居民养老保险"}
    ]


def test_split_text_and_odd_items():
    turn = parse_messages(
        [
            {"recipient_id": "u", "text": "第一段"},
            {"recipient_id": "u", "text": "第二段"},
            {"recipient_id": "u", "buttons": [{"title": "按钮"}]},
            {"recipient_id": "u", "image": "http://x/y.png"},
            {"recipient_id": "u", "custom": {"sources": ["bad", {"id": ""}]}},
            "garbage",
        ]
    )
    assert [r["text"] for r in turn.replies] == ["第一段", "第二段"]
    assert turn.replies[1]["buttons"] == [{"title": "按钮", "payload": "按钮"}]
    assert turn.sources == []


def test_not_a_list():
    assert parse_messages({"error": "x"}).replies == []


def test_turn_reports_are_read_and_never_become_replies():
    from appdata.turns import TurnReport

    report = TurnReport(action="validate_complaint_form", intent="nlu_fallback", secrets=("13812345678",),
                        message_is_secret=True)
    turn = parse_messages(
        [
            {"recipient_id": "u", "text": "请核对您的投诉信息"},
            {"recipient_id": "u", "custom": report.payload()},
            {"recipient_id": "u", "custom": {**TurnReport(action="action_x").payload(), "sources": [
                {"id": "d1", "citation": "第1项", "excerpt": ""}]}},
            {"recipient_id": "u", "custom": {"jize_turn": "not a report"}},
        ]
    )
    assert turn.replies == [{"text": "请核对您的投诉信息", "buttons": []}]
    assert turn.sources == [{"id": "d1", "citation": "第1项", "excerpt": ""}]
    assert turn.reports == [report, TurnReport(action="action_x")]
