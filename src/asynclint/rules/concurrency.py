"""ASL4xx: missed concurrency. Awaiting independent operations one after the other makes a
request as slow as the sum of its calls; `asyncio.gather` makes it as slow as the slowest.

Saying so wrongly breaks programs, so the rules speak only when the overlap is safe by what the
code shows: no data flows between the calls, they share no receiver that forbids concurrent use
(a session, a connection, a stream; an object of unknown type counts as one), none has an
ordering meaning (sleep, locks, commit, protocol steps), and no statement in between has effects.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from asynclint.diagnostics import Applicability, Diagnostic, Fix, FixPlan
from asynclint.rules.base import Rule, RuleContext
from asynclint.semantic import ordering
from asynclint.semantic.catalogs import concurrency as catalog
from asynclint.semantic.catalogs import waits
from asynclint.semantic.concrete import method_classes
from asynclint.semantic.dataflow import (
    names_read,
    names_written,
    passed_objects,
    path_of,
    root_of,
    target_names,
)
from asynclint.semantic.instance_use import InstanceUse, SharedClient
from asynclint.semantic.nodes import child_nodes, own_nodes, walk
from asynclint.semantic.parameter_facts import (
    RECEIVER_FACT,
    read_method,
    receiver_fact,
    receiver_methods,
)
from asynclint.semantic.suspension import Suspension
from asynclint.semantic.suspension import analysis as suspension_analysis
from asynclint.semantic.syntax import FUNCS, NESTED_SCOPES

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext

_BLOCK_FIELDS = ("body", "orelse", "finalbody")
_FORBIDDEN_INSIDE = (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
_TASKGROUP_TITLE = "Run the awaits concurrently in an `asyncio.TaskGroup`"


@dataclass
class Resource:
    """A typed object a call uses: the receiver of the method, or an argument."""

    path: str
    type: str
    forbids: bool  # True: must not be shared; False: built for sharing
    reads_only: bool  # for shared-allowed receivers: the method only reads


@dataclass
class AwaitedCall:
    """One statement awaiting one call, with what it reads, writes and uses."""

    stmt: ast.stmt
    await_node: ast.Await
    call: ast.Call
    assigned: bool
    reads: set[str]
    writes: set[str]
    resources: list[Resource] = field(default_factory=list)
    opaque: bool = False  # uses an object of unknown type (may wrap a session)
    callee: str | None = None
    # Attributes of the method's own instance the statement assigns (`self.config = ...`).
    attributes: set[str] = field(default_factory=set)

    def conflicts_with(self, later: AwaitedCall) -> bool:
        """Whether `later` must stay after `self` (the order matters or overlap is unsafe)."""
        if self.writes & (later.reads | later.writes) or later.writes & self.reads:
            return True
        if any(root_of(a) in later.reads or a in later.attributes for a in self.attributes) \
                or any(root_of(a) in self.reads for a in later.attributes):
            return True
        if self.opaque and later.opaque:
            return True
        if (self.opaque and any(r.forbids for r in later.resources)) or (
            later.opaque and any(r.forbids for r in self.resources)
        ):
            return True
        for a in self.resources:
            for b in later.resources:
                if a.forbids or b.forbids:
                    # Two forbidding objects of one type may be one object (FastAPI caches a
                    # dependency per request: two `Depends(get_db)` are the same session).
                    if a.path == b.path or a.type == b.type:
                        return True
                elif a.path == b.path and not (a.reads_only and b.reads_only):
                    return True
        return False


class _ConcurrencyRule(Rule):
    """Shared analysis of awaited calls for ASL400 and ASL401."""

    requires_text = ("await",)
    _binding_context = False  # set per block: inside `async with <transaction/connection>`

    def __init__(self, ctx: RuleContext) -> None:
        super().__init__(ctx)
        self._kinds: dict[int, str] = {}
        self._module_session: dict[str, bool] = {}  # `_uses_module_session`, per name

    @functools.cached_property
    def _forbid(self) -> frozenset[str]:
        return catalog.FORBID_SHARING | set(self.ctx.settings.concurrency_unsafe_receivers)

    @functools.cached_property
    def _allow(self) -> frozenset[str]:
        return (catalog.ALLOW_SHARING | set(self.ctx.settings.concurrency_safe_receivers)) \
            - self._forbid

    @functools.cached_property
    def _suspension(self) -> Suspension:
        return suspension_analysis(self.ctx.semantic, self.ctx.project,
                                   self.ctx.settings.concurrency_network_apis)

    def wait_kind(self, item: AwaitedCall) -> str:
        """What awaiting the item's call waits on (`catalogs/waits.py`): `network` is the one
        kind whose overlap saves time worth a change; `none`, a project coroutine that runs to
        its end in one step, gains nothing at all."""
        found = self._kinds.get(id(item.call))
        if found is None:
            found = self._kinds[id(item.call)] = self._suspension.call_kind(item.call)
        return found

    @functools.cached_property
    def _instances(self) -> InstanceUse:
        return InstanceUse(self._suspension, self._allow)

    def _instance_reads(self, obj: ast.expr, method: str) -> list[SharedClient] | None:
        """`self.get(...)`, `client.read_flow_runs(...)` on a project object: the shared-safe
        clients the method reads through, when that is all it does with the object."""
        semantic = self.semantic
        function = semantic.function
        class_name: str | None = None
        if isinstance(obj, ast.Name) and isinstance(function, FUNCS) \
                and not function.decorator_list:
            owner = method_classes(semantic).get(id(function))
            params = [*function.args.posonlyargs, *function.args.args]
            if owner is not None and params and params[0].arg == obj.id \
                    and semantic.defining_scope(obj.id) is semantic.scope:
                class_name = f"{semantic.module_name or '__module__'}.{owner}"
        if class_name is None and isinstance(obj, (ast.Name, ast.Attribute)):
            class_name = semantic.type_of(obj)
        if class_name is None or class_name.startswith("builtins."):
            return None
        return self._instances.reads_through(class_name, method)

    def _helper_reads(self, call: ast.Call, argument: ast.expr, kind: str) -> bool:
        """A project function handed a shared-safe client (`fetch_json(client, url)`) that
        only calls reading methods on it (`client.get`): the call only reads through it."""
        callee = self._suspension.callee(call)
        if callee is None:
            return False
        fact = self._suspension.function_fact(callee, RECEIVER_FACT, receiver_fact)
        methods = [read_method(m) for m in receiver_methods(fact, call, argument) or ()]
        return bool(methods) and set(methods) <= catalog.READ_METHODS.get(kind, set())

    @functools.cached_property
    def _module_imports(self) -> frozenset[str]:
        """Local names bound by `import x` at module level: modules, never shared objects."""
        names: set[str] = set()
        for node in self._top_level_imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names.add(alias.asname or alias.name.split(".", 1)[0])
        return frozenset(names)

    @functools.cached_property
    def _top_level_imports(self) -> list[ast.Import | ast.ImportFrom]:
        """Imports of the module's top level (also under `if`/`try`), not inside functions."""
        found: list[ast.Import | ast.ImportFrom] = []
        stack: list[ast.stmt] = list(self.ctx.tree.body)
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                found.append(stmt)
            elif isinstance(stmt, (ast.If, ast.Try, ast.TryStar, ast.With)):
                for block in (stmt.body, getattr(stmt, "orelse", []),
                              getattr(stmt, "finalbody", [])):
                    stack.extend(block)
                for handler in getattr(stmt, "handlers", []):
                    stack.extend(handler.body)
        return found

    @functools.cached_property
    def _module_defs(self) -> frozenset[str]:
        return frozenset(
            stmt.name for stmt in self.ctx.tree.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        )

    @functools.cached_property
    def _ambient_module(self) -> bool:
        """The module imports a library that binds a session to the running context."""
        for node in self._top_level_imports:
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif node.module and not node.level:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            if any(n == m or n.startswith(m + ".") for n in names
                   for m in catalog.AMBIENT_SESSION_MODULES):
                return True
        return False

    def _uses_module_session(self, name: str) -> bool:
        """A function of this module that reaches a module-level object forbidding sharing
        (`session = AsyncSession(engine)` at the top of the file): its calls share it.
        Memoised on the rule instance: a `functools.cache` on the method kept every instance
        it was called on, with its file's tree and model, for the life of the process."""
        found = self._module_session.get(name)
        if found is None:
            found = self._module_session[name] = self._reaches_module_session(name)
        return found

    def _reaches_module_session(self, name: str) -> bool:
        semantic = self.semantic
        module_scope = semantic.module_scope
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, FUNCS) and stmt.name == name:
                for node in walk(stmt):
                    if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                            and module_scope.lookup(node.id) is not None
                            and semantic.types.type_of(node, module_scope) in self._forbid):
                        return True
        return False

    def _holds_literal(self, name: str) -> bool:
        """`URL = "https://..."`, `path = f"/users/{id}"`: a name only ever bound to a string
        or number literal holds an immutable value."""
        scope = self.semantic.defining_scope(name)
        if scope is None:
            return False
        node = scope.node  # one table per scope, for both rules (a walk of the whole scope)
        table = self.semantic.shared(f"concurrency.literals:{id(node)}",
                                     lambda: _literal_bindings(node))
        return table.get(name, False)

    def in_binding_context(self) -> bool:
        """Inside an `async with` that binds a connection or transaction to the context."""
        for ancestor in self.semantic.ancestors():
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return False
            if isinstance(ancestor, (ast.AsyncWith, ast.With)):
                for item in ancestor.items:
                    expr = item.context_expr
                    func = expr.func if isinstance(expr, ast.Call) else expr
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    words = set(name.lower().split("_")) | {name.lower()}
                    if words & catalog.CONTEXT_BINDING_WORDS:
                        return True
        return False

    def _is_static(self, root: str, called: bool = False) -> bool:
        """A module, a module-level function or class, an imported class, or (`called`) an
        imported name being called: not an object a call could share state through."""
        semantic = self.semantic
        owner = semantic.defining_scope(root)
        if owner is semantic.module_scope and root in self._module_defs:
            return True
        binding = semantic.binding_of(root)
        if binding is None:
            return semantic.resolve_name(root) is not None  # a builtin
        if not binding.qualified:
            return False
        if called or (root in self._module_imports and owner is semantic.module_scope):
            return True
        last = binding.qualified.rsplit(".", 1)[-1]
        return last[:1].isupper() and not last.isupper()  # CapWords: a class, not a CONSTANT

    def classify(self, stmt: ast.stmt, per_item: frozenset[str] = frozenset()) -> AwaitedCall | None:
        """The statement as an awaited call that could overlap with others, or None.

        `per_item` are names that hold a different object in each overlapping call (the loop
        variables of ASL401): passing them shares nothing.
        """
        assigned = True
        if isinstance(stmt, ast.Expr):
            value, targets, assigned = stmt.value, set(), False
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            value = stmt.value
            attribute = self._own_attribute(stmt.targets[0])
            found = target_names(stmt.targets[0]) if attribute is None else set()
            if found is None:
                return None
            targets = found
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.simple \
                and stmt.value is not None:
            value, targets = stmt.value, {stmt.target.id}
        else:
            return None
        if not (isinstance(value, ast.Await) and isinstance(value.value, ast.Call)):
            return None
        item = self.classify_call(stmt, value, targets, assigned, per_item)
        if item is not None and isinstance(stmt, ast.Assign):
            attribute = self._own_attribute(stmt.targets[0])
            if attribute is not None:
                item.attributes.add(attribute)
        return item

    def _own_attribute(self, target: ast.expr) -> str | None:
        """`self.config` as an assignment target in a method of a class: the attribute's path.
        Assigning it runs no code but a setter's, and no other statement sees it unless it
        reads `self`."""
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return None
        function = self.semantic.function
        scope = self.semantic.scope
        if not isinstance(function, FUNCS) or scope.parent is None \
                or scope.parent.kind != "class":
            return None
        params = [*function.args.posonlyargs, *function.args.args]
        if not params or params[0].arg != target.value.id or any(
                isinstance(d, ast.Name) and d.id == "staticmethod"
                for d in function.decorator_list):
            return None
        return f"{target.value.id}.{target.attr}"

    def classify_call(self, stmt: ast.stmt, await_node: ast.Await, targets: set[str],
                      assigned: bool, per_item: frozenset[str],
                      plain_effects: bool = False) -> AwaitedCall | None:
        """`plain_effects`: a discarded result of a module function handed only per-item
        and immutable values may overlap (ASL401: the same function once per item)."""
        call = await_node.value
        assert isinstance(call, ast.Call)
        if any(isinstance(n, _FORBIDDEN_INSIDE) for n in walk(call)):
            return None
        semantic = self.semantic
        func = call.func
        qualified = semantic.resolve(func)
        if qualified in catalog.ORDERING_CALLS:
            return None
        if isinstance(func, ast.Attribute) and func.attr in catalog.ORDERING_METHODS:
            return None
        callee_name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        writes_by_name = ordering.name_keeps_order(callee_name)
        if path_of(func) is None:
            return None  # `get_client().get(...)`, `(await x).y()`: what is called is unclear
        item = AwaitedCall(stmt, await_node, call, assigned, names_read(call),
                           targets | names_written(call))
        method = func.attr if isinstance(func, ast.Attribute) else None
        plain_function = receiver_allowed = False
        for index, obj in enumerate(passed_objects(call)):
            path = path_of(obj)
            assert path is not None
            root = root_of(path)
            is_callee_side = index == 0
            if root in per_item:
                continue
            called = is_callee_side and isinstance(func, ast.Name)
            if (is_callee_side or path == root) and self._is_static(root, called):
                plain_function = plain_function or is_callee_side
                continue
            kind = semantic.type_of(obj) if isinstance(obj, (ast.Name, ast.Attribute)) else None
            if kind in catalog.VALUE_TYPES or (path == root and self._holds_literal(root)):
                continue
            if is_callee_side and kind in catalog.SYNCHRONIZATION_TYPES:
                return None  # waiting on a lock, event or queue is ordering itself
            if kind in self._forbid:
                item.resources.append(Resource(path, kind, True, False))
                item.writes.add(root)
            elif kind in self._allow:
                receiver_allowed = receiver_allowed or is_callee_side
                reads = is_callee_side and method in catalog.READ_METHODS.get(kind, ())
                if not is_callee_side and plain_function:
                    reads = self._helper_reads(call, obj, kind)
                item.resources.append(Resource(path, kind, False, bool(reads)))
            elif is_callee_side and method is not None and assigned \
                    and (clients := self._instance_reads(obj, method)) is not None:
                # A project method that only reads through shared-safe clients of its
                # instance: the clients are what the call shares.
                item.resources.extend(Resource(f"{path}.{c.path}", c.type, False, True)
                                      for c in clients)
            else:
                item.opaque = True
                item.writes.add(root)  # the call may change what it is handed
        if writes_by_name and not receiver_allowed:
            return None
        if not receiver_allowed and (self._ambient_module or self._binding_context):
            item.opaque = True  # may run on the session the context holds  # a write keeps its place; shared-safe clients are judged by method
        if plain_function and qualified is not None:
            item.callee = qualified
        elif plain_function and isinstance(func, ast.Name) and self._uses_module_session(func.id):
            item.opaque = True  # a function of this module on a module-level session
        if not assigned:
            # A discarded result means the call is made for its effect, and effects have an
            # order; only writes through a shared-allowed client (each checked against the
            # others) may overlap.
            allowed_write = any(not r.forbids for r in item.resources) and not item.opaque
            plain = plain_effects and plain_function and not item.resources \
                and not item.opaque
            if not (allowed_write or plain):
                return None
        return item


