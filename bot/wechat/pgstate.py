"""What the WeChat channel remembers (:mod:`bot.wechat.state`) on PostgreSQL, for cluster mode
(``JIZE_APP_DB_URL``): the same tables, rows and rules; a retry that reaches another gateway
process finds the first one's claim and reply there. Only the statements SQLite and PostgreSQL
spell differently (DDL, ``INSERT OR IGNORE``/``OR REPLACE`` → ``ON CONFLICT``) are here.
"""

from __future__ import annotations

import json
import secrets
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from appdata.pgdb import PgDatabase
from bot.wechat.replies import Choice
from bot.wechat.state import KEEP, MessageRecord, Session, WeChatState

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS wechat_messages (
        key TEXT PRIMARY KEY, sender_id TEXT NOT NULL, status TEXT NOT NULL, content TEXT,
        create_time BIGINT, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS idx_wechat_messages_created_at ON wechat_messages (created_at)",
    """CREATE TABLE IF NOT EXISTS wechat_sessions (
        sender_id TEXT PRIMARY KEY, rest TEXT, citations TEXT, choices TEXT, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS idx_wechat_sessions_updated_at ON wechat_sessions (updated_at)",
    "CREATE TABLE IF NOT EXISTS wechat_meta (key TEXT PRIMARY KEY, value TEXT)",
)


class PgWeChatState(WeChatState):
    def __init__(self, url: str, tz: str = "Asia/Shanghai") -> None:  # not super().__init__: SQLite
        self.path = None
        self.tz = ZoneInfo(tz)
        self._lock = threading.RLock()
        self.db = PgDatabase(url)
        with self._lock, self.db.atomic():
            self.db.execute("SELECT pg_advisory_xact_lock(?)", [0x77656368])  # one creator at a time
            for statement in SCHEMA:
                self.db.execute(statement)

    def id_key(self) -> bytes:
        with self._lock:
            self.db.execute(
                "INSERT INTO wechat_meta (key, value) VALUES ('id_key', ?) ON CONFLICT (key) DO NOTHING",
                [secrets.token_hex(32)],
            )
            row = self.db.execute("SELECT value FROM wechat_meta WHERE key = 'id_key'").fetchone()
        return bytes.fromhex(row["value"])

    def claim(self, key: str, sender_id: str) -> MessageRecord | None:
        now = datetime.now(self.tz)
        with self._lock, self.db.atomic():
            self.db.execute("DELETE FROM wechat_messages WHERE created_at < ?", [self._ts(now - KEEP)])
            cur = self.db.execute(
                "INSERT INTO wechat_messages (key, sender_id, status, created_at) VALUES (?, ?, 'pending', ?)"
                " ON CONFLICT (key) DO NOTHING",
                [key, sender_id, self._ts(now)],
            )
            if cur.rowcount:
                return None
            row = self.db.execute(
                "SELECT status, content, create_time FROM wechat_messages WHERE key = ?", [key]
            ).fetchone()
        return MessageRecord(row["status"], row["content"], row["create_time"])

    def finish(self, key: str, status: str, content: str | None = None, create_time: int | None = None) -> None:
        with self._lock:
            self.db.execute(
                "UPDATE wechat_messages SET status = ?, content = ?, create_time = ? WHERE key = ?",
                [status, content, create_time, key],
            )

    def session(self, sender_id: str) -> Session:
        with self._lock:
            row = self.db.execute(
                "SELECT rest, citations, choices FROM wechat_sessions WHERE sender_id = ? AND updated_at >= ?",
                [sender_id, self._ts(datetime.now(self.tz) - KEEP)],
            ).fetchone()
        if row is None:
            return Session(None, (), ())
        choices = tuple(Choice(c["title"], c["payload"]) for c in json.loads(row["choices"] or "[]"))
        return Session(row["rest"], tuple(json.loads(row["citations"] or "[]")), choices)

    def save_session(
        self,
        sender_id: str,
        *,
        rest: str | None,
        citations: tuple[str, ...],
        choices: tuple[Choice, ...] | None,
    ) -> None:
        if choices is None:
            choices = self.session(sender_id).choices
        now = datetime.now(self.tz)
        with self._lock, self.db.atomic():
            self.db.execute("DELETE FROM wechat_sessions WHERE updated_at < ?", [self._ts(now - KEEP)])
            self.db.execute(
                "INSERT INTO wechat_sessions (sender_id, rest, citations, choices, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (sender_id) DO UPDATE SET rest = EXCLUDED.rest, citations = EXCLUDED.citations,"
                " choices = EXCLUDED.choices, updated_at = EXCLUDED.updated_at",
                [
                    sender_id,
                    rest,
                    json.dumps(list(citations), ensure_ascii=False),
                    json.dumps([{"title": c.title, "payload": c.payload} for c in choices], ensure_ascii=False),
                    self._ts(now),
                ],
            )
