"""Per-file analyses must let go of the file's tree once the file is done: a cache that keeps
every model alive grows with the project (hundreds of MB on a large tree)."""

from __future__ import annotations

import ast
import contextlib
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.engine.analyze import analyze
from asynclint.engine.run import RunOptions
from asynclint.semantic.blocking import project_fact
from asynclint.semantic.model import SemanticModel
from asynclint.source import SourceFile
from tests.conftest import fixture_id, flagged_fixtures

CODE = '''\
import time
import requests


def helper():
    return requests.get("https://example.com")


class Repo:
    def load(self):
        time.sleep(1)


async def handler(db):
    a = await db.fetch(1)
    b = await db.fetch(2)
    helper()
    Repo().load()
    return a, b
'''


@contextlib.contextmanager
def trees_parsed() -> Iterator[list[weakref.ref[ast.AST]]]:
    """Weak references to every tree `ast.parse` makes inside the block (asynclint's own parses
    included), to see which are still alive after it."""
    kept: list[weakref.ref[ast.AST]] = []
    real_parse = ast.parse

    def parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        tree = real_parse(*args, **kwargs)
        kept.append(weakref.ref(tree))
        return tree

    ast.parse = parse  # type: ignore[assignment]
    try:
        yield kept
    finally:
        ast.parse = real_parse  # type: ignore[assignment]


def test_a_finished_analysis_frees_its_model_and_tree() -> None:
    settings = Settings(root=Path.cwd())
    analysis = analyze(SourceFile(CODE), "app.py", settings, settings.enabled_codes(),
                       ("app", False))
    assert analysis.diagnostics  # the families that keep per-model analyses did run
    assert analysis.semantic is not None
    model = weakref.ref(analysis.semantic)
    tree = weakref.ref(analysis.semantic.module)
    del analysis
    gc.collect()
    assert model() is None
    assert tree() is None


def test_project_facts_free_their_model() -> None:
    tree = ast.parse(CODE)
    model = SemanticModel(tree, "app")
    facts = [project_fact(n, model) for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert any(f is not None and f["alts"] for f in facts)
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_a_released_analysis_frees_its_tree_without_the_collector(tmp_path: Path) -> None:
    """`check_file` releases each analysis: the tree goes by reference counting alone, so the
    collector never has to walk a dead module's hundreds of thousands of nodes."""
    from asynclint.engine.run import check_file

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "helpers.py").write_text("import requests\n\n\ndef get():\n"
                                                 "    return requests.get('x')\n")
    path = tmp_path / "app" / "views.py"
    path.write_text(CODE + "\n\nfrom app.helpers import get\n\n\nasync def view():\n"
                           "    get()\n    helper()\n")
    settings = Settings(root=tmp_path)
    gc.collect()
    gc.disable()
    try:
        with trees_parsed() as kept:
            report = check_file(str(path), settings, RunOptions(use_cache=False))
        chains = [d.message for d in report.diagnostics if d.code == "ASL106"]
        assert any("app.helpers.get()" in m for m in chains)  # the index and its facts ran
        assert len(kept) >= 2  # the checked file, and the helpers' module for its facts
        assert all(ref() is None for ref in kept)
    finally:
        gc.enable()


def test_a_batch_collects_the_young_generation_only_past_its_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between two files of a batch the collector runs on the youngest generation once
    `_YOUNG_LIMIT` objects have piled up since its last run, not after every file; the
    cycles an analysis leaves are still collected then."""
    from asynclint.engine import run

    for i in range(4):
        (tmp_path / f"m{i}.py").write_text(CODE)
    settings = Settings(root=tmp_path)
    batch = [(str(tmp_path / f"m{i}.py"), settings, None) for i in range(4)]
    collected: list[int] = []
    real_collect = gc.collect

    def collect(generation: int = 2) -> int:
        collected.append(generation)
        return real_collect(generation)

    monkeypatch.setattr(run.gc, "collect", collect)
    gc.enable()
    for limit, expected in ((10**9, []), (0, [0, 0, 0, 0])):
        monkeypatch.setattr(run, "_YOUNG_LIMIT", limit)
        collected.clear()
        reports, _ = run._check_batch(batch, RunOptions(use_cache=False))
        assert len(reports) == 4 and all(r.diagnostics for r in reports)
        assert collected == expected
    # A cycle left by a file's analysis goes at the next collection between files.
    monkeypatch.setattr(run, "_YOUNG_LIMIT", 0)
    left: list[weakref.ref[object]] = []
    real_check = run.check_file

    def check_leaving_a_cycle(*args, **kwargs):  # type: ignore[no-untyped-def]
        class Node:
            pass

        node = Node()
        node.self = node  # type: ignore[attr-defined]
        left.append(weakref.ref(node))
        return real_check(*args, **kwargs)

    monkeypatch.setattr(run, "check_file", check_leaving_a_cycle)
    run._check_batch(batch[:2], RunOptions(use_cache=False))
    assert left and all(ref() is None for ref in left)


SESSION_HELPERS = '''\
from sqlalchemy.ext.asyncio import AsyncSession

session = AsyncSession()


async def load_user(uid):
    return await session.get(uid)


async def load_team(tid):
    return await session.get(tid)


async def view(uid, tid):
    user = await load_user(uid)
    team = await load_team(tid)
    return user, team
'''


def test_no_memo_outlives_its_file(tmp_path: Path) -> None:
    """Two awaits of module functions make ASL400 ask whether each reaches a module-level
    session: that memo lives on the rule, not on the method (a `functools.cache` there kept
    every file's tree and model alive for the life of the process: the editor's too)."""
    from asynclint.engine.run import check_file

    (tmp_path / "pyproject.toml").write_text("")
    path = tmp_path / "app.py"
    path.write_text(SESSION_HELPERS)
    from asynclint.rules.concurrency import _ConcurrencyRule

    asked: list[str] = []
    real_ask = _ConcurrencyRule._uses_module_session

    def ask(self: _ConcurrencyRule, name: str) -> bool:
        asked.append(name)
        return real_ask(self, name)

    try:
        _ConcurrencyRule._uses_module_session = ask  # type: ignore[method-assign]
        with trees_parsed() as kept:
            check_file(str(path), Settings(root=tmp_path), RunOptions(use_cache=False))
    finally:
        _ConcurrencyRule._uses_module_session = real_ask  # type: ignore[method-assign]
    assert asked == ["load_user", "load_team"]  # the memo was used
    gc.collect()
    assert kept and all(ref() is None for ref in kept)


@pytest.mark.parametrize("fixture", flagged_fixtures(), ids=fixture_id)
def test_no_tree_outlives_a_run_over_any_fixture(fixture: Path, tmp_path: Path) -> None:
    """Every rule (all selected) over every flagged fixture: once the run is over and the
    collector has run, none of the trees it parsed is alive — a cache anywhere that keeps a
    rule, a model or a tree (as ASL400's `functools.cache` did) fails here."""
    from asynclint.engine.run import check_paths

    (tmp_path / "pyproject.toml").write_text("")
    target = tmp_path / "mod.py"
    target.write_bytes(fixture.read_bytes())
    settings = Settings(root=tmp_path, select=("ASL",))
    with trees_parsed() as kept:
        reports = check_paths([(str(target), settings)], RunOptions(use_cache=False, jobs=1))
    assert not reports[0].errors
    del reports
    gc.collect()
    assert kept and all(ref() is None for ref in kept)