_LITERALS = (ast.Constant, ast.JoinedStr)
_WITH_NOTE = " (each item's coroutine enters the `with` block itself)"


def _awaits_a_call(stmt: ast.stmt) -> bool:
    """The statement has the shape `classify` accepts: `await f(...)`, alone or assigned."""
    if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign):
        value = stmt.value
        return isinstance(value, ast.Await) and isinstance(value.value, ast.Call)
    return False


def _literal_bindings(scope_node: ast.AST) -> dict[str, bool]:
    """For each name bound in a scope (nested scopes excluded): whether every binding is an
    assignment of a literal value."""
    found: dict[str, bool] = {}
    params = getattr(scope_node, "args", None)
    if isinstance(params, ast.arguments):
        for a in (*params.posonlyargs, *params.args, *params.kwonlyargs, params.vararg,
                  params.kwarg):
            if a is not None:
                found[a.arg] = False
    stack = list(child_nodes(scope_node))
    plain_targets: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, NESTED_SCOPES):
            if not isinstance(node, ast.Lambda):
                found[node.name] = False
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            literal = isinstance(node.value, _LITERALS)
            for target in targets:
                if isinstance(target, ast.Name):
                    plain_targets.add(id(target))
                    found[target.id] = found.get(target.id, True) and literal
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            if id(node) not in plain_targets:
                found[node.id] = False
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(dict.fromkeys(node.names, False))
        elif isinstance(node, ast.alias):
            found[(node.asname or node.name).split(".", 1)[0]] = False
        stack.extend(child_nodes(node))
    return found


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    blocks = [getattr(node, f) for f in _BLOCK_FIELDS if isinstance(getattr(node, f, None), list)]
    return [b for b in blocks if b and isinstance(b[0], ast.stmt)]


