"""ASL2xx: un-awaited coroutines. Calling an `async def` only creates a coroutine object; the
work happens when it is awaited. A dropped or misused coroutine silently does nothing (Python
warns "coroutine ... was never awaited" only when it is garbage-collected, if at all).

What is a coroutine call is decided by `semantic.coroutines.CoroutineOracle` (one per module,
shared by the rules here): unknown means silent.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from asynclint.diagnostics import Applicability, Diagnostic, Fix, FixPlan, Location
from asynclint.rules.base import Rule
from asynclint.semantic.catalogs import async_apis as apis
from asynclint.semantic.coroutines import ASYNC_CM, ASYNC_GEN, COROUTINE, CoroutineOracle
from asynclint.semantic.flow import FunctionFlow
from asynclint.semantic.handlers import handler_info
from asynclint.semantic.nodes import child_nodes
from asynclint.semantic.parameters import value_attribute, value_parameter
from asynclint.semantic.plain_returns import (
    cast_operand,
    may_return_awaitable,
    returns_awaitables_by_design,
)
from asynclint.semantic.syntax import FUNCS, await_site, short_source, word_char
from asynclint.semantic.types import canonical
from asynclint.semantic.value_uses import Resolver, Use, UseKind, classify_use, value_use_kind

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext

# Return annotations that say the function means to hand back an awaitable.
_AWAITABLE_WORDS = frozenset({"Awaitable", "Coroutine", "Future", "Task", "Any", "object",
                              "CoroutineType", "Deferred"})
# Of those, the ones that say nothing about awaitables in particular.
_LOOSE_WORDS = frozenset({"Any", "object"})


def _heads(annotation: ast.expr) -> set[str]:
    """The outermost type names of an annotation (`Optional[Awaitable[int]]` -> Awaitable)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value.strip(), mode="eval").body
        except SyntaxError:
            return {"Any"}
    if isinstance(annotation, ast.BinOp):
        return _heads(annotation.left) | _heads(annotation.right)
    if isinstance(annotation, ast.Subscript):
        head = _heads(annotation.value)
        if head & {"Optional", "Union", "Annotated"}:
            args = annotation.slice
            members = args.elts if isinstance(args, ast.Tuple) else [args]
            if head & {"Annotated"}:
                members = members[:1]
            return set().union(*(_heads(m) for m in members))
        return head
    if isinstance(annotation, ast.Name):
        return {annotation.id}
    if isinstance(annotation, ast.Attribute):
        return {annotation.attr}
    return set()


def oracle(rule: Rule) -> CoroutineOracle:
    """One oracle per checked module, shared by the ASL2xx rules."""
    ctx = rule.ctx
    settings = ctx.settings
    return ctx.semantic.shared("coroutines", lambda: CoroutineOracle(
        ctx.semantic, ctx.project, settings.extra_async_apis,
        (*settings.extra_async_decorators, *settings.extra_handler_decorators)))


# -- fixes -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AwaitPlan(FixPlan):
    """ASL200-ASL203's fix: `await` before the call (in parentheses when `needs_parens`)."""

    adds_await = True

    needs_parens: bool


def await_plan(rule: Rule, node: ast.Call, *, parent: ast.AST | None = None) -> AwaitPlan | None:
    """Whether `await` can go before this call here: only inside `async def` (not in a sync
    def, a lambda, a class body or a generator expression, where `await` is illegal or changes
    what the expression is)."""
    semantic = rule.semantic
    if not semantic.in_async_function:
        return None
    site = await_site(node, semantic.parents, parent)
    return AwaitPlan(site.needs_parens) if site is not None else None


def await_fix(rule: Rule, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
    """The fix an `AwaitPlan` describes."""
    from asynclint.fixes.codemods.awaits import add_await

    plan = diagnostic.fix_plan
    if not isinstance(plan, AwaitPlan):
        return None
    return rule.fix_with(diagnostic, add_await(fctx, diagnostic, plan.needs_parens))


@dataclass(frozen=True)
class AsyncKeywordPlan(FixPlan):
    """ASL204's and ASL205's fix: `async` before the statement's `keyword`, at `at` (where
    the statement starts)."""

    adds_await = True

    keyword: Literal["with", "for"]
    at: Location


def _async_keyword_fix(rule: Rule, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
    from asynclint.fixes.codemods.awaits import async_keyword

    plan = diagnostic.fix_plan
    if not isinstance(plan, AsyncKeywordPlan):
        return None
    return rule.fix_with(diagnostic, async_keyword(fctx, plan.keyword, plan.at))


_AWAIT_SAFETY = (
    "The fix is unsafe: adding `await` makes the work happen, and happen now — the caller now "
    "waits for it, its exceptions propagate, and its side effects (writes, requests) occur "
    "where before they silently did not. It is offered only inside `async def` and not inside "
    "a generator expression or a nested `def`/`lambda`, where `await` is illegal or changes "
    "the expression."
)


# -- rules ---------------------------------------------------------------------------------------------
class UnawaitedCoroutine(Rule):
    code = "ASL200"
    name = "unawaited-coroutine"
    message_formats = (
        "Coroutine never awaited: {callee}; its result is dropped, so it never runs",
        "Coroutine never awaited: {callee}; its result is dropped, so it never runs; "
        "outside `async def`, make the caller async or run it with `asyncio.run(...)`",
    )
    summary = "A coroutine is created and dropped: the call does nothing"
    explanation = (
        "Calling an `async def` function (or an async API such as `AsyncSession.commit`, "
        "`httpx.AsyncClient.post`, `asyncio.sleep`) does not run it: it returns a coroutine "
        "object, and the work happens only when that object is awaited. As a statement, the "
        "coroutine is dropped at once — the commit never happens, the request is never sent — "
        "and Python at most prints `RuntimeWarning: coroutine ... was never awaited` when it is "
        "garbage-collected.\n\n"
        "The callee is known from this module's `async def`s (including methods reached through "
        "`self`, `cls`, `super()`, the class name and base classes), the project's other "
        "modules (through imports, re-exports and star imports), the project's decorators that "
        "return an `async def` of their own or whose type signature keeps the function's "
        "result (`def inject(func: Callable[P, R]) -> Callable[P, R]`, also through the "
        "module's generic aliases, and factories of such), a catalog of library async APIs "
        "matched on "
        "receivers of known type, and the source of the installed packages (read, never "
        "imported: see the `python` setting). Calls whose callee cannot be told — unknown "
        "decorators, unknown receivers — are never reported.\n\n"
        "Outside `async def` (a plain `def`, module level) the same mistake is reported without "
        "a fix: make the caller `async def` and await, or run it with `asyncio.run(...)` at the "
        "top level."
    )
    bad_example = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def rename(session: AsyncSession, user, name: str) -> None:\n"
        "    user.name = name\n"
        "    session.commit()\n"
    )
    good_example = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def rename(session: AsyncSession, user, name: str) -> None:\n"
        "    user.name = name\n"
        "    await session.commit()\n"
    )
    fix_title = "Add `await`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _AWAIT_SAFETY
    overlaps = ("ASYNC105",)

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        if not isinstance(call, ast.Call):
            return
        callee = oracle(self).classify(call)
        if callee is None or callee.kind != COROUTINE:
            return
        where = "" if self.semantic.in_async_function else (
            "; outside `async def`, make the caller async or run it with `asyncio.run(...)`")
        self.report(call, f"Coroutine never awaited: {callee.label}; its result is dropped, so "
                          f"it never runs{where}",
                    fix_plan=await_plan(self, call, parent=node))

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return await_fix(self, fctx, diagnostic)


