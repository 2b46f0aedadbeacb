"""Reaching definitions for the local names of one function: which bindings of a name may reach
each of its loads.

Asked by ASL201 about a name bound to a coroutine (`x = fetch()`): is that binding what a later
`x.attr` or `if x` sees, or may another binding (`x = None` on another branch, `x = await x` in a
loop) reach it instead? The analysis interprets the function's statements abstractly over sets
of bindings per name: branches join, loops run to a fixed point, `break`/`continue` leave to the
loop's exit or head, any point of a `try` body may go to its handlers, a `with` may swallow an
exception, a `finally` runs on every way out. It over-approximates (a path the code cannot take
still counts), which makes "the only binding that reaches" a safe claim.

A name is *unknown* (no answer) when the function declares it `global`/`nonlocal` or a nested
function, lambda, class body or generator expression mentions it: that code runs elsewhere or
later, and what it sees cannot be told from here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from asynclint.semantic.nodes import child_nodes, walk
from asynclint.semantic.syntax import TYPE_ALIAS, FuncDef, every_parameter

_State = dict[str, frozenset[ast.AST]]
_EMPTY: frozenset[ast.AST] = frozenset()
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _join(a: _State | None, b: _State | None) -> _State | None:
    """Both ways in: every binding either side may hold (None: no way in)."""
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out = dict(a)
    for name, defs in b.items():
        out[name] = out.get(name, _EMPTY) | defs
    return out


def _merge_into(target: _State, state: _State) -> None:
    for name, defs in state.items():
        target[name] = target.get(name, _EMPTY) | defs


class _Loop:
    """The ways out of one loop seen so far: states at `break` and at `continue`."""

    def __init__(self, node: ast.AST) -> None:
        self.node = node
        self.breaks: list[_State] = []
        self.continues: list[_State] = []


class FunctionFlow:
    """Which bindings reach each load of a local name in `function`'s own code. Bindings are
    the nodes that bind: `ast.Name` (store, also `:=`, for/with/augmented targets),
    `ast.arg`, `ast.alias`, `ast.ExceptHandler`, a nested `def`/`class`, a match capture."""

    def __init__(self, function: FuncDef) -> None:
        self.function = function
        self._reach: dict[int, frozenset[ast.AST]] = {}
        self._loads: dict[str, list[ast.Name]] = {}
        self._bindings: dict[str, list[ast.AST]] = {}
        self._unknown: set[str] = set()
        self._parents: dict[int, ast.AST] = {}
        self._loops_of: dict[int, tuple[ast.AST, ...]] = {}
        self._loop_stack: list[_Loop] = []
        self._collectors: list[_State] = []
        state: _State = {}
        for arg in every_parameter(function.args):
            self._bind(arg.arg, arg, state)
        self._block(function.body, state)
        self._loop_stack.clear()

    # -- answers -------------------------------------------------------------------------------
    def known(self, name: str) -> bool:
        """The function's own code is all that reads or binds `name`."""
        return name not in self._unknown

    def loads(self, name: str) -> list[ast.Name] | None:
        """The loads of `name` in the function's own code, in source order (an augmented
        assignment's target counts: it reads first); None when the name is unknown."""
        if name in self._unknown:
            return None
        found = self._loads.get(name, [])
        return sorted(set(found), key=lambda n: (n.lineno, n.col_offset))

    def bindings(self, name: str) -> list[ast.AST] | None:
        """Every node that binds `name` in the function; None when the name is unknown."""
        if name in self._unknown:
            return None
        return list(dict.fromkeys(self._bindings.get(name, [])))

    def reaching(self, load: ast.Name) -> frozenset[ast.AST]:
        """The bindings that may reach this load (empty for a load not seen or unbound)."""
        return self._reach.get(id(load), _EMPTY)

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The parent of an expression node of the function's own code (a statement for the
        outermost expression)."""
        return self._parents.get(id(node))

    def loops(self, node: ast.AST) -> tuple[ast.AST, ...]:
        """The loops (outermost first) around a load or a binding."""
        return self._loops_of.get(id(node), ())

    # -- bindings ------------------------------------------------------------------------------
    def _bind(self, name: str, node: ast.AST, state: _State, *, kill: bool = True) -> None:
        self._bindings.setdefault(name, []).append(node)
        self._loops_of[id(node)] = tuple(loop.node for loop in self._loop_stack)
        state[name] = frozenset((node,)) if kill else state.get(name, _EMPTY) | {node}
        self._note(state)

    def _note(self, state: _State) -> None:
        """An exception may be raised here: the enclosing `try`s' handlers may see `state`."""
        for collector in self._collectors:
            _merge_into(collector, state)

    def _mention_elsewhere(self, node: ast.AST) -> None:
        """Code that runs in another scope: every name it mentions becomes unknown."""
        for inner in walk(node):
            if isinstance(inner, ast.Name):
                self._unknown.add(inner.id)
            elif isinstance(inner, (ast.Global, ast.Nonlocal)):
                self._unknown.update(inner.names)

    def _target(self, target: ast.expr, parent: ast.AST, state: _State) -> None:
        """Bind an assignment target (names, tuples/lists/starred of them); an attribute or
        subscript target only reads its parts."""
        self._parents[id(target)] = parent
        if isinstance(target, ast.Name):
            self._bind(target.id, target, state)
        elif isinstance(target, ast.Starred):
            self._target(target.value, target, state)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._target(elt, target, state)
        else:
            for child in child_nodes(target):
                self._expr(child, target, state)

    # -- expressions ---------------------------------------------------------------------------
    def _expr(self, node: ast.AST, parent: ast.AST, state: _State,
              masked: frozenset[str] = frozenset()) -> None:
        """Record the loads of an expression in evaluation order; `:=` adds a binding (without
        removing the others: it may sit in a branch). `masked`: comprehension variables."""
        stack: list[tuple[ast.AST, ast.AST, frozenset[str]]] = [(node, parent, masked)]
        while stack:
            current, above, mask = stack.pop()
            self._parents[id(current)] = above
            if isinstance(current, ast.Name):
                if isinstance(current.ctx, ast.Load) and current.id not in mask:
                    self._load(current, state)
                continue
            if isinstance(current, ast.NamedExpr):
                self._expr(current.value, current, state, mask)  # the value first
                self._parents[id(current.target)] = current
                self._bind(current.target.id, current.target, state, kill=False)
                continue
            if isinstance(current, ast.Lambda):
                self._mention_elsewhere(current.body)
                for default in (*current.args.defaults, *current.args.kw_defaults):
                    if default is not None:
                        stack.append((default, current, mask))
                continue
            if isinstance(current, ast.GeneratorExp):
                # runs lazily, except its first iterable
                first = current.generators[0]
                self._mention_elsewhere(current.elt)
                for generator in current.generators:
                    self._mention_elsewhere(generator.target)
                    for part in (*generator.ifs, *([] if generator is first
                                                   else [generator.iter])):
                        self._mention_elsewhere(part)
                self._parents[id(first)] = current
                stack.append((first.iter, first, mask))
                continue
            if isinstance(current, _COMPREHENSIONS):
                first = current.generators[0]
                names = frozenset(n.id for g in current.generators for n in walk(g.target)
                                  if isinstance(n, ast.Name))
                inner = mask | names
                parts: list[tuple[ast.AST, ast.AST, frozenset[str]]] = [
                    (first.iter, first, mask)]
                for generator in current.generators:
                    if generator is not first:
                        parts.append((generator.iter, generator, inner))
                    parts.extend((cond, generator, inner) for cond in generator.ifs)
                for generator in current.generators:
                    self._parents[id(generator)] = current
                if isinstance(current, ast.DictComp):
                    parts.extend(((current.key, current, inner), (current.value, current, inner)))
                else:
                    parts.append((current.elt, current, inner))
                stack.extend(reversed(parts))
                continue
            stack.extend((child, current, mask) for child in reversed(child_nodes(current)))

    def _load(self, node: ast.Name, state: _State) -> None:
        self._loads.setdefault(node.id, []).append(node)
        key = id(node)
        self._reach[key] = self._reach.get(key, _EMPTY) | state.get(node.id, _EMPTY)
        self._loops_of[key] = tuple(loop.node for loop in self._loop_stack)

    def _exprs(self, nodes: Iterable[ast.AST | None], parent: ast.AST, state: _State) -> None:
        for node in nodes:
            if node is not None:
                self._expr(node, parent, state)

    # -- statements ----------------------------------------------------------------------------
    def _block(self, body: list[ast.stmt], state: _State | None) -> _State | None:
        """Run a block on `state` (changed in place); the state after it, None when no way
        out falls through."""
        for statement in body:
            if state is None:
                return None  # unreachable code: nothing reaches it
            self._note(state)
            state = self._statement(statement, state)
        return state

    def _statement(self, node: ast.stmt, state: _State) -> _State | None:
        if isinstance(node, ast.Expr):
            self._expr(node.value, node, state)
        elif isinstance(node, ast.Assign):
            self._expr(node.value, node, state)
            for target in node.targets:
                self._target(target, node, state)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._expr(node.value, node, state)
                self._target(node.target, node, state)
        elif isinstance(node, ast.AugAssign):
            target = node.target
            self._parents[id(target)] = node
            if isinstance(target, ast.Name):
                self._load(target, state)
                self._expr(node.value, node, state)
                self._bind(target.id, target, state)
            else:
                self._expr(target, node, state)
                self._expr(node.value, node, state)
        elif isinstance(node, (ast.Return, ast.Raise)):
            self._exprs(child_nodes(node), node, state)
            return None
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self._parents[id(target)] = node
                if isinstance(target, ast.Name):
                    state[target.id] = _EMPTY
                else:
                    self._expr(target, node, state)
        elif isinstance(node, (ast.Break, ast.Continue)):
            if self._loop_stack:
                loop = self._loop_stack[-1]
                ways = loop.breaks if isinstance(node, ast.Break) else loop.continues
                ways.append(dict(state))
            return None
        elif isinstance(node, ast.If):
            self._expr(node.test, node, state)
            return _join(self._block(node.body, dict(state)),
                         self._block(node.orelse, dict(state)))
        elif isinstance(node, _LOOPS):
            return self._loop(node, state)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expr(item.context_expr, node, state)
                if item.optional_vars is not None:
                    self._target(item.optional_vars, node, state)
            swallowed: _State = {}  # the context manager may swallow an exception
            self._collectors.append(swallowed)
            after = self._block(node.body, state)
            self._collectors.pop()
            return _join(after, swallowed)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            return self._try(node, state)
        elif isinstance(node, ast.Match):
            return self._match(node, state)
        elif isinstance(node, _SCOPES):
            self._define(node, state)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    self._bind(alias.asname or alias.name.split(".", 1)[0], alias, state)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self._unknown.update(node.names)
        elif isinstance(node, ast.Assert):
            self._exprs((node.test, node.msg), node, state)
        elif not isinstance(node, (ast.Pass, *TYPE_ALIAS)):
            self._exprs(child_nodes(node), node, state)
        return state

    def _define(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
                state: _State) -> None:
        """A nested `def`/`class`: what it evaluates here (decorators, defaults, bases), then
        its name; its body runs elsewhere."""
        self._exprs(node.decorator_list, node, state)
        elsewhere: list[ast.AST] = list(node.body)
        if isinstance(node, ast.ClassDef):
            self._exprs((*node.bases, *(k.value for k in node.keywords)), node, state)
        else:
            args = node.args
            self._exprs((*args.defaults, *args.kw_defaults), node, state)
            # annotations: evaluated here or never; too odd a place for a use to judge
            elsewhere.extend(a.annotation for a in every_parameter(args)
                             if a.annotation is not None)
            if node.returns is not None:
                elsewhere.append(node.returns)
        for part in elsewhere:
            self._mention_elsewhere(part)
        self._bind(node.name, node, state)

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While, state: _State) -> _State | None:
        """Run the body until the state at the loop's head stops growing."""
        if not isinstance(node, ast.While):
            self._expr(node.iter, node, state)
        head = dict(state)
        while True:
            entry = dict(head)
            if isinstance(node, ast.While):
                self._expr(node.test, node, entry)
            exhausted = dict(entry)  # the test false / the iterator exhausted
            loop = _Loop(node)
            self._loop_stack.append(loop)
            if not isinstance(node, ast.While):
                self._target(node.target, node, entry)
            after = self._block(node.body, entry)
            self._loop_stack.pop()
            back = _join(after, None)
            for way in loop.continues:
                back = _join(back, way)
            grown = _join(head, back)
            if grown == head:
                break
            head = grown or head
        out = self._block(node.orelse, exhausted)
        for way in loop.breaks:
            out = _join(out, way)
        return out

    def _try(self, node: ast.Try | ast.TryStar, state: _State) -> _State | None:
        """Handlers may start from any point of the body; `finally` from any point at all,
        and it also runs on the `break`/`continue` that leave the `try`."""
        loop = self._loop_stack[-1] if self._loop_stack else None
        marks = (len(loop.breaks), len(loop.continues)) if loop is not None else (0, 0)
        anywhere: _State = {}
        if node.finalbody:
            self._collectors.append(anywhere)
        raised: _State = dict(state)
        self._collectors.append(raised)
        after_body = self._block(node.body, state)
        self._collectors.pop()
        normal = self._block(node.orelse, after_body) if after_body is not None else None
        for handler in node.handlers:
            entry = dict(raised)
            self._exprs((handler.type,), handler, entry)
            if handler.name:
                self._bind(handler.name, handler, entry)
            normal = _join(normal, self._block(handler.body, entry))
        if not node.finalbody:
            return normal
        self._collectors.pop()
        if loop is not None:
            for ways, mark in ((loop.breaks, marks[0]), (loop.continues, marks[1])):
                left = ways[mark:]
                if left:
                    joined: _State | None = None
                    for way in left:
                        joined = _join(joined, way)
                    del ways[mark:]
                    through = self._block(node.finalbody, joined)
                    if through is not None:
                        ways.append(through)
        if normal is None:
            self._block(node.finalbody, anywhere)
            return None
        return self._block(node.finalbody, _join(normal, anywhere))

    def _match(self, node: ast.Match, state: _State) -> _State | None:
        """Cases are alternatives; a failed pattern may have bound some of its captures."""
        self._expr(node.subject, node, state)
        unmatched = state
        out: _State | None = None
        for case in node.cases:
            entry = dict(unmatched)
            for part in walk(case.pattern):
                self._parents.setdefault(id(part), case)
                if isinstance(part, (ast.MatchAs, ast.MatchStar)) and part.name:
                    self._bind(part.name, part, entry)
                elif isinstance(part, ast.MatchMapping) and part.rest:
                    self._bind(part.rest, part, entry)
                elif isinstance(part, ast.MatchValue):
                    self._expr(part.value, part, entry)
                elif isinstance(part, ast.MatchClass):
                    self._expr(part.cls, part, entry)
            if case.guard is not None:
                self._expr(case.guard, case, entry)
            unmatched = _join(unmatched, entry) or unmatched
            out = _join(out, self._block(case.body, dict(entry)))
        return _join(out, unmatched)


