"""How a system's clauses make units: the next step of a procedure, a sentence that opens parts."""

from __future__ import annotations

import pytest

from knowledge.compose.parts import DOCUMENT_NAME, NEXT_STEP, POINTED_DOCUMENT, ClauseGroups


def _clause(store, text_start: str):
    return next(c for c in store.clauses if c.text.startswith(text_start))


def test_the_next_step_crosses_into_the_next_stage(fake_kb):
    store = fake_kb.store
    groups = ClauseGroups(store)
    approval = _clause(store, "3、批准。监察大队队长再次审核")
    after = groups.next_step(approval)
    assert after is not None and after.subsection.endswith("调查阶段")
    # within a stage, the next numbered step
    filing = _clause(store, "1、立案。")
    assert groups.next_step(filing).text.startswith("2、审核。")


def test_a_colon_sentence_inside_a_unit_opens_the_parts_after_it(fake_kb):
    store = fake_kb.store
    groups = ClauseGroups(store)
    contents = _clause(store, "监督意见书主要包括下列内容")
    parts = groups.opened_by(contents)
    assert [p.text[:2] for p in parts] == ["1、", "2、", "3、", "4、"]
    assert any("评价和整改意见" in p.text for p in parts)
    # (the parts of the next document are not its parts)
    assert not any("违纪违规事实及处理意见" in p.text for p in parts)


def test_next_step_and_document_patterns():
    assert NEXT_STEP.search("人定下来以后，下一步干啥")
    assert NEXT_STEP.search("批准以后呢")
    assert not NEXT_STEP.search("立案以后多久能查完")
    # a step said done asks what follows it; one not done does not
    assert NEXT_STEP.search("调查完了呢")
    assert NEXT_STEP.search("办公室审完了呢")
    assert not NEXT_STEP.search("60个工作日要是查不完咋办")
    assert POINTED_DOCUMENT.search("那这个文书里一般写哪些内容")
    names = [m.group(1) or m.group(2) for m in DOCUMENT_NAME.finditer("稽核部门应向被稽核对象发出《社会保险实地稽核通知书》")]
    assert names == ["社会保险实地稽核通知书"]


def test_the_stages_of_a_procedure_by_name(fake_kb):
    store = fake_kb.store
    groups = ClauseGroups(store)
    names = [name for name, _ in groups.stages(_clause(store, "3、批准。监察大队队长再次审核"))]
    assert names == ["（一）立案阶段", "（二）调查阶段", "（三）审批阶段", "（四）决定阶段", "（五）执行阶段", "（六）结案阶段"]
    # a section whose parts are no stages has none
    assert groups.stages(_clause(store, "监督意见书主要包括下列内容")) == []


@pytest.mark.parametrize("question,asks", [
    ("还有哪些情况会被立案？", True),
    ("还有别的核查方式吗？", True),
    ("其他的呢？", True),
    ("除了这个还有啥？", True),
    ("还有，农保中心电话多少？", False),  # "还有" opens a question of its own
    ("第三步是啥？", False),
])
def test_a_follow_up_asking_for_the_rest_of_a_list(question, asks):
    from knowledge.compose.parts import REST_OF_UNIT

    assert bool(REST_OF_UNIT.search(question)) is asks
