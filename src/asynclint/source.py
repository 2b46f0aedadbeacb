"""A checked file's text: decoding as Python does, line tables, and column conversions.

The source is decoded once (PEP 263 cookie, UTF-8 BOM) and kept with what is needed to write
it back byte-for-byte in the same shape: encoding, BOM, line endings.
"""

from __future__ import annotations

import bisect
import io
import re
import tokenize
from dataclasses import dataclass, field

from asynclint.diagnostics import Edit, Location

_NEWLINE = re.compile(r"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Lines as Python's tokenizer sees them: only \\n, \\r\\n and \\r end a line.

    `str.splitlines` also splits at form feeds, \\x1c-\\x1e, \\x85 and \\u2028, which
    would put every row after such a character off by one.
    """
    if not keepends and "\r" not in text:  # the common case, at `str.split`'s speed
        lines = text.split("\n")
        if not lines[-1]:
            lines.pop()
        return lines
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


class DecodeError(Exception):
    """The bytes are not text in the encoding the file declares; `offset` is the byte offset of
    the first bad byte when known (for the diagnostic's line and column)."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset

    def location(self, data: bytes) -> Location:
        """Row and code-point column of the bad byte (1:0 when unknown)."""
        if self.offset is None:
            return Location(1, 0)
        line_start = data.rfind(b"\n", 0, self.offset) + 1
        col = len(data[line_start : self.offset].decode("utf-8", errors="replace"))
        return Location(data.count(b"\n", 0, self.offset) + 1, col)


@dataclass
class SourceFile:
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    _line_starts: list[int] | None = field(default=None, repr=False)

    @classmethod
    def from_bytes(cls, data: bytes) -> SourceFile:
        bom = data.startswith(_BOM)
        body = data[len(_BOM) :] if bom else data
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as exc:
            # tokenize blames a "missing encoding declaration" for non-UTF-8 bytes in the
            # first two lines; say what is really wrong when that is the case.
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as bad:
                raise DecodeError(f"cannot decode as utf-8: {bad.reason} "
                                  f"(byte 0x{body[bad.start]:02x})",
                                  bad.start + len(data) - len(body)) from exc
            raise DecodeError(str(exc)) from exc
        if encoding == "utf-8-sig":
            encoding = "utf-8"
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"cannot decode as {encoding}: {exc.reason} "
                              f"(byte 0x{body[exc.start]:02x})",
                              exc.start + len(data) - len(body)) from exc
        except LookupError as exc:
            raise DecodeError(f"cannot decode as {encoding}: {exc}") from exc
        return cls(text=text, encoding=encoding, bom=bom)

    def to_bytes(self, text: str | None = None) -> bytes:
        data = (self.text if text is None else text).encode(self.encoding)
        return _BOM + data if self.bom else data

    @property
    def line_starts(self) -> list[int]:
        """Offsets (in code points) where each line begins; only \\n, \\r\\n and \\r end a line."""
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
            self._line_starts = starts
        return self._line_starts

    @property
    def newline(self) -> str:
        """The file's line ending, for text a fix inserts."""
        m = _NEWLINE.search(self.text)
        return m.group() if m else "\n"

    def line(self, row: int) -> str:
        """Line `row` (1-based) without its line ending."""
        starts = self.line_starts
        if row < 1 or row > len(starts):
            return ""
        end = starts[row] if row < len(starts) else len(self.text)
        return self.text[starts[row - 1] : end].rstrip("\r\n")

    def offset(self, loc: Location) -> int:
        starts = self.line_starts
        if loc.row > len(starts):
            return len(self.text)
        return min(starts[loc.row - 1] + loc.col, len(self.text))

    def location(self, offset: int) -> Location:
        row = bisect.bisect_right(self.line_starts, offset)
        return Location(row, offset - self.line_starts[row - 1])

    # Column conversions. The engine's unit is code points; `ast` gives UTF-8 bytes.
    def col_from_utf8(self, row: int, byte_col: int) -> int:
        line = self.line(row)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def col_to_utf8(self, row: int, col: int) -> int:
        line = self.line(row)
        if line.isascii():
            return col
        return len(line[:col].encode("utf-8"))

    def col_to_utf16(self, row: int, col: int) -> int:
        line = self.line(row)
        if line.isascii():
            return col
        return len(line[:col].encode("utf-16-le")) // 2

    def col_from_utf16(self, row: int, col16: int) -> int:
        line = self.line(row)
        if line.isascii():
            return col16
        units = 0
        for i, ch in enumerate(line):
            if units >= col16:
                return i
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(line)

    def apply_edits(self, edits: list[Edit]) -> str:
        """Apply non-overlapping edits; later edits first so offsets stay valid."""
        text = self.text
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            start, end = self.offset(edit.start), self.offset(edit.end)
            text = text[:start] + edit.content + text[end:]
        return text


def display_text(data: bytes) -> str:
    """Text as the engine decoded it (PEP 263 cookie, BOM), for code frames; bytes that do not
    decode are replaced rather than hidden."""
    try:
        return SourceFile.from_bytes(data).text
    except DecodeError:
        return data.decode("utf-8", errors="replace")


def read_display_text(path: str) -> str | None:
    """`display_text` of a file; None when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return display_text(fh.read())
    except OSError:
        return None
