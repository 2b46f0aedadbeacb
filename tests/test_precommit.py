"""pre-commit, run for real: this repository's hooks (`pre-commit try-repo`), and asynclint as an
`additional_dependencies` entry of a flake8 hook, on a throw-away git repository with a bad file.

pre-commit builds a virtualenv and pip-installs the hook repository into it, so these tests need
the package index pip is configured with (the machine's local mirror plus PyPI). They are skipped
only when pip cannot find a dependency there, with pip's own words as the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
FIXED = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed snapshot of this repository's package (what a user's pre-commit clones)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "src", repo / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(BAD)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "app.py")
    return tmp_path


_CANNOT_BUILD: list[str] = []  # pip's reason, once an environment could not be built


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if _CANNOT_BUILD:
        pytest.skip(_CANNOT_BUILD[0])
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never",
           "ASYNCLINT_NO_CACHE": "1"}
    env.setdefault("PIP_RETRIES", "1")  # without an index, fail in seconds rather than minutes
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run([*PRE_COMMIT, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    output = proc.stdout + proc.stderr
    if proc.returncode == 3 and "No matching distribution found" in output:
        reason = next(line.strip() for line in output.splitlines()
                      if "No matching distribution found" in line)
        _CANNOT_BUILD.append(f"pre-commit could not build the hook environment: {reason}")
        pytest.skip(_CANNOT_BUILD[0])
    return proc


def test_asynclint_hooks_check_then_fix(hook_repo: Path, pre_commit_home: Path,
                                        project: Path) -> None:
    check = pre_commit(project, pre_commit_home, "try-repo", str(hook_repo), "asynclint-check",
                       "--all-files")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "ASL100" in check.stdout and "--> app.py:5:5" in check.stdout
    assert (project / "app.py").read_text() == BAD  # the check hook never writes

    fix = pre_commit(project, pre_commit_home, "try-repo", str(hook_repo), "asynclint-fix",
                     "--all-files")
    assert fix.returncode == 1, fix.stdout  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in fix.stdout
    assert (project / "app.py").read_text() == FIXED

    _git(project, "add", "app.py")
    again = pre_commit(project, pre_commit_home, "try-repo", str(hook_repo), "asynclint-check",
                       "--all-files")
    assert again.returncode == 0, again.stdout
    assert "Passed" in again.stdout


def test_hooks_honour_exclude_for_named_files(hook_repo: Path, pre_commit_home: Path,
                                              project: Path) -> None:
    """pre-commit names each file; `--force-exclude` keeps `[tool.asynclint]` exclude working."""
    (project / "pyproject.toml").write_text('[tool.asynclint]\nextend-exclude = ["app.py"]\n')
    _git(project, "add", "pyproject.toml")
    proc = pre_commit(project, pre_commit_home, "try-repo", str(hook_repo), "asynclint-check",
                      "--all-files")
    assert proc.returncode == 0, proc.stdout


def test_asynclint_as_a_flake8_dependency(hook_repo: Path, pre_commit_home: Path,
                                          project: Path) -> None:
    """The flake8 hook's shape (entry `flake8`, language python) with asynclint added to it."""
    from importlib.metadata import version

    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: flake8\n"
        "        name: flake8\n"
        "        entry: flake8\n"
        "        language: python\n"
        "        types: [python]\n"
        "        require_serial: true\n"
        f"        additional_dependencies: ['flake8=={version('flake8')}', '{hook_repo}']\n"
    )
    _git(project, "add", ".pre-commit-config.yaml")
    proc = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:5:5: ASL100 `time.sleep` blocks the event loop" in proc.stdout


# -- the recipes docs/integrations.md leads with, before a release exists ---------------------
def _doc_blocks(lang: str) -> list[str]:
    text = (ROOT / "docs" / "integrations.md").read_text()
    return re.findall(rf"^```{lang}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def _head(repo: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_docs_promise_no_release_that_does_not_exist() -> None:
    text = (ROOT / "docs" / "integrations.md").read_text()
    for absent in ("OWNER", "rev: v0.1.0", "asynclint==0.1.0"):
        assert absent not in text


def test_docs_try_repo_command(hook_repo: Path, pre_commit_home: Path, project: Path) -> None:
    (command,) = [b for b in _doc_blocks("console") if "try-repo" in b]
    args = command.removeprefix("$ pre-commit ").split()
    args = [str(hook_repo) if a == "/path/to/asynclint" else a for a in args]
    proc = pre_commit(project, pre_commit_home, *args)
    assert proc.returncode == 1 and "ASL100" in proc.stdout, proc.stdout + proc.stderr


def test_docs_local_repo_with_a_commit_rev(hook_repo: Path, pre_commit_home: Path,
                                           project: Path) -> None:
    (config,) = [b for b in _doc_blocks("yaml") if "rev: <commit>" in b]
    config = config.replace("/path/to/asynclint", str(hook_repo)).replace(
        "<commit>", _head(hook_repo))
    (project / ".pre-commit-config.yaml").write_text(config)
    _git(project, "add", ".pre-commit-config.yaml")
    proc = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "files were modified by this hook" in proc.stdout
    assert (project / "app.py").read_text() == FIXED


def test_docs_flake8_hook_with_a_file_requirement(hook_repo: Path, pre_commit_home: Path,
                                                  project: Path) -> None:
    """The docs' flake8 hook, its `additional_dependencies` line verbatim; the hook itself is
    declared locally with flake8's own shape (the test does not clone flake8 from GitHub)."""
    from importlib.metadata import version

    (block,) = [b for b in _doc_blocks("yaml") if "id: flake8" in b]
    (dependencies,) = [line for line in block.splitlines() if "additional_dependencies" in line]
    dependencies = dependencies.replace("file:///path/to/asynclint", hook_repo.as_uri()).replace(
        "[", f"['flake8=={version('flake8')}', ", 1)
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: flake8\n        name: flake8\n"
        "        entry: flake8\n        language: python\n        types: [python]\n"
        f"        require_serial: true\n{dependencies}\n")
    _git(project, "add", ".pre-commit-config.yaml")
    proc = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:5:5: ASL100 `time.sleep` blocks the event loop" in proc.stdout
