"""Changes to Rasa's dependencies, applied by :func:`apply` before Rasa starts: by the project's
Rasa entry point (``python -m rasa_components``, see ``__main__.py``) that ``python -m bot.run``
and the scripts (training, ``rasa data validate``, ``rasa test``) run, so the Rasa that is
checked is the Rasa that serves. Runs under Rasa's Python 3.10; standard library and Rasa's own
dependencies only.

What it changes, and why:

* ``jsonschema.validate`` checks the *schema* against its meta-schema on every call before it
  validates the instance. Rasa 3.6 calls it for every custom-action response
  (``RemoteAction._validate_action_result`` with a schema it rebuilds each time); with
  jsonschema 4.17 the meta-schema check costs ~34 ms of CPU per action call on a station PC,
  more than the rest of Rasa's work for the turn. The replacement checks each distinct schema
  once and reuses the compiled validator: the same errors for the same instances.
* Rasa's SQL tracker store on SQLite runs in WAL mode with synchronous=NORMAL instead of a
  rollback journal with an fsync on every one of the 2-4 commits per message (see
  ``_sqlite_pragmas``).
* Rasa 3.6 opens a new aiohttp session, hence a new TCP connection, for every call of an
  endpoint (``EndpointConfig.request``: every custom action), and closes it after the answer:
  connection set-up and teardown on both sides of every action call. The session of an
  endpoint is kept instead, with keep-alive connections (see ``_shared_sessions``).
* Rasa runs its graphs (the NLU pipeline on every message, the policies on every prediction,
  two or three per message) through dask's synchronous scheduler, whose bookkeeping (ordering,
  dependency tables, callbacks) costs about as much CPU as the tokenizer. A graph of the
  loaded model (no hooks: nothing is trained or cached) is evaluated in dependency order
  directly instead, each node once, with the same inputs and outputs (see
  ``_sequential_graphs``); training keeps dask.

Beside this file, not loaded by it: ``tracker_store.py``, the tracker store bot.run's
endpoints file names (Rasa's SQL store with the conversations in use kept in memory).

Set ``JIZE_RASA_NO_PATCHES=1`` to start Rasa without any of this, or name the ones to leave
out: ``JIZE_RASA_NO_PATCHES=jsonschema`` / ``sqlite`` / ``sessions`` / ``graphs`` / ``tracker`` (comma-separated; the
bench compares with and without). ``tracker`` makes tracker_store's class behave exactly
as Rasa's ``SQLTrackerStore``.
"""

from __future__ import annotations

import os


def _patch_jsonschema() -> None:
    try:
        import json

        import jsonschema
        from jsonschema import exceptions, validators
    except Exception:  # not Rasa's environment: nothing to do
        return
    original = jsonschema.validate
    if getattr(original, "_jize_cached", False):
        return
    compiled: dict = {}

    def validate(instance, schema, cls=None, *args, **kwargs):
        if args or kwargs:
            return original(instance, schema, cls, *args, **kwargs)
        try:
            key = (json.dumps(schema, sort_keys=True, default=repr), cls)
        except (TypeError, ValueError):
            return original(instance, schema, cls)
        validator = compiled.get(key)
        if validator is None:
            klass = cls or validators.validator_for(schema)
            klass.check_schema(schema)  # once per distinct schema, as before on every call
            validator = klass(schema)
            if len(compiled) < 256:
                compiled[key] = validator
        error = exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    validate._jize_cached = True  # type: ignore[attr-defined]
    validate.__doc__ = original.__doc__
    jsonschema.validate = validate
    validators.validate = validate


def _sqlite_pragmas() -> None:
    """WAL + synchronous=NORMAL for Rasa's SQL tracker store on SQLite.

    SQLite's default (rollback journal, synchronous=FULL) fsyncs on every commit, and Rasa
    commits the tracker two to four times per message. WAL with NORMAL still survives a
    crash of Rasa or of the app (committed events are in the WAL); only a power cut can lose
    the last transactions, i.e. the last seconds of dialogue state, never the app's tickets
    (those are in app.db, which keeps synchronous=FULL).

    SQLAlchemy 1.4 opens and closes a new SQLite connection for every session (NullPool), and
    closing the last connection to a WAL database checkpoints it and deletes the WAL: an
    fsync per session again. So one extra connection per database file stays open for the
    life of the process; checkpoints then happen as SQLite schedules them (every ~1000 pages).
    """
    try:
        import sqlite3

        from sqlalchemy import event
        from sqlalchemy.engine import Engine
    except Exception:
        return

    keepers: dict[str, sqlite3.Connection] = {}

    def on_connect(dbapi_connection, connection_record):  # noqa: ARG001
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        try:
            cur = dbapi_connection.cursor()
            path = next((row[2] for row in cur.execute("PRAGMA database_list") if row[1] == "main"), "")
            if path and path not in keepers:
                cur.execute("PRAGMA journal_mode=WAL")  # persistent: once per file
                keeper = sqlite3.connect(path, check_same_thread=False)
                keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()  # opens the WAL
                keepers[path] = keeper
            cur.execute("PRAGMA synchronous=NORMAL")  # per connection
            cur.close()
        except sqlite3.Error:
            pass  # e.g. a read-only file: leave SQLite's defaults

    event.listen(Engine, "connect", on_connect)


