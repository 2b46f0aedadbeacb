"""The rule registry. Each family module registers its rules on import; the families are
imported on first use of `REGISTRY` (`load_registry`), so a run whose files all come from the
cache never imports them."""

from __future__ import annotations

import importlib
from typing import Any

from asynclint.rules import base
from asynclint.rules.base import Rule, RuleContext, register

__all__ = ["REGISTRY", "Rule", "RuleContext", "load_registry", "register"]

_FAMILIES = ("awaits", "blocking", "concurrency", "loop", "tasks")  # ASL2, 1, 4, 3, 5


def load_registry() -> dict[str, type[Rule]]:
    """Every rule, by code (the families register themselves when imported)."""
    for family in _FAMILIES:
        importlib.import_module(f"asynclint.rules.{family}")
    return base.REGISTRY


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        return load_registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
