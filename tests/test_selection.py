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


# -- test code: `test-paths` and `test-ignore` ----------------------------------------------------
@pytest.mark.parametrize(("relpath", "test"), [
    ("tests/test_views.py", True),
    ("pkg/tests/helpers.py", True),
    ("test/unit.py", True),
    ("src/pkg/testing/fixtures.py", True),
    ("pkg/test_api.py", True),
    ("pkg/api_test.py", True),
    ("conftest.py", True),
    ("pkg/conftest.py", True),
    ("pkg/testing_utils.py", False),
    ("pkg/contest.py", False),
    ("pkg/latest.py", False),
    ("tests.py", False),
])
def test_default_test_paths_are_pytests_conventions(relpath: str, test: bool) -> None:
    """The default `test-ignore` drops the blocking, concurrency and task families there and
    keeps the un-awaited (ASL2) and loop (ASL3) ones."""
    codes = Settings(root=Path("/p")).codes_for(Path("/p") / relpath)
    assert ("ASL100" not in codes) is test
    assert ("ASL400" not in codes and "ASL500" not in codes) is test
    assert "ASL200" in codes and "ASL301" in codes


def test_test_ignore_is_configurable_and_part_of_the_cache_key(tmp_path: Path) -> None:
    from asynclint.config import settings_from_table

    path = tmp_path / "tests" / "test_a.py"
    default = settings_from_table({}, tmp_path, "t")
    off = settings_from_table({"test-ignore": []}, tmp_path, "t")
    narrow = settings_from_table({"test-ignore": ["asl100"], "test-paths": ["tests/**"]},
                                 tmp_path, "t")
    elsewhere = settings_from_table({"test-paths": ["specs/**"]}, tmp_path, "t")
    assert "ASL100" not in default.codes_for(path) and "ASL500" not in default.codes_for(path)
    assert off.codes_for(path) == off.enabled_codes()
    assert narrow.test_ignore == ("ASL100",)  # normalised like `ignore`
    assert narrow.codes_for(path) == narrow.enabled_codes() - {"ASL100"}
    assert elsewhere.codes_for(path) == elsewhere.enabled_codes()
    # A file outside test code keeps every selected code.
    assert default.codes_for(tmp_path / "app" / "views.py") == default.enabled_codes()
    fingerprints = {s.fingerprint() for s in (default, off, narrow, elsewhere)}
    assert len(fingerprints) == 4


def test_test_ignore_codes_are_validated(tmp_path: Path) -> None:
    from asynclint.config import ConfigError, settings_from_table

    with pytest.raises(ConfigError, match="test-ignore"):
        settings_from_table({"test-ignore": ["ASL999"]}, tmp_path, "t")
    with pytest.raises(ConfigError, match="test-paths"):
        settings_from_table({"test-paths": "tests/**"}, tmp_path, "t")
