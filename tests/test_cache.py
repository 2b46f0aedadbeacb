"""The cache never changes results: keyed by file content, settings and the rule set."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
from pathlib import Path
from typing import ClassVar

import pytest

from asynclint.codes import CODES
from asynclint.config import Settings
from asynclint.config.selection import enabled_codes
from asynclint.diagnostics import Diagnostic
from asynclint.engine.result_cache import CacheStore
from asynclint.engine.run import RunOptions, check_paths
from asynclint.rules import REGISTRY, Rule
from tests.conftest import BAD, fixture_id, flagged_fixtures

CACHED = RunOptions(use_cache=True, jobs=1)


class _PrintRule(Rule):
    code: ClassVar[str] = "ASL997"
    name: ClassVar[str] = "test-print"
    summary: ClassVar[str] = "test rule"
    explanation: ClassVar[str] = "test rule"
    bad_example: ClassVar[str] = ""
    good_example: ClassVar[str] = ""

    def visit_Call(self, node: ast.Call) -> None:
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
    # A new rule: registered, and in the code table selection reads.
    monkeypatch.setitem(REGISTRY, _PrintRule.code, _PrintRule)
    monkeypatch.setitem(CODES, _PrintRule.code, True)
    enabled_codes.cache_clear()
    try:
        assert sorted(_codes(tmp_path, settings)) == ["ASL100", "ASL997"]
    finally:
        monkeypatch.undo()
        enabled_codes.cache_clear()
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


@pytest.mark.parametrize("deps, trusted", [
    ([], True),
    ([["app.db", "/p/app/db.py", "0f"], ["os", "", ""]], True),
    ([["app.db", "/p/app/db.py", "0f", "22:1:2"]], True),  # with the stat it was summarised at
    ("not a list", False),
    ([["app.db", "/p/app/db.py"]], False),
    ([["app.db", "/p/app/db.py", "0f", "22:1:2", "extra"]], False),
    ([[1, "/p/app/db.py", "0f"]], False),
    ([["app.db", None, "0f"]], False),
    ([["app.db", "/p/app/db.py", ["0f"]]], False),
    ([["app.db", "/p/app/db.py", "0f", 22]], False),
    ([("app.db", "/p/app/db.py", "0f")], False),
])
def test_a_cached_entry_is_trusted_only_with_dependencies_of_its_shape(
        tmp_path: Path, deps: object, trusted: bool) -> None:
    store = CacheStore(Settings(root=tmp_path))
    store._raw = {"a.py": ["digest", [], deps]}
    entry = store.get("a.py", str(tmp_path / "a.py"))
    assert (entry is not None) == trusted
    if entry is not None:
        assert entry.deps == deps


@pytest.mark.parametrize("fixture", flagged_fixtures(), ids=fixture_id)
def test_every_rules_findings_survive_the_cache(fixture: Path, tmp_path: Path) -> None:
    """The cache keeps whether a finding offers a fix (with its title and applicability, which
    text output shows), never the rule's plan for it: a cached run reports exactly as a fresh
    one, and a run that wants fixes analyses a file whose findings offer one again, so it
    fixes exactly as a fresh one."""
    from asynclint.engine.result_cache import decode_diagnostic, encode_diagnostic

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
    assert [d.offers_fix for d in cached.diagnostics] == [d.offers_fix for d in fresh]
    assert all(d.fix_plan is None for d in cached.diagnostics)
    (fixed,) = check_paths([(str(target), settings)],
                           RunOptions(use_cache=True, jobs=1, want_fixes=True))
    assert fixed.from_cache is not any(d.offers_fix for d in fresh)
    assert [d.fix for d in fixed.diagnostics] == fresh_fixes
    # That run stored the fixes: the next one reads them, and a text run still reads the
    # findings as found.
    (again,) = check_paths([(str(target), settings)],
                           RunOptions(use_cache=True, jobs=1, want_fixes=True))
    assert again.from_cache and again.diagnostics == fixed.diagnostics
    (text,) = check_paths([(str(target), settings)], CACHED)
    assert text.from_cache and text.diagnostics == fresh
    for d in fresh:
        encoded = encode_diagnostic(d)
        assert encoded[-1] is d.offers_fix and json.loads(json.dumps(encoded)) == encoded
        decoded = decode_diagnostic(encoded, d.path)
        assert decoded == d and decoded.fix_plan is None
        assert (decoded.offers_fix, decoded.fix_title, decoded.applicability) == (
            d.offers_fix, d.fix_title, d.applicability)


def test_a_fix_that_could_not_be_built_is_cached_as_such() -> None:
    """A finding whose fix could not be built is printed with no fix by the formats that
    print edits, and as offering one by text output: the cache keeps both readings."""
    from asynclint.diagnostics import Applicability, Edit, Fix, Location
    from asynclint.engine.result_cache import decode_diagnostic, decode_fixed, encode_diagnostic

    found = Diagnostic("ASL100", "blocking-sleep", "m", "a.py", Location(3, 4), Location(3, 9),
                       3, "Use `asyncio.sleep`", Applicability.SAFE)
    unbuilt = dataclasses.replace(found, fix_title=None, applicability=None)
    fix = Fix("Use `asyncio.sleep`", Applicability.SAFE,
              (Edit("asyncio.sleep", Location(3, 4), Location(3, 9)),
               Edit("import asyncio\n", Location(1, 0), Location(1, 0))))
    built = dataclasses.replace(found, fix=fix)
    for fixed in (unbuilt, built):
        encoded = json.loads(json.dumps(encode_diagnostic(found, fixed)))
        assert decode_diagnostic(encoded, "a.py") == found
        assert decode_fixed(encoded, found) == fixed
    assert decode_fixed(encode_diagnostic(found), found) is None  # never computed
    with pytest.raises(TypeError):
        decode_fixed([*encode_diagnostic(found), ["title", "safe", [["x", 0, 0, 1, 0]]]], found)


def test_an_entry_that_kept_a_plan_is_not_trusted(tmp_path: Path) -> None:
    """Entries written when the cache kept the rules' fix data (a list, or None, where the
    flag is now) are analysed again, never read as findings without a fix."""
    from asynclint.engine.result_cache import decode_diagnostic, encode_diagnostic

    target = tmp_path / "a.py"
    target.write_text(BAD)
    settings = Settings(root=tmp_path)
    (report,) = check_paths([(str(target), settings)], CACHED)
    (finding,) = report.diagnostics
    assert finding.offers_fix
    for old in ([False, 5, 9], None):
        with pytest.raises(TypeError):
            decode_diagnostic([*encode_diagnostic(finding)[:-1], old], finding.path)
    (cache_file,) = (f for f in (tmp_path / ".asynclint_cache").rglob("*.json")
                     if not f.name.startswith("index"))
    data = json.loads(cache_file.read_text())
    data["a.py"][1][0][-1] = [False, 5, 9]  # ASL100's data, as it was cached
    cache_file.write_text(json.dumps(data))
    assert _store(settings).get("a.py", str(target)) is None
    (again,) = check_paths([(str(target), settings)], CACHED)
    assert not again.from_cache and again.diagnostics == report.diagnostics
    assert again.diagnostics[0].offers_fix


# -- the stat shortcut: a file whose stat is unchanged is not read (see `result_cache.stat_key`)
QUIET = BAD.replace("time.sleep(", "time.slept(")  # same size, nothing to report
SECOND = 1_000_000_000


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Runs from now on take their stats `seconds` after now."""
    import time

    from asynclint.engine import result_cache

    monkeypatch.setattr(result_cache, "clock", lambda: time.time_ns() + int(seconds * SECOND))


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from asynclint.engine import run

    reads: list[str] = []
    real = run._read

    def read(path: str) -> bytes | object:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(run, "_read", read)
    return reads


