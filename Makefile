# One entry point for people and CI. Everything it does can also be configured through the
# environment (JIZE_* variables, see knowledge/settings.py and bot/core/config.py).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= $(shell command -v python3.11 || command -v python3)
PYTHON310 ?= $(shell PYENV_VERSION=3.10.13 pyenv which python3.10 2>/dev/null || command -v python3.10)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python

.PHONY: help setup test test-fast lint run bench knowledge

help:
	@echo "make run    - set up what is missing, start Rasa + the app, print the URL"
	@echo "make test   - set up, then run every test"
	@echo "make bench  - benchmarks (retrieval quality, latency, memory)"
	@echo "make setup  - environments, embedding model, knowledge store and index"

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

knowledge: $(VENV)/.installed
	$(PY) -m knowledge build

setup: $(VENV)/.installed knowledge

lint: $(VENV)/.installed
	$(PY) -m ruff check .

test: setup lint
	$(PY) -m pytest

test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not integration"

bench: setup
	$(PY) bench/retrieval.py
