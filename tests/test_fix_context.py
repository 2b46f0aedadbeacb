"""FixContext parses only the top-level statements around a finding: the fixes it computes must
be exactly those computed over one libcst tree of the whole file (a differential test, over
every fixture file and over generated modules with CRLF, BOM, tabs, form feeds, `;`, ...)."""

from __future__ import annotations

import ast
import re
import tomllib
from collections import Counter
from dataclasses import replace
from functools import cached_property
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asynclint.config import Settings, settings_from_table
from asynclint.diagnostics import Diagnostic, Fix, Location
from asynclint.engine.analyze import Analysis, analyze
from asynclint.fixes.attach import attach_fixes
from asynclint.fixes.context import FixContext, _index, _Snippet
from asynclint.rules import REGISTRY
from asynclint.source import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CONFIG = re.compile(r"#\s*asynclint-config:\s*(.*)")
ALL = tuple(sorted(REGISTRY))
# Rules whose fix reads the CST (the others build text from the source).
CST_FIXES = {"ASL300", "ASL301", "ASL302", "ASL400", "ASL401"}


class WholeFileContext(FixContext):
    """The reference: one libcst tree of the whole file, as FixContext worked before."""

    @cached_property
    def _whole(self) -> _Snippet | None:
        try:
            module = cst.parse_module(self.source.text)
        except (cst.ParserSyntaxError, RecursionError):
            return None
        return _index(module, 0, 0)

    def _snippet(self, start: Location, end: Location, nested: bool = True) -> _Snippet | None:
        self._snippets[(0, 0)] = self._whole
        return self._whole

    @cached_property
    def default_indent(self) -> str:
        return self.module.default_indent

    @cached_property
    def default_newline(self) -> str:
        return self.module.default_newline


def _fixes(analysis: Analysis, fctx: FixContext) -> list[tuple[Diagnostic, Fix | None]]:
    out = []
    for diag in analysis.diagnostics:
        if diag.fix_plan is not None:
            fix = analysis.rules[diag.code].fix(fctx, diag) if fctx.usable_for(diag) else None
            out.append((diag, fix))
    return out


def _compare(source: SourceFile, path: str, settings: Settings, nest_above_rows: int | None = None
             ) -> list[tuple[Diagnostic, Fix | None]]:
    """Fixes both ways must be equal; returns them (for the callers' coverage checks)."""
    analysis = analyze(source, path, settings, settings.codes_for(Path(path)))
    if analysis.tree is None:
        return []
    assert analysis.semantic is not None
    fctx = FixContext(source, analysis.tree, analysis.semantic, analysis.import_style)
    if nest_above_rows is not None:
        fctx.nest_above_rows = nest_above_rows
    fast = _fixes(analysis, fctx)
    NESTED_SNIPPETS.extend(key for key in fctx._snippets if key[2])
    whole = _fixes(analysis, WholeFileContext(source, analysis.tree, analysis.semantic,
                                              analysis.import_style))
    for (diag, got), (_, want) in zip(fast, whole, strict=True):
        assert got == want, f"{path}:{diag.start.row}: {diag.code}\nfast:  {got}\nwhole: {want}"
    # What the fixes looked at was parsed as in the whole tree; so is every top-level statement.
    _same_as_whole(fctx)
    every = FixContext(source, analysis.tree, analysis.semantic)
    for row in every._chunk_starts:
        every._snippet(Location(row, 0), Location(row, 0), nested=False)
    _same_as_whole(every)
    # The engine takes the fast way.
    if nest_above_rows is None:
        # (attach adds, to a fix, the removal of the imports it leaves without a use)
        attached = [d.fix for d in attach_fixes(analysis) if d.fix is not None]
        expected = []
        for diag, fix in fast:
            if fix is not None:
                dropped = fctx.imports_left_unused(diag.path, fix.edits)
                expected.append(replace(fix, edits=(*fix.edits, *dropped)) if dropped else fix)
        assert attached == expected
    return fast


def _leading(stmt: cst.CSTNode) -> list[cst.CSTNode]:
    """The blank and comment lines before a statement parsed first in a snippet: in the whole
    tree they are its own, in a snippet the end of the one before (no fix looks at them)."""
    lines: list[cst.CSTNode] = list(getattr(stmt, "leading_lines", ()))
    decorators = getattr(stmt, "decorators", ())
    if decorators:
        lines += decorators[0].leading_lines
    return lines


def _inside(stmt: cst.CSTNode) -> set[int]:
    """ids of every node in a statement, its leading lines left out."""
    skip = {id(line) for line in _leading(stmt)}
    found: set[int] = set()
    stack = [stmt]
    while stack:
        node = stack.pop()
        if id(node) not in skip:
            found.add(id(node))
            stack.extend(node.children)
    return found


