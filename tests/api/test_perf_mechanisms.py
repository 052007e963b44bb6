"""The mechanisms bench/ found and fixed stay fixed (figures: bench/README.md).

* the app's and the action server's listening sockets give their connections TCP_NODELAY
  (without it every keep-alive response waited ~40 ms for a delayed ACK);
* ``rasa run`` is started through the project's entry point (``python -m rasa_components``,
  which applies rasa_components/patches.py) with one-thread TensorFlow pools;
* rasa_components/patches.py (run by Rasa's Python 3.10): jsonschema.validate gives the
  same answers while checking each schema once, and Rasa's SQLite tracker store runs in WAL
  mode with synchronous=NORMAL and keeps its WAL between sessions.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import textwrap
from pathlib import Path

from bot.core.config import AppSettings
from bot.run import RasaProcess, bind, rasa_env
from tests.harness import need

RASA_PY = Path(__file__).resolve().parents[2] / ".venv-rasa" / "bin" / "python"


def test_listening_socket_gives_connections_tcp_nodelay():
    sock = bind("127.0.0.1", 0, "app")
    port = sock.getsockname()[1]
    seen: dict[str, int] = {}

    async def main() -> None:
        done = asyncio.Event()

        async def handle(reader, writer):
            seen["nodelay"] = writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            writer.close()
            done.set()

        server = await asyncio.start_server(handle, sock=sock)
        async with server:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            await asyncio.wait_for(done.wait(), 5)
            w.close()

    asyncio.run(main())
    assert seen["nodelay"], "accepted connections must have TCP_NODELAY (asyncio sets it only for IPPROTO_TCP sockets)"


def test_rasa_env_has_thread_caps_and_the_patch_switch(monkeypatch):
    monkeypatch.delenv("TF_INTRA_OP_PARALLELISM_THREADS", raising=False)
    env = rasa_env({"PYTHONPATH": "/elsewhere", "OMP_NUM_THREADS": "3"})
    assert env["PYTHONPATH"] == "/elsewhere"  # nothing is slipped in: the entry point applies the patches
    assert "JIZE_RASA_NO_PATCHES" not in env
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    assert env["TF_INTER_OP_PARALLELISM_THREADS"] == "1"
    assert env["OMP_NUM_THREADS"] == "3"  # a value someone set is kept
    assert rasa_env({}, patches=False)["JIZE_RASA_NO_PATCHES"] == "1"


def test_rasa_is_started_through_the_project_entry_point(tmp_path):
    settings = AppSettings(data_dir=tmp_path, rasa_bin=tmp_path / "venv" / "bin" / "rasa")
    cmd = RasaProcess(settings).command()
    assert cmd[:4] == [str(tmp_path / "venv" / "bin" / "python"), "-m", "rasa_components", "run"]


def test_every_rasa_script_runs_the_project_entry_point():
    """The Rasa that CI validates and tests (scripts/) is the Rasa bot.run serves."""
    scripts = Path(__file__).resolve().parents[2] / "scripts"
    for name in ("rasa_train.sh", "rasa_checks.sh", "rasa_nlu_eval.sh"):
        text = (scripts / name).read_text(encoding="utf-8")
        assert "-m rasa_components" in text, name
        assert ".venv-rasa/bin/rasa" not in text, name


def _rasa_python(code: str, tmp_path: Path) -> str:
    need(RASA_PY.exists(), f"Rasa's environment is not installed ({RASA_PY})")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env.pop("JIZE_RASA_NO_PATCHES", None)
    # what `python -m rasa_components` does before Rasa starts
    code = "from rasa_components import patches\nassert patches.apply() == ['jsonschema', 'sqlite', 'sessions', 'graphs']\n" + textwrap.dedent(code)
    out = subprocess.run([str(RASA_PY), "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_cached_jsonschema_validate_gives_the_same_answers(tmp_path):
    out = _rasa_python(
        """
        import jsonschema
        assert jsonschema.validate._jize_cached
        schema = {"type": "object", "properties": {"events": {"type": "array"},
                  "responses": {"type": "array", "items": {"type": "object"}}}}
        for instance in ({"events": [], "responses": [{"text": "x"}]}, {"events": 5}, {"responses": [3]}):
            try:
                jsonschema.validate(instance, schema)
                print("ok")
            except jsonschema.ValidationError as e:
                print("error", e.message)
        try:
            jsonschema.validate({}, {"type": "no-such-type"})
        except jsonschema.SchemaError:
            print("schema error")
        """,
        tmp_path,
    )
    assert out.split("\n")[:4] == ["ok", "error 5 is not of type 'array'", "error 3 is not of type 'object'",
                                   "schema error"]


def test_rasa_sqlite_tracker_store_runs_in_wal(tmp_path):
    out = _rasa_python(
        """
        import os, sqlalchemy as sa
        engine = sa.create_engine("sqlite:///tracker.db")
        for _ in range(3):
            with engine.begin() as c:
                c.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (a TEXT)")
                c.exec_driver_sql("INSERT INTO t VALUES ('x')")
        with engine.connect() as c:
            print(c.exec_driver_sql("PRAGMA journal_mode").scalar(), c.exec_driver_sql("PRAGMA synchronous").scalar())
        print(os.path.exists("tracker.db-wal"))
        """,
        tmp_path,
    )
    mode, sync, wal_kept = out.split()[:3]
    assert (mode, sync) == ("wal", "1")  # 1 = NORMAL
    assert wal_kept == "True"  # not checkpointed and deleted after every session


def test_rasa_keeps_one_connection_to_the_action_server(tmp_path):
    """Every custom action is an EndpointConfig.request: with the patch, consecutive calls go
    over one keep-alive connection (Rasa's own code opens and closes one per call)."""
    out = _rasa_python(
        """
        import asyncio, json
        from rasa.utils.endpoints import EndpointConfig
        from tests.stub_server import json_server

        seen = []

        async def main(url):
            endpoint = EndpointConfig(f"{url}/webhook", headers={"X-Token": "t"})
            return [await endpoint.request(json={"n": n}, method="post") for n in range(3)]

        with json_server(lambda body: {"echo": body["n"]}, seen) as url:
            answers = asyncio.run(main(url))
        print(json.dumps([{**a, "auth": s["headers"].get("X-Token")} for a, s in zip(answers, seen)]))
        print(len({s["peer"] for s in seen}))
        """,
        tmp_path,
    )
    answers, connections = out.split("\n")[:2]
    assert json.loads(answers) == [{"echo": n, "auth": "t"} for n in range(3)]
    assert connections == "1"


def test_rasa_graphs_run_without_dask_give_dasks_results(tmp_path):
    """The sequential runner evaluates Rasa's graph format as dask does: inputs are literals,
    a node gets its dependencies' (name, output) pairs, each node runs once, an unknown name
    is passed on as the string; node errors come out as Rasa's GraphRunError."""
    out = _rasa_python(
        """
        import dask
        from rasa.engine.exceptions import GraphRunError
        from rasa_components.patches import run_graph

        calls = []

        class Node:
            def __init__(self, name):
                self.name = name

            def __call__(self, *inputs):
                calls.append(self.name)
                if self.name == "boom":
                    raise RuntimeError("node failed")
                return self.name, [self.name, *inputs]

        graph = {
            "message": ("message", {"text": "x"}),
            "tokens": (Node("tokens"), "message"),
            "counts": (Node("counts"), "tokens"),
            "embedding": (Node("embedding"), "tokens"),
            "intent": (Node("intent"), "counts", "embedding", "not_a_node"),
        }
        mine = run_graph(dict(graph), ["intent", "counts"])
        mine_calls = sorted(calls)
        calls.clear()
        theirs = dict(dask.get(dict(graph), ["intent", "counts"]))
        print(mine == theirs, mine_calls == sorted(calls), len(mine_calls))

        from rasa.engine.runner.dask import DaskGraphRunner
        runner = DaskGraphRunner.__new__(DaskGraphRunner)
        failing = {"boom": (Node("boom"), "message"), "message": ("message", 1)}
        runner._instantiated_nodes = {}
        runner._graph_schema = type("Schema", (), {"minimal_graph_schema": lambda self, t: None})()
        runner._build_dask_graph = lambda schema: dict(failing)
        try:
            runner.run(targets=["boom"])
        except GraphRunError as e:
            print("GraphRunError", type(e.__cause__).__name__)
        """,
        tmp_path,
    )
    assert out.split("\n")[:2] == ["True True 4", "GraphRunError RuntimeError"]
