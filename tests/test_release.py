"""The release check, run as CI runs it on every change: `scripts/release_check.py` builds the
sdist and the wheel from it, `twine check --strict` passes, and the wheel installs into a fresh
virtual environment whose `asynclint` command works (docs/contributing.md, "Releasing").

The fresh environment installs asynclint's dependencies with pip, so the test needs the package
index pip is configured with; it is skipped, with pip's words, only when a dependency is missing
there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "release_check.py"


def _script() -> ModuleType:
    return load_script("release_check.py", "release_check")


def test_build_twine_and_a_fresh_install(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--outdir", str(tmp_path / "dist")],
                          capture_output=True, text=True, timeout=1200)
    if proc.returncode != 0 and "No matching distribution found" in proc.stderr:
        pytest.skip(next(line.strip() for line in proc.stderr.splitlines()
                         if "No matching distribution found" in line))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = _script().version()
    assert proc.stdout.splitlines() == [
        f"built asynclint-{version}.tar.gz and asynclint-{version}-py3-none-any.whl",
        "twine check --strict: PASSED",
        f"a fresh virtual environment runs asynclint {version} from the wheel",
    ]
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        f"asynclint-{version}-py3-none-any.whl", f"asynclint-{version}.tar.gz"]


def test_release_needs_a_changelog_section_and_a_free_tag(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()
    (tmp_path / "src" / "asynclint").mkdir(parents=True)
    (tmp_path / "src" / "asynclint" / "__init__.py").write_text('__version__ = "9.8.7"\n')
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- a change\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    with pytest.raises(script.ReleaseError, match=re.escape("no `## 9.8.7` section")):
        script.release_ready()
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## 9.8.7 — 2026-12-07\n\n- a change\n")
    script.release_ready()
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c",
                    "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", "x"],
                   cwd=tmp_path, check=True)
    subprocess.run(["git", "tag", "v9.8.7"], cwd=tmp_path, check=True)
    with pytest.raises(script.ReleaseError, match=re.escape("tag v9.8.7 exists already")):
        script.release_ready()
