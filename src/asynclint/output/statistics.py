"""`--statistics`: how many findings each rule has, and whether `--fix` can fix them."""

from __future__ import annotations

import json
from collections import Counter

from asynclint.diagnostics import Applicability, Diagnostic


def statistics(diagnostics: list[Diagnostic], fmt: str) -> str:
    """One row per rule, most frequent first: tab-separated text, or JSON when `fmt` is
    "json" (ruff's keys)."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = Counter(d.code for d in diagnostics if d.applicability is Applicability.SAFE)
    if fmt == "json":
        rows = [{"code": c, "name": names[c], "count": n, "fixable": fixable[c] > 0,
                 "fixable_count": fixable[c]} for c, n in counts.most_common()]
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(
        f"{n:>{width}}\t{c}\t{'[*]' if fixable[c] else '[ ]'} {names[c]}\n"
        for c, n in counts.most_common()
    )
