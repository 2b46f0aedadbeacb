"""ASL2xx: the catalog as data, the coroutine oracle's edge cases, settings, and fixes."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.diagnostics import Applicability
from asynclint.engine.analyze import analyze
from asynclint.engine.index_store import forget_indexes
from asynclint.fixes.attach import attach_fixes
from asynclint.rules import REGISTRY
from asynclint.semantic.catalogs import async_apis as apis
from asynclint.source import SourceFile

CODES = frozenset(c for c in REGISTRY if c.startswith("ASL2"))


def findings(code: str, tmp_path: Path, settings: Settings | None = None,
             name: str = "mod.py") -> list[tuple[int, str]]:
    forget_indexes()
    path = tmp_path / name
    text = textwrap.dedent(code)
    path.write_text(text)
    settings = settings or Settings(root=tmp_path)
    analysis = analyze(SourceFile.from_bytes(text.encode()), str(path), settings, CODES,
                       (path.stem, False), use_cache=False)
    return [(d.start.row, d.code) for d in analysis.diagnostics]


def test_catalog_entries_are_qualified_and_disjoint_from_sync_apis() -> None:
    for table in (apis.COROUTINE_CALLS, apis.ASYNC_CONTEXT_CALLS, apis.ASYNC_ITERATOR_CALLS,
                  apis.ASYNC_CONTEXT_TYPES, apis.CALLABLE_TAKERS):
        for name in table:
            assert "." in name and " " not in name, name
    # Sync methods of async classes must never be in the catalog.
    for sync in ("sqlalchemy.ext.asyncio.AsyncSession.add",
                 "sqlalchemy.ext.asyncio.AsyncSession.add_all",
                 "sqlalchemy.ext.asyncio.AsyncSession.expunge",
                 "asyncio.Lock.release", "asyncio.Event.set", "asyncio.StreamWriter.write",
                 "asyncio.AbstractEventLoop.run_in_executor"):
        assert sync not in apis.COROUTINE_CALLS, sync
    assert len(apis.COROUTINE_CALLS) > 200


def test_methods_need_a_known_receiver_type(tmp_path: Path) -> None:
    code = """
    from sqlalchemy.ext.asyncio import AsyncSession

    async def f(session: AsyncSession, other):
        session.commit()
        other.commit()
        session.add(1)
    """
    assert findings(code, tmp_path) == [(5, "ASL200")]


def test_unknown_decorators_silence_and_settings_can_vouch_for_them(tmp_path: Path) -> None:
    code = """
    from mylib import retry

    @retry(3)
    async def flaky(): ...

    @retry
    async def flaky2(): ...

    async def main():
        flaky()
        flaky2()
    """
    assert findings(code, tmp_path) == []
    settings = replace(Settings(root=tmp_path), extra_async_decorators=("mylib.retry",))
    assert findings(code, tmp_path, settings) == [(11, "ASL200"), (12, "ASL200")]


def test_extra_async_apis_setting(tmp_path: Path) -> None:
    code = """
    import mylib
    from mylib import Client

    async def main(client: Client):
        mylib.fetch()
        client.get_async()
        client.get()
    """
    assert findings(code, tmp_path) == []
    settings = replace(Settings(root=tmp_path),
                       extra_async_apis=("mylib.fetch", "mylib.Client.get_async"))
    assert findings(code, tmp_path, settings) == [(6, "ASL200"), (7, "ASL200")]


def test_self_method_resolution_respects_overrides_and_unknown_bases(tmp_path: Path) -> None:
    code = """
    from somewhere import Mixin

    class A:
        async def run(self): ...
        def go(self):
            self.run()

    class B(A):
        def run(self): ...
        def go(self):
            self.run()

    class C(Mixin):
        async def go(self):
            self.unknown()

    class D:
        async def go(self):
            def helper(self):
                self.go()
            async def inner():
                self.go()
    """
    assert findings(code, tmp_path) == [(7, "ASL200"), (23, "ASL200")]


def test_no_await_fix_where_await_is_illegal(tmp_path: Path) -> None:
    code = """
    async def work(): ...

    def sync():
        work()

    async def main(items):
        work()
        list(x for x in [work()])
    """
    forget_indexes()
    path = tmp_path / "mod.py"
    text = textwrap.dedent(code)
    path.write_text(text)
    analysis = analyze(SourceFile.from_bytes(text.encode()), str(path), Settings(root=tmp_path),
                       frozenset({"ASL200"}), ("mod", False), use_cache=False)
    fixed = {d.start.row: d.fix for d in attach_fixes(analysis)}
    assert fixed[5] is None  # a sync def: make the caller async instead
    assert fixed[8] is not None and fixed[8].applicability is Applicability.UNSAFE
    assert fixed[8].edits[0].content == "await work()"


@pytest.mark.parametrize("snippet, expected", [
    ("x = f()\n    await x", []),
    ("x = f()\n    return x", [(5, "ASL203")]),  # returned without await: ASL203, not ASL201
    ("x = f()\n    return await x", []),
    ("x = f()\n    a, b = x", [(5, "ASL201")]),  # unpacking is a value use
    ("a, b = f()", [(5, "ASL202")]),
    ("x = f()\n    items.append(x)", []),
    ("x = f()\n    print(x.y)", [(5, "ASL201")]),
    ("x = f()", [(5, "ASL201")]),
    ("x = f()\n    x = 1\n    print(x)", []),
    ("x: int = f()\n    if x:\n        pass", [(5, "ASL201")]),
    # flow-aware: a failing read that the binding reaches, whatever follows
    ("x = f()\n    x.y = 1\n    items.append(x)", [(5, "ASL201")]),
    ("x = f()\n    items.append(len(x))\n    items.append(x)", [(5, "ASL201")]),
    ("x = f()\n    for i in x:\n        pass\n    return x", [(5, "ASL201")]),
    ("x = f()\n    x.y = 1\n    await g(x)", [(5, "ASL201")]),  # handed to an awaited call
    ("x = f()\n    x.y = 1\n    await x", []),  # awaited: silent
    ("x = f()\n    print(x.cr_frame)\n    items.append(x)", []),  # a coroutine attribute
    ("x = f()\n    await x.__aenter__()\n    items.append(x)", []),  # a protocol, by hand
    # a test only this binding reaches, nothing handed on before it
    ("x = f()\n    if x:\n        items.append(x)", [(5, "ASL201")]),
    ("x = f()\n    if not isinstance(x, int):\n        items.append(x)", [(5, "ASL201")]),
    ("x = f()\n    items.append(x)\n    if x:\n        pass", []),
    ("x = f()\n    if x:\n        await g(x)", []),  # handed to an awaited call
    ("x = None\n    if items:\n        x = f()\n    if x:\n        items.append(x)", []),
    ("x = f()\n    if x is not None:\n        await x", []),
    ("x = f()\n    def inner():\n        return x.y", []),
    ("global x\n    x = f()\n    print(x.y)", []),
])
def test_assigned_coroutine_uses(snippet: str, expected: list[tuple[int, str]],
                                 tmp_path: Path) -> None:
    body = snippet.replace("\n    ", "\n        ")
    code = f"""
    async def f(): ...

    async def main(items):
        {body}

    async def g(x): ...
    """
    assert findings(code, tmp_path) == expected


def test_assigned_coroutine_message_names_the_use(tmp_path: Path) -> None:
    code = """
    async def fetch(): ...

    async def main(items):
        user = fetch()
        if user is None:
            return
        user.name = "x"
        items.append(user)
    """
    forget_indexes()
    path = tmp_path / "mod.py"
    text = textwrap.dedent(code)
    path.write_text(text)
    analysis = analyze(SourceFile.from_bytes(text.encode()), str(path), Settings(root=tmp_path),
                       frozenset({"ASL201"}), ("mod", False), use_cache=False)
    [diagnostic] = analysis.diagnostics
    assert "is tested (`user is None`, line 6), never awaited" in diagnostic.message  # the first


def test_split_fix_keeps_arguments_and_comments(tmp_path: Path) -> None:
    text = textwrap.dedent("""
    from fastapi import BackgroundTasks

    async def send(to, *, retries=3): ...

    async def handler(tasks: BackgroundTasks, email):
        tasks.add_task(send(email, retries=1))  # keep me
    """)
    forget_indexes()
    path = tmp_path / "mod.py"
    path.write_text(text)
    analysis = analyze(SourceFile.from_bytes(text.encode()), str(path), Settings(root=tmp_path),
                       frozenset({"ASL206"}), ("mod", False), use_cache=False)
    (diag,) = attach_fixes(analysis)
    assert diag.fix is not None and diag.fix.applicability is Applicability.SAFE
    new = SourceFile.from_bytes(text.encode()).apply_edits(list(diag.fix.edits))
    assert "tasks.add_task(send, email, retries=1)  # keep me" in new


@pytest.mark.parametrize("name, text, mode", [
    ("pytest.ini", "[pytest]\nasyncio_mode = strict\n", "strict"),
    ("pytest.ini", "[pytest]\nasyncio_mode = auto\n", "auto"),
    ("pytest.ini", "", None),  # the config file, saying nothing about pytest-asyncio
    ("pytest.ini", "[pytest]\naddopts = -ra --asyncio-mode=auto\n", "auto"),
    ("pyproject.toml", '[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = "f"\n',
     "strict"),
    ("pyproject.toml", '[tool.pytest]\nasyncio_mode = "auto"\n', "auto"),
    ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = ["-p", "anyio"]\n', "other"),
    ("pyproject.toml", '[project]\nname = "x"\n', None),  # no pytest table: keep looking
    ("tox.ini", "[pytest]\nasyncio_mode = strict\n", "strict"),
    ("tox.ini", "[tox]\nenvlist = py311\n", None),
    ("setup.cfg", "[tool:pytest]\nasyncio_mode = auto\n", "auto"),
])
def test_pytest_asyncio_mode_is_read_from_the_config_pytest_uses(
        name: str, text: str, mode: str | None, tmp_path: Path) -> None:
    from asynclint.config.environment import Environment

    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / name).write_text(text)
    assert Environment().pytest_asyncio_mode(project / "tests") == mode


def test_the_nearest_pytest_config_wins(tmp_path: Path) -> None:
    from asynclint.config.environment import Environment

    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    inner = tmp_path / "sub"
    inner.mkdir()
    (inner / "setup.cfg").write_text("[tool:pytest]\nasyncio_mode = strict\n")
    assert Environment().pytest_asyncio_mode(inner) == "strict"
    # pytest.ini beats pyproject.toml in the same folder.
    (inner / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (inner / "pyproject.toml").write_text('[tool.pytest.ini_options]\nasyncio_mode = "strict"\n')
    assert Environment().pytest_asyncio_mode(inner) == "auto"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("returned", ["return user", "return (user)", "return user  # done",
                                      "if user: return user"])
def test_a_stored_coroutine_returned_is_found_whatever_the_return_looks_like(
        returned: str, newline: str) -> None:
    """The text prefilter of ASL203's `x = coro(); return x` keeps every spelling of the
    return a walk of the function would see."""
    from asynclint.rules.awaits import returned_names

    text = newline.join(["async def f():", "    user = load()", f"    {returned}", ""])
    assert "user" in returned_names(text)


@pytest.mark.parametrize("text", [
    "return user\n", "x = 1\nreturn user", "xreturn user\n", "_return user\n",
    "éreturn user\n", "return_user = 1\nreturn user\n", "xreturn return\n",
    "a.return user\n", "1return user\n", "return  (user)  # why\nreturn x; y\n",
    "returnreturn user\n", "xreturn\treturn user\n", "return user\r\nreturn other\r\n",
])
def test_the_returned_names_prefilter_reads_as_its_word_bounded_pattern(text: str) -> None:
    """`returned_names` searches for the literal `return` first (a leading `\\b` kept the
    engine from that) and checks the word boundary itself: the names are those of the
    `\\b`-anchored pattern."""
    import re

    from asynclint.rules.awaits import _RETURNED_NAME, returned_names

    bounded = re.compile(r"\b" + _RETURNED_NAME.pattern, re.MULTILINE)
    assert returned_names(text) == frozenset(bounded.findall(text))


def test_a_nested_plain_def_awaited_again_and_again_is_looked_up_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ASL208 on every `await` of a nested plain `def`, its definition found with one walk of
    the function that holds it (it was one walk per `await`)."""
    from asynclint.semantic import coroutines

    walks: list[str] = []
    definitions = coroutines._definitions

    def counted(node: ast.AST, name: str) -> tuple[list[ast.stmt], list[ast.AST]]:
        walks.append(name)
        return definitions(node, name)

    monkeypatch.setattr(coroutines, "_definitions", counted)
    code = """
        async def handler():
            def label(x):
                return str(x)
            await label(1)
            await label(2)
            await label(3)
        """
    assert findings(code, tmp_path) == [(5, "ASL208"), (6, "ASL208"), (7, "ASL208")]
    assert walks.count("label") == 2  # the def's summary, then its node: once each
