"""The project index: module summaries, on-demand resolution, the disk cache, and the result
cache's invalidation when a module a file depends on changes."""

from __future__ import annotations

import ast
import json
import textwrap
import time
from pathlib import Path

import pytest

from asynclint import __version__
from asynclint.config import Settings
from asynclint.digests import digest_of
from asynclint.engine import index_store, result_cache
from asynclint.engine.index_store import ProjectIndex
from asynclint.engine.run import RunOptions, check_paths
from asynclint.semantic.project.facts import FACT_PROVIDERS
from asynclint.semantic.project.lookups import deps_valid
from asynclint.semantic.project.summaries import (
    WRAPS_ASYNC,
    WRAPS_FACTORY,
    ModuleSummary,
    summarize_module,
)
from asynclint.semantic.project.version import SUMMARY_VERSION
from asynclint.semantic.project.view import ProjectView

INDEX_FILE = f"index-v{SUMMARY_VERSION}.json"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


@pytest.fixture(autouse=True)
def fresh_indexes() -> None:
    index_store.forget_indexes()


SERVICES = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "app/__init__.py": "",
    "app/services/__init__.py": "from .users import fetch_user as fetch_user\n",
    "app/services/users.py": """
        import functools
        from typing import AsyncIterator
        from fastapi import APIRouter
        from sqlalchemy.ext.asyncio import AsyncSession

        router = APIRouter()

        async def fetch_user(uid): ...
        def normalize(name): ...
        async def stream_users():
            yield 1

        async def get_db() -> AsyncIterator[AsyncSession]:
            yield AsyncSession()

        @functools.wraps(normalize)
        async def wrapped(): ...

        @router.get("/x")
        async def route(): ...

        class Base:
            async def save(self): ...

        class Repo(Base):
            def sync_method(self): ...
            limit = 10

        helper = normalize
        helper = fetch_user
        """,
    "app/api.py": """
        import app.services.users as users_mod
        from app.services import fetch_user
        """,
}


def test_summary_records_async_kinds_decorators_classes_and_ambiguity(tmp_path: Path) -> None:
    write(tmp_path, SERVICES)
    path = tmp_path / "app/services/users.py"
    summary = summarize_module(ast.parse(path.read_text()), "app.services.users", False)
    assert summary.functions["fetch_user"].kind == "async"
    assert summary.functions["normalize"].kind == "sync"
    assert summary.functions["stream_users"].kind == "agen"
    assert summary.functions["get_db"].yields == "sqlalchemy.ext.asyncio.AsyncSession"
    assert summary.functions["get_db"].returns == "typing.AsyncIterator"
    assert summary.functions["wrapped"].decorators == ["functools.wraps()"]
    assert summary.functions["route"].decorators == ["fastapi.APIRouter.get()"]
    assert summary.classes["Repo"].bases == ["app.services.users.Base"]
    assert summary.classes["Repo"].attributes == ["limit"]
    assert "helper" in summary.ambiguous
    assert summary.imports["APIRouter"] == "fastapi.APIRouter"
    # JSON round trip keeps everything (the disk cache relies on it).
    again = ModuleSummary.from_json(json.loads(json.dumps(summary.to_json())))
    assert again == summary


def test_module_level_overloads_are_their_implementation() -> None:
    """`@overload` stubs then one implementation: the implementation, as in a class body."""
    code = textwrap.dedent("""
        import typing as t
        from typing import overload
        import typing_extensions

        @overload
        def fetch(k: int) -> int: ...
        @overload
        def fetch(k: str) -> str: ...
        async def fetch(k): ...

        @typing_extensions.overload
        async def parse(k: int) -> int: ...
        @t.overload
        async def parse(k: str) -> str: ...
        def parse(k): ...

        @overload
        def late(k: int) -> int: ...
        def late(k): ...
        @overload
        def late(k: str) -> str: ...

        @overload
        def rebound(k: int) -> int: ...
        def rebound(k): ...
        rebound = None
    """)
    summary = summarize_module(ast.parse(code), "m", False)
    assert summary.functions["fetch"].kind == "async"
    assert summary.functions["parse"].kind == "sync"
    assert sorted(summary.ambiguous) == ["late", "rebound"]
    assert "late" not in summary.functions and "rebound" not in summary.functions


