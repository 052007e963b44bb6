"""Input clean-up shared by the routes (full-width folding etc. is the knowledge layer's job)."""

from __future__ import annotations

import re
import secrets
import unicodedata

SENDER_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
_WS = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop control, format and surrogate characters, fold runs of white space, strip."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            out.append(" " if ch in "\t\n\r\x0b\x0c" else "")
        elif cat in ("Cf", "Cs", "Co", "Cn") and ch not in "\u200d":
            continue
        else:
            out.append(ch)
    return _WS.sub(" ", "".join(out)).strip()


def new_sender_id() -> str:
    return "web-" + secrets.token_hex(12)
