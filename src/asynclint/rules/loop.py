"""ASL3xx: event-loop misuse. Starting an event loop where one already runs crashes ("cannot be
called from a running event loop"); starting one per request wastes a loop per request; starting
one at import time breaks every importer that already runs a loop (servers, tests, notebooks)."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from asynclint.diagnostics import Applicability, Diagnostic, Fix, FixPlan, Location
from asynclint.rules.base import Rule, RuleContext
from asynclint.semantic.handlers import Handler, defines_app, handler_info
from asynclint.semantic.loops import LoopHolder, run_call, run_receiver
from asynclint.semantic.module_names import package_depth
from asynclint.semantic.nodes import child_nodes, walk
from asynclint.semantic.paths import is_script_path
from asynclint.semantic.syntax import FUNCS, await_site

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext
    from asynclint.semantic.scopes import Scope
    from asynclint.source import SourceFile

GET_EVENT_LOOP = frozenset({"asyncio.get_event_loop", "asyncio.events.get_event_loop"})
# Frameworks that accept an `async def` handler where a sync one was registered.
ASYNC_CAPABLE = frozenset({"fastapi", "starlette", "aiohttp", "litestar", "quart",
                           "django-ninja"})
# Code that makes a nested event loop work on purpose (notebooks): the run rules stay quiet.
NESTING_PATCHES = ("nest_asyncio",)


def _awaitable_shape(call: ast.Call, style: str | None) -> bool:
    """The call's arguments can be rewritten as one awaited expression."""
    if style is None or call.keywords or not call.args:
        return False
    if any(isinstance(a, ast.Starred) for a in call.args[:1]):
        return False
    if style == "coroutine":
        return len(call.args) == 1 and isinstance(call.args[0], ast.Call)
    return isinstance(call.args[0], (ast.Name, ast.Attribute, ast.Call))


@dataclass(frozen=True, order=True)
class RunSite:
    """A loop-starting call that can be awaited instead: where it is, how its argument is
    awaited ("coroutine": `run(f(x))`; else `run(f, x)`), and whether the `await` needs
    parentheses there (see `fixes.codemods.loop.RunSite`)."""

    start: Location
    end: Location
    style: str
    needs_parens: bool


def _calls_in_body(func: ast.AST) -> list[tuple[ast.Call, list[ast.AST]]]:
    """(call, ancestors) for every call in a function body, not in nested scopes."""
    found: list[tuple[ast.Call, list[ast.AST]]] = []
    stack: list[tuple[ast.AST, list[ast.AST]]] = [
        (stmt, [func]) for stmt in getattr(func, "body", [])
    ]
    while stack:
        node, ancestors = stack.pop()
        if isinstance(node, ast.Call):
            found.append((node, ancestors))
        if isinstance(node, (*FUNCS, ast.ClassDef, ast.Lambda)):
            continue
        for child in child_nodes(node):
            stack.append((child, [*ancestors, node]))
    return found


class _RunRule(Rule):
    """Shared by the rules about calls that start an event loop."""

    # Every loop starter comes from one of these libraries or is a loop method.
    requires_text = ("asyncio", "anyio", "trio", "uvloop", "run_until_complete", "run_forever")

    def _patched(self) -> bool:
        return any(p in self.ctx.source.text for p in NESTING_PATCHES)


@dataclass(frozen=True)
class AwaitRunPlan(FixPlan):
    """ASL300's fix: the loop-starting call awaited instead."""

    adds_await = True

    site: RunSite
    holder: LoopHolder | None = None


