"""The test harness: the real system (``python -m bot.run``) on free ports for end-to-end and
browser tests (the benchmarks in bench/ reuse it), and prerequisites that skip locally but fail
in CI.

    with RunningSystem(app_db=tmp / "app.db") as system:
        httpx.post(system.url + "/api/chat", json={...})

It picks free ports for the app, the action server and Rasa, so a copy already running on
the default ports is left alone; the knowledge base and the trained Rasa model come from the
usual settings (``JIZE_DATA_DIR``, ``JIZE_RASA_MODEL_DIR``), the tickets and logs go to
``app_db``. :func:`missing_parts` says what is not built yet, and :func:`need` skips a test
with that reason, or fails it when ``JIZE_E2E_REQUIRED=1``, instead of timing out.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bot.core.config import AppSettings
from knowledge.settings import PROJECT_DIR
from tests.stub_server import json_server  # noqa: F401 (the tests' stand-in services, here as before)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_pair() -> int:
    """A free port whose successor is free too (a second Rasa replica listens on the next one)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


def missing_parts(settings: AppSettings | None = None) -> list[str]:
    """What the real system needs and does not have (empty when it can start)."""
    s = settings or AppSettings()
    missing = []
    if not Path(s.rasa_bin).exists():
        missing.append(f"Rasa ({s.rasa_bin})")
    if not any(Path(s.rasa_model_dir).glob("*.tar.gz")):
        missing.append(f"a trained Rasa model in {s.rasa_model_dir}")
    if not s.knowledge_db.exists():
        missing.append(f"the knowledge base {s.knowledge_db}")
    return missing


def _hex_addr(text: str) -> tuple[str, int]:
    """An address from /proc/net/tcp{,6}: little-endian hex words, then the port."""
    import ipaddress

    host, port = text.split(":")
    raw = bytes.fromhex(host)
    # each 32-bit word is in host (little-endian) order
    raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(raw)), int(port, 16)


def listening_addresses(pids: list[int]) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket the given processes listen on (Linux /proc)."""
    inodes: set[str] = set()
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(FileNotFoundError, PermissionError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    cols = line.split()
                    if cols[3] == "0A" and cols[9] in inodes:  # TCP_LISTEN
                        out.append(_hex_addr(cols[1]))
    return sorted(set(out))


class RunningSystem:
    """``python -m bot.run`` as a child process on free ports; stopped on exit."""

    def __init__(
        self,
        app_db: Path | None = None,
        admin_token: str = "e2e-admin-token",
        env: dict[str, str] | None = None,
        start_timeout: float = 300.0,
        module: str = "bot.run",
    ) -> None:
        self.module = module  # or "bot.cluster" (make run-cluster)
        self.port, self.action_port, self.rasa_port = free_port(), free_port(), free_port()
        self.admin_token = admin_token
        self.start_timeout = start_timeout
        self.env = dict(os.environ)
        self.env.update(
            {
                "JIZE_HOST": "127.0.0.1",
                "JIZE_PORT": str(self.port),
                "JIZE_ACTION_PORT": str(self.action_port),
                "JIZE_RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
                "JIZE_ADMIN_TOKEN": admin_token,
                "JIZE_RASA_START_TIMEOUT": str(start_timeout),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if app_db is not None:
            self.env["JIZE_APP_DB_PATH"] = str(app_db)
            # Rasa's tracker store beside it, so a test run never mixes into var/rasa-tracker.db.
            self.env.setdefault("JIZE_RASA_TRACKER_DB", str(Path(app_db).with_name("rasa-tracker.db")))
        self.env.update(env or {})
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.output: list[str] = []
        self.startup_seconds: float | None = None

    def start(self) -> RunningSystem:
        log_path = Path(self.env.get("JIZE_APP_DB_PATH", "/tmp/bot-run.db")).with_suffix(".run.log")
        self._log = open(log_path, "w", encoding="utf-8")
        self.log_path = log_path
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module],
            cwd=str(PROJECT_DIR),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        atexit.register(self.stop)
        deadline = started + self.start_timeout + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bot.run exited with {self.proc.returncode}:\n{self.log_tail()}")
            # Ready when bot.run says so: its start-up check polls /healthz once a second, and
            # only after it has seen everything up does it supervise (restart) Rasa - a test
            # that stops Rasa in between would see bot.run give up as after a failed start.
            if self._said_ready():
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    health = httpx.get(self.url + "/healthz", timeout=5, trust_env=False).json()
                    if health.get("status") == "ok":
                        self.startup_seconds = time.monotonic() - started
                        return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the system did not become healthy in time:\n{self.log_tail()}")

    def _said_ready(self) -> bool:
        with contextlib.suppress(OSError):
            return any(line.startswith("[bot.run] ready: ") for line in self.log_path.read_text(
                encoding="utf-8", errors="replace").splitlines())
        return False

    def log_tail(self, n: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        return ""

    def stop(self) -> int | None:
        p = self.proc
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(40)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
        self._log.close()
        self.proc = None
        return p.returncode

    def children(self) -> list[int]:
        """Process ids of bot.run's child processes (Rasa)."""
        if self.proc is None:
            return []
        out: list[int] = []
        with contextlib.suppress(FileNotFoundError):
            for task in os.listdir(f"/proc/{self.proc.pid}/task"):
                with open(f"/proc/{self.proc.pid}/task/{task}/children") as f:
                    out += [int(x) for x in f.read().split()]
        return out

    def rasa_pid(self) -> int | None:
        for pid in self.children():
            with contextlib.suppress(FileNotFoundError):
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if b"rasa" in f.read():
                        return pid
        return None

    def wait_healthy(self, timeout: float = 300.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=10, trust_env=False).status_code == 200:
                    return True
            time.sleep(1)
        return False

    def chat(self, sender_id: str, message: str, **kw: Any) -> httpx.Response:
        return httpx.post(
            self.url + "/api/chat",
            json={"sender_id": sender_id, "message": message},
            timeout=60,
            trust_env=False,
            **kw,
        )

    def __enter__(self) -> RunningSystem:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def need(ok: object, msg: str) -> None:
    """Skip the test with ``msg`` when a prerequisite is missing (``ok`` is false), or fail it
    when ``JIZE_E2E_REQUIRED=1`` (CI): there, a missing prerequisite is an error, not a skip
    that nobody sees."""
    if ok:
        return
    import pytest  # only tests call this; bench imports the rest of the module

    if os.environ.get("JIZE_E2E_REQUIRED") == "1":
        pytest.fail(msg)
    pytest.skip(msg)
