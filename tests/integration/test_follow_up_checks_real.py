"""Follow-ups that check, extend or point back at the answer given, with the real embedding model,
on questions written for these tests: a figure checked against the rule, the rest of a list, the
basis of the rule given, the first topic of the conversation, an English message."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_a_fine_checked_for_a_count_is_worked_out_from_the_rule(real_kb):
    first = real_kb.answer("中介把两个十五岁的孩子介绍进厂干活，怎么罚？", intent="ask_penalty", confidence=0.97)
    assert first.found and first.context["ids"][0] == "sup-2.34"
    # the NLU, unsure, calls the check out of scope
    check = real_kb.answer("他介绍了两个，罚八千够吗？", intent="out_of_scope", confidence=0.52, context=first.context)
    assert check.found
    assert check.context["ids"][0] == "sup-2.34"
    assert "按 2 人计算" in check.text and "10000 元" in check.text
    assert "吊销" in check.text


def test_a_time_checked_is_checked_against_the_time_limit_given(real_kb):
    first = real_kb.answer("监察大队立了案，多长时间得调查完？", intent="ask_procedure", confidence=0.99)
    assert first.context["ids"][0] == "sup-7.19"
    # "超期" alone leads to the audit report's 逾期 clause
    check = real_kb.answer("情况挺复杂，都七十个工作日了还没查完，超期了吗？", intent="ask_procedure",
                           confidence=0.7, context=first.context)
    assert check.found
    assert check.context["ids"][0] == "sup-7.19"
    assert "延长 30 个工作日" in check.text


def test_asking_for_the_rest_of_a_list_gives_every_item(real_kb):
    first = real_kb.answer("厂里扣着我们的身份证不给，劳动监察能立案吗？", intent="ask_complaint", confidence=0.93)
    assert first.found
    rest = real_kb.answer("还有什么情况监察会立案？", intent="ask_procedure", confidence=0.8, context=first.context)
    assert rest.found
    assert "立案标准共13项" in rest.text
    assert "十六周岁" in rest.text and "不依法参加社会保险" in rest.text
    # a word of another unit is no request for this one's rest
    assert real_kb._composer.passages.rest_of_unit("那稽核还有哪些步骤？", first.context) is None


def test_the_basis_of_the_rule_given_is_that_rules_basis(real_kb):
    first = real_kb.answer("职业中介收求职者押金，怎么罚？", intent="ask_penalty", confidence=0.97)
    assert first.found
    rule = first.context["ids"][0]
    basis = real_kb.answer("依据的是哪个条例？", intent="follow_up", confidence=0.6, context=first.context)
    assert basis.found and basis.context["ids"][0] == rule
    assert basis.text.startswith("依据：") and "劳动力市场管理条例" in basis.text.splitlines()[0]
    # a supposed case that says 法律 asks no basis
    other = real_kb.answer("那要是中介介绍人去干法律禁止的行当呢？", intent="follow_up", confidence=0.6,
                           context=first.context)
    assert not other.text.startswith("依据：")


def test_the_basis_of_a_boundary_row_is_its_legal_basis_column(real_kb):
    first = real_kb.answer("社保费是人社局征收还是税务征收？", intent="ask_boundary", confidence=0.99)
    assert first.context["ids"][0].startswith("boundary-")
    basis = real_kb.answer("凭什么这么划分？", intent="follow_up", confidence=0.9, context=first.context)
    assert basis.text.startswith("依据：") and "社会保险法" in basis.text.splitlines()[0]


def test_the_first_topic_pointed_at_after_a_follow_up_moved_on(real_kb):
    first = real_kb.answer("城乡居民养老保险是哪个部门管？", intent="ask_office", confidence=0.99)
    assert "农保中心" in first.text
    second = real_kb.answer("那职称评审呢？", intent="follow_up", confidence=0.8, context=first.context)
    assert "职称科" in second.text
    phone = real_kb.answer("最开始那个部门电话多少？", intent="ask_phone", confidence=0.92, context=second.context)
    assert "7591916" in phone.text and "职称科" not in phone.text


def test_an_english_follow_up_is_read_in_the_lists_words(real_kb):
    first = real_kb.answer("劳动监察立案以后，谁来承办案件？", intent="ask_procedure", confidence=0.95)
    assert first.found
    # the NLU, trained on Chinese, is unsure of an English message
    answer = real_kb.answer("How many officers are assigned to handle the case?", intent="out_of_scope",
                            confidence=0.7, context=first.context)
    assert answer.found
    assert "2名以上执法人员" in answer.text


def test_a_second_question_the_first_answer_states_is_not_answered_apart(real_kb):
    # "抽查比例多少" alone reads the penalty rules' 比例原则
    answer = real_kb.answer("社保基金的日常监督谁来查？抽查比例多少？", intent="ask_supervision", confidence=0.94)
    assert answer.found
    assert "财务股" in answer.text and "50" in answer.text
    assert "比例原则" not in answer.text


def test_an_unsure_complaint_call_on_a_message_that_tells_no_wrong(real_kb):
    answer = real_kb.answer("我下岗了，想办《就业失业登记证》，是不是要先审核材料？", intent="ask_complaint",
                            confidence=0.62)
    assert answer.found
    assert "就业局" in answer.text
    assert "投诉举报受理" not in answer.text
    office = real_kb.answer("这个归哪个股管？", intent="out_of_scope", confidence=0.9, context=answer.context)
    assert "就业局" in office.text and "劳动监察保障大队" not in office.text


def test_a_reporter_asking_whether_they_are_kept_secret(real_kb):
    first = real_kb.answer("我发现有人冒领去世老人的养老金，想举报。", intent="ask_complaint", confidence=0.9)
    assert first.found
    # read as a complaint, the intake states no secrecy; the clause that does answers
    answer = real_kb.answer("举报以后你们会不会把我的信息泄露出去？", intent="ask_complaint", confidence=0.95,
                            context=first.context)
    assert answer.found
    assert "保密" in answer.text


def test_calling_someone_is_no_question_for_a_number(real_kb):
    first = real_kb.answer("培训学校把学员的培训补贴扣下一半当管理费，这个能举报吗？", intent="ask_complaint",
                           confidence=0.85)
    answer = real_kb.answer("你们平时怎么核查？会不会打电话给学员问问？", intent="ask_phone", confidence=0.5,
                            context=first.context)
    assert answer.found
    assert "电话暗访" in answer.text or "电话督查" in answer.text
    assert "的联系电话：" not in answer.text


def test_the_question_of_a_message_the_conversations_part_answers(real_kb):
    first = real_kb.answer("我要举报一家定点药店，让人拿医保卡刷米面油。", intent="ask_complaint", confidence=0.8)
    assert first.found
    answer = real_kb.answer("来检查的有几个人？会不会就来一个人走个过场？", context=first.context)
    assert answer.found
    assert "不得少于 2 人" in answer.text
    # a new matter the list lacks stays refused, though one of its questions finds a passage
    other = real_kb.answer("我家孩子是智力残疾，想办残疾证，去哪里评定？需要带什么证明？", intent="out_of_scope",
                           confidence=0.85)
    assert not other.found


def test_what_is_done_when_the_checks_find_a_wrong(real_kb):
    first = real_kb.answer("我们单位申请过岗位补贴，有人举报我们虚报人数，人社局要来实地检查，他们会查些什么？",
                           confidence=None)
    assert first.found
    # read with the topic, the checks again (they state no sanction)
    answer = real_kb.answer("要是查出来确实多报了，会怎么样？", intent="ask_procedure", confidence=0.66,
                            context=first.context)
    assert answer.found
    assert "追究" in answer.text or "追回资金" in answer.text or "终止拨付" in answer.text


def test_the_step_after_the_one_a_follow_up_says_is_done(real_kb):
    first = real_kb.answer("我们投诉老板拖欠工资，监察大队已经立案了，接下来干啥？", intent="ask_complaint",
                           confidence=0.8)
    assert first.found
    # the conversation is at the complaint's act, no step; the follow-up names the step done
    after = real_kb.answer("那调查完了呢？下一步是啥？", intent="ask_procedure", confidence=0.85, context=first.context)
    assert after.found and after.context["ids"][0] == "sup-7.20"
    assert "审批阶段" in after.text and "处理报批表" in after.text


def test_a_correction_told_after_a_complaint_is_answered_by_the_closing_stage(real_kb):
    first = real_kb.answer("工人告我们厂晚发工资，监察大队已经立案了。", intent="ask_complaint", confidence=0.79)
    assert first.found and first.context["ids"][0] == "sup-7.7"
    after = real_kb.answer("可我们已经把工资都补发了，问题也不大，还得罚吗？", intent="ask_procedure", confidence=0.69,
                           context=first.context)
    assert after.found and "撤销立案" in after.text


def test_the_basis_of_a_systems_clause_is_the_systems_opening(real_kb):
    first = real_kb.answer("老板天天逼着我们加班，不给加班费，监察能立案吗？", intent="ask_complaint", confidence=0.85)
    assert first.found and first.context["system"] == "sup-7"
    basis = real_kb.answer("你们立案是根据什么规定？", intent="ask_procedure", confidence=0.7, context=first.context)
    assert basis.found
    assert basis.text.startswith("依据：") and "劳动保障监察条例" in basis.text.splitlines()[0]


def test_the_rest_of_a_paragraph_that_opens_a_list(real_kb):
    first = real_kb.answer("定点培训机构把培训经费截留了，会取消培训资格吗？", intent="ask_penalty", confidence=0.9)
    assert first.found and first.context["ids"][0] == "sup-1.14"
    rest = real_kb.answer("除了这个，还有什么情况也会这样？", intent="ask_penalty", confidence=0.6, context=first.context)
    assert rest.found
    assert "教学管理混乱" in rest.text and "乱收费" in rest.text


def test_the_step_after_a_named_one_is_answered_first_and_counted_on(real_kb):
    # asked with no conversation before it: the step after the investigation, then on up the chain
    first = real_kb.answer("俺厂让劳动监察立了案，他们调查完了以后下一步是啥？", intent="ask_procedure", confidence=0.95)
    assert first.found and "提出建议" in first.text.split("\n")[0]
    second = real_kb.answer("报上去以后先是谁审？", intent="ask_procedure", confidence=0.95, context=first.context)
    assert second.found and "监察大队队长认真审核" in second.text.split("\n")[0]
    third = real_kb.answer("那再往上呢？", intent="follow_up", confidence=0.8, context=second.context)
    assert third.found and "局办公室负责人" in third.text.split("\n")[0]


def test_a_step_named_after_next_is_the_step_asked_about(real_kb):
    # "下一步交给谁做法制审核" asks who does the 法制审核 step, not the step after it
    answer = real_kb.answer("报批表监察大队长审过了，下一步交给谁做法制审核？", intent="ask_procedure", confidence=0.95)
    assert answer.found and "局办公室负责人" in answer.text.split("\n")[0]
    assert "集体讨论" not in answer.text.split("\n")[0]


def test_a_word_before_next_that_names_no_step_asks_no_step_after_it(real_kb):
    # "投诉" is no step's name: "投诉以后谁来处理" asks what is done with a complaint (the filing step)
    answer = real_kb.answer("投诉以后谁来处理？", intent="ask_procedure", confidence=0.94)
    assert answer.found and "立案" in answer.text.split("\n")[0]
    assert not answer.text.startswith("接下来是")


def test_what_sets_an_unscheduled_check_off_is_no_legal_basis(real_kb):
    # "根据什么进行" asks what the check follows (complaints, reports), not the rules it applies
    first = real_kb.answer("医保定点药店的定期检查多长时间查一回？", intent="ask_procedure", confidence=0.9)
    assert "每年一次" in first.text
    then = real_kb.answer("那不定期检查是根据啥开展的", intent="follow_up", confidence=0.6, context=first.context)
    # the pharmacies' own unscheduled check, not the labour inspectors' campaigns sharing its words
    assert then.found and "投诉、举报" in then.text.split("\n")[0]


def test_what_follows_a_form_filled_in_is_told_by_the_paragraph_that_names_it(real_kb):
    first = real_kb.answer("单位被人举报少缴社保，社保稽核头一步干啥？", intent="ask_procedure", confidence=0.9)
    assert first.found
    then = real_kb.answer("那个登记单填好了以后呢？", intent="follow_up", confidence=0.6, context=first.context)
    assert then.found and "分管领导审批" in then.text


def test_a_follow_up_pointing_back_that_the_nlu_cannot_read_is_read_with_its_topic(real_kb):
    first = real_kb.answer("有个培训学校报上去说培训了四十个人，其实来上课的没几个，花名册是拿别人身份证凑的。",
                           intent="nlu_fallback", confidence=0.4)
    assert first.found
    then = real_kb.answer("这种学校你们一般咋处理？", intent="nlu_fallback", confidence=0.4, context=first.context)
    # the school is the story's training body, no matter the list lacks
    assert then.found and "取消其培训资质" in then.text


def test_a_follow_up_on_the_parts_of_a_campaign_is_read_with_its_topic_whatever_kind_the_nlu_doubts(real_kb):
    first = real_kb.answer("劳动监察开春是不是搞个三春行动？", intent="ask_service", confidence=0.99)
    assert first.found
    then = real_kb.answer("那三春分别是哪三个，各管啥？", intent="ask_service", confidence=0.63, context=first.context)
    assert then.found and all(name in then.text for name in ("春雷行动", "春暖行动", "春雨行动"))


def test_a_figure_heard_is_checked_against_the_rule_given_though_the_topic_leads_elsewhere(real_kb):
    # read again, the topic reaches the story's act (不签劳动合同); the caller checks the filing step's days
    first = real_kb.answer("我去窗口投诉了单位不签劳动合同，多长时间能录进去？", intent="ask_complaint", confidence=0.52)
    assert "5个工作日" in first.text
    heard = real_kb.answer("不是说得15天吗？俺听别人讲的。", intent="nlu_fallback", confidence=0.4, context=first.context)
    assert heard.found and "5个工作日" in heard.text


def test_a_score_told_is_quoted_with_its_band_only(real_kb):
    # the yearly assessment's clause is quoted up to its bands and the told score's band, not the
    # bands the school is not in
    first = real_kb.answer("定点培训机构年度考核，我们考了93分，算什么等次？", intent="ask_supervision", confidence=0.9)
    assert first.found and "优秀单位" in first.text
    assert "不合格" not in first.text and "60 分-90 分" not in first.text
    second = real_kb.answer("那要是考了七十分呢？", intent="follow_up", confidence=0.9, context=first.context)
    assert second.found and "合格单位" in second.text.splitlines()[0]
    assert "不合格" not in second.text and "优秀" not in second.text