class _AssignmentRule(Rule):
    """A rule about single-target assignments, `x = value` and `x: T = value`."""

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1:
            self.assigned(node, node.targets[0])

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.assigned(node, node.target)

    def assigned(self, node: ast.Assign | ast.AnnAssign, target: ast.expr) -> None:
        raise NotImplementedError


class CoroutineAssignedNeverAwaited(_AssignmentRule):
    code = "ASL201"
    name = "coroutine-assigned-never-awaited"
    message_formats = (
        "Coroutine stored in `{name}` is {use}, never awaited: {callee}",
    )
    summary = "A coroutine is stored in a variable that is used as a value or dropped, never awaited"
    explanation = (
        "`result = fetch_user(uid)` without `await` stores a coroutine object, not the user. "
        "When the function never awaits the variable, the work never happens and the code "
        "works on the wrong value. Reported, at the call, when the variable is never awaited "
        "and:\n\n"
        "- a read that is wrong on a coroutine may see it: an attribute (`result.name`; not a "
        "coroutine's own `send`/`throw`/`close`/`cr_*`), a subscript, iteration, unpacking, "
        "`len()` and similar builtins, arithmetic, a comparison, an f-string — even when the "
        "variable is passed on afterwards — or a hand-over to a parameter or field of the "
        "project that takes only a plain value (its annotation is a concrete type such as "
        "`str` or `Iterable[str]`, or the callee only reads it as data; see ASL202);\n"
        "- a test every coroutine passes (`if result:`, `not result`, `result is None`, "
        "`isinstance(result, ...)`) sees only this assignment, and the variable was not "
        "passed on before the test nor handed to an awaited call;\n"
        "- or it is assigned only there and never read, or only read as such values.\n\n"
        "A coroutine that is one arm of a conditional expression (`x = fetch() if c else "
        "None`) is reported only for a read that fails on it: a test may see the other arm.\n\n"
        "Which assignment a read sees follows the control flow: branches, loops, `try`, `with`, "
        "`break`/`continue`.\n\n"
        "Not reported: a variable awaited anywhere in the function (`task = f(); ...; await "
        "task`, `await asyncio.gather(task)`), one only passed on, returned, stored or "
        "gathered, a test that another assignment may also reach (`x = None` on another "
        "path), and a variable used by a nested function, lambda, class or generator "
        "expression, or declared `global`/`nonlocal`."
    )
    bad_example = (
        "import httpx\n\n\n"
        "async def profile(client: httpx.AsyncClient, uid: int) -> str:\n"
        "    response = client.get(f\"/users/{uid}\")\n"
        "    return response.json()[\"name\"]\n"
    )
    good_example = (
        "import httpx\n\n\n"
        "async def profile(client: httpx.AsyncClient, uid: int) -> str:\n"
        "    response = await client.get(f\"/users/{uid}\")\n"
        "    return response.json()[\"name\"]\n"
    )
    fix_title = "Add `await`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _AWAIT_SAFETY

    def assigned(self, node: ast.Assign | ast.AnnAssign, target: ast.expr) -> None:
        value = node.value
        # `x = fetch() if c else None`: the coroutine is one of the values the name may hold,
        # so only a read that fails on it proves the dropped `await` (a test may see `None`).
        arm = _coroutine_arm(value) if isinstance(value, ast.IfExp) else None
        call = arm if arm is not None else value
        if not isinstance(target, ast.Name) or not isinstance(call, ast.Call):
            return
        function = self.semantic.function
        if not isinstance(function, FUNCS):
            return
        callee = oracle(self).classify(call)
        if callee is None or callee.kind != COROUTINE:
            return
        # Only functions with such an assignment pay for the flow analysis, once for all names.
        flow = self.semantic.shared(f"flow:{id(function)}", lambda: FunctionFlow(function))
        how = _dropped(flow, target, self.semantic.resolve,
                       lambda load: self._value_sink(load, flow), failing_only=arm is not None)
        if how is None:
            return
        self.report(call, f"Coroutine stored in `{target.id}` is {how}, never awaited: "
                          f"{callee.label}",
                    fix_plan=await_plan(self, call, parent=value if arm is not None else node))

    def _value_sink(self, load: ast.Name, flow: FunctionFlow) -> str | None:
        """Where a read hands the object to a project parameter or field that takes only a
        plain value (`build(x)`, `Model(field=x)`, `page.body = x`; `semantic.parameters`), as
        the message's words; None when it does not, or that cannot be told."""
        parent = flow.parent(load)
        if isinstance(parent, ast.keyword):
            call = flow.parent(parent)
            where = value_parameter(call, load, oracle(self), flow.parent) \
                if isinstance(call, ast.Call) else None
        elif isinstance(parent, ast.Call) and load in parent.args:
            where = value_parameter(parent, load, oracle(self), flow.parent)
        elif isinstance(parent, ast.Assign) and parent.value is load \
                and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Attribute):
            where = value_attribute(parent.targets[0], oracle(self))
            return f"stored in {where}" if where else None
        else:
            return None
        return f"passed to {where}" if where else None

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return await_fix(self, fctx, diagnostic)


# Where a read hands the object to something that takes only a plain value (message words).
ValueSink = Callable[[ast.Name], str | None]


