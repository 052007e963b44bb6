"""Turn the dialogue's replies into WeChat text: at most 2,048 bytes, buttons as numbers.

A passive reply (and a customer-service text) carries at most 2,048 bytes of UTF-8. A longer
answer is cut at the last sentence end that fits, keeps its citation lines (``出处…``) and the
numbered choices, and ends with :data:`MORE_HINT`; the rest is kept for "全文". Buttons
become "回复数字：" and one numbered line each, since a WeChat text has no buttons.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 2048
MORE_HINT = "回复“全文”查看完整回答"
MORE_WORDS = frozenset({"全文", "查看全文", "看全文"})
CITATION_PREFIX = "出处"
ELLIPSIS = "……"
SENTENCE_ENDS = "\n。！？；!?;"
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、]?\s*$")


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


@dataclass
class Outgoing:
    """A text to send. ``choices`` None leaves the remembered choices as they are; a dialogue
    answer always replaces them (and the remembered rest)."""

    body: str
    citations: tuple[str, ...] = ()
    choices: tuple[Choice, ...] | None = None
    dialogue: bool = False


@dataclass
class Rendered:
    text: str
    rest: str | None = None  # body still to send on "全文"
    citations: tuple[str, ...] = field(default_factory=tuple)


def from_replies(replies: list[dict[str, Any]]) -> Outgoing:
    """One WeChat text from the dialogue's replies (the REST channel split them on blank lines)."""
    body = "\n\n".join(str(r.get("text") or "").strip() for r in replies if str(r.get("text") or "").strip())
    seen: set[str] = set()
    choices: list[Choice] = []
    for r in replies:
        for b in r.get("buttons") or []:
            title, payload = str(b.get("title") or "").strip(), str(b.get("payload") or "").strip()
            if title and (payload or title) not in seen:
                seen.add(payload or title)
                choices.append(Choice(title, payload or title))
    return Outgoing(body=body, choices=tuple(choices), dialogue=True)


def choices_block(choices: tuple[Choice, ...] | None) -> str:
    if not choices:
        return ""
    return "回复数字：\n" + "\n".join(f"{i}. {c.title}" for i, c in enumerate(choices, 1))


def choice_number(text: str) -> int | None:
    """``"2"``, ``"２"`` or ``"2."`` → 2; anything else None."""
    folded = unicodedata.normalize("NFKC", text)
    m = _NUMBER.match(folded)
    return int(m.group(1)) if m else None


def asks_for_more(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip(" 。.!！") in MORE_WORDS


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _prefix_within(text: str, budget: int) -> str:
    """The longest prefix of whole characters whose UTF-8 fits in ``budget`` bytes."""
    encoded = text.encode("utf-8")[: max(budget, 0)]
    return encoded.decode("utf-8", errors="ignore")


def split_citations(body: str) -> tuple[str, tuple[str, ...]]:
    lines = body.split("\n")
    cites = tuple(ln.strip() for ln in lines if ln.strip().startswith(CITATION_PREFIX))
    rest = "\n".join(ln for ln in lines if not ln.strip().startswith(CITATION_PREFIX))
    return re.sub(r"\n{3,}", "\n\n", rest).strip(), cites


def cut(body: str, budget: int) -> tuple[str, str]:
    """(head, rest): the head ends at the last sentence end within ``budget`` bytes (with an
    ellipsis when no sentence ends in its last two thirds)."""
    prefix = _prefix_within(body, budget)
    if len(prefix) >= len(body):
        return body, ""
    end = max(prefix.rfind(ch) for ch in SENTENCE_ENDS)
    if end + 1 >= len(prefix) // 3 and end >= 0:
        return prefix[: end + 1].rstrip(), body[end + 1 :].strip()
    short = _prefix_within(prefix, budget - _bytes(ELLIPSIS))
    return short + ELLIPSIS, body[len(short) :].strip()


def _dedupe(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def render(out: Outgoing, limit: int = MAX_BYTES) -> Rendered:
    """The text to send now (≤ ``limit`` bytes) and what is left for "全文"."""
    block = choices_block(out.choices)
    whole = "\n".join(p for p in (out.body, *out.citations) if p)
    if block:
        whole = f"{whole}\n\n{block}" if whole else f"请选择：\n{block}"
    if _bytes(whole) <= limit:
        return Rendered(whole)

    body, found = split_citations(out.body)
    cites = _dedupe((*out.citations, *found))
    # The citations and the choices go with every part; if they alone are too long (they never
    # are for this list), they are shortened too.
    tail_budget = limit // 2
    tail = "\n".join(cites)
    if _bytes(tail) > tail_budget:
        tail = _prefix_within(tail, tail_budget - _bytes(ELLIPSIS)) + ELLIPSIS
    if block and _bytes(tail) + _bytes(block) > tail_budget:
        block = _prefix_within(block, max(tail_budget - _bytes(tail), 0))
    suffix = "\n" + "\n".join(p for p in (tail, block, MORE_HINT) if p)
    head, rest = cut(body, limit - _bytes(suffix))
    if not rest:  # the body fits once the citations are gathered at the end
        return Rendered("\n".join(p for p in (head, tail, block) if p), None, cites)
    return Rendered(head + suffix, rest, cites)
