"""Suppression comments: `# noqa`, `# noqa: ASL101`, prefixes, and file-level `# asynclint: noqa`.

Comments are found with the tokenizer (never inside strings), and only for files that have
findings. Rows are grouped as flake8 groups them (see `line_suppressions`). With peer codes on
(setting `noqa-peer-codes`), a code of ruff / flake8-async that flags the same thing
(`codes.PEERS`: `# noqa: RUF006` for ASL500) suppresses the asynclint rule too; peer codes
match exactly, never as a prefix (`# noqa: ASYNC2` names no peer).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from asynclint.codes import PEERS
from asynclint.diagnostics import Diagnostic

_NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
_FILE_NOQA = re.compile(
    r"^[ \t]*#[ \t]*(?:asynclint|flake8)[ \t]*:[ \t]*noqa"
    r"(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE | re.MULTILINE,
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)

ALL = frozenset({"*"})
NO_PEERS: Mapping[str, tuple[str, ...]] = {}


def _codes(text: str | None) -> frozenset[str]:
    if text is None:
        return ALL
    return frozenset(c.upper() for c in _CODE.findall(text))


def peers_for(on: bool) -> Mapping[str, tuple[str, ...]]:
    """The peer codes a `# noqa` may name for each rule: `codes.PEERS` when the setting
    `noqa-peer-codes` is on, none when off."""
    return PEERS if on else NO_PEERS


def covers(codes: frozenset[str], code: str,
           peers: Mapping[str, tuple[str, ...]] = NO_PEERS) -> bool:
    """Whether a `# noqa` listing `codes` suppresses a finding of rule `code`: a blanket one,
    a code or prefix of it, or (exactly) one of its peer codes."""
    return (codes is ALL or "*" in codes or any(code.startswith(c) for c in codes)
            or any(p in codes for p in peers.get(code, ())))


def file_level(text: str) -> frozenset[str] | None:
    """Codes suppressed for the whole file (ALL for a blanket one), or None.

    `# flake8: noqa` is honoured as flake8 honours it: the whole file, whatever follows.
    """
    if "noqa" not in text.lower():
        return None
    found: set[str] = set()
    for m in _FILE_NOQA.finditer(text):
        if m.group(0).lstrip().lstrip("#").strip().lower().startswith("flake8"):
            return ALL
        codes = _codes(m.group("codes"))
        if codes is ALL:
            return ALL
        found |= codes
    return frozenset(found) if found else None


@dataclass
class LineSuppressions:
    by_row: dict[int, frozenset[str]]

    def suppresses(self, diagnostic: Diagnostic,
                   peers: Mapping[str, tuple[str, ...]] = NO_PEERS) -> bool:
        codes = self.by_row.get(diagnostic.start.row)
        return codes is not None and covers(codes, diagnostic.code, peers)


def _merge(found: list[frozenset[str]]) -> frozenset[str]:
    merged: frozenset[str] = frozenset()
    for codes in found:
        if codes is ALL:
            return ALL
        merged |= codes
    return merged


@dataclass
class RowGroup:
    """Rows the tokenizer puts between two line breaks, and the comments on them."""

    first: int
    last: int
    comments: list[tuple[int, int, str]]  # (row, column, text)


def row_groups(text: str) -> Iterator[RowGroup]:
    """Rows grouped as flake8 groups them for `# noqa`, so both doors agree: the rows between
    two line breaks of the tokenizer (NL or NEWLINE). A multi-line string or a backslash-continued
    line is one group; each line inside brackets is its own."""
    first: int | None = None
    last = 0
    comments: list[tuple[int, int, str]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = tok.start[0] if first is None else min(first, tok.start[0])
            last = max(last, tok.end[0])
            if kind == tokenize.COMMENT:
                comments.append((tok.start[0], tok.start[1], tok.string))
            elif kind in (tokenize.NL, tokenize.NEWLINE):
                yield RowGroup(first, last, comments)
                first, last, comments = None, 0, []
    except (tokenize.TokenError, SyntaxError):
        return


def line_suppressions(text: str) -> LineSuppressions:
    """Map each row to the codes a `# noqa` comment in its row group suppresses."""
    by_row: dict[int, frozenset[str]] = {}
    for group in row_groups(text):
        found = [_codes(m.group("codes")) for _, _, comment in group.comments
                 if (m := _NOQA.search(comment))]
        if found:
            merged = _merge(found)
            for row in range(group.first, group.last + 1):
                by_row[row] = merged
    return LineSuppressions(by_row)


def filter_file_level(text: str, diagnostics: list[Diagnostic],
                      peers: Mapping[str, tuple[str, ...]] = NO_PEERS) -> list[Diagnostic]:
    """`diagnostics` without those a file-level `# asynclint: noqa` suppresses."""
    whole = file_level(text) if diagnostics else None
    if whole is None:
        return diagnostics
    return [d for d in diagnostics if not covers(whole, d.code, peers)]


def filter_diagnostics(text: str, diagnostics: list[Diagnostic],
                       peer_codes: bool = True) -> list[Diagnostic]:
    """`diagnostics` without those a `# noqa` comment suppresses (file-level, then per line);
    `peer_codes`: whether peer codes (`codes.PEERS`) count, the setting `noqa-peer-codes`."""
    peers = peers_for(peer_codes)
    diagnostics = filter_file_level(text, diagnostics, peers)
    if not diagnostics or "noqa" not in text.lower():
        return diagnostics
    lines = line_suppressions(text)
    return [d for d in diagnostics if not lines.suppresses(d, peers)]


# -- adding comments (`--add-noqa`) ---------------------------------------------------------------
# A noqa comment with codes; `--add-noqa` rewrites just this part, keeping any reason after it.
_NOQA_WITH_CODES = re.compile(
    r"#\s*noqa:\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", re.IGNORECASE
)


@dataclass(frozen=True)
class NoqaEdit:
    """Replace `start:end` (offsets into the text) with `content`."""

    start: int
    end: int
    content: str


def noqa_edits(text: str, line_starts: list[int], findings: Mapping[int, set[str]],
               reason: str = "") -> list[NoqaEdit]:
    """The edits that make a `# noqa` comment suppress each finding (`findings`: codes by the
    row a finding starts on), one per row group: the codes are merged into the group's
    `# noqa: ...` comment if it has one (kept sorted, any reason after them kept), else a
    `  # noqa: CODES[ reason]` comment goes at the end of the group's last row. Row groups are
    those suppression reads (`row_groups`): the row itself inside brackets, so the first line
    of a multi-line call; the closing line of a multi-line string."""
    if not findings:
        return []
    groups = [g for g in row_groups(text) if any(g.first <= r <= g.last for r in findings)]
    codes_of: dict[tuple[int, int], set[str]] = {}
    where: dict[tuple[int, int], RowGroup] = {}
    for row, codes in findings.items():
        group = next((g for g in groups if g.first <= row <= g.last), RowGroup(row, row, []))
        key = (group.first, group.last)
        where[key] = group
        codes_of.setdefault(key, set()).update(codes)
    edits: list[NoqaEdit] = []
    for key, codes in sorted(codes_of.items()):
        group = where[key]
        existing = next(((row, col, m) for row, col, comment in group.comments
                         if (m := _NOQA_WITH_CODES.search(comment))), None)
        if existing is not None:
            row, col, m = existing
            merged = _codes(m.group("codes")) | codes
            start = line_starts[row - 1] + col
            edits.append(NoqaEdit(start + m.start(), start + m.end(),
                                  "# noqa: " + ", ".join(sorted(merged))))
            continue
        row = group.last
        line_start = line_starts[row - 1]
        line_end = line_starts[row] if row < len(line_starts) else len(text)
        line = text[line_start:line_end].rstrip("\r\n")
        kept = len(line.rstrip())
        comment = "# noqa: " + ", ".join(sorted(codes)) + (f" {reason}" if reason else "")
        edits.append(NoqaEdit(line_start + kept, line_start + len(line),
                              f"  {comment}" if kept else comment))
    return edits


def with_edits(text: str, edits: list[NoqaEdit]) -> str:
    """`text` with non-overlapping `edits` applied."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text
