"""Parse a responsibility list (责任清单) exported from Word as text into records.

The export has a fixed shape that other counties share:

* tables: every cell starts on a line that begins with a TAB; the lines after it that do not
  begin with a TAB (blank or not) continue the cell. The header row starts with the cell
  "序号"; a row is as many cells as the header has. A row whose 序号 is blank continues the
  numbered item above it. The table ends at a section heading ("二、…") or at a line that
  follows two blank lines.
* the supervision part: a line ending in "监管制度", a table of contents "(一)title" …, then
  each system's body under its "（一）title" heading, with "一、" sections, "（一）" subsections
  and numbered paragraphs.

Phones may be bare, with an area code or mobile (:mod:`knowledge.phones`); a table of a
kind the parser does not know is kept as plain rows (``table_rows``) with a warning.
Nothing here knows about particular offices or questions; a malformed file raises
:class:`ParseError` naming the line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .numerals import CN_NUMBER, parse_fine
from .phones import join_phones, normalize_phone, phone_matches, split_phones
from .records import (
    Boundary,
    Clause,
    Contact,
    ContactPoint,
    Duty,
    Penalty,
    ResponsibilityList,
    Service,
    SupervisionSystem,
    TableRow,
    TimeLimit,
)

logger = logging.getLogger(__name__)


class ParseError(ValueError):
    """The source does not have the expected shape; ``line`` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S")
SENTENCE_PUNCT = re.compile(r"[，。；：,;:]")

DUTY_TABLE = "部门职责登记表"
BOUNDARY_TABLE = "与相关部门的职责边界"
SERVICE_TABLE = "公共服务事项"
SUPERVISION = "事中事后监管制度"


@dataclass
class _Cell:
    text: str
    line: int


@dataclass
class _Table:
    header: list[str]
    rows: list[list[_Cell]]
    title: str
    line: int


def _clean(text: str) -> str:
    """Join a cell's lines: Word line breaks inside a cell carry no meaning."""
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _one_line(text: str) -> str:
    return "".join(ln.strip() for ln in text.split("\n"))


# --------------------------------------------------------------------------- tables


def _read_tables(lines: list[str]) -> tuple[list[_Table], int]:
    """All tables of the file and the index where the supervision part starts."""
    tables: list[_Table] = []
    i = 0
    supervision_start = len(lines)
    pending_title = ""
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if raw.startswith("\t") and stripped == "序号":
            table, i = _read_table(lines, i, pending_title)
            tables.append(table)
            continue
        if stripped == SUPERVISION or (stripped.endswith("监管制度") and len(stripped) <= 12):
            supervision_start = i
            break
        if stripped and not raw.startswith("\t") and not stripped.startswith(("部门名称", "单位：")):
            pending_title = stripped
        i += 1
    return tables, supervision_start


def _read_table(lines: list[str], start: int, title: str) -> tuple[_Table, int]:
    cells: list[_Cell] = []
    i = start
    blank_run = 0
    while i < len(lines):
        raw = lines[i]
        if raw.startswith("\t"):
            cells.append(_Cell(raw[1:], i + 1))
            blank_run = 0
        elif not raw.strip():
            blank_run += 1
            if cells:
                cells[-1].text += "\n"
        else:
            if blank_run >= 2 or SECTION_HEADING.match(raw.strip()) or raw.strip() == SUPERVISION:
                break
            cells[-1].text += "\n" + raw
            blank_run = 0
        i += 1
    # The header runs until the first cell that holds a row number.
    n_header = next((k for k, c in enumerate(cells) if c.text.strip().isdigit()), None)
    if not n_header:
        raise ParseError(start + 1, "table header '序号' is not followed by a numbered row")
    header = [_one_line(c.text) for c in cells[:n_header]]
    body = cells[n_header:]
    if len(body) % n_header:
        last_row_start = body[len(body) - len(body) % n_header].line
        raise ParseError(
            last_row_start,
            f"table '{title}' has {n_header} columns but its last row has {len(body) % n_header} cells",
        )
    rows = [body[k: k + n_header] for k in range(0, len(body), n_header)]
    for row in rows:
        number = row[0].text.strip()
        if number and not number.isdigit():
            raise ParseError(row[0].line, f"expected a row number or a blank 序号 cell, found {number!r}")
    if not rows[0][0].text.strip():
        raise ParseError(rows[0][0].line, "the first row of a table must be numbered")
    return _Table(header, rows, title, start + 1), i


