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


def test_what_the_answer_said_is_a_follow_up_whatever_the_nlu_says(reading):
    assert reading.read("你刚说的那个考核办法是哪年的？", "ask_procedure", 0.95, TOPIC) == "follow_up"
    assert reading.read("你刚说的那个考核办法是哪年的？", "ask_procedure", 0.95, {}) == "ask_procedure"


def test_an_unsure_call_on_a_message_that_leans_on_the_topic_is_a_follow_up(reading):
    assert reading.read("那要是只考了58分呢？", "ask_office", 0.4, TOPIC) == "follow_up"
    # a sure call stands
    assert reading.read("那要是只考了58分呢？", "ask_office", 0.9, TOPIC) == "ask_office"


def test_an_nlu_follow_up_is_kept_and_an_unsure_call_takes_the_question_form(reading):
    assert reading.read("电话呢", "follow_up", 0.3, TOPIC) == "follow_up"
    assert reading.read("这事归哪个部门管？", "ask_service", 0.3, {}) == "ask_office"


def test_an_out_of_scope_call_on_a_message_pointing_at_the_topic_is_a_follow_up(reading):
    assert reading.read("这些活动是哪个单位在张罗，打哪个电话问？", "out_of_scope", 0.7, TOPIC) == "follow_up"
    # unsure of its call, a message leaning on the topic is read with it
    assert reading.read("那要是钱已经打到我们账上了呢？", "out_of_scope", 0.45, TOPIC) == "follow_up"
    # sure of it, a matter the list lacks stays out of scope
    assert reading.read("那护照呢？", "out_of_scope", 0.9, TOPIC) == "out_of_scope"
