"""Installed packages, read never imported: a small package "installed" into a scratch virtual
environment (as an installer leaves it: the package and its `.dist-info` with METADATA and
RECORD), then the real CLI pointed at it by `--python`, by `VIRTUAL_ENV`, or by a `.venv`
beside the project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.config.interpreter import current_site_dirs, site_dirs, venv_site_dirs
from asynclint.engine.index_store import ProjectIndex
from asynclint.engine.installed import find_installed, forget_sites
from tests.conftest import MODULE, clean_env

PACKAGE = {
    "__init__.py": (
        "from .client import Client, fetch\n\n"
        "__all__ = [\"Client\", \"fetch\", \"close\"]\n\n\n"
        "def close() -> None:\n"
        "    print(\"closed\")\n"
    ),
    "client.py": (
        "async def fetch(key: str) -> str:\n"
        "    return key\n\n\n"
        "class Client:\n"
        "    async def get(self, key: str) -> str:\n"
        "        return key\n\n"
        "    def close(self) -> None:\n"
        "        print(\"closed\")\n\n\n"
        "class Record:\n"
        "    def copy(self, *, exclude: set[str] | None = None) -> \"Record\":\n"
        "        return self\n\n\n"
        "def render(rows, title: str = \"\") -> str:\n"
        "    return title + \",\".join(row.name for row in rows)\n"
    ),
}
APP = (
    "import asyncpkg_fixture\n"
    "from asyncpkg_fixture.client import Client\n\n\n"
    "async def main(client: Client) -> None:\n"
    "    asyncpkg_fixture.fetch(\"a\")\n"
    "    client.get(\"b\")\n"
    "    await client.close()\n"
    "    await asyncpkg_fixture.fetch(\"c\")\n"
    "    await client.get(\"d\")\n"
)
# Findings on APP while `fetch` is an `async def` (version 1.0).
FOUND_V1 = [("ASL200", 6), ("ASL200", 7), ("ASL208", 8)]
# ... and once version 1.1 made `fetch` a plain `def` returning `str`.
FOUND_V2 = [("ASL200", 7), ("ASL208", 8), ("ASL208", 9)]


def install(venv: Path, version: str, fetch_async: bool = True) -> Path:
    """Write the package and its dist-info into the venv's site-packages, replacing any other
    version (as pip would)."""
    (site,) = venv_site_dirs(str(venv))
    site_path = Path(site)
    for old in site_path.glob("asyncpkg_fixture-*.dist-info"):
        shutil.rmtree(old)
    package = site_path / "asyncpkg_fixture"
    package.mkdir(exist_ok=True)
    for name, text in PACKAGE.items():
        if not fetch_async:
            text = text.replace("async def fetch", "def fetch")
        (package / name).write_text(text)
    info = site_path / f"asyncpkg_fixture-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: asyncpkg-fixture\nVersion: {version}\n\nA fixture.\n")
    (info / "RECORD").write_text("".join(
        f"{p},,\n" for p in ("asyncpkg_fixture/__init__.py", "asyncpkg_fixture/client.py",
                             f"{info.name}/METADATA", f"{info.name}/RECORD")))
    return site_path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch virtual environment (no pip: nothing is downloaded)."""
    where = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True,
                   capture_output=True, timeout=120)
    return where


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = \"proj\"\n")
    (project / "app.py").write_text(APP)
    return project


