"""`make run` without JIZE_ADMIN_TOKEN: one random token, created once, mode 0600."""

from __future__ import annotations

import stat

import pytest

from bot.admin_token import TOKEN_FILE, AdminTokenError, ensure_admin_token


def test_the_setting_wins_and_no_file_is_written(tmp_path):
    assert ensure_admin_token("from-env-token", tmp_path) == ("from-env-token", None)
    assert not (tmp_path / TOKEN_FILE).exists()


def test_a_random_token_is_created_once_with_mode_0600(tmp_path):
    token, path = ensure_admin_token("", tmp_path / "data")
    assert path == tmp_path / "data" / TOKEN_FILE and len(token) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_admin_token("", tmp_path / "data") == (token, path)  # the same on the next start
    assert ensure_admin_token("", tmp_path / "other")[0] != token


def test_an_empty_token_file_is_an_error(tmp_path):
    (tmp_path / TOKEN_FILE).write_text("\n")
    with pytest.raises(AdminTokenError, match="empty"):
        ensure_admin_token("", tmp_path)
