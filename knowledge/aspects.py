"""What a question asks about: a time limit, a frequency, who, the legal basis, appeal rights …

An aspect pairs the way questions ask for something with the way the list's sentences state
it (``resources/aspects.tsv``). Retrieval prefers passages that contain an answering sentence
for the question's aspects, and answers quote those sentences first. This is the "kind of
question" below the NLU intent: "处罚决定不服怎么办" and "罚多少" are both penalty questions,
but only the first is answered by the sentence on 行政复议.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .normalize import RESOURCES

ASPECTS = RESOURCES / "aspects.tsv"
_SENTENCE_END = re.compile(r"(?<=[。；;！？])")


@dataclass(frozen=True)
class Aspect:
    name: str
    question: re.Pattern[str]
    answer: re.Pattern[str]

    def answered_in(self, text: str) -> bool:
        return bool(self.answer.search(text))


class AspectError(ValueError):
    """A malformed line in the aspects file; ``line`` is 1-based."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.line = line


def load_aspects(path: Path = ASPECTS) -> tuple[Aspect, ...]:
    aspects: list[Aspect] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3:
            raise AspectError(path, n, f"expected name, question pattern, answer pattern; got {len(parts)} fields")
        try:
            aspects.append(Aspect(parts[0].strip(), re.compile(parts[1].strip()), re.compile(parts[2].strip())))
        except re.error as e:
            raise AspectError(path, n, f"bad pattern: {e}") from e
    return tuple(aspects)


@lru_cache(maxsize=1)
def default_aspects() -> tuple[Aspect, ...]:
    return load_aspects()


def aspects_of(question: str, aspects: tuple[Aspect, ...] | None = None) -> tuple[Aspect, ...]:
    """The aspects a (cleaned) question asks about, in the file's order."""
    return tuple(a for a in (aspects or default_aspects()) if a.question.search(question))


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def answering_sentences(text: str, aspects: tuple[Aspect, ...]) -> list[str]:
    """The sentences of ``text`` that answer one of ``aspects``, in order."""
    return [s for s in sentences(text) if any(a.answered_in(s) for a in aspects)]
