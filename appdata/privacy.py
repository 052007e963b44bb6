"""Mask personal numbers before a message is stored or logged.

Conversation logs keep what people asked, not who they are. Replaced by a placeholder:

* resident identity card numbers (18 digits, the last may be X, or the old 15-digit form);
* mainland mobile numbers (1[3-9] and 9 more digits, optionally +86);
* bank card numbers (12–19 digits, often written in groups of four);
* landline numbers: with an area code (``0310-1234567``, ``(0310)12345678``, ``031012345678``)
  or without (a bare 7- or 8-digit number), unless the run reads as an amount (``1200000元``,
  ``¥1200000``), a date (``20240315``) or a document number (``第1234567号``).

The bureau's own published numbers (the office phones and contact points in the knowledge base)
are never touched, with or without the area code, so a log line such as "农保中心电话7591916"
stays readable. Ticket references (``TS-20261127-0007``) are not personal and stay as they are.

Digits may be ASCII or full-width; groups may be separated by one space or dash, and the area
code may stand in (half- or full-width) brackets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

ID_MASK = "[身份证号]"
MOBILE_MASK = "[手机号]"
CARD_MASK = "[银行卡号]"
LANDLINE_MASK = "[电话号码]"
CONTACT_MASK = "[联系方式]"

# A run of digit groups (each at least 3 digits) joined by one space or dash, with an optional
# +86 prefix, an optional bracketed area code in front and an optional trailing X (identity
# cards). Not right after "TS-" (ticket references) or another digit.
_RUN = re.compile(
    r"(?<![\d])(?<!TS-)(?<!ts-)"
    r"(?:[+＋]?86[-\s]?)?"
    r"(?:[(（]0\d{2,3}[)）][-\s]?)?"
    r"\d{3,}(?:[-\s]\d{3,})*[XxＸｘ]?(?![\d])",
)
# What makes a bare 7-8 digit run an amount, a count or a document number rather than a phone.
_UNIT_AFTER = re.compile(r"\s?(?:元|块|圆|万|亿|千|百|角|分钱|人民币|美元|%|％|个|人|次|件|份|条|天|年|月|日|号(?!码))")
_UNIT_BEFORE = re.compile(r"(?:[¥￥$]|RMB|第)\s?$", re.IGNORECASE)


def _ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.digit(ch)) for ch in s if ch.isdigit())


def _is_date(digits: str) -> bool:
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


class Masker:
    """Replace personal numbers by placeholders; keep the numbers in ``keep`` readable."""

    def __init__(self, keep: Iterable[str] = ()) -> None:
        self.keep = {_ascii_digits(k) for k in keep if _ascii_digits(k)}

    def _kept(self, digits: str) -> bool:
        if digits in self.keep:
            return True
        # Published numbers written with the area code, e.g. 0310-7591916 or +86 310 7591916.
        if digits.startswith("86") and not digits.startswith("860"):
            digits = "0" + digits[2:]
        return digits.startswith("0") and len(digits) <= 12 and any(digits.endswith(k) for k in self.keep)

    def _replace(self, m: re.Match[str]) -> str:
        run = m.group(0)
        has_x = run[-1] in "XxＸｘ"
        digits = _ascii_digits(run)
        tail = run[-1] if has_x else ""
        if self._kept(digits):
            return run
        n = len(digits)
        if has_x and n == 17:
            return ID_MASK
        if n == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
            return MOBILE_MASK + tail
        if n == 13 and re.fullmatch(r"861[3-9]\d{9}", digits):
            return MOBILE_MASK + tail
        if n in (15, 18):
            return ID_MASK + tail
        # Area code (0 + 2-3 digits) and a 7-8 digit number; also +86 and the code without 0.
        if re.fullmatch(r"0\d{9,11}", digits) or re.fullmatch(r"86[1-9]\d{8,10}", digits):
            return LANDLINE_MASK + tail
        if 12 <= n <= 19:
            return CARD_MASK + tail
        if n in (7, 8) and not has_x and digits[0] != "0":
            text = m.string
            if (
                _is_date(digits)
                or _UNIT_AFTER.match(text, m.end())
                or _UNIT_BEFORE.search(text, 0, m.start())
            ):
                return run
            return LANDLINE_MASK
        return run

    def mask(self, text: str | None) -> str:
        if not text:
            return text or ""
        return _RUN.sub(self._replace, text)

    def redact(self, text: str | None, secrets: Iterable[str], placeholder: str) -> str:
        """Mask ``text`` and replace every occurrence of each of ``secrets`` (e.g. the contact
        details typed into the complaint form) by ``placeholder``."""
        out = text or ""
        for s in sorted({s.strip() for s in secrets if s and len(s.strip()) >= 2}, key=len, reverse=True):
            out = out.replace(s, placeholder)
        return self.mask(out)
