"""The knowledge store: parsed records and passages in one SQLite file (sqlite-utils).

The file is a build product: ``python -m knowledge build`` writes it to a temporary file and
renames it into place, so a reader never sees half a store.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from .identity import Identity, derive_identity, identity_from_meta, identity_meta
from .normalize import normalize_passage, tokens
from .passages import Passage, build_passages
from .records import (
    Boundary,
    Clause,
    ContactPoint,
    Duty,
    Office,
    Penalty,
    ResponsibilityList,
    Service,
    SupervisionSystem,
    TableRow,
    TimeLimit,
)

SCHEMA_VERSION = 1


class StoreError(RuntimeError):
    """The knowledge store is missing, stale or unreadable."""


def source_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_PACKAGE = Path(__file__).resolve().parent
# What turns a list into passages and tokens: a change here makes the built store stale too.
_BUILDER_FILES = ("parser.py", "passages.py", "normalize.py", "numerals.py", "offices.py", "phones.py",
                  "identity.py", "records.py", "store.py")


def builder_digest() -> str:
    """sha256 of the code and vocabulary that build the store from a list."""
    h = hashlib.sha256()
    files = [_PACKAGE / f for f in _BUILDER_FILES] + sorted((_PACKAGE / "resources").rglob("*"))
    for f in files:
        if f.is_file():
            h.update(f.relative_to(_PACKAGE).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _rows(items) -> list[dict]:
    rows = []
    for item in items:
        row = asdict(item)
        for key, value in row.items():
            if isinstance(value, (list, dict)):
                row[key] = json.dumps(value, ensure_ascii=False)
        rows.append(row)
    return rows


def write_store(records: ResponsibilityList, db_path: Path, source_path: Path) -> list[Passage]:
    """Write records and passages to ``db_path`` atomically; returns the passages."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_suffix(".db.tmp")
    if tmp.exists():
        tmp.unlink()
    db = sqlite_utils.Database(tmp)
    passages = build_passages(records)
    office_words = tuple(w for o in records.offices for w in (o.name, *o.aliases))
    tables = {
        "duties": _rows(records.duties),
        "boundaries": _rows(records.boundaries),
        "services": _rows(records.services),
        "systems": _rows(records.systems),
        "clauses": _rows(records.clauses),
        "penalties": _rows(records.penalties),
        "time_limits": _rows(records.time_limits),
        "contact_points": _rows(records.contact_points),
        "offices": _rows(records.offices),
        "table_rows": _rows(records.table_rows),
    }
    for name, rows in tables.items():
        if rows:
            db[name].insert_all(rows, pk="name" if name == "offices" else "id")
    passage_rows = []
    for n, p in enumerate(passages):
        row = p.to_dict()
        row["position"] = n
        row["tokens"] = " ".join(tokens(normalize_passage(p.search_text), office_words))
        passage_rows.append(row)
    db["passages"].insert_all(passage_rows, pk="id")
    db["passages"].enable_fts(["tokens"], tokenize="unicode61", create_triggers=False)
    db["meta"].insert_all([
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "source_sha256", "value": source_digest(source_path)},
        {"key": "source_path", "value": str(source_path)},
        {"key": "builder_sha256", "value": builder_digest()},
        *identity_meta(derive_identity(records.title, records.seals, records.offices)),
        {"key": "signature", "value": records.signature},
        {"key": "signature_line", "value": str(records.signature_line)},
        {"key": "built_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
    ], pk="key")
    db.close()
    os.replace(tmp, db_path)
    return passages


def _load(cls, row: dict, json_fields: tuple[str, ...] = ()):
    row = dict(row)
    for key in json_fields:
        row[key] = json.loads(row[key]) if row.get(key) else []
    return cls(**row)


class KnowledgeStore:
    """Read access to a built store. Everything is loaded into memory once (it is small)."""

    def __init__(self, db_path: Path):
        if not Path(db_path).exists():
            raise StoreError(f"knowledge store {db_path} does not exist: run `python -m knowledge build`")
        self.path = Path(db_path)
        self.db = sqlite_utils.Database(sqlite_utils.db.sqlite3.connect(str(db_path), check_same_thread=False))
        try:
            self.meta = {r["key"]: r["value"] for r in self.db["meta"].rows}
        except Exception as exc:  # noqa: BLE001 - any sqlite error means the file is unusable
            raise StoreError(f"knowledge store {db_path} is unreadable: {exc}") from exc
        if self.meta.get("schema_version") != str(SCHEMA_VERSION):
            raise StoreError(f"knowledge store {db_path} has an old schema: run `python -m knowledge build`")
        from .records import Contact

        def contacts(row, cls=None, json_fields=("contacts",)):
            d = _load(cls or (Duty if "main_duty" in row else Service), row, json_fields)
            d.contacts = [Contact(**c) for c in d.contacts]
            return d

        self.duties = [contacts(r) for r in self._rows("duties")]
        self.services = [contacts(r) for r in self._rows("services")]
        self.boundaries = [_load(Boundary, r) for r in self._rows("boundaries")]
        self.systems = [_load(SupervisionSystem, r) for r in self._rows("systems")]
        self.clauses = [_load(Clause, r) for r in self._rows("clauses")]
        self.penalties = [_load(Penalty, r, ("measures", "conditional_measures")) for r in self._rows("penalties")]
        self.time_limits = [_load(TimeLimit, r) for r in self._rows("time_limits")]
        self.contact_points = [_load(ContactPoint, r) for r in self._rows("contact_points")]
        self.offices = [_load(Office, r, ("aliases", "duty_ids")) for r in self._rows("offices")]
        self.table_rows = [contacts(r, TableRow, ("contacts", "cells")) for r in self._rows("table_rows")]
        fields = Passage.__dataclass_fields__
        self.passages = [Passage(**{k: v for k, v in r.items() if k in fields})
                         for r in self.db.query("select * from passages order by position")]
        self.passage_by_id = {p.id: p for p in self.passages}
        self.clause_by_id = {c.id: c for c in self.clauses}
        self.penalty_by_clause = {p.clause_id: p for p in self.penalties}

    def _rows(self, table: str) -> list[dict]:
        return list(self.db[table].rows) if self.db[table].exists() else []

    @property
    def source_sha256(self) -> str:
        return self.meta.get("source_sha256", "")

    @property
    def identity(self) -> Identity:
        """The county and bureau as the list names them (no settings applied)."""
        return identity_from_meta(self.meta, self.offices)

