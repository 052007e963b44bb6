"""Who the assistant speaks for: the county and the bureau, as the list itself names them.

Derived from the list when the store is built — the bureau from the seal line
("部门名称（盖章）：…") or else the title, its short name from a shorter seal or the usual
abbreviation, the county from the front of the bureau's name, the general phone as the number
most offices share — and kept in the store's meta. Settings (``JIZE_COUNTY``,
``JIZE_BUREAU_NAME``, ``JIZE_BUREAU_SHORT_NAME``, ``JIZE_GENERAL_PHONE``) override it when the
store is read, so changing one needs no rebuild.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, replace

from .phones import split_phones
from .records import Office

# Spellings of the bureau's own name and its short form.
_BUREAU_WORDS = ("人力资源和社会保障局", "人力资源社会保障局", "人力资源与社会保障局")
SHORT_BUREAU = "人社局"
# "某市某县" in front of the bureau's name; else the last administrative unit.
_PLACE = re.compile(r"^(.+?)(?:人力资源|人社)")
_UNIT = re.compile(r"^(.*?[省市县区旗])")
META_KEYS = ("county", "bureau", "short_name", "general_phone", "title")


class IdentityError(ValueError):
    """The list names no bureau (no title before 责任清单 and no seal line)."""


@dataclass(frozen=True)
class Identity:
    county: str  # e.g. 某县 ("" when the name has no place in front)
    bureau: str  # full name, e.g. 某县人力资源和社会保障局
    short_name: str  # e.g. 某县人社局
    general_phone: str  # the number most offices share ("" if none)
    title: str  # the list's title, e.g. 某县人力资源和社会保障局责任清单

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def with_overrides(self, *, county: str = "", bureau: str = "", short_name: str = "",
                       general_phone: str = "") -> Identity:
        """Settings win over the list; a new county alone renames both names of the bureau."""
        out = self
        if county and county != self.county:
            renamed = {k: _swap_place(getattr(self, k), self.county, county) for k in ("bureau", "short_name", "title")}
            out = replace(out, county=county, **renamed)
        if bureau:
            out = replace(out, bureau=bureau, short_name=short_name or shorten(bureau),
                          county=county or place_of(bureau) or out.county, title=out.title.replace(out.bureau, bureau))
        if short_name:
            out = replace(out, short_name=short_name)
        if general_phone:
            out = replace(out, general_phone=general_phone)
        return out


def _swap_place(name: str, old: str, new: str) -> str:
    """The name with the county in front replaced (or put in front when it had none)."""
    if old and name.startswith(old):
        return new + name[len(old):]
    return name if old else new + name


def place_of(bureau: str) -> str:
    """"某县人力资源和社会保障局" → "某县"."""
    m = _PLACE.match(bureau) or _UNIT.match(bureau)
    return m.group(1) if m else ""


def shorten(bureau: str) -> str:
    """"某县人力资源和社会保障局" → "某县人社局" (a name without the usual words stays)."""
    for words in _BUREAU_WORDS:
        if words in bureau:
            return bureau.replace(words, SHORT_BUREAU)
    return bureau


def general_phone_of(offices: list[Office]) -> str:
    """The number most offices share (an office counts once per number; ties: the first office's)."""
    counts: Counter[str] = Counter()
    for office in offices:
        counts.update(dict.fromkeys(split_phones(office.phone), 1))
    return counts.most_common(1)[0][0] if counts else ""


def derive_identity(title: str, seals: list[str], offices: list[Office]) -> Identity:
    """The identity a list gives itself (see the module docstring)."""
    from_title = title.strip().replace("责任清单", "").strip()
    counts = Counter(s for s in seals if s)
    # The name the bureau signs with most often is its full name; the title if it never signs.
    bureau = max(counts, key=lambda s: (counts[s], len(s))) if counts else from_title
    if not bureau:
        raise IdentityError(f"the list names no bureau (title {title[:40]!r}, no seal line)")
    county = place_of(bureau)
    # A shorter seal of the same bureau ("某县人社局") is how it shortens its own name.
    shorter = [s for s in counts if s != bureau and len(s) < len(bureau) and s.startswith(county)
               and s.endswith("局") and county]
    short_name = min(shorter, key=len) if shorter else shorten(bureau)
    return Identity(county, bureau, short_name, general_phone_of(offices), title.strip())


def identity_meta(identity: Identity) -> list[dict[str, str]]:
    """Rows for the store's meta table."""
    return [{"key": k, "value": getattr(identity, k)} for k in META_KEYS]


def identity_from_meta(meta: dict[str, str], offices: list[Office]) -> Identity:
    """The identity a store was built with; a store from before identities derives it again."""
    if all(k in meta for k in META_KEYS):
        return Identity(*(meta[k] for k in META_KEYS))
    return derive_identity(meta.get("title", ""), [meta["bureau"]] if meta.get("bureau") else [], offices)
