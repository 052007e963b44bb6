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