# An idle keep-alive connection is dropped by the client before the server would close it
# (uvicorn's default is 5 s): a request never goes out on a connection the server is closing.
KEEPALIVE_SECONDS = 2.0


def _shared_sessions() -> None:
    """``async with endpoint.session() as session`` (the form both of Rasa's callers use) gives
    one long-lived aiohttp session per event loop and configuration (headers, basic auth)
    instead of a new one that is closed, with its connection, after one request. Same headers,
    auth and timeout as Rasa's own session."""
    try:
        import asyncio

        import aiohttp
        from rasa.utils.endpoints import EndpointConfig
    except Exception:
        return
    original = EndpointConfig.session
    if getattr(original, "_jize_shared", False):
        return
    sessions: dict[tuple, aiohttp.ClientSession] = {}

    class Shared:
        def __init__(self, endpoint: EndpointConfig) -> None:
            self.endpoint = endpoint

        async def __aenter__(self) -> aiohttp.ClientSession:
            ep = self.endpoint
            key = (id(asyncio.get_running_loop()), tuple(sorted(ep.headers.items())),
                   tuple(sorted(ep.basic_auth.items())))
            session = sessions.get(key)
            if session is None or session.closed:
                fresh = original(ep)  # Rasa's own configuration
                session = aiohttp.ClientSession(
                    headers=fresh.headers, auth=fresh.auth, timeout=fresh.timeout,
                    connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
                )
                await fresh.close()
                sessions[key] = session
            return session

        async def __aexit__(self, *exc: object) -> None:
            return None

    def session(self: EndpointConfig) -> Shared:
        return Shared(self)

    session._jize_shared = True  # type: ignore[attr-defined]
    session.__doc__ = original.__doc__
    EndpointConfig.session = session  # type: ignore[method-assign]


def run_graph(graph: dict, targets: list) -> dict:
    """``dict(dask.get(graph, targets))`` for Rasa's graphs, without the scheduler.

    Rasa's dask graph maps a node name to ``(GraphNode, *names of the nodes it needs)`` and an
    input name to ``(name, value)``, which dask takes as a literal (its first item is not
    callable); a node's result is the ``(name, output)`` its GraphNode returns, and a name that
    is not in the graph is passed on as the string itself, as dask does."""
    results: dict = {}

    def value(key):
        if key in results:
            return results[key]
        if key not in graph:
            return key
        task = graph[key]
        if type(task) is tuple and task and callable(task[0]):
            result = task[0](*(value(dep) for dep in task[1:]))
        else:
            result = task
        results[key] = result
        return result

    return dict(value(t) for t in targets)


def _sequential_graphs() -> None:
    try:
        from rasa.engine.exceptions import GraphRunError
        from rasa.engine.runner.dask import DaskGraphRunner
    except Exception:
        return
    original = DaskGraphRunner.run
    if getattr(original, "_jize_sequential", False):
        return

    def run(self, inputs=None, targets=None):
        if any(node._hooks for node in self._instantiated_nodes.values()):
            return original(self, inputs, targets)  # training: hooks fingerprint and cache nodes
        run_targets = targets if targets else self._graph_schema.target_names
        graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
        if inputs:
            self._add_inputs_to_graph(inputs, graph)
        try:
            return run_graph(graph, run_targets)
        except RuntimeError as e:  # as Rasa wraps dask's errors (a cycle ends in RecursionError)
            raise GraphRunError("Error running runner.") from e

    run._jize_sequential = True  # type: ignore[attr-defined]
    run.__doc__ = original.__doc__
    DaskGraphRunner.run = run  # type: ignore[method-assign]


_applied: list[str] = []


def switched_off(environ: dict | None = None) -> set[str]:
    """The names in JIZE_RASA_NO_PATCHES (``1`` = all)."""
    return {x.strip() for x in (os.environ if environ is None else environ).get("JIZE_RASA_NO_PATCHES", "").split(",")}


def apply(environ: dict | None = None) -> list[str]:
    """Apply the patches JIZE_RASA_NO_PATCHES does not switch off, once per process; returns
    the names of those applied (in this call or before)."""
    off = switched_off(environ)
    if "1" not in off:
        for name, patch in (("jsonschema", _patch_jsonschema), ("sqlite", _sqlite_pragmas),
                            ("sessions", _shared_sessions), ("graphs", _sequential_graphs)):
            if name not in off and name not in _applied:
                patch()
                _applied.append(name)
    return list(_applied)
