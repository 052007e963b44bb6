"""The bureau's identity as the list names it, and the settings that override it."""

from __future__ import annotations

import pytest

from knowledge.identity import Identity, IdentityError, derive_identity, general_phone_of, place_of, shorten
from knowledge.parser import parse_text
from knowledge.records import Office
from knowledge.suggestions import SuggestionsError, featured_office, load_suggestions
from tests.synthetic_lists import NEW_COUNTY, NEW_OFFICE, NORMALISED, other_county_text


def _identity(records) -> Identity:
    return derive_identity(records.title, records.seals, records.offices)


def test_shipped_list_names_its_bureau(records):
    identity = _identity(records)
    assert identity.bureau == records.bureau  # the seal line and the title agree
    assert identity.county and identity.bureau.startswith(identity.county)
    assert identity.short_name == identity.county + "人社局"
    assert identity.short_name in records.seals  # the list shortens its own name so
    assert identity.general_phone == "7523309"
    assert identity.title == records.title


def test_another_countys_list_names_its_own_bureau():
    identity = _identity(parse_text(other_county_text()))
    assert identity == Identity(NEW_COUNTY, f"{NEW_COUNTY}人力资源和社会保障局", f"{NEW_COUNTY}人社局",
                                NORMALISED["7523309"], f"{NEW_COUNTY}人力资源和社会保障局责任清单")


def test_without_seal_lines_the_title_names_the_bureau():
    identity = derive_identity("某市某区人力资源和社会保障局责任清单", [], [])
    assert (identity.county, identity.short_name) == ("某市某区", "某市某区人社局")
    assert identity.general_phone == ""


def test_a_list_that_names_no_bureau_is_an_error():
    with pytest.raises(IdentityError):
        derive_identity("责任清单", [], [])


def test_names_without_the_usual_words():
    assert place_of("某县劳动局") == "某县"
    assert shorten("某县劳动局") == "某县劳动局"


def test_general_phone_is_the_number_most_offices_share():
    offices = [Office("甲", phone="1111111"), Office("乙", phone="2222222、1111111"), Office("丙", phone="2222222"),
               Office("丁", phone="2222222")]
    assert general_phone_of(offices) == "2222222"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, ("甲县", "甲县人力资源和社会保障局", "甲县人社局", "7523309")),
        ({"county": "乙县"}, ("乙县", "乙县人力资源和社会保障局", "乙县人社局", "7523309")),
        ({"bureau": "某县人力资源和社会保障局"}, ("某县", "某县人力资源和社会保障局", "某县人社局", "7523309")),
        ({"bureau": "某县人力资源和社会保障局", "short_name": "某县人社"}, ("某县", "某县人力资源和社会保障局", "某县人社",
                                                                 "7523309")),
        ({"general_phone": "0310-1234567"}, ("甲县", "甲县人力资源和社会保障局", "甲县人社局", "0310-1234567")),
    ],
)
def test_settings_override_the_list(overrides, expected):
    base = Identity("甲县", "甲县人力资源和社会保障局", "甲县人社局", "7523309", "甲县人力资源和社会保障局责任清单")
    out = base.with_overrides(**overrides)
    assert (out.county, out.bureau, out.short_name, out.general_phone) == expected
    assert out.title.startswith(out.bureau)


def test_store_keeps_the_identity(fake_kb, records):
    assert fake_kb.store.identity == _identity(records)
    assert fake_kb.identity == _identity(records)


def test_knowledge_base_applies_the_settings(fake_settings, fake_kb):
    from knowledge.service import KnowledgeBase

    kb = KnowledgeBase(fake_settings.model_copy(update={"county": NEW_COUNTY}))
    assert kb.identity.county == NEW_COUNTY and kb.identity.bureau.startswith(NEW_COUNTY)
    assert kb.store.meta["bureau"] == kb.identity.bureau  # the composers' texts name it too
    answer = kb.answer("今天天气怎么样")
    assert not answer.found and kb.identity.bureau in answer.text


# ---------------------------------------------------------------- common questions


def test_common_questions_name_an_office_with_its_own_phone(fake_kb):
    groups = fake_kb.suggestions()
    assert set(groups) == {"station", "widget"}
    assert groups["station"][0] == "农保中心电话是多少" and len(groups["station"]) == 8
    assert all("{" not in q for qs in groups.values() for q in qs)


def test_common_questions_follow_another_list(tmp_path):
    records = parse_text(other_county_text())
    path = tmp_path / "q.txt"
    path.write_text("[station]\n{office}电话是多少\n{short_name}在哪里\n", encoding="utf-8")
    groups = load_suggestions(path, records.offices, _identity(records))
    assert groups == {"station": [f"{NEW_OFFICE}电话是多少", f"{NEW_COUNTY}人社局在哪里"]}


def test_featured_office_falls_back_to_the_first_office():
    offices = [Office("甲", phone="1111111"), Office("乙", phone="1111111")]
    assert featured_office(offices, "1111111") == "甲"
    assert featured_office([], "") == ""


@pytest.mark.parametrize(
    ("text", "line"), [("问题\n", 1), ("[station]\n# c\n{unknown}电话\n", 3)]
)
def test_malformed_questions_file_names_the_line(tmp_path, text, line):
    path = tmp_path / "q.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SuggestionsError) as err:
        load_suggestions(path, [Office("甲", phone="1")], Identity("", "局", "局", "", ""))
    assert err.value.line == line
