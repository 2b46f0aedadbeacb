"""ASL3xx: the analysis behind the event-loop rules (what the fixtures cannot show one by one)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path, PurePath

import pytest

from asynclint.config import Settings
from asynclint.engine import RunOptions, check_file
from asynclint.rules import REGISTRY
from asynclint.semantic.loops import run_call
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.paths import is_script_path

CHECK = RunOptions(use_cache=False, jobs=1)
FIX = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=1)


def _check(path: Path, code: str, select: str, options: RunOptions = CHECK) -> tuple[
        list[int], str | None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(code).encode())
    settings = Settings(root=path.parent, select=(select,))
    report = check_file(str(path), settings, options)
    assert not report.internal_error, report.errors
    return [d.start.row for d in report.diagnostics], report.fixed_text


@pytest.mark.parametrize("source, label, style", [
    ("import asyncio\nasyncio.run(f())", "asyncio.run", "coroutine"),
    ("import anyio\nanyio.run(f, 1)", "anyio.run", "function"),
    ("import trio as t\nt.run(f)", "trio.run", "function"),
    ("import asyncio\nasyncio.get_event_loop().run_until_complete(f())",
     "loop.run_until_complete", "coroutine"),
    ("import asyncio\nasyncio.new_event_loop().run_forever()", "loop.run_forever", None),
    ("self.loop.run_until_complete(f())", "loop.run_until_complete", "coroutine"),
])
def test_run_call_recognises_loop_starters(source: str, label: str, style: str | None) -> None:
    tree = ast.parse(source)
    model = SemanticModel(tree)
    call = tree.body[-1].value  # type: ignore[attr-defined]
    found = run_call(model, call)
    assert found is not None
    assert (found.label, found.style) == (label, style)


@pytest.mark.parametrize("source", [
    "import subprocess\nsubprocess.run(['ls'])",  # another module's `run`
    "job.run()",  # any object's `run`
    "import asyncio\nasyncio.run_coroutine_threadsafe(f(), loop)",
    "import os\nos.run_until_complete(f())",  # a module attribute, not a loop
])
def test_run_call_ignores_look_alikes(source: str) -> None:
    tree = ast.parse(source)
    call = tree.body[-1].value  # type: ignore[attr-defined]
    assert run_call(SemanticModel(tree), call) is None


@pytest.mark.parametrize("path, script", [
    ("pkg/__main__.py", True),
    ("pkg/conftest.py", True),
    ("pkg/test_api.py", True),
    ("pkg/api_test.py", True),
    ("setup.py", True),
    ("scripts/pkg/load.py", True),
    ("examples/app/main.py", True),
    ("pkg/api.py", False),
    ("src/pkg/api.py", False),
    ("pkg/testing_utils.py", False),
])
def test_script_paths(path: str, script: bool) -> None:
    assert is_script_path(path, PurePath("."), 2) is script


def test_script_folders_outside_the_project_count_only_near_the_module() -> None:
    # A checkout under ~/tools/ is not a script folder; the package's own parent is.
    assert not is_script_path("/home/me/tools/proj/pkg/api.py", PurePath("/elsewhere"), 2)
    assert is_script_path("/home/me/proj/examples/pkg/api.py", PurePath("/elsewhere"), 2)


ASL303_MODULE = """
    import asyncio

    async def main() -> None: ...

    asyncio.run(main())
"""


def test_run_at_import_needs_an_importable_module(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    rows, _ = _check(tmp_path / "pkg" / "jobs.py", ASL303_MODULE, "ASL303")
    assert rows == [6]
    # The same text as a standalone script, or behind a shebang, is fine.
    rows, _ = _check(tmp_path / "standalone.py", ASL303_MODULE, "ASL303")
    assert rows == []
    shebang = "#!/usr/bin/env python\n" + textwrap.dedent(ASL303_MODULE)
    rows, _ = _check(tmp_path / "pkg" / "tool.py", shebang, "ASL303")
    assert rows == []
    # The package's __init__ is imported with the package.
    rows, _ = _check(tmp_path / "pkg" / "__init__.py", ASL303_MODULE, "ASL303")
    assert rows == [6]


def test_run_at_import_fix_wraps_the_last_statement(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    path = tmp_path / "pkg" / "jobs.py"
    _, fixed = _check(path, ASL303_MODULE, "ASL303", FIX)
    assert fixed is not None
    assert fixed.endswith('\nif __name__ == "__main__":\n    asyncio.run(main())\n')
    # A statement followed by others is only reported.
    _, fixed = _check(path, textwrap.dedent(ASL303_MODULE) + "print('done')\n", "ASL303", FIX)
    assert fixed is None


def test_run_at_import_keeps_crlf(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    path = tmp_path / "pkg" / "jobs.py"
    path.write_bytes(b"import asyncio\r\n\r\nasyncio.run(main())\r\n")
    report = check_file(str(path), Settings(root=tmp_path, select=("ASL303",)), FIX)
    assert report.fixed_text == (
        'import asyncio\r\n\r\nif __name__ == "__main__":\r\n    asyncio.run(main())\r\n'
    )


def test_sync_handler_fix_converts_every_loop_start_at_once(tmp_path: Path) -> None:
    code = """
        import asyncio
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/")
        def both():
            a = asyncio.run(one())
            b = asyncio.run(two())
            return a, b
    """
    rows, _ = _check(tmp_path / "api.py", code, "ASL301")
    assert rows == [9, 10]
    _, fixed = _check(tmp_path / "api.py", code, "ASL301", FIX)
    assert fixed is not None
    assert "async def both():" in fixed
    assert "a = await one()" in fixed and "b = await two()" in fixed
    assert "asyncio.run" not in fixed


def test_sync_handler_without_fix_when_one_call_cannot_be_awaited(tmp_path: Path) -> None:
    code = """
        import asyncio
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/")
        def mixed():
            a = asyncio.run(one())
            asyncio.run(two(), debug=True)
            return a
    """
    rows, fixed = _check(tmp_path / "api.py", code, "ASL301", FIX)
    assert rows == [9, 10]
    assert fixed is None  # converting only one call would leave a crash behind


def test_sync_generator_handler_is_not_rewritten(tmp_path: Path) -> None:
    code = """
        import asyncio
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/stream")
        def stream():
            yield asyncio.run(one())
    """
    rows, fixed = _check(tmp_path / "api.py", code, "ASL301", FIX)
    assert rows == [9] and fixed is None


def test_nest_asyncio_silences_the_run_rules(tmp_path: Path) -> None:
    code = """
        import asyncio

        async def f():
            asyncio.run(g())
    """
    rows, _ = _check(tmp_path / "nb.py", code, "ASL300")
    assert rows == [5]
    rows, _ = _check(tmp_path / "nb.py", "import nest_asyncio\n" + textwrap.dedent(code), "ASL300")
    assert rows == []


@pytest.mark.parametrize("code", sorted(c for c in REGISTRY if c.startswith("ASL3")))
def test_rule_metadata_is_complete(code: str) -> None:
    rule = REGISTRY[code]
    for text in (rule.name, rule.summary, rule.explanation, rule.bad_example, rule.good_example):
        assert text.strip()
    ast.parse(rule.bad_example)
    ast.parse(rule.good_example)
    assert rule.fix_applicability is not None and rule.fix_safety and rule.fix_title
    assert rule.requires_text
