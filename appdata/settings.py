"""Settings of the app's records (prefix ``JIZE_``), on top of the knowledge layer's data dir."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from knowledge.settings import KnowledgeSettings


class StoreSettings(KnowledgeSettings):
    model_config = SettingsConfigDict(env_prefix="JIZE_", env_file=".env", extra="ignore")

    # Local time zone for ticket numbers and printed dates.
    timezone: str = "Asia/Shanghai"
    # The app's own database (conversations, feedback, tickets); default: <data_dir>/app.db.
    app_db_path: Path | None = None
    # The app's records on PostgreSQL instead (cluster mode: several gateway processes share
    # them), e.g. postgresql://jize:PW@db.example:5432/jize. Empty: SQLite at app_db.
    app_db_url: SecretStr = SecretStr("")

    @property
    def app_db(self) -> Path:
        return self.app_db_path or (self.data_dir / "app.db")
