"""The small part of the ecosystem run (scripts/ecosystem.py) that the test suite runs.

Three small real projects are downloaded (once, into the ecosystem cache outside the repo) and
checked with every rule: no crash, no internal error, every fix parses and is idempotent, and the
findings equal the committed snapshot. A failed download fails the test: skipping would hide that
the check did not run.
"""

from __future__ import annotations

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