def test_view_follows_reexports_aliases_and_bases(tmp_path: Path) -> None:
    write(tmp_path, SERVICES)
    index = ProjectIndex(None)
    api = str(tmp_path / "app/api.py")
    view = ProjectView(index, api, "app.api", False)
    found = view.lookup_full("app.services.fetch_user")  # re-exported by the package
    assert found is not None and found[0] == "function" and found[2].endswith("fetch_user")
    method = view.method("app.services.users.Repo", "save")  # inherited from Base
    assert method is not None and method.kind == "async"
    assert view.method("app.services.users.Repo", "limit") is None
    assert view.lookup_full("app.services.users.missing") is None
    assert view.lookup_full("fastapi.Depends") is None  # not part of the project
    assert view.deps["app.services"][1].endswith("__init__.py")
    assert view.deps["fastapi"] == ("fastapi", "", "", "")


def test_disk_cache_reads_unchanged_files_without_parsing(tmp_path: Path) -> None:
    write(tmp_path, SERVICES)
    cache = tmp_path / "index.json"
    users = str(tmp_path / "app/services/users.py")
    first = ProjectIndex(cache)
    assert first.entry(users) is not None and first.parsed == 1
    first.save()
    second = ProjectIndex(cache)
    entry = second.entry(users)
    assert entry is not None and entry.summary.functions["fetch_user"].kind == "async"
    assert second.parsed == 0
    # The saved digest is the summary's own (kept so a warm run need not re-serialise it).
    assert entry.summary.digest() == summarize_module(
        ast.parse(Path(users).read_text()), "app.services.users", False).digest()
    # A changed file is parsed again.
    Path(users).write_text("def fetch_user(uid): ...\n")
    third = ProjectIndex(cache)
    entry = third.entry(users)
    assert third.parsed == 1 and entry is not None
    assert entry.summary.functions["fetch_user"].kind == "sync"


def test_saved_digests_are_read_without_decoding_the_summary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run asks the index for digests only: they come from the saved record while the
    file's stat is unchanged, equal to the decoded summary's, and a changed file is read."""
    write(tmp_path, SERVICES)
    cache = tmp_path / "index.json"
    users = str(tmp_path / "app/services/users.py")
    # The stats are taken well after the files were written (not "changed moments ago").
    monkeypatch.setattr(result_cache, "clock", lambda: time.time_ns() + 60 * 10**9)
    first = ProjectIndex(cache)
    entry = first.entry(users)
    assert entry is not None
    provider = sorted(FACT_PROVIDERS)[0]
    facts = entry.summary.facts_digest(provider)
    first.save()
    second = ProjectIndex(cache)
    assert second.summary_digest(users) == entry.summary.digest()
    assert second.facts_digest(users, provider) == facts
    assert second.parsed == 0 and second._entries == {}  # nothing decoded
    Path(users).write_text("def fetch_user(uid): ...\n")
    third = ProjectIndex(cache)
    changed = summarize_module(ast.parse(Path(users).read_text()), "app.services.users", False)
    assert third.summary_digest(users) == changed.digest() != entry.summary.digest()
    assert third.parsed == 1
    assert third.summary_digest(str(tmp_path / "app/nowhere.py")) == ""


def test_a_dependency_on_an_unchanged_file_is_checked_without_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A result's dependency carries the stat its module was summarised at: while the file
    keeps it, the saved index is not even read; once it changes (or the summaries' format
    does), the index decides from the summary, as before."""
    from asynclint.semantic.project import lookups

    monkeypatch.setattr(result_cache, "clock", lambda: time.time_ns() + 60 * 10**9)
    write(tmp_path, SERVICES)
    cache = tmp_path / "index.json"
    api = str(tmp_path / "app/api.py")
    first = ProjectIndex(cache)
    view = ProjectView(first, api, "app.api", False)
    view.lookup_full("app.services.users.fetch_user")
    deps = view.dep_list()
    assert any(len(d) == 4 and d[1].endswith("users.py") for d in deps)
    first.save()
    unread = ProjectIndex(cache)
    assert deps_valid(unread, api, deps) and unread._saved is None
    monkeypatch.setattr(lookups, "SUMMARY_VERSION", SUMMARY_VERSION + 1)
    newer = ProjectIndex(cache)
    assert deps_valid(newer, api, deps) and newer._saved is not None
    monkeypatch.undo()
    monkeypatch.setattr(result_cache, "clock", lambda: time.time_ns() + 60 * 10**9)
    users = tmp_path / "app/services/users.py"
    users.write_text(users.read_text().replace("async def fetch_user(uid): ...",
                                               "async def fetch_user(uid):\n    return uid"))
    edited = ProjectIndex(cache)
    assert deps_valid(edited, api, deps) and edited._saved is not None  # the same summary
    users.write_text(users.read_text().replace("async def fetch_user", "def fetch_user"))
    assert not deps_valid(ProjectIndex(cache), api, deps)


