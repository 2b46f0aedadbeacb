"""Shared helpers: run the real `asynclint` command in a subprocess, in a scratch folder."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from asynclint.rules import Rule

BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
GOOD = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
# What `--fix` makes of BAD: `asyncio` imported where `time` was, which no use needs any more.
FIXED = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
MODULE = [sys.executable, "-m", "asynclint"]
SCRIPT = str(Path(sys.executable).with_name("asynclint"))

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def flagged_fixtures() -> list[Path]:
    """Every rule's `flagged*.py` fixture (not their `.fixed.py` forms), in code order."""
    from asynclint.rules import REGISTRY

    return sorted(p for code in REGISTRY for p in (FIXTURES / code).glob("flagged*.py")
                  if not p.name.endswith(".fixed.py"))


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


Run = Callable[..., subprocess.CompletedProcess[str]]
AddRule = Callable[[type["Rule"]], None]


def load_script(file: str, name: str) -> ModuleType:
    """A script of `scripts/`, loaded as module `name` (registered in `sys.modules`: its
    dataclasses look their module up there)."""
    where = Path(__file__).resolve().parent.parent / "scripts" / file
    spec = importlib.util.spec_from_file_location(name, where)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def only_call(tree: ast.AST, wanted: Callable[[ast.Call], bool]
              ) -> tuple[list[ast.AST], ast.Call]:
    """The ancestors (outermost first) of the one call `wanted` picks in `tree`, and the call:
    what the semantic questions about "the code around this call" are asked with."""
    found: list[tuple[list[ast.AST], ast.Call]] = []

    def visit(node: ast.AST, ancestors: list[ast.AST]) -> None:
        if isinstance(node, ast.Call) and wanted(node):
            found.append((ancestors, node))
        for child in ast.iter_child_nodes(node):
            visit(child, [*ancestors, node])

    visit(tree, [])
    [(ancestors, call)] = found
    return ancestors, call


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASYNCLINT_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`run("check", "a.py", cwd=..., input=...)`: the CLI via `python -m asynclint`."""

    def _run(*args: str, cwd: Path | None = None, input: str | None = None,
             command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*(command or MODULE), *args], cwd=cwd or tmp_path, input=input,
            capture_output=True, text=True, encoding="utf-8", env=clean_env(), timeout=120,
        )

    return _run


@pytest.fixture
def add_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[AddRule]:
    """`add_rule(MyRule)`: a rule that exists for this test only, known as a real one is: in the
    registry and in the code table (`asynclint.codes`, all selection reads)."""
    from asynclint.codes import CODES
    from asynclint.config.selection import enabled_codes
    from asynclint.rules import REGISTRY

    def add(rule: type[Rule]) -> None:
        monkeypatch.setitem(REGISTRY, rule.code, rule)
        monkeypatch.setitem(CODES, rule.code, rule.default_enabled)
        enabled_codes.cache_clear()  # selections computed without the rule

    yield add
    enabled_codes.cache_clear()  # ... and with it (monkeypatch removes the rule after this)
