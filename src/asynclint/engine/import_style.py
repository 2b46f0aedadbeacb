"""The import style a fix follows in a project: where ruff looks for first-party modules (the
project root and its `src/`), the checked file's own package, and the project's
`[tool.ruff.lint.isort]` settings that move a module to another section or change how a
`from` import is written (`known-first-party`, `known-third-party`, `force-single-line`,
`combine-as-imports`).

Every file the style reads and every path it looks at goes through the analysis' recorder
(`config.environment.Environment`): a fix kept in the result cache is reused only while they
give the same answers (the cache never changes an answer). Only the parse of a settings file is
memoised, by its content.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from asynclint.config import Settings
from asynclint.config.environment import Environment
from asynclint.fixes.imports import ImportStyle
from asynclint.semantic.module_names import module_name_for

# Where ruff reads its settings, in the order it prefers them.
_RUFF_FILES = (("ruff.toml", ("lint", "isort")), (".ruff.toml", ("lint", "isort")),
               ("pyproject.toml", ("tool", "ruff", "lint", "isort")))


def import_style_for(path: str | None, settings: Settings | None,
                     environment: Environment | None = None) -> ImportStyle:
    """The style for the file at `path` checked with `settings` (a bare default without);
    what it reads is recorded in `environment`."""
    if path is None or settings is None:
        return ImportStyle()
    env = environment if environment is not None else Environment()
    module, is_init = module_name_for(path)
    parts = (module or "").split(".")
    package = parts[0] if module and (len(parts) > 1 or is_init) else None
    root = _resolved(settings.root)
    isort = _ruff_isort(root, env)
    return ImportStyle(
        src_roots=(root, root / "src"),
        package=package,
        known_first_party=_names(isort.get("known-first-party")),
        known_third_party=_names(isort.get("known-third-party")),
        force_single_line=isort.get("force-single-line") is True,
        combine_as_imports=isort.get("combine-as-imports") is True,
        probe=env,
    )


@functools.lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    return root.resolve()


def _ruff_isort(root: Path, env: Environment) -> dict[str, Any]:
    """The `isort` table of ruff's settings at the project root (empty when there is none,
    or it cannot be read: the defaults then apply)."""
    for name, keys in _RUFF_FILES:
        data = env.read(root / name)
        if data is None:
            continue
        table = _parsed(data)
        if table is None:
            continue
        if name == "pyproject.toml" and "ruff" not in table.get("tool", {}):
            continue
        for key in keys:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        if name.endswith("ruff.toml") and not table:
            # ruff.toml's older spelling: `[isort]` at the top.
            table = (_parsed(data) or {}).get("isort", {})
        return table if isinstance(table, dict) else {}
    return {}


@functools.lru_cache(maxsize=16)
def _parsed(data: bytes) -> dict[str, Any] | None:
    """A settings file's TOML (None: not UTF-8 or not TOML). Callers must not change it."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()
