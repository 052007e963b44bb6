"""The kind of question its form says ("…归哪个部门", "找谁"): evidence beside the NLU's intent.

``resources/question_forms.tsv`` pairs an NLU intent with the way questions of that kind are
put. The composer uses it only when the NLU gives no intent or a weak one: a long, colloquial
"which office" question that the classifier splits between kinds still reads as one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .aspects import AspectError, compile_at, pattern_rows
from .normalize import RESOURCES

QUESTION_FORMS = RESOURCES / "question_forms.tsv"


class QuestionFormError(AspectError):
    """A malformed line in the question-forms file; ``line`` is 1-based."""


def load_forms(path: Path = QUESTION_FORMS) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, compile_at(path, n, pattern, QuestionFormError))
                 for n, (kind, pattern) in pattern_rows(path, ("kind", "pattern"), QuestionFormError))


@lru_cache(maxsize=1)
def default_forms() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return load_forms()


def kind_of(question: str, forms: tuple[tuple[str, re.Pattern[str]], ...] | None = None) -> str | None:
    """The first kind (an NLU intent, "ask_…") whose pattern the (cleaned) question matches, or None."""
    for kind, pattern in forms or default_forms():
        if kind.startswith("ask_") and pattern.search(question):
            return kind
    return None


def says(question: str, kind: str, forms: tuple[tuple[str, re.Pattern[str]], ...] | None = None) -> bool:
    """Whether the (cleaned) question has the form of ``kind`` ("violation": "老板欠了三个月工资")."""
    return any(k == kind and pattern.search(question) for k, pattern in forms or default_forms())


_CLAUSE = re.compile(r"[^，,。；;？?！!]+")


def clauses_saying(question: str, kind: str, forms: tuple[tuple[str, re.Pattern[str]], ...] | None = None) -> list[str]:
    """The clauses of a (cleaned) message that have the form of ``kind`` ("violation": of "俺是曹庄
    的，…俺们二十多个人的工钱都压着，…", the clause that tells the wrong)."""
    patterns = [pattern for k, pattern in forms or default_forms() if k == kind]
    return [c for c in _CLAUSE.findall(question) if any(p.search(c) for p in patterns)]


def form_of(kind: str, forms: tuple[tuple[str, re.Pattern[str]], ...] | None = None) -> re.Pattern[str]:
    """The pattern of ``kind``'s form (one that never matches when the file has none)."""
    return next((pattern for k, pattern in forms or default_forms() if k == kind), NEVER)


NEVER = re.compile(r"(?!)")
