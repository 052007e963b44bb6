"""Offices (科室) and the names people use for them.

Canonical names come from the duty table; aliases come from a data file
(``resources/office_aliases.tsv``) and from spelling variants in the list itself
(the same characters in another order, e.g. 劳动监察保障大队 / 劳动保障监察大队).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .records import Contact, Duty, Office, Service

ALIASES_FILE = Path(__file__).resolve().parent / "resources" / "office_aliases.tsv"


def load_alias_table(path: Path = ALIASES_FILE) -> list[list[str]]:
    """Groups of names that mean one office; any name of a group may be the canonical one."""
    groups: list[list[str]] = []
    if not path.exists():
        return groups
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        names = [n.strip() for part in line.split("\t") for n in part.split(",") if n.strip()]
        groups.append(names)
    return groups


# The unit words a short name keeps, with how many characters before them ("综合执法大队" → 执法大队).
SHORT_NAME = re.compile(r"([\u4e00-\u9fff]{2}(?:大队|支队))$|([\u4e00-\u9fff]{2}院)$")


def _short_name(name: str) -> str | None:
    """The last words of a long office name that people call it by: a brigade's or an institute's."""
    m = SHORT_NAME.search(name)
    short = m.group(0) if m else None
    return short if short and len(name) > len(short) + 1 else None


def build_offices(duties: list[Duty], services: list[Service], alias_path: Path = ALIASES_FILE) -> list[Office]:
    seen: Counter[str] = Counter()
    phones: dict[str, Counter[str]] = {}
    owned: dict[str, list[str]] = {}

    def note(contact: Contact, duty_id: str | None) -> None:
        seen[contact.office] += 1
        if contact.phone:
            phones.setdefault(contact.office, Counter())[contact.phone] += 1
        if duty_id:
            owned.setdefault(contact.office, []).append(duty_id)

    for duty in duties:
        for contact in duty.contacts:
            note(contact, duty.id)
    for service in services:
        for contact in service.contacts:
            note(contact, None)

    # Union names printed in the list that are anagrams of each other, or share an alias group.
    groups = load_alias_table(alias_path)
    canonical: dict[str, str] = {}
    for name, _ in seen.most_common():
        key = next((c for c in canonical.values() if sorted(c) == sorted(name)), None)
        if key is None:
            for group in groups:
                if name in group:
                    key = next((canonical[g] for g in group if g in canonical), None)
                    break
        canonical[name] = key or name
    # A name seen more often in the duty table wins as canonical.
    offices: dict[str, Office] = {}
    for name, target in canonical.items():
        office = offices.setdefault(target, Office(target))
        if name != target and name not in office.aliases:
            office.aliases.append(name)
        for phone, count in (phones.get(name) or {}).items():
            phones.setdefault("\0" + target, Counter())[phone] += count
        for duty_id in owned.get(name, []):
            if duty_id not in office.duty_ids:
                office.duty_ids.append(duty_id)
    # A brigade or an institute goes by its last words ("执法大队" of 劳动保障监察综合执法大队, "仲裁院"
    # of 劳动人事争议仲裁院) when no other office's name ends so.
    tails = {name: tail for name in canonical if (tail := _short_name(name))}
    # (counted once per office: two spellings of one office may end alike)
    shared = Counter(tail for tail, _ in {(tails[n], canonical[n]) for n in tails})
    for name, tail in tails.items():
        office = offices[canonical[name]]
        if shared[tail] == 1 and tail != office.name and tail not in office.aliases and tail not in canonical:
            office.aliases.append(tail)
    for office in offices.values():
        counter = phones.get("\0" + office.name)
        office.phone = counter.most_common(1)[0][0] if counter else None
        for group in groups:
            if office.name in group or any(a in group for a in office.aliases):
                for alias in group:
                    if alias != office.name and alias not in office.aliases:
                        office.aliases.append(alias)
    return sorted(offices.values(), key=lambda o: (-len(o.duty_ids), o.name))
