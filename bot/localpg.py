"""A private PostgreSQL server for ``make run-cluster`` and the tests: Debian's PostgreSQL
binaries, a data directory of its own, listening on 127.0.0.1 (a free port) and on a unix
socket in that directory, password authentication over TCP.

    pg = LocalPostgres(root=data_dir / "cluster" / "postgresql")
    pg.start()          # initdb on first use, then pg_ctl start; waits until it accepts
    pg.url              # postgresql://jize:<password>@127.0.0.1:<port>/jize
    pg.stop()           # pg_ctl stop -m fast

PostgreSQL refuses to run as root: as root, the server and initdb run as the ``postgres``
user (created by Debian's package), which then owns the directory.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
USER = "jize"
DATABASE = "jize"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed, or the private server did not start."""


def find_bin_dir() -> Path:
    """The newest Debian PostgreSQL bin directory with initdb and pg_ctl (``JIZE_PG_BIN`` wins)."""
    configured = os.environ.get("JIZE_PG_BIN")
    candidates = [configured] if configured else sorted(glob.glob(PG_BIN_GLOB), key=_version, reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin): "
        "`make cluster-deps` (apt-get install postgresql redis-server)"
    )


def _version(path: str) -> int:
    with contextlib.suppress(ValueError):
        return int(Path(path).parent.name)
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgres:
    def __init__(self, root: Path, port: int | None = None, bin_dir: Path | None = None) -> None:
        self.root = Path(root)
        self.data = self.root / "data"
        self.port = port or free_port()
        self.bin_dir = bin_dir or find_bin_dir()
        self.log_path = self.root / "postgresql.log"
        self.password_file = self.root / "password"
        self.run_as = "postgres" if os.geteuid() == 0 else None

    # ------------------------------------------------------------------ helpers
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            user=self.run_as,
            cwd="/",
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=check,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
            start_new_session=True,  # Ctrl-C in the terminal is for bot.cluster, which stops it
        )

    def _chown(self, path: Path) -> None:
        if self.run_as:
            pw = pwd.getpwnam(self.run_as)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    @property
    def password(self) -> str:
        return self.password_file.read_text(encoding="utf-8").strip()

    @property
    def url(self) -> str:
        return f"postgresql://{USER}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{DATABASE}"

    # ------------------------------------------------------------------ life
    def init(self) -> None:
        """Create the cluster once: user ``jize`` (password in ``root/password``), database
        ``jize``; TCP connections need the password, the unix socket is the owner's only."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        self._chown(self.root)
        if self.run_as:
            closed = [str(p) for p in self.root.resolve().parents if not p.stat().st_mode & 0o001]
            if closed:
                raise PostgresUnavailable(
                    f"PostgreSQL runs as the user {self.run_as!r}, which cannot reach {self.root}: "
                    f"{', '.join(closed)} is closed to other users; choose a data directory it can reach"
                )
        if (self.data / "PG_VERSION").exists():
            return
        if self.data.exists():
            shutil.rmtree(self.data)
        if not self.password_file.exists():
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24))
        self._chown(self.password_file)
        try:
            self._run(
                "initdb", "-D", str(self.data), "-U", USER, "-E", "UTF8", "--locale=C.UTF-8",
                "--auth-local=peer", "--auth-host=scram-sha-256", f"--pwfile={self.password_file}",
            )
        except subprocess.CalledProcessError as e:
            raise PostgresUnavailable(f"initdb failed: {e.stderr.strip() or e.stdout.strip()}") from None

    def start(self, timeout: float = 60.0) -> LocalPostgres:
        self.init()
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c max_connections=200 -c shared_buffers=64MB -c fsync=on"
        )
        self.log_path.touch()
        self._chown(self.log_path)
        try:
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", opts, "-w",
                      "-t", str(int(timeout)), "start")
        except subprocess.CalledProcessError as e:
            raise PostgresUnavailable(
                f"PostgreSQL did not start: {e.stdout.strip()} {e.stderr.strip()} (log: {self.log_path})"
            ) from None
        self._wait(timeout)
        self._create_database()
        return self

    def _create_database(self) -> None:
        import psycopg

        admin = self.url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.2)
        raise PostgresUnavailable(f"PostgreSQL is not accepting connections on port {self.port}")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
