"""Ecosystem run: asynclint over pinned source distributions of real async projects.

Like ruff's ecosystem check. Every project below is downloaded once (``pip download --no-deps
--no-binary :all:``, or its pure-Python wheel where pip cannot fetch the sdist without building it) into a cache outside the repository, unpacked, and checked with every
registered rule (``select = ["ASL"]``, and ``test-ignore = []``: test code too), all cores, no
cache. The run fails on any crash or internal error, on any ``--fix --unsafe-fixes`` result that does not parse or is not idempotent, and on any
fix dropped because it would not parse. The findings per project are compared with (``--check``)
or written to (``--update``) the committed snapshot ``ecosystem/snapshot.json``, so every change in
behaviour shows up in a diff.

    python scripts/ecosystem.py                 # run all, print the summary
    python scripts/ecosystem.py --check         # ... and fail when findings differ from the snapshot
    python scripts/ecosystem.py --update        # ... and rewrite the snapshot
    python scripts/ecosystem.py --projects aiofiles,databases --check
    python scripts/ecosystem.py --markdown      # the snapshot as docs/reliability.md's table

The cache lives in ``$ASYNCLINT_ECOSYSTEM_CACHE`` or ``~/.cache/asynclint-ecosystem`` (``--cache``).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SNAPSHOT = REPO / "ecosystem" / "snapshot.json"


@dataclass(frozen=True)
class Project:
    name: str  # the PyPI name
    version: str
    kind: str  # "library" or "application"
    # "sdist", or "wheel" for a project whose sdist pip cannot fetch without building it (a
    # pure-Python wheel holds the same modules; it has no tests).
    dist: str = "sdist"


# One line per project: the pinned versions make the snapshot reproducible. Bump a pin (and run
# --update) on purpose only.
PROJECTS: tuple[Project, ...] = (
    Project("fastapi", "0.163.2", "library"),
    Project("starlette", "1.10.0", "library"),
    Project("httpx", "0.28.1", "library"),
    Project("aiohttp", "3.14.5", "library"),
    Project("sqlalchemy", "2.1.9", "library"),
    Project("anyio", "4.16.0", "library"),
    Project("redis", "8.1.0", "library"),
    Project("aiofiles", "25.1.0", "library"),
    Project("uvicorn", "0.54.0", "library"),
    Project("litestar", "2.25.0", "library"),
    Project("databases", "0.9.0", "library"),
    Project("tortoise-orm", "1.1.9", "library"),
    Project("ormar", "0.26.0", "library"),
    Project("sqlmodel", "0.0.50", "library"),
    Project("aiogram", "3.31.0", "library"),
    Project("fastapi-users", "15.0.5", "application"),
    Project("fastapi-pagination", "0.16.1", "application"),
    Project("fastcrud", "0.23.0", "application"),
    Project("fastapi-amis-admin", "0.7.3", "application"),
    Project("lnbits", "1.6.2", "application"),
    Project("open-webui", "0.12.4", "application", dist="wheel"),
    Project("prefect", "3.9.1", "application"),
    Project("opal-server", "0.9.9", "application", dist="wheel"),
)
BY_NAME = {p.name: p for p in PROJECTS}

# The few small projects the test suite runs (tests/test_ecosystem.py).
SMALL = ("aiofiles", "databases", "fastapi-users")


class FetchError(Exception):
    """A project could not be downloaded or unpacked."""


def default_cache() -> Path:
    env = os.environ.get("ASYNCLINT_ECOSYSTEM_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "asynclint-ecosystem"


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _find_sdist(directory: Path, project: Project) -> Path | None:
    if not directory.is_dir():
        return None
    want = f"{_norm(project.name)}-{project.version}"
    for entry in sorted(directory.iterdir()):
        suffixes = (".whl",) if project.dist == "wheel" else (".tar.gz", ".zip", ".tar.bz2")
        if _norm(entry.name).startswith(_norm(want)) and entry.name.endswith(suffixes):
            return entry
    return None


def _unpack(archive: Path, dest: Path) -> None:
    """Unpack without trusting member paths (tarfile's 'data' filter; zip names checked)."""
    if archive.name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                target = (dest / name).resolve()
                if not target.is_relative_to(dest.resolve()):
                    raise FetchError(f"{archive.name}: unsafe member path {name!r}")
            zf.extractall(dest)
        return
    with tarfile.open(archive) as tf:
        tf.extractall(dest, filter="data")


def fetch(project: Project, cache: Path) -> Path:
    """The unpacked source tree of `project`, downloading and unpacking it on first use."""
    tree = cache / "src" / f"{project.name}-{project.version}"
    if (tree / ".complete").is_file():
        return tree
    sdists = cache / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    archive = _find_sdist(sdists, project)
    if archive is None:
        kind = "--only-binary" if project.dist == "wheel" else "--no-binary"
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               kind, ":all:", f"{project.name}=={project.version}", "-d", str(sdists)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        archive = _find_sdist(sdists, project)
        if done.returncode != 0 or archive is None:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
            raise FetchError(
                f"could not download {project.name}=={project.version} with `{' '.join(cmd)}` "
                f"(exit {done.returncode}):\n{tail}"
            )
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".unpack-"))
    try:
        _unpack(archive, staging)
        entries = [e for e in staging.iterdir()]
        root = entries[0] if len(entries) == 1 and entries[0].is_dir() else staging
        if tree.exists():
            shutil.rmtree(tree)
        tree.parent.mkdir(parents=True, exist_ok=True)
        root.rename(tree)
        (tree / ".complete").write_text(archive.name + "\n")
    except (OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        raise FetchError(f"could not unpack {archive}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tree


def python_files(root: Path) -> list[Path]:
    """Every regular `.py` file below root, in a stable order (symlinks are not followed)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith(".py") and path.is_file() and not path.is_symlink():
                found.append(path)
    return found


@dataclass
class ProjectResult:
    project: Project
    files: int = 0
    lines: int = 0
    findings: list[str] = field(default_factory=list)  # "path:row:col CODE"
    fixed: int = 0
    problems: list[str] = field(default_factory=list)  # crashes, bad fixes: each fails the run

    def per_code(self) -> dict[str, int]:
        return dict(sorted(Counter(f.rsplit(" ", 1)[1] for f in self.findings).items()))

    def snapshot(self) -> dict[str, Any]:
        return {
            "version": self.project.version,
            "kind": self.project.kind,
            "files": self.files,
            "lines": self.lines,
            "findings_per_code": self.per_code(),
            "findings": self.findings,
        }


def _settings(root: Path) -> Any:
    from asynclint.config import Settings

    # Every registered rule, whatever its default, on test code too (`test-ignore = []`); no
    # exclusions; no project config.
    return Settings(root=root.resolve(), select=("ASL",), test_ignore=(), exclude=(),
                    respect_gitignore=False)


def _rel(path: str, root: Path) -> str:
    return Path(path).resolve().relative_to(root.resolve()).as_posix()


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def check_project(project: Project, tree: Path, jobs: int | None, fixes: bool = True) -> ProjectResult:
    """Check one unpacked project; with `fixes`, also fix a temporary copy and verify it."""
    from asynclint.engine.run import RunOptions, check_paths

    result = ProjectResult(project)
    files = python_files(tree)
    result.files = len(files)
    for path in files:
        result.lines += path.read_bytes().count(b"\n")
    settings = _settings(tree)
    reports = check_paths([(str(p), settings) for p in files],
                          RunOptions(use_cache=False, jobs=jobs))
    for report in reports:
        rel = _rel(report.path, tree)
        if report.internal_error:
            result.problems.append(f"{project.name}/{rel}: internal error: {report.errors}")
        for d in report.diagnostics:
            result.findings.append(f"{rel}:{d.start.row}:{d.start.col + 1} {d.code}")
    result.findings.sort(key=_finding_key)
    if fixes:
        _check_fixes(result, tree, jobs)
    return result


def _finding_key(finding: str) -> tuple[str, int, int, str]:
    where, code = finding.rsplit(" ", 1)
    path, row, col = where.rsplit(":", 2)
    return path, int(row), int(col), code


def _check_fixes(result: ProjectResult, tree: Path, jobs: int | None) -> None:
    """`--fix --unsafe-fixes` on a copy: written files parse, and a second run changes nothing."""
    from asynclint.engine.run import RunOptions, check_paths
    from asynclint.fixes.apply import write_atomic

    name = result.project.name
    options = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=jobs)
    with tempfile.TemporaryDirectory(prefix="asynclint-eco-") as tmp:
        copy = Path(tmp) / tree.name
        shutil.copytree(tree, copy, symlinks=True,
                        ignore=lambda d, names: [n for n in names
                                                 if not n.endswith(".py") and not (Path(d) / n).is_dir()])
        files = python_files(copy)
        settings = _settings(copy)
        written: list[str] = []
        for report in check_paths([(str(p), settings) for p in files], options):
            rel = _rel(report.path, copy)
            if report.internal_error:
                result.problems.append(f"{name}/{rel}: internal error under --fix: {report.errors}")
            for error in report.errors:
                if "fix dropped" in error:
                    result.problems.append(f"{name}: {error}")
            if report.fixed_text is None or report.source is None:
                continue
            result.fixed += len(report.fixed)
            if not _parses(report.fixed_text):
                result.problems.append(f"{name}/{rel}: the fixed file does not parse")
                continue
            write_atomic(Path(report.path), report.source, report.fixed_text)
            written.append(report.path)
        if not written:
            return
        for report in check_paths([(p, settings) for p in written], options):
            rel = _rel(report.path, copy)
            if report.internal_error:
                result.problems.append(f"{name}/{rel}: internal error on fixed file: {report.errors}")
            if report.fixed_text is not None:
                result.problems.append(
                    f"{name}/{rel}: fixes are not idempotent: a second --fix run changed "
                    f"{len(report.fixed)} more finding(s)"
                )


# -- snapshot ---------------------------------------------------------------------------------
def load_snapshot(path: Path = SNAPSHOT) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def snapshot_diff(results: Iterable[ProjectResult], snapshot: dict[str, Any]) -> str:
    """A unified diff between the snapshot's entries for these projects and what was found."""
    expected = {r.project.name: snapshot.get(r.project.name) for r in results}
    actual = {r.project.name: r.snapshot() for r in results}
    if expected == actual:
        return ""
    return "".join(difflib.unified_diff(
        dump(expected).splitlines(keepends=True), dump(actual).splitlines(keepends=True),
        fromfile="ecosystem/snapshot.json", tofile="this run",
    ))


def summary(results: Sequence[ProjectResult]) -> str:
    codes = sorted({c for r in results for c in r.per_code()})
    head = f"{'project':<22}{'version':>10}{'files':>7}{'lines':>9}{'fixed':>7}{'problems':>9}"
    lines = [head + "".join(f"{c:>8}" for c in codes)]
    for r in results:
        per = r.per_code()
        lines.append(f"{r.project.name:<22}{r.project.version:>10}{r.files:>7}{r.lines:>9}"
                     f"{r.fixed:>7}{len(r.problems):>9}" + "".join(f"{per.get(c, 0):>8}" for c in codes))
    total = Counter[str]()
    for r in results:
        total.update(r.per_code())
    lines.append(f"{'total':<22}{'':>10}{sum(r.files for r in results):>7}"
                 f"{sum(r.lines for r in results):>9}{sum(r.fixed for r in results):>7}"
                 f"{sum(len(r.problems) for r in results):>9}" + "".join(f"{total[c]:>8}" for c in codes))
    return "\n".join(lines) + "\n"


def snapshot_table(snapshot: dict[str, Any]) -> str:
    """The Markdown table of docs/reliability.md ("Findings by project"), from the snapshot, so
    the page says what the committed run found (a test keeps the two in step)."""
    rows = ["| project | kind | files | lines | findings per code |", "|---|---|---:|---:|---|"]
    total = Counter[str]()
    files = lines = 0
    for name in sorted(snapshot, key=str.lower):
        entry = snapshot[name]
        per: dict[str, int] = entry["findings_per_code"]
        total.update(per)
        files += entry["files"]
        lines += entry["lines"]
        codes = ", ".join(f"{code} {count}" for code, count in sorted(per.items())) or "—"
        rows.append(f"| {name} {entry['version']} | {entry['kind']} | {entry['files']:,} "
                    f"| {entry['lines']:,} | {codes} |")
    codes = ", ".join(f"{code} {count}" for code, count in sorted(total.items()))
    rows.append(f"| **total ({len(snapshot)} projects)** | | **{files:,}** | **{lines:,}** "
                f"| {codes} |")
    return "\n".join(rows) + "\n"


def run(names: Sequence[str], cache: Path, jobs: int | None, fixes: bool = True) -> list[ProjectResult]:
    results = []
    for name in names:
        project = BY_NAME[name]
        tree = fetch(project, cache)
        results.append(check_project(project, tree, jobs, fixes))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--projects", help="comma-separated PyPI names (default: all; 'small': "
                        + ",".join(SMALL) + ")")
    parser.add_argument("--cache", type=Path, default=default_cache(),
                        help="download cache (default: %(default)s)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--no-fix", action="store_true", help="skip the --fix verification")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail when findings differ from the snapshot")
    mode.add_argument("--update", action="store_true", help="rewrite the snapshot entries of these projects")
    mode.add_argument("--markdown", action="store_true",
                      help="print the snapshot as the table of docs/reliability.md (runs nothing)")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="default: %(default)s")
    args = parser.parse_args(argv)
    if args.markdown:
        sys.stdout.write(snapshot_table(load_snapshot(args.snapshot)))
        return 0

    if args.projects == "small":
        names: list[str] = list(SMALL)
    elif args.projects:
        names = [n.strip() for n in args.projects.split(",") if n.strip()]
    else:
        names = [p.name for p in PROJECTS]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown project(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    try:
        results = run(names, args.cache, args.jobs, fixes=not args.no_fix)
    except FetchError as exc:
        print(f"ecosystem: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(summary(results))
    status = 0
    for r in results:
        for problem in r.problems:
            print(f"PROBLEM {problem}", file=sys.stderr)
            status = 1
    if args.update:
        snapshot = load_snapshot(args.snapshot)
        for r in results:
            snapshot[r.project.name] = r.snapshot()
        args.snapshot.parent.mkdir(parents=True, exist_ok=True)
        args.snapshot.write_text(dump(snapshot), encoding="utf-8")
        print(f"wrote {args.snapshot}")
    elif args.check:
        diff = snapshot_diff(results, load_snapshot(args.snapshot))
        if diff:
            sys.stdout.write(diff)
            print("ecosystem: findings differ from the snapshot; if the change is intended, run "
                  "`python scripts/ecosystem.py --update` and commit the snapshot", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
