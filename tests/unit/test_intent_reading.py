"""How the NLU's call is read in the conversation (knowledge.compose.reading), on the real list."""

from __future__ import annotations

import pytest

from knowledge.compose.out_of_scope import OutOfScopeGate
from knowledge.compose.reading import IntentReading


@pytest.fixture(scope="module")
def reading(fake_kb):
    retriever = fake_kb._retriever
    return IntentReading(retriever, OutOfScopeGate(retriever), weak_intent=0.6, prior_confidence=0.8)


TOPIC = {"topic": "定点培训机构考核多少分合格", "ids": ["sup-1.1"]}


@pytest.mark.parametrize(
    "message,intent,confidence,context,read",
    [
        # what the answer said is asked of it whatever the NLU says; without an answer, the call stands
        ("你刚说的那个考核办法是哪年的？", "ask_procedure", 0.95, TOPIC, "follow_up"),
        ("你刚说的那个考核办法是哪年的？", "ask_procedure", 0.95, {}, "ask_procedure"),
        # an unsure call on a message that leans on the topic; a sure call stands
        ("那要是只考了58分呢？", "ask_office", 0.4, TOPIC, "follow_up"),
        ("那要是只考了58分呢？", "ask_office", 0.9, TOPIC, "ask_office"),
        # the NLU's follow-up is kept; an unsure call takes the question's form
        ("电话呢", "follow_up", 0.3, TOPIC, "follow_up"),
        ("这事归哪个部门管？", "ask_service", 0.3, {}, "ask_office"),
        # an out-of-scope call on a message pointing at the topic, or leaning on it while unsure
        ("这些活动是哪个单位在张罗，打哪个电话问？", "out_of_scope", 0.7, TOPIC, "follow_up"),
        ("那要是钱已经打到我们账上了呢？", "out_of_scope", 0.45, TOPIC, "follow_up"),
        # sure of it, a matter the list lacks stays out of scope
        ("那护照呢？", "out_of_scope", 0.9, TOPIC, "out_of_scope"),
        # (the words that ask are no matter of the list: "电话" beside 护照 does not make it a detail)
        ("那护照找谁办？电话多少？", "out_of_scope", 0.9, TOPIC, "out_of_scope"),
        # a message that only asks (who, the number) names no matter: it asks about the topic
        ("找谁管？电话多少？", "out_of_scope", 0.8, TOPIC, "ask_office"),
        ("找谁管？电话多少？", "out_of_scope", 0.8, {}, "out_of_scope"),
        # a boundary call without much confidence keeps the search to boundary rows only when the
        # message asks whether the bureau is the place; a sure call stands
        ("人社局会不会去查那些职业中介？", "ask_boundary", 0.65, {}, None),
        ("隔壁厂子偷偷排污，找人社局管用不？该找谁？", "ask_boundary", 0.62, {}, "ask_boundary"),
        ("人社局会不会去查那些职业中介？", "ask_boundary", 0.9, {}, "ask_boundary"),
        # an unsure penalty call on a message that asks no fine and no sanction is no guess to keep;
        # one that asks what is done to the offender, or a sure call, stands
        ("领过就业补贴的厂子还会回头来查吗，多长时间查一次", "ask_penalty", 0.43, {}, None),
        ("领了补贴没按规定用会被怎么处理", "ask_penalty", 0.43, {}, "ask_penalty"),
        ("领过就业补贴的厂子还会回头来查吗，多长时间查一次", "ask_penalty", 0.9, {}, "ask_penalty"),
    ],
)
def test_the_nlus_call_is_read_in_the_conversation(reading, message, intent, confidence, context, read):
    assert reading.read(message, intent, confidence, context) == read
