"""Knowledge versions: every list the store was built from is kept, and two can be compared.

``python -m knowledge build`` copies each store it writes into ``<data dir>/knowledge-versions/``
as ``<sha256 of the list>.db`` (a rebuild of the same list replaces its copy), so the records of
a previous version stay readable after the list changed. A version is named by the list's
sha256 and its build time, as the audit record of every reply names the version it was
answered from. :func:`diff` says what changed between two versions: duties (by their work
item), offices and phone numbers added, removed or changed.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .phones import split_phones
from .store import KnowledgeStore, StoreError

VERSIONS_DIR = "knowledge-versions"


class UnknownVersion(LookupError):
    """No kept knowledge version has that sha256 (or prefix), or the prefix is ambiguous."""


@dataclass(frozen=True)
class KnowledgeVersion:
    sha256: str
    built_at: str
    source_path: str
    path: Path

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "built_at": self.built_at, "source_path": self.source_path}


def _meta(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {k: v for k, v in conn.execute("SELECT key, value FROM meta")}
    finally:
        conn.close()


class VersionArchive:
    """The kept versions under ``data_dir``.

    Args:
        data_dir: the knowledge layer's data directory (``JIZE_DATA_DIR``).
    """

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / VERSIONS_DIR

    def keep(self, store_path: Path) -> KnowledgeVersion | None:
        """Copy a built store into the archive (named by its list's sha256); None if unreadable."""
        try:
            meta = _meta(store_path)
        except sqlite3.Error:
            return None
        sha = meta.get("source_sha256")
        if not sha:
            return None
        self.dir.mkdir(parents=True, exist_ok=True)
        target = self.dir / f"{sha}.db"
        tmp = target.with_suffix(".db.tmp")
        shutil.copyfile(store_path, tmp)
        tmp.replace(target)
        return KnowledgeVersion(sha, meta.get("built_at", ""), meta.get("source_path", ""), target)

    def versions(self) -> list[KnowledgeVersion]:
        """Every kept version, oldest build first."""
        out = []
        for path in sorted(self.dir.glob("*.db")) if self.dir.is_dir() else []:
            try:
                meta = _meta(path)
            except sqlite3.Error:
                continue
            out.append(KnowledgeVersion(meta.get("source_sha256", path.stem), meta.get("built_at", ""),
                                        meta.get("source_path", ""), path))
        return sorted(out, key=lambda v: v.built_at)

    def find(self, sha: str) -> KnowledgeVersion:
        """The version whose sha256 is or starts with ``sha`` (at least 6 characters)."""
        sha = (sha or "").strip().lower()
        found = [v for v in self.versions() if len(sha) >= 6 and v.sha256.startswith(sha)]
        if len(found) != 1:
            raise UnknownVersion(sha)
        return found[0]


def _duties(store: KnowledgeStore) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for d in store.duties:
        key = d.work_item.strip() or d.main_duty.strip()
        out[key] = {"work_item": key, "main_duty": d.main_duty,
                    "offices": sorted({c.office for c in d.contacts if c.office}), "citation": d.citation}
    return out


def _changes(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], fields: tuple[str, ...]):
    added = [new[k] for k in new if k not in old]
    removed = [old[k] for k in old if k not in new]
    changed = []
    for k in new:
        if k in old:
            diffs = {f: {"from": old[k].get(f), "to": new[k].get(f)} for f in fields if old[k].get(f) != new[k].get(f)}
            if diffs:
                changed.append({"key": k, "changes": diffs})
    return {"added": added, "removed": removed, "changed": changed}


def diff(old_path: Path, new_path: Path) -> dict[str, Any]:
    """What changed from the store at ``old_path`` to the one at ``new_path``: duties, offices,
    phones (``{"added", "removed", "changed"}`` each)."""
    try:
        old, new = KnowledgeStore(old_path), KnowledgeStore(new_path)
    except StoreError as e:
        raise UnknownVersion(str(e)) from e
    offices_old = {o.name: {"name": o.name, "phone": o.phone or "", "aliases": sorted(o.aliases)} for o in old.offices}
    offices_new = {o.name: {"name": o.name, "phone": o.phone or "", "aliases": sorted(o.aliases)} for o in new.offices}
    phones_old = {n: o.name for o in old.offices for n in split_phones(o.phone)}
    phones_new = {n: o.name for o in new.offices for n in split_phones(o.phone)}
    for store, phones in ((old, phones_old), (new, phones_new)):
        for cp in store.contact_points:
            if getattr(cp, "kind", "phone") == "phone" and getattr(cp, "value", None):
                phones.setdefault(cp.value, cp.citation)
    return {
        "duties": _changes(_duties(old), _duties(new), ("main_duty", "offices")),
        "offices": _changes(offices_old, offices_new, ("phone", "aliases")),
        "phones": _changes({n: {"phone": n, "office": o} for n, o in phones_old.items()},
                           {n: {"phone": n, "office": o} for n, o in phones_new.items()}, ("office",)),
    }
