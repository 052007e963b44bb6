"""Chinese numerals and money amounts as they are printed in the list."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4,
           "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
           "九": 9, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}

CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "".join(_BIG)
CN_NUMBER = f"[{CN_NUMERAL_CHARS}]+"


def cn_to_int(text: str) -> int:
    """Parse "二十五", "一万", "五千", "12", "1.5万" into an int. Raises ValueError otherwise."""
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万亿]?)", text)
    if m:
        return int(round(float(m.group(1)) * _BIG.get(m.group(2), 1)))
    total = section = digit = 0
    seen = False
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            seen = True
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
            seen = True
        elif ch in _BIG:
            total += (section + digit) * _BIG[ch]
            section = digit = 0
            seen = True
        else:
            raise ValueError(f"not a numeral: {text!r}")
    if not seen:
        raise ValueError(f"not a numeral: {text!r}")
    return total + section + digit


AMOUNT = rf"(?:\d+(?:\.\d+)?[万亿]?|{CN_NUMBER})"
_RANGE = re.compile(rf"(每人|每介绍一人)?[处以]*({AMOUNT})元以上({AMOUNT})元以下")
_SINGLE = re.compile(rf"(每介绍一人|每人)?处({AMOUNT})元(?:罚款)?")


def number_in(text: str) -> int | None:
    """A count written in digits or in Chinese numerals ("60", "六十"), or None when it is neither."""
    try:
        return int(text) if text.isdigit() else cn_to_int(text)
    except ValueError:
        return None


def parse_fine(text: str) -> tuple[int, int, bool] | None:
    """The first fine in a penalty text as (min yuan, max yuan, per_person)."""
    m = _RANGE.search(text)
    if m:
        per_person = bool(m.group(1)) or "每人" in text[max(0, m.start() - 6): m.start() + 4]
        return cn_to_int(m.group(2)), cn_to_int(m.group(3)), per_person
    m = _SINGLE.search(text)
    if m:
        value = cn_to_int(m.group(2))
        per_person = bool(m.group(1)) or "每介绍一人" in text or "每人" in text
        return value, value, per_person
    return None


def format_yuan(amount: int) -> str:
    """10000 -> "10000 元（1 万元）" style is too chatty; keep digits with a thousands-free form."""
    return f"{amount} 元"