def test_a_saved_record_that_does_not_decode_is_summarised_afresh(tmp_path: Path) -> None:
    """A hand-edited or foreign record is never trusted: the file is parsed again."""
    write(tmp_path, SERVICES)
    cache = tmp_path / "index.json"
    users = str(tmp_path / "app/services/users.py")
    first = ProjectIndex(cache)
    assert first.entry(users) is not None
    first.save()
    saved = json.loads(cache.read_text())
    saved[users][3] = {"n": "app.services.users"}  # the outer shape holds, the summary not
    cache.write_text(json.dumps(saved))
    again = ProjectIndex(cache)
    entry = again.entry(users)
    assert entry is not None and again.parsed == 1
    assert entry.summary.functions["fetch_user"].kind == "async"
    saved[users] = ["not", "a", "record"]
    cache.write_text(json.dumps(saved))
    other = ProjectIndex(cache)
    assert other.summary_digest(users) == entry.summary.digest() and other.parsed == 1


def test_deps_change_only_when_a_summary_changes(tmp_path: Path) -> None:
    write(tmp_path, SERVICES)
    api = str(tmp_path / "app/api.py")
    view = ProjectView(ProjectIndex(None), api, "app.api", False)
    view.lookup_full("app.services.users.fetch_user")
    deps = view.dep_list()
    users = tmp_path / "app/services/users.py"
    # A body edit keeps the summary: still valid.
    users.write_text(users.read_text().replace("async def fetch_user(uid): ...",
                                               "async def fetch_user(uid):\n    return uid"))
    assert deps_valid(ProjectIndex(None), api, deps)
    # Making the function sync changes what the checked file may see.
    users.write_text(users.read_text().replace("async def fetch_user", "def fetch_user"))
    assert not deps_valid(ProjectIndex(None), api, deps)
    # A new module that shadows a missing one changes resolution too.
    missing = ProjectView(ProjectIndex(None), api, "app.api", False)
    missing.lookup_full("app.extra.thing")
    deps = missing.dep_list()
    assert deps_valid(ProjectIndex(None), api, deps)
    write(tmp_path, {"app/extra.py": "async def thing(): ...\n"})
    assert not deps_valid(ProjectIndex(None), api, deps)


def test_fact_providers_add_per_function_facts(tmp_path: Path) -> None:
    FACT_PROVIDERS["calls"] = lambda node, model: sorted(
        n.func.id for n in ast.walk(node) if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)) or None
    try:
        tree = ast.parse("def f():\n    g()\n    h()\n\ndef quiet(): ...\n")
        summary = summarize_module(tree, "m", False)
        assert summary.functions["f"].fact("calls") == ["g", "h"]
        assert summary.functions["quiet"].fact("calls") is None
        assert summary.functions["f"].fact("unknown") is None
    finally:
        del FACT_PROVIDERS["calls"]


def test_facts_are_computed_per_provider_on_first_use() -> None:
    """A run that needs one family's facts of a module does not pay for the others'."""
    asked: list[str] = []
    FACT_PROVIDERS["one"] = lambda node, model: asked.append(f"one:{node.name}")
    FACT_PROVIDERS["two"] = lambda node, model: asked.append(f"two:{node.name}")
    try:
        summary = summarize_module(ast.parse("def f(): ...\n"), "m", False)
        summary.functions["f"].fact("one")
        summary.functions["f"].fact("one")
        assert asked == ["one:f"]
        summary.functions["f"].fact("two")
        assert asked == ["one:f", "two:f"]
    finally:
        del FACT_PROVIDERS["one"], FACT_PROVIDERS["two"]


USES = """
from app.services.users import fetch_user


async def handler(uid):
    fetch_user(uid)
"""


