"""The questions the pages offer (station buttons, widget suggestions), from a data file.

The file (``JIZE_COMMON_QUESTIONS_PATH``, default ``sources/common_questions.txt``) has
``[group]`` headings and one question per line; ``#`` starts a comment. A question names a
particular office only through ``{office}``, filled with an office of the list that has a
number of its own, so the same file serves any county's list.
"""

from __future__ import annotations

import re
from pathlib import Path

from .identity import Identity
from .phones import split_phones
from .records import Office

_GROUP = re.compile(r"^\[([a-z_]+)\]$")
_PLACEHOLDER = re.compile(r"{([^{}]*)}")


class SuggestionsError(ValueError):
    """The questions file is malformed; ``line`` is 1-based."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}, line {line}: {message}")
        self.line = line


def featured_office(offices: list[Office], general_phone: str) -> str:
    """An office with a number of its own (the one with most duties), else the first office."""
    own = [o for o in offices if o.phone and general_phone not in split_phones(o.phone)]
    pick = own or offices
    return pick[0].name if pick else ""


def load_suggestions(path: Path, offices: list[Office], identity: Identity) -> dict[str, list[str]]:
    """``{"station": [...], "widget": [...]}`` with the placeholders filled from the list."""
    values = {"office": featured_office(offices, identity.general_phone), "short_name": identity.short_name,
              "county": identity.county}
    groups: dict[str, list[str]] = {}
    group: list[str] | None = None
    for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        heading = _GROUP.match(line)
        if heading:
            group = groups.setdefault(heading.group(1), [])
            continue
        if group is None:
            raise SuggestionsError(path, n, "a question before the first [group] heading")
        for name in _PLACEHOLDER.findall(line):
            if not values.get(name):
                raise SuggestionsError(path, n, f"unknown or empty placeholder {{{name}}}")
        question = _PLACEHOLDER.sub(lambda m: values[m.group(1)], line)
        if question not in group:
            group.append(question)
    return groups
