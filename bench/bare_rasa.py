"""The baselines: a bare Rasa 3.6 server with a trivial model, one per bench/baseline/<name>/.

* ``default`` (the goal baseline): Rasa 3.6's default pipeline and policies (DIET, TED,
  UnexpecTED, ...), written out in bench/baseline/default/config.yml, on a project that answers
  one intent with one response. This is "a bare Rasa 3.6 server with a trivial model" as the
  benchmark issue measured it (~24 messages/s with 8 clients on 2 cores); the goals' ratios are
  taken against it.
* ``minimal`` (reported for transparency): the cheapest pipeline Rasa has (a keyword intent
  classifier and RulePolicy, no TensorFlow model); the bench's baseline before it had two.

Each model is trained once into ``<data_dir>/bench/baseline-<name>-model/`` and kept while the
hash of its inputs (bench/baseline/<name>/**, requirements-rasa.txt) is unchanged, independently
of the other. ``rasa run`` is started on a free loopback port with the REST channel only and
the same environment (thread settings) that ``bot.run`` gives our Rasa: one process, one Sanic
worker, like ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.core.config import AppSettings
from bot.run import rasa_env, stop_process_group
from knowledge.settings import PROJECT_DIR
from tests.harness import free_port

BASELINES_DIR = Path(__file__).resolve().parent / "baseline"


@dataclass(frozen=True)
class Baseline:
    name: str
    title: str  # one line for the report

    @property
    def dir(self) -> Path:
        return BASELINES_DIR / self.name

    @property
    def model_name(self) -> str:
        return f"baseline-{self.name}"


BASELINES: dict[str, Baseline] = {
    b.name: b
    for b in (
        Baseline("default", "Rasa 3.6 default config (DIET + TED), one intent, REST"),
        Baseline("minimal", "keyword classifier + RulePolicy, no TF model, one intent, REST"),
    )
}
GOAL_BASELINE = "default"  # the goals' ratios are taken against this one


def get(name: str) -> Baseline:
    try:
        return BASELINES[name]
    except KeyError:
        raise ValueError(f"unknown baseline {name!r}; known: {', '.join(BASELINES)}") from None


def inputs_hash(baseline: Baseline) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in baseline.dir.rglob("*") if p.is_file())
    files.append(PROJECT_DIR / "requirements-rasa.txt")
    for f in files:
        if f.exists():
            h.update(str(f.relative_to(PROJECT_DIR)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def model_dir(settings: AppSettings, baseline: Baseline) -> Path:
    return settings.data_dir / "bench" / f"baseline-{baseline.name}-model"


def ensure_model(settings: AppSettings, baseline: Baseline, log=print) -> dict:
    """Train the baseline's model unless the cached one matches its inputs' hash."""
    out = model_dir(settings, baseline)
    model = out / f"{baseline.model_name}.tar.gz"
    stamp = out / f"{baseline.model_name}.stamp"
    digest = inputs_hash(baseline)
    info = {
        "baseline": baseline.name,
        "config": str(baseline.dir.relative_to(PROJECT_DIR)),
        "inputs_sha256": digest,
        "model": str(model),
    }
    if model.exists() and stamp.exists() and stamp.read_text().split()[:1] == [digest]:
        # the training time of the cached model, as recorded when it was trained
        recorded = stamp.read_text().split()[1:2]
        return {**info, "trained": False, "train_seconds": float(recorded[0]) if recorded else None}
    out.mkdir(parents=True, exist_ok=True)
    env = rasa_env(patches=False)
    # Rasa's training cache lives in the working directory's .rasa/ by default: keep it apart.
    env["RASA_CACHE_DIRECTORY"] = str(out / ".rasa-cache")
    d = baseline.dir
    cmd = [
        str(settings.rasa_bin),
        "train",
        "--config",
        str(d / "config.yml"),
        "--domain",
        str(d / "domain.yml"),
        "--data",
        str(d / "data"),
        "--out",
        str(out),
        "--fixed-model-name",
        baseline.model_name,
        "--force",
    ]
    log(f"training the {baseline.name} baseline model into {out} ...")
    started = time.perf_counter()
    with open(out / "train.log", "wb") as f:
        proc = subprocess.run(
            cmd,
            cwd=str(out),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=f,
            stderr=subprocess.STDOUT,
            timeout=1800,
        )
    seconds = round(time.perf_counter() - started, 1)
    if proc.returncode != 0 or not model.exists():
        tail = (out / "train.log").read_text(errors="replace").splitlines()[-20:]
        raise RuntimeError(f"{baseline.name} baseline training failed:\n" + "\n".join(tail))
    stamp.write_text(f"{digest} {seconds}\n")
    log(f"  trained in {seconds:.0f} s")
    return {**info, "trained": True, "train_seconds": seconds}


class BareRasa:
    """``rasa run`` with a baseline model on a free port; stopped on exit."""

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
        cmd = [
            str(self.settings.rasa_bin),
            "run",
            "--connector",
            "rest",
            "-m",
            self.model,
            "-i",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(out),
            env=rasa_env(patches=False),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = started + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bare rasa exited with {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.post(
                    self.url + "/webhooks/rest/webhook",
                    json={"sender": "bench-warmup", "message": "你好"},
                    timeout=30,
                    trust_env=False,
                )
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
