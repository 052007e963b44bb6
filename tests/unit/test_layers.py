"""The imports point down: bot/ (the gateway) may use actions/, appdata/ and knowledge/, but
nothing below imports what sits above it. Read from the source (AST), so a lazy import inside
a function counts as much as one at the top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> top-level packages it must never import
FORBIDDEN = {
    "knowledge": {"bot", "actions", "appdata"},
    "appdata": {"bot", "actions"},
    "actions": {"bot"},
    # runs inside Rasa's interpreter (.venv-rasa), where only knowledge/ is importable
    "rasa_components": {"bot", "actions", "appdata"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(top-level package, line) of every absolute import in the module, wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add((node.args[0].value.split(".")[0], node.lineno))
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_upper_ones(package):
    files = modules(package)
    assert files, f"no modules found in {package}/"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files
        for name, line in sorted(imported_packages(path))
        if name in FORBIDDEN[package]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_every_kind_of_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import bot.store\n"
        "def f():\n"
        "    from bot.privacy import Masker\n"
        "    import importlib\n"
        "    importlib.import_module('bot.main')\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert imported_packages(module) == {("bot", 1), ("bot", 3), ("importlib", 4), ("bot", 5)}