class RunInCoroutine(_RunRule):
    code = "ASL300"
    async_only = True
    message_formats = (
        "`{call}` inside `async def` raises RuntimeError (an event loop is already "
        "running); `await` it instead",
    )
    name = "loop-run-in-coroutine"
    summary = "`asyncio.run` / `loop.run_until_complete` inside `async def` crashes"
    explanation = (
        "A coroutine always runs inside an event loop. `asyncio.run()`, "
        "`loop.run_until_complete()`, `loop.run_forever()`, `asyncio.Runner.run()`, `anyio.run()` "
        "and `trio.run()` start a loop of their own and refuse to do so while one is running: "
        "the call raises `RuntimeError: asyncio.run() cannot be called from a running event "
        "loop` (and the coroutine passed to it is never awaited). Inside a coroutine, `await` "
        "the work instead.\n\n"
        "Code inside a plain `def` or `lambda` nested in the coroutine is not flagged (it may "
        "run in another thread), nor is a module that uses `nest_asyncio` to allow nested loops "
        "on purpose."
    )
    bad_example = (
        "import asyncio\n\n\n"
        "async def refresh(cache):\n"
        "    data = asyncio.run(fetch_all())\n"
        "    cache.update(data)\n"
    )
    good_example = (
        "import asyncio\n\n\n"
        "async def refresh(cache):\n"
        "    data = await fetch_all()\n"
        "    cache.update(data)\n"
    )
    fix_title = "Await the coroutine instead of starting an event loop"
    fix_applicability = Applicability.SAFE
    fix_safety = (
        "The fix is safe: the original call can only raise inside a running loop, and awaiting "
        "the coroutine runs the same work in the loop that is already running. "
        "`asyncio.run(f(x))` and `loop.run_until_complete(f(x))` become `await f(x)`; "
        "`anyio.run(f, x)` and `trio.run(f, x)` become `await f(x)`. No fix is offered when the "
        "call passes options for the new loop (keywords such as `debug=` or `backend=`), when "
        "its argument is not a call, for `loop.run_forever()`, or inside a generator "
        "expression. A `loop = asyncio.get_running_loop()` (or `new_event_loop()`) whose only "
        "use was the call goes with it; a `with asyncio.Runner() as runner:` whose only use it "
        "was is removed and its body moved out (the `with` would still run a loop of its own "
        "when it closes); with other uses of such a runner no fix is offered."
    )
    overlaps = ()

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        found = run_call(semantic, node)
        if found is None or self._patched():
            return
        plan = None
        site = await_site(node, semantic.parents)
        func = next((a for a in reversed(semantic.parents) if isinstance(a, FUNCS)), None)
        receiver = None if func is None else run_receiver(semantic, node, func)
        if _awaitable_shape(node, found.style) and site is not None and not (
                receiver is not None and receiver.in_with and receiver.holder is None):
            assert found.style is not None
            plan = AwaitRunPlan(RunSite(*self.ctx.node_range(node), found.style,
                                        site.needs_parens),
                                None if receiver is None else receiver.holder)
        self.report(
            node,
            f"`{found.label}` inside `async def` raises RuntimeError (an event loop is already "
            "running); `await` it instead",
            fix_plan=plan,
        )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.loop import await_run, drop_holder

        plan = diagnostic.fix_plan
        if not isinstance(plan, AwaitRunPlan):
            return None
        edit = await_run(fctx, diagnostic, plan.site)
        if edit is None:
            return None
        if plan.holder is None:
            return self.fix_with(diagnostic, (edit,))
        dropped = drop_holder(fctx, plan.holder)
        return self.fix_with(diagnostic, None if dropped is None else (edit, *dropped))


@dataclass(frozen=True)
class AsyncHandlerPlan(FixPlan):
    """ASL301's fix: the handler made `async def` (its `def` is at `def_at`), each of its
    loop-starting calls awaited."""

    def_at: Location
    sites: tuple[RunSite, ...]


