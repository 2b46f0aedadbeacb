"""semantic.flow: which bindings reach each load of a name. Each case is a function and, for
every line that loads `x`, the lines of the bindings that may reach it (None: unknown)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.flow import FunctionFlow


def reaching(code: str, name: str = "x") -> dict[int, list[int]] | None:
    function = ast.parse(textwrap.dedent(code)).body[0]
    assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
    flow = FunctionFlow(function)
    loads = flow.loads(name)
    if loads is None:
        return None
    out: dict[int, set[int]] = {}
    for load in loads:
        out.setdefault(load.lineno, set()).update(
            getattr(b, "lineno", 0) for b in flow.reaching(load))
    return {line: sorted(lines) for line, lines in out.items()}


CASES = [
    ("straight line", """
     def f():
         x = 1
         g(x)
         x = 2
         g(x)
     """, {4: [3], 6: [5]}),
    ("if/else join", """
     def f(c):
         x = 1
         if c:
             x = 2
         g(x)
     """, {6: [3, 5]}),
    ("both branches rebind", """
     def f(c):
         x = 1
         if c:
             x = 2
         else:
             x = 3
         g(x)
     """, {8: [5, 7]}),
    ("a branch that returns does not reach", """
     def f(c):
         x = 1
         if c:
             x = 2
             return
         g(x)
     """, {7: [3]}),
    ("loop: a later binding reaches an earlier use", """
     def f(items):
         x = 1
         for i in items:
             g(x)
             x = i
         g(x)
     """, {5: [3, 6], 7: [3, 6]}),
    ("while with break and continue", """
     def f(c):
         x = 1
         while c:
             if c > 1:
                 x = 2
                 break
             if c > 2:
                 x = 3
                 continue
             x = 4
         g(x)
     """, {12: [3, 6, 9, 11]}),
    ("x = await x in a loop", """
     async def f(c):
         x = start()
         while c:
             x = await x
         g(x)
     """, {5: [3, 5], 6: [3, 5]}),
    ("for target and else", """
     def f(items):
         x = 1
         for x in items:
             pass
         else:
             g(x)
     """, {7: [3, 4]}),
    ("try: handlers see any point of the body", """
     def f():
         x = 1
         try:
             x = 2
             x = 3
         except E:
             g(x)
         g(x)
     """, {8: [3, 5, 6], 9: [3, 5, 6]}),
    ("except-as binds", """
     def f():
         x = 1
         try:
             pass
         except E as x:
             g(x)
     """, {7: [6]}),
    ("finally runs on the break that leaves the try", """
     def f(c):
         while c:
             try:
                 x = 1
                 break
             finally:
                 x = 2
         g(x)
     """, {9: [8]}),
    ("with may swallow an exception", """
     def f():
         x = 1
         with cm() as y:
             x = 2
             x = 3
         g(x)
     """, {7: [3, 5, 6]}),
    ("with-as binds", """
     def f():
         with cm() as x:
             g(x)
     """, {4: [3]}),
    ("augmented assignment reads then binds", """
     def f():
         x = 1
         x += 1
         g(x)
     """, {4: [3], 5: [4]}),
    ("walrus adds a binding", """
     def f():
         x = 1
         if (x := 2):
             g(x)
     """, {5: [3, 4]}),
    ("del removes", """
     def f(c):
         x = 1
         if c:
             del x
         g(x)
     """, {6: [3]}),
    ("imports, def and class names bind", """
     def f():
         import x
         g(x)
         def x(): pass
         g(x)
         class x: pass
         g(x)
         from m import y as x
         g(x)
     """, {4: [3], 6: [5], 8: [7], 10: [9]}),
    ("parameters bind", """
     def f(x):
         g(x)
     """, {3: [2]}),
    ("match captures", """
     def f(v):
         x = 1
         match v:
             case [x]:
                 g(x)
             case _:
                 pass
         g(x)
     """, {6: [5], 9: [3, 5]}),
    ("comprehension variables are not the name", """
     def f(items):
         x = 1
         return [x for x in items] + [x]
     """, {4: [3]}),
    ("a list comprehension runs here", """
     def f(items):
         x = 1
         return [x.a for i in items]
     """, {4: [3]}),
    ("global: unknown", """
     def f():
         global x
         x = 1
         g(x)
     """, None),
    ("nonlocal: unknown", """
     def f():
         nonlocal x
         x = 1
     """, None),
    ("a use in a nested function: unknown", """
     def f():
         x = 1
         def inner():
             return x
     """, None),
    ("a use in a lambda: unknown", """
     def f():
         x = 1
         return lambda: x
     """, None),
    ("a use in a class body: unknown", """
     def f():
         x = 1
         class C:
             y = x
     """, None),
    ("a generator expression runs later: unknown", """
     def f(items):
         x = 1
         return (x for i in items)
     """, None),
    ("the first iterable of a generator expression runs here", """
     def f():
         x = 1
         return any(i for i in x)
     """, {4: [3]}),
    ("a nested function's default runs here", """
     def f():
         x = 1
         def inner(a=x): pass
     """, {4: [3]}),
]


@pytest.mark.parametrize("code, expected", [(c, e) for _, c, e in CASES],
                         ids=[n for n, _, _ in CASES])
def test_reaching(code: str, expected: dict[int, list[int]] | None) -> None:
    assert reaching(code) == expected


def test_bindings_and_loops() -> None:
    code = textwrap.dedent("""
    def f(items):
        x = 1
        for i in items:
            x = i
            g(x)
    """)
    function = ast.parse(code).body[0]
    assert isinstance(function, ast.FunctionDef)
    flow = FunctionFlow(function)
    bindings = flow.bindings("x")
    assert bindings is not None
    assert [b.lineno for b in bindings if isinstance(b, ast.Name)] == [3, 5]
    loads = flow.loads("x")
    assert loads is not None and len(loads) == 1
    assert [type(loop) for loop in flow.loops(loads[0])] == [ast.For]
    assert flow.loops(bindings[0]) == ()
    assert isinstance(flow.parent(loads[0]), ast.Call)
