"""Tests on a function's parameters that decide whether a call in its body runs, and their value
at a call site whose arguments are literals.

A sync helper that only blocks under `if name.startswith("oidc/"):` does not block when called as
`get_secret("OPENAI_API_KEY")`. A `Guard` over-approximates when a call runs: a disjunction of
conjunctions of `Check`s on parameters; a test the analysis does not recognise is left out (so the
guard only grows: "cannot tell" means "may run"). `ALWAYS` is the guard of an unconditional call,
`NEVER` (no alternative left) of one that cannot run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from asynclint.semantic.catalogs.blocking import CONFIG_SUFFIXES
from asynclint.semantic.nodes import own_nodes, walk
from asynclint.semantic.syntax import NESTED_SCOPES, FuncDef, bound_name

Value: TypeAlias = str | int | float | bool | None
# "prefix" / "suffix": `p.startswith(...)` / `p.endswith(...)`; "lprefix" / "lsuffix": the same
# on `p.lower()` (or `p.casefold()`).
Op = Literal["prefix", "suffix", "lprefix", "lsuffix", "eq", "in", "none", "truthy", "config"]
_AFFIXES: dict[tuple[str, bool], Op] = {
    ("startswith", False): "prefix", ("endswith", False): "suffix",
    ("startswith", True): "lprefix", ("endswith", True): "lsuffix",
}
MAX_TERMS = 4  # alternatives a guard keeps before it gives up (becomes ALWAYS)


def config_name(text: str) -> bool:
    """The text ends in a configuration file's name (`vendor.json`, `.env`)."""
    return text.lower().endswith(CONFIG_SUFFIXES)


@dataclass(frozen=True)
class Check:
    """One recognised test on a parameter: `p.startswith(...)`, `p == v`, `p in (...)`,
    `p is None`, bare `p` (truthiness), or `config`: `p` names a configuration file (not a
    test in the code: what a read of the file `p` names costs, `semantic.config_files`);
    `negated` when it must be false."""

    param: str
    op: Op
    values: tuple[Value, ...] = ()
    negated: bool = False

    def negate(self) -> Check:
        return Check(self.param, self.op, self.values, not self.negated)

    def evaluate(self, value: Value) -> bool | None:
        """The test's outcome for a literal argument; None when that is not known."""
        result: bool
        if self.op in ("prefix", "suffix", "lprefix", "lsuffix"):
            if not isinstance(value, str):
                return None  # `None.startswith` raises: not a case to reason about
            text = value.lower() if self.op[0] == "l" else value
            affixes = tuple(str(p) for p in self.values)
            result = text.endswith(affixes) if self.op.endswith("suffix") \
                else text.startswith(affixes)
        elif self.op == "eq":
            result = value == self.values[0]
        elif self.op == "in":
            result = value in self.values
        elif self.op == "none":
            result = value is None
        elif self.op == "config":
            if not isinstance(value, str):
                return None
            result = config_name(value)
        else:
            result = bool(value)
        return result != self.negated

    def evaluate_arg(self, arg: Arg) -> bool | None:
        """The test's outcome for what a call passes (a literal, or a configuration path)."""
        if arg.config:
            return not self.negated if self.op == "config" else None
        return self.evaluate(arg.value)

    def renamed(self, param: str) -> Check:
        return Check(param, self.op, self.values, self.negated)

    def to_data(self) -> list[Any]:
        return [self.param, self.op, list(self.values), self.negated]

    @staticmethod
    def from_data(data: list[Any]) -> Check:
        param, op, values, negated = data
        return Check(param, op, tuple(values), bool(negated))


Term = tuple[Check, ...]  # all must hold
Guard = tuple[Term, ...]  # one term must hold
ALWAYS: Guard = ((),)
NEVER: Guard = ()


def _normal(terms: list[Term]) -> Guard:
    if any(not term for term in terms) or len(terms) > MAX_TERMS:
        return ALWAYS
    return tuple(dict.fromkeys(terms))


def both(first: Guard, second: Guard) -> Guard:
    """Both guards hold."""
    if first == ALWAYS:
        return second
    if second == ALWAYS:
        return first
    terms = [tuple(dict.fromkeys((*a, *b))) for a in first for b in second]
    if len(terms) > MAX_TERMS:
        return ALWAYS
    return _normal(terms)


def either(first: Guard, second: Guard) -> Guard:
    """One of the guards holds."""
    return _normal([*first, *second])


