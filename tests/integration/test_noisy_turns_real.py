"""Noisy messages and the turns after a story, with the real embedding model, on questions written
for these tests: an office's name with a character picked by its look, a word jieba glues to a word
of the list, a story's party pointed back at by an everyday word the list lacks, a document a
follow-up names, chatter after the clause that asks, and another system's line kept out of a phone
answer."""

from __future__ import annotations

import pytest

from tests.conversation import talk

pytestmark = pytest.mark.integration

DECISION_SERVED = "sup-6.27"  # 稽核部门应在稽核结束后 10 个工作日内将《…处理决定书》送达被稽核对象
FUND_HOTLINE = "8565682"  # the social insurance fund's complaint line, not the labour inspectors'



def test_an_office_name_with_a_character_picked_by_its_look_is_the_office(real_kb):
    # 栽 looks like 裁 and does not sound like it; the NLU calls the message out of scope
    answer = real_kb.answer("仲栽科的 电话是多少", intent="out_of_scope", confidence=0.98, context={})
    assert answer.found
    assert "劳动仲裁科" in answer.text and "7523309" in answer.text


def test_a_word_glued_to_what_follows_it_is_the_lists_word(real_kb):
    # jieba's HMM makes one word of "村医归": the list's 村医 (人事科's duty) is still said
    answer = real_kb.answer("村医归谁管", intent="ask_office", confidence=0.8, context={})
    assert answer.found and "人事科" in answer.text


def test_a_word_whose_last_character_jieba_glues_to_the_next_is_the_lists_word(real_kb):
    # "村医是" is cut 村 + 医是 by jieba's HMM; the word announcing another matter ("事儿") names none
    answer = talk(real_kb, ("有没有创业孵化基地？", None, None),
                   ("换个事儿，俺们村的村医是人社局哪个科管？", None, None))
    assert answer.found and "人事科" in answer.text and "不在" not in answer.text


def test_the_storys_party_pointed_back_at_is_no_matter_the_list_lacks(real_kb):
    # "这学校" is the story's 培训学校, not a school the list does not cover
    answer = talk(real_kb, ("镇上有家培训学校找了一帮人冒充学员签到，一节课也没开过。", None, None),
                   ("这学校这样搞，查实了会怎么处理？", "ask_penalty", 0.59))
    assert answer.found and "不在" not in answer.text
    assert any(measure in answer.text for measure in ("批评教育", "取消培训资格", "培训经费减半"))


def test_a_document_the_follow_up_names_is_answered_by_the_clause_that_holds_it(real_kb):
    # the clause just quoted (a warning for a light breach) states a time too, 立即; it holds no
    # 处理决定书
    answer = talk(real_kb, ("俺们诊所让社保稽核查出来违规刷卡了", "ask_penalty", 0.86),
                   ("那处理决定书几天能送到？", "ask_procedure", 0.91))
    assert answer.found and answer.context["ids"][0] == DECISION_SERVED
    assert "10 个工作日" in answer.text


def test_chatter_after_the_asking_clause_leaves_the_follow_up_on_the_topic(real_kb):
    # the NLU's out-of-scope call is on the weather; "那得查多长时间啊" asks about the complaint
    answer = talk(real_kb, ("俺去投诉老板欠工资，人家说给立上案了", "ask_complaint", 0.75),
                   ("那得查多长时间啊 急死人了 这两天刮大风活也干不了 唉", "out_of_scope", 0.9))
    assert answer.found and "60 个工作日" in answer.text


def test_a_phone_answer_shows_no_other_systems_line(real_kb):
    # (read as a complaint: the fund's clause on its hotline states a number too)
    answer = real_kb.answer("俺就要监察大队的电话，打过去能举报老板不", intent="ask_complaint", confidence=0.8, context={})
    assert answer.found and "7523309" in answer.text
    assert FUND_HOTLINE not in answer.text


def test_the_clause_the_caller_says_is_not_their_case_is_not_shown_again(real_kb):
    answer = talk(real_kb, ("社保稽核查完了没问题的话，几天告诉结果？", "ask_procedure", 0.95),
                   ("不是，俺们查出来违规了还造成了损失，处理决定书多少天能送过来？", "ask_procedure", 0.9))
    assert answer.found and answer.context["ids"][0] == DECISION_SERVED
    assert "10 个工作日" in answer.text
    assert "5 个工作日" not in answer.text  # the no-violation case just told, which the caller denied


def test_a_fine_asked_of_an_employer_is_not_an_agencys_rule(real_kb):
    # the list's fines with sums are the agencies' (人力资源服务机构违反本条例规定…); an employer's
    # wrong is the labour inspectors' to take up, and the list sets no sum for it
    answer = real_kb.answer("厂里老板把俺工资扣了一半，这老板会被罚多少钱？", intent="ask_penalty", confidence=0.9, context={})
    assert answer.found
    assert "没有载明" in answer.text and "劳动监察保障大队" in answer.text
    assert "人力资源服务" not in answer.text
    agency = real_kb.answer("职介所没办许可证就开张了，罚多少？", intent="ask_penalty", confidence=0.9, context={})
    assert agency.found and "一万元以上三万元以下" in agency.text


def test_an_office_guessed_with_a_typo_amid_chatter_is_overruled_by_the_matter(real_kb):
    # "社宝中心" is the 社保中心 typed by sound; the 就业失业登记证 is the 就业局's
    answer = real_kb.answer("喂 你好 今天可真冷 俺想问问那个就业失业登记证搁哪儿办啊 是社宝中心管不",
                            intent="ask_office", confidence=0.9, entities={}, context={})
    assert answer.found and answer.context["office"] == "就业局"
    assert "不是社会保障中心负责" in answer.text


def test_an_office_the_nlu_found_in_one_question_is_not_the_next_ones(real_kb):
    # the NLU's entity 农保中心 belongs to the first question; the second asks the fund's hotline
    answer = real_kb.answer("农保中心电话多少？还有社保基金的举报电话是哪个？", intent="ask_phone",
                            confidence=0.97, entities={"office": ["农保中心"]}, context={})
    assert answer.found and "7591916" in answer.text and FUND_HOTLINE in answer.text


def test_a_clause_named_by_its_label_typed_by_sound_is_that_clause_not_its_systems_contents(real_kb):
    # "内部机核" is the audit's 内部稽核 (每月…稽核面不低于 20%), not the system's part on what it checks
    answer = real_kb.answer("内部机核 每个月查啥 查多大比例", intent="ask_supervision", confidence=0.6, context={})
    assert answer.found and answer.context["ids"][0] == "sup-6.10"
    assert "20%" in answer.text and "征缴稽核" not in answer.text
