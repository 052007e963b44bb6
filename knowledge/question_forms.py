"""The kind of question its form says ("…归哪个部门", "找谁"): evidence beside the NLU's intent.

``resources/question_forms.tsv`` pairs an NLU intent with the way questions of that kind are
put. The composer uses it only when the NLU gives no intent or a weak one: a long, colloquial
"which office" question that the classifier splits between kinds still reads as one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .normalize import RESOURCES

QUESTION_FORMS = RESOURCES / "question_forms.tsv"


class QuestionFormError(ValueError):
    """A malformed line in the question-forms file; ``line`` is 1-based."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.line = line


def load_forms(path: Path = QUESTION_FORMS) -> tuple[tuple[str, re.Pattern[str]], ...]:
    forms: list[tuple[str, re.Pattern[str]]] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 2:
            raise QuestionFormError(path, n, f"expected kind and pattern; got {len(parts)} fields")
        try:
            forms.append((parts[0].strip(), re.compile(parts[1].strip())))
        except re.error as e:
            raise QuestionFormError(path, n, f"bad pattern: {e}") from e
    return tuple(forms)


@lru_cache(maxsize=1)
def default_forms() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return load_forms()


def kind_of(question: str, forms: tuple[tuple[str, re.Pattern[str]], ...] | None = None) -> str | None:
    """The first kind whose pattern the (cleaned) question matches, or None."""
    for kind, pattern in forms or default_forms():
        if pattern.search(question):
            return kind
    return None
