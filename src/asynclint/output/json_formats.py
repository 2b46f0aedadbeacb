"""ruff's JSON schema, key for key (ruff 0.17.6): `json` (an array) and `json-lines`."""

from __future__ import annotations

import json
from typing import Any

from asynclint.diagnostics import Diagnostic, Location
from asynclint.output import FormatOptions


def _loc(loc: Location) -> dict[str, int]:
    return {"column": loc.col + 1, "row": loc.row}


def as_ruff_json(d: Diagnostic, options: FormatOptions) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "edits": [
                {"content": e.content, "end_location": _loc(e.end), "location": _loc(e.start)}
                for e in d.fix.edits
            ],
            "message": d.fix.message,
        }
    return {
        "cell": None,
        "code": d.code,
        "end_location": _loc(d.end),
        "filename": options.abspath(d.path),
        "fix": fix,
        "location": _loc(d.start),
        "message": d.message,
        "name": d.name,
        "noqa_row": d.noqa_row,
        "severity": "error",
        "url": d.url,
    }


def json_array(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    return json.dumps([as_ruff_json(d, options) for d in diagnostics], indent=2,
                      ensure_ascii=False) + "\n"


def json_lines(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    return "".join(
        json.dumps(as_ruff_json(d, options), ensure_ascii=False) + "\n" for d in diagnostics
    )
