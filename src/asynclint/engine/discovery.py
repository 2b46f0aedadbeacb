"""Which files to check: walk the given paths like ruff does (excludes, .gitignore)."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from asynclint.config import Settings, SettingsResolver
from asynclint.globs import compile_glob

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class IgnoreRule:
    base: str  # directory of the .gitignore, relative to the walk root ('' for the root)
    pattern: str
    negated: bool
    dir_only: bool
    anchored: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        if self.anchored:
            return bool(compile_glob(self.pattern).match(rel))
        name = rel.rsplit("/", 1)[-1]
        return bool(compile_glob(self.pattern).match(name)) or bool(
            compile_glob("**/" + self.pattern).match(rel)
        )


def parse_gitignore(text: str, base: str) -> list[IgnoreRule]:
    rules: list[IgnoreRule] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        line = line.removeprefix("\\")
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if line:
            rules.append(IgnoreRule(base, line, negated, dir_only, anchored))
    return rules


def _ignored(rules: list[IgnoreRule], rel: str, is_dir: bool) -> bool:
    verdict = False
    for rule in rules:
        if rule.matches(rel, is_dir):
            verdict = not rule.negated
    return verdict


@functools.lru_cache(maxsize=64)
def exclusion_matcher(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """All exclude globs as one regex, built once, with `glob_match`'s verdict pattern by
    pattern: it is tried on the whole relative path and on the basename (discovery asks for
    every entry of every folder)."""
    alternatives = [compile_glob(p).pattern for p in
                    (p.removeprefix("./").rstrip("/") for p in patterns) if p]
    return re.compile("|".join(f"(?:{a})" for a in alternatives)) if alternatives else None


def is_excluded(settings: Settings, path: Path | str) -> bool:
    """Whether this entry itself matches `exclude`/`extend-exclude` (by path or basename)."""
    matcher = exclusion_matcher((*settings.exclude, *settings.extend_exclude))
    return matcher is not None and _matches(matcher, settings.relpath(path))


def _matches(matcher: re.Pattern[str], rel: str) -> bool:
    return bool(matcher.match(rel)) or bool(matcher.match(rel.rsplit("/", 1)[-1]))


def is_force_excluded(settings: Settings, path: Path) -> bool:
    """For `--force-exclude`: the path or one of its ancestors (up to the project root) is
    excluded, so `check --force-exclude build/x.py` skips the file as a walk would."""
    absolute = Path(os.path.abspath(path))
    if not absolute.is_relative_to(settings.root):
        return is_excluded(settings, absolute)
    for candidate in (absolute, *absolute.parents):
        if candidate == settings.root:
            break
        if is_excluded(settings, candidate):
            return True
    return False


def _git_root(start: Path) -> Path | None:
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


def _inherited_gitignores(directory: Path) -> list[IgnoreRule]:
    """The .gitignore rules of a folder's ancestors up to its repository root."""
    root = _git_root(directory)
    if root is None:
        return []
    rules: list[IgnoreRule] = []
    chain = [directory, *directory.parents]
    for d in reversed(chain[: chain.index(root) + 1]):
        gi = d / ".gitignore"
        if gi.is_file():
            rel = d.relative_to(root).as_posix()
            rules.extend(parse_gitignore(_read_text(gi), "" if rel == "." else rel))
    return rules


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def discover(paths: list[Path], resolver: SettingsResolver) -> Iterator[Path]:
    """Yield each file to check once, in a stable order. Missing paths are yielded too, so the
    engine reports them (E902) like ruff does."""
    for shown, _ in discover_files(paths, resolver):
        yield Path(shown)


def discover_files(paths: list[Path], resolver: SettingsResolver) -> Iterator[tuple[str, Settings]]:
    """`discover`, as strings, each with its settings (`resolver.for_path` of the file): the walk
    looks them up once per folder instead of once per file."""
    seen: set[str] = set()
    for given in paths:
        absolute = os.path.abspath(given)
        if not os.path.exists(absolute):
            yield str(given), resolver.for_path(given)
            continue
        settings = resolver.for_path(Path(absolute))
        if os.path.isfile(absolute):
            if settings.force_exclude and is_force_excluded(settings, Path(absolute)):
                continue
            if absolute not in seen:
                seen.add(absolute)
                yield str(given), resolver.for_path(given)
            continue
        if settings.force_exclude and is_force_excluded(settings, Path(absolute)):
            continue
        # A folder named explicitly is walked even if it matches an exclusion (as ruff does).
        yield from _walk(str(given), absolute, resolver, seen)


def _child(base: str, name: str) -> str:
    """`str(Path(base) / name)` for a `base` that is itself a `str(Path)`, without pathlib."""
    if os.sep != "/":
        return str(Path(base) / name)
    return _entry_rel(base, name)


def _entry_rel(base: str, name: str) -> str:
    """`settings.relpath(folder/name)` from `base`, the folder's (`Settings.relpath` of a
    folder inside the root gives its relative path, of one outside its absolute path); on
    POSIX also the path of the entry below a folder shown as `base`."""
    if base == ".":
        return name
    return base + name if base.endswith("/") else f"{base}/{name}"


def _under(root: str, path: str) -> str:
    """`Path(path).relative_to(root).as_posix()` for a `path` known to lie below `root`."""
    if os.sep != "/":
        return Path(path).relative_to(root).as_posix()
    return path[len(root):].lstrip("/") or "."


def _walk(given: str, absolute: str, resolver: SettingsResolver,
          seen: set[str]) -> Iterator[tuple[str, Settings]]:
    """Walk a folder on strings (pathlib would cost a Path per entry; a warm run is mostly this)."""
    found_root = _git_root(Path(absolute))
    git_root = str(found_root) if found_root is not None else None
    base_rules = _inherited_gitignores(Path(absolute))
    stack: list[tuple[str, str, list[IgnoreRule]]] = [(given, absolute, base_rules)]
    while stack:
        shown, directory, rules = stack.pop()
        settings = resolver.for_dir(Path(directory))
        # What `resolver.for_path` gives a file of this folder (--config and --isolated
        # replace the folder's own settings).
        file_settings = resolver.for_path(Path(directory))
        matcher = exclusion_matcher((*settings.exclude, *settings.extend_exclude))
        # `settings.relpath` of each entry, from the folder's (the entry's name appended).
        base = settings.relpath(directory) if matcher is not None else ""
        gitignore = settings.respect_gitignore and git_root is not None
        if directory != absolute and gitignore:
            gi = os.path.join(directory, ".gitignore")
            if os.path.isfile(gi):
                assert git_root is not None
                rules = rules + parse_gitignore(_read_text(Path(gi)), _under(git_root, directory))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[tuple[str, str, list[IgnoreRule]]] = []
        for entry in entries:
            full = entry.path
            # Folder symlinks are not followed (as ruff): they can loop or leave the project.
            is_dir = entry.is_dir(follow_symlinks=False)
            if matcher is not None and _matches(matcher, _entry_rel(base, entry.name)):
                continue
            if gitignore and rules:
                assert git_root is not None
                if _ignored(rules, _under(git_root, full), is_dir):
                    continue
            if is_dir:
                if entry.name == ".git":
                    continue
                subdirs.append((_child(shown, entry.name), full, rules))
            elif entry.name.endswith(PYTHON_SUFFIXES) and full not in seen:
                seen.add(full)
                # A symlink to a folder named like a module: `for_path` settles it as the
                # folder it is.
                yield _child(shown, entry.name), (
                    resolver.for_path(Path(full)) if entry.is_symlink() else file_settings)
        stack.extend(reversed(subdirs))
