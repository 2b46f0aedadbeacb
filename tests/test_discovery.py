"""Which files get checked, as ruff decides it: default excludes, `exclude`/`extend-exclude`
matched against an entry's path (relative to the project root) or its basename while walking,
explicit paths always checked unless `--force-exclude`, and .gitignore inside a git repo."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from asynclint.globs import glob_match
from tests.conftest import BAD, Run


def _tree(root: Path, names: list[str], text: str = BAD) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _checked(run: Run, *args: str, cwd: Path | None = None) -> list[str]:
    result = run("check", "--no-cache", "--output-format", "concise", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return sorted(set(re.findall(r"^(\S+?):\d+:\d+: ", result.stdout, re.MULTILINE)))


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("fixtures", "fixtures", True),
        ("fixtures", "fixtures/examples", False),  # an ancestor alone is not a match
        ("fixtures", "src/fixtures", True),  # basename
        ("*_pb2.py", "pkg/api/x_pb2.py", True),
        ("pkg/*.py", "pkg/a.py", True),
        ("pkg/*.py", "pkg/sub/a.py", False),
        ("pkg/**/*.py", "pkg/sub/deeper/a.py", True),
        ("./build/", "build", True),
        ("tests/**", "tests/unit/test_a.py", True),
        ("migrations", "app/migrations", True),
        ("a?.py", "ab.py", True),
        ("[ab].py", "c.py", False),
        ("", "x.py", False),
    ],
)
def test_glob_match(pattern: str, path: str, matches: bool) -> None:
    assert glob_match(pattern, path) is matches


def test_default_excludes(run: Run, tmp_path: Path) -> None:
    _tree(tmp_path, ["app/a.py", "app/b.pyi", ".venv/lib/x.py", "build/x.py", "node_modules/x.py",
                     ".git/x.py", "app/__pycache__/x.txt", "dist/x.py", "app/site-packages/x.py",
                     "notes.txt"])
    assert _checked(run, ".") == ["app/a.py", "app/b.pyi"]


def test_exclude_replaces_defaults_and_extend_adds(run: Run, tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py", ".venv/x.py", "gen/g.py", "pkg/m_pb2.py", "pkg/m.py"])
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nexclude = ["gen"]\n')
    assert _checked(run, ".") == [".venv/x.py", "a.py", "pkg/m.py", "pkg/m_pb2.py"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nextend-exclude = ["gen", "*_pb2.py"]\n')
    assert _checked(run, ".") == ["a.py", "pkg/m.py"]
    assert _checked(run, "--extend-exclude", "pkg", ".") == ["a.py"]
    # --exclude replaces `exclude` (the defaults); the file's extend-exclude still applies.
    assert _checked(run, "--exclude", "a.py", ".") == [".venv/x.py", "pkg/m.py"]


def test_explicit_paths_are_checked_even_if_excluded(run: Run, tmp_path: Path) -> None:
    """The project's own set-up: `extend-exclude = ["fixtures"]`, then `check fixtures/examples`."""
    _tree(tmp_path, ["src/a.py", "fixtures/examples/app.py", "fixtures/ASL100/f.py"])
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nextend-exclude = ["fixtures"]\n')
    assert _checked(run, ".") == ["src/a.py"]
    assert _checked(run, "fixtures/examples") == ["fixtures/examples/app.py"]
    assert _checked(run, "fixtures") == ["fixtures/ASL100/f.py", "fixtures/examples/app.py"]
    assert _checked(run, "fixtures/ASL100/f.py") == ["fixtures/ASL100/f.py"]
    # From inside the excluded folder too.
    assert _checked(run, ".", cwd=tmp_path / "fixtures" / "examples") == ["app.py"]


def test_force_exclude_tests_the_path_and_its_ancestors(run: Run, tmp_path: Path) -> None:
    _tree(tmp_path, ["src/a.py", "fixtures/examples/app.py", "gen_pb2.py"])
    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nextend-exclude = ["fixtures", "*_pb2.py"]\n')
    force = ("--force-exclude",)
    assert _checked(run, *force, "fixtures/examples") == []
    assert _checked(run, *force, "fixtures/examples/app.py") == []
    assert _checked(run, *force, "gen_pb2.py", "src/a.py") == ["src/a.py"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nextend-exclude = ["fixtures"]\nforce-exclude = true\n')
    assert _checked(run, "fixtures/examples/app.py") == []
    assert _checked(run, "--no-force-exclude", "fixtures/examples/app.py") == [
        "fixtures/examples/app.py"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def test_gitignore_inside_a_repo(run: Run, repo: Path) -> None:
    _tree(repo, ["app/a.py", "app/generated.py", "out/x.py", "app/sub/keep.py", "app/sub/tmp_1.py",
                 "app/sub/tmp_keep.py", "logs.py"])
    (repo / ".gitignore").write_text("# comment\nout/\ngenerated.py\n/logs.py\n")
    (repo / "app" / "sub" / ".gitignore").write_text("tmp_*.py\n!tmp_keep.py\n")
    assert _checked(run, ".") == ["app/a.py", "app/sub/keep.py", "app/sub/tmp_keep.py"]
    # Checking a sub-folder still honours the .gitignore files above it.
    assert _checked(run, "app") == ["app/a.py", "app/sub/keep.py", "app/sub/tmp_keep.py"]
    assert _checked(run, ".", cwd=repo / "app") == ["a.py", "sub/keep.py", "sub/tmp_keep.py"]
    # A file named explicitly is checked even when ignored.
    assert _checked(run, "app/generated.py") == ["app/generated.py"]
    everything = _checked(run, "--no-respect-gitignore", ".")
    assert "out/x.py" in everything and "app/sub/tmp_1.py" in everything
    (repo / "pyproject.toml").write_text("[tool.asynclint]\nrespect-gitignore = false\n")
    assert "logs.py" in _checked(run, ".")


def test_gitignore_anchoring(run: Run, repo: Path) -> None:
    _tree(repo, ["logs.py", "app/logs.py", "docs/build/x.py", "a/b/c.py", "b/c.py"])
    (repo / ".gitignore").write_text("/logs.py\na/b\n")
    assert _checked(run, "--no-force-exclude", ".") == ["app/logs.py", "b/c.py"]


def test_each_file_once_in_stable_order(run: Run, tmp_path: Path) -> None:
    _tree(tmp_path, ["b.py", "a.py", "pkg/c.py"])
    result = run("check", "--no-cache", "--output-format", "concise", "pkg", ".", "a.py",
                 "pkg/c.py")
    files = re.findall(r"^(\S+?):\d+:\d+: ", result.stdout, re.MULTILINE)
    assert sorted(files) == ["a.py", "b.py", "pkg/c.py"]


def test_folder_symlinks_are_not_followed(run: Run, tmp_path: Path) -> None:
    _tree(tmp_path, ["pkg/a.py", "elsewhere/b.py"])
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg", target_is_directory=True)
    (tmp_path / "pkg" / "other").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "pkg" / "c.py").symlink_to(tmp_path / "elsewhere" / "b.py")
    assert _checked(run, "pkg") == ["pkg/a.py", "pkg/c.py"]
    # Named explicitly, a symlinked folder is checked.
    assert _checked(run, "pkg/other") == ["pkg/other/b.py"]
