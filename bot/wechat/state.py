"""What the WeChat channel remembers between requests, in the app's SQLite file (app.db).

Same conventions as :class:`appdata.store.AppStore` (sqlite-utils, WAL, ``synchronous = FULL``, one
connection behind a lock, ISO times in the bureau's time zone), in a connection of its own:

* ``wechat_messages`` — one row per message WeChat delivered (key: a keyed hash of its MsgId,
  or of sender and CreateTime for events): ``pending`` while it is answered, ``done`` with the
  reply that every retry gets again, ``deferred`` when the answer goes through the
  customer-service API (retries get ``success``). Kept a day: WeChat retries within seconds.
* ``wechat_sessions`` — per conversation: the rest of a long answer (for "全文") with its
  citations, and the numbered choices of the last answer. Kept a day after the last change.
* ``wechat_meta`` — the random key of the OpenID hash when ``JIZE_WECHAT_ID_KEY`` is unset.

No OpenID is stored: conversations are keyed by the hashed sender id.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from appdata.store import open_durable
from bot.wechat.replies import Choice

KEEP = timedelta(days=1)


@dataclass
class MessageRecord:
    status: str  # "pending" | "done" | "deferred"
    content: str | None
    create_time: int | None


@dataclass
class Session:
    rest: str | None
    citations: tuple[str, ...]
    choices: tuple[Choice, ...]


class WeChatState:
    def __init__(self, path: str | Path, tz: str = "Asia/Shanghai") -> None:
        self.path = Path(path)
        self.tz = ZoneInfo(tz)
        self._lock = threading.RLock()
        self.db = open_durable(path)
        with self._lock:
            self._create_tables()

    def _create_tables(self) -> None:
        db = self.db
        if "wechat_messages" not in db.table_names():
            db["wechat_messages"].create(
                {"key": str, "sender_id": str, "status": str, "content": str, "create_time": int,
                 "created_at": str},
                pk="key",
                not_null={"sender_id", "status", "created_at"},
            )
            db["wechat_messages"].create_index(["created_at"])
        if "wechat_sessions" not in db.table_names():
            db["wechat_sessions"].create(
                {"sender_id": str, "rest": str, "citations": str, "choices": str, "updated_at": str},
                pk="sender_id",
                not_null={"updated_at"},
            )
            db["wechat_sessions"].create_index(["updated_at"])
        if "wechat_meta" not in db.table_names():
            db["wechat_meta"].create({"key": str, "value": str}, pk="key")

    def _ts(self, when: datetime | None = None) -> str:
        return (when or datetime.now(self.tz)).isoformat(timespec="seconds")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # ------------------------------------------------------------------ key
    def id_key(self) -> bytes:
        """The OpenID hash key: created once, then the same for the life of app.db."""
        with self._lock:
            self.db.execute(
                "INSERT OR IGNORE INTO wechat_meta (key, value) VALUES ('id_key', ?)", [secrets.token_hex(32)]
            )
            self.db.conn.commit()
            row = self.db.execute("SELECT value FROM wechat_meta WHERE key = 'id_key'").fetchone()
        return bytes.fromhex(row[0])

    # ------------------------------------------------------------------ messages
    def claim(self, key: str, sender_id: str) -> MessageRecord | None:
        """Record a message as being answered; None when it is new, else the earlier record."""
        now = datetime.now(self.tz)
        with self._lock, self.db.conn:
            self.db.conn.execute("DELETE FROM wechat_messages WHERE created_at < ?", [self._ts(now - KEEP)])
            cur = self.db.conn.execute(
                "INSERT OR IGNORE INTO wechat_messages (key, sender_id, status, created_at)"
                " VALUES (?, ?, 'pending', ?)",
                [key, sender_id, self._ts(now)],
            )
            if cur.rowcount:
                return None
            row = self.db.conn.execute(
                "SELECT status, content, create_time FROM wechat_messages WHERE key = ?", [key]
            ).fetchone()
        return MessageRecord(*row)

    def finish(self, key: str, status: str, content: str | None = None, create_time: int | None = None) -> None:
        with self._lock, self.db.conn:
            self.db.conn.execute(
                "UPDATE wechat_messages SET status = ?, content = ?, create_time = ? WHERE key = ?",
                [status, content, create_time, key],
            )

    # ------------------------------------------------------------------ sessions
    def session(self, sender_id: str) -> Session:
        with self._lock:
            row = self.db.conn.execute(
                "SELECT rest, citations, choices FROM wechat_sessions WHERE sender_id = ? AND updated_at >= ?",
                [sender_id, self._ts(datetime.now(self.tz) - KEEP)],
            ).fetchone()
        if row is None:
            return Session(None, (), ())
        choices = tuple(Choice(c["title"], c["payload"]) for c in json.loads(row[2] or "[]"))
        return Session(row[0], tuple(json.loads(row[1] or "[]")), choices)

    def save_session(
        self,
        sender_id: str,
        *,
        rest: str | None,
        citations: tuple[str, ...],
        choices: tuple[Choice, ...] | None,
    ) -> None:
        """Remember the rest of the answer; ``choices`` None keeps the remembered choices."""
        if choices is None:
            choices = self.session(sender_id).choices
        now = datetime.now(self.tz)
        with self._lock, self.db.conn:
            self.db.conn.execute("DELETE FROM wechat_sessions WHERE updated_at < ?", [self._ts(now - KEEP)])
            self.db.conn.execute(
                "INSERT OR REPLACE INTO wechat_sessions (sender_id, rest, citations, choices, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    sender_id,
                    rest,
                    json.dumps(list(citations), ensure_ascii=False),
                    json.dumps([{"title": c.title, "payload": c.payload} for c in choices], ensure_ascii=False),
                    self._ts(now),
                ],
            )
