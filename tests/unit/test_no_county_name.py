"""No county is typed into the code, the dialogue domain or the pages: the names come from
the list (knowledge/identity.py). The county looked for is the one the identity code reads
from the shipped list, so the test follows the list rather than a name typed here."""

from __future__ import annotations

from pathlib import Path

from knowledge.identity import derive_identity
from knowledge.parser import parse_file
from knowledge.settings import DEFAULT_SOURCE
from tests.conftest import ROOT

# What ships as code, dialogue and pages. Not searched: the list itself (knowledge/sources),
# NLU training examples (data/nlu: a place name in an out-of-scope question is data), tests,
# benchmark questions and the documentation.
SEARCHED = [
    "actions/**/*.py",
    "bot/**/*.py",
    "bot/static/*",
    "knowledge/*.py",
    "knowledge/compose/*.py",
    "knowledge/resources/**/*",
    "knowledge/sources/common_questions.txt",
    "rasa_components/**/*.py",
    "scripts/*",
    "domain.yml",
    "config.yml",
    "endpoints.yml",
    "credentials.yml",
    "data/rules/*.yml",
    "data/stories/*.yml",
    "Makefile",
]


def _county_words() -> list[str]:
    records = parse_file(DEFAULT_SOURCE)
    county = derive_identity(records.title, records.seals, records.offices).county
    assert county, "the shipped list names a county"
    # "…县" and the name without its 县/区/市, which is how people also write it.
    return [county, county[:-1]] if len(county) > 2 and county[-1] in "县区市旗" else [county]


def test_no_county_name_outside_the_list_and_the_tests():
    words = _county_words()
    found = []
    for pattern in SEARCHED:
        for path in sorted(ROOT.glob(pattern)):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            for n, line in enumerate(text.splitlines(), 1):
                if any(w in line for w in words):
                    found.append(f"{Path(path).relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert not found, "county name typed outside the list:\n" + "\n".join(found)


def test_the_search_covers_the_faces():
    names = {p.name for pattern in SEARCHED for p in ROOT.glob(pattern)}
    assert {"domain.yml", "widget.js", "station.html", "messages.py", "main.py"} <= names
