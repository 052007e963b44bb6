"""The synonym table's expansion (knowledge.normalize.expand)."""

from knowledge.normalize import expand


def test_a_place_asked_for_is_no_party_named():
    # "哪个单位" asks which office; "单位不给交社保" names the employer
    assert "用人单位" not in expand("教师资格证认定归哪个单位管")
    assert "用人单位" in expand("单位不给交社保，找哪个部门")


def test_english_words_mixed_in_are_the_lists_whole_words_in_any_case():
    from knowledge.normalize import fix_typos

    assert fix_typos("哪个 Department 负责最低工资 policy 的监督？") == "哪个 部门 负责最低工资 政策 的监督？"
    assert fix_typos("minimum wage 是多少") == "最低工资 是多少"
    # not inside another word
    assert fix_typos("officers") == "officers"