def _check(root: Path, files: list[Path], jobs: int = 1) -> list[tuple[str, int, str]]:
    settings = Settings(root=root, select=("ASL200",))
    reports = check_paths([(str(f), settings) for f in files], RunOptions(jobs=jobs))
    return sorted((Path(r.path).name, d.start.row, d.code) for r in reports
                  for d in r.diagnostics)


def test_result_cache_is_invalidated_when_an_imported_function_becomes_async(
        tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "",
                     "app/services/__init__.py": "",
                     "app/services/users.py": "def fetch_user(uid): ...\n",
                     "app/api.py": USES})
    api = tmp_path / "app/api.py"
    assert _check(tmp_path, [api]) == []
    users = tmp_path / "app/services/users.py"
    users.write_text("async def fetch_user(uid): ...\n")
    index_store.forget_indexes()  # a new run: a new process
    assert _check(tmp_path, [api]) == [("api.py", 6, "ASL200")]
    cache = json.loads((tmp_path / ".asynclint_cache" / __version__ / INDEX_FILE).read_text())
    assert str(users) in cache


def test_a_helper_body_edit_reaches_exactly_the_files_that_call_it_from_a_coroutine(
        tmp_path: Path) -> None:
    """Facts are computed lazily and are a dependency of their own: `caller.py` (an `async def`
    calling the helper) consulted them, `bystander.py` (a sync use) did not."""
    write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "",
                     "app/helpers.py": "import requests\n\ndef load(uid):\n    return uid\n",
                     "app/caller.py": "from app.helpers import load\n\n"
                                      "async def view(uid):\n    return load(uid)\n",
                     "app/bystander.py": "from app.helpers import load\n\n"
                                         "def plain(uid):\n    return load(uid)\n"})
    files = [tmp_path / "app/caller.py", tmp_path / "app/bystander.py"]
    settings = Settings(root=tmp_path, select=("ASL106",))

    def run() -> dict[str, tuple[bool, list[str]]]:
        index_store.forget_indexes()  # each run is a new process
        reports = check_paths([(str(f), settings) for f in files], RunOptions(jobs=1))
        return {Path(r.path).name: (r.from_cache, [d.code for d in r.diagnostics])
                for r in reports}

    assert run() == {"caller.py": (False, []), "bystander.py": (False, [])}
    assert run() == {"caller.py": (True, []), "bystander.py": (True, [])}
    # The helper now blocks; its summary (names, kinds) is unchanged, its facts are not.
    (tmp_path / "app/helpers.py").write_text(
        "import requests\n\ndef load(uid):\n    return requests.get(uid)\n")
    assert run() == {"caller.py": (False, ["ASL106"]), "bystander.py": (True, [])}
    assert run() == {"caller.py": (True, ["ASL106"]), "bystander.py": (True, [])}
    # Facts computed in a run are saved with the index: the warm run parsed nothing.
    index = index_store.index_for(tmp_path, ".asynclint_cache", True)
    assert index.parsed == 0


def test_facts_of_a_module_waiting_to_be_checked_come_from_its_tree(tmp_path: Path) -> None:
    """A checked file asks the facts of a helper module the run checks later: the module is
    parsed once, for its summary, and that tree (handed over to the engine) also gives its
    facts and is then checked; the findings are those of a run where nothing was shared."""
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "app/__init__.py": "",
                     "app/a_caller.py": "from app.z_helpers import load\n\n"
                                        "async def view(uid):\n    return load(uid)\n",
                     "app/z_helpers.py": "import requests\n\n"
                                         "def load(uid):\n    return requests.get(uid)\n\n"
                                         "async def slow():\n    requests.get('x')\n"})
    files = [tmp_path / "app/a_caller.py", tmp_path / "app/z_helpers.py"]
    settings = Settings(root=tmp_path, select=("ASL1",))
    index_store.forget_indexes()
    together = check_paths([(str(f), settings) for f in files], RunOptions(jobs=1, use_cache=False))
    index = index_store.index_for(tmp_path, ".asynclint_cache", False)
    assert index.parsed == 1  # z_helpers, for its summary: its facts and check used that tree
    found = {Path(r.path).name: [d.code for d in r.diagnostics] for r in together}
    assert found == {"a_caller.py": ["ASL106"], "z_helpers.py": ["ASL101"]}
    alone = {}
    for f in files:
        index_store.forget_indexes()
        report, = check_paths([(str(f), settings)], RunOptions(jobs=1, use_cache=False))
        alone[f.name] = [d.code for d in report.diagnostics]
    assert alone == found


