"""The flake8 door: asynclint's findings on the tree flake8 already parsed (`api.check_tree`).

flake8 hands each file's `ast` tree and lines to `Plugin` (entry point `ASL` in the
`flake8.extension` group) and applies `# noqa` and its own `--select`/`--ignore` to what the
plugin yields. The plugin therefore never parses again, never applies line `# noqa` itself and
never computes fixes (flake8 cannot apply them, and fixes would import libcst). It honours
`[tool.asynclint]` (flake8 does not read pyproject.toml) and a few `--asynclint-*` options.

With `flake8 -j N` each worker process gets its own copy of the class-level options (inherited by
fork, or parsed again by spawn); the only other module state is a memo of parsed config files.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from asynclint import __version__
from asynclint.config import ConfigError, Settings, SettingsResolver, validate_selector

Finding = tuple[int, int, str, type[Any]]


@dataclass(frozen=True)
class _Option:
    """One `--asynclint-*` flake8 option (also `asynclint-... = a,b` in a flake8 config file)."""

    flag: str
    field: str  # the Settings field it feeds
    extends: bool  # adds to the [tool.asynclint] value instead of replacing it
    selector: bool  # values are rule codes or prefixes, validated
    help: str


# Knowledge as data: a new option is one line here (and one Settings field it maps to).
OPTIONS: tuple[_Option, ...] = (
    _Option("--asynclint-select", "select", False, True,
            "asynclint rule codes or prefixes to compute, replacing [tool.asynclint] select "
            "(flake8's own --select/--ignore still filter what is shown)"),
    _Option("--asynclint-extend-select", "extend_select", True, True,
            "asynclint codes or prefixes to compute on top of the selection"),
    _Option("--asynclint-ignore", "ignore", True, True,
            "asynclint codes or prefixes not to compute, added to [tool.asynclint] ignore"),
    _Option("--asynclint-extra-blocking-calls", "extra_blocking_calls", True, False,
            "qualified names of calls that block (e.g. mylib.fetch_sync), added to "
            "[tool.asynclint] extra-blocking-calls"),
    _Option("--asynclint-extra-async-apis", "extra_async_apis", True, False,
            "qualified names of calls that return awaitables, added to [tool.asynclint] "
            "extra-async-apis"),
    _Option("--asynclint-extra-handler-decorators", "extra_handler_decorators", True, False,
            "qualified names of decorators that register request handlers, added to "
            "[tool.asynclint] extra-handler-decorators"),
)


@dataclass(frozen=True)
class _Config:
    """What the options said; immutable, so worker processes can share it by copy."""

    values: tuple[tuple[str, tuple[str, ...] | None], ...] = ()
    disable_noqa: bool = False

    def adjust(self, settings: Settings) -> Settings:
        changes: dict[str, Any] = {}
        by_field = {opt.field: opt for opt in OPTIONS}
        for field, value in self.values:
            if value is None:
                continue
            if by_field[field].extends:
                changes[field] = tuple(getattr(settings, field)) + value
            else:
                changes[field] = value
        return replace(settings, **changes) if changes else settings


# Per-process memo of parsed config files (pure: the same files give the same settings).
_resolvers: dict[_Config, SettingsResolver] = {}


def _settings_for(config: _Config, filename: str) -> Settings:
    resolver = _resolvers.get(config)
    if resolver is None:
        resolver = _resolvers[config] = SettingsResolver()
    return config.adjust(resolver.for_path(Path(filename)))


class Plugin:
    """flake8 AST checker: yields `(row, utf8_col, "ASL100 message", Plugin)`."""

    name = "asynclint"
    version = __version__
    config: ClassVar[_Config] = _Config()

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        for opt in OPTIONS:
            manager.add_option(opt.flag, default=None, parse_from_config=True,
                               comma_separated_list=True, help=opt.help)

    @classmethod
    def parse_options(cls, options: Any) -> None:
        values: list[tuple[str, tuple[str, ...] | None]] = []
        try:
            for opt in OPTIONS:
                given = getattr(options, opt.flag[2:].replace("-", "_"), None)
                if given is None:
                    values.append((opt.field, None))
                    continue
                items = [v.strip() for v in given if v.strip()]
                if opt.selector:
                    items = [validate_selector(v, f"`{opt.flag}`") for v in items]
                values.append((opt.field, tuple(items)))
        except ConfigError as exc:
            from flake8.exceptions import ExecutionError

            raise ExecutionError(f"asynclint: {exc}") from exc
        cls.config = _Config(tuple(values), bool(getattr(options, "disable_noqa", False)))

    def run(self) -> Iterator[Finding]:
        if not isinstance(self.tree, ast.Module):
            return
        from asynclint.api import check_tree, is_force_excluded
        from asynclint.source import SourceFile

        config = type(self).config
        try:
            settings = _settings_for(config, self.filename)
        except ConfigError as exc:  # a broken [tool.asynclint] stops the run, naming the key
            from flake8.exceptions import ExecutionError

            raise ExecutionError(f"asynclint: {exc}") from exc
        path = Path(self.filename)
        if is_force_excluded(settings, path):  # flake8 excludes named files too: so do we
            return
        source = SourceFile(text="".join(self.lines))
        # flake8 applies line suppressions; the file-level one (asynclint: noqa) is ours.
        found = check_tree(self.tree, source, self.filename, settings,
                           file_noqa=not config.disable_noqa)
        for diag in found:
            row = diag.start.row
            yield row, source.col_to_utf8(row, diag.start.col), f"{diag.code} {diag.message}", \
                type(self)
