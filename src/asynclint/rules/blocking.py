"""ASL1xx: blocking calls inside coroutines. A blocking call stalls the event loop, and with it
every other request the process is serving."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from asynclint.diagnostics import Applicability, Diagnostic, Fix, FixPlan, Location
from asynclint.rules.base import Rule
from asynclint.semantic.blocking import BlockingAnalysis, opened_by_with, used_only_in_threads
from asynclint.semantic.catalogs.blocking import (
    CONSUMING_CALLS,
    EVALUATED_ON_ITERATION,
    FILE_OPENERS,
    THREADPOOL_FRAMEWORKS,
    THREADPOOL_FUNCTIONS,
    THREADPOOL_ROUTE_DECORATORS,
    BlockingCall,
    Cost,
    FixKind,
    Kind,
)
from asynclint.semantic.entrypoints import once_only
from asynclint.semantic.futures import is_done
from asynclint.semantic.nodes import own_nodes, walk
from asynclint.semantic.ready import checked_ready
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import await_site, is_type_checking, names_used, runs_below

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext


@dataclass(frozen=True)
class SleepPlan(FixPlan):
    """ASL100's fix: `await asyncio.sleep` in place of the called expression, which ends at
    `func_end` (the arguments keep their text); in parentheses when `needs_parens`."""

    adds_await = True

    needs_parens: bool
    func_end: Location


def _sleep_plan(rule: Rule, node: ast.Call) -> SleepPlan | None:
    """Whether the call in the current position can become `await asyncio.sleep(...)`.

    No fix inside a generator expression (an `await` there would make it an async generator),
    and none when the name `asyncio` means something else here.
    """
    site = await_site(node, rule.semantic.parents)
    if site is None:
        return None
    binding = rule.semantic.binding_of("asyncio")
    if binding is not None and binding.qualified != "asyncio":
        return None
    func_end = _func_end(rule, node)
    return None if func_end is None else SleepPlan(site.needs_parens, func_end)


_ONCE_ONLY = (
    "Code that runs once rather than per request is not flagged either: a coroutine "
    "registered as a start-up or shutdown hook (`@app.on_event(\"startup\")`, "
    "`app.add_event_handler(...)`, `FastAPI(lifespan=...)`, `Starlette(on_startup=[...])`, "
    "aiohttp's `app.on_startup.append(...)`), a click / typer command (`@click.command()`, "
    "`@cli.command()`, `@app.command()`) or an argparse sub-command's handler "
    "(`set_defaults(func=...)`), and a private coroutine of the module (`_name`, not in "
    "`__all__`) that only those call: blocking there delays start-up or a one-off command, "
    "and no request waits on the loop meanwhile. In a command-line module, and in the module "
    "that builds the application (it registers the lifespan or the hooks) when it serves no "
    "request itself, public coroutines only those call count as well. So is a private "
    "coroutine the module runs as "
    "the main of an event loop of its own (`asyncio.run(_main())`, `anyio.run(_main, argv)`, "
    "`loop.run_until_complete(_main())`): nothing else runs on that loop. A public coroutine "
    "they call is still checked (another module may call it per request), and so is a hook "
    "the module also registers as a route or calls from other code."
)


class BlockingSleep(Rule):
    code = "ASL100"
    name = "blocking-sleep-in-async"
    message_formats = (
        "`{call}` blocks the event loop inside `async def`; use `{replacement}`",
    )
    summary = "`time.sleep` inside `async def` blocks the event loop"
    explanation = (
        "`time.sleep()` suspends the whole thread. Inside a coroutine that thread runs the event "
        "loop, so every other task — every other request of the server — waits until the sleep "
        "ends. `await asyncio.sleep()` suspends only the current task and lets the loop run the "
        "others meanwhile.\n\n"
        "Code inside a plain `def` or `lambda` nested in the coroutine is not flagged: such code "
        "is typically handed to a thread (`asyncio.to_thread`, `run_in_executor`). " + _ONCE_ONLY
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
    async_only = True
    requires_text = ("sleep",)

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        if isinstance(semantic.parent, ast.Await):
            return
        if semantic.resolve(node.func) != "time.sleep" or _once_only(self):
            return
        self.report(
            node,
            "`time.sleep` blocks the event loop inside `async def`; "
            "use `await asyncio.sleep(...)`",
            fix_plan=_sleep_plan(self, node),
        )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.blocking import asyncio_sleep

        plan = diagnostic.fix_plan
        if not isinstance(plan, SleepPlan):
            return None
        return self.fix_with(diagnostic,
                             asyncio_sleep(fctx, diagnostic, plan.needs_parens, plan.func_end))


def _func_end(rule: Rule, node: ast.Call) -> Location | None:
    """Where (in code points) the called expression ends."""
    func_end = getattr(node.func, "end_col_offset", None)
    if func_end is None:
        return None
    return rule.ctx.location(node.func.end_lineno or node.func.lineno, func_end)


# -- the catalog rules (ASL101-ASL105, ASL107) ----------------------------------------------------
def _under_type_checking(rule: Rule) -> bool:
    """The current node is in the body of an `if TYPE_CHECKING:` block (it never runs)."""
    parents = rule.semantic.parents
    for i in range(len(parents) - 1, 0, -1):
        node = parents[i - 1]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        if isinstance(node, ast.If) and any(parents[i] is s for s in node.body) \
                and is_type_checking(node.test):
            return True
    return False


def _once_only(rule: Rule) -> bool:
    """The coroutine around runs once, not per request: a start-up or shutdown hook, a
    command-line command, or a private coroutine only those call (`semantic.entrypoints`)."""
    return once_only(rule.semantic.function, rule.semantic, rule.ctx.source.text)


def _lazy_here(rule: Rule, node: ast.Call, entry: BlockingCall) -> bool:
    """The call only builds a generator here: a `sys.version_info` guard keeps it to the
    Pythons where it is lazy (`entry.eager_since`), and it is not iterated in place (the
    iterable of a `for` or comprehension, `*` unpacked, or given to `list()`, `sorted()`...)."""
    semantic = rule.semantic
    if entry.eager_since is None or not runs_below(semantic.parents, node, entry.eager_since):
        return False
    parent = semantic.parent
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
        return False
    if isinstance(parent, ast.Starred):
        return False
    return not (isinstance(parent, ast.Call) and any(arg is node for arg in parent.args)
                and semantic.resolve(parent.func) in CONSUMING_CALLS)


def _analysis(rule: Rule) -> BlockingAnalysis:
    """The module's blocking analysis, shared by every ASL1xx rule of the traversal."""
    ctx = rule.ctx
    return ctx.semantic.shared("blocking", lambda: BlockingAnalysis(
        ctx.semantic, ctx.settings.extra_blocking_calls, ctx.project))


