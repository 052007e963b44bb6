"""Rasa's tracker store as ``python -m bot.run`` configures it: rasa_components/tracker_store.py
(SQLTrackerStore on SQLite plus an in-memory cache of the conversations in use), run by Rasa's
own Python (.venv-rasa) next to Rasa's stock SQLTrackerStore (tests/api/rasa_tracker_driver.py).

* the same turns through both stores: at the start of every turn both hand out the same
  tracker (events, slots, active form, latest message ...), and both write the same rows;
  also across a failed turn, an expired session (slots carried over) and a restart;
* a turn of a conversation in memory runs no SELECT; a new conversation one;
* the retention purge is not undone: only events newer than those stored are ever inserted;
* the cache is bounded (least recently used, idle time, age) and JIZE_RASA_NO_PATCHES=tracker
  turns it off;
* bot.run's endpoints copy names the class (endpoints.yml keeps Rasa's plain SQL store);
* integration: Rasa's real Agent with the trained model and the real action server answers a
  script (forms, follow-ups, an expired session, a turn that raises, a restart of the store)
  the same with the stock store and with this one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.core.config import AppSettings
from bot.run import CACHED_TRACKER_STORE, RasaProcess, rasa_env
from knowledge.settings import PROJECT_DIR
from tests.harness import need

RASA_PY = PROJECT_DIR / ".venv-rasa" / "bin" / "python"
DRIVER = Path(__file__).with_name("rasa_tracker_driver.py")


def run_driver(*args: str, timeout: float = 180) -> dict:
    need(RASA_PY.exists(), f"Rasa's environment is not installed ({RASA_PY})")
    env = rasa_env()
    env.pop("JIZE_RASA_NO_PATCHES", None)
    # A script's own folder, not the working directory, heads sys.path: the model's custom
    # components (rasa_components/, which imports knowledge/) need the project root on it.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(PROJECT_DIR)) if p)
    out = subprocess.run(
        [str(RASA_PY), str(DRIVER), *args],
        cwd=str(PROJECT_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr[-4000:] + out.stdout[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def store_run(tmp_path_factory) -> dict:
    return run_driver("store", str(tmp_path_factory.mktemp("tracker-store")))


def test_same_tracker_and_rows_as_rasas_sql_store_turn_by_turn(store_run):
    assert store_run["cache_on"]
    assert store_run["mismatches"] == []  # every turn, including after the failed one and the restart
    assert store_run["rows_equal"] and store_run["rows"] > 40
    assert store_run["rows_equal_after_restart"]


def test_a_cached_turn_reads_nothing_from_sqlite(store_run):
    assert store_run["selects_cached_turn"] == 0
    assert store_run["selects_first_turn"] == 1  # does the sender have any event?


def test_a_failed_turn_is_forgotten_like_with_the_stock_store(store_run):
    # the tracker handed out was changed and never saved: the next turn reloads from SQLite
    assert store_run["failed_turn_reloaded"] == 1


def test_expired_session_starts_anew_with_the_slots_carried_over(store_run):
    assert store_run["expiry_minutes"] == 60
    slots = store_run["slots_before_restart"]
    assert slots["kb_context"] and slots["complaint_employer"] == "鸡泽县测试建筑有限公司"
    # the tracker kept in memory holds the latest session only, as Rasa's SQL query returns it
    assert store_run["session_starts_in_tracker"] == 1


def test_restart_restores_the_conversation_from_sqlite(store_run):
    assert store_run["restart_same_as_cache"]
    assert store_run["restart_kb_context"] == {"office": "农保中心", "matter": "城乡居民养老保险"}


def test_retention_purge_is_not_undone_by_the_cache(store_run):
    purge = store_run["purge"]
    assert purge["deleted"] > 0 and purge["rows_before_turn"] == 0
    assert purge["old_rows_back"] == 0
    assert purge["new_rows"] == purge["rows_after_turn"] > 0  # only the turn's own events


def test_cache_is_bounded_by_count_and_idle_time(store_run):
    assert store_run["lru"] == ["b", "c"]  # size 2: "a", least recently used, went first
    assert store_run["swept"] == 2 and store_run["after_sweep"] == []
    assert store_run["evicted_reloaded_events"] > 0  # an evicted conversation comes back from SQLite
    # past cache_max_age_seconds an entry is reloaded: a purged conversation is gone from memory
    assert store_run["aged"] == {"after_purge": None, "stale": 1}


def test_off_switch_is_rasas_sql_store(store_run):
    off = store_run["off"]
    assert off["cache_on"] is False and off["pool"] == "NullPool" and off["cached"] == []
    assert off["rows"] > 0
    assert store_run["off"]["on_pool"] == "QueuePool"
    assert off["enabled"] == [True, True, False, False]


# ------------------------------------------------------------------------- configuration
def test_bot_run_hands_rasa_the_cached_store_and_endpoints_yml_stays_plain(app_settings, tmp_path):
    settings = app_settings(data_dir=tmp_path)
    config = yaml.safe_load(RasaProcess(settings).endpoints_file().read_text(encoding="utf-8"))
    tracker = config["tracker_store"]
    assert tracker["type"] == CACHED_TRACKER_STORE == "rasa_components.tracker_store.CachedSQLTrackerStore"
    assert (PROJECT_DIR / "rasa_components" / "tracker_store.py").exists()
    assert tracker["dialect"] == "sqlite" and Path(tracker["db"]).is_absolute()
    # commands that keep no conversations (rasa test in scripts/rasa_checks.sh) read the
    # project's file, with Rasa's plain store
    plain = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert plain["tracker_store"]["type"] == "SQL"


def test_a_tracker_store_elsewhere_is_left_alone(app_settings, tmp_path):
    src = tmp_path / "endpoints.yml"
    src.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: db.example\n  db: rasa\n",
        encoding="utf-8",
    )
    settings = app_settings(data_dir=tmp_path, rasa_endpoints=src)
    config = yaml.safe_load(RasaProcess(settings).endpoints_file().read_text(encoding="utf-8"))
    assert config["tracker_store"]["type"] == "SQL"


# ------------------------------------------------------------------------- real Rasa
@pytest.mark.integration
def test_real_rasa_answers_the_same_with_the_cached_store(action_server, tmp_path):
    models = sorted(Path(AppSettings().rasa_model_dir).glob("*.tar.gz"))
    need(models, "no trained Rasa model (make train)")
    res = run_driver("agent", str(tmp_path), str(models[-1]), action_server + "/webhook", timeout=600)
    # each run registers its own ticket: TS-<date>-0001, then -0002
    res = json.loads(re.sub(r"TS-\d{8}-\d{4}", "TS-ref", json.dumps(res, ensure_ascii=False)))
    stock, cached = res["stock"], res["cached"]
    assert cached["replies"] == stock["replies"]
    assert cached["rows"] == stock["rows"]  # the same rows in the tracker store
    assert cached["states"] == stock["states"]  # and the same trackers loaded from them
    replies = [" ".join(t or "" for t in r) for r in cached["replies"]]
    assert replies[3] == "failed turn: raised"
    assert "什么时候开始" in replies[4]  # the failed turn left nothing behind: asked again, answered
    # after the restart the complaint form goes on where it was, to the summary and the ticket
    assert "联系方式" in replies[6] and "确认提交" in replies[7] and "TS-ref" in replies[8]
    # after the expired session the follow-up still has its context (slots carried over)
    assert "7591916" in replies[9], replies
    assert cached["stats"]["hit"] >= 5 and cached["stats"]["stale"] == 1
