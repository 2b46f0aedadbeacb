"""Module summaries: what a module of the project defines, reduced from its `ast` tree.

A `ModuleSummary` holds a module's top-level functions and classes (async-ness, decorators,
return annotation, bases, methods), its module-level imports (for re-exports) and the types of
its module-level variables. Summaries are JSON-able and digested: the index store caches them on
disk and a cached result records the digests it looked up (see `view`).

A function's facts (`FunctionSummary.facts`) come from `facts.FACT_PROVIDERS`, computed for a
whole module on first use (`compute_facts`), not with its summary.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asynclint.digests import digest_of
from asynclint.semantic import concrete, signatures
from asynclint.semantic.catalogs.types import ASYNC_ITERATOR_TYPES
from asynclint.semantic.model import SemanticModel, dotted_name
from asynclint.semantic.nodes import child_nodes
from asynclint.semantic.scopes import LOCAL
from asynclint.semantic.syntax import (
    YIELD_ROWS,
    assigned_names,
    is_stub,
    rows_unknown,
    rows_with,
    rows_within,
)


# -- summaries ------------------------------------------------------------------------------------
@dataclass
class FunctionSummary:
    """`kind`: "async" (coroutine function), "agen" (async generator), "sync" (any `def`),
    "unknown" (an `async def` stub declared to return an async iterator: its overrides decide
    what a call gives, see `summarize_function`)."""

    kind: str
    decorators: list[str] = field(default_factory=list)  # qualified names, "?" when unknown
    returns: str | None = None  # return annotation, qualified when it resolves, else source text
    # What a dependency/generator yields, per its annotation (`-> AsyncIterator[AsyncSession]`
    # gives "sqlalchemy.ext.asyncio.AsyncSession"): for cross-module `Depends(get_db)` types.
    yields: str | None = None
    # As a decorator: WRAPS_ASYNC when applying it gives an `async def` (it returns a nested
    # `async def`, or says `-> Callable[..., Awaitable[...]]`); WRAPS_FACTORY when calling it
    # gives such a decorator (`@retry_async(3)`); WRAPS_SAME when its signature says it keeps
    # the function's result (`(func: Callable[P, R]) -> Callable[P, R]`, see
    # `semantic.signatures`), WRAPS_SAME_FACTORY when calling it gives such a decorator; None
    # otherwise.
    wraps: str | None = None
    # Where its facts come from: the module summary and its key there ("f" or "Class.f").
    owner: ModuleSummary | None = field(default=None, compare=False, repr=False)
    key: str = field(default="", compare=False, repr=False)

    def fact(self, provider: str) -> Any:
        """This function's fact from one `FACT_PROVIDERS` entry, or None (computed for its
        module, for that provider only, on first use)."""
        if self.owner is None:
            return None
        return self.owner.module_facts(provider).get(self.key)

    def to_json(self) -> list[Any]:
        return [self.kind, self.decorators, self.returns, self.yields, self.wraps]

    @classmethod
    def from_json(cls, raw: list[Any]) -> FunctionSummary:
        return cls(raw[0], list(raw[1]), raw[2], raw[3], raw[4])


@dataclass
class ClassSummary:
    bases: list[str] = field(default_factory=list)  # qualified names, "?" when unknown
    methods: dict[str, FunctionSummary | None] = field(default_factory=dict)  # None: ambiguous
    attributes: list[str] = field(default_factory=list)  # names bound otherwise in the body
    # Class-level annotated fields whose annotation is concrete (`semantic.concrete`):
    # name -> [the annotation as written, the names the index must still check].
    fields: dict[str, list[Any]] = field(default_factory=dict)
    # A dataclass or a model (`@dataclass`, a direct base such as `pydantic.BaseModel`):
    # constructed from its fields as keywords.
    model: bool = False

    def to_json(self) -> list[Any]:
        return [self.bases, {k: v.to_json() if v else None for k, v in self.methods.items()},
                self.attributes, self.fields, self.model]

    @classmethod
    def from_json(cls, raw: list[Any]) -> ClassSummary:
        methods = {k: FunctionSummary.from_json(v) if v else None for k, v in raw[1].items()}
        return cls(list(raw[0]), methods, list(raw[2]), dict(raw[3]), bool(raw[4]))


Facts = dict[str, Any]  # one provider's facts: function key ("f", "Class.f") -> its fact


@dataclass
class ModuleSummary:
    name: str | None
    is_package: bool
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified target
    ambiguous: list[str] = field(default_factory=list)  # names bound more than one way
    # Module-level variables whose type the semantic layer can tell (`engine =
    # create_async_engine(...)` -> "sqlalchemy.ext.asyncio.AsyncEngine").
    variables: dict[str, str] = field(default_factory=dict)
    # Module-level type aliases with a concrete value (`API = Union[str, AmisAPI]`, also `T =
    # TypeVar("T", bound=User)`): name -> the names the index must still check
    # (`semantic.concrete`).
    aliases: dict[str, list[str]] = field(default_factory=dict)
    # Names bound more than once (so `ambiguous`) where every binding is a model class
    # (`if PYDANTIC_V2: class Base(BaseModel): ... else: class Base(BaseModel): ...`).
    models: list[str] = field(default_factory=list)
    # `from m import *` at module level: the modules (absolute names), in order.
    stars: list[str] = field(default_factory=list)
    # `__all__` when bound once to a literal list or tuple of strings, else None.
    exports: list[str] | None = None
    # Names bound at module level in no way held above (`x = make()` of unknown type, loop
    # targets...): a star import of the module binds them too.
    others: list[str] = field(default_factory=list)
    # Module-level `T = TypeVar("T", bound=B)`: name -> the qualified bound (what a value
    # annotated `T` is at least).
    bounds: dict[str, str] = field(default_factory=dict)
    # The facts computed so far, per provider, and how to compute one provider's (from a live
    # tree, or by parsing the file again); neither is part of the summary's JSON or digest.
    # Per provider, because a run needs most modules' facts of one family only (the ASL1
    # helper chains) and computing every family's cost a cold run 4 % (instruction counts).
    facts: dict[str, Facts] = field(default_factory=dict, compare=False, repr=False)
    facts_loader: Callable[[str], Facts] | None = field(default=None, compare=False,
                                                       repr=False)
    # `digest()` once computed, or as stored beside the summary; not part of the summary.
    _digest: str | None = field(default=None, init=False, compare=False, repr=False)
    # `facts_digest(provider)` once computed, beside the facts it was computed of.
    _facts_digests: dict[str, tuple[Facts, str]] = field(default_factory=dict, init=False,
                                                          compare=False, repr=False)

    def __post_init__(self) -> None:
        self.adopt()

    def adopt(self) -> None:
        """Tell each function summary where its facts are."""
        for name, func in self.functions.items():
            func.owner, func.key = self, name
        for cls_name, cls in self.classes.items():
            for name, method in cls.methods.items():
                if method is not None:
                    method.owner, method.key = self, f"{cls_name}.{name}"

    def module_facts(self, provider: str) -> Facts:
        found = self.facts.get(provider)
        if found is None:
            loader = self.facts_loader
            found = self.facts[provider] = loader(provider) if loader is not None else {}
        return found

    def facts_digest(self, provider: str) -> str:
        """The digest of one provider's facts, computed once per facts computed: it is asked
        at every use of a fact (a dependency of the result), and serialising a module's facts
        each time was 1.6 % of a cold run over the applications corpus."""
        facts = self.module_facts(provider)
        known = self._facts_digests.get(provider)
        if known is not None and known[0] is facts:
            return known[1]
        found = digest_of(facts)
        self._facts_digests[provider] = (facts, found)
        return found

    def to_json(self) -> dict[str, Any]:
        return {"n": self.name, "p": self.is_package,
                "f": {k: v.to_json() for k, v in self.functions.items()},
                "c": {k: v.to_json() for k, v in self.classes.items()},
                "i": self.imports, "a": self.ambiguous, "v": self.variables,
                "t": self.aliases, "m": self.models,
                "s": self.stars, "e": self.exports, "o": self.others, "b": self.bounds}

    @classmethod
    def from_json(cls, raw: dict[str, Any], digest: str | None = None) -> ModuleSummary:
        """`digest`: the summary's `digest()` when stored beside it (saves re-serialising
        every summary of a warm run)."""
        summary = cls(raw["n"], raw["p"],
                      {k: FunctionSummary.from_json(v) for k, v in raw["f"].items()},
                      {k: ClassSummary.from_json(v) for k, v in raw["c"].items()},
                      dict(raw["i"]), list(raw["a"]), dict(raw["v"]), dict(raw["t"]),
                      list(raw["m"]), list(raw["s"]), raw["e"], list(raw["o"]),
                      dict(raw["b"]))
        summary._digest = digest
        return summary

    def digest(self) -> str:
        if self._digest is None:
            self._digest = digest_of(self.to_json())
        return self._digest


def _function_kind(node: ast.FunctionDef | ast.AsyncFunctionDef,
                   yield_rows: list[int] | None) -> str:
    """"async" or "agen" (whether the body yields, not counting nested scopes); "sync" for any
    plain `def` (sync generators are not told apart: no rule needs it, and it costs a walk).
    `yield_rows`, when known, are the rows of the module's text where `yield` occurs: a
    coroutine spanning none of them cannot yield, and is not walked."""
    if isinstance(node, ast.FunctionDef):
        return "sync"
    if yield_rows is not None and not rows_within(yield_rows, node):
        return "async"
    stack: list[ast.AST] = list(node.body)
    yields = False
    while stack and not yields:
        sub = stack.pop()
        if isinstance(sub, (ast.Yield, ast.YieldFrom)):
            yields = True
        elif not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
            stack.extend(child_nodes(sub))
    return "agen" if yields else "async"


def _decorator_name(expr: ast.expr, model: SemanticModel) -> str:
    """`@x`, `@x.y` and `@x(...)` -> the qualified name of x (a call's result keeps its name
    followed by "()"); anything else is unknown."""
    suffix = ""
    if isinstance(expr, ast.Call):
        expr, suffix = expr.func, "()"
    qualified = model.resolve(expr)
    if qualified is None and isinstance(expr, ast.Attribute):
        # `@router.get(...)` on `router = APIRouter()`: the receiver's type names it.
        kind = model.types.type_of(expr.value, model.module_scope)
        if kind:
            return f"{kind}.{expr.attr}{suffix}"
        text = dotted_name(expr)
        return f"?{text}{suffix}" if text else "?"
    if qualified is None and isinstance(expr, ast.Name):
        return f"{model.module_name or '__module__'}.{expr.id}{suffix}"
    return f"{qualified}{suffix}" if qualified else "?"


WRAPS_ASYNC, WRAPS_FACTORY = "async", "factory"
WRAPS_SAME, WRAPS_SAME_FACTORY = "same", "same-factory"
_CALLABLES = frozenset({"typing.Callable", "collections.abc.Callable"})
_AWAITABLES = frozenset({"typing.Awaitable", "typing.Coroutine", "collections.abc.Awaitable",
                         "collections.abc.Coroutine", "typing_extensions.Awaitable",
                         "typing_extensions.Coroutine"})
_HOLDS_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.If, ast.Try, ast.TryStar)
# Decorators a wrapper may carry and stay the `async def` it is.
_WRAPPER_DECORATORS = frozenset({"functools.wraps"})


def _wraps(node: ast.FunctionDef | ast.AsyncFunctionDef, model: SemanticModel,
           depth: int = 0) -> str | None:
    """What the function is as a decorator (see `FunctionSummary.wraps`). Cheap first: only a
    plain `def` whose own statements define a nested function, or whose return annotation is a
    `Callable`, is looked at further."""
    if not isinstance(node, ast.FunctionDef) or depth > 1:
        return None
    if isinstance(node.returns, ast.Subscript):
        found = _callable_wraps(node.returns, model)
        if found is not None:
            return found
    found = _body_wraps(node, model, depth)
    if found is None and depth == 0 and node.returns is not None:
        # What its body returns decides first (an `async def` of its own wins over what the
        # annotation says); else what its signature promises.
        if signatures.keeps_result(node, model):
            return WRAPS_SAME
        if signatures.factory_keeps_result(node, model):
            return WRAPS_SAME_FACTORY
    return found


def _body_wraps(node: ast.FunctionDef, model: SemanticModel, depth: int) -> str | None:
    """WRAPS_ASYNC / WRAPS_FACTORY by the nested functions the body returns."""
    if not any(isinstance(s, _HOLDS_DEFS) for s in node.body):
        return None  # most functions: no nested def among their statements
    statements = flat(node.body)
    nested = {s.name: s for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not any(isinstance(s, ast.Return) and isinstance(s.value, ast.Name)
               and s.value.id in nested for s in statements):
        return None  # a closure used otherwise: not returned by a statement of the body
    returned: set[str] = set()
    for sub in _own_nodes(node):
        if isinstance(sub, ast.Return):
            if not isinstance(sub.value, ast.Name):
                return None
            returned.add(sub.value.id)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and sub.id in nested:
            return None  # rebound: which function is returned cannot be told
    if not returned or not returned <= nested.keys():
        return None
    kinds = set()
    for name in returned:
        inner = nested[name]
        if sum(1 for s in statements if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.ClassDef)) and s.name == name) > 1:
            return None
        if isinstance(inner, ast.AsyncFunctionDef):
            if _function_kind(inner, None) != "async" or not all(
                    _decorator_name(d, model).removesuffix("()") in _WRAPPER_DECORATORS
                    for d in inner.decorator_list):
                return None
            kinds.add(WRAPS_ASYNC)
        elif not inner.decorator_list and _wraps(inner, model, depth + 1) == WRAPS_ASYNC:
            kinds.add(WRAPS_FACTORY)
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def _callable_wraps(annotation: ast.expr, model: SemanticModel, depth: int = 0) -> str | None:
    """`Callable[..., Awaitable[T]]` -> WRAPS_ASYNC; `Callable[[F], Callable[..., Coroutine[...]]]`
    -> WRAPS_FACTORY."""
    if not isinstance(annotation, ast.Subscript) or depth > 1:
        return None
    if model.resolve(annotation.value, model.module_scope) not in _CALLABLES:
        return None
    args = annotation.slice
    if not (isinstance(args, ast.Tuple) and len(args.elts) == 2):
        return None
    result = args.elts[1]
    target = result.value if isinstance(result, ast.Subscript) else result
    if model.resolve(target, model.module_scope) in _AWAITABLES:
        return WRAPS_ASYNC
    if depth == 0 and _callable_wraps(result, model, 1) == WRAPS_ASYNC:
        return WRAPS_FACTORY
    return None


def _own_nodes(node: ast.AST) -> list[ast.AST]:
    """The nodes of a function's body, not those of nested scopes."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(getattr(node, "body", []))
    while stack:
        sub = stack.pop()
        out.append(sub)
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(sub.decorator_list)
            continue
        if not isinstance(sub, ast.Lambda):
            stack.extend(child_nodes(sub))
    return out


