"""Property tests: for generated modules, checking never raises, fixes keep code parseable and
leave untouched statements alone and are idempotent, and findings do not depend on formatting.

Every property runs every registered rule (`select = ["ASL"]`), so rule families added later are
covered without touching this file; the call vocabulary below is data a family extends in one line.

Size: the default profile keeps this file to well under a minute in CI. For a longer local hunt:

    ASYNCLINT_HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesmith
import libcst
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from asynclint.config import Settings
from asynclint.diagnostics import Diagnostic, Location
from asynclint.engine.analyze import analyze
from asynclint.engine.run import RunOptions, check_file
from asynclint.fixes.apply import select_fixes
from asynclint.fixes.attach import attach_fixes
from asynclint.source import SourceFile

# Generated code such as `1()` makes the compiler warn; that is the point of generating it.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

# -- profiles ---------------------------------------------------------------------------------
_SCALE = {"ci": 1, "thorough": 20}[os.environ.get("ASYNCLINT_HYPOTHESIS_PROFILE", "ci")]


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples * _SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
        derandomize=_SCALE == 1 and bool(os.environ.get("CI")),
    )


SETTINGS = Settings(root=Path.cwd(), select=("ASL",))
CODES = SETTINGS.enabled_codes()
FIX_ALL = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=1)
PATH = "generated.py"


def _analyze(text: str) -> list[Diagnostic]:
    return analyze(SourceFile(text), PATH, SETTINGS, CODES).diagnostics


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# -- generated async code shapes ---------------------------------------------------------------
# Module-level imports, each in a different form.
IMPORTS = (
    "import time",
    "import time as t",
    "from time import sleep",
    "from time import sleep as snooze",
    "import asyncio",
    "import asyncio as aio",
    "from asyncio import create_task, gather",
    "import requests",
    "import subprocess",
    "import httpx",
    "from sqlalchemy.orm import Session",
)
# Expressions a statement may call; one line per pattern a rule family cares about.
CALLS = (
    "time.sleep(1)",
    "t.sleep(0.5)",
    "sleep(2)",
    "snooze(1)",
    "time.time()",
    "asyncio.sleep(1)",
    "aio.sleep(0)",
    "asyncio.run(main())",
    "asyncio.get_event_loop()",
    "asyncio.create_task(work())",
    "create_task(work())",
    "requests.get(url)",
    "subprocess.run(['ls'])",
    "open(path).read()",
    "open('settings.json').read()",
    "subprocess.Popen(['ls'])",
    "x.wait()",
    "httpx.Client().get(url)",
    "session.execute(query)",
    "work()",
    "helper(x)",
    "print(x)",
)
AWAITED = ("asyncio.sleep(0)", "work()", "aio.sleep(1)", "gather(work(), work())", "session.execute(q)")


@dataclass(frozen=True)
class Stmt:
    kind: str  # call, assign, await, return, if, for, with, def, adef, lambda, import, pass
    text: str = ""
    body: tuple[Stmt, ...] = ()


@dataclass(frozen=True)
class Style:
    indent: str = "    "
    parens: bool = False
    comments: bool = False

    def wrap(self, expr: str) -> str:
        return f"({expr})" if self.parens else expr


def _render_stmt(stmt: Stmt, depth: int, style: Style) -> Iterator[str]:
    pad = style.indent * depth
    if style.comments:
        yield f"{pad}# a comment before a {stmt.kind}"
    trail = "  # trailing" if style.comments else ""
    simple: dict[str, str] = {
        "call": "{}",
        "assign": "x = {}",
        "await": "await {}",
        "return": "return {}",
        "lambda": "fn = lambda: {}",
    }
    if stmt.kind in simple:
        yield f"{pad}{simple[stmt.kind].format(style.wrap(stmt.text))}{trail}"
        return
    if stmt.kind in ("import", "pass"):
        yield f"{pad}{stmt.text or 'pass'}{trail}"
        return
    header = {
        "if": f"if {style.wrap('x')}:",
        "for": "for x in items:",
        "with": "with ctx() as c:",
        "def": f"def {stmt.text}(x):",
        "adef": f"async def {stmt.text}(x):",
    }[stmt.kind]
    yield f"{pad}{header}{trail}"
    body = stmt.body or (Stmt("pass"),)
    for child in body:
        yield from _render_stmt(child, depth + 1, style)


def render(imports: tuple[str, ...], defs: tuple[Stmt, ...], style: Style) -> str:
    lines = list(imports)
    for d in defs:
        lines.append("")
        lines.extend(_render_stmt(d, 0, style))
    return "\n".join(lines) + "\n"


_NAMES = st.sampled_from(("main", "work", "helper", "handler", "fetch"))


def _statements(depth: int) -> st.SearchStrategy[Stmt]:
    leaf = st.one_of(
        st.builds(Stmt, st.sampled_from(("call", "assign", "return", "lambda")), st.sampled_from(CALLS)),
        st.builds(Stmt, st.just("await"), st.sampled_from(AWAITED)),
        st.builds(Stmt, st.just("import"), st.sampled_from(IMPORTS)),
    )
    if depth == 0:
        return leaf
    inner = st.lists(_statements(depth - 1), min_size=1, max_size=4).map(tuple)
    compound = st.one_of(
        st.builds(Stmt, st.sampled_from(("if", "for", "with")), st.just(""), inner),
        st.builds(Stmt, st.sampled_from(("def", "adef")), _NAMES, inner),
    )
    return st.one_of(leaf, leaf, compound)


MODULES = st.tuples(
    st.lists(st.sampled_from(IMPORTS), max_size=5, unique=True).map(tuple),
    st.lists(
        st.builds(Stmt, st.sampled_from(("adef", "adef", "def")), _NAMES,
                  st.lists(_statements(2), min_size=1, max_size=5).map(tuple)),
        min_size=1, max_size=4,
    ).map(tuple),
)
STYLES = st.builds(Style, st.sampled_from(("    ", "  ", "\t", "        ")), st.booleans(), st.booleans())

# Real-world shapes that must always be part of the search.
KNOWN = (
    ("import time",),
    (Stmt("adef", "main", (Stmt("call", "time.sleep(1)"), Stmt("lambda", "time.sleep(1)"),
                           Stmt("def", "helper", (Stmt("call", "time.sleep(1)"),)))),),
)


def _segment(text: str, d: Diagnostic) -> str:
    source = SourceFile(text)
    return text[source.offset(d.start): source.offset(d.end)]


def _key(text: str) -> list[tuple[str, str]]:
    """Findings independent of where they are: (code, the flagged text), in source order."""
    return [(d.code, _segment(text, d)) for d in _analyze(text)]


@_settings(150)
@given(MODULES, STYLES)
@example(KNOWN, Style("  ", True, True))
def test_findings_do_not_depend_on_formatting(module: tuple[tuple[str, ...], tuple[Stmt, ...]],
                                              style: Style) -> None:
    imports, defs = module
    plain = render(imports, defs, Style())
    styled = render(imports, defs, style)
    assert _parses(plain) and _parses(styled), styled
    assert _key(styled) == _key(plain)


# -- fixes --------------------------------------------------------------------------------------
def _statements_of(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every statement, outer before inner, in source order."""
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(tree, name, ()) or ():
            if isinstance(child, ast.stmt):
                yield child
            yield from _statements_of(child)


