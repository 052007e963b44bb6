"""Phone numbers as lists print them: one pattern for the parser and the passages.

A list may print a landline bare (``7523309``), with its area code (``0310-7523309``,
``（0310）7523309``, full-width digits or dash), or a mobile number (``13812345678``). A number
is kept as one string in the form ``0310-7523309`` (bracketed area codes and full-width
characters written the usual way); several numbers of one office are joined by ``、``, the
separator passages and answers already use.
"""

from __future__ import annotations

import re
import unicodedata

# Mobile first: otherwise its first 7-8 digits would read as a landline.
PHONE = re.compile(
    r"(?<![\d\-－])"
    r"(?:1[3-9]\d{9}"
    r"|(?:[（(]\s*0\d{2,3}\s*[）)]\s*|0\d{2,3}(?:\s*[-－—‐]\s*|[ \u3000]+))?\d{7,8})"
    r"(?!\d)"
)
SEPARATOR = "、"
# Full-width digits and dash as ASCII, one character for one, so match positions still hold.
_ASCII = str.maketrans("０１２３４５６７８９－", "0123456789-")
_AREA_IN_BRACKETS = re.compile(r"^[（(]\s*(0\d{2,3})\s*[）)]\s*")
_DASH = re.compile(r"\s*[-－—‐]\s*|[ \u3000]+")


def normalize_phone(raw: str) -> str:
    """``（０３１０）７５２３３０９`` → ``0310-7523309``; a bare number stays as it is."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _AREA_IN_BRACKETS.sub(r"\1-", text)
    return _DASH.sub("-", text)


def phone_matches(text: str) -> list[re.Match[str]]:
    """The phone numbers in ``text`` (full-width digits too); spans are ``text``'s."""
    return list(PHONE.finditer(text.translate(_ASCII)))


def find_phones(text: str) -> list[str]:
    """Every phone number in ``text``, normalised, in order (repeats dropped)."""
    out: list[str] = []
    for m in phone_matches(text):
        phone = normalize_phone(m.group(0))
        if phone not in out:
            out.append(phone)
    return out


def join_phones(phones: list[str]) -> str:
    return SEPARATOR.join(dict.fromkeys(p for p in phones if p))


def split_phones(phone: str | None) -> list[str]:
    """The numbers of a joined phone string (``"7523309、13812345678"`` → both)."""
    return [p.strip() for p in (phone or "").split(SEPARATOR) if p.strip()]


def same_number(printed: str, said: str) -> bool:
    """Whether a number said is one printed, with or without its area code ("7523309" is
    "0310-7523309")."""
    a, b = printed.replace("-", ""), said.replace("-", "")
    return a.endswith(b) or b.endswith(a)
