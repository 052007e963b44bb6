"""The bench's new-message rows: no message repeats, as sent or after normalisation."""

from __future__ import annotations

import threading

from bench.fresh import FreshPool, fresh_list, heldout_conversations
from bench.load import Seen, fixed_time, gateway_target, sequential
from bench.run_all import goals, ratios
from knowledge.normalize import normalize_query
from rasa_components.nlu_data import example_key
from tests.harness import json_server


def test_fresh_messages_never_repeat_even_after_normalisation():
    convs = fresh_list(3000)
    assert len(convs) == 3000
    texts = [t for _, turns in convs for t in turns]
    for key in (str, normalize_query, example_key):
        keys = [key(t) for t in texts]
        assert len(set(keys)) == len(keys)
    # the held-out questions, each inside polite words
    base = heldout_conversations()
    assert [turns for _, turns in convs[: len(base)]] == [turns for _, turns in base]
    assert convs[len(base)][1][0].startswith("您好，") and convs[len(base)][1][0] != base[0][1][0]


def test_fresh_sequence_is_deterministic():
    assert fresh_list(500) == fresh_list(500)


def test_pool_hands_out_each_conversation_once_across_threads():
    convs = [("k", [f"问题{i}"]) for i in range(200)]
    pool = FreshPool(convs)
    got: list = []
    lock = threading.Lock()

    def worker():
        while (c := pool.take()) is not None:
            with lock:
                got.append(c)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(convs) and pool.exhausted and pool.taken == 200


def test_fixed_time_with_a_pool_sends_only_new_messages():
    with json_server(lambda body: {"replies": [{"text": body["message"]}]}) as url:
        target = gateway_target(url)
        seen = Seen()
        convs = fresh_list(400)
        pool = FreshPool(convs)
        first = sequential(target, 1, "n", seen, conversations=pool.take_many(20))
        samples, _ = fixed_time(target, 3, 0.5, "nc", seen, pool=pool)
        assert samples and all(s.first and s.status == 200 for s in first + samples)
        assert len(first) + len(samples) <= sum(len(turns) for _, turns in convs)  # each once


def _rows(p50: float, p95: float, msg_s: float) -> dict:
    return {"latency": {"all": {"p50": p50, "p95": p95}},
            "concurrency": [{"clients": 8, "msg_per_s": msg_s, "errors": 0}]}


def test_goals_are_judged_on_the_new_message_rows_when_there_are_some():
    res = {
        "schema": 3, "goal_baseline": "default",
        "baselines": {"default": {**_rows(30, 35, 40), "fresh": _rows(30, 35, 40)}},
        "system": {**_rows(20, 30, 70), "fresh": _rows(45, 90, 30)},
    }
    assert ratios(res)["default"]["p50"] < 1 and ratios(res, fresh=True)["default"]["p50"] == 1.5
    by_name = {g["goal"]: g for g in goals(res)}
    assert not by_name["p50 vs bare Rasa (default), new messages"]["met"]
    assert not by_name["p95, one client, new messages"]["met"]
    assert not by_name["8-client throughput vs bare Rasa (default), new messages"]["met"]