def _coroutine_arm(value: ast.IfExp) -> ast.Call | None:
    """The arm of a conditional expression that is a call, when the other one is not (which
    arm is a coroutine the caller asks the oracle)."""
    calls = [arm for arm in (value.body, value.orelse) if isinstance(arm, ast.Call)]
    return calls[0] if len(calls) == 1 else None


def _dropped(flow: FunctionFlow, target: ast.Name, resolve: Resolver,
             sink: ValueSink | None = None, *, failing_only: bool = False) -> str | None:
    """How the coroutine bound at `target` is shown to be dropped (the message's words), or
    None when that cannot be told.

    Silent when the name is unknown to the flow analysis (global/nonlocal, used by nested
    code) or awaited anywhere. Reported when a read that fails on a coroutine (`x.attr`,
    `x[k]`, `len(x)`, iteration, unpacking, arithmetic, comparison, f-string) may see this
    binding — whatever else the function does with the name later, that read is wrong; when a
    test a coroutine passes by accident (`if x`, `x is None`, `isinstance(x, ...)`) sees only
    this binding, the name is never handed to an awaited expression, and nothing may have
    handed it on before the test; and, as before, when the name is bound only here and never
    read, or read only as a plain value. `sink` tells a read handing the object to a
    parameter or field that takes only a plain value: such a read fails like `x.attr`.
    `failing_only`: the binding may also hold something else (one arm of a conditional
    expression), so only a failing read counts."""
    loads = flow.loads(target.id)
    bindings = flow.bindings(target.id)
    if loads is None or bindings is None:
        return None
    uses = [classify_use(load, flow.parent, resolve) for load in loads]
    if sink is not None:
        uses = [_sunk(use, load, sink) for use, load in zip(uses, loads, strict=True)]
    if any(use.kind is UseKind.AWAITED for use in uses):
        return None
    mine = [(load, use) for load, use in zip(loads, uses, strict=True)
            if target in flow.reaching(load)]
    if failing_only:
        return next((_used_as_value(use, load) for load, use in mine
                     if use.kind is UseKind.FAILING), None)
    if len(bindings) == 1:
        if not mine:
            return "never used"
        if all((use.kind is UseKind.FAILING or use.kind.weak) and not use.how
               for _, use in mine):
            return "only read as a plain value"
    handed = any(use.kind is UseKind.AWAIT_ARGUMENT for use in uses)
    escapes = [load for load, use in mine if use.kind in (UseKind.ESCAPES,
                                                          UseKind.AWAIT_ARGUMENT)]
    for load, use in mine:
        if use.kind is UseKind.FAILING:
            return _used_as_value(use, load)
        if use.kind.weak and not handed and flow.reaching(load) == {target} \
                and not any(_may_precede(flow, e, load, target) for e in escapes):
            return _used_as_value(use, load)
    return None


def _sunk(use: Use, load: ast.Name, sink: ValueSink) -> Use:
    """A read handing the object on, made FAILING when it goes where only a value does."""
    if use.kind not in (UseKind.ESCAPES, UseKind.AWAIT_ARGUMENT):
        return use
    how = sink(load)
    return use if how is None else Use(UseKind.FAILING, use.node, use.subject, use.shape, how)


def _used_as_value(use: Use, load: ast.Name) -> str:
    if use.how:
        return f"{use.how} (line {load.lineno})"
    how = "tested" if use.kind.weak else "used as a value"
    return f"{how} (`{use.shown}`, line {load.lineno})"


def _may_precede(flow: FunctionFlow, first: ast.Name, then: ast.Name, binding: ast.Name) -> bool:
    """`first` may run before `then` after `binding`: earlier in the source, or both inside a
    loop that does not also hold the binding (an earlier round runs `first`)."""
    if (first.lineno, first.col_offset) < (then.lineno, then.col_offset):
        return True
    around = set(flow.loops(binding))
    return any(loop in flow.loops(then) and loop not in around for loop in flow.loops(first))


