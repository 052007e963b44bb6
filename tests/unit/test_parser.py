"""Facts of the responsibility list that answers depend on."""

from __future__ import annotations

import pytest

from knowledge.parser import ParseError, parse_text, split_contacts
from knowledge.settings import DEFAULT_SOURCE


def test_every_duty_has_an_office_and_a_phone(records):
    assert len(records.duties) == 25
    for duty in records.duties:
        assert duty.contacts, duty.id
        assert all(c.phone for c in duty.contacts), duty.id


def test_numbering_skips_16_and_continuation_rows_keep_their_number(records):
    numbers = sorted({d.number for d in records.duties})
    assert numbers == [n for n in range(1, 18) if n != 16]
    assert [d.id for d in records.duties if d.number == 2] == ["duty-2.1", "duty-2.2", "duty-2.3", "duty-2.4"]
    assert records.duties[1].citation == "部门职责登记表 第1项（第2条具体工作事项）"


def test_shared_office_cell_gives_both_offices_the_phone(records):
    duty5 = next(d for d in records.duties if d.number == 5)
    assert [(c.office, c.phone) for c in duty5.contacts] == [("劳动仲裁科", "7523309"), ("劳动科", "7523309")]
    duty6 = next(d for d in records.duties if d.number == 6)
    assert [(c.office, c.phone) for c in duty6.contacts] == [("劳动科", "7523309")]


def test_phones_where_the_list_puts_them(records):
    offices = {o.name: o for o in records.offices}
    assert offices["农保中心"].phone == "7591916"
    assert offices["社会保障中心"].phone == "7523309"
    assert offices["劳动科"].phone == "7523309"
    hotline = [c for c in records.contact_points if c.kind == "phone"]
    assert [c.value for c in hotline] == ["8565682"]
    assert "社会保险基金监管" in hotline[0].citation
    assert any(c.kind == "mailbox" and c.value == "社保大厅" for c in records.contact_points)


def test_office_aliases_merge_spelling_variants(records):
    offices = {o.name: o for o in records.offices}
    assert "劳动保障监察大队" in offices["劳动监察保障大队"].aliases
    assert "监察大队" in offices["劳动监察保障大队"].aliases
    assert "社保中心" in offices["社会保障中心"].aliases
    assert "劳动保障监察大队" not in offices


def test_typos_are_kept_verbatim(records):
    duty6 = next(d for d in records.duties if d.number == 6)
    assert "负贵" in duty6.work_item


def test_boundaries_and_services(records):
    assert len(records.boundaries) == 9
    depts = [b.department for b in records.boundaries if b.topic == "职业病防治"]
    assert depts == ["卫生局", "安监局", "人社局", "环保局"]
    assert [s.item for s in records.services] == ["各类就业服务活动", "劳动保障监察“三春行动”", "社保政策咨询服务"]
    three_springs = records.services[1]
    assert {c.office for c in three_springs.contacts} == {"就业局", "劳动科", "劳动保障监察大队"}


def test_eight_supervision_systems(records):
    assert [s.number for s in records.systems] == list("一二三四五六七八")
    assert records.systems[1].title == "人力资源服务机构监管"


ARTICLE_25 = [
    (1, 10000, 30000, False, "责令停止活动"),
    (2, 5000, 10000, False, "收回证件"),
    (3, 1000, 3000, False, "责令限期改正"),
    (4, 2000, 10000, False, "退还收取的费用"),
    (5, 200, 500, True, "没收违法所得"),
    (6, 5000, 5000, True, "吊销"),
    (7, 5000, 10000, True, "罚款"),
    (8, 10000, 30000, False, "吊销"),
    (9, 1000, 5000, False, "责令改正"),
    (10, None, None, False, "吊销"),
]


@pytest.mark.parametrize("item,low,high,per_person,measure", ARTICLE_25)
def test_all_ten_items_of_article_25(records, item, low, high, per_person, measure):
    penalty = next(p for p in records.penalties if p.citation.endswith(f"六（一）第({item})项"))
    assert penalty.citation == f"事中事后监管制度（二）人力资源服务机构监管 六（一）第({item})项"
    assert (penalty.fine_min, penalty.fine_max, penalty.per_person) == (low, high, per_person)
    assert measure in penalty.measures or any(measure in c for c in penalty.conditional_measures)
    assert penalty.legal_basis == "《河北省劳动力市场管理条例》第二十五条"


