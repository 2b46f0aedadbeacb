"""ASL5xx: task lifecycle. A task nobody references can be garbage-collected mid-flight; a
coroutine that swallows its own cancellation never stops, so shutdowns hang and timeouts and
task groups stop working."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asynclint.diagnostics import Applicability, Diagnostic, Fix, FixPlan, Location
from asynclint.rules.base import Rule, RuleContext
from asynclint.semantic import cancellation, entrypoints
from asynclint.semantic.cancellation import CANCELLED, CANCELLED_FACTORIES, CATCH_ALL
from asynclint.semantic.catalogs.loops import LOOP_TYPES
from asynclint.semantic.loops import run_call
from asynclint.semantic.nodes import shallow_nodes, walk
from asynclint.semantic.syntax import FUNCS, header_end

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext

# Calls that schedule a task and return the only strong reference to it.
TASK_FUNCTIONS = frozenset({
    "asyncio.create_task", "asyncio.ensure_future",
    "asyncio.tasks.create_task", "asyncio.tasks.ensure_future",
})
# Methods of an event loop (see `catalogs/loops.py`) that do the same. Task groups
# (`asyncio.TaskGroup.create_task`, anyio's `start_soon`) keep their tasks: never listed here.
LOOP_TASK_METHODS = frozenset({"create_task"})
# The name the fix gives a new module-level set, and the names it tries for the task.
BACKGROUND_SET = "_background_tasks"
TASK_NAMES = ("task", "background_task", "bg_task", "new_task")

# Calls in a handler that end the process or hand cancellation back: not a swallow.
REDELIVERS = frozenset({"sys.exit", "os._exit", "os.abort", "pytest.fail", "pytest.skip",
                        "pytest.exit"})
# Awaits that only end by cancellation (`await anyio.sleep_forever()`): a handler around one is
# the coroutine's shutdown path by design.
WAIT_FOREVER = frozenset({"sleep_forever"})
INFINITE = frozenset({"math.inf"})
FUTURE_FACTORIES = frozenset({"create_future"})
FUTURE_CLASSES = frozenset({"asyncio.Future", "asyncio.futures.Future"})
CURRENT_TASK = frozenset({"asyncio.current_task", "asyncio.tasks.current_task"})
REDELIVER_METHODS = frozenset({"uncancel", "cancel"})
# Libraries whose cancellation is not `asyncio.CancelledError` (no `except asyncio...` fix).
OTHER_CANCELLATION = ("trio", "anyio")


@dataclass(frozen=True)
class KeepTaskPlan(FixPlan):
    """ASL500's fix: the task bound to `task` (in place of the `_` target from `bind_start` to
    `bind_end`, else before the call at `bind_start`), added to the module-level set
    `set_name` on lines after `row` at `indent`; the set made after row `new_set_after` (0: on
    top of the file) unless that is None (see `fixes.codemods.tasks.KeptTask`)."""

    task: str
    bind_start: Location
    bind_end: Location | None
    row: int
    indent: str
    set_name: str
    new_set_after: int | None


class DanglingTask(Rule):
    code = "ASL500"
    name = "dangling-task"
    message_formats = (
        "The task returned by `{call}` is dropped: the event loop keeps only a weak "
        "reference, so it can be garbage-collected before it finishes; keep a reference",
    )
    summary = "The task returned by `asyncio.create_task` is dropped and may vanish mid-flight"
    explanation = (
        "The event loop keeps only a weak reference to a task. When the code that created it "
        "drops the returned `Task` (a bare `asyncio.create_task(...)` statement, or "
        "`_ = ...`), the garbage collector may destroy the task before it finishes — the work "
        "silently stops, and its exceptions are never seen. Keep a strong reference until the "
        "task is done: the asyncio documentation's idiom is a module-level set of background "
        "tasks that each task removes itself from when done.\n\n"
        "`asyncio.create_task`, `asyncio.ensure_future` and `loop.create_task` (on a loop whose "
        "type is known) are checked. `TaskGroup.create_task` and anyio task groups keep their "
        "tasks and are never flagged; a task that is stored, awaited, returned or passed on is "
        "not flagged either. Note that `asyncio.create_task` inside an `async with TaskGroup()` "
        "block is still dangling: only `tg.create_task` registers with the group."
    )
    bad_example = (
        "import asyncio\n\n\n"
        "async def handle(event):\n"
        "    asyncio.create_task(notify_subscribers(event))\n"
    )
    good_example = (
        "import asyncio\n\n"
        "_background_tasks: set[asyncio.Task[object]] = set()\n\n\n"
        "async def handle(event):\n"
        "    task = asyncio.create_task(notify_subscribers(event))\n"
        "    _background_tasks.add(task)\n"
        "    task.add_done_callback(_background_tasks.discard)\n"
    )
    fix_title = "Keep a reference in a module-level set of background tasks"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: the task now lives until it is done, which is the point, but it "
        "changes when its resources are released. It binds the task to a new name (`task`, or "
        "another free name), adds it to a module-level set and registers "
        "`add_done_callback(<set>.discard)`. An existing module-level `set()` whose name "
        "mentions tasks (such as `_background_tasks`) is reused; otherwise "
        "`_background_tasks: set[asyncio.Task[object]] = set()` is added after the imports, "
        "once (annotated, as mypy wants a new empty set to be; `Task` is covariant, so it "
        "holds tasks of any result). No fix is offered when the statement shares its line "
        "with other code."
    )
    overlaps = ("RUF006", "ASYNC300")
    requires_text = ("create_task", "ensure_future")

    def _spawns(self, call: ast.expr) -> str | None:
        if not isinstance(call, ast.Call):
            return None
        semantic = self.semantic
        qualified = semantic.resolve(call.func)
        if qualified in TASK_FUNCTIONS:
            return qualified
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in LOOP_TASK_METHODS \
                and semantic.types.type_of(func.value, semantic.scope) in LOOP_TYPES:
            return f"loop.{func.attr}"
        return None

    def visit_Expr(self, node: ast.Expr) -> None:
        self._check(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, ast.Name) and target.id == "_":
            self._check(node)

    def _check(self, node: ast.Expr | ast.Assign) -> None:
        """Report a task spawned by the statement (its value) and dropped."""
        call = node.value
        spawned = self._spawns(call)
        if spawned is None:
            return
        self.report(
            call,
            f"The task returned by `{spawned}` is dropped: the event loop keeps only a weak "
            "reference, so it can be garbage-collected before it finishes; keep a reference",
            fix_plan=self._plan(node, call),
        )

    def _plan(self, stmt: ast.Expr | ast.Assign, call: ast.expr) -> KeepTaskPlan | None:
        ctx, semantic = self.ctx, self.semantic
        indent = ctx.indent_if_alone(stmt)
        if indent is None or semantic.scope.kind not in ("function", "module"):
            return None
        module = semantic.module
        owner = semantic.function or module
        used = {n.id for n in walk(owner) if isinstance(n, ast.Name)}
        if isinstance(owner, FUNCS):
            args = owner.args
            used |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs,
                                     *filter(None, (args.vararg, args.kwarg)))}
        task = next((n for n in TASK_NAMES if n not in used), None)
        if task is None:
            return None
        existing = self._existing_set()
        set_name = existing or BACKGROUND_SET
        if existing is None:
            # (A name the text does not hold is used nowhere: no walk of the module needed.)
            everywhere = {n.id for n in walk(module) if isinstance(n, ast.Name)} \
                if BACKGROUND_SET in ctx.source.text else set()
            if BACKGROUND_SET in everywhere or semantic.module_scope.lookup(BACKGROUND_SET):
                return None
            new_set_after = self._set_row()
            # A module-level statement must not come before the line that makes the set (the
            # row after `new_set_after`; its end when that is the file's last, unended line).
            if owner is module and min(new_set_after + 1, len(ctx.source.line_starts)) \
                    > stmt.lineno:
                return None
        else:
            new_set_after = None
            if owner is not module and any(isinstance(n, ast.Name) and n.id == set_name
                                           and isinstance(n.ctx, ast.Store)
                                           for n in walk(owner)):
                return None  # a local of the same name hides the module's set
        bind_end: Location | None
        if isinstance(stmt, ast.Assign):
            bind_start, bind_end = ctx.node_range(stmt.targets[0])
        else:
            bind_start, bind_end = ctx.node_range(call)[0], None
        return KeepTaskPlan(task, bind_start, bind_end, stmt.end_lineno or stmt.lineno, indent,
                            set_name, new_set_after)

    def _existing_set(self) -> str | None:
        """A module-level `NAME = set()` (bound once) whose name says it holds tasks."""
        semantic = self.semantic
        candidates: list[str] = []
        counts: dict[str, int] = {}
        for stmt in semantic.module.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign):
                targets, value = [stmt.target], stmt.value
            for t in targets:
                if isinstance(t, ast.Name):
                    counts[t.id] = counts.get(t.id, 0) + 1
                    if (isinstance(value, ast.Call) and not value.args and not value.keywords
                            and semantic.resolve(value.func, semantic.module_scope)
                            == "builtins.set" and "task" in t.id.lower()):
                        candidates.append(t.id)
        good = [c for c in candidates if counts[c] == 1]
        if BACKGROUND_SET in good:
            return BACKGROUND_SET
        return good[0] if good else None

    def _set_row(self) -> int:
        """The row `_background_tasks = set()` goes after: the docstring and the leading
        imports (0: on top of the file)."""
        last = header_end(self.ctx.tree.body, _is_import_block)
        return 0 if last is None else (last.end_lineno or last.lineno)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.tasks import keep_reference

        plan = diagnostic.fix_plan
        if not isinstance(plan, KeepTaskPlan):
            return None
        return self.fix_with(diagnostic, keep_reference(fctx, plan))


def _is_import_block(stmt: ast.stmt) -> bool:
    """An import, or a `try:`/`if TYPE_CHECKING:` block made only of imports."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, (ast.Try, ast.If)):
        blocks = [stmt.body, stmt.orelse]
        if isinstance(stmt, ast.Try):
            blocks += [h.body for h in stmt.handlers]
        return all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass, ast.Assign))
                   for block in blocks for s in block) and any(
            isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body)
    return False


