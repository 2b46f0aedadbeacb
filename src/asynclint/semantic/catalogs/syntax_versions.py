"""Syntax a newer Python accepts that an older one rejects, recognised on the line a
`SyntaxError` points at: the E999 finding then names the construct and the Python it needs
(asynclint parses with the grammar of the interpreter running it). A line that matches nothing
here gets no such hint: the error is then most likely a real one.

Each entry: the first Python that accepts it, what it is, and a pattern for the source line (or
the parser's message, when the older parser words a lifted restriction)."""

from __future__ import annotations

import re
from typing import NamedTuple


class NewerSyntax(NamedTuple):
    version: tuple[int, int]
    what: str
    line: re.Pattern[str] | None  # matched against the line the error points at, or (None)
    message: re.Pattern[str] | None = None  # against the parser's message


_NAME = r"[A-Za-z_]\w*"

NEWER_SYNTAX: tuple[NewerSyntax, ...] = (
    NewerSyntax((3, 12), "a `type` alias statement (PEP 695)",
                re.compile(rf"^\s*type\s+{_NAME}\s*[\[=]")),
    NewerSyntax((3, 12), "type parameters (PEP 695)",
                re.compile(rf"^\s*(?:async\s+)?(?:def|class)\s+{_NAME}\s*\[")),
    NewerSyntax((3, 12), "an f-string expression with a backslash or a comment (PEP 701)", None,
                re.compile(r"^f-string expression part cannot include (?:a backslash|'#')$")),
    NewerSyntax((3, 14), "`except` with several exception types and no parentheses (PEP 758)",
                re.compile(r"^\s*except\*?\s+(?![^:]*\bas\b)[^(\s:][^:]*,[^:]*:")),
    NewerSyntax((3, 14), "a template string (PEP 750)",
                re.compile(r"""(?<![\w.'"])(?:[tT][rR]?|[rR][tT])(?:'|")""")),
)


def newer_syntax(line: str, message: str, running: tuple[int, int]) -> NewerSyntax | None:
    """The newer construct the line (or the parser's message) shows, if a Python newer than
    `running` accepts it; None otherwise."""
    for entry in NEWER_SYNTAX:
        if entry.version <= running:
            continue
        if entry.line is not None and entry.line.search(line):
            return entry
        if entry.line is None and entry.message is not None and entry.message.search(message):
            return entry
    return None
