"""Reads the apps' source (never imports it) and answers questions about its structure.

Used by ``tests/test_architecture.py``: the import graph between the apps' modules (its cycles
and the dependencies that run against the layering), the imports made inside functions (each
must say why), and AWS wire names used outside the AWS edge. Everything here works from the
syntax tree, so a module that fails to import is still read, and reading has no side effects.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The layering, lowest first: a module may import its own app and the apps ranked below it.
# ``staff`` and ``messaging`` compose ``registrations``, which builds on ``compliance`` and
# ``tenants``; everything may use ``portal``'s plumbing.
APP_RANK = {
    "portal": 0,
    "tenants": 1,
    "compliance": 2,
    "registrations": 3,
    "messaging": 4,
    "staff": 5,
}

# Modules that assemble the whole product (URL root, Celery app, process runner, WSGI/ASGI
# entry points, settings): they sit above every app and may import any of them.
COMPOSITION = {
    "portal.urls",
    "portal.views",
    "portal.celery",
    "portal.runall",
    "portal.wsgi",
    "portal.asgi",
    "portal.settings",
}
COMPOSITION_RANK = 99

# The AWS edge: the only package allowed to use the API's PascalCase operation names.
AWS_EDGE = "registrations.aws"

WIRE_NAME = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")


@dataclass(frozen=True)
class LocalImport:
    module: str
    line: int
    target: str
    reason: str  # the comment on the import's line or the line above it ("" when none)

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: list[str]
    imports: set[str] = field(default_factory=set)

    @property
    def app(self) -> str:
        return self.name.split(".")[0]

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Yields every node with whether it sits inside a function, skipping TYPE_CHECKING blocks."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other, in_function
                yield from _walk(other, in_function)
            continue
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield child, in_function
        yield from _walk(child, inside)


class Codebase:
    """The modules of the given packages under ``root`` (migrations left out)."""

    def __init__(self, root: Path = ROOT, packages: Iterable[str] = tuple(APP_RANK)) -> None:
        self.root = root
        self.modules: dict[str, Module] = {}
        for package in packages:
            base = root / package
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*.py")):
                if "migrations" in path.parts:
                    continue
                text = path.read_text()
                name = _module_name(root, path)
                tree = ast.parse(text, filename=str(path))
                self.modules[name] = Module(name, path, tree, text.splitlines())
        for module in self.modules.values():
            module.imports = {target for target, _, _ in self._imports_of(module)}

    # -- imports -------------------------------------------------------------------------

    def _resolve(self, module: Module, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.name.split(".")
        if not module.is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def _known(self, dotted: str) -> str | None:
        """The longest prefix of ``dotted`` that is one of our modules."""
        parts = dotted.split(".")
        while parts:
            candidate = ".".join(parts)
            if candidate in self.modules:
                return candidate
            parts.pop()
        return None

    def _imports_of(self, module: Module) -> Iterator[tuple[str, int, bool]]:
        """(imported module of ours, line, inside a function) for each import statement."""
        for node, in_function in _walk(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = self._known(alias.name)
                    if target:
                        yield target, node.lineno, in_function
            elif isinstance(node, ast.ImportFrom):
                source = self._resolve(module, node)
                for alias in node.names:
                    target = self._known(f"{source}.{alias.name}") or self._known(source)
                    if target and target != module.name:
                        yield target, node.lineno, in_function

    def local_imports(self) -> list[LocalImport]:
        """Import statements inside functions, of any module (ours or not)."""
        found = []
        for module in self.modules.values():
            for node, in_function in _walk(module.tree):
                if not in_function or not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                if isinstance(node, ast.Import):
                    target = ", ".join(alias.name for alias in node.names)
                else:
                    target = self._resolve(module, node) or "."
                found.append(LocalImport(module.name, node.lineno, target, _reason(module, node)))
        return sorted(found, key=lambda item: (item.module, item.line))

    # -- the graph -----------------------------------------------------------------------

    def cycles(self) -> list[list[str]]:
        """Strongly connected groups of more than one module (Tarjan), each sorted."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        groups: list[list[str]] = []
        counter = 0

        def visit(name: str) -> None:
            nonlocal counter
            index[name] = low[name] = counter
            counter += 1
            stack.append(name)
            on_stack.add(name)
            for target in sorted(self.modules[name].imports):
                if target not in index:
                    visit(target)
                    low[name] = min(low[name], low[target])
                elif target in on_stack:
                    low[name] = min(low[name], index[target])
            if low[name] == index[name]:
                group = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    group.append(item)
                    if item == name:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

        for name in sorted(self.modules):
            if name not in index:
                visit(name)
        return sorted(groups)

    def rank(self, name: str) -> int:
        if name in COMPOSITION:
            return COMPOSITION_RANK
        return APP_RANK.get(name.split(".")[0], -1)

    def upward(self) -> list[tuple[str, str]]:
        """(importer, imported) where the imported module's app ranks above the importer's."""
        found = []
        for module in self.modules.values():
            for target in module.imports:
                if target.split(".")[0] != module.app and self.rank(target) > self.rank(
                    module.name
                ):
                    found.append((module.name, target))
        return sorted(found)

    def imports_of_package(self, name: str, packages: Iterable[str]) -> list[tuple[str, int]]:
        """(module, line) in ``name``'s modules that import any of ``packages`` by absolute name."""
        wanted = tuple(packages)
        found = []
        for module in self.modules.values():
            if module.app != name:
                continue
            for node, _ in _walk(module.tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                if any(n == w or n.startswith(w + ".") for n in names for w in wanted):
                    found.append((module.name, node.lineno))
        return sorted(found)

    # -- wire names ----------------------------------------------------------------------

    def wire_calls(self) -> list[tuple[str, int, str]]:
        """``x.call("PascalCase", …)`` and private ``x._pages(…)`` outside the AWS edge."""
        found = []
        for module in self.modules.values():
            if module.name == AWS_EDGE or module.name.startswith(AWS_EDGE + "."):
                continue
            for node, _ in _walk(module.tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                attr = node.func.attr
                first = node.args[0] if node.args else None
                if (
                    attr == "call"
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and WIRE_NAME.match(first.value)
                ):
                    found.append((module.name, node.lineno, first.value))
                elif attr == "_pages":
                    found.append((module.name, node.lineno, "_pages"))
        return sorted(found)


def _reason(module: Module, node: ast.stmt) -> str:
    """A comment on the statement's first line, or a comment line right above it."""
    line = module.lines[node.lineno - 1]
    if "#" in line:
        return line.split("#", 1)[1].strip()
    above = module.lines[node.lineno - 2].strip() if node.lineno > 1 else ""
    return above[1:].strip() if above.startswith("#") else ""
