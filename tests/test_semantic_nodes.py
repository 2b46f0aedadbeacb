"""The semantic layer's hand-made fast paths against the plain definitions they stand for:
`nodes.own_nodes` (a function's own code), `SemanticModel.resolve` of attribute chains, and
the statements a binding table may pass over (`syntax.BINDS_NOTHING`)."""

from __future__ import annotations

import ast

import pytest

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import OPERATOR_NODES, own_nodes, statements, walk
from asynclint.semantic.syntax import BINDS_NOTHING, NESTED_SCOPES

_BODY = '''
async def handler(request, *, db: Session = Depends(get_db)):
    x = await db.execute(select(User).where(User.id == request.id))
    y = [f(a) for a in x if a]
    del y[0]
    with open(p) as fh, lock:
        fh.read()
    def nested(q=default()):
        return q.inner()
    cb = lambda z: z.go()
    class Local(Base, metaclass=Meta):
        attr = compute()
    match x:
        case {"k": [1, *rest]} if rest:
            g(rest)
        case Point(x=0) | None:
            pass
    try:
        raise Err(x) from None
    except* ValueError as e:
        log(f"{e!r:>10}")
    assert x, "message"
    return {**x, "k": (yield)} if x else not x
'''


def _reference(body: list[ast.stmt]) -> list[tuple[ast.AST, ast.AST | None]]:
    """`own_nodes`'s definition: depth first in `ast.iter_child_nodes` order, nested scopes
    listed but not entered, operator singletons (`Load()`, `Eq()`...) left out."""
    out: list[tuple[ast.AST, ast.AST | None]] = []

    def visit(node: ast.AST, parent: ast.AST | None) -> None:
        if isinstance(node, OPERATOR_NODES):
            return
        out.append((node, parent))
        if not isinstance(node, NESTED_SCOPES):
            for child in ast.iter_child_nodes(node):
                visit(child, node)

    for stmt in body:
        visit(stmt, None)
    return out


def test_walk_is_ast_walk_less_the_operator_singletons() -> None:
    tree = ast.parse(_BODY + "a += -b < c and d\n")
    assert list(walk(tree)) == [n for n in ast.walk(tree) if not isinstance(n, OPERATOR_NODES)]


def test_own_nodes_is_a_depth_first_walk_that_stops_at_nested_scopes() -> None:
    """A function's body, a module's (whose statements are nested scopes themselves), and a
    body of operators (`+=`, unary, comparison and boolean operators)."""
    module = ast.parse(_BODY + "\n\ndef ops(a, b):\n    a += b\n    return -a < b or not a\n")
    func, ops = module.body
    assert isinstance(func, ast.AsyncFunctionDef) and isinstance(ops, ast.FunctionDef)
    for body in (func.body, module.body, ops.body):
        assert list(own_nodes(body)) == _reference(body)


@pytest.mark.parametrize(("source", "expr", "expected"), [
    ("import a.b as c\n", "c.d.e", "a.b.d.e"),
    ("from .pkg import mod\n", "mod.f", "app.pkg.mod.f"),
    ("import os\n", "os.path.join", "os.path.join"),
    ("", "str.join", None),  # a builtin's attribute: no qualified name
    ("", "open", "builtins.open"),
    ("x = 1\n", "x.real", None),  # a local value
    ("import os\n", "os.getcwd().strip", None),  # a call in the chain
    ("", "undefined.name", None),
])
def test_resolve_names_an_attribute_chain_by_its_root(source: str, expr: str,
                                                      expected: str | None) -> None:
    model = SemanticModel(ast.parse(source), "app.main")
    node = ast.parse(expr, mode="eval").body
    assert model.resolve(node) == expected


def test_statements_passed_over_bind_nothing() -> None:
    """Every statement class of `BINDS_NOTHING` binds no name and holds no block, so a
    binding table may skip it: the table is the same with those statements as without."""
    with_them = SemanticModel(ast.parse(
        "import a\nx = 1\nf(x)\nassert x\ndel x\nraise E\npass\n"
        "for i in y:\n    break\n    continue\ndef g():\n    return 1\n"))
    without = SemanticModel(ast.parse("import a\nx = 1\nfor i in y:\n    pass\ndef g():\n    pass\n"))
    bound = {k: v.qualified for k, v in with_them.module_scope.bindings.items()}
    assert bound == {k: v.qualified for k, v in without.module_scope.bindings.items()}
    assert all(issubclass(kind, ast.stmt) and "body" not in kind._fields
               for kind in BINDS_NOTHING)


def test_statements_are_walks_statements_in_its_order() -> None:
    tree = ast.parse(_BODY + "class C:\n    def __init__(self):\n        if a:\n            self.x = 1\n"
                     "        else:\n            try:\n                pass\n            finally:\n"
                     "                self.y: int = 2\n        f = lambda: (yield)\n")
    for node in [tree, *ast.walk(tree)]:
        assert list(statements(node)) == [n for n in walk(node) if isinstance(n, ast.stmt)]
