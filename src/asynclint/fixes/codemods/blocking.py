"""The small rewrites of ASL100 and ASL108: `time.sleep(...)` awaited as `asyncio.sleep(...)`,
and an `async def` route made a plain `def` (the thread offload of the other ASL1xx rules is
`to_thread`)."""

from __future__ import annotations

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.fixes.context import FixContext
from asynclint.fixes.edits import in_own_parentheses


def asyncio_sleep(fctx: FixContext, diagnostic: Diagnostic, needs_parens: bool,
                  func_end: Location) -> tuple[Edit, ...] | None:
    """`time.sleep(x)` -> `await asyncio.sleep(x)`: only the called expression (up to
    `func_end`) is rewritten, the arguments keep their text and layout."""
    imported = fctx.import_module("asyncio")
    if imported is None:
        return None
    name, import_edits = imported
    source = fctx.source
    start, end = diagnostic.start, diagnostic.end
    args = source.text[source.offset(func_end) : source.offset(end)]
    content = f"await {name}.sleep{args}"
    if needs_parens and not in_own_parentheses(source, start, end):
        content = f"({content})"
    return (Edit(content, start, end), *import_edits)


def plain_def(fctx: FixContext, at: Location, end: Location) -> tuple[Edit, ...] | None:
    """The `async` keyword at `at` and the blanks after it removed, when `def` follows. The
    edit spans the whole function (to `end`, its text otherwise kept), so the call-site fixes
    inside it, which would write `await` into what is now a plain `def`, are not applied with
    it (the next round finds nothing left to fix there)."""
    row, col = at.row, at.col
    line = fctx.source.line(row)
    rest = line[col + len("async"):]
    gap = len(rest) - len(rest.lstrip(" \t"))
    if not line.startswith("async", col) or not rest[gap:].startswith("def") or not gap:
        return None
    source = fctx.source
    text = source.text[source.offset(at) + len("async") + gap : source.offset(end)]
    return (Edit(text, at, end),)
