"""`[tool.asynclint]` settings: the schema (as data), discovery, validation and rule selection."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from asynclint.globs import glob_match


class ConfigError(Exception):
    """A setting is wrong; the message names the file and the key or code."""


@dataclass(frozen=True)
class SettingSpec:
    key: str
    type: str  # "list[str]", "dict[str, list[str]]", "bool", "str"
    default: Any
    doc: str
    example: str
    choices: tuple[str, ...] = ()
    # Code prefixes of the rules this setting tunes (their docs list it under "Options");
    # empty for settings that apply to every rule (selection, files, fixes).
    rules: tuple[str, ...] = ()


# The schema every setting is validated against; the configuration docs are generated from it.
SCHEMA: tuple[SettingSpec, ...] = (
    SettingSpec("select", "list[str]", None,
                "Rule codes or prefixes to enable. Replaces the default selection.",
                'select = ["ASL1", "ASL2"]'),
    SettingSpec("extend-select", "list[str]", [],
                "Rule codes or prefixes to enable on top of `select`.",
                'extend-select = ["ASL4"]'),
    SettingSpec("ignore", "list[str]", [],
                "Rule codes or prefixes to disable. A more specific selector wins; at equal "
                "specificity `ignore` wins.",
                'ignore = ["ASL100"]'),
    SettingSpec("per-file-ignores", "dict[str, list[str]]", {},
                "Glob (relative to the project root) to codes ignored in matching files.",
                '"tests/**" = ["ASL1"]'),
    SettingSpec("exclude", "list[str]", None,
                "Globs of files and folders never checked. Replaces the defaults "
                "(.git, .venv, build, node_modules, ...).",
                'exclude = [".venv", "migrations"]'),
    SettingSpec("extend-exclude", "list[str]", [],
                "Globs excluded on top of `exclude`.",
                'extend-exclude = ["generated/**"]'),
    SettingSpec("respect-gitignore", "bool", True,
                "Skip files ignored by .gitignore files.",
                "respect-gitignore = false"),
    SettingSpec("force-exclude", "bool", False,
                "Apply exclusions to paths named on the command line too (pre-commit needs this).",
                "force-exclude = true"),
    SettingSpec("fix", "bool", False, "Apply safe fixes, as `--fix`.", "fix = true"),
    SettingSpec("unsafe-fixes", "bool", False,
                "Also apply unsafe fixes, as `--unsafe-fixes`.", "unsafe-fixes = true"),
    SettingSpec("cache-dir", "str", ".asynclint_cache",
                "Where the cache lives, relative to the project root.",
                'cache-dir = ".cache/asynclint"'),
    SettingSpec("extra-blocking-calls", "list[str]", [],
                "Qualified names of functions or `Type.method`s that block, flagged in coroutines.",
                'extra-blocking-calls = ["mylib.fetch_sync", "mylib.Client.get"]',
                rules=("ASL106", "ASL107", "ASL108")),
    SettingSpec("extra-async-apis", "list[str]", [],
                "Qualified names of functions or `Type.method`s that return awaitables.",
                'extra-async-apis = ["mylib.AsyncClient.fetch"]',
                rules=("ASL2",)),
    SettingSpec("extra-async-decorators", "list[str]", [],
                "Qualified names of decorators that keep an `async def` a coroutine function "
                "(a decorated function is otherwise treated as unknown by ASL2xx).",
                'extra-async-decorators = ["myapp.utils.retry"]',
                rules=("ASL2",)),
    SettingSpec("extra-handler-decorators", "list[str]", [],
                "Qualified decorator names (or `Type.method` of a router) that register request "
                "handlers.",
                'extra-handler-decorators = ["myframework.route"]',
                rules=("ASL301",)),
    SettingSpec("gather-style", "str", "gather",
                "How concurrency fixes are written: `asyncio.gather(...)` or an "
                "`asyncio.TaskGroup`.",
                'gather-style = "taskgroup"', ("gather", "taskgroup"),
                rules=("ASL400",)),
    SettingSpec("gather-min-awaits", "int", 2,
                "How many consecutive independent awaits make a run worth reporting (ASL400).",
                "gather-min-awaits = 3",
                rules=("ASL400",)),
    SettingSpec("concurrency-safe-receivers", "list[str]", [],
                "Qualified types whose instances may be used by concurrent operations "
                "(pool-backed clients), on top of the built-in ones.",
                'concurrency-safe-receivers = ["mylib.PooledClient"]',
                rules=("ASL400", "ASL401")),
    SettingSpec("concurrency-unsafe-receivers", "list[str]", [],
                "Qualified types whose instances must not be used by concurrent operations "
                "(connections, sessions, streams), on top of the built-in ones.",
                'concurrency-unsafe-receivers = ["mylib.Connection"]',
                rules=("ASL400", "ASL401")),
)
SPECS = {spec.key: spec for spec in SCHEMA}

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
    ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".asynclint_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "_build", "buck-out", "build", "dist",
    "node_modules", "site-packages", "venv",
)


Layer = tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]  # select, extend, ignore


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Selection layers applied after the configuration's (the command line's flags).
    cli_selection: tuple[Layer, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
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

    # -- rule selection ----------------------------------------------------------------------
    def enabled_codes(self) -> frozenset[str]:
        return _enabled_codes(self.select, self.extend_select, self.ignore, self.cli_selection)

    def ignored_for(self, relpath: str) -> tuple[str, ...]:
        ignored: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if glob_match(pattern, relpath):
                ignored.extend(codes)
        return tuple(ignored)

    def codes_for(self, path: Path) -> frozenset[str]:
        enabled = self.enabled_codes()
        ignored = self.ignored_for(self.relpath(path))
        if not ignored:
            return enabled
        return frozenset(c for c in enabled if not any(c.startswith(p) for p in ignored))

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
        # The registered rules change without a version bump during development (and with
        # plugins): results cached before a rule existed must not hide its findings.
        data["rules"] = sorted(self.enabled_codes())
        return hashlib.blake2b(json.dumps(data, default=str, sort_keys=True).encode(),
                               digest_size=16).hexdigest()


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


def _all_codes() -> list[str]:
    from asynclint.rules.base import REGISTRY
    from asynclint.rules.codes import CODES

    return sorted({*CODES, *REGISTRY})  # with rules registered at run time (plugins, tests)


def _default_codes() -> list[str]:
    from asynclint.rules.base import REGISTRY
    from asynclint.rules.codes import CODES

    known = {**CODES, **{code: rule.default_enabled for code, rule in REGISTRY.items()}}
    return sorted(code for code, on in known.items() if on)


# The families are a stable contract (DESIGN.md): their prefixes are valid selectors even before
# the family's first rule exists, so a configuration written against the docs keeps working.
FAMILY_PREFIXES = ("ASL", "ASL1", "ASL2", "ASL3", "ASL4", "ASL5")


def validate_selector(selector: str, where: str) -> str:
    sel = selector.strip().upper()
    if sel == "ALL" or sel in FAMILY_PREFIXES:
        return sel
    if sel and any(code.startswith(sel) for code in _all_codes()) and sel.startswith("ASL"):
        return sel
    raise ConfigError(f"Unknown rule selector `{selector}` in {where}")


def _specificity(selector: str, code: str) -> int:
    if selector == "ALL":
        return 1
    return len(selector) + 1 if code.startswith(selector) else 0


@functools.lru_cache(maxsize=64)
def _enabled_codes(
    select: tuple[str, ...] | None, extend: tuple[str, ...], ignore: tuple[str, ...],
    more: tuple[Layer, ...] = (),
) -> frozenset[str]:
    """Rule selection as ruff computes it: the defaults, then each layer in turn (the
    configuration, then the command line). Within a layer the most specific selector decides a
    code, `ignore` winning ties; a layer with `select` starts afresh, one without it only changes
    the codes its selectors name. So `--select ASL1` overrides a configured `ignore = ["ASL100"]`,
    as `ruff check --select F` overrides a configured `ignore = ["F401"]`."""
    enabled = set(_default_codes())
    codes = _all_codes()
    for layer_select, layer_extend, layer_ignore in ((select, extend, ignore), *more):
        updates: dict[str, bool] = {}
        for code in codes:
            chosen = max((_specificity(s, code) for s in (*(layer_select or ()), *layer_extend)),
                         default=0)
            dropped = max((_specificity(s, code) for s in layer_ignore), default=0)
            if chosen or dropped:
                updates[code] = chosen > dropped
        if layer_select is not None:
            enabled = set()
        for code, on in updates.items():
            if on:
                enabled.add(code)
            else:
                enabled.discard(code)
    return frozenset(enabled)


# -- reading configuration ------------------------------------------------------------------
def _check_type(spec: SettingSpec, value: Any, where: str) -> Any:
    def fail() -> ConfigError:
        return ConfigError(f"{where}: `{spec.key}` must be {spec.type}, got {value!r}")

    if spec.type == "bool":
        if not isinstance(value, bool):
            raise fail()
    elif spec.type == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: `{spec.key}` must be a positive integer, got {value!r}")
    elif spec.type == "str":
        if not isinstance(value, str):
            raise fail()
        if spec.choices and value not in spec.choices:
            raise ConfigError(
                f"{where}: `{spec.key}` must be one of {', '.join(spec.choices)}, got {value!r}"
            )
    elif spec.type == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail()
        value = tuple(value)
    elif spec.type == "dict[str, list[str]]" and not (
        isinstance(value, dict)
        and all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values())
    ):
        raise fail()
    return value


def settings_from_table(
    table: dict[str, Any], root: Path, where: str, base: Settings | None = None
) -> Settings:
    """Validate one `[tool.asynclint]` table; unknown keys and codes are errors naming them."""
    settings = base or Settings(root=root)
    changes: dict[str, Any] = {}
    for key, value in table.items():
        spec = SPECS.get(key)
        if spec is None:
            raise ConfigError(f"{where}: unknown setting `{key}` in [tool.asynclint]")
        value = _check_type(spec, value, where)
        if key in ("select", "extend-select", "ignore"):
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
        for key in ("extend_exclude",):
            if ov.get(key):
                changes[key] = getattr(settings, key) + tuple(ov[key])
        if ov.get("exclude") is not None:
            changes["exclude"] = tuple(ov["exclude"])
        for key in ("per_file_ignores",):
            if ov.get(key):
                changes[key] = settings.per_file_ignores + tuple(ov[key])
        for key in ("force_exclude", "respect_gitignore", "fix", "unsafe_fixes"):
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
