"""The band a figure a caller tells falls in ("考了五十几分", "打了92分"): the list's sentence of
that band ("考核得分在 60 分以下的，为…不合格单位"), said first with the figure, when the
answer's passage grades by bands of the figure's unit.
"""

from __future__ import annotations

import re

from ..numerals import number_in

# a score the caller tells: "92分", "五十几分", "九十多分" (the 几/多 of a round ten: the middle of its
# ten; the number written in the question, not asked: "多少分" has none)
# (a numeral of tens: "一分加班费不给" tells no score)
_TOLD = re.compile(r"(\d+|[一二两三四五六七八九]?[十百][一二三四五六七八九]?)\s*(几|多)?\s*分(?![钟之])")
# a score said to be under a figure: "不到60分", "没到60", "低于60分"; "60分以下", "60分往下"
_UNDER_BEFORE = re.compile(r"(不到|没到|没够|不够|不足|低于|未满|未达到|没达到|没过|不及)\s*$")
_UNDER_AFTER = re.compile(r"\s*(以下|往下|之下|不到)")
# the list's bands: "90 分以上的，为…", "60 分-90 分的，为…", "60 分以下的，为…"
_CLAUSE_SEPARATORS = ("；", ";", "，", ",", "。")
_BAND = re.compile(r"(\d+)\s*分\s*(以上|以下|[-—－~～至到]\s*(\d+)\s*分)的?[，,]\s*(为|是|评为|定为)([^；;。，,]+)")


def told_score(question: str) -> float | None:
    """The score a question tells; a score said to be under a figure ("不到60分", "60分以下") is
    just under it, one said to be over it ("90分以上") the figure itself."""
    m = _TOLD.search(question)
    if m is None or (value := number_in(m.group(1))) is None:
        return None
    if _UNDER_BEFORE.search(question[:m.start()]) or _UNDER_AFTER.match(question[m.end():]):
        return value - 0.5
    return value + 5 if m.group(2) and value % 10 == 0 else float(value)


def scores_told(question: str) -> int:
    """How many scores a question tells ("考过80分就算优秀，60分往下算不合格" tells two)."""
    return len(_TOLD.findall(question))


class BandComposer:
    def excerpt(self, question: str, text: str) -> str | None:
        """``text`` as quoted for the band of the score ``question`` tells: what leads to its bands,
        that band's clause only ("考核得分在 90 分以上的，为…优秀单位"), not the bands the score is
        not in, and what follows them; None when it tells no score or several, or ``text`` has no
        band that holds it."""
        if scores_told(question) != 1:
            return None  # (a check of several bands: "考过80分就算优秀，60分往下算不合格，是吧？")
        bands = list(_BAND.finditer(text))
        band = self._band(question, bands)
        if band is None:
            return None
        def clause_start(m: re.Match) -> int:
            return max(text.rfind(sep, 0, m.start()) for sep in _CLAUSE_SEPARATORS) + 1
        lead = text[:clause_start(bands[0])]
        gap = "" if band is bands[0] else "……"
        # (what follows the bands is every band's: "考核结果作为…资质认定、绩效奖励的依据")
        tail = text[bands[-1].end():].lstrip("；;。，, ")
        return f"{lead}{gap}{text[clause_start(band):band.end()].strip()}。{tail}"

    @staticmethod
    def _band(question: str, bands: list[re.Match]) -> re.Match | None:
        score = told_score(question)
        if score is None:
            return None
        for m in bands:
            low = int(m.group(1))
            if m.group(3):
                holds = low <= score <= int(m.group(3))
            else:
                holds = score >= low if m.group(2) == "以上" else score < low
            if holds:
                return m
        return None

    def lines(self, question: str, texts: list[str]) -> list[str]:
        """The band of the score ``question`` tells, from the first of ``texts`` that grades by
        score bands; [] when it tells none or no passage has bands that hold it."""
        for text in texts:
            if (m := self._band(question, list(_BAND.finditer(text)))) is not None:
                said = "".join(_TOLD.search(question).group(0).split())
                return [f"按清单，{said}属于：{m.group(0).strip()}。"]
        return []
