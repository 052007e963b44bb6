"""Thanks, apologies and requests for a reply ask nothing (knowledge/resources/courtesy.txt)."""

from __future__ import annotations

import pytest

from knowledge.courtesy import only_courtesy


@pytest.mark.parametrize("text", ["谢谢", "多谢您", "麻烦您了", "先谢过了", "着急，谢谢", "在线等！", "盼回复～", "非常感谢!!"])
def test_courtesy_only(text):
    assert only_courtesy(text)


@pytest.mark.parametrize("text", ["", "，", "抽查比例多少", "谁牵头", "电话呢", "麻烦问一下电话多少", "谢谢，罚多少"])
def test_a_question_or_nothing_is_not_courtesy(text):
    assert not only_courtesy(text)


def test_the_thanks_before_the_next_question_answer_nothing():
    from knowledge.courtesy import after_courtesy

    assert after_courtesy("知道了谢谢。再问下，评上以后的聘任也归他们？") == "评上以后的聘任也归他们？"
    assert after_courtesy("好嘞谢谢。那对用工多的企业，他们有啥联系办法？") == "那对用工多的企业，他们有啥联系办法？"
    # a word of courtesy that opens a question of its own is left alone, and so is courtesy alone
    assert after_courtesy("好的工作哪里找") == "好的工作哪里找"
    assert after_courtesy("中不中？") == "中不中？"
    assert after_courtesy("谢谢") == "谢谢"


def test_a_question_announced_as_another_matter():
    from knowledge.courtesy import announces_another_matter

    assert announces_another_matter("另外问下，外国人在咱这就业归哪个部门管？")
    assert announces_another_matter("还有个事，失业金在哪领")
    assert announces_another_matter("换个问题：职称评审找谁")
    assert not announces_another_matter("那另外一家中介呢？")
    assert not announces_another_matter("再问下，那要是介绍了4个呢")


def test_a_thing_a_correction_denies_is_no_word_of_the_question():
    from knowledge.courtesy import without_denied

    assert without_denied("哦不对，不是中介，是厂子自己招工时收的押金") == "是厂子自己招工时收的押金"
    assert without_denied("那要不是中介，是厂子自己直接招的呢？") == "那要是厂子自己直接招的呢？"
    # (a question that asks whether, or a figure heard, denies nothing)
    assert without_denied("不是说得15天吗？") == "不是说得15天吗？"
    assert without_denied("是不是审计局来查的？") == "是不是审计局来查的？"
    assert without_denied("这不是踢皮球嘛，到底谁收？") == "这不是踢皮球嘛，到底谁收？"
