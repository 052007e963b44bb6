"""The question's form as evidence of its kind (knowledge/resources/question_forms.tsv)."""

from __future__ import annotations

import pytest

from knowledge.normalize import clean
from knowledge.question_forms import QuestionFormError, kind_of, load_forms, says


@pytest.mark.parametrize(
    "question,kind",
    [
        ("俺家里人干活伤了手，要做劳动鉴定报批，这事归哪个部门？", "ask_office"),
        ("到龄退休审批去哪儿办", "ask_office"),
        ("督促签劳动合同的那个活动叫啥", "ask_service"),
        ("中介扣押身份证罚多少钱", "ask_penalty"),
        ("这种中介咋罚", "ask_penalty"),
        ("对处罚决定不服怎么办", None),
    ],
)
def test_form_says_the_kind(question, kind):
    assert kind_of(question) == kind


def test_bad_line_names_the_line(tmp_path):
    path = tmp_path / "forms.tsv"
    path.write_text("# comment\nask_office\t哪个部门\nask_phone 电话\n", encoding="utf-8")
    with pytest.raises(QuestionFormError) as err:
        load_forms(path)
    assert err.value.line == 3


def test_bad_pattern_is_refused(tmp_path):
    path = tmp_path / "forms.tsv"
    path.write_text("ask_office\t哪个(部门\n", encoding="utf-8")
    with pytest.raises(QuestionFormError, match="bad pattern"):
        load_forms(path)


@pytest.mark.parametrize("question,told", [
    ("老板欠了俺仨月工钱不给", True),
    ("厂里一直不给交社保，找谁", True),
    ("中介扣着我身份证还要押金", True),
    ("最低工资标准是多少", False),
    ("集体合同归哪个科管", False),
])
def test_a_wrong_told_is_a_form_but_no_kind(question, told):
    assert says(question, "violation") is told
    assert kind_of(question) != "violation"


def test_asking_whether_there_is_a_campaign_asks_for_a_service():
    from knowledge.question_forms import kind_of

    assert kind_of("打击黑中介的，县里有没有专门的行动？") == "ask_service"


def test_a_medical_insurance_card_used_for_other_goods_is_a_wrong_told():
    from knowledge.question_forms import says

    assert says("药店让人拿医保卡刷米面油", "violation")
    assert not says("医保卡丢了去哪补办", "violation")


@pytest.mark.parametrize("part,tells", [
    ("可公司给俺交社保一直按最低档的基数报，这不是少报吗", True),
    ("这不就是克扣工资嘛", True),
    ("难道不算违法吗", True),
    ("不是说得15天吗", False),  # a caller checking what they heard asks
    ("是不是劳动监察大队管", False),
    ("这个归哪个科管", False),
])
def test_a_question_that_tells_is_rhetorical(part, tells):
    assert says(part, "rhetorical") is tells


@pytest.mark.parametrize("question,asks", [
    ("隔壁厂子偷偷排污，找人社局管用不？该找谁？", True),
    ("这事人社局管不管？", True),
    ("欠薪找哪个部门", False),
])
def test_asking_whether_the_bureau_is_the_place(question, asks):
    from knowledge.question_forms import says

    assert says(question, "asks_bureau") is asks


def test_a_campaign_asked_by_what_it_is_called_asks_for_a_service():
    from knowledge.question_forms import kind_of

    assert kind_of("劳动局整黑中介那个行动叫啥名") == "ask_service"


@pytest.mark.parametrize("question,checks", [
    ("他一共介绍了三个孩子，罚五千块钱够不够？", True),
    ("给他罚一万五行不行？", True),
    ("都80个工作日了还没查完，这算不算超期？", True),
    ("三十天内巡查两次行不行", True),
    ("罚款是多少", False),  # asks the figure, checks none
    ("这个行不行", False),  # no figure told
])
def test_a_figure_checked_against_the_rule(question, checks):
    assert says(question, "checks_figure") is checks


def test_a_figure_checked_is_checked_against_a_passage_stating_its_unit():
    from knowledge.compose.previous import told_unit_stated

    rule = "为不满十六周岁的未成年人介绍就业的，按照每介绍一人处五千元罚款"
    assert told_unit_stated("罚五千块钱够不够？", rule)
    assert not told_unit_stated("都80个工作日了，算不算超期？", rule)  # the rule states no days
    assert told_unit_stated("都80个工作日了，算不算超期？", "自立案之日起 60 个工作日内完成调查")


@pytest.mark.parametrize("question", [
    "老板已经拖了我们十几个人三个月工资",
    "俺们二十多个人的工钱都压着",
    "厂里让她上夜班，不干就走人",
    "公司把我辞退了",
])
def test_more_wrongs_told(question):
    assert says(question, "violation")


def test_the_clauses_that_tell_a_wrong():
    from knowledge.question_forms import clauses_saying

    story = clean("俺是北关村的，跟着包工头盖厂房，俺们十来个人的工钱都压着，家里急得不行。")
    assert clauses_saying(story, "violation") == ["俺们十来个人的工钱都压着"]
    assert clauses_saying(clean("集体合同归哪个科管？"), "violation") == []


def test_a_contract_or_insurance_withheld_from_someone_tells_a_wrong():
    assert says(clean("老板一直不跟俺签合同"), "violation")
    assert says(clean("厂里不给俺们交保险"), "violation")
    assert not says(clean("签合同的事找哪个科"), "violation")
