"""Rasa's CountVectorsFeaturizer without the per-token sequence features nothing here reads.

Rasa's featurizer counts every message twice: once per token (sequence features, one row per
token, for sequence models such as DIET or CRF entity extraction) and once for the whole text
(sentence features). This pipeline's classifier reads the sentence features only
(rasa_components.classifiers: ``get_sparse_features(TEXT)[1]``), entities come from the regex
extractor and the policies read intents, not features. The per-token transform was ~90 % of the
two count featurizers' time on a new message (a vectorizer call per token, ~1.8 ms of Rasa's
CPU per message with the word and the character featurizer). This one computes the sentence
features exactly as Rasa does and no sequence features; vocabulary, options and persistence
are Rasa's.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer (same options) that adds sentence features only."""

    def _create_features(self, attribute, all_tokens):  # type: ignore[override]
        if not self.vectorizers.get(attribute):
            return [None], [None]
        sequence_features: list = []
        sentence_features: list = []
        for tokens in all_tokens:
            sequence_features.append(None)
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence_features.append(None)
                continue
            # as Rasa's: the tokens joined by spaces, one row
            sentence_vec = self.vectorizers[attribute].transform([" ".join(tokens)])
            sentence_vec.sort_indices()
            sentence_features.append(sentence_vec.tocoo())
        return sequence_features, sentence_features
