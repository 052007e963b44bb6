"""The app's own records in SQLite (sqlite-utils, WAL): conversations, feedback, tickets.

``AppStore`` is safe to share between threads of one process (one connection guarded by a
lock) and between processes (SQLite WAL, ``BEGIN IMMEDIATE`` for ticket numbers). Message
text is stored as given: callers mask it first (see :mod:`appdata.privacy`); tickets keep the
contact details people typed on purpose so that staff can call back.

Contract (docs/CONTRACTS.md)::

    store = AppStore(path)
    ticket = store.create_ticket(kind="complaint" | "handoff", sender_id=..., fields={...},
                                 office=..., phone=...)   # committed before it returns
    ticket.ref   # "TS-20261127-0007"
    store.list_tickets(status="open" | "done" | None) ; store.mark_ticket_done(ref)
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

TICKET_KINDS = ("complaint", "handoff")
TICKET_STATUSES = ("open", "done")


@dataclass
class Ticket:
    ref: str
    kind: str
    sender_id: str
    fields: dict[str, Any]
    office: str | None
    phone: str | None
    status: str
    created_at: str
    done_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Conversation:
    id: int
    sender_id: str
    message: str
    reply: str
    intent: str | None
    action: str | None
    fallback: bool
    sources: list[str] = field(default_factory=list)
    latency_ms: int | None = None
    created_at: str = ""


def open_durable(path: str | Path) -> Database:
    """app.db (or ":memory:") for several threads and processes: WAL + synchronous FULL, so a
    committed row survives a killed process and a power cut; writers wait up to 15 s."""
    memory = str(path) == ":memory:"
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite3.connect(str(path), check_same_thread=False, timeout=15.0))
    if not memory:
        db.enable_wal()
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA busy_timeout = 15000")
    return db


class AppStore:
    """Conversations (masked), feedback and tickets in one SQLite file."""

    def __init__(self, path: str | Path, tz: str = "Asia/Shanghai") -> None:
        self.path = Path(path)
        self.tz = ZoneInfo(tz)
        self._lock = threading.RLock()
        self.db = open_durable(path)
        with self._lock:
            self._create_tables()

    # ------------------------------------------------------------------ schema
    def _create_tables(self) -> None:
        db = self.db
        if "conversations" not in db.table_names():
            db["conversations"].create(
                {
                    "id": int,
                    "sender_id": str,
                    "message": str,
                    "reply": str,
                    "intent": str,
                    "action": str,
                    "fallback": int,
                    "sources": str,  # JSON list of source ids
                    "latency_ms": int,
                    "created_at": str,
                },
                pk="id",
                not_null={"sender_id", "message", "created_at"},
            )
            db["conversations"].create_index(["created_at"])
            db["conversations"].create_index(["sender_id"])
            db["conversations"].create_index(["fallback", "message"])
        if "feedback" not in db.table_names():
            db["feedback"].create(
                {
                    "id": int,
                    "sender_id": str,
                    "message_id": int,
                    "reply": str,
                    "rating": str,
                    "reason": str,
                    "created_at": str,
                },
                pk="id",
                not_null={"sender_id", "rating", "created_at"},
            )
            db["feedback"].create_index(["created_at"])
        if "tickets" not in db.table_names():
            db["tickets"].create(
                {
                    "ref": str,
                    "kind": str,
                    "sender_id": str,
                    "fields": str,  # JSON object
                    "office": str,
                    "phone": str,
                    "status": str,
                    "created_at": str,
                    "done_at": str,
                },
                pk="ref",
                not_null={"kind", "sender_id", "status", "created_at"},
            )
            db["tickets"].create_index(["status", "created_at"])

    # ------------------------------------------------------------------ helpers
    def now(self) -> datetime:
        return datetime.now(self.tz)

    def _ts(self, when: datetime | None = None) -> str:
        return (when or self.now()).isoformat(timespec="seconds")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # ------------------------------------------------------------------ conversations
    def log_conversation(
        self,
        *,
        sender_id: str,
        message: str,
        reply: str,
        intent: str | None = None,
        action: str | None = None,
        fallback: bool = False,
        sources: list[str] | None = None,
        latency_ms: int | None = None,
        when: datetime | None = None,
    ) -> int:
        """Store one exchange (already masked) and return its id (the public message_id)."""
        row = {
            "sender_id": sender_id,
            "message": message,
            "reply": reply,
            "intent": intent,
            "action": action,
            "fallback": int(bool(fallback)),
            "sources": json.dumps(sources or [], ensure_ascii=False),
            "latency_ms": latency_ms,
            "created_at": self._ts(when),
        }
        with self._lock:
            cur = self.db.execute(
                "INSERT INTO conversations (sender_id, message, reply, intent, action, fallback,"
                " sources, latency_ms, created_at) VALUES (:sender_id, :message, :reply, :intent,"
                " :action, :fallback, :sources, :latency_ms, :created_at)",
                row,
            )
            return int(cur.lastrowid)

    def get_conversation(self, message_id: int) -> Conversation | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM conversations WHERE id = ?", [message_id]))
        return self._conv(rows[0]) if rows else None

    def conversations(self, sender_id: str | None = None, limit: int = 100) -> list[Conversation]:
        sql = "SELECT * FROM conversations"
        params: list[Any] = []
        if sender_id:
            sql += " WHERE sender_id = ?"
            params.append(sender_id)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            return [self._conv(r) for r in self.db.query(sql, params)]

    @staticmethod
    def _conv(r: dict[str, Any]) -> Conversation:
        return Conversation(
            id=r["id"],
            sender_id=r["sender_id"],
            message=r["message"],
            reply=r["reply"] or "",
            intent=r["intent"],
            action=r["action"],
            fallback=bool(r["fallback"]),
            sources=json.loads(r["sources"] or "[]"),
            latency_ms=r["latency_ms"],
            created_at=r["created_at"],
        )

    def unanswered(self, limit: int = 50, days: int | None = None) -> list[dict[str, Any]]:
        """Questions the assistant could not answer (fallback), most frequent first."""
        sql = (
            "SELECT message AS question, COUNT(*) AS count, MAX(created_at) AS last_asked,"
            " MIN(created_at) AS first_asked FROM conversations WHERE fallback = 1"
        )
        params: list[Any] = []
        if days:
            sql += " AND created_at >= ?"
            params.append(self._ts(self.now() - timedelta(days=days)))
        sql += " GROUP BY message ORDER BY count DESC, last_asked DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            return list(self.db.query(sql, params))

    def purge_conversations(self, older_than_days: int) -> int:
        """Delete conversation logs (and feedback) older than N days; returns rows deleted."""
        if older_than_days <= 0:
            return 0
        cutoff = self._ts(self.now() - timedelta(days=older_than_days))
        with self._lock:
            with self.db.atomic():
                n = self.db.execute("DELETE FROM conversations WHERE created_at < ?", [cutoff]).rowcount
                n += self.db.execute("DELETE FROM feedback WHERE created_at < ?", [cutoff]).rowcount
        return n

    # ------------------------------------------------------------------ feedback
    def add_feedback(
        self,
        *,
        sender_id: str,
        rating: str,
        message_id: int | None = None,
        reply: str | None = None,
        reason: str | None = None,
    ) -> int:
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        with self._lock:
            cur = self.db.execute(
                "INSERT INTO feedback (sender_id, message_id, reply, rating, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [sender_id, message_id, reply, rating, reason, self._ts()],
            )
            return int(cur.lastrowid)

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", [limit]))

    # ------------------------------------------------------------------ tickets
    def create_ticket(
        self,
        *,
        kind: str,
        sender_id: str,
        fields: dict[str, Any] | None = None,
        office: str | None = None,
        phone: str | None = None,
    ) -> Ticket:
        """Create an open ticket with the next number of the day; committed before it returns."""
        if kind not in TICKET_KINDS:
            raise ValueError(f"kind must be one of {TICKET_KINDS}, not {kind!r}")
        now = self.now()
        prefix = f"TS-{now:%Y%m%d}-"
        fields_json = json.dumps(fields or {}, ensure_ascii=False)
        with self._lock:
            conn = self.db.conn
            # BEGIN IMMEDIATE takes the write lock first, so two processes never pick the
            # same number.
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT ref FROM tickets WHERE ref LIKE ? ORDER BY ref DESC LIMIT 1", [prefix + "%"]
                ).fetchone()
                seq = int(row[0].rsplit("-", 1)[1]) + 1 if row else 1
                ref = f"{prefix}{seq:04d}"
                conn.execute(
                    "INSERT INTO tickets (ref, kind, sender_id, fields, office, phone, status, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
                    [ref, kind, sender_id, fields_json, office, phone, self._ts(now)],
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return Ticket(
            ref=ref,
            kind=kind,
            sender_id=sender_id,
            fields=dict(fields or {}),
            office=office,
            phone=phone,
            status="open",
            created_at=self._ts(now),
        )

    def get_ticket(self, ref: str) -> Ticket | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM tickets WHERE ref = ?", [ref]))
        return self._ticket(rows[0]) if rows else None

    def list_tickets(self, status: str | None = None, limit: int = 500) -> list[Ticket]:
        """Tickets, newest first; ``status`` "open", "done" or None for all."""
        if status is not None and status not in TICKET_STATUSES:
            raise ValueError(f"status must be one of {TICKET_STATUSES} or None, not {status!r}")
        sql = "SELECT * FROM tickets"
        params: list[Any] = []
        if status:
            sql += " WHERE status = ?"
            params.append(status)
        sql += " ORDER BY created_at DESC, ref DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            return [self._ticket(r) for r in self.db.query(sql, params)]

    def mark_ticket_done(self, ref: str) -> Ticket | None:
        """Mark a ticket done (idempotent); None when there is no such ticket."""
        with self._lock:
            self.db.execute(
                "UPDATE tickets SET status = 'done', done_at = ? WHERE ref = ? AND status != 'done'",
                [self._ts(), ref],
            )
        return self.get_ticket(ref)

    @staticmethod
    def _ticket(r: dict[str, Any]) -> Ticket:
        return Ticket(
            ref=r["ref"],
            kind=r["kind"],
            sender_id=r["sender_id"],
            fields=json.loads(r["fields"] or "{}"),
            office=r["office"],
            phone=r["phone"],
            status=r["status"],
            created_at=r["created_at"],
            done_at=r["done_at"],
        )


def purge_tracker_events(path: str | Path, older_than_days: int, now: float | None = None) -> int:
    """Delete events older than N days from Rasa's SQL tracker store (SQLite file at ``path``).

    Rasa keeps every event of a conversation, including the raw user text, so the tracker store
    follows the same retention as the app's own logs. A missing file or table deletes nothing.
    """
    import time

    path = Path(path)
    if older_than_days <= 0 or not path.exists():
        return 0
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    conn = sqlite3.connect(str(path), timeout=15.0)
    try:
        has_events = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
        ).fetchone()
        if not has_events:
            return 0
        with conn:
            return conn.execute("DELETE FROM events WHERE timestamp < ?", [cutoff]).rowcount
    finally:
        conn.close()


_store: AppStore | None = None
_store_lock = threading.Lock()


def get_store() -> AppStore:
    """The process-wide store at ``settings.app_db`` (created on first use)."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                from appdata.settings import StoreSettings

                s = StoreSettings()
                _store = AppStore(s.app_db, tz=s.timezone)
    return _store


def set_store(store: AppStore | None) -> AppStore | None:
    """Install ``store`` as the process-wide store (tests, embedding); returns the previous one."""
    global _store
    with _store_lock:
        previous, _store = _store, store
    return previous


def reset_store() -> None:
    """Forget the process-wide store (tests, or after the settings changed)."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.close()
        _store = None