def _short_name(entry: BlockingCall) -> str:
    """`Session.execute` for a method of a class, the dotted name for a function."""
    parts = entry.name.removeprefix("builtins.").split(".")
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return ".".join(parts[-2:])
    return ".".join(parts)


def _offloader(rule: Rule, node: ast.Call) -> tuple[str, str] | None:
    """How to reach a thread from here: ("", local name) of an imported `run_in_threadpool`,
    (module, "run_in_threadpool") to import it in a FastAPI/Starlette module, or
    ("asyncio", "to_thread"). None when no way is free of name clashes."""
    semantic = rule.semantic
    clash = any(kw.arg == "func" for kw in node.keywords)  # run_in_threadpool(func, ...)
    framework = None
    for local, binding in semantic.module_scope.bindings.items():
        if binding.type_only:
            continue
        qualified = semantic.resolve_name(local, semantic.module_scope)
        if qualified in THREADPOOL_FUNCTIONS and not clash:
            here = semantic.binding_of(local)
            if here is binding:
                return "", local
        top = (qualified or "").split(".", 1)[0]
        if top in THREADPOOL_FRAMEWORKS and framework != "fastapi":
            framework = top
    if framework is not None and not clash and semantic.binding_of("run_in_threadpool") is None:
        return f"{framework}.concurrency", "run_in_threadpool"
    asyncio_binding = semantic.binding_of("asyncio")
    if asyncio_binding is not None and asyncio_binding.qualified != "asyncio":
        return None
    return "asyncio", "to_thread"


@dataclass(frozen=True)
class ThreadCallPlan(FixPlan):
    """The thread fix of a blocking call, `await <offloader>(f, args...)`: the offloader to
    import from `module` ("": already imported, as `name`), where the called expression `f`
    ends, whether the call has arguments, whether the `await` needs parentheses here (see
    `fixes.codemods.to_thread.CallOffload`)."""

    adds_await = True

    needs_parens: bool
    module: str
    name: str
    func_end: Location
    has_args: bool


@dataclass(frozen=True)
class WithBlockPlan(FixPlan):
    """The thread fix of a blocking call that opens a `with` block: the block, from `start` to
    `end`, moved into a sync function (named apart from the `taken` names) run in a worker
    thread, handing back the names it binds (see `fixes.codemods.to_thread.BlockOffload`)."""

    adds_await = True

    start: Location
    end: Location
    pad: str
    taken: frozenset[str]
    bound: tuple[str, ...]
    lone_return: bool
    module: str
    name: str


def thread_plan(rule: Rule, node: ast.Call, fix: FixKind) -> ThreadCallPlan | WithBlockPlan | None:
    """The plan for `await asyncio.to_thread(f, ...)` at this call, or None when it would be
    wrong."""
    if fix not in (FixKind.THREAD, FixKind.THREAD_DISPLAY):
        return None
    if isinstance(rule.semantic.parent, ast.withitem):
        # Offloading only `open()` would leave the block's reads blocking: move the block.
        return _with_block_plan(rule, node)
    site = await_site(node, rule.semantic.parents)
    offloader = _offloader(rule, node)
    if site is None or offloader is None:
        return None
    func_end = _func_end(rule, node)
    if func_end is None:
        return None
    return ThreadCallPlan(site.needs_parens, *offloader, func_end, bool(node.args or node.keywords))


_NOT_MOVABLE = (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Yield, ast.YieldFrom, ast.Return,
                ast.Break, ast.Continue, ast.Global, ast.Nonlocal)


def _stored_names(nodes: list[ast.stmt]) -> list[str]:
    """Names the statements bind, in the order they are first bound."""
    found: dict[str, None] = {}
    for node, _ in own_nodes(nodes):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found[node.id] = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(dict.fromkeys((a.asname or a.name).split(".")[0] for a in node.names))
    return list(found)


def _with_block_plan(rule: Rule, node: ast.Call) -> WithBlockPlan | None:
    """The plan for moving a whole `with <blocking>(...) as x:` block into a sync function run in
    a worker thread, when that keeps the coroutine's meaning: the block awaits, returns,
    breaks and yields nothing (a lone `return expr` excepted), the names it binds are not
    bound elsewhere in the coroutine (they are handed back), the `as` names are not used
    outside it, and re-indenting it cannot change a string."""
    semantic = rule.semantic
    parents = semantic.parents
    func = semantic.function
    if len(parents) < 2 or not isinstance(parents[-2], ast.With) or func is None:
        return None
    block = parents[-2]
    source = rule.ctx.source
    line = source.line(block.lineno)
    col = rule.ctx.location(block.lineno, block.col_offset).col
    if line[:col].strip():
        return None
    body = block.body
    lone_return = len(body) == 1 and isinstance(body[0], ast.Return)
    inside = [n for n, _ in own_nodes(body)] + [n for i in block.items for n in walk(i)]
    if lone_return:
        inside = [n for n in inside if n is not body[0]]
    for sub in inside:
        if isinstance(sub, _NOT_MOVABLE):
            return None
        if isinstance(sub, (ast.Constant, ast.JoinedStr)) and sub.lineno != sub.end_lineno:
            return None  # a multi-line string would change when re-indented
    assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    outer_body = func.body if isinstance(func.body, list) else []
    in_block = {id(n) for n in walk(block)}
    elsewhere: set[str] = set()
    used_elsewhere: set[str] = set()
    for sub, _ in own_nodes(outer_body):
        if id(sub) in in_block:
            continue
        if isinstance(sub, ast.Name):
            used_elsewhere.add(sub.id)
            if isinstance(sub.ctx, (ast.Store, ast.Del)):
                elsewhere.add(sub.id)
    args = func.args
    elsewhere |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs,
                                  *filter(None, (args.vararg, args.kwarg)))}
    targets = {n.id for i in block.items if i.optional_vars is not None
               for n in walk(i.optional_vars) if isinstance(n, ast.Name)}
    bound = [n for n in _stored_names(list(body)) if n not in targets]
    if elsewhere & set(bound) or targets & used_elsewhere:
        return None
    taken = frozenset(semantic.module_scope.bindings) | used_elsewhere | set(bound) | targets
    offloader = _offloader(rule, node)
    if offloader is None:
        return None
    first = body[0]
    # One indentation step of the block, as written (tabs stay tabs).
    pad = "    "
    if first.lineno != block.lineno:
        body_line = source.line(first.lineno)
        body_col = rule.ctx.location(first.lineno, first.col_offset).col
        if body_line.startswith(line[:col]) and body_col > col and not body_line[col:body_col].strip():
            pad = body_line[col:body_col]
        else:
            return None
    end = rule.ctx.location(block.end_lineno or block.lineno, block.end_col_offset or 0)
    rest = source.line(end.row)[end.col:].strip()
    if not rest or rest.startswith("#"):
        end = Location(end.row, len(source.line(end.row)))  # the last line's comment moves too
    return WithBlockPlan(Location(block.lineno, col), end, pad, taken, tuple(bound), lone_return,
                         *offloader)


