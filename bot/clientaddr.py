"""Who is asking: the client address behind a trusted reverse proxy, and rate-limit exemptions.

The direct peer of the TCP connection is the client, unless that peer is a configured trusted
proxy (``JIZE_TRUSTED_PROXIES``); only then is ``X-Forwarded-For`` read, from the right: each
proxy appends the address it got the request from, so the right-most address that is not itself
a trusted proxy is the client. Whatever a client writes into the header itself stands further
left and is never believed. uvicorn's own proxy-header handling is switched off in bot.run, so
this is the only place that decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str | None) -> Address | None:
    if not text:
        return None
    s = text.strip()
    if s.startswith("[") and "]" in s:  # "[::1]:1234"
        s = s[1 : s.index("]")]
    elif s.count(":") == 1:  # "1.2.3.4:5678"
        s = s.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def in_networks(ip: Address | None, networks: Iterable[Network]) -> bool:
    return ip is not None and any(ip.version == n.version and ip in n for n in networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The client's address: ``peer``, or from ``X-Forwarded-For`` when ``peer`` is trusted."""
    trusted = tuple(trusted)
    peer_ip = parse_ip(peer)
    if not forwarded_for or not in_networks(peer_ip, trusted):
        return str(peer_ip) if peer_ip is not None else (peer or "unknown")
    client = str(peer_ip)
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        ip = parse_ip(hop)
        if ip is None:  # garbage: keep the last address a trusted proxy vouched for
            break
        client = str(ip)
        if not in_networks(ip, trusted):
            break
    return client