def _strip(stmt: cst.CSTNode) -> cst.CSTNode:
    stripped = stmt.with_changes(leading_lines=())
    decorators = getattr(stmt, "decorators", ())
    if decorators:
        first = decorators[0].with_changes(leading_lines=())
        stripped = stripped.with_changes(decorators=[first, *decorators[1:]])
    return stripped


def _same_as_whole(fctx: FixContext) -> None:
    """Every statement a snippet was parsed for is deeply equal to the whole tree's statement
    at the same place, with every node inside it at the same place."""
    module = cst.parse_module(fctx.source.text)
    whole = _index(module, 0, 0)
    for (_, _, nested), snippet in fctx._snippets.items():
        assert snippet is not None, "a snippet did not parse"
        statements = list(snippet.module.body[1:])  # after the prefix
        if nested:
            assert len(statements) == 1 and isinstance(statements[0], cst.If)
            statements = list(statements[0].body.body)
        ranges, whole_ranges = _ranges(snippet), _ranges(whole)
        for mine in statements:
            at = ranges[id(mine)]
            theirs = [n for s, e, n in whole.entries(type(mine)) if (s, e) == at]
            assert len(theirs) == 1, f"no {type(mine).__name__} at {at} in the whole tree"
            assert _strip(mine).deep_equals(_strip(theirs[0])), module.code_for_node(theirs[0])
            mine_inside, theirs_inside = _inside(mine), _inside(theirs[0])
            got = Counter((type(n).__name__, *ranges[id(n)]) for n in _walk(mine)
                          if id(n) in mine_inside)
            want = Counter((type(n).__name__, *whole_ranges[id(n)]) for n in _walk(theirs[0])
                           if id(n) in theirs_inside)
            assert got == want, f"missing: {list((want - got).items())[:5]}\n" \
                                f"extra: {list((got - want).items())[:5]}"


def _ranges(snippet: _Snippet) -> dict[int, tuple[Location, Location]]:
    return {id(node): (s, e) for kind in snippet.by_type for s, e, node in snippet.entries(kind)}


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    out, stack = [], [node]
    while stack:
        out.append(stack.pop())
        stack.extend(out[-1].children)
    return out


def _fixture_settings(path: Path) -> Settings:
    settings = Settings(root=path.parent)
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    m = CONFIG.match(first)
    if m:
        settings = settings_from_table(tomllib.loads(m.group(1)), path.parent, str(path), settings)
    return replace(settings, select=ALL)


FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))
NESTED_SNIPPETS: list[tuple[int, int, bool]] = []  # what _compare saw parsed as a nested def


def test_fixture_fixes_equal_whole_file_fixes() -> None:
    computed: dict[str, int] = {}
    for path in FIXTURE_FILES:
        source = SourceFile.from_bytes(path.read_bytes())
        for nest in (None, 0):
            for diag, fix in _compare(source, str(path), _fixture_settings(path), nest):
                if fix is not None:
                    computed[diag.code] = computed.get(diag.code, 0) + 1
    # Not vacuous: every rule whose fix reads the CST was exercised, in nested snippets too.
    assert set(computed) >= CST_FIXES, computed
    assert NESTED_SNIPPETS


# -- generated modules ---------------------------------------------------------------------------
HEADER = "import asyncio\nimport time\n\nimport httpx\n"
UNITS = {
    "findings": (
        "async def run_{n}(client: httpx.AsyncClient, urls: list[str]):\n"
        "{I}loop = asyncio.get_event_loop()\n"
        "{I}asyncio.run(client.aclose())  # trailing\n"
        "{I}a = await client.get(\"/a\")\n"
        "{I}# between\n"
        "{I}b = await client.get(\"/b\")  # b\n"
        "{I}results = []\n"
        "{I}for url in urls:\n"
        "{I}{I}results.append(await client.get(url))\n"
        "{I}return [await client.get(u) for u in urls], loop, a, b, results\n"
    ),
    "non-ascii": (
        "async def text_{n}(client: httpx.AsyncClient):\n"
        "{I}s = \"héllo ☃ 𝄞\"; asyncio.run(client.aclose()); time.sleep(1)\n"
        "{I}return s, \"ß\", asyncio.get_event_loop()\n"
    ),
    "multi-line": (
        "async def multi_{n}(client: httpx.AsyncClient):\n"
        "{I}asyncio.run(\n"
        "{I}{I}client.aclose(),\n"
        "{I})\n"
        "{I}x = await client.get(\n"
        "{I}{I}\"/x\",\n"
        "{I})\n"
        "{I}y = await client.get(\"/y\")\n"
        "{I}return x, y\n"
    ),
    "class": (
        "@decorator\n"
        "class Service_{n}:\n"
        "{I}\"\"\"Doc.\"\"\"\n\n"
        "{I}@staticmethod\n"
        "{I}async def fetch(client: httpx.AsyncClient):\n"
        "{I}{I}first = await client.get(\"/x\")\n"
        "{I}{I}second = await client.get(\"/y\")\n"
        "{I}{I}time.sleep(1)\n"
        "{I}{I}return first, second, asyncio.get_event_loop()\n"
    ),
    "semicolons": "a_{n} = 1; b_{n} = 2\n",
    "semicolon-after-multi-line": "v_{n} = [\n{I}1,\n]; asyncio.run(run_0(None, []))\n",
    "sync": "def plain_{n}(x):\n{I}return x + 1\n",
    "one-line-block": "if True: c_{n} = 3\n",
    "comment": "# a comment at column 0\n",
    "form-feed": "\f\n",
    "main": "if __name__ == \"__main__\":\n{I}asyncio.run(run_0(None, []))\n",
    "top-level-run": "asyncio.run(run_0(None, []))\n",
}


