"""A jieba tokenizer whose tokens carry the knowledge layer's normalised text.

Retrieval normalises questions with ``knowledge.normalize`` (NFKC full-width → half-width,
OpenCC traditional → simplified, the typo table ``knowledge/resources/typos.tsv``). The NLU
model sees the same text: 職稱科 / 监查大队 / ＡＢＣ become 职称科 / 监察大队 / ABC before jieba
cuts them (so the simplified user dictionary applies) and before the CountVectorsFeaturizers
count words and character n-grams (they read token texts, not the message text).

The message's ``text`` is NOT rewritten: actions read the user's own words (complaint details
go into tickets verbatim), and RegexFeaturizer / RegexEntityExtractor match the raw text. Each
token therefore keeps the start/end offsets of the *original* characters it came from, so
regex matches still line up with tokens.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


def normalize(text: str) -> str:
    """The retrieval side's passage normalisation (characters and typos, no query expansion)."""
    # Imported here so that a missing knowledge/ fails where the component is created (with
    # the message below), not when Rasa's registry imports this module.
    from knowledge.normalize import normalize_passage

    return normalize_passage(text)


@lru_cache(maxsize=8192)
def _char_key(char: str) -> str:
    """One character as the normalisation writes it (kept: NFKC and OpenCC per character cost
    more than the rest of the alignment)."""
    from knowledge.normalize import clean

    return clean(char) or char


def offset_map(original: str, normalized: str) -> list[tuple[int, int]]:
    """For each character of ``normalized``, the span of ``original`` it came from.

    The alignment compares ``normalized`` with the original characters normalised one by one
    (職 → 职, Ａ → A), so nearly everything lines up as equal and what is left are the real
    edits: whitespace collapsed or stripped (deleted), a typo fixed or an NFKC expansion (a
    stretch of another length: each of its characters maps to the whole original stretch),
    or an inserted character (an empty span at its position).
    """
    keys = [_char_key(c) for c in original]
    spans: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(None, keys, list(normalized), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "delete":
            continue
        if tag == "equal" or (i2 - i1) == (j2 - j1):
            spans.extend((i1 + k, i1 + k + 1) for k in range(j2 - j1))
        else:  # "replace" with a length change, or "insert" (i1 == i2)
            spans.extend((i1, i2) for _ in range(j2 - j1))
    return spans


def original_span(spans: list[tuple[int, int]], start: int, end: int, length: int) -> tuple[int, int]:
    """The original-text span of the normalised characters ``start:end`` (non-empty if possible)."""
    covered = spans[start:end]
    if not covered:
        return length, length
    o_start = min(s for s, _ in covered)
    o_end = max(e for _, e in covered)
    if o_end <= o_start:  # only inserted characters: give the token one original character
        o_end = min(o_start + 1, length)
        o_start = max(0, o_end - 1)
    return o_start, o_end


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class NormalizingJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer on ``knowledge.normalize``'d text; tokens keep the original offsets.

    Same options as JiebaTokenizer (``dictionary_path`` …); the user dictionary is copied into
    the model as JiebaTokenizer does. The normalisation code and typo table are read from
    knowledge/ at run time (like retrieval), so knowledge/ must be importable: run Rasa from
    the project root.
    """

    # create/load keep JiebaTokenizer's exact signatures: Rasa's graph reads them to decide
    # which inputs (e.g. the trained resource) a node gets.
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> JiebaTokenizer:
        cls._check_normalizer()
        return super().create(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> JiebaTokenizer:
        cls._check_normalizer()
        return super().load(config, model_storage, resource, execution_context, **kwargs)

    @staticmethod
    def _check_normalizer() -> None:
        try:
            normalize("職稱")
        except ImportError as exc:  # knowledge/ not on sys.path, or opencc not installed
            raise ImportError(
                f"NormalizingJiebaTokenizer needs knowledge.normalize and opencc ({exc}): run Rasa "
                "from the project root with .venv-rasa (pip install -r requirements-rasa.txt)"
            ) from exc

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        import jieba

        text = message.get(attribute)
        normalized = normalize(text)
        if normalized == text:
            tokens = [Token(word, start, end) for word, start, end in jieba.tokenize(text)]
            return self._apply_token_pattern(tokens)
        spans = offset_map(text, normalized)
        tokens = []
        for word, start, end in jieba.tokenize(normalized):
            o_start, o_end = original_span(spans, start, end, len(text))
            tokens.append(Token(word, o_start, o_end))
        return self._apply_token_pattern(tokens)
