"""ASL3xx: the analysis behind the event-loop rules (what the fixtures cannot show one by one)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.engine.run import RunOptions, check_file
from asynclint.rules import REGISTRY

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
    # A package's __init__ runs with the package: its import-time work is the package's hook.
    rows, _ = _check(tmp_path / "pkg" / "__init__.py", ASL303_MODULE, "ASL303")
    assert rows == []
    # Alembic loads its env.py to run the migrations; another env.py is an ordinary module.
    alembic = "from alembic import context\n" + textwrap.dedent(ASL303_MODULE)
    rows, _ = _check(tmp_path / "pkg" / "env.py", alembic, "ASL303")
    assert rows == []
    rows, _ = _check(tmp_path / "pkg" / "env.py", ASL303_MODULE, "ASL303")
    assert rows == [6]


def test_run_at_import_fix_wraps_the_last_statement(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    path = tmp_path / "pkg" / "jobs.py"
    # A module of a package that other modules may import: the move is only shown.
    rows, fixed = _check(path, ASL303_MODULE, "ASL303", FIX)
    assert rows == [6]
    assert fixed is None
    # One with a `__main__` block of its own is run as a script: the move is applied.
    script = 'if __name__ == "__main__":\n    print("jobs")\n' + textwrap.dedent(ASL303_MODULE)
    _, fixed = _check(path, script, "ASL303", FIX)
    assert fixed is not None
    assert fixed.endswith('\nif __name__ == "__main__":\n    asyncio.run(main())\n')
    # A statement followed by others is only reported.
    _, fixed = _check(path, script + "print('done')\n", "ASL303", FIX)
    assert fixed is None


def test_run_at_import_keeps_crlf(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    path = tmp_path / "pkg" / "jobs.py"
    head = b'import asyncio\r\n\r\nif __name__ == "__main__":\r\n    pass\r\n\r\n'
    path.write_bytes(head + b"asyncio.run(main())\r\n")
    report = check_file(str(path), Settings(root=tmp_path, select=("ASL303",)), FIX)
    assert report.fixed_text == head.decode() + (
        'if __name__ == "__main__":\r\n    asyncio.run(main())\r\n'
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
