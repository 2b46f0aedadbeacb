"""The pytest door, driven by pytest's own `pytester`: `pytest --asynclint` as a user runs it."""

from __future__ import annotations

import importlib.util

import pytest

pytest_plugins = ["pytester"]

BAD = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"
# pytester's in-process runs re-import every plugin each time; the heavy unrelated ones are left
# out except in the first test, which runs with every installed plugin.
LEAN = ("-p", "no:hypothesispytest", "-p", "no:pytest-lsp", "-p", "no:asyncio")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*LEAN, *args)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(app=BAD, clean=CLEAN)
    return pytester


def test_failing_and_passing_items(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = project.runpytest("--asynclint", "-v")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([
        "*app.py::ASYNCLINT FAILED*",
        "*clean.py::ASYNCLINT PASSED*",
    ])
    # The failure is the `full` report: code, message, location, source line, fix hint.
    result.stdout.fnmatch_lines([
        "*_ app.py _*",
        "ASL100 [[]*[]] `time.sleep` blocks the event loop inside `async def`*",
        " --> app.py:5:5",
        "5 |     time.sleep(1)",
        "  |     ^^^^^^^^^^^^^",
        "help: Replace with `await asyncio.sleep(...)`",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_nothing_happens_without_the_flag(project: pytest.Pytester) -> None:
    result = run(project, "-v")
    assert "ASYNCLINT" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_without_the_flag_the_engine_is_never_imported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(app=BAD, test_ok="def test_ok():\n    pass\n")
    pytester.makeconftest(
        "import sys\n\n\ndef pytest_sessionfinish(session):\n"
        "    loaded = [m for m in ('asynclint.pytest_plugin', 'asynclint.engine', "
        "'asynclint.config', 'asynclint.rules') if m in sys.modules]\n"
        "    open('loaded.txt', 'w').write(' '.join(loaded))\n"
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    # The plugin is loaded (entry point), and it pulled in nothing of the engine.
    assert (pytester.path / "loaded.txt").read_text() == "asynclint.pytest_plugin"


def test_marker_deselects_the_items(project: pytest.Pytester) -> None:
    project.makepyfile(test_ok="def test_ok():\n    pass\n")
    result = run(project, "--asynclint", "--strict-markers", "-m", "not asynclint")
    result.assert_outcomes(passed=1, deselected=3)
    only = run(project, "--asynclint", "-m", "asynclint")
    only.assert_outcomes(failed=1, passed=2, deselected=1)
    markers = run(project, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.asynclint:*"])


def test_select_and_ignore_options(project: pytest.Pytester) -> None:
    run(project, "--asynclint", "--asynclint-ignore", "ASL100").assert_outcomes(passed=2)
    run(project, "--asynclint", "--asynclint-select", "ASL1").assert_outcomes(
        failed=1, passed=1)
    bad = run(project, "--asynclint", "--asynclint-select", "ASL999")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*Unknown rule selector `ASL999`*"])


def test_ini_options(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nasynclint_ignore = ASL100\n")
    run(project, "--asynclint").assert_outcomes(passed=2)
    project.makeini("[pytest]\nasynclint_select = ASL1\n")
    run(project, "--asynclint").assert_outcomes(failed=1, passed=1)
    # The command line replaces the ini option (here an invalid one that would be an error).
    project.makeini("[pytest]\nasynclint_ignore = ASL999\n")
    assert run(project, "--asynclint").ret == pytest.ExitCode.USAGE_ERROR
    run(project, "--asynclint", "--asynclint-ignore", "ASL100").assert_outcomes(passed=2)


def test_tool_asynclint_settings_and_exclude(project: pytest.Pytester) -> None:
    project.makepyprojecttoml('[tool.asynclint]\nignore = ["ASL100"]\n')
    run(project, "--asynclint").assert_outcomes(passed=2)
    project.makepyprojecttoml('[tool.asynclint]\nextend-exclude = ["app.py"]\n')
    result = run(project, "--asynclint", "-v")
    result.assert_outcomes(passed=1)
    assert "app.py::ASYNCLINT" not in result.stdout.str()


def test_pytest_ignore_is_respected(project: pytest.Pytester) -> None:
    result = run(project, "--asynclint", "--ignore=app.py", "-v")
    result.assert_outcomes(passed=1)
    assert "app.py::ASYNCLINT" not in result.stdout.str()


def test_a_config_error_fails_the_item_with_its_cause(project: pytest.Pytester) -> None:
    project.makepyprojecttoml("[tool.asynclint]\nnot-a-setting = 1\n")
    result = run(project, "--asynclint")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*unknown setting `not-a-setting` in [[]tool.asynclint[]]*"])


@pytest.mark.parametrize("extra", [(), ("-p", "no:cacheprovider")])
def test_second_run_is_served_from_the_cache(project: pytest.Pytester,
                                             extra: tuple[str, ...]) -> None:
    first = run(project, "--asynclint", *extra)
    first.assert_outcomes(failed=1, passed=1)
    first.stdout.fnmatch_lines(["asynclint: 2 file(s) checked, 0 served from the cache"])
    second = run(project, "--asynclint", *extra)
    second.assert_outcomes(failed=1, passed=1)  # cached findings still fail the item
    second.stdout.fnmatch_lines(["asynclint: 0 file(s) checked, 2 served from the cache"])
    project.makepyfile(app=CLEAN)  # a changed file is checked again
    third = run(project, "--asynclint", *extra)
    third.assert_outcomes(passed=2)
    third.stdout.fnmatch_lines(["asynclint: 1 file(s) checked, 1 served from the cache"])


def test_no_cache_environment_variable(project: pytest.Pytester,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASYNCLINT_NO_CACHE", "1")
    run(project, "--asynclint")
    again = run(project, "--asynclint")
    again.stdout.fnmatch_lines(["asynclint: 2 file(s) checked, 0 served from the cache"])
    assert not (project.path / ".asynclint_cache").exists()


@pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="pytest-xdist not installed")
def test_xdist_workers_fill_one_cache(project: pytest.Pytester) -> None:
    project.makepyfile(other=BAD, more=CLEAN)
    result = project.runpytest_subprocess(*LEAN, "--asynclint", "-n", "2")
    result.assert_outcomes(failed=2, passed=2)
    result.stdout.fnmatch_lines(["asynclint: 4 file(s) checked, 0 served from the cache"])
    # The controller wrote what both workers checked: a serial run re-checks nothing.
    again = run(project, "--asynclint")
    again.assert_outcomes(failed=2, passed=2)
    again.stdout.fnmatch_lines(["asynclint: 0 file(s) checked, 4 served from the cache"])


def test_async_tests_and_fixtures_are_coroutines_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_async=(
        "import time\n\nimport pytest\n\n\n"
        "@pytest.fixture\nasync def resource():\n    time.sleep(0.1)\n    return 1\n\n\n"
        "async def test_uses(resource):\n    time.sleep(0.1)\n\n\n"
        "def test_sync():\n    time.sleep(0)\n"
    ))
    # By default a test that blocks is not reported (`test-ignore`: the ASL1 family)...
    run(pytester, "--asynclint", "-m", "asynclint").assert_outcomes(passed=1, deselected=2)
    # ... and with `test-ignore = []` the async test and fixture are checked as coroutines.
    pytester.makepyprojecttoml("[tool.asynclint]\ntest-ignore = []\n")
    result = run(pytester, "--asynclint", "-m", "asynclint")
    result.assert_outcomes(failed=1, deselected=2)
    out = result.stdout.str()
    assert " --> test_async.py:8:5" in out and " --> test_async.py:13:5" in out
    assert "test_async.py:17" not in out  # a sync test may sleep


HELPERS = "import time\n\n\ndef pause():\n    time.sleep(1)\n"
VIEWS = "from helpers import pause\n\n\nasync def view():\n    pause()\n"


def _index_files(root: pytest.Pytester) -> dict[str, object]:
    import json

    found: dict[str, object] = {}
    for index in (root.path / ".asynclint_cache").rglob("index-v*.json"):
        found.update(json.loads(index.read_text()))
    return found


@pytest.mark.parametrize("workers", [(), ("-n", "2")])
def test_the_project_index_is_saved(pytester: pytest.Pytester,
                                    workers: tuple[str, ...]) -> None:
    """A later run (any door) reuses the summaries of the modules this run looked up."""
    if workers and importlib.util.find_spec("xdist") is None:
        pytest.skip("pytest-xdist not installed")
    pytester.makepyfile(helpers=HELPERS, views=VIEWS, other=CLEAN, more=CLEAN)
    pytester.makefile(".toml", pyproject="")
    result = pytester.runpytest_subprocess(*LEAN, "--asynclint", *workers)
    result.assert_outcomes(failed=1, passed=3)  # views: ASL106, through helpers.pause
    assert any(path.endswith("helpers.py") for path in _index_files(pytester))


def test_code_frames_are_decoded_as_the_file_declares(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nimport time\n\n\nasync def caf\xe9():\n"
        b"    time.sleep(1)  # \xe9t\xe9\n")
    result = run(pytester, "--asynclint", "latin.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*time.sleep(1)  # été*"])
