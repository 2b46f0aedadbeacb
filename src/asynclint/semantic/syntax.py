"""Questions about the shape of the code alone, asked by several families: which nodes are
functions and nested scopes, where `await` may go before an expression, where a module's
header ends, what an `if` on `TYPE_CHECKING` or on `sys.version_info` looks like. One home each,
so the families agree.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FuncDef = ast.FunctionDef | ast.AsyncFunctionDef
# A `def` or `async def` statement, for `isinstance`.
FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Nodes whose body runs elsewhere or later than the code around them.
NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# `type X = ...` (Python 3.12+; empty before).
TYPE_ALIAS: tuple[type, ...] = tuple(filter(None, [getattr(ast, "TypeAlias", None)]))
# Statements that bind no name and hold no block: a scan for bindings passes them over at
# the cost of one set lookup (they are half of all statements: calls, asserts, returns).
BINDS_NOTHING: frozenset[type[ast.stmt]] = frozenset({
    ast.Expr, ast.Return, ast.Assert, ast.Raise, ast.Pass, ast.Break, ast.Continue,
    ast.Delete,
})

# An awaited expression in these positions must be parenthesised: `(await f()).attr`.
_PRIMARY_PARENTS = (ast.Attribute, ast.Subscript, ast.Call)


@dataclass(frozen=True)
class AwaitSite:
    """A place where `await` can go before an expression."""

    needs_parens: bool  # `(await f()).attr`: the expression is the value of a primary


def await_site(node: ast.expr, ancestors: Sequence[ast.AST],
               parent: ast.AST | None = None) -> AwaitSite | None:
    """Whether `await` can go before `node`, given its ancestors (outermost first; the last is
    its parent unless `parent` is given). None inside a generator expression of the same scope:
    an `await` there would turn it into an async generator. Whether the code around is a
    coroutine at all is the caller's question."""
    for ancestor in reversed(ancestors):
        if isinstance(ancestor, ast.GeneratorExp):
            return None
        if isinstance(ancestor, NESTED_SCOPES):
            break
    if parent is None and ancestors:
        parent = ancestors[-1]
    return AwaitSite(isinstance(parent, _PRIMARY_PARENTS) and (
        getattr(parent, "value", None) is node or getattr(parent, "func", None) is node))


def _plain_import(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.Import, ast.ImportFrom))


def header_end(body: list[ast.stmt],
               is_import: Callable[[ast.stmt], bool] = _plain_import) -> ast.stmt | None:
    """The last statement of a module's header — its docstring, then the leading imports (as
    `is_import` judges them): where a fix adds a top-level line. None for an empty header."""
    last: ast.stmt | None = None
    i = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        last, i = body[0], 1
    while i < len(body) and is_import(body[i]):
        last, i = body[i], i + 1
    return last


