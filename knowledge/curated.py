"""Curated answers: which one, if any, a new question asks for.

Staff write an answer for a question (and other phrasings of it), grounded in passages of the
list; a new question whose meaning is close enough to one of those texts gets that answer ahead
of retrieval. Closeness is the cosine similarity of the question embeddings (the knowledge
base's own embedder, ``query: `` side for both, as e5 does for question-to-question
similarity); the threshold is a setting (``JIZE_CURATED_THRESHOLD``).

The answers themselves live with the app's records (``appdata``); this module only needs objects
with ``id``, ``version`` and ``texts()`` (the question and its phrasings).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .normalize import has_content, normalize_query


class CuratedEntry(Protocol):
    id: int
    version: int
    sources: list[str]  # the passages the answer cites

    def texts(self) -> list[str]: ...


@dataclass(frozen=True)
class CuratedMatch:
    """The curated text closest to a question, and whether it is close enough to answer."""

    entry: Any  # the CuratedEntry
    text: str  # the question or phrasing it was closest to
    score: float  # cosine similarity, -1..1
    threshold: float
    # whether the question is about the same part of the list as the curated text (None: not
    # checked): "企业拖欠社保费去哪投诉" is as close in meaning to "企业拖欠工资去哪投诉" as a
    # paraphrase is, but retrieval finds another passage for it
    same_matter: bool | None = None

    @property
    def passes(self) -> bool:
        return self.score >= self.threshold and self.same_matter is not False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.entry.id, "version": self.entry.version, "text": self.text,
                "score": round(self.score, 4), "threshold": self.threshold, "passes": self.passes,
                "same_matter": self.same_matter}


class CuratedMatcher:
    """Embeds the curated texts once per set of versions and finds the closest to a question.

    Args:
        embedder: the knowledge base's embedder (``embed_queries`` of normalised texts).
        threshold: similarity at or above which a curated answer is served.
    """

    def __init__(self, embedder: Any, threshold: float) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self._lock = threading.Lock()
        self._key: str | None = None
        self._matrix: np.ndarray | None = None
        self._owners: list[tuple[Any, str]] = []

    def _load(self, entries: Sequence[CuratedEntry], key: str) -> None:
        owners = [(e, t) for e in entries for t in e.texts() if has_content(t)]
        matrix = None
        if owners:
            matrix = np.asarray(self.embedder.embed_queries([normalize_query(t) for _, t in owners]),
                                dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = matrix / np.where(norms == 0, 1.0, norms)
        self._key, self._matrix, self._owners = key, matrix, owners

    def closest(self, question: str, entries: Sequence[CuratedEntry], key: str | None = None) -> CuratedMatch | None:
        """The curated text closest to ``question`` (passing the threshold or not); None when there
        are no curated answers or the question has no content. ``key`` names the set of versions
        (it changes whenever one does): the texts are embedded again only when it changes."""
        if not entries or not has_content(question or ""):
            return None
        key = key if key is not None else ",".join(f"{e.id}:{e.version}" for e in entries)
        with self._lock:
            if key != self._key:
                self._load(entries, key)
            matrix, owners = self._matrix, self._owners
        if matrix is None:
            return None
        vector = np.asarray(self.embedder.embed_queries([normalize_query(question)])[0], dtype=np.float32)
        norm = float(np.linalg.norm(vector)) or 1.0
        scores = matrix @ (vector / norm)
        best = int(np.argmax(scores))
        entry, text = owners[best]
        return CuratedMatch(entry, text, float(scores[best]), self.threshold)
