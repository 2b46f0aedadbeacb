"""`--show-settings`: the settings a file is checked with, resolved (configuration files, then
the command line), in ruff's shape: `Resolved settings for: "PATH"`, then `key = value` lines
grouped under `#` headings, lists one item per line."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from asynclint.config import SPECS, Settings

# Settings shown under their own heading; every other field goes under "Analysis".
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("General Settings", ("root", "config_file", "cache_dir", "fix", "unsafe_fixes", "python")),
    ("File Resolver Settings", ("exclude", "extend_exclude", "respect_gitignore",
                                "force_exclude")),
    ("Rule Selection", ("select", "extend_select", "ignore", "per_file_ignores", "cli_selection",
                        "noqa_peer_codes")),
)


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Path):
        return json.dumps(str(value))
    if isinstance(value, (tuple, list, frozenset)):
        items = sorted(value) if isinstance(value, frozenset) else list(value)
        if not items:
            return "[]"
        # nested entries (per-file-ignores pairs, selection layers) stay on one line each
        return "[\n" + "".join(
            f"\t{json.dumps(v) if isinstance(v, (tuple, list)) else _value(v)},\n"
            for v in items) + "]"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def _key(name: str) -> str:
    """The name a configuration file uses (`extend-select`), or the field's own."""
    dashed = name.replace("_", "-")
    return dashed if dashed in SPECS else name


def show_settings(path: Path, settings: Settings) -> str:
    """The resolved settings of the file at `path`, and the rules enabled for it."""
    lines = [f"Resolved settings for: {json.dumps(str(path.resolve()))}"]
    if settings.config_file is not None:
        lines.append(f"Settings path: {json.dumps(str(settings.config_file))}")
    names = [f.name for f in fields(settings)]
    grouped = {name for _, group in _GROUPS for name in group}
    sections = [*_GROUPS, ("Analysis", tuple(n for n in names if n not in grouped))]
    for heading, group in sections:
        lines += ["", f"# {heading}"]
        for name in group:
            if name in names:
                lines.append(f"{_key(name)} = {_value(getattr(settings, name))}")
    lines += ["", "# Rules enabled for this file (per-file-ignores applied)",
              f"enabled-rules = {_value(settings.codes_for(path))}"]
    return "\n".join(lines) + "\n"
