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
import bisect
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asynclint.semantic.model import SemanticModel, dotted_name
from asynclint.semantic.nodes import child_nodes, walk
from asynclint.semantic.scopes import LOCAL

# The version of what the index store keeps on disk: the summaries' JSON and the facts. Bump it
# when either changes (a field here, a provider in `facts.FACT_PROVIDERS`), so cached summaries
# are rebuilt. 3: the `blocks` fact of ASL106; 4: facts kept apart, computed lazily;
# 5: providers listed explicitly (version 4 indexes may hold empty facts saved by a run that had
# no provider); 6: a module-level name defined by `@overload` stubs and one implementation is
# that implementation, no longer ambiguous; 7: modules in namespace packages named from the
# project's import root (their summaries hold the names their relative imports were resolved
# from); 8: the `plain` fact of ASL208.
SUMMARY_VERSION = 8
# The `SemanticModel.shared` key of the rows where `yield` occurs in the module's text (a
# `list[int]`), or None when the text was not at hand.
_YIELD_ROWS = "yield-rows"

# -- summaries ------------------------------------------------------------------------------------
@dataclass
class FunctionSummary:
    """`kind`: "async" (coroutine function), "agen" (async generator), "sync" (any `def`)."""

    kind: str
    decorators: list[str] = field(default_factory=list)  # qualified names, "?" when unknown
    returns: str | None = None  # return annotation, qualified when it resolves, else source text
    # What a dependency/generator yields, per its annotation (`-> AsyncIterator[AsyncSession]`
    # gives "sqlalchemy.ext.asyncio.AsyncSession"): for cross-module `Depends(get_db)` types.
    yields: str | None = None
    # Where its facts come from: the module summary and its key there ("f" or "Class.f").
    owner: ModuleSummary | None = field(default=None, compare=False, repr=False)
    key: str = field(default="", compare=False, repr=False)

    @property
    def facts(self) -> dict[str, Any]:
        """The `FACT_PROVIDERS` facts of this function (computed for its module on first use)."""
        if self.owner is None:
            return {}
        return self.owner.module_facts().get(self.key, {})

    def to_json(self) -> list[Any]:
        return [self.kind, self.decorators, self.returns, self.yields]

    @classmethod
    def from_json(cls, raw: list[Any]) -> FunctionSummary:
        return cls(raw[0], list(raw[1]), raw[2], raw[3])


@dataclass
class ClassSummary:
    bases: list[str] = field(default_factory=list)  # qualified names, "?" when unknown
    methods: dict[str, FunctionSummary | None] = field(default_factory=dict)  # None: ambiguous
    attributes: list[str] = field(default_factory=list)  # names bound otherwise in the body

    def to_json(self) -> list[Any]:
        return [self.bases, {k: v.to_json() if v else None for k, v in self.methods.items()},
                self.attributes]

    @classmethod
    def from_json(cls, raw: list[Any]) -> ClassSummary:
        methods = {k: FunctionSummary.from_json(v) if v else None for k, v in raw[1].items()}
        return cls(list(raw[0]), methods, list(raw[2]))


Facts = dict[str, dict[str, Any]]  # function key ("f", "Class.f") -> its non-empty facts


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
    # The facts once computed, and how to compute them (from a live tree, or by parsing the
    # file again); neither is part of the summary's JSON or digest.
    facts: Facts | None = field(default=None, compare=False, repr=False)
    facts_loader: Callable[[], Facts] | None = field(default=None, compare=False, repr=False)
    # `digest()` once computed, or as stored beside the summary; not part of the summary.
    _digest: str | None = field(default=None, init=False, compare=False, repr=False)

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

    def module_facts(self) -> Facts:
        if self.facts is None:
            loader, self.facts_loader = self.facts_loader, None
            self.facts = loader() if loader is not None else {}
        return self.facts

    def facts_digest(self) -> str:
        return _digest_of(self.module_facts())

    def to_json(self) -> dict[str, Any]:
        return {"n": self.name, "p": self.is_package,
                "f": {k: v.to_json() for k, v in self.functions.items()},
                "c": {k: v.to_json() for k, v in self.classes.items()},
                "i": self.imports, "a": self.ambiguous, "v": self.variables}

    @classmethod
    def from_json(cls, raw: dict[str, Any], digest: str | None = None) -> ModuleSummary:
        """`digest`: the summary's `digest()` when stored beside it (saves re-serialising
        every summary of a warm run)."""
        summary = cls(raw["n"], raw["p"],
                      {k: FunctionSummary.from_json(v) for k, v in raw["f"].items()},
                      {k: ClassSummary.from_json(v) for k, v in raw["c"].items()},
                      dict(raw["i"]), list(raw["a"]), dict(raw["v"]))
        summary._digest = digest
        return summary

    def digest(self) -> str:
        if self._digest is None:
            self._digest = _digest_of(self.to_json())
        return self._digest


