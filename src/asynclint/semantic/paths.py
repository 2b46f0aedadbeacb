"""What a file is by its path alone: a test (awaits in order on purpose) or a script (run, not
imported). Rules ask with the path the engine gives them; nothing here reads a file.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

_TEST_DIRS = frozenset({"tests", "test", "testing"})

# A file is a script, not an importable module, when any of these say so.
SCRIPT_FILE_NAMES = frozenset({"__main__.py", "conftest.py", "setup.py", "noxfile.py",
                               "manage.py", "fabfile.py", "dodo.py", "tasks.py"})
SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "examples", "example", "docs", "docs_src",
                         "doc", "tools", "benchmarks", "benchmark", "demo", "demos", "samples",
                         "tests", "test", "testing", "tutorial", "tutorials"})
_TEST_FILE = re.compile(r"(^test_.*|.*_test)\.py$")


def is_test_path(path: str) -> bool:
    """A test module (`test_*.py`, `*_test.py`, `conftest.py`) or a file under a tests folder."""
    p = Path(path)
    name = p.name
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return any(part in _TEST_DIRS for part in p.parts[:-1])


def is_script_path(path: str, root: PurePath | None = None, depth: int = 1) -> bool:
    """A file meant to be run, not imported: by its name or a folder it lives in.

    Only folders inside the project `root` count (a checkout under `~/tools/` is not a script
    folder); outside it, the `depth` folders that hold the module's package and its parent.
    """
    full = PurePath(path)
    name = full.name
    if name in SCRIPT_FILE_NAMES or _TEST_FILE.match(name):
        return True
    try:
        folders = full.parent.relative_to(root).parts if root is not None else None
    except ValueError:
        folders = None
    if folders is None:
        folders = full.parent.parts[-depth:] if depth > 0 else ()
    return any(part in SCRIPT_DIRS for part in folders)
