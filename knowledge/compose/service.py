"""Public services (公共服务事项): the whole item with its time and offices."""

from __future__ import annotations

import re

from ..passages import Passage
from .base import Kit

# A part's own name in an item of named parts: 1.…“春雷行动”。
QUOTED_NAME = re.compile(r"“([^”]{2,12})”")
# A service item is composed whole when it is this short; a longer one shows the part found.
WHOLE_ITEM_CHARS = 700


class ServiceComposer:
    def __init__(self, kit: Kit):
        self.kit = kit
        self.by_id = {s.id: s for s in kit.store.services}

    def lines(self, p: Passage, question: str = "") -> tuple[list[str], str]:
        """Answer lines and the citation for the service passage ``p``; of an item of named parts,
        the part ``question`` names alone ("春雷行动是弄啥的" of the three spring campaigns)."""
        record = self.by_id[p.record_id]
        paragraphs = [x.strip() for x in record.content.split("\n") if x.strip()]
        whole = len(record.content) <= WHOLE_ITEM_CHARS
        # (a part is named by its own name, the first it quotes: "春雷行动", not the "黑中介" it fights)
        named = [x for x in paragraphs if (title := QUOTED_NAME.search(x)) and title.group(1) in question]
        if len(paragraphs) > 1 and len(named) == 1:
            body, citation = named[0], record.citation
        elif whole or len(paragraphs) == 1:
            body, citation = "\n".join(paragraphs), record.citation
        else:
            body, citation = p.text.removeprefix(f"{record.item}："), p.citation
        lines = [f"{record.item}：", body, f"活动时间：{record.time or '清单未载明'}。",
                 self.kit.office_line(p.office, p.phone)]
        return [x for x in lines if x], citation
