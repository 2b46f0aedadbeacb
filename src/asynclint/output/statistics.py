"""`--statistics`: how many findings each rule has, and whether `--fix` can fix them."""

from __future__ import annotations

import json
from collections import Counter

from asynclint.diagnostics import Applicability, Diagnostic
from asynclint.output import FormatOptions


def _fixable(d: Diagnostic, unsafe_fixes: bool) -> bool:
    return d.applicability is Applicability.SAFE or (
        unsafe_fixes and d.applicability is Applicability.UNSAFE)


def statistics(diagnostics: list[Diagnostic], fmt: str, options: FormatOptions) -> str:
    """One row per rule, most frequent first (ties by code): ruff's text table (counts
    right-aligned, codes padded, the `[*]` column only when some rule is fixable, then the
    summary), or JSON when `fmt` is "json" (ruff's keys). Nothing at all when nothing was found."""
    from asynclint.output.text import summary

    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = Counter(d.code for d in diagnostics if _fixable(d, options.unsafe_fixes))
    order = sorted(counts, key=lambda c: (-counts[c], c))
    if fmt == "json":
        rows = [{"code": c, "name": names[c], "count": counts[c], "fixable": fixable[c] > 0,
                 "fixable_count": fixable[c]} for c in order]
        return json.dumps(rows, indent=2) + "\n"
    if not diagnostics:
        return ""
    count_width = max(len(str(n)) for n in counts.values())
    code_width = max(len(c) for c in counts)
    any_fixable = bool(fixable)
    rows_text = "".join(
        f"{counts[c]:>{count_width}}\t{c:<{code_width}}\t"
        f"{('[*] ' if fixable[c] else '[ ] ') if any_fixable else ''}{names[c]}\n"
        for c in order
    )
    return rows_text + (summary(diagnostics, options) if options.show_summary else "")
