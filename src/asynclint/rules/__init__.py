"""The rule registry. Each family module registers its rules on import."""

from asynclint.rules import (
    awaits,  # noqa: F401  (registers ASL2xx)
    blocking,  # noqa: F401  (registers ASL1xx)
    concurrency,  # noqa: F401  (registers ASL4xx)
    loop,  # noqa: F401  (registers ASL3xx)
    tasks,  # noqa: F401  (registers ASL5xx)
)
from asynclint.rules.base import REGISTRY, Rule, RuleContext, register

__all__ = ["REGISTRY", "Rule", "RuleContext", "register"]
