"""The baseline: a bare Rasa 3.6 server with the trivial model of bench/baseline/.

The model is trained once into ``<data_dir>/bench/baseline-model/`` and kept while the hash of
its inputs (bench/baseline/**, requirements-rasa.txt) is unchanged. ``rasa run`` is started on
a free loopback port with the REST channel only and the same environment (thread settings)
that ``bot.run`` gives our Rasa: one process, one Sanic worker, like ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import time
from pathlib import Path

import httpx

from bot.core.config import AppSettings
from bot.run import rasa_env, stop_process_group
from bot.testing import free_port
from knowledge.settings import PROJECT_DIR

BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
MODEL_NAME = "baseline"


def inputs_hash() -> str:
    h = hashlib.sha256()
    files = sorted(p for p in BASELINE_DIR.rglob("*") if p.is_file())
    files.append(PROJECT_DIR / "requirements-rasa.txt")
    for f in files:
        if f.exists():
            h.update(str(f.relative_to(PROJECT_DIR)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def model_dir(settings: AppSettings) -> Path:
    return settings.data_dir / "bench" / "baseline-model"


def ensure_model(settings: AppSettings, log=print) -> dict:
    """Train the baseline model unless the cached one matches the inputs' hash."""
    out = model_dir(settings)
    model = out / f"{MODEL_NAME}.tar.gz"
    stamp = out / f"{MODEL_NAME}.stamp"
    digest = inputs_hash()
    if model.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return {"model": str(model), "trained": False, "train_seconds": None}
    out.mkdir(parents=True, exist_ok=True)
    env = rasa_env(patches=False)
    # Rasa's training cache lives in the working directory's .rasa/ by default: keep it apart.
    env["RASA_CACHE_DIRECTORY"] = str(out / ".rasa-cache")
    cmd = [str(settings.rasa_bin), "train", "--config", str(BASELINE_DIR / "config.yml"),
           "--domain", str(BASELINE_DIR / "domain.yml"), "--data", str(BASELINE_DIR / "data"),
           "--out", str(out), "--fixed-model-name", MODEL_NAME, "--force"]
    log(f"training the baseline model into {out} ...")
    started = time.perf_counter()
    with open(out / "train.log", "wb") as f:
        proc = subprocess.run(cmd, cwd=str(out), env=env, stdin=subprocess.DEVNULL,
                              stdout=f, stderr=subprocess.STDOUT, timeout=900)
    seconds = time.perf_counter() - started
    if proc.returncode != 0 or not model.exists():
        tail = (out / "train.log").read_text(errors="replace").splitlines()[-20:]
        raise RuntimeError("baseline training failed:\n" + "\n".join(tail))
    stamp.write_text(digest + "\n")
    return {"model": str(model), "trained": True, "train_seconds": round(seconds, 1)}


class BareRasa:
    """``rasa run`` with the baseline model on a free port; stopped on exit."""

    def __init__(self, settings: AppSettings, model: str, start_timeout: float = 300.0) -> None:
        self.settings = settings
        self.model = str(Path(model).resolve())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    def start(self) -> BareRasa:
        out = Path(self.model).parent
        self.log_path = out / "rasa-run.log"
        self._log = open(self.log_path, "wb")
        cmd = [str(self.settings.rasa_bin), "run", "--connector", "rest", "-m", self.model,
               "-i", "127.0.0.1", "-p", str(self.port)]
        started = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=str(out), env=rasa_env(patches=False), stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bare rasa exited with {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.post(self.url + "/webhooks/rest/webhook", json={"sender": "bench-warmup",
                               "message": "你好"}, timeout=30, trust_env=False)
                if r.status_code == 200 and r.json():
                    self.startup_seconds = time.monotonic() - started
                    return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"bare rasa did not answer in time:\n{self.tail()}")

    def tail(self, n: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    def stop(self) -> None:
        if self.proc is None:
            return
        stop_process_group(self.proc, 20)
        self._log.close()
        self.proc = None

    def __enter__(self) -> BareRasa:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
