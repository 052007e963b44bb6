"""The keyword half of hybrid retrieval: BM25 over the passages' jieba tokens, through the
store's SQLite FTS5 table (built with the store; see :mod:`knowledge.store`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["KeywordIndex"]


class KeywordIndex:
    """BM25 (SQLite FTS5's ``bm25()``) over the ``passages_fts`` table of a knowledge store."""

    def __init__(self, db: Any, cache_size: int = 512):
        self.db = db
        # One answer runs the same query several times (its own ranking, the audit's scores, the
        # checks): the store does not change under a loaded index, so the rows are kept.
        self._rows = lru_cache(maxsize=cache_size)(self._query)

    def search(self, query_tokens: list[str], limit: int = 50) -> list[tuple[str, float]]:
        """(passage id, positive score) for passages holding any of the tokens, best first."""
        terms = sorted({t.replace('"', "") for t in query_tokens if t.strip()})
        if not terms:
            return []
        return list(self._rows(" OR ".join(f'"{t}"' for t in terms), limit))

    def clear_cache(self) -> None:
        self._rows.cache_clear()

    def _query(self, match: str, limit: int) -> tuple[tuple[str, float], ...]:
        sql = ("select passages.id as id, -bm25(passages_fts) as score from passages_fts "
               "join passages on passages.rowid = passages_fts.rowid "
               "where passages_fts match ? order by bm25(passages_fts) limit ?")
        return tuple((r["id"], float(r["score"])) for r in self.db.query(sql, [match, limit]))
