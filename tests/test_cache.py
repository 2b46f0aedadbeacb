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
