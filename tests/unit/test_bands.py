"""The band a told score falls in (knowledge.compose.bands)."""

from __future__ import annotations

import pytest

from knowledge.compose.bands import BandComposer, told_score

BANDS = ("考核得分在 90 分以上的，为年度工作优秀单位；考核得分在 60 分-90 分的，为年度工作合格单位；"
         "考核得分在 60 分以下的，为年度工作不合格单位。")


@pytest.mark.parametrize("question,score", [
    ("年底考核打了92分，算啥档次", 92), ("那要是只考了五十几分呢", 55), ("九十多分呢", 95),
    ("考了七十分", 70), ("考核多少分算优秀", None), ("等了十分钟", None),
])
def test_a_told_score(question, score):
    assert told_score(question) == score


@pytest.mark.parametrize("question,band", [
    ("打了92分", "优秀单位"), ("只考了五十几分呢", "不合格单位"), ("考了75分", "合格单位"),
])
def test_the_band_of_a_told_score_is_said_first(question, band):
    lines = BandComposer().lines(question, [BANDS])
    assert len(lines) == 1 and lines[0].endswith(f"{band}。")
    assert lines[0].startswith("按清单，")
    if band == "合格单位":
        assert "不合格" not in lines[0]


def test_no_band_without_a_score_or_without_bands():
    assert BandComposer().lines("考核多少分算优秀", [BANDS]) == []
    assert BandComposer().lines("打了92分", ["每年考核一次。"]) == []


def test_a_cent_is_no_score():
    assert told_score("一分加班费不给") is None
    assert told_score("两分钱") is None


LED = "在年度考核中，由考核小组进行考核验收，" + BANDS + "考核结果作为资质认定的依据。"


@pytest.mark.parametrize("question,quoted", [
    ("打了92分", "在年度考核中，由考核小组进行考核验收，考核得分在 90 分以上的，为年度工作优秀单位。考核结果作为资质认定的依据。"),
    ("考了75分呢", "在年度考核中，由考核小组进行考核验收，……考核得分在 60 分-90 分的，为年度工作合格单位。考核结果作为资质认定的依据。"),
    ("只考了五十几分呢", "在年度考核中，由考核小组进行考核验收，……考核得分在 60 分以下的，为年度工作不合格单位。考核结果作为资质认定的依据。"),
])
def test_the_passage_is_quoted_for_the_told_scores_band_only(question, quoted):
    assert BandComposer().excerpt(question, LED) == quoted


def test_no_excerpt_without_a_score_or_without_bands():
    assert BandComposer().excerpt("考核多少分算优秀", LED) is None
    assert BandComposer().excerpt("打了92分", "每年考核一次。") is None


@pytest.mark.parametrize("question,band", [
    ("年度考核没到60分，会怎样", "不合格单位"), ("那不到60分呢", "不合格单位"), ("60分以下算什么", "不合格单位"),
    ("六十分以下 算啥", "不合格单位"), ("90分以上算什么", "优秀单位"), ("考了60分", "合格单位"),
])
def test_a_score_said_under_or_over_a_figure_is_on_its_side_of_it(question, band):
    lines = BandComposer().lines(question, [BANDS])
    assert lines and lines[0].endswith(f"{band}。")
    if band == "合格单位":
        assert "不合格" not in lines[0]


def test_a_check_of_several_bands_is_quoted_whole():
    # two figures told: the caller checks the bands, every band is quoted
    assert BandComposer().excerpt("考过80分就算优秀，60分往下算不合格，是这样吧？", LED) is None
