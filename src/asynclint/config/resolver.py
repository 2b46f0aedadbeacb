"""The `Settings` of a file and how they are built: the nearest `pyproject.toml` with a
`[tool.asynclint]` table (or an explicit config file), checked against the schema, with the
command line's settings on top."""

from __future__ import annotations

import functools
import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from asynclint.config.schema import (
    DEFAULT_EXCLUDE,
    DEFAULT_TEST_IGNORE,
    DEFAULT_TEST_PATHS,
    ConfigError,
    checked_value,
    spec_for,
)
from asynclint.config.selection import (
    Layer,
    enabled_codes,
    ignored_for,
    ignored_in_tests,
    validate_selector,
    without_ignored,
)
from asynclint.digests import hex_digest


@dataclass(frozen=True)
class Settings:
    """The settings of one project root, typed (one field per `SCHEMA` key, `-` as `_`), plus
    the command line's selection layers. Frozen: the files of a project share one value, and
    a change (the command line's flags on top) makes a new one."""

    root: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    test_ignore: tuple[str, ...] = DEFAULT_TEST_IGNORE
    # Selection layers applied after the configuration's (the command line's flags).
    cli_selection: tuple[Layer, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    noqa_peer_codes: bool = True
    fix: bool = False
    unsafe_fixes: bool = False
    cache_dir: str = ".asynclint_cache"
    extra_blocking_calls: tuple[str, ...] = ()
    extra_async_apis: tuple[str, ...] = ()
    extra_async_decorators: tuple[str, ...] = ()
    extra_handler_decorators: tuple[str, ...] = ()
    gather_style: str = "gather"
    gather_min_awaits: int = 2
    concurrency_safe_receivers: tuple[str, ...] = ()
    concurrency_unsafe_receivers: tuple[str, ...] = ()
    concurrency_network_apis: tuple[str, ...] = ()
    python: str | None = None
    # `--ignore-noqa` (command line only, as in ruff): report what noqa comments suppress.
    ignore_noqa: bool = False

    # -- rule selection (`config.selection`) -------------------------------------------------
    def enabled_codes(self) -> frozenset[str]:
        return enabled_codes(self.select, self.extend_select, self.ignore, self.cli_selection)

    def codes_for(self, path: Path) -> frozenset[str]:
        """The codes enabled for the file at `path`, its `per-file-ignores` applied, and
        `test-ignore` when `test-paths` says it is test code."""
        relpath = self.relpath(path)
        return without_ignored(self.enabled_codes(),
                               ignored_for(self.per_file_ignores, relpath)
                               + ignored_in_tests(self.test_paths, self.test_ignore, relpath))

    def relpath(self, path: Path | str) -> str:
        """`path` relative to the root, with `/` (as globs and the cache see it); a path
        outside the root as given. Called for every entry discovery meets and every cached
        file, so it works on strings: `Path.relative_to` costs ten times as much."""
        prefix = _root_prefix(self.root)
        if prefix is None:
            return self._relpath_slow(path)
        absolute = os.path.abspath(path)
        if absolute.startswith("//"):  # POSIX keeps a leading `//`: pathlib's own case
            return self._relpath_slow(path)
        if len(absolute) > len(prefix) and absolute.startswith(prefix):
            return absolute[len(prefix):]
        if absolute == prefix or absolute + "/" == prefix:
            return "."
        return Path(path).as_posix()

    def _relpath_slow(self, path: Path | str) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def fingerprint(self) -> str:
        """Changes whenever a setting that can change findings changes (for the cache key)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("fix", "unsafe_fixes", "cache_dir", "config_file")}
        # The code table changes without a version bump during development: results cached
        # before a rule existed must not hide its findings.
        data["rules"] = sorted(self.enabled_codes())
        return hex_digest(json.dumps(data, default=str, sort_keys=True).encode())


@functools.lru_cache(maxsize=64)
def _root_prefix(root: Path) -> str | None:
    """`root` as a string ending in one `/`, when a plain string prefix test on an absolute,
    normalised path gives exactly `Path.relative_to`'s answer (a POSIX system, an absolute
    and normalised root); None otherwise, for the `pathlib` way."""
    text = str(root)
    if os.sep != "/" or not os.path.isabs(text) or os.path.normpath(text) != text \
            or text.startswith("//"):
        return None
    return text if text.endswith("/") else text + "/"


def settings_from_table(
    table: dict[str, Any], root: Path, where: str, base: Settings | None = None
) -> Settings:
    """Validate one `[tool.asynclint]` table; unknown keys and codes are errors naming them."""
    settings = base or Settings(root=root)
    changes: dict[str, Any] = {}
    for key, value in table.items():
        value = checked_value(spec_for(key, where), value, where)
        if key in ("select", "extend-select", "ignore", "test-ignore"):
            value = tuple(validate_selector(v, f"`{key}` ({where})") for v in value)
        elif key == "per-file-ignores":
            value = tuple(
                (pattern, tuple(validate_selector(c, f"`per-file-ignores` ({where})") for c in codes))
                for pattern, codes in value.items()
            )
        changes[key.replace("-", "_")] = value
    return replace(settings, root=root, **changes)


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def table_of(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The asynclint table of a config file: `[tool.asynclint]`, or the whole of asynclint.toml."""
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("asynclint") if isinstance(tool, dict) else None
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.asynclint] must be a table")
        return table
    return data


