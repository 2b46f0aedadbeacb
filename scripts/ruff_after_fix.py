"""What ruff's default rules say about asynclint's fixed code that they did not say before.

Every fixture input with a fixed form (`fixtures/**/<name>.py` beside `<name>.fixed.py`, which
`tests/test_fixtures.py` holds equal to `--fix --unsafe-fixes`) and the README's before/after
are checked with `ruff check --isolated` (ruff's defaults, no configuration) before and after the
fix, each in its own folder as the fixture runner checks it (a project folder whole, a single
file in its rule's folder: that is what ruff infers first-party modules from). A finding the
fixed form has and the input has not is one the fix introduced.

    .venv/bin/python scripts/ruff_after_fix.py            # counts per code, exit 1 if any
    .venv/bin/python scripts/ruff_after_fix.py --verbose  # and each introduced finding

With `--tree DIR...` it measures projects instead: each is copied, fixed with
`--fix --unsafe-fixes` and every rule (as `scripts/ecosystem.py` fixes them), and ruff's
defaults are run on each fixed file before and after, from the copy's root:

    .venv/bin/python scripts/ruff_after_fix.py --tree ~/.cache/asynclint-ecosystem/src/*

With `--mypy` it asks mypy instead (its non-strict defaults, `--ignore-missing-imports`, the
cache in a temporary folder): one mypy process over every fixture input and fixed form, each
case in a package of its own; an error the fixed form has and its input has not (the same
code and message, the line not compared: fixes move lines) is one the fix introduced:

    .venv/bin/python scripts/ruff_after_fix.py --mypy --verbose
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FIXED = ".fixed.py"


@dataclass(frozen=True)
class Pair:
    """One input and its fixed form, and the folder ruff is run from for it."""

    root: Path  # the folder the case is checked in (a rule's folder or a project)
    before: Path
    after: Path


def fixture_pairs() -> list[Pair]:
    pairs: list[Pair] = []
    for fixed in sorted(FIXTURES.rglob(f"*{FIXED}")):
        source = fixed.with_name(fixed.name[: -len(FIXED)] + ".py")
        code_dir = next(p for p in [fixed, *fixed.parents] if p.parent == FIXTURES)
        rel = fixed.relative_to(code_dir).parts
        root = code_dir / rel[0] if len(rel) > 1 else code_dir
        pairs.append(Pair(root, source, fixed))
    return pairs


def readme_blocks() -> tuple[str, str]:
    """The README's before/after: its first two ```python blocks."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current = [] if line[3:].strip() == "python" else None
                if current is None:
                    current = ["\0"]  # another block: skipped
            else:
                if current[:1] != ["\0"]:
                    blocks.append("".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks[0], blocks[1]


def _copy_tree(pairs: list[Pair], root: Path, dest: Path, which: str) -> None:
    """`root`'s Python files into `dest` (inputs as they are; with `which` "after", each
    input replaced by its fixed form), so ruff sees the same folder either way."""
    fixed_of = {p.before: p.after for p in pairs}
    for path in root.rglob("*.py"):
        if path.name.endswith(FIXED):
            continue
        target = dest / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        use = fixed_of.get(path, path) if which == "after" else path
        shutil.copyfile(use, target)


def ruff_codes(ruff: str, folder: Path, files: list[str]) -> dict[str, Counter[str]]:
    """Per file (relative to `folder`): how many findings of each code ruff's defaults give."""
    out = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero",
         *files], cwd=folder, capture_output=True, text=True, check=True).stdout
    found: dict[str, Counter[str]] = {f: Counter() for f in files}
    for item in json.loads(out):
        name = Path(item["filename"]).resolve().relative_to(folder.resolve()).as_posix()
        found.setdefault(name, Counter())[item["code"] or "syntax"] += 1
    return found


