"""``python -m bot.run``: start the whole assistant on this machine.

1. binds the public port (settings.host:port) and the action port (127.0.0.1:action_port),
   so a port that is taken is reported before anything starts;
2. starts ``rasa run`` from .venv-rasa as a child process in its own process group
   (REST channel only, no HTTP API, no CORS, bound to 127.0.0.1), its output going to
   var/logs/rasa.log;
3. serves the app and the action server with uvicorn, two servers in one event loop, so the
   knowledge base is loaded once and shared;
4. waits until /healthz reports every part up, printing progress, then prints the URL;
5. Ctrl-C or SIGTERM stops everything it started. If Rasa dies it is reported and started
   again (at most ``--max-restarts`` times), then the assistant stops with exit code 1.

``--no-rasa`` serves the app and the action server only (Rasa started some other way).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import httpx
import uvicorn
from pydantic import SecretStr

from bot.actions_server import create_action_app
from bot.admin_token import AdminTokenError, ensure_admin_token
from bot.core.config import AppSettings, get_app_settings
from bot.main import create_app
from knowledge.settings import PROJECT_DIR

log = logging.getLogger("bot.run")


def say(msg: str) -> None:
    print(f"[bot.run] {msg}", flush=True)


class Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to bot.run (two servers share a loop)."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[override]
        yield


def bind(host: str, port: int, what: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on connections whose socket
    # says IPPROTO_TCP (proto 0 is skipped), and accepted connections inherit it from here.
    # Without it, a response written as headers + body waits for the client's delayed ACK
    # (Nagle): ~40 ms on every keep-alive request to the app and to the action server.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise SystemExit(
            f"[bot.run] cannot listen on {host}:{port} for the {what}: {e.strerror}. "
            f"Is another copy running? Set JIZE_{'PORT' if what == 'app' else 'ACTION_PORT'} "
            "to use another port."
        ) from None
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) != 0


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


# Rasa's SQLTrackerStore with an in-memory cache (rasa_components/tracker_store.py); its
# JIZE_RASA_NO_PATCHES=tracker switch makes it the plain store.
CACHED_TRACKER_STORE = "rasa_components.tracker_store.CachedSQLTrackerStore"
# The project's Rasa entry point: Rasa's command line after rasa_components/patches.py.
RASA_ENTRY = ("-m", "rasa_components")


def rasa_command(settings: AppSettings) -> list[str]:
    """How to start Rasa: ``<Rasa's python> -m rasa_components`` (then Rasa's arguments); the
    python is the one beside ``JIZE_RASA_BIN``."""
    return [str(Path(settings.rasa_bin).with_name("python")), *RASA_ENTRY]


def rasa_env(base: dict[str, str] | None = None, patches: bool = True) -> dict[str, str]:
    """The environment ``rasa run`` gets (also used by the bench's bare-Rasa baseline).

    ``patches=False`` sets ``JIZE_RASA_NO_PATCHES=1``: rasa_components/patches.py changes
    nothing and its tracker store behaves as Rasa's own.
    """
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Two cores shared with the app's torch: TensorFlow's default is a pool of one thread per
    # core for each of intra- and inter-op work, for matrices of a few hundred numbers
    # (DIET, one message at a time), where handing work between threads costs more than it
    # saves. Whoever sets these variables keeps their values.
    for name in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS", "OMP_NUM_THREADS"):
        env.setdefault(name, "1")
    if not patches:
        env["JIZE_RASA_NO_PATCHES"] = "1"
    return env


# Rasa's Redis lock store, each lock change one Redis transaction (rasa_components/lock_store.py).
ATOMIC_REDIS_LOCK_STORE = "rasa_components.lock_store.AtomicRedisLockStore"


def cluster_stores(settings: AppSettings) -> dict[str, Any]:
    """The tracker and lock store sections of the replicas' endpoints file (cluster mode): Rasa's
    own SQL store on PostgreSQL (no cache: every turn reads the conversation from PostgreSQL
    under its lock, so a replica never answers from stale state) and the Redis lock store."""
    pg = urlparse(settings.tracker_store_url.get_secret_value())
    tracker: dict[str, Any] = {
        "type": "SQL",
        "dialect": "postgresql",
        "url": pg.hostname or "127.0.0.1",
        "port": pg.port or 5432,
        "db": (pg.path or "/").lstrip("/") or "rasa",
        "username": pg.username or "",
        "password": unquote(pg.password or ""),
    }
    out: dict[str, Any] = {"tracker_store": tracker}
    lock_url = settings.lock_store_url.get_secret_value()
    if lock_url:
        r = urlparse(lock_url)
        lock: dict[str, Any] = {
            "type": ATOMIC_REDIS_LOCK_STORE,
            "url": r.hostname or "127.0.0.1",
            "port": r.port or 6379,
            "db": int((r.path or "/0").lstrip("/") or 0),
            "key_prefix": "jize",
        }
        if r.password:
            lock["password"] = unquote(r.password)
        if r.username:
            lock["username"] = unquote(r.username)
        out["lock_store"] = lock
    return out


class RasaProcess:
    """``rasa run`` as a child process group (one replica in cluster mode)."""

    def __init__(self, settings: AppSettings, url: str | None = None) -> None:
        self.settings = settings
        self.url = (url or settings.rasa_url).rstrip("/")
        url = urlparse(self.url)
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or 5005
        # One log per Rasa port, so a test copy on other ports does not mix into the main log.
        self.log_path = settings.log_dir / ("rasa.log" if self.port == 5005 else f"rasa-{self.port}.log")
        self.proc: subprocess.Popen | None = None
        self._log = None

    def check(self) -> None:
        s = self.settings
        problems = []
        local = self.host in ("127.0.0.1", "localhost", "::1")
        if not local:
            problems.append(f"JIZE_RASA_URL={self.url} is not on this machine; use --no-rasa")
        if not Path(s.rasa_bin).exists():
            problems.append(f"Rasa is not installed at {s.rasa_bin} (run `make setup`)")
        models = sorted(Path(s.rasa_model_dir).glob("*.tar.gz"))
        if not models:
            problems.append(f"no trained Rasa model in {s.rasa_model_dir} (run `make train`)")
        if not Path(s.rasa_endpoints).exists():
            problems.append(f"{s.rasa_endpoints} is missing")
        if local and not port_free(self.host, self.port):
            problems.append(f"port {self.port} is already in use (another Rasa running?)")
        if problems:
            raise SystemExit("[bot.run] cannot start Rasa:\n  - " + "\n  - ".join(problems))

    def endpoints_file(self) -> Path:
        """The project's endpoints.yml with the action endpoint pointed at *our* action port.

        Rasa must call the action server this process serves (JIZE_ACTION_PORT), whatever port
        endpoints.yml names; the copy lives in <data_dir>/run/.
        """
        import yaml

        s = self.settings
        with open(s.rasa_endpoints, encoding="utf-8") as f:
            config = yaml.safe_load(f) or {}
        action = config.get("action_endpoint") or {}
        action["url"] = f"{s.action_url}/webhook"
        config["action_endpoint"] = action
        if s.cluster:
            config.update(cluster_stores(s))
            out = s.data_dir / "run" / f"endpoints-cluster-{s.action_port}.yml"
            out.parent.mkdir(parents=True, exist_ok=True)
            # it holds the database's and Redis's passwords: readable by this user only
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("# generated by bot.run (cluster mode) from " + str(s.rasa_endpoints) + "\n")
                f.write(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
            os.chmod(out, 0o600)
            return out
        # The SQL tracker store on SQLite lives in the data dir whatever endpoints.yml says
        # (its relative path is meant for a bare `rasa run` from the project root), and is
        # rasa_components/tracker_store.py's subclass, which keeps the conversations in use
        # in memory. endpoints.yml itself keeps Rasa's plain SQL store, for the commands that
        # keep no conversations (rasa test, rasa shell).
        tracker = config.get("tracker_store")
        if isinstance(tracker, dict) and str(tracker.get("type", "")).lower() == "sql":
            if str(tracker.get("dialect", "sqlite")).lower() == "sqlite":
                s.tracker_db.parent.mkdir(parents=True, exist_ok=True)
                tracker["db"] = str(s.tracker_db.resolve())
                tracker["type"] = CACHED_TRACKER_STORE
        out = s.data_dir / "run" / f"endpoints-{s.action_port}.yml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            "# generated by bot.run from "
            + str(s.rasa_endpoints)
            + "\n"
            + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        return out

    def command(self) -> list[str]:
        """The ``rasa run`` command line: REST channel only, bound to this machine, no HTTP API
        (no ``--enable-api``: /model/parse, /conversations/... do not exist) and no CORS."""
        s = self.settings
        return [
            *rasa_command(s),
            "run",
            "--connector",
            "rest",
            "-m",
            str(s.rasa_model_dir),
            "--endpoints",
            str(self.endpoints_file()),
            "-i",
            self.host,
            "-p",
            str(self.port),
            # Rasa's default is 3600 s; past the app's own timeout nobody waits for the answer,
            # so Rasa should not keep a worker (and the conversation's lock) busy with it.
            "--response-timeout",
            str(max(1, math.ceil(s.rasa_timeout))),
        ]

    def environment(self) -> dict[str, str]:
        """:func:`rasa_env`, plus this process's action port and, in cluster mode, how long a
        killed replica's claim on a conversation outlives it (Rasa's TICKET_LOCK_LIFETIME)."""
        env = rasa_env()
        env["JIZE_ACTION_PORT"] = str(self.settings.action_port)
        if self.settings.cluster:
            env["TICKET_LOCK_LIFETIME"] = str(self.settings.lock_lifetime)
        return env

    def start(self) -> None:
        s = self.settings
        s.log_dir.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        env = self.environment()
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        self._log.flush()
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(PROJECT_DIR),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def tail(self, n: int = 15) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    " + line for line in lines[-n:])

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is not None:
            stop_process_group(self.proc, timeout)
        if self._log:
            self._log.close()
            self._log = None


def stop_process_group(p: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM a child's process group, SIGKILL it if it lingers; nothing of the group is left."""
    if p.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)
    else:  # the leader is gone; make sure nothing of its group is left
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)


