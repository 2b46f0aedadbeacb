"""The warm path's memoised, string-based look-ups (`deps_valid`'s module names, search roots
and project roots) give exactly the answers of the pathlib forms they replaced."""

from __future__ import annotations

import os
from keyword import iskeyword
from pathlib import Path
from typing import Any

import pytest

from asynclint.semantic.module_names import module_name_for
from asynclint.semantic.project.lookups import search_roots

MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def classic_module_name(path: Path) -> tuple[list[str], Path, bool]:
    """The name from `__init__.py` packages alone, the folder it is rooted in, whether the
    file is a package."""
    path = Path(os.path.abspath(path))
    is_package = path.stem == "__init__"
    parts = [] if is_package else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() or (is_package and not parts):
        parts.insert(0, directory.name)
        if directory.parent == directory:
            break
        directory = directory.parent
    return parts, directory, is_package


def reference_module_name(path: Path) -> tuple[str | None, bool]:
    """The pathlib form of `module_name_for`: the classic name, prefixed with the namespace
    folders between the project's import root (`<project>/src` or the project) and the
    folder the classic name is rooted in."""
    parts, top, is_package = classic_module_name(path)
    project = next((d for d in (top, *top.parents)
                    if any((d / marker).exists() for marker in MARKERS)), None)
    if project is not None and top != project:
        src = project / "src"
        root = src if src in top.parents else project
        if top != src and root in top.parents:
            between = top.relative_to(root).parts
            if all(p.isidentifier() and not iskeyword(p) for p in between):
                parts = [*between, *parts]
    return (".".join(parts) or None), is_package


def find_project_root(path: Path) -> Path | None:
    """The pathlib form `search_roots` used for the project root."""
    for directory in path.parents:
        if any((directory / marker).exists() for marker in MARKERS):
            return directory
    return None


def reference_search_roots(path: str, module_name: str | None,
                           is_package: bool) -> tuple[str, ...]:
    absolute = Path(os.path.abspath(path))
    depth = len(module_name.split(".")) if module_name else 1
    up = depth - 1 + (1 if is_package else 0)
    import_root = absolute.parents[up] if up < len(absolute.parents) else absolute.parent
    roots = [str(classic_module_name(absolute)[1]), str(import_root)]
    project = find_project_root(absolute)
    if project is not None:
        roots += [str(project), str(project / "src")]
    return tuple(dict.fromkeys(roots))


@pytest.fixture
def tree(tmp_path: Path) -> list[str]:
    """Packages, plain folders, namespace gaps and project markers, several levels deep."""
    layout = [
        "proj/pyproject.toml", "proj/src/app/__init__.py", "proj/src/app/core/__init__.py",
        "proj/src/app/core/db.py", "proj/src/app/core/x.y.py", "proj/src/app/nsgap/mod.py",
        "proj/src/app/nsgap/inner/__init__.py", "proj/src/app/nsgap/inner/m.pyi",
        "proj/scripts/run.py", "proj/sub/setup.py", "proj/sub/__init__.py", "proj/sub/s.py",
        "loose/__init__.py", "loose/l.py", "top.py", "lonely/__init__.py",
        "proj/backend/app/routers/apps.py", "proj/my-tools/t.py", "proj/src/ns/deep/m.py",
        "proj/tests/class/t.py", "proj/src/ns/deep/w.x.py", "proj/dup.py", "proj/src/dup.py",
    ]
    for rel in layout:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    (tmp_path / "proj" / ".git").mkdir()
    files = [str(tmp_path / rel) for rel in layout if rel.endswith((".py", ".pyi"))]
    # Not on disk: a package file whose folder has no `__init__.py` of its own, and a module.
    files += [str(tmp_path / "proj/scripts/__init__.py"), str(tmp_path / "proj/ghost.py")]
    return files


def test_module_names_match_the_pathlib_form(tree: list[str]) -> None:
    memo: dict[Any, Any] = {}
    for path in tree * 2:  # the second round answers from the memo
        assert module_name_for(path, memo) == reference_module_name(Path(path)), path
        assert module_name_for(Path(path)) == reference_module_name(Path(path)), path