def test_module_facts_keep_the_eager_order(tmp_path: Path) -> None:
    """A provider that memoises across a module's functions sees them in summary order."""
    seen: list[str] = []
    FACT_PROVIDERS["order"] = lambda node, model: seen.append(node.name)
    try:
        tree = ast.parse("class C:\n    def b(self): ...\n\ndef a(): ...\n\n"
                         "if X:\n    def c(): ...\n")
        summary = summarize_module(tree, "m", False)
        assert seen == []  # nothing computed until asked
        assert summary.functions["a"].fact("order") is None
        assert seen == ["b", "a", "c"]
        assert summary.classes["C"].methods["b"] is not None
        assert summary.functions["c"].fact("order") is None  # computed once per module
        assert seen == ["b", "a", "c"]
    finally:
        del FACT_PROVIDERS["order"]


def test_one_file_alone_gets_the_same_findings_as_the_whole_project(tmp_path: Path) -> None:
    files = {"pyproject.toml": "", "app/__init__.py": "",
             "app/services/__init__.py": "from .users import fetch_user\n",
             "app/services/users.py": "async def fetch_user(uid): ...\n"}
    for i in range(10):  # enough files for the worker processes to be used
        files[f"app/api{i}.py"] = USES.replace("app.services.users", "app.services")
    write(tmp_path, files)
    all_files = sorted(tmp_path.rglob("*.py"))
    whole = _check(tmp_path, all_files, jobs=2)
    assert len(whole) == 10
    index_store.forget_indexes()
    alone = _check(tmp_path, [tmp_path / "app/api3.py"])
    assert alone == [f for f in whole if f[0] == "api3.py"]
    # The workers' summaries reached the disk index through the parent.
    cache = json.loads((tmp_path / ".asynclint_cache" / __version__ / INDEX_FILE).read_text())
    assert str(tmp_path / "app/services/__init__.py") in cache


def test_the_flake8_door_sees_the_project_index(tmp_path: Path) -> None:
    """flake8 hands one file's tree to the plugin; the cross-module finding is still there."""
    import subprocess
    import sys

    write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "",
                     "app/services/__init__.py": "from .users import fetch_user\n",
                     "app/services/users.py": "async def fetch_user(uid): ...\n",
                     "app/api.py": USES.replace("app.services.users", "app.services")})
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "ASL2",
                           "app/api.py"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.startswith("app/api.py:6:5: ASL200 "), proc.stdout + proc.stderr


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_coroutines_and_async_generators_are_told_apart_from_the_text(newline: str) -> None:
    """Only coroutines whose rows hold `yield` are walked; the kinds are what a walk gives."""
    code = newline.join([
        "async def plain():", "    return 1",
        "async def gen():", "    x = 1", "    yield x",
        "async def nested():", "    def inner():", "        yield 1", "    return inner",
        "async def word():", "    return 'yield'",
        "def sync():", "    yield 1", "",
    ])
    tree = ast.parse(code)
    with_text = summarize_module(tree, "m", False, code)
    with_bytes = summarize_module(tree, "m", False, code.encode())
    without = summarize_module(tree, "m", False)
    kinds = {name: f.kind for name, f in without.functions.items()}
    assert kinds == {"plain": "async", "gen": "agen", "nested": "async", "word": "async",
                     "sync": "sync"}
    assert {n: f.kind for n, f in with_text.functions.items()} == kinds
    assert {n: f.kind for n, f in with_bytes.functions.items()} == kinds


def test_a_dependency_changed_moments_ago_is_read_again_even_with_the_same_stat(
        tmp_path: Path) -> None:
    """Two writes within one timestamp tick can leave size and mtime alike: the index trusts a
    stat only for files that last changed well before it was taken."""
    import os

    module = tmp_path / "m.py"
    module.write_text("async def f(): ...\n")
    before = os.stat(module)
    index = ProjectIndex(None)
    first = index.entry(str(module))
    assert first is not None and first.summary.functions["f"].kind == "async"
    module.write_text("def f():       ...\n")  # same size
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = index.entry(str(module))
    assert second is not None and second.summary.functions["f"].kind == "sync"
    # Unchanged content is never parsed twice, trusted stat or not.
    index = ProjectIndex(None)
    assert index.entry(str(module)) is not None and index.parsed == 1
    assert index.entry(str(module)) is not None and index.parsed == 1


