"""What a question asks of a supervision system by its heading (knowledge/headings.py)."""

import pytest

from knowledge.headings import HeadingError, heading_asked, load_headings
from knowledge.normalize import clean


@pytest.mark.parametrize("question,word", [
    ("社保基金监管都管哪些基金", "对象"),
    ("社会保险基金监管具体盯哪些基金？", "对象"),
    ("来电：问人社局检查中介主要查些什么", "内容"),
    ("医保定点药店的监管检查查哪些方面？", "内容"),
    ("人社局检查培训学校的时候都看些什么？", "内容"),
    # which documents are looked at is a question for the clause on them, not the part's heading
    ("实地检查的时候看哪些原始资料？", None),
    # a frequency, a time, a person or an office is not what is checked
    ("人社局多久查一次", None),
    ("检查什么时候开始", None),
    ("检查哪些人参加", None),
    ("归哪个科室管", None),
])
def test_the_heading_a_question_asks_for(question, word):
    assert heading_asked(clean(question)) == word


def test_a_malformed_line_is_refused_with_its_number(tmp_path):
    path = tmp_path / "headings.tsv"
    path.write_text("# comment\n对象\t(监管\n", encoding="utf-8")
    with pytest.raises(HeadingError) as error:
        load_headings(path)
    assert error.value.line == 2


def test_a_part_asked_by_its_place():
    from knowledge.compose.parts import ordinal_asked

    assert ordinal_asked(clean("社保基金检查的流程，头一步是啥？")) == 1
    assert ordinal_asked(clean("第三步是啥？")) == 3
    assert ordinal_asked(clean("那第2个环节呢")) == 2
    assert ordinal_asked(clean("最后一步呢？")) == -1
    # how often, or a place not given, asks no part
    assert ordinal_asked(clean("第一次检查是什么时候")) is None
    assert ordinal_asked(clean("一共有几步")) is None


def test_the_procedure_is_asked_for_not_told_of():
    assert heading_asked(clean("社保基金监督检查的流程，头一步是啥？")) == "程序"
    assert heading_asked(clean("稽核有什么程序？")) == "程序"
    # a story that mentions a procedure under way asks nothing of it
    assert heading_asked(clean("厂里的就业补贴申请还在走流程，抽查时说不符合规定，还给钱吗？")) is None
