"""The real system for end-to-end tests: ``python -m bot.run`` with real Rasa, real actions,
the real knowledge base, on free ports, tickets and logs in a temporary app.db.

Needs ``make setup`` (knowledge base) and a trained model (``make train``); without them the
tests are skipped with the reason, or fail when JIZE_E2E_REQUIRED=1 (CI)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def e2e_system(tmp_path_factory):
    # one system per module: test_system.py ends by stopping its own (SIGTERM test)
    from tests.harness import RunningSystem, missing_parts, need

    missing = missing_parts()
    need(not missing, "the real system needs " + ", ".join(missing) + " (run `make setup`)")
    from tests.api.test_wechat import AES_KEY, APPID, TOKEN

    # the WeChat channel on too (tests/e2e/test_wechat_system.py): WeChat's servers in front of
    # the real dialogue
    wechat = {"JIZE_WECHAT_TOKEN": TOKEN, "JIZE_WECHAT_AES_KEY": AES_KEY, "JIZE_WECHAT_APPID": APPID}
    system = RunningSystem(app_db=tmp_path_factory.mktemp("e2e") / "app.db", env=wechat)
    system.start()
    yield system
    system.stop()
