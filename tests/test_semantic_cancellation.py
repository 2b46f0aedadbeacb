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


def _marked(code: str) -> tuple[ast.AST, ast.Try, ast.ExceptHandler, list[ast.AST]]:
    """Like `_first`, but the function is the innermost one around the marked handler (a
    closure, a method), and the ancestors reach the module."""
    source = textwrap.dedent(code)
    tree = ast.parse(source)
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
    function = next(a for a in ancestors if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return function, try_node, handler, ancestors


def _outer(function: ast.AST, ancestors: list[ast.AST]) -> list[ast.AST]:
    return ancestors[[id(a) for a in ancestors].index(id(function)) + 1:]


@pytest.mark.parametrize(("test", "expected"), [
    ("stopping", cancellation.StopFlag("stopping")),
    ("not self._running", cancellation.StopFlag("self._running", stop_value=False)),
    ("self._stop.is_set()", cancellation.StopFlag("self._stop", event=True)),
    ("stopping and other", None),
    ("check()", None),
])
def test_stop_flag_is_a_bare_flag_tested_first(test: str, expected: object) -> None:
    _, _, handler, _ = _first(f"""
    async def f(q):
        try:
            await q.get()
        except asyncio.CancelledError:  # here
            if {test}:
                return
    """)
    assert cancellation.stop_flag(handler) == expected


def test_stop_flag_not_first_is_no_stop_flag() -> None:
    _, _, handler, _ = _first("""
    async def f(q):
        try:
            await q.get()
        except asyncio.CancelledError:  # here
            log()
            if stopping:
                return
    """)
    assert cancellation.stop_flag(handler) is None


TASKS = {
    "kept": ("""
        async def outer(q):
            async def pump():
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    pass
            periodic = asyncio.create_task(pump())
        """, {"periodic"}),
    "in a task group": ("""
        async def outer(q):
            async def pump():
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    pass
            async with anyio.create_task_group() as tg:
                tg.start_soon(pump)
        """, {"tg.cancel_scope"}),
    "not kept": ("""
        async def _pump(q):
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                pass
        def start(q):
            asyncio.ensure_future(_pump(q))
        """, set()),
    "private method": ("""
        class C:
            def start(self):
                self._task = asyncio.create_task(self._run())
            async def _run(self):
                try:
                    await self.q.get()
                except asyncio.CancelledError:  # here
                    pass
        """, {"self._task"}),
    "awaited too": ("""
        async def outer(q):
            async def pump():
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    pass
            task = asyncio.create_task(pump())
            await pump()
        """, None),
    "awaited by another": ("""
        async def outer(q):
            async def pump():
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    pass
            task = asyncio.create_task(pump())
            await task  # a cancel of `outer` reaches `pump`, which swallows it: `outer` runs on
        """, None),
    "awaited after its cancel": ("""
        async def outer(q):
            async def pump():
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    pass
            task = asyncio.create_task(pump())
            if task is not None and not task.done():
                task.cancel()
            await task
            await asyncio.wait([task])
        """, {"task"}),
    "handle handed on": ("""
        class C:
            def start(self):
                self._task = asyncio.create_task(self._run())
                register(self._task)
            async def _run(self):
                try:
                    await self.q.get()
                except asyncio.CancelledError:  # here
                    pass
        """, None),
    "handed out": ("""
        def outer(q):
            async def pump():
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    pass
            return pump
        """, None),
    "public": ("""
        async def pump(q):
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                pass
        def start(q):
            asyncio.create_task(pump(q))
        """, None),
    "exported": ("""
        __all__ = ["_pump"]
        async def _pump(q):
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                pass
        def start(q):
            asyncio.create_task(_pump(q))
        """, None),
    "public method": ("""
        class C:
            def start(self):
                self._task = asyncio.create_task(self.run())
            async def run(self):
                try:
                    await self.q.get()
                except asyncio.CancelledError:  # here
                    pass
        """, None),
    "never started": ("""
        async def _pump(q):
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                pass
        """, None),
}


@pytest.mark.parametrize("name", TASKS)
def test_task_handles(name: str) -> None:
    """A coroutine only ever started as a task of its own, by all the code that can name it,
    and where its tasks are kept; None when a caller could await it and run on."""
    code, expected = TASKS[name]
    function, _, _, ancestors = _marked(code)
    assert cancellation.task_handles(function, _outer(function, ancestors)) == expected


STOP_FLAG_SERVICE = """
async def service(q):
    stopping = False

    async def pump():
        while True:
            try:
                await q.get()
            except asyncio.CancelledError:  # here
                if stopping:
                    {leave}
                log.warning("stray cancel")
        {after}

    periodic = asyncio.create_task(pump())
    try:
        await q.join()
    finally:
        {stop}
"""
STOP = "stopping = True\n        periodic.cancel()"


@pytest.mark.parametrize(("leave", "after", "stop", "expected"), [
    ("return", "", STOP, True),
    ("break", "log.info('stopped')", STOP, True),
    ("break", "await q.join()", STOP, False),  # runs on into more awaits
    ("log.info('stopping')", "", STOP, False),  # the branch does not end the task
    ("continue", "", STOP, False),
    ("return", "", "periodic.cancel()\n        stopping = True", False),  # set too late
    ("return", "", "stopping = True\n        other.cancel()", False),  # another task
    ("return", "", "stopping = False\n        periodic.cancel()", False),  # not the stop value
    ("return", "", "periodic.cancel()", False),  # never set
])
def test_stop_flag_exit(leave: str, after: str, stop: str, expected: bool) -> None:
    """The owner sets the flag before it cancels the task, and the flag's branch ends the
    task: a real cancel stops it, a stray `CancelledError` is survived on purpose."""
    function, _, handler, ancestors = _marked(
        STOP_FLAG_SERVICE.format(leave=leave, after=after, stop=stop))
    assert cancellation.stop_flag_exit(function, handler, ancestors) is expected


def test_stop_flag_exit_needs_the_flag_of_the_owner() -> None:
    """A local of the coroutine itself is no flag its canceller can set."""
    function, _, handler, ancestors = _marked("""
    async def service(q):
        async def pump(stopping):
            while True:
                try:
                    await q.get()
                except asyncio.CancelledError:  # here
                    if stopping:
                        return
        periodic = asyncio.create_task(pump(False))
        stopping = True
        periodic.cancel()
    """)
    assert not cancellation.stop_flag_exit(function, handler, ancestors)


@pytest.mark.parametrize(("test", "stop", "expected"), [
    ("self._stopping", "self._stopping = True", True),
    ("not self._running", "self._running = False", True),
    ("self._stop.is_set()", "self._stop.set()", True),
    ("self._stopping", "other._stopping = True", False),
])
def test_stop_flag_exit_in_a_class(test: str, stop: str, expected: bool) -> None:
    function, _, handler, ancestors = _marked(f"""
    class Poller:
        def start(self):
            self._task = asyncio.create_task(self._poll())

        async def _poll(self):
            while True:
                try:
                    await self.q.get()
                except asyncio.CancelledError:  # here
                    if {test}:
                        return
                    log.warning("stray cancel")

        def stop(self, other):
            {stop}
            self._task.cancel()
    """)
    assert cancellation.stop_flag_exit(function, handler, ancestors) is expected


@pytest.mark.parametrize(("code", "expected"), [
    ("""
    async def f(worker):
        with scope():
            try:
                await worker.start()
            except asyncio.CancelledError:  # here
                log("stopped")
        log("bye")
    """, True),
    ("""
    async def f(worker):
        try:
            await worker.start()
        except asyncio.CancelledError:  # here
            log("stopped")
        finally:
            await worker.aclose()
    """, True),
    ("""
    async def f(worker):
        try:
            await worker.start()
        except asyncio.CancelledError:  # here
            return
        await worker.report()
    """, True),
    ("""
    async def f(worker):
        try:
            await worker.start()
        except asyncio.CancelledError:  # here
            log("stopped")
        await worker.report()
    """, False),
    ("""
    async def f(worker):
        try:
            if worker:
                try:
                    await worker.start()
                except asyncio.CancelledError:  # here
                    log("stopped")
        finally:
            await worker.report()
    """, False),
    ("""
    async def f(worker):
        try:
            try:
                await worker.start()
            except asyncio.CancelledError:  # here
                log("stopped")
        except ValueError:
            pass
        else:
            await worker.report()
    """, False),
    ("""
    async def f(worker):
        while True:
            try:
                await worker.start()
            except asyncio.CancelledError:  # here
                return
    """, True),
    ("""
    async def f(worker):
        while True:
            try:
                await worker.start()
            except asyncio.CancelledError:  # here
                log("stopped")
    """, False),
    ("""
    async def f(worker):
        async with worker:
            try:
                await worker.start()
            except asyncio.CancelledError:  # here
                log("stopped")
    """, False),
])
def test_ends_function(code: str, expected: bool) -> None:
    """Every way out of the handler ends the coroutine: no await after the `try` (its own
    `finally` aside), no loop to go round, no `async with` exit to await."""
    function, try_node, handler, ancestors = _first(code)
    assert cancellation.ends_function(function, try_node, handler, ancestors) is expected


@pytest.mark.parametrize(("signature", "expected"), [
    ("async def serve(server, *, task_status)", True),
    ("async def serve(server, *, task_status: anyio.abc.TaskStatus[None])", True),
    ("async def serve(server, *, task_status=anyio.TASK_STATUS_IGNORED)", False),
    ("async def serve(server, task_status)", False),
])
def test_own_task_ends_with_a_required_task_status(signature: str, expected: bool) -> None:
    """Only a task group's `start()` passes `task_status`: a coroutine that requires it runs
    as a task of its own. With a default, anyone may await it and run on."""
    function, try_node, handler, ancestors = _marked(f"""
    {signature}:
        try:
            task_status.started(server)
            await server.serve()
        except anyio.get_cancelled_exc_class():  # here
            pass
    """)
    assert cancellation.own_task_ends(function, try_node, handler, ancestors) is expected


@pytest.mark.parametrize(("tail", "expected"), [("", True), ("await client.report()", False)])
def test_own_task_ends_in_a_private_task(tail: str, expected: bool) -> None:
    function, try_node, handler, ancestors = _marked(f"""
    async def _heartbeat(client):
        try:
            await client.ping_forever()
        except asyncio.CancelledError:  # here
            log("stopped")
        {tail}

    def start(client):
        return asyncio.create_task(_heartbeat(client))
    """)
    assert cancellation.own_task_ends(function, try_node, handler, ancestors) is expected
