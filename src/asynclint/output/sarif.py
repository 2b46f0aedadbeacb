"""SARIF 2.1.0, as GitHub code scanning reads it; the rule table comes from rule metadata
(`FormatOptions.rule_doc`, handed in by the door)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asynclint import __version__
from asynclint.diagnostics import DOCS_URL, Applicability, Diagnostic, Edit
from asynclint.output import FormatOptions

INFORMATION_URI = "https://asynclint.readthedocs.io/"


def _region(start_row: int, start_col: int, end_row: int, end_col: int) -> dict[str, int]:
    return {"startLine": start_row, "startColumn": start_col + 1,
            "endLine": end_row, "endColumn": end_col + 1}


def _replacement(e: Edit) -> dict[str, Any]:
    out: dict[str, Any] = {"deletedRegion": _region(e.start.row, e.start.col, e.end.row, e.end.col)}
    if e.content:
        out["insertedContent"] = {"text": e.content}
    return out


def _rule_entry(code: str, options: FormatOptions) -> dict[str, Any]:
    from asynclint.output.ruledoc import family, markdown

    rule = options.rule_doc(code)
    if rule is None:
        return {"id": code, "shortDescription": {"text": code},
                "defaultConfiguration": {"level": "error"}}
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": markdown(rule)},
        "help": {"text": rule.summary, "markdown": markdown(rule)},
        "helpUri": DOCS_URL.format(code=code),
        "defaultConfiguration": {"enabled": rule.default_enabled, "level": "error"},
        "properties": {"id": code, "kind": family(rule), "name": rule.name,
                       "problem.severity": "error", "tags": ["async"]},
    }


def sarif(diagnostics: list[Diagnostic], options: FormatOptions) -> str:
    codes = sorted({d.code for d in diagnostics})
    results = []
    for d in diagnostics:
        uri = Path(options.abspath(d.path)).as_uri()
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": "error",
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": _region(d.start.row, d.start.col, d.end.row, d.end.col),
            }}],
        }
        # A display-only fix is advice: SARIF consumers (GitHub's suggestions) apply what
        # `fixes` holds, so it is left out.
        if d.fix is not None and d.fix.applicability is not Applicability.DISPLAY_ONLY:
            result["fixes"] = [{
                "description": {"text": d.fix.message},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri},
                    "replacements": [_replacement(e) for e in d.fix.edits],
                }],
            }]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "asynclint",
                "informationUri": INFORMATION_URI,
                "version": __version__,
                "rules": [_rule_entry(c, options) for c in codes],
            }},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