def summarize_function(node: ast.FunctionDef | ast.AsyncFunctionDef,
                       model: SemanticModel) -> FunctionSummary:
    returns = yields = None
    if node.returns is not None:
        types = model.types
        returns = types.annotation(node.returns, model.module_scope) or ast.unparse(node.returns)
        yielded = types.annotation(node.returns, model.module_scope, yielded=True)
        yields = yielded if yielded != returns else None
    kind = _function_kind(node, model.shared(YIELD_ROWS, rows_unknown))
    if kind == "async" and returns in ASYNC_ITERATOR_TYPES and is_stub(node):
        # `async def stream(self) -> AsyncIterator[T]: raise NotImplementedError`: abstract, and
        # its overrides are mostly async generators whose callers iterate what it gives — but
        # as declared, a call gives a coroutine (so type checkers read it), and an override
        # may be one. Which of the two a call gives cannot be told here.
        kind = "unknown"
    return FunctionSummary(kind, [_decorator_name(d, model) for d in node.decorator_list],
                           returns, yields, _wraps(node, model))


def summarize_class(node: ast.ClassDef, model: SemanticModel) -> ClassSummary:
    bases = []
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base  # Generic[T]
        qualified = model.resolve(target)
        if qualified is None and isinstance(target, ast.Name):
            binding = model.module_scope.lookup(target.id)
            if binding is not None and binding.qualified == LOCAL:
                qualified = f"{model.module_name or '__module__'}.{target.id}"
        bases.append(qualified or "?")
    summary = ClassSummary(bases, fields=concrete.class_fields(node, model),
                           model=concrete.is_model(node, model))
    seen: dict[str, int] = {}
    for stmt in flat(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            seen[stmt.name] = seen.get(stmt.name, 0) + 1
            if any(isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
                   for d in stmt.decorator_list):
                continue  # `@x.setter` redefines a property, not a method
            summary.methods[stmt.name] = summarize_function(stmt, model)
        else:
            summary.attributes.extend(assigned_names(stmt))
    for name, count in seen.items():
        if count > 1 and not _overloads_only(node.body, name, count, model):
            summary.methods[name] = None
    return summary


_OVERLOAD_NAMES = frozenset({"overload", "typing.overload", "typing_extensions.overload"})


def _overloads_only(body: list[ast.stmt], name: str, bindings: int,
                    model: SemanticModel) -> bool:
    """`@overload` stubs followed by one implementation are one function (the implementation),
    when they are all of the `bindings` of `name` in the block."""
    defs = [s for s in flat(body)
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]
    plain = [d for d in defs if not any(dotted_name(x) in _OVERLOAD_NAMES
                                        or model.resolve(x, model.module_scope) in _OVERLOAD_NAMES
                                        for x in d.decorator_list)]
    return len(defs) == bindings and len(plain) == 1 and plain[0] is defs[-1]


def flat(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of a block including those under `if`/`try` (conditional definitions)."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            out += flat(stmt.body) + flat(stmt.orelse)
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            out += flat(stmt.body) + flat(stmt.orelse) + flat(stmt.finalbody)
            for handler in stmt.handlers:
                out += flat(handler.body)
        else:
            out.append(stmt)
    return out


def note_yield_rows(model: SemanticModel, text: str | bytes) -> None:
    """Tell the model where `yield` is written in its text (`YIELD_ROWS`), before anything
    asks: a function spanning none of those rows is no generator, known without a walk. With
    carriage returns, rows would need counting as the tokenizer counts them: left unknown."""
    if not (b"\r" in text if isinstance(text, bytes) else "\r" in text):
        model.shared(YIELD_ROWS, functools.partial(rows_with, text, "yield"))


def summarize_module(tree: ast.Module, module_name: str | None, is_package: bool,
                     text: str | bytes | None = None) -> ModuleSummary:
    """`text`: the tree's source, when at hand (saves a walk per coroutine, see
    `_function_kind`)."""
    model = SemanticModel(tree, module_name, is_package)
    if text is not None:
        note_yield_rows(model, text)
    summary = ModuleSummary(module_name, is_package)
    counts: dict[str, int] = {}
    models: dict[str, bool] = {}  # class name -> every definition so far is a model
    for stmt in flat(tree.body):
        names: list[str] = []
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            summary.functions[stmt.name] = summarize_function(stmt, model)
            names = [stmt.name]
        elif isinstance(stmt, ast.ClassDef):
            summary.classes[stmt.name] = summarize_class(stmt, model)
            names = [stmt.name]
            models[stmt.name] = models.get(stmt.name, True) and summary.classes[stmt.name].model
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                if alias.name == "*":
                    assert isinstance(stmt, ast.ImportFrom)
                    star = model._absolute("." * stmt.level + (stmt.module or ""))
                    if not star.startswith("."):
                        summary.stars.append(star)
                    continue
                local = alias.asname or alias.name.split(".", 1)[0]
                binding = model.module_scope.lookup(local)
                if binding is not None and binding.qualified != LOCAL and not binding.type_only:
                    summary.imports[local] = model._absolute(binding.qualified)
        else:
            names = assigned_names(stmt)
            if "__all__" in names:
                summary.exports = _literal_names(stmt) if "__all__" not in counts else None
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for name in names:
                    kind = model.types.type_of(ast.Name(name, ast.Load()), model.module_scope)
                    if kind:
                        summary.variables[name] = kind
            summary.others.extend(n for n in names if n not in summary.variables)
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    for name, count in counts.items():
        if count > 1 and name not in summary.imports \
                and _overloads_only(tree.body, name, count, model):
            continue  # the last def, the implementation, is the one summarised
        if count > 1 or name in summary.imports:
            summary.ambiguous.append(name)
            summary.functions.pop(name, None)
            summary.classes.pop(name, None)
            summary.variables.pop(name, None)
    for name in [n for n in summary.imports if n in counts]:
        del summary.imports[name]
    summary.models = [n for n in summary.ambiguous if models.get(n) and counts[n] == sum(
        1 for s in flat(tree.body) if isinstance(s, ast.ClassDef) and s.name == n)]
    for name, value in concrete.module_definitions(model).items():
        if isinstance(value, ast.expr) and name not in summary.ambiguous:
            aliased = concrete.concrete_names(value, model)
            if aliased is not None and name not in summary.classes:
                summary.aliases[name] = aliased
            bound = concrete.typevar_bound(value, model)
            if bound is not None:
                summary.bounds[name] = bound
    summary.others = sorted(set(summary.others) - set(summary.variables)
                            - set(summary.ambiguous))
    summary.adopt()
    model.release()  # still usable; the facts loader below may need it again
    summary.facts_loader = functools.partial(compute_facts, tree, model)
    return summary


def _literal_names(stmt: ast.stmt) -> list[str] | None:
    """`__all__ = ["a", "b"]` (or a tuple): the names; anything else: None."""
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) != 1:
        return None
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    names = [e.value for e in value.elts if isinstance(e, ast.Constant)
             and isinstance(e.value, str)]
    return names if len(names) == len(value.elts) else None


def compute_facts(tree: ast.Module, model: SemanticModel, provider: str) -> Facts:
    """One provider's facts for every function `summarize_module` summarises, in the same
    order (a provider may memoise across the functions of a module)."""
    from asynclint.semantic.project.facts import FACT_PROVIDERS  # the families' code: on first use

    facts: Facts = {}
    compute = FACT_PROVIDERS.get(provider)
    if compute is None:
        return facts

    def add(key: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        value = compute(node, model)
        if value is not None:
            facts[key] = value
        else:
            facts.pop(key, None)

    for stmt in flat(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(stmt.name, stmt)
        elif isinstance(stmt, ast.ClassDef):
            for item in flat(stmt.body):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not any(
                        isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
                        for d in item.decorator_list):
                    add(f"{stmt.name}.{item.name}", item)
    model.release()
    return facts
