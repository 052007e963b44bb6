"""LogisticRegressionClassifier with its regularisation exposed and length-normalised features.

Rasa 3.6's LogisticRegressionClassifier fixes C=1 and class_weight="balanced" and feeds the
raw count vectors (words, character n-grams, regex hits) to the model, so a two-character
"好的" and a thirty-character question differ mostly in vector length: short messages get
weak scores and drift to the intercepts (large, diverse intents such as out_of_scope).
Scaling each message's sparse feature vector to unit length (``normalize: l2``) and loosening
the regularisation to match (``C``) puts short and long messages on the same footing.

Dense sentence features (rasa_components.e5_featurizer: an L2-normalised sentence embedding)
are appended after the scaled sparse vector, multiplied by ``dense_weight``: with both parts
of unit length, the weight sets how much the meaning counts against the words. Measured on
the same 3-fold cross-validation: see data/nlu/README.md.

``neighbour_weight`` (0 = off) adds one feature per intent: the highest cosine between the
message's sentence embedding and that intent's training examples, times the weight. A linear
model on the embedding draws one plane per intent; an intent whose questions form several
small clusters in meaning (out_of_scope: other agencies' matters, consumer complaints, chat
about the bot) is served better by "how close is the nearest example of each intent". In
training each example's feature leaves the example itself out (as a new message would not
find itself), so the model learns from features distributed as at inference. The training
embeddings (n x 384 float32) are stored with the model; a message costs one n x 384 product.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.sparse import csr_matrix, hstack, vstack

NORMALIZE = (None, "l1", "l2")
NEIGHBOURS_FILE = "neighbours.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Options on top of LogisticRegressionClassifier's: ``C`` (inverse regularisation
    strength, sklearn's default 1.0), ``class_weight`` ("balanced" as Rasa's, or null) and
    ``normalize`` (null, "l1" or "l2": scale each message's sparse feature vector before the
    model) and ``dense_weight`` (factor on the dense sentence features, if any)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 1.0,
            "class_weight": "balanced",
            "normalize": None,
            "dense_weight": 1.0,
            "neighbour_weight": 0.0,
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.validate_config(self.config)
        self.clf.set_params(C=float(self.config["C"]), class_weight=self.config["class_weight"])
        # neighbour features: training embeddings grouped by intent (rows of intent i are
        # _starts[i]:_starts[i + 1]) - set by train() or load()
        self._neighbours: np.ndarray | None = None
        self._starts: np.ndarray | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TunedLogisticRegressionClassifier:
        return cls(config, execution_context.node_name, model_storage, resource)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config.get("normalize") not in NORMALIZE:
            raise ValueError(f"normalize must be one of {NORMALIZE}, not {config.get('normalize')!r}")
        if float(config.get("C", 1.0)) <= 0:
            raise ValueError("C must be positive")
        if float(config.get("dense_weight", 1.0)) < 0:
            raise ValueError("dense_weight must not be negative")
        if float(config.get("neighbour_weight", 0.0)) < 0:
            raise ValueError("neighbour_weight must not be negative")

    def _create_X(self, messages: list[Message], nearest: np.ndarray | None = None) -> csr_matrix:
        """Rows of [scaled sparse counts, dense features x dense_weight(, nearest)]: ``nearest``
        (one row per message, already weighted) goes after the dense features."""
        from sklearn.preprocessing import normalize

        rows = []
        for i, message in enumerate(messages):
            # [1] = sentence features (sequence features are [0])
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            parts = []
            if sparse is not None:
                row = csr_matrix(sparse.features, dtype=float)
                if self.config["normalize"]:
                    row = normalize(row, norm=self.config["normalize"])
                parts.append(row)
            if dense is not None:
                values = dense.features * float(self.config["dense_weight"])
                if nearest is not None:
                    values = np.hstack([np.asarray(values).reshape(1, -1), nearest[i : i + 1]])
                parts.append(csr_matrix(values))
            rows.append(hstack(parts) if parts else csr_matrix((1, 0)))
        return vstack(rows).tocsr()

    # ------------------------------------------------------------------ neighbour features

    @staticmethod
    def _dense(messages: list[Message]) -> np.ndarray | None:
        rows = [message.get_dense_features(attribute=TEXT)[1] for message in messages]
        if not rows or any(r is None for r in rows):
            return None
        return np.vstack([np.asarray(r.features, dtype=np.float32).reshape(1, -1) for r in rows])

    def _nearest(self, dense: np.ndarray, leave_out_self: bool = False) -> np.ndarray:
        """Per intent, the highest cosine of each row of ``dense`` to that intent's examples."""
        assert self._neighbours is not None and self._starts is not None
        sims = dense @ self._neighbours.T
        if leave_out_self:
            np.fill_diagonal(sims, -1.0)
        return np.maximum.reduceat(sims, self._starts[:-1], axis=1)

    def _weighted_nearest(self, messages: list[Message]) -> np.ndarray:
        dense = self._dense(messages)
        if dense is None:
            raise ValueError("neighbour_weight needs a dense sentence feature for every message")
        return self._nearest(dense) * float(self.config["neighbour_weight"])

    def train(self, training_data: TrainingData) -> Resource:
        if not float(self.config["neighbour_weight"]):
            return super().train(training_data)
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        labels = np.array([e.get(INTENT) for e in examples])
        dense = self._dense(examples)
        if dense is None:
            raise ValueError("neighbour_weight needs a dense sentence feature for every message")
        order = np.argsort(labels, kind="stable")
        labels, dense = labels[order], dense[order]
        examples = [examples[i] for i in order]
        _, starts = np.unique(labels, return_index=True)
        self._neighbours = np.ascontiguousarray(dense)
        self._starts = np.append(starts, len(labels)).astype(np.int64)
        # each example's own row left out: its nearest neighbour is another example
        nearest = self._nearest(dense, leave_out_self=True) * float(self.config["neighbour_weight"])
        X = self._create_X(examples, nearest)
        self.clf.fit(X, labels.tolist())
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if not float(self.config["neighbour_weight"]) or self._neighbours is None:
            return super().process(messages)
        X = self._create_X(messages, self._weighted_nearest(messages))
        probas = self.clf.predict_proba(X)
        ranking_length = self.config[RANKING_LENGTH]
        for message, row in zip(messages, probas, strict=True):
            ranking = sorted(
                ({"name": name, "confidence": value} for name, value in zip(self.clf.classes_, row, strict=True)),
                key=lambda e: -e["confidence"],
            )
            if ranking_length > 0:
                ranking = ranking[:ranking_length]
            message.set("intent", ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        super().persist()
        if self._neighbours is not None and self._starts is not None:
            with self._model_storage.write_to(self._resource) as model_dir:
                np.savez(model_dir / NEIGHBOURS_FILE, neighbours=self._neighbours, starts=self._starts)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TunedLogisticRegressionClassifier:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        if float(component.config["neighbour_weight"]):
            try:
                with model_storage.read_from(resource) as model_dir:
                    path = model_dir / NEIGHBOURS_FILE
                    if path.exists():
                        with np.load(path, allow_pickle=False) as stored:
                            component._neighbours = stored["neighbours"].astype(np.float32)
                            component._starts = stored["starts"].astype(np.int64)
            except ValueError:
                pass
        return component