# -- namespace packages (PEP 420) ----------------------------------------------------------------
@pytest.mark.parametrize("rel, expected", [
    # src layout, no `__init__.py` anywhere: the path below `src`
    ("src/app/routers/apps.py", ("app.routers.apps", False)),
    ("src/app/routers/__init__.py", ("app.routers", True)),
    ("src/top.py", ("top", False)),
    # a namespace folder above a classic package prefixes the package's name
    ("src/ns/pkg/mod.py", ("ns.pkg.mod", False)),
    # below the project root
    ("backend/app/main.py", ("backend.app.main", False)),
    # classic packages keep their name
    ("classic/mod.py", ("classic.mod", False)),
    ("classic/__init__.py", ("classic", True)),
    ("script.py", ("script", False)),
    # a folder that is no identifier: no dotted name can be determined
    ("my-tools/run.py", ("run", False)),
    (".github/check.py", ("check", False)),
])
def test_module_names_from_the_import_root(tmp_path: Path, rel: str,
                                           expected: tuple[str, bool]) -> None:
    from asynclint.semantic.module_names import module_name_for

    write(tmp_path, {"pyproject.toml": "", "src/ns/pkg/__init__.py": "",
                     "classic/__init__.py": "", rel: ""})
    assert module_name_for(tmp_path / rel) == expected
    assert module_name_for(str(tmp_path / rel), {}) == expected


def test_outside_a_project_only_init_packages_name_a_module(tmp_path: Path) -> None:
    from asynclint.semantic import module_names as model

    write(tmp_path, {"a/b/c.py": "", "a/pkg/__init__.py": "", "a/pkg/m.py": ""})
    memo: dict[object, object] = {}
    for folder in (tmp_path, *tmp_path.parents):  # no marker anywhere above (as in a project)
        memo[("project", str(folder))] = None
    assert model.module_name_for(str(tmp_path / "a/b/c.py"), memo) == ("c", False)
    assert model.module_name_for(str(tmp_path / "a/pkg/m.py"), memo) == ("pkg.m", False)


NS_PROJECT = {
    "pyproject.toml": "",
    "backend/app/routers/apps.py": "async def get_user(uid): ...\n",
    "backend/app/routers/models.py": "async def load(uid): ...\n",
    "backend/app/main.py": "from app.routers.apps import get_user\n\n\n"
                           "async def handler(uid):\n    get_user(uid)\n",
    "backend/app/routers/views.py": "from .models import load\n\n\n"
                                    "async def show(uid):\n    load(uid)\n",
    "src/pkg/routers/apps.py": "async def get_user(uid): ...\n",
    "src/pkg/main.py": "from pkg.routers.apps import get_user\n\n\n"
                       "async def handler(uid):\n    get_user(uid)\n",
}


def test_imports_from_namespace_packages_resolve_alone_and_in_a_whole_run(
        tmp_path: Path) -> None:
    write(tmp_path, NS_PROJECT)
    all_files = sorted(tmp_path.rglob("*.py"))
    whole = _check(tmp_path, all_files)
    assert [f for f in whole if f[0] in ("main.py", "views.py")] == [
        ("main.py", 5, "ASL200"), ("main.py", 5, "ASL200"), ("views.py", 5, "ASL200")]
    for name in ("backend/app/main.py", "backend/app/routers/views.py", "src/pkg/main.py"):
        index_store.forget_indexes()
        alone = _check(tmp_path, [tmp_path / name])
        assert alone == [("main.py" if "main" in name else "views.py", 5, "ASL200")]


def _cached_check(root: Path, path: Path) -> tuple[bool, list[str]]:
    """One ASL200 run over `path` in a fresh process's index: whether the result came from the
    cache, and the codes reported."""
    index_store.forget_indexes()
    settings = Settings(root=root, select=("ASL200",))
    [report] = check_paths([(str(path), settings)], RunOptions(jobs=1))
    return report.from_cache, [d.code for d in report.diagnostics]


