"""Where a module's imports are looked up, the store module summaries come from, and whether
what a cached result looked up still gives the same answers.

Apart from `view` (the index as one checked file sees it) so that a run the result cache answers
loads none of the summaries' machinery: checking the dependencies needs only file names, stats
and digests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from asynclint.semantic.module_names import classic_root, name_of_absolute, project_dir
from asynclint.semantic.project.version import SUMMARY_VERSION

if TYPE_CHECKING:
    from asynclint.semantic.project.summaries import ModuleSummary


# -- finding modules ------------------------------------------------------------------------------
def search_roots(path: str, module_name: str | None, is_package: bool,
                 memo: dict[Any, Any] | None = None) -> tuple[str, ...]:
    """Where imports of the module at `path` are looked up, in order: the folder its
    `__init__.py` packages are rooted in (a script's own folder), the import root of its
    dotted name (different only inside namespace packages), then the project root and its
    `src`. On strings (`Path.parents` costs a warm run dearly); `memo` as in `project_dir`."""
    if memo is None:
        memo = {}
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
    roots = [classic_root(absolute, is_package, memo), import_root]
    project = project_dir(os.path.dirname(absolute), memo)
    if project is not None:
        roots += [project, os.path.join(project, "src")]
    return tuple(dict.fromkeys(roots))


def named_roots(directory: str, memo: dict[Any, Any]) -> dict[str, tuple[str, ...]]:
    """More import roots for a module, by the first part of its dotted name: above each
    folder at or above `directory` (a file's folder) with that name, nearest first, inside
    the project (`backend/app/main.py` importing `app.routers.apps` finds it under
    `backend/`, a root neither the project nor its `src`). Only the path and the import
    decide: never which files are checked. One climb per folder and run (`memo`)."""
    key = ("named", directory)
    known: dict[str, tuple[str, ...]] | None = memo.get(key)
    if known is None:
        project = project_dir(directory, memo)
        found: dict[str, list[str]] = {}
        folder = directory
        while folder != project:
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            found.setdefault(os.path.basename(folder), []).append(parent)
            folder = parent
        known = memo[key] = {name: tuple(parents) for name, parents in found.items()}
    return known


def module_file(index: IndexStore, roots: tuple[str, ...], named: dict[str, tuple[str, ...]],
                module: str, memo: dict[Any, Any]) -> str | None:
    """The file `module` resolves to for a file whose imports are looked up under `roots`,
    else under the roots `named` (its folder's `named_roots`) adds. Each look-up is answered
    once per run (`memo`): a checked file's view and the check of cached results ask the
    same."""
    found = _find_file(index, roots, module, memo)
    if found is None:
        more = named.get(module.partition(".")[0])
        if more:
            found = _find_file(index, more, module, memo)
    return found


def _find_file(index: IndexStore, roots: tuple[str, ...], module: str,
               memo: dict[Any, Any]) -> str | None:
    key = ("file", roots, module)
    if key in memo:
        found: str | None = memo[key]
        return found
    found = memo[key] = index.find_file(roots, module, memo)
    return found


# -- the store, as semantic sees it ---------------------------------------------------------------
class IndexedModule(Protocol):
    """A module file known to the store: its summary, and the file's (mtime in ns, size)
    when it was summarised ((-1, -1) when that stat is not trusted to stand for the
    content)."""

    @property
    def summary(self) -> ModuleSummary: ...

    @property
    def stat(self) -> tuple[int, int]: ...


def stat_token(stat: tuple[int, int]) -> str:
    """A summarised file's stat as a dependency records it, with the summaries' version: while
    the file still has that stat it has the content it was summarised from, and so the same
    summary and facts (a new summary format changes every token). "" for an untrusted stat."""
    if stat[0] < 0:
        return ""
    return f"{SUMMARY_VERSION}:{stat[0]}:{stat[1]}"


class IndexStore(Protocol):
    """Where summaries come from (`engine.index_store.ProjectIndex`): finding a module's file
    and summarising it, both answered afresh or from the store's cache, as it sees fit."""

    def find_file(self, roots: tuple[str, ...], module: str,
                  memo: dict[Any, Any] | None = None) -> str | None: ...

    def entry(self, path: str) -> IndexedModule | None: ...

    def top_absent(self, roots: tuple[str, ...], top: str, memo: dict[Any, Any]) -> bool:
        """True when no root holds a module or package named `top`: `find_file` finds nothing
        under it there."""

    def summary_digest(self, path: str) -> str:
        """The digest of the file's summary ("" when it has none)."""

    def facts_digest(self, path: str, provider: str) -> str:
        """The digest of one provider's facts of the file's module ("" when it has none)."""

    def find_installed(self, roots: tuple[str, ...], module: str) -> tuple[str, str] | None:
        """An installed module's file under site folders, and its distribution
        ("name==version")."""

    def has_installed(self, roots: tuple[str, ...], top: str) -> bool:
        """Whether a top-level module or package of that name is installed at all."""

    def installed_entry(self, path: str, dist: str, module: str) -> IndexedModule | None:
        """An installed module's summary (kept by distribution and version)."""

    def installed_digest(self, roots: tuple[str, ...]) -> str:
        """What identifies the distributions installed under the site folders and their
        versions."""


# (module name, file or "", summary digest or "", what the file's stat was when summarised:
# `stat_token`, "" when not trusted).
Dep = tuple[str, str, str, str]
# A dependency on one provider's facts of a module: (name#facts:provider, file, digest).
FACTS_DEP = "#facts:"
# A dependency whose first element starts with this is no module but a file the result read
# otherwise (`config.environment`): checked by its recorder, skipped here.
ENV_DEP = "@"
# The first element of the dependency on the checked file's own module name (SELF_DEP, name,
# ""): relative imports were resolved from it, and a new `__init__.py` or project marker may
# change it.
SELF_DEP = "="
# The first element of the dependency of a result that looked anything up in the installed
# packages: (INSTALLED_DEP, "", what identifies the installed distributions and their versions:
# `IndexStore.installed_digest`). One per result, not one per module: installing, upgrading
# or removing any package re-checks the files that asked (a summary of an installed module,
# and its facts, follow from its distribution's version).
INSTALLED_DEP = "+"


@dataclass
class _FolderDeps:
    """What checking the dependencies of a cached file needs of its folder, worked out once
    per run for all its files (a warm run checks ~12,000 dependencies of ~2,000 files in a
    few hundred folders): where its imports are looked up (`search_roots`, `named_roots`),
    and the verdict of each dependency already checked from here."""

    roots: tuple[str, ...]
    named: dict[str, tuple[str, ...]]
    verdicts: dict[tuple[str, str, str], bool] = field(default_factory=dict)


def _folder_deps(folder: str, name: str | None, is_package: bool,
                 memo: dict[Any, Any]) -> _FolderDeps:
    # The roots depend only on the folder and the module name's depth.
    key = ("deps-folder", folder, name.count(".") if name else 0, is_package)
    known: _FolderDeps | None = memo.get(key)
    if known is None:
        roots = search_roots(os.path.join(folder, "_"), name, is_package, memo)
        known = memo[key] = _FolderDeps(roots, named_roots(folder, memo))
    return known


def deps_valid(index: IndexStore, path: str, deps: list[list[str]],
               memo: dict[Any, Any] | None = None, sites: tuple[str, ...] = ()) -> bool:
    """True when every lookup a cached result depended on still gives the same answer
    (`sites`: the site folders installed modules are looked up in now).

    `memo` (one dict for one run over many files, never kept longer) shares the answers of
    the file-system look-ups (module names, search roots, module files, summary digests):
    files of one tree ask about the same folders and modules, and a dependency is checked
    once per folder."""
    if not deps:
        return True
    if memo is None:
        memo = {}
    absolute = os.path.abspath(path)
    name, is_package = name_of_absolute(absolute, memo)
    folder = os.path.dirname(absolute)
    here = _folder_deps(folder, name, is_package, memo)
    verdicts = here.verdicts
    for dep in deps:
        module, file, digest = dep[0], dep[1], dep[2]
        if module == INSTALLED_DEP:
            now = memo.get(("site", sites))
            if now is None:
                now = memo["site", sites] = index.installed_digest(sites)
            if now != digest:
                return False
            continue
        if module == SELF_DEP:
            if file != (name or ""):
                return False
            continue
        if module == name or module.startswith(ENV_DEP):
            continue
        key = (module, file, digest)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = _dep_holds(index, here, module, file, digest,
                                                 dep[3] if len(dep) > 3 else "", memo)
        if not verdict:
            return False
    return True


def _dep_holds(index: IndexStore, here: _FolderDeps, module: str, file: str, digest: str,
               stat: str, memo: dict[Any, Any]) -> bool:
    """Whether a module (or facts) lookup made from `here` still finds `file` with a
    summary (or the provider's facts) of that digest: at once while the file has the stat it
    was summarised at (`stat_token`), else as the index summarises it now."""
    if FACTS_DEP in module:  # its file was checked by the module's own dependency
        if stat and _stat_token_now(file, memo) == stat:
            return True
        provider = module.rpartition(FACTS_DEP)[2]
        facts_key = ("facts", file, provider)
        facts = memo.get(facts_key)
        if facts is None:
            facts = memo[facts_key] = index.facts_digest(file, provider) if file else ""
        return bool(facts == digest)
    if not file:
        top = module.partition(".")[0]
        if top and top not in here.named and index.top_absent(here.roots, top, memo):
            return True  # nothing of that name under any root: the module is still not there
    found = module_file(index, here.roots, here.named, module, memo)
    if (found or "") != file:
        return False
    if found and stat and _stat_token_now(found, memo) == stat:
        return True
    known = memo.get(("digest", found))
    if known is None:
        known = memo["digest", found] = index.summary_digest(found) if found else ""
    return bool(known == digest)


def _stat_token_now(path: str, memo: dict[Any, Any]) -> str:
    """`stat_token` of the file as it is now (once per run)."""
    key = ("stat token", path)
    token: str | None = memo.get(key)
    if token is None:
        try:
            st = os.stat(path)
            token = stat_token((st.st_mtime_ns, st.st_size))
        except OSError:
            token = ""
        memo[key] = token
    return token
