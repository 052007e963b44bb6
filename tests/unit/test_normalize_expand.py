"""The synonym table's expansion (knowledge.normalize.expand)."""

from knowledge.normalize import expand


def test_a_place_asked_for_is_no_party_named():
    # "哪个单位" asks which office; "单位不给交社保" names the employer
    assert "用人单位" not in expand("教师资格证认定归哪个单位管")
    assert "用人单位" in expand("单位不给交社保，找哪个部门")
