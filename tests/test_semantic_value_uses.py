"""`semantic.value_uses`: what a use of a name (ASL201) or a call (ASL202) that may hold a
coroutine does with it — one classification for both rules."""

from __future__ import annotations

import ast

import pytest

from asynclint.semantic.value_uses import UseKind, classify_use, value_use_kind


def _use(line: str) -> tuple[UseKind, str]:
    """Classify the first load of `x` in `line` (inside an `async def`)."""
    tree = ast.parse(f"async def f(x, y, items):\n    {line}\n")
    parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "x"
                and (isinstance(n.ctx, ast.Load) or isinstance(parents.get(id(n)), ast.AugAssign)))

    def resolve(expr: ast.expr) -> str | None:
        return f"builtins.{expr.id}" if isinstance(expr, ast.Name) else None

    use = classify_use(node, lambda n: parents.get(id(n)), resolve)
    return use.kind, use.shown


@pytest.mark.parametrize(("line", "kind", "shown"), [
    ("x.name", UseKind.FAILING, "x.name"),
    ("x[0]", UseKind.FAILING, "x[0]"),
    ("for i in x: pass", UseKind.FAILING, "for ... in x"),
    ("async for i in x: pass", UseKind.FAILING, "for ... in x"),
    ("print(*x)", UseKind.FAILING, "*x"),
    ("y = {**x}", UseKind.FAILING, "**x"),
    ("y = dict(**x)", UseKind.FAILING, "dict(**x)"),
    ("a, b = x", UseKind.FAILING, "(a, b) = x"),
    ("y = x + 1", UseKind.FAILING, "x + 1"),
    ("y = f'{x}'", UseKind.FAILING, "f'{x}'"),
    ("x += 1", UseKind.FAILING, "x += ..."),
    ("y += x", UseKind.FAILING, "y += x"),  # `y = y + x`: arithmetic on a coroutine
    ("raise x", UseKind.FAILING, "raise x"),  # a coroutine is no exception
    ("raise ValueError() from x", UseKind.FAILING, "raise ... from x"),
    ("y = -x", UseKind.FAILING, "-x"),
    ("y = x == 1", UseKind.FAILING, "x == 1"),
    ("y = len(x)", UseKind.FAILING, "len(x)"),
    ("if x: pass", UseKind.TEST, "if x"),
    ("y = not x", UseKind.TEST, "not x"),
    ("y = x or y", UseKind.TEST, "x or y"),
    ("y = x is None", UseKind.LOOK, "x is None"),
    ("y = isinstance(x, int)", UseKind.LOOK, "isinstance(x, int)"),
    ("y = x is y", UseKind.ESCAPES, "x is y"),
    ("x.send(None)", UseKind.AWAITED, "x.send"),
    ("x.__aenter__()", UseKind.AWAITED, "x.__aenter__"),
    ("await x", UseKind.AWAITED, "await x"),
    ("await asyncio.gather(x, y)", UseKind.AWAITED, "await asyncio.gather(x, y)"),
    ("await run(x)", UseKind.AWAIT_ARGUMENT, "await run(x)"),
    ("items.append(x)", UseKind.ESCAPES, "items.append(x)"),
    ("return x", UseKind.ESCAPES, "x"),
])
def test_classify_use(line: str, kind: UseKind, shown: str) -> None:
    assert _use(line) == (kind, shown)


def test_value_use_kind_does_not_look_above_the_parent() -> None:
    """ASL202 asks `value_use_kind` for every call: None for a use that is neither failing,
    a test, a look nor driving it by hand, without walking further up."""
    tree = ast.parse("async def f(x):\n    await run(x)\n    y = x.name\n")
    parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    loads = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "x"
             and isinstance(n.ctx, ast.Load)]
    kinds = set()
    for load in loads:
        parent = parents.get(id(load))
        kinds.add(value_use_kind(load, parent, parents.get(id(parent)), lambda e: None))
    assert kinds == {None, UseKind.FAILING}
    assert UseKind.TEST.weak and UseKind.LOOK.weak and not UseKind.FAILING.weak
