"""Several Rasa replicas behind one client: each conversation to one replica, failover when it
is down.

``RasaPool`` has ``RasaClient``'s interface (``send``, ``healthy``), so the dialogue does not
know whether one Rasa or many answer. A conversation goes to the replica the hash ring
(:class:`bot.hashring.HashRing`) gives its sender id; the replicas share the tracker store
(PostgreSQL) and the lock store (Redis), so any replica can continue any conversation. When the
owner cannot be reached (connection refused, reset, or it died mid-answer) the turn is sent to
the next replica of the ring, and the one that failed is skipped for ``retry_after`` seconds.
A replica that is merely slow (timeout) or answers with an error is not retried elsewhere: the
conversation's lock would make the next one wait for the same turn.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx

from bot.hashring import HashRing
from bot.rasa_client import RasaClient, RasaTurn, RasaUnavailable

logger = logging.getLogger(__name__)


class ReplicaDown(RasaUnavailable):
    """No replica could be reached for the turn."""


@dataclass
class ReplicaState:
    url: str
    down_until: float = 0.0
    failures: int = 0
    turns: int = 0


class RasaPool:
    def __init__(
        self, urls: list[str], http: httpx.AsyncClient, timeout: float = 30.0, retry_after: float = 2.0
    ) -> None:
        self.urls = [u.rstrip("/") for u in urls]
        self.ring = HashRing(self.urls)
        self.clients = {u: RasaClient(u, http, timeout=timeout) for u in self.urls}
        self.state = {u: ReplicaState(u) for u in self.urls}
        self.retry_after = retry_after

    @property
    def base_url(self) -> str:  # what RasaClient exposes; the first replica
        return self.urls[0]

    def order(self, sender_id: str) -> list[str]:
        """The replicas to try for this conversation: its own first, those marked down last."""
        now = time.monotonic()
        ring = self.ring.order(sender_id)
        return [u for u in ring if self.state[u].down_until <= now] + [
            u for u in ring if self.state[u].down_until > now
        ]

    async def send(self, sender_id: str, message: str) -> RasaTurn:
        errors = []
        for url in self.order(sender_id):
            try:
                turn = await self.clients[url].send_unchecked(sender_id, message)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as e:
                # Not reachable, or it went away while answering: the next replica takes over
                # (the tracker and the lock are shared; a killed replica's claim on the
                # conversation expires after JIZE_LOCK_LIFETIME).
                st = self.state[url]
                st.failures += 1
                st.down_until = time.monotonic() + self.retry_after
                errors.append(f"{url}: {type(e).__name__}")
                logger.warning("Rasa replica %s unreachable (%s); trying the next one", url, type(e).__name__)
                continue
            except httpx.HTTPError as e:
                raise RasaUnavailable(f"{url}: {type(e).__name__}: {e}") from e
            st = self.state[url]
            st.down_until, st.turns = 0.0, st.turns + 1
            return turn
        raise ReplicaDown("no Rasa replica reachable: " + "; ".join(errors))

    async def healthy(self, timeout: float = 2.0) -> bool:
        """At least one replica answers (the assistant can answer)."""
        return any(await self.replicas_health(timeout))

    async def replicas_health(self, timeout: float = 2.0) -> list[bool]:
        return list(await asyncio.gather(*(self.clients[u].healthy(timeout) for u in self.urls)))
