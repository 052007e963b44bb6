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


# A document pointed at ("这个文书", "那张表", "你说的那个通知书") and a document a passage names
# ("《社会保险实地稽核通知书》", "下达监督意见书"), without the verb that hands it over.
POINTED_DOCUMENT = re.compile(r"(这个|那个|这份|那份|这张|那张|该)(文书|文件|表格?|单子|通知书?|意见书|决定书|告知书)")
DOCUMENT_NAME = re.compile(r"《([^》]{2,40})》|([\u4e00-\u9fff]{2,12}(?:通知书|意见书|决定书|告知书|登记单|审批表|报批表|标准表))")
DOCUMENT_VERB = re.compile(r"^(下达|制作|填写|送达|发出|出具|签发|下发|发放|填报|报送|发|填|写|报)")

# A question for the stages of a procedure ("从立案到结案一共要走哪几个阶段"), and how much of a
# stage that is a numbered clause is said.
STAGES_ASKED = re.compile(r"(哪几个|哪些|几个|多少个?|都有啥|都有什么)(阶段|环节)|(阶段|环节)(有|都有)?(哪些|哪几个|几个)")
STAGE_LEAD_CHARS = 12
STAGE_WORD = re.compile(r"阶段|环节|步骤|程序")

# "下一步干啥", "然后呢", "批准以后呢", "调查完了呢": the step after the one the conversation is at
NEXT_STEP = re.compile(r"下一(步|个?步骤|个?环节|个?阶段)|接下来|然后(呢|干啥|是啥|咋办|怎么办|怎么走|咋走)|"
                       r"再往(后|下|上)|(之后|以后|后面)(先)?(是)?(谁|呢|干啥|是啥|咋办|怎么办|还有啥)|"
                       r"(?<![不没])(完|完了|结束了?)(以后|之后)?(呢|干啥|是啥|咋办|怎么办)")

# "还有哪些情况会被立案？", "还有别的吗", "其他的呢" after one part of a numbered unit: the rest of it
REST_OF_UNIT = re.compile(r"^(那|那么)?(另外|此外)?还有(别的|其他|其它|哪些|啥|什么|几种|几个|没有别的|呢)|"
                          r"^(那|那么)?(其他|其它|别的)的?(呢|还有|有哪些|有啥|都是啥|都有啥)|"
                          r"^(那|那么)?另外(那)?(俩|两个|仨|三个|几个|几项|的)(呢|是啥|是什么|都是啥|都是什么|干啥|管啥)|"
                          r"除了(这|那)(个|些|条|项|种|一条|一项|一种)?(以外|之外)?[，,]?(还有|另外还有)")


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

    def _section(self, clause: Clause) -> list[Clause]:
        """The clauses of ``clause``'s section (every subsection), in the list's order."""
        return sorted((c for key, cs in self._groups.items() if key[:2] == (clause.system_id, clause.section)
                       for c in cs if not c.parent_id), key=lambda c: c.line)

    def next_step(self, clause: Clause) -> Clause | None:
        """The clause that follows ``clause`` in its section ("3、批准" of the filing stage →
        "（二）调查阶段"): the list's order is the order of a procedure; None at the section's end."""
        group = self._section(clause)
        at = next((i for i, c in enumerate(group) if c.id == clause.id), None)
        return group[at + 1] if at is not None and at + 1 < len(group) else None

    def stages(self, clause: Clause) -> list[tuple[str, Clause]]:
        """The stages of ``clause``'s section, in the list's order: each subsection by its heading
        and each numbered clause of the section itself ("（四）决定阶段。…"), with the clause that
        begins it; [] when the section has fewer than two subsections or names no stages (it is no
        procedure of stages)."""
        section = self._section(clause)
        if len({c.subsection for c in section if c.subsection}) < 2:
            return []
        stages: list[tuple[str, Clause]] = []
        seen: set[str] = set()
        for c in section:
            if c.subsection:
                heading = c.subsection.split(" / ")[0]
                if heading not in seen:
                    seen.add(heading)
                    stages.append((heading, c))
            elif c.marker:
                # ("（四）决定阶段。告知当事人…": its name, the sentence before the first full stop)
                name = re.split(r"[。；;]", c.text, maxsplit=1)[0]
                stages.append((name if len(name) <= STAGE_LEAD_CHARS else lead(c.text, STAGE_LEAD_CHARS), c))
        # (a section of stages names them so: "立案阶段", "调查阶段"; "监督检查内容" is no stage)
        return stages if sum(1 for name, _ in stages if STAGE_WORD.search(name)) >= 2 else []

    def lead_in(self, clause: Clause) -> Clause | None:
        """The unnumbered sentence that opens ``clause``'s unit ("…发现用人单位存在以下劳动保障违法
        行为的，进行立案调查："), when ``clause`` is one of its numbered parts."""
        if not clause.marker or clause.parent_id:
            return None
        group = self._groups.get((clause.system_id, clause.section, clause.subsection), [])
        first = group[0] if group else None
        return first if first is not None and not first.marker and first is not clause else None

    def opened_by(self, clause: Clause, whole_paragraph: bool = False) -> list[Clause]:
        """The numbered parts an unnumbered sentence ending in a colon opens ("根据督查报告，作如下
        处理：" (一)… (二)…): what it says is said by them; [] for any other clause.
        ``whole_paragraph``: also those a paragraph that states things before its colon opens
        ("…取消其培训资质。依据…有下列情形之一的，…可取消培训资格：" 1、2、…)."""
        text = clause.text.rstrip()
        # (one sentence: a paragraph that states things before its colon says them itself)
        if (clause.marker or clause.parent_id or not text.endswith(("：", ":"))
                or (not whole_paragraph and re.search(r"[。；;]", text))):
            return []
        group = self._groups.get((clause.system_id, clause.section, clause.subsection), [])
        parts = [c for c in group if c.marker and not c.parent_id]
        if len(parts) >= 2 and self.lead_in(parts[0]) is clause:
            return self.top_level(parts)
        # a sentence inside a unit ("（一）…下达监督意见书。" "监督意见书主要包括下列内容：" 1、2、3、4、):
        # the numbered clauses right after it, of one style, are its parts
        at = next((i for i, c in enumerate(group) if c is clause), None)
        after = group[at + 1:] if at is not None else []
        style = _MARKER_NUMBER.sub("N", after[0].marker) if after and after[0].marker else ""
        opened: list[Clause] = []
        for c in after:
            if c.parent_id:
                continue
            if not c.marker or _MARKER_NUMBER.sub("N", c.marker) != style:
                break
            opened.append(c)
        return opened if len(opened) >= 2 else []

    @staticmethod
    def top_level(parts: list[Clause]) -> list[Clause]:
        """The parts numbered as the first is: "1、2、…" under "（一）" are its details."""
        style = _MARKER_NUMBER.sub("N", parts[0].marker) if parts else ""
        return [c for c in parts if _MARKER_NUMBER.sub("N", c.marker) == style]

    @staticmethod
    def title(clause: Clause) -> str:
        heading = clause.subsection.split(" / ")[-1] if clause.subsection else clause.section
        return re.sub(r"^[（(]?[一二三四五六七八九十]+[）)、]\s*", "", heading) or clause.system_title