def test_the_cached_result_follows_an_init_file_and_a_module_appearing(tmp_path: Path) -> None:
    write(tmp_path, NS_PROJECT)
    main = tmp_path / "backend/app/main.py"

    def run() -> tuple[bool, list[str]]:
        return _cached_check(tmp_path, main)

    assert run() == (False, ["ASL200"])
    assert run() == (True, ["ASL200"])
    # A module that shadows the namespace one through an earlier root (the script folder
    # `backend/app/`) changes the answer, and so does its deletion.
    write(tmp_path, {"backend/app/app/routers/apps.py": "def get_user(uid): ...\n"})
    assert run() == (False, [])
    (tmp_path / "backend/app/app/routers/apps.py").unlink()
    assert run() == (False, ["ASL200"])
    assert run() == (True, ["ASL200"])
    # `app/` becomes a classic package: the same module and name (the cache may stay).
    (tmp_path / "backend/app/__init__.py").write_text("")
    assert run()[1] == ["ASL200"]
    (tmp_path / "backend/app/__init__.py").unlink()
    assert run()[1] == ["ASL200"]


def test_the_cached_result_follows_a_missing_module_appearing(tmp_path: Path) -> None:
    """A dependency on a module found nowhere holds while no import root lists its first name;
    a file or a package of that name appearing under any root (here the project root) makes the
    file checked again."""
    write(tmp_path, {
        "pyproject.toml": "",
        "app/main.py": "from helpers.db import load\nimport other\n\n\n"
                       "async def handler(uid):\n    load(uid)\n    other.fetch(uid)\n",
    })
    main = tmp_path / "app/main.py"

    def run() -> tuple[bool, list[str]]:
        return _cached_check(tmp_path, main)

    assert run() == (False, [])
    assert run() == (True, [])
    write(tmp_path, {"helpers/db.py": "async def load(uid): ...\n"})
    assert run() == (False, ["ASL200"])
    assert run() == (True, ["ASL200"])
    # `other`, now a module of the script folder (the first root)
    write(tmp_path, {"app/other.py": "async def fetch(uid): ...\n"})
    assert run() == (False, ["ASL200", "ASL200"])
    assert run() == (True, ["ASL200", "ASL200"])


DECORATORS = """
    import functools
    from collections.abc import Awaitable, Callable, Coroutine
    from typing import Any

    def wraps_async(func):
        @functools.wraps(func)
        async def wrapper(*args):
            return await func(*args)
        return wrapper

    def factory(n):
        def decorator(func):
            async def wrapper(*args):
                return await func(*args)
            return wrapper
        return decorator

    def annotated(func) -> Callable[..., Awaitable[Any]]: ...
    def annotated_factory(n) -> Callable[[Any], Callable[..., Coroutine[Any, Any, None]]]: ...

    def sync_wrapper(func):
        def wrapper(*args):
            return func(*args)
        return wrapper

    def either(func):
        async def a(*args): ...
        def b(*args): ...
        if func:
            return a
        return b

    def rebound(func):
        async def wrapper(*args): ...
        wrapper = func
        return wrapper

    def generator_wrapper(func):
        async def wrapper(*args):
            yield 1
        return wrapper

    def unknown_inner_decorator(func):
        @other
        async def wrapper(*args): ...
        return wrapper
"""


def test_summaries_record_which_decorators_return_an_async_def() -> None:
    summary = summarize_module(ast.parse(textwrap.dedent(DECORATORS)), "m", False)
    wraps = {name: func.wraps for name, func in summary.functions.items()}
    assert wraps == {
        "wraps_async": WRAPS_ASYNC, "factory": WRAPS_FACTORY, "annotated": WRAPS_ASYNC,
        "annotated_factory": WRAPS_FACTORY, "sync_wrapper": None, "either": None,
        "rebound": None, "generator_wrapper": None, "unknown_inner_decorator": None,
    }
    again = ModuleSummary.from_json(json.loads(json.dumps(summary.to_json())))
    assert again == summary


STARS = {
    "pyproject.toml": "[project]\nname = 'stars'\n",
    "pkg/__init__.py": "from .a import *\nfrom .b import *\nfrom .c import *\n",
    "pkg/a.py": "async def first(): ...\nasync def shadowed(): ...\nasync def _private(): ...\n",
    "pkg/b.py": "__all__ = ['listed', 'Klass']\nasync def listed(): ...\nasync def unlisted(): ...\n"
                "class Klass:\n    async def m(self): ...\n",
    "pkg/c.py": "import os\nshadowed = os.getenv('X')\n",
    "main.py": "",
}