def _untouched(tree: ast.Module, edited_rows: set[int]) -> list[str]:
    out = []
    for stmt in _statements_of(tree):
        end = stmt.end_lineno or stmt.lineno
        if not edited_rows.intersection(range(stmt.lineno, end + 1)):
            out.append(ast.dump(stmt))
    return out


def _is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


def _edited_rows(edits: list[tuple[Location, Location]]) -> set[int]:
    rows: set[int] = set()
    for start, end in edits:
        rows.update(range(start.row, end.row + 1))
    return rows


def assert_fixes_are_sound(text: str) -> None:
    """Round by round as `--fix --unsafe-fixes` does: each round's result parses and keeps every
    statement outside the edited lines; the whole pipeline's output is idempotent."""
    current = text
    for _ in range(10):
        analysis = analyze(SourceFile(current), PATH, SETTINGS, CODES)
        chosen = select_fixes(attach_fixes(analysis), FIX_ALL)
        if not chosen:
            break
        edits = [e for d in chosen if d.fix is not None for e in d.fix.edits]
        unique = list(dict.fromkeys(edits))
        new = SourceFile(current).apply_edits(unique)
        if not _parses(new):
            # The pipeline drops such fixes; the property is that what it writes parses.
            break
        before = _untouched(ast.parse(current), _edited_rows([(e.start, e.end) for e in unique]))
        after = [ast.dump(s) for s in _statements_of(ast.parse(new))]
        assert _is_subsequence(before, after), (current, new)
        current = new

    report = check_file(PATH, SETTINGS, FIX_ALL, data=text.encode("utf-8"))
    assert not report.internal_error, report.errors
    fixed = report.fixed_text if report.fixed_text is not None else text
    assert _parses(fixed), fixed
    again = check_file(PATH, SETTINGS, FIX_ALL, data=fixed.encode("utf-8"))
    assert not again.internal_error, again.errors
    assert again.fixed_text is None, (fixed, again.fixed_text)


@_settings(100)
@given(MODULES, STYLES)
@example(KNOWN, Style())
def test_fixes_of_async_shapes_are_sound(module: tuple[tuple[str, ...], tuple[Stmt, ...]],
                                         style: Style) -> None:
    imports, defs = module
    assert_fixes_are_sound(render(imports, defs, style))


# -- arbitrary valid Python (hypothesmith) --------------------------------------------------------
def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@_settings(60)
@given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node(libcst.Module)))
def test_check_never_raises_on_valid_python(text: str) -> None:
    _analyze(text)  # raises on a bug
    if _encodable(text):
        report = check_file(PATH, SETTINGS, RunOptions(use_cache=False, jobs=1, want_fixes=True),
                            data=text.encode("utf-8"))
        assert not report.internal_error, report.errors


_ASYNC_PREFIX = "import time\nimport asyncio\n\n\nasync def _probe():\n    time.sleep(1)\n"


@_settings(40)
@given(hypothesmith.from_node(libcst.Module))
def test_fixes_of_generated_modules_are_sound(text: str) -> None:
    # A finding of our own next to arbitrary code, so the fix pipeline has work on every example.
    module = _ASYNC_PREFIX + "\n" + text
    if _parses(module) and _encodable(module):
        assert_fixes_are_sound(module)
