"""What is reachable from outside: Rasa and the action server on 127.0.0.1 only, Rasa's HTTP
API off, the admin token compared in constant time, CORS only for configured origins."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot.core.config import AppSettings
from bot.main import create_app
from bot.run import RasaProcess, bind, make_servers
from knowledge.settings import PROJECT_DIR


@pytest.fixture()
def rasa_settings(app_settings, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    return app_settings(
        data_dir=tmp_path / "data",
        rasa_model_dir=models,
        rasa_url="http://127.0.0.1:5999",
        action_port=5998,
    )


def test_rasa_command_line_is_loopback_rest_only(rasa_settings):
    cmd = RasaProcess(rasa_settings).command()
    assert cmd[1:4] == ["-m", "rasa_components", "run"]  # the project's Rasa entry point
    assert cmd[cmd.index("-i") + 1] == "127.0.0.1"
    assert cmd[cmd.index("-p") + 1] == "5999"
    assert cmd[cmd.index("--connector") + 1] == "rest"
    for flag in ("--enable-api", "--cors", "--auth-token", "--jwt-secret", "--credentials"):
        assert flag not in cmd, f"rasa run must not get {flag}"
    assert "0.0.0.0" not in cmd


@pytest.mark.parametrize("url", ["http://0.0.0.0:5005", "http://192.0.2.1:5005", "http://rasa.invalid:5005"])
def test_rasa_elsewhere_is_refused(app_settings, tmp_path, url, monkeypatch):
    import bot.run

    # the check must refuse without connecting anywhere
    monkeypatch.setattr(bot.run, "port_free", lambda *a: pytest.fail("probed a remote address"))
    settings = app_settings(data_dir=tmp_path, rasa_url=url)
    with pytest.raises(SystemExit, match="not on this machine"):
        RasaProcess(settings).check()


def test_endpoints_copy_points_at_our_action_port_and_the_data_dir(rasa_settings):
    copy = RasaProcess(rasa_settings).endpoints_file()
    assert copy.parent == rasa_settings.data_dir / "run"
    config = yaml.safe_load(copy.read_text(encoding="utf-8"))
    assert config["action_endpoint"]["url"] == "http://127.0.0.1:5998/webhook"
    tracker = config["tracker_store"]
    assert (tracker["type"], tracker["dialect"]) == ("rasa_components.tracker_store.CachedSQLTrackerStore", "sqlite")
    assert Path(tracker["db"]) == (rasa_settings.data_dir / "rasa-tracker.db").resolve()
    assert Path(tracker["db"]).is_absolute() and Path(tracker["db"]).parent.is_dir()


def test_endpoints_copy_honours_the_tracker_db_setting(app_settings, tmp_path):
    settings = app_settings(data_dir=tmp_path / "d", rasa_tracker_db=tmp_path / "elsewhere" / "t.db")
    config = yaml.safe_load(RasaProcess(settings).endpoints_file().read_text(encoding="utf-8"))
    assert config["tracker_store"]["db"] == str((tmp_path / "elsewhere" / "t.db").resolve())


def test_project_endpoints_use_the_sql_tracker_store_in_var():
    config = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert config["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": "var/rasa-tracker.db"}
    # relative to the project root (bot.run starts rasa there), inside the default data dir
    assert (PROJECT_DIR / "var").resolve() == AppSettings.model_fields["data_dir"].default.resolve()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org"])
def test_action_server_cannot_be_moved_off_loopback(host):
    with pytest.raises(ValidationError, match="loopback"):
        AppSettings(action_host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_action_server_loopback_hosts(host):
    assert AppSettings(action_host=host).action_host == host


def test_action_socket_binds_loopback(unused_port):
    settings = AppSettings()
    sock = bind(settings.action_host, unused_port(), "action server")
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


def test_uvicorn_does_not_trust_forwarded_headers_itself():
    app_server, act_server = make_servers(object(), object())
    for server in (app_server, act_server):
        assert server.config.proxy_headers is False
        assert server.config.server_header is False


def test_admin_token_is_compared_in_constant_time(client, admin, monkeypatch):
    import bot.api.deps as deps

    calls = []
    real = deps.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(deps.hmac, "compare_digest", spy)
    assert client.get("/api/admin/tickets", headers={"X-Admin-Token": "wrong"}).status_code == 401
    assert client.get("/api/admin/tickets").status_code == 401
    assert client.get("/api/admin/tickets", headers=admin).status_code == 200
    assert len(calls) == 3
    assert calls[0] == (b"wrong", admin["X-Admin-Token"].encode())


def test_cors_preflight_never_allows_the_admin_token_or_credentials(app_settings):
    with TestClient(create_app(app_settings(cors_origins=["https://hrss.example"]))) as c:
        r = c.options(
            "/api/admin/tickets",
            headers={
                "Origin": "https://hrss.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "X-Admin-Token",
            },
        )
        assert "x-admin-token" not in r.headers.get("access-control-allow-headers", "").lower()
        assert r.headers.get("access-control-allow-credentials") != "true"
        r = c.get("/api/offices", headers={"Origin": "https://hrss.example"})
        assert r.headers["access-control-allow-origin"] == "https://hrss.example"
        r = c.get("/api/offices", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers


def test_openapi_lists_only_the_public_api(client):
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert all(p.startswith("/api/") or p in ("/healthz", "/healthz/cluster") for p in paths), paths
    assert not any("webhook" in p for p in paths)
