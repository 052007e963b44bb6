"""``python -m bench``: every benchmark of the assistant on the machine at hand.

1. retrieval quality and the knowledge build time (bench/retrieval.py);
2. the query path split in-process (embedding, FAISS, keyword search, fusion, search, answer);
3. the baselines: a bare Rasa 3.6 with a trivial model over its REST channel, twice:
   ``default`` (Rasa's default pipeline and policies, DIET + TED: the goals' baseline) and
   ``minimal`` (a keyword classifier, no TensorFlow: reported beside it), bench/baseline/<name>/;
4. the real system (``python -m bot.run`` on free ports, tests/harness.py): start-up time,
   /api/chat latency with one client, Rasa and the action server measured directly, then
   throughput and latency with 1, 4 and 8 concurrent clients for a fixed time each;
5. peak memory of each process;
then a table, the goals, and bench/results/<date>.json.

Loopback only; every load loop is bounded in time and count. The gateway's rate limits stay
as configured: loopback is exempt from the per-address limits and every conversation of the
bench has its own sender, so nothing is throttled (a 429 would count as an error);
--no-rate-limits switches the chat limits off (JIZE_RATE_CHAT_PER_*=0) anyway.

    python -m bench                  # about 6 minutes on 2 cores (+ ~1.5 min to train the baselines once)
    python -m bench --quick          # short runs, to check the harness
    python -m bench --full           # also time a forced Rasa training (a few minutes more)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import components, procmem  # noqa: E402
from bench.fresh import FreshPool, fresh_list  # noqa: E402
from bench.load import (  # noqa: E402
    Client,
    Seen,
    Target,
    fixed_time,
    gateway_target,
    rasa_rest_target,
    sequential,
    stats,
    throughput_row,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"

# Results JSON schema. 1: one baseline under "baseline" (the keyword pipeline, today's `minimal`).
# 2: every baseline run under "baselines" (name -> result), the goals' one named by
# "goal_baseline" and also kept under "baseline" (so readers of schema 1 get the goal baseline),
# and our ratios to each baseline under "ratios".
# 3: each system's and baseline's rows of new messages under "fresh" ("latency", "concurrency",
# as for the repeated mix), their ratios under "ratios_fresh"; the goals are judged on them.
SCHEMA = 3

# Issue 12's goals, judged on the rows of new messages (the repeated mix when a run has none).
GOALS = {
    "p50_ratio_max": 1.0,  # our one-client p50 / bare Rasa's
    "p95_ms_max": 80.0,  # our one-client p95
    "throughput_ratio_min": 1.2,  # our 8-client messages/s / bare Rasa's
    "ready_s_max": 20.0,
    "total_rss_mb_max": 2048.0,  # 2.0 GiB
}


def say(msg: str = "") -> None:
    print(msg, flush=True)


# ----------------------------------------------------------------------------- machine
def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    return info


def loadavg() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        return float(Path("/proc/loadavg").read_text().split()[0])
    return None


def busy_processes(exclude: set[int]) -> list[str]:
    """Other Rasa trainings/tests or pytest runs that would skew the figures."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) in exclude:
            continue
        cmd = procmem.cmdline(int(d.name))
        if re.search(r"rasa (train|test)|pytest", cmd):
            out.append(cmd[:120])
    return out


# ----------------------------------------------------------------------------- Rasa training time
def rasa_train_seconds(settings, full: bool) -> dict:
    """--full: time a forced training of the project's model into a temp dir. Otherwise read
    the last 'rasa_train: done in Ns' line from <data_dir>/logs/rasa-train.log if one exists."""
    if full:
        from bot.run import rasa_env

        out = Path(tempfile.mkdtemp(prefix="bench-train-"))
        env = rasa_env(patches=False)
        env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "2")
        env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "1")
        env.setdefault("OMP_NUM_THREADS", "1")
        env["RASA_CACHE_DIRECTORY"] = str(out / ".rasa-cache")
        say(f"training the project's Rasa model into {out} (--full) ...")
        started = time.perf_counter()
        with open(out / "train.log", "wb") as f:
            rc = subprocess.run(
                [str(settings.rasa_bin), "train", "--force", "--fixed-model-name", "jize", "--out", str(out)],
                cwd=str(ROOT),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=f,
                stderr=subprocess.STDOUT,
                timeout=3600,
            ).returncode
        seconds = time.perf_counter() - started
        shutil.rmtree(out, ignore_errors=True)
        return {
            "seconds": round(seconds, 1) if rc == 0 else None,
            "source": "forced training (--full)",
            "ok": rc == 0,
        }
    log = settings.data_dir / "logs" / "rasa-train.log"
    with contextlib.suppress(OSError):
        found = re.findall(r"rasa_train: done in (\d+)\s*s", log.read_text(errors="replace"))
        if found:
            return {"seconds": float(found[-1]), "source": str(log)}
    return {"seconds": None, "source": f"not measured: no {log}; run with --full to time a training"}


