"""Boundaries with other departments (与相关部门的职责边界)."""

from __future__ import annotations

from ..aspects import without_asking
from ..normalize import clean, normalize_passage, tokens
from ..passages import Passage
from .base import Kit


class BoundaryComposer:
    def __init__(self, kit: Kit):
        self.kit = kit

    def lines(self, p: Passage, question: str | None = None) -> list[str]:
        """The row's department and share, the item's case, the other departments' shares (those
        the ``question`` concerns, when given) and the basis."""
        boundaries = self.kit.store.boundaries
        record = next(b for b in boundaries if b.id == p.record_id)
        others = [b for b in boundaries if b.number == record.number and b.id != record.id]
        if question is not None:
            others = [b for b in others if self._concerned(b, question, record.share)]
        text = [f"关于“{record.topic}”，{record.department}的职责是：{record.share}"]
        case = " ".join(next((b.case for b in boundaries if b.number == record.number and b.case), "").split())
        if case:
            text.append(f"案例：{case}")
        if others:
            text.append("相关部门分工：" + "；".join(f"{b.department}：{b.share[:40]}" for b in others))
        if record.legal_basis:
            text.append(f"依据：{record.legal_basis.splitlines()[0][:120]}")
        return text

    def _concerned(self, row, question: str, answered: str) -> bool:
        """Whether a department's share of an item concerns the question: the bureau's own (the
        question is asked of it), one the question names, or one whose share says a word of the
        list the question or the share answered says ("职业病诊断鉴定找谁" is not the 环保局's
        环境污染 row of the 职业病 item; the 地税局's 征收社会保险费 is the 财政局's 社会保险's)."""
        retriever = self.kit.retriever
        stem = row.department.removesuffix("局")
        if self.kit.is_the_bureau(row.department) or stem in question:
            return True

        def words(text: str) -> set[str]:
            return {t for t in tokens(normalize_passage(text), retriever.office_words) if retriever.names_a_thing(t)}

        # (the question's words, not the place it asks for: "该向哪个部门反映" names no 环保部门)
        asked = set(retriever.list_words(without_asking(clean(question))))
        return bool(words(row.share) & (asked | words(answered)))
