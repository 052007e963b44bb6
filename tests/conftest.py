"""Shared fixtures: the real source list, parsed once; a knowledge base built with the fake embedder
into a temporary data directory (real SQLite file, real FAISS index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.parser import parse_file
from knowledge.settings import DEFAULT_SOURCE, KnowledgeSettings, get_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def records():
    return parse_file(DEFAULT_SOURCE)


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory) -> KnowledgeSettings:
    data = tmp_path_factory.mktemp("fake-data")
    return KnowledgeSettings(data_dir=data, embedding_model="fake:64")


@pytest.fixture(scope="session")
def fake_kb(fake_settings):
    from knowledge.service import KnowledgeBase, build

    build(fake_settings)
    kb = KnowledgeBase(fake_settings)
    kb.warm_up()
    return kb


@pytest.fixture(scope="session")
def real_kb():
    """The knowledge base `make setup` built with the configured (real) embedding model."""
    from knowledge.service import KnowledgeBase, build

    settings = get_settings()
    build(settings)
    kb = KnowledgeBase(settings)
    kb.warm_up()
    return kb
