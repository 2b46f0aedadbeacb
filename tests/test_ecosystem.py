"""The small part of the ecosystem run (scripts/ecosystem.py) that the test suite runs.

Three small real projects are downloaded (once, into the ecosystem cache outside the repo) and
checked with every rule: no crash, no internal error, every fix parses and is idempotent, and the
findings equal the committed snapshot. A failed download fails the test: skipping would hide that
the check did not run.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_script


def _load() -> ModuleType:
    return load_script("ecosystem.py", "asynclint_ecosystem")


eco = _load()


@pytest.mark.parametrize("name", eco.SMALL)
def test_small_project_matches_snapshot(name: str) -> None:
    project = eco.BY_NAME[name]
    try:
        tree = eco.fetch(project, eco.default_cache())
    except eco.FetchError as exc:
        pytest.fail(f"ecosystem download failed (network to the package mirror needed): {exc}")
    result = eco.check_project(project, tree, jobs=2)
    assert result.files > 0 and result.lines > 0
    assert result.problems == []
    diff = eco.snapshot_diff([result], eco.load_snapshot())
    assert diff == "", (
        "findings differ from ecosystem/snapshot.json; if intended, run "
        f"`python scripts/ecosystem.py --projects {name} --update`:\n{diff}"
    )


def test_snapshot_covers_every_project() -> None:
    snapshot = eco.load_snapshot()
    assert sorted(snapshot) == sorted(p.name for p in eco.PROJECTS)
    for name, entry in snapshot.items():
        assert entry["version"] == eco.BY_NAME[name].version, name
        assert sum(entry["findings_per_code"].values()) == len(entry["findings"]), name
    assert len(eco.PROJECTS) >= 15


def test_reliability_page_shows_the_snapshot() -> None:
    """docs/reliability.md's "Findings by project" table is the committed snapshot's, so the page
    never quotes a run nobody can reproduce (`python scripts/ecosystem.py --markdown`)."""
    page = (eco.REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    table = eco.snapshot_table(eco.load_snapshot())
    assert table in page, "regenerate the table with `python scripts/ecosystem.py --markdown`"
    assert f"pinned releases of {len(eco.PROJECTS)} real async projects" in page


def test_wheel_projects_unpack_from_their_wheel(tmp_path: Path) -> None:
    """A project pinned to its wheel is looked up as a `.whl`, never as an sdist of that name."""
    project = eco.Project("demo-app", "1.0", "application", dist="wheel")
    (tmp_path / "demo-app-1.0.tar.gz").write_bytes(b"")
    assert eco._find_sdist(tmp_path, project) is None
    wheel = tmp_path / "demo_app-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("demo_app/__init__.py", "x = 1\n")
    assert eco._find_sdist(tmp_path, project) == wheel
    eco._unpack(wheel, tmp_path / "out")
    assert (tmp_path / "out" / "demo_app" / "__init__.py").read_text() == "x = 1\n"