def negate(guard: Guard) -> Guard | None:
    """The exact negation of an exact guard, when it is one term (`not (a and b)` is
    `not a or not b`); None when it cannot be written."""
    if len(guard) != 1 or not guard[0]:
        return None
    return _normal([(test.negate(),) for test in guard[0]])


def guard_to_data(guard: Guard) -> list[list[list[Any]]] | None:
    return None if guard == ALWAYS else [[test.to_data() for test in term] for term in guard]


def guard_from_data(data: Any) -> Guard:
    if not isinstance(data, list):
        return ALWAYS
    return _normal([tuple(Check.from_data(test) for test in term) for term in data])


# -- recognising tests ---------------------------------------------------------------------------
def _literal(node: ast.expr) -> tuple[bool, Value]:
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None or isinstance(value, (str, int, float)):
            return True, value
    return False, None


def _literals(node: ast.expr) -> tuple[Value, ...] | None:
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return None
    values = [_literal(item) for item in node.elts]
    return tuple(v for _, v in values) if all(ok for ok, _ in values) else None


def condition(expr: ast.expr, params: frozenset[str]) -> tuple[Guard, bool]:
    """When `expr` is true, as a guard on `params`, and whether that guard is exact (an
    unrecognised part makes it an over-approximation, which cannot be negated)."""
    if isinstance(expr, ast.BoolOp):
        parts = [condition(value, params) for value in expr.values]
        exact = all(ok for _, ok in parts)
        guard = parts[0][0]
        for part, _ in parts[1:]:
            guard = both(guard, part) if isinstance(expr.op, ast.And) else either(guard, part)
        return guard, exact and guard != ALWAYS
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        inner, exact = condition(expr.operand, params)
        negated = negate(inner) if exact else None
        return (negated, True) if negated is not None else (ALWAYS, False)
    test = _test(expr, params)
    return (((test,),), True) if test is not None else (ALWAYS, False)


def _test(expr: ast.expr, params: frozenset[str]) -> Check | None:
    if isinstance(expr, ast.Name):
        return Check(expr.id, "truthy") if expr.id in params else None
    if isinstance(expr, ast.Call):
        func = expr.func
        if not (isinstance(func, ast.Attribute) and func.attr in ("startswith", "endswith")
                and len(expr.args) == 1 and not expr.keywords):
            return None
        subject, lowered = func.value, False
        if isinstance(subject, ast.Call) and isinstance(subject.func, ast.Attribute) \
                and subject.func.attr in ("lower", "casefold") \
                and not subject.args and not subject.keywords:
            subject, lowered = subject.func.value, True
        if not isinstance(subject, ast.Name) or subject.id not in params:
            return None
        ok, value = _literal(expr.args[0])
        affixes = (value,) if ok else _literals(expr.args[0])
        if affixes is None or not all(isinstance(p, str) for p in affixes):
            return None
        return Check(subject.id, _AFFIXES[func.attr, lowered], affixes)
    if not isinstance(expr, ast.Compare) or len(expr.ops) != 1:
        return None
    left, op, right = expr.left, expr.ops[0], expr.comparators[0]
    if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Name) \
            and not isinstance(left, ast.Name):
        left, right = right, left  # `"x" == p`
    if not isinstance(left, ast.Name) or left.id not in params:
        return None
    param = left.id
    if isinstance(op, (ast.Is, ast.IsNot)):
        if isinstance(right, ast.Constant) and right.value is None:
            return Check(param, "none", (), isinstance(op, ast.IsNot))
        return None
    if isinstance(op, (ast.Eq, ast.NotEq)):
        ok, value = _literal(right)
        return Check(param, "eq", (value,), isinstance(op, ast.NotEq)) if ok else None
    if isinstance(op, (ast.In, ast.NotIn)):
        values = _literals(right)
        return Check(param, "in", values, isinstance(op, ast.NotIn)) if values is not None \
            else None
    return None


# -- where in a function a call runs -------------------------------------------------------------
def parameter_names(func: FuncDef) -> frozenset[str]:
    args = func.args
    return frozenset(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))


@dataclass
class _Store:
    guard: Guard
    exact: bool


