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
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

NORMALIZE = (None, "l1", "l2")


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

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        from sklearn.preprocessing import normalize

        rows = []
        for message in messages:
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
                parts.append(csr_matrix(dense.features * float(self.config["dense_weight"])))
            rows.append(hstack(parts) if parts else csr_matrix((1, 0)))
        return vstack(rows).tocsr()
