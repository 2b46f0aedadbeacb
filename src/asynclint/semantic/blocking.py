"""Which calls block: the catalog matched through name resolution and type inference, and
blocking reached through the project's own sync functions (`helper() -> requests.get`).

One `BlockingAnalysis` per module, shared by every ASL1xx rule (`SemanticModel.shared`). What a sync
function does as far as blocking goes (`BlockingSummary`) becomes the function's fact in the
project index (`project_fact`), through which calls are followed across modules.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from asynclint.semantic.catalogs.aliases import ALIASES
from asynclint.semantic.catalogs.blocking import (
    CACHING_DECORATORS,
    CATALOG,
    INHERITED_RECEIVERS,
    THREAD_RUNNERS,
    TRANSPARENT_DECORATORS,
    WAITED_STARTS,
    BlockingCall,
    Cost,
    FixKind,
    Kind,
)
from asynclint.semantic.config_files import ConfigFiles, ConfigRead
from asynclint.semantic.guards import (
    ALWAYS,
    NEVER,
    CallArgs,
    Check,
    Guard,
    ParameterUse,
    Signature,
    apply,
    bind,
    both,
    either,
    guard_from_data,
    guard_to_data,
)
from asynclint.semantic.lazy_init import lazy_init_nodes
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import assigns, own_nodes
from asynclint.semantic.scopes import LOCAL, Scope, ScopeKind
from asynclint.semantic.syntax import (
    BINDING_NODES,
    FUNCS,
    NESTED_SCOPES,
    YIELD_ROWS,
    FuncDef,
    bound_name,
    rows_unknown,
    rows_within,
)
from asynclint.semantic.types import canonical

# The last part of every name a call can match (`x.y.read` ends in `read`): a method call whose
# name is not among them matches nothing, whatever its receiver, so its receiver's type is never
# worked out. Canonical spellings (`redis.StrictRedis` -> `redis.Redis`) count both names.
_LAST_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in (*CATALOG, *ALIASES))
MAX_DEPTH = 4  # helper levels followed from a coroutine
MAX_CHAIN = MAX_DEPTH + 1  # names in a chain: the helpers, then the catalogued call

# (chain of display names, the catalogued call at its end)
Chain = tuple[tuple[str, ...], BlockingCall]


MAX_REACHES = 4  # guarded ways to block a function keeps before it forgets the guards


@dataclass(frozen=True)
class Reach:
    """One way a function reaches a blocking call: the chain of display names, the catalogued
    call at its end, and when it runs (a guard on the function's parameters, `semantic.guards`)."""

    chain: tuple[str, ...]
    entry: BlockingCall
    guard: Guard = ALWAYS


@dataclass(frozen=True)
class Reaches:
    """Every kept way a function blocks, in source order, and how its arguments bind."""

    reaches: tuple[Reach, ...]
    signature: Signature | None


NO_REACHES = Reaches((), None)


def keep(found: Sequence[Reach]) -> tuple[Reach, ...]:
    """The reaches worth keeping, in order: one per chain (its guards joined), none after an
    unconditional heavy one, no light one after an unconditional light one; past
    `MAX_REACHES`, the guards are dropped (the function then blocks as it did before guards
    were known)."""
    merged: dict[tuple[tuple[str, ...], str, Cost], Reach] = {}
    for reach in found:
        key = reach.chain, reach.entry.name, reach.entry.cost
        earlier = merged.get(key)
        merged[key] = reach if earlier is None else \
            Reach(reach.chain, reach.entry, either(earlier.guard, reach.guard))
    kept: list[Reach] = []
    light = False
    for reach in merged.values():
        heavy = reach.entry.cost is Cost.HEAVY
        if not heavy and light:
            continue
        kept.append(reach)
        if reach.guard == ALWAYS:
            if heavy:
                break
            light = True
    if len(kept) > MAX_REACHES:
        chosen = pick(kept)
        return (Reach(chosen[0], chosen[1]),) if chosen else ()
    return tuple(kept)


def pick(reaches: Sequence[Reach]) -> Chain | None:
    """The chain to show: the first heavy reach, else the first."""
    for reach in reaches:
        if reach.entry.cost is Cost.HEAVY:
            return reach.chain, reach.entry
    return (reaches[0].chain, reaches[0].entry) if reaches else None


@dataclass(frozen=True)
class Site:
    """A call of a function in another module, as its fact records it: when it runs (a guard on
    the caller's parameters), its arguments, and whether it is made on an instance."""

    guard: Guard
    args: CallArgs
    bound: bool


@dataclass(frozen=True)
class BlockingSummary:
    """What a sync function of a module does, as far as blocking goes.

    `reaches` are the ways the function blocks on its own (through this module's helpers);
    `callees` are the qualified names of calls that leave the module, for a project index to
    follow, with their `sites` (at most a few per callee; none recorded: not known).
    """

    qualname: str  # "app.helpers.load_user" or "app.repo.Repo.load"
    reaches: tuple[Reach, ...]
    callees: tuple[str, ...]
    sites: dict[str, list[Site]]
    signature: Signature


def _is_generator(func: FuncDef) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n, _ in own_nodes(func.body))


