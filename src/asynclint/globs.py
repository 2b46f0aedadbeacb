"""Glob patterns as ruff and .gitignore use them: `*`, `?`, `[...]`, and `**` across folders."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                    out.append("(?:.*/)?")
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(pattern: str, relpath: str) -> bool:
    """Match a pattern as ruff does: against the whole '/'-separated path relative to the project
    root, or against the basename alone. A pattern never matches a mere ancestor folder: walks
    do not descend into excluded folders, and `--force-exclude` tests the ancestors itself."""
    pattern = pattern.removeprefix("./").rstrip("/")
    if not pattern:
        return False
    regex = compile_glob(pattern)
    return bool(regex.match(relpath)) or bool(regex.match(relpath.rsplit("/", 1)[-1]))
