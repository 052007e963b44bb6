"""Structured records parsed from a responsibility list (责任清单).

Every record carries a stable ``id`` and a human-readable ``citation`` so that any fact an
answer states can say where it comes from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Contact:
    """An office as named in one table cell, with the phone printed next to it (if any).

    ``phone`` is one number as printed (``7523309``, ``0310-7523309``, ``13812345678``) or
    several joined by "、" (:mod:`knowledge.phones`)."""

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
class TableRow:
    """A row of a table the parser has no reader for, kept as text so that it can be found."""

    id: str
    table: str  # the table's title as printed above it
    number: int
    cells: dict[str, str]  # header → cell text ("序号" left out)
    contacts: list[Contact]  # from a 责任科室/联系 column, if the table has one
    citation: str
    line: int


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
    # The names on the seal lines ("部门名称（盖章）：…", "单位：…（公章）"), in order.
    seals: list[str] = field(default_factory=list)
    # The principal's signature on a seal line, as printed ("主要负责人签字：某某"), and its line.
    signature: str = ""
    signature_line: int = 0
    table_rows: list[TableRow] = field(default_factory=list)
    # What the parser took but could not read the usual way (e.g. an unknown table).
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)
