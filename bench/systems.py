"""Running the whole system (gateway, Rasa, actions) once or twice side by side, for the paired
measurements (`bench.cpu`, `bench.paired`): each with its own app database in a temporary
folder, B optionally from another checkout."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def running(variants: dict[str, dict[str, str]], trees: dict[str, Path | None], prefix: str) -> Iterator[dict]:
    """Start one system per name in ``variants`` (its extra environment), from the checkout in
    ``trees`` (None: this one); stop them all and remove their folder on the way out."""
    from tests import harness
    from tests.harness import RunningSystem

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    systems: dict[str, RunningSystem] = {}
    try:
        for name, env in variants.items():
            (tmp / name).mkdir()
            system = RunningSystem(app_db=tmp / name / "app.db", env=env)
            tree = trees.get(name)
            if tree is not None:
                # bot.run started from that checkout (python -m imports from the working directory)
                saved, harness.PROJECT_DIR = harness.PROJECT_DIR, tree.resolve()
                try:
                    systems[name] = system.start()
                finally:
                    harness.PROJECT_DIR = saved
            else:
                systems[name] = system.start()
        yield systems
    finally:
        for system in systems.values():
            system.stop()
        shutil.rmtree(tmp, ignore_errors=True)
