"""The project index as one checked file sees it: where its imports are looked up, the store
summaries come from, and the lookups a result depends on.

A `ProjectView` resolves qualified names to summaries (following re-exports) and records each
lookup in `deps`; a cached result is reused only while `deps_valid` says every lookup still
gives the same answer.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from typing import Any

from asynclint.semantic.project.lookups import (
    FACTS_DEP,
    INSTALLED_DEP,
    SELF_DEP,
    Dep,
    IndexStore,
    module_file,
    named_roots,
    search_roots,
    stat_token,
)
from asynclint.semantic.project.summaries import (
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    summarize_module,
)

_MAX_REEXPORT_DEPTH = 8
_METHOD_KINDS = frozenset({"builtins.staticmethod", "builtins.classmethod"})
_TYPE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")  # a qualified class name
# Installed packages never read: backports of the standard library's typing (large, and with
# nothing a coroutine question needs).
_NOT_READ = frozenset({"typing_extensions", "mypy_extensions"})


class ProjectView:
    """The index as seen from one file: resolves qualified names, records what it looked up."""

    def __init__(self, index: IndexStore, path: str, module_name: str | None,
                 is_package: bool, tree: ast.Module | None = None,
                 text: str | None = None, sites: tuple[str, ...] = (),
                 memo: dict[Any, Any] | None = None) -> None:
        """`sites`: the site-packages folders installed packages are read from (for the
        lookups that ask for them, `installed=True`); `memo`: the answers of file-system
        look-ups (which file a module is, search roots, installed packages) shared by the files
        of one run, as `deps_valid`'s (never kept longer). Files of a tree ask the same: on the
        benchmark corpus, looking up the standard library's and the frameworks' names again
        for every file was a fifth of a cold run."""
        self.index = index
        self.sites = sites
        self.path = path
        self.module_name = module_name
        self.is_package = is_package
        self._tree = tree
        self._text = text  # the tree's source, when known
        self._current: ModuleSummary | None = None
        self.deps: dict[str, Dep] = {}
        self._modules: dict[str, ModuleSummary | None] = {}
        self._installed: dict[str, ModuleSummary | None] = {}
        self._found: dict[tuple[str, bool], tuple[str, Any, str] | None] = {}
        # id(summary) -> (module name, file, `stat_token`)
        self._where: dict[int, tuple[str, str, str]] = {}
        self._memo: dict[Any, Any] = memo if memo is not None else {}

    @functools.cached_property
    def roots(self) -> tuple[str, ...]:
        return search_roots(self.path, self.module_name, self.is_package, self._memo)

    @functools.cached_property
    def _folder(self) -> str:
        """The checked file's folder, absolute (asked for each module the roots lack)."""
        return os.path.dirname(os.path.abspath(self.path))

    @property
    def current(self) -> ModuleSummary | None:
        """This module's own summary, from the tree the engine already parsed."""
        if self._current is None and self._tree is not None:
            self._current = summarize_module(self._tree, self.module_name, self.is_package,
                                             self._text)
        return self._current

    @property
    def own_summary(self) -> ModuleSummary | None:
        """This module's own summary when something asked for it (never computed here)."""
        return self._current

    def release(self) -> None:
        """Forget this module's own summary (its facts loader holds the tree)."""
        if self._current is not None:
            self._current.facts_loader = None
        self._current = None
        self._tree = None

    def dep_list(self) -> list[list[str]]:
        if not self.deps:
            return []
        return [[SELF_DEP, self.module_name or "", ""],
                *(list(d) if d[3] else list(d[:3]) for _, d in sorted(self.deps.items()))]

    def module(self, name: str, installed: bool = False) -> ModuleSummary | None:
        """A module of the project, or with `installed` also of an installed package (when
        the project has none of that name)."""
        found = self._project_module(name)
        if found is None and installed:
            return self._installed_module(name)
        return found

    def _installed_module(self, name: str) -> ModuleSummary | None:
        if name in self._installed:
            return self._installed[name]
        memo, sites = self._memo, self.sites
        if INSTALLED_DEP not in self.deps:
            digest = memo.get(("site", sites))
            if digest is None:
                digest = memo["site", sites] = self.index.installed_digest(sites)
            self.deps[INSTALLED_DEP] = (INSTALLED_DEP, "", digest, "")
        summary = None
        top = name.partition(".")[0]
        if sites and top not in _NOT_READ and self._has_installed(top):
            key = ("installed", sites, name)
            found = memo[key] if key in memo else memo.setdefault(
                key, self.index.find_installed(sites, name))
            entry = self.index.installed_entry(found[0], found[1], name) if found else None
            summary = entry.summary if entry else None
        self._installed[name] = summary
        return summary

    def _has_installed(self, top: str) -> bool:
        key = ("has installed", self.sites, top)
        found: bool | None = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.index.has_installed(self.sites, top)
        return found

    def _project_module(self, name: str) -> ModuleSummary | None:
        if name == self.module_name and self._tree is not None:
            return self.current
        if name in self._modules:
            return self._modules[name]
        path = module_file(self.index, self.roots, named_roots(self._folder, self._memo), name,
                           self._memo)
        entry = self.index.entry(path) if path else None
        if entry is None:
            self.deps[name] = (name, path or "", "", "")
            self._modules[name] = None
            return None
        assert path is not None
        stat = stat_token(entry.stat)
        self.deps[name] = (name, path, entry.summary.digest(), stat)
        self._modules[name] = entry.summary
        self._where[id(entry.summary)] = (name, path, stat)
        return entry.summary

    def fact_of(self, func: FunctionSummary, provider: str) -> Any:
        """A function's fact from one provider (None: nothing to say), recorded as a
        dependency of the result (`<module>#facts:<provider>`)."""
        owner = func.owner
        where = self._where.get(id(owner)) if owner is not None else None
        if owner is not None and where is not None:
            name, path, stat = where
            key = f"{name}{FACTS_DEP}{provider}"
            self.deps[key] = (key, path, owner.facts_digest(provider), stat)
        return func.fact(provider)

    def lookup_full(self, qualified: str,
                    installed: bool = False) -> tuple[str, Any, str] | None:
        """What a qualified name is in the project: ("function", FunctionSummary, name),
        ("class", ClassSummary, name), ("method", FunctionSummary, class name) or
        ("variable", type, name); None when unknown. Follows re-exports (`from .users import
        fetch_user` in a package `__init__`) and `import pkg.mod as m` aliases. With
        `installed`, modules the project lacks are looked up in the installed packages."""
        key = (qualified, installed)
        if key not in self._found:
            self._found[key] = self._lookup(qualified, 0, installed)
        return self._found[key]

    def _lookup(self, qualified: str, depth: int,
                installed: bool = False) -> tuple[str, Any, str] | None:
        if depth > _MAX_REEXPORT_DEPTH:
            return None
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module_name = ".".join(parts[:cut])
            summary = self.module(module_name, installed)
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
                    method = self.method(class_name, rest[1], installed=installed)
                    return ("method", method, class_name) if method else None
                return None
            if head in summary.variables and len(rest) == 1:
                return ("variable", summary.variables[head], qualified)
            if head in summary.imports:
                target = ".".join([summary.imports[head], *rest[1:]])
                return self._lookup(target, depth + 1, installed)
            return self._star_lookup(summary, rest, depth, installed)
        return None

    def _star_lookup(self, summary: ModuleSummary, rest: list[str], depth: int,
                     installed: bool = False) -> tuple[str, Any, str] | None:
        """A name the module binds only through `from m import *`: what `m` exports is its
        literal `__all__`, else its public names. The last star import whose module binds
        the name decides."""
        head = rest[0]
        for star in reversed(summary.stars):
            source = self.module(star, installed)
            if source is None:
                return None  # an unknown module may bind it: say nothing
            if head.startswith("_") if source.exports is None else head not in source.exports:
                continue
            if source.stars or source.exports is not None or head in source.functions \
                    or head in source.classes or head in source.variables \
                    or head in source.imports or head in source.ambiguous \
                    or head in source.others:
                return self._lookup(".".join([star, *rest]), depth + 1, installed)
        return None  # the module exists but does not define it plainly

    def awaited_type(self, qualified: str) -> str | None:
        """What `await f()` gives for the project function or static/class method `f`: the
        return annotation of an `async def` with no other decorator, when it names a type."""
        found = self.lookup_full(qualified)
        if found is None or found[0] not in ("function", "method"):
            return None
        func = found[1]
        if not isinstance(func, FunctionSummary) or func.kind != "async" or not func.returns:
            return None
        if any(d not in _METHOD_KINDS for d in func.decorators):
            return None
        returns = func.returns
        if not _TYPE_NAME.fullmatch(returns) or returns.startswith(("typing.", "builtins.")):
            return None
        return returns

    def class_bases(self, qualified: str) -> list[str] | None:
        """The qualified bases of a class of the project ("?" for one that did not resolve),
        or None when no class of the project has that name."""
        cls = self.class_summary(qualified)
        return None if cls is None else [b for b in cls.bases if b != "?"]

    def class_summary(self, qualified: str, installed: bool = False) -> ClassSummary | None:
        found = self._lookup(qualified, 0, installed)
        if found is not None and found[0] == "class":
            cls = found[1]
            assert isinstance(cls, ClassSummary)
            return cls
        return None

    def method(self, class_name: str, name: str, _depth: int = 0,
               installed: bool = False) -> FunctionSummary | None:
        """A method through the class and its project bases (None when unknown or absent)."""
        found = self._lookup(class_name, 0, installed)
        if found is None or found[0] != "class" or _depth > _MAX_REEXPORT_DEPTH:
            return None
        cls, real_name = found[1], found[2]
        assert isinstance(cls, ClassSummary)
        return self.method_in(cls, real_name, name, _depth, installed)

    def method_in(self, cls: ClassSummary, class_name: str, name: str,
                  _depth: int = 0, installed: bool = False) -> FunctionSummary | None:
        if name in cls.methods:
            return cls.methods[name]
        if name in cls.attributes:
            return None
        for base in cls.bases:
            if base in ("builtins.object", "typing.Generic", "typing_extensions.Generic",
                        "typing.Protocol", "abc.ABC"):
                continue
            found = self.method(base, name, _depth + 1, installed)
            if found is not None:
                return found
            if self.class_summary(base, installed) is None:
                return None  # an unknown base may define it: say nothing
        return None
