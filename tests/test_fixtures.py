"""The fixture-driven rule tests: every rule proves itself with files, not code.

Layout (fixtures/README.md): `fixtures/<CODE>/flagged*.py` mark each expected finding with
`# expect: <CODE>[, <CODE>...]` on its line; `clean*.py` must produce none; `<name>.fixed.py` is
the exact result of `--fix --unsafe-fixes --select <CODE>`; a sub-folder is a multi-module
project checked as a whole; optional first lines `# asynclint-config: <a TOML line>` give
settings. `example.py` is the rule's docs example (its `bad_example` byte for byte, so without
`# expect:` comments: it must be flagged) and `example.fixed.py` what `--fix` makes of it, which
the rule's docs page shows. A new rule only adds files here.
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
from asynclint.diagnostics import Applicability
from asynclint.engine.run import FileReport, RunOptions, check_paths
from asynclint.rules import REGISTRY
from asynclint.source import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(ASL\d+(?:\s*,\s*ASL\d+)*)")
CONFIG = re.compile(r"#\s*asynclint-config:\s*(.*)")
CHECK = RunOptions(use_cache=False, jobs=1)
FIX = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=1)
# The rule's docs example: a file the docs show, so it carries no `# expect:` comments.
EXAMPLE = "example.py"


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


def _is_example(root: Path, files: list[Path]) -> bool:
    return len(files) == 1 and files[0].name == EXAMPLE and files[0].parent == root


def _isolated(case: tuple[str, Path, list[Path]], tmp_path: Path) -> tuple[str, Path, list[Path]]:
    """The docs example is checked as a reader would check it: a file of its own, away from
    this repository (whose pytest settings, for one, would apply to it). Other cases as they
    are."""
    code, root, files = case
    if not _is_example(root, files):
        return case
    folder = tmp_path / "example" / code
    folder.mkdir(parents=True)
    for name in (EXAMPLE, "example.fixed.py"):
        if (root / name).is_file():
            (folder / name).write_bytes((root / name).read_bytes())
    return code, folder, [folder / EXAMPLE]


def _settings(code: str, root: Path, files: list[Path]) -> Settings:
    settings = Settings(root=root, select=(code,))
    if _is_example(root, files):
        # The docs example runs with the settings its page shows (`example_config`).
        config = REGISTRY[code].example_config
        if config:
            settings = settings_from_table(tomllib.loads(config), root,
                                           f"{code}: example_config", settings)
        return replace(settings, select=(code,))
    lines = []  # the leading `# asynclint-config:` lines, one TOML line each
    for line in files[0].read_text(encoding="utf-8", errors="replace").split("\n"):
        m = CONFIG.match(line)
        if m is None:
            break
        lines.append(m.group(1))
    if lines:
        table = tomllib.loads("\n".join(lines))
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
def test_findings(case: tuple[str, Path, list[Path]], tmp_path: Path) -> None:
    code, root, files = _isolated(case, tmp_path)
    reports = _run(files, _settings(code, root, files), CHECK)
    got = Counter((r.path, d.start.row, d.code) for r in reports for d in r.diagnostics)
    if _is_example(root, files):
        # No `# expect:` comments, to keep the docs clean: the example must be flagged (only
        # that code is selected).
        assert got, f"{_case_id(case)}: the rule's docs example is not flagged by {code}"
        assert {c for _, _, c in got} == {code}, got
        return
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
    code, root, files = _isolated(case, tmp_path)
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
        if report.fixed_text is None and _is_example(root, files):
            # The docs example may stay as it is only when the rule has no fix to apply.
            applicability = REGISTRY[code].fix_applicability
            assert applicability in (None, Applicability.DISPLAY_ONLY), (
                f"{f.name}: {code} has a fix that --fix applies, but none changed the example")
            assert expected_file.read_bytes() == f.read_bytes(), (
                f"{expected_file.name}: no fix applies; it must be a copy of {f.name}")
            continue
        assert report.fixed_text is not None, f"{f.name}: no fix applied"
        assert report.fixed_text == expected
        if _is_example(root, files) and REGISTRY[code].fix_applicability is Applicability.SAFE:
            # The docs say `--fix` alone makes it: no unsafe fix takes part.
            [safe_only] = _run(files, settings, replace(FIX, unsafe_fixes=False))
            assert safe_only.fixed_text == expected, f"{f.name}: needs --unsafe-fixes"
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


def test_every_rule_has_its_docs_example() -> None:
    """`example.py` is the rule's `bad_example` byte for byte (one text, which cannot drift
    from the docs), and `example.fixed.py` beside it (checked by `test_fixes`) is what the
    rule's docs page shows as the result of `--fix`."""
    problems = []
    for code in sorted(REGISTRY):
        example = FIXTURES / code / EXAMPLE
        if "# expect:" in REGISTRY[code].bad_example:
            problems.append(f"{code}: the docs example carries an `# expect:` comment")
        if not example.is_file():
            problems.append(f"{code}: add {code}/{EXAMPLE} (its bad_example)")
        elif example.read_bytes() != REGISTRY[code].bad_example.encode("utf-8"):
            problems.append(f"{code}: {code}/{EXAMPLE} differs from its bad_example")
        if not example.with_name("example.fixed.py").is_file():
            problems.append(f"{code}: add {code}/example.fixed.py (the result of --fix)")
    assert not problems, "\n".join(problems)


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
        "import asyncio\n\n\nasync def job():\n"
        "    await asyncio.sleep(1)  # expect: ASL100\n")
    (project / "main.py").write_text("from pkg.jobs import job\n")
    (tmp_path / "ASL100" / "clean_config.py").write_text(
        '# asynclint-config: per-file-ignores = {"clean_*.py" = ["ASL100"]}\n'
        "import time\n\n\nasync def f():\n    time.sleep(1)\n")
    monkeypatch.setattr(runner, "FIXTURES", tmp_path)
    cases = runner._cases()
    assert [runner._case_id(c) for c in cases] == ["ASL100/clean_config.py", "ASL100/proj"]
    for case in cases:
        runner.test_findings(case, tmp_path / "found" / runner._case_id(case).replace("/", "_"))
        runner.test_fixes(case, tmp_path / "again" / runner._case_id(case).replace("/", "_"))
    # And it can fail: an expectation that is not met.
    (project / "main.py").write_text("x = 1  # expect: ASL100\n")
    with pytest.raises(AssertionError, match="missing"):
        runner.test_findings(runner._cases()[1], tmp_path / "found2")


