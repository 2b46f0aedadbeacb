"""Suppression comments: `# noqa`, `# noqa: ASL101`, prefixes, and file-level `# asynclint: noqa`.

Comments are found with the tokenizer (never inside strings), and only for files that have
findings. As flake8 does, a `# noqa` anywhere on a multi-line statement covers all its lines.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

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


def _codes(text: str | None) -> frozenset[str]:
    if text is None:
        return ALL
    return frozenset(c.upper() for c in _CODE.findall(text))


def _covers(codes: frozenset[str], code: str) -> bool:
    return codes is ALL or "*" in codes or any(code.startswith(c) for c in codes)


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

    def suppresses(self, diagnostic: Diagnostic) -> bool:
        codes = self.by_row.get(diagnostic.start.row)
        return codes is not None and _covers(codes, diagnostic.code)


def _merge(found: list[frozenset[str]]) -> frozenset[str]:
    merged: frozenset[str] = frozenset()
    for codes in found:
        if codes is ALL:
            return ALL
        merged |= codes
    return merged


def line_suppressions(text: str) -> LineSuppressions:
    """Map each row to the codes a `# noqa` comment suppresses there (logical-line aware)."""
    by_row: dict[int, frozenset[str]] = {}
    start: int | None = None  # first row of the logical line being read
    found: list[frozenset[str]] = []
    skip = (tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind == tokenize.COMMENT:
                m = _NOQA.search(tok.string)
                if m:
                    found.append(_codes(m.group("codes")))
            elif kind == tokenize.NL:
                if start is None and found:  # a comment on a line of its own
                    by_row[tok.start[0]] = _merge(found)
                    found = []
            elif kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if start is not None and found:
                    merged = _merge(found)
                    for row in range(start, tok.start[0] + 1):
                        by_row[row] = merged
                found, start = [], None
            elif kind not in skip and start is None:
                start = tok.start[0]
    except (tokenize.TokenError, SyntaxError):
        pass
    return LineSuppressions(by_row)


def filter_diagnostics(text: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    if not diagnostics:
        return diagnostics
    whole = file_level(text)
    if whole is not None:
        diagnostics = [d for d in diagnostics if not _covers(whole, d.code)]
    if not diagnostics or "noqa" not in text.lower():
        return diagnostics
    lines = line_suppressions(text)
    return [d for d in diagnostics if not lines.suppresses(d)]