def test_article_25_who_imposes(records):
    items = [p for p in records.penalties if "六（一）第(" in p.citation]
    assert len(items) == 10
    assert all("劳动和社会保障行政部门" in p.imposed_by for p in items[:9])
    assert items[9].imposed_by == "财政、物价部门"


def test_training_institution_and_audit_handling(records):
    training = [p for p in records.penalties if "职业技能定点培训机构监管" in p.citation]
    assert any("乱收费" in p.violation and "批评教育" in p.measures for p in training)
    assert all(p.legal_basis == "《企业职工培训规定》第二十七条" for p in training)
    two_designated = [p for p in records.penalties if "定点零售药店" in p.citation]
    assert two_designated and "取消定点资格" in two_designated[0].conditional_measures[0]
    audit = [p for p in records.penalties if "稽核" in p.citation]
    assert any("口头警告" in p.measures for p in audit)


def test_time_limits(records):
    limits = {(t.amount, t.unit) for t in records.time_limits}
    assert {(5, "工作日"), (60, "工作日"), (30, "工作日"), (10, "工作日"), (10, "日")} <= limits
    filing = next(t for t in records.time_limits if t.amount == 5 and "投诉举报" in t.context)
    assert "规范案件查处" in filing.citation


def test_clause_citations(records):
    by_text = {c.text: c for c in records.clauses}
    contact = next(c for t, c in by_text.items() if t.startswith("4、建立联系人") or "联系人制度" in t)
    assert contact.citation == "事中事后监管制度（七）规范案件查处 三第(四)项"
    full_audit = next(c for c in records.clauses if c.text.startswith("3、外部全面稽核"))
    assert full_audit.citation == "事中事后监管制度（六）社会保险稽核事项监管 二（二）第3项"


# ---------------------------------------------------------------- malformed sources


def test_empty_source_is_an_error():
    with pytest.raises(ParseError) as err:
        parse_text("   \n\n")
    assert err.value.line == 1


def test_not_a_responsibility_list():
    with pytest.raises(ParseError, match="责任清单"):
        parse_text("hello world\n\tfoo\n")


def test_truncated_table_names_the_line():
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    lines = text.split("\n")
    # drop the 备注 cell of duty 1's first row: the row count no longer divides
    idx = next(i for i, ln in enumerate(lines) if ln == "\t" and i > 15)
    broken = "\n".join(lines[:idx] + lines[idx + 1:])
    with pytest.raises(ParseError) as err:
        parse_text(broken)
    assert err.value.line > 1
    assert "columns" in err.value.message or "row number" in err.value.message


def test_missing_system_body_names_the_contents_line():
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    broken = text.replace("（五）促进就业专项资金使用监管", "促进就业专项资金")
    with pytest.raises(ParseError) as err:
        parse_text(broken)
    assert "(五)" in err.value.message or "（五）" in err.value.message
    lines = broken.split("\n")
    assert "促进就业专项资金使用监管" in lines[err.value.line - 1]


def test_another_county_parses_without_code_changes():
    """Same shape, other names and numbers: the parser takes it as it is."""
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    other = (text.replace("鸡泽县", "曲周县").replace("7523309", "8881234").replace("农保中心", "居民养老保险股")
             .replace("7591916", "8885678"))
    records = parse_text(other)
    assert records.bureau == "曲周县人力资源和社会保障局"
    offices = {o.name: o.phone for o in records.offices}
    assert offices["居民养老保险股"] == "8885678"
    assert len(records.systems) == 8


def test_split_contacts_variants():
    assert [(c.office, c.phone) for c in split_contacts("劳动科7523309")] == [("劳动科", "7523309")]
    assert [(c.office, c.phone) for c in split_contacts("就业局\n7523309\n劳动科\n7591916")] == [
        ("就业局", "7523309"), ("劳动科", "7591916")]
    assert [(c.office, c.phone) for c in split_contacts("办公室")] == [("办公室", None)]


