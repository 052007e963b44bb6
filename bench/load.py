"""The load client: one blocking keep-alive HTTP/1.1 connection per simulated client (a thread).

The same client drives our gateway (``POST /api/chat``) and the bare-Rasa baseline
(``POST /webhooks/rest/webhook``), so the two are measured the same way. Loopback only: the
client refuses any host that is not on this machine. Every loop is bounded by a request count
or a deadline.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from bench.questions import CONVERSATIONS

Conversation = tuple[str, list[str]]


def _loopback_only(host: str) -> None:
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"the bench only sends traffic to this machine (loopback), not to {host!r}")


@dataclass
class Target:
    """An HTTP chat endpoint and how to put a (sender, message) into its request body."""

    name: str
    url: str  # full URL of the endpoint
    body: Callable[[str, str], dict]
    ok: Callable[[int, bytes], bool] = lambda status, data: status == 200

    def __post_init__(self) -> None:
        u = urlparse(self.url)
        _loopback_only(u.hostname or "")
        self.host, self.port, self.path = u.hostname, u.port or 80, u.path or "/"


# Texts the assistant sends when a part behind Rasa failed (bot/api/routes/chat.py when Rasa
# answered nothing, actions/messages.py KB_UNAVAILABLE): a 200 that is really an error.
DEGRADED = ("抱歉，我暂时没能回答这个问题", "抱歉，查询服务暂时不可用")


def _gateway_ok(status: int, data: bytes) -> bool:
    if status != 200:
        return False
    text = data.decode("utf-8", errors="replace")
    return '"replies"' in text and not any(d in text for d in DEGRADED)


def _rasa_ok(status: int, data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    return status == 200 and text.strip() not in ("", "[]") and not any(d in text for d in DEGRADED)


def gateway_target(base_url: str) -> Target:
    return Target("gateway", base_url.rstrip("/") + "/api/chat",
                  lambda s, m: {"sender_id": s, "message": m}, ok=_gateway_ok)


def rasa_rest_target(rasa_url: str, name: str = "rasa") -> Target:
    """Rasa's REST channel; an empty answer (``[]``) counts as an error."""
    return Target(name, rasa_url.rstrip("/") + "/webhooks/rest/webhook",
                  lambda s, m: {"sender": s, "message": m}, ok=_rasa_ok)


@dataclass
class Sample:
    start: float  # seconds since the run started
    ms: float
    status: int  # HTTP status; 0 = transport error
    kind: str
    first: bool  # first time this text was sent to this system in this bench run


@dataclass
class Stats:
    n: int
    errors: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float
    statuses: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def stats(samples: list[Sample]) -> Stats:
    ok = [s.ms for s in samples if 200 <= s.status < 300]
    statuses: dict[str, int] = {}
    for s in samples:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    return Stats(
        n=len(samples),
        errors=len(samples) - len(ok),
        p50=percentile(ok, 50),
        p95=percentile(ok, 95),
        p99=percentile(ok, 99),
        mean=sum(ok) / len(ok) if ok else math.nan,
        max=max(ok) if ok else math.nan,
        statuses=statuses,
    )


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, target: Target, timeout: float = 60.0) -> None:
        self.target = target
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def post(self, sender: str, message: str) -> tuple[int, bytes, float]:
        t = self.target
        body = json.dumps(t.body(sender, message), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(t.host, t.port, timeout=self.timeout)
                self.conn.request("POST", t.path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.getheader("connection", "").lower() == "close":
                    self.close()
                return resp.status, data, (time.perf_counter() - started) * 1000
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed an idle keep-alive connection: reconnect once
                self.close()
                if attempt == 2:
                    return 0, b"", (time.perf_counter() - started) * 1000
                started = time.perf_counter()
            except (OSError, http.client.HTTPException):
                self.close()
                return 0, b"", (time.perf_counter() - started) * 1000
        return 0, b"", 0.0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Seen:
    """Which texts a system has been sent already (thread-safe), to mark first asks."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def first(self, text: str) -> bool:
        with self._lock:
            if text in self._seen:
                return False
            self._seen.add(text)
            return True


def sequential(target: Target, passes: int, tag: str, seen: Seen,
               conversations: list[Conversation] = CONVERSATIONS) -> list[Sample]:
    """One client sends the whole mix ``passes`` times, one conversation after another."""
    client = Client(target)
    out: list[Sample] = []
    t0 = time.perf_counter()
    n = 0
    for p in range(passes):
        for kind, turns in conversations:
            n += 1
            sender = f"bench-{tag}-p{p}-c{n:05d}"
            for text in turns:
                first = seen.first(text)
                start = time.perf_counter() - t0
                status, data, ms = client.post(sender, text)
                if status and not target.ok(status, data):
                    status = -status  # answered, but not with a usable body
                out.append(Sample(start, ms, status, kind, first))
    client.close()
    return out


def fixed_time(target: Target, clients: int, seconds: float, tag: str, seen: Seen,
               conversations: list[Conversation] = CONVERSATIONS,
               max_requests: int = 100_000, pool: Any = None) -> tuple[list[Sample], float]:
    """``clients`` threads each loop over the mix for ``seconds``; returns samples and the
    wall time from the start to the last answer (requests in flight at the deadline finish).
    With ``pool`` (bench.fresh.FreshPool) each conversation is ``pool.take()`` instead: every
    message new, the row ends early when the pool runs out."""
    samples: list[Sample] = []
    lock = threading.Lock()
    t0 = time.perf_counter()
    deadline = t0 + seconds
    budget = [max_requests]

    def worker(i: int) -> None:
        client = Client(target)
        local: list[Sample] = []
        n = i * 7  # clients start at different places in the mix
        try:
            while time.perf_counter() < deadline:
                if pool is None:
                    kind, turns = conversations[n % len(conversations)]
                else:
                    conv = pool.take()
                    if conv is None:
                        return
                    kind, turns = conv
                sender = f"bench-{tag}-k{i}-c{n:06d}"
                n += 1
                for text in turns:
                    if time.perf_counter() >= deadline:
                        break
                    with lock:
                        if budget[0] <= 0:
                            return
                        budget[0] -= 1
                    first = seen.first(text)
                    start = time.perf_counter() - t0
                    status, data, ms = client.post(sender, text)
                    if status and not target.ok(status, data):
                        status = -status
                    local.append(Sample(start, ms, status, kind, first))
        finally:
            client.close()
            with lock:
                samples.extend(local)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    wall = max((s.start + s.ms / 1000 for s in samples), default=seconds)
    return samples, max(wall, 1e-9)


def throughput_row(samples: list[Sample], wall: float, clients: int) -> dict:
    st = stats(samples)
    ok = st.n - st.errors
    return {"clients": clients, "seconds": round(wall, 2), "messages": st.n, "ok": ok,
            "errors": st.errors, "msg_per_s": round(ok / wall, 2), **{
                k: v for k, v in st.as_dict().items() if k in ("p50", "p95", "p99", "mean", "max", "statuses")}}
