#!/usr/bin/env bash
# NLU quality report (not part of `make test`: ~2 minutes on 2 cores).
#
#   scripts/rasa_nlu_eval.sh [FOLDS]     # default 3
#
# 1. cross-validation on data/nlu (intent F1, mean and std over the folds)
# 2. the trained model on the held-out examples tests/rasa/nlu_holdout.yml
# Reports: var/rasa-results/nlu-cv/ and var/rasa-results/nlu-holdout/.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA="${RASA:-.venv-rasa/bin/rasa}"
FOLDS="${1:-3}"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-2}"
export TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

scripts/rasa_train.sh
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

echo "== $FOLDS-fold cross-validation on data/"
rm -rf var/rasa-results/nlu-cv
"$RASA" test nlu --nlu data --config config.yml --cross-validation --folds "$FOLDS" \
    --out var/rasa-results/nlu-cv >"$LOG" 2>&1 || { tail -n 30 "$LOG"; exit 1; }
grep -A7 "Intent evaluation results" "$LOG" | grep -E "test (Accuracy|F1-score|Precision)" | sed 's/.*rasa.nlu.test  - /  /'

echo "== held-out examples (tests/rasa/nlu_holdout.yml)"
"$RASA" test nlu --nlu tests/rasa/nlu_holdout.yml --model var/rasa-models/jize.tar.gz \
    --out var/rasa-results/nlu-holdout >"$LOG" 2>&1 || { tail -n 30 "$LOG"; exit 1; }
.venv-rasa/bin/python - <<'PY'
import json
for name in ("nlu-cv", "nlu-holdout"):
    r = json.load(open(f"var/rasa-results/{name}/intent_report.json"))
    worst = sorted((v["f1-score"], k) for k, v in r.items() if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg", "micro avg"))[:4]
    print(f"  {name}: accuracy {r['accuracy']:.3f}, weighted F1 {r['weighted avg']['f1-score']:.3f}; "
          "weakest: " + ", ".join(f"{k} {f:.2f}" for f, k in worst))
PY
