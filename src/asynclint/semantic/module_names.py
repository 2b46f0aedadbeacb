"""Module names from file paths: which dotted name a file has, where its project and import
roots are. Only the path and the file system decide (never which files are checked), so a file
checked alone gets the name it gets in a whole-project run. On strings, with a memo per run:
a warm run asks this of every cached file (pathlib cost it dearly).
"""

from __future__ import annotations

import os
from keyword import iskeyword
from typing import Any

_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def project_dir(directory: str, memo: dict[Any, Any]) -> str | None:
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


def module_name_for(path: str | os.PathLike[str],
                    memo: dict[Any, Any] | None = None) -> tuple[str | None, bool]:
    """Dotted module name of a file; whether it is a package's `__init__`.

    The packages (`__init__.py` folders) above the file name it first; when the outermost
    of them (or the file's own folder) lies below the project's import root without being
    it, the folders in between are namespace packages (PEP 420) and prefix the name
    (`src/app/routers/apps.py` is `app.routers.apps` without any `__init__.py`). The name
    depends on the file's path and the project alone, never on which files are checked.
    On strings (`pathlib` costs a warm run dearly); `memo`, one dict for one run over many
    files, climbs each folder once."""
    return name_of_absolute(os.path.abspath(path), {} if memo is None else memo)


def name_of_absolute(absolute: str, memo: dict[Any, Any]) -> tuple[str | None, bool]:
    """`module_name_for` of a path already absolute and normalised (a warm run's dependency
    check has it at hand; a second `abspath` per cached file was 0.8 % of the run)."""
    directory, base = os.path.split(absolute)
    i = base.rfind(".")
    stem = base[:i] if 0 < i < len(base) - 1 else base  # `Path.stem`
    parent = os.path.dirname(directory)
    if stem == "__init__":  # the folder counts even without its own `__init__.py`
        outer = _packages(parent, memo) if parent != directory else []
        parts = [*outer, os.path.basename(directory)]
        top = _up(directory, len(parts))
        return ".".join([*_namespaces(top, memo), *parts]) or None, True
    key = ("prefix", directory)  # the same for every module of the folder
    prefix: list[str] | None = memo.get(key)
    if prefix is None:
        outer = _packages(directory, memo)
        prefix = memo[key] = [*_namespaces(_up(directory, len(outer)), memo), *outer]
    return ".".join([*prefix, stem]) or None, False


def classic_root(path: str, is_package: bool, memo: dict[Any, Any]) -> str:
    """The folder a file's `__init__.py` packages are rooted in (its own folder outside a
    package): where imports were looked up before namespace packages counted."""
    directory = os.path.dirname(os.path.abspath(path))
    # A package's folder is one of its name's parts; a module's own file is not a folder.
    depth = package_depth(path, is_package, memo)
    return _up(directory, depth if is_package else depth - 1)


def package_depth(path: str, is_package: bool, memo: dict[Any, Any] | None = None) -> int:
    """How many parts the file's name has from `__init__.py` packages alone (namespace
    folders not counted): 1 for a script, 2 for a module in a classic package..."""
    if memo is None:
        memo = {}
    directory = os.path.dirname(os.path.abspath(path))
    if is_package:
        parent = os.path.dirname(directory)
        return 1 + (len(_packages(parent, memo)) if parent != directory else 0)
    return 1 + len(_packages(directory, memo))


def _up(directory: str, levels: int) -> str:
    for _ in range(levels):
        directory = os.path.dirname(directory)
    return directory


def _namespaces(top: str, memo: dict[Any, Any]) -> list[str]:
    """The namespace packages from the project's import root (`<project>/src` for a file
    under it, else the project root) down to `top`, outermost first; empty when `top` is
    the import root, outside a project, or a folder on the way is no identifier."""
    key = ("namespaces", top)
    known: list[str] | None = memo.get(key)
    if known is None:
        known = []
        project = project_dir(top, memo)
        if project is not None and top != project:
            src = os.path.join(project, "src")
            root = src if top.startswith(src + os.sep) else project
            if top != src and top.startswith(root + os.sep):
                parts = top[len(root) + 1:].split(os.sep)
                if all(p.isidentifier() and not iskeyword(p) for p in parts):
                    known = parts
        memo[key] = known
    return known


def _packages(directory: str, memo: dict[Any, Any]) -> list[str]:
    """The names of the packages (`__init__.py` folders) ending at `directory`, outermost
    first; empty when `directory` is not a package."""
    key = ("packages", directory)
    known: list[str] | None = memo.get(key)
    if known is None:
        if not os.path.isfile(os.path.join(directory, "__init__.py")):
            known = []
        else:
            parent = os.path.dirname(directory)
            outer = _packages(parent, memo) if parent != directory else []
            known = [*outer, os.path.basename(directory)]
        memo[key] = known
    return known
