"""Whom a duty is for (knowledge/sectors.py): the sector a caller says, the sector a duty's
sentence on the matter names, and a sectors file that does not parse."""

from __future__ import annotations

import pytest

from knowledge.sectors import ParseError, SectorReader, load_sectors

# two rows of a duty table, as the list words them: the same grading for two sectors
ENTERPRISE_ROW = "负责企业职工技术等级考核评定管理工作;负责全县技能岗位就业准入制度的执行。"
INSTITUTION_ROW = ("1、负责全县职工最低工资政策组织落实、监督检查和企业工资总额及企业工资集体协商工作；"
                   "（主要职责：组织实施全县机关、事业单位的工人技术等级考核评定工作。）")
# the matter's words of the list, each weighing its IDF
MATTER = {"技术": 3.8, "等级": 4.9, "考核": 3.1}


@pytest.fixture(scope="module")
def sectors() -> SectorReader:
    return SectorReader()


def test_a_caller_says_their_sector_in_everyday_words(sectors):
    assert sectors.said("俺在厂里开电焊，技术等级找谁考") == {"企业"}
    assert sectors.said("俺是乡里学校的老师") == {"机关事业单位"}
    assert sectors.said("俺娘在村里种地，养老保险交哪") == {"城乡居民"}
    # a migrant worker (农民工) in a factory is the factory's
    assert sectors.said("俺是农民工，在工厂干活") == {"企业"}
    assert sectors.said("技术等级考核找谁") == frozenset()


def test_the_sentence_on_the_matter_decides_the_passages_sector(sectors):
    # the institution row names 企业 too, in a sentence on wages, not on the grading
    assert sectors.of_matter(INSTITUTION_ROW, MATTER) == {"机关事业单位"}
    assert sectors.of_matter(ENTERPRISE_ROW, MATTER) == {"企业"}
    assert sectors.of_matter(INSTITUTION_ROW, {"护照": 5.0}) == frozenset()


def test_one_common_word_of_a_long_story_does_not_show_what_the_sentence_is_about(sectors):
    # "我是乡里的工作人员…": 工作人员 is in the institutions' wage duty, but it is not the matter
    story = {"工作人员": 3.5, "人社局": 3.7, "情况": 2.2, "部门": 2.0, "电话": 2.0}
    assert sectors.of_matter("2、负责全县政府系统机关事业单位工作人员工资津贴和奖金政策的组织实施工作；", story) == frozenset()
    # a rare word that is most of what the question names does
    assert sectors.of_matter(ENTERPRISE_ROW, {"技术": 3.8}) == {"企业"}


def test_another_sectors_duty_conflicts_with_the_callers(sectors):
    factory = sectors.said("厂里工人技术等级考核找哪个科")
    assert sectors.conflict(factory, INSTITUTION_ROW, MATTER)
    assert not sectors.conflict(factory, ENTERPRISE_ROW, MATTER)
    # a caller who says no sector, or a duty that names none, conflicts with nothing
    assert not sectors.conflict(frozenset(), INSTITUTION_ROW, MATTER)
    assert not sectors.conflict(factory, "负责职业技能鉴定工作。", MATTER)


def test_a_sectors_file_that_does_not_parse_names_its_line(tmp_path):
    bad = tmp_path / "sectors.tsv"
    bad.write_text("# comment\n企业\t厂里\n", encoding="utf-8")
    with pytest.raises(ParseError, match="line 2"):
        load_sectors(bad)
    broken = tmp_path / "broken.tsv"
    broken.write_text("企业\t厂(里\t企业\n", encoding="utf-8")
    with pytest.raises(ParseError, match="line 1"):
        load_sectors(broken)
