"""tests.harness.need: a missing prerequisite skips locally and fails when CI requires it."""

from __future__ import annotations

import pytest

from tests.harness import need


def test_a_met_prerequisite_does_nothing(monkeypatch):
    monkeypatch.setenv("JIZE_E2E_REQUIRED", "1")
    need(True, "unused")


def test_missing_prerequisite_skips_locally(monkeypatch):
    monkeypatch.delenv("JIZE_E2E_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no model"):
        need([], "no model")


def test_missing_prerequisite_fails_when_required(monkeypatch):
    monkeypatch.setenv("JIZE_E2E_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match="no model"):
        need(None, "no model")
