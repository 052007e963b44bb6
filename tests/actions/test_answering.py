from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet, UserUtteranceReverted

from actions import answering, messages
from actions.fallback import ActionDefaultFallback
from tests.actions.conftest import DOMAIN, make_tracker

CONTRACT_ACTIONS = {
    "action_answer_office",
    "action_answer_phone",
    "action_answer_complaint",
    "action_answer_penalty",
    "action_answer_boundary",
    "action_answer_service",
    "action_answer_supervision",
    "action_answer_procedure",
    "action_answer_follow_up",
    "action_default_fallback",
    "action_answer_out_of_scope",
    "action_handoff",
    "action_greet",
    "action_help",
    "validate_complaint_form",
    "action_submit_complaint",
}


def test_package_registers_exactly_the_contract_actions():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    names = {a.name for a in executor.list_actions()}
    assert names == CONTRACT_ACTIONS


def test_domain_lists_the_same_actions():
    import pathlib

    import yaml

    domain = yaml.safe_load(pathlib.Path("domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) == CONTRACT_ACTIONS


@pytest.mark.parametrize(
    ("cls", "intent", "name"),
    [
        (answering.ActionAnswerOffice, "ask_office", "action_answer_office"),
        (answering.ActionAnswerPhone, "ask_phone", "action_answer_phone"),
        (answering.ActionAnswerComplaint, "ask_complaint", "action_answer_complaint"),
        (answering.ActionAnswerPenalty, "ask_penalty", "action_answer_penalty"),
        (answering.ActionAnswerBoundary, "ask_boundary", "action_answer_boundary"),
        (answering.ActionAnswerService, "ask_service", "action_answer_service"),
        (answering.ActionAnswerSupervision, "ask_supervision", "action_answer_supervision"),
        (answering.ActionAnswerProcedure, "ask_procedure", "action_answer_procedure"),
        (answering.ActionAnswerFollowUp, "follow_up", "action_answer_follow_up"),
    ],
)
def test_answer_action_names_and_intents(cls, intent, name):
    action = cls()
    assert action.intent == intent
    assert action.name() == name


def test_answer_passes_question_intent_entities_and_context(kb, dispatcher):
    previous = {"intent": "ask_office", "office": "农保中心", "ids": ["D8"], "question": "农保中心负责什么"}
    tracker = make_tracker(
        "他们电话多少",
        "ask_phone",
        entities=[
            {"entity": "office", "value": "社会保障中心"},
            {"entity": "office", "value": "社会保障中心"},  # duplicates collapse
            {"entity": "count", "value": "2个"},
            {"entity": "something_else", "value": "x"},  # not a contract entity
        ],
        slots={"kb_context": previous},
    )
    events = answering.ActionAnswerPhone().run(dispatcher, tracker, DOMAIN)

    assert kb.calls == [
        {
            "question": "他们电话多少",
            "intent": "ask_phone",
            "entities": {"office": ["社会保障中心"], "count": ["2个"]},
            "context": previous,
            "confidence": 0.99,  # the NLU's confidence is the knowledge layer's prior
        }
    ]
    [msg] = dispatcher.messages
    assert msg["text"] == kb.next_answer.text
    assert msg["buttons"] == kb.next_answer.buttons
    assert msg["custom"]["sources"] == kb.next_answer.sources
    assert msg["custom"]["route"] == "knowledge" and msg["custom"]["scores"] == {"D1": 0.9}
    assert events == [SlotSet("kb_context", kb.next_answer.context)]


def test_answer_without_context_slot_passes_none(kb, dispatcher):
    answering.ActionAnswerOffice().run(dispatcher, make_tracker("职称申报找哪个科", "ask_office"), DOMAIN)
    assert kb.calls[0]["context"] is None
    assert kb.calls[0]["entities"] == {}


def test_answer_sends_sources_even_when_empty(kb, dispatcher):
    kb.next_answer.sources = []
    answering.ActionAnswerPenalty().run(dispatcher, make_tracker("怎么罚", "ask_penalty"), DOMAIN)
    assert dispatcher.messages[0]["custom"]["sources"] == []


def test_an_answer_that_found_nothing_offers_a_human_not_a_number(kb, dispatcher):
    kb.next_answer.found = False
    kb.next_answer.sources = []
    kb.next_answer.text = "抱歉，清单中没有找到与您的问题直接对应的内容。"
    kb.next_answer.buttons = [{"title": "职称申报推荐", "payload": "职称申报推荐"}]
    answering.ActionAnswerOffice().run(dispatcher, make_tracker("教师资格证找哪个科", "ask_office"), DOMAIN)
    [msg] = dispatcher.messages
    assert msg["text"].endswith(messages.HANDOFF_HINT) and msg["custom"]["route"] == "not_found"
    assert msg["buttons"] == [{"title": "职称申报推荐", "payload": "职称申报推荐"}, messages.HANDOFF_BUTTON]


def test_answer_when_knowledge_fails_apologises_and_keeps_context(kb, dispatcher):
    kb.fail = True
    events = answering.ActionAnswerOffice().run(dispatcher, make_tracker("谁管", "ask_office"), DOMAIN)
    assert [m["text"] for m in dispatcher.messages] == [messages.KB_UNAVAILABLE]
    assert events == []


def test_fallback_answers_from_retrieval_when_found(kb, dispatcher):
    tracker = make_tracker("那个养老的事咋整", "nlu_fallback")
    events = ActionDefaultFallback().run(dispatcher, tracker, DOMAIN)
    assert kb.calls[0]["intent"] is None
    assert dispatcher.messages[0]["text"] == kb.next_answer.text
    assert dispatcher.messages[0]["custom"]["sources"] == kb.next_answer.sources
    assert events == [UserUtteranceReverted(), SlotSet("kb_context", kb.next_answer.context)]


def test_fallback_says_not_found_and_offers_help(kb, dispatcher):
    kb.next_answer.found = False
    events = ActionDefaultFallback().run(dispatcher, make_tracker("阿巴阿巴", "nlu_fallback"), DOMAIN)
    [msg] = dispatcher.messages
    assert msg["text"] == messages.not_found()
    assert msg["buttons"] == messages.NOT_FOUND_BUTTONS
    # the conversation's context, as knowledge/ gives it back (noting the miss), is kept
    assert events == [UserUtteranceReverted(), SlotSet("kb_context", kb.next_answer.context)]


def test_fallback_survives_a_knowledge_failure(kb, dispatcher):
    kb.fail = True
    events = ActionDefaultFallback().run(dispatcher, make_tracker("？？", "nlu_fallback"), DOMAIN)
    assert dispatcher.messages[0]["text"] == messages.not_found()
    assert events == [UserUtteranceReverted()]


def test_greeting_and_help_name_the_bureau_from_the_knowledge_base(kb, dispatcher):
    from actions.greeting import ActionGreet, ActionHelp
    from tests.actions.conftest import FAKE_IDENTITY

    assert ActionGreet().run(dispatcher, make_tracker("你好", "greet"), DOMAIN) == []
    ActionHelp().run(dispatcher, make_tracker("你能做什么", "help"), DOMAIN)
    greet, help_ = dispatcher.messages
    assert FAKE_IDENTITY.bureau in greet["text"] and greet["buttons"] == messages.GREETING_BUTTONS
    assert f"《{FAKE_IDENTITY.title}》" in help_["text"] and help_["buttons"] == messages.HELP_BUTTONS
    assert FAKE_IDENTITY.short_name in messages.not_found() and FAKE_IDENTITY.short_name in messages.out_of_scope()


def test_texts_stay_unnamed_but_whole_when_the_knowledge_base_fails(kb, dispatcher):
    from actions.greeting import ActionGreet

    kb.fail = True
    ActionGreet().run(dispatcher, make_tracker("你好", "greet"), DOMAIN)
    assert dispatcher.messages[0]["text"].startswith(f"您好！我是{messages.UNKNOWN_IDENTITY.bureau}的")
    assert "{" not in messages.not_found() + messages.out_of_scope() + messages.help_text()
