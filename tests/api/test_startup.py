"""``python -m bot.run --no-rasa`` as a person starts it (subprocess, fake embedder, temp data
dir): a missing or stale knowledge base stops the start with a message naming
``python -m knowledge build``; a built one starts, listening on 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from knowledge.settings import DEFAULT_SOURCE, PROJECT_DIR
from tests.harness import free_port, listening_addresses

FIX = "python -m knowledge build"


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIZE_")}
    env.update(
        {
            "JIZE_DATA_DIR": str(data_dir),
            "JIZE_EMBEDDING_MODEL": "fake:64",
            "JIZE_HOST": "127.0.0.1",
            "JIZE_PORT": str(free_port()),
            "JIZE_ACTION_PORT": str(free_port()),
            "JIZE_RASA_URL": f"http://127.0.0.1:{free_port()}",
            "JIZE_RASA_START_TIMEOUT": "60",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def run_bot(env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.run", "--no-rasa"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def build(env: dict[str, str]) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "knowledge", "build"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A data dir with a fake-embedder knowledge base built from a copy of the source list."""
    data = tmp_path_factory.mktemp("startup-data")
    source = data / "list.txt"
    shutil.copy(DEFAULT_SOURCE, source)
    build(env_for(data, JIZE_SOURCE_PATH=str(source)))
    return data, source


def test_missing_index_stops_the_start_with_the_fix(tmp_path):
    t0 = time.monotonic()
    r = run_bot(env_for(tmp_path))
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert FIX in out and "not built" in out, out
    assert "Traceback" not in out
    assert time.monotonic() - t0 < 30


def test_missing_faiss_index_only(built, tmp_path):
    data, source = built
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    (copy / "index" / "passages.faiss").unlink()
    r = run_bot(env_for(copy, JIZE_SOURCE_PATH=str(source)))
    assert r.returncode != 0 and FIX in r.stdout + r.stderr and "passages.faiss" in r.stdout + r.stderr


def test_stale_index_stops_the_start_with_the_fix(built, tmp_path):
    data, source = built
    changed = tmp_path / "list.txt"
    changed.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    r = run_bot(env_for(data, JIZE_SOURCE_PATH=str(changed)))
    out = r.stdout + r.stderr
    assert r.returncode != 0 and FIX in out and "stale" in out, out


def test_index_of_another_model_stops_the_start_with_the_fix(built):
    data, source = built
    r = run_bot(env_for(data, JIZE_SOURCE_PATH=str(source), JIZE_EMBEDDING_MODEL="fake:32"))
    out = r.stdout + r.stderr
    assert r.returncode != 0 and FIX in out, out


def test_built_index_starts_on_loopback_only(built):
    data, source = built
    env = env_for(data, JIZE_SOURCE_PATH=str(source))
    port, action_port = int(env["JIZE_PORT"]), int(env["JIZE_ACTION_PORT"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.run", "--no-rasa"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        ready = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                state = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2, trust_env=False).json()
                if state.get("knowledge") and state.get("actions"):
                    ready = True
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        assert ready, proc.stdout.read() if proc.poll() is not None else "not ready in time"
        addrs = listening_addresses([proc.pid])
        assert ("127.0.0.1", port) in addrs and ("127.0.0.1", action_port) in addrs
        assert all(host == "127.0.0.1" for host, _ in addrs), addrs
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
