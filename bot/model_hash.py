"""The Rasa model being served, named by the sha256 of its file (for the audit records).

``rasa run --model DIR`` loads the newest ``*.tar.gz`` in the directory; this names the same
file. The digest is computed once per file (path, size and modification time) and cached.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path


class RasaModelHash:
    """``RasaModelHash(model_dir)()`` → ``"sha256:<hex>"`` of the newest model, or None."""

    def __init__(self, model_dir: Path | None) -> None:
        self.model_dir = Path(model_dir) if model_dir else None
        self._lock = threading.Lock()
        self._cached: tuple[tuple[str, int, int], str] | None = None

    def __call__(self) -> str | None:
        if self.model_dir is None:
            return None
        try:
            models = sorted(self.model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
            if not models:
                return None
            newest = models[-1]
            st = newest.stat()
        except OSError:
            return None
        key = (str(newest), st.st_size, st.st_mtime_ns)
        with self._lock:
            if self._cached is not None and self._cached[0] == key:
                return self._cached[1]
            h = hashlib.sha256()
            try:
                with newest.open("rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
            except OSError:
                return None
            self._cached = (key, "sha256:" + h.hexdigest())
            return self._cached[1]