def _checkpoints(body: list[ast.stmt]) -> bool:
    """True when the block can receive a cancellation: it awaits."""
    return any(isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for n in shallow_nodes(body))


@dataclass(frozen=True)
class Unwrap:
    """Rows `first` to `last` (the handler; or the whole `try` statement) replaced by the rows
    `body_first` to `body_last` of the `try`'s body moved `dedent` columns left (none when
    `body_first` is 0: the handler alone goes, a `finally:` stays), then the handler's
    `comments` on lines of their own at `indent` (the `try`'s), then the rows `else_first` to
    `else_last` of an `else:` block moved left as the body is (none when 0)."""

    first: int
    last: int
    body_first: int
    body_last: int
    dedent: int
    comments: tuple[str, ...] = ()
    indent: str = ""
    else_first: int = 0
    else_last: int = 0


@dataclass(frozen=True)
class ReraisePlan(FixPlan):
    """ASL501's fix of an `except CancelledError:` handler: `raise` in place of its last
    statement (`start` to `end`: a `pass`, `break`, `continue` or bare `return`) when
    `replace`, else on a line of its own after it, at `indent`. A handler that would be only
    `raise` and the `try`'s only one is removed instead (`unwrap`), as it does nothing."""

    start: Location
    end: Location
    replace: bool
    indent: str
    unwrap: Unwrap | None = None