class ParameterUse:
    """How a function's own body rebinds its parameters, worked out once and only when a
    question needs it: `forwardable` are never rebound, so passed on they still hold the
    caller's argument; `guards()` gives each call the guard of the `if` arms around it."""

    def __init__(self, func: FuncDef, nodes: list[ast.AST] | None = None) -> None:
        self.func = func
        self.params = parameter_names(func)
        self._nodes = nodes  # the function's own nodes, when a caller walked them already
        self._scanned: tuple[frozenset[str], frozenset[str]] | None = None
        self._guards: dict[int, Guard] | None = None

    def _scan(self) -> tuple[frozenset[str], frozenset[str]]:
        """(parameters rebound at all, those rebound other than by a plain assignment or
        declared `global`/`nonlocal`, here or in a nested function)."""
        if self._scanned is not None:
            return self._scanned
        params = self.params
        rebound: set[str] = set()
        tainted: set[str] = set()
        plain: set[int] = set()
        nested = False
        nodes = self._nodes if self._nodes is not None else \
            [n for n, _ in own_nodes(self.func.body)] if params else []
        self._nodes = None
        for node in nodes:
            kind = node.__class__
            if kind is ast.Name:
                name = bound_name(node)
                if name is not None and name in params:
                    rebound.add(name)
                    if id(node) not in plain:
                        tainted.add(name)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                plain.update(id(t) for t in targets if isinstance(t, ast.Name))
            elif kind in _BINDERS:
                name = bound_name(node)
                if name is not None and name in params:
                    rebound.add(name)
                    tainted.add(name)
                nested = nested or kind in _SCOPES
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                tainted.update(node.names)
        if nested:
            tainted.update(_nonlocal_in_nested(self.func.body))
        self._scanned = frozenset(rebound), frozenset(tainted)
        return self._scanned

    @property
    def rebound(self) -> frozenset[str]:
        return self._scan()[0]

    @property
    def tainted(self) -> frozenset[str]:
        return self._scan()[1]

    @property
    def forwardable(self) -> frozenset[str]:
        return self.params - self.rebound - self.tainted

    def forwarded_by(self, call: ast.Call) -> frozenset[str]:
        """The parameters `call` may pass on unchanged (nothing to work out when it passes no
        parameter by name)."""
        params = self.params
        if not any(isinstance(arg, ast.Name) and arg.id in params
                   for arg in (*call.args, *(kw.value for kw in call.keywords))):
            return frozenset()
        return self.forwardable

    def guards(self) -> dict[int, Guard]:
        """id(call) -> the guard under which that call of the function's own body runs (calls
        not listed run unconditionally, as far as parameters go)."""
        if self._guards is None:
            self._guards = _Paths(self).run(self.func.body) if self.params else {}
        return self._guards


class _Paths:
    """One pass over a function's own statements in source order, giving each call the guard
    of the `if` arms around it. A parameter assigned before a test keeps the test only when
    every earlier assignment sits under an exact one-test guard `g` (then the test reads
    `g or (not g and test)`); any other rebinding, or any assignment when the test is inside a
    loop, drops its tests."""

    def __init__(self, use: ParameterUse) -> None:
        self.use = use
        self.params = use.params
        self.loop_stored: set[str] = set()  # assigned inside a loop: no test on them holds
        self.stores: dict[str, list[_Store]] = {}
        self.calls: dict[int, Guard] = {}

    def run(self, body: list[ast.stmt]) -> dict[int, Guard]:
        self._block(body, ALWAYS, True, False)
        return self.calls

    def _test(self, expr: ast.expr, in_loop: bool) -> tuple[Guard, bool]:
        guard, exact = condition(expr, self.params)
        if guard == ALWAYS:
            return guard, exact  # no test on a parameter: nothing to check about rebinding
        unusable = self.use.tainted | self.loop_stored | (self.use.rebound if in_loop else set())
        if unusable & {t.param for term in guard for t in term}:
            guard, exact = condition(expr, self.params - unusable)
        if guard == ALWAYS or not any(self.stores.get(t.param) for term in guard for t in term):
            return guard, exact
        split: list[Term] = []
        for term in guard:
            options: Guard = (term,)
            for test in term:
                for store in self.stores.get(test.param, ()):
                    negated = negate(store.guard) if store.exact else None
                    if negated is None or len(store.guard) != 1 or len(store.guard[0]) != 1:
                        return ALWAYS, False  # rebound under a test it cannot undo
                    options = either(store.guard, both(negated, options))
            split.extend(options)
        return _normal(split), False

    def _expr(self, node: ast.AST, guard: Guard) -> None:
        if guard == ALWAYS:
            return
        for inner in walk(node):
            if isinstance(inner, ast.Call):
                self.calls[id(inner)] = guard

    def _block(self, body: list[ast.stmt], guard: Guard, exact: bool, in_loop: bool) -> None:
        """Visit statements under `guard`; calls need recording only where it is not ALWAYS."""
        guarded = guard != ALWAYS
        for stmt in body:
            kind = stmt.__class__
            if isinstance(stmt, ast.If):
                self._expr(stmt.test, guard)
                test, test_exact = self._test(stmt.test, in_loop)
                self._block(stmt.body, both(guard, test), exact and test_exact, in_loop)
                other = negate(test) if test_exact else None
                self._block(stmt.orelse, both(guard, other) if other is not None else guard,
                            exact and other is not None, in_loop)
            elif kind in _SCOPES:
                if guarded:
                    for part in (*getattr(stmt, "decorator_list", ()), *_defaults(stmt)):
                        self._expr(part, guard)
            elif kind in _COMPOUND:
                loop = in_loop or kind in _LOOPS
                for name, value in ast.iter_fields(stmt):
                    if name in _BLOCKS:
                        for item in value:
                            if isinstance(item, ast.stmt):
                                self._block([item], guard, exact, loop)
                                continue
                            for child in ast.iter_child_nodes(item):  # a handler's or case's
                                if isinstance(child, ast.stmt):
                                    self._block([child], guard, exact, loop)
                                elif guarded:
                                    self._expr(child, guard)
                    elif guarded:
                        for part in value if isinstance(value, list) else [value]:
                            if isinstance(part, ast.AST):
                                self._expr(part, guard)
            else:
                if guarded:
                    self._expr(stmt, guard)
                if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    self._stored(stmt, guard, exact, in_loop)

    def _stored(self, stmt: ast.Assign | ast.AugAssign | ast.AnnAssign, guard: Guard,
                exact: bool, in_loop: bool) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in self.params:
                if in_loop:
                    self.loop_stored.add(target.id)
                self.stores.setdefault(target.id, []).append(_Store(guard, exact))


