"""Schemathesis against the app's own OpenAPI schema, in-process (ASGI): no generated request may
get a 5xx, and every error is the JSON ``{"detail": "中文 / English"}`` of the public contract.

The app is the real one: a temporary SQLite app.db, the knowledge base built with the fake
embedder, the real action server and the Rasa stand-in of conftest.py (so a 503 here would be a
bug: Rasa is up). Rate limits are off so that every example reaches the handlers; admin
operations get the right token so their handlers run too. Examples are bounded per operation
so the whole file runs in well under a minute.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.core.config import AppSettings
from bot.main import create_app

# A dev dependency (pyproject: schemathesis==4.32.5, which brings hypothesis).
schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis==4.32.5 (dev extra)")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

# Examples per operation and generation mode (valid data / data that breaks the schema).
MAX_EXAMPLES = 50

# The operations, read from the app's schema at collection time (building the app loads nothing).
OPERATIONS = [
    (method.upper(), path)
    for path, methods in create_app(AppSettings(embedding_model="fake:64")).openapi()["paths"].items()
    for method in methods
]


@pytest.fixture(scope="module")
def fuzz_app(app_settings, fake_rasa, action_server, tmp_path_factory):
    port = int(action_server.rsplit(":", 1)[1])
    s = app_settings(
        rasa_url=fake_rasa.url,
        action_port=port,
        rasa_timeout=5.0,
        app_db_path=tmp_path_factory.mktemp("fuzz") / "app.db",
        rate_chat_per_sender=0,
        rate_chat_per_ip=0,
        rate_search_per_ip=0,
        rate_feedback_per_ip=0,
    )
    app = create_app(s)
    with TestClient(app):  # runs the lifespan: store, knowledge base, Rasa client
        yield app


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    # schemathesis' own pytest plugin (schema.parametrize) does not run under pytest 9, so the
    # strategies are driven with hypothesis directly.
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)


def test_every_operation_is_fuzzed():
    paths = {p for _, p in OPERATIONS}
    assert {"/api/chat", "/api/search", "/api/feedback", "/healthz", "/api/admin/tickets"} <= paths


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_errors(api_schema, admin, method, path, mode):
    operation = api_schema[path][method]
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if path.startswith("/api/admin/"):
            case.headers = {**(case.headers or {}), **admin}
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query} {case.body!r} -> "
            f"{response.status_code}: {response.text[:500]}"
        )
        if response.status_code >= 400:
            body = response.json()
            assert isinstance(body.get("detail"), str) and body["detail"], body

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            pytest.skip("no parameters to break")
        raise
    assert seen, "no example was generated"
