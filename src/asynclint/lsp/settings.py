"""Editor settings (`initializationOptions`, `workspace/didChangeConfiguration`) on top of the
workspace's `pyproject.toml`.

Editor settings act like command-line flags: `select` replaces the file's selection, `ignore`
and `extendSelect` add to it, `unsafeFixes` switches unsafe fixes on or off for fix-all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asynclint.config import ConfigError, validate_selector

# Every spelling an editor may send -> (SettingsResolver override key, kind).
EDITOR_KEYS: dict[str, tuple[str, str]] = {
    "select": ("select", "selectors"),
    "extendSelect": ("extend_select", "selectors"),
    "extend-select": ("extend_select", "selectors"),
    "ignore": ("ignore", "selectors"),
    "unsafeFixes": ("unsafe_fixes", "bool"),
    "unsafe-fixes": ("unsafe_fixes", "bool"),
}
# Where editors nest the section: `{"asynclint": {...}}`, or `{"settings": {...}}`.
SECTION_KEYS = ("asynclint", "settings")


@dataclass(frozen=True)
class EditorSettings:
    overrides: dict[str, Any]
    problems: tuple[str, ...] = ()


def _section(raw: Any) -> dict[str, Any]:
    while isinstance(raw, dict):
        nested = next((raw[k] for k in SECTION_KEYS if isinstance(raw.get(k), dict)), None)
        if nested is None:
            return raw
        raw = nested
    return {}


def parse(raw: Any, where: str) -> EditorSettings:
    """Known keys become overrides; a wrong value is reported and left out, never fatal."""
    overrides: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in _section(raw).items():
        known = EDITOR_KEYS.get(key)
        if known is None or value is None:
            continue
        target, kind = known
        if kind == "bool":
            if isinstance(value, bool):
                overrides[target] = value
            else:
                problems.append(f"{where}: `{key}` must be true or false, got {value!r}")
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}: `{key}` must be a list of rule codes, got {value!r}")
            continue
        selectors = []
        for item in value:
            try:
                selectors.append(validate_selector(item, f"`{key}` ({where})"))
            except ConfigError as exc:
                problems.append(str(exc))
        if selectors or not value:  # a list of typos must not turn every rule off
            overrides[target] = selectors
    return EditorSettings(overrides, tuple(problems))
