"""Is this argument (or attribute) a place that takes a plain value, never an awaitable?

For ASL202/ASL201: `f(coro())` is a dropped `await` when `f` is known to use that parameter as
data. A parameter is *value-only* when

- its annotation is concrete and not awaitable (`str`, `Iterable[X]`, a project class that
  has no `__await__` — a Protocol only when it declares a member a coroutine lacks —, a
  `TypeVar` bound to such a type, `Optional`/`Union` of those — never `Any`, `object`, an
  unbounded `TypeVar`, `Awaitable`, `Callable`, an unknown name), or
- the callee's body only uses it as data (attribute, subscript, iteration, `len()`,
  arithmetic, f-string...; truthiness and comparisons allowed beside those) and never awaits,
  returns or stores it; handing it on to another project function counts when that function's
  parameter is value-only by itself (one level).

The callee is a function or method of the project (the index, or this module's own tree) or of
an installed package (read, never imported: its annotations and body as for the project), or a
class: its `__init__`, else for a dataclass or model (`pydantic.BaseModel`...) the annotated
field named by a keyword. `obj.field = value` asks the same of a class-level field of `obj`'s
class. Unknown (a package not installed), decorated (by anything but `staticmethod`/`classmethod`
and alike) callees, `*args`/`**kwargs` parameters: no answer.

What a function does with its parameters is the index's `params` fact
(`parameter_facts.project_fact`, cached with the other facts); for this module's own functions it is computed from the tree directly,
on first use.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from asynclint.semantic.catalogs.types import METHODLESS_BASES, VALUE_KEYWORDS
from asynclint.semantic.concrete import MODEL_BASES, annotation_text, concrete_names
from asynclint.semantic.coroutines import CoroutineOracle
from asynclint.semantic.flow import FunctionFlow
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.nodes import walk
from asynclint.semantic.parameter_facts import (
    COROUTINE_ATTRS,
    FACT,
    Fact,
    Param,
    project_fact,
)
from asynclint.semantic.project.summaries import ClassSummary, FunctionSummary, flat
from asynclint.semantic.project.view import ProjectView
from asynclint.semantic.syntax import FUNCS, FuncDef
from asynclint.semantic.types import canonical

_SHARED = "parameters"
_MAX_DEPTH = 8

_PROTOCOLS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
# Container methods that put their argument in as one element: the argument's position.
_ELEMENT_METHODS = {"append": 0, "add": 0, "insert": 1}
# What makes a new list or set.
_FRESH = (ast.List, ast.Set, ast.ListComp, ast.SetComp)
_FRESH_CALLS = frozenset({"builtins.list", "builtins.set"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Bases that make a class awaitable or structural.
_AWAITABLE_BASES = frozenset({
    "typing.Protocol", "typing_extensions.Protocol", "typing.Awaitable",
    "collections.abc.Awaitable", "typing.Coroutine", "collections.abc.Coroutine",
    "asyncio.Future", "asyncio.Task", "asyncio.futures.Future", "asyncio.tasks.Task",
    "typing.Generator", "collections.abc.Generator",
})


# -- the question (asked in the caller's module) -----------------------------------------------
# The parent of a node of the code being checked (None at the top).
Above = Callable[[ast.AST], ast.AST | None]


def value_parameter(call: ast.Call, argument: ast.expr, oracle: CoroutineOracle,
                    above: Above | None = None) -> str | None:
    """When `argument` (one of `call`'s positional arguments or keyword values) lands on a
    value-only parameter of a project callee: a description for a message ("`fields` of
    `convert`, which only uses it as a value"); None when unknown or not value-only.
    `above` tells the call's parents (a receiver bound by a comprehension around the call
    takes the element type of what it iterates)."""
    return _parameters(oracle).value_parameter(call, argument, above)


def value_attribute(target: ast.Attribute, oracle: CoroutineOracle) -> str | None:
    """When `target` (`obj.field` being assigned) is a class-level field of `obj`'s project
    class with a concrete annotation: a description ("`body` of `Page`, declared `str`")."""
    return _parameters(oracle).value_attribute(target)


def _parameters(oracle: CoroutineOracle) -> _Parameters:
    semantic = oracle.semantic
    return semantic.shared(_SHARED, lambda: _Parameters(oracle))


# A resolved callee: a function's fact source, or a class.
_Function = tuple[FunctionSummary, str, str]  # summary, name to show, how it is called
_Class = tuple[ClassSummary, str]  # summary, qualified name


class _Parameters:
    """One module's answers (`SemanticModel.shared`)."""

    def __init__(self, oracle: CoroutineOracle) -> None:
        self.oracle = oracle
        self.semantic: SemanticModel = oracle.semantic
        self.view: ProjectView | None = oracle.project
        self._own_facts: dict[str, Fact | None] = {}
        self._own_defs: dict[str, FuncDef] | None = None

    # -- public -----------------------------------------------------------------------------
    def value_parameter(self, call: ast.Call, argument: ast.expr,
                        above: Above | None = None) -> str | None:
        if self.view is None:
            return None
        where: int | str
        if argument in call.args:
            where = call.args.index(argument)
            if any(isinstance(a, ast.Starred) for a in call.args[: where + 1]):
                return None
        else:
            keyword = next((k for k in call.keywords if k.value is argument), None)
            if keyword is None or keyword.arg is None:
                return None
            where = keyword.arg
        element = self._element(call, where) or self._library(call, where, above)
        if element is not None:
            return element
        callee = self._callee(call.func)
        if callee is None:
            return None
        if len(callee) == 2:
            cls, qualified = callee
            return self._construct(cls, qualified, where)
        summary, shown, how = callee
        return self._function(summary, shown, how, where, handons=True)

    def value_attribute(self, target: ast.Attribute) -> str | None:
        if self.view is None:
            return None
        receiver = target.value
        qualified: str | None = None
        if isinstance(receiver, ast.Name):
            node = self.oracle.class_of_self(receiver.id)
            if node is not None:
                qualified = f"{self.semantic.module_name or '__module__'}.{node.name}"
        if qualified is None:
            qualified = self._type_of(receiver)
        if qualified is None:
            return None
        cls = self.view.class_summary(qualified, installed=True)
        if cls is None:
            return None
        chain = self._chain(cls, qualified)
        if chain is None:
            return None
        return self._field(chain[0], target.attr, qualified)

    # -- containers -------------------------------------------------------------------------
    def _element(self, call: ast.Call, where: int | str) -> str | None:
        """`rows.append(x)` / `.add(x)` / `.insert(i, x)` where `rows` holds elements of a
        concrete type: declared so (`rows: list[Row] = []`), or a fresh list the function
        binds once and returns under a return annotation that says so (`-> list[Row]`)."""
        func = call.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name) \
                or _ELEMENT_METHODS.get(func.attr) != where or call.keywords:
            return None
        receiver = func.value
        semantic = self.semantic
        types = semantic.types
        annotation = types.element_annotation(receiver, semantic.scope)
        if annotation is None:
            returns = self._returned_fresh(receiver)
            annotation = types.element_annotation(receiver, semantic.scope, returns) \
                if returns is not None else None
        if annotation is None:
            return None
        names = concrete_names(annotation, semantic)
        if names is None or not self._concrete(names):
            return None
        return (f"`{receiver.id}.{func.attr}`, whose elements are declared "
                f"`{annotation_text(annotation)}`")

    def _returned_fresh(self, receiver: ast.Name) -> ast.expr | None:
        """The function's return annotation when `receiver` is bound once in it, to a new
        list or set, and a `return` of the function gives it."""
        function = self.semantic.function
        if not isinstance(function, FUNCS) or function.returns is None:
            return None
        flow = self.semantic.shared(f"flow:{id(function)}", lambda: FunctionFlow(function))
        bindings = flow.bindings(receiver.id)
        loads = flow.loads(receiver.id)
        if not bindings or len(bindings) != 1 or not loads:
            return None
        binding = bindings[0]
        statement = flow.parent(binding)
        if not (isinstance(statement, ast.Assign) and statement.targets == [binding]
                and self._fresh(statement.value)):
            return None
        if not any(isinstance(flow.parent(load), ast.Return) for load in loads):
            return None
        return function.returns

    def _library(self, call: ast.Call, where: int | str, above: Above | None) -> str | None:
        """A keyword of a library method the catalog knows takes a plain value
        (`model.copy(exclude=...)` on a `pydantic.BaseModel`)."""
        func = call.func
        if not isinstance(where, str) or not isinstance(func, ast.Attribute):
            return None
        receiver = func.value
        owner = self._comprehended(receiver, call, above) if above is not None else None
        owner = owner or self._type_of(receiver)
        method = f"{owner}.{func.attr}"
        if owner is None or where not in VALUE_KEYWORDS.get(method, ()):
            return None
        return f"`{where}` of `{method}`, which takes a plain value"

    def _comprehended(self, receiver: ast.expr, call: ast.Call, above: Above) -> str | None:
        """The type of a comprehension variable the call sits in (`item` of `[item.copy(...)
        for item in items]` with `items: list[Schema]`); None when the receiver is none."""
        if not isinstance(receiver, ast.Name):
            return None
        node: ast.AST = call
        parent = above(node)
        while parent is not None and not isinstance(parent, (ast.stmt, ast.Lambda)):
            if isinstance(parent, _COMPREHENSIONS):
                for generator in reversed(parent.generators):
                    names = [n.id for n in walk(generator.target) if isinstance(n, ast.Name)]
                    if receiver.id not in names:
                        continue
                    if not isinstance(generator.target, ast.Name):
                        return None
                    kinds = self.semantic.types.element_types(generator.iter,
                                                              self.semantic.scope)
                    kind = kinds[0] if kinds is not None and len(kinds) == 1 else None
                    return self._bound(canonical(kind)) if kind else None
            node, parent = parent, above(parent)
        return None

    def _fresh(self, value: ast.expr) -> bool:
        """A new list or set: a display, a comprehension, `list()`, `set()`."""
        if isinstance(value, ast.Call):
            return not value.args and not value.keywords \
                and self.semantic.resolve(value.func) in _FRESH_CALLS
        return isinstance(value, _FRESH)

    # -- callees ----------------------------------------------------------------------------
    def _callee(self, func: ast.expr) -> _Function | _Class | None:
        view = self.view
        assert view is not None
        semantic = self.semantic
        qualified = semantic.resolve(func)
        if qualified is None and isinstance(func, ast.Name):
            if semantic.defining_scope(func.id) is not semantic.module_scope:
                return None
            qualified = f"{semantic.module_name or '__module__'}.{func.id}"
        if qualified is not None:
            if qualified.startswith("builtins.") or "." not in qualified:
                return None
            found = view.lookup_full(qualified, installed=True)
            if found is None:
                return None
            what, summary, where = found
            shown = qualified.rsplit(".", 1)[-1]
            if what == "class":
                return summary, where
            if what in ("function", "method") and isinstance(summary, FunctionSummary):
                return summary, shown, "f" if what == "function" else "c"
            return None
        if not isinstance(func, ast.Attribute):
            return None
        receiver = func.value
        owner: str | None = None
        how = "i"
        if isinstance(receiver, ast.Name):
            node = self.oracle.class_of_self(receiver.id)
            if node is not None:
                owner = f"{semantic.module_name or '__module__'}.{node.name}"
                if self._in_classmethod():
                    how = "c"
        if owner is None:
            owner = self._type_of(receiver)
        if owner is None:
            return None
        method = view.method(owner, func.attr, installed=True)
        return (method, func.attr, how) if method is not None else None

    def _type_of(self, receiver: ast.expr) -> str | None:
        """The receiver's type: what this module tells (a `TypeVar` standing for its bound:
        `obj: SchemaT` with `SchemaT = TypeVar("SchemaT", bound=BaseModel)`), else a typed
        module variable of another module (`settings` of `from app.config import
        settings`)."""
        semantic = self.semantic
        kind = semantic.type_of(receiver) or semantic.types.declared(receiver, semantic.scope)
        if kind:
            return self._bound(canonical(kind))
        qualified = self.semantic.resolve(receiver) if isinstance(receiver, ast.Name) else None
        if qualified is None or self.view is None:
            return None
        found = self.view.lookup_full(qualified, installed=True)
        return canonical(found[1]) if found is not None and found[0] == "variable" else None

    def _bound(self, kind: str) -> str:
        """The bound of a module-level `TypeVar` named `kind`, else `kind`."""
        module, _, name = kind.rpartition(".")
        summary = self.view.module(module, installed=True) if self.view and module else None
        bound = summary.bounds.get(name) if summary is not None else None
        return canonical(bound) if bound else kind

    def _in_classmethod(self) -> bool:
        function = self.semantic.function
        return isinstance(function, FUNCS) and any(
            self.semantic.resolve(d, self.semantic.module_scope) == "builtins.classmethod"
            for d in function.decorator_list)

    # -- functions --------------------------------------------------------------------------
    def _fact(self, summary: FunctionSummary) -> Fact | None:
        owner = summary.owner
        view = self.view
        if view is None or owner is None:
            return None
        if owner is view.current:  # this module: from the tree, only the one function
            key = summary.key
            if key not in self._own_facts:
                node = self._own_def(key)
                self._own_facts[key] = project_fact(node, self.semantic) if node else None
            return self._own_facts[key]
        fact: Fact | None = view.fact_of(summary, FACT)
        return fact

    def _own_def(self, key: str) -> FuncDef | None:
        if self._own_defs is None:
            defs: dict[str, FuncDef] = {}
            for stmt in flat(self.semantic.module.body):
                if isinstance(stmt, FUNCS):
                    defs[stmt.name] = stmt
                elif isinstance(stmt, ast.ClassDef):
                    for item in flat(stmt.body):
                        if isinstance(item, FUNCS):
                            defs[f"{stmt.name}.{item.name}"] = item
            self._own_defs = defs
        return self._own_defs.get(key)

    def _param(self, fact: Fact, how: str, where: int | str) -> Param | None:
        binding, params = fact
        skip = 1 if (how == "i" and binding != "s") or (how == "c" and binding == "c") else 0
        if isinstance(where, int):
            positional = [p for p in params if p[1] in ("o", "p")][skip:]
            return positional[where] if where < len(positional) else None
        named = [p for p in params if p[1] in ("p", "k")]
        if skip and named and named[0] is params[0]:
            named = named[1:]
        return next((p for p in named if p[0] == where), None)

    def _function(self, summary: FunctionSummary, shown: str, how: str, where: int | str,
                  handons: bool) -> str | None:
        fact = self._fact(summary)
        if fact is None:
            return None
        param = self._param(fact, how, where)
        if param is None:
            return None
        name, _kind, text, names, usage = param
        if names is not None and self._concrete(names):
            return f"`{name}` of `{shown}`, declared `{text}`"
        if usage is None or (usage and not handons):
            return None
        for callee, callee_how, callee_where in usage:
            found = self.view.lookup_full(callee, installed=True) \
                if self.view is not None else None
            if found is None or found[0] not in ("function", "method") \
                    or not isinstance(found[1], FunctionSummary):
                return None
            if self._function(found[1], callee, callee_how, callee_where, False) is None:
                return None
        return f"`{name}` of `{shown}`, which only uses it as a value"

    # -- classes ----------------------------------------------------------------------------
    def _chain(self, cls: ClassSummary,
               qualified: str) -> tuple[list[tuple[ClassSummary, str]], bool, bool] | None:
        """The class and its project bases (depth first, left to right), whether it is a
        model, whether every base is known; None when a base cannot be read."""
        view = self.view
        assert view is not None
        chain: list[tuple[ClassSummary, str]] = []
        model = False
        known = True
        stack = [(cls, qualified)]
        seen: set[str] = set()
        while stack:
            current, name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if len(chain) > _MAX_DEPTH * 4:
                return None
            chain.append((current, name))
            model = model or current.model
            bases: list[tuple[ClassSummary, str]] = []
            for base in current.bases:
                if base == "?":
                    return None
                if base in _AWAITABLE_BASES or base in METHODLESS_BASES:
                    continue
                if base in MODEL_BASES:
                    model = True
                    continue
                found = view.class_summary(base, installed=True)
                if found is not None:
                    bases.append((found, base))
                elif self._model_name(base):
                    model = True
                else:
                    known = False
            stack.extend(reversed(bases))
        return chain, model, known

    def _model_name(self, qualified: str) -> bool:
        """A project name bound by several model classes (see `ModuleSummary.models`)."""
        view = self.view
        module, _, name = qualified.rpartition(".")
        summary = view.module(module, installed=True) if view is not None and module else None
        return summary is not None and name in summary.models

    def _construct(self, cls: ClassSummary, qualified: str, where: int | str) -> str | None:
        chain = self._chain(cls, qualified)
        if chain is None:
            return None
        classes, model, known = chain
        shown = qualified.rsplit(".", 1)[-1]
        for current, _name in classes:
            if "__init__" in current.methods or "__init__" in current.attributes:
                init = current.methods.get("__init__")
                if init is None:
                    return None
                return self._function(init, shown, "i", where, handons=True)
        if not model or not known or not isinstance(where, str):
            return None
        return self._field(classes, where, qualified)

    def _field(self, classes: list[tuple[ClassSummary, str]], attr: str,
               qualified: str) -> str | None:
        for current, _name in classes:
            if attr in current.methods:
                return None
            if attr in current.attributes:
                field = current.fields.get(attr)
                if field is None:
                    return None
                text, names = field
                if not self._concrete(names):
                    return None
                return f"`{attr}` of `{qualified.rsplit('.', 1)[-1]}`, declared `{text}`"
        return None

    # -- concreteness -----------------------------------------------------------------------
    def _concrete(self, names: list[str], depth: int = 0) -> bool:
        view = self.view
        if view is None or depth > _MAX_DEPTH:
            return False
        for name in names:
            cls = view.class_summary(name, installed=True)
            if cls is not None:
                if not self._plain_class(cls, name):
                    return False
                continue
            module, _, attr = name.rpartition(".")
            summary = view.module(module, installed=True) if module else None
            if summary is None or attr not in summary.aliases \
                    or not self._concrete(summary.aliases[attr], depth + 1):
                return False
        return True

    def _plain_class(self, cls: ClassSummary, qualified: str) -> bool:
        """A project class that is no awaitable and defines no `__await__`; a Protocol only
        when it (or a base) declares a member a coroutine object lacks (`email: str`): a
        coroutine never matches it."""
        chain = self._chain(cls, qualified)
        if chain is None:
            return False
        protocol = lacks = False
        for current, _name in chain[0]:
            if "__await__" in current.methods or "__await__" in current.attributes:
                return False
            for base in current.bases:
                if base in _PROTOCOLS:
                    protocol = True
                elif base in _AWAITABLE_BASES:
                    return False
            lacks = lacks or any(not (n.startswith("__") and n.endswith("__"))
                                 and n not in COROUTINE_ATTRS
                                 for n in (*current.attributes, *current.methods))
        return lacks or not protocol

