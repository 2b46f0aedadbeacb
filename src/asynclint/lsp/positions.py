"""Engine positions (1-based rows, code-point columns) to LSP positions and back.

The LSP counts columns in the encoding negotiated at `initialize` (UTF-16 unless the client
offers another). The engine never sees those units: this module is the only place converting.
"""

from __future__ import annotations

from collections.abc import Callable

from asynclint.diagnostics import Location
from asynclint.source import SourceFile

Converter = Callable[[SourceFile, int, int], int]


def _same(source: SourceFile, row: int, col: int) -> int:
    return col


# Encoding name (as LSP spells it) -> (code points to units, units to code points).
ENCODINGS: dict[str, tuple[Converter, Converter]] = {
    "utf-16": (SourceFile.col_to_utf16, SourceFile.col_from_utf16),
    "utf-8": (SourceFile.col_to_utf8, SourceFile.col_from_utf8),
    "utf-32": (_same, _same),
}


class PositionCodec:
    """Converts between engine locations and (line, character) in one LSP encoding."""

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding if encoding in ENCODINGS else "utf-16"
        self._to, self._from = ENCODINGS[self.encoding]

    def to_lsp(self, source: SourceFile, loc: Location) -> tuple[int, int]:
        return loc.row - 1, self._to(source, loc.row, loc.col)

    def from_lsp(self, source: SourceFile, line: int, character: int) -> Location:
        row = line + 1
        return Location(row, self._from(source, row, character))
