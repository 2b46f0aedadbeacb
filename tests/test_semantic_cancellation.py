"""Where a caught cancellation goes (semantic/cancellation.py): the questions ASL501 asks before
calling a handler a swallow."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic import cancellation

CANCELLED = frozenset({"asyncio.CancelledError"})


def _resolve(expr: ast.expr) -> str | None:
    """Dotted names as written: enough for these snippets, which import modules whole."""
    if isinstance(expr, ast.Name):
        return "builtins." + expr.id if expr.id in {"BaseException"} else expr.id
    if isinstance(expr, ast.Attribute):
        inner = _resolve(expr.value)
        return None if inner is None else f"{inner}.{expr.attr}"
    return None


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _first(code: str) -> tuple[ast.AsyncFunctionDef, ast.Try, ast.ExceptHandler, list[ast.AST]]:
    """The first function, its innermost `try` whose handler is marked `# here`, that handler,
    and the try's ancestors (innermost first)."""
    source = textwrap.dedent(code)
    tree = ast.parse(source)
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef))
    lines = source.splitlines()
    handler = next(n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)
                   and lines[n.lineno - 1].rstrip().endswith("# here"))
    parents = _parents(tree)
    try_node = parents[id(handler)]
    assert isinstance(try_node, ast.Try)
    ancestors: list[ast.AST] = []
    node: ast.AST = try_node
    while id(node) in parents:
        node = parents[id(node)]
        ancestors.append(node)
    return function, try_node, handler, ancestors


@pytest.mark.parametrize(("later", "expected"), [
    ("if cancelled:\n            raise asyncio.CancelledError", True),
    ("if not cancelled:\n            return\n        raise asyncio.CancelledError()", True),
    ("log(cancelled)", False),
    ("if other:\n            raise ValueError", False),
])
def test_deferred_reraise_needs_a_raise_tied_to_the_record(later: str, expected: bool) -> None:
    code = f"""
    async def f(client, other):
        cancelled = False
        try:
            await client.get()
        except asyncio.CancelledError:  # here
            cancelled = True
        await client.aclose()
        {later}
    """
    function, _, handler, _ = _first(code)
    assert cancellation.deferred_reraise(function, handler, _resolve, CANCELLED) is expected


def test_deferred_reraise_of_the_stored_exception() -> None:
    function, _, handler, _ = _first("""
    async def f(client):
        error = None
        try:
            await client.get()
        except asyncio.CancelledError as exc:  # here
            error = exc
        if error is not None:
            raise error
    """)
    assert cancellation.deferred_reraise(function, handler, _resolve, CANCELLED)


def test_a_raise_before_the_handler_does_not_count() -> None:
    function, _, handler, _ = _first("""
    async def f(client, cancelled):
        if cancelled:
            raise asyncio.CancelledError
        try:
            await client.get()
        except asyncio.CancelledError:  # here
            cancelled = True
    """)
    assert not cancellation.deferred_reraise(function, handler, _resolve, CANCELLED)


@pytest.mark.parametrize(("outer_tail", "expected"), [("raise", True), ("pass", False)])
def test_inside_a_reraising_handler(outer_tail: str, expected: bool) -> None:
    _, try_node, _, ancestors = _first(f"""
    async def f(client):
        try:
            await client.get()
        except asyncio.CancelledError:
            try:
                await client.aclose()
            except asyncio.CancelledError:  # here
                pass
            {outer_tail}
    """)
    assert cancellation.inside_reraising_handler(
        try_node, ancestors, lambda h: True) is expected


@pytest.mark.parametrize(("code", "expected"), [
    ("""
    async def f(q):
        while True:
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                break
        log("stopped")
    """, True),
    ("""
    async def f(q):
        while True:
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                break
        await q.join()
    """, False),
    ("""
    async def f(q):
        while True:
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                continue
    """, False),
    ("""
    async def f(q):
        try:
            while True:
                await q.get()
        except asyncio.CancelledError:  # here
            pass
    """, True),
    ("""
    async def f(q):
        try:
            await q.get()
        except asyncio.CancelledError:  # here
            pass
    """, False),
    ("""
    async def f(q):
        n = 0
        while True:
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                return
        return n
    """, False),
])
def test_task_ends(code: str, expected: bool) -> None:
    function, try_node, handler, ancestors = _first(code)
    assert cancellation.task_ends(function, try_node, handler, ancestors) is expected


@pytest.mark.parametrize(("body", "expected"), [
    ("context.throw(*sys.exc_info())", True),
    ("fut.set_exception(sys.exc_info()[1])", True),
    ("fut.set_exception(RuntimeError())", False),
    ("log(*sys.exc_info())", False),
])
def test_forwards_caught(body: str, expected: bool) -> None:
    _, _, handler, _ = _first(f"""
    async def f(context, fut):
        try:
            await fut
        except BaseException:  # here
            {body}
    """)
    assert cancellation.forwards_caught(handler, _resolve) is expected


@pytest.mark.parametrize(("body", "expected"), [
    ("await parent.put(('job', 'done'))", True),
    ("self.status = 'cancelled'", True),
    ("notify_parent('interrupted')", True),
    ("log.info('interrupted')", False),
    ("status = 'cancelled'", False),
])
def test_reports_to_parent(body: str, expected: bool) -> None:
    _, _, handler, _ = _first(f"""
    async def f(self, parent, log):
        try:
            await parent.get()
        except asyncio.CancelledError:  # here
            {body}
    """)
    assert cancellation.reports_to_parent(handler) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("try:\n    pass\nfinally:\n    stop()  # here\n", "finally"),
        ("try:\n    pass\nexcept asyncio.CancelledError:\n    stop()  # here\n", "handler"),
        ("try:\n    pass\nexcept (ValueError, BaseException):\n    stop()  # here\n",
         "handler"),
        ("try:\n    pass\nexcept:\n    stop()  # here\n", "handler"),
        ("try:\n    pass\nexcept anyio.get_cancelled_exc_class():\n    stop()  # here\n",
         "handler"),
        # not cleanup: the `try` body, an ordinary handler, a function defined in `finally`
        ("try:\n    stop()  # here\nfinally:\n    pass\n", None),
        ("try:\n    pass\nexcept ValueError:\n    stop()  # here\n", None),
        ("try:\n    pass\nfinally:\n    async def later():\n        stop()  # here\n", None),
    ],
)
def test_cleanup_block(code: str, expected: str | None) -> None:
    """Code in a `finally` block or a handler of cancellation is cleanup: an `await` added
    there is a new point where a second cancellation stops the rest of it."""
    source = "async def f():\n" + textwrap.indent(code, "    ")
    tree = ast.parse(source)
    lines = source.splitlines()
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call)
                and lines[n.lineno - 1].rstrip().endswith("# here"))
    parents = _parents(tree)
    ancestors: list[ast.AST] = []
    node: ast.AST = call
    while id(node) in parents:
        node = parents[id(node)]
        ancestors.append(node)
    found = cancellation.cleanup_block(
        call, ancestors, lambda h: cancellation.catches_cancellation(h, _resolve))
    assert found == expected
