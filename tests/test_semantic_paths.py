"""What a file is by its path (semantic/paths.py): a test, or a script run rather than
imported."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from asynclint.semantic.paths import is_script_path, is_test_path


@pytest.mark.parametrize("path, script", [
    ("pkg/__main__.py", True),
    ("pkg/conftest.py", True),
    ("pkg/test_api.py", True),
    ("pkg/api_test.py", True),
    ("setup.py", True),
    ("scripts/pkg/load.py", True),
    ("examples/app/main.py", True),
    ("pkg/api.py", False),
    ("src/pkg/api.py", False),
    ("pkg/testing_utils.py", False),
])
def test_script_paths(path: str, script: bool) -> None:
    assert is_script_path(path, PurePath("."), 2) is script


def test_script_folders_outside_the_project_count_only_near_the_module() -> None:
    # A checkout under ~/tools/ is not a script folder; the package's own parent is.
    assert not is_script_path("/home/me/tools/proj/pkg/api.py", PurePath("/elsewhere"), 2)
    assert is_script_path("/home/me/proj/examples/pkg/api.py", PurePath("/elsewhere"), 2)


@pytest.mark.parametrize("path, test", [
    ("tests/test_views.py", True),
    ("pkg/tests/helpers.py", True),
    ("app/views_test.py", True),
    ("conftest.py", True),
    ("testing/fixtures.py", True),
    ("app/contest.py", False),
    ("app/views.py", False),
])
def test_test_paths(path: str, test: bool) -> None:
    assert is_test_path(path) is test
