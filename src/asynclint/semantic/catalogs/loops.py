"""Calls that start an event loop and run it until a coroutine is done, as data: what
`semantic/loops.py` recognises (`asyncio.run(main())`, `loop.run_until_complete(...)`), and how
the same work is awaited from inside a coroutine instead.
"""

from __future__ import annotations

# Functions that start an event loop and block until the coroutine finishes -> how the same work
# is awaited from inside a coroutine: "coroutine" (`run(coro)` -> `await coro`), "function"
# (`run(f, *args)` -> `await f(*args)`).
RUN_FUNCTIONS: dict[str, str] = {
    "asyncio.run": "coroutine",
    "asyncio.runners.run": "coroutine",
    "uvloop.run": "coroutine",
    "anyio.run": "function",
    "trio.run": "function",
}
# Event-loop methods that run the loop -> awaited form (None: no mechanical replacement).
LOOP_RUN_METHODS: dict[str, str | None] = {
    "run_until_complete": "coroutine",
    "run_forever": None,
}
# The types of event loops, as `semantic.type_of` names them.
LOOP_TYPES = frozenset({"asyncio.AbstractEventLoop", "uvloop.Loop", "uvloop.loop.Loop"})
# Methods of other known types that run a loop -> awaited form.
TYPED_RUN_METHODS: dict[str, str | None] = {"asyncio.Runner.run": "coroutine"}
# Calls that only hand back (or make) a loop or runner: a binding of one whose only use was the
# run call a fix awaits instead is dropped with it (`loop = asyncio.get_running_loop()`).
LOOP_GETTERS = frozenset({
    "asyncio.get_running_loop", "asyncio.get_event_loop", "asyncio.new_event_loop",
    "asyncio.events.get_running_loop", "asyncio.events.get_event_loop",
    "asyncio.events.new_event_loop",
})
# Context managers that start a loop of their own on exit (`asyncio.Runner` closes its loop by
# running it): inside a coroutine the `with` itself must go, not only the run call in it.
LOOP_CONTEXTS = frozenset({"asyncio.Runner", "asyncio.runners.Runner"})