def test_search_roots_match_the_pathlib_form(tree: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    memo: dict[Any, Any] = {}
    names = [reference_module_name(Path(p)) for p in tree]
    monkeypatch.chdir(Path(tree[0]).parent)
    for path, (name, is_package) in [*zip(tree, names, strict=True)] * 2:
        for given in (path, os.path.relpath(path)):
            expected = reference_search_roots(given, name, is_package)
            assert search_roots(given, name, is_package) == expected
            assert search_roots(given, name, is_package, memo) == expected
        # Deeper names than the folder has parents fall back to the file's folder.
        deep = ".".join(["x"] * 40)
        assert search_roots(path, deep, is_package, memo) == \
            reference_search_roots(path, deep, is_package)


def reference_find_file(roots: tuple[str, ...], module: str) -> str | None:
    rel = module.replace(".", os.sep)
    for root in roots:
        for candidate in (os.path.join(root, rel + ".py"), os.path.join(root, rel, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


def test_find_file_matches_the_os_path_join_form(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from asynclint.engine.index_store import ProjectIndex

    for rel in ("a.py", "pkg/__init__.py", "pkg/sub.py", "pkg/deep/__init__.py", "src/s.py",
                ".py", "__init__.py", "x/y//z.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    monkeypatch.chdir(tmp_path)
    index = ProjectIndex(None)
    root = str(tmp_path)
    memo: dict[Any, Any] = {}  # one run's: folder listings shared by every look-up
    for roots in ((root,), (root + "/",), ("",), (".",), (root, root + "/src"), ("/",)):
        for module in ("a", "pkg", "pkg.sub", "pkg.deep", "s", "missing", "", ".a", "a.",
                       "x.y..z", "pkg.sub.nope", "x.y.z", "x"):
            expected = reference_find_file(roots, module)
            assert index.find_file(roots, module) == expected, (roots, module)
            assert index.find_file(roots, module, memo) == expected, (roots, module)


def test_dependency_verdicts_shared_by_a_folder_match_fresh_ones(tree: list[str]) -> None:
    """`deps_valid` checks a dependency once per folder and module-name depth: every verdict
    with one memo for the whole run equals the verdict worked out for the file alone (the
    fixture's `w.x.py` sits beside `m.py` in a namespace folder with a deeper name, so its
    search roots differ in order, and `dup` is found in another root)."""
    from asynclint.engine.index_store import ProjectIndex
    from asynclint.semantic.project.lookups import deps_valid

    index = ProjectIndex(None)
    on_disk = [p for p in tree if os.path.isfile(p)]
    digests = {p: entry.summary.digest() for p in on_disk if (entry := index.entry(p))}
    modules = ("app.core.db", "app.core", "core.db", "db", "app.routers.apps", "sub.s", "s",
               "inner", "missing", "os", "dup")
    shared: dict[Any, Any] = {}
    accepted = 0
    for path in tree:
        for module in modules:
            for file, digest in [("", ""), *digests.items()]:
                dep = [[module, file, digest]]
                alone = deps_valid(index, path, dep, {})
                assert deps_valid(index, path, dep, shared) == alone, (path, module, file)
                accepted += alone
    assert accepted > len(tree)  # positive and negative look-ups both held somewhere


def test_the_content_hash_is_hashlibs_blake2b() -> None:
    """`asynclint.digests` skips hashlib's OpenSSL load, not its answers: every digest a cache
    holds stays what `hashlib.blake2b` gives."""
    import hashlib

    from asynclint.digests import hex_digest

    for data in (b"", b"async def f(): ...\n", bytes(range(256)) * 40):
        assert hex_digest(data) == hashlib.blake2b(data, digest_size=16).hexdigest()
        assert hex_digest(data, 8) == hashlib.blake2b(data, digest_size=8).hexdigest()
