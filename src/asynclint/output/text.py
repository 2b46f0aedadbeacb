"""Human-readable formats: full (code frame, like ruff's default), concise, pylint.

Shapes and wording follow ruff 0.17.6: two lines of context around the finding (blank edge
lines dropped), the ` -->` arrow one column left of the gutter bar, and the summary's
"N unsafe fixes available with `--fix --unsafe-fixes`" wording. Colours are ruff's ANSI styles
and appear only when `FormatOptions.color` says so (the door decides: terminal, NO_COLOR, ...).
"""

from __future__ import annotations

from typing import NamedTuple

from asynclint.diagnostics import Applicability, Diagnostic
from asynclint.output import FormatOptions
from asynclint.source import split_lines

CONTEXT = 2  # lines shown before and after a finding, as ruff shows them
TAB = "    "  # ruff shows a tab as four spaces (the reported column still counts it as one)

# ANSI styles ruff uses (bold bright red codes, bold bright blue gutter, bright cyan `*`).
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_CODE = "\x1b[1m\x1b[91m"
_CODE_CONCISE = "\x1b[1m\x1b[31m"
_GUTTER = "\x1b[1m\x1b[94m"
_STAR = "\x1b[1m\x1b[96m"
_HELP = "\x1b[1m\x1b[96m"
_CYAN = "\x1b[36m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color and text else text


def _fixable(d: Diagnostic, options: FormatOptions) -> bool:
    """Whether `--fix` (with `--unsafe-fixes` when given) would apply the finding's fix."""
    return d.applicability is Applicability.SAFE or (
        options.unsafe_fixes and d.applicability is Applicability.UNSAFE)


def _marker(d: Diagnostic, options: FormatOptions, star: str = _STAR) -> str:
    """` [*]` for a finding `--fix` would fix (after the code, as ruff puts it)."""
    if not _fixable(d, options):
        return ""
    return f" [{_paint('*', star, options.color)}]"


def _plural(n: int, word: str, suffix: str = "s") -> str:
    return f"{n} {word}{suffix * (n != 1)}"


def unsafe_note(hidden: int) -> str:
    """ruff's note on fixes that only `--unsafe-fixes` applies (empty when there are none)."""
    if not hidden:
        return ""
    return f"{_plural(hidden, 'unsafe fix', 'es')} available with `--fix --unsafe-fixes`"