def _store(settings: Settings) -> CacheStore:
    store = CacheStore(settings)
    store.load()
    return store


def test_an_unchanged_stat_spares_reading_the_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.py"
    target.write_text(BAD)
    settings = Settings(root=tmp_path)
    _later(monkeypatch, 10)
    assert _codes(tmp_path, settings) == ["ASL100"]
    assert _store(settings).stat_of("a.py") is not None
    reads = _count_reads(monkeypatch)
    (report,) = check_paths([(str(target), settings)], CACHED)
    assert report.from_cache and [d.code for d in report.diagnostics] == ["ASL100"]
    assert reads == []


def test_new_content_of_the_same_size_and_mtime_is_seen(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """As a tool that restores timestamps (`cp -p`, `rsync -t`) leaves it: the ctime, which
    no tool can set, still changes."""
    target = tmp_path / "a.py"
    target.write_text(BAD)
    settings = Settings(root=tmp_path)
    _later(monkeypatch, 10)
    assert _codes(tmp_path, settings) == ["ASL100"]
    assert _codes(tmp_path, settings) == ["ASL100"]
    before = target.stat()
    target.write_text(QUIET)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert _codes(tmp_path, settings) == []


class _CoarseStat:
    """A stat as a file system with coarse timestamps gives it: both changes of the file
    fall in one tick, so mtime and ctime stay the same."""

    def __init__(self, real: os.stat_result, tick: int) -> None:
        self._real = real
        self.st_mtime_ns = self.st_ctime_ns = tick

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


@pytest.mark.parametrize("gap", [0.5, 2.9])
def test_a_file_changed_just_before_the_run_is_not_trusted_by_stat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gap: float) -> None:
    """A file changed within `RACY_NS` of the stat may change again within the same tick:
    its stat is not recorded, so the next run reads it."""
    import time

    target = tmp_path / "a.py"
    target.write_text(BAD)
    settings = Settings(root=tmp_path)
    tick = time.time_ns()
    real_stat = os.stat

    def coarse(path: object, *args: object, **kwargs: object) -> object:
        st = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        return _CoarseStat(st, tick) if str(path) == str(target) else st

    monkeypatch.setattr(os, "stat", coarse)
    monkeypatch.setattr("asynclint.engine.result_cache.clock", lambda: tick + int(gap * SECOND))
    assert _codes(tmp_path, settings) == ["ASL100"]
    assert _store(settings).stat_of("a.py") is None
    target.write_text(QUIET)  # same size, and (coarse) the same timestamps
    assert _codes(tmp_path, settings) == []
    # The same file system, the file last changed long before the run: the stat is recorded.
    monkeypatch.setattr("asynclint.engine.result_cache.clock", lambda: tick + 10 * SECOND)
    _codes(tmp_path, settings)
    assert _store(settings).stat_of("a.py") is not None


