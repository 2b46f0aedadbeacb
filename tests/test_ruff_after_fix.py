"""Fixed code passes ruff's default rules: over every fixed form under fixtures/ and the
README's before/after, ruff (`--isolated`, its defaults) finds nothing the input did not
already have (`scripts/ruff_after_fix.py`, run here as a test)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_script

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    return load_script("ruff_after_fix.py", "ruff_after_fix")


# Findings the fixes still add, each known and why it stays. Any other fails the test.
KNOWN = {
    # `trio.run(trio.sleep, 0)` awaited is `await trio.sleep(0)` (see the test's docstring).
    "fixtures/ASL300/flagged.py: ASYNC115 x1",
}


def test_fixes_add_no_ruff_finding() -> None:
    """No I001 and no F401 anywhere; any other finding is one of the known ones (`trio.run(
    trio.sleep, 0)` awaited is `await trio.sleep(0)`, which ruff's ASYNC115 words as a
    checkpoint)."""
    script = _script()
    total, lines = script.introduced(str(Path(sys.executable).with_name("ruff")))
    assert total["I001"] == 0 and total["F401"] == 0, "\n".join(lines)
    assert set(lines) <= KNOWN, "\n".join(sorted(set(lines) - KNOWN))


def test_the_measure_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import appended after the block, as fixes used to add it, is counted."""
    script = _script()
    code_dir = tmp_path / "ASL100"
    code_dir.mkdir()
    (code_dir / "flagged.py").write_text(
        "import time\n\n\nasync def f():\n    time.sleep(1)\n")
    (code_dir / "flagged.fixed.py").write_text(
        "import time\nimport asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n")
    monkeypatch.setattr(script, "FIXTURES", tmp_path)
    total, _ = script.introduced(str(Path(sys.executable).with_name("ruff")))
    # (the README's own example counts too: it passes)
    assert total["I001"] == 1 and total["F401"] == 1