@dataclass(frozen=True)
class CatchCancelledPlan(FixPlan):
    """ASL501's fix of a catch-all handler: `except asyncio.CancelledError: raise` inserted
    before it, at row `row`, indented by `indent` (its body by `body_indent`)."""

    row: int
    indent: str
    body_indent: str


_CATCH_CANCELLED_TITLE = "Re-raise cancellation before the catch-all handler"
_DROP_HANDLER_TITLE = "Remove the handler: cancellation then propagates"


class CancellationSwallowed(Rule):
    code = "ASL501"
    name = "cancellation-swallowed"
    message_formats = (
        "`except CancelledError` around an `await` swallows cancellation: the task does "
        "not stop when cancelled (shutdown hangs, timeouts and task groups break); "
        "re-raise it",
        "{handler} around an `await` swallows cancellation and the coroutine carries on "
        "(shutdown hangs); re-raise `CancelledError`",
    )
    summary = "`except asyncio.CancelledError` (or bare `except:`) swallows cancellation"
    explanation = (
        "Cancelling a task raises `asyncio.CancelledError` at the `await` it is suspended in. "
        "A handler that catches it — explicitly, or with a bare `except:` or `except "
        "BaseException:` — and does not re-raise turns the cancellation into a normal return: "
        "`task.cancel()` no longer stops the task, shutdown waits forever, and "
        "`asyncio.timeout()`, `wait_for` and `TaskGroup`, which rely on the exception "
        "travelling up, stop working. Clean up, then `raise`.\n\n"
        "Only handlers inside `async def` whose `try` body awaits are checked. Not flagged: a "
        "handler that re-raises or raises another exception, calls `sys.exit()` or "
        "`uncancel()`; a bare/`BaseException` handler after one that already catches "
        "cancellation; the documented idiom of cancelling a task and then awaiting it "
        "(`task.cancel()` then `try: await task` / `except CancelledError: pass`); and the "
        "top-level coroutine passed to `asyncio.run()` in the same module.\n\n"
        "Not flagged either, since the cancellation is delivered after all: a re-raise deferred "
        "in the same function (the handler sets a flag or stores the exception, and a later "
        "`raise` tied to it — `if cancelled: raise CancelledError`, `raise exc` — re-raises "
        "after the cleanup); a handler inside an outer cancellation handler that raises after "
        "it (a second cancel during cleanup is swallowed, the first is not); a handler that "
        "forwards the caught exception into another frame (`gen.throw(*sys.exc_info())`, "
        "`fut.set_exception(exc)`); and a task's own top-level loop that ends on cancellation "
        "(`while True:` with `except CancelledError: break` or `return`, or the loop inside the "
        "`try`) when the function then ends without awaiting again and returns no value: the "
        "task stops, nothing runs on.\n\n"
        "Nothing runs on either, so not flagged: (1) a task its owner stops by a flag — the "
        "handler's first statement is `if stopping:` (a name, `self.attr`, `not` one, or "
        "`event.is_set()`) whose branch ends the task (bare `return`, `raise`, or `break` out "
        "of its top-level loop with nothing awaited after it), the coroutine returns no value "
        "and is only ever started as a task of its own, and the code that can set that same "
        "flag (the enclosing function whose local it is, or the class's methods for "
        "`self.attr`) sets it to its stop value and later in the same function cancels that "
        "task (`task.cancel()` on where `create_task(...)` kept it, or the task group's "
        "`cancel_scope`). Other cancels are survived on purpose (a database driver raising "
        "`CancelledError` during an outage). (2) A coroutine that only ever runs as a task of "
        "its own — every mention in the code that can name it is `create_task(f())`, "
        "`ensure_future(f())` or `start_soon(f)`, and it is a closure, a private "
        "(`_name`) module-level function not in `__all__` or a private method; or it requires "
        "the keyword-only `task_status` that only a task group's `start()` passes — returns no "
        "value, and every way out of the handler ends it. Where the task is kept, only its "
        "canceller may await it (`await task` after `task.cancel()`; `asyncio.wait` and "
        "`gather` too): awaiting a task passes the awaiter's own cancellation into it, and a "
        "task that survives it would let the awaiter run on. (1) asks the same of the task. (3) A command-line command's own "
        "coroutine (a click/typer/cyclopts command, not a group or callback) that its module "
        "names nowhere else, whose every way out of the handler ends "
        "it: no loop goes round, no `async with` exit, no await after the `try` except in "
        "its own `finally:`. For (2) and (3) the `try`'s own `finally:` may await: that is "
        "cleanup before the end. A public coroutine that other code may await, a private "
        "helper of a command, an argparse handler (awaited by the module's own code), a "
        "start-up hook or a group callback stays flagged: its caller "
        "runs on after it returns.\n\n"
        "Still flagged: a handler that `continue`s the loop or "
        "falls through to more awaits, a `finally:` cleanup that swallows a cancellation "
        "arriving during it (it also runs on a normal exit, and the caller runs on past the "
        "`async with`), and a wrapper that returns a value to its caller (the "
        "caller runs on as if nothing was cancelled). A long-running waiter that must end "
        "quietly on shutdown can say so with `# noqa: ASL501` on the `except` line."
    )
    bad_example = (
        "import asyncio\n\n\n"
        "async def poll(client):\n"
        "    while True:\n"
        "        try:\n"
        "            await client.get(\"/status\")\n"
        "        except asyncio.CancelledError:\n"
        "            pass\n"
        "        await asyncio.sleep(5)\n"
    )
    good_example = (
        "import asyncio\n\n\n"
        "async def poll(client):\n"
        "    while True:\n"
        "        await client.get(\"/status\")\n"
        "        await asyncio.sleep(5)\n"
    )
    fix_title = "Re-raise the cancellation"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: the coroutine now ends with `CancelledError` instead of returning, "
        "which is what its canceller expects but may surprise code that relied on the return. "
        "For an `except CancelledError:` handler, `raise` is appended to the handler (replacing "
        "a final `pass`, `break`, `continue` or bare `return`). A handler that would then be "
        "only `raise`, the `try`'s only one, does nothing at all (ruff's TRY203): it is "
        "removed instead, with the `try:` when no `finally:` remains, the body moved left "
        "and the handler's comments kept below it, then an `else:` block's body moved left "
        "after them (with both `else:` and `finally:`, `raise` is appended instead). No fix is "
        "offered when the "
        "handler returns a value or leaves early elsewhere, nor when it also catches other "
        "exceptions (`except (CancelledError, TimeoutError):`). When the handler reports the "
        "interruption to another party first (`await queue.put(...)`, `fut.set_result(...)`, "
        "`self.status = \"cancelled\"`), the fix is display-only: a re-raise after that report "
        "changes what that party sees. For a bare `except:` or "
        "`except BaseException:`, an `except asyncio.CancelledError: raise` handler is "
        "inserted before it, so other exceptions are still handled as before (not in trio or "
        "anyio modules, whose cancellation is another exception)."
    )
    overlaps = ("ASYNC103", "ASYNC104")
    requires_text = ("Cancelled", "get_cancelled_exc_class", "except:", "BaseException")

    def __init__(self, ctx: RuleContext) -> None:
        super().__init__(ctx)
        self._found: list[tuple[ast.AST, str, FixPlan | None, ast.AST | None, bool]] = []
        self._module_cancels: list[tuple[ast.AST, str]] | None = None

    def _kind(self, expr: ast.expr | None) -> str | None:
        if expr is None:
            return "bare"
        members = expr.elts if isinstance(expr, ast.Tuple) else [expr]
        kinds = set()
        for member in members:
            if isinstance(member, ast.Call):
                if self.semantic.resolve(member.func) in CANCELLED_FACTORIES:
                    kinds.add("cancelled")
                continue
            qualified = self.semantic.resolve(member)
            if qualified in CANCELLED:
                kinds.add("cancelled")
            elif qualified in CATCH_ALL:
                kinds.add("base")
        if "cancelled" in kinds:
            return "cancelled"
        return "base" if kinds else None

    def visit_Try(self, node: ast.Try) -> None:
        semantic = self.semantic
        if not semantic.in_async_function or not _checkpoints(node.body):
            return
        function = semantic.function
        if self._waits_forever(node.body) or self._private_future(node.body):
            return
        seen = False
        for handler in node.handlers:
            kind = self._kind(handler.type)
            if kind is None:
                continue
            if seen:
                break  # an earlier handler already receives the cancellation
            seen = True
            if self._redelivers(handler) or self._cancelled_here(function, node, handler):
                continue
            if kind != "cancelled" and not self._loops_on(node, handler):
                continue
            if self._delivered_later(function, node, handler):
                continue
            self._record(node, handler, kind, function)

    def _delivered_later(self, function: ast.AST | None, node: ast.Try,
                         handler: ast.ExceptHandler) -> bool:
        """The cancellation is not swallowed after all: forwarded into another frame, re-raised
        later in the function, re-raised by an outer handler; or nothing runs on after it: the
        task simply ends, ends when its owner's stop flag is on, or a command's own coroutine
        ends."""
        if function is None:
            return False
        resolve = self.semantic.resolve
        if cancellation.forwards_caught(handler, resolve) \
                or cancellation.deferred_reraise(function, handler, resolve, CANCELLED):
            return True
        ancestors = list(self.semantic.ancestors())
        return cancellation.inside_reraising_handler(
            node, ancestors, lambda outer: self._kind(outer.type) is not None) \
            or cancellation.task_ends(function, node, handler, ancestors) \
            or cancellation.stop_flag_exit(function, handler, ancestors) \
            or cancellation.own_task_ends(function, node, handler, ancestors) \
            or (entrypoints.command_root(function, self.semantic, self.ctx.source.text)
                and cancellation.ends_function(function, node, handler, ancestors))

    def _loops_on(self, try_node: ast.Try, handler: ast.ExceptHandler) -> bool:
        """A catch-all handler is flagged only where the swallowed cancellation keeps the
        coroutine looping (the shutdown hang): the try sits in a loop the handler does not
        leave."""
        in_loop = False
        for ancestor in self.semantic.ancestors():
            if isinstance(ancestor, (*FUNCS, ast.Lambda)):
                break
            if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
                in_loop = True
                break
        if not in_loop and not self._awaits_after(try_node):
            return False
        return not any(
            isinstance(sub, ast.Return)
            or (isinstance(sub, ast.Break) and not _inside_loop(sub, handler.body))
            for sub in shallow_nodes(handler.body))

    def _awaits_after(self, try_node: ast.Try) -> bool:
        """The statements after the `try` in its block await again (the coroutine carries on
        as if it had not been cancelled)."""
        owner = self.semantic.parent  # visiting the `try`: its parent holds the block
        blocks = [getattr(owner, f, None) for f in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(owner, "handlers", ())]
        block = next((b for b in blocks
                      if isinstance(b, list) and any(s is try_node for s in b)), None)
        if block is None:
            return False
        after = block[[id(s) for s in block].index(id(try_node)) + 1:]
        return _checkpoints(after)

    def _waits_forever(self, body: list[ast.stmt]) -> bool:
        """`try: await sleep_forever()` / `await sleep(math.inf)` / `await Event().wait()`."""
        if len(body) != 1 or not isinstance(body[0], ast.Expr):
            return False
        value = body[0].value
        if not (isinstance(value, ast.Await) and isinstance(value.value, ast.Call)):
            return False
        call = value.value
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in WAIT_FOREVER:
            return True
        if name == "sleep" and call.args:
            arg = call.args[0]
            if self.semantic.resolve(arg) in INFINITE:
                return True
            if isinstance(arg, ast.Call) and self.semantic.resolve(arg.func) == "builtins.float" \
                    and arg.args and isinstance(arg.args[0], ast.Constant) \
                    and str(arg.args[0].value).lower() in ("inf", "infinity"):
                return True
        # `await asyncio.Event().wait()`: an event nobody else can set.
        return (name == "wait" and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Call) and not func.value.args)

    def _private_future(self, body: list[ast.stmt]) -> bool:
        """`fut = loop.create_future()` then `try: await fut`, the future used nowhere else:
        only cancellation ends the wait."""
        if len(body) != 1 or not isinstance(body[0], ast.Expr):
            return False
        value = body[0].value
        if not (isinstance(value, ast.Await) and isinstance(value.value, ast.Name)):
            return False
        name = value.value.id
        function = self.semantic.function
        uses = [n for n in shallow_nodes(getattr(function, "body", []))
                if isinstance(n, ast.Name) and n.id == name]
        if len(uses) != 2:
            return False
        for sub in shallow_nodes(getattr(function, "body", [])):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1 \
                    and isinstance(sub.targets[0], ast.Name) and sub.targets[0].id == name \
                    and isinstance(sub.value, ast.Call):
                func = sub.value.func
                made = func.attr if isinstance(func, ast.Attribute) else None
                return made in FUTURE_FACTORIES or \
                    self.semantic.resolve(func) in FUTURE_CLASSES
        return False

    def _redelivers(self, handler: ast.ExceptHandler) -> bool:
        """The handler re-raises, raises, exits, or hands the exception to code that may
        (`self._convert_error(exc)`, `errors.append(exc)` raised later): not a plain swallow."""
        for sub in shallow_nodes(handler.body):
            if isinstance(sub, ast.Raise):
                return True
            if handler.name and _hands_on(sub, handler.name):
                return True
            if isinstance(sub, ast.Call):
                if self.semantic.resolve(sub.func) in REDELIVERS:
                    return True
                if isinstance(sub.func, ast.Attribute) and sub.func.attr in REDELIVER_METHODS \
                        and not sub.args:
                    return True
        return False

    def _cancelled_here(self, function: ast.AST | None, node: ast.Try,
                        handler: ast.ExceptHandler) -> bool:
        """`task.cancel()` earlier in this function, then `await task` in the try body."""
        if function is None:
            return False
        cancelled: set[str] = set()
        loops: list[ast.AST] = [n for n in shallow_nodes(getattr(function, "body", []))
                                if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension))]
        for sub in shallow_nodes(getattr(function, "body", [])):
            if not (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr == "cancel" and not sub.args):
                continue
            if (sub.lineno, sub.col_offset) >= (handler.lineno, handler.col_offset):
                continue
            receiver = sub.func.value
            if self._is_current_task(receiver, function):
                return True  # the coroutine cancels itself and handles it
            cancelled.add(ast.dump(receiver))
            cancelled.update(ast.dump(alias) for alias in _aliases(receiver, function))
            if isinstance(receiver, ast.Name):
                for loop in loops:
                    target = getattr(loop, "target", None)
                    if isinstance(target, ast.Name) and target.id == receiver.id:
                        cancelled.add(ast.dump(loop.iter))  # type: ignore[attr-defined]
        cancelled |= self._cancelled_elsewhere(function)
        if not cancelled:
            return False
        for sub in shallow_nodes(node.body):
            if isinstance(sub, ast.Await):
                for part in walk(sub.value):
                    if isinstance(part, (ast.Name, ast.Attribute)) and ast.dump(part) in cancelled:
                        return True
        return False

    def _cancelled_elsewhere(self, function: ast.AST) -> set[str]:
        """Receivers of `X.cancel()` in the module's other functions (`stop()` cancels the
        task `start()` awaits: `self._task`, a module-level task)."""
        if self._module_cancels is None:
            self._module_cancels = []
            for sub in walk(self.semantic.module):
                if isinstance(sub, FUNCS):
                    for call in shallow_nodes(sub.body):
                        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                                and call.func.attr == "cancel" and not call.args \
                                and isinstance(call.func.value, (ast.Name, ast.Attribute)):
                            receiver = call.func.value
                            self._module_cancels.append((sub, ast.dump(receiver)))
                            for alias in _aliases(receiver, sub):
                                self._module_cancels.append((sub, ast.dump(alias)))
        return {dump for owner, dump in self._module_cancels if owner is not function}

    def _is_current_task(self, expr: ast.expr, function: ast.AST) -> bool:
        if isinstance(expr, ast.Call):
            return self.semantic.resolve(expr.func) in CURRENT_TASK
        if not isinstance(expr, ast.Name):
            return False
        for sub in shallow_nodes(getattr(function, "body", [])):
            if isinstance(sub, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == expr.id for t in sub.targets):
                value = sub.value
                while isinstance(value, ast.Call) and not self._is_current_task_call(value) \
                        and value.args:
                    value = value.args[-1]  # through `cast(asyncio.Task, current_task())`
                if isinstance(value, ast.Call) and self._is_current_task_call(value):
                    return True
        return False

    def _is_current_task_call(self, call: ast.Call) -> bool:
        return self.semantic.resolve(call.func) in CURRENT_TASK

    def _record(self, try_node: ast.Try, handler: ast.ExceptHandler, kind: str,
                function: ast.AST | None) -> None:
        if kind == "bare":
            span: ast.AST = ast.Pass(lineno=handler.lineno, col_offset=handler.col_offset,
                                     end_lineno=handler.lineno,
                                     end_col_offset=handler.col_offset + len("except"))
        else:
            assert handler.type is not None
            span = handler.type
        if kind == "cancelled":
            message = ("`except CancelledError` around an `await` swallows cancellation: the "
                       "task does not stop when cancelled (shutdown hangs, timeouts and task "
                       "groups break); re-raise it")
        else:
            what = "A bare `except:`" if kind == "bare" else "`except BaseException`"
            message = (f"{what} around an `await` swallows cancellation and the coroutine "
                       "carries on (shutdown hangs); re-raise `CancelledError`")
        plan: FixPlan | None
        if kind != "cancelled":
            plan = self._handler_plan(handler)
        elif isinstance(handler.type, ast.Tuple):
            plan = None  # `raise` would also re-raise the other exceptions it handles
        else:
            plan = self._raise_plan(try_node, handler)
        # A handler that tells a parent it was interrupted: a `raise` after that changes what
        # the parent sees, so the fix is shown, not applied.
        display = plan is not None and cancellation.reports_to_parent(handler)
        self._found.append((span, message, plan, function, display))

    def _raise_plan(self, try_node: ast.Try, handler: ast.ExceptHandler) -> ReraisePlan | None:
        ctx = self.ctx
        body = handler.body
        last = body[-1]
        for sub in shallow_nodes(body):
            if sub is last:
                continue
            if isinstance(sub, ast.Return) or (
                    isinstance(sub, (ast.Break, ast.Continue)) and not _inside_loop(sub, body)):
                return None
        if isinstance(last, ast.Return) and last.value is not None and not (
                isinstance(last.value, ast.Constant) and last.value.value is None):
            return None
        if isinstance(last, (ast.Pass, ast.Break, ast.Continue, ast.Return)):
            unwrap = self._unwrap(try_node, handler) if len(body) == 1 else None
            return ReraisePlan(*ctx.node_range(last), True, "", unwrap)
        indent = ctx.indent_if_alone(last)
        if indent is None or last.lineno == handler.lineno:
            return None
        return ReraisePlan(*ctx.node_range(last), False, indent)

    def _unwrap(self, try_node: ast.Try, handler: ast.ExceptHandler) -> Unwrap | None:
        """A handler that would be only `raise`, the `try`'s only one, is no handler at all
        (ruff's TRY203): it goes, and a `try` with nothing else left goes too, its body moved
        left by one step, and an `else:` block after it (it ran when the body raised nothing,
        and still does). None when that cannot be written faithfully: an `else:` beside a
        `finally:` (which would be left without a handler), comments that would be lost, or
        body lines whose text a move left would change (a string spanning lines)."""
        source = self.ctx.source
        if len(try_node.handlers) != 1 or (try_node.orelse and try_node.finalbody):
            return None
        first_row, last_row = handler.lineno, handler.end_lineno or handler.lineno
        if source.line(first_row)[: handler.col_offset].strip():
            return None
        comments: list[str] = []
        for r in range(first_row, last_row + 1):
            code, hash_, comment = source.line(r).partition("#")
            if hash_ and ("'" in code or '"' in code):
                return None  # a `#` that may sit in a string
            if hash_:
                comments.append(hash_ + comment.rstrip())
        outer = source.line(try_node.lineno)[: try_node.col_offset]
        if try_node.finalbody:
            return Unwrap(first_row, last_row, 0, 0, 0, tuple(comments), outer)
        body = try_node.body
        body_first, body_last = body[0].lineno, body[-1].end_lineno or body[-1].lineno
        if source.line(try_node.lineno).strip() != "try:" or body_first == try_node.lineno:
            return None
        if any(source.line(r).strip() for r in range(body_last + 1, first_row)):
            return None  # a comment between the body and the handler
        line = source.line(body_first)
        pad = line[: len(line) - len(line.lstrip(" \t"))]
        if not pad.startswith(outer) or len(pad) == len(outer) or any(
                source.line(r).strip() and not source.line(r).startswith(pad)
                for r in range(body_first, body_last + 1)):
            return None
        else_first = else_last = 0
        if try_node.orelse:
            else_first = try_node.orelse[0].lineno
            else_last = try_node.orelse[-1].end_lineno or try_node.orelse[-1].lineno
            # only the `else:` line between the handler and the block, the block at the body's
            # indentation
            if else_first != last_row + 2 or source.line(last_row + 1).strip() != "else:" \
                    or any(source.line(r).strip() and not source.line(r).startswith(pad)
                           for r in range(else_first, else_last + 1)):
                return None
        if any(isinstance(n, (ast.Constant, ast.JoinedStr)) and n.lineno != n.end_lineno
               for stmt in [*body, *try_node.orelse] for n in walk(stmt)):
            return None
        return Unwrap(try_node.lineno, else_last or last_row, body_first, body_last,
                      len(pad) - len(outer), tuple(comments), outer, else_first, else_last)

    def _handler_plan(self, handler: ast.ExceptHandler) -> CatchCancelledPlan | None:
        ctx = self.ctx
        module_scope = self.semantic.module_scope
        if any(module_scope.lookup(lib) is not None for lib in OTHER_CANCELLATION):
            return None
        line = ctx.source.line(handler.lineno)
        indent = line[:ctx.location(handler.lineno, handler.col_offset).col]
        if indent.strip():
            return None
        first = handler.body[0]
        body_indent = indent + "    "
        if first.lineno != handler.lineno:
            candidate = ctx.indent_if_alone(first)
            if candidate is not None:
                body_indent = candidate
        return CatchCancelledPlan(handler.lineno, indent, body_indent)

    def finish(self) -> None:
        if not self._found:
            return
        entry_points = self._entry_points()
        for span, message, plan, function, display in self._found:
            if isinstance(function, ast.AsyncFunctionDef) and function.name in entry_points \
                    and any(s is function for s in self.semantic.module.body):
                continue
            self.report(span, message, fix_plan=plan,
                        applicability=Applicability.DISPLAY_ONLY if display else None)

    def _entry_points(self) -> set[str]:
        """Module-level coroutines this module runs as the top-level task (`asyncio.run(main())`)."""
        semantic = self.semantic
        names: set[str] = set()
        for node in walk(semantic.module):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            found = run_call(semantic, node, semantic.module_scope)
            if found is None:
                continue
            first = node.args[0]
            if isinstance(first, ast.Call):
                first = first.func
            if isinstance(first, ast.Name):
                names.add(first.id)
        return names

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods import tasks

        plan = diagnostic.fix_plan
        if isinstance(plan, ReraisePlan):
            if plan.unwrap is not None:
                return self.fix_with(diagnostic, tasks.drop_handler(fctx, plan.unwrap),
                                     _DROP_HANDLER_TITLE)
            return self.fix_with(diagnostic, tasks.reraise(fctx, plan.start, plan.end,
                                                           plan.replace, plan.indent))
        if isinstance(plan, CatchCancelledPlan):
            edits = tasks.catch_cancelled(fctx, plan.row, plan.indent, plan.body_indent)
            return self.fix_with(diagnostic, edits, _CATCH_CANCELLED_TITLE)
        return None


