"""The actions against the real knowledge layer (tests/conftest.py: ``fake_kb`` is the real store
and retriever with a fake embedder; ``real_kb`` is what `make setup` built with the real model).

Marked ``integration``: they need knowledge/ built and exercise its answers, not only our adapter.
"""

from __future__ import annotations

import pathlib

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import answering, common, export_lookups, messages
from actions.complaint import ActionSubmitComplaint
from tests.actions.conftest import DOMAIN, make_tracker

pytestmark = pytest.mark.integration

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _office_names(kb) -> set[str]:
    return {n for o in kb.offices() for n in [o.name, *o.aliases]}


def _phone_of(kb, name: str) -> str:
    return next(o.phone for o in kb.offices() if name == o.name or name in o.aliases)


@pytest.fixture
def use_kb(monkeypatch, fake_kb):
    monkeypatch.setattr(common, "get_kb", lambda: fake_kb)
    return fake_kb


def test_hand_written_synonyms_name_no_office(fake_kb):
    """Office synonyms are generated from the store (one source: the list and
    office_aliases.tsv); data/ keeps only the departments outside the bureau."""
    doc = yaml.safe_load((ROOT / "data/nlu/synonyms.yml").read_text(encoding="utf-8"))
    names = {item["synonym"] for item in doc["nlu"]}
    names |= {line.lstrip("- ").strip() for item in doc["nlu"] for line in item["examples"].splitlines()}
    assert names, "data/nlu/synonyms.yml holds no synonyms"
    assert not names & _office_names(fake_kb)


def test_lookup_and_synonym_export_read_the_store(monkeypatch, fake_kb, tmp_path):
    import knowledge.service

    monkeypatch.setattr(knowledge.service, "get_knowledge", lambda: fake_kb)
    assert export_lookups.main([str(tmp_path)]) == 0
    names = yaml.safe_load((tmp_path / export_lookups.LOOKUP_FILE).read_text(encoding="utf-8"))["nlu"][0]["examples"]
    synonyms = yaml.safe_load((tmp_path / export_lookups.SYNONYMS_FILE).read_text(encoding="utf-8"))["nlu"]
    mapped = {line[2:]: item["synonym"] for item in synonyms for line in item["examples"].splitlines()}
    for office in fake_kb.offices():
        assert f"- {office.name}\n" in names
        for alias in office.aliases:
            assert mapped[alias] == office.name


def test_phone_question_with_office_entity(use_kb):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "农保中心电话多少", "ask_phone", entities=[{"entity": "office", "value": "农保中心"}]
    )
    events = answering.ActionAnswerPhone().run(dispatcher, tracker, DOMAIN)
    [msg] = dispatcher.messages
    assert _phone_of(use_kb, "农保中心") in msg["text"]
    assert msg["custom"]["sources"]
    assert events and events[0]["name"] == "kb_context"


def test_phone_follow_up_uses_the_previous_answer(use_kb):
    first = CollectingDispatcher()
    tracker = make_tracker(
        "农保中心负责什么", "ask_office", entities=[{"entity": "office", "value": "农保中心"}]
    )
    [ctx_event] = answering.ActionAnswerOffice().run(first, tracker, DOMAIN)

    second = CollectingDispatcher()
    tracker = make_tracker("他们电话多少", "ask_phone", slots={"kb_context": ctx_event["value"]})
    answering.ActionAnswerPhone().run(second, tracker, DOMAIN)
    assert _phone_of(use_kb, "农保中心") in second.messages[0]["text"]


def test_complaint_submission_names_an_office_and_its_phone(use_kb, monkeypatch, tmp_path):
    from appdata.store import AppStore

    store = AppStore(tmp_path / "app.db")
    monkeypatch.setattr(common, "get_store", lambda: store)
    dispatcher = CollectingDispatcher()
    slots = {
        "complaint_employer": "某建材厂",
        "complaint_details": "公司拖欠工资三个月不发",
        "complaint_since_amount": "三个月，一万元",
        "complaint_contact": "未留",
        "complaint_confirmed": True,
    }
    ActionSubmitComplaint().run(dispatcher, make_tracker("确认", "affirm", slots=slots), DOMAIN)
    [ticket] = store.list_tickets()
    text = dispatcher.messages[0]["text"]
    assert ticket.ref in text
    if ticket.office:  # knowledge/ found who handles it: its answer is the message
        assert ticket.office in _office_names(use_kb)
        assert ticket.phone == _phone_of(use_kb, ticket.office)
        assert dispatcher.messages[0]["custom"]["sources"]
    else:  # otherwise the general office, with its phone from the store
        assert _phone_of(use_kb, common.GENERAL_OFFICE) in text
    store.close()


@pytest.mark.parametrize(
    ("question", "answered", "expected"),
    [("失业证在哪办理", True, "就业局"), ("今天天气怎么样", False, None), ("身份证丢了怎么补办", False, None)],
)
def test_out_of_scope_is_declined_unless_the_list_clearly_covers_it(monkeypatch, real_kb, question, answered,
                                                                   expected):
    from actions.fallback import ActionAnswerOutOfScope

    monkeypatch.setattr(common, "get_kb", lambda: real_kb)
    dispatcher = CollectingDispatcher()
    ActionAnswerOutOfScope().run(dispatcher, make_tracker(question, intent="out_of_scope"), DOMAIN)
    [message] = dispatcher.messages
    if answered:
        assert expected in message["text"] and message["custom"]["sources"]
    else:
        assert message["text"] == messages.out_of_scope() and real_kb.identity.short_name in message["text"]


@pytest.mark.parametrize(
    ("question", "answered"),
    [("单位不给交社保咋整", True), ("今天天气怎么样", False), ("身份证丢了怎么补办", False)],
)
def test_an_out_of_scope_call_the_nlu_is_unsure_of_answers_on_a_strong_passage(monkeypatch, real_kb, question,
                                                                                answered):
    from actions.fallback import ActionAnswerOutOfScope

    monkeypatch.setattr(common, "get_kb", lambda: real_kb)
    dispatcher = CollectingDispatcher()
    ActionAnswerOutOfScope().run(dispatcher, make_tracker(question, intent="out_of_scope", confidence=0.5), DOMAIN)
    [message] = dispatcher.messages
    if answered:
        assert "监察" in message["text"] and message["custom"]["sources"]
    else:
        assert message["text"] == messages.out_of_scope()


def test_a_turn_leaning_on_a_refused_question_is_refused_too(monkeypatch, real_kb):
    """"那转学手续咋办？" after a refused question on school districts leans on schools, not on the
    list's topic before them (the refusal keeps the topic and notes the miss in the context)."""
    from actions.fallback import ActionAnswerOutOfScope

    monkeypatch.setattr(common, "get_kb", lambda: real_kb)
    topic = real_kb.answer("创业孵化基地归谁管？", intent="ask_office", confidence=0.97, context={}).context
    dispatcher = CollectingDispatcher()
    events = ActionAnswerOutOfScope().run(
        dispatcher, make_tracker("俺闺女明年上小学，学区咋划的？", intent="out_of_scope", confidence=0.97,
                                 slots={"kb_context": topic}), DOMAIN)
    [slot] = [e for e in events if e.get("name") == "kb_context"]
    assert slot["value"]["topic"] == topic["topic"] and slot["value"]["missed"]
    dispatcher = CollectingDispatcher()
    ActionAnswerOutOfScope().run(
        dispatcher, make_tracker("那转学手续咋办？", intent="out_of_scope", confidence=0.55,
                                 slots={"kb_context": slot["value"]}), DOMAIN)
    [message] = dispatcher.messages
    assert message["text"] == messages.out_of_scope()
