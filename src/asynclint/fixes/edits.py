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


def renamed_method_call(source: SourceFile, start: Location, end: Location, old: str,
                        new: str) -> Edit | None:
    """`receiver.old()` (no arguments, on one line) as `receiver.new()`: the call's own text with
    the attribute renamed, over the call's range — the edit a codemod makes by replacing the
    libcst `Call` node, since libcst renders the rest of the node as it is written. None when
    the call is not that plain (a codemod builds it then): on several lines (whitespace inside
    would be rendered at the block's indent), or maybe inside parentheses of its own (libcst's
    node, and so its range, would take them in). Measured reason: a cold JSON run spent most of
    its fix time (≈ 0.9 s CPU on the benchmark corpus) parsing code with libcst for ASL302's
    one-word renames."""
    if start.row != end.row:
        return None
    text = source.text
    at = source.offset(start) - 1
    while at >= 0 and text[at] in " \t\f\r\n":
        at -= 1
    if at >= 0 and (text[at] == "(" or "#" in text[text.rfind("\n", 0, at) + 1 : at]):
        return None  # an opening parenthesis before it (a comment may hide one's end)
    line = source.line(start.row)
    head, sep, tail = line[start.col : end.col].rpartition(old)
    if not sep or not head.rstrip(" \t").endswith(".") or tail.replace(" ", "").replace(
            "\t", "") != "()":
        return None
    return Edit(f"{head}{new}{tail}", start, end)
