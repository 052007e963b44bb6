"""A number of workers told, read for the head counts the list's clauses apply from."""

from knowledge.compose.thresholds import APPLIES_FROM, workforce


def test_a_workforce_is_what_an_employer_has_or_takes_on():
    assert workforce("俺开了个小作坊，雇了5个人") == 5
    assert workforce("公司一共200名员工") == 200
    assert workforce("俺们厂有二十来个工人") == 20
    # a range is its smaller end: the rule applies when it surely does
    assert workforce("俺们厂才五六个人，也让报书面材料吗") == 5


def test_the_last_count_told_is_the_one_asked():
    # a follow-up read with its topic changes the count
    assert workforce("俺雇了5个人，书面审查查不查 那要是扩大到25个工人呢") == 25


def test_people_placed_or_wronged_are_no_workforce():
    assert workforce("介绍了4个人罚多少") is None
    assert workforce("俺们有三个人被欠薪，找谁") is None


def test_a_clause_applies_from_the_head_count_it_states():
    m = APPLIES_FROM.search("将用人单位书面审查任务下达至各乡镇 3 人以上用人单位")
    assert m is not None and m.group(1) == "3"
