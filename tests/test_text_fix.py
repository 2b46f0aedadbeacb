"""A rule's `text_fix` builds, without libcst, exactly the fix its `fix` builds with libcst, or
nothing (then `fix` builds it). ASL302's rename of `get_event_loop` is the one such fix: plain
one-line calls are renamed as text; a call that may sit in its own parentheses, spans lines or
is a bare imported name goes through libcst as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.diagnostics import Fix
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
