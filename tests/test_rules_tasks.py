"""ASL5xx: the task-lifecycle rules' analysis and fixes beyond the fixtures."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.engine.run import FileReport, RunOptions, check_file, check_paths
from asynclint.rules import REGISTRY

CHECK = RunOptions(use_cache=False, jobs=1)
FIX = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=1)


def _run(tmp_path: Path, code: str, select: str, options: RunOptions = CHECK,
         raw: bool = False) -> tuple[list[int], str | None]:
    path = tmp_path / "mod.py"
    path.write_bytes((code if raw else textwrap.dedent(code)).encode())
    report = check_file(str(path), Settings(root=tmp_path, select=(select,)), options)
    assert not report.internal_error, report.errors
    return [d.start.row for d in report.diagnostics], report.fixed_text


def test_dangling_task_fix_adds_the_set_once(tmp_path: Path) -> None:
    code = """
        import asyncio


        async def a():
            asyncio.create_task(x())


        async def b():
            asyncio.create_task(y())
    """
    rows, _ = _run(tmp_path, code, "ASL500")
    assert rows == [6, 10]
    _, fixed = _run(tmp_path, code, "ASL500", FIX)
    assert fixed is not None
    assert fixed.count("_background_tasks: set[asyncio.Task[object]] = set()") == 1
    assert fixed.count("_background_tasks.add(task)") == 2
    ast.parse(fixed)
    # Idempotent: the fixed text has nothing left to fix.
    rows, again = _run(tmp_path, fixed, "ASL500", FIX, raw=True)
    assert rows == [] and again is None


def test_dangling_task_fix_without_trailing_newline(tmp_path: Path) -> None:
    code = "import asyncio\n\n\nasync def a():\n    asyncio.create_task(x())"
    _, fixed = _run(tmp_path, code, "ASL500", FIX, raw=True)
    assert fixed is not None
    assert fixed.endswith("    task.add_done_callback(_background_tasks.discard)")
    ast.parse(fixed)


def test_dangling_task_fix_keeps_crlf(tmp_path: Path) -> None:
    code = "import asyncio\r\n\r\n\r\nasync def a():\r\n    asyncio.create_task(x())\r\n"
    _, fixed = _run(tmp_path, code, "ASL500", FIX, raw=True)
    assert fixed is not None
    assert "\n" not in fixed.replace("\r\n", "")
    assert "    _background_tasks.add(task)\r\n" in fixed


def test_dangling_task_picks_a_free_name(tmp_path: Path) -> None:
    code = """
        import asyncio

        task = "a global the function reads"


        async def a(background_task):
            print(task, background_task)
            asyncio.create_task(x())
    """
    _, fixed = _run(tmp_path, code, "ASL500", FIX)
    assert fixed is not None
    assert "    bg_task = asyncio.create_task(x())\n" in fixed


def test_dangling_task_name_taken_by_something_else_gets_no_fix(tmp_path: Path) -> None:
    code = """
        import asyncio

        _background_tasks = {"not": "a set"}


        async def a():
            asyncio.create_task(x())
    """
    rows, fixed = _run(tmp_path, code, "ASL500", FIX)
    assert rows == [8] and fixed is None


def test_task_group_and_unknown_receivers_are_not_flagged(tmp_path: Path) -> None:
    code = """
        import asyncio

        async def a(tg: asyncio.TaskGroup, pool):
            tg.create_task(x())
            pool.create_task(x())
            async with asyncio.TaskGroup() as group:
                group.create_task(x())
                asyncio.create_task(x())
    """
    rows, _ = _run(tmp_path, code, "ASL500")
    assert rows == [9]  # only the module function: the group does not keep that one


@pytest.mark.parametrize("handler, flagged", [
    ("except asyncio.CancelledError:\n            pass", True),
    ("except asyncio.CancelledError:\n            raise", False),
    ("except asyncio.CancelledError as e:\n            raise e", False),
    ("except asyncio.CancelledError:\n            raise RuntimeError('stop')", False),
    ("except asyncio.CancelledError:\n            if flag:\n                raise", False),
    ("except asyncio.CancelledError:\n            asyncio.current_task().uncancel()", False),
    ("except asyncio.CancelledError as e:\n            handle(e)", False),
    ("except asyncio.exceptions.CancelledError:\n            return", True),
    ("except Exception:\n            pass", False),
])
def test_what_counts_as_swallowing(tmp_path: Path, handler: str, flagged: bool) -> None:
    code = f"""
    import asyncio

    async def f(flag):
        try:
            await g()
        {handler}
    """
    rows, _ = _run(tmp_path, code, "ASL501")
    assert bool(rows) is flagged


def test_self_cancellation_is_deliberate(tmp_path: Path) -> None:
    code = """
        import asyncio
        from typing import cast

        async def f():
            me = cast(asyncio.Task, asyncio.current_task())
            me.cancel()
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                pass
    """
    rows, _ = _run(tmp_path, code, "ASL501")
    assert rows == []


def test_cancel_after_the_handler_does_not_excuse_it(tmp_path: Path) -> None:
    code = """
        import asyncio

        async def f(task):
            try:
                await task
            except asyncio.CancelledError:
                pass
            task.cancel()
    """
    rows, _ = _run(tmp_path, code, "ASL501")
    assert rows == [7]


def test_entry_point_coroutine_is_not_flagged_but_others_are(tmp_path: Path) -> None:
    code = """
        import asyncio

        async def main():
            try:
                await serve()
            except asyncio.CancelledError:
                pass

        async def serve():
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                pass

        if __name__ == "__main__":
            asyncio.run(main())
    """
    rows, _ = _run(tmp_path, code, "ASL501")
    assert rows == [13]


def test_noqa_on_the_except_line(tmp_path: Path) -> None:
    code = """
        import asyncio

        async def waiter(event):
            try:
                await event.wait()
            except asyncio.CancelledError:  # noqa: ASL501
                pass
    """
    rows, _ = _run(tmp_path, code, "ASL501")
    assert rows == []


def test_catch_all_fix_uses_the_modules_asyncio_alias(tmp_path: Path) -> None:
    code = """
        import asyncio as aio

        async def f():
            while True:
                try:
                    await aio.sleep(1)
                except:  # log and retry
                    print("retry")
    """
    _, fixed = _run(tmp_path, code, "ASL501", FIX)
    assert fixed is not None
    assert (
        "        except aio.CancelledError:\n"
        "            raise\n"
        "        except:  # log and retry\n"
    ) in fixed


@pytest.mark.parametrize("code", sorted(c for c in REGISTRY if c.startswith("ASL5")))
def test_rule_metadata_is_complete(code: str) -> None:
    rule = REGISTRY[code]
    for text in (rule.name, rule.summary, rule.explanation, rule.bad_example, rule.good_example):
        assert text.strip()
    ast.parse(rule.bad_example)
    ast.parse(rule.good_example)
    assert rule.fix_applicability is not None and rule.fix_safety and rule.overlaps


def test_dangling_task_fix_passes_mypy_strict(tmp_path: Path) -> None:
    """The set the fix makes is annotated: mypy --strict accepts the fixed module (an empty
    `set()` alone is its `var-annotated` error), tasks of any result type go in it."""
    code = """\
        import asyncio


        async def work() -> int:
            return 1


        async def handle() -> None:
            asyncio.create_task(work())
    """
    _, fixed = _run(tmp_path, code, "ASL500", FIX)
    assert fixed is not None and ": set[asyncio.Task[object]] = set()" in fixed
    (tmp_path / "fixed.py").write_text(fixed)
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           "fixed.py"], cwd=tmp_path, capture_output=True, text=True)
    assert mypy.returncode == 0, mypy.stdout


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        # the only handler, nothing else: the `try` goes, its body moves left
        ("    try:\n        await q.get()\n    except asyncio.CancelledError:  # stop\n"
         "        pass\n    log()\n",
         "    await q.get()\n    # stop\n    log()\n"),
        # a `finally:` stays; only the handler goes
        ("    try:\n        await q.get()\n    except asyncio.CancelledError:\n        pass\n"
         "    finally:\n        log()\n",
         "    try:\n        await q.get()\n    finally:\n        log()\n"),
        # a string spanning lines would change if moved: `raise` instead
        ('    try:\n        await q.put("""a\n b""")\n    except asyncio.CancelledError:\n'
         "        pass\n",
         '    try:\n        await q.put("""a\n b""")\n    except asyncio.CancelledError:\n'
         "        raise\n"),
        # another handler: `raise` (the handler is not useless there)
        ("    try:\n        await q.get()\n    except asyncio.CancelledError:\n        pass\n"
         "    except ValueError:\n        log()\n",
         "    try:\n        await q.get()\n    except asyncio.CancelledError:\n        raise\n"
         "    except ValueError:\n        log()\n"),
    ],
)
def test_swallowed_cancellation_handler_that_would_only_reraise_is_removed(
        body: str, fixed: str, tmp_path: Path) -> None:
    """`except CancelledError: raise` as a `try`'s only handler does nothing (ruff's TRY203):
    the fix removes the handler instead of writing it."""
    head = "import asyncio\n\n\nasync def f(q):\n"
    path = tmp_path / "m.py"
    path.write_text(head + body)
    [report] = check_paths_fix(path)
    if "asyncio" not in fixed:
        head = head.replace("import asyncio\n", "")  # no use left: the import goes too
    assert report.fixed_text == head + fixed
    compile(report.fixed_text, "m.py", "exec")


def check_paths_fix(path: Path) -> list[FileReport]:
    return check_paths([(str(path), Settings(root=path.parent, select=("ASL501",)))], FIX)