def test_a_content_hit_records_the_stat_once_it_can_be_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.py"
    target.write_text(BAD)
    settings = Settings(root=tmp_path)
    assert _codes(tmp_path, settings) == ["ASL100"]  # just written: no stat recorded
    assert _store(settings).stat_of("a.py") is None
    reads = _count_reads(monkeypatch)
    assert _codes(tmp_path, settings) == ["ASL100"]
    assert reads == [str(target)]  # confirmed by content
    _later(monkeypatch, 10)
    assert _codes(tmp_path, settings) == ["ASL100"]  # confirmed by content, stat recorded
    assert len(reads) == 2 and _store(settings).stat_of("a.py") is not None
    assert _codes(tmp_path, settings) == ["ASL100"]
    assert len(reads) == 2


def test_a_stat_in_a_foreign_shape_is_not_trusted(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.py"
    target.write_text(BAD)
    settings = Settings(root=tmp_path)
    _later(monkeypatch, 10)
    _codes(tmp_path, settings)
    (cache_file,) = (f for f in (tmp_path / ".asynclint_cache").rglob("*.json")
                     if not f.name.startswith("index"))
    data = json.loads(cache_file.read_text())
    for bad in ([True, 1, 2, 3], [1, 2, 3], "x", [1.5, 2, 3, 4]):
        data["a.py"][3] = bad
        cache_file.write_text(json.dumps(data))
        assert _store(settings).stat_of("a.py") is None
