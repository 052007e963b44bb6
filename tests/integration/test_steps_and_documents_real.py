"""Follow-ups on a procedure's steps and documents, with the real embedding model, on questions
written for these tests: the step named after "下一步", a thing told as not done at a stage that
says what happens then, a document received that the follow-up does not name, the documents an
on-site check reads, a check that found nothing, a record not signed, and an office asked of the
matter just answered."""

from __future__ import annotations

import pytest

from tests.conversation import talk

pytestmark = pytest.mark.integration


def test_the_step_named_after_next_is_the_step_asked(real_kb):
    # the step named is 法制审核 (局办公室负责人审核), not the collective discussion after it
    answer = talk(real_kb, ("俺们公司被监察大队立案了，后面都有啥流程？", "ask_procedure", 0.9),
                   ("下一步的法制审核由谁负责？", "ask_procedure", 0.95))
    assert answer.found and answer.context["ids"][0] == "sup-7.22"
    assert "局办公室负责人" in answer.text and "集体讨论" not in answer.text


def test_a_thing_told_as_not_done_at_a_stage_is_what_the_stage_says_happens(real_kb):
    # at the enforcement stage, "neither appealed nor sued" is its own condition: 申请人民法院强制执行,
    # not the closing stage after it
    answer = talk(real_kb, ("处罚决定书已经送到老板手里了，可他就是不交罚款。", "ask_penalty", 0.7),
                   ("他既没申请复议也没起诉，接下来咋办？", "ask_procedure", 0.95))
    assert answer.found and answer.context["ids"][0] == "sup-7.27"
    assert "强制执行" in answer.text and "结案审批表" not in answer.text


def test_a_document_received_is_the_one_the_conversations_passage_issues(real_kb):
    # "拿到以后" names no document: the 处理意见书 just quoted is received, and the paragraph on it
    # says the unit rectifies and reports to the fund's supervisors
    answer = talk(real_kb, ("社保基金监督检查以后，需要行政处理的会下达什么文书？", "ask_supervision", 0.8),
                   ("拿到以后被检查的单位要做什么？", "nlu_fallback", 0.4))
    assert answer.found and answer.context["ids"][0] == "sup-4.54"
    assert "整改" in answer.text and "基金监督机构" in answer.text


def test_the_documents_an_on_site_check_reads_are_not_the_systems_contents(real_kb):
    # "主要查啥资料" asks which records the on-site check reads (工资发放单、考勤记录), not the
    # system's part headed 监督检查内容
    answer = talk(real_kb, ("有人举报我们厂领就业补贴虚报了人数，人社局说要来实地检查。", "ask_supervision", 0.6),
                   ("他们到了主要查啥资料？", "ask_procedure", 0.46))
    assert answer.found and answer.context["ids"][0] == "sup-5.13"
    assert "考勤记录" in answer.text


def test_a_check_that_found_nothing_is_told_in_its_time_not_as_a_reply_to_a_reporter(real_kb):
    # the audited unit asks, not a reporter: 5 个工作日内告知其稽核结果
    answer = talk(real_kb, ("社保稽核的人来单位查了，说是查用工人数和缴费基数。", "ask_supervision", 0.8),
                   ("来了两个人，还出示了证件，这样对吧？", None, None),
                   ("要是最后没查出问题，多久告诉我们结果？", "ask_procedure", 0.53))
    assert answer.found and answer.context["ids"][0] == "sup-6.25"
    assert "5 个工作日" in answer.text


def test_a_record_not_signed_is_the_audit_clause_that_says_so(real_kb):
    # 被稽核对象拒不签名或盖章的，应注明拒签原因
    answer = talk(real_kb, ("稽核的人找我们老板约谈，做了笔录。", "ask_supervision", 0.67),
                   ("老板不肯签字，会怎么样？", "nlu_fallback", 0.4))
    assert answer.found and "拒签原因" in answer.text


def test_a_service_agreement_not_kept_is_the_violation_not_a_penalty_unpaid(real_kb):
    # "不执行服务协议" is the pharmacy's breach, not a decision it does not carry out
    answer = real_kb.answer("定点药店不执行医保服务协议，情节严重的人社部门会怎么处罚？", intent="ask_penalty",
                            confidence=0.9, context={})
    assert answer.found and answer.context["ids"][0] == "sup-3.26"
    assert "取消定点资格" in answer.text


def test_the_bureau_said_as_where_to_ask_leaves_the_office_question_with_its_topic(real_kb):
    # "局里" names no matter: the office asked is the one of the matter just answered (绩效工资)
    answer = talk(real_kb, ("事业单位的绩效工资标准谁来制订？", "ask_office", 0.9),
                   ("局里具体哪个科室负责？", "ask_office", 0.97))
    assert answer.found and "机关事业科" in answer.text


def test_a_document_said_made_leads_to_the_step_that_makes_it(real_kb):
    # "写好处理报批表" is the proposal step that makes 《…案件处理报批表》, not the closing stage that
    # shares 调查 and 承办; after the brigade head's review, the next is 法制审核
    answer = talk(real_kb, ("调查完了，承办人员写好处理报批表以后交给谁？", "ask_procedure", 0.99),
                   ("大队长看完以后呢？", "nlu_fallback", 0.4))
    assert answer.found and answer.context["ids"][0] == "sup-7.22"
    assert "局办公室负责人" in answer.text