# ----------------------------------------------------------------------------- load runs
def latency_runs(target: Target, passes: int, tag: str, seen: Seen) -> dict:
    samples = sequential(target, passes, tag, seen)
    first = [s for s in samples if s.first]
    repeat = [s for s in samples if not s.first]
    by_kind: dict[str, dict] = {}
    for kind in dict.fromkeys(s.kind for s in samples):
        st = stats([s for s in samples if s.kind == kind])
        by_kind[kind] = {"n": st.n, "p50": round(st.p50, 1), "p95": round(st.p95, 1)}
    return {
        "passes": passes,
        "all": stats(samples).as_dict(),
        "first_ask": stats(first).as_dict(),
        "repeat": stats(repeat).as_dict(),
        "by_kind": by_kind,
    }


def concurrency_runs(target: Target, clients: list[int], seconds: float, tag: str, seen: Seen,
                     pool: FreshPool | None = None) -> list[dict]:
    rows = []
    for n in clients:
        samples, wall = fixed_time(target, n, seconds, f"{tag}{n}", seen, pool=pool)
        row = throughput_row(samples, wall, n)
        if pool is not None:
            row["repeated"] = sum(1 for s in samples if not s.first)
            row["pool_exhausted"] = pool.exhausted
        rows.append(row)
        say(
            f"  {target.name:8s} {n} client(s){' (new messages)' if pool is not None else ''}: "
            f"{row['msg_per_s']:6.1f} msg/s, p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, errors {row['errors']}"
        )
    return rows