class CoroutineUsedAsValue(Rule):
    code = "ASL202"
    name = "coroutine-used-as-value"
    message_formats = (
        "Coroutine passed without `await` to `{parameter}` of `{function}`, {declared}: "
        "{callee}",
        "Coroutine stored without `await` in `{field}` of `{cls}`, declared `{type}`: "
        "{callee}",
        "Coroutine passed without `await` to `{container}.{method}`, whose elements are "
        "declared `{type}`: {callee}",
        "Coroutine used as a value without `await`: {callee}",
        "Coroutine used as an async context manager: {callee}; a coroutine has no "
        "`__aenter__`, so `async with` raises TypeError",
    )
    summary = "A coroutine call is used as data (condition, attribute, subscript, iteration...)"
    explanation = (
        "`if user_exists(uid):`, `fetch().name`, `await session.execute(q).scalars()`, "
        "`len(get_items())`, `f\"{load()}\"`, `items, total = load_page()`, `f(*load())`, "
        "`Model(**load())`, `async for x in load():`, `total += count()`, `raise "
        "not_found()` use the coroutine object itself, not the value it would produce: a "
        "condition on it is always true, an attribute, a subscript, unpacking, iteration, "
        "arithmetic or `raise` raises, an f-string prints "
        "`<coroutine object ...>`, and the work never runs.\n\n"
        "The same holds for a coroutine handed to a place that takes a plain value: "
        "`render(load_title())` or `Page(title=load_title())` where the parameter or field "
        "(of the project, or of an installed package, read never imported) is annotated "
        "with a concrete, non-awaitable type (`str`, `list[X]`, `Iterable[X]`, a class that "
        "has no `__await__` — a Protocol only when it declares a member a coroutine lacks, "
        "such as `email: str` —, a library class of the catalog such as `sqlalchemy.Select` "
        "or `pydantic.BaseModel`, a `TypeVar` bound to such a type, `Optional`/`Union` of "
        "those), or where the function only uses that parameter as data (iterates it, "
        "reads its attributes, indexes it...) and never awaits, returns or stores it; and "
        "`page.title = load_title()` where `page`'s class declares `title` so; and "
        "`rows.append(load_row())` (`add`, `insert`) where `rows` holds elements of such a "
        "type: declared so (`rows: list[Row] = []`), or a new list the function binds once "
        "and returns under `-> list[Row]`; and a keyword of a library method the catalog "
        "knows takes a plain value (`model.copy(exclude=deny_fields())` on a "
        "`pydantic.BaseModel`, a receiver typed by its annotation, a `TypeVar` bound to "
        "the model, or a comprehension over a declared list). The parameter is named in "
        "the message.\n\n"
        "Not reported there: a parameter or field annotated `Any`, `object`, an unbounded "
        "`TypeVar`, `Awaitable`, `Callable` or not at all when the body does not settle it, "
        "`*args` and `**kwargs` (gather-style helpers), functions that await the parameter "
        "or hand it on, decorated functions, callees of packages that are not installed "
        "(or not known), lists of `Task`s, `Awaitable`s or `Any` (collecting coroutines for "
        "`gather` is the idiom), and code outside `async def`.\n\n"
        "`async with open_session():` on an `async def` raises TypeError: a coroutine has no "
        "`__aenter__`. It is reported without a fix (whether `async with await "
        "open_session():` or another function was meant cannot be told)."
    )
    bad_example = (
        "async def email_taken(email: str) -> bool: ...\n\n\n"
        "async def create(email: str) -> None:\n"
        "    if email_taken(email):\n"
        "        raise Conflict(email)\n"
    )
    good_example = (
        "async def email_taken(email: str) -> bool: ...\n\n\n"
        "async def create(email: str) -> None:\n"
        "    if await email_taken(email):\n"
        "        raise Conflict(email)\n"
    )
    fix_title = "Add `await`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _AWAIT_SAFETY + (
        " No fix is offered for `await coro().attr`: whether the author meant "
        "`(await coro()).attr` or also to await the attribute's result cannot be told; nor "
        "for `async for x in coro():`, where `for x in await coro():` may be meant."
    )

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        parent = semantic.parent
        parents = semantic.parents
        kind = value_use_kind(node, parent, parents[-2] if len(parents) > 1 else None,
                              semantic.resolve)
        direct = kind is UseKind.FAILING or kind is UseKind.TEST
        if not direct:
            self._passed_or_stored(node, parent)
            return
        callee = oracle(self).classify(node)
        if callee is None or callee.kind != COROUTINE:
            return
        plan = await_plan(self, node)
        if isinstance(parent, (ast.Attribute, ast.Subscript)) and _awaited_chain(semantic):
            plan = None
        elif isinstance(parent, ast.AsyncFor):
            plan = None  # `async for` over the awaited value fails too: `for` may be meant
        self.report(node, f"Coroutine used as a value without `await`: {callee.label}",
                    fix_plan=plan)

    def _passed_or_stored(self, node: ast.Call, parent: ast.AST | None) -> None:
        """`f(coro())` / `Model(field=coro())` where the parameter or field takes a plain
        value, and `obj.field = coro()` where the field is declared so."""
        call: ast.AST | None = None
        store: ast.Attribute | None = None
        if isinstance(parent, ast.keyword):
            parents = self.semantic.parents
            call = parents[-2] if len(parents) > 1 else None
        elif isinstance(parent, ast.Call) and node in parent.args:
            call = parent
        elif isinstance(parent, ast.Assign) and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Attribute):
            store = parent.targets[0]
        if not isinstance(call, ast.Call) and store is None:
            return
        if not self.semantic.in_async_function:
            return  # where `await` can go (and a cheap filter: most code is sync)
        classes = oracle(self)
        callee = classes.classify(node)
        if callee is None or callee.kind != COROUTINE:
            return
        if isinstance(call, ast.Call):
            where = value_parameter(call, node, classes, _parents_of(node, self.semantic.parents))
            message = f"Coroutine passed without `await` to {where}: {callee.label}"
        elif store is not None:
            where = value_attribute(store, classes)
            message = f"Coroutine stored without `await` in {where}: {callee.label}"
        else:
            return
        if where is None:
            return
        self.report(node, message, fix_plan=await_plan(self, node))

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        """`async with load():` on an `async def`: a coroutine has no `__aenter__` (a
        TypeError at runtime). No fix: whether `async with await load():` or another call
        was meant cannot be told."""
        for item in node.items:
            call = item.context_expr
            if not isinstance(call, ast.Call):
                continue
            callee = oracle(self).classify(call)
            if callee is None or callee.kind != COROUTINE or not callee.defined:
                continue
            self.report(call, f"Coroutine used as an async context manager: {callee.label}; "
                              "a coroutine has no `__aenter__`, so `async with` raises "
                              "TypeError")

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return await_fix(self, fctx, diagnostic)


def _parents_of(node: ast.AST,
                ancestors: Sequence[ast.AST]) -> Callable[[ast.AST], ast.AST | None]:
    """The parent of the visited `node` or of one of its `ancestors` (outermost first),
    looked up when asked: most visits never ask above the first parent."""
    def parent_of(child: ast.AST) -> ast.AST | None:
        if child is node:
            return ancestors[-1] if ancestors else None
        for i in range(len(ancestors) - 1, 0, -1):
            if ancestors[i] is child:
                return ancestors[i - 1]
        return None
    return parent_of


def _awaited_chain(semantic: Any) -> bool:
    """The call is the innermost receiver of an attribute/subscript/call chain under `await`."""
    child: ast.AST | None = None
    for ancestor in semantic.ancestors():
        if isinstance(ancestor, ast.Await):
            return True
        if isinstance(ancestor, (ast.Attribute, ast.Subscript)) and (
                child is None or ancestor.value is child):
            child = ancestor
            continue
        if isinstance(ancestor, ast.Call) and child is not None and ancestor.func is child:
            child = ancestor
            continue
        return False
    return False


