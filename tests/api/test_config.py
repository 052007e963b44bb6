"""bot.core.config.AppSettings: the knowledge settings plus the app's, from JIZE_* variables."""

from __future__ import annotations

from pathlib import Path

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


def test_generated_state_lives_in_the_data_dir(monkeypatch, tmp_path):
    """Two data dirs, two counties: the Rasa model and the generated NLU data follow
    JIZE_DATA_DIR like the knowledge store and app.db; JIZE_RASA_MODEL_DIR still moves the model."""
    monkeypatch.delenv("JIZE_RASA_MODEL_DIR", raising=False)
    a = AppSettings(data_dir=tmp_path / "a")
    b = AppSettings(data_dir=tmp_path / "b")
    for s, root in ((a, tmp_path / "a"), (b, tmp_path / "b")):
        assert s.rasa_model_dir == root / "rasa-models"
        assert s.nlu_generated_dir == root / "nlu-generated"
        assert (s.knowledge_db.parent, s.app_db.parent, s.tracker_db.parent) == (root, root, root)
    monkeypatch.setenv("JIZE_RASA_MODEL_DIR", str(tmp_path / "models"))
    assert AppSettings(data_dir=tmp_path / "a").rasa_model_dir == tmp_path / "models"


def test_paths_for_the_shell_scripts(monkeypatch, tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "JIZE_DATA_DIR": str(tmp_path / "county b")}
    out = subprocess.run([sys.executable, "-m", "bot.core.config"], env=env, capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout
    values = dict(line.split("=", 1) for line in out.splitlines())
    root = f"'{tmp_path / 'county b'}"
    assert values == {"DATA_DIR": root + "'", "RASA_MODEL_DIR": root + "/rasa-models'",
                      "NLU_GENERATED_DIR": root + "/nlu-generated'"}
