"""Rasa's SQL tracker store with the conversations in use kept in memory (write-through).

``python -m bot.run`` hands ``rasa run`` an endpoints file whose SQLite tracker store is
``type: rasa_components.tracker_store.CachedSQLTrackerStore``
(``bot.run.RasaProcess.endpoints_file``). The project's endpoints.yml keeps Rasa's plain
``SQL`` store for commands that keep no conversations (``rasa test``, ``rasa shell``). Runs
under Rasa's Python 3.10 (Rasa 3.6, SQLAlchemy 1.4).

Why: Rasa's ``SQLTrackerStore`` rebuilds the tracker from SQLite at the start of every turn
(an ORM query with a sub-query, ``json.loads`` and ``Event.from_parameters`` per event, then a
replay of every event of the session) and at the end counts the session's events in SQLite
(the same query again) to find which events are new, inserting them through the ORM. That was
~40 % of the Rasa process's CPU per message, growing with the length of the conversation.

What this store does (everything else is ``SQLTrackerStore``'s, same table, same rows):

* **retrieve**: a conversation used recently is handed out from memory, no SQL. A miss (new
  conversation, restart of Rasa, evicted entry) asks SQLite whether the sender has any event
  (one indexed ``LIMIT 1`` query) and, if it has, loads it with ``SQLTrackerStore.retrieve``.
* **save**: inserts only the events after the ones this store knows are stored (it counted
  them when it handed the tracker out), in one transaction, as the same rows Rasa writes;
  never an event again, so rows deleted by the app's retention purge stay deleted (Rasa's
  count-based save would re-insert events whose rows were purged mid-session).
* **sessions**: when a save contains a ``SessionStarted``, the tracker kept in memory is
  rebuilt from the events at or after the latest session start, the filter Rasa's SQL query
  applies, so the next turn sees exactly the tracker Rasa would load from SQLite (session
  expiry and slot carry-over stay Rasa's, from domain.yml).
* **a failed turn**: the tracker handed out is the one kept in memory (no copy per turn), so
  it is marked in use until it is saved; a retrieve that finds it still in use (the turn
  raised or was cancelled by ``--response-timeout`` before saving) or with events that were
  never saved drops it and loads the conversation from SQLite, which holds exactly what a
  stock store would have. A tracker this store did not hand out is saved Rasa's way.
* **bounds**: at most ``cache_size`` conversations (least recently used dropped first); an
  entry idle for ``cache_idle_seconds`` (default: the domain's session expiration time, 60
  min) is dropped, checked on every call and once a minute on the event loop, so user text
  is not held in memory longer than that after the conversation's last message; and an entry
  loaded more than ``cache_max_age_seconds`` (24 h) ago is reloaded from SQLite, so even a
  conversation that never goes idle cannot keep events the retention purge deleted (it
  deletes events older than JIZE_LOG_RETENTION_DAYS, days) alive in memory. The rows in
  SQLite, and the app's purge of them, are unchanged.
* **connection**: SQLite connections are pooled (see ``_pool_sqlite_connections``).

One process only: the cache is coherent because a single ``rasa run`` writes this database
(the app's purge only deletes old rows). Several replicas on one database (cluster mode,
PostgreSQL) use Rasa's own ``SQL`` store, which reads every turn from the database under the
conversation's lock (bot.run writes that endpoints file); should this class be pointed at a
database other than a SQLite file anyway, its cache is off and it is Rasa's store.

``JIZE_RASA_NO_PATCHES=tracker`` (or ``1``) makes every method Rasa's ``SQLTrackerStore``'s
(for comparison; see patches.py).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import logging
import os
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker, TrackerEventDiffEngine
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 500
DEFAULT_IDLE_SECONDS = 3600.0  # when the domain's sessions never expire
DEFAULT_MAX_AGE_SECONDS = 86400.0
SWEEP_EVERY_SECONDS = 60.0


def cache_enabled(environ: dict | None = None) -> bool:
    """False when JIZE_RASA_NO_PATCHES names ``tracker`` or is ``1`` (same rule as patches.py)."""
    value = (os.environ if environ is None else environ).get("JIZE_RASA_NO_PATCHES", "")
    off = {x.strip() for x in value.split(",")}
    return not ({"1", "tracker"} & off)


class _Entry:
    """A conversation in memory: its tracker (None: SQLite has no event of the sender), how many
    of its events are stored, whether a turn holds it, when it was last used and when it was
    loaded from SQLite (or created)."""

    __slots__ = ("tracker", "persisted", "busy", "used", "loaded")

    def __init__(self, tracker: DialogueStateTracker | None, persisted: int, busy: bool, used: float) -> None:
        self.tracker = tracker
        self.persisted = persisted
        self.busy = busy
        self.used = used
        self.loaded = used


class CachedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` plus a bounded in-memory cache of the trackers in use (see module doc).

    Extra endpoint settings: ``cache_size`` (conversations, default 500),
    ``cache_idle_seconds`` (default: the domain's session expiration time) and
    ``cache_max_age_seconds`` (default 24 h: a conversation kept busy all the time is still
    reloaded from SQLite once a day, so the retention purge reaches it).
    """

    def __init__(
        self,
        *args: Any,
        cache_size: int = DEFAULT_CACHE_SIZE,
        cache_idle_seconds: float | None = None,
        cache_max_age_seconds: float = DEFAULT_MAX_AGE_SECONDS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A server database may have other writers (replicas): no cache, never stale state.
        self.cache_on = cache_enabled() and self.engine.url.get_backend_name() == "sqlite"
        self.cache_size = max(1, int(cache_size))
        self._idle_setting = None if cache_idle_seconds is None else float(cache_idle_seconds)
        self.max_age_seconds = float(cache_max_age_seconds)
        self._entries: collections.OrderedDict[str, _Entry] = collections.OrderedDict()
        self._sweeper: asyncio.TimerHandle | None = None
        self._sweeper_loop: asyncio.AbstractEventLoop | None = None
        self.stats = collections.Counter()
        if self.cache_on:
            self._pool_sqlite_connections()
            logger.info(
                "tracker store: SQL with an in-memory cache of up to %d conversations "
                "(idle ones dropped after %.0f s)",
                self.cache_size,
                self.idle_seconds,
            )
        else:
            logger.info("tracker store: plain SQL (JIZE_RASA_NO_PATCHES=tracker)")

    def _pool_sqlite_connections(self) -> None:
        """Keep the SQLite connection open between sessions.

        SQLAlchemy 1.4 opens and closes a SQLite file connection for every session (NullPool):
        with this store that is most of the cost of a save. Only this process's event loop
        uses the store, so one pooled connection (a few more under a burst) is enough.
        """
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=sa.pool.QueuePool,
            pool_size=1,
            max_overflow=4,
            connect_args={"check_same_thread": False},
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # ------------------------------------------------------------------ cache bookkeeping
    @property
    def idle_seconds(self) -> float:
        if self._idle_setting is not None:
            return self._idle_setting
        minutes = self.domain.session_config.session_expiration_time if self.domain else 0
        return float(minutes) * 60 if minutes and minutes > 0 else DEFAULT_IDLE_SECONDS

    def _put(self, sender_id: str, entry: _Entry) -> None:
        self._entries[sender_id] = entry
        self._entries.move_to_end(sender_id)
        while len(self._entries) > self.cache_size:
            self._entries.popitem(last=False)
            self.stats["evicted"] += 1
        self._schedule_sweep()

    def _drop(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    def sweep(self, now: float | None = None) -> int:
        """Drop the entries idle for longer than ``idle_seconds``; returns how many."""
        limit = (time.monotonic() if now is None else now) - self.idle_seconds
        n = 0
        while self._entries:
            sender_id, entry = next(iter(self._entries.items()))
            if entry.used > limit:
                break
            del self._entries[sender_id]
            n += 1
        self.stats["expired"] += n
        return n

    def _schedule_sweep(self) -> None:
        if not self._entries:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside an event loop: the next call sweeps
            return
        if self._sweeper is not None and self._sweeper_loop is loop and not self._sweeper.cancelled():
            return
        self._sweeper_loop = loop
        self._sweeper = loop.call_later(min(SWEEP_EVERY_SECONDS, self.idle_seconds), self._sweep_tick)

    def _sweep_tick(self) -> None:
        self._sweeper = None
        self.sweep()
        self._schedule_sweep()

    def cached_senders(self) -> list[str]:
        """Sender ids held in memory, least recently used first (tests, diagnostics)."""
        return [s for s, e in self._entries.items() if e.tracker is not None]

    # ------------------------------------------------------------------ TrackerStore API
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not self.cache_on:
            return await super().retrieve(sender_id)
        now = time.monotonic()
        self.sweep(now)
        entry = self._entries.get(sender_id)
        if entry is not None:
            tracker = entry.tracker
            fresh = now - entry.loaded < self.max_age_seconds
            if tracker is not None and fresh and not entry.busy and len(tracker.events) == entry.persisted:
                entry.busy, entry.used = True, now
                self._entries.move_to_end(sender_id)
                self.stats["hit"] += 1
                return tracker
            # Still held by a turn that never saved (it raised or was cancelled), changed since
            # it was saved, or loaded too long ago: what SQLite holds is what a stock store
            # would load.
            self._drop(sender_id)
            if tracker is not None:
                self.stats["stale"] += 1
        self.stats["miss"] += 1
        tracker = await super().retrieve(sender_id) if self._has_events(sender_id) else None
        if tracker is None:
            self._put(sender_id, _Entry(None, 0, False, now))  # SQLite has nothing for the sender
        else:
            self._put(sender_id, _Entry(tracker, len(tracker.events), True, now))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not self.cache_on:
            return await super().save(tracker)
        sender_id = tracker.sender_id
        entry = self._entries.get(sender_id)
        if entry is None or (entry.tracker is not None and entry.tracker is not tracker):
            # Not a tracker this store handed out (or it has been dropped since): Rasa's own
            # save, which counts the stored events to find the new ones.
            self._drop(sender_id)
            self.stats["save_uncached"] += 1
            await super().save(tracker)
            return
        created = entry.tracker is None  # a new conversation; its creator goes on using it
        new_events = list(itertools.islice(tracker.events, entry.persisted, None))
        try:
            if new_events:
                self._insert(sender_id, new_events)
        except BaseException:
            self._drop(sender_id)  # unknown what is stored: SQLite decides next time
            raise
        kept = tracker
        if any(isinstance(e, SessionStarted) for e in new_events):
            kept = self._latest_session(tracker)
        entry.tracker, entry.persisted = kept, len(kept.events)
        entry.busy = created and kept is tracker
        entry.used = time.monotonic()
        self._entries.move_to_end(sender_id)
        self._schedule_sweep()
        if self.event_broker is not None and new_events:
            await self._stream_new_events(self.event_broker, new_events, sender_id)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's, but comparing with what SQLite holds (never with the tracker kept here)."""
        if self.event_broker is None:
            return None
        old_tracker = await super().retrieve(tracker.sender_id)
        new_events = TrackerEventDiffEngine.event_difference(old_tracker, tracker)
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def exists(self, conversation_id: str) -> bool:
        if not self.cache_on:
            return await super().exists(conversation_id)
        entry = self._entries.get(conversation_id)
        if entry is not None and entry.tracker is not None:
            return True
        return self._has_events(conversation_id)

    # ------------------------------------------------------------------ SQL
    # Built once (SQLAlchemy caches their compiled form); run on a plain connection, no ORM.
    _table = SQLTrackerStore.SQLEvent.__table__
    _any_event = sa.select(_table.c.id).where(_table.c.sender_id == sa.bindparam("sender_id")).limit(1)
    _insert_events = _table.insert()

    def _has_events(self, sender_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(self._any_event, {"sender_id": sender_id}).first() is not None

    def _insert(self, sender_id: str, events: Iterable[Event]) -> None:
        """The rows ``SQLTrackerStore.save`` writes for these events, in one transaction."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        with self.engine.begin() as conn:
            conn.execute(self._insert_events, rows)

    def _latest_session(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        """The tracker ``SQLTrackerStore.retrieve`` would load now: the events whose timestamp is
        at or after the latest ``SessionStarted``'s, replayed on a new tracker."""
        start = max(e.timestamp for e in tracker.events if isinstance(e, SessionStarted))
        events = [e for e in tracker.events if e.timestamp >= start]
        if len(events) == len(tracker.events):
            return tracker
        return DialogueStateTracker.from_events(tracker.sender_id, events, self.domain.slots)