class RunInSyncHandler(_RunRule):
    code = "ASL301"
    name = "loop-run-in-sync-handler"
    message_formats = (
        "`{call}` in sync request handler `{handler}` starts a new event loop for every "
        "request; make the handler `async def` and `await` the coroutine",
    )
    summary = "`asyncio.run` in a sync request handler starts a new event loop per request"
    explanation = (
        "FastAPI, Starlette, Quart and others run a plain `def` handler in a worker thread, "
        "where `asyncio.run()` (or `loop.run_until_complete()`, `anyio.run()`) works — by "
        "creating, running and closing a whole new event loop for every request, and by tying "
        "up a worker thread while it waits. Objects bound to the server's loop (connection "
        "pools, async clients) break in the foreign loop. Make the handler `async def` and "
        "`await` the coroutine: it then runs on the server's own loop.\n\n"
        "A handler is a function registered in the same module: `@app.get(...)` on a "
        "`FastAPI()` / `APIRouter()` / `Quart()` instance, aiohttp `RouteTableDef`, Litestar "
        "`@get`, Django Ninja, `app.add_api_route(path, handler)`, Starlette "
        "`Route(path, handler)`, `web.get(path, handler)`, Django's `@require_GET`-style view "
        "decorators, and the decorators listed in `extra-handler-decorators`."
    )
    bad_example = (
        "import asyncio\n\n"
        "from fastapi import FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get(\"/report\")\n"
        "def report():\n"
        "    return asyncio.run(build_report())\n"
    )
    good_example = (
        "from fastapi import FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get(\"/report\")\n"
        "async def report():\n"
        "    return await build_report()\n"
    )
    fix_title = "Make the handler `async def` and await the coroutine"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: the handler then runs on the event loop instead of a worker thread, "
        "so any other blocking work in its body now blocks the loop (asynclint's ASL1xx rules "
        "point it out), and code that calls the handler directly now gets a coroutine. It is "
        "offered only when every loop-starting call in the handler can be awaited, the function "
        "is not a generator or a method, nothing but the registration decorates it, and the "
        "module does not use its name elsewhere. Django views are not rewritten (a sync view "
        "may rely on the sync ORM)."
    )

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        func = semantic.function
        if not isinstance(func, ast.FunctionDef):
            return
        found = run_call(semantic, node)
        if found is None or self._patched():
            return
        handler = handler_info(func, semantic, self.ctx.settings.extra_handler_decorators,
                               self.ctx.source.text)
        if handler is None:
            return
        self.report(
            node,
            f"`{found.label}` in sync request handler `{func.name}` starts a new event loop for "
            "every request; make the handler `async def` and `await` the coroutine",
            fix_plan=self._plan(func, handler),
        )

    def _plan(self, func: ast.FunctionDef, handler: Handler) -> AsyncHandlerPlan | None:
        semantic = self.semantic
        if handler.framework not in ASYNC_CAPABLE or not handler.only_registration_decorators \
                or semantic.scope.parent is None:
            return None
        if semantic.scope.parent.kind == "class":
            return None  # a method: its callers are not all known
        for decorator in func.decorator_list:
            if isinstance(decorator, ast.Call) and any(
                    k.arg == "sync_to_thread" for k in decorator.keywords):
                return None
        for node in walk(func):
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return None
        uses = sum(isinstance(n, ast.Name) and n.id == func.name for n in walk(semantic.module))
        if uses > (1 if handler.registration == "call" else 0):
            return None  # called or passed around (beyond a route-table registration)
        sites: list[RunSite] = []
        for call, ancestors in _calls_in_body(func):
            found = run_call(semantic, call)
            if found is None:
                continue
            site = await_site(call, ancestors)
            if not _awaitable_shape(call, found.style) or site is None:
                return None
            assert found.style is not None
            start, end = self.ctx.node_range(call)
            sites.append(RunSite(start, end, found.style, site.needs_parens))
        if not sites:
            return None
        return AsyncHandlerPlan(self.ctx.location(func.lineno, func.col_offset), tuple(sorted(sites)))

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.loop import async_handler

        plan = diagnostic.fix_plan
        if not isinstance(plan, AsyncHandlerPlan):
            return None
        return self.fix_with(diagnostic, async_handler(fctx, diagnostic, plan.def_at, plan.sites))