class ReturnUnawaitedCoroutine(_AssignmentRule):
    code = "ASL203"
    name = "return-unawaited-coroutine"
    message_formats = (
        "Coroutine stored in `{name}` is returned without `await` in `async def`, so the "
        "caller gets a coroutine: {callee}",
        "`return` without `await` in `async def` returns a coroutine: {callee}",
    )
    summary = "`return coro()` inside `async def` returns a coroutine, not its result"
    explanation = (
        "An `async def` that does `return fetch(x)` hands its caller a coroutine object: "
        "`await outer()` then gives a coroutine instead of the value, which the caller must "
        "await a second time. Usually `return await fetch(x)` was meant.\n\n"
        "The same holds for `result = fetch(x)` followed by `return result`, when the "
        "function binds `result` only there and does nothing else with it, or when every "
        "read that assignment can reach is such a `return` and `result` is never awaited "
        "(`row = create()` in one branch, `row = await get()` in the other, then `return "
        "row`); it is reported at the call.\n\n"
        "`return cast(T, fetch(x))` is the same mistake: `typing.cast` changes nothing at run "
        "time.\n\n"
        "Not reported when the function's return annotation says it returns an awaitable "
        "(`Awaitable`, `Coroutine`, `Task`, `Future`), or in a plain `def` (a factory "
        "returning a coroutine is fine). `Any` and `object` say nothing either way: they "
        "excuse `return fetch(x)` only when the function may mean to hand back an awaitable "
        "— another of its `return`s gives another call's result or a name (not a literal, a "
        "display or an `await`), a decorator other than `staticmethod`/`classmethod` takes "
        "its result, or its own module calls it without awaiting it (`asyncio.run(...)`, a "
        "task). A route that a web framework registers by its decorators alone is never "
        "excused: the framework serialises what the route returns."
    )
    bad_example = (
        "async def fetch_user(uid: int) -> dict[str, str]: ...\n\n\n"
        "async def get_user(uid: int) -> dict[str, str]:\n"
        "    return fetch_user(uid)\n"
    )
    good_example = (
        "async def fetch_user(uid: int) -> dict[str, str]: ...\n\n\n"
        "async def get_user(uid: int) -> dict[str, str]:\n"
        "    return await fetch_user(uid)\n"
    )
    fix_title = "Add `await`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _AWAIT_SAFETY
    requires_text = ("async",)

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if not isinstance(value, ast.Call):
            return
        parent: ast.AST = node
        inner = cast_operand(value, self.semantic.resolve)
        if isinstance(inner, ast.Call):  # `return cast(T, coro())`: the cast changes nothing
            parent, value = value, inner
        function = self._async_function(loose=True)
        if function is None:
            return
        self._report_coroutine(value, parent, "`return` without `await` in `async def` "
                                              "returns a coroutine: ")

    def assigned(self, node: ast.Assign | ast.AnnAssign, target: ast.expr) -> None:
        """`x = coro(); ...; return x`: reported at the call, the one `await` dropped."""
        value = node.value
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Call) \
                or target.id not in self._returned_names():
            return
        function = self._async_function()
        if function is None:
            return
        callee = oracle(self).classify(value)  # already asked by ASL201: memoised
        if callee is None or callee.kind != COROUTINE:
            return
        # One walk of the function, only where a coroutine is bound to a returned name.
        only_returned = self.semantic.shared(
            f"only-returned:{id(function)}", lambda: _names_only_returned(function))
        if target.id not in only_returned and not self._returned_when_bound_here(
                function, target):
            return
        self._report_coroutine(value, node, f"Coroutine stored in `{target.id}` is returned "
                                            "without `await` in `async def`, so the caller "
                                            "gets a coroutine: ")

    def _returned_when_bound_here(self, function: ast.AsyncFunctionDef,
                                  target: ast.Name) -> bool:
        """The name is bound elsewhere too, but every read this binding reaches is a `return`
        of the name, and it is never awaited: on the paths through this binding the function
        hands back the coroutine (`x = create()` in one branch, `x = await get()` in the
        other, then `return x`)."""
        flow = self.semantic.shared(f"flow:{id(function)}", lambda: FunctionFlow(function))
        loads = flow.loads(target.id)
        if not loads:
            return False
        mine = [load for load in loads if target in flow.reaching(load)]
        if not mine or not all(isinstance(flow.parent(load), ast.Return) for load in mine):
            return False
        resolve = self.semantic.resolve
        return not any(classify_use(load, flow.parent, resolve).kind is UseKind.AWAITED
                       for load in loads)

    def _report_coroutine(self, call: ast.Call, parent: ast.AST, message: str) -> None:
        """Report `call` when it makes a coroutine (the message ends with what it calls)."""
        callee = oracle(self).classify(call)
        if callee is not None and callee.kind == COROUTINE:
            self.report(call, message + callee.label,
                        fix_plan=await_plan(self, call, parent=parent))

    def _coroutine_call(self, call: ast.Call) -> bool:
        callee = oracle(self).classify(call)
        return callee is not None and callee.kind == COROUTINE

    def _returned_names(self) -> frozenset[str]:
        """Every name the module's text returns (`return x`): a superset, by one regular
        expression per file, of the names a function can return bare. The exact check below
        walks the whole function, so it runs only for these; without this prefilter every
        assignment in a coroutine cost a walk of it (+15 % of a cold run, by instruction count
        on the benchmark corpus)."""
        return self.semantic.shared(
            "returned-names", lambda: returned_names(self.ctx.source.text))

    def _async_function(self, loose: bool = False) -> ast.AsyncFunctionDef | None:
        """The `async def` we are directly in, unless its return annotation says it hands
        back an awaitable. An annotation that says nothing (`Any`, `object`) excuses it
        outside routes unless, with `loose`, the function evidently means no awaitable
        (`plain_returns.may_return_awaitable`)."""
        function = self.semantic.function
        if not isinstance(function, ast.AsyncFunctionDef):
            return None
        said = _heads(function.returns) & _AWAITABLE_WORDS if function.returns else set()
        if loose and function.returns is None and self.semantic.shared(
                f"returns-awaitables:{id(function)}",
                lambda: returns_awaitables_by_design(function, self._coroutine_call)):
            return None
        if said and (said - _LOOSE_WORDS or not self._route(function)):
            if said - _LOOSE_WORDS or not loose:
                return None
            deliberate = self.semantic.shared(
                f"may-return-awaitable:{id(function)}",
                lambda: may_return_awaitable(function, self.semantic, self._coroutine_call))
            if deliberate:
                return None
        return function

    def _route(self, function: ast.AsyncFunctionDef) -> bool:
        """An HTTP handler registered only by its decorators: the framework serialises what
        it returns, so `-> Any` does not make returning a coroutine deliberate."""
        handler = handler_info(function, self.semantic,
                               self.ctx.settings.extra_handler_decorators, self.ctx.source.text)
        return (handler is not None and handler.kind == "http"
                and handler.registration == "decorator" and handler.only_registration_decorators)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return await_fix(self, fctx, diagnostic)


# `return x`, `return (x)`, alone on its line or before `;` / a comment; `returned_names` adds
# that `return` starts a word. (A leading `\b` in the pattern would keep the regular expression
# engine from searching for the literal `return` first: it then tried the pattern at every
# position of every file, 0.22 s of a cold run over the benchmark corpus; this way 0.01 s.)
_RETURNED_NAME = re.compile(
    r"return[ \t]+\(?[ \t]*([^\W\d]\w*)[ \t]*\)?[ \t\r]*(?:[;#]|$)", re.MULTILINE)


