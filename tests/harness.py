"""What tests share beyond fixtures: prerequisites that skip locally and fail in CI."""

from __future__ import annotations

import os

import pytest


def need(ok: object, msg: str) -> None:
    """Skip the test with ``msg`` when a prerequisite is missing (``ok`` is false), or fail it
    when ``JIZE_E2E_REQUIRED=1`` (CI): there, a missing prerequisite is an error, not a skip
    that nobody sees."""
    if ok:
        return
    if os.environ.get("JIZE_E2E_REQUIRED") == "1":
        pytest.fail(msg)
    pytest.skip(msg)
