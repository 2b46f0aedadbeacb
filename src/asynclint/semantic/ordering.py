"""Whether an awaited call's place in a sequence matters, beyond the tables of
`catalogs/concurrency.py`: what a callee's name says (a write, a guard, a resource getter).
"""

from __future__ import annotations

import re

from asynclint.semantic.catalogs.concurrency import (
    ASYNC_PREFIXES,
    GUARD_WORDS,
    RESOURCE_NOUNS,
    WRITE_WORDS,
)


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    words = [w for w in spaced.split("_") if w]
    if words:
        words += [words[0][len(p):] for p in ASYNC_PREFIXES if words[0].startswith(p)]
    return words


def words_of(name: str) -> list[str]:
    """The lower-case words of a snake_case or camelCase name (`start_as_current_span`)."""
    return _words(name)


def name_keeps_order(name: str) -> bool:
    """A write, a guard or a resource getter by its name: its place in the sequence matters."""
    words = _words(name)
    if not words:
        return False
    last = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().rstrip("_").rsplit("_", 1)[-1]
    return bool(set(words) & (WRITE_WORDS | GUARD_WORDS)) or last in RESOURCE_NOUNS
