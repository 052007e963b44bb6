"""A private Redis server for ``make run-cluster`` and the tests: Debian's ``redis-server``,
listening on 127.0.0.1 (a free port) with a password, no persistence (it holds Rasa's
conversation locks and the rate-limit counters, both short-lived).

    redis = LocalRedis(root=data_dir / "cluster" / "redis").start()
    redis.url           # redis://:<password>@127.0.0.1:<port>/0
    redis.stop()
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from bot.localpg import free_port


class RedisUnavailable(RuntimeError):
    """redis-server is not installed, or it did not start."""


class LocalRedis:
    def __init__(self, root: Path, port: int | None = None, binary: str | None = None) -> None:
        self.root = Path(root)
        self.port = port or free_port()
        self.binary = binary or shutil.which("redis-server") or "/usr/bin/redis-server"
        self.password = secrets.token_urlsafe(24)
        self.log_path = self.root / "redis.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://:{quote(self.password, safe='')}@127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20.0) -> LocalRedis:
        if not Path(self.binary).exists():
            raise RedisUnavailable(
                "redis-server is not installed: `make cluster-deps` (apt-get install postgresql redis-server)"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        conf = self.root / "redis.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds the password
        with os.fdopen(fd, "w") as f:
            f.write(
                f"bind 127.0.0.1\nport {self.port}\nrequirepass {self.password}\nsave \"\"\n"
                f"appendonly no\ndir {self.root}\nlogfile {self.log_path}\ndaemonize no\n"
                "protected-mode yes\n"
            )
        self.proc = subprocess.Popen(
            [self.binary, str(conf)], cwd=str(self.root), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RedisUnavailable(f"redis-server exited with {self.proc.returncode} (log: {self.log_path})")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(f"AUTH {self.password}\r\nPING\r\n".encode())
                if b"PONG" in s.recv(100):
                    return self
            time.sleep(0.1)
        self.stop()
        raise RedisUnavailable(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        p = self.proc
        if p is None:
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        self.proc = None

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
