"""Facts about the project that live outside `[tool.asynclint]`: pytest-asyncio's mode, the
test runners a `conftest.py` sets up, the lowest Python `requires-python` admits.

A result that depends on such a fact depends on the files it was read from. Every probe goes
through an `Environment`, which records `(kind, path, digest)` for each file it read or looked
for; the engine stores those entries with the result, and a cached result is reused only while
each probe still gives the same answer (`still_valid`). Nothing is memoised across analyses: a
long-running process (the editor) sees an edited `pyproject.toml` at its next check.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from asynclint.digests import hex_digest

# The first element of a recorded dependency: how the file was probed.
READ = "@read"  # digest: the content's, or "" when there is no readable file
EXISTS = "@exists"  # digest: "+" when the path exists (file or folder), else ""
IS_DIR = "@isdir"  # digest: "+" when the path is a folder, else ""
IS_FILE = "@isfile"  # digest: "+" when the path is a file, else ""
KINDS = (READ, EXISTS, IS_DIR, IS_FILE)

_OTHER_RUNNERS = ("anyio", "trio")  # plugins that run `@pytest.fixture async def` themselves
# pytest's config files in the order it looks for them in each folder, with the section that
# makes a file the config file (None: pyproject.toml's [tool.pytest...] table).
_PYTEST_FILES: tuple[tuple[str, str | None], ...] = (
    ("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("pyproject.toml", None),
    ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"),
)
_PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")


def _content(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:  # absent, a folder, unreadable: no file to read settings from
        return None


def _digest(data: bytes | None) -> str:
    return "" if data is None else hex_digest(data)


def _exists(path: str) -> str:
    return "+" if os.path.exists(path) else ""


def _answer(kind: str, path: str) -> str:
    """What a probe of `kind` finds at `path` now (its recorded digest)."""
    if kind == READ:
        return _digest(_content(path))
    if kind == IS_DIR:
        return "+" if os.path.isdir(path) else ""
    if kind == IS_FILE:
        return "+" if os.path.isfile(path) else ""
    return _exists(path)


class Environment:
    """Reads environment facts for one analysis and records every file they depended on."""

    def __init__(self) -> None:
        self._probes: dict[tuple[str, str], str] = {}  # (kind, path) -> digest

    def dep_list(self) -> list[list[str]]:
        """The recorded probes, as entries of a result's dependency list."""
        return [[kind, path, dig] for (kind, path), dig in sorted(self._probes.items())]

    def read(self, path: Path) -> bytes | None:
        data = _content(str(path))
        self._probes[READ, str(path)] = _digest(data)
        return data

    def exists(self, path: Path) -> bool:
        found = self._probes[EXISTS, str(path)] = _exists(str(path))
        return bool(found)

    def is_dir(self, path: Path) -> bool:
        found = self._probes[IS_DIR, str(path)] = _answer(IS_DIR, str(path))
        return bool(found)

    def is_file(self, path: Path) -> bool:
        found = self._probes[IS_FILE, str(path)] = _answer(IS_FILE, str(path))
        return bool(found)

    # -- the facts ---------------------------------------------------------------------------
    def pytest_asyncio_mode(self, start: Path) -> str | None:
        """pytest-asyncio's mode for tests under `start`, from the config file pytest would
        use (the first of pytest.ini, .pytest.ini, pyproject.toml with [tool.pytest.ini_options]
        or [tool.pytest], tox.ini with [pytest], setup.cfg with [tool:pytest], walking up).

        "auto" or "strict" when the project evidently uses pytest-asyncio (an `asyncio_*`
        option or `--asyncio-mode`), "other" when the config names anyio or trio, None when
        unknown.
        """
        for directory in (start, *start.parents):
            options = self._pytest_options(directory)
            if options is None:
                continue
            text = " ".join(f"{k}={v}" for k, v in options.items()).lower()
            if any(runner in text for runner in _OTHER_RUNNERS):
                return "other"
            addopts = str(options.get("addopts", ""))
            for flag in ("--asyncio-mode=auto", "--asyncio-mode auto"):
                if flag in addopts:
                    return "auto"
            mode = options.get("asyncio_mode")
            if mode is not None:
                return "auto" if str(mode).strip().lower() == "auto" else "strict"
            if any(key.startswith("asyncio_") for key in options) or "--asyncio-mode" in addopts:
                return "strict"  # pytest-asyncio's default mode
            return None
        return None

    def _pytest_options(self, directory: Path) -> dict[str, Any] | None:
        for name, section in _PYTEST_FILES:
            data = self.read(directory / name)
            if data is None:
                continue
            import configparser  # here: a run the result cache answers reads no such file

            try:
                if section is None:
                    tool = tomllib.loads(data.decode("utf-8")).get("tool", {})
                    pytest_table = tool.get("pytest", {}) if isinstance(tool, dict) else {}
                    if not isinstance(pytest_table, dict) or not pytest_table:
                        continue
                    table = pytest_table.get("ini_options", pytest_table)
                    return {k: " ".join(map(str, v)) if isinstance(v, list) else v
                            for k, v in table.items()} if isinstance(table, dict) else {}
                parser = configparser.ConfigParser(interpolation=None)
                parser.read_string(data.decode("utf-8"), source=str(directory / name))
            except (ValueError, configparser.Error):  # UnicodeDecodeError is a ValueError
                return {}
            if parser.has_section(section):
                return dict(parser.items(section))
            if name in ("pytest.ini", ".pytest.ini"):
                return {}  # pytest.ini is the config file even when empty
        return None

    def conftest_names_other_runner(self, start: Path) -> bool:
        """A conftest.py in `start` or above (up to the project root) that sets up anyio or
        trio (`anyio_backend`...)."""
        for folder in (start, *start.parents):
            data = self.read(folder / "conftest.py")
            if data is not None:
                text = data.decode("utf-8", errors="replace")
                if any(runner in text for runner in _OTHER_RUNNERS):
                    return True
            if any(self.exists(folder / marker) for marker in _PROJECT_MARKERS):
                break
        return False

    def requires_python_minor(self, pyproject: Path) -> int | None:
        """The lowest Python 3 minor version the project's `requires-python` admits, if it
        says."""
        data = self.read(pyproject)
        if data is None:
            return None
        text = data.decode("utf-8", errors="replace")
        m = re.search(r'^\s*requires-python\s*=\s*["\']([^"\']*)["\']', text, re.MULTILINE)
        if m is None:
            return None
        lower = re.search(r"(?:>=|~=|==)\s*3\.(\d+)", m.group(1))
        return int(lower.group(1)) if lower else None


def still_valid(deps: list[list[str]], memo: dict[Any, Any] | None = None) -> bool:
    """True when every environment probe among `deps` still gives the recorded answer
    (`memo`: one run's answers, shared by the files that probed the same paths)."""
    if memo is None:
        memo = {}
    for dep in deps:  # a module dependency may have a fourth element (`stat_token`)
        kind, path, dig = dep[0], dep[1], dep[2]
        if kind not in KINDS:
            continue
        key = (kind, path)
        now = memo.get(key)
        if now is None:
            now = memo[key] = _answer(kind, path)
        if now != dig:
            return False
    return True
