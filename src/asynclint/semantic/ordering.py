"""Whether an awaited call's place in a sequence matters, beyond the tables of
`catalogs/concurrency.py`: what a callee's name says (a write, a guard, a resource getter) and
what a plugged-in callee oracle knows about a function of the project.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from asynclint.semantic.catalogs.concurrency import (
    ASYNC_PREFIXES,
    GUARD_WORDS,
    RESOURCE_NOUNS,
    WRITE_WORDS,
)

if TYPE_CHECKING:
    from asynclint.semantic.model import SemanticModel


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    words = [w for w in spaced.split("_") if w]
    if words:
        words += [words[0][len(p):] for p in ASYNC_PREFIXES if words[0].startswith(p)]
    return words


def name_says_write(name: str) -> bool:
    """Whether a function or method name contains a word of WRITE_WORDS."""
    return bool(set(_words(name)) & WRITE_WORDS)


def name_keeps_order(name: str) -> bool:
    """A write, a guard or a resource getter by its name: its place in the sequence matters."""
    words = _words(name)
    if not words:
        return False
    last = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().rstrip("_").rsplit("_", 1)[-1]
    return bool(set(words) & (WRITE_WORDS | GUARD_WORDS)) or last in RESOURCE_NOUNS


class CalleeVerdict(Enum):
    """What the project index (or another oracle) knows about an awaited callee."""

    SHARES_STATE = "shares-state"  # touches a session/connection/global that forbids sharing
    INDEPENDENT = "independent"  # no ordering-sensitive side effects: may run concurrently


# The hook for the project index: given the semantic model of the file and the qualified name
# of an awaited plain function (`app.crud.get_user`), say what it does, or None if unknown.
CalleeOracle = Callable[["SemanticModel", str], "CalleeVerdict | None"]
_ORACLES: list[CalleeOracle] = []


def register_callee_oracle(oracle: CalleeOracle) -> None:
    """Plug in knowledge about project callees (the ASL2xx project index)."""
    _ORACLES.append(oracle)


def unregister_callee_oracle(oracle: CalleeOracle) -> None:
    if oracle in _ORACLES:
        _ORACLES.remove(oracle)


def callee_verdict(model: SemanticModel, qualified: str) -> CalleeVerdict | None:
    """The first oracle's answer; SHARES_STATE wins when oracles disagree."""
    verdicts = {v for oracle in _ORACLES if (v := oracle(model, qualified)) is not None}
    if CalleeVerdict.SHARES_STATE in verdicts:
        return CalleeVerdict.SHARES_STATE
    return verdicts.pop() if verdicts else None
