"""The rewrites of ASL2xx: `await` added before a coroutine call (or dropped before a call that
returns no awaitable), `async` before a `with` or `for`, a coroutine call handed over as a
function and its arguments (or unwrapped), and a pytest fixture decorator made
`pytest_asyncio.fixture`."""

from __future__ import annotations

import libcst as cst

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.fixes.context import FixContext


def add_await(fctx: FixContext, diagnostic: Diagnostic,
              needs_parens: bool) -> tuple[Edit, ...] | None:
    """`f()` -> `await f()` (in parentheses when `needs_parens` and the call has none)."""
    call = fctx.node_at(diagnostic, cst.Call)
    if call is None:
        return None
    # The call's own parentheses lie outside the range being replaced and stay in the text.
    inner = call.with_changes(lpar=[], rpar=[])
    lpar: list[cst.LeftParen] = []
    rpar: list[cst.RightParen] = []
    if needs_parens and not call.lpar:
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    awaited = cst.Await(expression=inner, lpar=lpar, rpar=rpar)
    return (fctx.replace(call, awaited),)


def async_keyword(fctx: FixContext, diagnostic: Diagnostic,
                  keyword: str) -> tuple[Edit, ...] | None:
    """`with` -> `async with`, `for` -> `async for` (`keyword`): only the statement's keyword
    is replaced, the body, comments and formatting are untouched."""
    stmt: cst.With | cst.For | None = fctx.node_at(diagnostic, cst.With) if keyword == "with" \
        else fctx.node_at(diagnostic, cst.For)
    if stmt is None or stmt.asynchronous is not None:
        return None
    start, _ = fctx.range_of(stmt)
    end = Location(start.row, start.col + len(keyword))
    return (Edit(f"async {keyword}", start, end),)


def pass_function(fctx: FixContext, diagnostic: Diagnostic,
                  unwrap: bool) -> tuple[Edit, ...] | None:
    """`add_task(f(a, k=1))` -> `add_task(f, a, k=1)`; with `unwrap`, `to_thread(f(a))` ->
    `f(a)`."""
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
    awaited = fctx.node_at(diagnostic, cst.Await)  # the innermost around the reported call
    if awaited is None or not isinstance(awaited.expression, cst.Call):
        return None
    return (fctx.replace(awaited, awaited.expression),)
