"""Rasa YAML NLU examples as the model sees them, read without Rasa.

Pure Python (PyYAML and knowledge.normalize), so the app's Python 3.11 can use it too: the data
hygiene tests (tests/rasa/test_nlu_data.py) and scripts/nlu_dense_grid.py read the examples
here, and E5SentenceFeaturizer embeds :func:`example_key` of each message.
"""

from __future__ import annotations

import re
from pathlib import Path

# [社保中心](office) / [社保中心]{"entity": "office"} → 社保中心
ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def intent_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, plain text) of every intent example in a Rasa YAML NLU file."""
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in doc.get("nlu") or []:
        if "intent" not in item:
            continue  # lookup tables, synonyms, regexes
        for line in str(item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append((item["intent"], ENTITY.sub(r"\1", line[2:].strip())))
    return out


def training_examples(nlu_dir: Path) -> list[tuple[str, str]]:
    """intent_examples of every *.yml in ``nlu_dir``, in file-name order."""
    return [ex for path in sorted(nlu_dir.glob("*.yml")) for ex in intent_examples(path)]


def example_key(text: str) -> str:
    """The text the model reads: knowledge.normalize's passage normalisation, lower-cased."""
    # Imported here, as in normalizing_tokenizer: a missing knowledge/ fails where it is used.
    from knowledge.normalize import normalize_passage

    return normalize_passage(text).lower()