def fresh_runs(target: Target, args, tag: str, seen: Seen, pids: dict[str, int | None] | None = None) -> dict:
    """The same one-client pass and 1/4/8-client rows with messages never sent before
    (bench/fresh.py): every system of the run gets the same sequence from its start.
    ``pids`` (name -> process id): their CPU time per message over the one-client pass
    (``cpu_ms_per_msg``; bench/cpu.py measures it alone)."""
    from bench.cpu import cpu_of, per_message

    pool = FreshPool(args.fresh_conversations)
    convs = pool.take_many(args.fresh_latency)
    procs = {name: pid for name, pid in (pids or {}).items() if pid}
    before = cpu_of(procs)
    samples = sequential(target, 1, f"{tag}n", seen, conversations=convs)
    cpu = per_message(before, cpu_of(procs), len(samples)) if procs else None
    latency = {"all": stats(samples).as_dict(), "repeated": sum(1 for s in samples if not s.first)}
    say(f"  one client, new messages: p50 {latency['all']['p50']:.1f} ms, p95 {latency['all']['p95']:.1f} ms "
        f"({latency['all']['n']} messages, {latency['repeated']} repeated)")
    if cpu:
        say("  CPU per new message: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu.items()))
    conc = concurrency_runs(target, args.clients, args.duration, f"{tag}nc", seen, pool=pool)
    return {"latency": latency, "concurrency": conc, "conversations_used": pool.taken,
            "pool_exhausted": pool.exhausted, "cpu_ms_per_msg": cpu}


def run_baseline(settings, args, baseline) -> dict:
    """One bare-Rasa baseline: the same warm-up, latency passes and load rows as ours."""
    from bench.bare_rasa import BareRasa, ensure_model

    say(f"\n== baseline {baseline.name!r}: bare Rasa 3.6, {baseline.title} ==")
    model = ensure_model(settings, baseline, log=say)
    if not model["trained"] and model.get("train_seconds") is not None:
        say(f"  cached model (trained in {model['train_seconds']:.0f} s)")
    with BareRasa(settings, model["model"]) as bare:
        say(f"  answering after {bare.startup_seconds:.1f} s")
        target = rasa_rest_target(bare.url, baseline.name)
        seen = Seen()
        sequential(target, 1, "bwarm", Seen())  # warm-up pass, not counted
        latency = latency_runs(target, args.passes, "blat", seen)
        say(f"  one client: p50 {latency['all']['p50']:.1f} ms, p95 {latency['all']['p95']:.1f} ms")
        conc = concurrency_runs(target, args.clients, args.duration, "bc", seen)
        fresh = fresh_runs(target, args, "b", seen, pids={"rasa": bare.proc.pid}) if args.fresh else None
        mem = procmem.memory(bare.proc.pid)
    return {
        "fresh": fresh,
        "name": baseline.name,
        "title": baseline.title,
        "model": model,
        "startup_seconds": round(bare.startup_seconds, 2),
        "latency": latency,
        "concurrency": conc,
        "memory": mem,
    }


class HealthWatcher(threading.Thread):
    """Polls /healthz every 0.1 s while the system starts; records when each part came up."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(daemon=True)
        self.url, self.timeout = url, timeout
        self.t0 = time.monotonic()
        self.first: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        import httpx

        with httpx.Client(trust_env=False, timeout=2.0) as http:
            while not self.stop.is_set() and time.monotonic() - self.t0 < self.timeout:
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    state = http.get(self.url + "/healthz").json()
                    now = time.monotonic() - self.t0
                    self.first.setdefault("app answering", now)
                    for part in ("knowledge", "actions", "rasa"):
                        if state.get(part):
                            self.first.setdefault(part, now)
                    if state.get("status") == "ok":
                        self.first.setdefault("all ok", now)
                        return
                self.stop.wait(0.1)


def run_system(settings, args) -> dict:
    from tests.harness import RunningSystem

    say("\n== the assistant: python -m bot.run (app + actions + Rasa) ==")
    tmp = Path(tempfile.mkdtemp(prefix="bench-system-"))
    env = {"JIZE_LOG_RETENTION_DAYS": "0"}
    if args.no_rate_limits:
        env.update({"JIZE_RATE_CHAT_PER_SENDER": "0", "JIZE_RATE_CHAT_PER_IP": "0"})
    if args.rasa_endpoints:
        env["JIZE_RASA_ENDPOINTS"] = str(args.rasa_endpoints.resolve())
    system = RunningSystem(app_db=tmp / "app.db", env=env, start_timeout=300)
    watcher = HealthWatcher(system.url, 360)
    result: dict = {"app_db": str(tmp / "app.db"), "rate_limits": "off" if args.no_rate_limits else "on"}
    try:
        watcher.start()
        system.start()
        watcher.join(5)
        ready = watcher.first.get("all ok", system.startup_seconds)
        result["startup"] = {
            "ready_seconds": round(ready, 2),
            "parts_seconds": {k: round(v, 2) for k, v in watcher.first.items()},
        }
        say(
            f"  /healthz all ok after {ready:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in watcher.first.items())})"
        )
        rasa_url = system.env["JIZE_RASA_URL"]
        gw = gateway_target(system.url)
        # warm-up: TensorFlow traces its graphs, the embedder its kernels (texts not in the mix)
        warm = Client(gw)
        for text in ("您好", "请问社保卡丢了怎么办", "请问人事科的电话", "谢谢"):
            warm.post("bench-warmup-0001", text)
        warm.close()
        seen = Seen()
        result["memory_after_start"] = procmem.tree_memory(
            system.proc.pid, name_of=lambda cmd: "rasa" if "rasa" in cmd else "other"
        )
        result["latency"] = latency_runs(gw, args.passes, "lat", seen)
        lat = result["latency"]
        say(
            f"  one client: p50 {lat['all']['p50']:.1f} ms, p95 {lat['all']['p95']:.1f} ms, "
            f"p99 {lat['all']['p99']:.1f} ms (first ask p50 {lat['first_ask']['p50']:.1f} ms, "
            f"repeat p50 {lat['repeat']['p50']:.1f} ms)"
        )
        result["rasa_direct"] = components.rasa_split(rasa_url, seen, passes=max(1, args.passes - 1))
        result["action_roundtrip"] = components.action_roundtrip(system.action_port, reps=max(1, args.passes))
        say(
            f"  Rasa REST directly: p50 {result['rasa_direct']['rest_mix']['p50']:.1f} ms (mix), "
            f"{result['rasa_direct']['rest_no_action']['p50']:.1f} ms (no custom action); "
            f"action webhook p50 {result['action_roundtrip']['p50']:.1f} ms"
        )
        result["concurrency"] = concurrency_runs(gw, args.clients, args.duration, "c", seen)
        if args.fresh:
            result["fresh"] = fresh_runs(gw, args, "", seen,
                                         pids={"app": system.proc.pid, "rasa": system.rasa_pid()})
        rasa_pid = system.rasa_pid() if hasattr(system, "rasa_pid") else None
        result["memory"] = procmem.tree_memory(
            system.proc.pid, name_of=lambda cmd: "rasa" if "rasa" in cmd else "other"
        )
        result["memory"]["rasa_pid"] = rasa_pid
    finally:
        watcher.stop.set()
        code = system.stop()
        result["exit_code"] = code
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
            if code == 0:  # bot.run's per-port Rasa log and endpoints copy of this run
                for leftover in (
                    settings.log_dir / f"rasa-{system.rasa_port}.log",
                    settings.data_dir / "run" / f"endpoints-{system.action_port}.yml",
                ):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
    return result


# ----------------------------------------------------------------------------- report
def fmt(v, nd=1, unit="") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.{nd}f}{unit}"


def baselines_of(res: dict) -> tuple[dict[str, dict], str]:
    """The baselines a results dict holds (name -> result) and the goals' one; also reads schema 1,
    whose single "baseline" was the keyword pipeline now called ``minimal``."""
    if "baselines" in res:
        return res.get("baselines") or {}, res.get("goal_baseline", "default")
    return ({"minimal": res["baseline"]} if res.get("baseline") else {}), "default"


def _row(rows: list[dict], clients: int) -> dict | None:
    return next((r for r in rows if r["clients"] == clients), None)


def rows_of(result: dict | None, fresh: bool) -> dict:
    """A system's or baseline's rows: the repeated mix (``latency``, ``concurrency``) or, with
    ``fresh``, the new-message rows kept under ``fresh`` (empty when not run)."""
    result = result or {}
    return (result.get("fresh") or {}) if fresh else result


def ratios(res: dict, fresh: bool = False) -> dict[str, dict]:
    """Ours over each baseline: one-client p50/p95 (lower is better for us) and msg/s per client
    count (higher is better for us); None where either side is missing. ``fresh``: the rows of
    messages never sent before."""
    sysr = rows_of(res.get("system"), fresh)
    ours_lat = (sysr.get("latency") or {}).get("all") or {}
    out: dict[str, dict] = {}
    for name, base in baselines_of(res)[0].items():
        base = rows_of(base, fresh)
        if not base:
            continue
        base_lat = (base.get("latency") or {}).get("all") or {}
        r: dict = {}
        for q in ("p50", "p95"):
            o, b = ours_lat.get(q), base_lat.get(q)
            r[q] = round(o / b, 3) if o and b and not math.isnan(o) and not math.isnan(b) else None
        r["msg_per_s"] = {}
        for row in sysr.get("concurrency", []):
            b = _row(base.get("concurrency", []), row["clients"])
            if b and b["msg_per_s"]:
                r["msg_per_s"][str(row["clients"])] = round(row["msg_per_s"] / b["msg_per_s"], 3)
        out[name] = r
    return out


def goals(res: dict) -> list[dict]:
    """The issues' goals. The latency and throughput goals are judged on the rows of messages
    never sent before when the run has them (``fresh``, issue 12), else on the repeated mix;
    the two ratios are taken against the goal baseline (``default``); the note of each says
    the ratio to the other baselines, which are not goals."""
    out = []
    whole = res.get("system") or {}
    fresh = bool(whole.get("fresh"))
    sysr = rows_of(whole, fresh)
    bases, goal_name = baselines_of(res)
    bases = {k: rows_of(v, fresh) for k, v in bases.items() if rows_of(v, fresh)}
    base = bases.get(goal_name) or {}
    others = {k: v for k, v in bases.items() if k != goal_name}
    what = ", new messages" if fresh else ""

    def add(name, value, target, ok, why="", baseline=None):
        g = {"goal": name, "value": value, "target": target, "met": ok, "note": why}
        if baseline:
            g["baseline"] = baseline
        out.append(g)

    def p50_of(b: dict):
        return (b.get("latency") or {}).get("all", {}).get("p50")

    ours_p50 = (sysr.get("latency") or {}).get("all", {}).get("p50")
    base_p50 = p50_of(base)
    if ours_p50 and base_p50:
        r = ours_p50 / base_p50
        note = "; ".join(
            f"vs {k}: {ours_p50 / p50_of(v):.2f}x ({p50_of(v):.1f} ms), not a goal"
            for k, v in others.items()
            if p50_of(v)
        )
        add(
            f"p50 vs bare Rasa ({goal_name}){what}",
            f"{r:.2f}x ({ours_p50:.1f} / {base_p50:.1f} ms)",
            f"<= {GOALS['p50_ratio_max']}x",
            r <= GOALS["p50_ratio_max"],
            note,
            goal_name,
        )
    p95 = (sysr.get("latency") or {}).get("all", {}).get("p95")
    if p95:
        add(
            f"p95, one client{what}", f"{p95:.1f} ms", f"<= {GOALS['p95_ms_max']:.0f} ms", p95 <= GOALS["p95_ms_max"]
        )
    ours8 = _row(sysr.get("concurrency", []), 8)
    base8 = _row(base.get("concurrency", []), 8)
    if ours8 and base8 and base8["msg_per_s"]:
        r = ours8["msg_per_s"] / base8["msg_per_s"]
        notes = []
        for k, v in others.items():
            o8 = _row(v.get("concurrency", []), 8)
            if o8 and o8["msg_per_s"]:
                notes.append(
                    f"vs {k}: {ours8['msg_per_s'] / o8['msg_per_s']:.2f}x "
                    f"({o8['msg_per_s']:.1f} msg/s), not a goal"
                )
        add(
            f"8-client throughput vs bare Rasa ({goal_name}){what}",
            f"{r:.2f}x ({ours8['msg_per_s']:.1f} / {base8['msg_per_s']:.1f} msg/s), {ours8['errors']} errors",
            f">= {GOALS['throughput_ratio_min']}x, 0 errors",
            r >= GOALS["throughput_ratio_min"] and ours8["errors"] == 0,
            "; ".join(notes),
            goal_name,
        )
    ready = (whole.get("startup") or {}).get("ready_seconds")
    if ready is not None:
        add(
            "ready after start",
            f"{ready:.1f} s",
            f"<= {GOALS['ready_s_max']:.0f} s",
            ready <= GOALS["ready_s_max"],
        )
    total = (whole.get("memory") or {}).get("total_peak_rss_mb")
    if total:
        add(
            "total peak RSS",
            f"{total:.0f} MiB",
            f"<= {GOALS['total_rss_mb_max']:.0f} MiB",
            total <= GOALS["total_rss_mb_max"],
        )
    return out


def print_report(res: dict) -> None:
    say("\n" + "=" * 78)
    m = res["machine"]
    say(
        f"bench {res['date']}  {m.get('cpu', '?')}, {m.get('cpus')} CPUs, {m.get('mem_gb')} GB; "
        f"load before {res.get('loadavg_before')}"
    )
    busy = list(dict.fromkeys((res.get("busy") or []) + (res.get("busy_after") or [])))
    if busy:
        say("WARNING: other heavy processes were running: " + "; ".join(busy[:3]))
    sysr = res.get("system") or {}
    bases, goal_name = baselines_of(res)

    def base_label(name: str) -> str:
        return f"bare Rasa {name}" + (" (goal)" if name == goal_name else "")

    if bases or sysr:
        say("\n/api/chat latency, one client (ms)      n     p50     p95     p99    mean  errors")
        rows = []
        if sysr.get("latency"):
            rows += [
                ("ours: all", sysr["latency"]["all"]),
                ("ours: first ask", sysr["latency"]["first_ask"]),
                ("ours: repeat", sysr["latency"]["repeat"]),
            ]
        if sysr.get("rasa_direct"):
            rows += [
                ("Rasa REST directly (mix)", sysr["rasa_direct"]["rest_mix"]),
                ("Rasa REST, no custom action", sysr["rasa_direct"]["rest_no_action"]),
            ]
        if sysr.get("action_roundtrip"):
            rows.append(("action server POST /webhook", sysr["action_roundtrip"]))
        for name, base in bases.items():
            if base.get("latency"):
                rows.append((base_label(name), base["latency"]["all"]))
        for name, s in rows:
            say(
                f"  {name:36s} {s['n']:4d} {fmt(s['p50']):>7s} {fmt(s['p95']):>7s} {fmt(s['p99']):>7s} "
                f"{fmt(s['mean']):>7s} {s['errors']:6d}"
            )
        if sysr.get("latency") and sysr.get("rasa_direct"):
            gw = sysr["latency"]["repeat"]["p50"] - sysr["rasa_direct"]["rest_mix"]["p50"]
            say(f"  gateway around Rasa (ours repeat p50 - Rasa REST mix p50): {fmt(gw)} ms")
        if sysr.get("latency"):
            kinds = ", ".join(f"{k} {v['p50']:.0f}" for k, v in sysr["latency"]["by_kind"].items())
            say(f"  ours p50 by kind: {kinds}")

        if sysr:
            n429 = sum(int((r.get("statuses") or {}).get("429", 0)) for r in sysr.get("concurrency", []))
            n429 += int(((sysr.get("latency") or {}).get("all") or {}).get("statuses", {}).get("429", 0))
            say(f"  rate limits {sysr.get('rate_limits')}; answers 429: {n429}")
        say("\nthroughput, fixed time per row     clients   msg/s     p50     p95     p99  errors")
        for label, r in [("ours", x) for x in sysr.get("concurrency", [])] + [
            (base_label(n), x) for n, b in bases.items() for x in b.get("concurrency", [])
        ]:
            say(
                f"  {label:32s} {r['clients']:7d} {r['msg_per_s']:7.1f} {fmt(r['p50']):>7s} "
                f"{fmt(r['p95']):>7s} {fmt(r['p99']):>7s} {r['errors']:7d}"
            )

        fresh_rows = [("ours", rows_of(sysr, True))] + [(base_label(n), rows_of(b, True)) for n, b in bases.items()]
        fresh_rows = [(label, f) for label, f in fresh_rows if f]
        if fresh_rows:
            say("\nnew messages (bench/fresh.py: held-out questions in polite words never sent before)")
            say("  one client                          n     p50     p95     p99    mean  errors  repeated")
            for label, f in fresh_rows:
                st = f["latency"]["all"]
                say(
                    f"  {label:32s} {st['n']:5d} {fmt(st['p50']):>7s} {fmt(st['p95']):>7s} {fmt(st['p99']):>7s} "
                    f"{fmt(st['mean']):>7s} {st['errors']:7d} {f['latency'].get('repeated', 0):9d}"
                )
            say("  CPU per new message (one-client pass; /proc utime+stime of each process)")
            for label, f in fresh_rows:
                cpu = f.get("cpu_ms_per_msg")
                if cpu:
                    say(f"  {label:32s} " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu.items()))
            say("  throughput                     clients   msg/s     p50     p95     p99  errors  repeated")
            for label, f in fresh_rows:
                for r in f.get("concurrency", []):
                    say(
                        f"  {label:32s} {r['clients']:5d} {r['msg_per_s']:7.1f} {fmt(r['p50']):>7s} "
                        f"{fmt(r['p95']):>7s} {fmt(r['p99']):>7s} {r['errors']:7d} {r.get('repeated', 0):9d}"
                        + ("  (ran out of new messages)" if r.get("pool_exhausted") else "")
                    )

        for key, title in (("ratios", "repeated mix"), ("ratios_fresh", "new messages")):
            rat = res.get(key) or {}
            if not (sysr and rat):
                continue
            say(f"\nours / bare Rasa, {title}")
            counts = sorted({int(c) for r in rat.values() for c in r["msg_per_s"]})
            say(
                "                                     p50 ratio  p95 ratio   "
                + "  ".join(f"msg/s {c}c" for c in counts)
            )
            for name, r in rat.items():
                label = f"{name} ({'goal baseline' if name == goal_name else 'not the goal'})"
                say(
                    f"  {label:34s} {fmt(r['p50'], 2, 'x'):>9s}  {fmt(r['p95'], 2, 'x'):>9s}   "
                    + "  ".join(f"{fmt(r['msg_per_s'].get(str(c)), 2, 'x'):>9s}" for c in counts)
                )
            if goal_name not in rat:
                say(f"  (the goal baseline {goal_name!r} was not run: no goal verdict on the ratios)")

    ks = res.get("knowledge_split")
    if ks:
        say(f"\nquery path in-process ({ks['questions']} questions x {ks['reps']}; ms)       p50      p95")
        for r in ks["rows"]:
            say(f"  {r['part']:48s} {fmt(r['p50_ms'], 2):>8s} {fmt(r['p95_ms'], 2):>8s}  {r['note']}")

    say("\nstart-up and build")
    if sysr.get("startup"):
        parts = ", ".join(f"{k} {v:.1f}" for k, v in sysr["startup"]["parts_seconds"].items())
        say(f"  python -m bot.run -> /healthz ok   {sysr['startup']['ready_seconds']:.1f} s  ({parts})")
    for name, base in bases.items():
        if base.get("startup_seconds") is not None:
            trained = (base.get("model") or {}).get("train_seconds")
            train = f"; model trained in {trained:.0f} s" if trained is not None else ""
            say(f"  {'bare Rasa ' + name + ' -> first answer':34s} {base['startup_seconds']:.1f} s{train}")
    rq = res.get("retrieval")
    if rq:
        say(
            f"  knowledge build (parse+embed+index) {rq['build_seconds']:.1f} s; load + warm-up {rq['warm_seconds']:.1f} s"
        )
    rt = res.get("rasa_train") or {}
    say(f"  Rasa training                      {fmt(rt.get('seconds'), 0, ' s')}  ({rt.get('source', '')})")

    say("\npeak memory (VmHWM)")
    for p in (sysr.get("memory") or {}).get("processes", []):
        say(
            f"  {p['name']:8s} pid {p['pid']:<8d} peak {p['peak_rss_mb']:7.0f} MiB   now {p['rss_mb']:7.0f} MiB"
        )
    if sysr.get("memory"):
        say(f"  total (sum of peaks)               {sysr['memory']['total_peak_rss_mb']:.0f} MiB")
    if sysr.get("memory_after_start"):
        say(
            f"  total RSS after start-up           {sysr['memory_after_start']['total_rss_mb']:.0f} MiB"
            f" -> after the load rows {fmt((sysr.get('memory') or {}).get('total_rss_mb'), 0)} MiB"
        )
    for name, base in bases.items():
        if base.get("memory"):
            say(f"  {'bare Rasa ' + name:34s} {base['memory']['peak_rss_mb']:.0f} MiB")

    if rq:
        say("\nretrieval quality")
        for r in rq["rows"]:
            say(
                f"  {r['mode']:10s} recall@1 {r['recall@1']:6.1%}  recall@5 {r['recall@5']:6.1%}  "
                f"MRR {r['mrr']:.3f}  p50 {r['p50_ms']:.1f} ms"
            )

    if res.get("goals"):
        say("\ngoals")
        for g in res["goals"]:
            say(f"  [{'met ' if g['met'] else 'MISS'}] {g['goal']:44s} {g['value']:44s} {g['target']}")
            if g.get("note"):
                say(f"  {'':50s} ({g['note']})")
    say(f"\nwritten: {res.get('written')}")


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per concurrency row (default 20)")
    ap.add_argument("--clients", default="1,4,8", help="concurrent clients per row (default 1,4,8)")
    ap.add_argument("--passes", type=int, default=3, help="passes over the mix with one client (default 3)")
    ap.add_argument("--quick", action="store_true", help="5 s rows, one pass: to check the harness")
    ap.add_argument("--full", action="store_true", help="also time a forced Rasa training")
    ap.add_argument("--skip", default="", help="comma list of: retrieval, split, baseline, system")
    ap.add_argument(
        "--baselines",
        default="default,minimal",
        help="which bare-Rasa baselines to run (default: default,minimal); the goals' ratios need `default`",
    )
    ap.add_argument("--no-fresh", dest="fresh", action="store_false",
                    help="leave out the rows of new messages (bench/fresh.py)")
    ap.add_argument("--fresh-latency", type=int, default=110,
                    help="new conversations in the one-client pass of new messages (default 110)")
    ap.add_argument("--no-rate-limits", action="store_true", help="switch the chat rate limits off")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the system's temporary app.db")
    ap.add_argument(
        "--rasa-endpoints",
        type=Path,
        help="another endpoints.yml for our Rasa (e.g. to compare tracker stores)",
    )
    ap.add_argument("--out", type=Path, help="JSON path (default bench/results/<date>.json)")
    args = ap.parse_args(argv)
    # SIGTERM (e.g. a CI timeout) stops the systems this bench started, like Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.clients = [int(x) for x in str(args.clients).split(",") if x.strip()]
    if args.quick:
        args.duration, args.passes = min(args.duration, 5.0), 1
        args.fresh_latency = min(args.fresh_latency, 40)
    # every system of the run gets this same sequence of new conversations from its start
    args.fresh_conversations = fresh_list(50_000) if args.fresh else []
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    from bench import bare_rasa

    baselines = [bare_rasa.get(b.strip()) for b in args.baselines.split(",") if b.strip()]

    from bot.core.config import AppSettings
    from tests.harness import missing_parts

    settings = AppSettings()
    today = dt.date.today().isoformat()
    res: dict = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "loadavg_before": loadavg(),
        "busy": busy_processes({os.getpid()}),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                 if k != "fresh_conversations"},
        "schema": SCHEMA,
        "goal_targets": GOALS,
        "goal_baseline": bare_rasa.GOAL_BASELINE,
    }
    if res["busy"]:
        say("WARNING: the machine is busy (" + "; ".join(res["busy"][:3]) + "): figures will be slower")

    if "retrieval" not in skip:
        from bench import retrieval

        say("== retrieval quality and knowledge build (bench/retrieval.py) ==")
        if any(p.exists() for p in retrieval.DEFAULT_FILES):
            res["retrieval"] = retrieval.run(retrieval.DEFAULT_FILES, out=lambda s: say("  " + s))
        else:
            say(f"  skipped: none of {', '.join(map(str, retrieval.DEFAULT_FILES))} found")
    if "split" not in skip:
        say("\n== query path in-process ==")
        res["knowledge_split"] = components.knowledge_split(reps=1 if args.quick else 3)
        for r in res["knowledge_split"]["rows"]:
            say(f"  {r['part']:40s} p50 {r['p50_ms']:8.2f} ms")
    res["rasa_train"] = rasa_train_seconds(settings, args.full)

    missing = missing_parts(settings)
    if "baseline" not in skip and baselines:
        if Path(settings.rasa_bin).exists():
            res["baselines"] = {b.name: run_baseline(settings, args, b) for b in baselines}
            if bare_rasa.GOAL_BASELINE in res["baselines"]:  # schema 1's key: the goal baseline
                res["baseline"] = res["baselines"][bare_rasa.GOAL_BASELINE]
        else:
            say(f"baselines skipped: Rasa not installed at {settings.rasa_bin}")
    if "system" not in skip:
        if missing:
            say("system skipped: missing " + ", ".join(missing) + " (run `make setup`)")
            res["system_missing"] = missing
        else:
            res["system"] = run_system(settings, args)
    res["loadavg_after"] = loadavg()
    res["busy_after"] = busy_processes({os.getpid()})
    if res["busy_after"]:
        say("WARNING: other heavy processes were running at the end: " + "; ".join(res["busy_after"][:3]))
    res["ratios"] = ratios(res)
    res["ratios_fresh"] = ratios(res, fresh=True)
    res["goals"] = goals(res)

    out = args.out or RESULTS_DIR / f"{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    res["written"] = str(out)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, out)
    print_report(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