def test_runner_checks_docs_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`example.py` needs no `# expect:` comment, but it must be flagged, and its
    `example.fixed.py` must be the fix (a copy only for a rule with no fix to apply)."""
    import tests.test_fixtures as runner

    folder = tmp_path / "fixtures" / "ASL100"
    folder.mkdir(parents=True)
    example, fixed = folder / "example.py", folder / "example.fixed.py"
    example.write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
    fixed.write_text("import asyncio\n\n\nasync def f():\n"
                     "    await asyncio.sleep(1)\n")
    monkeypatch.setattr(runner, "FIXTURES", tmp_path / "fixtures")
    [case] = runner._cases()
    assert runner._case_id(case) == "ASL100/example.py"
    runner.test_findings(case, tmp_path / "1")
    runner.test_fixes(case, tmp_path / "2")
    # It can fail: a fix that is not the one shown...
    fixed.write_text("import time\nimport asyncio\n\n\nasync def f():\n"
                     "    await asyncio.sleep(1)\n")
    with pytest.raises(AssertionError):
        runner.test_fixes(case, tmp_path / "3")
    # ...an example left as it is by a rule whose fixes --fix applies (none is offered in a
    # generator expression)...
    example.write_text("import time\n\n\nasync def f():\n"
                       "    return list(time.sleep(1) for _ in range(2))\n")
    fixed.write_bytes(example.read_bytes())
    runner.test_findings(case, tmp_path / "4")
    with pytest.raises(AssertionError, match="none changed the example"):
        runner.test_fixes(case, tmp_path / "5")
    # ...and an example the rule does not flag.
    example.write_text("import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n")
    with pytest.raises(AssertionError, match="not flagged"):
        runner.test_findings(case, tmp_path / "6")