def make_servers(app: Any, action_app: Any, verbose: bool = False) -> tuple[Server, Server]:
    """uvicorn servers for the app and the action server (sockets are bound by :func:`bind`).

    uvicorn's own X-Forwarded-For handling is off (``proxy_headers=False``): the app reads the
    header itself, from JIZE_TRUSTED_PROXIES only (bot.clientaddr).
    """
    log_level = "info" if verbose else "warning"
    common = {"log_level": log_level, "access_log": verbose, "proxy_headers": False, "server_header": False}
    app_server = Server(uvicorn.Config(app, lifespan="on", timeout_keep_alive=30, **common))
    act_server = Server(uvicorn.Config(action_app, lifespan="off", **common))
    return app_server, act_server


PARTS = ("knowledge", "actions", "rasa")


async def wait_healthy(
    base: str,
    stop: asyncio.Event,
    timeout: float,
    rasa: RasaProcess | list[RasaProcess] | None,
    need: tuple[str, ...] = PARTS,
    app: Any = None,
) -> bool:
    """Poll /healthz until the ``need`` parts are up (and, with several Rasa replicas, every one
    of them); print what is still missing now and then."""
    procs = rasa if isinstance(rasa, list) else ([] if rasa is None else [rasa])
    started = time.monotonic()
    last, last_print = None, 0.0
    async with httpx.AsyncClient(trust_env=False) as http:
        while not stop.is_set():
            elapsed = time.monotonic() - started
            for proc in procs:
                if proc.returncode is not None:
                    say(
                        f"Rasa ({proc.url}) exited with code {proc.returncode} while starting; "
                        f"last lines of {proc.log_path}:"
                    )
                    print(proc.tail(), flush=True)
                    return False
            kb_error = getattr(app.state, "kb_error", None) if app is not None else None
            if kb_error:
                say(f"the knowledge base could not be loaded: {kb_error}")
                say("build it with `python -m knowledge build` (make setup), then start again")
                return False
            state = None
            try:
                r = await http.get(base + "/healthz", timeout=5.0)
                state = r.json()
            except (httpx.HTTPError, ValueError):
                pass
            if state and len(procs) > 1 and state.get("rasa"):
                waiting = [p.url for p in procs if not await _up(http, p.url)]
                if waiting:
                    state = {**state, "rasa": False, "replicas waiting": ", ".join(waiting)}
            if state and all(state.get(p) for p in need):
                missing = [p for p in PARTS if not state.get(p)]
                say(
                    f"{', '.join(need)} up after {elapsed:.0f} s"
                    + (f" ({', '.join(missing)} not reachable yet)" if missing else "")
                )
                return True
            if state != last or elapsed - last_print >= 15:
                parts = (
                    ", ".join(f"{k} {'ok' if state.get(k) else 'waiting'}" for k in PARTS)
                    if state
                    else "app starting"
                )
                say(f"waiting ({elapsed:.0f} s): {parts}")
                last, last_print = state, elapsed
            if elapsed > timeout:
                say(f"gave up after {timeout:.0f} s (JIZE_RASA_START_TIMEOUT)")
                for proc in procs:
                    print(proc.tail(), flush=True)
                return False
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    return False


