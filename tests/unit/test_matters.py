"""One question asked of several matters told before it (knowledge.compose.matters)."""

from knowledge.compose.matters import matters_asked

LIST_WORDS = ("养老", "工伤", "仲裁", "举报", "骗保", "农保中心", "培训", "工资")


def names_a_matter(clause: str) -> bool:
    return any(w in clause for w in LIST_WORDS)


def test_each_matter_is_asked_the_question_on_its_own():
    asked = matters_asked("俺娘在村里交的城乡居民养老，还有俺自己在厂里受伤要办工伤，这俩分别打哪个电话？", names_a_matter)
    assert asked == ["俺娘在村里交的城乡居民养老，打哪个电话", "俺自己在厂里受伤要办工伤，打哪个电话"]


def test_matters_told_apart_without_a_conjunction():
    asked = matters_asked("我跟厂里闹纠纷要打仲裁，俺爸在村里交城乡养老保险，两个电话都告诉我呗。", names_a_matter)
    assert asked == ["我跟厂里闹纠纷要打仲裁，电话告诉我呗", "俺爸在村里交城乡养老保险，电话告诉我呗"]


def test_spaces_end_clauses_and_all_asks_of_matters_another_opens():
    asked = matters_asked("农保中心电话 还有举报骗保的电话 都发我下 谢谢", names_a_matter)
    assert asked == ["农保中心电话，发我下", "举报骗保的电话，发我下"]


def test_a_clause_without_a_matter_goes_on_telling_the_one_before():
    asked = matters_asked("俺娘在村里，交的是养老，还有俺的工伤，这俩分别找谁？", names_a_matter)
    assert asked == ["俺娘在村里，交的是养老，找谁", "俺的工伤，找谁"]


def test_a_count_in_a_story_or_which_two_is_one_question():
    # "俩月" counts months; "哪两个部门" asks which two offices of one matter
    assert matters_asked("厂里拖了俺俩月工资，还动不动扣钱，去人社局投诉他们管不管？", names_a_matter) == []
    assert matters_asked("有家定点培训学校学员都是挂名的，根本没上课，平时是人社局哪两个部门在监管？",
                         names_a_matter) == []
    # "都" alone, without a clause that opens another matter, asks of one
    assert matters_asked("厂里欠工资，培训也不给报，这些事都找谁？", names_a_matter) == []