# ---------------------------------------------------------------- phones of other lists


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("劳动科0310-7523309", [("劳动科", "0310-7523309")]),
        ("劳动科（0310）7523309", [("劳动科", "0310-7523309")]),
        ("劳动科(0310) 7523309", [("劳动科", "0310-7523309")]),
        ("劳动科\n０３１０－７５２３３０９", [("劳动科", "0310-7523309")]),
        ("劳动科 0310 7523309", [("劳动科", "0310-7523309")]),
        ("劳动科\n13812345678", [("劳动科", "13812345678")]),
        ("劳动科\n电话：0310-7523309\n手机：13812345678", [("劳动科", "0310-7523309、13812345678")]),
        ("劳动科7523309、7591916", [("劳动科", "7523309、7591916")]),
        ("劳动仲裁科\n劳动科\n0310-7523309", [("劳动仲裁科", "0310-7523309"), ("劳动科", "0310-7523309")]),
        ("就业局\n0310-7523309\n劳动科\n13812345678", [("就业局", "0310-7523309"), ("劳动科", "13812345678")]),
    ],
)
def test_split_contacts_reads_area_codes_mobiles_and_several_numbers(cell, expected):
    assert [(c.office, c.phone) for c in split_contacts(cell)] == expected


def test_other_phone_forms_flow_into_offices_and_contact_points():
    from tests.synthetic_lists import NEW_OFFICE, NORMALISED, other_county_text

    records = parse_text(other_county_text())
    offices = {o.name: o.phone for o in records.offices}
    assert offices[NEW_OFFICE] == NORMALISED["7591916"]
    assert offices["劳动科"] == NORMALISED["7523309"]
    assert [c.value for c in records.contact_points if c.kind == "phone"] == [NORMALISED["8565682"]]


def test_several_numbers_of_one_office_are_kept_together():
    text = DEFAULT_SOURCE.read_text(encoding="utf-8").replace("7591916", "0310-7591916\n13812345678")
    offices = {o.name: o.phone for o in parse_text(text).offices}
    assert offices["农保中心"] == "0310-7591916、13812345678"


def test_a_phone_with_an_area_code_reaches_the_passages_unchanged():
    from knowledge.passages import build_passages
    from tests.synthetic_lists import NEW_OFFICE, NORMALISED, other_county_text

    passages = build_passages(parse_text(other_county_text()))
    own = [p for p in passages if p.office == NEW_OFFICE and p.kind == "duty"]
    assert own and all(p.phone == NORMALISED["7591916"] for p in own)
    hotline = [p for p in passages if NORMALISED["8565682"] in p.text]
    assert hotline and hotline[0].phone == NORMALISED["8565682"]


# ---------------------------------------------------------------- an unknown extra table

EXTRA_TABLE = "\n".join([
    "三、行政许可事项",
    "",
    "\t序号", "\t许可事项", "\t办理时限", "\t责任科室及联系方式",
    "\t1", "\t人力资源服务许可", "\t二十个工作日", "\t人事科\n0310-7523309",
    "\t2", "\t劳务派遣经营许可", "\t二十个工作日", "\t劳动科\n13812345678",
    "",
    "",
])


def _with_extra_table() -> str:
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    lines = text.split("\n")
    supervision = next(i for i, ln in enumerate(lines) if ln.strip().endswith("监管制度") and len(ln.strip()) <= 12)
    return "\n".join(lines[:supervision] + EXTRA_TABLE.split("\n") + lines[supervision:])


def test_an_unknown_table_is_kept_as_rows_with_a_warning(caplog):
    with caplog.at_level("WARNING", logger="knowledge.parser"):
        records = parse_text(_with_extra_table())
    assert len(records.duties) == 25 and len(records.systems) == 8  # the rest reads as before
    assert [r.id for r in records.table_rows] == ["table1-1.1", "table1-2.1"]
    first = records.table_rows[0]
    assert first.table == "三、行政许可事项"
    assert first.cells["许可事项"] == "人力资源服务许可" and first.citation == "三、行政许可事项 第1项"
    assert [(c.office, c.phone) for c in first.contacts] == [("人事科", "0310-7523309")]
    assert records.warnings and "许可事项" in records.warnings[0]
    assert any("not one the parser knows" in r.getMessage() for r in caplog.records)