async def _up(http: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await http.get(url + "/", timeout=2.0)).status_code == 200
    except httpx.HTTPError:
        return False


def check_knowledge(settings: AppSettings) -> None:
    """Refuse to start on a knowledge base that is missing or built from another source list.

    Cheap checks only (files and the source digest); anything else that stops the knowledge
    base from loading (another embedding model, a damaged index) is reported by the app's start.
    """
    from knowledge.store import KnowledgeStore, StoreError, source_digest

    fix = "build it with `python -m knowledge build` (or `make setup`), then start again"
    missing = [
        str(p)
        for p in (settings.knowledge_db, settings.index_dir / "index.json", settings.index_dir / "passages.faiss")
        if not p.exists()
    ]
    if missing:
        raise SystemExit(f"[bot.run] the knowledge base is not built ({', '.join(missing)} missing): {fix}")
    try:
        stale = KnowledgeStore(settings.knowledge_db).source_sha256 != source_digest(settings.source_path)
    except (StoreError, OSError) as e:
        raise SystemExit(f"[bot.run] the knowledge base cannot be read ({e}): {fix}") from None
    if stale:
        raise SystemExit(
            f"[bot.run] the knowledge base {settings.knowledge_db} is stale: it was built from another "
            f"version of {settings.source_path}; {fix}"
        )


