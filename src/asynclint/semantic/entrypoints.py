"""Which coroutines run once rather than per request: start-up and shutdown hooks, command-line
commands, and the module's private coroutines that only those call.

A blocking call there delays start-up or a one-off command, with no request waiting on the
loop meanwhile, so the blocking rules (ASL100-ASL107, ASL109) leave such coroutines alone.
Knowledge is data (`catalogs/entrypoints.py`).

Public API: `once_only(func, semantic, text) -> bool`; `command_root(func, semantic, text) ->
bool` (a command's own coroutine, which nothing in the module calls: ASL501 asks it). `text`,
the module's source when at hand, spares a module that spells none of the names a registration
or a loop's main needs the look at every call of its functions (on the applications corpus, 89
of 882 files spell one).

Seen from the module alone:

- roots: a module-level `def` / `async def` decorated as a click / typer command or group
  (`@click.command()`, `@cli.command()` on a group defined in the module, `@app.command()` on a
  `typer.Typer()`), registered as a start-up or shutdown hook (`@app.on_event("startup")`,
  `app.add_event_handler("shutdown", f)`, `FastAPI(lifespan=f)`, `Starlette(on_startup=[f])`,
  aiohttp's `app.on_startup.append(f)`), or an argparse sub-command's handler
  (`parser.set_defaults(func=f)`);
- then, to a fixed point, a private module-level coroutine (`_name`, not listed in `__all__`)
  whose every mention in the module is a call made directly in the body of a root or of another
  such coroutine. A public function may be imported and called per request elsewhere: it is
  never quiet through its callers (that would need every module of the project) — except in a
  command-line module (one that defines a command: a click/typer/cyclopts command or an argparse
  handler) that defines no request handler, whose public coroutines are the commands'
  implementation (tortoise's `init`, `migrate`... called by the `_run_*` argparse handlers), not
  an API served per request; one listed in `__all__` stays checked there too. Likewise in the
  module that builds the application — it registers the start-up/shutdown hooks or the
  lifespan — when it defines no request handler: it is the composition root, which imports the
  routers (a router importing it back would be a cycle), so its public coroutines are the
  start-up's implementation (lnbits' `startup` -> `check_and_register_extensions`);
- a private coroutine (as above) that the module runs as the main of an event loop of its own
  (`asyncio.run(_main())`, `anyio.run(_main, argv)`, `loop.run_until_complete(_main())`): that
  loop serves nothing else, so a call blocking it delays no other work — a process's main (a
  one-shot subprocess's `main()`), or a sync function running async code in its own loop. Being
  run so is not a call in the sense above: another mention (a call from a route) keeps it checked.

A root the module also registers as a request handler, or calls from code not known to run
once (a route calling the start-up hook again), stays checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from asynclint.semantic.catalogs.entrypoints import (
    ARGPARSE_PARSER,
    CLI_APPS,
    CLI_COMMAND_DECORATORS,
    CLI_COMMAND_METHODS,
    CLI_DECORATORS,
    CLI_GROUP_DECORATORS,
    CLI_METHODS,
    LIFECYCLE_DECORATOR,
    LIFECYCLE_EVENTS,
    LIFECYCLE_KEYWORDS,
    LIFECYCLE_OWNERS,
    LIFECYCLE_REGISTRATION,
    LIFECYCLE_SIGNALS,
)
from asynclint.semantic.catalogs.frameworks import ATTRIBUTE_TYPES
from asynclint.semantic.catalogs.loops import LOOP_RUN_METHODS, RUN_FUNCTIONS, TYPED_RUN_METHODS
from asynclint.semantic.handlers import handler_info
from asynclint.semantic.loops import run_call
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import child_nodes, own_nodes, walk
from asynclint.semantic.scopes import Scope
from asynclint.semantic.syntax import FUNCS, NESTED_SCOPES, FuncDef, spells_identifier
from asynclint.semantic.types import canonical


@dataclass(frozen=True)
class Registration:
    """What one call registers: `lifecycle` hooks of an application (start-up, shutdown, a
    lifespan) or an argparse sub-`command`'s handlers, as the expressions it names."""

    kind: Literal["lifecycle", "command"]
    hooks: tuple[ast.expr, ...]


