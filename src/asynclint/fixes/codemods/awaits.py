"""The rewrites of ASL2xx: `await` added before a coroutine call (or dropped before a call that
returns no awaitable), `async` before a `with` or `for`, a coroutine call handed over as a
function and its arguments (or unwrapped), and a pytest fixture decorator made
`pytest_asyncio.fixture`.

Adding `await` and `async` is written from the code's own text (what libcst would render of
the untouched call is that text): most runs that print fixes then never import libcst.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.fixes.context import FixContext
from asynclint.fixes.edits import in_own_parentheses

if TYPE_CHECKING:
    import libcst as cst


def add_await(fctx: FixContext, diagnostic: Diagnostic,
              needs_parens: bool) -> tuple[Edit, ...] | None:
    """`f()` -> `await f()` (in parentheses when `needs_parens` and the call has none of its
    own), the call's text kept as written: its arguments, comments and layout stay. None when
    the reported range is not a call as `ast` reads it alone (never expected: the range is
    the call's)."""
    source = fctx.source
    start, end = diagnostic.start, diagnostic.end
    call = source.text[source.offset(start) : source.offset(end)]
    try:
        parsed = ast.parse(f"({call})", mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(parsed, ast.Call):
        return None
    content = f"await {call}"
    if needs_parens and not in_own_parentheses(source, start, end):
        content = f"({content})"
    return (Edit(content, start, end),)


def async_keyword(fctx: FixContext, keyword: str, at: Location) -> tuple[Edit, ...] | None:
    """`with` -> `async with`, `for` -> `async for` (`keyword`, where the statement starts at
    `at`): only the keyword is replaced, the body, comments and formatting are untouched."""
    source = fctx.source
    if not source.text.startswith(keyword, source.offset(at)):
        return None
    return (Edit(f"async {keyword}", at, Location(at.row, at.col + len(keyword))),)


def pass_function(fctx: FixContext, diagnostic: Diagnostic,
                  unwrap: bool) -> tuple[Edit, ...] | None:
    """`add_task(f(a, k=1))` -> `add_task(f, a, k=1)`; with `unwrap`, `to_thread(f(a))` ->
    `f(a)`."""
    import libcst as cst

    inner = fctx.node_at(diagnostic, cst.Call)
    if inner is None:
        return None
    outer = _outer_call(fctx, inner)
    if outer is None:
        return None
    if unwrap:
        new: cst.CSTNode = inner.with_changes(lpar=outer.lpar, rpar=outer.rpar)
        return (fctx.replace(outer, new),)
    args = [cst.Arg(value=inner.func.with_changes(lpar=[], rpar=[])) if not isinstance(
        inner.func, cst.Name) else cst.Arg(value=inner.func)]
    args += list(inner.args)
    args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
    position = len(outer.args) - 1
    new_args = [*outer.args[:position], *args]
    new_args[-1] = new_args[-1].with_changes(comma=outer.args[-1].comma)
    new_outer = outer.with_changes(args=new_args)
    return (fctx.replace(outer, new_outer),)


def _outer_call(fctx: FixContext, inner: cst.Call) -> cst.Call | None:
    """The call that has `inner` as its last positional argument."""
    import libcst as cst

    class Finder(cst.CSTVisitor):
        found: cst.Call | None = None

        def visit_Call(self, node: cst.Call) -> None:
            if node.args and node.args[-1].value is inner:
                self.found = node

    finder = Finder()
    fctx.module_of(inner).visit(finder)
    return finder.found


def pytest_asyncio_fixture(fctx: FixContext, diagnostic: Diagnostic) -> tuple[Edit, ...] | None:
    """`@pytest.fixture` -> `@pytest_asyncio.fixture` (its arguments kept), importing
    pytest_asyncio."""
    import libcst as cst

    imported = fctx.import_module("pytest_asyncio")
    if imported is None:
        return None
    name, import_edits = imported
    old: cst.CSTNode | None = fctx.node_at(diagnostic, cst.Attribute)
    if old is None or fctx.range_of(old)[0] != diagnostic.start:
        old = fctx.node_at(diagnostic, cst.Name)
    if old is None:
        return None
    new = cst.Attribute(value=cst.Name(name), attr=cst.Name("fixture"))
    return (fctx.replace(old, new), *import_edits)


def drop_await(fctx: FixContext, diagnostic: Diagnostic) -> tuple[Edit, ...] | None:
    """`await f()` -> `f()`. The `await` expression's own parentheses lie outside the range
    replaced and stay; a call binds at least as tightly as `await`, so nothing else needs
    them."""
    import libcst as cst

    awaited = fctx.node_at(diagnostic, cst.Await)  # the innermost around the reported call
    if awaited is None or not isinstance(awaited.expression, cst.Call):
        return None
    return (fctx.replace(awaited, awaited.expression),)
