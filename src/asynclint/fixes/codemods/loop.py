"""The rewrites of ASL3xx: a call that starts an event loop awaited instead (and the sync
handler holding it made `async def`), `get_event_loop()` made `get_running_loop()`, and a
module-level run moved under `if __name__ == "__main__":`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import libcst as cst

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.fixes.context import FixContext
from asynclint.fixes.edits import indent_lines
from asynclint.semantic.loops import LoopHolder


class RunSite(Protocol):
    """A loop-starting call to await instead (ASL3xx's `RunSite`): where it is, how its
    argument is awaited ("coroutine": `run(f(x))`; else `run(f, x)`), and whether the `await`
    needs parentheses there."""

    @property
    def start(self) -> Location: ...
    @property
    def end(self) -> Location: ...
    @property
    def style(self) -> str: ...
    @property
    def needs_parens(self) -> bool: ...


def await_run(fctx: FixContext, diagnostic: Diagnostic, site: RunSite) -> Edit | None:
    """The edit turning the loop-running call at the site into an `await` expression:
    `asyncio.run(f(x))` -> `await f(x)`, `anyio.run(f, x)` -> `await f(x)`."""
    call = fctx.node_at(replace(diagnostic, start=site.start, end=site.end), cst.Call)
    if call is None or not call.args:
        return None
    expression: cst.BaseExpression
    if site.style == "coroutine":
        expression = call.args[0].value
    else:
        expression = cst.Call(func=call.args[0].value, args=list(call.args[1:]))
    lpar, rpar = list(call.lpar), list(call.rpar)
    if site.needs_parens and not lpar:
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    awaited = cst.Await(expression=expression, lpar=lpar, rpar=rpar)
    return fctx.replace(call, awaited)


def _whole_rows(fctx: FixContext, first: int, last: int) -> Edit:
    """An edit removing rows first..last with their line ends."""
    source = fctx.source
    if last < len(source.line_starts):
        return Edit("", Location(first, 0), Location(last + 1, 0))
    start = Location(first - 1, len(source.line(first - 1)))
    return Edit("", start, Location(last, len(source.line(last))))


def drop_holder(fctx: FixContext, holder: LoopHolder) -> tuple[Edit, ...] | None:
    """The edits removing the statement that held the awaited call's loop: the
    `loop = ...` line, or a `with asyncio.Runner() as runner:` header with its body moved one
    level out. None when a body line is indented less than the body (a continuation line)."""
    if holder.kind != "with":
        return (_whole_rows(fctx, holder.first, holder.last),)
    source = fctx.source
    edits = [_whole_rows(fctx, holder.first, holder.first)]
    width = len(source.line(holder.body_first)) - len(source.line(holder.body_first).lstrip())
    for row in range(holder.body_first, holder.last + 1):
        line = source.line(row)
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) < width:
            return None
        edits.append(Edit("", Location(row, 0), Location(row, holder.dedent)))
    return tuple(edits)


def async_handler(fctx: FixContext, diagnostic: Diagnostic, def_at: Location,
                  sites: Sequence[RunSite]) -> tuple[Edit, ...] | None:
    """The handler whose `def` is at `def_at` made `async def`, each loop-starting call in it
    awaited; None unless every one can be."""
    edits = [Edit("async ", def_at, def_at)]
    for site in sites:
        edit = await_run(fctx, diagnostic, site)
        if edit is None:
            return None
        edits.append(edit)
    return tuple(edits)


def running_loop(fctx: FixContext, diagnostic: Diagnostic) -> tuple[Edit, ...] | None:
    """`asyncio.get_event_loop()` -> `asyncio.get_running_loop()` (a bare imported
    `get_event_loop()` becomes `asyncio.get_running_loop()`, importing asyncio)."""
    call = fctx.node_at(diagnostic, cst.Call)
    if call is None:
        return None
    edits: tuple[Edit, ...] = ()
    func: cst.BaseExpression
    if isinstance(call.func, cst.Attribute):
        func = call.func.with_changes(attr=cst.Name("get_running_loop"))
    else:
        imported = fctx.import_module("asyncio")
        if imported is None:
            return None
        name, edits = imported
        func = cst.Attribute(value=cst.parse_expression(name), attr=cst.Name("get_running_loop"))
    return (fctx.replace(call, call.with_changes(func=func)), *edits)


def main_guard(fctx: FixContext, first: int, last: int) -> tuple[Edit, ...]:
    """Rows first..last (a module-level statement) moved under `if __name__ == "__main__":`."""
    source = fctx.source
    newline = source.newline
    lines = [source.line(row) for row in range(first, last + 1)]
    text = f'if __name__ == "__main__":{newline}' + newline.join(indent_lines(lines, "    "))
    return (Edit(text, Location(first, 0), Location(last, len(lines[-1]))),)
