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