def _check(project: Path, *args: str, env: dict[str, str] | None = None) -> list[tuple[str, int]]:
    environ = clean_env()
    environ.pop("VIRTUAL_ENV", None)
    environ.update(env or {})
    done = subprocess.run([*MODULE, "check", "--output-format", "json", "--exit-zero", *args,
                           "."], cwd=project, capture_output=True, text=True, env=environ,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return sorted((d["code"], d["location"]["row"]) for d in json.loads(done.stdout))


def test_dropped_await_on_installed_package_via_python_setting(venv: Path,
                                                               tmp_path: Path) -> None:
    install(venv, "1.0")
    project = _project(tmp_path)
    assert _check(project, "--python", str(_python(venv))) == FOUND_V1
    # Not installed in the environment asynclint runs in: nothing is known, nothing reported.
    assert _check(project) == []


APP_VALUES = (
    "from asyncpkg_fixture.client import Record, render\n\n\n"
    "async def deny() -> set[str]:\n"
    "    return set()\n\n\n"
    "async def main(record: Record) -> None:\n"
    "    exclude = deny()\n"
    "    record.copy(exclude=exclude)\n"
    "    render(deny())\n"
    "    render([], title=deny())\n"
)


def test_coroutine_handed_to_installed_value_parameters(venv: Path, tmp_path: Path) -> None:
    """A parameter of an installed package that takes only a plain value (a concrete
    annotation, or a body that only iterates it) gets a coroutine: reported as for the
    project's own; with the package not installed, nothing is known."""
    install(venv, "1.0")
    project = _project(tmp_path)
    (project / "app.py").write_text(APP_VALUES)
    python = ("--python", str(_python(venv)))
    assert _check(project, *python, "--select", "ASL2") == [
        ("ASL201", 9), ("ASL202", 11), ("ASL202", 12)]
    assert _check(project, "--select", "ASL2") == []


def test_virtual_env_and_local_venv_are_honoured(venv: Path, tmp_path: Path) -> None:
    install(venv, "1.0")
    project = _project(tmp_path)
    assert _check(project, env={"VIRTUAL_ENV": str(venv)}) == FOUND_V1
    (project / ".venv").symlink_to(venv, target_is_directory=True)
    assert _check(project, "--no-cache") == FOUND_V1


def test_new_version_invalidates_cached_results(venv: Path, tmp_path: Path) -> None:
    install(venv, "1.0")
    project = _project(tmp_path)
    python = str(_python(venv))
    assert _check(project, "--python", python) == FOUND_V1
    assert _check(project, "--python", python) == FOUND_V1  # warm: from the cache
    install(venv, "1.1", fetch_async=False)
    warm = _check(project, "--python", python)
    assert warm == _check(project, "--python", python, "--no-cache") == FOUND_V2
    index = json.loads(next((project / ".asynclint_cache").rglob("index-v*.json")).read_text())
    assert {k.split(":")[1] for k in index} == {"asyncpkg_fixture==1.0", "asyncpkg_fixture==1.1"}


def test_installing_the_package_invalidates_cached_results(venv: Path, tmp_path: Path) -> None:
    (site,) = venv_site_dirs(str(venv))
    shutil.rmtree(Path(site) / "asyncpkg_fixture", ignore_errors=True)
    for old in Path(site).glob("asyncpkg_fixture-*.dist-info"):
        shutil.rmtree(old)
    project = _project(tmp_path)
    python = str(_python(venv))
    assert _check(project, "--python", python) == []
    install(venv, "1.0")
    assert _check(project, "--python", python) == FOUND_V1


def test_python_setting_in_pyproject_is_relative_to_the_root(venv: Path,
                                                             tmp_path: Path) -> None:
    install(venv, "1.0")
    project = _project(tmp_path)
    shutil.copytree(venv, project / "env", symlinks=True)
    (project / "pyproject.toml").write_text(
        "[project]\nname = \"proj\"\n\n[tool.asynclint]\npython = \"env\"\n")
    assert _check(project) == FOUND_V1


def test_summaries_kept_by_version_are_not_parsed_again(venv: Path) -> None:
    site = str(install(venv, "1.0"))
    forget_sites()
    found = find_installed((site,), "asyncpkg_fixture.client")
    assert found is not None and found[1] == "asyncpkg_fixture==1.0"
    index = ProjectIndex(None)
    first = index.installed_entry(found[0], found[1], "asyncpkg_fixture.client")
    again = index.installed_entry(found[0], found[1], "asyncpkg_fixture.client")
    assert first is again and index.parsed == 1
    assert first is not None and first.summary.classes["Client"].methods["get"] is not None
    assert find_installed((site,), "asyncpkg_fixture.missing") is None
    assert find_installed((site,), "not_installed_at_all") is None


def test_order_of_environments(venv: Path, tmp_path: Path) -> None:
    (site,) = venv_site_dirs(str(venv))
    other = tmp_path / "other"
    shutil.copytree(venv, other, symlinks=True)
    (other_site,) = venv_site_dirs(str(other))
    (tmp_path / ".venv").symlink_to(other, target_is_directory=True)
    assert site_dirs(tmp_path, str(venv), {"VIRTUAL_ENV": str(other)}) == (site,)
    assert site_dirs(tmp_path, None, {"VIRTUAL_ENV": str(venv)}) == (site,)
    assert site_dirs(tmp_path, None, {}) == (os.path.join(tmp_path, ".venv", *Path(
        other_site).relative_to(other).parts),)
    # Without `.venv`, a `venv` folder at the root; with neither, this interpreter's.
    (tmp_path / ".venv").unlink()
    (tmp_path / "venv").symlink_to(venv, target_is_directory=True)
    assert site_dirs(tmp_path, None, {}) == (os.path.join(tmp_path, "venv", *Path(
        site).relative_to(venv).parts),)
    (tmp_path / "venv").unlink()
    assert site_dirs(tmp_path, None, {}) == current_site_dirs()
