"""Pausing the cyclic garbage collector while large acyclic structures are built.

A module's AST, a cache's JSON and a run's reports are hundreds of thousands of tracked objects
without cycles (reference counting frees them); the collector, starting on its own while they
are built, would scan them again and again for nothing. Every pause in the engine goes through
`paused_gc`, so they nest: an inner pause inside an outer one changes nothing, and only the
outermost turns the collector back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[bool]:
    """Disable the collector for the block; yield whether it was running before (the caller
    may then collect by hand, as a batch does after each file). It is re-enabled on exit only
    if it was running on entry."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield collecting
    finally:
        if collecting:
            gc.enable()