def ruff_added(ruff: str, before: Path, after: Path, files: list[str]
               ) -> list[tuple[str, Counter[str]]]:
    """Per file (relative to both folders), the ruff findings `after` has that `before` did
    not; files that gained none are left out."""
    old = ruff_codes(ruff, before, files)
    new = ruff_codes(ruff, after, files)
    found = [(f, new.get(f, Counter()) - old.get(f, Counter())) for f in files]
    return [(f, added) for f, added in found if added]


def _counts(added: Counter[str]) -> str:
    return ", ".join(f"{code} x{n}" for code, n in sorted(added.items()))


def introduced(ruff: str) -> tuple[Counter[str], list[str]]:
    """The findings of each code the fixes add, and one line per file that gained any."""
    total: Counter[str] = Counter()
    lines: list[str] = []
    pairs = fixture_pairs()
    by_root: dict[Path, list[Pair]] = {}
    for pair in pairs:
        by_root.setdefault(pair.root, []).append(pair)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases: list[tuple[Path, list[Pair], str]] = []
        for n, (root, group) in enumerate(sorted(by_root.items())):
            cases.append((root, group, f"case{n}"))
        readme = work / "readme"
        before_text, after_text = readme_blocks()
        for which, text in (("before", before_text), ("after", after_text)):
            (readme / which).mkdir(parents=True)
            (readme / which / "poll.py").write_text(text, encoding="utf-8")
        checks: list[tuple[str, Path, Path, list[str]]] = [
            ("README.md", readme / "before", readme / "after", ["poll.py"])]
        for root, group, name in cases:
            for which in ("before", "after"):
                _copy_tree(group, root, work / name / which, which)
            files = [p.before.relative_to(root).as_posix() for p in group]
            checks.append((root.relative_to(FIXTURES.parent).as_posix(), work / name / "before",
                           work / name / "after", files))
        for label, before, after, files in checks:
            for f, added in ruff_added(ruff, before, after, files):
                total += added
                where = label if label == "README.md" else f"{label}/{f}"
                lines.append(f"{where}: {_counts(added)}")
    return total, lines


@dataclass(frozen=True)
class MypyError:
    """One mypy error, as compared before and after a fix: the line is left out."""

    code: str
    message: str


_MYPY_LINE = re.compile(r"^(?P<path>[^:]+):\d+: error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$")
_LINE_REF = re.compile(r"\bline \d+\b")
# mypy names the callee when it can (`"sleep" does not return a value`) and not when it is an
# awaited expression (`Function does not ...`): the same error either way.
_CALLEE = re.compile(r'^"[^"]+" does not return a value')


