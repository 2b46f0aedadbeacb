"""What the real-editor tests share: the files they edit, and the result `asynclint check --fix`
gives, which every editor's fix must match."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "editors.md"
# One finding after non-ASCII text: columns differ in bytes (18), UTF-16 units (15), chars (14).
UNICODE = 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'
# Two findings: fix-all must fix both.
TWO_BUGS = ('import time\n\n\nasync def f():\n    time.sleep(1)\n\n\n'
            'async def g():\n    time.sleep(2)\n')


def editor_env() -> dict[str, str]:
    """The environment an editor starts in: `asynclint` of this interpreter first on PATH."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def fixed_by_cli(folder: Path, text: str) -> str:
    """What `asynclint check --fix` makes of `text`: the editor must agree with it."""
    expected = folder / "expected.py"
    expected.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "asynclint", "check", "--no-cache", "--fix",
                    str(expected)], capture_output=True, cwd=folder)
    return expected.read_text(encoding="utf-8")