def _column(header: list[str], *keywords: str, table: _Table) -> int:
    for k, name in enumerate(header):
        if any(word in name for word in keywords):
            return k
    raise ParseError(table.line, f"table '{table.title}' has no column for {'/'.join(keywords)}: {header}")


# Words that label a number rather than name an office ("电话：", "手机").
_PHONE_LABEL = re.compile(r"(?:联系)?(?:电话|手机|座机|固话|号码)")
_CONTACT_SEPARATORS = re.compile(r"[\n、，,；;/ ]+")


def _office_names(gap: str) -> list[str]:
    """Office names in the text between two phone numbers of a contact cell."""
    names = []
    for piece in _CONTACT_SEPARATORS.split(_PHONE_LABEL.sub(" ", gap)):
        name = piece.strip(" ：:（）()-－—")
        if name and not name.isdigit():
            names.append(name)
    return names


def split_contacts(text: str) -> list[Contact]:
    """"劳动仲裁科\\n劳动科\\n7523309" → both offices with 7523309; "劳动科7523309" → one;
    "劳动科\\n0310-7523309\\n13812345678" → one office with both numbers (joined by "、")."""
    contacts: list[Contact] = []
    waiting: list[Contact] = []
    last: list[Contact] = []  # the offices the previous number went to
    pos = 0
    for m in phone_matches(text):
        waiting.extend(Contact(name) for name in _office_names(text[pos: m.start()]))
        phone = normalize_phone(m.group(0))
        if waiting:
            for c in waiting:
                c.phone = phone
            contacts.extend(waiting)
            last, waiting = waiting, []
        else:  # a number right after a number: the same offices have several
            for c in last:
                c.phone = join_phones([*split_phones(c.phone), phone])
        pos = m.end()
    contacts.extend(Contact(name) for name in _office_names(text[pos:]))
    return contacts


def _numbered_rows(table: _Table):
    """Yield (number, index within number, row) with blank 序号 rows continuing the last number."""
    number, index = 0, 0
    for row in table.rows:
        cell = row[0].text.strip()
        if cell:
            number, index = int(cell), 1
        else:
            index += 1
        yield number, index, row


def _parse_duties(table: _Table) -> list[Duty]:
    h = table.header
    c_main = _column(h, "主要职责", table=table)
    c_item = _column(h, "工作事项", "具体事项", table=table)
    c_contact = _column(h, "责任科室", "联系", table=table)
    c_remark = _column(h, "备注", table=table) if any("备注" in x for x in h) else None
    duties: list[Duty] = []
    main = ""
    for number, index, row in _numbered_rows(table):
        if row[c_main].text.strip():
            main = _one_line(row[c_main].text)
        item = _one_line(row[c_item].text)
        contacts = split_contacts(_clean(row[c_contact].text))
        if not contacts:
            raise ParseError(row[c_contact].line, f"duty {number} has no responsible office")
        if not item:
            raise ParseError(row[c_item].line, f"duty {number} has no work item")
        remark = _one_line(row[c_remark].text) if c_remark is not None else ""
        citation = f"{DUTY_TABLE} 第{number}项" + (f"（第{index}条具体工作事项）" if index > 1 else "")
        duties.append(Duty(f"duty-{number}.{index}", number, index, main, item, contacts, remark,
                           citation, row[0].line))
    return duties


def _parse_boundaries(table: _Table) -> list[Boundary]:
    h = table.header
    c_topic = _column(h, "相关职责", "职责事项", table=table)
    c_dept = _column(h, "相关部门", table=table)
    c_share = _column(h, "职责分工", "分工", table=table)
    c_basis = _column(h, "依据", table=table)
    c_case = _column(h, "案例", table=table)
    out: list[Boundary] = []
    topic = basis = case = ""
    for number, index, row in _numbered_rows(table):
        if row[c_topic].text.strip():
            topic = _one_line(row[c_topic].text)
        if index == 1:
            basis, case = _clean(row[c_basis].text), _clean(row[c_case].text)
        dept = _one_line(row[c_dept].text)
        if not dept:
            raise ParseError(row[c_dept].line, f"boundary {number} names no department")
        out.append(Boundary(f"boundary-{number}.{index}", number, topic, dept, _one_line(row[c_share].text),
                            basis, case, f"与相关部门的职责边界 第{number}项（{dept}）", row[0].line))
    return out


