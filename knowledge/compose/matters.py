"""One question asked of several matters told before it.

"俺娘在村里交的城乡居民养老，还有俺自己在厂里受伤要办工伤，这俩分别打哪个电话？" asks one thing
(the number) of two matters; the message holds one question mark, so it is not split like
"…几个人？能录音吗？". Its last clause asks of "这俩" / "两个…都" / "分别": each matter before it is
asked that question on its own ("俺娘在村里交的城乡居民养老，打哪个电话").
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The clause that asks of the matters told before it together: "这俩", "这两个", "两个电话",
# "分别", "各自" — not "俩月", "俺俩", "两个孩子" (a count in a story), nor "哪两个部门" (one question).
OF_SEVERAL = re.compile(r"这(俩|两个|两样|两件|几个)|(?<!哪)(两|俩|几)个(电话|号码|号|部门|单位|地方|科室|科)|分别|各自|各是")
ALL_OF = re.compile(OF_SEVERAL.pattern + "|都")
# Those words themselves, dropped from the question each matter is asked ("电话告诉我呗").
SEVERAL_WORDS = re.compile(r"这(俩|两个|两样|两件|几个)|(两|俩|几)个(?=电话|号码|号|部门|单位|地方|科室|科)|分别|各自|各|都")
# Where a message ends one clause: a comma, a full stop or a space between Chinese words.
CLAUSE_END = re.compile(r"[，,。；;！!]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# A clause opening another matter ("还有俺自己…", "另外还想问问…").
ANOTHER = re.compile(r"^(还有|另外|以及|再就是|再一个|再有)(还)?(想)?(问问|问一下|问下)?")
MAX_MATTERS = 3


def matters_asked(message: str, names_a_matter: Callable[[str], bool]) -> list[str]:
    """The questions, one per matter, of a message that asks one thing of several matters told
    before it; [] otherwise. ``names_a_matter``: whether a clause names a matter of the list."""
    clauses = [c.strip() for c in CLAUSE_END.split(message.strip(" ？?")) if c.strip()]
    # with a clause that opens another matter, "都" asks of all ("…电话 还有…的电话 都发我下")
    several = OF_SEVERAL if not any(ANOTHER.match(c) for c in clauses) else ALL_OF
    asks_at = next((i for i in range(len(clauses) - 1, 1, -1) if several.search(clauses[i])), None)
    if asks_at is None:
        return []
    question = SEVERAL_WORDS.sub("", clauses[asks_at]).strip()
    matters: list[str] = []
    for clause in clauses[:asks_at]:
        told = ANOTHER.sub("", clause) or clause
        if matters and (ANOTHER.match(clause) or names_a_matter(told)) and names_a_matter(matters[-1]):
            matters.append(told)  # another matter ("还有俺自己…工伤")
        elif matters:
            matters[-1] += "，" + told  # the matter told goes on ("俺娘在村里，交的是…")
        else:
            matters.append(told)
    matters = [m for m in matters if names_a_matter(m)]
    if not 2 <= len(matters) <= MAX_MATTERS:
        return []
    return [f"{m}，{question}" if question else m for m in matters]
