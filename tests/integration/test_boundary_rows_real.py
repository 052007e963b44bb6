"""Boundary items with the real embedding model, on questions written for these tests: the item's
依据, printed on its first row, does not make that row the answer to what another row's share
states; a wrong told that another department's row reaches is that department's; the place a
question asks for ("哪个部门") concerns no other row."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

SAFETY_ROW = "boundary-3.2"  # 安监局：负责用人单位职业卫生监督检查工作…职业危害项目申报工作


@pytest.mark.parametrize("intent", ["ask_boundary", "ask_office"])
def test_undeclared_occupational_hazards_are_the_safety_departments(real_kb, intent):
    answer = real_kb.answer("厂里噪音粉尘都很大，老板从来没报过职业危害项目，这事该向哪个部门反映？",
                            intent=intent, confidence=0.7, context={})
    assert answer.found and answer.context["ids"][0] == SAFETY_ROW
    assert answer.text.startswith("关于“职业病防治”，安监局")
    # the environment department's pollution row is no part of it
    assert "环保局" not in answer.text
