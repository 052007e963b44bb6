"""A number the list prints, asked about ("7591916是哪个单位的电话？"), with the real embedding model."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_a_hotline_in_full_width_digits_is_the_clause_that_prints_it(real_kb):
    # the NLU calls it out of scope: a number is no matter it knows
    answer = real_kb.answer("８５６５６８２这是啥电话啊？打过去能干啥", intent="out_of_scope", confidence=0.89)
    assert answer.found
    assert "投诉举报电话8565682" in answer.text
    assert "社会保险基金监管" in answer.text


def test_an_offices_number_names_its_office(real_kb):
    answer = real_kb.answer("7591916是哪个单位的电话", intent="out_of_scope", confidence=0.84)
    assert answer.found
    assert answer.text.startswith("7591916 是农保中心的联系电话")
    assert answer.context["office"] == "农保中心"
    # one office's number: what it handles too
    assert "城乡居民养老保险" in answer.text


def test_a_shared_number_names_every_office_sharing_it(real_kb):
    answer = real_kb.answer("0310-7523309是什么部门", intent="out_of_scope", confidence=0.78)
    assert answer.found
    first = answer.text.splitlines()[0]
    assert "就业局" in first and "劳动监察保障大队" in first and "农保中心" not in first
    assert "共用" in first


def test_a_number_told_in_a_question_on_something_else_is_not_looked_up(real_kb):
    # "打了…举报了，多久有结果": the time is asked, not whose number it is
    answer = real_kb.answer("打了8565682举报了，多久有结果？")
    assert not answer.text.startswith("8565682：")
    # a number the list does not print is nobody's
    assert real_kb.answer("1234567是哪个单位的电话").text.startswith("1234567") is False
