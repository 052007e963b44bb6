"""bot.core.config.AppSettings: the knowledge settings plus the app's, from JIZE_* variables."""

from __future__ import annotations

from bot.core.config import AppSettings, get_app_settings
from knowledge.settings import KnowledgeSettings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    for k in ("JIZE_PORT", "JIZE_HOST", "JIZE_RASA_URL", "JIZE_ADMIN_TOKEN", "JIZE_CORS_ORIGINS"):
        monkeypatch.delenv(k, raising=False)
    s = AppSettings()
    assert isinstance(s, KnowledgeSettings)
    assert (s.host, s.port, s.rasa_url, s.action_port) == ("127.0.0.1", 8000, "http://127.0.0.1:5005", 5055)
    assert s.message_max_chars == 500
    assert s.admin_enabled is False and s.cors_origins == []
    assert s.app_db == s.data_dir / "app.db"


def test_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JIZE_PORT", "8080")
    monkeypatch.setenv("JIZE_ADMIN_TOKEN", "abc")
    monkeypatch.setenv("JIZE_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("JIZE_DATA_DIR", str(tmp_path))
    s = AppSettings()
    assert s.port == 8080 and s.admin_enabled and s.admin_token.get_secret_value() == "abc"
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.app_db == tmp_path / "app.db"
    assert "abc" not in repr(s)  # the token is not printed
    monkeypatch.setenv("JIZE_CORS_ORIGINS", '["https://c.example"]')
    assert AppSettings().cors_origins == ["https://c.example"]


def test_read_once():
    get_app_settings.cache_clear()
    assert get_app_settings() is get_app_settings()
    get_app_settings.cache_clear()
