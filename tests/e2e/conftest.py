"""The real system for end-to-end tests: ``python -m bot.run`` with real Rasa, real actions,
the real knowledge base, on free ports, tickets and logs in a temporary app.db.

Needs ``make setup`` (knowledge base) and a trained model (``make train``); without them the
tests are skipped with the reason, or fail when JIZE_E2E_REQUIRED=1 (CI)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def e2e_system(tmp_path_factory):
    from tests.harness import RunningSystem, missing_parts, need

    missing = missing_parts()
    need(not missing, "the real system needs " + ", ".join(missing) + " (run `make setup`)")
    system = RunningSystem(app_db=tmp_path_factory.mktemp("e2e") / "app.db")
    system.start()
    yield system
    system.stop()
