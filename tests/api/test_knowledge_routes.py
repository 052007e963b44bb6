"""GET /api/search, GET /api/offices, GET /healthz."""

from __future__ import annotations


def test_search_returns_contract_shape(client):
    r = client.get("/api/search", params={"q": "城乡居民养老保险工作", "k": 5})
    assert r.status_code == 200
    results = r.json()["results"]
    assert 1 <= len(results) <= 5
    for hit in results:
        assert {"id", "citation", "text", "office", "phone", "score"} <= set(hit)
        assert 0.0 <= hit["score"] <= 1.0
    assert any(h["phone"] == "7591916" for h in results)
    # a result read on its own says who handles it: the row's office and phone are in its text
    pension = next(h for h in results if h["phone"] == "7591916")
    assert "".join(pension["text"].split()).endswith("农保中心7591916")


def test_search_k_is_respected_and_bounded(client):
    assert len(client.get("/api/search", params={"q": "社会保险", "k": 2}).json()["results"]) == 2
    assert client.get("/api/search", params={"q": "社会保险", "k": 0}).status_code == 422
    assert client.get("/api/search", params={"q": "社会保险", "k": 999}).status_code == 422
    assert client.get("/api/search", params={"q": "社会保险", "k": "x"}).status_code == 422


def test_search_empty_query_is_422(client):
    for params in ({}, {"q": ""}, {"q": "   "}):
        r = client.get("/api/search", params=params)
        assert r.status_code == 422
        assert isinstance(r.json()["detail"], str)


def test_search_too_long_is_413(client):
    assert client.get("/api/search", params={"q": "问" * 501}).status_code == 413


def test_search_keeps_no_dialogue_state(client, store):
    before = len(store.conversations(limit=10_000))
    client.get("/api/search", params={"q": "职称申报"})
    assert len(store.conversations(limit=10_000)) == before


def test_offices_directory(client):
    offices = client.get("/api/offices").json()["offices"]
    names = {o["name"]: o for o in offices}
    assert names["办公室"]["phone"] == "7523309"
    assert any(o["phone"] == "7591916" for o in offices)
    for o in offices:
        assert {"name", "aliases", "phone", "duty_count"} <= set(o)


def test_healthz_all_up(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "rasa": True, "actions": True, "knowledge": True}


def test_unknown_route_is_json_404(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404
    assert r.json()["detail"]


def test_wrong_method_is_json_405(client):
    r = client.get("/api/chat")
    assert r.status_code == 405
    assert "Method" in r.json()["detail"]


def test_knowledge_missing_degrades(tmp_path, monkeypatch, app_settings):
    """A data dir without a built knowledge base: search answers 503, health says so."""
    from fastapi.testclient import TestClient

    import knowledge.service as service
    from bot.main import create_app

    empty = service.KnowledgeBase(app_settings(data_dir=tmp_path))
    monkeypatch.setattr(service, "get_knowledge", lambda: empty)
    with TestClient(create_app(app_settings())) as c:
        r = c.get("/api/search", params={"q": "社保"})
        assert r.status_code == 503 and "knowledge" in r.json()["detail"]
        assert c.get("/healthz").json()["knowledge"] is False