def _inside_loop(node: ast.AST, body: list[ast.stmt]) -> bool:
    """Whether `node` (a break/continue) sits in a loop nested inside `body`."""
    for sub in shallow_nodes(body):
        if isinstance(sub, (ast.For, ast.AsyncFor, ast.While)) and any(
                n is node for n in shallow_nodes([*sub.body, *sub.orelse])):
            return True
    return False


def _hands_on(node: ast.AST, name: str) -> bool:
    """The caught exception is passed on as data: `convert(exc)`, `errors.append(exc)`,
    `found = exc`, `return exc` (it may be raised later; the analysis cannot tell)."""
    def is_name(expr: ast.expr | None) -> bool:
        return isinstance(expr, ast.Name) and expr.id == name

    if isinstance(node, ast.Call):
        return any(is_name(a) for a in node.args)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return)):
        return is_name(node.value)
    return False


def _aliases(expr: ast.expr, function: ast.AST) -> list[ast.expr]:
    """What a local name was assigned from in `function` (`task = self._task`)."""
    if not isinstance(expr, ast.Name):
        return []
    found: list[ast.expr] = []
    for sub in shallow_nodes(getattr(function, "body", [])):
        if isinstance(sub, ast.Assign) and isinstance(sub.value, (ast.Name, ast.Attribute)) \
                and any(isinstance(t, ast.Name) and t.id == expr.id for t in sub.targets):
            found.append(sub.value)
    return found


# This family's rules, in code order; `rules.load_registry` reads it (nothing registers on import).
RULES: tuple[type[Rule], ...] = (
    DanglingTask,
    CancellationSwallowed,
)
