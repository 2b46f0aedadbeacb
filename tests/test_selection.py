"""Rule selection as ruff does it: an explicit `ignore` beats the default selection, and a more
specific selector wins (found through the flake8 door's `--asynclint-ignore`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.config import Settings

APP = "import time\n\n\nasync def f():\n    time.sleep(1)\n"


@pytest.mark.parametrize(
    ("select", "extend", "ignore", "enabled"),
    [
        (None, (), ("ASL100",), False),
        (None, (), ("ASL1",), False),
        (None, (), ("ASL",), False),
        (None, ("ASL100",), ("ASL1",), True),  # more specific wins
        (("ASL100",), (), ("ASL1",), True),
        (("ASL1",), (), ("ASL100",), False),
        (("ASL1",), (), ("ASL1",), False),  # equal specificity: ignore wins
        (None, (), (), True),
    ],
)
def test_ignore_against_select(select: tuple[str, ...] | None, extend: tuple[str, ...],
                               ignore: tuple[str, ...], enabled: bool) -> None:
    settings = Settings(select=select, extend_select=extend, ignore=ignore)
    assert ("ASL100" in settings.enabled_codes()) is enabled


def test_cli_ignore_without_select(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    run = [sys.executable, "-m", "asynclint", "check", "--no-cache", "app.py"]
    assert subprocess.run(run, cwd=tmp_path, capture_output=True).returncode == 1
    ignored = subprocess.run([*run, "--ignore", "ASL100"], cwd=tmp_path, capture_output=True)
    assert ignored.returncode == 0, ignored.stdout
