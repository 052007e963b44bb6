"""Structured records parsed from a responsibility list (责任清单).

Every record carries a stable ``id`` and a human-readable ``citation`` so that any fact an
answer states can say where it comes from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Contact:
    """An office as named in one table cell, with the phone printed next to it (if any)."""

    office: str
    phone: str | None = None


@dataclass
class Duty:
    id: str
    number: int
    item_index: int
    main_duty: str
    work_item: str
    contacts: list[Contact]
    remark: str
    citation: str
    line: int


@dataclass
class Boundary:
    id: str
    number: int
    topic: str
    department: str
    share: str
    legal_basis: str
    case: str
    citation: str
    line: int


@dataclass
class Service:
    id: str
    number: int
    item: str
    content: str
    time: str
    contacts: list[Contact]
    citation: str
    line: int


@dataclass
class SupervisionSystem:
    id: str
    number: str  # Chinese numeral as printed, e.g. "二"
    title: str
    line: int


@dataclass
class Clause:
    """One paragraph (or one inline numbered item) of a supervision system."""

    id: str
    system_id: str
    system_number: str
    system_title: str
    section: str  # level-1 heading, e.g. "六、监督检查处理" ("" for the preamble)
    subsection: str  # level-2 heading path, e.g. "（一）监督检查内容" ("" if none)
    marker: str  # numbering printed at the start of the clause, e.g. "(6)" or "1、"
    text: str
    citation: str
    line: int
    parent_id: str | None = None


@dataclass
class Penalty:
    """A penalty rule: what is punished, how, by whom, on what legal basis."""

    id: str
    clause_id: str
    violation: str
    measures: list[str]
    fine_min: int | None
    fine_max: int | None
    per_person: bool
    imposed_by: str
    legal_basis: str
    conditional_measures: list[str]
    text: str
    citation: str


@dataclass
class TimeLimit:
    id: str
    clause_id: str
    amount: int
    unit: str  # "工作日" or "日" or "天"
    context: str
    citation: str


@dataclass
class ContactPoint:
    id: str
    clause_id: str
    kind: str  # "phone" or "mailbox"
    value: str
    context: str
    citation: str


@dataclass
class Office:
    name: str
    aliases: list[str] = field(default_factory=list)
    phone: str | None = None
    duty_ids: list[str] = field(default_factory=list)


@dataclass
class ResponsibilityList:
    title: str
    bureau: str
    duties: list[Duty]
    boundaries: list[Boundary]
    services: list[Service]
    systems: list[SupervisionSystem]
    clauses: list[Clause]
    penalties: list[Penalty]
    time_limits: list[TimeLimit]
    contact_points: list[ContactPoint]
    offices: list[Office]

    def as_dict(self) -> dict:
        return asdict(self)