_MOVE_BLOCK_TITLE = "Move the `with` block into a function run in a worker thread"


def _thread_fix(rule: Rule, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
    """The fix a thread plan describes: the call, or its whole `with` block, in a thread."""
    from asynclint.fixes.codemods import to_thread

    plan = diagnostic.fix_plan
    shown_only = diagnostic.applicability is Applicability.DISPLAY_ONLY
    if isinstance(plan, WithBlockPlan):
        return rule.fix_with(diagnostic, to_thread.offload_block(fctx, plan),
                             thread_title(plan, shown_only))
    if not isinstance(plan, ThreadCallPlan):
        return None
    return rule.fix_with(diagnostic, to_thread.offload_call(fctx, diagnostic, plan),
                         thread_title(plan, shown_only))


def thread_title(plan: FixPlan | None, display_only: bool) -> str | None:
    """The help line of a thread fix, naming what the fix writes (`asyncio.to_thread`, or the
    module's `run_in_threadpool`), so the finding's help and its fix agree. For a rule whose
    thread fix is display-only (a connection or session must stay on its thread) the help
    says why it is only shown. None without a plan (the rule's own title stands)."""
    if isinstance(plan, WithBlockPlan):
        title = _MOVE_BLOCK_TITLE
    elif isinstance(plan, ThreadCallPlan):
        shown = plan.name if plan.module == "" else (
            "asyncio.to_thread" if plan.module == "asyncio" else "run_in_threadpool")
        title = f"Run it in a worker thread: `await {shown}(...)`"
    else:
        return None
    if display_only:
        return (f"{title} (shown only: the connection must stay on the thread that made it; "
                "use the async driver)")
    return title


_WHAT = {
    Kind.HTTP: "a blocking HTTP call",
    Kind.DB: "a blocking database call",
    Kind.PROCESS: "a blocking wait for a child process",
    Kind.FILE: "blocking file-system I/O",
    Kind.OTHER: "a blocking call",
    Kind.CONFIGURED: "configured as blocking (`extra-blocking-calls`)",
}
_COST_WHAT = {Cost.METADATA: "a file-system metadata call",
              Cost.CONFIG: "a read of a configuration file"}
_OR_THREAD = ", or run it in a worker thread"
_OR_MOVE_BLOCK = ", or move the `with` block into a sync function run in a thread"
_THREAD_SAFETY = (
    "The fix moves the call to a worker thread, which keeps the event loop free but changes "
    "where the code runs: context variables are copied, thread-local state is not shared, and "
    "the object the method belongs to is now used from another thread. Review it, hence unsafe. "
    "When the module already imports FastAPI or Starlette, `run_in_threadpool` (their "
    "threadpool, with its limit) is used instead of `asyncio.to_thread`. For a call used as a "
    "`with` item (`with open(p) as f:`) the whole block moves into a sync function run in the "
    "thread, and the names it binds are handed back; that fix is offered only when the block "
    "awaits, returns (except a lone `return`), breaks and yields nothing, its names are not "
    "bound elsewhere in the coroutine and its `as` names are not used after it. No fix is "
    "offered inside a generator expression."
)
_NOT_FLAGGED = (
    "\n\nNot flagged: calls that are awaited, calls in a plain `def` or `lambda` nested in the "
    "coroutine (typically handed to a thread), functions passed to `asyncio.to_thread` / "
    "`run_in_executor` / `run_in_threadpool`, and plain `def` FastAPI routes (FastAPI runs them "
    "in its threadpool). Methods are matched only when the receiver's type is known from an "
    "annotation, a constructor, a factory (`sqlite3.connect`, a `sessionmaker`), `with ... as`, "
    "a `Depends(...)` dependency or a typed `self.x`; never from a variable's name. "
    + _ONCE_ONLY
)


class _CatalogRule(Rule):
    """A rule reporting the catalog entries of one kind and cost called directly in a
    coroutine."""

    kind: ClassVar[Kind]
    cost: ClassVar[Cost] = Cost.HEAVY
    async_only = True
    fix_title = "Run it in a worker thread: `await asyncio.to_thread(...)`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _THREAD_SAFETY
    # Messages of a subclass's own checks beside the catalog calls (ASL102's iterated queryset).
    extra_message_formats: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """The message templates follow from the kind and cost, as `visit_Call` words them."""
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__ and "message_formats" not in cls.__dict__:
            what = _COST_WHAT.get(cls.cost) or _WHAT[cls.kind]
            head = (f"`{{call}}` is {what} inside `async def`, it blocks the event loop: "
                    "use {alternative}")
            cls.message_formats = (head, head + _OR_THREAD, head + _OR_MOVE_BLOCK,
                                   *cls.extra_message_formats)

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        if isinstance(semantic.parent, ast.Await):
            return
        entry = _analysis(self).direct(node, semantic.scope)
        if entry is None or entry.kind is not self.kind:
            return
        cost = Cost.METADATA if self._opened_for_threads(node, entry) \
            else _analysis(self).cost_of(node, entry, semantic.scope)
        if cost is not self.cost or _under_type_checking(self) or _lazy_here(self, node, entry) \
                or (entry.waits_for_receiver and is_done(node, semantic.parents)) \
                or (entry.ready_check is not None
                    and checked_ready(node, semantic.parents, entry.ready_check)) \
                or self._covered_by_with(node, entry) or _once_only(self) \
                or _analysis(self).waited_later(node, semantic.parent, semantic.scope):
            return
        what = _COST_WHAT.get(cost) or _WHAT[entry.kind]
        message = (f"`{_short_name(entry)}` is {what} inside `async def`, it blocks "
                   f"the event loop: use {entry.instead}")
        if isinstance(semantic.parent, ast.withitem) and entry.fix is FixKind.THREAD:
            message += _OR_MOVE_BLOCK
        elif entry.fix is FixKind.THREAD and "thread" not in entry.instead:
            message += _OR_THREAD
        plan = thread_plan(self, node, entry.fix)
        shown_only = entry.fix is FixKind.THREAD_DISPLAY
        self.report(node, message, fix_plan=plan,
                    applicability=Applicability.DISPLAY_ONLY if shown_only else None,
                    fix_title=thread_title(plan, shown_only))

    def _opened_for_threads(self, node: ast.Call, entry: BlockingCall) -> bool:
        """`with open(p) as f:` whose every use of `f` runs in a worker thread
        (`await asyncio.to_thread(f.read)`): only the open's syscall stays on the loop."""
        parents = self.semantic.parents
        if entry.name not in FILE_OPENERS or len(parents) < 2:
            return False
        item, block = parents[-1], parents[-2]
        if not isinstance(item, ast.withitem) or item.context_expr is not node \
                or not isinstance(block, ast.With) or not isinstance(item.optional_vars, ast.Name):
            return False
        return used_only_in_threads(block, item.optional_vars.id, self.semantic,
                                    self.semantic.scope)

    def _covered_by_with(self, node: ast.Call, entry: BlockingCall) -> bool:
        """`f.read()` inside `with open(p) as f:` where that `open` is reported by this rule:
        one finding, on the `with` line, whose remedy moves the whole block to a thread. Files
        only: a database connection's queries (`with engine.connect() as conn`) stay reported
        one by one, as the query is the costly part a reviewer looks for."""
        if entry.kind is not Kind.FILE:
            return False
        opener = opened_by_with(node, self.semantic.parents)
        if opener is None:
            return False
        analysis = _analysis(self)
        opened = analysis.direct(opener, self.semantic.scope)
        if opened is None or opened.kind is not entry.kind:
            return False
        cost = analysis.cost_of(opener, opened, self.semantic.scope)
        return cost is entry.cost or cost is Cost.CONFIG  # the config read's finding holds it

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return _thread_fix(self, fctx, diagnostic)


def _catalog_names(kind: Kind, cost: Cost = Cost.HEAVY) -> str:
    """The catalog entries of a kind and cost as a Markdown list, one line per module or
    type."""
    from asynclint.semantic.catalogs.blocking import CATALOG_ENTRIES

    groups: dict[str, list[str]] = {}
    for entry in CATALOG_ENTRIES:
        if entry.kind is kind and entry.cost is cost:
            owner, _, member = entry.name.removeprefix("builtins.").rpartition(".")
            groups.setdefault(owner or member, []).append(member if owner else "")
    lines = [f"- `{owner}`" + (": " + ", ".join(f"`{m}`" for m in members if m)
                              if any(members) else "")
             for owner, members in groups.items()]
    return "\n".join(lines)


class BlockingHttpCall(_CatalogRule):
    code = "ASL101"
    name = "blocking-http-call-in-async"
    kind = Kind.HTTP
    summary = "Sync HTTP call (`requests`, `urllib`, `httpx.Client`, `urllib3`, sync SDK clients) " \
        "inside `async def`"
    explanation = (
        "A synchronous HTTP client waits for the network on the thread that runs the event loop: "
        "for the whole round trip — often hundreds of milliseconds, or a timeout — no other task "
        "or request of the process makes progress. The same holds for the synchronous clients of "
        "cloud and SaaS SDKs (boto3, OpenAI, Anthropic, Slack, Stripe, Google Cloud Storage, "
        "Azure Blob Storage), whose every request method is an HTTP call: only the methods "
        "listed below are flagged, not the ones that do no request (`generate_presigned_url`, "
        "`get_paginator`, `bucket()` / `blob()` handles). Use an async client "
        "(`httpx.AsyncClient`, `aiohttp`, the SDK's async client), or run the call in a worker "
        "thread.\n\n"
        "Covered:\n\n" + _catalog_names(Kind.HTTP) + _NOT_FLAGGED
    )
    bad_example = (
        "import requests\n\n\n"
        "async def fetch_user(user_id: int) -> dict:\n"
        "    response = requests.get(f\"https://api.example.com/users/{user_id}\")\n"
        "    return response.json()\n"
    )
    good_example = (
        "import httpx\n\n\n"
        "async def fetch_user(client: httpx.AsyncClient, user_id: int) -> dict:\n"
        "    response = await client.get(f\"https://api.example.com/users/{user_id}\")\n"
        "    return response.json()\n"
    )
    overlaps = ("ASYNC210", "ASYNC211", "ASYNC212")
    requires_text = ("requests", "httpx", "urllib", "http.client", "HTTPConnection", "boto",
                     "openai", "anthropic", "slack", "stripe", "google", "azure")


_ITERATED_QUERY = ("Iterating a `{type}` runs its query inside `async def`, it blocks the event "
                   "loop: use {alternative}")


class BlockingDatabaseCall(_CatalogRule):
    code = "ASL102"
    name = "blocking-db-call-in-async"
    kind = Kind.DB
    summary = "Sync database driver or ORM call (SQLAlchemy `Session`, Django's ORM, sqlite3, " \
        "psycopg2, ...) inside `async def`"
    explanation = (
        "A synchronous database driver waits for the server on the event loop's thread: every "
        "query stalls every other request for its whole duration. In FastAPI this is the most "
        "common way an `async def` endpoint becomes slower than a plain `def` one. Use the async "
        "driver or ORM API (`AsyncSession`, `asyncpg`, `psycopg.AsyncConnection`, `aiosqlite`, "
        "`redis.asyncio`, `motor`), or make the endpoint a plain `def` (see ASL108).\n\n"
        "Django's ORM is synchronous: inside `async def` a query raises "
        "`SynchronousOnlyOperation`. Its query methods are flagged on a model's manager or "
        "queryset (`Article.objects.get(...)`, `Article.objects.filter(...).first()`) and "
        "`save` / `delete` / `refresh_from_db` on a model instance, but only when the class "
        "is known to derive from `django.db.models.Model` (in the module, or through the "
        "project's own classes); use the `a`-prefixed async method (`aget`, `afirst`, "
        "`asave`) or `sync_to_async`. Building a queryset (`filter`, `order_by`) runs no query "
        "and is not flagged; iterating one inside the coroutine runs its query and is "
        "(`for a in qs`, a comprehension, `list(qs)`: use `async for`).\n\n"
        "Covered:\n\n" + _catalog_names(Kind.DB) + _NOT_FLAGGED
    )
    bad_example = (
        "from fastapi import Depends, FastAPI\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.orm import Session\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get(\"/users\")\n"
        "async def list_users(db: Session = Depends(get_db)):\n"
        "    return db.scalars(select(User)).all()\n"
    )
    good_example = (
        "from fastapi import Depends, FastAPI\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get(\"/users\")\n"
        "async def list_users(db: AsyncSession = Depends(get_db)):\n"
        "    return (await db.scalars(select(User))).all()\n"
    )
    fix_title = "Run it in a worker thread: `await asyncio.to_thread(...)`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _THREAD_SAFETY + (
        " The session or connection is then used from the worker thread while the coroutine "
        "waits for it: one user at a time, which SQLAlchemy sessions, psycopg, PyMySQL, "
        "pymongo and redis-py allow (SQLAlchemy's SQLite file engines set "
        "`check_same_thread=False`). A session shared with other coroutines was already "
        "unsafe before the fix. For a raw `sqlite3` connection or cursor the fix is "
        "display-only: sqlite3 refuses any thread but the one that made the connection; so it "
        "is for Django's ORM, whose `a`-prefixed methods are the fix. The "
        "lasting fix is the async driver, or a plain `def` endpoint (ASL108)."
    )
    extra_message_formats = (_ITERATED_QUERY,)
    requires_text = ("sqlite3", "psycopg", "pymysql", "mysql", "pymongo", "redis", "sqlalchemy",
                     "sqlmodel", "django", "objects", "save", "delete", "refresh_from_db")

    def visit_For(self, node: ast.For) -> None:
        self._iterated(node.iter)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        outer = self.semantic.parent
        if node.is_async or (isinstance(outer, ast.GeneratorExp)
                             and node is not outer.generators[0]):
            return  # a generator expression runs its inner loops only when consumed
        self._iterated(node.iter)

    def _iterated(self, expr: ast.expr) -> None:
        """A lazy result that runs its query when iterated, iterated here (`for a in qs`)."""
        if _under_type_checking(self) or _once_only(self):
            return
        semantic = self.semantic
        kind = semantic.type_of(expr)
        instead = EVALUATED_ON_ITERATION.get(kind) if kind else None
        if kind is not None and instead is not None:
            self.report(expr, _ITERATED_QUERY.format(type=kind.rsplit(".", 1)[-1],
                                                     alternative=instead))

    def visit_Call(self, node: ast.Call) -> None:
        super().visit_Call(node)
        semantic = self.semantic
        if len(node.args) == 1 and not node.keywords and isinstance(node.func, ast.Name) \
                and f"builtins.{node.func.id}" in CONSUMING_CALLS \
                and semantic.resolve(node.func) in CONSUMING_CALLS:
            self._iterated(node.args[0])


