"""Memory of a process tree from /proc (Linux): resident set now (VmRSS) and at its peak (VmHWM)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def _status(pid: int) -> dict[str, str]:
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


def children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                kids += [int(x) for x in (task / "children").read_text().split()]
    return kids


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (/proc/<pid>/stat utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> dict:
    st = _status(pid)
    return {"pid": pid, "rss_mb": round(_kib(st.get("VmRSS")) / 1024, 1),
            "peak_rss_mb": round(_kib(st.get("VmHWM")) / 1024, 1), "cmd": cmdline(pid)[:160]}


def tree_memory(root: int, name_of=lambda cmd: "other") -> dict:
    """Per-process memory of ``root`` and its descendants, named by ``name_of(cmdline)``, and
    the total (the sum of per-process peaks: an upper bound of the tree's peak)."""
    procs = []
    for pid in descendants(root):
        m = memory(pid)
        if m["peak_rss_mb"] or m["rss_mb"]:
            m["name"] = name_of(m["cmd"]) if pid != root else "app"
            procs.append(m)
    return {"processes": procs,
            "total_peak_rss_mb": round(sum(p["peak_rss_mb"] for p in procs), 1),
            "total_rss_mb": round(sum(p["rss_mb"] for p in procs), 1)}
