"""Messaging's imports point one way: tasks import the services, never the reverse (services
queue work by name through portal.enqueue), and every import sits at the top of its module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGING = ROOT / "messaging"


def _modules() -> list[Path]:
    return [p for p in sorted(MESSAGING.rglob("*.py")) if "migrations" not in p.parts]


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_module_but_the_tasks_imports_the_tasks():
    importers = sorted(
        _name(path)
        for path in _modules()
        if path.name != "tasks.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if "messaging.tasks" in _imported(node)
    )
    assert importers == []
    tasks = ast.parse((MESSAGING / "tasks.py").read_text())
    assert any("messaging.dispatch" in _imported(node) for node in tasks.body)


def test_imports_are_at_module_level():
    nested = []
    for path in _modules():
        tree = ast.parse(path.read_text())
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
                nested.append(f"{_name(path)}:{node.lineno}")
    assert nested == []
