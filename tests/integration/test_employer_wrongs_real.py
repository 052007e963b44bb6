"""An employer's wrong and the complaint about it, with the real embedding model, on questions
written for these tests: a wrong found in another party's rules by a word they share, a fine asked
of it after the story, and the complaint's own time limits asked in a conversation about it."""

from __future__ import annotations

import pytest

from tests.conversation import talk

pytestmark = pytest.mark.integration

WAGES_ACT = "sup-7.7"  # (五)用人单位克扣或者无故拖欠劳动者工资的
HOW_FINES_ARE_SET = "sup-7.20"  # 给予罚款处罚的，按照行政处罚裁量标准计算出罚款数额
AGENCIES_RULES = "sup-2."  # 人力资源服务机构违反本条例规定…: the agencies' fines


def _ids(answer) -> list[str]:
    return [s["id"] for s in answer.sources]


def test_an_employers_wrong_sharing_a_word_with_an_agencys_rule_goes_to_the_labour_inspectors(real_kb):
    # "不合格" is in the agencies' "年检不合格…"; the wrong told is the employer's, on wages
    answer = real_kb.answer("俺在面馆打工，老板说俺试用期考核不合格，工钱只给一半。", intent=None,
                            confidence=None, context={})
    assert answer.found and "劳动监察保障大队" in answer.text
    assert not any(pid.startswith(AGENCIES_RULES) for pid in _ids(answer))


def test_a_fine_asked_after_the_employers_story_says_the_list_sets_no_sum_and_how_it_is_set(real_kb):
    answer = talk(real_kb, ("俺在面馆打工，老板说俺试用期考核不合格，工钱只给一半。", None, None),
                   ("这样的老板能罚多少钱？", None, None))
    assert answer.found and "没有载明" in answer.text and "劳动监察保障大队" in answer.text
    assert HOW_FINES_ARE_SET in _ids(answer) and "裁量标准" in answer.text
    assert not any(pid.startswith(AGENCIES_RULES) for pid in _ids(answer))


def test_a_fine_asked_of_an_employer_cites_how_the_sum_is_set(real_kb):
    answer = real_kb.answer("老板克扣工资，会被罚多少？", intent="ask_penalty", confidence=0.9, context={})
    assert answer.found and _ids(answer)[0] == WAGES_ACT and HOW_FINES_ARE_SET in _ids(answer)


def test_the_complaints_time_limit_asked_in_a_conversation_about_it_is_the_inspectors(real_kb):
    # the conversation is at the labour inspectors' channel; 投诉举报 also names the fund's hotline
    # clause, whose system's report takes "10 日内"
    answer = talk(real_kb, ("俺们厂老板说生意不好，仨月没开工资了，俺们一百多号人呢。", "ask_office", 0.45),
                   ("俺想去投诉，该找哪个单位？", "ask_complaint", 0.6),
                   ("投诉了以后多久能有结果？", "ask_procedure", 0.7))
    assert answer.found and answer.context["system"] == "sup-7"
    assert "60 个工作日" in answer.text and "10 日内" not in answer.text