class GetEventLoopInCoroutine(Rule):
    code = "ASL302"
    name = "get-event-loop-in-coroutine"
    message_formats = (
        "`asyncio.get_event_loop()` inside `async def`; use `asyncio.get_running_loop()`",
    )
    summary = "`asyncio.get_event_loop()` inside `async def`; use `asyncio.get_running_loop()`"
    explanation = (
        "`asyncio.get_event_loop()` has changed meaning across Python versions (it may create a "
        "loop, warn, or raise when none is set) and is deprecated outside a running loop. Inside "
        "a coroutine a loop is always running, and `asyncio.get_running_loop()` says so "
        "plainly: it returns that loop and never creates one.\n\n"
        "Off by default: inside a coroutine both calls return the same loop, so the change is "
        "one of style (the safe fix makes it in one step). Select it (`extend-select = "
        "[\"ASL302\"]`) to keep the code base on the call that cannot create a loop."
    )
    bad_example = (
        "import asyncio\n\n\n"
        "async def load(path):\n"
        "    loop = asyncio.get_event_loop()\n"
        "    return await loop.run_in_executor(None, read_file, path)\n"
    )
    good_example = (
        "import asyncio\n\n\n"
        "async def load(path):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, read_file, path)\n"
    )
    fix_title = "Replace with `asyncio.get_running_loop()`"
    fix_applicability = Applicability.SAFE
    fix_safety = (
        "The fix is safe: inside a coroutine both calls return the running loop. A "
        "`from asyncio import get_event_loop` call becomes `asyncio.get_running_loop()` "
        "(adding `import asyncio` when needed)."
    )
    default_enabled = False
    async_only = True
    requires_text = ("get_event_loop",)

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        if node.args or node.keywords:
            return
        if semantic.resolve(node.func) not in GET_EVENT_LOOP:
            return
        self.report(
            node,
            "`asyncio.get_event_loop()` inside `async def`; use `asyncio.get_running_loop()`",
            fix_plan=FixPlan(),
        )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.loop import running_loop

        return self.fix_with(diagnostic, running_loop(fctx, diagnostic))

    def text_fix(self, source: SourceFile, diagnostic: Diagnostic) -> Fix | None:
        """`asyncio.get_event_loop()` on one line: the attribute renamed, without libcst."""
        from asynclint.fixes.edits import renamed_method_call

        edit = renamed_method_call(source, diagnostic.start, diagnostic.end, "get_event_loop",
                                   "get_running_loop")
        return self.fix_with(diagnostic, (edit,)) if edit is not None else None


