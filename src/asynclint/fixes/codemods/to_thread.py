"""The thread-offload codemod of ASL101-ASL107: a blocking call, or the whole `with` block it
opens, run in a worker thread (`asyncio.to_thread`, or FastAPI/Starlette's
`run_in_threadpool`), written from the code's own text so arguments, comments and layout stay.

The rules plan it while checking (which offloader the module can reach, where the called
expression ends, which names a moved block hands back); the plans are read here through the
protocols below.
"""

from __future__ import annotations

from typing import Protocol

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.fixes.context import FixContext
from asynclint.fixes.edits import fresh_name, in_own_parentheses, indent_lines

# The name of the sync function a moved `with` block becomes (`_blocking_io1`, ... when taken).
HELPER = "_blocking_io"


class CallOffload(Protocol):
    """What `offload_call` needs to know of a call (ASL1xx's `ThreadCallPlan`)."""

    @property
    def needs_parens(self) -> bool: ...  # the `await` expression needs parentheses here
    @property
    def module(self) -> str: ...  # where the offloader is imported from ("": it is imported)
    @property
    def name(self) -> str: ...  # the offloader's name there (its local name for "")
    @property
    def func_end(self) -> Location: ...  # where the called expression ends
    @property
    def has_args(self) -> bool: ...


class BlockOffload(Protocol):
    """What `offload_block` needs to know of a `with` block (ASL1xx's `WithBlockPlan`)."""

    @property
    def start(self) -> Location: ...  # the `with` keyword
    @property
    def end(self) -> Location: ...  # the block's end (the end of its line when a comment follows)
    @property
    def pad(self) -> str: ...  # one indentation step of the block, as written
    @property
    def taken(self) -> frozenset[str]: ...  # names the new function must not take
    @property
    def bound(self) -> tuple[str, ...]: ...  # names the block binds, handed back
    @property
    def lone_return(self) -> bool: ...  # the block is one `return expr`
    @property
    def module(self) -> str: ...
    @property
    def name(self) -> str: ...


def offload_call(fctx: FixContext, diagnostic: Diagnostic,
                 plan: CallOffload) -> tuple[Edit, ...] | None:
    """`f(a, k=v)` -> `await asyncio.to_thread(f, a, k=v)`, built from the call's own text so
    the arguments keep their comments and layout exactly."""
    reached = _offload_spelling(fctx, plan.module, plan.name)
    if reached is None:
        return None
    offload, edits = reached
    text = fctx.source.text
    func_end = fctx.source.offset(plan.func_end)
    paren = func_end
    while paren < len(text) and text[paren] in " \t":
        paren += 1
    if paren >= len(text) or text[paren] != "(":
        return None  # `(f)(x)` or a line continuation: leave it to a human
    start, end = diagnostic.start, diagnostic.end
    if not plan.has_args:
        joint = ""
    else:
        line_end = min(i for i in (text.find("\n", paren), text.find("\r", paren), len(text))
                       if i >= 0)
        rest = text[paren + 1 : line_end].strip()
        joint = "," if not rest or rest.startswith("#") else ", "  # the arguments start below
    source = fctx.source
    func_text = text[source.offset(start) : func_end]
    content = f"await {offload}({func_text}{joint}{text[paren + 1 : source.offset(end)]}"
    if plan.needs_parens and not in_own_parentheses(source, start, end):
        content = f"({content})"
    return (Edit(content, start, end), *edits)


def offload_block(fctx: FixContext, plan: BlockOffload) -> tuple[Edit, ...] | None:
    """`with open(p) as f: ...` -> the block as the body of a sync function, awaited through
    the offloader; the names the block binds come back as the function's result."""
    reached = _offload_spelling(fctx, plan.module, plan.name)
    if reached is None:
        return None
    offload, edits = reached
    helper = fresh_name(HELPER, set(plan.taken), first=1)
    source, nl = fctx.source, fctx.source.newline
    row, col = plan.start.row, plan.start.col
    end_row, end_col = plan.end.row, plan.end.col
    indent, pad = source.line(row)[:col], plan.pad
    lines = [source.line(r) for r in range(row, end_row + 1)]
    lines[-1] = lines[-1][:end_col]
    moved = indent_lines([lines[0][col:]] + [ln[len(indent):] if ln.strip() else ""
                                             for ln in lines[1:]], indent + pad)
    call = f"await {offload}({helper})"
    if plan.lone_return:
        result = f"return {call}"
    elif plan.bound:
        names = ", ".join(plan.bound)
        moved.append(f"{indent}{pad}return {names}")
        result = f"{names} = {call}"
    else:
        result = call
    content = nl.join([f"def {helper}():", *moved, f"{indent}{result}"])
    return (Edit(content, plan.start, plan.end), *edits)


def _offload_spelling(fctx: FixContext, module: str,
                      name: str) -> tuple[str, tuple[Edit, ...]] | None:
    """How the fix spells the thread offloader (`asyncio.to_thread`, `run_in_threadpool`...),
    and the edits importing it; None when its name is taken by something else here."""
    if module == "asyncio":
        imported = fctx.import_module("asyncio")
        if imported is None:
            return None
        local, edits = imported
        return f"{local}.{name}", edits
    if module:
        return fctx.import_name(module, name)
    return name, ()
