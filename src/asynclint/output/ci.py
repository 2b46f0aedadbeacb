"""CI annotation formats: GitHub workflow commands, GitLab code quality reports, Azure
Pipelines logging commands and reviewdog's rdjson, each as ruff 0.17.6 writes it."""

from __future__ import annotations

import json
from typing import Any

from asynclint.diagnostics import Diagnostic, Location
from asynclint.digests import hex_digest
from asynclint.output import FormatOptions


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    lines = []
    for d in diagnostics:
        rel = options.relpath(d.path)
        props = (
            f"title={_escape_property(f'asynclint ({d.code})')},"
            f"file={_escape_property(options.abspath(d.path))},"
            f"line={d.start.row},col={d.start.col + 1},"
            f"endLine={d.end.row},endColumn={d.end.col + 1}"
        )
        message = _escape_data(f"{rel}:{d.start.row}:{d.start.col + 1}: {d.code} {d.message}")
        lines.append(f"::error {props}::{message}\n")
    return "".join(lines)


def gitlab(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    seen: dict[str, int] = {}
    out = []
    for d in diagnostics:
        rel = options.relpath(d.path)
        # Stable across unrelated edits: path, code, message, and which occurrence it is.
        base = f"{rel}\0{d.code}\0{d.message}"
        seen[base] = seen.get(base, 0) + 1
        fingerprint = hex_digest(f"{base}\0{seen[base]}".encode(), 8)
        out.append({
            "check_name": d.code,
            "description": f"{d.code}: {d.message}",
            "fingerprint": fingerprint,
            "location": {
                "path": rel,
                "positions": {
                    "begin": {"column": d.start.col + 1, "line": d.start.row},
                    "end": {"column": d.end.col + 1, "line": d.end.row},
                },
            },
            "severity": "major",
        })
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def azure(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    """Azure Pipelines `##vso[task.logissue ...]` commands, one per finding."""
    return "".join(
        f"##vso[task.logissue type=error;sourcepath={options.abspath(d.path)};"
        f"linenumber={d.start.row};columnnumber={d.start.col + 1};code={d.code};]{d.message}\n"
        for d in diagnostics
    )


def _rd_range(start: Location, end: Location) -> dict[str, Any]:
    return {"end": {"column": end.col + 1, "line": end.row},
            "start": {"column": start.col + 1, "line": start.row}}


def rdjson(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    """reviewdog's Diagnostic Format: one object, the findings and their fixes as
    suggestions (keys sorted, as ruff writes them)."""
    from asynclint.output.sarif import INFORMATION_URI

    found = []
    for d in diagnostics:
        item: dict[str, Any] = {
            "code": {"url": d.url, "value": d.code} if d.url else {"value": d.code},
            "location": {"path": options.abspath(d.path), "range": _rd_range(d.start, d.end)},
            "message": d.message,
        }
        if d.fix is not None:
            item["suggestions"] = [{"range": _rd_range(e.start, e.end), "text": e.content}
                                   for e in d.fix.edits]
        found.append(item)
    report = {"diagnostics": found, "severity": "WARNING",
              "source": {"name": "asynclint", "url": INFORMATION_URI}}
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