@st.composite
def modules(draw: st.DrawFn) -> tuple[bytes, str]:
    names = draw(st.lists(st.sampled_from(sorted(UNITS)), min_size=1, max_size=8))
    names.insert(draw(st.integers(0, len(names))), "findings")
    nl = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    parts = [HEADER.replace("\n", draw(st.sampled_from(["\n", "\r\n"])))]
    previous = "    "
    for n, name in enumerate(names):
        indent = draw(st.sampled_from(["    ", "  ", "\t", " \t"]))
        gap = draw(st.sampled_from(["\n", "\n\n", "\n# note\n", "\n  # indented note\n",
                                    "\n{I}{I}# deep note\n\n"]))
        unit = UNITS[name].format(n=n, I=indent)
        # a deep note follows the previous unit's innermost block (a footer in libcst's tree)
        parts.append((gap.replace("{I}", previous) + unit).replace("\n", nl))
        previous = indent
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no trailing newline
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, draw(st.sampled_from(["gather", "taskgroup"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules(), st.sampled_from([None, 0]))
def test_generated_fixes_equal_whole_file_fixes(case: tuple[bytes, str], nest: int | None) -> None:
    """`nest` 0 parses the function around every finding alone, however short its statement."""
    data, style = case
    source = SourceFile.from_bytes(data)
    try:
        ast.parse(source.text)
    except SyntaxError:  # a unit mixing tabs and spaces ambiguously: not a module to fix
        return
    found = _compare(source, "generated.py", Settings(select=ALL, gather_style=style), nest)
    assert any(fix is not None and diag.code in CST_FIXES for diag, fix in found)


@pytest.mark.parametrize("text", [
    "x = 1\n",
    "def f():\n  return 1\ndef g():\n    return 2\n",
    "x = 1\r\ndef f():\r\n\tpass\r\n",
    "a = 1; b = 2\nif a:\n      pass\n",
    "class C:\n\f    x = 1\n",
    "@d\nclass C:  # c\n\n    # note\n   \n        def f(self): pass\n",
    "s = '''\n    not an indent\n'''\nif s:\n   pass\n",
    "x = (1,\n     2)\nwhile x:\n \tbreak\n",
    "x = 1\rif x:\r pass",
])
def test_defaults_are_libcsts(text: str) -> None:
    """The indent and newline libcst would give the whole file, found without parsing it."""
    source = SourceFile.from_bytes(text.encode())
    tree = ast.parse(source.text)
    analysis = analyze(source, "t.py", Settings(), frozenset())
    assert analysis.semantic is not None
    fctx = FixContext(source, tree, analysis.semantic)
    module = cst.parse_module(source.text)
    assert (fctx.default_indent, fctx.default_newline) == (module.default_indent,
                                                           module.default_newline)


def test_a_long_class_parses_only_the_method_around_a_finding() -> None:
    methods = "".join(
        f"    async def m{i}(self, client: httpx.AsyncClient):\n"
        f"        return await client.get('/{i}')\n\n" for i in range(120))
    text = (HEADER + "\n\nclass Big:\n" + methods
            + "    async def bad(self, client: httpx.AsyncClient):\n"
            + "        a = await client.get('/a')\n"
            + "        b = await client.get('/b')\n"
            + "        return a, b, asyncio.get_event_loop()\n\n        # deep note\n\n"
            + methods.replace(" m", " n"))
    source = SourceFile.from_bytes(text.encode())
    analysis = analyze(source, "big.py", Settings(select=ALL), frozenset(ALL))
    assert analysis.tree is not None and analysis.semantic is not None
    fctx = FixContext(source, analysis.tree, analysis.semantic)
    fixes = _fixes(analysis, fctx)
    assert {d.code for d, f in fixes if f is not None} >= {"ASL302", "ASL400"}
    bad = next(s for s in analysis.tree.body if isinstance(s, ast.ClassDef)).body[120]
    assert isinstance(bad, ast.AsyncFunctionDef) and bad.name == "bad"
    # with the lines up to the next method: the comment is in the method's block (its footer)
    assert list(fctx._snippets) == [(bad.lineno, bad.end_lineno + 3, True)]
    _compare(source, "big.py", Settings(select=ALL))
