"""The engine's fast traversal gives rules exactly what a plain walk of every node gives them:
the same visit/leave calls in the same order, with the same parents and the same scope.

The reference below is the straightforward walk (every node entered, parents pushed and popped
one by one); the engine's `traversal.walk` skips work no rule can observe, and these tests pin
that down.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from pathlib import Path

import hypothesmith
import libcst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asynclint.config import Settings
from asynclint.engine.traversal import walk
from asynclint.rules.base import Rule, RuleContext
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import names_and_strings
from asynclint.source import SourceFile

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
_SCALE = {"ci": 1, "thorough": 20}[os.environ.get("ASYNCLINT_HYPOTHESIS_PROFILE", "ci")]

Event = tuple[str, str, int, tuple[int, ...], int, str | None]


def reference_walk(tree: ast.Module, semantic: SemanticModel, rules: list[Rule]) -> None:
    """Every node entered; parents pushed and popped around each node."""

    def handlers(rule: Rule, table: str, kind: type[ast.AST]) -> list[Callable[[ast.AST], None]]:
        return [getattr(rule, name) for name, kinds in getattr(rule, table).items()
                if kind in kinds]

    def visit(node: ast.AST) -> None:
        for rule in rules:
            for handler in handlers(rule, "visitors", type(node)):
                handler(node)
        semantic.parents.append(node)
        kind = type(node)
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            outer: list[ast.AST] = list(node.decorator_list)  # type: ignore[attr-defined]
            if kind is ast.ClassDef:
                outer += [*node.bases, *node.keywords]  # type: ignore[attr-defined]
            else:
                outer.append(node.args)  # type: ignore[attr-defined]
                if node.returns is not None:  # type: ignore[attr-defined]
                    outer.append(node.returns)  # type: ignore[attr-defined]
            for child in outer:
                visit(child)
            semantic.push_scope(node)
            for child in node.body:  # type: ignore[attr-defined]
                visit(child)
            semantic.pop_scope()
        elif kind is ast.Lambda:
            visit(node.args)  # type: ignore[attr-defined]
            semantic.push_scope(node)
            visit(node.body)  # type: ignore[attr-defined]
            semantic.pop_scope()
        else:
            for child in ast.iter_child_nodes(node):
                visit(child)
        semantic.parents.pop()
        for rule in rules:
            for handler in handlers(rule, "leavers", type(node)):
                handler(node)

    visit(tree)
    for rule in rules:
        rule.finish()


def _recorder(visits: tuple[type[ast.AST], ...], leaves: tuple[type[ast.AST], ...],
              log: list[Event]) -> type[Rule]:
    """A rule with a `visit_<Node>` method per type of `visits`, a `leave_<Node>` one per type
    of `leaves`, each logging what the rule sees."""

    def event(what: str) -> Callable[[Rule, ast.AST], None]:
        def handle(self: Rule, node: ast.AST) -> None:
            function = self.semantic.function
            log.append((what, type(node).__name__, id(node),
                        tuple(id(p) for p in self.semantic.parents),
                        id(self.semantic.scope.node),
                        None if function is None else getattr(function, "name", "<lambda>")))
        return handle

    def finish(self: Rule) -> None:
        log.append(("finish", "", 0, tuple(id(p) for p in self.semantic.parents), 0, None))

    namespace: dict[str, object] = {"code": "ASL999", "name": "recorder", "finish": finish}
    namespace |= {f"visit_{kind.__name__}": event("visit") for kind in visits}
    namespace |= {f"leave_{kind.__name__}": event("leave") for kind in leaves}
    return type("Recorder", (Rule,), namespace)


# Interest sets: everything (nothing skipped: `visit_AST` handles every node), what rules
# typically want, base classes beside a subclass of theirs, and operators (which switch the
# skipping of operator fields and leaves off).
INTERESTS: tuple[tuple[tuple[type[ast.AST], ...], tuple[type[ast.AST], ...]], ...] = (
    ((ast.AST,), (ast.AST,)),
    ((ast.stmt, ast.With, ast.expr_context), (ast.expr, ast.Name)),
    ((ast.Call, ast.Await), (ast.AsyncFunctionDef, ast.With)),
    ((ast.Name,), (ast.Lambda,)),
    ((ast.Load, ast.Add), (ast.BinOp,)),
    ((), (ast.Pass, ast.Constant)),
)


def _events(text: str, tree: ast.Module, walk: object, visits: tuple[type[ast.AST], ...],
            leaves: tuple[type[ast.AST], ...]) -> list[Event]:
    semantic = SemanticModel(tree)
    ctx = RuleContext("m.py", SourceFile(text), tree, semantic, Settings(root=Path.cwd()))
    log: list[Event] = []
    rules = [_recorder(visits, leaves, log)(ctx), _recorder(leaves, visits, log)(ctx)]
    walk(tree, semantic, rules)  # type: ignore[operator]
    return log


SAMPLE = '''
import asyncio, time as t
from x import (a as b, c)
global g
@dec(1 + 2)
class C(Base, metaclass=M):
    x: int = 1
    async def m(self, a=lambda q: q * 2, *args, k: "T" = None, **kw) -> R:
        async with a() as (p, q), b:
            async for i in aiter():
                await t.sleep(-i)
        y = [z async for z in g if z] + {k: v for k, v in d.items()}
        f = lambda: (yield)
        try:
            pass
        except* ValueError as e:
            raise X from e
        finally:
            del y[0], y.attr
        match p:
            case [1, *rest] | {"k": None, **kw} if rest:
                nonlocal_ = f"{p!r:>{width}}"
            case C(a, b=1) as whole:
                break
            case _:
                continue
        return not (a < b <= c) and -x or ~y
'''


def test_same_events_as_a_plain_walk_on_every_construct() -> None:
    tree = ast.parse(SAMPLE)
    for visits, leaves in INTERESTS:
        fast = _events(SAMPLE, tree, walk, visits, leaves)
        assert fast == _events(SAMPLE, tree, reference_walk, visits, leaves)
        assert any(e[0] == "visit" for e in fast) or not visits


@settings(max_examples=40 * _SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(hypothesmith.from_node(libcst.Module), hypothesmith.from_grammar()),
       st.sampled_from(INTERESTS))
def test_same_events_as_a_plain_walk(text: str, interest: tuple[tuple[type[ast.AST], ...],
                                                                 tuple[type[ast.AST], ...]]) -> None:
    visits, leaves = interest
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    fast = _events(text, tree, walk, visits, leaves)
    assert fast == _events(text, tree, reference_walk, visits, leaves)


def _names_and_strings_as_ast_walk_finds_them(tree: ast.AST) -> None:
    names, strings = names_and_strings(tree)
    every = list(ast.walk(tree))
    assert sorted(map(id, names)) == sorted(id(n) for n in every if isinstance(n, ast.Name))
    assert sorted(map(id, strings)) == sorted(
        id(n) for n in every if isinstance(n, ast.Constant) and isinstance(n.value, str))


def test_names_and_strings_finds_what_ast_walk_finds() -> None:
    tree = ast.parse(SAMPLE + "x: 'T' = f'{os.sep!r:>{w}}' 'b'\n")
    _names_and_strings_as_ast_walk_finds_them(tree)
    names, strings = names_and_strings(tree)
    assert {"os", "w", "rest"} <= {n.id for n in names}
    assert "T" in {s.value for s in strings}
    deep = ast.parse("x = " + "-" * 2_500 + "y\n")  # deeper than the recursion limit
    assert sorted(n.id for n in names_and_strings(deep)[0]) == ["x", "y"]


@settings(max_examples=40 * _SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(hypothesmith.from_node(libcst.Module), hypothesmith.from_grammar()))
def test_names_and_strings_finds_what_ast_walk_finds_anywhere(text: str) -> None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    _names_and_strings_as_ast_walk_finds_them(tree)


def test_deep_nesting_does_not_recurse() -> None:
    text = "x = " + "-" * 2_500 + "1\n"  # deeper than the recursion limit
    tree = ast.parse(text)
    semantic = SemanticModel(tree)
    ctx = RuleContext("m.py", SourceFile(text), tree, semantic, Settings(root=Path.cwd()))
    log: list[Event] = []
    walk(tree, semantic, [_recorder((ast.Constant,), (), log)(ctx)])
    assert [e[1] for e in log if e[0] == "visit"] == ["Constant"]
    assert len(log[0][3]) == 2_500 + 2  # Module, Assign, 2,500 UnaryOps
    assert semantic.parents == []




def test_analyze_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from asynclint.engine.analyze import analyze

    settings_ = Settings(root=Path.cwd(), select=("ASL",))
    codes = settings_.enabled_codes()
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            analyze(SourceFile("import time\nasync def f():\n    time.sleep(1)\n"), "m.py",
                    settings_, codes)
            assert gc.isenabled() is state
            analyze(SourceFile("def f(:\n"), "m.py", settings_, codes)  # the syntax error path
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()


class _Statements(Rule):
    code = "ASL999"

    def __init__(self, ctx: RuleContext) -> None:
        super().__init__(ctx)
        self.seen: list[str] = []

    def visit_stmt(self, node: ast.stmt) -> None:
        self.seen.append(f"stmt {type(node).__name__}")

    def visit_With(self, node: ast.With) -> None:
        self.seen.append("With")

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.seen.append(f"left {node.name}")


def test_the_method_of_the_most_specific_class_is_called_once() -> None:
    text = "def f():\n    with a:\n        pass\n"
    tree = ast.parse(text)
    semantic = SemanticModel(tree)
    rule = _Statements(RuleContext("m.py", SourceFile(text), tree, semantic,
                                   Settings(root=Path.cwd())))
    walk(tree, semantic, [rule])
    assert rule.seen == ["stmt FunctionDef", "With", "stmt Pass", "left f"]
    assert _Statements.visitors["visit_With"] == (ast.With,)
    assert ast.With not in _Statements.visitors["visit_stmt"]
    assert _Statements.leavers == {"leave_FunctionDef": (ast.FunctionDef,)}


@pytest.mark.parametrize("method", ["visit", "leave", "visit_call", "leave_parse"])
def test_a_method_the_engine_would_never_call_is_refused(method: str) -> None:
    with pytest.raises(TypeError, match=method):
        type("Wrong", (Rule,), {method: lambda self, node: None})