async def amain(args: argparse.Namespace) -> int:
    settings = get_app_settings()
    check_knowledge(settings)
    try:
        token, token_file = ensure_admin_token(settings.admin_token.get_secret_value(), settings.data_dir)
    except AdminTokenError as e:
        raise SystemExit(f"[bot.run] {e}") from None
    settings.admin_token = SecretStr(token)
    token_where = "JIZE_ADMIN_TOKEN" if token_file is None else f"the file {token_file} (mode 0600)"
    if settings.action_timeout >= settings.rasa_timeout:
        say(
            f"warning: JIZE_ACTION_TIMEOUT ({settings.action_timeout:g} s) is not below JIZE_RASA_TIMEOUT "
            f"({settings.rasa_timeout:g} s): a slow action will end in 'service unavailable' instead "
            "of the fallback answer"
        )
    app_sock = bind(settings.host, settings.port, "app")
    act_sock = bind(settings.action_host, settings.action_port, "action server")

    # Rasa replicas this process starts: none with --no-rasa or when JIZE_RASA_URLS names
    # servers started elsewhere; one (JIZE_RASA_URL); in cluster mode JIZE_RASA_REPLICAS.
    replicas = [] if args.no_rasa or settings.rasa_urls else [RasaProcess(settings, u) for u in settings.replica_urls]
    if len(settings.replica_urls) > 1 and not settings.lock_store_url.get_secret_value():
        raise SystemExit(
            "[bot.run] several Rasa replicas need a shared lock store: set JIZE_LOCK_STORE_URL "
            "(redis://...), or JIZE_RASA_REPLICAS=1"
        )
    for proc in replicas:
        proc.check()
    rasa = replicas[0] if len(replicas) == 1 else (replicas or None)

    app = create_app(settings)
    try:
        from actions.report import build_executor

        executor = build_executor(args.actions_package)
    except Exception as e:
        log.exception("could not import the custom actions")
        raise SystemExit(
            f"[bot.run] cannot load the custom actions from '{args.actions_package}': {e}"
        ) from None
    say(f"{len(executor.actions)} custom actions registered from '{args.actions_package}'")
    action_app = create_action_app(executor, timeout=settings.action_timeout)
    app_server, act_server = make_servers(app, action_app, args.verbose)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals_seen = 0

    def on_signal(sig: int) -> None:
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            say(f"{signal.Signals(sig).name} received, stopping ...")
        else:
            app_server.force_exit = act_server.force_exit = True
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)

    for proc in replicas:
        say(f"starting Rasa on {proc.url} (log: {proc.log_path})")
        proc.start()
    if settings.cluster:
        lock = "Redis" if settings.lock_store_url.get_secret_value() else "in-memory (one replica)"
        say(
            f"cluster mode: {len(settings.replica_urls)} Rasa replica(s) on PostgreSQL's tracker store, "
            f"lock store {lock}"
        )
    say(
        f"starting app on {settings.host}:{settings.port} and action server on "
        f"{settings.action_host}:{settings.action_port}; loading the knowledge base ..."
    )
    tasks = {
        asyncio.create_task(app_server.serve(sockets=[app_sock]), name="app"),
        asyncio.create_task(act_server.serve(sockets=[act_sock]), name="actions"),
    }
    code = 0
    shown = "localhost" if settings.host in ("127.0.0.1", "0.0.0.0", "::") else settings.host
    base_local = (
        f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}"
    )
    try:
        need = PARTS if replicas else ("knowledge", "actions")
        app.state.replica_pids = {p.url: p.proc.pid for p in replicas if p.proc is not None}
        health = asyncio.create_task(
            wait_healthy(base_local, stop, settings.rasa_start_timeout, rasa, need, app)
        )
        done, _ = await asyncio.wait(tasks | {health}, return_when=asyncio.FIRST_COMPLETED)
        if health not in done:
            health.cancel()
            say("a server stopped during start-up")
            code = 1
        elif not health.result():
            code = 0 if stop.is_set() else 1
        else:
            url = f"http://{shown}:{settings.port}"
            say(f"ready: {url}/  (agent console {url}/agent, service station {url}/station)")
            say(f"staff console: {url}/agent  — its admin token is in {token_where}")
            say("press Ctrl-C to stop")
            if len(replicas) > 1:
                code = await supervise_replicas(replicas, stop, tasks, args.max_restarts, app)
            else:
                code = await supervise(rasa, stop, tasks, args.max_restarts, settings, base_local, app)
    finally:
        app_server.should_exit = act_server.should_exit = True
        if replicas:
            say("stopping Rasa ...")
            await asyncio.gather(*(asyncio.to_thread(p.stop) for p in replicas))
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for r in results:
            if isinstance(r, SystemExit) or (
                isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError)
            ):
                code = code or 1
        for sock in (app_sock, act_sock):
            sock.close()
        say("stopped")
    return code


