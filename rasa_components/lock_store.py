"""Rasa's Redis lock store with every change of a lock made atomically (Redis WATCH/MULTI).

Several Rasa replicas share one Redis lock store (cluster mode, ``bot.cluster``): a turn of a
conversation runs only while its ticket is the one being served. Rasa's ``RedisLockStore``
reads a lock, changes it in Python and writes it back (``issue_ticket``, ``finish_serving``,
``update_lock``); two replicas doing that at the same moment for one conversation can both
issue the same ticket number, or one can write back a lock without the other's ticket, and
then both process the conversation at once. This store makes each of those read-change-write
steps one Redis transaction on the lock's key (optimistic: retried when another replica
changed the key in between), so a ticket is never lost or issued twice. Everything else (the
ticket queue, expiry after ``TICKET_LOCK_LIFETIME``, the keys and values) is Rasa's.

Endpoint configuration (bot.run writes it)::

    lock_store:
      type: rasa_components.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 0
      password: ...
      key_prefix: jize

Runs under Rasa's Python 3.10 (Rasa 3.6, redis 4.6).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 100


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose lock changes are Redis transactions (see module doc)."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded by module path: Rasa passes the endpoint config
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)
        self._lifetimes: dict[tuple[str, int], float] = {}  # the lifetime each ticket of ours was issued with

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], Any]) -> Any:
        """Run ``change`` on the stored lock (None: none stored) and write back what it leaves:
        the lock, or nothing when it has no tickets left. Retried while another process changes
        the key in between; returns what ``change`` returned."""
        import redis

        key = self.key_prefix + conversation_id
        for _ in range(MAX_ATTEMPTS):
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, lock = change(lock)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
        raise LockError(f"the lock of conversation '{conversation_id}' kept changing; gave up")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            ticket = self._change(conversation_id, issue)
        except LockError:
            raise
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        self._lifetimes[(conversation_id, ticket)] = lock_lifetime
        return ticket

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        """Rasa's lock, with the held ticket renewed every third of its lifetime while the turn
        runs: a live replica keeps the conversation however long its turn takes, a killed one
        loses it within one lifetime, so the lifetime can be short (JIZE_LOCK_LIFETIME) and
        the next turn after a kill comes back quickly."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            lock = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            keeper = asyncio.create_task(self._keep_alive(conversation_id, ticket, lock_lifetime))
            try:
                yield lock
            finally:
                keeper.cancel()
        finally:
            self.cleanup(conversation_id, ticket)

    async def _keep_alive(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        while True:
            await asyncio.sleep(lifetime / 3)
            try:
                self._renew(conversation_id, ticket, lifetime)
            except Exception:  # Redis unreachable a moment: the ticket lives until it expires
                logger.warning("could not renew the lock of conversation %s", conversation_id, exc_info=True)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Rasa's wait for the conversation's turn, except that a ticket whose replica is waiting
        stays alive: Rasa lets it expire like a dead replica's, so a replica that waits for a
        killed one's claim (issued a moment before its own, with the same lifetime) loses its
        own ticket a moment after that claim expires and fails the turn (LockError)."""
        lifetime = self._lifetimes.get((conversation_id, ticket), LOCK_LIFETIME)
        while True:
            lock = self.get_lock(conversation_id)
            if not lock or all(t.number != ticket for t in lock.tickets):
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self._renew(conversation_id, ticket, lifetime)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def _renew(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        """Drop the expired tickets of others and renew this one's lifetime, in one transaction
        (its replica is alive: waiting for its turn, or in it)."""
        def renew(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is None:
                return None, None
            mine = [t for t in lock.tickets if t.number == ticket]
            lock.remove_expired_tickets()
            for t in mine:
                t.expires = time.time() + lifetime
                if t not in lock.tickets:
                    lock.tickets.append(t)
            lock.tickets = deque(sorted(lock.tickets, key=lambda t: t.number))
            return None, lock if lock.is_someone_waiting() else None

        self._change(conversation_id, renew)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            return None, lock if lock.is_someone_waiting() else None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self._lifetimes.pop((conversation_id, ticket_number), None)

        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return None, lock if lock.is_someone_waiting() else None

        self._change(conversation_id, finish)
