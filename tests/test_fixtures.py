"""The fixture-driven rule tests: every rule proves itself with files, not code.

Layout (fixtures/README.md): `fixtures/<CODE>/flagged*.py` mark each expected finding with
`# expect: <CODE>[, <CODE>...]` on its line; `clean*.py` must produce none; `<name>.fixed.py` is
the exact result of `--fix --unsafe-fixes --select <CODE>`; a sub-folder is a multi-module
project checked as a whole; an optional first line `# asynclint-config: <inline TOML>` gives
settings. A new rule only adds files here.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from asynclint.config import Settings, settings_from_table
from asynclint.engine.run import FileReport, RunOptions, check_paths
from asynclint.rules import REGISTRY
from asynclint.source import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(ASL\d+(?:\s*,\s*ASL\d+)*)")
CONFIG = re.compile(r"#\s*asynclint-config:\s*(.*)")
CHECK = RunOptions(use_cache=False, jobs=1)
FIX = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=1)


def _code_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.fullmatch(r"ASL\d+", p.name))


def _inputs(folder: Path) -> list[Path]:
    """The fixture inputs of a folder (not recursive): .py files that are not expected outputs."""
    return sorted(p for p in folder.glob("*.py") if not p.name.endswith(".fixed.py"))


def _cases() -> list[tuple[str, Path, list[Path]]]:
    """(code, root, files checked together): each top-level file alone, each project whole."""
    cases: list[tuple[str, Path, list[Path]]] = []
    for code_dir in _code_dirs():
        cases += [(code_dir.name, code_dir, [f]) for f in _inputs(code_dir)]
        for project in sorted(p for p in code_dir.iterdir() if p.is_dir()):
            files = sorted(p for p in project.rglob("*.py") if not p.name.endswith(".fixed.py"))
            if files:
                cases.append((code_dir.name, project, files))
    return cases


CASES = _cases()


def _case_id(case: tuple[str, Path, list[Path]]) -> str:
    _code, root, files = case
    target = root if len(files) > 1 or files[0].parent != root else files[0]
    return target.relative_to(FIXTURES).as_posix()


def _settings(code: str, root: Path, files: list[Path]) -> Settings:
    settings = Settings(root=root, select=(code,))
    first = files[0].read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    m = CONFIG.match(first)
    if m:
        table = tomllib.loads(m.group(1))
        settings = settings_from_table(table, root, f"{files[0]}: asynclint-config", settings)
    return replace(settings, select=settings.select or (code,))


def _run(files: list[Path], settings: Settings, options: RunOptions) -> list[FileReport]:
    reports = check_paths([(str(f), settings) for f in files], options)
    for report in reports:
        assert not report.internal_error, report.errors
    return reports


def _expected(path: Path) -> Counter[tuple[str, int, str]]:
    found: Counter[tuple[str, int, str]] = Counter()
    text = SourceFile.from_bytes(path.read_bytes()).text
    for row, line in enumerate(text.splitlines(), start=1):
        m = EXPECT.search(line)
        if m:
            for code in m.group(1).split(","):
                found[(str(path), row, code.strip())] += 1
    return found


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_findings(case: tuple[str, Path, list[Path]]) -> None:
    code, root, files = case
    reports = _run(files, _settings(code, root, files), CHECK)
    got = Counter((r.path, d.start.row, d.code) for r in reports for d in r.diagnostics)
    expected: Counter[tuple[str, int, str]] = Counter()
    for f in files:
        expected += _expected(f)
        if f.name.startswith("clean"):
            assert not _expected(f), f"{f.name}: a clean fixture must not expect findings"
    assert got == expected, (
        f"missing: {sorted((expected - got).elements())}\n"
        f"unexpected: {sorted((got - expected).elements())}"
    )


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_fixes(case: tuple[str, Path, list[Path]], tmp_path: Path) -> None:
    code, root, files = case
    settings = _settings(code, root, files)
    reports = {r.path: r for r in _run(files, settings, FIX)}
    for f in files:
        report = reports[str(f)]
        expected_file = f.with_name(f.name[: -len(".py")] + ".fixed.py")
        if not expected_file.exists():
            assert report.fixed_text is None, (
                f"{f.name}: fixes change the file; add {expected_file.name} with the result:\n"
                f"{report.fixed_text}"
            )
            continue
        expected = SourceFile.from_bytes(expected_file.read_bytes()).text
        assert report.fixed_text is not None, f"{f.name}: no fix applied"
        assert report.fixed_text == expected
        assert not report.errors, report.errors
        ast.parse(report.fixed_text)
    # Fixing the fixed files again changes nothing (idempotence), checked as a whole project.
    again_dir = tmp_path / root.name
    again_files = []
    for f in files:
        target = again_dir / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        fixed = f.with_name(f.name[: -len(".py")] + ".fixed.py")
        target.write_bytes((fixed if fixed.exists() else f).read_bytes())
        again_files.append(target)
    for report in _run(again_files, replace(settings, root=again_dir), FIX):
        assert report.fixed_text is None, f"{report.path}: a second --fix changed:\n" + (
            report.fixed_text or ""
        )


def test_every_fixture_folder_is_a_registered_rule() -> None:
    unknown = [d.name for d in _code_dirs() if d.name not in REGISTRY]
    assert not unknown, f"fixtures for unregistered codes: {unknown}"


def test_every_rule_has_flagged_and_clean_fixtures() -> None:
    missing = []
    for code in sorted(REGISTRY):
        folder = FIXTURES / code
        names = [p.name for p in _inputs(folder)] if folder.is_dir() else []
        projects = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        if not projects and not (any(n.startswith("flagged") for n in names)
                                 and any(n.startswith("clean") for n in names)):
            missing.append(code)
    assert not missing, f"rules without flagged*.py and clean*.py fixtures: {missing}"


def test_runner_sees_the_first_rule() -> None:
    """Guard against a runner that silently finds nothing to run."""
    assert any(code == "ASL100" for code, _, _ in CASES)
    assert sum(sum(_expected(f).values()) for _, _, files in CASES for f in files) >= 10


def test_runner_handles_projects_and_config_lines(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The parts of the format no rule uses yet: project folders and `# asynclint-config:`."""
    import tests.test_fixtures as runner

    project = tmp_path / "ASL100" / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "jobs.py").write_text(
        "import time\n\n\nasync def job():\n    time.sleep(1)  # expect: ASL100\n")
    (project / "pkg" / "jobs.fixed.py").write_text(
        "import time\nimport asyncio\n\n\nasync def job():\n"
        "    await asyncio.sleep(1)  # expect: ASL100\n")
    (project / "main.py").write_text("from pkg.jobs import job\n")
    (tmp_path / "ASL100" / "clean_config.py").write_text(
        '# asynclint-config: per-file-ignores = {"clean_*.py" = ["ASL100"]}\n'
        "import time\n\n\nasync def f():\n    time.sleep(1)\n")
    monkeypatch.setattr(runner, "FIXTURES", tmp_path)
    cases = runner._cases()
    assert [runner._case_id(c) for c in cases] == ["ASL100/clean_config.py", "ASL100/proj"]
    for case in cases:
        runner.test_findings(case)
        runner.test_fixes(case, tmp_path / "again" / runner._case_id(case).replace("/", "_"))
    # And it can fail: an expectation that is not met.
    (project / "main.py").write_text("x = 1  # expect: ASL100\n")
    with pytest.raises(AssertionError, match="missing"):
        runner.test_findings(runner._cases()[1])
