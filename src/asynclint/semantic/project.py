"""The project index: what every module of the project defines, read with `ast`, never imported.

A rule checking `app/api.py` that sees `from app.services import fetch_user` asks the index what
`app.services.fetch_user` is. Modules are found the way Python finds them — on demand, from the
module's dotted name — under the file's import root (the folder above its top-level package),
the project root (nearest pyproject.toml / setup.cfg / setup.py / .git) and `<root>/src`.
Resolution never depends on which files are being checked, so a file checked alone (pre-commit,
the editor, flake8) gets exactly the findings it gets in a whole-project run.

Each module is reduced to a small `ModuleSummary` (top-level functions and classes with their
async-ness, decorators, return annotation, bases, methods; module-level imports for re-exports).
Summaries are cached on disk by file (stat, then content digest), so a re-run parses only files
that changed: that store is the engine's (`engine.index_store`); this module sees it only as an
`IndexStore`. A checked file's result-cache entry stores the lookups its analysis made
(`ProjectView.deps`: module name -> file -> summary digest); the entry is reused only while every
lookup still gives the same answer (`deps_valid`). Editing a function body elsewhere does not
change any summary, so it invalidates nothing; making a function `async`, adding a module that
shadows an import, or deleting one does.

Per-function facts (`FunctionSummary.facts`, a JSON-able dict) come from the providers listed in
`semantic.facts.FACT_PROVIDERS`. Bump `SUMMARY_VERSION` when a provider changes so cached
summaries are rebuilt.

Facts are computed per module on first use, not with the summary: they cost a resolution of
every call of every function (most of the index's time), and only a module whose functions a
coroutine actually calls needs them. A result that read a module's facts records them as a
dependency of their own (`<module>#facts`), so editing a helper's body invalidates the files
that consulted its facts, and no others.
"""

from __future__ import annotations

import ast
import bisect
import functools
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from asynclint.semantic.model import SemanticModel, dotted_name, module_name_for
from asynclint.semantic.nodes import child_nodes, walk
from asynclint.semantic.scopes import LOCAL

