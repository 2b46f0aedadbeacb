"""The engine's fast traversal gives rules exactly what a plain walk of every node gives them:
the same visit/leave calls in the same order, with the same parents and the same scope.

The reference below is the straightforward walk (every node entered, parents pushed and popped
one by one); the engine's `traversal.walk` skips work no rule can observe, and these tests pin
that down.
"""

from __future__ import annotations

import ast
import os
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
from asynclint.source import SourceFile

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
_SCALE = {"ci": 1, "thorough": 20}[os.environ.get("ASYNCLINT_HYPOTHESIS_PROFILE", "ci")]

ALL_TYPES: tuple[type[ast.AST], ...] = tuple(
    t for t in vars(ast).values()
    if isinstance(t, type) and issubclass(t, ast.AST) and t is not ast.AST
)
Event = tuple[str, str, int, tuple[int, ...], int, str | None]


def reference_walk(tree: ast.Module, semantic: SemanticModel, rules: list[Rule]) -> None:
    """Every node entered; parents pushed and popped around each node."""

    def visit(node: ast.AST) -> None:
        for rule in rules:
            if type(node) in rule.visits:
                rule.visit(node)
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
            if type(node) in rule.leaves:
                rule.leave(node)

    visit(tree)
    for rule in rules:
        rule.finish()


def _recorder(visits: tuple[type[ast.AST], ...], leaves: tuple[type[ast.AST], ...],
              log: list[Event]) -> type[Rule]:
    class Recorder(Rule):
        code = "ASL999"
        name = "recorder"

        def _event(self, what: str, node: ast.AST) -> None:
            function = self.semantic.function
            log.append((what, type(node).__name__, id(node),
                        tuple(id(p) for p in self.semantic.parents),
                        id(self.semantic.scope.node),
                        None if function is None else getattr(function, "name", "<lambda>")))

        def visit(self, node: ast.AST) -> None:
            self._event("visit", node)

        def leave(self, node: ast.AST) -> None:
            self._event("leave", node)

        def finish(self) -> None:
            log.append(("finish", "", 0, tuple(id(p) for p in self.semantic.parents), 0, None))

    Recorder.visits = visits
    Recorder.leaves = leaves
    return Recorder


# Interest sets: everything (nothing skipped), what rules typically want, and operators (which
# switch the skipping of operator fields and leaves off).
INTERESTS: tuple[tuple[tuple[type[ast.AST], ...], tuple[type[ast.AST], ...]], ...] = (
    (ALL_TYPES, ALL_TYPES),
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
