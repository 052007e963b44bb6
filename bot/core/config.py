"""The app's settings: the knowledge layer's settings plus HTTP, Rasa, admin and privacy knobs.

Every field can be set from the environment with the ``JIZE_`` prefix (for example
``JIZE_PORT=8080``, ``JIZE_ADMIN_TOKEN=...``, ``JIZE_CORS_ORIGINS='["https://example.org"]'``)
or from a ``.env`` file in the working directory.
"""

from __future__ import annotations

import ipaddress
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from actions.export_lookups import GENERATED_DIR
from appdata.settings import StoreSettings
from knowledge.settings import PROJECT_DIR


class AppSettings(StoreSettings):
    model_config = SettingsConfigDict(env_prefix="JIZE_", env_file=".env", extra="ignore")

    # Public HTTP server (the only public surface).
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    # Rasa server (REST channel) and the in-process action server it calls back.
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = Field(30.0, gt=0, description="seconds to wait for one Rasa answer")
    # The action server only ever listens on a loopback address (Rasa runs on this machine).
    action_host: str = "127.0.0.1"
    action_port: int = Field(5055, ge=1, le=65535)
    # Seconds one custom action may take; past that the action server answers with an error
    # and Rasa goes on without it, so the user gets the fallback instead of a hang (Rasa's own
    # action timeout is a fixed 5 minutes). Keep it below rasa_timeout.
    action_timeout: float = Field(10.0, gt=0)
    # Used by ``python -m bot.run`` to start Rasa.
    rasa_bin: Path = PROJECT_DIR / ".venv-rasa" / "bin" / "rasa"
    # Trained models (scripts/rasa_train.sh writes, bot.run serves); default <data_dir>/rasa-models.
    rasa_model_dir: Path | None = None  # filled in from data_dir below: always a Path once read
    rasa_endpoints: Path = PROJECT_DIR / "endpoints.yml"
    rasa_start_timeout: float = Field(300.0, gt=0, description="seconds bot.run waits for health")
    # Rasa's SQL tracker store (SQLite): bot.run points the copy of endpoints.yml it gives Rasa
    # at this file; default <data_dir>/rasa-tracker.db.
    rasa_tracker_db: Path | None = None

    # Cluster mode (``make run-cluster``, ``python -m bot.cluster``; see docs/CLUSTER.md). Set
    # all three to use existing servers; ``bot.cluster`` starts what is missing on this machine.
    # Rasa's SQL tracker store on PostgreSQL, e.g. postgresql://jize:PW@db.example:5432/jize
    # (set: every Rasa replica bot.run starts uses it, with Rasa's own store, no cache).
    tracker_store_url: SecretStr = SecretStr("")
    # Rasa's Redis lock store, e.g. redis://:PW@redis.example:6379/0; the gateways share their
    # rate-limit counters there too.
    lock_store_url: SecretStr = SecretStr("")
    # Rasa servers already running (comma list or JSON): the gateway routes each conversation to
    # one of them (consistent hashing on the sender id) and starts no Rasa itself.
    rasa_urls: Annotated[list[str], NoDecode] = []
    # Replicas bot.run starts in cluster mode when JIZE_RASA_URLS is empty, on consecutive ports
    # from JIZE_RASA_URL's.
    rasa_replicas: int = Field(2, ge=1, le=32)
    # Seconds a replica's claim on a conversation lasts in the lock store (Rasa's
    # TICKET_LOCK_LIFETIME) unless renewed: a live replica renews it every third of this while
    # its turn runs (rasa_components/lock_store.py), so a replica killed mid-turn holds the
    # conversation at most this long, however long turns take.
    lock_lifetime: int = Field(6, ge=3)
    # Where ``python -m bot.cluster`` keeps the private PostgreSQL and Redis it starts when the
    # URLs above are not set; default <data_dir>/cluster.
    cluster_dir: Path | None = None
    # Seconds a replica that refused a connection is skipped before it is tried again.
    replica_retry_after: float = Field(2.0, gt=0)

    # Admin endpoints and the agent console. Empty → admin endpoints are disabled (503).
    admin_token: SecretStr = SecretStr("")
    # Origins allowed to call the API from a browser (embedding the widget on another site).
    cors_origins: Annotated[list[str], NoDecode] = []

    # Input limits.
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="request bodies, chunked or not")
    message_max_chars: int = Field(500, ge=1)
    search_max_k: int = Field(20, ge=1)

    # Rate limits (requests per minute; 0 switches that limit off).
    rate_chat_per_sender: int = Field(30, ge=0)
    rate_chat_per_ip: int = Field(1200, ge=0)
    rate_search_per_ip: int = Field(1200, ge=0)
    rate_feedback_per_ip: int = Field(120, ge=0)
    # Client addresses the per-address limits never apply to (addresses or networks; default:
    # this machine, e.g. the service-station kiosk). Comma list or JSON; empty = none.
    rate_limit_exempt: Annotated[list[str], NoDecode] = ["127.0.0.0/8", "::1"]
    # Reverse proxies whose X-Forwarded-For is believed: only when the direct peer is one of
    # these is the client address taken from that header (the right-most address that is not
    # itself a trusted proxy). Default: a proxy on this machine. Comma list or JSON.
    trusted_proxies: Annotated[list[str], NoDecode] = ["127.0.0.1", "::1"]

    # Conversation logs (masked) older than this many days are deleted; 0 keeps them forever.
    log_retention_days: int = Field(90, ge=0)
    # ``timezone`` and ``app_db_path`` (the app's records): appdata.settings.StoreSettings.

    # WeChat Official Account (公众号) message interface at /wechat; off while the token is empty.
    wechat_token: SecretStr = SecretStr("")
    # The 43-character EncodingAESKey (safe and compatible modes) and the account's AppID, which
    # every encrypted message carries and is checked against.
    wechat_aes_key: SecretStr = SecretStr("")
    wechat_appid: str = ""
    # AppSecret for the customer-service message API (answers later than the passive reply).
    wechat_appsecret: SecretStr = SecretStr("")
    # "compatible" accepts plaintext and encrypted messages, "safe" only encrypted ones.
    wechat_mode: Literal["compatible", "safe"] = "compatible"
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_max_body_bytes: int = Field(16 * 1024, ge=1024)
    # WeChat waits 5 s for the passive reply; later answers go through the customer-service API.
    wechat_reply_timeout: float = Field(4.5, gt=0, lt=5)
    # Key for the hash that turns an OpenID into the conversation id; empty = a random key kept
    # in app.db (set it to keep conversations when app.db is replaced).
    wechat_id_key: SecretStr = SecretStr("")

    @field_validator("cors_origins", "rate_limit_exempt", "trusted_proxies", "rasa_urls", mode="before")
    @classmethod
    def _split_origins(cls, v: object) -> object:
        # Accept a comma separated string as well as a JSON list.
        if isinstance(v, str):
            if v.strip().startswith("["):
                return json.loads(v)
            return [s.strip() for s in v.split(",") if s.strip()]
        return v

    @field_validator("rate_limit_exempt", "trusted_proxies")
    @classmethod
    def _check_networks(cls, v: list[str]) -> list[str]:
        for item in v:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return v

    @field_validator("wechat_aes_key")
    @classmethod
    def _aes_key_shape(cls, v: SecretStr) -> SecretStr:
        key = v.get_secret_value()
        if key and len(key) != 43:
            raise ValueError("the EncodingAESKey has 43 characters (A-Z, a-z, 0-9)")
        return v

    @field_validator("action_host")
    @classmethod
    def _loopback_only(cls, v: str) -> str:
        host = v.strip("[]")
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(
                f"the action server must listen on a loopback address (127.0.0.1), not {v!r}: "
                "it runs code for Rasa only and has no authentication"
            )
        return v

    @property
    def networks_exempt(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.rate_limit_exempt)

    @property
    def networks_trusted(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.trusted_proxies)

    @field_validator("tracker_store_url")
    @classmethod
    def _postgres_only(cls, v: SecretStr) -> SecretStr:
        url = v.get_secret_value()
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("JIZE_TRACKER_STORE_URL must be a postgresql:// URL")
        return v

    @field_validator("lock_store_url")
    @classmethod
    def _redis_only(cls, v: SecretStr) -> SecretStr:
        url = v.get_secret_value()
        if url and not url.startswith("redis://"):
            raise ValueError("JIZE_LOCK_STORE_URL must be a redis:// URL")
        return v

    @property
    def cluster(self) -> bool:
        """Rasa keeps conversations on PostgreSQL (JIZE_TRACKER_STORE_URL set)."""
        return bool(self.tracker_store_url.get_secret_value())

    @property
    def replica_urls(self) -> list[str]:
        """The Rasa servers the gateway sends turns to: JIZE_RASA_URLS; else, in cluster mode,
        JIZE_RASA_REPLICAS ones on consecutive ports from JIZE_RASA_URL's; else JIZE_RASA_URL."""
        if self.rasa_urls:
            return [u.rstrip("/") for u in self.rasa_urls]
        if not self.cluster:
            return [self.rasa_url.rstrip("/")]
        from urllib.parse import urlparse

        url = urlparse(self.rasa_url)
        host, port = url.hostname or "127.0.0.1", url.port or 5005
        return [f"{url.scheme}://{host}:{port + i}" for i in range(self.rasa_replicas)]

    @property
    def tracker_db(self) -> Path:
        return self.rasa_tracker_db or (self.data_dir / "rasa-tracker.db")

    @model_validator(mode="after")
    def _model_dir_in_data_dir(self) -> AppSettings:
        if self.rasa_model_dir is None:
            self.rasa_model_dir = self.data_dir / "rasa-models"
        return self

    @property
    def nlu_generated_dir(self) -> Path:
        """NLU data generated from the knowledge store (``python -m actions.export_lookups``)."""
        return self.data_dir / GENERATED_DIR

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def action_url(self) -> str:
        return f"http://{self.action_host}:{self.action_port}"

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_token.get_secret_value())

    @property
    def wechat_enabled(self) -> bool:
        return bool(self.wechat_token.get_secret_value())


@lru_cache(maxsize=1)
def get_app_settings() -> AppSettings:
    """The process-wide settings, read once."""
    return AppSettings()


def main() -> None:
    """``python -m bot.core.config``: the paths of the generated state, as shell assignments
    (scripts/rasa_train.sh and rasa_checks.sh ``eval`` them, so they follow JIZE_DATA_DIR)."""
    import shlex

    s = AppSettings()
    for key, value in (
        ("DATA_DIR", s.data_dir),
        ("RASA_MODEL_DIR", s.rasa_model_dir),
        ("NLU_GENERATED_DIR", s.nlu_generated_dir),
    ):
        print(f"{key}={shlex.quote(str(value))}")


if __name__ == "__main__":
    main()
