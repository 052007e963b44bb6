"""The admin token out of the box: ``JIZE_ADMIN_TOKEN`` when set, else one random token created
once under the data dir (``admin-token``, file mode 0600) and read from there on later starts."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_FILE = "admin-token"


class AdminTokenError(RuntimeError):
    """The token file exists but cannot be read, or holds no token."""


def ensure_admin_token(configured: str, data_dir: Path) -> tuple[str, Path | None]:
    """(token, file it is kept in, or None when it came from the setting)."""
    if configured:
        return configured, None
    path = Path(data_dir) / TOKEN_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(24)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile: read that one
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(token + "\n")
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise AdminTokenError(f"cannot read the admin token file {path}: {e}") from e
    if not token:
        raise AdminTokenError(f"the admin token file {path} is empty: delete it to get a new token")
    return token, path
