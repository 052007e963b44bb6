"""Run by Rasa's Python (.venv-rasa) for tests/api/test_rasa_tracker_store.py; prints one JSON
object on its last line of output.

    python rasa_tracker_driver.py store DIR
        rasa_components.tracker_store.CachedSQLTrackerStore next to Rasa's SQLTrackerStore:
        the same conversation turn by turn through both (each on its own SQLite file in DIR,
        each behind Rasa's FailSafeTrackerStore as in ``rasa run``), comparing the tracker each
        hands out and the rows each writes; plus a failed turn, a restart, the retention purge,
        the cache bounds and the off switch.

    python rasa_tracker_driver.py agent DIR MODEL ACTION_URL
        Rasa's real Agent with the trained model and the real action server: the same
        conversations with the stock store and with the cached one, including a session that
        expires, a turn that raises before it is saved and a restart of the store.

Needs the project root on PYTHONPATH; applies rasa_components/patches.py first, as the
project's Rasa entry point (``python -m rasa_components``) does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]

# A clock the test can move forward (session expiry); Rasa reads time.time() at call time.
_real_time = time.time
_offset = [0.0]
time.time = lambda: _real_time() + _offset[0]


def advance(seconds: float) -> None:
    _offset[0] += seconds


# ---------------------------------------------------------------------------------- helpers
def tracker_state(tracker: Any) -> dict:
    """Everything of a tracker that Rasa's policies, actions and the next save depend on."""
    if tracker is None:
        return {}
    state = json.loads(
        json.dumps(
            {
                "events": [e.as_dict() for e in tracker.events],
                "slots": tracker.current_slot_values(),
                "active_loop": tracker.active_loop,
                "latest_action": tracker.latest_action,
                "latest_message": tracker.latest_message.as_dict() if tracker.latest_message else None,
                "latest_bot": tracker.latest_bot_utterance.as_dict()
                if tracker.latest_bot_utterance
                else None,
                "followup_action": tracker.followup_action,
                "paused": tracker.is_paused(),
                "applied": [e.as_dict() for e in tracker.applied_events()],
            },
            sort_keys=True,
            default=str,
        )
    )
    for key in ("latest_message", "latest_bot"):  # a new tracker's empty ones are stamped "now"
        if state[key] and state[key].get("text") is None:
            state[key].pop("timestamp", None)
    return state


def rows(db: Path, sender: str | None = None, keep_timestamps: bool = True) -> list:
    conn = sqlite3.connect(str(db))
    try:
        q = "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events"
        args: list = []
        if sender is not None:
            q += " WHERE sender_id = ?"
            args.append(sender)
        out = []
        for r in conn.execute(q + " ORDER BY id", args):
            data = json.loads(r[5])
            if not keep_timestamps:
                data.pop("timestamp", None)
                data.get("metadata", {}).pop("model_id", None)
                if isinstance(data.get("parse_data"), dict):
                    data["parse_data"].pop("message_id", None)
                data.pop("message_id", None)
                r = (r[0], r[1], None, r[3], r[4], data)
            else:
                r = (*r[:5], data)
            out.append(list(r))
        return out
    finally:
        conn.close()


def purge(db: Path, cutoff: float) -> int:
    """What appdata.store.purge_tracker_events does: delete events older than the cutoff."""
    conn = sqlite3.connect(str(db), timeout=15.0)
    try:
        with conn:
            return conn.execute("DELETE FROM events WHERE timestamp < ?", [cutoff]).rowcount
    finally:
        conn.close()


