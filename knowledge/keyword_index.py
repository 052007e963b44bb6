"""The keyword half of hybrid retrieval: BM25 over the passages' jieba tokens, through the
store's SQLite FTS5 table (built with the store; see :mod:`knowledge.store`)."""

from __future__ import annotations

from typing import Any

__all__ = ["KeywordIndex"]


class KeywordIndex:
    """BM25 (SQLite FTS5's ``bm25()``) over the ``passages_fts`` table of a knowledge store."""

    def __init__(self, db: Any):
        self.db = db

    def search(self, query_tokens: list[str], limit: int = 50) -> list[tuple[str, float]]:
        """(passage id, positive score) for passages holding any of the tokens, best first."""
        terms = sorted({t.replace('"', "") for t in query_tokens if t.strip()})
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        sql = ("select passages.id as id, -bm25(passages_fts) as score from passages_fts "
               "join passages on passages.rowid = passages_fts.rowid "
               "where passages_fts match ? order by bm25(passages_fts) limit ?")
        return [(r["id"], float(r["score"])) for r in self.db.query(sql, [match, limit])]