async def supervise(rasa, stop, tasks, max_restarts, settings, base, app=None) -> int:
    restarts = 0
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 2.0)
        if any(t.done() for t in tasks):
            say("a server stopped unexpectedly")
            return 1
        if rasa is None or rasa.returncode is None or stop.is_set():
            continue
        say(
            f"Rasa stopped unexpectedly (exit code {rasa.returncode}); chat answers 503 meanwhile. "
            f"Last lines of {rasa.log_path}:"
        )
        print(rasa.tail(), flush=True)
        if restarts >= max_restarts:
            say(f"Rasa died {restarts + 1} times; giving up")
            return 1
        restarts += 1
        await asyncio.to_thread(rasa.stop)
        say(f"restarting Rasa ({restarts}/{max_restarts}) ...")
        rasa.start()
        if app is not None:
            app.state.replica_pids = {rasa.url: rasa.proc.pid}
        if not await wait_healthy(base, stop, settings.rasa_start_timeout, rasa):
            return 0 if stop.is_set() else 1
        say("Rasa is back")
    return 0


async def supervise_replicas(replicas: list[RasaProcess], stop, tasks, max_restarts: int, app: Any) -> int:
    """Restart a replica that died (at most ``max_restarts`` times each); the others answer its
    conversations meanwhile (bot.rasa_pool). Gives up when every replica is gone for good."""
    restarts = {p.url: 0 for p in replicas}
    abandoned: set[str] = set()
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
        if any(t.done() for t in tasks):
            say("a server stopped unexpectedly")
            return 1
        if stop.is_set():
            break
        for proc in replicas:
            if proc.url in abandoned or proc.returncode is None:
                continue
            say(
                f"Rasa replica {proc.url} stopped unexpectedly (exit code {proc.returncode}); "
                f"the other replicas take its conversations. Last lines of {proc.log_path}:"
            )
            print(proc.tail(5), flush=True)
            await asyncio.to_thread(proc.stop)
            if restarts[proc.url] >= max_restarts:
                say(f"Rasa replica {proc.url} died {restarts[proc.url] + 1} times; not restarting it")
                abandoned.add(proc.url)
                app.state.replica_pids.pop(proc.url, None)
                continue
            restarts[proc.url] += 1
            say(f"restarting Rasa replica {proc.url} ({restarts[proc.url]}/{max_restarts}) ...")
            proc.start()
            app.state.replica_pids[proc.url] = proc.proc.pid
        if len(abandoned) == len(replicas):
            say("every Rasa replica is gone; giving up")
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bot.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--no-rasa", action="store_true", help="do not start Rasa (it runs elsewhere)")
    ap.add_argument("--max-restarts", type=int, default=3, help="times to restart a Rasa that died")
    ap.add_argument("--actions-package", default="actions", help="package with the custom actions")
    ap.add_argument("-v", "--verbose", action="store_true", help="uvicorn info and access logs")
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(amain(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
