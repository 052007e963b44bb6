"""One question asked of several matters, follow-ups pointing at the story's party, and table rows
shown beside the answer, with the real embedding model, on questions written for these tests."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_one_phone_question_of_two_matters_gives_both_numbers(real_kb):
    answer = real_kb.answer("俺想举报有人骗保冒领社保钱，另外还想问问农村老人的养老保险，两个电话都给俺说一下。",
                            intent="ask_phone", confidence=0.44)
    assert answer.found
    assert "8565682" in answer.text
    assert "7591916" in answer.text
    assert answer.text.count("问：") == 2


def test_matters_typed_with_spaces_for_marks(real_kb):
    answer = real_kb.answer("农保中心电话 还有举报骗保的电话 都发我下 谢谢")
    assert "7591916" in answer.text
    assert "8565682" in answer.text


def test_which_two_offices_of_one_matter_is_one_question(real_kb):
    answer = real_kb.answer("有家定点培训学校学员都是挂名的，根本没上课，平时是人社局哪两个部门在监管？",
                            intent="ask_office", confidence=0.9)
    assert answer.found
    assert "问：" not in answer.text
    assert "劳动科" in answer.text and "就业局" in answer.text


def test_a_follow_up_naming_the_storys_party_asks_of_its_act(real_kb):
    # "这种中介" is the agency that placed a girl of fifteen: its rule, not any agency rule
    first = real_kb.answer("有个中介把俺邻居家十五岁的闺女介绍到外地厂子里干活去了。")
    assert first.found
    second = real_kb.answer("这种中介罚多少钱？", intent="ask_penalty", confidence=0.99, context=first.context)
    assert second.found
    assert "五千元" in second.text and "吊销" in second.text
    assert "转借" not in second.text


def test_a_large_fine_decided_in_a_meeting_is_the_collective_discussion(real_kb):
    first = real_kb.answer("监察大队罚款最后是谁拍板定的？", intent="ask_procedure", confidence=0.99)
    second = real_kb.answer("要是罚得多，是一个人说了算还是得开会定？", intent="ask_procedure", confidence=0.46,
                            context=first.context)
    assert second.found
    assert "集体讨论" in second.text.splitlines()[0]


def test_a_row_shown_beside_the_answer_shows_its_duty_nearest_the_question(real_kb):
    # the 劳动科 row's duty on foreign workers, not its first "负责…" sentence
    answer = real_kb.answer("公司想招几个外国来的普通工人，这方面的就业管理政策归哪个部门管",
                            intent="ask_office", confidence=0.98)
    assert answer.context["office"].startswith("就业局")
    beside = [line for line in answer.text.splitlines() if line.startswith("另见：")]
    assert beside and all("境外" in line for line in beside)


def test_matters_told_in_a_message_the_nlu_cannot_place_ask_their_numbers(real_kb):
    # no intent: each matter is asked its number ("告诉我" is no 告知 of an audit's result)
    answer = real_kb.answer("我跟厂里闹纠纷要打仲裁，俺爸在村里交城乡养老保险，两个电话都告诉我呗。")
    assert answer.found
    assert "劳动仲裁科" in answer.text and "农保中心" in answer.text
    assert "7591916" in answer.text
    assert "稽核" not in answer.text


def test_a_follow_up_naming_another_systems_check_asks_its_frequency(real_kb):
    first = real_kb.answer("发就业补贴的那些单位，你们平时多长时间检查一回？", intent="ask_supervision", confidence=0.94)
    second = real_kb.answer("那社保经办的内部稽核呢，多长时间一回？", intent="ask_supervision", confidence=0.77,
                            context=first.context)
    assert second.found
    assert "每月对上个月" in second.text
    assert "每季度一次" not in second.text


def test_a_key_held_down_is_no_matter_the_list_lacks(real_kb):
    assert real_kb.retriever.unknown_matter_words("农保中心电话多少啊啊啊") == []