def returned_names(text: str) -> frozenset[str]:
    """The names of `\breturn` + `_RETURNED_NAME`'s matches, found as `findall` finds them: a
    match right after a word character is no match, and the search goes on from the next
    position, as it would have."""
    names: set[str] = set()
    at = 0
    search = _RETURNED_NAME.search
    while (found := search(text, at)) is not None:
        start = found.start()
        if start and word_char(text[start - 1]):  # `\w` before
            at = start + 1
            continue
        names.add(found.group(1))
        at = found.end()
    return frozenset(names)


def _names_only_returned(function: ast.AsyncFunctionDef) -> frozenset[str]:
    """The names bound once in the function, by a plain assignment, whose every read is a
    `return name` of the function itself: a coroutine bound there is what it returns, and
    nothing else awaits it or hands it on. A mention in a nested scope (which may await it) or
    any other kind of binding rules a name out. One walk per function, for all its names."""
    stores: dict[str, int] = {}
    loads: dict[str, int] = {}
    returns: dict[str, int] = {}
    ruled_out: set[str] = set()
    stack: list[tuple[ast.AST, bool]] = [(child, False) for child in child_nodes(function)]
    while stack:
        node, inner = stack.pop()
        if isinstance(node, ast.Name):
            if inner:
                ruled_out.add(node.id)
            else:
                counts = loads if isinstance(node.ctx, ast.Load) else stores
                counts[node.id] = counts.get(node.id, 0) + 1
        else:
            if isinstance(node, ast.Return) and not inner and isinstance(node.value, ast.Name):
                returns[node.value.id] = returns.get(node.value.id, 0) + 1
            ruled_out.update(_bound_names(node))
        nested = inner or isinstance(node, (*FUNCS, ast.Lambda, ast.ClassDef))
        stack.extend((child, nested) for child in child_nodes(node))
    return frozenset(name for name, count in returns.items()
                     if name not in ruled_out and stores.get(name) == 1
                     and loads.get(name) == count)


def _bound_names(node: ast.AST) -> list[str]:
    """The names a node binds other than as an `ast.Name` (parameters, `except ... as`,
    imports, `def`/`class`, match captures, `global`/`nonlocal`)."""
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, (*FUNCS, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
        return [node.name] if node.name else []
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".", 1)[0] for a in node.names]
    if isinstance(node, ast.MatchMapping):
        return [node.rest] if node.rest else []
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    return []


class SyncWithOnAsyncContextManager(Rule):
    code = "ASL204"
    name = "sync-with-async-context-manager"
    message_formats = (
        "`with` on an async context manager: {manager}; use `async with`",
    )
    summary = "`with` on an object that only supports `async with`"
    explanation = (
        "`AsyncSession`, `httpx.AsyncClient`, `aiohttp.ClientSession`, `asyncio.Lock`, "
        "`asyncio.timeout()`, `aiofiles.open()`, `@asynccontextmanager` functions and classes "
        "that define only `__aenter__` cannot be entered with a plain `with`: it raises "
        "`TypeError`/`AttributeError` at run time (or, for a lock, never takes it). "
        "`async with` is required."
    )
    bad_example = (
        "from sqlalchemy import select\n"
        "from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession\n\n\n"
        "async def list_users(engine: AsyncEngine) -> list[User]:\n"
        "    with AsyncSession(engine) as session:\n"
        "        return (await session.scalars(select(User))).all()\n"
    )
    good_example = (
        "from sqlalchemy import select\n"
        "from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession\n\n\n"
        "async def list_users(engine: AsyncEngine) -> list[User]:\n"
        "    async with AsyncSession(engine) as session:\n"
        "        return (await session.scalars(select(User))).all()\n"
    )
    fix_title = "Use `async with`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: entering and leaving the context now awaits, so other tasks may run "
        "at those points. It is offered only inside `async def`, and only when every item of the "
        "`with` needs `async with`."
    )
    requires_text = ("with",)

    def visit_With(self, node: ast.With) -> None:
        o = oracle(self)
        flagged: list[str] = []
        marks: list[bool] = []
        for item in node.items:
            expr = item.context_expr
            label = None
            if isinstance(expr, ast.Call):
                callee = o.classify(expr)
                if callee is not None and callee.kind == ASYNC_CM:
                    label = callee.label
            if label is None:
                kind = o.type_needs_async_with(expr)
                if kind is not None:
                    label = f"`{short_source(expr)}` ({kind})"
            marks.append(label is not None)
            if label is not None:
                flagged.append(label)
        if not flagged:
            return
        fixable = len(flagged) == len(node.items) and self.semantic.in_async_function
        first = next(i.context_expr for i, ok in zip(node.items, marks, strict=True) if ok)
        self.report(first,
                    f"`with` on an async context manager: {', '.join(flagged)}; "
                    "use `async with`",
                    fix_plan=AsyncKeywordPlan("with", self.ctx.node_range(node)[0])
                    if fixable else None)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return _async_keyword_fix(self, fctx, diagnostic)