# Every name a registration or a loop's main spells (`_registration`, `_loop_main`): the
# attribute called, a keyword of the constructor, a signal list's name, or the last part of the
# run call's qualified name (`asyncio.run` as `run` in the import or the attribute).
_REGISTRATION_NAMES = frozenset({
    LIFECYCLE_REGISTRATION, "set_defaults",
    *(keyword for keywords in LIFECYCLE_KEYWORDS.values() for keyword in keywords),
    *(signal.rsplit(".", 1)[1] for signal in LIFECYCLE_SIGNALS),
    *(name.rsplit(".", 1)[1] for name in (*RUN_FUNCTIONS, *TYPED_RUN_METHODS)),
    *LOOP_RUN_METHODS,
})


def may_register(text: str) -> bool:
    """The module's text spells a name some registration or loop's main needs."""
    return any(spells_identifier(text, name) for name in _REGISTRATION_NAMES)


def _event(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value in LIFECYCLE_EVENTS


class EntryPoints:
    """The module's once-only coroutines (by node id), worked out in one pass on first use."""

    def __init__(self, semantic: SemanticModel, text: str | None = None) -> None:
        """`text`: the module's source, when at hand (see `may_register`)."""
        self.semantic = semantic
        self.scope = semantic.module_scope
        body = semantic.module.body
        counts: dict[str, int] = {}
        for stmt in body:
            for name in _bound(stmt):
                counts[name] = counts.get(name, 0) + 1
        self.defs: dict[str, FuncDef] = {
            s.name: s for s in body if isinstance(s, FUNCS) and counts.get(s.name) == 1}
        self.groups: set[str] = set()
        self.commands = False  # the module defines a command-line command
        self.builds_app = False  # the module registers an application's start-up/shutdown hooks
        self.command_names: set[str] = set()  # decorated as a command
        self.loop_mains: set[str] = set()  # run as the main of an event loop of their own
        self.loop_main_mentions: set[int] = set()  # the names doing so (ids): not calls
        roots: set[str] = set()
        for func in self.defs.values():  # in source order: a group is defined before its use
            if self._decorated_root(func):
                roots.add(func.name)
        if text is None or may_register(text):
            roots |= self._registered()
        if (self.commands or self.builds_app) and any(handler_info(f, semantic) is not None
                                                      for f in self.defs.values()):
            # a module that also serves requests is not only a CLI or an application's root
            self.commands = self.builds_app = False
        self.quiet: set[int] = {id(self.defs[name]) for name in self._spread(roots)}

    # -- roots ----------------------------------------------------------------------------------
    def _type(self, expr: ast.expr, scope: Scope | None = None) -> str | None:
        scope = scope or self.scope
        if isinstance(expr, ast.Attribute):
            owner = self._type(expr.value, scope)
            if owner is not None and f"{owner}.{expr.attr}" in ATTRIBUTE_TYPES:
                return ATTRIBUTE_TYPES[f"{owner}.{expr.attr}"]
        found = self.semantic.types.type_of(expr, scope)
        return canonical(found) if found else None

    def _decorated_root(self, func: FuncDef) -> bool:
        root = False
        for decorator in func.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = self.semantic.resolve(target, self.scope)
            name = canonical(qualified) if qualified else None
            if name in CLI_DECORATORS:
                root = self.commands = True
                if name in CLI_GROUP_DECORATORS:
                    self.groups.add(func.name)
                if name in CLI_COMMAND_DECORATORS:
                    self.command_names.add(func.name)
                continue
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr in CLI_METHODS and self._cli_app(target.value):
                root = self.commands = True
                if target.attr == "group":
                    self.groups.add(func.name)
                if target.attr in CLI_COMMAND_METHODS:
                    self.command_names.add(func.name)
            elif target.attr == LIFECYCLE_DECORATOR and isinstance(decorator, ast.Call) \
                    and decorator.args and _event(decorator.args[0]) \
                    and self._type(target.value) in LIFECYCLE_OWNERS:
                root = self.builds_app = True
        return root

    def _cli_app(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name) and expr.id in self.groups:
            return True
        return self._type(expr) in CLI_APPS

    def _registered(self) -> set[str]:
        """Functions named by a start-up/shutdown registration or an argparse handler."""
        found: set[str] = set()
        for stmt in self.semantic.module.body:
            # Registrations at module level, or in the own code of a module-level def (as a
            # `create_app()` or `main()` makes them); the types of its locals are its scope's.
            scope = self.scope
            if isinstance(stmt, FUNCS):
                scope = Scope("function", stmt, self.scope, isinstance(stmt, ast.AsyncFunctionDef))
            for node, _ in own_nodes(stmt.body) if isinstance(stmt, FUNCS) else _walk_one(stmt):
                if not isinstance(node, ast.Call):
                    continue
                self._loop_main(node, scope)
                registration = self._registration(node, scope)
                if registration is None:
                    continue
                if registration.kind == "lifecycle":
                    self.builds_app = True
                elif registration.hooks:
                    self.commands = True
                found.update(expr.id for expr in registration.hooks
                             if isinstance(expr, ast.Name) and expr.id in self.defs)
        return found

    def _loop_main(self, call: ast.Call, scope: Scope) -> None:
        """Note the module's def that `call` runs as the main of a new event loop
        (`asyncio.run(_main())`, `anyio.run(_main, ...)`)."""
        if not call.args:
            return
        run = run_call(self.semantic, call, scope)
        if run is None or run.style is None:
            return
        target = call.args[0]
        if run.style == "coroutine":
            if not isinstance(target, ast.Call):
                return
            target = target.func
        if isinstance(target, ast.Name) and target.id in self.defs:
            self.loop_mains.add(target.id)
            self.loop_main_mentions.add(id(target))

    def _registration(self, call: ast.Call, scope: Scope) -> Registration | None:
        """What `call` registers: an application's start-up/shutdown hooks or lifespan, or an
        argparse sub-command's handler; None when it registers nothing."""
        func = call.func
        if isinstance(func, ast.Attribute):
            if func.attr == LIFECYCLE_REGISTRATION and len(call.args) == 2 \
                    and _event(call.args[0]) \
                    and self._type(func.value, scope) in LIFECYCLE_OWNERS:
                return Registration("lifecycle", (call.args[1],))
            if func.attr == "append" and len(call.args) == 1 \
                    and isinstance(func.value, ast.Attribute):
                owner = self._type(func.value.value, scope)
                if owner is not None and f"{owner}.{func.value.attr}" in LIFECYCLE_SIGNALS:
                    return Registration("lifecycle", (call.args[0],))
            elif func.attr == "set_defaults" and self._type(func.value, scope) == ARGPARSE_PARSER:
                return Registration("command",
                                    tuple(kw.value for kw in call.keywords if kw.arg == "func"))
        qualified = self.semantic.resolve(func, scope)
        keywords = LIFECYCLE_KEYWORDS.get(canonical(qualified)) if qualified else None
        if not keywords:
            return None
        hooks: list[ast.expr] = []
        for kw in call.keywords:
            if kw.arg in keywords:
                value = kw.value
                hooks.extend(value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value])
        return Registration("lifecycle", tuple(hooks)) if hooks else None

    def command_roots(self) -> set[int]:
        """The commands (not groups or callbacks) the module names nowhere: what runs them is
        the command-line framework."""
        names = {name for name in self.command_names if name in self.defs
                 and handler_info(self.defs[name], self.semantic) is None}
        for node in walk(self.semantic.module):
            if isinstance(node, ast.Name) and node.id in names:
                names.discard(node.id)
        return {id(self.defs[name]) for name in names}

    # -- what else calls them -------------------------------------------------------------------
    def _spread(self, roots: set[str]) -> set[str]:
        """The roots and private coroutines (any coroutine in a command-line module) that only
        once-only code calls, to a fixed point.

        A root stays checked when the module also makes it a request handler, or calls it from
        code not known to run once; a private coroutine is quiet when it is mentioned, and
        every mention is a call from the own code of a quiet def."""
        exported = set(_exports(self.semantic.module))
        private = {name for name, func in self.defs.items()
                   if (self.commands or self.builds_app or name.startswith("_"))
                   and not name.startswith("__")
                   and isinstance(func, ast.AsyncFunctionDef) and name not in exported}
        roots = {name for name in roots | (self.loop_mains & private)
                 if handler_info(self.defs[name], self.semantic) is None}
        candidates = roots | private
        if not roots:
            return set()
        calls: dict[str, set[str | None]] = {name: set() for name in candidates}
        others: set[str] = set()  # mentioned otherwise than called from a def's own code
        for name, owner, called in self._mentions(candidates):
            if called is None:
                continue
            if called:
                calls[name].add(owner)
            else:
                others.add(name)
        quiet: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name in candidates - quiet:
                if name not in roots and (name in others or not calls[name]):
                    continue
                if all(c is not None and c in quiet for c in calls[name]):
                    quiet.add(name)
                    changed = True
        return quiet

    def _mentions(self, names: set[str]) -> Iterator[tuple[str, str | None, bool | None]]:
        """(name, owner, called) for every mention of one of `names`: `called` for a call,
        None where it runs the def as an event loop's main, `owner` the module-level def whose
        own body makes it (None at module level, in a decorator or default, or in a nested def
        or lambda)."""
        for stmt in self.semantic.module.body:
            if isinstance(stmt, FUNCS) and stmt.name in self.defs:
                for inside in stmt.body:
                    yield from self._mentions_in(inside, names, stmt.name)
                outside: list[ast.AST] = [*stmt.decorator_list, stmt.args]
                if stmt.returns is not None:
                    outside.append(stmt.returns)
                for part in outside:
                    yield from self._mentions_in(part, names, None)
            else:
                yield from self._mentions_in(stmt, names, None)

    def _mentions_in(self, node: ast.AST, names: set[str], owner: str | None
                     ) -> Iterator[tuple[str, str | None, bool | None]]:
        """The mentions of `names` in `node` (see `_mentions`)."""
        stack: list[tuple[ast.AST, ast.AST | None, str | None]] = [(node, None, owner)]
        while stack:
            current, parent, who = stack.pop()
            if isinstance(current, ast.Name) and current.id in names:
                called = None if id(current) in self.loop_main_mentions else \
                    isinstance(parent, ast.Call) and parent.func is current
                yield current.id, who, called
                continue
            inner = None if isinstance(current, NESTED_SCOPES) else who
            stack.extend((child, current, inner) for child in child_nodes(current))


