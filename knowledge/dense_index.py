"""The dense half of hybrid retrieval: a FAISS inner-product index over L2-normalised passage
vectors, saved with its provenance (model id, source digest) so a stale index is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .embedder import Embedder
from .normalize import normalize_passage
from .passages import Passage
from .store import StoreError

__all__ = ["DenseIndex", "IndexError_"]


class IndexError_(StoreError):
    """The dense index is missing or was built from another source or model."""


class DenseIndex:
    """FAISS inner-product index over L2-normalised passage vectors, with its provenance."""

    def __init__(self, index, ids: list[str], meta: dict):
        self.index, self.ids, self.meta = index, ids, meta

    @staticmethod
    def build(passages: list[Passage], embedder: Embedder, source_sha256: str) -> DenseIndex:
        import faiss

        vectors = embedder.embed_passages([normalize_passage(p.search_text) for p in passages])
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        meta = {"model_id": embedder.model_id, "source_sha256": source_sha256, "dim": int(vectors.shape[1]),
                "count": len(passages)}
        return DenseIndex(index, [p.id for p in passages], meta)

    def save(self, directory: Path) -> None:
        import faiss

        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "passages.faiss.tmp"
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, directory / "passages.faiss")
        (directory / "index.json").write_text(json.dumps({**self.meta, "ids": self.ids}, ensure_ascii=False),
                                              encoding="utf-8")

    @staticmethod
    def load(directory: Path) -> DenseIndex:
        import faiss

        meta_path, index_path = directory / "index.json", directory / "passages.faiss"
        if not meta_path.exists() or not index_path.exists():
            raise IndexError_(f"dense index missing in {directory}: run `python -m knowledge build`")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        ids = meta.pop("ids")
        return DenseIndex(faiss.read_index(str(index_path)), ids, meta)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        k = min(k, len(self.ids))
        scores, idx = self.index.search(np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), k)
        return [(self.ids[i], float(s)) for s, i in zip(scores[0], idx[0], strict=True) if i >= 0]
