"""Input limits: body size (also chunked, without Content-Length), rate limits per conversation
and per client address, trusted addresses, X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import http.client
import ipaddress
import time

import pytest
from fastapi.testclient import TestClient

from bot.clientaddr import client_address
from bot.main import create_app

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


# ---------------------------------------------------------------------- body size
def _chunks(total: int, size: int = 8192):
    prefix = b'{"sender_id": "chunked-0001", "message": "'
    yield prefix
    left = total - len(prefix) - 2
    while left > 0:
        n = min(size, left)
        yield b"a" * n
        left -= n
    yield b'"}'


def test_chunked_body_over_the_cap_is_413(client):
    r = client.post("/api/chat", content=_chunks(200_000), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "too large" in r.json()["detail"]


def test_small_chunked_body_is_accepted(client):
    def body():
        yield b'{"sender_id": "chunked-0002", '
        yield '"message": "你好"}'.encode()

    r = client.post("/api/chat", content=body(), headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text


def test_body_cap_is_configurable(app_settings, fake_rasa):
    with TestClient(create_app(app_settings(rasa_url=fake_rasa.url, max_body_bytes=1024))) as c:
        big = {"sender_id": "cap-sender-01", "message": "你" * 400}  # under 500 chars, over 1 kB
        r = c.post("/api/chat", json=big)
        assert r.status_code == 413 and "too large" in r.json()["detail"]
        assert c.post("/api/chat", json={"sender_id": "cap-sender-01", "message": "你好"}).status_code == 200


def _raw_chunked(port: int, total: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("POST", "/api/chat")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    try:
        for chunk in _chunks(total):
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may refuse and close before the whole body is sent
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


def test_chunked_body_over_the_cap_is_413_on_a_real_server(threaded_app):
    status, body = _raw_chunked(threaded_app, 300_000)
    assert status == 413 and b"too large" in body, body
    status, body = _raw_chunked(threaded_app, 300)
    assert status == 200, body


# ---------------------------------------------------------------------- rate limits
def test_a_burst_of_120_from_one_conversation_is_limited(app_settings, fake_rasa):
    """Default limits: 30 messages a minute per conversation, then 429 with Retry-After."""
    with TestClient(create_app(app_settings(rasa_url=fake_rasa.url))) as c:
        responses = [
            c.post("/api/chat", json={"sender_id": "burst-sender-01", "message": "你好"}) for _ in range(120)
        ]
        codes = [r.status_code for r in responses]
        assert codes[:30] == [200] * 30
        assert codes[30:] == [429] * 90
        for r in responses[30:]:
            assert 1 <= int(r.headers["Retry-After"]) <= 61
            assert "Too many" in r.json()["detail"] and "频繁" in r.json()["detail"]
        # another conversation from the same client is still answered
        assert c.post("/api/chat", json={"sender_id": "burst-sender-02", "message": "你好"}).status_code == 200


def _post(c: TestClient, sender: str, **headers: str) -> int:
    return c.post("/api/chat", json={"sender_id": sender, "message": "你好"}, headers=headers).status_code


def test_per_address_limit_is_configurable(app_settings, fake_rasa):
    s = app_settings(rasa_url=fake_rasa.url, rate_chat_per_ip=3, rate_chat_per_sender=0)
    with TestClient(create_app(s), client=("203.0.113.9", 40000)) as c:
        codes = [_post(c, f"addr-sender-{i:03d}") for i in range(5)]
        assert codes == [200, 200, 200, 429, 429]


def test_per_address_limit_off(app_settings, fake_rasa):
    s = app_settings(rasa_url=fake_rasa.url, rate_chat_per_ip=0, rate_chat_per_sender=0)
    with TestClient(create_app(s), client=("203.0.113.9", 40000)) as c:
        assert {_post(c, f"off-sender-{i:03d}") for i in range(8)} == {200}


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1"])
def test_loopback_clients_skip_the_address_limit(app_settings, fake_rasa, peer):
    s = app_settings(rasa_url=fake_rasa.url, rate_chat_per_ip=2, rate_chat_per_sender=0)
    with TestClient(create_app(s), client=(peer, 40000)) as c:
        assert {_post(c, f"local-sender-{i:03d}") for i in range(6)} == {200}


def test_exempt_addresses_are_configurable(app_settings, fake_rasa):
    s = app_settings(
        rasa_url=fake_rasa.url, rate_chat_per_ip=2, rate_chat_per_sender=0, rate_limit_exempt="192.0.2.0/24"
    )
    with TestClient(create_app(s), client=("192.0.2.44", 40000)) as c:
        assert {_post(c, f"kiosk-sender-{i:03d}") for i in range(5)} == {200}
    with TestClient(create_app(s), client=("127.0.0.1", 40000)) as c:  # loopback no longer exempt
        assert [_post(c, f"lo-sender-{i:03d}") for i in range(3)] == [200, 200, 429]


def test_forwarded_for_from_a_trusted_proxy_names_the_client(app_settings, fake_rasa):
    """nginx on this machine (a trusted proxy by default): each real client has its own limit,
    and a client cannot make itself exempt by sending X-Forwarded-For: 127.0.0.1."""
    s = app_settings(rasa_url=fake_rasa.url, rate_chat_per_ip=2, rate_chat_per_sender=0)
    with TestClient(create_app(s), client=("127.0.0.1", 40000)) as c:
        a = {"X-Forwarded-For": "198.51.100.7"}
        assert [_post(c, f"xff-a-{i:04d}", **a) for i in range(3)] == [200, 200, 429]
        b = {"X-Forwarded-For": "198.51.100.8"}
        assert _post(c, "xff-b-0001", **b) == 200
        spoof = {"X-Forwarded-For": "127.0.0.1, 198.51.100.7"}  # as nginx appends the real peer
        assert _post(c, "xff-spoof-001", **spoof) == 429


def test_forwarded_for_from_an_untrusted_peer_is_ignored(app_settings, fake_rasa):
    s = app_settings(rasa_url=fake_rasa.url, rate_chat_per_ip=2, rate_chat_per_sender=0)
    with TestClient(create_app(s), client=("203.0.113.50", 40000)) as c:
        codes = [_post(c, f"untrusted-{i:04d}", **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(3)]
        assert codes == [200, 200, 429]  # one address, whatever the header says
        assert _post(c, "untrusted-lo01", **{"X-Forwarded-For": "127.0.0.1"}) == 429


def test_configured_trusted_proxy(app_settings, fake_rasa):
    s = app_settings(
        rasa_url=fake_rasa.url, rate_chat_per_ip=1, rate_chat_per_sender=0, trusted_proxies="192.0.2.10"
    )
    with TestClient(create_app(s), client=("192.0.2.10", 40000)) as c:
        assert _post(c, "proxy-a-0001", **{"X-Forwarded-For": "198.51.100.1"}) == 200
        assert _post(c, "proxy-b-0001", **{"X-Forwarded-For": "198.51.100.2"}) == 200
        assert _post(c, "proxy-a-0002", **{"X-Forwarded-For": "198.51.100.1"}) == 429


@pytest.mark.parametrize(
    "peer, header, expected",
    [
        ("203.0.113.5", None, "203.0.113.5"),
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # untrusted peer: header ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "1.1.1.1, 198.51.100.1", "198.51.100.1"),  # right-most untrusted
        ("127.0.0.1", "198.51.100.1, 127.0.0.1", "198.51.100.1"),  # chain of local proxies
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
        ("127.0.0.1", "garbage", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"),
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("testclient", "198.51.100.1", "testclient"),
        (None, None, "unknown"),
    ],
)
def test_client_address(peer, header, expected):
    assert client_address(peer, header, LOOPBACK) == expected


# ---------------------------------------------------------------------- message limits
def test_message_cap_is_configurable(app_settings, fake_rasa):
    with TestClient(create_app(app_settings(rasa_url=fake_rasa.url, message_max_chars=10))) as c:
        r = c.post("/api/chat", json={"sender_id": "maxchars-0001", "message": "一二三四五六七八九十一"})
        assert r.status_code == 413 and "10" in r.json()["detail"]
        # control characters do not count and do not reach Rasa
        r = c.post("/api/chat", json={"sender_id": "maxchars-0001", "message": "你\x00\x01\x02\x03\x04好"})
        assert r.status_code == 200
        assert fake_rasa.requests[-1]["message"] == "你好"


def test_rate_limit_window_is_per_minute():
    from bot.ratelimit import RateLimiter

    rl = RateLimiter(2, window=60)
    t = time.monotonic()
    assert [rl.hit("k", t), rl.hit("k", t + 1)] == [0.0, 0.0]
    assert 58 <= rl.hit("k", t + 2) <= 58.1
    assert rl.hit("k", t + 60.5) == 0.0