@dataclass(frozen=True)
class GatherPlan(FixPlan):
    """ASL400's fix: the `count` statements from the finding's on, gathered (in an
    `asyncio.TaskGroup` block when `taskgroup`: `gather-style` asks for it and the project's
    Python has it)."""

    count: int
    taskgroup: bool


class SequentialAwaits(_ConcurrencyRule):
    code = "ASL400"
    name = "sequential-independent-awaits"
    message_formats = (
        "{count} independent awaits run one after another ({calls}); they could run "
        "concurrently with `asyncio.gather`",
        "{count} independent awaits run one after another ({calls}); they could run "
        "concurrently with `asyncio.gather` ({staying} does not wait on I/O and stays in "
        "place)",
    )
    summary = "Consecutive awaits of independent operations could run concurrently"
    explanation = (
        "`a = await f()` followed by `b = await g()` waits for `f` to finish before `g` starts: "
        "the function is as slow as the sum of both. When the two operations are independent, "
        "`a, b = await asyncio.gather(f(), g())` runs them concurrently and is as slow as the "
        "slower one.\n\n"
        "The rule reports a run of two or more consecutive statements of the same block (so the "
        "same `try`/`with`/loop context) that each await one call, assigned to names, to an "
        "attribute of the method's own instance (`self.config = await ...`) or "
        "discarded, and only when every pair is safe to overlap. It is silent when:\n"
        "- a later call reads a name an earlier statement binds, or an earlier call reads a name "
        "a later one binds (names, attribute paths and subscripts compare by their root name);\n"
        "- two calls use the same object of a type that forbids concurrent use — an "
        "`AsyncSession`, `AsyncConnection`, asyncpg `Connection`, transaction, cursor, websocket, "
        "request or stream — or two such objects of the same type (FastAPI hands the same cached "
        "dependency to two parameters);\n"
        "- an object of unknown type is used by a call and another call uses either an unknown "
        "object or a forbidding one: a repository or service of unknown type may wrap the "
        "request's session. Objects documented as safe to share (`httpx.AsyncClient`, "
        "`aiohttp.ClientSession`, asyncpg `Pool`, `redis.asyncio.Redis`) may be shared when "
        "every call through them only reads (`get`, `fetch`, ...), or hands them to a project "
        "function that only calls reading methods on them (`fetch_json(client, url)` doing "
        "`await client.get(url)`, also from a retrying closure, with `client.request(\"GET\", "
        "...)` counting as a `get`). Calls of a project method on one object (`await "
        "self.get(...)`, `await api.read_runs(...)`, the results kept) may overlap when the "
        "method, and every method of the object it calls (followed on the object's own "
        "class), does nothing with the object but read attributes and call methods of "
        "shared-safe clients it holds (`self.wallet.client.request(...)`; every call "
        "through an HTTP client, only the reading ones through a pool or a store): one that "
        "stores an attribute (caches a token), hands the object on, or whose class or "
        "attribute types are unknown keeps the calls in order; values of immutable types "
        "(`int`, `str`, `UUID`, ...) are shared freely;\n"
        "- a call has an ordering meaning: `asyncio.sleep`, lock/semaphore/event/condition/queue "
        "operations, `commit`/`rollback`/`flush`/`refresh`/`close`, protocol steps "
        "(`connect`, `send`, `receive`, ...), or it already is concurrency (`gather`, `wait`) or "
        "hands work to a thread (`to_thread`, `run_in_threadpool`);\n"
        "- a callee's name says it changes state (`update_limits`, `get_or_create`, `asave`, "
        "...): the next call may read what it wrote; or that it is a guard awaited first so "
        "its exception stops the rest (`check_user_exists`, `ensure_admin`, `validate_...`, "
        "`..._or_raise`, `setup_...`); or that it gets a resource for what follows "
        "(`get_session`, `get_db`, `get_redis_client`);\n"
        "- a statement's result is discarded: it runs for its effect, and effects have an "
        "order (unless it writes through a shared-safe client used by no other call);\n"
        "- the module imports a library that binds a session to the running context "
        "(fastapi-async-sqlalchemy's `db.session`, ...), or the awaits sit in an `async with` "
        "that binds a connection or transaction (`transaction()`, `atomic()`, `acquire()`, "
        "`begin()`, ...): gathered tasks inherit that context and would share it unseen;\n"
        "- any other statement stands between the awaits, or the await is not directly the "
        "statement's value (`x = (await f()).json()`), or the awaited thing is not a call;\n"
        "- the file is test code (the `test-paths` setting; `ASL4` is in the default "
        "`test-ignore`): tests await in order on purpose;\n"
        "- fewer than two of the calls are known to wait on the network. Each call gets the "
        "kind of what it waits on (`catalogs/waits.py`, followed through the project's "
        "coroutines; one that may take several paths gets the costliest): `network` (httpx, "
        "aiohttp, websockets, async SDK clients such as openai or aioboto3), `database` "
        "(SQLAlchemy async sessions, asyncpg, databases, redis, ORM queries), `file`, "
        "`timer`, `process`, `sync`, `none` (a project `async def` that awaits nothing runs to "
        "its end in one step) or `unknown`. Only requests to other services take long enough "
        "for the overlap to pay: two pooled primary-key lookups take well under a millisecond "
        "each, gathering them costs a second pool connection (and one session cannot be "
        "gathered at all), and the real fix is one query. An `unknown` call — an awaitable "
        "the tables do not know, a stub, a project function out of reach — is not counted: "
        "when the analysis cannot tell that gathering pays, it says nothing "
        "(`concurrency-network-apis` names your own clients). A run is cut to its first and "
        "last network call; a call between them that waits on something else is gathered "
        "along, one that does not wait at all is named in the message and then no rewrite "
        "is offered.\n\n"
        "What stays invisible to the rule is what a called project function of another "
        "module does inside (uses a module-level session, say): the rule looks only into the "
        "functions defined in the checked file.\n\n"
        "The number of awaits that makes a run worth reporting is `gather-min-awaits` "
        "(default 2); `concurrency-safe-receivers` and `concurrency-unsafe-receivers` extend "
        "the tables of receiver types, `concurrency-network-apis` the network APIs."
    )
    bad_example = (
        "import httpx\n\n\n"
        "async def dashboard(user_id: int, client: httpx.AsyncClient):\n"
        "    profile = await client.get(f\"/users/{user_id}\")\n"
        "    orders = await client.get(f\"/orders?user={user_id}\")\n"
        "    return profile.json(), orders.json()\n"
    )
    good_example = (
        "import asyncio\n\nimport httpx\n\n\n"
        "async def dashboard(user_id: int, client: httpx.AsyncClient):\n"
        "    profile, orders = await asyncio.gather(\n"
        "        client.get(f\"/users/{user_id}\"),\n"
        "        client.get(f\"/orders?user={user_id}\"),\n"
        "    )\n"
        "    return profile.json(), orders.json()\n"
    )
    fix_title = "Run the awaits concurrently with `asyncio.gather`"
    fix_applicability = Applicability.UNSAFE
    fix_safety = (
        "The fix is unsafe: with `gather` the calls start together, so the load they put on "
        "servers changes; when one fails the others keep running and only the first exception "
        "propagates (a `TaskGroup` cancels the others instead); and cancellation reaches all of "
        "them at once. It binds the same names from the same calls in the same order; annotated "
        "targets keep their annotations as declarations before the assignment; a discarded "
        "result becomes `_` (no fix when `_` is used in the module). With "
        "`gather-style = \"taskgroup\"` it writes an `async with asyncio.TaskGroup() as tg:` "
        "block instead, unless the project's `requires-python` allows Python < 3.11. Comments "
        "between the statements move next to their calls in the rewrite; no fix is offered for "
        "statements sharing a line (`a = await f(); b = await g()`)."
    )
    default_enabled = True

    def visit_stmt(self, node: ast.stmt) -> None:
        parent = self.semantic.parent
        if parent is None or not self.semantic.in_async_function:
            return
        for block in _blocks(parent):
            if block[0] is node:
                self._check_block(block)

    def _check_block(self, block: list[ast.stmt]) -> None:
        # Only statements shaped like `[x =] await f(...)` can be classified as awaited calls,
        # and only a stretch of at least `minimum` of them in a row can be reported: the rest
        # of the block is not classified at all (same findings, a fraction of the work).
        minimum = max(self.ctx.settings.gather_min_awaits, 2)
        shaped = [_awaits_a_call(stmt) for stmt in block]
        candidates = [False] * len(block)
        start = 0
        for end in range(len(block) + 1):
            if end == len(block) or not shaped[end]:
                if end - start >= minimum:
                    candidates[start:end] = [True] * (end - start)
                start = end + 1
        if not any(candidates):
            return
        self._binding_context = self.in_binding_context()
        run: list[AwaitedCall] = []
        for stmt, candidate in zip(block, candidates, strict=True):
            item = self.classify(stmt) if candidate else None
            if item is None:
                self._report(run)
                run = []
            elif any(earlier.conflicts_with(item) for earlier in run):
                self._report(run)
                run = [item]
            else:
                run.append(item)
        self._report(run)

    def _report(self, run: list[AwaitedCall]) -> None:
        minimum = max(self.ctx.settings.gather_min_awaits, 2)
        if len(run) < minimum:
            return
        # Only requests to other services gain enough from overlapping: the run is cut to
        # its first and last network call, and at least two must wait on the network. A call
        # between them that waits on something else is gathered along (it is safe, and its
        # time is saved too); one that runs to its end in one step stays where it is.
        kinds = [self.wait_kind(item) for item in run]
        network = [kind == waits.NETWORK for kind in kinds]
        if sum(network) < 2:
            return
        first, last = network.index(True), len(network) - 1 - network[::-1].index(True)
        run, kinds = run[first:last + 1], kinds[first:last + 1]
        waiting = [kind != waits.NONE for kind in kinds]
        gathered = [item for item, wait in zip(run, waiting, strict=True) if wait]
        if len(gathered) < minimum:
            return
        names = ", ".join(_call_name(item.call) for item in gathered)
        message = (f"{len(gathered)} independent awaits run one after another ({names}); "
                   "they could run concurrently with `asyncio.gather`")
        if len(gathered) == len(run):
            self.report(run[0].await_node, message,
                        fix_plan=GatherPlan(len(run), self._taskgroup_allowed()))
            return
        # A call that does not suspend splits the group: no rewrite moves it out of the way.
        staying = ", ".join(_call_name(item.call)
                            for item, wait in zip(run, waiting, strict=True) if not wait)
        self.report(run[0].await_node,
                    f"{message} ({staying} does not wait on I/O and stays in place)")

    def _taskgroup_allowed(self) -> bool:
        settings = self.ctx.settings
        if settings.gather_style != "taskgroup":
            return False
        pyproject = settings.config_file or settings.root / "pyproject.toml"
        minimum = self.ctx.environment.requires_python_minor(Path(pyproject))
        return minimum is None or minimum >= 11

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods import gather

        plan = diagnostic.fix_plan
        if not isinstance(plan, GatherPlan):
            return None
        edits = gather.sequential(fctx, diagnostic, plan.count, plan.taskgroup)
        return self.fix_with(diagnostic, edits, _TASKGROUP_TITLE if plan.taskgroup else None)


