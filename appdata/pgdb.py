"""PostgreSQL behind the small part of sqlite-utils' ``Database`` the app's stores use, so their
portable SQL (``?`` placeholders, standard statements) runs on both databases unchanged.

``execute(sql, params)`` → a cursor (``rowcount``, ``fetchone``, ``fetchall``), ``query(sql,
params)`` → rows as dicts, ``atomic()`` → one transaction, ``table_names()``, ``close()``.
``conn.execute`` / ``conn.commit`` as on sqlite3 (tuple rows). ``?`` becomes psycopg's ``%s`` (a
literal ``%`` is escaped); nothing else of the SQL is
rewritten: a statement that differs between SQLite and PostgreSQL (DDL, ``RETURNING``, upserts,
locks) is written for each in the store's PostgreSQL subclass (:mod:`appdata.pgstore`).

One connection (autocommit outside ``atomic``) per store, used under the store's lock, as the
SQLite stores use theirs; a connection that broke (server restarted) is opened again on the
next statement.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row


class AppDatabaseUnavailable(RuntimeError):
    """The app's PostgreSQL database cannot be reached."""


def to_pg(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s``."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgDatabase:
    def __init__(self, url: str, connect_timeout: int = 10) -> None:
        self.url = url
        self.connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._conn: psycopg.Connection | None = None
        self._depth = 0
        self._connection()  # connect now: a wrong URL is reported at start-up

    @property
    def conn(self) -> PgConnection:
        """What the stores use as ``db.conn`` on SQLite: ``execute`` (``?``, tuple rows),
        ``commit`` (statements outside :meth:`atomic` are committed as they run)."""
        return PgConnection(self)

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or (self._conn.closed and self._depth == 0):
            try:
                self._conn = psycopg.connect(
                    self.url, autocommit=True, row_factory=dict_row, connect_timeout=self.connect_timeout
                )
            except psycopg.OperationalError as e:
                raise AppDatabaseUnavailable(f"cannot connect to the app's PostgreSQL database: {e}") from None
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> psycopg.Cursor:
        with self._lock:
            return self._connection().execute(to_pg(sql), params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        with self._lock:
            rows = self._connection().execute(to_pg(sql), params).fetchall()
        return iter(rows)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[PgDatabase]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with self._lock:
            self._depth += 1
            try:
                with self._connection().transaction():
                    yield self
            finally:
                self._depth -= 1

    def table_names(self) -> list[str]:
        rows = self.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return [r["tablename"] for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()


class PgConnection:
    """``db.conn`` of a :class:`PgDatabase`: sqlite3's ``execute`` (``?`` placeholders, rows as
    tuples) and ``commit``, for the queries the stores run on the raw connection."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        with self.db._lock:
            cur = self.db._connection().cursor(row_factory=tuple_row)
            return cur.execute(to_pg(sql), params)

    def commit(self) -> None:
        """Nothing to do: outside :meth:`PgDatabase.atomic` every statement commits as it runs."""

    @property
    def in_transaction(self) -> bool:
        return self.db._depth > 0
