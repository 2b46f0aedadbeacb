"""The pytest door: `pytest --asynclint` checks every collected Python file as a test item.

Each file becomes one item, `path/to/file.py::ASYNCLINT` (marker `asynclint`), that fails with the
findings in the `full` format and passes when the file is clean. Results go through asynclint's
own cache (`api.CacheSession`), keyed by the file's content, so a second run re-checks only what
changed; under pytest-xdist the workers hand their new cache entries to the controller, which
writes the cache once. Without `--asynclint` this module only registers its options and marker:
it imports nothing of the engine, so it costs nothing at start-up.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from asynclint.config import Settings, SettingsResolver

MARKER = "asynclint"
ITEM_NAME = "ASYNCLINT"
SUFFIXES = (".py", ".pyi")
_WORKER_KEY = "asynclint_cache"  # in xdist's workeroutput


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asynclint", "asynclint: async misuse checks")
    group.addoption("--asynclint", action="store_true", default=False,
                    help="Check each collected Python file with asynclint (one item per file).")
    group.addoption("--asynclint-select", default=None, metavar="CODES",
                    help="Comma-separated asynclint codes or prefixes to check, replacing "
                         "[tool.asynclint] select.")
    group.addoption("--asynclint-ignore", default=None, metavar="CODES",
                    help="Comma-separated asynclint codes or prefixes not to check, added to "
                         "[tool.asynclint] ignore.")
    parser.addini("asynclint_select", type="args", default=[],
                  help="asynclint codes or prefixes to check (as --asynclint-select).")
    parser.addini("asynclint_ignore", type="args", default=[],
                  help="asynclint codes or prefixes not to check (as --asynclint-ignore).")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: asynclint's check of a file (deselect with -m 'not {MARKER}')"
    )
    if config.getoption("asynclint"):
        config.stash[_SESSION] = _Session(config)


def _selectors(config: pytest.Config, name: str) -> list[str] | None:
    """`--asynclint-NAME` beats the `asynclint_NAME` ini option; None when neither is given."""
    given = config.getoption(f"asynclint_{name}")
    values = [given] if given is not None else list(config.getini(f"asynclint_{name}"))
    if given is None and not values:
        return None
    return [v for item in values for v in re.split(r"[,\s]+", item) if v]


class _Session:
    """The run's settings, cache session and counters (one per process under xdist)."""

    def __init__(self, config: pytest.Config) -> None:
        # Not `from asynclint import api`: that reads the package's attribute, which pytester's
        # in-process runs leave pointing at a module from an earlier run.
        from asynclint.api import CacheSession
        from asynclint.config import ConfigError, SettingsResolver, validate_selector

        overrides: dict[str, Any] = {}
        try:
            for key in ("select", "ignore"):
                chosen = _selectors(config, key)
                if chosen is not None:
                    overrides[key] = [
                        validate_selector(c, f"`--asynclint-{key}` / `asynclint_{key}`")
                        for c in chosen
                    ]
        except ConfigError as exc:
            raise pytest.UsageError(f"asynclint: {exc}") from exc
        self.resolver: SettingsResolver = SettingsResolver(overrides=overrides)
        self.is_worker = hasattr(config, "workerinput")
        self.cache = CacheSession(use_cache=not os.environ.get("ASYNCLINT_NO_CACHE"),
                                  hands_over=self.is_worker)
        self.checked = 0
        self.cached = 0

    def settings_for(self, path: Path) -> Settings:
        return self.resolver.for_path(path)

    def excluded(self, path: Path) -> bool:
        from asynclint.api import is_excluded

        return is_excluded(self.settings_for(path), path)

    def check(self, path: Path) -> str | None:
        """The findings of one file in the `full` format, or None when it is clean."""
        from asynclint.output import FormatOptions, formatter

        report = self.cache.check(path, self.settings_for(path))
        if report.internal_error:
            raise AsynclintFailure("\n".join(report.errors))
        if report.from_cache:
            self.cached += 1
        else:
            self.checked += 1
        if not report.diagnostics:
            return None
        from asynclint.source import read_display_text

        return formatter("full")(report.diagnostics, FormatOptions(read_source=read_display_text))


_SESSION = pytest.StashKey[_Session]()


class AsynclintFailure(Exception):
    """The file has findings; the message is the report."""


class AsynclintFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
        item = AsynclintItem.from_parent(self, name=ITEM_NAME)
        item.add_marker(MARKER)
        return [item]


class AsynclintItem(pytest.Item):
    # pytest-lsp 1.0's `pytest_runtest_call` wrapper returns without yielding for items that lack
    # `funcargs`, which breaks every non-function item; an empty mapping keeps it working.
    funcargs: dict[str, Any] = {}  # noqa: RUF012

    def runtest(self) -> None:
        session = self.config.stash[_SESSION]
        try:
            report = session.check(self.path)
        except Exception as exc:  # a config error names its file and key
            from asynclint.config import ConfigError

            if isinstance(exc, ConfigError):
                raise AsynclintFailure(f"asynclint failed\n  Cause: {exc}") from exc
            raise
        if report is not None:
            raise AsynclintFailure(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:
        if isinstance(excinfo.value, AsynclintFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The failure's headline: the file, as pytest-mypy does (a domain ending the node id
        # would get its dots turned into `::` in verbose output).
        try:
            shown = self.path.relative_to(self.config.invocation_params.dir).as_posix()
        except ValueError:
            shown = str(self.path)
        return self.path, None, shown


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> AsynclintFile | None:
    session = parent.config.stash.get(_SESSION, None)
    if session is None or file_path.suffix not in SUFFIXES:
        return None
    from asynclint.config import ConfigError

    try:
        if session.excluded(file_path):
            return None
    except ConfigError:
        pass  # the item reports it
    # The session, not the package, is the item's parent: pytest sets up every package above
    # an item by importing its `__init__.py`, and asynclint never runs checked code.
    file: AsynclintFile = AsynclintFile.from_parent(parent.session, path=file_path)
    return file


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(_SESSION, None)
    if state is None:
        return
    if state.is_worker:
        session.config.workeroutput[_WORKER_KEY] = {  # type: ignore[attr-defined]
            "cache": state.cache.handover(), "checked": state.checked, "cached": state.cached,
        }
    else:
        state.cache.save()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: collect a worker's cache entries so the cache is written once."""
    state = node.config.stash.get(_SESSION, None)
    output = (getattr(node, "workeroutput", None) or {}).get(_WORKER_KEY)
    if state is not None and output:
        state.cache.take_over(output["cache"], state.settings_for)
        state.checked += output["checked"]
        state.cached += output["cached"]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_SESSION, None)
    if state is not None and not state.is_worker and (state.checked or state.cached):
        terminalreporter.write_line(
            f"asynclint: {state.checked} file(s) checked, {state.cached} served from the cache"
        )