class BlockingSubprocess(_CatalogRule):
    code = "ASL103"
    name = "blocking-subprocess-in-async"
    kind = Kind.PROCESS
    summary = "`subprocess` / `os.system` / `os.wait*` inside `async def`"
    explanation = (
        "Starting a process and waiting for it (`subprocess.run`, `os.system`, "
        "`Popen.communicate`, `os.waitpid`, `psutil.Process.wait`) blocks the event loop until "
        "the child exits (`psutil`'s waits with `timeout=0` return at once and are not "
        "flagged). Use "
        "`asyncio.create_subprocess_exec` and await it, or run the call in a worker thread. "
        "`proc = Popen(...)` followed by `proc.wait()` or `proc.communicate()` on the loop "
        "is reported once, at the wait: that is the cost, and its remedy takes the start with "
        "it.\n\n"
        "Covered:\n\n" + _catalog_names(Kind.PROCESS) + _NOT_FLAGGED
    )
    bad_example = (
        "import subprocess\n\n\n"
        "async def render(path: str) -> bytes:\n"
        "    return subprocess.run([\"convert\", path, \"png:-\"], capture_output=True).stdout\n"
    )
    good_example = (
        "import asyncio\n\n\n"
        "async def render(path: str) -> bytes:\n"
        "    proc = await asyncio.create_subprocess_exec(\n"
        "        \"convert\", path, \"png:-\", stdout=asyncio.subprocess.PIPE)\n"
        "    out, _ = await proc.communicate()\n"
        "    return out\n"
    )
    overlaps = ("ASYNC220", "ASYNC221", "ASYNC222")
    requires_text = ("subprocess", "os", "psutil")


