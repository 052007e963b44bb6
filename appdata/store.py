"""The app's own records in SQLite (sqlite-utils, WAL): conversations, feedback, tickets,
curated answers (with every version) and the audit record of every reply.

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
    store.add_curated(question=..., answer=..., sources=[...], phrasings=[...], author=...)
    store.update_curated(id, ...) ; store.retire_curated(id, author=...)
    store.curated(active_only=True) ; store.curated_history(id)
    store.add_audit({...}) ; store.get_audit(audit_id) ; store.stats(days)

The tables added for curated answers and audit records are created with plain SQL (no
SQLite-only types or functions in their queries) so that they move to another SQL database as
they are.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

TICKET_KINDS = ("complaint", "handoff")
# A ticket submitted again with the same fields by the same conversation within this many
# minutes is the one already made (a turn retried after a replica died, a double submit).
DUPLICATE_TICKET_MINUTES = 10
TICKET_STATUSES = ("open", "done")


def _first(row: Any) -> Any:
    """The first column of a row, whether the driver gives tuples (sqlite3) or dicts (psycopg)."""
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


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


@dataclass
class CuratedAnswer:
    """One version of a curated answer (the current one, unless read from the history)."""

    id: int
    version: int
    question: str
    answer: str
    sources: list[str]
    phrasings: list[str]
    author: str
    created_at: str  # of this version
    status: str = "active"  # "active" or "retired"
    retired_at: str | None = None
    retired_by: str | None = None

    def texts(self) -> list[str]:
        """The question and its phrasings: what a new question is compared with."""
        return list(dict.fromkeys(t for t in (self.question, *self.phrasings) if t.strip()))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CURATED_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS curated_answers (
        id INTEGER PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT,
        retired_by TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS curated_versions (
        answer_id INTEGER NOT NULL,
        version INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        sources TEXT NOT NULL,
        phrasings TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (answer_id, version)
    )""",
    """CREATE TABLE IF NOT EXISTS audit (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        message_id INTEGER,
        question TEXT NOT NULL,
        intent TEXT,
        confidence REAL,
        action TEXT,
        route TEXT NOT NULL,
        sources TEXT NOT NULL,
        knowledge_sha256 TEXT,
        knowledge_built_at TEXT,
        rasa_model TEXT,
        curated_id INTEGER,
        curated_version INTEGER,
        curated_score REAL,
        latency_ms INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS audit_created_at ON audit (created_at)",
)
AUDIT_JSON_FIELDS = ("sources",)
AUDIT_COLUMNS = ("id", "created_at", "sender_id", "message_id", "question", "intent", "confidence", "action",
                 "route", "sources", "knowledge_sha256", "knowledge_built_at", "rasa_model", "curated_id",
                 "curated_version", "curated_score", "latency_ms")


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
        self._batching = False  # inside batch(): writes leave the commit to it
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
        for statement in CURATED_SCHEMA:
            db.execute(statement)
        db.conn.commit()

    # ------------------------------------------------------------------ helpers
    def now(self) -> datetime:
        return datetime.now(self.tz)

    def _ts(self, when: datetime | None = None) -> str:
        return (when or self.now()).isoformat(timespec="seconds")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """The writes made inside (by this thread) in one transaction, committed at the end: one
        commit, hence one sync of the disk, for a turn's conversation log and audit record
        instead of one each. A write that fails inside leaves the others; a failed commit
        raises (none of them is stored). Other threads' writes wait until the end."""
        with self._lock:
            conn = self.db.conn
            if self._batching or conn.in_transaction:
                yield
                return
            conn.execute("BEGIN")
            self._batching = True
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                if conn.in_transaction:  # an I/O error may have rolled it back already
                    try:
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
            finally:
                self._batching = False

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

    def unanswered(self, limit: int = 50, days: int | None = None, since: str | None = None) -> list[dict[str, Any]]:
        """Questions the assistant could not answer (fallback), most frequent first."""
        sql = (
            "SELECT message AS question, COUNT(*) AS count, MAX(created_at) AS last_asked,"
            " MIN(created_at) AS first_asked FROM conversations WHERE fallback = 1"
        )
        params: list[Any] = []
        if days or since:
            sql += " AND created_at >= ?"
            params.append(since or self._ts(self.now() - timedelta(days=days or 0)))
        sql += " GROUP BY message ORDER BY count DESC, last_asked DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            return list(self.db.query(sql, params))

    def purge_conversations(self, older_than_days: int) -> int:
        """Delete conversation logs, feedback and audit records older than N days (curated answers
        stay); returns rows deleted."""
        if older_than_days <= 0:
            return 0
        cutoff = self._ts(self.now() - timedelta(days=older_than_days))
        with self._lock:
            with self.db.atomic():
                n = self.db.execute("DELETE FROM conversations WHERE created_at < ?", [cutoff]).rowcount
                n += self.db.execute("DELETE FROM feedback WHERE created_at < ?", [cutoff]).rowcount
                n += self.db.execute("DELETE FROM audit WHERE created_at < ?", [cutoff]).rowcount
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
        """Create an open ticket with the next number of the day; committed before it returns.
        The same ticket submitted again by the same conversation within DUPLICATE_TICKET_MINUTES
        (a retried turn, a double click) is the ticket already made, not a second one."""
        if kind not in TICKET_KINDS:
            raise ValueError(f"kind must be one of {TICKET_KINDS}, not {kind!r}")
        now = self.now()
        prefix = f"TS-{now:%Y%m%d}-"
        fields_json = json.dumps(fields or {}, ensure_ascii=False)
        with self._lock, self._ticket_numbering():
            same = self.db.execute(
                "SELECT ref FROM tickets WHERE sender_id = ? AND kind = ? AND fields = ? AND created_at >= ?"
                " ORDER BY created_at DESC LIMIT 1",
                [sender_id, kind, fields_json, self._ts(now - timedelta(minutes=DUPLICATE_TICKET_MINUTES))],
            ).fetchone()
            if same is None:
                last = self.db.execute(
                    "SELECT ref FROM tickets WHERE ref LIKE ? ORDER BY ref DESC LIMIT 1", [prefix + "%"]
                ).fetchone()
                seq = int(_first(last).rsplit("-", 1)[1]) + 1 if last else 1
                ref = f"{prefix}{seq:04d}"
                self.db.execute(
                    "INSERT INTO tickets (ref, kind, sender_id, fields, office, phone, status, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
                    [ref, kind, sender_id, fields_json, office, phone, self._ts(now)],
                )
        if same is not None:
            ticket = self.get_ticket(_first(same))
            if ticket is not None:
                return ticket
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

    @contextlib.contextmanager
    def _ticket_numbering(self) -> Iterator[None]:
        """The transaction in which a ticket number is read and taken: BEGIN IMMEDIATE takes the
        write lock first, so two processes never pick the same number."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

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

    # ------------------------------------------------------------------ curated answers
    def _write(self, statements: list[tuple[str, list[Any]]]) -> None:
        """Run the statements in one transaction that holds the write lock from the start."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                conn.execute(sql, params)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def add_curated(self, *, question: str, answer: str, sources: list[str], phrasings: list[str] | None = None,
                    author: str = "admin") -> CuratedAnswer:
        """A new curated answer, version 1; committed before it returns."""
        now = self._ts()
        with self._lock:
            row = self.db.conn.execute("SELECT MAX(id) FROM curated_answers").fetchone()
            new_id = int(row[0] or 0) + 1
            self._write([
                ("INSERT INTO curated_answers (id, version, status, created_at) VALUES (?, 1, 'active', ?)",
                 [new_id, now]),
                self._version_row(new_id, 1, question, answer, sources, phrasings or [], author, now),
            ])
        return self.get_curated(new_id)  # type: ignore[return-value]

    def update_curated(self, answer_id: int, *, question: str, answer: str, sources: list[str],
                       phrasings: list[str] | None = None, author: str = "admin") -> CuratedAnswer | None:
        """A new version of an active curated answer (the old ones are kept); None when there is no
        active answer with that id."""
        now = self._ts()
        with self._lock:
            row = self.db.conn.execute(
                "SELECT version FROM curated_answers WHERE id = ? AND status = 'active'", [answer_id]).fetchone()
            if row is None:
                return None
            version = int(row[0]) + 1
            self._write([
                self._version_row(answer_id, version, question, answer, sources, phrasings or [], author, now),
                ("UPDATE curated_answers SET version = ? WHERE id = ?", [version, answer_id]),
            ])
        return self.get_curated(answer_id)

    def retire_curated(self, answer_id: int, author: str = "admin") -> CuratedAnswer | None:
        """Stop serving a curated answer (its versions stay); None when there is no such answer."""
        with self._lock:
            self.db.execute(
                "UPDATE curated_answers SET status = 'retired', retired_at = ?, retired_by = ?"
                " WHERE id = ? AND status = 'active'", [self._ts(), author, answer_id])
            self.db.conn.commit()
        return self.get_curated(answer_id)

    @staticmethod
    def _version_row(answer_id: int, version: int, question: str, answer: str, sources: list[str],
                     phrasings: list[str], author: str, now: str) -> tuple[str, list[Any]]:
        return (
            "INSERT INTO curated_versions (answer_id, version, question, answer, sources, phrasings, author,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [answer_id, version, question, answer, json.dumps(list(sources), ensure_ascii=False),
             json.dumps(list(phrasings), ensure_ascii=False), author, now],
        )

    _CURATED_SQL = (
        "SELECT a.id, v.version, v.question, v.answer, v.sources, v.phrasings, v.author, v.created_at,"
        " a.status, a.retired_at, a.retired_by FROM curated_answers a"
        " JOIN curated_versions v ON v.answer_id = a.id"
    )

    def get_curated(self, answer_id: int) -> CuratedAnswer | None:
        with self._lock:
            rows = list(self.db.query(self._CURATED_SQL + " AND v.version = a.version WHERE a.id = ?",
                                      [answer_id]))
        return self._curated(rows[0]) if rows else None

    def curated(self, active_only: bool = True) -> list[CuratedAnswer]:
        """The current version of every curated answer (only those served, by default), by id."""
        sql = self._CURATED_SQL + " AND v.version = a.version"
        if active_only:
            sql += " WHERE a.status = 'active'"
        with self._lock:
            return [self._curated(r) for r in self.db.query(sql + " ORDER BY a.id", [])]

    def curated_history(self, answer_id: int) -> list[CuratedAnswer]:
        """Every version of a curated answer, oldest first (empty when there is no such answer)."""
        with self._lock:
            rows = list(self.db.query(self._CURATED_SQL + " WHERE a.id = ? ORDER BY v.version", [answer_id]))
        return [self._curated(r) for r in rows]

    def curated_key(self) -> str:
        """Changes whenever the set of served curated answers or one of their versions changes."""
        with self._lock:
            rows = self.db.conn.execute(
                "SELECT id, version FROM curated_answers WHERE status = 'active' ORDER BY id").fetchall()
        return ",".join(f"{r[0]}:{r[1]}" for r in rows)

    @staticmethod
    def _curated(r: dict[str, Any]) -> CuratedAnswer:
        return CuratedAnswer(
            id=int(r["id"]), version=int(r["version"]), question=r["question"], answer=r["answer"],
            sources=json.loads(r["sources"] or "[]"), phrasings=json.loads(r["phrasings"] or "[]"),
            author=r["author"], created_at=r["created_at"], status=r["status"], retired_at=r["retired_at"],
            retired_by=r["retired_by"],
        )

    # ------------------------------------------------------------------ audit records
    def add_audit(self, record: dict[str, Any]) -> str:
        """Store the audit record of one reply (``record["id"]`` set by the caller, text masked)."""
        # to the microsecond: "the latest replies" are ordered by it, several come in one second
        row = {"created_at": self.now().isoformat(timespec="microseconds"), **record}
        for key in AUDIT_JSON_FIELDS:
            row[key] = json.dumps(row.get(key) or [], ensure_ascii=False)
        columns = [c for c in row if c in AUDIT_COLUMNS]
        with self._lock:
            self.db.execute(
                f"INSERT INTO audit ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                [row[c] for c in columns],
            )
            if not self._batching:
                self.db.conn.commit()
        return str(row["id"])

    def get_audit(self, audit_id: str) -> dict[str, Any] | None:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM audit WHERE id = ?", [audit_id]))
        if not rows:
            return None
        row = dict(rows[0])
        for key in AUDIT_JSON_FIELDS:
            row[key] = json.loads(row[key] or "[]")
        return row

    def recent_audit(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest audit records, newest first."""
        with self._lock:
            rows = [dict(r) for r in self.db.query("SELECT * FROM audit ORDER BY created_at DESC, id DESC"
                                                   " LIMIT ?", [limit])]
        for row in rows:
            for key in AUDIT_JSON_FIELDS:
                row[key] = json.loads(row[key] or "[]")
        return rows

    # ------------------------------------------------------------------ statistics
    def _since(self, days: int) -> str:
        start = (self.now() - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return self._ts(start)

    def stats(self, days: int = 30, top: int = 10) -> dict[str, Any]:
        """Questions, answers and feedback of the last ``days`` days (today included), by day;
        the most asked unanswered questions; the most cited matters; the tickets."""
        since = self._since(days)
        with self._lock:
            by_route = {r["day"] + "|" + r["route"]: r["n"] for r in self.db.query(
                "SELECT substr(created_at, 1, 10) AS day, route, COUNT(*) AS n FROM audit"
                " WHERE created_at >= ? GROUP BY substr(created_at, 1, 10), route", [since])}
            votes = {r["day"] + "|" + r["rating"]: r["n"] for r in self.db.query(
                "SELECT substr(created_at, 1, 10) AS day, rating, COUNT(*) AS n FROM feedback"
                " WHERE created_at >= ? GROUP BY substr(created_at, 1, 10), rating", [since])}
            cited = list(self.db.query(
                "SELECT sources FROM audit WHERE created_at >= ? AND route IN ('curated', 'knowledge')", [since]))
            open_tickets = [r["created_at"] for r in self.db.query(
                "SELECT created_at FROM tickets WHERE status = 'open'", [])]
            done = self.db.conn.execute(
                "SELECT COUNT(*) FROM tickets WHERE status = 'done' AND done_at >= ?", [since]).fetchone()[0]
        by_day = []
        first = datetime.fromisoformat(since)
        totals = {"questions": 0, "answered": 0, "not_found": 0, "up": 0, "down": 0}
        for n in range(days):
            day = (first + timedelta(days=n)).date().isoformat()
            routes = {k.split("|", 1)[1]: v for k, v in by_route.items() if k.startswith(day + "|")}
            row = {
                "date": day,
                "questions": sum(routes.values()),
                "answered": routes.get("curated", 0) + routes.get("knowledge", 0),
                "not_found": routes.get("not_found", 0),
                "up": votes.get(day + "|up", 0),
                "down": votes.get(day + "|down", 0),
            }
            for key in totals:
                totals[key] += row[key]
            by_day.append(row)
        matters: dict[str, dict[str, Any]] = {}
        for r in cited:
            sources = json.loads(r["sources"] or "[]")
            if sources and isinstance(sources[0], dict) and sources[0].get("id"):
                main = sources[0]
                entry = matters.setdefault(main["id"], {"id": main["id"], "citation": main.get("citation", ""),
                                                        "count": 0})
                entry["count"] += 1
        now = self.now()
        ages = sorted((now - datetime.fromisoformat(t)).total_seconds() / 3600 for t in open_tickets)
        median = None
        if ages:
            mid = len(ages) // 2
            median = round(ages[mid] if len(ages) % 2 else (ages[mid - 1] + ages[mid]) / 2, 1)
        return {
            "days": days,
            "since": since[:10],
            "questions": totals["questions"],
            "answered": totals["answered"],
            "not_found": totals["not_found"],
            "feedback": {"up": totals["up"], "down": totals["down"]},
            "by_day": by_day,
            "top_unanswered": [{"question": u["question"], "count": u["count"]}
                               for u in self.unanswered(limit=top, since=since)],
            "top_matters": sorted(matters.values(), key=lambda m: (-m["count"], m["id"]))[:top],
            "tickets": {"open": len(open_tickets), "done": int(done), "median_age_hours": median},
        }

    def review_queue(self, limit: int = 50, days: int | None = None) -> list[dict[str, Any]]:
        """What staff should look at, most frequent first: questions left unanswered and answers
        rated 👎 (the question they answered, from the log)."""
        items = [{**u, "kind": "unanswered", "reply": None} for u in self.unanswered(limit=limit, days=days)]
        sql = (
            "SELECT c.message AS question, COUNT(*) AS count, MAX(f.created_at) AS last_asked,"
            " MIN(f.created_at) AS first_asked, MAX(c.reply) AS reply FROM feedback f"
            " JOIN conversations c ON c.id = f.message_id WHERE f.rating = 'down'"
        )
        params: list[Any] = []
        if days:
            sql += " AND f.created_at >= ?"
            params.append(self._ts(self.now() - timedelta(days=days)))
        sql += " GROUP BY c.message ORDER BY count DESC, last_asked DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            items += [{**r, "kind": "down"} for r in self.db.query(sql, params)]
        # most frequent first, then latest to the second; a tie in the same second is read in a
        # fixed order (kind, question), so SQLite's and PostgreSQL's timestamps give one queue
        items.sort(key=lambda i: (i["kind"], i["question"]))
        items.sort(key=lambda i: (i["count"], str(i["last_asked"] or "")[:19]), reverse=True)
        return items[:limit]


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


def open_app_store(settings: Any) -> AppStore:
    """The store the settings name: PostgreSQL when ``app_db_url`` is set (cluster mode,
    :mod:`appdata.pgstore`), else SQLite at ``app_db``."""
    url = settings.app_db_url.get_secret_value()
    if url:
        from appdata.pgstore import PgAppStore

        return PgAppStore(url, tz=settings.timezone)
    return AppStore(settings.app_db, tz=settings.timezone)


def purge_tracker_events_pg(url: str, older_than_days: int, now: float | None = None) -> int:
    """:func:`purge_tracker_events` for Rasa's tracker store on PostgreSQL (cluster mode)."""
    import time

    import psycopg

    if older_than_days <= 0:
        return 0
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('events')").fetchone()[0] is None:
            return 0
        return conn.execute("DELETE FROM events WHERE timestamp < %s", [cutoff]).rowcount


_store: AppStore | None = None
_store_lock = threading.Lock()


def get_store() -> AppStore:
    """The process-wide store at ``settings.app_db`` (created on first use)."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                from appdata.settings import StoreSettings

                _store = open_app_store(StoreSettings())
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