class SyncForOverAsyncIterator(Rule):
    code = "ASL205"
    name = "sync-for-over-async-iterator"
    message_formats = (
        "`for` over an async iterator: {iterator}; use `async for`",
    )
    summary = "`for` over an async generator or async iterator"
    explanation = (
        "An async generator (an `async def` with `yield`) and async streams such as "
        "`response.aiter_lines()` or `websocket.iter_text()` can only be consumed with "
        "`async for`; a plain `for` (or a synchronous comprehension) raises `TypeError: "
        "'async_generator' object is not iterable`."
    )
    bad_example = (
        "import httpx\n\n\n"
        "async def relay(response: httpx.Response) -> None:\n"
        "    for line in response.aiter_lines():\n"
        "        print(line)\n"
    )
    good_example = (
        "import httpx\n\n\n"
        "async def relay(response: httpx.Response) -> None:\n"
        "    async for line in response.aiter_lines():\n"
        "        print(line)\n"
    )
    fix_title = "Use `async for`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: each step of the loop now awaits, so other tasks may run between "
        "iterations. It is offered only for `for` statements inside `async def`."
    )
    requires_text = ("for",)

    def visit_For(self, node: ast.For) -> None:
        self._check(node.iter, statement=node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if not node.is_async:
            self._check(node.iter, statement=None)

    def _check(self, expr: ast.expr, statement: ast.For | None) -> None:
        """Report `for` over `expr`; only a `for` statement can become `async for`."""
        o = oracle(self)
        label = None
        if isinstance(expr, ast.Call):
            callee = o.classify(expr)
            if callee is not None and callee.kind == ASYNC_GEN:
                label = callee.label
        if label is None:
            kind = o.type_needs_async_for(expr)
            if kind is not None:
                label = f"`{short_source(expr)}` ({kind})"
        if label is None:
            return
        plan = AsyncKeywordPlan("for", self.ctx.node_range(statement)[0]) \
            if statement is not None and self.semantic.in_async_function else None
        self.report(expr, f"`for` over an async iterator: {label}; use `async for`",
                    fix_plan=plan)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return _async_keyword_fix(self, fctx, diagnostic)


@dataclass(frozen=True)
class PassFunctionPlan(FixPlan):
    """ASL206's fix: the function and its arguments passed instead of its call, or with
    `unwrap` (a coroutine handed to a thread) the call itself instead of the outer call."""

    unwrap: bool


class CoroutinePassedAsCallable(Rule):
    code = "ASL206"
    name = "coroutine-passed-as-callable"
    message_formats = (
        "Coroutine object passed to `{function}`, which expects a function: {callee}; "
        "pass the function and its arguments instead",
    )
    summary = "A coroutine object is passed where a function is expected"
    explanation = (
        "`background_tasks.add_task(send_email(to))`, `asyncio.to_thread(fetch(x))`, "
        "`loop.run_in_executor(None, fetch(x))`, `loop.call_soon(fetch(x))` and "
        "`threading.Thread(target=fetch(x))` expect a function to call later. Passing "
        "`fetch(x)` creates a coroutine right away and hands over that object: calling it fails "
        "with `TypeError: 'coroutine' object is not callable` (often in a background thread or "
        "after the response was sent, where nobody sees it) and the coroutine is never awaited."
    )
    bad_example = (
        "from fastapi import APIRouter, BackgroundTasks\n\n"
        "router = APIRouter()\n\n\n"
        "async def send_welcome_email(email: str) -> None: ...\n\n\n"
        "@router.post(\"/signup\")\n"
        "async def signup(email: str, background_tasks: BackgroundTasks) -> None:\n"
        "    background_tasks.add_task(send_welcome_email(email))\n"
    )
    good_example = (
        "from fastapi import APIRouter, BackgroundTasks\n\n"
        "router = APIRouter()\n\n\n"
        "async def send_welcome_email(email: str) -> None: ...\n\n\n"
        "@router.post(\"/signup\")\n"
        "async def signup(email: str, background_tasks: BackgroundTasks) -> None:\n"
        "    background_tasks.add_task(send_welcome_email, email)\n"
    )
    fix_title = "Pass the function and its arguments, not its call"
    fix_applicability = Applicability.SAFE
    fix_safety = (
        "For `add_task`/`BackgroundTask`, the fix `add_task(f(a, k=1))` -> `add_task(f, a, k=1)` "
        "is safe: the arguments are evaluated at the same moment as before, and the function "
        "runs when the framework runs the task — which is what the code meant, and what it "
        "could never do (the call raised `TypeError`). For `asyncio.to_thread(f(a))` and "
        "`run_in_threadpool(f(a))` with a coroutine function `f`, the fix is `f(a)` "
        "(unsafe: the coroutine now runs on the event loop, which is the only place it can "
        "run). No fix is offered for the other APIs (threads, loop callbacks), where the right "
        "change depends on the design."
    )
    requires_text = tuple(sorted({name.rsplit(".", 1)[-1] for name in apis.CALLABLE_TAKERS}))

    def visit_Call(self, node: ast.Call) -> None:
        taker = self._taker(node)
        if taker is None:
            return
        name, (where, how) = taker
        arg: ast.expr | None = None
        if isinstance(where, int):
            if len(node.args) > where and not any(
                    isinstance(a, ast.Starred) for a in node.args[: where + 1]):
                arg = node.args[where]
        else:
            arg = next((k.value for k in node.keywords if k.arg == where), None)
        if not isinstance(arg, ast.Call):
            return
        callee = oracle(self).classify(arg)
        if callee is None or callee.kind != COROUTINE:
            return
        plan: PassFunctionPlan | None = None
        applicability = None
        if how == "split" and isinstance(where, int) and len(node.args) == where + 1 \
                and not node.keywords:
            plan = PassFunctionPlan(unwrap=False)
        elif how == "unwrap" and len(node.args) == 1 and not node.keywords:
            plan = PassFunctionPlan(unwrap=True)
            applicability = Applicability.UNSAFE
        self.report(arg, f"Coroutine object passed to `{name.rsplit('.', 1)[-1]}`, which "
                         f"expects a function: {callee.label}; pass the function and its "
                         "arguments instead",
                    fix_plan=plan, applicability=applicability,
                    fix_title="Await the coroutine directly" if how == "unwrap" else None)

    def _taker(self, node: ast.Call) -> tuple[str, tuple[int | str, str]] | None:
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if last not in _TAKER_NAMES:
            return None
        semantic = self.semantic
        qualified = semantic.resolve(node.func)
        if qualified is not None:
            name = canonical(qualified)
            found = apis.CALLABLE_TAKERS.get(name)
            return (name, found) if found else None
        if isinstance(node.func, ast.Attribute):
            kind = semantic.type_of(node.func.value)
            if kind:
                name = f"{canonical(kind)}.{node.func.attr}"
                found = apis.CALLABLE_TAKERS.get(name)
                return (name, found) if found else None
        return None

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.awaits import pass_function

        plan = diagnostic.fix_plan
        if not isinstance(plan, PassFunctionPlan):
            return None
        return self.fix_with(diagnostic, pass_function(fctx, diagnostic, plan.unwrap))


_TAKER_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in apis.CALLABLE_TAKERS)


# -- pytest: async fixtures in pytest-asyncio strict mode --------------------------------------------
_PYTEST_FIXTURE = frozenset({"pytest.fixture"})
_OTHER_RUNNERS = ("anyio", "trio")  # plugins that run `@pytest.fixture async def` themselves