def is_type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`: the test of a block that never runs."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _version_tuple(expr: ast.expr) -> tuple[int, ...] | None:
    if not isinstance(expr, ast.Tuple) or not expr.elts:
        return None
    parts = [e.value for e in expr.elts
             if isinstance(e, ast.Constant) and type(e.value) is int]
    return tuple(parts) if len(parts) == len(expr.elts) else None


def _below(test: ast.expr, version: tuple[int, ...], negated: bool) -> bool:
    """The test (or, `negated`, its negation) holds only on Pythons older than `version`:
    `sys.version_info < (3, 12)` for (3, 13); `sys.version_info >= (3, 13)` negated."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.left, ast.Attribute) and test.left.attr == "version_info"
            and isinstance(test.left.value, ast.Name) and test.left.value.id == "sys"):
        return False
    bound = _version_tuple(test.comparators[0])
    op = test.ops[0]
    wanted = ast.GtE if negated else ast.Lt
    return bound is not None and isinstance(op, wanted) and bound <= version


def runs_below(ancestors: Sequence[ast.AST], node: ast.AST, version: tuple[int, ...]) -> bool:
    """`node` (whose ancestors are given, outermost first) runs only on Pythons older than
    `version`: it sits in the branch of an `if` or conditional expression of the same function
    that a `sys.version_info` comparison restricts so (`if sys.version_info < (3, 13):`, or the
    `else` of `>= (3, 13)`)."""
    chain = [*ancestors, node]
    for i in range(len(chain) - 1, 0, -1):
        outer, inner = chain[i - 1], chain[i]
        if isinstance(outer, NESTED_SCOPES):
            return False
        if isinstance(outer, (ast.If, ast.IfExp)):
            body = outer.body if isinstance(outer.body, list) else [outer.body]
            orelse = outer.orelse if isinstance(outer.orelse, list) else [outer.orelse]
            if any(inner is b for b in body) and _below(outer.test, version, False):
                return True
            if any(inner is b for b in orelse) and _below(outer.test, version, True):
                return True
    return False


def short_source(expr: ast.expr) -> str:
    """An expression as a message quotes it: its source, cut to 60 characters."""
    try:
        text = ast.unparse(expr)
    except (ValueError, RecursionError):
        return "call"
    return text if len(text) <= 60 else text[:57] + "..."


# The `SemanticModel.shared` key of the rows where `yield` occurs in the module's text (a
# `list[int]`), or None when the text was not at hand (or has carriage returns, whose rows
# would need counting as the tokenizer counts them).
YIELD_ROWS = "yield-rows"


def rows_with(text: str | bytes, word: str) -> list[int]:
    """The rows (1-based, ascending) on which `word` occurs in a module's text."""
    needle: str | bytes = word if isinstance(text, str) else word.encode()
    newline: str | bytes = "\n" if isinstance(text, str) else b"\n"
    rows: list[int] = []
    row, seen = 1, 0
    at = text.find(needle)  # type: ignore[arg-type]
    while at >= 0:
        row += text.count(newline, seen, at)  # type: ignore[arg-type]
        seen = at
        if not rows or rows[-1] != row:
            rows.append(row)
        at = text.find(needle, at + len(needle))  # type: ignore[arg-type]
    return rows


def word_char(char: str) -> bool:
    """`char` is one character a regular expression's `\\w` takes as part of a word (letters,
    digits, `_`); the empty string (a text's edge) is not."""
    return char.isalnum() or char == "_"


def spells_identifier(text: str, word: str) -> bool:
    r"""`word` occurs in the text as a whole identifier (not inside a longer one: `run` in
    `asyncio.run(` or `import run as go`, not in `run_sync`; `io` not in `asyncio`): what
    `re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)` finds, without the regular
    expression, which a leading look-behind makes try every position (0.23 s against 0.04 s
    over the applications corpus's files). Whatever `ast` reads a name or attribute as, the
    text spells it so: a cheap necessary condition for its use."""
    at, size = text.find(word), len(word)
    while at >= 0:
        before = text[at - 1] if at else ""
        if not word_char(before) and not word_char(text[at + size : at + size + 1]):
            return True
        at = text.find(word, at + 1)
    return False


def rows_unknown() -> list[int] | None:
    """The `YIELD_ROWS` of a model whose text was not at hand: every def is walked."""
    return None


def rows_within(rows: list[int], node: ast.stmt) -> bool:
    """One of the rows (ascending) falls within the statement's lines: a function spanning no
    row where `yield` is written cannot be a generator, and need not be walked to know it."""
    first = bisect.bisect_left(rows, node.lineno)
    return first < len(rows) and rows[first] <= (node.end_lineno or node.lineno)


def names_used(module: ast.Module) -> frozenset[str]:
    """Every name the module reads: plain names (`rate`) and attribute names (`self.rate`,
    `views.rate`). A function whose name is not among them is neither called nor passed on
    anywhere in its own module (a caller there could `await` it)."""
    found: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return frozenset(found)


def assigned_names(stmt: ast.stmt) -> list[str]:
    """The names an assignment-like statement binds (`=`, annotated and augmented assignment,
    a `for` target, a `with ... as`), in a walk of its targets."""
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in stmt.items if i.optional_vars is not None]
    return [sub.id for target in targets for sub in ast.walk(target) if isinstance(sub, ast.Name)]


def is_stub(func: FuncDef) -> bool:
    """Whether the body is only `...`, `pass`, a docstring or a `raise`: an interface (an
    abstract method, a protocol's), so what runs when it is called is defined elsewhere (an
    override, which may be a plain `def`, an `async def` or an async generator)."""
    return all(isinstance(s, (ast.Pass, ast.Raise))
               or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               for s in func.body)


def every_parameter(args: ast.arguments) -> tuple[ast.arg, ...]:
    """Every parameter a signature binds, `*args` and `**kwargs` included."""
    rest = tuple(a for a in (args.vararg, args.kwarg) if a is not None)
    return (*args.posonlyargs, *args.args, *args.kwonlyargs, *rest)


# The node types `bound_name` can answer for: a cheap class test before the call, in loops
# over every node of a body.
BINDING_NODES = frozenset({ast.Name, ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.alias,
                           ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def bound_name(node: ast.AST) -> str | None:
    """The name a node binds in its scope, if it binds one: a stored or deleted name, an
    `except ... as`, a `match` capture, an imported alias, a `def` or `class`."""
    if isinstance(node, ast.Name):
        return None if isinstance(node.ctx, ast.Load) else node.id
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return node.name
    if isinstance(node, ast.alias):
        return (node.asname or node.name).split(".")[0]
    if isinstance(node, (*FUNCS, ast.ClassDef)):
        return node.name
    return None