def summary(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    """ruff's closing lines: counts, and how many fixes `--fix` / `--unsafe-fixes` would apply."""
    fixed = options.fixed_count
    remaining = len(diagnostics)
    if not remaining:
        if fixed:
            return f"Found {_plural(fixed, 'error')} ({fixed} fixed, 0 remaining).\n"
        return "All checks passed!\n"
    total = remaining + fixed
    if fixed:
        lines = [f"Found {_plural(total, 'error')} ({fixed} fixed, {remaining} remaining)."]
    else:
        lines = [f"Found {_plural(total, 'error')}."]
    fixable = sum(_fixable(d, options) for d in diagnostics)
    hidden = 0 if options.unsafe_fixes else sum(
        d.applicability is Applicability.UNSAFE for d in diagnostics)
    note = unsafe_note(hidden)
    if fixable:
        star = _paint("*", _CYAN, options.color)
        line = f"[{star}] {fixable} fixable with `--fix`"
        lines.append(f"{line} ({note})." if note else f"{line}.")
    elif note:
        lines.append(f"{note}.")
    return "\n".join(lines) + "\n"


def _shown(line: str) -> str:
    return line.replace("\t", TAB)


class _Window(NamedTuple):
    """The rows a code frame shows: `first`..`last`, the finding ending on `last_row`."""

    first: int
    last: int
    last_row: int


def _window(d: Diagnostic, lines: list[str] | None) -> _Window | None:
    """Up to CONTEXT lines either side of the finding, blank ones at the edges left out (as
    ruff leaves them out); None when the finding is past the text."""
    if not lines or d.start.row > len(lines):
        return None
    last_row = min(len(lines), max(d.end.row, d.start.row))
    first = max(1, d.start.row - CONTEXT)
    while first < d.start.row and not lines[first - 1].strip():
        first += 1
    last = min(len(lines), last_row + CONTEXT)
    while last > last_row and not lines[last - 1].strip():
        last -= 1
    return _Window(first, last, last_row)


def _frame(d: Diagnostic, lines: list[str], window: _Window, color: bool) -> list[str]:
    """The code frame: the window's lines, carets under the finding's range."""
    width = len(str(window.last))
    bar = _paint("|", _GUTTER, color)
    pad = " " * width
    out = [f"{pad} {bar}"]
    for row in range(window.first, window.last + 1):
        raw = lines[row - 1]
        number = _paint(f"{row:>{width}}", _GUTTER, color)
        out.append(f"{number} {bar} {_shown(raw)}".rstrip())
        if d.start.row <= row <= d.end.row:
            start = d.start.col if row == d.start.row else len(raw) - len(raw.lstrip())
            end = d.end.col if row == d.end.row else len(raw)
            lead = len(_shown(raw[:start]))
            length = max(1, len(_shown(raw[start:end])))
            carets = _paint("^" * length, _CODE, color)
            out.append(f"{pad} {bar} {' ' * lead}{carets}")
    if window.last > window.last_row:  # ruff closes the frame only after context lines
        out.append(f"{pad} {bar}")
    return out


def full(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    blocks = []
    color = options.color
    # Each file is read and split once, however many findings it has.
    lines_of: dict[str, list[str] | None] = {}
    for d in diagnostics:
        lines = lines_of.get(d.path)
        if d.path not in lines_of:
            text = options.read_source(d.path)
            lines = lines_of[d.path] = split_lines(text) if text is not None else None
        where = f"{options.relpath(d.path)}:{d.start.row}:{d.start.col + 1}"
        arrow = _paint("--> ", _GUTTER, color)
        window = _window(d, lines)
        # The arrow sits one column left of the gutter's bar (a two-digit gutter moves it).
        indent = " " * (len(str(window.last)) if window is not None else 1)
        block = [f"{_paint(d.code, _CODE, color)}{_marker(d, options)}"
                 f"{_paint(' ' + d.message, _BOLD, color)}", f"{indent}{arrow}{where}"]
        if lines is not None and window is not None:
            block += _frame(d, lines, window, color)
        if d.fix_title:
            block.append(f"{_paint('help', _HELP, color)}{_paint(': ' + d.fix_title, _BOLD, color)}")
            if d.applicability is Applicability.UNSAFE:
                block.append("note: This is an unsafe fix and may change runtime behavior")
            elif d.applicability is Applicability.DISPLAY_ONLY:
                block.append("note: This fix requires manual review and is never applied")
        blocks.append("\n".join(block) + "\n")
    out = "\n".join(blocks)
    if blocks:
        out += "\n"
    return out + closing(diagnostics, options)


def closing(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    """What follows the findings: the `--show-fixes` block (ruff prints it after them), then
    the summary."""
    out = options.fixes_shown
    if options.show_summary:
        out += summary(diagnostics, options)
    return out


def concise(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    color = options.color
    colon = _paint(":", _CYAN, color)
    out = "".join(
        f"{_paint(options.relpath(d.path), _BOLD, color)}{colon}{d.start.row}{colon}"
        f"{d.start.col + 1}{colon} {_paint(d.code, _CODE_CONCISE, color)}"
        f"{_marker(d, options, _CYAN)} {d.message}\n"
        for d in diagnostics
    )
    return out + closing(diagnostics, options)


def grouped(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    """ruff's `grouped`: a header per file, then `row:col CODE [*] message` lines with the
    positions right-aligned, a blank line after each file, then the summary."""
    color = options.color
    blocks: list[str] = []
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    for path, found in by_file.items():
        row_width = max(len(str(d.start.row)) for d in found)
        col_width = max(len(str(d.start.col + 1)) for d in found)
        lines = [f"{_paint(options.relpath(path), _BOLD, color)}:"]
        lines += [f"  {d.start.row:>{row_width}}:{d.start.col + 1:<{col_width}} "
                  f"{_paint(d.code, _CODE_CONCISE, color)}{_marker(d, options, _CYAN)} "
                  f"{d.message}" for d in found]
        blocks.append("\n".join(lines) + "\n\n")
    return "".join(blocks) + closing(diagnostics, options)


def pylint(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    return "".join(
        f"{options.relpath(d.path)}:{d.start.row}: [{d.code}] {d.message}\n" for d in diagnostics
    )
