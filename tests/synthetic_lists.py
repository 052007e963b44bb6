"""Another county's list of the same shape, built from the shipped one.

The shipped list's county is read by the identity code (never typed here), replaced
everywhere by another county's; one office is renamed and the phones change to the forms other
lists print: an area code with a dash or in brackets, and a mobile number.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.identity import derive_identity
from knowledge.parser import parse_file
from knowledge.settings import DEFAULT_SOURCE

NEW_COUNTY = "曲周县"
OLD_OFFICE, NEW_OFFICE = "农保中心", "居民养老保险股"
# The shipped list's numbers → another county's (the general number, the renamed office's, the hotline).
PHONES = {"7523309": "（0310）8881234", "7591916": "0310-8885678", "8565682": "13912345678"}
# How the parser writes them.
NORMALISED = {"7523309": "0310-8881234", "7591916": "0310-8885678", "8565682": "13912345678"}


def shipped_county() -> str:
    records = parse_file(DEFAULT_SOURCE)
    return derive_identity(records.title, records.seals, records.offices).county


def other_county_text(county: str = NEW_COUNTY) -> str:
    text = DEFAULT_SOURCE.read_text(encoding="utf-8").replace(shipped_county(), county)
    text = text.replace(OLD_OFFICE, NEW_OFFICE)
    for old, new in PHONES.items():
        text = text.replace(old, new)
    return text


def write_other_county(directory: Path, county: str = NEW_COUNTY) -> Path:
    path = directory / "other_county_list.txt"
    path.write_text(other_county_text(county), encoding="utf-8")
    return path