def _is_main_guard(test: ast.expr) -> bool | None:
    """True for `__name__ == "__main__"`, False for `!=`, None for anything else."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    if not (names and mains):
        return None
    if isinstance(test.ops[0], ast.Eq):
        return True
    return False if isinstance(test.ops[0], ast.NotEq) else None


@dataclass(frozen=True)
class MainGuardPlan(FixPlan):
    """ASL303's fix: rows `first` to `last` (the module's last statement) moved under
    `if __name__ == "__main__":`."""

    first: int
    last: int


class RunAtImport(_RunRule):
    code = "ASL303"
    name = "loop-run-at-import"
    message_formats = (
        "`{call}` at module level runs when the module is imported (and crashes inside a "
        'running event loop); call it under `if __name__ == "__main__":`',
        "`{function}()` runs `{call}` when the module is imported (and crashes inside a "
        'running event loop); call it under `if __name__ == "__main__":`',
    )
    summary = "`asyncio.run` at the top level of an importable module runs at import"
    explanation = (
        "A module-level `asyncio.run(main())` runs whenever the module is imported. Servers "
        "(uvicorn, hypercorn, gunicorn workers), pytest-asyncio and notebooks import modules from "
        "inside a running event loop, where the call crashes (\"cannot be called from a running "
        "event loop\"); everywhere else the import blocks until the coroutine is done. Put the "
        "call under `if __name__ == \"__main__\":` or in a `main()` function the entry point "
        "calls.\n\n"
        "Only importable modules are checked: files inside a package (a folder with "
        "`__init__.py`), or a standalone module that creates a web application "
        "(`app = FastAPI()`). Scripts are left alone: `__main__.py`, files with a `#!` line, "
        "`conftest.py`, `setup.py`, `manage.py`, test files, and files under `scripts/`, "
        "`bin/`, `examples/`, `docs/`, `tools/`, `benchmarks/`, `tests/`. Code under "
        "`if __name__ == \"__main__\":` and in functions is never flagged; a module-level call "
        "of a function of the module that itself runs a loop is flagged at that call.\n\n"
        "Never flagged either: a package's `__init__.py`, where import-time work is the "
        "package's own hook, and a migration tool's `env.py` (a file named `env.py` that "
        "imports `alembic`), which the tool loads to run the migrations."
    )
    bad_example = (
        "import asyncio\n\n"
        "from fastapi import FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "async def create_tables():\n"
        "    ...\n\n\n"
        "asyncio.run(create_tables())\n"
    )
    good_example = (
        "import asyncio\n\n"
        "from fastapi import FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "async def create_tables():\n"
        "    ...\n\n\n"
        "if __name__ == \"__main__\":\n"
        "    asyncio.run(create_tables())\n"
    )
    fix_title = "Move the call under `if __name__ == \"__main__\":`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: importing the module no longer runs the coroutine, which is the "
        "point, but code that relied on the import-time side effect changes behaviour. It is "
        "offered only when the call is a statement of its own and the last statement of the "
        "module. It is applied only to modules run as scripts: a standalone module, or a "
        "module of a package with an `if __name__ == \"__main__\":` block of its own. In any "
        "other module of a package, which other modules import, the move would silently switch "
        "the work off for them: the fix is display-only there."
    )

    def __init__(self, ctx: RuleContext) -> None:
        super().__init__(ctx)
        self._importable: bool | None = None
        self._runners: dict[str, str] | None = None

    def importable(self) -> bool:
        if self._importable is None:
            self._importable = self._decide_importable()
        return self._importable

    def _decide_importable(self) -> bool:
        ctx = self.ctx
        semantic = self.semantic
        # Classic packages only: a folder without `__init__.py` may be a namespace package,
        # or just a folder of scripts.
        path = os.path.abspath(ctx.path)
        depth = package_depth(path, semantic.is_package) if semantic.module_name else 1
        root = PurePath(os.path.abspath(ctx.settings.root))
        if ctx.source.text.startswith("#!") or is_script_path(path, root, depth):
            return False
        in_package = semantic.is_package or depth > 1
        return in_package or defines_app(semantic)

    def _at_import_time(self) -> bool:
        scope: Scope | None = self.semantic.scope
        while scope is not None:
            if scope.kind not in ("module", "class"):
                return False
            scope = scope.parent
        parents = self.semantic.parents
        for i, ancestor in enumerate(parents[:-1]):
            if isinstance(ancestor, ast.If):
                guard = _is_main_guard(ancestor.test)
                if guard is None:
                    continue
                child = parents[i + 1]
                in_body = any(s is child for s in ancestor.body)
                if in_body == guard:
                    return False
        return True

    def _module_runners(self) -> dict[str, str]:
        """Module-level functions whose own body starts an event loop -> what they call."""
        if self._runners is None:
            from asynclint.semantic.scopes import Scope as _Scope

            semantic = self.semantic
            self._runners = {}
            counts: dict[str, int] = {}
            for stmt in semantic.module.body:
                if isinstance(stmt, (*FUNCS, ast.ClassDef)):
                    counts[stmt.name] = counts.get(stmt.name, 0) + 1
            for stmt in semantic.module.body:
                if not isinstance(stmt, ast.FunctionDef) or counts[stmt.name] != 1:
                    continue
                scope = _Scope("function", stmt, semantic.module_scope)
                for call, _ancestors in _calls_in_body(stmt):
                    found = run_call(semantic, call, scope)
                    if found is not None:
                        self._runners[stmt.name] = found.label
                        break
        return self._runners

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        if semantic.function is not None or not self._at_import_time():
            return
        found = run_call(semantic, node)
        if found is not None:
            message = (f"`{found.label}` at module level runs when the module is imported (and "
                       "crashes inside a running event loop); call it under "
                       "`if __name__ == \"__main__\":`")
        elif isinstance(node.func, ast.Name) and semantic.binding_of(node.func.id) is not None \
                and semantic.defining_scope(node.func.id) is semantic.module_scope \
                and node.func.id in self._module_runners():
            inner = self._module_runners()[node.func.id]
            message = (f"`{node.func.id}()` runs `{inner}` when the module is imported (and "
                       "crashes inside a running event loop); call it under "
                       "`if __name__ == \"__main__\":`")
        else:
            return
        if not self.importable() or self._loaded_by_a_tool():
            return
        plan = self._plan(node)
        # A module of a package that is not run as a script is imported by others: moving its
        # import-time work under `__main__` would silently switch it off there.
        display = plan is not None and not self._looks_like_a_script()
        self.report(node, message, fix_plan=plan,
                    applicability=Applicability.DISPLAY_ONLY if display else None)

    def _loaded_by_a_tool(self) -> bool:
        """A package's `__init__.py` (its import-time hook is the point of the call) or a
        migration tool's `env.py` (Alembic runs it when it loads the file)."""
        name = os.path.basename(self.ctx.path)
        if name == "__init__.py":
            return True
        return name == "env.py" and self._imports_alembic()

    def _imports_alembic(self) -> bool:
        for stmt in walk(self.semantic.module):
            if isinstance(stmt, ast.Import) and any(
                    a.name == "alembic" or a.name.startswith("alembic.") for a in stmt.names):
                return True
            if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module and (
                    stmt.module == "alembic" or stmt.module.startswith("alembic.")):
                return True
        return False

    def _looks_like_a_script(self) -> bool:
        """A standalone module (not in a package), or one with an `if __name__ ==
        "__main__":` block of its own: run directly, so the move is what its author wants."""
        semantic = self.semantic
        path = os.path.abspath(self.ctx.path)
        depth = package_depth(path, semantic.is_package) if semantic.module_name else 1
        if not (semantic.is_package or depth > 1):
            return True
        return any(isinstance(stmt, ast.If) and _is_main_guard(stmt.test) is not None
                   for stmt in semantic.module.body)

    def _plan(self, node: ast.Call) -> MainGuardPlan | None:
        body = self.semantic.module.body
        if not body or self.semantic.parent is not body[-1]:
            return None
        stmt = body[-1]
        if not isinstance(stmt, ast.Expr) or stmt.value is not node:
            return None
        if self.ctx.indent_if_alone(stmt) != "" or any(
                isinstance(n, (ast.Constant, ast.JoinedStr)) and n.lineno != n.end_lineno
                for n in walk(stmt)):
            return None  # not at column 0 with its lines to itself, or re-indenting changes a string
        return MainGuardPlan(stmt.lineno, stmt.end_lineno or stmt.lineno)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.loop import main_guard

        plan = diagnostic.fix_plan
        if not isinstance(plan, MainGuardPlan):
            return None
        return self.fix_with(diagnostic, main_guard(fctx, plan.first, plan.last))


# This family's rules, in code order; `rules.load_registry` reads it (nothing registers on import).
RULES: tuple[type[Rule], ...] = (
    RunInCoroutine,
    RunInSyncHandler,
    GetEventLoopInCoroutine,
    RunAtImport,
)
