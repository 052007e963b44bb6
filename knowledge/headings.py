"""What a question asks of a supervision system by the heading that states it (``resources/
headings.tsv``): "社保基金监管都管哪些基金" asks for its 监督检查对象, "检查中介主要查些什么" for its
监督检查内容. The headings are the lists' shape, not one county's words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .aspects import AspectError, compile_at, pattern_rows
from .normalize import RESOURCES

HEADINGS = RESOURCES / "headings.tsv"


class HeadingError(AspectError):
    """A malformed line in the headings file; ``line`` is 1-based."""


@dataclass(frozen=True)
class Heading:
    word: str
    question: re.Pattern[str]


def load_headings(path: Path = HEADINGS) -> tuple[Heading, ...]:
    return tuple(Heading(word, compile_at(path, n, question, HeadingError))
                 for n, (word, question) in pattern_rows(path, ("heading word", "question pattern"), HeadingError))


@lru_cache(maxsize=1)
def default_headings() -> tuple[Heading, ...]:
    return load_headings()


def heading_asked(question: str, headings: tuple[Heading, ...] | None = None) -> str | None:
    """The heading word whose part of a system the (cleaned) question asks for, or None."""
    return next((h.word for h in headings or default_headings() if h.question.search(question)), None)