def _walk_one(stmt: ast.stmt) -> Iterator[tuple[ast.AST, None]]:
    """A module-level statement's nodes, not those of the defs and classes in it."""
    if isinstance(stmt, ast.ClassDef):
        return
    for node in walk(stmt):
        yield node, None


def _bound(stmt: ast.stmt) -> Iterator[str]:
    if isinstance(stmt, (*FUNCS, ast.ClassDef)):
        yield stmt.name
    elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
        yield from ((a.asname or a.name).split(".")[0] for a in stmt.names)
    else:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                yield node.id


def _exports(module: ast.Module) -> Iterator[str]:
    for stmt in module.body:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) \
                    and stmt.value is not None:
                for node in walk(stmt.value):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str):
                        yield node.value


def once_only(func: ast.AST | None, semantic: SemanticModel, text: str | None = None) -> bool:
    """`func` (a module-level def) runs only at start-up/shutdown or as a command-line
    command, as the module shows (see the module docstring); `text`: the module's source,
    when at hand."""
    if not isinstance(func, FUNCS) or func.col_offset != 0:
        return False
    index = semantic.shared("entrypoints", lambda: EntryPoints(semantic, text))
    return id(func) in index.quiet


def command_root(func: ast.AST | None, semantic: SemanticModel,
                 text: str | None = None) -> bool:
    """`func` (a module-level def) is a command-line command's own coroutine — decorated as a
    click / typer / cyclopts command, not a group or callback (after which a sub-command runs)
    — and the module names it nowhere else: the framework runs it, so when it returns, the
    command is over. (Another module importing and awaiting it is not seen; a command is not an
    API.) An argparse handler is not one: the module's own code awaits it (`await
    args.func(args)`) and may run on after it."""
    if not isinstance(func, FUNCS) or func.col_offset != 0:
        return False
    index = semantic.shared("entrypoints", lambda: EntryPoints(semantic, text))
    roots = semantic.shared("entrypoints.command_roots", index.command_roots)
    return id(func) in roots