def test_unknown_table_rows_become_passages():
    from knowledge.passages import build_passages

    passages = [p for p in build_passages(parse_text(_with_extra_table())) if p.kind == "table"]
    assert [p.id for p in passages] == ["table1-1.1", "table1-2.1"]
    assert "劳务派遣经营许可" in passages[1].text
    assert (passages[1].office, passages[1].phone) == ("劳动科", "13812345678")


def test_seal_lines_name_the_bureau(records):
    assert records.seals and all(s.endswith("局") for s in records.seals)
    assert records.bureau in records.seals


def test_offices_named_together_share_a_clause_and_a_system(records):
    from knowledge.passages import build_passages

    passages = {p.id: p for p in build_passages(records)}
    training = [p for p in passages.values() if p.kind == "clause" and p.system_id == "sup-1"]
    joint = [p for p in training if "由劳动科、就业局" in p.text]
    assert joint and all(p.office == "劳动科、就业局" and p.phone == "7523309" for p in joint)
    # a clause of the system that names no office has the two offices its clauses name equally
    unnamed = [p for p in training if "劳动科" not in p.text and "就业局" not in p.text]
    assert unnamed and all(p.office == "劳动科、就业局" for p in unnamed)
    # a clause naming one office keeps it alone
    one = [p for p in passages.values() if p.kind == "clause" and "监察大队队长" in p.text]
    assert one and all("、" not in p.office for p in one)


def test_a_row_prints_its_office_and_phone_beside_the_passage(records):
    """A passage read on its own (a search result) says who handles it: the row's responsible
    office as named there, the phone printed next to it, and a service's time."""
    from knowledge.passages import build_passages

    passages = {p.id: p for p in build_passages(records)}
    pension = next(p for p in passages.values() if p.kind == "duty" and "城乡居民养老保险" in p.text)
    assert pension.printed.startswith(pension.text)
    assert "".join(pension.printed.split()).endswith("农保中心7591916")
    service = next(p for p in passages.values() if p.kind == "service" and "三春行动" in p.text)
    squashed = "".join(service.printed.split())
    assert "全年" in squashed and "劳动保障监察大队7523309" in squashed  # as the row names it
    clause = next(p for p in passages.values() if p.kind == "clause")
    assert clause.printed == clause.text  # a clause prints no office column


def test_sanctions_stated_outside_a_handling_section_are_a_penalty_rule(records):
    # the fund's 监督检查措施 states what follows a wrong its checks find, 情节严重 included
    rule = next(p for p in records.penalties if "暂停业务" in p.text)
    assert "情节严重" in rule.conditional_measures[0] and "取消资格" in rule.conditional_measures[0]
    assert "监督检查措施" in rule.citation or rule.citation.startswith("事中事后监管制度（四）")


def test_the_principals_signature_on_a_seal_line(records):
    # the public-services table's seal line is signed; the others leave the name blank
    assert records.signature == "主要负责人签字：董增房" and records.signature_line == 302


def test_a_brigade_and_an_institute_go_by_their_last_words(tmp_path):
    from knowledge.offices import build_offices
    from knowledge.records import Contact, Duty

    def duty(n: int, office: str) -> Duty:
        return Duty(f"duty-{n}.1", n, 1, "", "工作", [Contact(office, "8869123")], "", f"第{n}项", n)

    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("", encoding="utf-8")
    offices = {o.name: o for o in build_offices(
        [duty(1, "劳动保障监察综合执法大队"), duty(2, "劳动人事争议仲裁院"), duty(3, "社会保险事业管理中心"),
         duty(4, "交通运输执法大队")], [], alias_path=aliases)}
    assert "仲裁院" in offices["劳动人事争议仲裁院"].aliases
    # two offices whose names end alike: the last words name neither
    assert "执法大队" not in offices["劳动保障监察综合执法大队"].aliases
    assert not offices["社会保险事业管理中心"].aliases  # a 中心 keeps its whole name
