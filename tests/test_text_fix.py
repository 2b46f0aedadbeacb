"""Fixes written as text, without libcst, are exactly what libcst would build. A rule's
`text_fix` builds the fix its `fix` builds with libcst, or nothing (then `fix` builds it):
ASL302's rename of `get_event_loop` is one (plain one-line calls are renamed as text; a call
that may sit in its own parentheses, spans lines or is a bare imported name goes through libcst
as before). ASL200-ASL205's codemods add `await` and `async` as text always: compared here with
the edits libcst builds for the same findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.diagnostics import Diagnostic, Edit, Fix, Location
from asynclint.engine.analyze import analyze
from asynclint.fixes.context import FixContext
from asynclint.source import SourceFile
from tests.conftest import clean_env

HEADER = "import asyncio\nimport asyncio as aio\nfrom asyncio import get_event_loop\n\n\n"


def _fixes(body: str) -> list[tuple[Fix | None, Fix | None]]:
    """(text_fix, fix) of every ASL302 finding of `async def f()` with `body`."""
    source = SourceFile(HEADER + "async def f():\n" + body)
    settings = Settings(select=("ASL302",))
    analysis = analyze(source, "t.py", settings, frozenset({"ASL302"}))
    assert analysis.tree is not None and analysis.semantic is not None
    fctx = FixContext(source, analysis.tree, analysis.semantic)
    out = []
    for diag in analysis.diagnostics:
        rule = analysis.rules[diag.code]
        out.append((rule.text_fix(source, diag), rule.fix(fctx, diag)))
    assert out, "the body has no ASL302 finding"
    return out


@pytest.mark.parametrize("body", [
    "    loop = asyncio.get_event_loop()\n",
    "    loop = aio.get_event_loop()  # a comment\n",
    "    loop = asyncio . get_event_loop ( )\n",
    "\tloop = asyncio.get_event_loop(\t)\n",
    "    s = 'é'; loop = asyncio.get_event_loop()\n",
    "    asyncio.get_event_loop().call_soon(print)\n    x = 1\n",
    "    (asyncio).get_event_loop().time()\n    x = 1\n",
    "    x = [asyncio.get_event_loop(), asyncio.events.get_event_loop()]\n",
])
def test_a_plain_call_is_renamed_as_text_exactly_as_libcst_renders_it(body: str) -> None:
    for text, cst in _fixes(body):
        assert text is not None
        assert text == cst


@pytest.mark.parametrize("body", [
    "    loop = (asyncio.get_event_loop())\n",
    "    loop = ( asyncio.get_event_loop() )\n",
    "    print(asyncio.get_event_loop())\n",
    "    loop = (\n        asyncio.get_event_loop()\n    )\n",
    "    loop = (  # the loop\n        asyncio.get_event_loop()\n    )\n",
    "    loop = asyncio.get_event_loop(\n    )\n",
    "    loop = get_event_loop()\n",
])
def test_a_call_in_parentheses_on_several_lines_or_bare_goes_through_libcst(body: str) -> None:
    for text, cst in _fixes(body):
        assert text is None
        assert cst is not None


def test_a_json_run_whose_fixes_are_all_text_imports_no_libcst(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(HEADER + "async def f():\n    return asyncio.get_event_loop()\n")
    script = ("import sys\nfrom asynclint.cli import main\ncode = main(sys.argv[1:])\n"
              "sys.stderr.write('LIBCST ' + str('libcst' in sys.modules) + '\\n')\n")
    result = subprocess.run([sys.executable, "-c", script, "check", "--no-cache", "--select",
                             "ASL302", "--output-format", "json", "a.py"], cwd=tmp_path,
                            capture_output=True, text=True, env=clean_env(), timeout=60)
    assert "LIBCST False" in result.stderr
    [finding] = json.loads(result.stdout)
    assert finding["fix"]["edits"][0]["content"] == "asyncio.get_running_loop()"


# -- ASL200-ASL205: `await` and `async` written as text ------------------------------------------
AWAITS = "async def ping(*a, **k):\n    return 1\n\n\n"


def _libcst_await(fctx: FixContext, diag: Diagnostic, needs_parens: bool) -> tuple[Edit, ...]:
    """The edit as libcst builds it: the reported `Call` node (found by range) replaced by an
    `Await` of it, parenthesised when needed and the call has no parentheses of its own."""
    import libcst as cst

    call = fctx.node_at(diag, cst.Call)
    assert call is not None
    inner = call.with_changes(lpar=[], rpar=[])
    parens = needs_parens and not call.lpar
    awaited = cst.Await(expression=inner, lpar=[cst.LeftParen()] if parens else [],
                        rpar=[cst.RightParen()] if parens else [])
    return (fctx.replace(call, awaited),)


@pytest.mark.parametrize("body", [
    "    ping()\n",
    "    x = ping(1)\n    return x.real\n",
    "    (ping())\n",
    "    ( ping( 1 ) ).real\n",
    "    return ping().real\n",
    "    ping(  # first\n        1,\n        k=2,  # second\n    )\n",
    "    ping(\n\t1)\n",
    "    if ping():\n        pass\n",
    "    s = 'é'; ping('ü')\n",
    "    ping(ping)\n    return [ping()][0] + ping()\n",
    "    return ping(\n        1,\n    ).real\n",
    "    ping(1, \\\n         2)\n",
])
def test_await_is_added_as_text_exactly_as_libcst_renders_it(body: str) -> None:
    from asynclint.fixes.codemods.awaits import add_await
    from asynclint.rules.awaits import AwaitPlan

    source = SourceFile(AWAITS + "async def f():\n" + body)
    codes = frozenset({"ASL200", "ASL201", "ASL202", "ASL203"})
    analysis = analyze(source, "t.py", Settings(select=tuple(codes)), codes)
    assert analysis.tree is not None and analysis.semantic is not None
    fctx = FixContext(source, analysis.tree, analysis.semantic)
    planned = [d for d in analysis.diagnostics if isinstance(d.fix_plan, AwaitPlan)]
    assert planned, analysis.diagnostics
    for diag in planned:
        assert isinstance(diag.fix_plan, AwaitPlan)
        needs = diag.fix_plan.needs_parens
        assert add_await(fctx, diag, needs) == _libcst_await(fctx, diag, needs), diag


@pytest.mark.parametrize(("body", "keyword"), [
    ("    with lock():\n        pass\n", "with"),
    ("    with lock() as a, lock() as b:  # two\n        pass\n", "with"),
    ("    if True:\n        with (lock()):\n            pass\n", "with"),
    ("    for x in stream():\n        pass\n", "for"),
    ("    for (x) in (\n        stream()\n    ):\n        pass\n", "for"),
])
def test_async_is_added_as_text_at_libcsts_statement(body: str, keyword: str) -> None:
    """The edit starts where libcst's `With`/`For` node covering the finding starts."""
    import libcst as cst

    from asynclint.fixes.codemods.awaits import async_keyword
    from asynclint.rules.awaits import AsyncKeywordPlan

    header = ("import contextlib\n\n\n@contextlib.asynccontextmanager\nasync def lock():\n"
              "    yield\n\n\nasync def stream():\n    yield 1\n\n\n")
    source = SourceFile(header + "async def f():\n" + body)
    codes = frozenset({"ASL204", "ASL205"})
    analysis = analyze(source, "t.py", Settings(select=tuple(codes)), codes)
    assert analysis.tree is not None and analysis.semantic is not None
    fctx = FixContext(source, analysis.tree, analysis.semantic)
    [diag] = analysis.diagnostics
    plan = diag.fix_plan
    assert isinstance(plan, AsyncKeywordPlan) and plan.keyword == keyword
    stmt = fctx.node_at(diag, cst.With if keyword == "with" else cst.For)
    assert stmt is not None
    start, _ = fctx.range_of(stmt)
    assert async_keyword(fctx, keyword, plan.at) == (
        Edit(f"async {keyword}", start, Location(start.row, start.col + len(keyword))),)