def _parse_services(table: _Table) -> list[Service]:
    h = table.header
    c_item = _column(h, "服务事项", "事项", table=table)
    c_content = _column(h, "主要内容", "内容", table=table)
    c_time = _column(h, "时间", table=table)
    c_contact = _column(h, "责任科室", "联系", table=table)
    out: list[Service] = []
    for number, _index, row in _numbered_rows(table):
        contacts = split_contacts(_clean(row[c_contact].text))
        if not contacts:
            raise ParseError(row[c_contact].line, f"public service {number} has no responsible office")
        out.append(Service(f"service-{number}", number, _one_line(row[c_item].text), _clean(row[c_content].text),
                           _one_line(row[c_time].text), contacts, f"公共服务事项 第{number}项", row[0].line))
    return out


def _parse_unknown(table: _Table, table_number: int) -> list[TableRow]:
    """An unknown table's rows as header → text, with the offices of a 责任科室/联系 column."""
    h = table.header
    c_contact = next((k for k, name in enumerate(h) if "责任科室" in name or "联系" in name), None)
    title = table.title or f"表{table_number}"
    out: list[TableRow] = []
    for number, index, row in _numbered_rows(table):
        cells = {name: _clean(cell.text) for name, cell in zip(h[1:], row[1:], strict=True) if _clean(cell.text)}
        contacts = split_contacts(_clean(row[c_contact].text)) if c_contact else []
        suffix = f"（第{index}行）" if index > 1 else ""
        out.append(TableRow(f"table{table_number}-{number}.{index}", title, number, cells, contacts,
                            f"{title} 第{number}项{suffix}", row[0].line))
    return out


# --------------------------------------------------------------------------- supervision

_CN = "一二三四五六七八九十"
SYSTEM_TOC = re.compile(rf"^\s*[（(]([{_CN}]+)[）)]\s*(\S.*)$")
L1 = re.compile(rf"^([{_CN}]+)、\s*(.*)$")
L2 = re.compile(rf"^[（(]([{_CN}]+)[）)]\s*(.*)$")
MARKER = re.compile(rf"^(?:[（(]\s*(?:[{_CN}]+|\d+)\s*[）)]|\d+\s*[、.．]|[{_CN}]+是)")
INLINE_ITEM = re.compile(r"[（(](\d+)[）)]")


def _is_heading(text: str, max_len: int = 24) -> bool:
    return len(text) <= max_len and not SENTENCE_PUNCT.search(text)


def _cn_value(numeral: str) -> int:
    from .numerals import cn_to_int

    return cn_to_int(numeral)


def _similar(a: str, b: str) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(1, len(sa | sb))


