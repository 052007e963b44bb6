"""Boundaries with other departments (与相关部门的职责边界)."""

from __future__ import annotations

from ..passages import Passage
from .base import Kit


class BoundaryComposer:
    def __init__(self, kit: Kit):
        self.kit = kit

    def lines(self, p: Passage) -> list[str]:
        boundaries = self.kit.store.boundaries
        record = next(b for b in boundaries if b.id == p.record_id)
        others = [b for b in boundaries if b.number == record.number and b.id != record.id]
        text = [f"关于“{record.topic}”，{record.department}的职责是：{record.share}"]
        case = " ".join(next((b.case for b in boundaries if b.number == record.number and b.case), "").split())
        if case:
            text.append(f"案例：{case}")
        if others:
            text.append("相关部门分工：" + "；".join(f"{b.department}：{b.share[:40]}" for b in others))
        if record.legal_basis:
            text.append(f"依据：{record.legal_basis.splitlines()[0][:120]}")
        return text
