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


QUZHOU = Path(__file__).resolve().parents[2] / "bench/cases/quzhou/quzhou_hrss_responsibility_list.txt"


@pytest.fixture(scope="module")
def quzhou_kb(tmp_path_factory):
    from knowledge.service import KnowledgeBase, build
    from knowledge.settings import get_settings

    settings = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("quzhou"), "source_path": QUZHOU})
    build(settings)
    kb = KnowledgeBase(settings)
    kb.warm_up()
    return kb


def test_a_brigade_called_by_its_last_words_owns_its_clauses(quzhou_kb):
    # the case-handling clauses say "执法大队"; the duty table names 劳动保障监察综合执法大队 (8869123)
    answer = quzhou_kb.answer("厂里逼着天天加班，加班费也不给，这个能投诉吗，谁管？", intent="ask_complaint", confidence=0.95)
    assert answer.found
    assert "劳动保障监察综合执法大队" in answer.text and "8869123" in answer.text
    assert "办公室" not in answer.text.splitlines()[0]


def test_a_row_answers_a_clause_question_no_clause_answers(quzhou_kb):
    # the NLU calls it a procedure question; the arbitration open day is a public service's part
    answer = quzhou_kb.answer("听说仲裁院有开放日能旁听庭审，多久搞一次？", intent="ask_procedure", confidence=0.94)
    assert answer.found
    assert "仲裁开放日" in answer.text and "每月" in answer.text


def test_an_office_with_a_number_of_its_own_in_a_service_row_has_both_said(quzhou_kb):
    answer = quzhou_kb.answer("仲裁院电话多少？", intent="ask_phone", confidence=0.95)
    assert "8862436" in answer.text and "8862480" in answer.text
    assert {s["id"] for s in answer.sources} >= {"duty-5.1"}
    assert any(s["id"].startswith("service-") for s in answer.sources)
