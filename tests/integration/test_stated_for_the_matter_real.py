"""What the question asks, stated for its matter: a boundary case's words by department, how often
a fund is checked, a report by letter, fraud told in everyday words - with the real embedding model."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_a_word_of_a_boundary_case_told_of_another_department_is_not_the_first_rows(real_kb):
    # the 职业病 item's case (on the 卫生局's row) tells of the 人社局's 工伤保险; the duty table
    # gives 工伤 to 社会保障中心
    answer = real_kb.answer("工伤的事找哪个部门", intent="ask_office", confidence=0.84)
    assert answer.found
    assert answer.context["office"] == "社会保障中心"
    assert "卫生局" not in answer.text


def test_a_boundary_case_of_the_first_rows_own_department_still_answers(real_kb):
    answer = real_kb.answer("社保基金支出这块，有没有请外面的机构来审查过的例子？", intent="ask_boundary", confidence=0.7)
    assert answer.found
    assert "会计事务所" in answer.text


def test_how_often_a_fund_is_checked_is_its_systems_clause_on_checks(real_kb):
    # the clause on 贪污补贴 shares 补贴 with the question; the check clauses share only 查
    answer = real_kb.answer("就业补贴多久查一次", intent="ask_supervision", confidence=0.92)
    assert answer.found
    assert answer.text.startswith("1、日常检查：每季度一次")
    # the system's other check, which states how often too, beside it
    assert "专项检查：每年不少于 1 次" in answer.text


def test_how_often_told_after_a_story_gives_every_check_of_the_system(real_kb):
    answer = real_kb.answer("俺们公司领过就业补贴，以后还会有人来核查吗？多长时间查一回？",
                            intent="ask_supervision", confidence=0.5)
    assert answer.found
    assert "每季度一次" in answer.text and "每年不少于 1 次" in answer.text


def test_a_share_of_another_thing_than_the_one_asked_is_no_answer(real_kb):
    # the medical system states a share of units checked (抽查面不少于 30%), not a refund rate
    answer = real_kb.answer("职工医保住院报销比例是多少？一级医院和县医院报的一样不？",
                            intent="out_of_scope", confidence=0.74)
    assert not answer.found
    assert "30%" not in answer.text


def test_questions_on_one_matter_read_with_the_first_though_its_own_answer_names_no_party(real_kb):
    answer = real_kb.answer("医保两定单位的定期检查一年几次？抽查比例多少？谁牵头？",
                            intent="ask_supervision", confidence=0.97)
    assert answer.found
    assert "每年一次，检查对象随机确定，抽查面不少于 30%" in answer.text
    assert "由人社部门牵头" in answer.text
    # not the penalty system's 比例原则, read without the first question's matter
    assert "比例原则" not in answer.text


def test_a_report_by_letter_is_the_clause_that_takes_letters(real_kb):
    answer = real_kb.answer("俺不会用手机也不会上网，能不能给你们写封信举报那个黑中介？",
                            intent="ask_complaint", confidence=0.94)
    assert answer.found
    assert "接举报投诉电话或信件" in answer.text


def test_fraud_told_in_everyday_words_is_the_lists_though_the_nlu_doubts(real_kb):
    answer = real_kb.answer("听说城边那个诊所弄假病历骗了几十万医保，光让它退钱罚点款就完事了？",
                            intent="out_of_scope", confidence=0.62)
    assert answer.found
    assert "移送司法机关" in answer.text


def test_which_department_asked_with_gui_is_no_duty_named(real_kb):
    # "归哪个部门管": 部门 is what asks, not a duty the story names (人事科's row says 部门)
    answer = real_kb.answer("用人单位没给职工上工伤保险，归哪个部门管", intent="ask_office", confidence=0.79)
    assert answer.found
    assert "劳动监察保障大队" in answer.text
    assert "人事科" not in answer.text


def test_a_party_who_fled_and_came_back_resumes_the_investigation(real_kb):
    first = real_kb.answer("老板跑了找不着人，俺们欠薪的案子还查不查？")
    assert "中止案件的调查" in first.text
    answer = real_kb.answer("那要是老板又回来了呢？", intent="follow_up", confidence=0.98, context=first.context)
    assert answer.found
    assert "应当恢复调查" in answer.text


def test_a_boundary_answer_shows_the_departments_the_question_concerns(real_kb):
    answer = real_kb.answer("那职业病到底找谁给俺鉴定？", intent="ask_boundary", confidence=0.9)
    assert answer.found
    assert answer.text.startswith("关于“职业病防治”，卫生局的职责是")
    # the item's 环保局 row (环境污染) concerns neither the question nor the 卫生局's share
    assert "环保局" not in answer.text
    # the bureau's own share is always beside it
    assert "人社局：负责落实劳动合同、工伤保险" in answer.text
    # a row sharing the answered row's matter stays (征收社会保险费 beside 财政局's 社会保险)
    fees = real_kb.answer("交社保的钱到底是你们收还是税务收？", intent="ask_boundary", confidence=0.9)
    assert "征收社会保险费" in fees.text


def test_how_a_fine_is_decided_is_the_discretion_rules(real_kb):
    answer = real_kb.answer("监察大队罚俺们厂的那个罚款数目是咋算出来的？是不是他们想罚多少就罚多少？",
                            intent="ask_penalty", confidence=0.54)
    assert answer.found
    assert "裁量" in answer.text
    # not one of the agencies' penalty rules
    assert "人力资源服务许可证" not in answer.text.splitlines()[0]


def test_a_poor_assessment_score_is_the_assessments_clause_not_a_penalty_rule(real_kb):
    # no penalty rule states a score; the annual assessment's clause does, with what it decides
    answer = real_kb.answer("俺们培训学校年底考核要是分数考得不咋样，对以后有啥影响不？", intent="ask_penalty", confidence=0.52)
    assert answer.found
    assert "60 分以下的，为年度职业技能培训工作不合格单位" in answer.text
    assert "考核结果作为定点培训机构资质认定" in answer.text


def test_a_workforce_told_is_answered_by_the_threshold_it_meets(real_kb):
    small = real_kb.answer("俺们厂才五六个人，人社局也让俺们报书面材料审查吗？", intent="ask_procedure", confidence=0.57)
    assert small.found
    assert "3 人以上用人单位" in small.text.split("另见")[0]
    first = real_kb.answer("俺开了个小作坊，雇了5个人，劳动监察那个书面审查会查到俺这吗？")
    grown = real_kb.answer("那以后要是扩大到25个工人呢，还有啥别的要求？", intent="follow_up", confidence=0.86,
                           context=first.context)
    assert grown.found
    assert "用工 20 人以上单位建立联系人制度" in grown.text.split("另见")[0]


@pytest.mark.parametrize("question, office", [
    ("俺们厂有二十个工人，签劳动合同的事找哪个科", "劳动科"),
    ("我们公司有三十个员工，集体合同的事归哪个科管？", "劳动科"),
])
def test_a_workforce_told_beside_an_office_asked_for_another_matter_is_only_told(real_kb, question, office):
    # the head count meets the contact system's threshold (用工 20 人以上单位), but the question asks
    # which office handles contracts
    answer = real_kb.answer(question, intent="ask_office", confidence=0.98)
    assert answer.found and office in answer.text.splitlines()[0]
    assert "联系人制度" not in answer.text.split("另见")[0]


def test_a_workforce_told_with_a_question_on_the_thresholds_matter_keeps_it(real_kb):
    answer = real_kb.answer("俺们厂有二十个工人，监察大队会来登记吗？", intent="ask_procedure", confidence=0.58)
    assert answer.found and "用工 20 人以上单位建立联系人制度" in answer.text.split("另见")[0]


def test_an_audited_employer_that_still_does_not_pay_is_reported_for_a_penalty(real_kb):
    context: dict = {}
    for turn in ("俺们公司二十多个人，老板一个都不给交社保。", "俺举报了，社保那边说会去稽核。"):
        context = real_kb.answer(turn, context=context).context
    answer = real_kb.answer("要是查出来了公司还是不给补交呢？", context=context)
    assert answer.found
    assert answer.text.startswith("对情节严重或拒不执行整改意见的，经办机构应报请劳动保障行政部门依法处罚")


def test_a_factorys_workers_grading_is_the_enterprise_duty_not_the_institutions(real_kb):
    for question in ("我是厂里管人事的，想给厂里工人搞技术等级考核评定，找人社局哪个科？",
                     "俺在机械厂开电焊十来年了，厂里说评上技术等级能涨工资，企业工人这技术等级考核是人社局哪个部门管？"):
        answer = real_kb.answer(question, intent="ask_office", confidence=0.97)
        assert answer.found and answer.context["ids"][0] == "duty-7.1", question
        assert "就业局" in answer.text
        # the public institutions' grading is another sector's: not shown beside it either
        assert "机关事业科" not in answer.text, question


def test_a_public_institutions_workers_grading_stays_the_institution_duty(real_kb):
    answer = real_kb.answer("事业单位工人技术等级考核找哪个科", intent="ask_office", confidence=0.97)
    assert answer.found and answer.context["ids"][0] == "duty-14.1"
    assert "机关事业科" in answer.text


def test_a_story_whose_answer_lacks_the_rare_thing_it_names_is_asked_of_that_thing(real_kb):
    # the story's words (纺织厂, 挡车, 腰椎间盘) are the list's for nothing; 病退 is one office's duty
    answer = real_kb.answer("俺今年56，在纺织厂挡车干了三十年，腰椎间盘突出，实在干不动了，想办个病退。人社局哪个部门管？",
                            intent="ask_office", confidence=0.85)
    assert answer.found and answer.context["ids"][0] == "duty-8.1"
    assert "社会保障中心" in answer.text and "职业病" not in answer.text


def test_a_farmers_pension_said_plainly_is_the_residents_pension(real_kb):
    answer = real_kb.answer("俺娘在村里种地，今年60了，她那养老金的事找谁？", intent="ask_office", confidence=0.8)
    assert answer.found and "农保中心" in answer.text and "7591916" in answer.text


def test_an_audited_party_that_keeps_the_auditors_out_meets_the_protective_measures(real_kb):
    answer = real_kb.answer("社保稽核上门，那家厂子锁着大门不让进，账也不给看，稽核能咋办？",
                            intent="ask_supervision", confidence=0.7, context={})
    assert answer.found and "紧急保全" in answer.text


def test_an_investigation_that_cannot_go_on_is_suspended(real_kb):
    answer = real_kb.answer("那个拖欠工资的案子，证据一直拿不到，调查进行不下去了，监察大队会咋办？",
                            intent="ask_procedure", confidence=0.9, context={})
    assert answer.found and "中止案件的调查" in answer.text


def test_an_objection_to_the_funds_inspection_report_is_its_written_opinion(real_kb):
    # the fund's inspection hears the inspected unit in writing; the labour inspectors' hearing is
    # another procedure
    answer = real_kb.answer("基金监督检查完了把报告送到俺们经办机构，俺们对报告有不同看法，得几天内回话？",
                            intent="ask_procedure", confidence=0.6, context={})
    assert answer.found and "10 日内提出书面意见" in answer.text and "听证" not in answer.text
