"""The cache never changes results: keyed by file content, settings and the rule set."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import ClassVar

import pytest

from asynclint.config import Settings, _enabled_codes
from asynclint.engine import RunOptions, check_paths
from asynclint.rules import REGISTRY, Rule
from tests.conftest import BAD

CACHED = RunOptions(use_cache=True, jobs=1)


class _PrintRule(Rule):
    code: ClassVar[str] = "ASL997"
    name: ClassVar[str] = "test-print"
    summary: ClassVar[str] = "test rule"
    explanation: ClassVar[str] = "test rule"
    bad_example: ClassVar[str] = ""
    good_example: ClassVar[str] = ""
    visits = (ast.Call,)

    def visit(self, node: ast.AST) -> None:
        assert isinstance(node, ast.Call)
        if isinstance(node.func, ast.Name) and node.func.id == "print":
            self.report(node, "print called")


def _codes(tmp_path: Path, settings: Settings) -> list[str]:
    reports = check_paths([(str(tmp_path / "a.py"), settings)], CACHED)
    return [d.code for r in reports for d in r.diagnostics]


def test_a_new_rule_is_not_hidden_by_the_cache(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text(BAD + "print(1)\n")
    settings = Settings(root=tmp_path)
    assert _codes(tmp_path, settings) == ["ASL100"]
    assert list((tmp_path / ".asynclint_cache").rglob("*.json"))
    monkeypatch.setitem(REGISTRY, _PrintRule.code, _PrintRule)
    _enabled_codes.cache_clear()
    try:
        assert sorted(_codes(tmp_path, settings)) == ["ASL100", "ASL997"]
    finally:
        monkeypatch.delitem(REGISTRY, _PrintRule.code)
        _enabled_codes.cache_clear()
    assert _codes(tmp_path, settings) == ["ASL100"]


def test_cached_and_fresh_results_agree(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    settings = Settings(root=tmp_path)
    first = check_paths([(str(tmp_path / "a.py"), settings)], CACHED)
    second = check_paths([(str(tmp_path / "a.py"), settings)], CACHED)
    assert not first[0].from_cache and second[0].from_cache
    assert first[0].diagnostics == second[0].diagnostics


def test_fix_edits_are_recomputed_for_cached_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    settings = Settings(root=tmp_path)
    check_paths([(str(tmp_path / "a.py"), settings)], CACHED)
    (report,) = check_paths([(str(tmp_path / "a.py"), settings)],
                            RunOptions(use_cache=True, jobs=1, want_fixes=True))
    assert report.diagnostics[0].fix is not None


def test_unwritable_cache_folder_does_not_fail_the_check(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / ".asynclint_cache").write_text("not a folder")
    assert _codes(tmp_path, Settings(root=tmp_path)) == ["ASL100"]


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    settings = Settings(root=tmp_path)
    _codes(tmp_path, settings)
    for f in (tmp_path / ".asynclint_cache").rglob("*.json"):
        f.write_text('{"a.py": [1, 2, 3]')
    assert _codes(tmp_path, settings) == ["ASL100"]
    for f in (tmp_path / ".asynclint_cache").rglob("*.json"):
        f.write_text('{"a.py": ["x", [["ASL100"]]]}')
    assert _codes(tmp_path, settings) == ["ASL100"]


def _flagged_fixtures() -> list[Path]:
    root = Path(__file__).resolve().parent.parent / "fixtures"
    return sorted(p for code in REGISTRY for p in (root / code).glob("flagged*.py")
                  if not p.name.endswith(".fixed.py"))


@pytest.mark.parametrize("fixture", _flagged_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_rules_findings_survive_the_cache(fixture: Path, tmp_path: Path) -> None:
    """Whatever a rule keeps for its fix (`fix_data`, Edits included) is written to the cache
    and read back unchanged, and a cached run reports and fixes exactly as a fresh one.
    (A rule's Edit in `fix_data` once crashed the README's first command.)"""
    from asynclint.cache import _decode, _encode

    target = tmp_path / "a.py"
    target.write_bytes(fixture.read_bytes())
    settings = Settings(root=tmp_path, select=(fixture.parent.name,))
    fresh = check_paths([(str(target), settings)],
                        RunOptions(use_cache=False, jobs=1))[0].diagnostics
    fresh_fixes = [d.fix for d in check_paths(
        [(str(target), settings)], RunOptions(use_cache=False, jobs=1, want_fixes=True)
    )[0].diagnostics]
    check_paths([(str(target), settings)], CACHED)
    (cached,) = check_paths([(str(target), settings)], CACHED)
    assert cached.from_cache
    assert cached.diagnostics == fresh
    (fixed,) = check_paths([(str(target), settings)],
                           RunOptions(use_cache=True, jobs=1, want_fixes=True))
    assert [d.fix for d in fixed.diagnostics] == fresh_fixes
    for d in cached.diagnostics:
        assert _decode(_encode(d), d.path).fix_data == d.fix_data
