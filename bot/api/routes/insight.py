"""What the bureau looks back at (X-Admin-Token): the audit record of any reply, statistics
(JSON or CSV), the review queue, and the knowledge versions with what changed between two."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, status
from fastapi.responses import Response

from bot.api.deps import AdminDep, KnowledgeDep, SettingsDep, StoreDep
from knowledge.versions import UnknownVersion, VersionArchive, diff

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[AdminDep])

AUDIT_ID_PATTERN = r"^[0-9a-f]{32}$"


def audit_view(row: dict[str, Any]) -> dict[str, Any]:
    """An audit row as the API gives it."""
    curated = None
    if row.get("curated_id") is not None:
        curated = {"id": row["curated_id"], "version": row["curated_version"], "score": row["curated_score"]}
    return {
        "audit_id": row["id"],
        "time": row["created_at"],
        "sender_id": row["sender_id"],
        "message_id": row["message_id"],
        "question": row["question"],
        "intent": row["intent"],
        "confidence": row["confidence"],
        "action": row["action"],
        "route": row["route"],
        "sources": row["sources"],
        "knowledge_version": {"sha256": row["knowledge_sha256"], "built_at": row["knowledge_built_at"]},
        "rasa_model": row["rasa_model"],
        "curated": curated,
        "latency_ms": row["latency_ms"],
    }


@router.get("/audit")
def recent_audit(store: StoreDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """The latest audit records, newest first."""
    return {"items": [audit_view(r) for r in store.recent_audit(limit)]}


@router.get("/audit/{audit_id}")
def audit(store: StoreDep, audit_id: Annotated[str, Path(pattern=AUDIT_ID_PATTERN)]) -> dict[str, Any]:
    row = store.get_audit(audit_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"没有编号为 {audit_id} 的记录。/ No audit record {audit_id}.")
    return audit_view(row)


STATS_CSV_COLUMNS = ("date", "questions", "answered", "not_found", "up", "down")


def stats_csv(stats: dict[str, Any]) -> str:
    """Per day, then a total row and the summary figures of the stats."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(STATS_CSV_COLUMNS)
    for day in stats["by_day"]:
        w.writerow([day[c] for c in STATS_CSV_COLUMNS])
    w.writerow(["total", stats["questions"], stats["answered"], stats["not_found"], stats["feedback"]["up"],
                stats["feedback"]["down"]])
    w.writerow([])
    w.writerow(["tickets_open", "tickets_done", "tickets_median_age_hours"])
    t = stats["tickets"]
    w.writerow([t["open"], t["done"], "" if t["median_age_hours"] is None else t["median_age_hours"]])
    w.writerow([])
    w.writerow(["top_unanswered", "count"])
    for u in stats["top_unanswered"]:
        w.writerow([u["question"], u["count"]])
    w.writerow([])
    w.writerow(["top_matter", "citation", "count"])
    for m in stats["top_matters"]:
        w.writerow([m["id"], m["citation"], m["count"]])
    return out.getvalue()


@router.get("/stats", response_model=None)
def stats(
    store: StoreDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    format_: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> dict[str, Any] | Response:
    """Questions, answered, not found, feedback, by day, top unanswered questions and matters,
    tickets, over the last ``days`` days (today included); ``format=csv`` for a spreadsheet."""
    data = store.stats(days)
    if format_ == "csv":
        return Response(
            "\ufeff" + stats_csv(data),  # the BOM makes spreadsheet programs read UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="stats-{days}d.csv"'},
        )
    return data


@router.get("/review")
def review(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> dict[str, Any]:
    """Unanswered questions and answers rated 👎, most frequent first (text is masked)."""
    return {"items": store.review_queue(limit=limit, days=days)}


def _archive(settings: Any, kb: Any) -> VersionArchive:
    archive = VersionArchive(settings.data_dir)
    current = kb.version["sha256"]
    if current and not any(v.sha256 == current for v in archive.versions()):
        archive.keep(kb.store.path)  # a store built before versions were kept
    return archive


@router.get("/knowledge/versions")
def knowledge_versions(settings: SettingsDep, kb: KnowledgeDep) -> dict[str, Any]:
    """The kept knowledge versions (oldest first) and the one being served."""
    archive = _archive(settings, kb)
    current = kb.version
    return {"current": current,
            "versions": [{**v.to_dict(), "current": v.sha256 == current["sha256"]} for v in archive.versions()]}


@router.get("/knowledge/diff")
def knowledge_diff(
    settings: SettingsDep,
    kb: KnowledgeDep,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    to: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """What changed between two versions (sha256 or its first 6+ characters); default: the
    version before the current one → the current one."""
    archive = _archive(settings, kb)
    versions = archive.versions()
    try:
        new = archive.find(to) if to else archive.find(kb.version["sha256"])
        if from_:
            old = archive.find(from_)
        else:
            earlier = [v for v in versions if v.built_at < new.built_at and v.sha256 != new.sha256]
            if not earlier:
                raise UnknownVersion("no earlier version")
            old = earlier[-1]
    except UnknownVersion as e:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"没有这个知识库版本：{e}。/ No such knowledge version: {e}.") from None
    return {"from": old.to_dict(), "to": new.to_dict(), **diff(old.path, new.path)}