def _digest_of(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def rows_with(text: str | bytes, word: str) -> list[int]:
    """The rows (1-based, ascending) on which `word` occurs in a module's text."""
    needle: str | bytes = word if isinstance(text, str) else word.encode()
    newline: str | bytes = "\n" if isinstance(text, str) else b"\n"
    rows: list[int] = []
    row, seen = 1, 0
    at = text.find(needle)  # type: ignore[arg-type]
    while at >= 0:
        row += text.count(newline, seen, at)  # type: ignore[arg-type]
        seen = at
        if not rows or rows[-1] != row:
            rows.append(row)
        at = text.find(needle, at + len(needle))  # type: ignore[arg-type]
    return rows


def _rows_unknown() -> list[int] | None:
    """The `_YIELD_ROWS` of a model whose text `summarize_module` was not given."""
    return None


def _function_kind(node: ast.FunctionDef | ast.AsyncFunctionDef,
                   yield_rows: list[int] | None) -> str:
    """"async" or "agen" (whether the body yields, not counting nested scopes); "sync" for any
    plain `def` (sync generators are not told apart: no rule needs it, and it costs a walk).
    `yield_rows`, when known, are the rows of the module's text where `yield` occurs: a
    coroutine spanning none of them cannot yield, and is not walked."""
    if isinstance(node, ast.FunctionDef):
        return "sync"
    if yield_rows is not None:
        first = bisect.bisect_left(yield_rows, node.lineno)
        if first == len(yield_rows) or yield_rows[first] > (node.end_lineno or node.lineno):
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


def summarize_function(node: ast.FunctionDef | ast.AsyncFunctionDef,
                       model: SemanticModel) -> FunctionSummary:
    returns = yields = None
    if node.returns is not None:
        types = model.types
        returns = types.annotation(node.returns, model.module_scope) or ast.unparse(node.returns)
        yielded = types.annotation(node.returns, model.module_scope, yielded=True)
        yields = yielded if yielded != returns else None
    return FunctionSummary(_function_kind(node, model.shared(_YIELD_ROWS, _rows_unknown)),
                           [_decorator_name(d, model) for d in node.decorator_list],
                           returns, yields)


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
    summary = ClassSummary(bases)
    seen: dict[str, int] = {}
    for stmt in _flat(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            seen[stmt.name] = seen.get(stmt.name, 0) + 1
            if any(isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
                   for d in stmt.decorator_list):
                continue  # `@x.setter` redefines a property, not a method
            summary.methods[stmt.name] = summarize_function(stmt, model)
        else:
            summary.attributes.extend(_bound_names(stmt))
    for name, count in seen.items():
        if count > 1 and not _overloads_only(node.body, name, count, model):
            summary.methods[name] = None
    return summary


_OVERLOAD_NAMES = frozenset({"overload", "typing.overload", "typing_extensions.overload"})


def _overloads_only(body: list[ast.stmt], name: str, bindings: int,
                    model: SemanticModel) -> bool:
    """`@overload` stubs followed by one implementation are one function (the implementation),
    when they are all of the `bindings` of `name` in the block."""
    defs = [s for s in _flat(body)
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]
    plain = [d for d in defs if not any(dotted_name(x) in _OVERLOAD_NAMES
                                        or model.resolve(x, model.module_scope) in _OVERLOAD_NAMES
                                        for x in d.decorator_list)]
    return len(defs) == bindings and len(plain) == 1 and plain[0] is defs[-1]


def _flat(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of a block including those under `if`/`try` (conditional definitions)."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            out += _flat(stmt.body) + _flat(stmt.orelse)
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            out += _flat(stmt.body) + _flat(stmt.orelse) + _flat(stmt.finalbody)
            for handler in stmt.handlers:
                out += _flat(handler.body)
        else:
            out.append(stmt)
    return out


def _bound_names(stmt: ast.stmt) -> list[str]:
    names: list[str] = []
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in stmt.items if i.optional_vars is not None]
    for target in targets:
        for sub in walk(target):
            if isinstance(sub, ast.Name):
                names.append(sub.id)
    return names


def summarize_module(tree: ast.Module, module_name: str | None, is_package: bool,
                     text: str | bytes | None = None) -> ModuleSummary:
    """`text`: the tree's source, when at hand (saves a walk per coroutine, see
    `_function_kind`)."""
    model = SemanticModel(tree, module_name, is_package)
    if text is not None and not (b"\r" in text if isinstance(text, bytes) else "\r" in text):
        # Set before `summarize_function` first asks (with carriage returns, rows would need
        # counting as the tokenizer counts them: left unknown).
        model.shared(_YIELD_ROWS, functools.partial(rows_with, text, "yield"))
    summary = ModuleSummary(module_name, is_package)
    counts: dict[str, int] = {}
    for stmt in _flat(tree.body):
        names: list[str] = []
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            summary.functions[stmt.name] = summarize_function(stmt, model)
            names = [stmt.name]
        elif isinstance(stmt, ast.ClassDef):
            summary.classes[stmt.name] = summarize_class(stmt, model)
            names = [stmt.name]
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name.split(".", 1)[0]
                binding = model.module_scope.lookup(local)
                if binding is not None and binding.qualified != LOCAL and not binding.type_only:
                    summary.imports[local] = model._absolute(binding.qualified)
        else:
            names = _bound_names(stmt)
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for name in names:
                    kind = model.types.type_of(ast.Name(name, ast.Load()), model.module_scope)
                    if kind:
                        summary.variables[name] = kind
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
    summary.adopt()
    model.release()  # still usable; the facts loader below may need it again
    summary.facts_loader = functools.partial(compute_facts, tree, model)
    return summary


def compute_facts(tree: ast.Module, model: SemanticModel) -> Facts:
    """Every provider's facts for every function `summarize_module` summarises, in the same
    order (a provider may memoise across the functions of a module)."""
    from asynclint.semantic.project.facts import FACT_PROVIDERS  # the families' code: on first use

    facts: Facts = {}

    def add(key: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        found = {}
        for name, provider in FACT_PROVIDERS.items():
            value = provider(node, model)
            if value is not None:
                found[name] = value
        if found:
            facts[key] = found
        else:
            facts.pop(key, None)

    for stmt in _flat(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(stmt.name, stmt)
        elif isinstance(stmt, ast.ClassDef):
            for item in _flat(stmt.body):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not any(
                        isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter")
                        for d in item.decorator_list):
                    add(f"{stmt.name}.{item.name}", item)
    model.release()
    return facts
