"""What an expression that may hold a coroutine is used for: one answer for ASL201 (a name bound
to a coroutine, read by read) and ASL202 (a coroutine call used in place).

A use *fails* on a coroutine when it raises or is meaningless there (an attribute, a subscript,
iteration, unpacking, `len()`, arithmetic, `total += x`, a comparison, an f-string, `raise x`);
a *test* passes by accident (`if x`, `not x`, `x and y`); a *look* neither fails nor keeps it
(`x is None`, `isinstance(x, T)`); the other uses await it, drive it by hand (`x.send`,
`x.__aenter__()`), or hand it on (passed, returned, stored: someone else may await it).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from enum import Enum
from typing import NamedTuple

from asynclint.semantic.parameter_facts import VALUE_BUILTINS
from asynclint.semantic.syntax import short_source

# The parent of a node of the code being read (None above the statement).
ParentOf = Callable[[ast.AST], ast.AST | None]
Resolver = Callable[[ast.expr], str | None]

# Coroutine attributes that are not a mistake to touch (besides `cr_*` and dunders).
_COROUTINE_ATTRIBUTES = frozenset({"send", "throw", "close"})
# Awaited calls that await their coroutine arguments themselves.
_AWAITING_CALLS = frozenset({"gather", "wait", "wait_for", "shield"})
_AUG_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.LShift: "<<",
    ast.RShift: ">>", ast.MatMult: "@",
}


# The parents that may use an expression as a value (or drive it): the others hand it on.
_LOOKED_AT = frozenset({
    ast.Call, ast.Attribute, ast.Subscript, ast.For, ast.AsyncFor, ast.comprehension,
    ast.Starred, ast.Dict, ast.keyword, ast.Assign, ast.BinOp, ast.FormattedValue,
    ast.AugAssign, ast.UnaryOp, ast.If, ast.While, ast.IfExp, ast.Assert, ast.BoolOp,
    ast.Compare, ast.Raise,
})


class UseKind(Enum):
    """What one use of an expression that may be a coroutine does with it."""

    FAILING = "failing"  # raises or is meaningless on a coroutine: `x.attr`, `x[k]`, `len(x)`
    TEST = "test"  # a truth test a coroutine passes by accident: `if x`, `not x`, `x or y`
    LOOK = "look"  # a look that keeps nothing: `x is None`, `isinstance(x, T)`
    AWAITED = "awaited"  # `await x`, `await gather(x, ...)`, or driven by hand (`x.send`)
    AWAIT_ARGUMENT = "await-argument"  # handed to some other awaited expression
    ESCAPES = "escapes"  # passed on, returned, stored, aliased: someone else may await it

    @property
    def weak(self) -> bool:
        """A test or a look: wrong on a coroutine only when nothing else may be tested."""
        return self in (UseKind.TEST, UseKind.LOOK)


class Use(NamedTuple):
    """One use: its kind, the expression that shows it, and how a message quotes it (`shape`
    with `{}` standing for the subject; None: the expression itself). The quote is written
    out only when asked (most uses are never quoted). A tuple: ASL202 classifies every call
    of a module, and a frozen dataclass costs several times more to make."""

    kind: UseKind
    node: ast.AST
    subject: ast.expr
    shape: str | None = None
    how: str = ""  # the message's words when not "used as a value (`shown`)"

    @property
    def shown(self) -> str:
        if self.shape is None:
            return short_source(self.node) if isinstance(self.node, ast.expr) else \
                _short(self.subject)
        return self.shape.replace("{}", _short(self.subject))


def _short(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else short_source(node)


def classify_use(node: ast.expr, parent_of: ParentOf, resolve: Resolver) -> Use:
    """What the code around does with `node` (a name read, or a call); `resolve` gives the
    qualified name of a callee (to know the builtins)."""
    parent = parent_of(node)
    above = parent_of(parent) if parent is not None else None
    return _as_value(node, parent, above, resolve) or _handed(node, parent_of)


def value_use_kind(node: ast.expr, parent: ast.AST | None, above: ast.AST | None,
                   resolve: Resolver) -> UseKind | None:
    """`classify_use`'s kind (`parent` and `above` it given) when the use fails, tests,
    looks or drives the object by hand; None for the rest (awaited, handed on: not looked
    into). What ASL202 asks of every call of a module: cheap in the common case."""
    use = _as_value(node, parent, above, resolve)
    return use.kind if use is not None else None


def _as_value(node: ast.expr, parent: ast.AST | None, above: ast.AST | None,
              resolve: Resolver) -> Use | None:
    """The use when the parent (`above` is its own parent) fails, tests, looks at or drives
    the object; None else."""
    if type(parent) not in _LOOKED_AT:
        return None  # most parents, told at once
    if isinstance(parent, ast.Call):
        args = parent.args
        if not parent.keywords and args and args[0] is node and len(args) <= 2:
            called = resolve(parent.func)  # only for `f(x)` and `f(x, y)`
            if called == "builtins.isinstance":
                return Use(UseKind.LOOK, parent, node)
            if called in VALUE_BUILTINS and len(args) == 1:
                return Use(UseKind.FAILING, parent, node)
        return None
    if isinstance(parent, ast.Attribute):
        if parent.value is not node:
            return None
        attr = parent.attr
        if attr in _COROUTINE_ATTRIBUTES or attr.startswith("cr_") or (
                attr.startswith("__") and attr.endswith("__")):
            # driven by hand; a catalog API may return an awaitable object that is also an
            # async context manager (`aiosqlite.connect(...).__aenter__()`)
            return Use(UseKind.AWAITED, parent, node)
        return Use(UseKind.FAILING, parent, node)
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return Use(UseKind.FAILING, parent, node)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
        return Use(UseKind.FAILING, parent, node, "for ... in {}")
    if isinstance(parent, ast.Starred):
        return Use(UseKind.FAILING, parent, node, "*{}")
    if isinstance(parent, ast.Dict) and any(k is None and v is node
                                            for k, v in zip(parent.keys, parent.values,
                                                            strict=True)):
        return Use(UseKind.FAILING, parent, node, "**{}")
    if isinstance(parent, ast.keyword) and parent.arg is None:  # `f(**x)`
        return Use(UseKind.FAILING, above if isinstance(above, ast.expr) else parent, node,
                   None if isinstance(above, ast.expr) else "**{}")
    if isinstance(parent, ast.Assign) and parent.value is node and any(
            isinstance(t, (ast.Tuple, ast.List)) for t in parent.targets):
        return Use(UseKind.FAILING, parent, node,
                   f"{short_source(parent.targets[-1])} = {{}}")
    if isinstance(parent, ast.BinOp):
        return Use(UseKind.FAILING, parent, node)
    if isinstance(parent, ast.FormattedValue):
        return Use(UseKind.FAILING, above if isinstance(above, ast.JoinedStr) else parent,
                   node, None if isinstance(above, ast.JoinedStr) else "{}")
    if isinstance(parent, ast.AugAssign):
        # `x += coro()` as `x = x + coro()`: arithmetic on a coroutine, either side
        operator = _AUG_OPS.get(type(parent.op), '?')
        return Use(UseKind.FAILING, parent, node,
                   f"{{}} {operator}= ..." if parent.target is node
                   else f"{short_source(parent.target)} {operator}= {{}}")
    if isinstance(parent, ast.Raise):  # a coroutine is no exception: `raise` raises TypeError
        return Use(UseKind.FAILING, parent, node,
                   "raise {}" if parent.exc is node else "raise ... from {}")
    if isinstance(parent, ast.UnaryOp):
        kind = UseKind.TEST if isinstance(parent.op, ast.Not) else UseKind.FAILING
        return Use(kind, parent, node)
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node:
        keyword = {ast.If: "if", ast.While: "while", ast.Assert: "assert"}.get(type(parent))
        return Use(UseKind.TEST, parent, node, f"{keyword} {{}}" if keyword else "... if {}")
    if isinstance(parent, ast.BoolOp):
        return Use(UseKind.TEST, parent, node)
    if isinstance(parent, ast.Compare):
        identity = all(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops)
        if not identity:
            return Use(UseKind.FAILING, parent, node)
        if any(isinstance(e, ast.Constant) and e.value is None
               for e in (parent.left, *parent.comparators)):
            return Use(UseKind.LOOK, parent, node)
        return Use(UseKind.ESCAPES, parent, node)
    return None


def _handed(node: ast.expr, parent_of: ParentOf) -> Use:
    """A use that hands the object on: awaited (directly, through a conditional expression,
    or as an argument of `gather`-like calls), an argument of another awaited expression, or
    an escape."""
    child: ast.AST = node
    parent = parent_of(node)
    direct = True
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.Await):
            kind = UseKind.AWAITED if direct else UseKind.AWAIT_ARGUMENT
            return Use(kind, parent, node)
        if isinstance(parent, ast.Call):
            func = parent.func
            last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            direct = direct and child is not func and last in _AWAITING_CALLS
        elif not isinstance(parent, (ast.IfExp, ast.BoolOp, ast.NamedExpr, ast.Starred,
                                     ast.List, ast.Tuple, ast.keyword)):
            direct = False
        child, parent = parent, parent_of(parent)
    return Use(UseKind.ESCAPES, child, node, None if isinstance(child, ast.expr) else "{}")
