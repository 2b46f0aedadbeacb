"""The rule registry. Each family module lists its rules in `RULES`; the registry is built from
those lists on first use of `REGISTRY` (`load_registry`), so a run whose files all come from the
cache never imports the families, and importing a family registers nothing (a module imported
twice, as pytester's `sys.modules` rollback does, cannot register a rule twice)."""

from __future__ import annotations

import importlib
from typing import Any

from asynclint.rules.base import Rule, RuleContext, check_rule

__all__ = ["REGISTRY", "Rule", "RuleContext", "load_registry"]

_FAMILIES = ("awaits", "blocking", "concurrency", "loop", "tasks")  # ASL2, 1, 4, 3, 5
_REGISTRY: dict[str, type[Rule]] = {}


def load_registry() -> dict[str, type[Rule]]:
    """Every rule, by code, built once from the families' `RULES` (each rule checked by
    `check_rule`). The same dict is handed out every time, so tests may add a rule to it."""
    if not _REGISTRY:
        found: dict[str, type[Rule]] = {}
        for family in _FAMILIES:
            module = importlib.import_module(f"asynclint.rules.{family}")
            for rule in module.RULES:
                check_rule(rule, found)
                found[rule.code] = rule
        _REGISTRY.update(found)
    return _REGISTRY


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        return load_registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
