"""One formatter per `--output-format`; each takes the run's diagnostics and returns text.

Columns leave the engine as 0-based code points; each formatter converts to its consumer's
convention here (ruff's JSON and most text formats: 1-based code points).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from asynclint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from asynclint.output.ruledoc import RuleDoc


@dataclass
class FormatOptions:
    cwd: Path = field(default_factory=Path.cwd)
    read_source: Callable[[str], str | None] = lambda path: None
    unsafe_fixes: bool = False
    show_summary: bool = True
    fixed_count: int = 0
    # ANSI colours (ruff's styles) in the text formats; the door decides (terminal, NO_COLOR).
    color: bool = False
    # The `--show-fixes` block, printed between the findings and the summary.
    fixes_shown: str = ""
    # A rule's metadata by code (None for a code that is no rule), for the formats that
    # document the rules they report (SARIF); handed in by the door, called only by them.
    rule_doc: Callable[[str], RuleDoc | None] = lambda code: None
    # Answers of `relpath` (a file with many findings is named once per finding).
    _relpaths: dict[tuple[Path, str], str] = field(default_factory=dict, repr=False,
                                                   compare=False)

    def relpath(self, path: str) -> str:
        """Relative to the working folder when inside it, else absolute (as ruff shows paths)."""
        key = (self.cwd, path)
        known = self._relpaths.get(key)
        if known is None:
            known = self._relpaths[key] = self._relpath(path)
        return known

    def _relpath(self, path: str) -> str:
        absolute = os.path.abspath(path)
        try:
            rel = os.path.relpath(absolute, self.cwd)
        except ValueError:
            return absolute
        return absolute if rel == ".." or rel.startswith(".." + os.sep) else rel

    def abspath(self, path: str) -> str:
        return os.path.abspath(path)


Formatter = Callable[[list[Diagnostic], FormatOptions], str]


# Each `--output-format`: the module of `asynclint.output` and the function that writes it.
# A module is imported only when its format is used (junit's XML library alone costs a warm
# run several milliseconds).
FORMATS: dict[str, tuple[str, str]] = {
    "full": ("text", "full"),
    "concise": ("text", "concise"),
    "json": ("json_formats", "json_array"),
    "json-lines": ("json_formats", "json_lines"),
    "github": ("ci", "github"),
    "gitlab": ("ci", "gitlab"),
    "sarif": ("sarif", "sarif"),
    "junit": ("junit", "junit"),
    "pylint": ("text", "pylint"),
    "grouped": ("text", "grouped"),
    "azure": ("ci", "azure"),
    "rdjson": ("ci", "rdjson"),
}
FORMAT_NAMES = tuple(FORMATS)


def formatter(name: str) -> Formatter:
    """The function writing format `name` (its module imported now)."""
    import importlib

    module, function = FORMATS[name]
    found: Formatter = getattr(importlib.import_module(f"asynclint.output.{module}"), function)
    return found


def formatters() -> dict[str, Formatter]:
    """Every format's function (imports every format module; `formatter` imports one)."""
    return {name: formatter(name) for name in FORMATS}


# Formats that carry fix edits, so the engine must compute fixes for them.
FORMATS_WITH_FIXES = frozenset({"json", "json-lines", "sarif", "rdjson"})
