"""The first end-to-end promise: ASL100 is found and fixed through the command line."""

import subprocess
import sys
from pathlib import Path


def test_check_and_fix_time_sleep(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
    run = [sys.executable, "-m", "asynclint", "check", "--no-cache"]
    found = subprocess.run([*run, str(app)], capture_output=True, text=True)
    assert found.returncode == 1
    assert "ASL100" in found.stdout
    fixed = subprocess.run([*run, "--fix", str(app)], capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr
    assert app.read_text() == (
        "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
    )
