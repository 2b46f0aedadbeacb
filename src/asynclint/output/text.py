"""Human-readable formats: full (code frame, like ruff's default), concise, pylint."""

from __future__ import annotations

from asynclint.diagnostics import Applicability, Diagnostic
from asynclint.output import FormatOptions
from asynclint.source import split_lines


def _marker(d: Diagnostic) -> str:
    return "[*] " if d.applicability is Applicability.SAFE else ""


def summary(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    """ruff's closing lines: counts, and how many fixes `--fix` / `--unsafe-fixes` would apply."""
    fixed = options.fixed_count
    remaining = len(diagnostics)
    if not remaining:
        if fixed:
            return f"Found {fixed} error{'s' * (fixed != 1)} ({fixed} fixed, 0 remaining).\n"
        return "All checks passed!\n"
    total = remaining + fixed
    plural = "s" * (total != 1)
    if fixed:
        lines = [f"Found {total} error{plural} ({fixed} fixed, {remaining} remaining)."]
    else:
        lines = [f"Found {total} error{plural}."]
    safe = sum(d.applicability is Applicability.SAFE for d in diagnostics)
    unsafe = sum(d.applicability is Applicability.UNSAFE for d in diagnostics)
    if options.unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
        option = "`--fix --unsafe-fixes`"
    else:
        option = "the `--fix` option"
    hidden = (
        f"{unsafe} hidden fix{'es' * (unsafe != 1)} can be enabled with the `--unsafe-fixes` option"
        if unsafe else ""
    )
    if safe:
        line = f"[*] {safe} fixable with {option}"
        lines.append(f"{line} ({hidden})." if hidden else f"{line}.")
    elif hidden:
        lines.append(f"No fixes available ({hidden}).")
    return "\n".join(lines) + "\n"


def _frame(d: Diagnostic, lines: list[str] | None) -> list[str]:
    if not lines or d.start.row > len(lines):
        return []
    first = max(1, d.start.row - 1)
    last = min(len(lines), max(d.end.row, d.start.row) + 1)
    width = len(str(last))
    pad = " " * width
    out = [f"{pad} |"]
    for row in range(first, last + 1):
        line = lines[row - 1].expandtabs(1)
        out.append(f"{row:>{width}} | {line}".rstrip())
        if d.start.row <= row <= d.end.row:
            start = d.start.col if row == d.start.row else len(line) - len(line.lstrip())
            end = d.end.col if row == d.end.row else len(line)
            carets = "^" * max(1, end - start)
            out.append(f"{pad} | {' ' * start}{carets}".rstrip())
    out.append(f"{pad} |")
    return out


def full(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    blocks = []
    # Each file is read and split once, however many findings it has.
    lines_of: dict[str, list[str] | None] = {}
    for d in diagnostics:
        where = f"{options.relpath(d.path)}:{d.start.row}:{d.start.col + 1}"
        block = [f"{d.code} {_marker(d)}{d.message}", f" --> {where}"]
        lines = lines_of.get(d.path)
        if d.path not in lines_of:
            text = options.read_source(d.path)
            lines = lines_of[d.path] = split_lines(text) if text is not None else None
        block += _frame(d, lines)
        if d.fix_title:
            block.append(f"help: {d.fix_title}")
            if d.applicability is Applicability.UNSAFE:
                block.append("note: This is an unsafe fix and may change runtime behavior")
            elif d.applicability is Applicability.DISPLAY_ONLY:
                block.append("note: This fix requires manual review and is never applied")
        blocks.append("\n".join(block) + "\n")
    out = "\n".join(blocks)
    if options.show_summary:
        out += ("\n" if blocks else "") + summary(diagnostics, options)
    return out


def concise(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    out = "".join(
        f"{options.relpath(d.path)}:{d.start.row}:{d.start.col + 1}: {d.code} {_marker(d)}"
        f"{d.message}\n"
        for d in diagnostics
    )
    if options.show_summary:
        out += summary(diagnostics, options)
    return out


def pylint(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    return "".join(
        f"{options.relpath(d.path)}:{d.start.row}: [{d.code}] {d.message}\n" for d in diagnostics
    )