def _paragraphs(lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
    """Non-empty lines as (1-based line, text); a sentence broken by Word is joined again."""
    out: list[tuple[int, str]] = []
    for i in range(start, end):
        text = lines[i].strip()
        if not text:
            continue
        if out:
            prev_line, prev = out[-1]
            broken = (len(prev) >= 15 and SENTENCE_PUNCT.search(prev) and re.search(r"[\u4e00-\u9fff]$", prev)
                      and not MARKER.match(text) and not L1.match(text))
            if broken:
                out[-1] = (prev_line, prev + text)
                continue
        out.append((i + 1, text))
    return out


def _parse_supervision(lines: list[str], start: int) -> tuple[list[SupervisionSystem], list[Clause]]:
    # Table of contents: "(一)职业技能定点培训机构监管" lines right after the heading.
    toc: list[tuple[str, str, int]] = []
    i = start + 1
    while i < len(lines):
        text = lines[i].strip()
        m = SYSTEM_TOC.match(lines[i])
        if m and _is_heading(text, 48):
            if toc and _cn_value(m.group(1)) != _cn_value(toc[-1][0]) + 1:
                break  # numbering restarts: the first body heading
            toc.append((m.group(1), m.group(2).strip(), i + 1))
        elif toc and text:
            break
        i += 1
    if not toc:
        raise ParseError(start + 1, f"'{lines[start].strip()}' is not followed by a list of supervision systems")
    # Each system's body starts at its own "（一）title" heading.
    starts: list[tuple[int, str, str]] = []
    cursor = i
    for numeral, toc_title, toc_line in toc:
        found = None
        for j in range(cursor, len(lines)):
            m = L2.match(lines[j].strip())
            if m and m.group(1) == numeral and _is_heading(lines[j].strip(), 48) and _similar(m.group(2), toc_title) >= 0.6:
                found = (j, m.group(2).strip())
                break
        if found is None:
            raise ParseError(toc_line, f"supervision system ({numeral}) {toc_title} has no body heading after the contents")
        starts.append((found[0], numeral, found[1]))
        cursor = found[0] + 1
    systems: list[SupervisionSystem] = []
    clauses: list[Clause] = []
    for k, (line_idx, numeral, title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        system = SupervisionSystem(f"sup-{_cn_value(numeral)}", numeral, title, line_idx + 1)
        systems.append(system)
        clauses.extend(_parse_system_body(system, _paragraphs(lines, line_idx + 1, end)))
    return systems, clauses


def _parse_system_body(system: SupervisionSystem, paragraphs: list[tuple[int, str]]) -> list[Clause]:
    prefix = f"{SUPERVISION}（{system.number}）{system.title}"
    clauses: list[Clause] = []
    section = section_num = ""
    # Nested "（一）" subsection headings as (numeral value, heading text).
    sub_stack: list[tuple[int, str]] = []
    last_paren_item = 0  # value of the last "（n）" clause under the current heading
    previous_was_heading = False

    def path() -> str:
        return section_num + "".join(f"（{_strip_marker(h)}）" for _, h in sub_stack)

    def add(line: int, text: str, marker: str, where: str, parent: str | None = None) -> Clause:
        citation = f"{prefix} {where}" if where else f"{prefix} 总述"
        clause = Clause(f"{system.id}.{len(clauses) + 1}", system.id, system.number, system.title, section,
                        " / ".join(h for _, h in sub_stack), marker, text, citation, line, parent)
        clauses.append(clause)
        return clause

    for line, text in paragraphs:
        m1 = L1.match(text)
        if m1 and _is_heading(text):
            section, section_num, sub_stack = text, m1.group(1), []
            previous_was_heading, last_paren_item = True, 0
            continue
        m2 = L2.match(text)
        if m2 and _is_heading(text):
            value = _cn_value(m2.group(1))
            if not (value == 1 and previous_was_heading):
                # a sibling of the heading numbered one less; deeper ones are closed
                while sub_stack and sub_stack[-1][0] != value - 1:
                    sub_stack.pop()
                if sub_stack:
                    sub_stack.pop()
            sub_stack.append((value, text))
            previous_was_heading, last_paren_item = True, 0
            continue
        previous_was_heading = False
        marker_match = MARKER.match(text)
        marker = marker_match.group(0) if marker_match else ""
        paren = L2.match(text)
        if paren:
            value = _cn_value(paren.group(1))
            # "（四）决定阶段。…" after the heading "（三）审批阶段": a sibling of that heading
            if value != last_paren_item + 1 and sub_stack and sub_stack[-1][0] == value - 1:
                sub_stack.pop()
            last_paren_item = value
        where = path() + (f"第{_marker_label(marker)}项" if marker else "")
        clause = add(line, text, marker, where)
        # Inline numbered items "（1）…；（2）…" become clauses of their own (e.g. 第二十五条's ten items).
        items = list(INLINE_ITEM.finditer(text))
        numbers = [int(x.group(1)) for x in items]
        if len(items) >= 2 and numbers == list(range(1, len(items) + 1)):
            base = path() + (f"（{_marker_label(marker).strip('()')}）" if paren else
                             (f"第{_marker_label(marker)}项" if marker else ""))
            for n, item in enumerate(items):
                end = items[n + 1].start() if n + 1 < len(items) else len(text)
                body = text[item.end(): end].strip().rstrip("；;")
                add(line, body, item.group(0), f"{base}第{_marker_label(item.group(0))}项", parent=clause.id)
    return clauses


def _strip_marker(heading: str) -> str:
    m = L2.match(heading)
    return m.group(1) if m else heading


def _marker_label(marker: str) -> str:
    marker = marker.strip().rstrip("、.．").replace("（", "(").replace("）", ")")
    marker = marker.replace(" ", "")
    return marker


# --------------------------------------------------------------------------- derived facts

MEASURE_WORDS = ["责令停止活动", "责令限期改正", "责令改正", "收回证件", "退还收取的费用", "没收违法所得",
                 "吊销", "批评教育", "取消培训资格", "取消定点资格", "暂停服务协议", "罚款", "口头警告",
                 "警告", "追回", "移送司法机关", "取消其培训资质", "责令限期整改", "暂停业务", "取消资格", "依法处罚"]
LEGAL_BASIS = re.compile(r"《[^》]{2,40}》(?:第[" + "零一二三四五六七八九十百" + r"]+条)?")
_PENALTY_SECTION = re.compile(r"处理|处罚")
# A clause of another section that states the sanctions for the wrongs its checks find
# ("在监督检查发现违法行为，应责令改正；情节严重的，将分别给予…警告、暂停业务、取消资格…").
_SANCTION_STATED = re.compile(r"违法行为[^。]{0,20}(?:应|将)[^。]{0,20}给予[^。]{0,10}(?:警告|罚款|暂停|取消|吊销)")


def _penalties(clauses: list[Clause]) -> list[Penalty]:
    """Penalty rules: clauses in a 处理/处罚 section that name a sanction or a fine.

    A paragraph ending in "：" that names sanctions introduces the numbered violations after it
    (e.g. 《企业职工培训规定》第二十七条 … 有下列情形之一的 …：1、… 2、…); they inherit its sanctions.
    """
    by_id = {c.id: c for c in clauses}
    parents = {c.parent_id for c in clauses if c.parent_id}
    out: list[Penalty] = []
    intro: Penalty | None = None
    for clause in clauses:
        if not (_PENALTY_SECTION.search(clause.section) or _SANCTION_STATED.search(clause.text)) or clause.id in parents:
            intro = None if clause.id not in parents else intro
            continue
        parent = by_id.get(clause.parent_id) if clause.parent_id else None
        fine = parse_fine(clause.text)
        measures = [w for w in MEASURE_WORDS if w in clause.text]
        if not fine and not measures:
            if intro is not None and clause.marker:
                out.append(Penalty(
                    id=f"penalty-{clause.id}", clause_id=clause.id, violation=clause.text.removeprefix(clause.marker).strip("；;。 "),
                    measures=intro.measures, fine_min=None, fine_max=None, per_person=False,
                    imposed_by=intro.imposed_by, legal_basis=intro.legal_basis,
                    conditional_measures=intro.conditional_measures, text=clause.text, citation=clause.citation))
            continue
        # Measures after 逾期不改正/拒不改正/情节严重 apply only in that case.
        mcond = re.search(r"(逾期不改正的|拒不改正的|情节严重的)", clause.text)
        head = clause.text[: mcond.start()] if mcond else clause.text
        conditional = [mcond.group(1) + clause.text[mcond.end():].strip("，,。；;： ")] if mcond else []
        body = clause.text.removeprefix(clause.marker)
        violation = re.split(r"的，|的,", body, maxsplit=1)[0] if re.search(r"的[，,]", body) else body[:60]
        imposed = _IMPOSED.search(clause.text) or (_IMPOSED.search(parent.text) if parent else None)
        basis = _laws(clause.text) or (_laws(parent.text) if parent else [])
        mhead = [w for w in MEASURE_WORDS if w in head]
        penalty = Penalty(
            id=f"penalty-{clause.id}", clause_id=clause.id, violation=violation.strip(),
            measures=mhead or measures, fine_min=fine[0] if fine else None, fine_max=fine[1] if fine else None,
            per_person=fine[2] if fine else False, imposed_by=imposed.group(1) if imposed else "",
            legal_basis="、".join(dict.fromkeys(basis)), conditional_measures=conditional,
            text=clause.text, citation=clause.citation)
        out.append(penalty)
        intro = penalty if clause.text.rstrip().endswith(("：", ":")) else None
    return out


def _laws(text: str) -> list[str]:
    """Names of laws and rules cited in a text (not of certificates or forms)."""
    return [b for b in LEGAL_BASIS.findall(text) if "第" in b or re.search(r"(法|条例|规定|办法|细则)》", b)]


_IMPOSED = re.compile(r"由([^，。；]{2,40}?)(?:依照|按|给予|处罚|追回|移送)")


_TIME = re.compile(rf"(\d+|{CN_NUMBER})\s*个?(工作日|日|天)(?:内)?")


def _time_limits(clauses: list[Clause]) -> list[TimeLimit]:
    from .numerals import cn_to_int

    out: list[TimeLimit] = []
    for clause in clauses:
        for n, m in enumerate(_TIME.finditer(clause.text)):
            try:
                amount = cn_to_int(m.group(1))
            except ValueError:
                continue
            left = clause.text.rfind("。", 0, m.start()) + 1
            right = clause.text.find("。", m.end())
            context = clause.text[left: right if right >= 0 else len(clause.text)]
            out.append(TimeLimit(f"time-{clause.id}.{n + 1}", clause.id, amount, m.group(2), context.strip(),
                                 clause.citation))
    return out


def _contact_points(clauses: list[Clause]) -> list[ContactPoint]:
    out: list[ContactPoint] = []
    for clause in clauses:
        for n, m in enumerate(phone_matches(clause.text)):
            left = max(clause.text.rfind("，", 0, m.start()), clause.text.rfind("：", 0, m.start())) + 1
            out.append(ContactPoint(f"contact-{clause.id}.p{n + 1}", clause.id, "phone", normalize_phone(m.group(0)),
                                    clause.text[left: m.end()].strip(), clause.citation))
        for n, m in enumerate(re.finditer(r"在([^，。；]{2,12})设立意见箱", clause.text)):
            out.append(ContactPoint(f"contact-{clause.id}.m{n + 1}", clause.id, "mailbox", m.group(1),
                                    m.group(0), clause.citation))
    return out


# --------------------------------------------------------------------------- entry point


def parse_text(text: str) -> ResponsibilityList:
    from .offices import build_offices

    if not text.strip():
        raise ParseError(1, "the source is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    title_line = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    title = lines[title_line].strip()
    if "责任清单" not in title:
        raise ParseError(title_line + 1, f"expected the list's title (…责任清单), found {title[:40]!r}")
    bureau = title.replace("责任清单", "")
    tables, supervision_start = _read_tables(lines)
    kinds: dict[str, _Table] = {}
    unknown: list[_Table] = []
    warnings: list[str] = []
    for table in tables:
        joined = "".join(table.header)
        if "主要职责" in joined:
            kind = "duties"
        elif "相关部门" in joined:
            kind = "boundaries"
        elif "服务事项" in joined:
            kind = "services"
        else:
            # Another county may add a table of its own: keep its rows searchable as text.
            unknown.append(table)
            warnings.append(f"line {table.line}: table '{table.title}' with header {table.header} is not one "
                            "the parser knows; its rows are kept as plain passages")
            logger.warning("%s", warnings[-1])
            continue
        if kind in kinds:
            raise ParseError(table.line, f"a second {kind} table")
        kinds[kind] = table
    if "duties" not in kinds:
        raise ParseError(1, "no duty registration table (a row of cells starting with '\\t序号' and '主要职责')")
    duties = _parse_duties(kinds["duties"])
    boundaries = _parse_boundaries(kinds["boundaries"]) if "boundaries" in kinds else []
    services = _parse_services(kinds["services"]) if "services" in kinds else []
    if supervision_start < len(lines):
        systems, clauses = _parse_supervision(lines, supervision_start)
    else:
        systems, clauses = [], []
    offices = build_offices(duties, services)
    table_rows = [row for n, table in enumerate(unknown, 1) for row in _parse_unknown(table, n)]
    return ResponsibilityList(title=title, bureau=bureau, duties=duties, boundaries=boundaries,
                              services=services, systems=systems, clauses=clauses,
                              penalties=_penalties(clauses), time_limits=_time_limits(clauses),
                              contact_points=_contact_points(clauses), offices=offices,
                              seals=_seals(lines), table_rows=table_rows, warnings=warnings,
                              **_signature(lines))


# "部门名称（盖章）：某县…局        主要负责人签字：…", "单位：…局（公章）"
SEAL_LINE = re.compile(r"^\s*(?:部门名称\s*(?:[（(]\s*盖章\s*[）)])?|单位)\s*[：:]\s*"
                       r"([^\s（(：:]+)\s*(?:[（(]\s*公章\s*[）)])?(?:\s|$)")


def _seals(lines: list[str]) -> list[str]:
    """The names on the seal lines: the bureau as it signs the list."""
    return [m.group(1) for m in map(SEAL_LINE.match, lines) if m]


# "主要负责人签字：某某" on a seal line, the name filled in
SIGNATURE = re.compile(r"(主要负责人(?:签字|签名)?)\s*[：:]\s*([\u4e00-\u9fff·]{2,8})\s*$")


def _signature(lines: list[str]) -> dict:
    """The principal's signature on the first seal line that has one filled in (the list names
    the person who heads the bureau there only), with its line number."""
    for n, line in enumerate(lines, 1):
        signed = SIGNATURE.search(line) if SEAL_LINE.match(line) else None
        if signed:
            return {"signature": f"{signed.group(1)}：{signed.group(2)}", "signature_line": n}
    return {}


def parse_file(path: Path) -> ResponsibilityList:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        raise ParseError(line, f"not UTF-8 text ({exc.reason})") from exc
    return parse_text(text)