_LOOPS = frozenset({ast.For, ast.AsyncFor, ast.While})
_COMPOUND = _LOOPS | {ast.With, ast.AsyncWith, ast.Try, ast.Match,
                      *filter(None, [getattr(ast, "TryStar", None)])}
_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def _defaults(node: ast.AST) -> list[ast.expr]:
    args = getattr(node, "args", None)
    if not isinstance(args, ast.arguments):
        return []
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_BINDERS = _SCOPES | {ast.ExceptHandler, ast.alias, ast.MatchAs, ast.MatchStar}


def _nonlocal_in_nested(body: list[ast.stmt]) -> Iterator[str]:
    """Names declared `nonlocal` in functions nested (at any depth) in a body: such a function
    may rebind the parameter before a test. Statements only: a declaration is one."""
    todo = [(stmt, False) for stmt in body]
    while todo:
        stmt, inside = todo.pop()
        if inside and isinstance(stmt, ast.Nonlocal):
            yield from stmt.names
        inside = inside or isinstance(stmt, NESTED_SCOPES)
        for field in _BLOCKS:
            for item in getattr(stmt, field, None) or ():
                if isinstance(item, ast.stmt):
                    todo.append((item, inside))
                else:  # a handler or a case
                    todo.extend((inner, inside) for inner in getattr(item, "body", ()))


def call_guards(func: FuncDef) -> dict[int, Guard]:
    """id(call) -> the guard under which that call of `func`'s own body runs."""
    return ParameterUse(func).guards()


def forwardable(func: FuncDef) -> frozenset[str]:
    """Parameters never rebound in the function's own body."""
    return ParameterUse(func).forwardable


# -- call sites ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Arg:
    """What a call passes for a parameter: a literal, (`forwards`) the caller's own parameter
    passed on unchanged, or (`config`) a path to a configuration file that is not a literal
    (`ext_dir / "config.json"`), which only the `config` test can tell anything of."""

    value: Value = None
    forwards: str | None = None
    config: bool = False

    def to_data(self) -> list[Any]:
        if self.config:
            return ["c", None]
        return ["p", self.forwards] if self.forwards is not None else ["v", self.value]

    @staticmethod
    def from_data(data: Any) -> Arg | None:
        if not isinstance(data, list) or len(data) != 2:
            return None
        if data[0] == "c":
            return Arg(config=True)
        return Arg(forwards=data[1]) if data[0] == "p" else Arg(data[1])


def describe(node: ast.expr, forwardable: frozenset[str], config: bool = False) -> Arg | None:
    """The argument as an `Arg` (`config`: the caller found it names a configuration file),
    None when it is neither a literal, a forwarded parameter nor such a path."""
    ok, value = _literal(node)
    if ok:
        return Arg(value)
    if isinstance(node, ast.Name) and node.id in forwardable:
        return Arg(forwards=node.id)
    return Arg(config=True) if config else None