class BlockingFileIO(_CatalogRule):
    code = "ASL104"
    name = "blocking-file-io-in-async"
    kind = Kind.FILE
    summary = "Sync file-system I/O (`open`, `Path.read_text`, `os`/`shutil` calls) inside " \
        "`async def`"
    explanation = (
        "Reading or writing a file's contents, listing or walking directories and copying "
        "or deleting trees, packing and unpacking archives (`zipfile`, `tarfile`) and reading "
        "remote files through `fsspec` is blocking I/O that grows with the data: on a slow or "
        "network file "
        "system, or under load, it holds the event loop. Use `anyio.Path` / `anyio.open_file` "
        "/ `aiofiles`, or run the work in a worker thread. Pure path computations "
        "(`os.path.join`, `Path.with_suffix`) are not flagged, and neither are single metadata "
        "calls (`exists`, `stat`, `mkdir`, `unlink`, `os.path.isfile`...): they cost "
        "microseconds on a local disk and are reported only by the opt-in ASL109; nor are "
        "read-only reads of configuration files the code names (`open(\"settings.json\")`, "
        "`BASE / \"config.toml\"`): the opt-in ASL110. Before "
        "Python 3.13 `Path.iterdir()` returns a generator that lists the folder as it is "
        "iterated: inside an `if sys.version_info < (3, 13):` branch it is flagged only where "
        "it is iterated in place (`for p in path.iterdir()`, `sorted(path.iterdir())`), not "
        "where the generator is handed on (to be iterated in a worker thread, say).\n\n"
        "Covered:\n\n" + _catalog_names(Kind.FILE) + _NOT_FLAGGED
    )
    bad_example = (
        "from pathlib import Path\n\n\n"
        "async def load_template(name: str) -> str:\n"
        "    return (Path(\"templates\") / name).read_text()\n"
    )
    good_example = (
        "import anyio\n\n\n"
        "async def load_template(name: str) -> str:\n"
        "    return await (anyio.Path(\"templates\") / name).read_text()\n"
    )
    overlaps = ("ASYNC230", "ASYNC231", "ASYNC232")
    requires_text = ("open", "os", "io", "pathlib", "Path", "shutil", "glob", "zipfile", "tarfile",
                     "fsspec", "FileSystem")


