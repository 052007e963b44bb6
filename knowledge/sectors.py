"""Whom a duty is for (resources/sectors.tsv): enterprises' workers, public institutions' staff,
rural and urban residents. The list gives the same matter to different offices by it (技术等级考核:
企业职工 at one office, 机关、事业单位的工人 at another); a caller tells which one they are ("俺在厂里").

Apart from :mod:`knowledge.normalize` on purpose: Rasa's tokenizer uses that module, and a change
to it retrains the NLU model; this is read by the search's ordering only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .normalize import RESOURCES

SECTORS = RESOURCES / "sectors.tsv"
# A duty's sentences and the items of a numbered duty ("1、…；2、…"): the one that holds the matter
# asked about is the one whose sector counts.
_CLAUSE_END = re.compile(r"[。；;！!？?\n]")
# A sentence is shown to be about the matter when the matter's words it holds weigh this much (in
# IDF: one word of the list in about 3 % of passages), and this share of all the question names
# (not one word of a long story: "我是乡里的工作人员…" holds 工作人员 of another duty).
MATTER_WEIGHT = 3.5
MATTER_SHARE = 0.3


class ParseError(ValueError):
    """A line of the sectors file that is not "name TAB said TAB marked", or a pattern that does
    not compile; names the line."""


@lru_cache(maxsize=4)
def load_sectors(path: Path = SECTORS) -> tuple[tuple[str, re.Pattern, re.Pattern], ...]:
    sectors = []
    if not path.exists():
        return ()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not all(f.strip() for f in fields):
            raise ParseError(f"{path.name} line {number}: expected name, said and marked, tab-separated")
        try:
            sectors.append((fields[0].strip(), re.compile(fields[1]), re.compile(fields[2])))
        except re.error as error:
            raise ParseError(f"{path.name} line {number}: {error}") from error
    return tuple(sectors)


class SectorReader:
    def __init__(self, path: Path = SECTORS):
        self.sectors = load_sectors(path)

    def said(self, text: str) -> frozenset[str]:
        """The sectors a caller places the matter in ("俺在厂里" → 企业); ``text`` is cleaned
        (knowledge.normalize.clean), as the search reads it."""
        return frozenset(name for name, said, _ in self.sectors if said.search(text))

    def marked(self, text: str) -> frozenset[str]:
        """The sectors a duty's sentence names as the ones it is for."""
        return frozenset(name for name, _, marked in self.sectors if marked.search(text))

    def of_matter(self, passage_text: str, matter_words: dict[str, float]) -> frozenset[str]:
        """The sectors of the passage's sentence that holds the most of the matter's words, by their
        weight (those of the sentences tied with it too); none when no sentence holds MATTER_WEIGHT.
        ``passage_text`` is cleaned, as the search holds it."""
        sentences = [s for s in _CLAUSE_END.split(passage_text) if s.strip()]
        held = [(sum(weight for w, weight in matter_words.items() if w in s), s) for s in sentences]
        best = max((n for n, _ in held), default=0.0)
        if best < MATTER_WEIGHT or best < MATTER_SHARE * sum(matter_words.values()):
            return frozenset()
        return frozenset().union(*(self.marked(s) for n, s in held if n == best))

    def conflict(self, said: frozenset[str], passage_text: str, matter_words: dict[str, float]) -> bool:
        """Whether the passage gives the matter to another sector than the one the caller said:
        its sentence on the matter names sectors, none of them the caller's."""
        if not said or not matter_words:
            return False
        marked = self.of_matter(passage_text, matter_words)
        return bool(marked) and not (marked & said)