def settings_from_file(path: Path) -> Settings:
    table = table_of(path, load_toml(path)) or {}
    root = path.resolve().parent
    return replace(settings_from_table(table, root, str(path)), config_file=path)


class SettingsResolver:
    """Finds the settings for each file: the nearest pyproject.toml with [tool.asynclint]."""

    def __init__(self, explicit: Path | None = None, overrides: dict[str, Any] | None = None,
                 isolated: bool = False, inline: dict[str, Any] | None = None) -> None:
        self._explicit = settings_from_file(explicit) if explicit else None
        self._overrides = overrides or {}
        self._inline = inline or {}
        self._isolated = isolated
        self._by_dir: dict[Path, Settings] = {}
        self._default: Settings | None = None

    def _apply(self, settings: Settings) -> Settings:
        """Command-line settings on top of a file's: inline `--config` first, then flags."""
        if self._inline:
            settings = settings_from_table(self._inline, settings.root, "--config", base=settings)
        if not self._overrides:
            return settings
        ov = self._overrides
        changes: dict[str, Any] = {}
        if ov.get("select") is not None or ov.get("extend_select") or ov.get("ignore"):
            layer: Layer = (tuple(ov["select"]) if ov.get("select") is not None else None,
                            tuple(ov.get("extend_select") or ()), tuple(ov.get("ignore") or ()))
            changes["cli_selection"] = (*settings.cli_selection, layer)
        if ov.get("extend_exclude"):
            changes["extend_exclude"] = settings.extend_exclude + tuple(ov["extend_exclude"])
        if ov.get("exclude") is not None:
            changes["exclude"] = tuple(ov["exclude"])
        if ov.get("replace_per_file_ignores"):  # `--per-file-ignores` replaces, as in ruff
            changes["per_file_ignores"] = tuple(ov.get("per_file_ignores") or ())
        elif ov.get("per_file_ignores"):
            changes["per_file_ignores"] = settings.per_file_ignores + tuple(ov["per_file_ignores"])
        for key in ("force_exclude", "respect_gitignore", "fix", "unsafe_fixes", "python",
                    "ignore_noqa", "cache_dir"):
            if ov.get(key) is not None:
                changes[key] = ov[key]
        return replace(settings, **changes)

    def default(self) -> Settings:
        if self._default is None:
            if self._explicit is not None:
                self._default = self._apply(self._explicit)
            elif self._isolated:
                self._default = self._apply(Settings(root=Path.cwd().resolve()))
            else:
                self._default = self.for_dir(Path.cwd().resolve())
        return self._default

    def for_path(self, path: Path) -> Settings:
        if self._explicit is not None or self._isolated:
            return self.default()
        directory = Path(os.path.abspath(path))
        if not directory.is_dir():
            directory = directory.parent
        return self.for_dir(directory)

    def for_dir(self, directory: Path) -> Settings:
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        candidate = directory / "pyproject.toml"
        settings: Settings | None = None
        if candidate.is_file():
            table = table_of(candidate, load_toml(candidate))
            if table is not None:
                settings = replace(settings_from_table(table, directory, str(candidate)),
                                   config_file=candidate)
        if settings is None:
            parent = directory.parent
            if parent != directory:
                settings = self.for_dir(parent)
                self._by_dir[directory] = settings
                return settings
            settings = Settings(root=Path.cwd().resolve())
        settings = self._apply(settings)
        self._by_dir[directory] = settings
        return settings
