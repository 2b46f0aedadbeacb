"""What does awaiting a call wait on? The question ASL400/ASL401 ask with the `suspends` fact
(`semantic.suspension_facts`), answered as a kind of `catalogs/waits.py`.

Gathering two coroutines gains time only when both wait long enough for the overlap to matter:
a project `async def` that awaits nothing runs to its end in one step of the event loop
(kind `none`), and two pooled primary-key lookups (`database`) take well under a millisecond
each. A call's kind comes from the catalog (a known async API) or, for a project coroutine,
from its body: the costliest kind of its own awaits and of the project coroutines it awaits
(followed through the index: a fixed point with a recursion guard). What nothing tells is
`unknown`; followed too deep, also `unknown`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from asynclint.semantic import instance_facts
from asynclint.semantic.catalogs import waits
from asynclint.semantic.concrete import method_classes, module_definitions
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.summaries import FunctionSummary
from asynclint.semantic.project.view import ProjectView
from asynclint.semantic.suspension_facts import (
    CONTEXT_MANAGERS,
    FACT,
    KEEPING,
    AwaitKinds,
    join,
    project_fact,
)
from asynclint.semantic.syntax import FUNCS, FuncDef
from asynclint.semantic.types import canonical

_ANALYSIS_KEY = "suspension"
FactProvider = Callable[[FuncDef, SemanticModel], Any]
_MAX_DEPTH = 8  # project coroutines followed from a call site; deeper counts as unknown


# -- the question (asked at a call site) --------------------------------------------------------
class Suspension:
    """Answers "what may awaiting this call wait on?" for one module."""

    def __init__(self, semantic: SemanticModel, project: ProjectView | None,
                 network: Iterable[str] = ()) -> None:
        """`network`: the user's own network APIs (`concurrency-network-apis`)."""
        self.semantic = semantic
        self.project = project
        self.network = frozenset(network)
        self.table = {**waits.WAITS, **dict.fromkeys(self.network, waits.NETWORK)}
        self.module = semantic.module_name or "__module__"
        self._known: dict[str, str] = {}
        self._kinds: dict[int, AwaitKinds] = {}

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

    def call_kind(self, call: ast.Call) -> str:
        """The kind of what awaiting `call` (made in the function being visited) waits on."""
        function = self.semantic.function
        if not isinstance(function, FUNCS):
            return waits.UNKNOWN
        kinds = self._kinds.get(id(function))
        if kinds is None:
            kinds = self._kinds[id(function)] = AwaitKinds(self.semantic, self.semantic.scope,
                                                          function, self.table)
        wait = kinds.of_call(call)
        kind = wait.kind
        for name in wait.calls:
            kind = join(kind, self.kind(name))
        return kind

    def may_suspend(self, call: ast.Call) -> bool:
        return self.call_kind(call) != waits.NONE

    def suspends(self, name: str) -> bool:
        """Whether the project coroutine `name` may suspend (True when it is unknown)."""
        return self.kind(name) != waits.NONE

    def kind(self, name: str) -> str:
        """The kind of the project coroutine `name` (`unknown` when nothing tells)."""
        return self._kind(name, [])

    def _kind(self, name: str, stack: list[str]) -> str:
        known = self._known.get(name)
        if known is not None:
            return known
        if name in stack:
            return waits.NONE  # a cycle adds no await of its own; its other awaits decide
        if len(stack) >= _MAX_DEPTH:
            return waits.UNKNOWN
        parts = name.split(".")
        if any(".".join(parts[:cut]) in self.network for cut in range(1, len(parts) + 1)):
            return waits.NETWORK  # the facts are the catalog's alone; settings apply here
        fact = self._fact(name)
        if fact is None:
            through = self._through_variable(name)
            if through in waits.ORDER:
                return through
            if through is not None:
                fact = self._fact(through)
        if not (isinstance(fact, dict) and isinstance(fact.get("kind"), str)
                and isinstance(fact.get("calls"), list)):
            answer = waits.UNKNOWN
        else:
            answer = fact["kind"]
            stack.append(name)
            for callee in fact["calls"]:
                if answer == waits.NETWORK:
                    break  # the costliest: nothing can change it
                answer = join(answer, self._kind(str(callee), stack))
            stack.pop()
        if answer == waits.NETWORK or not stack:
            # A lower answer may rest on a cycle still being followed: kept only when asked
            # first.
            self._known[name] = answer
        return answer

    def _through_variable(self, name: str) -> str | None:
        """For a call through a typed module variable of the project (`Users.get_by_id` on
        `Users = UsersTable()`, `api.chat.completions.create` on `api = AsyncOpenAI()`): the
        catalog's kind of its type, or the method of its class to follow; None otherwise."""
        view = self.project
        if view is None:
            return None
        parts = name.split(".")
        for cut in range(len(parts) - 1, 1, -1):
            found = view.lookup_full(".".join(parts[:cut]))
            if found is None:
                continue
            if found[0] == "class" and cut < len(parts) - 1:
                # `LndRestWallet.client.request` reached through a typed attribute of
                # another module's class: its attributes' types come from its `__init__`.
                kind = found[2]
                for attr in parts[cut:-1]:
                    attribute = self.attribute_type(kind, attr)
                    if attribute is None:
                        return None
                    kind = canonical(attribute)
                known = self.table.get(f"{kind}.{parts[-1]}", self.table.get(kind))
                return known if known is not None else f"{kind}.{parts[-1]}"
            if found[0] != "variable" or not isinstance(found[1], str):
                return None
            kind = canonical(found[1])
            known = self.table.get(f"{kind}.{parts[cut]}", self.table.get(kind))
            if known is not None:
                return known
            return f"{kind}.{parts[cut]}" if cut == len(parts) - 1 else None
        return None

    def attribute_type(self, class_name: str, attr: str) -> str | None:
        """The type of an instance attribute of a project class, as its `__init__` (found
        through the class's bases) assigns or its body annotates it; None when unknown."""
        fact = self.method_fact(class_name, "__init__", instance_facts.FACT,
                                instance_facts.project_fact)
        attrs = fact.get("attrs") if isinstance(fact, dict) else None
        found = attrs.get(attr) if isinstance(attrs, dict) else None
        return found if isinstance(found, str) else None

    def method_fact(self, class_name: str, method: str, provider: str,
                    compute: FactProvider) -> Any:
        """One fact of the method `method` as the instances of the project class `class_name`
        run it (its own, else its bases' as far as the index sees them); None when
        unknown."""
        found = self.function_fact(f"{class_name}.{method}", provider, compute, frozenset())
        owner, _, short = class_name.rpartition(".")
        if found is not None or owner != self.module or self.project is None:
            return found
        cls = module_definitions(self.semantic).get(short)
        if not isinstance(cls, ast.ClassDef) or any(
                isinstance(s, FUNCS) and s.name == method for s in cls.body):
            return None
        for base in cls.bases:  # a class of this module inheriting the method
            qualified = self.semantic.resolve(base, self.semantic.module_scope)
            summary = self.project.method(qualified, method) if qualified else None
            if summary is not None:
                return self.project.fact_of(summary, provider) if not summary.decorators \
                    else None
            if qualified is None or self.project.class_summary(qualified) is None:
                return None  # an unknown base may define it
        return None

    def _fact(self, name: str) -> Any:
        return self.function_fact(name, FACT, project_fact, KEEPING | CONTEXT_MANAGERS)

    def function_fact(self, name: str, provider: str, compute: FactProvider,
                      keeping: frozenset[str] = KEEPING) -> Any:
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
                or any(d not in keeping for d in summary.decorators):
            return None
        return view.fact_of(summary, provider)


def analysis(semantic: SemanticModel, project: ProjectView | None,
             network: Iterable[str] = ()) -> Suspension:
    """One `Suspension` per checked module, shared by the rules that ask."""
    return semantic.shared(_ANALYSIS_KEY, lambda: Suspension(semantic, project, network))