class FilesystemMetadataCall(_CatalogRule):
    code = "ASL109"
    name = "filesystem-metadata-in-async"
    kind = Kind.FILE
    cost = Cost.METADATA
    default_enabled = False
    summary = "A file-system metadata call (`exists`, `stat`, `mkdir`, `os.path.*`) inside " \
        "`async def` (opt-in)"
    explanation = (
        "A metadata call is one stat-like system call on a path: `Path.exists`, `is_file`, "
        "`stat`, `mkdir`, `unlink`, `resolve`, `os.path.isdir`, `os.remove`... On a local disk "
        "it returns in microseconds, and moving it to a worker thread costs more than it "
        "saves, so it is not reported by default. On a network file system (NFS, SMB, a FUSE "
        "or cloud-storage mount) the same call can wait for a server for milliseconds or "
        "seconds, and every other request of the process waits with it: select this rule "
        "(`extend-select = [\"ASL109\"]`) when your coroutines touch such paths.\n\n"
        "The `open` of `with open(path) as f:` counts here too, not under ASL104, when every "
        "use of `f` in the block runs in a worker thread (`await asyncio.to_thread(f.read)`, "
        "`run_in_executor(None, shutil.copyfileobj, f, out)`): the reads and writes are already "
        "off the loop, and only the open's system call is left on it.\n\n"
        "Covered:\n\n" + _catalog_names(Kind.FILE, Cost.METADATA) + _NOT_FLAGGED
    )
    bad_example = (
        "from pathlib import Path\n\n"
        "SHARE = Path(\"/mnt/nfs/reports\")\n\n\n"
        "async def has_report(name: str) -> bool:\n"
        "    return (SHARE / name).exists()\n"
    )
    good_example = (
        "import anyio\n\n"
        "SHARE = anyio.Path(\"/mnt/nfs/reports\")\n\n\n"
        "async def has_report(name: str) -> bool:\n"
        "    return await (SHARE / name).exists()\n"
    )
    overlaps = ("ASYNC240",)
    requires_text = ("os", "pathlib", "Path", "shutil")


class ConfigFileRead(_CatalogRule):
    code = "ASL110"
    name = "config-file-read-in-async"
    kind = Kind.FILE
    cost = Cost.CONFIG
    default_enabled = False
    summary = "A read of a configuration file named in the code (`settings.json`, " \
        "`config.toml`) inside `async def` (opt-in)"
    explanation = (
        "Reading a configuration file — a read-only `open`, `Path.open`, `Path.read_text` or "
        "`Path.read_bytes` of a path whose last part is spelled in the code with a "
        "configuration suffix (`.json`, `.toml`, `.yaml`, `.yml`, `.ini`, `.cfg`, `.conf`, "
        "`.env`): `open(\"settings.json\")`, `BASE / \"config.toml\"`, "
        "`Path(root, \"static\", \"vendor.json\")`, `f\"{DATA_DIR}/config.json\"`, or a local "
        "name given one such value — costs microseconds: such files are small and, read again "
        "and again, stay in the page cache. Handing the read to a worker thread costs more "
        "than it saves, so it is not reported by ASL104 by default, and a helper whose only "
        "blocking is such a read is not reported by ASL106 or ASL108. A helper that reads the "
        "file its parameter names (`def load_json(path): ...`) counts as a configuration "
        "read where it is called with such a path (`load_json(ext_dir / \"config.json\")`) and "
        "as file I/O elsewhere. Select this rule (`extend-select = [\"ASL110\"]`) when your "
        "configuration lives on a network file system or can be large.\n\n"
        "Still reported by ASL104: any write or a read-write mode (`\"r+\"`, `\"w\"`, `\"a\"`), "
        "a mode computed at run time, and a path whose name the code does not spell (a "
        "parameter of the coroutine, an upload, a data file chosen at run time)." + _NOT_FLAGGED
    )
    bad_example = (
        "import json\n"
        "from pathlib import Path\n\n"
        "STATIC = Path(\"static\")\n\n\n"
        "async def asset_manifest() -> dict:\n"
        "    return json.loads((STATIC / \"manifest.json\").read_text())\n"
    )
    good_example = (
        "import json\n\n"
        "import anyio\n\n"
        "STATIC = anyio.Path(\"static\")\n\n\n"
        "async def asset_manifest() -> dict:\n"
        "    return json.loads(await (STATIC / \"manifest.json\").read_text())\n"
    )
    overlaps = ("ASYNC230",)
    requires_text = ("open", "read_text", "read_bytes")