@dataclass(frozen=True)
class CallArgs:
    """The arguments of one call, as far as guards go. `open` when `*args` or `**kwargs`
    may pass parameters that are not named (then no default can be assumed)."""

    positional: tuple[Arg | None, ...]
    keywords: tuple[tuple[str, Arg | None], ...]
    open: bool

    @staticmethod
    def of(call: ast.Call, forwardable: frozenset[str],
           configs: frozenset[int] = frozenset()) -> CallArgs:
        """`configs`: ids of the argument nodes the caller found name configuration files."""
        positional: list[Arg | None] = []
        opened = False
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                opened = True
                break
            positional.append(describe(arg, forwardable, id(arg) in configs))
        keywords: list[tuple[str, Arg | None]] = []
        for kw in call.keywords:
            if kw.arg is None:
                opened = True
            else:
                keywords.append((kw.arg, describe(kw.value, forwardable, id(kw.value) in configs)))
        return CallArgs(tuple(positional), tuple(keywords), opened)

    def to_data(self) -> dict[str, Any]:
        return {"a": [a.to_data() if a else None for a in self.positional],
                "k": [[name, a.to_data() if a else None] for name, a in self.keywords],
                "o": self.open}

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> CallArgs:
        return CallArgs(tuple(Arg.from_data(a) for a in data.get("a", ())),
                        tuple((str(k), Arg.from_data(a)) for k, a in data.get("k", ())),
                        bool(data.get("o", True)))


@dataclass(frozen=True)
class Signature:
    """The parameters a call's arguments bind to: positional names in order, and the literal
    defaults. `binding` is "function", "instance", "class" or "static" (what a bound call
    passes first)."""

    positional: tuple[str, ...]
    defaults: tuple[tuple[str, Value], ...]
    binding: str = "function"

    @staticmethod
    def of(func: FuncDef, binding: str) -> Signature:
        args = func.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        defaults: list[tuple[str, Value]] = []
        for name, default in zip(positional[len(positional) - len(args.defaults):],
                                 args.defaults, strict=True):
            ok, value = _literal(default)
            if ok:
                defaults.append((name, value))
        for kwarg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            ok, value = _literal(kw_default) if kw_default is not None else (False, None)
            if ok:
                defaults.append((kwarg.arg, value))
        return Signature(tuple(positional), tuple(defaults), binding)

    def skip(self, bound: bool | None) -> int | None:
        """Positional parameters a call fills implicitly: `bound` when called on an instance
        (`obj.m()`), False when through the class or by name, None when not known."""
        if self.binding in ("function", "static"):
            return 0
        if self.binding == "class":
            return 1
        return 1 if bound else None

    def to_data(self) -> list[Any]:
        return [list(self.positional), [[n, v] for n, v in self.defaults], self.binding]

    @staticmethod
    def from_data(data: Any) -> Signature | None:
        if not isinstance(data, list) or len(data) != 3:
            return None
        return Signature(tuple(data[0]), tuple((str(n), v) for n, v in data[1]), str(data[2]))


def bind(args: CallArgs, signature: Signature, skip: int | None) -> dict[str, Arg]:
    """Parameter -> what the call passes, for the parameters that can be known: positional
    and keyword literals or forwarded parameters, and the literal defaults of parameters the
    call certainly leaves out. `skip` as `Signature.skip` (None: positional ones unknown)."""
    bound: dict[str, Arg] = {}
    names = signature.positional
    given: set[str] = set()
    if skip is None:
        given.update(names[:len(args.positional) + 1])
    else:
        for name, arg in zip(names[skip:], args.positional, strict=False):
            given.add(name)
            if arg is not None:
                bound[name] = arg
    for name, kw_arg in args.keywords:
        given.add(name)
        if kw_arg is not None:
            bound[name] = kw_arg
    if not args.open:
        for name, value in signature.defaults:
            if name not in given:
                bound[name] = Arg(value)
    return bound


def apply(guard: Guard, bound: Mapping[str, Arg]) -> Guard:
    """The callee's guard at a call site: tests on literals decided, tests on forwarded
    parameters renamed to the caller's, the rest dropped (unknown: may hold)."""
    if guard == ALWAYS:
        return ALWAYS
    terms: list[Term] = []
    for term in guard:
        kept: list[Check] = []
        for test in term:
            arg = bound.get(test.param)
            if arg is None:
                continue
            if arg.forwards is not None:
                kept.append(test.renamed(arg.forwards))
            elif test.evaluate_arg(arg) is False:
                break
        else:
            terms.append(tuple(kept))
    return _normal(terms)
