"""The rewrites of ASL5xx: a dropped task kept in a module-level set of background tasks, and
cancellation re-raised by the handler that swallowed it."""

from __future__ import annotations

from typing import Protocol

from asynclint.diagnostics import Edit, Location
from asynclint.fixes.context import FixContext
from asynclint.fixes.edits import insert_after_row


class KeptTask(Protocol):
    """What `keep_reference` needs to know (ASL500's `KeepTaskPlan`)."""

    @property
    def task(self) -> str: ...  # the name the task gets
    @property
    def bind_start(self) -> Location: ...  # the `_` target, or the call when there is none
    @property
    def bind_end(self) -> Location | None: ...  # the `_` target's end (None: no target)
    @property
    def row(self) -> int: ...  # the statement's last row
    @property
    def indent(self) -> str: ...  # the statement's indentation
    @property
    def set_name(self) -> str: ...  # the module-level set of tasks
    @property
    def new_set_after(self) -> int | None: ...  # where it is made (0: on top; None: it exists)


def keep_reference(fctx: FixContext, plan: KeptTask) -> tuple[Edit, ...]:
    """`asyncio.create_task(f())` -> `task = asyncio.create_task(f())`, then the task added to
    the set and discarded from it when done; the set made when it does not exist yet."""
    source = fctx.source
    if plan.bind_end is None:
        bind = Edit(f"{plan.task} = ", plan.bind_start, plan.bind_start)
    else:
        bind = Edit(plan.task, plan.bind_start, plan.bind_end)
    keep = insert_after_row(source, plan.row, [
        f"{plan.indent}{plan.set_name}.add({plan.task})",
        f"{plan.indent}{plan.task}.add_done_callback({plan.set_name}.discard)",
    ])
    if plan.new_set_after is None:
        return (bind, keep)
    # Annotated, or mypy asks for it (`var-annotated`); `Task` is covariant, so a set of
    # `Task[object]` takes any task and its `discard` any task's done callback.
    imported = fctx.import_module("asyncio")
    imports: tuple[Edit, ...] = ()
    if imported is None:
        line = f"{plan.set_name} = set()"
    else:
        asyncio_name, imports = imported
        line = f"{plan.set_name}: set[{asyncio_name}.Task[object]] = set()"
    if plan.new_set_after == 0:
        at = Location(1, 0)
        return (bind, keep, Edit(line + source.newline * 3, at, at), *imports)
    return (bind, keep, insert_after_row(source, plan.new_set_after, ["", line]), *imports)


def reraise(fctx: FixContext, start: Location, end: Location, replace: bool,
            indent: str) -> tuple[Edit, ...]:
    """`raise` in place of the handler's last statement (start..end) when `replace`, else on a
    line of its own after it, at `indent`."""
    if replace:
        return (Edit("raise", start, end),)
    return (insert_after_row(fctx.source, end.row, [f"{indent}raise"]),)


class Unwrapped(Protocol):
    """What `drop_handler` needs (ASL501's `Unwrap`)."""

    @property
    def first(self) -> int: ...
    @property
    def last(self) -> int: ...
    @property
    def body_first(self) -> int: ...
    @property
    def body_last(self) -> int: ...
    @property
    def dedent(self) -> int: ...
    @property
    def comments(self) -> tuple[str, ...]: ...
    @property
    def else_first(self) -> int: ...
    @property
    def else_last(self) -> int: ...
    @property
    def indent(self) -> str: ...


def drop_handler(fctx: FixContext, plan: Unwrapped) -> tuple[Edit, ...]:
    """Rows first..last replaced by the `try` body's rows moved left (the handler alone
    removed when there are none), the handler's comments after them, then the rows of an
    `else:` block moved left too: `try: body / except CancelledError: pass` -> `body`."""
    source = fctx.source
    kept = [source.line(r)[plan.dedent:] if source.line(r).strip() else ""
            for r in range(plan.body_first, plan.body_last + 1)] if plan.body_first else []
    kept += [plan.indent + comment for comment in plan.comments]  # kept, not lost
    if plan.else_first:  # `else:` ran after the body when nothing was raised: it still does
        kept += [source.line(r)[plan.dedent:] if source.line(r).strip() else ""
                 for r in range(plan.else_first, plan.else_last + 1)]
    text = "".join(line + source.newline for line in kept)
    last = plan.last
    if last < len(source.line_starts):
        end = Location(last + 1, 0)
    else:  # the file's last line, without a newline
        end = Location(last, len(source.line(last)))
        text = text[: -len(source.newline)] if text else text
    return (Edit(text, Location(plan.first, 0), end),)


def catch_cancelled(fctx: FixContext, row: int, indent: str,
                    body_indent: str) -> tuple[Edit, ...] | None:
    """`except asyncio.CancelledError: raise` inserted at `row`, before a catch-all handler,
    importing asyncio."""
    imported = fctx.import_module("asyncio")
    if imported is None:
        return None
    name, import_edits = imported
    newline = fctx.source.newline
    text = f"{indent}except {name}.CancelledError:{newline}{body_indent}raise{newline}"
    at = Location(row, 0)
    return (Edit(text, at, at), *import_edits)
