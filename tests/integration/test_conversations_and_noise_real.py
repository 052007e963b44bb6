"""Conversations (follow-ups, the next step, a document pointed at) and noisy messages, with the real
embedding model, on questions written for these tests."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_a_long_storys_matter_stays_with_its_asking_clause(real_kb):
    # the asking clause alone ("…归哪个部门查") names no matter; the story's 怀孕 is the list's 女职工
    answer = real_kb.answer("我爱人怀孕快七个月了，车间主任还让她天天倒夜班扛料，不干就让她走人，"
                            "工友们都看不下去。我想去举报这个厂子，这事归人社局哪个部门查？")
    assert answer.found
    assert "女职工" in answer.text
    assert "监察" in answer.context["office"]


@pytest.mark.parametrize("question, confidence", [
    # an unsure boundary call that also asks who: the boundary row of the other department
    ("村里有个厂子没有排污许可证偷偷排污，找人社局管用不？该找谁？", 0.62),
    # below the weak-intent bar the form "找谁" alone would make it an office question (the
    # agencies' licence rule); "找人社局管用不" is the form of a boundary question
    ("隔壁厂子没有排污许可证偷偷排污，找人社局管用不？该找谁？", 0.55),
])
def test_asking_whether_the_bureau_is_the_place_keeps_the_boundary(real_kb, question, confidence):
    answer = real_kb.answer(question, intent="ask_boundary", confidence=confidence)
    assert answer.found
    assert "环保" in answer.text
    assert "人力资源服务许可证" not in answer.text


def test_questions_one_step_answers_all_are_answered_by_that_step(real_kb):
    # both questions are the approval step's (who decides to file, how many inspectors handle it);
    # the whole message reads the filing step ("投诉递上去")
    first = real_kb.answer("厂里天天逼着干到半夜十二点，不干就扣工钱，我要去人社局投诉。",
                           intent="ask_complaint", confidence=0.86)
    answer = real_kb.answer("那投诉递上去以后，谁拍板立不立案？立了案派几个人来查？",
                            intent="ask_procedure", confidence=0.98, context=first.context)
    assert answer.found
    assert answer.context["ids"][0] == "sup-7.18"
    assert "2名以上执法人员" in answer.text


def test_english_words_of_the_trade_are_read(real_kb):
    answer = real_kb.answer("After I file a complaint at the window, how many working days until staff input it into the system？",
                            intent="ask_procedure", confidence=0.6)
    assert answer.found
    assert "5个工作日" in answer.text.replace(" ", "")


def test_a_campaign_asked_by_its_name_is_the_service(real_kb):
    answer = real_kb.answer("专门打击黑中介的那个行动叫啥？", intent="ask_office", confidence=0.45)
    assert answer.found
    assert "春雷行动" in answer.text


def test_one_campaign_named_of_the_three_is_that_campaign_alone(real_kb):
    # "纯雷" typed by sound is 春雷行动: its own paragraph, not the other two spring campaigns
    answer = real_kb.answer("纯雷行动具体是干啥的？", intent="ask_service", confidence=0.6)
    assert answer.found and "春雷行动" in answer.text and "取缔非法人力资源服务机构" in answer.text
    assert "春暖行动" not in answer.text and "春雨行动" not in answer.text
    whole = real_kb.answer("三春行动都是哪三个？", intent="ask_service", confidence=0.9)
    assert all(name in whole.text for name in ("春雷行动", "春暖行动", "春雨行动"))


def test_a_bare_phone_question_takes_the_number_of_the_matter_reported(real_kb):
    first = real_kb.answer("我发现社保经办机构有人挤占挪用基金，想反映一下。")
    assert first.found
    second = real_kb.answer("打哪个电话？", intent="ask_phone", confidence=0.93, context=first.context)
    assert "8565682" in second.text
    assert "7523309" not in second.text


def test_a_phone_question_naming_its_own_matter_is_not_the_previous_hotline(real_kb):
    first = real_kb.answer("社保基金被人乱花，举报电话多少？", intent="ask_phone", confidence=0.9)
    assert "8565682" in first.text
    second = real_kb.answer("不是这个，我想问的是城乡居民养老保险那块的电话。", intent="ask_phone", confidence=0.66,
                            context=first.context)
    assert "7591916" in second.text
    assert "8565682" not in second.text


def test_a_fund_report_leads_with_the_hotline_the_fund_prints(real_kb):
    answer = real_kb.answer("有人把社保基金挪去给企业做贷款担保，我要举报", intent="ask_complaint", confidence=0.9)
    assert answer.found
    assert "8565682" in answer.text.splitlines()[0]


def test_the_next_step_of_a_procedure(real_kb):
    first = real_kb.answer("监察大队队长批准立案以后，案子交给谁办？", intent="ask_procedure", confidence=0.95)
    assert first.context["ids"][0] == "sup-7.18"
    second = real_kb.answer("人定了以后，接下来干啥？", intent="ask_procedure", confidence=0.5, context=first.context)
    assert second.found
    assert second.context["ids"][0] == "sup-7.19"
    assert "调查阶段" in second.text and "60" in second.text


def test_a_follow_up_asking_how_often_is_read_with_its_matter(real_kb):
    # the clause holding 核查 states no frequency; the fund's checks do
    first = real_kb.answer("我们厂拿过一笔促进就业专项资金。", intent="ask_service", confidence=0.42)
    second = real_kb.answer("那人社会隔多长时间来核查一回？", intent="ask_supervision", confidence=0.75,
                            context=first.context)
    assert second.found
    assert "每季度一次" in second.text.replace(" ", "") or "每年不少于1次" in second.text.replace(" ", "")


def test_a_head_count_stated_as_so_many_people_and_more(real_kb):
    # (a guard: read with the topic, the approval step's "2名以上" would answer "多少人以上")
    first = real_kb.answer("劳动监察每年下乡搞法律宣传讲座吗？", intent="ask_supervision", confidence=0.9)
    second = real_kb.answer("那要多少人以上的单位才得建联系人制度？", intent="ask_supervision", confidence=0.9,
                            context=first.context)
    assert "20 人以上" in second.text
    assert "2名以上执法人员" not in second.text


def test_a_colon_sentence_inside_a_unit_opens_its_own_parts(real_kb):
    answer = real_kb.answer("监督意见书上一般都写些什么？", intent="ask_supervision", confidence=0.9)
    assert answer.found
    assert "评价和整改意见" in answer.text
    assert "违纪违规事实及处理意见" not in answer.text


def test_no_need_said_plainly_and_the_document_pointed_at(real_kb):
    first = real_kb.answer("社保基金查完了，问题不大用不着行政处理的，给单位下个什么文书？",
                           intent="ask_supervision", confidence=0.45)
    assert "监督意见书" in first.text.splitlines()[0] or first.context["ids"][0] == "sup-4.35"
    second = real_kb.answer("那这份文书里都写啥？", intent="follow_up", confidence=0.9, context=first.context)
    assert "评价和整改意见" in second.text


def test_a_follow_up_that_states_what_the_topic_negated(real_kb):
    first = real_kb.answer("基金监督检查以后不需要行政处理的，给被查单位下什么文书？",
                           intent="ask_supervision", confidence=0.8)
    assert first.context["ids"][0] == "sup-4.35"
    second = real_kb.answer("那需要行政处理的时候呢？", intent="follow_up", confidence=0.9, context=first.context)
    assert second.context["ids"][0] == "sup-4.41"
    assert "处理意见书" in second.text


def test_a_follow_up_changing_a_detail_is_not_outscored_by_its_few_words_read_alone(real_kb):
    # read alone, "那要是得行政处理呢" scores higher on the inspectors' proposal clause (拟给予…行政处理)
    # than read with the topic on the fund's clause; the fund's clause holds the few words as well
    first = real_kb.answer("基金监督机构查完以后，不需要行政处理的，发什么文书？", intent="nlu_fallback", confidence=0.4)
    assert first.context["ids"][0] == "sup-4.35"
    second = real_kb.answer("那要是得行政处理呢？", intent="follow_up", confidence=0.98, context=first.context)
    assert second.context["ids"][0] == "sup-4.41" and "处理意见书" in second.text
    assert "案件处理报批表" not in second.text


def test_a_party_named_in_everyday_words_is_no_foreign_matter_and_a_told_score_gets_its_band(real_kb):
    # "学校" of "定点培训学校" is the training institutions' party, not a matter the list lacks
    first = real_kb.answer("我们是人社局的定点培训学校，今年年度考核得了八十五分，算什么等级？")
    assert first.found
    assert first.text.splitlines()[0].endswith("合格单位。") and "不合格" not in first.text.splitlines()[0]
    second = real_kb.answer("那要是只拿了四十几分呢？", intent="follow_up", confidence=0.6, context=first.context)
    assert "不合格单位" in second.text.splitlines()[0]


def test_a_question_in_english_sentences(real_kb):
    answer = real_kb.answer("The job agency sent me to a factory although my documents are not complete. "
                            "How much is the fine per person?")
    assert answer.found
    assert "二百元以上五百元以下" in answer.text.replace(" ", "") or "200元以上500元以下" in answer.text.replace(" ", "")


def test_a_question_typed_one_character_at_a_time(real_kb):
    answer = real_kb.answer("社 保 稽 核 立 案 填 什 么 表 ？")
    assert answer.found
    assert "稽核情况登记单" in answer.text


def test_the_stages_of_a_case_are_listed_by_name(real_kb):
    answer = real_kb.answer("劳动监察大队办一个案子，从头到尾分哪几个阶段？", intent="ask_procedure", confidence=0.9)
    assert answer.found
    for stage in ("立案阶段", "调查阶段", "审批阶段", "决定阶段", "执行阶段", "结案阶段"):
        assert stage in answer.text


def test_a_follow_up_asking_a_number_the_passage_does_not_state_is_not_about_it(real_kb):
    first = real_kb.answer("劳动监察大队立案以后，是不是马上就开始调查取证？", intent="ask_procedure", confidence=0.99)
    second = real_kb.answer("那调查一般多少天能查完？", intent="ask_procedure", confidence=0.98, context=first.context)
    assert second.context["ids"][0] == "sup-7.19"
    assert "60 个工作日" in second.text.splitlines()[0] or "60个工作日" in second.text.splitlines()[0]


def test_two_questions_typed_with_a_space_between_are_answered_each(real_kb):
    answer = real_kb.answer("职业中介超出批准的业务范围罚多少 年检不合格还继续营业的罚多少", intent="ask_penalty",
                            confidence=0.9)
    assert answer.found
    assert "1000 元以上 5000 元以下" in answer.text and "1000 元以上 3000 元以下" in answer.text


def test_a_number_asked_in_english_for_a_matter_named_in_english(real_kb):
    answer = real_kb.answer("Which number do I call for urban and rural residents pension insurance?", intent=None)
    assert answer.found and "7591916" in answer.text


def test_another_departments_matter_typed_in_pinyin_is_refused(real_kb):
    answer = real_kb.answer("wo yao ban hu kou qian yi, gai qu na li", intent=None)
    assert not answer.found
    assert "7523309" not in answer.text and "7591916" not in answer.text


@pytest.mark.parametrize("follow_up", ["那有没有印好的资料能拿一份？", "那有没有宣传资料能拿一份回去？"])
def test_printed_material_asked_after_the_policy_office_is_the_services_booklets(real_kb, follow_up):
    first = real_kb.answer("养老医疗这些社保政策有不懂的，县里谁给讲？", intent="ask_office", confidence=0.68)
    assert first.found
    more = real_kb.answer(follow_up, intent=None, context=first.context)
    assert more.found and "宣传小册子" in more.text


def test_if_so_leans_on_the_service_the_conversation_is_at(real_kb):
    # "办的话…": if the campaign is held; the number of the office that holds it
    first = real_kb.answer("你们那个春风行动招聘会 今年还办不", intent="ask_service", confidence=1.0)
    assert first.found and "春风行动" in first.text
    answer = real_kb.answer("办的话俺想报名参加 找哪个科 电话给俺说下 thx", intent="ask_office", confidence=0.6,
                            context=first.context)
    assert answer.found and "负责科室：就业局，联系电话：7523309" in answer.text


def test_an_out_of_scope_call_on_a_word_typed_by_sound_is_doubted(real_kb):
    # the NLU read "养劳保险" as typed and was sure it is no matter of the list's; read as the
    # list's 养老保险 (of a mother in the countryside: 城乡居民养老保险), it is the 农保中心's
    answer = real_kb.answer("俺娘在农村 养劳保险交哪 电话多少啊啊啊", intent="out_of_scope", confidence=0.98)
    assert answer.found and "农保中心" in answer.text and "7591916" in answer.text


def test_a_pinyin_question_is_read_with_its_words_typed_whole_and_answered_as_characters(real_kb):
    # "wo shiye" is no 我市 + "ye": "shiye" is a word typed whole, and 失业 (not 事业) is the one the
    # message's "shiyejin" holds
    assert real_kb.retriever.homophones.spell_out("wo shiye le xiang ling shiyejin").startswith("失业")
    # the NLU's call on letters says nothing: the question is answered as its reading in characters
    answer = real_kb.answer("wo shiye le xiang ling shiyejin da na ge dianhua", intent="out_of_scope", confidence=0.8)
    assert answer.found and "社会保障中心" in answer.text.split("\n")[0]
    assert "8565682" not in answer.text


def test_a_word_of_a_clause_that_tells_is_no_matter_to_refuse(real_kb):
    # "这不是踢皮球吗" tells what the caller thinks; the question is the clause after it
    answer = real_kb.answer("窗口让俺去别处问，这不是踢皮球吗，失业保险到底归谁管？", intent="ask_office", confidence=0.7)
    assert "踢皮球" not in answer.text
