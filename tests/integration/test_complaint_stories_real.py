"""Complaints told as stories, with the real embedding model, on questions written for these tests:
the wrong a story tells leads its answer, a long story's wrong is found by the clause that tells
it, a story's everyday words do not make a question another department's, and the number asked
after a complaint is the number of the part of the list it went to."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

WAGES_WITHHELD = "sup-7.7"  # (五)用人单位克扣或者无故拖欠劳动者工资的
WOMEN_WORKERS = "sup-7.11"  # (九)…违反女职工、未成年工、残疾人特殊劳动保护规定的
CASE_FILED = "sup-7.16"  # 1、立案。…5个工作日内将案件录入…信息系统


def test_a_wage_complaint_with_a_rough_head_count_is_answered_by_the_act(real_kb):
    # "二十几个人" tells how many, it asks no head count (a check of "3 人以上用人单位" states one)
    answer = real_kb.answer("我们工地上二十几个人被老板拖了两个月工资了，这事能告吗", intent="ask_complaint",
                            confidence=0.8)
    assert answer.found and answer.context["ids"][0] == WAGES_WITHHELD
    assert "劳动监察保障大队" in answer.text and "7523309" in answer.text


def test_a_long_story_without_a_question_is_found_by_the_clause_that_tells_the_wrong(real_kb):
    story = ("俺是北关村的，跟着一个包工头在乡里盖厂房，干了小半年，说是上头没拨款，俺们十来个人的工钱都压着，"
             "多的一万出头，少的也有五六千。这两天包工头电话也打不通了，家里等着钱用，急得不行。")
    first = real_kb.answer(story, intent="ask_office", confidence=0.6)
    assert first.found and "劳动监察保障大队" in first.text
    phone = real_kb.answer("电话多少？俺先打过去问问。", intent="ask_phone", confidence=0.9, context=first.context)
    assert phone.found and "7523309" in phone.text


def test_a_pregnant_workers_story_is_the_act_on_women_workers(real_kb):
    answer = real_kb.answer("我老婆怀孕六个多月了，厂里还非让她上夜班，说不干就走人，这种事人社局哪个部门管？",
                            intent=None)
    assert answer.found and answer.context["ids"][0] == WOMEN_WORKERS
    assert "劳动监察保障大队" in answer.text


def test_a_storys_everyday_words_do_not_make_its_question_another_departments(real_kb):
    # "牌子" is a word the list lacks; the question asks in the list's words (考核) of a party it supervises
    answer = real_kb.answer("村里好几个人在那个电焊培训学校上过课，说是糊弄人，人家年年挂着定点的牌子招生。"
                            "你们就不考核它吗", intent="ask_office", confidence=0.45)
    assert answer.found
    assert "牌子" not in answer.text and "培训" in answer.text


def test_a_matter_of_another_department_asked_after_a_topic_stays_refused(real_kb):
    first = real_kb.answer("城乡居民养老保险归哪个科室管？", intent="ask_office", confidence=0.95)
    assert first.found and "农保中心" in first.text
    # 孩子 stands for the list's 未成年人; 上户口 is no word of the list
    other = real_kb.answer("那再问一下，家里孩子上户口去哪办？", intent="out_of_scope", confidence=0.97,
                           context=first.context)
    assert not other.found
    assert "7591916" not in other.text and "7523309" not in other.text


def test_the_number_asked_after_a_fund_fraud_complaint_is_its_hotline(real_kb):
    first = real_kb.answer("邻居家老人去世三年了，家里人还一直在领养老金，这个能举报吗？", intent="ask_complaint",
                           confidence=0.93)
    assert first.found and "8565682" in first.text
    phone = real_kb.answer("往哪儿打电话？", intent="ask_phone", confidence=0.93, context=first.context)
    assert phone.found and "8565682" in phone.text


def test_how_many_days_to_enter_a_complaint_is_the_filing_steps_time_limit(real_kb):
    answer = real_kb.answer("我投诉单位欠薪，几天能录进系统？", intent="ask_complaint", confidence=0.87)
    assert answer.found and answer.context["ids"][0] == CASE_FILED
    assert "5个工作日" in answer.text


def test_wages_already_paid_is_a_correction(real_kb):
    answer = real_kb.answer("工人告我拖欠工资，监察大队立了案，可我已经把钱全给他们了，这案子还得往下走吗？",
                            intent="ask_procedure", confidence=0.6)
    assert answer.found and "撤销立案" in answer.text


def test_a_follow_up_that_only_asks_who_and_the_number_stays_with_the_story(real_kb):
    # the NLU calls "这事找谁管？电话多少？" out of scope: it names no matter, so it asks about the story
    story = real_kb.answer("俺们二十来个人给一个老板盖厂房，活干完快俩月了，工钱一分没给", intent=None)
    assert story.found and story.context["ids"][0] == WAGES_WITHHELD
    for follow_up in ("这事找谁管？电话多少？", "找谁管？电话多少？"):
        answer = real_kb.answer(follow_up, intent="out_of_scope", confidence=0.8, context=story.context)
        assert answer.found and "劳动监察保障大队" in answer.text and "7523309" in answer.text
        assert "就业局" not in answer.text.split("\n")[0]


def test_a_follow_up_that_names_a_matter_of_its_own_is_not_read_with_the_story(real_kb):
    story = real_kb.answer("俺们二十来个人给一个老板盖厂房，活干完快俩月了，工钱一分没给", intent=None)
    other = real_kb.answer("那护照找谁办？电话多少？", intent="out_of_scope", confidence=0.9, context=story.context)
    assert not other.found and "7523309" not in other.text


def test_a_story_about_a_named_person_is_not_refused_for_the_name(real_kb):
    # "老李" is who the story is about, not a matter of another department; the wrong is 冒领
    answer = real_kb.answer("俺们厂退休的老李走了一年多了他家里还在领他的退休金", intent=None)
    assert answer.found and "冒领" in answer.text
    assert "老李" not in answer.text


@pytest.mark.parametrize("story,office", [
    ("俺们村边上那个化工厂天天往河里排黑水，味儿大得呛人", "环保局"),
    ("俺们厂车间粉尘大得很，啥防护也没有，干了几年也没见有人来查过", "安监局"),
])
def test_a_story_the_nlu_is_unsure_is_out_of_scope_goes_to_the_boundary_department(real_kb, story, office):
    # told without a question; the synonym table reads it in the list's terms (环境污染, 职业卫生)
    answer = real_kb.answer(story, intent="out_of_scope", confidence=0.5)
    assert answer.found and office in answer.text.split("\n")[0]
    # the NLU sure of its call: the story stays refused, with no office or number
    sure = real_kb.answer(story, intent="out_of_scope", confidence=0.95)
    assert not sure.found and "7523309" not in sure.text


def test_a_minor_workers_night_shifts_are_the_act_on_special_protection(real_kb):
    answer = real_kb.answer("俺儿子才十六岁半，砖厂叫他天天上夜班搬砖坯", intent="out_of_scope", confidence=0.96)
    assert answer.found and answer.context["ids"][0] == WOMEN_WORKERS
    assert "劳动监察保障大队" in answer.text


def test_a_penalty_asked_of_the_act_a_story_told_is_that_acts_rule(real_kb):
    story = real_kb.answer("俺闺女才十五，有个中介把她介绍到外地电子厂去了，俺都不知道", intent=None)
    assert story.found
    # "这么干" is the story's act: the rule on placing a child under sixteen, asked as one question
    answer = real_kb.answer("中介这么干罚不罚？罚多少？", intent="ask_penalty", confidence=0.99,
                            context=story.context)
    assert answer.found and "五千元" in answer.text and "吊销" in answer.text
    assert "问：" not in answer.text


def test_an_id_card_kept_by_an_agency_is_the_check_on_withheld_papers(real_kb):
    answer = real_kb.answer("中介把俺身份证扣下了，说干满三个月才给俺", intent="ask_penalty", confidence=0.68,
                            entities={"count": ["三个"]})
    assert answer.found and "扣押劳动者的居民身份证" in answer.text
    assert "按 3 人计算" not in answer.text


def test_a_wrong_put_right_before_the_case_ends_is_answered_by_withdrawing_the_case(real_kb):
    # no penalty rule of the list covers an unsigned contract; what the list says of a wrong put
    # right answers ("情节轻微且已改正的…直接撤销立案")
    answer = real_kb.answer("劳动监察查出俺厂里三个工人没签合同，俺当天就补签上了，事儿不大，还会罚俺吗？", intent=None)
    assert answer.found and "撤销立案" in answer.text.split("\n")[0]


def test_an_agency_that_threatens_and_keeps_people_is_fined_for_coercion(real_kb):
    answer = real_kb.answer("那个职介所把找活的人关在屋里不让走，还吓唬他们不交钱就别想出去，这得咋罚？",
                            intent="ask_penalty", confidence=0.9)
    assert answer.found and "一万元以上三万元以下" in answer.text and "吊销" in answer.text


def test_a_fund_fraud_reporter_asking_to_hear_back_in_secret_gets_the_audits_reply_clause(real_kb):
    answer = real_kb.answer("前些天俺举报邻村有人冒领养老金，查完了能给俺回个话不？俺的名字不会叫人知道吧？",
                            intent="ask_complaint", confidence=0.78)
    assert answer.found and "回复举报人" in answer.text and "保密" in answer.text
    assert "经济补偿" not in answer.text


def test_where_to_complain_of_them_after_a_story_is_the_storys_complaint(real_kb):
    # "告他们" after an agency kept an ID card: a complaint about the agency, not an appeal
    # against a decision of the bureau's (review or lawsuit)
    first = real_kb.answer("俺在一个职介所登记找工作 他们把俺身份证扣下了 还要交五百押金 说找着活再退", intent=None)
    assert first.found
    answer = real_kb.answer("这样中不中啊 能去哪告他们", intent=None, context=first.context)
    assert answer.found and answer.context["system"] == "sup-2"  # the agencies' supervision
    assert "负责科室：劳动科、就业局" in answer.text and "投诉举报" in answer.text and "行政诉讼" not in answer.text



def test_the_fine_asked_after_a_story_is_for_the_storys_act_not_what_it_asked_before(real_kb):
    # the story asked whether it is legal and who handles it; the follow-up asks only the fine,
    # for the act told (placing a girl of fourteen), not the agencies' article as a whole
    first = real_kb.answer("俺外甥女才十四，被一个职介所介绍去厂里上班了，这合法吗？谁管？", intent=None)
    assert first.found
    answer = real_kb.answer("这种职介所罚多少钱？", intent="ask_penalty", confidence=0.95, context=first.context)
    assert answer.found and answer.text.startswith("罚款：每人5000 元。")
    assert "不满十六周岁" in answer.text


def test_a_fine_left_unpaid_without_review_or_lawsuit_is_the_enforcement_stage(real_kb):
    first = real_kb.answer("监察大队罚了一家厂的款", intent="ask_penalty", confidence=0.9)
    answer = real_kb.answer("他们不交 也不复议 也不起诉 就一直拖着", intent=None, context=first.context)
    assert answer.found and "申请人民法院强制执行" in answer.text


@pytest.mark.parametrize("intent, confidence", [(None, None), ("out_of_scope", 0.67)])
def test_a_wrong_told_amid_chatter_without_stops_is_the_complaint_of_its_act(real_kb, intent, confidence):
    # the whole run reaches no passage; the clause that tells the wrong finds the act
    message = "喂喂是人社局不我是东关的小刘哎说起来就来气俺在砖厂干了八个月老板一分钱没给现在人也找不着了俺该找谁电话多少啊"
    answer = real_kb.answer(message, intent=intent, confidence=confidence)
    assert answer.found and answer.context["ids"][0] == WAGES_WITHHELD
    assert "劳动监察保障大队" in answer.text and "7523309" in answer.text


def test_a_wrong_the_nlu_is_sure_is_another_agencys_stays_refused(real_kb):
    # a landlord's deposit: the wrong's words (押金) are the list's, its matter is not
    answer = real_kb.answer("喂喂我是东关的小刘哎说起来就来气房东一直扣着俺的押金不退俺该找谁告他电话多少啊",
                            intent="out_of_scope", confidence=0.95)
    assert not answer.found and "7523309" not in answer.text
