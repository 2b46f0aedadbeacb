"""Does awaiting a project coroutine ever suspend? The question ASL400/ASL401 ask with the
`suspends` fact (`semantic.suspension_facts`).

Gathering two coroutines gains time only when both wait on I/O: a project `async def` that
awaits nothing (or only project coroutines that await nothing) runs to its end in one step of
the event loop, whatever `gather` does. A coroutine suspends when it awaits a known async API,
an awaitable of unknown origin, or another project coroutine that suspends (followed through
the index: a fixed point with a recursion guard). Unknown means "suspends": the answer "does
not" is given only when every await of the body is followed to an end.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from asynclint.semantic.concrete import method_classes, module_definitions
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.summaries import FunctionSummary
from asynclint.semantic.project.view import ProjectView
from asynclint.semantic.suspension_facts import FACT, KEEPING, project_fact
from asynclint.semantic.syntax import FUNCS, FuncDef

_ANALYSIS_KEY = "suspension"
FactProvider = Callable[[FuncDef, SemanticModel], Any]
_MAX_DEPTH = 8  # project coroutines followed from a call site; deeper counts as suspending


# -- the question (asked at a call site) --------------------------------------------------------
class Suspension:
    """Answers "may awaiting this call suspend?" for one module; False only when the callee is
    a project coroutine known to run to its end without waiting."""

    def __init__(self, semantic: SemanticModel, project: ProjectView | None) -> None:
        self.semantic = semantic
        self.project = project
        self.module = semantic.module_name or "__module__"
        self._known: dict[str, bool] = {}

    def callee(self, call: ast.Call) -> str | None:
        """The qualified name of the project function a call (made in the function being
        visited) may reach, or None when it is not one that can be followed."""
        func = call.func
        semantic = self.semantic
        if isinstance(func, ast.Name):
            scope = semantic.defining_scope(func.id)
            if scope is semantic.module_scope and isinstance(
                    module_definitions(semantic).get(func.id), FUNCS):
                return f"{self.module}.{func.id}"
        function = semantic.function
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and isinstance(function, FUNCS)):
            owner = method_classes(semantic).get(id(function))
            params = [*function.args.posonlyargs, *function.args.args]
            if owner is not None and params and params[0].arg == func.value.id \
                    and semantic.defining_scope(func.value.id) is semantic.scope:
                return f"{self.module}.{owner}.{func.attr}"
        qualified = semantic.resolve(func)
        if qualified is None or qualified.startswith("builtins."):
            return None
        return qualified

    def may_suspend(self, call: ast.Call) -> bool:
        name = self.callee(call)
        return True if name is None else self.suspends(name)

    def suspends(self, name: str) -> bool:
        """Whether the project coroutine `name` may suspend (True when it is unknown)."""
        return self._suspends(name, [])

    def _suspends(self, name: str, stack: list[str]) -> bool:
        known = self._known.get(name)
        if known is not None:
            return known
        if name in stack:
            return False  # a cycle adds no await of its own; its other awaits decide
        if len(stack) >= _MAX_DEPTH:
            return True
        fact = self._fact(name)
        if fact is None or fact is True or not isinstance(fact, list):
            answer = True
        else:
            stack.append(name)
            answer = any(self._suspends(str(callee), stack) for callee in fact)
            stack.pop()
        if answer or not stack:
            # "No" may rest on a cycle still being followed: kept only when asked first.
            self._known[name] = answer
        return answer

    def _fact(self, name: str) -> Any:
        return self.function_fact(name, FACT, project_fact)

    def function_fact(self, name: str, provider: str, compute: FactProvider) -> Any:
        """One fact of a plain `async def` or `def` of the project (no decorator but
        `staticmethod`/`classmethod`), from this module's tree when it is defined here, else
        from the index (recorded as a dependency); None when unknown."""
        module, _, short = name.rpartition(".")
        owner, _, outer = module.rpartition(".")
        if module == self.module:
            found = module_definitions(self.semantic).get(short)
            return compute(found, self.semantic) if isinstance(found, FUNCS) else None
        if owner == self.module:  # a method of a class of this module
            cls = module_definitions(self.semantic).get(outer)
            if not isinstance(cls, ast.ClassDef):
                return None
            methods = [s for s in cls.body if isinstance(s, FUNCS) and s.name == short]
            others = [s for s in cls.body if not isinstance(s, FUNCS)
                      and short in {t.id for t in ast.walk(s) if isinstance(t, ast.Name)}]
            if len(methods) != 1 or others:
                return None
            return compute(methods[0], self.semantic)
        view = self.project
        if view is None:
            return None
        found_entry = view.lookup_full(name)
        if found_entry is None or found_entry[0] not in ("function", "method"):
            return None
        summary = found_entry[1]
        if not isinstance(summary, FunctionSummary) \
                or any(d not in KEEPING for d in summary.decorators):
            return None
        return view.fact_of(summary, provider)


def analysis(semantic: SemanticModel, project: ProjectView | None) -> Suspension:
    """One `Suspension` per checked module, shared by the rules that ask."""
    return semantic.shared(_ANALYSIS_KEY, lambda: Suspension(semantic, project))
