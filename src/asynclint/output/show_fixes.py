"""`--show-fixes`: what `--fix` fixed, per file and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from asynclint.diagnostics import Diagnostic
from asynclint.output import FormatOptions


def show_fixes(fixed_by_file: Iterable[tuple[str, Sequence[Diagnostic]]],
               options: FormatOptions) -> str:
    """ruff's block, framed by blank lines: the fixes applied, counted per file (path, fixed
    findings) and code. Empty when nothing was fixed (ruff then prints nothing either)."""
    fixed = [(path, found) for path, found in fixed_by_file if found]
    if not fixed:
        return ""
    total = sum(len(found) for _, found in fixed)
    lines = ["", f"Fixed {total} error{'s' * (total != 1)}:"]
    for path, found in fixed:
        lines.append(f"- {options.relpath(path)}:")
        for code, n in sorted(Counter(d.code for d in found).items()):
            name = next(d.name for d in found if d.code == code)
            lines.append(f"    {n} × {code} ({name})")
    return "\n".join(lines) + "\n\n"
