"""The import style a fix follows in a project: where ruff looks for first-party modules (the
project root and its `src/`), the checked file's own package, and the project's
`[tool.ruff.lint.isort]` settings that move a module to another section or change how a
`from` import is written (`known-first-party`, `known-third-party`, `force-single-line`,
`combine-as-imports`), read once per project root."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from asynclint.config import Settings
from asynclint.fixes.imports import ImportStyle
from asynclint.semantic.model import module_name_for

# Where ruff reads its settings, in the order it prefers them.
_RUFF_FILES = (("ruff.toml", ("lint", "isort")), (".ruff.toml", ("lint", "isort")),
               ("pyproject.toml", ("tool", "ruff", "lint", "isort")))


def import_style_for(path: str | None, settings: Settings | None) -> ImportStyle:
    """The style for the file at `path` checked with `settings` (a bare default without)."""
    if path is None or settings is None:
        return ImportStyle()
    module, is_init = module_name_for(path)
    parts = (module or "").split(".")
    package = parts[0] if module and (len(parts) > 1 or is_init) else None
    return _project_style(settings.root.resolve(), package)


@functools.lru_cache(maxsize=64)
def _project_style(root: Path, package: str | None) -> ImportStyle:
    isort = _ruff_isort(root)
    return ImportStyle(
        src_roots=(root, root / "src"),
        package=package,
        known_first_party=_names(isort.get("known-first-party")),
        known_third_party=_names(isort.get("known-third-party")),
        force_single_line=isort.get("force-single-line") is True,
        combine_as_imports=isort.get("combine-as-imports") is True,
    )


def _ruff_isort(root: Path) -> dict[str, Any]:
    """The `isort` table of ruff's settings at the project root (empty when there is none,
    or it cannot be read: the defaults then apply)."""
    for name, keys in _RUFF_FILES:
        file = root / name
        try:
            table: Any = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if name == "pyproject.toml" and "ruff" not in table.get("tool", {}):
            continue
        for key in keys:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        if name.endswith("ruff.toml") and not table:
            # ruff.toml's older spelling: `[isort]` at the top.
            table = tomllib.loads(file.read_text(encoding="utf-8")).get("isort", {})
        return table if isinstance(table, dict) else {}
    return {}


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()