@dataclass(frozen=True)
class LoopGatherPlan(FixPlan):
    """ASL401's fix: what is rewritten as one `gather`, a list comprehension (in parentheses
    when `needs_parens`), a loop awaiting, or a loop appending what it awaits to a list."""

    form: Literal["comprehension", "loop", "append"]
    needs_parens: bool


class AwaitInLoop(_ConcurrencyRule):
    code = "ASL401"
    name = "await-in-loop-over-independent-items"
    message_formats = (
        "`{call}` is awaited once per item, one item at a time; `asyncio.gather` would "
        "run the items concurrently",
        "`{call}` is awaited once per item, one item at a time; `asyncio.gather` would "
        "run the items concurrently (bound the fan-out for large inputs)",
        "`{call}` is awaited once per item, one item at a time; `asyncio.gather` would "
        "run the items concurrently (each item's coroutine enters the `with` block itself)",
    )
    summary = "A loop awaits one independent operation per item, one at a time"
    explanation = (
        "`for x in xs: results.append(await fetch(x))` and `[await fetch(x) for x in xs]` wait "
        "for each item before starting the next: the loop is as slow as the sum of its items. "
        "`await asyncio.gather(*(fetch(x) for x in xs))` runs them concurrently.\n\n"
        "The rule is silent unless the iterations are provably independent: the loop body is "
        "the single awaited call (collected with `append`, stored in a mapping of the function "
        "under a key made of the loop variables — `results[url] = await fetch(url)` — or the "
        "element of a list comprehension with one `for`; a `functools.partial` of a project "
        "coroutine bound once in the function is judged as the call it makes), possibly "
        "inside a `with` block whose context only observes (a tracing span, a timer, "
        "`contextlib.suppress`: each item's coroutine then enters its own; a lock, a rate "
        "limiter or an unknown context keeps the loop), the call uses the loop variable, passes no object other "
        "than the loop's items that could carry state between iterations (an object of unknown "
        "type, a session, connection or stream), goes through a shared-safe client "
        "(`httpx.AsyncClient`, ...) only with a reading method, and has no ordering meaning "
        "(sleep, locks, queues, commit, protocol steps), and is known to wait on the network "
        "(the kinds of ASL400: a loop of database lookups gains nothing worth one pool "
        "connection per item — one query for all items is the fix — and a call whose wait "
        "is unknown shows no gain). A loop with `break`, `continue`, "
        "`return`, an `else`, a `sleep` or any other statement is left alone: it may be "
        "rate-limited or stop early on purpose. Callees whose names say they write "
        "(`create_item`) and loops inside transaction blocks are left alone. A discarded result "
        "(`for x in xs: await f(x)`) is reported only for a call through a client that is safe "
        "to share (an `httpx.AsyncClient`, say), or of a module function handed nothing but "
        "the loop's items and immutable values whose name does not say it writes "
        "(`await warm_cache(key, region=region)`, not `await delete_object(bucket, key)`): a "
        "call made for its effect may depend on the order. Calls on the items themselves "
        "(`for s in services: await s.stop()`) keep their order: shutdown order is often "
        "dependency order. Test files are skipped.\n\n"
        "Before applying the suggestion, think about fan-out: `gather` starts every item at "
        "once. For large or unbounded inputs, bound it (an `asyncio.Semaphore`, or batches).\n\n"
        "The rule is opt-in: whether every item may start at once depends on the sizes of the "
        "inputs and on the servers behind the call, which the code does not show, and its "
        "precision has no hand-labelled measure yet: before calls had to be known requests, "
        "its 6 findings on the 23 ecosystem projects were none clearly worth acting on (a "
        "periodic sweep of local sessions, disconnects that have a batch API, cached "
        "per-resource checks); since, it has none to label."
    )
    bad_example = (
        "import httpx\n\n\n"
        "async def prices(client: httpx.AsyncClient, skus: list[str]):\n"
        "    results = []\n"
        "    for sku in skus:\n"
        "        results.append(await client.get(f\"/price/{sku}\"))\n"
        "    return results\n"
    )
    good_example = (
        "import asyncio\n\nimport httpx\n\n\n"
        "async def prices(client: httpx.AsyncClient, skus: list[str]):\n"
        "    results = []\n"
        "    results.extend(await asyncio.gather(*(client.get(f\"/price/{sku}\") for sku in skus)))\n"
        "    return results\n"
    )
    fix_title = "Run the items concurrently with `asyncio.gather`"
    fix_applicability = Applicability.DISPLAY_ONLY
    fix_safety = (
        "The suggestion is display-only: it starts every item at once, which changes the load "
        "on the servers and pools behind the call from one request in flight to as many as "
        "there are items — whether that is acceptable (or needs a semaphore) is a decision the "
        "code does not show. Exceptions and cancellation also behave as with `gather`. It is "
        "not offered when the loop variable is used after the loop, when the collecting list "
        "is not a list built in the function, or when a comment in the loop would be lost. "
        "It is always written with `gather`, whatever `gather-style` says."
    )
    default_enabled = False

    def visit_For(self, node: ast.For) -> None:
        if self._enter():
            self._check_loop(node)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        if self._enter():
            self._check_comprehension(node)

    def _enter(self) -> bool:
        """Whether the node at hand is checked; when it is, its binding context is set."""
        if not self.semantic.in_async_function:
            return False
        self._binding_context = self.in_binding_context()
        return True

    def _check_comprehension(self, node: ast.ListComp) -> None:
        if len(node.generators) != 1:
            return
        gen = node.generators[0]
        loop_names = target_names(gen.target)
        if gen.is_async or loop_names is None or not isinstance(node.elt, ast.Await):
            return
        if any(isinstance(n, _FORBIDDEN_INSIDE) for n in (*walk(gen.iter),
                                                            *(x for c in gen.ifs
                                                              for x in walk(c)))):
            return
        stmt = ast.Expr(value=node.elt)
        item = self._independent_item(stmt, node.elt, frozenset(loop_names), assigned=True)
        if item is None:
            return
        parent = self.semantic.parent
        needs_parens = isinstance(parent, (ast.Attribute, ast.Subscript, ast.Call)) and (
            getattr(parent, "value", None) is node or getattr(parent, "func", None) is node
        )
        self.report(
            node.elt,
            f"`{_awaited_name(node.elt)}` is awaited once per item, one item at a time; "
            "`asyncio.gather` would run the items concurrently",
            fix_plan=LoopGatherPlan("comprehension", needs_parens),
        )

    def _check_loop(self, node: ast.For) -> None:
        loop_names = target_names(node.target)
        if node.orelse or loop_names is None or len(node.body) != 1:
            return
        stmt = node.body[0]
        wrapped = False
        if isinstance(stmt, ast.With):
            inner = self._neutral_with(stmt)
            if inner is None:
                return
            # What the contexts bind is made afresh for each item, like the loop variables.
            loop_names = loop_names | {i.optional_vars.id for i in stmt.items
                                       if isinstance(i.optional_vars, ast.Name)}
            stmt, wrapped = inner
        if isinstance(stmt, ast.Assign):
            self._check_keyed_loop(node, stmt, loop_names, wrapped)
            return
        if not isinstance(stmt, ast.Expr):
            return
        value = stmt.value
        collector: str | None = None
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and value.func.attr == "append" and isinstance(value.func.value, ast.Name)
                and len(value.args) == 1 and not value.keywords
                and isinstance(value.args[0], ast.Await)):
            collector = value.func.value.id
            awaited = value.args[0]
            assigned = True
        elif isinstance(value, ast.Await):
            awaited, assigned = value, False
        else:
            return
        if any(isinstance(n, _FORBIDDEN_INSIDE) for n in walk(node.iter)):
            return
        item = self._independent_item(stmt, awaited, frozenset(loop_names), assigned,
                                      plain_effects=not assigned)
        if item is None or (collector is not None and (
                collector in item.reads or collector in names_read(node.iter)
                or collector in loop_names)):
            return
        plan = None if wrapped else self._loop_plan(node, loop_names, collector)
        note = "" if assigned else " (bound the fan-out for large inputs)"
        if wrapped:
            note = _WITH_NOTE
        self.report(
            awaited,
            f"`{_awaited_name(awaited)}` is awaited once per item, one item at a time; "
            f"`asyncio.gather` would run the items concurrently{note}",
            fix_plan=plan,
        )

    def _neutral_with(self, stmt: ast.With) -> tuple[ast.stmt, bool] | None:
        """The one statement of a `with` block whose contexts only observe (a tracing span, a
        timer, `contextlib.suppress`: `catalogs/concurrency.NEUTRAL_CONTEXT_*`): each item's
        coroutine may enter its own. A lock, a transaction, a rate limiter or anything
        unknown keeps the loop as it is."""
        if len(stmt.body) != 1:
            return None
        for item in stmt.items:
            expr = item.context_expr
            if any(isinstance(n, _FORBIDDEN_INSIDE) for n in walk(expr)):
                return None
            if item.optional_vars is not None and not isinstance(item.optional_vars, ast.Name):
                return None
            func = expr.func if isinstance(expr, ast.Call) else expr
            if self.semantic.resolve(func) in catalog.NEUTRAL_CONTEXT_CALLS:
                continue
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            words = set(ordering.words_of(name))
            if not isinstance(expr, ast.Call) or not words & catalog.NEUTRAL_CONTEXT_WORDS \
                    or words & (catalog.CONTEXT_BINDING_WORDS | catalog.PACING_WORDS):
                return None
        return stmt.body[0], True

    def _check_keyed_loop(self, node: ast.For, stmt: ast.Assign, loop_names: set[str],
                          wrapped: bool = False) -> None:
        """`for url in urls: results[url] = await fetch(url)`: each result stored in a mapping
        under a key made of the loop variables only (reported without a rewrite)."""
        target = stmt.targets[0] if len(stmt.targets) == 1 else None
        if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                and isinstance(stmt.value, ast.Await)):
            return
        store = target.value.id
        if self.semantic.defining_scope(store) is not self.semantic.scope:
            return  # a mapping the callee may see (a module's cache): its reads may depend
        key_names = names_read(target.slice)
        if not key_names or not key_names <= loop_names or any(
                isinstance(n, (ast.Call, *_FORBIDDEN_INSIDE)) for n in walk(target.slice)):
            return
        if any(isinstance(n, _FORBIDDEN_INSIDE) for n in walk(node.iter)):
            return
        item = self._independent_item(stmt, stmt.value, frozenset(loop_names), assigned=True)
        if item is None or store in item.reads or store in names_read(node.iter) \
                or store in loop_names:
            return
        self.report(
            stmt.value,
            f"`{_awaited_name(stmt.value)}` is awaited once per item, one item at a time; "
            f"`asyncio.gather` would run the items concurrently{_WITH_NOTE if wrapped else ''}",
        )

    def _independent_item(self, stmt: ast.stmt, awaited: ast.Await, loop_names: frozenset[str],
                          assigned: bool, plain_effects: bool = False) -> AwaitedCall | None:
        if not isinstance(awaited.value, ast.Call):
            return None
        awaited = self._through_partial(awaited)
        item = self.classify_call(stmt, awaited, set(), assigned, loop_names, plain_effects)
        if item is None or item.opaque or not (item.reads & loop_names):
            return None
        # Every iteration uses the same objects: each is shared with the other iterations.
        if any(r.forbids or not r.reads_only for r in item.resources):
            return None
        if item.writes - loop_names:
            return None
        if self.wait_kind(item) != waits.NETWORK:
            return None  # only requests to other services gain enough from overlapping
        return item

    def _through_partial(self, awaited: ast.Await) -> ast.Await:
        """`fetch_one(url)` where the function bound `fetch_one = functools.partial(fetch,
        client)` once: judged as `fetch(client, url)`, the call it makes (what it shares, what
        it waits on)."""
        call = awaited.value
        function = self.semantic.function
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and isinstance(function, FUNCS)
                and self.semantic.defining_scope(call.func.id) is self.semantic.scope):
            return awaited
        name = call.func.id
        bindings = [n for n, _ in own_nodes(function.body)
                    if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
        found = [n for n, _ in own_nodes(function.body) if isinstance(n, ast.Assign)
                 and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                 and n.targets[0].id == name]
        if len(bindings) != 1 or len(found) != 1:
            return awaited
        value = found[0].value
        if not (isinstance(value, ast.Call) and value.args
                and self.semantic.resolve(value.func) == "functools.partial"
                and not any(isinstance(a, ast.Starred) for a in (*value.args, *call.args))
                and all(k.arg is not None for k in (*value.keywords, *call.keywords))):
            return awaited
        inner = ast.Call(func=value.args[0], args=[*value.args[1:], *call.args],
                         keywords=[*value.keywords, *call.keywords])
        return ast.copy_location(ast.Await(value=ast.copy_location(inner, call)), awaited)

    def _loop_plan(self, node: ast.For, loop_names: set[str],
                   collector: str | None) -> LoopGatherPlan | None:
        function = self.semantic.function
        if function is None:
            return None
        inside = {id(n) for n in walk(node)}
        for n in walk(function):
            if isinstance(n, ast.Name) and n.id in loop_names and id(n) not in inside:
                return None  # the loop variable outlives the loop
        if collector is None:
            return LoopGatherPlan("loop", False)
        before = [n for n in walk(function) if isinstance(n, (ast.Assign, ast.AnnAssign))
                  and (n.lineno, n.col_offset) < (node.lineno, node.col_offset)]
        if any(self._builds_list(n, collector) for n in before):
            return LoopGatherPlan("append", False)
        return None

    def _builds_list(self, stmt: ast.Assign | ast.AnnAssign, name: str) -> bool:
        """`name = []`, `name: list[T] = []` or `name = list()`: `extend` is there."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id != name:
            return False
        value = stmt.value
        return isinstance(value, (ast.List, ast.ListComp)) or (
            isinstance(value, ast.Call) and self.semantic.resolve(value.func) == "builtins.list")

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        from asynclint.fixes.codemods import gather

        plan = diagnostic.fix_plan
        if not isinstance(plan, LoopGatherPlan):
            return None
        edits = gather.over_items(fctx, diagnostic, plan.form, plan.needs_parens)
        return self.fix_with(diagnostic, edits)

# -- helpers ----------------------------------------------------------------------------------
def _call_name(call: ast.Call) -> str:
    return f"{path_of(call.func) or 'call'}()"


def _awaited_name(awaited: ast.expr) -> str:
    """The call as written (`fetch_one()`, not the `functools.partial` it stands for)."""
    if isinstance(awaited, ast.Await) and isinstance(awaited.value, ast.Call):
        return _call_name(awaited.value)
    return "call()"


# This family's rules, in code order; `rules.load_registry` reads it (nothing registers on import).
RULES: tuple[type[Rule], ...] = (
    SequentialAwaits,
    AwaitInLoop,
)
