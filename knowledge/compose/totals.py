"""Totals a caller works out from the list's figures ("加起来最长多少个工作日", "一年算下来最少
巡查多少次", "一年开了6个班，加起来至少督查多少次"): the sum of a time limit and its extension,
a minimum per month, quarter or class times the months, quarters or classes asked about. Each
total is said with the figures it is made of; the list's sentence is quoted below it as usual.
"""

from __future__ import annotations

import re

from ..numerals import CN_NUMBER, number_in

# A question that asks for a total.
TOTAL_CUE = re.compile(r"加起来|一共|总共|合计|累计|算下来|总计|前后|最长")
_NUMBER = rf"(\d+|{CN_NUMBER})"
# "60 个工作日内完成…可以延长 30 个工作日"
_LIMIT = re.compile(rf"{_NUMBER}\s*个?\s*(工作日|日|天)")
_EXTENSION = re.compile(rf"延长\s*{_NUMBER}\s*个?\s*(工作日|日|天)")
# "每月不少于 2 次", "每班次不少于 2 次"
_PER = re.compile(rf"每\s*(月|季度|季|周|半年|年|班次|班|期)\s*(?:不少于|至少|不低于)?\s*{_NUMBER}\s*次")
# how many periods of the list's unit a year holds
_PER_YEAR = {"月": 12, "季度": 4, "季": 4, "周": 52, "半年": 2, "年": 1}
# how many classes (or other counted units) the question says: "开了6个班"
_CLASSES = re.compile(rf"{_NUMBER}\s*个?\s*(班|期)")
_YEAR = re.compile(r"一年|全年|每年|年度")


class TotalComposer:
    def lines(self, question: str, texts: list[str]) -> list[str]:
        """The total ``question`` asks for, from the first of the answer's passages ``texts``
        that gives its figures (a count of classes said asks for the per-class minimum)."""
        if not TOTAL_CUE.search(question):
            return []
        for find in (self._time_limit, self._per_class, self._per_year):
            for text in texts:
                if found := find(question, text):
                    return found
        return []

    @staticmethod
    def _time_limit(question: str, text: str) -> list[str]:
        extension = _EXTENSION.search(text)
        if extension is None or not re.search(r"工作日|天|日|多久|多长|期限", question):
            return []
        base = next((m for m in _LIMIT.finditer(text) if m.start() < extension.start()), None)
        if base is None or base.group(2) != extension.group(2):
            return []
        a, b = number_in(base.group(1)), number_in(extension.group(1))
        if a is None or b is None:
            return []
        unit = base.group(2)
        return [f"合计：最长 {a} + {b} = {a + b} 个{unit}（{a} 个{unit}，延长 {b} 个{unit}）。"]

    @staticmethod
    def _per_class(question: str, text: str) -> list[str]:
        classes = _CLASSES.search(question)
        count = number_in(classes.group(1)) if classes else None
        per = next((m for m in _PER.finditer(text) if m.group(1) in ("班次", "班", "期")), None)
        times = number_in(per.group(2)) if per else None
        if not count or not times:
            return []
        return [f"合计：{count} 个班 × 每班次不少于 {times} 次 = 至少 {count * times} 次。"]

    @staticmethod
    def _per_year(question: str, text: str) -> list[str]:
        if not _YEAR.search(question):
            return []
        per = next((m for m in _PER.finditer(text) if _PER_YEAR.get(m.group(1), 1) > 1), None)
        times = number_in(per.group(2)) if per else None
        if not times:
            return []
        unit = per.group(1)
        periods = _PER_YEAR[unit]
        return [f"合计：一年 {periods} 个{unit} × 每{unit}不少于 {times} 次 = 至少 {periods * times} 次。"]