def test_a_phone_asked_with_a_matter_of_its_own_is_that_matters_office(real_kb):
    # the story went to the labour inspectors; 仲裁 named is 劳动仲裁科's duty
    answer = talk(real_kb, ("公司把俺辞退了，钱也没结清，听人说可以去申请仲裁。", "ask_complaint", 0.41),
                   ("仲裁归局里哪个科？电话是多少？", "ask_phone", 0.6))
    assert answer.found and "劳动仲裁科" in answer.text and "7523309" in answer.text


def test_an_earlier_one_pointed_at_is_the_earlier_topic_its_words_name(real_kb):
    # "前面那个" with 复杂 and 延长: the investigation's time limit asked first, not the audit's result
    answer = talk(real_kb, ("监察大队立案后多长时间要调查完？", "ask_procedure", 0.99),
                   ("社保稽核要是没发现问题，几天告知结果？", "ask_penalty", 0.5),
                   ("前面那个如果情况复杂，最多能延长多少天？", "ask_procedure", 0.85))
    assert answer.found and answer.context["ids"][0] == "sup-7.19"
    assert "30 个工作日" in answer.text


def test_a_question_alone_in_the_conversations_part_is_not_read_with_the_story(real_kb):
    # "这事" points back, but the question alone reaches the boundary item the conversation is at
    # (职业病防治: 人社局's row); the story's words lead elsewhere (就业局's registration row)
    answer = talk(real_kb, ("俺在电镀厂干了好多年，怀疑得了职业病，鉴定是人社局管吗？", "ask_boundary", 0.96),
                   ("厂里从来没申报过职业危害，这事谁查？", "ask_boundary", 0.91),
                   ("这事里头人社局具体负责啥？", "ask_office", 0.86))
    assert answer.found and "工伤保险" in answer.text and "职业病人保障" in answer.text


def test_a_place_asked_of_a_stage_named_is_that_stages_step(real_kb):
    # "审批阶段…第一步" asked first: the approval stage's first step (提出建议), not the closing stage
    # that shares 调查 and 审批; the steps after it count on within that stage
    first = real_kb.answer("案子调查结束了，进到审批阶段，第一步做什么？", intent="ask_procedure", confidence=0.99, context={})
    assert first.found and first.context["ids"][0] == "sup-7.20"
    third = talk(real_kb, ("案子调查结束了，进到审批阶段，第一步做什么？", "ask_procedure", 0.99),
                  ("第二步呢？", "follow_up", 0.96), ("那第三步是谁审？", "ask_procedure", 0.57))
    assert third.context["ids"][0] == "sup-7.22" and "局办公室负责人" in third.text


def test_the_bureau_named_as_where_to_ask_leaves_the_office_of_the_service_asked(real_kb):
    # "县人社局" is where to ask, not a matter: the office of the service just given (社保政策咨询)
    answer = talk(real_kb, ("想请县里来村里讲讲社保政策，有这个服务吗？", "ask_service", 0.93),
                   ("好的，我记一下。", "out_of_scope", 0.8),
                   ("该联系县人社局哪个单位？", "ask_office", 0.83))
    assert answer.found and "社会保障中心" in answer.text


def test_a_correction_to_an_employer_leaves_the_agencies_system(real_kb):
    # "不是中介，是厂子…": the employer's wrong the labour inspectors file (sup-7.4), not the agencies'
    # check of the same act
    answer = talk(real_kb, ("俺通过中介找的活，中介把俺身份证扣了，你们平时检查管不管？", "nlu_fallback", 0.4),
                   ("不对不对，不是中介，是厂子招工时收了俺五百块押金，身份证也扣着。", "ask_complaint", 0.87))
    assert answer.found and answer.context["ids"][0] == "sup-7.4"
    assert "劳动监察保障大队" in answer.text


def test_a_small_business_told_before_an_everyday_name_of_the_incubator(real_kb):
    # "干点小买卖" is no matter the list lacks; the cheap space for beginners is 创业孵化基地 (就业局)
    first = real_kb.answer("俺从外地回来了，想在县里干点小买卖。", intent="ask_office", confidence=0.42, context={})
    assert "不在" not in first.text
    answer = talk(real_kb, ("俺从外地回来了，想在县里干点小买卖。", "ask_office", 0.42),
                   ("听说有专门给刚起步的小老板用的场地，还有人指导。", "ask_office", 0.6),
                   ("咱县有没有？归哪个单位管？", "ask_office", 0.93))
    assert answer.found and "就业局" in answer.text and "孵化" in answer.text


def test_a_story_pointed_back_at_that_the_nlu_cannot_read_is_the_storys_act(real_kb):
    # read alone, "这种情况…监察管不管" finds the complaint channel's opening sentence; pointing
    # back, it asks of the story's act, one of its parts (女职工特殊劳动保护)
    answer = talk(real_kb, ("俺媳妇在厂里上班，怀孕八个月了。", "out_of_scope", 0.54),
                   ("厂里还让她天天上夜班搬重东西。", "nlu_fallback", 0.4),
                   ("这种情况厂子算违法不？监察能管不？", "nlu_fallback", 0.4))
    assert answer.found and answer.context["ids"][0] == "sup-7.11" and "女职工" in answer.text
