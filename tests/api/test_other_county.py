"""Who the assistant speaks for comes from the list: the shipped one, and another county's.

The other county's list is the shipped one with its county (as the identity code reads it)
replaced everywhere, an office renamed and the phones in other forms (tests/synthetic_lists.py);
its knowledge base is built with the fake embedder. Its greeting, help, out-of-scope and
not-found texts, its answers and /api/identity name the new county and never the old.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rasa_sdk.executor import CollectingDispatcher

from knowledge.identity import derive_identity
from tests.synthetic_lists import NEW_COUNTY, NEW_OFFICE, NORMALISED, shipped_county, write_other_county


def test_identity_of_the_shipped_list(client, records):
    expected = derive_identity(records.title, records.seals, records.offices)
    assert client.get("/api/identity").json() == expected.to_dict()
    assert client.get("/api/openapi.json").json()["info"]["title"].startswith(expected.short_name)


def test_suggestions_of_the_shipped_list(client):
    groups = client.get("/api/suggestions").json()
    assert groups["station"][0] == "农保中心电话是多少" and len(groups["station"]) == 8
    assert groups["widget"] and "我要投诉" in groups["widget"]


# ---------------------------------------------------------------- another county


@pytest.fixture(scope="module")
def other_kb(tmp_path_factory):
    from knowledge.service import KnowledgeBase, build
    from knowledge.settings import KnowledgeSettings

    data = tmp_path_factory.mktemp("other-county")
    settings = KnowledgeSettings(data_dir=data, source_path=write_other_county(data), embedding_model="fake:64")
    build(settings)
    kb = KnowledgeBase(settings)
    kb.warm_up()
    return kb


@pytest.fixture()
def other_client(other_kb, app_settings, tmp_path, monkeypatch) -> Iterator[TestClient]:
    import knowledge.service as service
    from bot.main import create_app

    monkeypatch.setattr(service, "_instance", other_kb)
    settings = app_settings(data_dir=tmp_path, source_path=other_kb.settings.source_path)
    with TestClient(create_app(settings)) as c:
        yield c


def _names_only_the_new_county(text: str) -> None:
    assert NEW_COUNTY in text, text
    assert shipped_county() not in text, text


def test_other_county_identity(other_kb):
    identity = other_kb.identity
    assert (identity.county, identity.bureau, identity.short_name, identity.general_phone) == (
        NEW_COUNTY, f"{NEW_COUNTY}人力资源和社会保障局", f"{NEW_COUNTY}人社局", NORMALISED["7523309"])


def test_other_county_api(other_client):
    body = other_client.get("/api/identity").json()
    assert body["county"] == NEW_COUNTY and body["general_phone"] == NORMALISED["7523309"]
    for value in body.values():
        assert shipped_county() not in value
    _names_only_the_new_county(body["bureau"] + body["short_name"] + body["title"])
    _names_only_the_new_county(other_client.get("/api/openapi.json").json()["info"]["title"])
    assert other_client.get("/api/suggestions").json()["station"][0] == f"{NEW_OFFICE}电话是多少"
    offices = {o["name"]: o["phone"] for o in other_client.get("/api/offices").json()["offices"]}
    assert offices[NEW_OFFICE] == NORMALISED["7591916"]
    assert other_client.app.state.contact_phone == NORMALISED["7523309"]


def test_other_county_replies_from_actions(other_kb, monkeypatch):
    from actions import common
    from actions.fallback import ActionAnswerOutOfScope, ActionDefaultFallback
    from actions.greeting import ActionGreet, ActionHelp
    from tests.actions.conftest import DOMAIN, make_tracker

    monkeypatch.setattr(common, "get_kb", lambda: other_kb)
    dispatcher = CollectingDispatcher()
    ActionGreet().run(dispatcher, make_tracker("你好", "greet"), DOMAIN)
    ActionHelp().run(dispatcher, make_tracker("你能做什么", "help"), DOMAIN)
    ActionAnswerOutOfScope().run(dispatcher, make_tracker("今天天气怎么样", "out_of_scope"), DOMAIN)
    ActionDefaultFallback().run(dispatcher, make_tracker("阿巴阿巴", "nlu_fallback"), DOMAIN)
    texts = [m["text"] for m in dispatcher.messages]
    assert len(texts) == 4
    for text in texts:
        _names_only_the_new_county(text)


def test_other_county_answers(other_kb):
    phone = other_kb.answer(f"{NEW_OFFICE}电话是多少", intent="ask_phone")
    assert phone.found and NORMALISED["7591916"] in phone.text
    not_found = other_kb.answer("今天天气怎么样")
    assert not not_found.found
    _names_only_the_new_county(not_found.text)
