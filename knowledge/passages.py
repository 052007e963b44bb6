"""Retrieval units: one passage per duty item, boundary share, service, supervision clause.

A passage keeps the list's text verbatim for display (``text``) and a richer ``search_text``
(headings, office names) for the index. ``office``/``phone`` say who handles it. ``printed`` is
the passage as its row prints it: the text with the columns that go with it (a service's time,
the responsible office as named in the row with the phone printed next to it), for a reader
who sees the passage on its own (a search result).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

from .normalize import normalize_passage
from .phones import find_phones, join_phones, split_phones
from .records import Contact, Office, ResponsibilityList

# Two columns this similar (difflib ratio) say the same thing.
SAME_TEXT_RATIO = 0.85


@dataclass
class Passage:
    id: str
    kind: str  # duty | boundary | service | clause | table (a row of a table the parser has no reader for)
    record_id: str
    citation: str
    text: str
    search_text: str
    office: str
    phone: str
    system_id: str = ""
    section: str = ""
    printed: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class OfficeDirectory:
    """Finds offices mentioned in a text by their names or aliases (longest match first)."""

    def __init__(self, offices: list[Office]):
        self.offices = {o.name: o for o in offices}
        names: list[tuple[str, str]] = []
        for office in offices:
            names.append((office.name, office.name))
            names.extend((alias, office.name) for alias in office.aliases)
        self._names = sorted(names, key=lambda pair: -len(pair[0]))

    def mentioned(self, text: str) -> list[str]:
        """Canonical names of the offices mentioned in ``text``, in order of first mention."""
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for name, canonical in self._names:
            for m in re.finditer(re.escape(name), text):
                span = (m.start(), m.end())
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                taken.append(span)
                found.append((m.start(), canonical))
        ordered: list[str] = []
        for _, canonical in sorted(found):
            if canonical not in ordered:
                ordered.append(canonical)
        return ordered

    def aliases(self, canonical: str) -> list[str]:
        """Every name the office goes by, longest first."""
        return [alias for alias, c in self._names if c == canonical]

    def canonical(self, name: str) -> str | None:
        for alias, canonical in self._names:
            if alias == name:
                return canonical
        return None

    def names_of(self, canonical: str) -> list[str]:
        """The name and aliases of an office."""
        return [alias for alias, name in self._names if name == canonical]

    def phone(self, name: str) -> str:
        office = self.offices.get(name)
        return office.phone or "" if office else ""


def _contacts_office(contacts: list[Contact], directory: OfficeDirectory) -> tuple[str, str]:
    names: list[str] = []
    phones: list[str] = []
    for c in contacts:
        name = directory.canonical(c.office) or c.office
        if name not in names:
            names.append(name)
        phones.extend(split_phones(c.phone))
    return "、".join(names), join_phones(phones)


def _printed_contacts(contacts: list[Contact]) -> str:
    """The responsible-office column as the row prints it: each office as named there, with its
    phone right after it ("劳动科 7523309、劳动保障监察大队 7523309")."""
    return "、".join(f"{c.office} {c.phone}" if c.phone else c.office for c in contacts)


def _printed_row(text: str, contacts: list[Contact], time: str = "") -> str:
    columns = [text]
    if time.strip():
        columns.append(f"时间：{' '.join(time.split())}")
    if contacts:
        columns.append(f"责任科室及联系方式：{_printed_contacts(contacts)}")
    return "\n".join(columns)


def _contact_words(office: str, phone: str) -> str:
    """The responsible-office column as words, so "哪个科室负责、电话多少" reads the same on
    every kind of passage (the duty table's header says 责任科室及联系方式)."""
    return f"负责科室：{office} 联系电话：{phone}" if office else ""


def _nearly_same(a: str, b: str) -> bool:
    """True when two columns say the same thing, but for typos and a word or two (a duty row
    whose main-duty column repeats its work item would be quoted twice)."""
    a, b = normalize_passage(a), normalize_passage(b)
    return a == b or SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_TEXT_RATIO


_CASE_SENTENCE = re.compile(r"[^。；;！!？?]+")
_CASE_CLAUSE = re.compile(r"[^，,]+")
# what a department's name ends with that a case leaves off ("安监部门", "卫生" for 卫生局)
_DEPARTMENT_TAIL = re.compile(r"(局|厅|委|办|部门)$")


def case_by_department(case: str, departments: list[str]) -> dict[str, str]:
    """A boundary item's 案例 split by the department each clause tells of ("…卫生对该人进行了职业病
    诊断鉴定，人社部门发现企业已…为职工参加工伤保险…": the 工伤 clause is the 人社局's). A clause
    that names none is told of the department its sentence named last, or names first; a
    sentence naming none, of no one in particular (key "")."""
    stems = {d: _DEPARTMENT_TAIL.sub("", d) or d for d in departments}
    told: dict[str, list[str]] = {}
    for sentence in _CASE_SENTENCE.findall(case):
        clauses = _CASE_CLAUSE.findall(sentence)
        named = [[d for d, stem in stems.items() if stem in c] for c in clauses]
        actors = next((n for n in named if n), [""])
        for clause, names in zip(clauses, named, strict=True):
            actors = names or actors
            for actor in actors:
                told.setdefault(actor, []).append(clause)
    return {d: "，".join(c) for d, c in told.items()}


def build_passages(records: ResponsibilityList) -> list[Passage]:
    directory = OfficeDirectory(records.offices)
    out: list[Passage] = []
    for d in records.duties:
        office, phone = _contacts_office(d.contacts, directory)
        # The main-duty column describes the whole numbered item; only its first row's office
        # owns it (a continuation row with another office must not inherit it).
        same = _nearly_same(d.main_duty, d.work_item)
        main = d.main_duty if d.item_index == 1 and not same else ""
        search = f"{d.work_item} {main} {_contact_words(office, phone)}"
        # shown too: a question answered by the main-duty column must see that column quoted
        text = f"{d.work_item}（主要职责：{main}）" if main else d.work_item
        out.append(Passage(d.id, "duty", d.id, d.citation, text, search, office, phone,
                           printed=_printed_row(text, d.contacts)))
    first_of_item: set[int] = set()
    for b in records.boundaries:
        # the 案例 column tells what is done under the item ("每年定期举办大型招聘会"): it is said
        # once, on the item's first row
        case = " ".join(b.case.split()) if b.number not in first_of_item else ""
        first_of_item.add(b.number)
        text = f"{b.topic}：{b.department}{b.share}" + (f"（案例：{case}）" if case else "")
        search = f"{b.topic} {b.department} {b.share} {b.legal_basis} {case}"
        out.append(Passage(b.id, "boundary", b.id, b.citation, text, search, b.department, "", printed=text))
    for s in records.services:
        office, phone = _contacts_office(s.contacts, directory)
        paragraphs = [p for p in s.content.split("\n") if p.strip()]
        contact = _contact_words(office, phone)
        if len(paragraphs) > 1:
            # one passage per numbered part, so "春暖行动" finds its own part; answers compose
            # the whole item from its parts (record_id)
            for n, para in enumerate(paragraphs, 1):
                pid = f"{s.id}.{n}"
                text = f"{s.item}：{para}"
                out.append(Passage(pid, "service", s.id, f"{s.citation}（第{n}段）", text,
                                   f"{s.item} {para} {s.time} {contact}", office, phone,
                                   printed=_printed_row(text, s.contacts, s.time)))
        else:
            text = f"{s.item}：{s.content}"
            out.append(Passage(s.id, "service", s.id, s.citation, text,
                               f"{s.item} {s.content} {s.time} {contact}", office, phone,
                               printed=_printed_row(text, s.contacts, s.time)))
    # A clause's office: the one it names (the offices it names together, "由劳动科、就业局组织实施"),
    # else the one its system names most - with the ones named as often and together with it
    # (two offices that share the work), not another that merely has as many mentions.
    system_office: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {}
    series: dict[str, set[str]] = {}
    for c in records.clauses:
        named = directory.mentioned(c.text)
        counts.setdefault(c.system_id, Counter()).update(named)
        if named:
            series.setdefault(c.system_id, set()).add(_named_together(named, c.text, directory))
    for sid, counter in counts.items():
        if counter:
            top, most = counter.most_common(1)[0]
            joint = max((s.split("、") for s in series.get(sid, ()) if s.startswith(top + "、")), key=len, default=[top])
            system_office[sid] = "、".join(name for name in joint if counter[name] == most)
    for c in records.clauses:
        named = directory.mentioned(c.text)
        office = _named_together(named, c.text, directory) if named else system_office.get(c.system_id, "")
        phones = find_phones(c.text)
        phone = phones[0] if phones else join_phones([directory.phone(name) for name in office.split("、")])
        heading = " ".join(x for x in (c.system_title, c.section, c.subsection) if x)
        out.append(Passage(c.id, "clause", c.id, c.citation, c.text, f"{heading} {c.text}", office, phone,
                           c.system_id, c.section, printed=c.text))
    for r in records.table_rows:  # rows of a table the parser has no reader for
        office, phone = _contacts_office(r.contacts, directory)
        text = "；".join(f"{name}：{value}" for name, value in r.cells.items())
        out.append(Passage(r.id, "table", r.id, r.citation, text,
                           f"{r.table} {text} {_contact_words(office, phone)}", office, phone, printed=text))
    return out



def _named_together(named: list[str], text: str, directory: OfficeDirectory) -> str:
    """The first office a clause names, with the ones named right after it in one series
    ("劳动科、就业局"), as "、"-joined canonical names."""
    together = [named[0]]
    for name in named[1:]:
        if not any(f"{a}、{b}" in text for a in directory.names_of(together[-1]) for b in directory.names_of(name)):
            break
        together.append(name)
    return "、".join(together)
