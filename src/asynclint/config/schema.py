"""The settings schema, as data: every `[tool.asynclint]` key with its type, default and docs
(the configuration reference is generated from it), and the checks a value must pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ConfigError(Exception):
    """A setting is wrong; the message names the file and the key or code."""


@dataclass(frozen=True)
class SettingSpec:
    key: str
    type: str  # "list[str]", "dict[str, list[str]]", "bool", "int", "str"
    default: Any
    doc: str
    example: str
    choices: tuple[str, ...] = ()
    # Code prefixes of the rules this setting tunes (their docs list it under "Options");
    # empty for settings that apply to every rule (selection, files, fixes).
    rules: tuple[str, ...] = ()


# Test code, as pytest finds it (`test-paths`), and the rule families not reported there by
# default (`test-ignore`): what a test blocks or leaves running costs no user anything.
DEFAULT_TEST_PATHS = ("**/test/**", "**/tests/**", "**/testing/**", "test_*.py", "*_test.py",
                      "conftest.py")
DEFAULT_TEST_IGNORE = ("ASL1", "ASL4", "ASL5")


# The schema every setting is validated against; the configuration docs are generated from it.
SCHEMA: tuple[SettingSpec, ...] = (
    SettingSpec("select", "list[str]", None,
                "Rule codes or prefixes to enable. Replaces the default selection.",
                'select = ["ASL1", "ASL2"]'),
    SettingSpec("extend-select", "list[str]", [],
                "Rule codes or prefixes to enable on top of `select`.",
                'extend-select = ["ASL4"]'),
    SettingSpec("ignore", "list[str]", [],
                "Rule codes or prefixes to disable. A more specific selector wins; at equal "
                "specificity `ignore` wins.",
                'ignore = ["ASL100"]'),
    SettingSpec("per-file-ignores", "dict[str, list[str]]", {},
                "Glob (relative to the project root) to codes ignored in matching files.",
                '"scripts/**" = ["ASL1"]'),
    SettingSpec("test-paths", "list[str]", list(DEFAULT_TEST_PATHS),
                "Globs (as `per-file-ignores`) of the project's test code, where `test-ignore` "
                "applies. Replaces the defaults: pytest's conventions (a file under a `test`, "
                "`tests` or `testing` folder, `test_*.py`, `*_test.py`, `conftest.py`).",
                'test-paths = ["tests/**", "*_spec.py"]'),
    SettingSpec("test-ignore", "list[str]", list(DEFAULT_TEST_IGNORE),
                "Rule codes or prefixes not reported in test code (the files `test-paths` "
                "matches), applied like a `per-file-ignores` entry after selection. Default: "
                "the blocking (`ASL1`), concurrency (`ASL4`) and task (`ASL5`) rules: a test that "
                "sleeps, writes a temporary file or creates a task loosely costs nothing a user "
                "waits for. A missing `await` (`ASL2`) still is reported: it makes a test pass "
                "without running what it tests. `test-ignore = []` checks test code with every "
                "selected rule.",
                'test-ignore = []',
                rules=DEFAULT_TEST_IGNORE),
    SettingSpec("exclude", "list[str]", None,
                "Globs of files and folders never checked. Replaces the defaults "
                "(.git, .venv, build, node_modules, ...).",
                'exclude = [".venv", "migrations"]'),
    SettingSpec("extend-exclude", "list[str]", [],
                "Globs excluded on top of `exclude`.",
                'extend-exclude = ["generated/**"]'),
    SettingSpec("respect-gitignore", "bool", True,
                "Skip files ignored by .gitignore files.",
                "respect-gitignore = false"),
    SettingSpec("force-exclude", "bool", False,
                "Apply exclusions to paths named on the command line too (pre-commit needs this).",
                "force-exclude = true"),
    SettingSpec("noqa-peer-codes", "bool", True,
                "Let a `# noqa` naming a ruff / flake8-async code that flags the same thing "
                "(`RUF006`, `ASYNC251`, ...; each rule's page lists its peers) suppress the "
                "asynclint rule on that line too (peer codes match exactly, not as prefixes). "
                "`false`: only `ASL` codes and a blanket `# noqa` suppress asynclint findings. "
                "The flake8 plugin is not affected: flake8 reads line `# noqa` comments itself.",
                "noqa-peer-codes = false"),
    SettingSpec("fix", "bool", False, "Apply safe fixes, as `--fix`.", "fix = true"),
    SettingSpec("unsafe-fixes", "bool", False,
                "Also apply unsafe fixes, as `--unsafe-fixes`.", "unsafe-fixes = true"),
    SettingSpec("cache-dir", "str", ".asynclint_cache",
                "Where the cache lives, relative to the project root.",
                'cache-dir = ".cache/asynclint"'),
    SettingSpec("extra-blocking-calls", "list[str]", [],
                "Qualified names of functions or `Type.method`s that block, flagged in coroutines.",
                'extra-blocking-calls = ["mylib.fetch_sync", "mylib.Client.get"]',
                rules=("ASL106", "ASL107", "ASL108")),
    SettingSpec("extra-async-apis", "list[str]", [],
                "Qualified names of functions or `Type.method`s that return awaitables.",
                'extra-async-apis = ["mylib.AsyncClient.fetch"]',
                rules=("ASL2",)),
    SettingSpec("extra-async-decorators", "list[str]", [],
                "Qualified names of decorators that keep an `async def` a coroutine function "
                "(a decorated function is otherwise treated as unknown by ASL2xx).",
                'extra-async-decorators = ["myapp.utils.retry"]',
                rules=("ASL2",)),
    SettingSpec("extra-handler-decorators", "list[str]", [],
                "Qualified decorator names (or `Type.method` of a router) that register request "
                "handlers.",
                'extra-handler-decorators = ["myframework.route"]',
                rules=("ASL301",)),
    SettingSpec("gather-style", "str", "gather",
                "How concurrency fixes are written: `asyncio.gather(...)` or an "
                "`asyncio.TaskGroup`.",
                'gather-style = "taskgroup"', ("gather", "taskgroup"),
                rules=("ASL400",)),
    SettingSpec("gather-min-awaits", "int", 2,
                "How many consecutive independent awaits make a run worth reporting (ASL400).",
                "gather-min-awaits = 3",
                rules=("ASL400",)),
    SettingSpec("concurrency-safe-receivers", "list[str]", [],
                "Qualified types whose instances may be used by concurrent operations "
                "(pool-backed clients), on top of the built-in ones.",
                'concurrency-safe-receivers = ["mylib.PooledClient"]',
                rules=("ASL400", "ASL401")),
    SettingSpec("concurrency-unsafe-receivers", "list[str]", [],
                "Qualified types whose instances must not be used by concurrent operations "
                "(connections, sessions, streams), on top of the built-in ones.",
                'concurrency-unsafe-receivers = ["mylib.Connection"]',
                rules=("ASL400", "ASL401")),
    SettingSpec("concurrency-network-apis", "list[str]", [],
                "Qualified functions, methods (`Type.method`) or types whose awaits are "
                "requests to another service, on top of the built-in ones: ASL400 and ASL401 "
                "report only calls known to wait on the network.",
                'concurrency-network-apis = ["mylib.SearchClient", "mylib.fetch_report"]',
                rules=("ASL400", "ASL401")),
    SettingSpec("python", "str", None,
                "The Python interpreter (or virtual environment folder) whose installed "
                "packages are read, never imported, to tell which third-party functions are "
                "`async def` (relative to the project root; run once with `-c` to list its "
                "`sys.path`). Without it: the environment named by `VIRTUAL_ENV`, else a "
                "`.venv` (else `venv`) folder at the project root, else the interpreter "
                "asynclint runs in. As `--python`.",
                'python = ".venv/bin/python"',
                rules=("ASL2",)),
)
SPECS = {spec.key: spec for spec in SCHEMA}

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
    ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".asynclint_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "_build", "buck-out", "build", "dist",
    "node_modules", "site-packages", "venv",
)


def spec_for(key: str, where: str) -> SettingSpec:
    """The schema entry of `key`; an unknown key is an error naming it."""
    spec = SPECS.get(key)
    if spec is None:
        raise ConfigError(f"{where}: unknown setting `{key}` in [tool.asynclint]")
    return spec


def checked_value(spec: SettingSpec, value: Any, where: str) -> Any:
    """`value` if it has the type `spec` declares (lists become tuples); a ConfigError naming
    the key otherwise. Selectors are checked against the code table by `selection`."""
    def fail() -> ConfigError:
        return ConfigError(f"{where}: `{spec.key}` must be {spec.type}, got {value!r}")

    if spec.type == "bool":
        if not isinstance(value, bool):
            raise fail()
    elif spec.type == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: `{spec.key}` must be a positive integer, got {value!r}")
    elif spec.type == "str":
        if not isinstance(value, str):
            raise fail()
        if spec.choices and value not in spec.choices:
            raise ConfigError(
                f"{where}: `{spec.key}` must be one of {', '.join(spec.choices)}, got {value!r}"
            )
    elif spec.type == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail()
        value = tuple(value)
    elif spec.type == "dict[str, list[str]]" and not (
        isinstance(value, dict)
        and all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values())
    ):
        raise fail()
    return value
