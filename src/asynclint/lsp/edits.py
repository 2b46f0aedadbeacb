"""Edits the server offers that no rule computes: `# noqa` insertion and the fix-all diff."""

from __future__ import annotations

import re

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.source import SourceFile

# A noqa comment with codes; a new code is appended at the end of the `codes` group.
NOQA_CODES = re.compile(
    r"#\s*noqa:\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", re.IGNORECASE
)


def noqa_edit(source: SourceFile, diagnostic: Diagnostic) -> Edit:
    """Suppress `diagnostic` on its line: extend a `# noqa: ...` comment of its row group, or
    add one at the end of the group's last row (after a multi-line string, never inside it).
    Row groups are those `# noqa` is read by (see `api.noqa_row_group`)."""
    from asynclint.api import noqa_row_group  # lazily: importing edits loads no engine

    code = diagnostic.code
    row = diagnostic.noqa_row
    group = noqa_row_group(source.text, row)
    last = group.last if group is not None else row
    for comment_row, col, comment in group.comments if group is not None else ():
        m = NOQA_CODES.search(comment)
        if m is not None:
            at = Location(comment_row, col + m.end("codes"))
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
