"""Which files to check: walk the given paths like ruff does (excludes, .gitignore)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from asynclint.config import Settings, SettingsResolver
from asynclint.globs import compile_glob, glob_match

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


def is_excluded(settings: Settings, path: Path) -> bool:
    """Whether this entry itself matches `exclude`/`extend-exclude` (by path or basename)."""
    rel = settings.relpath(path)
    patterns = (*settings.exclude, *settings.extend_exclude)
    return any(glob_match(p, rel) for p in patterns)


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
    seen: set[Path] = set()
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if not absolute.exists():
            yield given
            continue
        settings = resolver.for_path(absolute)
        if absolute.is_file():
            if settings.force_exclude and is_force_excluded(settings, absolute):
                continue
            if absolute not in seen:
                seen.add(absolute)
                yield given
            continue
        if settings.force_exclude and is_force_excluded(settings, absolute):
            continue
        # A folder named explicitly is walked even if it matches an exclusion (as ruff does).
        yield from _walk(given, absolute, resolver, seen)


def _walk(given: Path, absolute: Path, resolver: SettingsResolver, seen: set[Path]) -> Iterator[Path]:
    git_root = _git_root(absolute)
    base_rules = _inherited_gitignores(absolute)
    stack: list[tuple[Path, Path, list[IgnoreRule]]] = [(given, absolute, base_rules)]
    while stack:
        shown, directory, rules = stack.pop()
        settings = resolver.for_dir(directory)
        if directory != absolute and settings.respect_gitignore and git_root is not None:
            gi = directory / ".gitignore"
            if gi.is_file():
                rel = directory.relative_to(git_root).as_posix()
                rules = rules + parse_gitignore(_read_text(gi), rel)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[tuple[Path, Path, list[IgnoreRule]]] = []
        for entry in entries:
            full = Path(entry.path)
            # Folder symlinks are not followed (as ruff): they can loop or leave the project.
            is_dir = entry.is_dir(follow_symlinks=False)
            if is_excluded(settings, full):
                continue
            if settings.respect_gitignore and git_root is not None and rules:
                rel = full.relative_to(git_root).as_posix()
                if _ignored(rules, rel, is_dir):
                    continue
            if is_dir:
                if entry.name == ".git":
                    continue
                subdirs.append((shown / entry.name, full, rules))
            elif entry.name.endswith(PYTHON_SUFFIXES) and full not in seen:
                seen.add(full)
                yield shown / entry.name
        stack.extend(reversed(subdirs))
