"""Another county's list, written apart from the code (bench/cases/guangping/): its offices are
named otherwise, duties moved between them, amounts and time limits changed, items added. Built
with the real embedding model, the knowledge layer answers from that list - its offices, numbers
and amounts - and never from the shipped one's."""

from __future__ import annotations

from pathlib import Path

import pytest

LIST = Path(__file__).resolve().parents[2] / "bench/cases/guangping/guangping_hrss_responsibility_list.txt"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def guangping_kb(tmp_path_factory):
    from knowledge.service import KnowledgeBase, build
    from knowledge.settings import get_settings

    settings = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("guangping"),
                                                 "source_path": LIST})
    build(settings)
    kb = KnowledgeBase(settings)
    kb.warm_up()
    return kb


def test_who_it_speaks_for_comes_from_the_list(guangping_kb):
    assert guangping_kb.identity.county == "广平县"


@pytest.mark.parametrize("question,intent,expected,not_expected", [
    # offices named otherwise, and a duty the shipped list gives to another office
    ("在厂里干活把手轧伤了，要申请工伤认定，县人社局哪个部门受理？", "ask_office", ["工伤保险股"], ["社会保障中心"]),
    ("对人社局的决定不服要申请行政复议，局里哪个股室承办？", "ask_office", ["政策法规股"], ["办公室"]),
    ("就业服务中心的电话是多少？", "ask_phone", ["2523517"], ["7523309"]),
    # time limits and amounts of its own
    ("我去人社局投诉了欠薪，窗口多长时间内把我的投诉录入系统？", "ask_procedure", ["3个工作日"], ["5个工作日"]),
    ("社保稽核发现违规，处理决定书在稽核结束后几天内送达？", "ask_procedure", ["7个工作日"], []),
    ("有人没有许可证就开职业中介所给人介绍工作，怎么罚？", "ask_penalty", ["10000 元以上 50000 元以下"], ["30000"]),
    # a fine that is a multiple of the sum taken, not an amount in 元, when "罚多少" is asked
    ("有人伪造材料骗取社会保险待遇，除了退回还罚多少？", "ask_penalty", ["二倍以上五倍以下"], []),
])
def test_answers_come_from_that_list(guangping_kb, question, intent, expected, not_expected):
    answer = guangping_kb.answer(question, intent=intent, confidence=0.95)
    assert answer.found, answer.text
    for text in expected:
        assert text in answer.text, answer.text
    for text in not_expected:
        assert text not in answer.text, answer.text
    assert "鸡泽" not in answer.text


def test_a_list_whose_seal_lines_are_unsigned_names_no_principal(guangping_kb):
    answer = guangping_kb.answer("你们局长是谁？")
    assert not answer.found and "姓名" in answer.text


def test_a_service_row_that_states_the_time_asked_answers_it(guangping_kb):
    # "对农民工欠薪投诉实行当日受理": the winter campaign's row says how soon, in its own words
    answer = guangping_kb.answer("根治欠薪冬季专项行动期间，农民工投诉欠薪咋处理，要等多久才受理？",
                                 intent="ask_complaint", confidence=0.8)
    assert answer.found
    assert "当日受理" in answer.text