def quiet() -> None:
    import warnings

    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING)
    for name in ("rasa", "sqlalchemy", "absl", "tensorflow"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
    except Exception:
        pass


# ---------------------------------------------------------------------------------- store
async def store_scenario(tmp: Path) -> dict:
    import sqlalchemy as sa
    from rasa.core.actions.action import ActionSessionStart
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        DefinePrevUserUtteredFeaturization,
        Event,
        SlotSet,
        UserUttered,
    )

    from rasa_components.tracker_store import CachedSQLTrackerStore, cache_enabled

    domain = Domain.load(str(PROJECT / "domain.yml"))
    expiry = domain.session_config.session_expiration_time * 60
    out: dict[str, Any] = {"expiry_minutes": domain.session_config.session_expiration_time}

    def make(kind: str, db: Path, **kw: Any):
        cls = SQLTrackerStore if kind == "stock" else CachedSQLTrackerStore
        store = cls(domain=domain, dialect="sqlite", db=str(db), **kw)
        store.domain = domain
        return store

    stock_db, cached_db = tmp / "stock.db", tmp / "cached.db"
    stores = {"stock": make("stock", stock_db), "cached": make("cached", cached_db)}
    out["cache_on"] = stores["cached"].cache_on

    selects = [0]

    def count_selects(conn, cursor, statement, *a):  # noqa: ARG001
        if statement.lstrip().upper().startswith("SELECT"):
            selects[0] += 1

    def watch(store) -> None:
        sa.event.listen(store.engine, "before_cursor_execute", count_selects)

    watch(stores["cached"])

    async def turn_events(tracker, user: dict | None) -> list:
        """The events of one turn, built once (on the stock tracker) with their timestamps."""
        evts: list = []
        needs_start = not tracker.applied_events()
        last_user = tracker.get_last_event_for(UserUttered)
        if last_user is not None and time.time() - last_user.timestamp > expiry:
            needs_start = True
        if needs_start:
            started = await ActionSessionStart().run(CollectingOutputChannel(), None, tracker, domain)
            evts.append(ActionExecuted("action_session_start"))
            evts.extend(started)
        if user:
            evts.append(
                UserUttered(
                    user["text"],
                    {"name": user["intent"], "confidence": 0.93},
                    [],
                    {
                        "text": user["text"],
                        "intent": {"name": user["intent"], "confidence": 0.93},
                        "entities": [],
                    },
                )
            )
            evts.extend(SlotSet(k, v) for k, v in user.get("extracted", {}).items())
            evts.append(DefinePrevUserUtteredFeaturization(False))
            evts.append(ActionExecuted(user["action"]))
            evts.extend(user.get("events", []))
            evts.append(BotUttered(user["reply"], {"elements": None}))
            evts.extend(SlotSet(k, v) for k, v in user.get("slots", {}).items())
            evts.append(ActionExecuted("action_listen"))
        stamped = []
        for e in evts:
            e.timestamp = time.time()
            stamped.append(e.as_dict())
        return stamped

    wrapped = {k: FailSafeTrackerStore(s) for k, s in stores.items()}
    mismatches: list = []

    async def turn(sender: str, user: dict | None, save: bool = True, where: str = "") -> dict:
        trackers = {}
        for k, w in wrapped.items():
            t = await w.get_or_create_tracker(sender, append_action_listen=False)
            t.model_id = "model-1"
            trackers[k] = t
        states = {k: tracker_state(t) for k, t in trackers.items()}
        if states["stock"] != states["cached"]:
            mismatches.append({"where": where, "stock": states["stock"], "cached": states["cached"]})
        new = await turn_events(trackers["stock"], user)
        for t in trackers.values():
            for d in new:
                t.update(Event.from_parameters(dict(d)), domain)
        if save:
            for k, w in wrapped.items():
                await w.save(trackers[k])
        return states["cached"]

    office = {
        "text": "城乡居民养老保险归哪个科室管",
        "intent": "ask_office",
        "action": "action_answer_office",
        "extracted": {"matter": ["城乡居民养老保险"]},
        "reply": "农保中心",
        "slots": {"kb_context": {"office": "农保中心", "matter": "城乡居民养老保险"}},
    }
    phone = {
        "text": "电话呢",
        "intent": "ask_phone",
        "action": "action_answer_phone",
        "reply": "7591916",
        "slots": {"kb_context": {"office": "农保中心", "phone": "7591916"}},
    }
    complain = {
        "text": "我要投诉",
        "intent": "complain",
        "action": "complaint_form",
        "events": [ActiveLoop("complaint_form"), SlotSet("requested_slot", "complaint_employer")],
        "reply": "请问是哪家单位？",
    }
    employer = {
        "text": "鸡泽县测试建筑有限公司",
        "intent": "inform",
        "action": "complaint_form",
        "extracted": {"complaint_employer": "鸡泽县测试建筑有限公司"},
        "events": [SlotSet("requested_slot", "complaint_details")],
        "reply": "请说说是什么问题",
    }
    details = {
        "text": "拖欠两个月工资",
        "intent": "inform",
        "action": "complaint_form",
        "extracted": {"complaint_details": "拖欠两个月工资"},
        "events": [SlotSet("requested_slot", "complaint_since_amount")],
        "reply": "从什么时候开始，一共多少钱？",
    }

    sid = "conv-1"
    selects[0] = 0
    await turn(sid, office, where="1 new conversation")
    out["selects_first_turn"] = selects[0]
    selects[0] = 0
    await turn(sid, phone, where="2 follow-up")
    out["selects_cached_turn"] = selects[0]
    await turn(sid, complain, where="3 form starts")
    await turn(sid, employer, where="4 form slot")

    # a turn that raises after the processor added events, before the save
    await turn(sid, details, save=False, where="5 failed turn")
    stale_before = stores["cached"].stats["stale"]
    await turn(sid, details, where="6 after the failed turn")
    out["failed_turn_reloaded"] = stores["cached"].stats["stale"] - stale_before

    # the session expires: a new session with the slots carried over (domain.yml)
    advance(expiry + 120)
    state = await turn(sid, phone, where="7 session expired")
    out["slots_before_restart"] = state["slots"]
    await turn(sid, office, where="8 new session, second turn")
    after_session = await turn(sid, None, save=False, where="9 read back")
    out["events_in_new_session"] = len(after_session["events"])
    out["session_starts_in_tracker"] = sum(e["event"] == "session_started" for e in after_session["events"])
    out["rows_equal"] = rows(stock_db) == rows(cached_db)
    out["rows"] = len(rows(cached_db))

    # restart: new store objects on the same files, nothing in memory
    cached_before = tracker_state(await stores["cached"].retrieve(sid))
    stores = {"stock": make("stock", stock_db), "cached": make("cached", cached_db)}
    wrapped = {k: FailSafeTrackerStore(s) for k, s in stores.items()}
    watch(stores["cached"])
    after_restart = await turn(sid, phone, where="10 after restart")
    # the restored tracker is the cached one (model_id aside: set per turn by the processor)
    out["restart_same_as_cache"] = after_restart["events"] == cached_before["events"]
    out["restart_kb_context"] = after_restart["slots"].get("kb_context")
    out["rows_equal_after_restart"] = rows(stock_db) == rows(cached_db)

    # the app's retention purge while the conversation is in memory: nothing comes back
    sid2 = "conv-purge"
    await turn(sid2, office, where="p1")
    await turn(sid2, phone, where="p2")
    cutoff = time.time() + 0.001
    advance(1.0)
    purged_cached = purge(cached_db, cutoff)
    before = len(rows(cached_db, sid2))
    trackers = await wrapped["cached"].get_or_create_tracker(sid2, append_action_listen=False)
    for d in await turn_events(trackers, phone):
        trackers.update(Event.from_parameters(d), domain)
    await wrapped["cached"].save(trackers)
    after = rows(cached_db, sid2)
    out["purge"] = {
        "deleted": purged_cached,
        "rows_before_turn": before,
        "rows_after_turn": len(after),
        "old_rows_back": sum(r[2] < cutoff for r in after),
        "new_rows": len(after) - before,
    }

    # bounds: least recently used first, idle entries after idle_seconds
    small = make("cached", tmp / "small.db", cache_size=2, cache_idle_seconds=30)
    w = FailSafeTrackerStore(small)
    for s in ("a", "b", "c"):
        t = await w.get_or_create_tracker(s, append_action_listen=False)
        for d in await turn_events(t, office):
            t.update(Event.from_parameters(d), domain)
        await w.save(t)
    out["lru"] = small.cached_senders()
    out["swept"] = small.sweep(time.monotonic() + 31)
    out["after_sweep"] = small.cached_senders()
    t = await w.get_or_create_tracker("a", append_action_listen=False)
    out["evicted_reloaded_events"] = len(t.events)

    # an entry loaded longer ago than cache_max_age_seconds comes from SQLite again, so the
    # purge reaches a conversation that never goes idle
    aged = make("cached", tmp / "aged.db", cache_max_age_seconds=0)
    w = FailSafeTrackerStore(aged)
    t = await w.get_or_create_tracker("old", append_action_listen=False)
    for d in await turn_events(t, office):
        t.update(Event.from_parameters(d), domain)
    await w.save(t)
    purge(tmp / "aged.db", time.time() + 1)
    t = await w.retrieve("old")
    out["aged"] = {"after_purge": None if t is None else len(t.events), "stale": aged.stats["stale"]}

    # the off switch
    os.environ["JIZE_RASA_NO_PATCHES"] = "tracker"
    off = make("cached", tmp / "off.db")
    os.environ.pop("JIZE_RASA_NO_PATCHES")
    out["off"] = {
        "cache_on": off.cache_on,
        "pool": type(off.engine.pool).__name__,
        "on_pool": type(stores["cached"].engine.pool).__name__,
        "enabled": [
            cache_enabled({}),
            cache_enabled({"JIZE_RASA_NO_PATCHES": "jsonschema"}),
            cache_enabled({"JIZE_RASA_NO_PATCHES": "sqlite, tracker"}),
            cache_enabled({"JIZE_RASA_NO_PATCHES": "1"}),
        ],
    }
    t = await FailSafeTrackerStore(off).get_or_create_tracker("x", append_action_listen=False)
    for d in await turn_events(t, office):
        t.update(Event.from_parameters(d), domain)
    await off.save(t)
    out["off"]["rows"] = len(rows(tmp / "off.db"))
    out["off"]["cached"] = off.cached_senders()

    out["stats"] = dict(stores["cached"].stats)
    out["mismatches"] = mismatches
    return out


