"""ASL1xx: blocking calls inside coroutines. A blocking call stalls the event loop, and with it
every other request the process is serving."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from asynclint.diagnostics import Applicability, Diagnostic, Fix
from asynclint.rules.base import Rule, register

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext

# An awaited call in these positions must be parenthesised: `(await f()).attr`.
_PRIMARY_PARENTS = (ast.Attribute, ast.Subscript, ast.Call)


def call_fix_data(rule: Rule, node: ast.Call, needs_module: str) -> tuple[bool] | None:
    """Whether a call in the current position can become `await <module>.<fn>(...)`.

    No fix inside a generator expression (an `await` there would make it an async generator),
    and none when the module's name means something else here.
    """
    semantic = rule.semantic
    for ancestor in semantic.ancestors():
        if isinstance(ancestor, ast.GeneratorExp):
            return None
        if isinstance(ancestor, (ast.AsyncFunctionDef, ast.FunctionDef, ast.Lambda)):
            break
    binding = semantic.binding_of(needs_module)
    if binding is not None and binding.qualified != needs_module:
        return None
    parent = semantic.parent
    needs_parens = isinstance(parent, _PRIMARY_PARENTS) and (
        getattr(parent, "value", None) is node or getattr(parent, "func", None) is node
    )
    return (needs_parens,)


@register
class BlockingSleep(Rule):
    code = "ASL100"
    name = "blocking-sleep-in-async"
    summary = "`time.sleep` inside `async def` blocks the event loop"
    explanation = (
        "`time.sleep()` suspends the whole thread. Inside a coroutine that thread runs the event "
        "loop, so every other task — every other request of the server — waits until the sleep "
        "ends. `await asyncio.sleep()` suspends only the current task and lets the loop run the "
        "others meanwhile.\n\n"
        "Code inside a plain `def` or `lambda` nested in the coroutine is not flagged: such code "
        "is typically handed to a thread (`asyncio.to_thread`, `run_in_executor`)."
    )
    bad_example = (
        "import time\n\n\n"
        "async def poll(job):\n"
        "    while not job.done():\n"
        "        time.sleep(0.5)\n"
    )
    good_example = (
        "import asyncio\n\n\n"
        "async def poll(job):\n"
        "    while not job.done():\n"
        "        await asyncio.sleep(0.5)\n"
    )
    fix_title = "Replace with `await asyncio.sleep(...)`"
    fix_applicability = Applicability.SAFE
    fix_safety = (
        "The fix is safe: `asyncio.sleep` waits as long as `time.sleep` did, and only lets other "
        "tasks run meanwhile. It adds `import asyncio` when the module lacks it, or uses an "
        "existing alias (`import asyncio as aio`). No fix is offered inside a generator "
        "expression, where an `await` would change what the expression is."
    )
    overlaps = ("ASYNC251",)
    visits = (ast.Call,)
    requires_text = ("sleep",)

    def visit(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Call)
        semantic = self.semantic
        if not semantic.in_async_function or isinstance(semantic.parent, ast.Await):
            return
        if semantic.resolve(node.func) != "time.sleep":
            return
        self.report(
            node,
            "`time.sleep` blocks the event loop inside `async def`; "
            "use `await asyncio.sleep(...)`",
            fix_data=call_fix_data(self, node, "asyncio"),
        )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        import libcst as cst

        call = fctx.node_at(diagnostic, cst.Call)
        imported = fctx.import_module("asyncio")
        if call is None or imported is None or diagnostic.fix_data is None:
            return None
        name, import_edits = imported
        (needs_parens,) = diagnostic.fix_data
        func = cst.Attribute(value=cst.parse_expression(name), attr=cst.Name("sleep"))
        inner = call.with_changes(func=func, lpar=[], rpar=[])
        lpar, rpar = list(call.lpar), list(call.rpar)
        if needs_parens and not lpar:
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        awaited = cst.Await(expression=inner, lpar=lpar, rpar=rpar)
        return Fix(
            message=self.fix_title or "",
            applicability=Applicability.SAFE,
            edits=(fctx.replace(call, awaited), *import_edits),
        )
