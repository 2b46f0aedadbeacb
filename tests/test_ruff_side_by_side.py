"""ruff and asynclint in one project: with `lint.external = ["ASL"]`, ruff keeps asynclint's
`# noqa` codes; without it, ruff's RUF100 fix deletes them and asynclint's finding comes back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
# ruff's own ASYNC251 and asynclint's ASL100 both flag this line; the user silenced both.
APP = "import time\n\n\nasync def f():\n    time.sleep(1)  # noqa: ASYNC251, ASL100\n"

pytestmark = pytest.mark.skipif(RUFF is None, reason="ruff is not installed")


def _ruff(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert RUFF is not None
    return subprocess.run([RUFF, "check", "--no-cache", *args, "app.py"], cwd=cwd,
                          capture_output=True, text=True)


def _asynclint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asynclint", "check", "--no-cache", "app.py"],
                          cwd=cwd, capture_output=True, text=True)


def _project(tmp_path: Path, lint_table: str) -> Path:
    # A project that selects its ruff rules (ASYNC not among them), so ASYNC251 in the comment
    # is unused: RUF100 then rewrites the comment.
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.ruff.lint]\nselect = ["E", "F", "RUF100", "RUF102"]\n{lint_table}'
    )
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def test_external_keeps_asynclint_noqa(tmp_path: Path) -> None:
    project = _project(tmp_path, 'external = ["ASL"]\n')
    fixed = _ruff(project, "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert (project / "app.py").read_text().endswith("time.sleep(1)  # noqa: ASL100\n")
    assert _ruff(project).returncode == 0  # nothing reported as unused or invalid
    assert _asynclint(project).returncode == 0  # the suppression still works


def test_without_external_ruff_removes_the_suppression(tmp_path: Path) -> None:
    project = _project(tmp_path, "")
    report = _ruff(project, "--output-format", "concise")
    assert "RUF102" in report.stdout and "ASL100" in report.stdout
    _ruff(project, "--fix")
    assert "ASL100" not in (project / "app.py").read_text()
    found = _asynclint(project)
    assert found.returncode == 1 and "ASL100" in found.stdout


def test_ruff_codes_alone_silence_both_tools(tmp_path: Path) -> None:
    """A project that adopted ruff's codes annotates once: `# noqa: ASYNC251` / `# noqa: RUF006`
    are used (no RUF100) and also suppress ASL100 / ASL500 (peer codes)."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff.lint]\nselect = ["ASYNC251", "RUF006", "RUF100"]\n')
    (tmp_path / "app.py").write_text(
        "import asyncio\nimport time\n\n\nasync def work():\n    await asyncio.sleep(0)\n\n\n"
        "async def main():\n    time.sleep(1)  # noqa: ASYNC251\n"
        "    asyncio.create_task(work())  # noqa: RUF006\n")
    assert "ASYNC251" in _ruff(tmp_path, "--output-format", "concise", "--ignore-noqa").stdout
    assert _ruff(tmp_path).returncode == 0, _ruff(tmp_path).stdout
    found = _asynclint(tmp_path)
    assert found.returncode == 0, found.stdout