# 3: the `blocks` fact of ASL106; 4: facts kept apart, computed lazily; 5: providers listed
# explicitly (version 4 indexes may hold empty facts saved by a run that had no provider).
SUMMARY_VERSION = 5
_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
_MAX_REEXPORT_DEPTH = 8

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
        if digest is not None:
            summary.__dict__["_digest"] = digest
        return summary

    def digest(self) -> str:
        found: str | None = self.__dict__.get("_digest")
        if found is None:
            found = self.__dict__["_digest"] = _digest_of(self.to_json())
        return found


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
    return FunctionSummary(_function_kind(node, model.derived.get("yield-rows")),
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
        if count > 1 and not _overloads_only(node, name):
            summary.methods[name] = None
    return summary


def _overloads_only(node: ast.ClassDef, name: str) -> bool:
    """`@overload` stubs followed by one implementation are one method."""
    defs = [s for s in _flat(node.body)
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]
    plain = [d for d in defs if not any(dotted_name(x) in ("overload", "typing.overload")
                                        for x in d.decorator_list)]
    return len(plain) == 1 and plain[0] is defs[-1]


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
        # (With carriage returns, rows would need counting as the tokenizer counts them.)
        model.derived["yield-rows"] = rows_with(text, "yield")
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
    from asynclint.semantic.facts import FACT_PROVIDERS  # the families' code: on first use

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


# -- finding modules ------------------------------------------------------------------------------
def _project_dir(directory: str, memo: dict[Any, Any]) -> str | None:
    """The nearest folder at or above `directory` (absolute, normalised) holding a project
    marker; `memo` shares the answer of every folder climbed through (one run's files share
    their ancestors)."""
    climbed = []
    found: str | None = None
    while True:
        key = ("project", directory)
        if key in memo:
            found = memo[key]
            break
        climbed.append(key)
        if any(os.path.exists(os.path.join(directory, marker)) for marker in _MARKERS):
            found = directory
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for key in climbed:
        memo[key] = found
    return found


def search_roots(path: str, module_name: str | None, is_package: bool,
                 memo: dict[Any, Any] | None = None) -> tuple[str, ...]:
    """Where imports of the module at `path` are looked up, in order: the folder its dotted
    name is rooted in, then the project root and its `src`. On strings (`Path.parents` costs
    a warm run dearly); `memo` as in `_project_dir`."""
    absolute = os.path.abspath(path)
    up = (len(module_name.split(".")) if module_name else 1) - 1 + (1 if is_package else 0)
    parents: list[str] = []  # `Path(absolute).parents`, as far as needed
    directory = absolute
    while len(parents) <= up:
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        parents.append(directory := parent)
    import_root = parents[up] if up < len(parents) else os.path.dirname(absolute)
    roots = [import_root]
    project = _project_dir(os.path.dirname(absolute), {} if memo is None else memo)
    if project is not None:
        roots += [project, os.path.join(project, "src")]
    return tuple(dict.fromkeys(roots))


# -- the store, as semantic sees it ---------------------------------------------------------------
class IndexedModule(Protocol):
    """A module file known to the store: its summary."""

    @property
    def summary(self) -> ModuleSummary: ...


class IndexStore(Protocol):
    """Where summaries come from (`engine.index_store.ProjectIndex`): finding a module's file
    and summarising it, both answered afresh or from the store's cache, as it sees fit."""

    def find_file(self, roots: tuple[str, ...], module: str) -> str | None: ...

    def entry(self, path: str) -> IndexedModule | None: ...


# -- what one file sees ---------------------------------------------------------------------------
Dep = tuple[str, str, str]  # (module name, file or "", summary digest or "")
FACTS_DEP = "#facts"  # suffix of a dependency on a module's facts: (name#facts, file, digest)
# A dependency whose first element starts with this is no module but a file the result read
# otherwise (`config.environment`): checked by its recorder, skipped here.
ENV_DEP = "@"


class ProjectView:
    """The index as seen from one file: resolves qualified names, records what it looked up."""

    def __init__(self, index: IndexStore, path: str, module_name: str | None,
                 is_package: bool, tree: ast.Module | None = None,
                 text: str | None = None) -> None:
        self.index = index
        self.path = path
        self.module_name = module_name
        self.is_package = is_package
        self._tree = tree
        self._text = text  # the tree's source, when known
        self._current: ModuleSummary | None = None
        self.deps: dict[str, Dep] = {}
        self._modules: dict[str, ModuleSummary | None] = {}
        self._found: dict[str, tuple[str, Any, str] | None] = {}
        self._where: dict[int, tuple[str, str]] = {}  # id(summary) -> (module name, file)

    @functools.cached_property
    def roots(self) -> tuple[str, ...]:
        return search_roots(self.path, self.module_name, self.is_package)

    @property
    def current(self) -> ModuleSummary | None:
        """This module's own summary, from the tree the engine already parsed."""
        if self._current is None and self._tree is not None:
            self._current = summarize_module(self._tree, self.module_name, self.is_package,
                                             self._text)
        return self._current

    def release(self) -> None:
        """Forget this module's own summary (its facts loader holds the tree)."""
        if self._current is not None:
            self._current.facts_loader = None
        self._current = None
        self._tree = None

    def dep_list(self) -> list[list[str]]:
        return [list(d) for _, d in sorted(self.deps.items())]

    def module(self, name: str) -> ModuleSummary | None:
        if name == self.module_name and self._tree is not None:
            return self.current
        if name in self._modules:
            return self._modules[name]
        path = self.index.find_file(self.roots, name)
        entry = self.index.entry(path) if path else None
        self.deps[name] = (name, path or "", entry.summary.digest() if entry else "")
        self._modules[name] = entry.summary if entry else None
        if entry is not None and path:
            self._where[id(entry.summary)] = (name, path)
        return self._modules[name]

    def facts_of(self, func: FunctionSummary) -> dict[str, Any]:
        """A function's facts, recorded as a dependency of the result (`<module>#facts`)."""
        owner = func.owner
        where = self._where.get(id(owner)) if owner is not None else None
        if owner is not None and where is not None:
            name, path = where
            self.deps[f"{name}{FACTS_DEP}"] = (f"{name}{FACTS_DEP}", path, owner.facts_digest())
        return func.facts

    def lookup_full(self, qualified: str) -> tuple[str, Any, str] | None:
        """What a qualified name is in the project: ("function", FunctionSummary, name),
        ("class", ClassSummary, name), ("method", FunctionSummary, class name) or
        ("variable", type, name); None when unknown. Follows re-exports (`from .users import
        fetch_user` in a package `__init__`) and `import pkg.mod as m` aliases."""
        if qualified not in self._found:
            self._found[qualified] = self._lookup(qualified, 0)
        return self._found[qualified]

    def _lookup(self, qualified: str, depth: int) -> tuple[str, Any, str] | None:
        if depth > _MAX_REEXPORT_DEPTH:
            return None
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module_name = ".".join(parts[:cut])
            summary = self.module(module_name)
            if summary is None:
                continue
            rest = parts[cut:]
            head = rest[0]
            if head in summary.ambiguous:
                return None
            if head in summary.functions and len(rest) == 1:
                return ("function", summary.functions[head], qualified)
            if head in summary.classes:
                cls = summary.classes[head]
                class_name = f"{module_name}.{head}"
                if len(rest) == 1:
                    return ("class", cls, class_name)
                if len(rest) == 2:
                    method = self.method(class_name, rest[1])
                    return ("method", method, class_name) if method else None
                return None
            if head in summary.variables and len(rest) == 1:
                return ("variable", summary.variables[head], qualified)
            if head in summary.imports:
                target = ".".join([summary.imports[head], *rest[1:]])
                return self._lookup(target, depth + 1)
            return None  # the module exists but does not define it plainly
        return None

    def class_summary(self, qualified: str) -> ClassSummary | None:
        found = self._lookup(qualified, 0)
        if found is not None and found[0] == "class":
            cls = found[1]
            assert isinstance(cls, ClassSummary)
            return cls
        return None

    def method(self, class_name: str, name: str, _depth: int = 0) -> FunctionSummary | None:
        """A method through the class and its project bases (None when unknown or absent)."""
        found = self._lookup(class_name, 0)
        if found is None or found[0] != "class" or _depth > _MAX_REEXPORT_DEPTH:
            return None
        cls, real_name = found[1], found[2]
        assert isinstance(cls, ClassSummary)
        return self.method_in(cls, real_name, name, _depth)

    def method_in(self, cls: ClassSummary, class_name: str, name: str,
                  _depth: int = 0) -> FunctionSummary | None:
        if name in cls.methods:
            return cls.methods[name]
        if name in cls.attributes:
            return None
        for base in cls.bases:
            if base in ("builtins.object", "typing.Generic", "typing_extensions.Generic",
                        "typing.Protocol", "abc.ABC"):
                continue
            found = self.method(base, name, _depth + 1)
            if found is not None:
                return found
            if self.class_summary(base) is None:
                return None  # an unknown base may define it: say nothing
        return None


def deps_valid(index: IndexStore, path: str, deps: list[list[str]],
               memo: dict[Any, Any] | None = None) -> bool:
    """True when every lookup a cached result depended on still gives the same answer.

    `memo` (one dict for one run over many files, never kept longer) shares the answers of
    the file-system look-ups (module names, search roots, module files, summary digests):
    files of one tree ask about the same folders and modules."""
    if not deps:
        return True
    if memo is None:
        memo = {}
    absolute = os.path.abspath(path)
    name, is_package = module_name_for(absolute, memo)
    # The roots depend only on the file's folder and its module name's depth.
    depth = len(name.split(".")) if name else 1
    where = ("roots", os.path.dirname(absolute), depth, is_package)
    roots: tuple[str, ...] | None = memo.get(where)
    if roots is None:
        roots = memo[where] = search_roots(path, name, is_package, memo)
    for module, file, digest in deps:
        if module == name or module.startswith(ENV_DEP):
            continue
        if module.endswith(FACTS_DEP):  # its file was checked by the module's own dependency
            facts_key = ("facts", file)
            facts = memo.get(facts_key)
            if facts is None:
                entry = index.entry(file) if file else None
                facts = memo[facts_key] = entry.summary.facts_digest() if entry else ""
            if facts != digest:
                return False
            continue
        key = ("file", roots, module)
        if key in memo:
            found = memo[key]
        else:
            found = memo[key] = index.find_file(roots, module)
        if (found or "") != file:
            return False
        known = memo.get(("digest", found))
        if known is None:
            entry = index.entry(found) if found else None
            known = memo["digest", found] = entry.summary.digest() if entry else ""
        if known != digest:
            return False
    return True