# ---------------------------------------------------------------------------------- agent
async def agent_scenario(tmp: Path, model: str, action_url: str) -> dict:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from rasa_components.tracker_store import CachedSQLTrackerStore

    agent = await load_agent(
        model_path=model, endpoints=AvailableEndpoints(action=EndpointConfig(action_url))
    )
    quiet()
    expiry = agent.domain.session_config.session_expiration_time * 60

    def use(kind: str, db: Path):
        cls = SQLTrackerStore if kind == "stock" else CachedSQLTrackerStore
        store = cls(domain=agent.domain, dialect="sqlite", db=str(db))
        store.domain = agent.domain
        agent.tracker_store = agent.processor.tracker_store = FailSafeTrackerStore(store)
        return store

    async def say(sender: str, text: str) -> list:
        out = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, out, sender))
        return [m.get("text") for m in out.messages]

    class Boom(Exception):
        pass

    async def failing_turn(sender: str, text: str) -> str:
        original = agent.processor._run_prediction_loop

        async def boom(*a: Any, **kw: Any) -> None:
            raise Boom

        agent.processor._run_prediction_loop = boom
        try:
            await say(sender, text)
        except Boom:
            return "raised"
        finally:
            agent.processor._run_prediction_loop = original
        return "did not raise"

    script = [
        ("c1", "社保中心电话是多少"),
        ("c2", "我要投诉"),
        ("c2", "鸡泽县驱动测试建筑有限公司"),
        ("fail", ("c2", "拖欠我两个月工资不给")),
        ("c2", "拖欠我两个月工资不给"),
        ("c1", "那农保中心呢"),
        ("restart", None),
        ("c2", "今年5月开始，一共九千元"),
        ("c2", "李女士 0310-1234567"),
        ("c2", "确认"),
        ("expire", None),
        ("c1", "电话呢"),
    ]
    result: dict[str, Any] = {}
    for kind in ("stock", "cached"):
        db = tmp / f"agent-{kind}.db"
        _offset[0] = 0.0
        store = use(kind, db)
        stats: dict = {}
        replies: list = []
        for who, what in script:
            if who == "fail":
                replies.append(["failed turn: " + await failing_turn(*what)])
            elif who == "expire":
                advance(expiry + 120)
            elif who == "restart":
                for k, v in getattr(store, "stats", {}).items():
                    stats[k] = stats.get(k, 0) + v
                store = use(kind, db)
            else:
                replies.append(await say(who, what))
        states = {}
        for sender in ("c1", "c2"):
            states[sender] = tracker_state(await SQLTrackerStore.retrieve(store, sender))
            for e in states[sender]["events"] + states[sender]["applied"]:
                e.pop("timestamp", None)
                e.get("metadata", {}).pop("model_id", None)
                if isinstance(e.get("parse_data"), dict):
                    e["parse_data"].pop("message_id", None)
                e.pop("message_id", None)
            for key in ("latest_message", "latest_bot"):
                if states[sender][key]:
                    states[sender][key].pop("timestamp", None)
                    states[sender][key].get("metadata", {}).pop("model_id", None)
                    states[sender][key].pop("message_id", None)
                    if isinstance(states[sender][key].get("parse_data"), dict):
                        states[sender][key]["parse_data"].pop("message_id", None)
        result[kind] = {
            "replies": replies,
            "rows": rows(db, keep_timestamps=False),
            "states": states,
            "stats": {
                k: stats.get(k, 0) + getattr(store, "stats", {}).get(k, 0) for k in ("hit", "miss", "stale")
            },
        }
    return result


def main(argv: list[str]) -> int:
    from rasa_components import patches

    patches.apply()
    quiet()
    what, tmp = argv[0], Path(argv[1])
    if what == "store":
        res = asyncio.run(store_scenario(tmp))
    elif what == "agent":
        res = asyncio.run(agent_scenario(tmp, argv[2], argv[3]))
    else:
        raise SystemExit(f"unknown scenario {what}")
    print(json.dumps(res, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
