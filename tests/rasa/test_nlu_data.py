"""The NLU training data's hygiene rules (data/nlu/README.md), checked without Rasa.

The model sees normalised text (rasa_components/normalizing_tokenizer.py uses
knowledge.normalize), so two examples that normalise to the same string are one input twice:
no new information, and a free answer whenever cross-validation puts them in different folds.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from rasa_components.nlu_data import example_key as key
from rasa_components.nlu_data import intent_examples as examples
from rasa_components.nlu_data import training_examples

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
HOLDOUT = ROOT / "tests" / "rasa" / "nlu_holdout.yml"


@pytest.fixture(scope="module")
def training() -> list[tuple[str, str]]:
    return training_examples(NLU_DIR)


def test_no_two_training_examples_are_the_same_after_normalisation(training):
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for intent, text in training:
        seen[key(text)].append((intent, text))
    duplicates = {k: v for k, v in seen.items() if len(v) > 1}
    assert not duplicates, f"examples the model sees as the same text: {duplicates}"


def test_no_held_out_example_is_in_the_training_data(training):
    train_keys = {key(text) for _, text in training}
    leaked = [text for _, text in examples(HOLDOUT) if key(text) in train_keys]
    assert not leaked, f"held-out examples also in data/nlu: {leaked}"


def test_every_intent_is_declared_in_the_domain(training):
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    declared = set(domain["intents"])
    used = {intent for intent, _ in training} | {intent for intent, _ in examples(HOLDOUT)}
    assert used <= declared, used - declared