class AsyncFixtureInStrictMode(Rule):
    code = "ASL207"
    name = "async-fixture-in-strict-mode"
    message_formats = (
        "Async fixture `{fixture}` uses `@pytest.fixture`, but pytest-asyncio runs in "
        "strict mode: tests get an un-awaited coroutine; use `@pytest_asyncio.fixture`",
    )
    summary = "`@pytest.fixture` on an `async def` where pytest-asyncio runs in strict mode"
    explanation = (
        "In pytest-asyncio's strict mode (its default), only fixtures decorated with "
        "`@pytest_asyncio.fixture` are run on the event loop. An `async def` decorated with "
        "`@pytest.fixture` is called like a plain function: the test receives a coroutine "
        "object instead of the value, the setup code never runs, and Python warns that the "
        "coroutine was never awaited (recent pytest versions fail the test instead).\n\n"
        "Reported only when pytest-asyncio evidently runs in strict mode: the project's pytest "
        "configuration says `asyncio_mode = \"strict\"` (or sets another `asyncio_*` option "
        "without a mode), or it says nothing about the mode and the file uses "
        "`pytest.mark.asyncio` / `pytest_asyncio`; and nothing (the file, the configuration, a "
        "`conftest.py` above it) points at anyio or trio, whose plugins run such fixtures "
        "themselves."
    )
    bad_example = (
        "import httpx\nimport pytest\n\n\n"
        "@pytest.fixture\n"
        "async def client():\n"
        "    async with httpx.AsyncClient() as c:\n"
        "        yield c\n\n\n"
        "@pytest.mark.asyncio\n"
        "async def test_home(client):\n"
        "    assert (await client.get(\"/\")).status_code == 200\n"
    )
    good_example = (
        "import httpx\nimport pytest\nimport pytest_asyncio\n\n\n"
        "@pytest_asyncio.fixture\n"
        "async def client():\n"
        "    async with httpx.AsyncClient() as c:\n"
        "        yield c\n\n\n"
        "@pytest.mark.asyncio\n"
        "async def test_home(client):\n"
        "    assert (await client.get(\"/\")).status_code == 200\n"
    )
    fix_title = "Use `@pytest_asyncio.fixture`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: the fixture's body starts running (on the event loop) where before "
        "it never did. It keeps the decorator's arguments (`scope=...`) and adds "
        "`import pytest_asyncio` once."
    )
    requires_text = ("fixture",)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        target = None
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self.semantic.resolve(func) in _PYTEST_FIXTURE:
                target = func
        text = self.ctx.source.text
        if target is None or any(runner in text for runner in _OTHER_RUNNERS):
            return
        directory = Path(os.path.abspath(self.ctx.path)).parent
        environment = self.ctx.environment
        mode = environment.pytest_asyncio_mode(directory)
        if mode is None and ("pytest.mark.asyncio" in text or "pytest_asyncio" in text):
            mode = "strict"  # pytest-asyncio in use, with its default mode
        if mode == "strict" and not environment.conftest_names_other_runner(directory):
            self.report(target, f"Async fixture `{node.name}` uses `@pytest.fixture`, but "
                                "pytest-asyncio runs in strict mode: tests get an un-awaited "
                                "coroutine; use `@pytest_asyncio.fixture`",
                        fix_plan=FixPlan())

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.awaits import pytest_asyncio_fixture

        return self.fix_with(diagnostic, pytest_asyncio_fixture(fctx, diagnostic))


# -- `await` on what is not awaitable ----------------------------------------------------------------
class AwaitNonAwaitable(Rule):
    code = "ASL208"
    name = "await-non-awaitable"
    message_formats = (
        "`await` on what is not awaitable: {callee}; `await` raises `TypeError` here",
    )
    summary = "`await` on a call of a plain `def` that returns no awaitable"
    explanation = (
        "`await client.close()` where `close` is a plain `def` (boto3's clients, a sync helper "
        "of the project) first runs the call, then awaits its result: `None`, a `dict`, a "
        "`str`. That raises `TypeError: object NoneType can't be used in 'await' expression` "
        "— after the call's side effects already happened.\n\n"
        "Reported only when the callee is known — a `def` of this module (including methods "
        "through `self`/`cls`), of another module of the project, of an installed package, or "
        "a library API of the catalog (`time.sleep`, `asyncio.Event.set`, "
        "`asyncio.Queue.put_nowait`, `asyncio.Task.cancel` …) — and evidently returns no "
        "awaitable: its return annotation names a concrete non-awaitable type (`None`, `int`, "
        "`str`, `dict`, a project class without `__await__` …), or, unannotated, each of its "
        "`return`s gives nothing, a literal, a display or a builtin's result. Not reported "
        "for a function whose decorators are not known to keep it a plain `def`, an "
        "annotation such as `Awaitable`/`Coroutine`/`Future`/`Task`/`Any`, a body that returns "
        "another call's result (`return asyncio.sleep(0)`), generators, or stubs (`pass`, "
        "`...`, `raise`) a subclass may override with an `async def`."
    )
    bad_example = (
        "import socket\n\n\n"
        "def close_quietly(conn: socket.socket) -> None:\n"
        "    conn.close()\n\n\n"
        "async def shutdown(conn: socket.socket) -> None:\n"
        "    await close_quietly(conn)\n"
    )
    good_example = (
        "import socket\n\n\n"
        "def close_quietly(conn: socket.socket) -> None:\n"
        "    conn.close()\n\n\n"
        "async def shutdown(conn: socket.socket) -> None:\n"
        "    close_quietly(conn)\n"
    )
    fix_title = "Remove `await`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: the call stays and runs as before, but the `TypeError` that "
        "`await` raised after it no longer happens, so code that relied on that exception "
        "(or on the function being a coroutine in another version of the library) behaves "
        "differently. If the callee was meant to be async, make it `async def` instead."
    )
    requires_text = ("await",)

    def visit_Await(self, node: ast.Await) -> None:
        call = node.value
        if not isinstance(call, ast.Call):
            return
        detail = oracle(self).plain_def(call)
        if detail is None:
            return
        label = detail.replace("{}", f"`{short_source(call.func)}`")
        self.report(call, f"`await` on what is not awaitable: {label}; `await` raises "
                          "`TypeError` here", fix_plan=FixPlan())

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.awaits import drop_await

        return self.fix_with(diagnostic, drop_await(fctx, diagnostic))


# This family's rules, in code order; `rules.load_registry` reads it (nothing registers on import).
RULES: tuple[type[Rule], ...] = (
    UnawaitedCoroutine,
    CoroutineAssignedNeverAwaited,
    CoroutineUsedAsValue,
    ReturnUnawaitedCoroutine,
    SyncWithOnAsyncContextManager,
    SyncForOverAsyncIterator,
    CoroutinePassedAsCallable,
    AsyncFixtureInStrictMode,
    AwaitNonAwaitable,
)