def _names_flag(expr: ast.expr, flags: tuple[str, ...]) -> bool:
    """The argument mentions one of the flags (`fcntl.LOCK_EX | fcntl.LOCK_NB`)."""
    return any((isinstance(n, ast.Attribute) and n.attr in flags)
               or (isinstance(n, ast.Name) and n.id in flags) for n in ast.walk(expr))


def _falsy(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and not expr.value and expr.value is not None


def _bound_names(body: list[ast.stmt]) -> dict[str, list[ast.AST]]:
    """The nodes binding each name in a block (`syntax.bound_name`; not descending into
    nested scopes)."""
    found: dict[str, list[ast.AST]] = {}
    for node, _ in own_nodes(body):
        name = bound_name(node) if node.__class__ in BINDING_NODES else None
        if name is not None:
            found.setdefault(name, []).append(node)
    return found


class BlockingAnalysis:
    def __init__(self, model: SemanticModel, extra: tuple[str, ...] = (),
                 project: Any = None) -> None:
        self.model = model
        # The project index as seen from this file (`semantic.project.view.ProjectView`): its
        # `lookup_full(qualified)` gives other modules' function summaries, whose
        # `facts["blocks"]` this module's `project_fact` wrote.
        self.project = project
        self.extra = {
            name: BlockingCall(name, Kind.CONFIGURED, "an async equivalent", FixKind.THREAD)
            for name in extra
        }
        self._last_names = _LAST_NAMES | {name.rsplit(".", 1)[-1] for name in extra}
        self._direct: dict[int, BlockingCall | None] = {}
        self._summaries: dict[int, tuple[Reach, ...]] = {}
        self._signatures: dict[int, Signature] = {}
        self._parameters: dict[int, ParameterUse] = {}
        self._generators: dict[int, bool] = {}
        self._bindings: dict[int, dict[str, list[ast.AST]]] = {}
        self._scopes: dict[int, Scope] = {}
        self._project_memo: dict[tuple[str, int], Reaches] = {}
        self._files = ConfigFiles.of(model)
        self._lazy: dict[int, frozenset[int]] = {}  # `_first_use`
        self._own: dict[int, list[ast.AST]] = {}  # `_own_nodes`

    # -- direct calls ---------------------------------------------------------------------------
    def direct(self, call: ast.Call, scope: Scope) -> BlockingCall | None:
        """The catalog (or configured) entry this call matches, if it blocks as written."""
        key = id(call)
        if key not in self._direct:
            self._direct[key] = self._match(call, scope)
        return self._direct[key]

    def cost_of(self, call: ast.Call, entry: BlockingCall, scope: Scope) -> Cost:
        """What `call`, matching `entry`, costs where it is: a read-only read of a named
        configuration file is `Cost.CONFIG` (`semantic.config_files`), else the entry's cost."""
        if entry.cost is Cost.HEAVY and entry.kind is Kind.FILE:
            read = self._read(call, entry, scope, frozenset())
            if read is not None and read.param is None:
                return Cost.CONFIG
        return entry.cost

    def _read(self, call: ast.Call, entry: BlockingCall, scope: Scope, params: frozenset[str]
              ) -> ConfigRead | None:
        """`call` reads a configuration file, or the file a parameter names (`ConfigFiles.read`),
        itself or as a method of the file such a read opened (`open(p).read()`, `f.read()` of
        `with open(p) as f:`)."""
        read = self._files.read(call, entry.name, scope, params)
        if read is not None:
            return read
        func = call.func
        opener = func.value if isinstance(func, ast.Attribute) \
            and isinstance(func.value, ast.Call) else self._files.opener(call, scope)
        opened = self.direct(opener, scope) if opener is not None else None
        if opener is None or opened is None:
            return None
        return self._files.read(opener, opened.name, scope, params)

    def _direct_reaches(self, call: ast.Call, entry: BlockingCall, scope: Scope,
                        func: ast.FunctionDef) -> list[Reach]:
        """How a catalogued call in a sync function's body blocks: a read of a named
        configuration file costs `Cost.CONFIG`; a read of the file a parameter names costs
        that when the caller passes such a name, else the entry's cost (two guarded reaches)."""
        shown = (_call_name(entry),)
        if entry.cost is Cost.HEAVY and entry.kind is Kind.FILE:
            read = self._read(call, entry, scope, self._parameter_use(func).forwardable)
            config = replace(entry, cost=Cost.CONFIG)
            if read is not None and read.param is None:
                return [Reach(shown, config)]
            if read is not None and read.param is not None:
                names = Check(read.param, "config")
                return [Reach(shown, entry, ((names.negate(),),)), Reach(shown, config, ((names,),))]
        return [Reach(shown, entry)]

    def _configs(self, call: ast.Call, scope: Scope) -> frozenset[int]:
        """The ids of `call`'s arguments that are paths to configuration files."""
        found: list[int] = []
        for arg in (*call.args, *(kw.value for kw in call.keywords)):
            if not isinstance(arg, ast.Constant) and self._files.names_config(arg, scope):
                found.append(id(arg))
        return frozenset(found)

    def _lookup(self, name: str) -> BlockingCall | None:
        return self.extra.get(name) or CATALOG.get(name)

    def _match(self, call: ast.Call, scope: Scope) -> BlockingCall | None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr not in self._last_names:
            return None
        entry = None
        qualified = self.model.resolve(func, scope)
        if qualified is not None:
            entry = self._lookup(canonical(qualified)) or self._lookup(qualified)
            if entry is None and isinstance(func, ast.Attribute) \
                    and isinstance(func.value, ast.Attribute):
                # `Article.objects.get()`: the name resolves through the class, whose
                # inherited attribute has a type (`CLASS_ATTRIBUTES`).
                receiver = self.model.types.class_attribute(func.value, scope)
                if receiver is not None:
                    entry = self._lookup(f"{receiver}.{func.attr}")
        elif isinstance(func, ast.Attribute):
            receiver = self.model.types.type_of(func.value, scope)
            if receiver is not None:
                entry = self._lookup(f"{receiver}.{func.attr}") \
                    or self._inherited(receiver, func.attr)
        if entry is not None and entry.shared_only and isinstance(func, ast.Attribute) and \
                isinstance(func.value, ast.Name) and self._fresh_local(func.value.id, scope):
            return None
        if entry is not None and entry.blocks_with is not None:
            keyword, position = entry.blocks_with
            given = [kw.value for kw in call.keywords if kw.arg == keyword]
            given += call.args[position:position + 1]
            if not given or all(_falsy(arg) for arg in given):
                return None  # `smtplib.SMTP()`: connects later, when told where
        if entry is not None and entry.nonblocking_flags and any(
                _names_flag(arg, entry.nonblocking_flags) for arg in call.args):
            return None
        if entry is None or entry.nonblocking is None:
            return entry
        keyword, position = entry.nonblocking
        for kw in call.keywords:
            if kw.arg in (keyword, "timeout") and _falsy(kw.value):
                return None
        if len(call.args) > position and _falsy(call.args[position]):
            return None
        return entry

    def _inherited(self, receiver: str, method: str) -> BlockingCall | None:
        """The catalog entry of a library base's method, called on an instance of a class
        known to derive from that base (`article.save()` of a Django model)."""
        for base in INHERITED_RECEIVERS:
            entry = CATALOG.get(f"{base}.{method}")
            if entry is not None and receiver != base \
                    and self.model.types.derives_from(receiver, base):
                return entry
        return None

    def _fresh_local(self, name: str, scope: Scope) -> bool:
        """A local variable (not a parameter) of the function being checked."""
        owner = self.model.defining_scope(name, scope)
        node = owner.node if owner is not None else None
        if owner is not scope or not isinstance(node, FUNCS):
            return False
        args = node.args
        params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
        return name not in params

    # -- project helpers ------------------------------------------------------------------------
    def via_helper(self, call: ast.Call, scope: Scope) -> Chain | None:
        """The chain when `call` runs a sync function of the project that blocks with the
        call's arguments."""
        found = pick(self._call_reaches(call, scope, None))
        return found if found is not None and len(found[0]) <= MAX_CHAIN else None

    def _call_reaches(self, call: ast.Call, scope: Scope, caller: ast.FunctionDef | None
                      ) -> list[Reach]:
        """How `call` blocks through a project function, each guard evaluated with the call's
        arguments (a guard on a parameter the sync `caller` passes on becomes the caller's)."""
        target = self.helper_target(call, scope)
        if target is not None:
            func, func_scope, shown = target
            reaches = self._summary(func, func_scope, shown)
            found = Reaches(reaches, self._signature(func, func_scope.parent))
            # `self.m()` or `obj.m()` of an instance (`type_of` types instances, not classes)
            bound = isinstance(call.func, ast.Attribute)
        else:
            if self.project is None:
                return []
            callee = call.func
            qualified = self.model.resolve(callee, scope)
            bound = False
            if qualified is None and isinstance(callee, ast.Attribute):
                receiver = self.model.types.type_of(callee.value, scope)  # `repo.load()`, typed
                qualified = f"{receiver}.{callee.attr}" if receiver else None
                bound = True
            if qualified is None:
                return []
            found = self._project_reaches(canonical(qualified), frozenset(), MAX_CHAIN - 1)
        def args() -> CallArgs:
            forwarded = self._parameter_use(caller).forwarded_by(call) if caller else frozenset()
            return CallArgs.of(call, forwarded, self._configs(call, scope))
        return _at_site(found, args, bound, ALWAYS)

    def waited_later(self, call: ast.Call, parent: ast.AST | None, scope: Scope) -> bool:
        """`proc = Popen(...)` whose process the coroutine of `scope` then waits for on the
        loop (`proc.wait()`, `proc.communicate()`: `WAITED_STARTS`; not awaited, and blocking
        as the catalog matches it, so `wait(timeout=0)`-like calls do not count): the wait is
        the cost a reader acts on, and its remedy (a thread, or
        `asyncio.create_subprocess_exec`) takes the start with it. `proc` must be bound only
        there."""
        entry = self.direct(call, scope)
        waits = WAITED_STARTS.get(entry.name) if entry is not None else None
        func = scope.node
        if waits is None or not isinstance(parent, ast.Assign) or len(parent.targets) != 1 \
                or not isinstance(parent.targets[0], ast.Name) or not isinstance(func, FUNCS):
            return False
        name = parent.targets[0].id
        if len(self._bound(scope).get(name, ())) != 1:
            return False
        return any(isinstance(node, ast.Call) and node.lineno > call.lineno
                   and not isinstance(above, ast.Await)
                   and isinstance(node.func, ast.Attribute) and node.func.attr in waits
                   and isinstance(node.func.value, ast.Name) and node.func.value.id == name
                   and self.direct(node, scope) is not None
                   for node, above in own_nodes(func.body))

    def _own_nodes(self, func: ast.FunctionDef) -> list[ast.AST]:
        """`func`'s own nodes (`own_nodes` order), listed once per function: its summary and
        its blocking reaches each walked them (a function of the project summarised for the
        index's facts was walked twice)."""
        found = self._own.get(id(func))
        if found is None:
            found = self._own[id(func)] = [n for n, _ in own_nodes(func.body)]
        return found

    def _first_use(self, func: ast.FunctionDef, nodes: list[ast.AST] | None = None
                   ) -> frozenset[int]:
        """`lazy_init_nodes` of `func`, once per function (`nodes`: its own nodes, when the
        caller has them listed)."""
        found = self._lazy.get(id(func))
        if found is None:
            found = self._lazy[id(func)] = lazy_init_nodes(func, nodes)
        return found

    def _parameter_use(self, func: ast.FunctionDef) -> ParameterUse:
        found = self._parameters.get(id(func))
        if found is None:
            found = self._parameters[id(func)] = ParameterUse(func)
        return found

    def _signature(self, func: ast.FunctionDef, owner: Scope | None) -> Signature:
        found = self._signatures.get(id(func))
        if found is None:
            binding = "function"
            if owner is not None and owner.kind == "class":
                binding = "instance"
                for decorator in func.decorator_list:
                    resolved = self.model.resolve(decorator, owner)
                    if resolved == "builtins.staticmethod":
                        binding = "static"
                    elif resolved == "builtins.classmethod":
                        binding = "class"
            found = self._signatures[id(func)] = Signature.of(func, binding)
        return found

    def _project_reaches(self, qualified: str, seen: frozenset[str], budget: int) -> Reaches:
        """How a project function of another module blocks, from the summaries' facts (each
        lookup is recorded by the project view, so cached results stay valid)."""
        key = (qualified, budget)
        if key not in self._project_memo:
            self._project_memo[key] = NO_REACHES  # a cycle adds nothing
            self._project_memo[key] = self._project_reaches_uncached(qualified, seen, budget)
        return self._project_memo[key]

    def _project_reaches_uncached(self, qualified: str, seen: frozenset[str], budget: int
                                  ) -> Reaches:
        found = self.project.lookup_full(qualified)
        if found is None or found[0] not in ("function", "method") or found[1] is None:
            return NO_REACHES
        summary = found[1]
        fact = self.project.fact_of(summary, FACT) if summary.kind == "sync" else None
        if not isinstance(fact, dict):
            return NO_REACHES
        signature = Signature.from_data(fact.get("sig"))
        shown = f"{qualified}()"
        collected: list[Reach] = []
        for alt in fact.get("alts", ()):
            chain, terminal, guard, *cost = alt
            if terminal in CATALOG:
                entry = CATALOG[terminal]
                if cost:
                    entry = replace(entry, cost=Cost(cost[0]))
                collected.append(Reach((shown, *chain), entry, guard_from_data(guard)))
        if budget > 1 and not _settled(collected):
            sites = fact.get("sites", {})
            for callee in fact.get("callees", ()):
                if callee in seen or callee == qualified:
                    continue
                sub = self._project_reaches(callee, seen | {qualified}, budget - 1)
                if not sub.reaches:
                    continue
                recorded = sites.get(callee)
                if not recorded:
                    collected.extend(Reach((shown, *r.chain), r.entry) for r in sub.reaches)
                for site in recorded or ():
                    for reach in _at_site(sub, partial(CallArgs.from_data, site),
                                          site.get("b"), guard_from_data(site.get("w"))):
                        collected.append(Reach((shown, *reach.chain), reach.entry, reach.guard))
                if _settled(collected):
                    break
        return Reaches(keep(collected), signature)

    def helper_target(self, call: ast.Call, scope: Scope
                      ) -> tuple[ast.FunctionDef, Scope, str] | None:
        """The sync `def` of this module a call runs: a function by name, or `self.method()`."""
        func = call.func
        if isinstance(func, ast.Name):
            owner = self.model.defining_scope(func.id, scope)
            if owner is None or owner.kind == "class":
                return None
            binding = owner.lookup(func.id)
            if binding is None or binding.qualified != LOCAL:
                return None
            found = self._only_def(owner, func.id)
            return (found, self._scope_for(found, owner), f"{func.id}()") if found else None
        if isinstance(func, ast.Attribute):
            cls_scope = None
            if isinstance(func.value, ast.Name):
                cls_scope = self._class_of_self(func.value.id, scope)
            if cls_scope is None:
                cls_scope = self._local_class_of(func.value, scope)
            if cls_scope is None:
                return None
            found = self._only_def(cls_scope, func.attr)
            if found is None:
                return None
            cls = cls_scope.node
            assert isinstance(cls, ast.ClassDef)
            return found, self._scope_for(found, cls_scope), f"{cls.name}.{func.attr}()"
        return None

    def _local_class_of(self, value: ast.expr, scope: Scope) -> Scope | None:
        """The scope of this module's class when `value` is typed as one (`repo: Repo`)."""
        receiver = self.model.types.type_of(value, scope)
        prefix = f"{self.model.module_name or '__module__'}."
        if receiver is None or not receiver.startswith(prefix):
            return None
        top = self.model.module_scope
        name = receiver[len(prefix):]
        for stmt in self._bound(top).get(name, [])[:1]:
            if isinstance(stmt, ast.ClassDef) and len(self._bound(top)[name]) == 1:
                return self._scope_for(stmt, top, "class")
        return None

    def _bound(self, owner: Scope) -> dict[str, list[ast.AST]]:
        key = id(owner.node)
        bindings = self._bindings.get(key)
        if bindings is None:
            body = getattr(owner.node, "body", None)
            bindings = self._bindings[key] = _bound_names(body) if isinstance(body, list) else {}
        return bindings

    def _only_def(self, owner: Scope, name: str) -> ast.FunctionDef | None:
        """The one plain `def` binding `name` in a scope, when nothing else binds it."""
        stmts = self._bound(owner).get(name, [])
        if len(stmts) != 1 or not isinstance(stmts[0], ast.FunctionDef):
            return None
        func = stmts[0]
        for decorator in func.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            # A memoised helper (`CACHING_DECORATORS`) blocks once, not per call; an unknown
            # decorator may change what calling it does: neither is followed into.
            resolved = self.model.resolve(target, owner)
            if resolved in CACHING_DECORATORS or resolved not in TRANSPARENT_DECORATORS:
                return None
        generator = self._generators.get(id(func))
        if generator is None:  # `_only_def` is asked about the same defs again and again
            rows = self.model.shared(YIELD_ROWS, rows_unknown)
            generator = self._generators[id(func)] = (
                rows is None or rows_within(rows, func)) and _is_generator(func)
        if generator:
            return None  # calling a generator function runs none of its body
        return func

    def _scope_for(self, node: ast.AST, parent: Scope, kind: ScopeKind = "function") -> Scope:
        key = id(node)
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = Scope(kind, node, parent)
        return found

    def _class_of_self(self, name: str, scope: Scope) -> Scope | None:
        current: Scope | None = scope
        while current is not None and current.kind == "lambda":
            current = current.parent
        if current is None or current.kind != "function" or current.parent is None:
            return None
        func = current.node
        assert isinstance(func, FUNCS)
        params = [*func.args.posonlyargs, *func.args.args]
        if not params or params[0].arg != name or current.parent.kind != "class":
            return None
        for decorator in func.decorator_list:
            if self.model.resolve(decorator, current.parent) == "builtins.staticmethod":
                return None
        return current.parent

    def _summary(self, func: ast.FunctionDef, scope: Scope, shown: str) -> tuple[Reach, ...]:
        """How `func` (named `shown`) reaches blocking calls, chains at most `MAX_CHAIN` long.

        Memoised per function, independent of where it is called from; a call that closes a
        cycle sees nothing (the first function of the cycle is still summarised fully).
        """
        key = id(func)
        if key in self._summaries:
            found = self._summaries[key]
        else:
            self._summaries[key] = ()
            found = self._summaries[key] = self._blocks_in(func, scope)
        return tuple(Reach((shown, *r.chain), r.entry, r.guard) for r in found)

    def _blocks_in(self, func: ast.FunctionDef, scope: Scope) -> tuple[Reach, ...]:
        """The ways a sync function's body blocks, direct or through further helpers, whose
        chains leave room for the function's own name, each with the guard of the `if` arms
        around the call (`keep`: the first unconditional heavy one ends the search; so a
        helper that checks `exists` before an `fcntl.flock` is known by the lock)."""
        collected: list[Reach] = []
        guards: dict[int, Guard] | None = None
        nodes = self._own_nodes(func)
        for node in nodes:
            if not isinstance(node, ast.Call):
                continue
            entry = self.direct(node, scope)
            if entry is not None:
                found = self._direct_reaches(node, entry, scope, func)
            else:
                found = _within(self._call_reaches(node, scope, func))
            if not found:
                continue
            if id(node) in self._first_use(func, nodes):
                continue  # initialises a global on the first call only
            if guards is None:
                guards = self._parameter_use(func).guards()
            path = guards.get(id(node), ALWAYS)
            collected.extend(Reach(r.chain, r.entry, both(path, r.guard)) for r in found)
            if _settled(collected):
                break
        return keep(collected)

    def blocking_calls_in(self, func: ast.AsyncFunctionDef, scope: Scope
                          ) -> Iterator[tuple[ast.Call, Chain]]:
        """Blocking calls a coroutine's own code makes (not awaited), direct or via helpers."""
        for node, parent in own_nodes(func.body):
            if not isinstance(node, ast.Call) or isinstance(parent, ast.Await):
                continue
            entry = self.direct(node, scope)
            if entry is not None:
                cost = self.cost_of(node, entry, scope)
                yield node, ((_call_name(entry),), entry if cost is entry.cost
                             else replace(entry, cost=cost))
                continue
            found = self.via_helper(node, scope)
            if found is not None:
                yield node, found

    def _summarize(self, func: ast.FunctionDef, scope: Scope, qualname: str) -> BlockingSummary:
        """What `func` (a sync `def` of this module, known as `qualname`) does, as far as
        blocking goes: how it blocks, and the calls that leave the module (with how each is
        made, so a guard of the callee can be evaluated with its arguments)."""
        nodes = self._own_nodes(func)
        self._files.prime(func, nodes)
        once = self._first_use(func, nodes)  # before `_summary` asks, from the listed nodes
        use = self._parameters.get(id(func))
        if use is None:  # its rebinding pass reuses this walk
            use = self._parameters[id(func)] = ParameterUse(func, nodes)
        reaches = self._summary(func, scope, "")
        callees: list[str] = []
        sites: dict[str, list[Site]] = {}
        module = self.model.module_name or "__module__"
        for node in nodes:
            if not isinstance(node, ast.Call) or self.direct(node, scope) is not None \
                    or id(node) in once:
                continue
            local = self.helper_target(node, scope)
            if local is not None:
                name = f"{module}.{local[2].removesuffix('()')}"
                bound = isinstance(node.func, ast.Attribute)
            else:
                qualified = self.model.resolve(node.func, scope)
                if qualified is None or qualified.startswith("builtins."):
                    continue
                name = canonical(qualified)
                bound = False
            callees.append(name)
            sites.setdefault(name, []).append(Site(
                use.guards().get(id(node), ALWAYS),
                CallArgs.of(node, use.forwarded_by(node), self._configs(node, scope)), bound))
        return BlockingSummary(
            qualname,
            tuple(Reach(r.chain[1:], r.entry, r.guard) for r in reaches),
            tuple(dict.fromkeys(callees)),
            sites,
            self._signature(func, scope.parent),
        )


def _within(reaches: list[Reach]) -> list[Reach]:
    """The reaches of a call that leave room for the caller's name in a chain; none when the
    one that would be shown does not (a chain too long is not followed, whatever else the
    callee reaches)."""
    shown = pick(reaches)
    if shown is None or len(shown[0]) >= MAX_CHAIN:
        return []
    return [r for r in reaches if len(r.chain) < MAX_CHAIN]


def _settled(reaches: Sequence[Reach]) -> bool:
    """An unconditional heavy reach: nothing found later can change what is reported."""
    return any(r.guard == ALWAYS and r.entry.cost is Cost.HEAVY for r in reaches)


def _at_site(found: Reaches, args: Callable[[], CallArgs], bound: bool | None, path: Guard
             ) -> list[Reach]:
    """The callee's reaches at one call: guards evaluated with its arguments (worked out only
    when some reach has a guard), under `path`."""
    if all(r.guard == ALWAYS for r in found.reaches) or found.signature is None:
        return [Reach(r.chain, r.entry, path) for r in found.reaches]
    bound_args = bind(args(), found.signature, found.signature.skip(bound))
    out: list[Reach] = []
    for reach in found.reaches:
        guard = apply(reach.guard, bound_args)
        if guard != NEVER:
            out.append(Reach(reach.chain, reach.entry, both(path, guard)))
    return out


FACT = "blocks"  # the key of this family's fact in the project index's function summaries


def _owning_classes(tree: ast.Module) -> dict[int, ast.ClassDef]:
    """id(statement) -> the class whose body holds it, for every class of the module, built
    once per module (looking each function's class up by walking the tree made the index
    quadratic in the module's size). The first class in walk order wins, as a walk would."""
    owners: dict[int, ast.ClassDef] = {}
    blocks: list[list[Any]] = [tree.body]
    while blocks:  # classes are statements: only statement lists need looking at
        for stmt in blocks.pop():
            if isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    owners.setdefault(id(item), stmt)
            for name in _BLOCK_FIELDS:
                inner = getattr(stmt, name, None)
                if inner:
                    blocks.append(inner)
    return owners


# Fields holding statement lists (or handlers/cases, whose `body` holds them).
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def project_fact(node: FuncDef, model: SemanticModel
                 ) -> dict[str, Any] | None:
    """The fact a project index stores for a function (a `FACT_PROVIDERS` entry):
    `{"alts": [[chain, catalog name, guard(, cost when not the entry's)]], "callees": [qualified
    names], "sig": signature,
    "sites": {callee: [call]}}` for a sync function that blocks, or calls functions that might;
    None otherwise. Catalog only: `extra-blocking-calls` are settings, not facts of the file."""
    if not isinstance(node, ast.FunctionDef):
        return None
    analysis, owners = model.shared(
        "blocking-facts", lambda: (BlockingAnalysis(model), _owning_classes(model.module)))
    top = model.module_scope
    module = model.module_name or "__module__"
    owner: Scope = top
    qualname = f"{module}.{node.name}"
    cls = owners.get(id(node))
    if cls is not None:
        owner = analysis._scope_for(cls, top, "class")
        qualname = f"{module}.{cls.name}.{node.name}"
    if analysis._only_def(owner, node.name) is not node:
        return None
    summary = analysis._summarize(node, analysis._scope_for(node, owner), qualname)
    if not summary.reaches and not summary.callees:
        return None
    fact: dict[str, Any] = {
        "alts": [[list(r.chain), r.entry.name, guard_to_data(r.guard),
                  *([r.entry.cost.value]
                    if r.entry.cost is not CATALOG.get(r.entry.name, r.entry).cost else [])]
                 for r in summary.reaches],
        "callees": list(summary.callees),
    }
    if summary.signature.positional or summary.signature.defaults:
        fact["sig"] = summary.signature.to_data()
    sites = {name: [{"w": guard_to_data(site.guard), "b": site.bound, **site.args.to_data()}
                    for site in found]
             for name, found in summary.sites.items() if len(found) <= MAX_REACHES}
    if sites:
        fact["sites"] = sites
    return fact


def _call_name(entry: BlockingCall) -> str:
    """How a chain ends: the catalogued call's dotted name (`requests.get`, `open`)."""
    return entry.name.removeprefix("builtins.")



def opened_by_with(call: ast.Call, ancestors: Sequence[ast.AST]) -> ast.Call | None:
    """The call of an enclosing `with <call> as f:` when `call` is a method of `f` (`f.read()`
    in its body) within the same function, and the body never rebinds `f`; else None.
    `ancestors` are the call's, outermost first. A blocking `open` in the `with` line is
    reported there, and its remedy (move the block into a thread) covers every use of `f`
    inside the block: reporting each `f.read()` again counts one problem several times."""
    if not isinstance(call.func, ast.Attribute) or not isinstance(call.func.value, ast.Name):
        return None
    name = call.func.value.id
    chain = [*ancestors, call]
    for outer, inner in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
        if isinstance(outer, NESTED_SCOPES):
            return None
        if not isinstance(outer, ast.With) or not any(inner is s for s in outer.body):
            continue
        for item in outer.items:
            target = item.optional_vars
            if isinstance(target, ast.Name) and target.id == name:
                opener = item.context_expr
                if not isinstance(opener, ast.Call) or any(assigns(s, name) for s in outer.body):
                    return None
                return opener
    return None


def used_only_in_threads(with_node: ast.With, name: str, model: SemanticModel,
                         scope: Scope) -> bool:
    """Every use of `name` (the target of `with_node`) in its body hands the file to a worker
    thread (`THREAD_RUNNERS`): its method as the callable (`await asyncio.to_thread(f.read)`),
    or the file as an argument of that callable (`to_thread(shutil.copyfileobj, f, out)`).
    False when it is never used, rebound, or used any other way."""
    handed: set[int] = set()
    uses: list[ast.Name] = []
    for stmt in with_node.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id == name:
                uses.append(node)
            if not isinstance(node, ast.Call):
                continue
            position = THREAD_RUNNERS.get(_callee(node.func, model, scope) or "")
            if position is None or len(node.args) <= position:
                continue
            runs = node.args[position]
            for arg in node.args[position:]:
                value = arg.value if arg is runs and isinstance(arg, ast.Attribute) else arg
                if isinstance(value, ast.Name) and value.id == name:
                    handed.add(id(value))
    return bool(uses) and all(isinstance(u.ctx, ast.Load) and id(u) in handed for u in uses)


def _callee(func: ast.expr, model: SemanticModel, scope: Scope) -> str | None:
    """The canonical name of a called function, or `Type.method` of a typed receiver."""
    qualified = model.resolve(func, scope)
    if qualified is None and isinstance(func, ast.Attribute):
        receiver = model.types.type_of(func.value, scope)
        qualified = f"{receiver}.{func.attr}" if receiver else None
    return canonical(qualified) if qualified else None
