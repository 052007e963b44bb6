"""The bench's two bare-Rasa baselines: what they are, that they are cached apart, and that the
goals are judged against ``default`` while the ratio to ``minimal`` is reported beside it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bench import bare_rasa
from bench.run_all import baselines_of, goals, ratios

ROOT = Path(__file__).resolve().parents[2]
RASA_DEFAULT_CONFIG = (
    ROOT / ".venv-rasa/lib/python3.10/site-packages/rasa/engine/recipes/config_files/default_config.yml"
)


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _without_seed(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in c.items() if k != "random_seed"} for c in items]


def test_two_baselines_each_a_complete_rasa_project():
    assert set(bare_rasa.BASELINES) == {"default", "minimal"}
    assert bare_rasa.GOAL_BASELINE == "default"
    for b in bare_rasa.BASELINES.values():
        for part in ("config.yml", "domain.yml", "data/nlu.yml", "data/rules.yml"):
            assert (b.dir / part).is_file(), (b.name, part)
        # one response, whatever the intent
        assert list(_yaml(b.dir / "domain.yml")["responses"]) == ["utter_answer"]


def test_baselines_are_hashed_and_cached_apart(tmp_path):
    d, m = bare_rasa.get("default"), bare_rasa.get("minimal")
    assert bare_rasa.inputs_hash(d) != bare_rasa.inputs_hash(m)

    class S:
        data_dir = tmp_path

    assert bare_rasa.model_dir(S, d) != bare_rasa.model_dir(S, m)
    with pytest.raises(ValueError, match="unknown baseline"):
        bare_rasa.get("nope")


@pytest.mark.skipif(not RASA_DEFAULT_CONFIG.exists(), reason="Rasa 3.6 not installed in .venv-rasa")
def test_default_baseline_is_rasas_default_config():
    ours = _yaml(bare_rasa.get("default").dir / "config.yml")
    rasa = _yaml(RASA_DEFAULT_CONFIG)
    assert _without_seed(ours["pipeline"]) == rasa["pipeline"]
    assert _without_seed(ours["policies"]) == rasa["policies"]
    assert ours["language"] == rasa["language"]
    seeded = {c["name"] for c in ours["pipeline"] + ours["policies"] if "random_seed" in c}
    assert seeded == {"DIETClassifier", "ResponseSelector", "UnexpecTEDIntentPolicy", "TEDPolicy"}


def test_default_baseline_trains_diet_and_ted_and_answers_everything():
    d = bare_rasa.get("default").dir
    intents = {i["intent"] for i in _yaml(d / "data/nlu.yml")["nlu"]}
    assert len(intents) >= 2  # DIET does not train on one intent
    assert set(_yaml(d / "domain.yml")["intents"]) == intents
    assert _yaml(d / "data/stories.yml")["stories"]  # TED / UnexpecTED train on stories only
    answered = {
        r["steps"][0]["intent"]
        for r in _yaml(d / "data/rules.yml")["rules"]
        if r["steps"][1] == {"action": "utter_answer"}
    }
    assert answered == intents | {"nlu_fallback"}


def _load_rows(rate: float) -> list[dict]:
    return [{"clients": c, "msg_per_s": rate, "errors": 0} for c in (1, 4, 8)]


def _result() -> dict:
    def base(p50, rate):
        return {"latency": {"all": {"p50": p50, "p95": p50 * 2}}, "concurrency": _load_rows(rate)}

    return {
        "schema": 2,
        "goal_baseline": "default",
        "baselines": {"default": base(40.0, 25.0), "minimal": base(3.0, 375.0)},
        "system": {"latency": {"all": {"p50": 30.0, "p95": 80.0}}, "concurrency": _load_rows(50.0)},
    }


def test_goals_are_judged_against_default_and_report_minimal():
    res = _result()
    rat = ratios(res)
    assert rat["default"]["p50"] == pytest.approx(0.75)
    assert rat["minimal"]["p50"] == pytest.approx(10.0)
    assert rat["default"]["msg_per_s"]["8"] == pytest.approx(2.0)
    assert rat["minimal"]["msg_per_s"]["8"] == pytest.approx(50 / 375, abs=1e-3)
    by_name = {g["goal"]: g for g in goals(res)}
    p50 = by_name["p50 vs bare Rasa (default)"]
    thr = by_name["8-client throughput vs bare Rasa (default)"]
    assert p50["met"] and thr["met"]
    assert p50["baseline"] == thr["baseline"] == "default"
    assert "vs minimal: 10.00x" in p50["note"] and "vs minimal: 0.13x" in thr["note"]


def test_no_ratio_goals_without_the_goal_baseline():
    res = _result()
    del res["baselines"]["default"]
    names = {g["goal"] for g in goals(res)}
    assert not any("bare Rasa" in n for n in names)
    assert set(ratios(res)) == {"minimal"}


def test_schema_1_results_are_read_as_the_minimal_baseline():
    old = copy.deepcopy(_result())
    old["baseline"] = old.pop("baselines")["minimal"]
    del old["schema"], old["goal_baseline"]
    bases, goal = baselines_of(old)
    assert list(bases) == ["minimal"] and goal == "default"
