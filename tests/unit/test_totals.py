"""Totals worked out from the list's figures (knowledge/compose/totals.py)."""

from knowledge.compose.totals import TotalComposer

LIMIT = "案件承办人员自立案之日起 60 个工作日内完成调查。情况复杂的案件，经负责人批准，可以延长 30 个工作日。"
MONTHLY = "1、日常巡查：每月不少于 2 次，每次巡查不少于 2 个定点培训机构。"
PER_CLASS = "监管频次按培训单位每次开班计算，每班次不少于 2 次。"
totals = TotalComposer()


def test_a_time_limit_and_its_extension_add_up():
    assert "60 + 30 = 90 个工作日" in totals.lines("情况复杂要延长的话，加起来最长多少个工作日？", [LIMIT])[0]


def test_a_minimum_per_month_over_a_year():
    assert "至少 24 次" in totals.lines("那一年算下来最少巡查多少次？", [MONTHLY])[0]


def test_a_minimum_per_class_times_the_classes_said_before_a_yearly_figure():
    # the classes said decide, whatever other passage gives a monthly figure
    assert "6 个班 × 每班次不少于 2 次 = 至少 12 次" in totals.lines(
        "那一家机构一年开了六个班，加起来至少督查多少次？", [MONTHLY, PER_CLASS])[0]


def test_no_total_is_made_up_without_the_question_asking_one_or_the_figures():
    assert totals.lines("调查期限是多久？", [LIMIT]) == []
    assert totals.lines("一年加起来多少次？", [LIMIT]) == []
    assert totals.lines("加起来多少个班？", [PER_CLASS]) == []