class BlockingOtherCall(_CatalogRule):
    code = "ASL105"
    name = "blocking-call-in-async"
    kind = Kind.OTHER
    summary = "Other blocking calls (`input()`, DNS, SMTP/FTP/SSH, thread and file locks, " \
        "queues, futures, executor shutdown) inside `async def`"
    explanation = (
        "`input()`, DNS lookups (`socket.getaddrinfo`), sync SMTP/FTP/SSH clients (`smtplib`, "
        "`ftplib`, `paramiko`; `smtplib.SMTP(host)` connects as it is built, `smtplib.SMTP()` "
        "does not), reading frames from `cv2.VideoCapture`, "
        "`Executor.shutdown()` (it waits for the pool's pending work; `wait=False` does not), "
        "`threading.Lock.acquire()` without a timeout, file locks (`fcntl.flock`, except "
        "with `LOCK_NB` or `LOCK_UN`), `queue.Queue.get` / `queue.SimpleQueue.get` and "
        "`concurrent.futures.Future.result()` wait on the event loop's thread. Use the asyncio "
        "equivalent (`loop.getaddrinfo`, `asyncio.Lock`, `asyncio.Queue`, "
        "`asyncio.wrap_future`), or a worker thread. A lock acquired with `blocking=False` or "
        "a queue read with `block=False` does not block and is not flagged, and neither is "
        "`Future.result()` where the coroutine already knows the future is done: on every "
        "path to the call it has awaited `asyncio.wrap_future(future)`, or awaited an event "
        "that only the future's done-callback sets (`future.add_done_callback(...)` then "
        "`await event.wait()`), or it is inside `if future.done():`; nor a queue read inside "
        "`if not q.empty():` or `while not q.empty():` (one consumer: the item is there).\n\n"
        "Covered:\n\n" + _catalog_names(Kind.OTHER) + _NOT_FLAGGED
    )
    bad_example = (
        "async def confirm() -> bool:\n"
        "    return input(\"continue? \") == \"y\"\n"
    )
    good_example = (
        "import asyncio\n\n\n"
        "async def confirm() -> bool:\n"
        "    return await asyncio.to_thread(input, \"continue? \") == \"y\"\n"
    )
    overlaps = ("ASYNC250",)
    requires_text = ("input", "socket", "smtplib", "ftplib", "threading", "queue", "concurrent",
                     "fcntl", "paramiko", "cv2")


class ConfiguredBlockingCall(_CatalogRule):
    code = "ASL107"
    name = "configured-blocking-call-in-async"
    kind = Kind.CONFIGURED
    summary = "A call listed in `extra-blocking-calls` inside `async def`"
    explanation = (
        "Your project's own blocking APIs, declared in `[tool.asynclint]` as "
        "`extra-blocking-calls = [\"mylib.fetch_sync\", \"mylib.Client.get\"]` (qualified "
        "functions, or `Type.method` matched when the receiver's type is known), are flagged "
        "inside coroutines like the built-in catalog." + _NOT_FLAGGED
    )
    bad_example = (
        "from legacy.billing import charge\n\n\n"
        "async def checkout(order):\n"
        "    charge(order.total)\n"
    )
    good_example = (
        "import asyncio\n\n"
        "from legacy.billing import charge\n\n\n"
        "async def checkout(order):\n"
        "    await asyncio.to_thread(charge, order.total)\n"
    )
    overlaps = ("ASYNC200",)
    example_config = 'extra-blocking-calls = ["legacy.billing.charge"]'
    requires_text = ()

    def visit_Call(self, node: ast.Call) -> None:
        if self.ctx.settings.extra_blocking_calls:
            super().visit_Call(node)


# -- ASL106: blocking reached through the project's own sync functions -------------------------
class BlockingViaHelper(Rule):
    code = "ASL106"
    name = "blocking-call-via-helper-in-async"
    message_formats = (
        "`{helper}()` blocks the event loop inside `async def`: {chain}; run it in a "
        "thread, or use {alternative}",
    )
    summary = "`async def` calls a sync function of the project that blocks"
    explanation = (
        "An `async def` that calls a plain `def` helper runs the helper on the event loop; if "
        "the helper (directly, or through further helpers of the module) makes a blocking call, "
        "the coroutine blocks just as if it made the call itself. The message shows the chain "
        "(`load_user() -> requests.get`). Functions of the module, nested helpers and "
        "`self.method()` of the same class are followed, up to 5 links, cycle-safe; helpers "
        "with unknown decorators and generator functions (calling them runs nothing) are not, "
        "and neither are helpers memoised with `functools.cache` / `functools.lru_cache`: "
        "their body runs once per distinct arguments (a template or config file loaded on "
        "first use), not on every request; nor is a branch that initialises a module global on "
        "first use (`global _loop` ... `if _loop is None: _loop = LoopThread(); "
        "_loop.start()`): later calls skip it. A test that also looks at something else "
        "(`if _token is None or time.time() - _stamp > 60:`) runs again and is followed. "
        "Only helpers that reach a heavy blocking call are reported (a helper whose only "
        "blocking is a metadata call such as `Path.exists` costs microseconds, see ASL109, "
        "and so does one whose only blocking is reading a configuration file the code names, "
        "see ASL110), "
        "and the chain shown ends in the helper's first heavy call, not its first call. "
        "A helper whose blocking call runs only under an `if` on its parameters "
        "(`if name.startswith(\"oidc/\"):`, `if host and port:`) is not reported where the "
        "call's literal arguments, or the literal defaults of those it leaves out, make that "
        "test false (`get_secret(\"API_KEY\")`); a wrapper that passes the parameter on keeps "
        "the test. An argument the analysis cannot evaluate keeps the report. "
        "Passing the helper to `asyncio.to_thread` / `run_in_threadpool` is the fix, and is "
        "not flagged." + _NOT_FLAGGED
    )
    bad_example = (
        "import requests\n\n\n"
        "def load_user(user_id: int) -> dict:\n"
        "    return requests.get(f\"https://api.example.com/users/{user_id}\").json()\n\n\n"
        "async def profile(user_id: int) -> dict:\n"
        "    return load_user(user_id)\n"
    )
    good_example = (
        "import asyncio\n\n"
        "import requests\n\n\n"
        "def load_user(user_id: int) -> dict:\n"
        "    return requests.get(f\"https://api.example.com/users/{user_id}\").json()\n\n\n"
        "async def profile(user_id: int) -> dict:\n"
        "    return await asyncio.to_thread(load_user, user_id)\n"
    )
    fix_title = "Run the helper in a worker thread: `await asyncio.to_thread(helper, ...)`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = _THREAD_SAFETY + (
        " When the chain ends in a raw `sqlite3` call the fix is display-only: the helper "
        "would use a connection sqlite3 ties to the loop's thread."
    )
    async_only = True
    requires_text = ("async",)

    def visit_Call(self, node: ast.Call) -> None:
        semantic = self.semantic
        if isinstance(semantic.parent, ast.Await):
            return
        analysis = _analysis(self)
        if analysis.direct(node, semantic.scope) is not None:
            return
        found = analysis.via_helper(node, semantic.scope)
        if found is None or found[1].cost is not Cost.HEAVY or _under_type_checking(self) \
                or _once_only(self):
            return
        chain, entry = found
        shown_only = entry.fix is FixKind.THREAD_DISPLAY
        message = (f"`{chain[0]}` blocks the event loop inside `async def`: "
                   f"{' -> '.join(chain)}; run it in a thread, or use {entry.instead}")
        plan = thread_plan(self, node, FixKind.THREAD)
        self.report(
            node, message, fix_plan=plan, fix_title=thread_title(plan, shown_only),
            applicability=Applicability.DISPLAY_ONLY if shown_only else None,
        )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        return _thread_fix(self, fctx, diagnostic)


