"""Items that span several paragraphs: a clause's numbered siblings, a service's parts.

A question that asks for the parts of something ("有哪些审批", "三春行动是哪三个") is answered
with every part of the unit the best passage belongs to, not with that one passage.
"""

from __future__ import annotations

import re

from ..numerals import CN_NUMBER, cn_to_int
from ..records import Clause
from ..store import KnowledgeStore

MAX_PARTS = 14
_MARKER_NUMBER = re.compile(r"[一二三四五六七八九十\d]+")
LEAD_CHARS = 60
# Parts shown whole while all of them together stay this short; longer units show each part's lead.
WHOLE_PARTS_CHARS = 700
_LEAD_END = re.compile(r"(?<=[。；;])")
# One part asked by its place: "头一步", "第三步", "第2个环节", "最后一步" (not "第一次": how often).
_PLACE = r"(?:步|个?步骤|个?环节|个?阶段|项|条)"
ORDINAL = re.compile(rf"(?:第|头)\s*(\d+|{CN_NUMBER})\s*{_PLACE}|(最后)一?\s*{_PLACE}")


def ordinal_asked(question: str) -> int | None:
    """The place of the one part a (cleaned) question asks for: 1 for "头一步", 3 for "第三步",
    -1 for "最后一步"; None when it asks for none."""
    m = ORDINAL.search(question)
    if m is None:
        return None
    if m.group(2):
        return -1
    n = int(m.group(1)) if m.group(1).isdigit() else cn_to_int(m.group(1))
    return n if n > 0 else None


def lead(text: str, limit: int = LEAD_CHARS) -> str:
    """A part's first sentence, shortened to ``limit`` characters."""
    first = _LEAD_END.split(text, maxsplit=1)[0].strip()
    if len(first) <= 16 and len(text) > len(first):
        # a short title sentence ("3、法制审核。"): keep what it says next too
        rest = _LEAD_END.split(text[len(first):].strip(), maxsplit=1)[0]
        first += rest
    return first if len(first) <= limit else first[:limit] + "……"


class ClauseGroups:
    """Clauses grouped by (system, section, subsection): the parts of one unit of the list."""

    def __init__(self, store: KnowledgeStore):
        self._groups: dict[tuple[str, str, str], list[Clause]] = {}
        for c in store.clauses:
            self._groups.setdefault((c.system_id, c.section, c.subsection), []).append(c)

    def siblings(self, clause: Clause) -> list[Clause]:
        """The numbered clauses of ``clause``'s group (with it), when there are at least two."""
        group = [c for c in self._groups.get((clause.system_id, clause.section, clause.subsection), [])
                 if c.marker and not c.parent_id]
        return group if len(group) >= 2 and clause in group else []

    def nth(self, clause: Clause, place: int) -> Clause | None:
        """The part at ``place`` (1-based; -1 the last) of ``clause``'s unit, or None."""
        group = self.siblings(clause)
        if not group or place == 0 or place > len(group):
            return None
        return group[place - 1] if place > 0 else group[-1]

    def lead_in(self, clause: Clause) -> Clause | None:
        """The unnumbered sentence that opens ``clause``'s unit ("…发现用人单位存在以下劳动保障违法
        行为的，进行立案调查："), when ``clause`` is one of its numbered parts."""
        if not clause.marker or clause.parent_id:
            return None
        group = self._groups.get((clause.system_id, clause.section, clause.subsection), [])
        first = group[0] if group else None
        return first if first is not None and not first.marker and first is not clause else None

    def opened_by(self, clause: Clause) -> list[Clause]:
        """The numbered parts an unnumbered sentence ending in a colon opens ("根据督查报告，作如下
        处理：" (一)… (二)…): what it says is said by them; [] for any other clause."""
        text = clause.text.rstrip()
        # (one sentence: a paragraph that states things before its colon says them itself)
        if clause.marker or clause.parent_id or not text.endswith(("：", ":")) or re.search(r"[。；;]", text):
            return []
        group = self._groups.get((clause.system_id, clause.section, clause.subsection), [])
        parts = [c for c in group if c.marker and not c.parent_id]
        if len(parts) < 2 or self.lead_in(parts[0]) is not clause:
            return []
        return self.top_level(parts)

    @staticmethod
    def top_level(parts: list[Clause]) -> list[Clause]:
        """The parts numbered as the first is: "1、2、…" under "（一）" are its details."""
        style = _MARKER_NUMBER.sub("N", parts[0].marker) if parts else ""
        return [c for c in parts if _MARKER_NUMBER.sub("N", c.marker) == style]

    @staticmethod
    def title(clause: Clause) -> str:
        heading = clause.subsection.split(" / ")[-1] if clause.subsection else clause.section
        return re.sub(r"^[（(]?[一二三四五六七八九十]+[）)、]\s*", "", heading) or clause.system_title
