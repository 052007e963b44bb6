#!/usr/bin/env bash
# Train the Rasa model (<data dir>/rasa-models/jize.tar.gz) only when its inputs changed.
#
#   scripts/rasa_train.sh            # retrain if config.yml, domain.yml, data/**, the jieba
#                                    # user dictionary, the custom NLU components (and the
#                                    # normalisation and embedding engine they reuse, with the
#                                    # typo and synonym tables) or requirements-rasa.txt changed
#   scripts/rasa_train.sh --force    # retrain anyway
#
# First writes the NLU data generated from the knowledge store (office lookup table and
# synonyms, `python -m actions.export_lookups`) into <data dir>/nlu-generated/, then trains from
# data/ and that directory. The data dir is JIZE_DATA_DIR (default var/; the model dir can be
# moved with JIZE_RASA_MODEL_DIR), read through the app's settings, so two data dirs (two
# counties) train two models from one checkout. The inputs' hash is kept in jize.stamp next to
# the model. Run from anywhere; paths are relative to the project root (config.yml points jieba
# at knowledge/resources/jieba).
# Rasa runs through the project's entry point (python -m rasa_components: Rasa after
# rasa_components/patches.py), as bot.run starts it.
# Env: RASA_PY (default .venv-rasa/bin/python), PY (default .venv/bin/python), JIZE_DATA_DIR,
#      JIZE_RASA_MODEL_DIR, TF_INTRA_OP_PARALLELISM_THREADS (2),
#      TF_INTER_OP_PARALLELISM_THREADS (1), OMP_NUM_THREADS (1).
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PY="${RASA_PY:-.venv-rasa/bin/python}"
PY="${PY:-.venv/bin/python}"
eval "$("$PY" -m bot.core.config)"  # DATA_DIR, RASA_MODEL_DIR, NLU_GENERATED_DIR
OUT_DIR="$RASA_MODEL_DIR"
GEN_DIR="$NLU_GENERATED_DIR"
MODEL="$OUT_DIR/jize.tar.gz"
STAMP="$OUT_DIR/jize.stamp"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

if [[ ! -x "$RASA_PY" ]]; then
    echo "rasa_train: $RASA_PY not found - create .venv-rasa first (see requirements-rasa.txt)" >&2
    exit 1
fi

# Office names from the knowledge store (rewritten only when they change).
"$PY" -m actions.export_lookups "$GEN_DIR"

# The embedding model's int8 ONNX export (make model): its manifest names what it was made from.
ONNX_MANIFEST="$("$PY" -c 'from knowledge.e5engine import onnx_dir; print(onnx_dir() / "manifest.json")')"

inputs_hash() {
    # File names and contents of everything the model is trained from.
    {
        {
            ls config.yml domain.yml requirements-rasa.txt
            find data "$GEN_DIR" knowledge/resources/jieba -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.txt' \) 2>/dev/null
            # rasa_components/ tokenises with knowledge/normalize.py and its typo table, and embeds
            # with knowledge/e5engine.py the text retrieval embeds (the synonym table appends terms),
            # on the backend JIZE_EMBEDDING_BACKEND names (default: the ONNX export).
            find rasa_components -type f -name '*.py' 2>/dev/null
            ls knowledge/normalize.py knowledge/e5engine.py knowledge/resources/typos.tsv \
                knowledge/resources/synonyms.tsv
        } | LC_ALL=C sort | while read -r f; do
            # (the data dir's files by their name in it: a copied data dir does not retrain)
            printf '%s\n' "${f/#"$GEN_DIR"/nlu-generated}"; cat "$f"
        done
        # (by content, not by its absolute path: another checkout with the same export does not
        # retrain)
        if [[ -f "$ONNX_MANIFEST" ]]; then printf 'onnx manifest\n'; cat "$ONNX_MANIFEST"; fi
        printf 'embedding backend: %s\n' "${JIZE_EMBEDDING_BACKEND:-onnx}"
    } | sha256sum | cut -d' ' -f1
}

HASH="$(inputs_hash)"
if [[ $FORCE -eq 0 && -f "$MODEL" && -f "$STAMP" && "$(cat "$STAMP")" == "$HASH" ]]; then
    echo "rasa_train: $MODEL is up to date (inputs unchanged)"
    exit 0
fi

mkdir -p "$OUT_DIR"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-2}"
export TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"

echo "rasa_train: inputs changed - training $MODEL (DIET progress below, a few minutes on 2 cores)"
START=$(date +%s)
# --force: Rasa's own cache does not fingerprint the jieba dictionary files.
"$RASA_PY" -m rasa_components train --force --fixed-model-name jize --out "$OUT_DIR" --data data "$GEN_DIR"
echo "$HASH" > "$STAMP"
echo "rasa_train: done in $(( $(date +%s) - START ))s -> $MODEL"