# -- ASL108: an async FastAPI route that awaits nothing and blocks ------------------------------
@dataclass(frozen=True)
class PlainDefPlan(FixPlan):
    """ASL108's fix: the route's `async` keyword, at `at`, removed (the function ends at
    `end`)."""

    at: Location
    end: Location


_ROUTE_CALLS_SHOWN = 3  # blocking calls ASL108's message names


class BlockingAsyncRoute(Rule):
    code = "ASL108"
    name = "blocking-async-route-could-be-sync"
    message_formats = (
        "Route `{route}` awaits nothing but blocks the event loop on {calls}: declare it "
        "with plain `def` so FastAPI runs it in its threadpool",
    )
    summary = "FastAPI `async def` route awaits nothing but blocks: make it a plain `def`"
    explanation = (
        "FastAPI runs a plain `def` route in its threadpool, and an `async def` route on the "
        "event loop. A route declared `async def` that awaits nothing but makes blocking calls "
        "(any ASL1xx finding, including through helpers) gets the worst of both: it blocks the "
        "loop for every request. The FastAPI documentation's advice is to declare it with plain "
        "`def`. Only heavy blocking counts (network, database, file contents, subprocesses, "
        "sleeping): a route whose only blocking is a metadata call (`Path.exists`) would get "
        "slower in the threadpool, and is not reported.\n\n"
        "This is reported on the `async` keyword of the route, in addition to the findings at "
        "each blocking call (which carry the call-site fix). Routes are recognised by their "
        "decorator on a `FastAPI()` or `APIRouter()` object (`@app.get`, `@router.post`, ...); "
        "`extra-handler-decorators` are not used here, because not every framework runs a plain "
        "`def` handler in a threadpool (aiohttp requires coroutines)."
    )
    bad_example = (
        "import requests\n"
        "from fastapi import FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get(\"/rate\")\n"
        "async def rate():\n"
        "    return requests.get(\"https://rates.example.com/eur\").json()\n"
    )
    good_example = (
        "import requests\n"
        "from fastapi import FastAPI\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get(\"/rate\")\n"
        "def rate():\n"
        "    return requests.get(\"https://rates.example.com/eur\").json()\n"
    )
    fix_title = "Make the route a plain `def` (FastAPI runs it in its threadpool)"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: dropping `async` changes the function for every caller, and "
        "another module (a test, a script) could `await` it directly, which then fails. It is "
        "only offered for a route FastAPI registers by its decorator whose own module neither "
        "calls it nor passes it on; when its module does (where it could be awaited), the fix "
        "is only shown."
    )
    requires_text = ("fastapi",)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        if not self._is_threadpool_route(node):
            return
        for sub, _ in own_nodes(node.body):
            if isinstance(sub, (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Yield,
                                ast.YieldFrom)):
                return
        scope = Scope("function", node, self.semantic.scope, True)
        heavy = [(call, chain) for call, (chain, entry)
                 in _analysis(self).blocking_calls_in(node, scope) if entry.cost is Cost.HEAVY]
        if not heavy:
            return
        start, end = self.ctx.node_range(node)
        marker = ast.Name(id="async", lineno=node.lineno, col_offset=node.col_offset,
                          end_lineno=node.lineno, end_col_offset=node.col_offset + 5)
        shown = ", ".join(f"{' -> '.join(chain)} (line {call.lineno})"
                          for call, chain in heavy[:_ROUTE_CALLS_SHOWN])
        more = len(heavy) - _ROUTE_CALLS_SHOWN
        if more > 0:
            shown += f" and {more} more"
        self.report(
            marker,
            f"Route `{node.name}` awaits nothing but blocks the event loop on {shown}: "
            "declare it with plain `def` so FastAPI runs it in its threadpool",
            fix_plan=PlainDefPlan(start, end),
            **self._shown_only(node),
        )

    def _shown_only(self, node: ast.AsyncFunctionDef) -> dict[str, Any]:
        """Display-only, saying why, when the route's own module names it (a call or a
        hand-over there could `await` it); otherwise the rule's unsafe fix."""
        module = self.semantic.module
        if node.name not in self.semantic.shared("names_used", lambda: names_used(module)):
            return {}
        return {
            "applicability": Applicability.DISPLAY_ONLY,
            "fix_title": f"{self.fix_title} (shown only: `{node.name}` is used elsewhere in "
                         "this module, which could `await` it)",
        }

    def _is_threadpool_route(self, node: ast.AsyncFunctionDef) -> bool:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Attribute):
                receiver = self.semantic.type_of(target.value)
                if receiver and f"{receiver}.{target.attr}" in THREADPOOL_ROUTE_DECORATORS:
                    return True
        return False

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods.blocking import plain_def

        plan = diagnostic.fix_plan
        if not isinstance(plan, PlainDefPlan):
            return None
        return self.fix_with(diagnostic, plain_def(fctx, plan.at, plan.end))


# This family's rules, in code order; `rules.load_registry` reads it (nothing registers on import).
RULES: tuple[type[Rule], ...] = (
    BlockingSleep,
    BlockingHttpCall,
    BlockingDatabaseCall,
    BlockingSubprocess,
    BlockingFileIO,
    FilesystemMetadataCall,
    ConfigFileRead,
    BlockingOtherCall,
    ConfiguredBlockingCall,
    BlockingViaHelper,
    BlockingAsyncRoute,
)
