"""The count of people a penalty question says (knowledge.compose.penalty.count_in)."""

from knowledge.compose.penalty import count_in


def test_a_count_of_people_is_read_from_the_question_or_the_nlu():
    assert count_in("介绍了3个未成年人，罚多少", {}) == 3
    assert count_in("介绍了三名孩子去厂里", {"count": ["三名"]}) == 3


def test_the_nlus_count_of_time_is_no_count_of_people():
    # the NLU's regex reads "三个" in "三个月"; the question says a time
    assert count_in("中介把俺身份证扣下了，说干满三个月才给俺", {"count": ["三个"]}) is None
    assert count_in("两个月没发工资了，罚多少", {"count": ["两个"]}) is None
