"""Edits the server offers that no rule computes: `# noqa` insertion and the fix-all diff."""

from __future__ import annotations

import io
import re
import tokenize

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.source import SourceFile

# A noqa comment with codes; a new code is appended at the end of the `codes` group.
NOQA_CODES = re.compile(
    r"#\s*noqa:\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", re.IGNORECASE
)


def _logical_line(text: str, row: int) -> tuple[int, int, dict[int, tuple[int, str]]]:
    """First and last physical row of the logical line holding `row`, and its comments
    (row -> (column, text)). A buffer the tokenizer rejects gives the row alone."""
    start: int | None = None
    comments: dict[int, tuple[int, str]] = {}
    skip = (tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind == tokenize.COMMENT:
                comments[tok.start[0]] = (tok.start[1], tok.string)
            elif kind == tokenize.NL:
                if start is None:  # a comment on a line of its own belongs to no statement
                    comments = {}
            elif kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
                end = tok.start[0]
                if start is not None and start <= row <= end:
                    return start, end, {r: c for r, c in comments.items() if start <= r <= end}
                start, comments = None, {}
            elif kind not in skip and start is None:
                start = tok.start[0]
            if start is not None and start > row:
                break
    except (tokenize.TokenError, SyntaxError):
        pass
    return row, row, {}


def noqa_edit(source: SourceFile, diagnostic: Diagnostic) -> Edit:
    """Suppress `diagnostic` on its line: extend a `# noqa: ...` comment of the logical line,
    or add one at the end of its last physical line (never inside a multi-line string)."""
    code = diagnostic.code
    first, last, comments = _logical_line(source.text, diagnostic.noqa_row)
    for row in range(first, last + 1):
        found = comments.get(row)
        if found is None:
            continue
        col, comment = found
        m = NOQA_CODES.search(comment)
        if m is not None:
            at = Location(row, col + m.end("codes"))
            return Edit(f", {code}", at, at)
    line = source.line(last)
    kept = len(line.rstrip())
    return Edit(f"  # noqa: {code}", Location(last, kept), Location(last, len(line)))


def replacement_edit(source: SourceFile, new_text: str) -> Edit | None:
    """One edit turning the source into `new_text`, spanning only the lines that differ
    (so the editor keeps folds and cursor elsewhere). None when nothing changes."""
    old_text = source.text
    if old_text == new_text:
        return None
    old, new = old_text.splitlines(keepends=True), new_text.splitlines(keepends=True)
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    start = sum(len(line) for line in old[:head])
    end = len(old_text) - sum(len(line) for line in old[len(old) - tail :])
    content = "".join(new[head : len(new) - tail])
    return Edit(content, source.location(start), source.location(end))
