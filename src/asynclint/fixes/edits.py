"""Edit helpers the codemods share, one of each: a fresh name, lines moved right, whether a
line fits, whole lines inserted after a row, whether a range sits in its own parentheses.

Plain text and positions only (no libcst): what a fix writes around the code it rewrites.
"""

from __future__ import annotations

from collections.abc import Iterable

from asynclint.diagnostics import Edit, Location
from asynclint.source import SourceFile

# The longest line a rewrite writes on one line (black's and ruff's default).
MAX_LINE = 88


def fresh_name(base: str, taken: set[str], first: int = 2) -> str:
    """`base`, else `base<first>`, `base<first + 1>`, ...: the first name not in `taken`, which
    it joins (names chosen one after another do not clash with each other)."""
    name, n = base, first
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def indent_lines(lines: Iterable[str], prefix: str) -> list[str]:
    """`lines` moved right by `prefix`; blank lines stay as they are."""
    return [prefix + line if line.strip() else line for line in lines]


def fits_on_line(indent: str, text: str) -> bool:
    """`text` is one line, and at `indent` no longer than `MAX_LINE`."""
    return len(indent) + len(text) <= MAX_LINE and "\n" not in text


def insert_after_row(source: SourceFile, row: int, lines: list[str]) -> Edit:
    """An edit adding whole `lines` after line `row` (a last line without a newline gets one
    before them)."""
    newline = source.newline
    starts = source.line_starts
    if row < len(starts):
        at = Location(row + 1, 0)
        return Edit("".join(line + newline for line in lines), at, at)
    end = Location(row, len(source.line(row)))
    return Edit("".join(newline + line for line in lines), end, end)


def in_own_parentheses(source: SourceFile, start: Location, end: Location) -> bool:
    """The code between start and end already sits in its own parentheses: `(f(x)).attr`."""
    text = source.text
    before = text[: source.offset(start)].rstrip()
    after = text[source.offset(end):].lstrip()
    return before.endswith("(") and after[:1] == ")"
