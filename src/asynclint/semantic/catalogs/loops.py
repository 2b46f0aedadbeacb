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
