"""A number of workers told ("俺们厂才五六个人", "扩大到25个工人") against the head counts the list's
clauses apply from ("…下达至各乡镇 3 人以上用人单位", "对…用工 20 人以上单位建立联系人制度"): the
clause whose threshold the count meets, the highest such, answers whether and what applies."""

from __future__ import annotations

import re

from ..normalize import clean
from ..numerals import CN_NUMBER, cn_to_int
from ..question_forms import kind_of
from ..retrieval import SearchHit
from .base import Kit

# "N 人以上" in a clause: a rule that applies from N people on
APPLIES_FROM = re.compile(r"(\d+)\s*人以上")
# a workforce told: a count of people an employer has or takes on ("雇了5个人", "才五六个人",
# "扩大到25个工人"), not people placed or fined ("介绍了4个")
_COUNT = rf"(\d+|{CN_NUMBER})\s*(?:来)?\s*(?:个|名)?\s*(?:人|工人|员工|职工|伙计)"
WORKFORCE = re.compile(rf"(?:雇|招|用工|扩大到|增加到|发展到)了?\s*{_COUNT}"
                       rf"|(?:厂|公司|单位|作坊|店|企业)[里子]?[^，,。？?！!]{{0,3}}?(?:才|就|有|一共|总共|共)\s*{_COUNT}")
# How far below the best passage the clause with the threshold may score and still answer.
THRESHOLD_MARGIN = 0.15


def workforce(question: str) -> int | None:
    """The number of workers the question tells, the smaller of a range ("五六个人": 5); the last
    told (a follow-up read with its topic changes it: "…雇了5个人… 那要是扩大到25个工人呢"); None."""
    m = next(reversed(list(WORKFORCE.finditer(question))), None)
    if m is None:
        return None
    said = m.group(1) or m.group(2)
    if not said.isdigit() and len(said) == 2 and said[0] != said[1] and "十" not in said:
        said = said[0]  # "五六": five or six
    try:
        return cn_to_int(said)
    except ValueError:
        return None


class ThresholdClause:
    """The clause a workforce told is answered by (see the module's doc)."""

    def __init__(self, kit: Kit):
        self.kit = kit
        self.applies_from = {p.id: int(m.group(1)) for p in kit.store.passages
                             if p.kind == "clause" and (m := APPLIES_FROM.search(p.text))}

    def find(self, question: str, hits: list[SearchHit]) -> SearchHit | None:
        """The clause whose head-count threshold the workforce told meets (the highest of them),
        when it scores within THRESHOLD_MARGIN of the best passage; None otherwise."""
        count = workforce(question)
        if count is None or not hits or not self.applies_from:
            return None
        met = frozenset(pid for pid, n in self.applies_from.items() if n <= count)
        if not met:
            return None
        found = self.kit.retriever.search(question, k=len(met), only=met)
        if not found:
            return None
        best = max(found, key=lambda h: (self.applies_from[h.id], h.score))
        if hits[0].score - best.score > THRESHOLD_MARGIN:
            return None
        if self._office_of_another_matter(question, best):
            return None
        best.found = best.found or hits[0].found
        return best

    def _office_of_another_matter(self, question: str, clause: SearchHit) -> bool:
        """Whether the question asks which office handles a matter of its own that the clause does
        not speak of ("俺们厂有二十个工人，签劳动合同的事找哪个科": the office for contracts, not the
        contact system for employers of 20 and more): the head count is only told."""
        cleaned = clean(question)
        if kind_of(cleaned) != "ask_office":
            return False
        retriever = self.kit.retriever
        told = WORKFORCE.sub(" ", cleaned)
        named = set(retriever.list_words(told, said_only=True))
        return bool(named) and not named & retriever.words_of([clause.id])

