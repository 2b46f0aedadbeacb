"""`[tool.asynclint]` settings, beside the analysis stack: it imports only leaf values and knows
rule codes (`asynclint.codes`), never rules.

- `schema`: every setting as data (type, default, docs) and the checks a value must pass;
- `selection`: select / ignore / per-file-ignores / test-ignore turned into the enabled codes;
- `resolver`: the `Settings` of a file, from the nearest config file and the command line;
- `environment`: facts read from other files (pytest's config, conftest.py), recorded as
  dependencies of the results that use them.

The names below are the package's surface; callers inside it import from the submodules.
"""

from asynclint.config.resolver import (
    Settings,
    SettingsResolver,
    load_toml,
    settings_from_file,
    settings_from_table,
    table_of,
)
from asynclint.config.schema import DEFAULT_EXCLUDE, SCHEMA, SPECS, ConfigError, SettingSpec
from asynclint.config.selection import validate_selector

__all__ = [
    "DEFAULT_EXCLUDE",
    "SCHEMA",
    "SPECS",
    "ConfigError",
    "SettingSpec",
    "Settings",
    "SettingsResolver",
    "load_toml",
    "settings_from_file",
    "settings_from_table",
    "table_of",
    "validate_selector",
]