def test_view_follows_star_imports_by_all_or_public_names(tmp_path: Path) -> None:
    write(tmp_path, STARS)
    summary = summarize_module(ast.parse(STARS["pkg/__init__.py"]), "pkg", True)
    assert summary.stars == ["pkg.a", "pkg.b", "pkg.c"]
    b = summarize_module(ast.parse(STARS["pkg/b.py"]), "pkg.b", False)
    assert b.exports == ["listed", "Klass"]
    view = ProjectView(ProjectIndex(None), str(tmp_path / "main.py"), "main", False)
    found = {name: view.lookup_full(f"pkg.{name}") for name in
             ("first", "listed", "unlisted", "_private", "shadowed", "Klass.m")}
    assert {k: (v[0], v[2]) if v else None for k, v in found.items()} == {
        "first": ("function", "pkg.a.first"),
        "listed": ("function", "pkg.b.listed"),
        "unlisted": None,  # not in b's `__all__`
        "_private": None,  # not a public name
        "shadowed": None,  # c, star-imported last, binds it otherwise
        "Klass.m": ("method", "pkg.b.Klass"),
    }


def test_view_tells_the_type_an_awaited_project_coroutine_gives(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": "[project]\nname = 'aw'\n",
        "conf.py": """
            from pathlib import Path
            async def path() -> Path: ...
            async def loose(): ...
            def sync() -> Path: ...
            async def generic() -> list[int]: ...
            @decorated
            async def wrapped() -> Path: ...
            class C:
                @staticmethod
                async def make() -> Path: ...
            """,
        "main.py": "",
    })
    view = ProjectView(ProjectIndex(None), str(tmp_path / "main.py"), "main", False)
    got = {name: view.awaited_type(f"conf.{name}")
           for name in ("path", "loose", "sync", "generic", "wrapped", "C.make", "missing")}
    assert got == {"path": "pathlib.Path", "loose": None, "sync": None, "generic": None,
                   "wrapped": None, "C.make": "pathlib.Path", "missing": None}


def test_a_checked_module_lends_its_own_summary_to_later_files(tmp_path: Path) -> None:
    """A file that summarised itself while checked (here: to tell its own coroutine's call)
    leaves that summary in the index, so a later file importing it does not parse it again;
    the findings, cold or cached, are those of a run that parses it."""
    write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "",
                     "app/a.py": "async def fetch():\n    ...\n\n"
                                 "async def first():\n    fetch()\n",
                     "app/b.py": "from app.a import fetch\n\n"
                                 "async def second():\n    fetch()\n"})
    files = [tmp_path / "app/a.py", tmp_path / "app/b.py"]
    settings = Settings(root=tmp_path, select=("ASL200",))

    def run(use_cache: bool) -> list[tuple[str, list[int]]]:
        index_store.forget_indexes()
        reports = check_paths([(str(f), settings) for f in files],
                              RunOptions(jobs=1, use_cache=use_cache))
        return [(Path(r.path).name, [d.start.row for d in r.diagnostics]) for r in reports]

    expected = [("a.py", [5]), ("b.py", [4])]
    assert run(use_cache=False) == expected
    index = index_store.index_for(tmp_path, ".asynclint_cache", False)
    assert index.parsed == 0  # b's lookup of `app.a` was served by a's own summary
    assert run(use_cache=True) == expected
    assert run(use_cache=True) == expected


def test_a_facts_digest_follows_the_facts_it_was_computed_of() -> None:
    """`facts_digest` is computed once per facts computed (it is asked at every use of a
    fact), and names the facts the summary holds now: facts put in their place (as the index
    does when it computes them from the file) get their own digest."""
    calls: list[str] = []
    FACT_PROVIDERS["count"] = lambda node, model: calls.append(node.name) or len(calls)
    try:
        summary = summarize_module(ast.parse("def a(): ...\n\ndef b(): ...\n"), "m", False)
        first = summary.facts_digest("count")
        assert first == digest_of({"a": 1, "b": 2}) == summary.facts_digest("count")
        assert calls == ["a", "b"]  # the facts were computed once
        summary.facts["count"] = {"a": 7}
        assert summary.facts_digest("count") == digest_of({"a": 7}) != first
    finally:
        del FACT_PROVIDERS["count"]
