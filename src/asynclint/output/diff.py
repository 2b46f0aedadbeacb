"""`--diff`: the change fixes would make to one file, as a unified diff."""

from __future__ import annotations

import difflib

from asynclint.source import split_lines


def unified_diff(label: str, old: str, new: str) -> str:
    """The diff from `old` to `new`, both sides named `label`; a last line without a newline
    is marked as `diff` marks it."""
    lines = difflib.unified_diff(
        split_lines(old, keepends=True),
        split_lines(new, keepends=True),
        fromfile=label, tofile=label,
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                   for line in lines)