def mypy_errors(mypy: str, folder: Path, files: list[str]) -> dict[str, Counter[MypyError]]:
    """Per file (relative to `folder`): its mypy errors, from one mypy process. Each case's
    folder is a package base of its own, so same-named fixtures do not collide."""
    (folder / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")  # no user or repo config
    out = subprocess.run(
        [mypy, "--config-file", "mypy.ini", "--ignore-missing-imports", "--explicit-package-bases",
         "--namespace-packages", "--cache-dir", str(folder / ".mypy_cache"), "--no-pretty",
         "--no-error-summary", "--show-error-codes", "--hide-error-context",
         "--soft-error-limit", "-1", *files],
        cwd=folder, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"mypy failed:\n{out.stdout}\n{out.stderr}")
    found: dict[str, Counter[MypyError]] = {f: Counter() for f in files}
    for line in out.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        if match is None:
            continue
        message = _CALLEE.sub("Function does not return a value",
                              _LINE_REF.sub("line N", match["message"]))
        found.setdefault(match["path"], Counter())[
            MypyError(match["code"] or "", message)] += 1
    return found


def mypy_introduced(mypy: str) -> tuple[Counter[str], list[str]]:
    """The mypy errors of each code the fixes add, and one line per added error."""
    total: Counter[str] = Counter()
    lines: list[str] = []
    by_root: dict[Path, list[Pair]] = {}
    for pair in fixture_pairs():
        by_root.setdefault(pair.root, []).append(pair)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files: list[str] = []
        labels: dict[str, tuple[str, str]] = {}  # checked path -> (fixture, before/after)
        for n, (root, group) in enumerate(sorted(by_root.items())):
            for which in ("before", "after"):
                _copy_tree(group, root, work / which / f"case{n}", which)
                for pair in group:
                    checked = f"{which}/case{n}/{pair.before.relative_to(root).as_posix()}"
                    files.append(checked)
                    labels[checked] = (pair.before.relative_to(FIXTURES.parent).as_posix(),
                                       which)
        found = mypy_errors(mypy, work, files)
        for checked, (fixture, which) in sorted(labels.items()):
            if which != "after":
                continue
            added = found.get(checked, Counter()) - found.get(
                "before" + checked[len("after"):], Counter())
            for error, n in sorted(added.items(), key=lambda item: (item[0].code,
                                                                     item[0].message)):
                total[error.code] += n
                lines.append(f"{fixture}: [{error.code}] {error.message}"
                             + (f" x{n}" if n > 1 else ""))
    return total, lines


def tree_introduced(ruff: str, trees: list[Path]) -> tuple[Counter[str], list[str], int]:
    """The findings `--fix --unsafe-fixes` adds over whole projects, one line per file that
    gained any, and how many files the fixes changed."""
    from asynclint.config import Settings
    from asynclint.engine.run import RunOptions, check_paths

    options = RunOptions(fix=True, unsafe_fixes=True, use_cache=False)
    total: Counter[str] = Counter()
    lines: list[str] = []
    changed = 0
    for tree in trees:
        with tempfile.TemporaryDirectory() as tmp:
            before, after = Path(tmp) / "before" / tree.name, Path(tmp) / "after" / tree.name
            shutil.copytree(tree, before, symlinks=True, ignore=lambda d, names: [
                n for n in names if not n.endswith(".py") and not (Path(d) / n).is_dir()])
            shutil.copytree(before, after, symlinks=True)
            settings = Settings(root=after.resolve(), select=("ASL",), exclude=(),
                                respect_gitignore=False)
            files = sorted(str(p) for p in after.rglob("*.py") if p.is_file()
                           and not p.is_symlink())
            fixed: list[str] = []
            for report in check_paths([(f, settings) for f in files], options):
                if report.fixed_text is None or report.source is None:
                    continue
                Path(report.path).write_bytes(report.source.to_bytes(report.fixed_text))
                fixed.append(Path(report.path).resolve().relative_to(after.resolve()).as_posix())
            changed += len(fixed)
            if not fixed:
                continue
            for f, added in ruff_added(ruff, before, after, fixed):
                total += added
                lines.append(f"{tree.name}/{f}: {_counts(added)}")
    return total, lines, changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ruff", default=str(Path(sys.executable).with_name("ruff")))
    parser.add_argument("--verbose", action="store_true", help="list each file that gained any")
    parser.add_argument("--mypy", nargs="?", const=str(Path(sys.executable).with_name("mypy")),
                        help="measure mypy's errors instead of ruff's findings")
    parser.add_argument("--tree", type=Path, nargs="+", action="extend", default=[],
                        help="measure the fixes of whole projects instead")
    args = parser.parse_args()
    if args.mypy:
        total, lines = mypy_introduced(args.mypy)
        if args.verbose:
            print("\n".join(lines))
        print(f"fixed forms checked with mypy: {len(fixture_pairs())} fixtures")
    elif args.tree:
        total, lines, changed = tree_introduced(args.ruff, args.tree)
        if args.verbose:
            print("\n".join(lines))
        print(f"files the fixes changed: {changed} in {len(args.tree)} projects")
    else:
        total, lines = introduced(args.ruff)
        if args.verbose:
            print("\n".join(lines))
        print(f"fixed forms checked: {len(fixture_pairs())} fixtures + the README example")
    for code, n in sorted(total.items()):
        print(f"{code}: {n}")
    print(f"introduced by fixes: {sum(total.values())}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
