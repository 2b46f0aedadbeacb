"""Environment facts record every file they read or looked for, and only those."""

from __future__ import annotations

from pathlib import Path

from asynclint.config.environment import EXISTS, READ, Environment, still_valid


def test_every_probe_is_recorded_and_a_change_to_any_invalidates(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\nasyncio_mode = "auto"\n')
    (tmp_path / "tests").mkdir()
    env = Environment()
    assert env.pytest_asyncio_mode(tmp_path / "tests") == "auto"
    deps = env.dep_list()
    probed = {(kind, Path(path).relative_to(tmp_path).as_posix()) for kind, path, _ in deps}
    # The tests folder's five candidates (absent), then the root's up to pyproject.toml.
    assert (READ, "tests/pytest.ini") in probed and (READ, "tests/setup.cfg") in probed
    assert (READ, "pyproject.toml") in probed and (READ, "tox.ini") not in probed
    assert still_valid(deps)
    # A config file appearing closer to the tests wins: the result must be recomputed.
    (tmp_path / "tests" / "pytest.ini").write_text("[pytest]\n")
    assert not still_valid(deps)
    (tmp_path / "tests" / "pytest.ini").unlink()
    assert still_valid(deps)
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\nasyncio_mode = "strict"\n')
    assert not still_valid(deps)


def test_the_conftest_walk_records_the_project_markers_it_stopped_at(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    env = Environment()
    assert not env.conftest_names_other_runner(tmp_path / "pkg")
    deps = env.dep_list()
    assert [EXISTS, str(tmp_path / "pyproject.toml"), "+"] in deps
    (tmp_path / "conftest.py").write_text("import trio\n")
    assert not still_valid(deps)
    assert Environment().conftest_names_other_runner(tmp_path / "pkg")


def test_requires_python_is_read_fresh_each_time(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nrequires-python = ">=3.9"\n')
    assert Environment().requires_python_minor(pyproject) == 9
    pyproject.write_text('[project]\nrequires-python = ">=3.11"\n')
    assert Environment().requires_python_minor(pyproject) == 11
    assert Environment().requires_python_minor(tmp_path / "missing.toml") is None


def test_entries_of_other_kinds_are_left_to_their_own_checker() -> None:
    assert still_valid([["app.helpers", "/nowhere/helpers.py", "0123"]])
