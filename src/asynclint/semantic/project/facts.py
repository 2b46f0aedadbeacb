"""The per-function facts the project index computes, as one explicit table.

A fact is what one family needs to know about a function of another module (does a sync
helper reach a blocking call?). Providers are listed here, not registered by the modules that
define them: an index asked for facts must give the same answer whatever the run imported
before (a warm run imports no rule family), or a cached empty answer would hide findings.
Add a provider in one line; when one is added or changes what it answers, bump
`SUMMARY_VERSION` in `semantic/project/version.py`, so facts cached on disk are rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asynclint.semantic import (
    blocking,
    instance_facts,
    parameter_facts,
    plain_returns,
    suspension_facts,
)
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.syntax import FuncDef

FactProvider = Callable[[FuncDef, SemanticModel], Any]

# name -> provider(def node, the module's model) -> a JSON value, or None for "nothing to say".
FACT_PROVIDERS: dict[str, FactProvider] = {
    blocking.FACT: blocking.project_fact,
    instance_facts.FACT: instance_facts.project_fact,
    parameter_facts.FACT: parameter_facts.project_fact,
    parameter_facts.RECEIVER_FACT: parameter_facts.receiver_fact,
    plain_returns.PLAIN_FACT: plain_returns.plain_return,
    suspension_facts.FACT: suspension_facts.project_fact,
}
