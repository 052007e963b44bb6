"""Consistent hashing of conversations onto Rasa replicas.

Each replica owns ``points`` places on a ring of 64-bit hashes; a sender id goes to the replica
that owns the first place at or after the sender's hash, and when that replica is down to the
next distinct replica round the ring, and so on. Adding or removing a replica moves only the
conversations of the places it gains or loses (about 1/N of them); every gateway process
computes the same order from the same list of URLs, with no shared state.
"""

from __future__ import annotations

import bisect
import hashlib


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


class HashRing:
    def __init__(self, nodes: list[str], points: int = 64) -> None:
        if not nodes:
            raise ValueError("a hash ring needs at least one node")
        if len(set(nodes)) != len(nodes):
            raise ValueError(f"duplicate nodes: {nodes}")
        self.nodes = list(nodes)
        ring = sorted((_hash(f"{node}#{i}"), node) for node in nodes for i in range(points))
        self._keys = [h for h, _ in ring]
        self._owners = [n for _, n in ring]

    def order(self, key: str) -> list[str]:
        """Every node, the one that owns ``key`` first, then the rest in ring order."""
        start = bisect.bisect_left(self._keys, _hash(key))
        out: list[str] = []
        n = len(self._owners)
        for i in range(n):
            node = self._owners[(start + i) % n]
            if node not in out:
                out.append(node)
                if len(out) == len(self.nodes):
                    break
        return out

    def owner(self, key: str) -> str:
        return self.order(key)[0]
