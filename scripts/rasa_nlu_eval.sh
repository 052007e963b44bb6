#!/usr/bin/env bash
# NLU quality report (not part of `make test`: ~3 minutes on 2 cores).
#
#   scripts/rasa_nlu_eval.sh [FOLDS]     # default 3
#
# 1. cross-validation on data/ (intent F1), once per seed in NLU_CV_SEEDS (default "0 1 2"):
#    Rasa draws its folds from numpy's global random state, unseeded, so two plain runs split
#    differently (±0.005); seeding it makes runs comparable. Report the mean over the seeds.
# 2. the trained model on the held-out examples tests/rasa/nlu_holdout.yml
# 3. the same held-out examples converted to traditional characters (OpenCC s2t)
# Reports: <data dir>/rasa-results/nlu-cv/ (first seed), nlu-cv-seed<N>/ (the others),
# nlu-holdout/, nlu-holdout-traditional/. The data dir is JIZE_DATA_DIR (default var/); the
# training data is data/ plus the NLU data generated from its knowledge store (nlu-generated/).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${RASA_PY:-.venv-rasa/bin/python}"
# The project's Rasa entry point (rasa_components/__main__.py): Rasa as bot.run starts it.
rasa() { "$PY" -m rasa_components "$@"; }
eval "$("${APP_PY:-.venv/bin/python}" -m bot.core.config)"  # DATA_DIR, RASA_MODEL_DIR, NLU_GENERATED_DIR
MODEL="$RASA_MODEL_DIR/jize.tar.gz"
RESULTS="$DATA_DIR/rasa-results"
FOLDS="${1:-3}"
SEEDS="${NLU_CV_SEEDS:-0 1 2}"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-2}"
export TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

scripts/rasa_train.sh
LOG="$(mktemp)"
TRAD="$(mktemp --suffix=.yml)"
NLU="$(mktemp -d)"  # `rasa test nlu --nlu` takes one path: data/nlu and the generated files
trap 'rm -rf "$LOG" "$TRAD" "$NLU"' EXIT
cp -r data/nlu/. "$NLU_GENERATED_DIR"/. "$NLU"/

FIRST=""
OUTS=()
for SEED in $SEEDS; do
    OUT="$RESULTS/nlu-cv"
    [[ -n "$FIRST" ]] && OUT="$RESULTS/nlu-cv-seed$SEED"
    FIRST="${FIRST:-$SEED}"
    OUTS+=("$OUT")
    echo "== $FOLDS-fold cross-validation on data/ (seed $SEED) -> $OUT"
    rm -rf "$OUT"
    # `rasa test nlu --cross-validation` (the project's entry point), with numpy's global random
    # state seeded first.
    "$PY" - "$SEED" test nlu --nlu "$NLU" --config config.yml --cross-validation --folds "$FOLDS" \
        --out "$OUT" >"$LOG" 2>&1 <<'PY' || { tail -n 30 "$LOG"; exit 1; }
import sys

import numpy as np

np.random.seed(int(sys.argv[1]))
from rasa_components.__main__ import main

main(sys.argv[2:])
PY
    grep -A7 "Intent evaluation results" "$LOG" | grep -E "test (Accuracy|F1-score|Precision)" | sed 's/.*rasa.nlu.test  - /  /'
done

echo "== held-out examples (tests/rasa/nlu_holdout.yml)"
rasa test nlu --nlu tests/rasa/nlu_holdout.yml --model "$MODEL" \
    --out "$RESULTS/nlu-holdout" >"$LOG" 2>&1 || { tail -n 30 "$LOG"; exit 1; }

echo "== held-out examples in traditional characters"
"$PY" - tests/rasa/nlu_holdout.yml "$TRAD" <<'PY'
import sys

import opencc

s2t = opencc.OpenCC("s2t")
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
# only the examples: intent names and YAML keys stay as they are
lines = [s2t.convert(line) if line.startswith("    - ") else line for line in lines]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PY
rasa test nlu --nlu "$TRAD" --model "$MODEL" \
    --out "$RESULTS/nlu-holdout-traditional" >"$LOG" 2>&1 || { tail -n 30 "$LOG"; exit 1; }

"$PY" - "$RESULTS" "${OUTS[@]}" <<'PY'
import json
import sys


def report(name):
    return json.load(open(f"{name}/intent_report.json"))


def overconfident(name, r):
    """Wrong predictions with confidence above 0.8: the ones no fallback will catch."""
    errors = json.load(open(f"{name}/intent_errors.json"))
    n = sum(1 for e in errors if e["intent_prediction"]["confidence"] > 0.8)
    return f"{n} wrong above 0.8 ({n / r['weighted avg']['support']:.1%})"


def line(label, r, name):
    worst = sorted((v["f1-score"], k) for k, v in r.items() if isinstance(v, dict) and "support" in v
                   and k not in ("macro avg", "weighted avg", "micro avg"))[:4]
    return (f"  {label}: accuracy {r['accuracy']:.3f}, weighted F1 {r['weighted avg']['f1-score']:.3f} "
            f"({r['weighted avg']['support']} examples, {overconfident(name, r)}); weakest: "
            + ", ".join(f"{k} {f:.2f}" for f, k in worst))


results, outs = sys.argv[1], sys.argv[2:]
cv = [report(name) for name in outs]
for name, r in zip(outs, cv):
    print(line(name.removeprefix(results + "/"), r, name))
f1 = [r["weighted avg"]["f1-score"] for r in cv]
print(f"  cross-validation, mean over {len(f1)} seed(s): weighted F1 {sum(f1) / len(f1):.3f} "
      f"(min {min(f1):.3f}, max {max(f1):.3f})")
for name in ("nlu-holdout", "nlu-holdout-traditional"):
    print(line(name, report(f"{results}/{name}"), f"{results}/{name}"))
PY
