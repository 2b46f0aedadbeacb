"""Cache differential on real code: a cached run must report exactly what `--no-cache` reports,
after every edit of a seeded series, on projects nobody here wrote.

The projects come from the ecosystem run's download cache (``scripts/ecosystem.py`` fetches
them). Each project is copied to a scratch folder; the edits are the ones that move cached
answers: a function turned ``async def`` / ``def``, a line added to a function's body, a sync
helper made to block, a module deleted and restored. Every run is a fresh process whose caches
take their stats well after the files were written (as for a user who waits a few seconds), so
the stat shortcut is exercised too.

    python scripts/differential.py                         # the application projects, seed 1
    python scripts/differential.py --projects lnbits --steps 20 --seed 7
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LATER_NS = 10_000_000_000
# A run in a fresh interpreter whose caches take their stats LATER_NS from now.
LAUNCH = f"""
import sys, time
import importlib
later = lambda: time.time_ns() + {LATER_NS}
for name in ("asynclint.engine.result_cache", "asynclint.cache",
             "asynclint.engine.index_store", "asynclint.semantic.project"):
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    if hasattr(module, "clock"):
        module.clock = later
from asynclint.cli import main
sys.exit(main(sys.argv[1:]))
"""

Finding = tuple[str, int, int, str]


def _ecosystem() -> Any:
    spec = importlib.util.spec_from_file_location("asynclint_ecosystem",
                                                  REPO / "scripts" / "ecosystem.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def findings(root: Path, *extra: str, output: str = "json") -> set[Finding]:
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, "check", "--select", "ASL", "--exit-zero",
         "--output-format", output, *extra, "."],
        cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"asynclint failed in {root}:\n{done.stderr}")
    found: set[Finding] = set()
    if output == "json":
        for d in json.loads(done.stdout):
            found.add((str(Path(d["filename"]).relative_to(root)), d["location"]["row"],
                       d["location"]["column"], d["code"]))
        return found
    for line in done.stdout.splitlines():  # concise: path:row:col: CODE message
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[3].startswith(" ASL"):
            found.add((parts[0], int(parts[1]), int(parts[2]), parts[3].split()[0]))
    return found


# -- edits ------------------------------------------------------------------------------------
Edit = Callable[[Path, random.Random], str | None]  # applies itself, says what it did


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return []
    return [n for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and n.body[0].lineno > n.lineno]


def _pick(root: Path, rng: random.Random) -> tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    files = sorted(root.rglob("*.py"))
    for _ in range(50):
        path = rng.choice(files)
        funcs = _functions(path)
        if funcs:
            return path, rng.choice(funcs)
    return None


def toggle_async(root: Path, rng: random.Random) -> str | None:
    picked = _pick(root, rng)
    if picked is None:
        return None
    path, func = picked
    lines = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
    row = func.lineno - 1
    for i in range(func.lineno - 1, func.body[0].lineno - 1):
        if f"def {func.name}" in lines[i]:
            row = i
            break
    line = lines[row]
    if f"async def {func.name}" in line:
        lines[row] = line.replace(f"async def {func.name}", f"def {func.name}", 1)
    elif f"def {func.name}" in line:
        lines[row] = line.replace(f"def {func.name}", f"async def {func.name}", 1)
    else:
        return None
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")
    return f"toggled async of {func.name} in {path.relative_to(root)}"


def _insert_in_body(root: Path, rng: random.Random, statements: Sequence[str]) -> str | None:
    picked = _pick(root, rng)
    if picked is None:
        return None
    path, func = picked
    first = func.body[0]
    lines = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
    indent = " " * first.col_offset
    at = first.lineno - 1
    lines[at:at] = [indent + s for s in statements]
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")
    return f"inserted {statements[-1]!r} into {func.name} in {path.relative_to(root)}"


def body_edit(root: Path, rng: random.Random) -> str | None:
    return _insert_in_body(root, rng, ["_differential = None"])


def make_blocking(root: Path, rng: random.Random) -> str | None:
    return _insert_in_body(root, rng, ["import time", "time.sleep(0.01)"])


_DELETED: dict[Path, bytes] = {}


def delete_or_restore(root: Path, rng: random.Random) -> str | None:
    if _DELETED:
        path, data = _DELETED.popitem()
        path.write_bytes(data)
        return f"restored {path.relative_to(root)}"
    files = sorted(p for p in root.rglob("*.py") if p.name != "__init__.py")
    path = rng.choice(files)
    _DELETED[path] = path.read_bytes()
    path.unlink()
    return f"deleted {path.relative_to(root)}"


EDITS: tuple[Edit, ...] = (toggle_async, body_edit, make_blocking, delete_or_restore)


def run_project(tree: Path, steps: int, seed: int) -> list[str]:
    """The differences found (empty: the cache never changed an answer)."""
    problems: list[str] = []
    rng = random.Random(seed)
    _DELETED.clear()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / tree.name
        shutil.copytree(tree, root)
        if not (root / "pyproject.toml").exists():
            (root / "pyproject.toml").write_text("")
        findings(root, output="concise")  # fill the caches
        for step in range(steps):
            did = rng.choice(EDITS)(root, rng)
            fresh = findings(root, "--no-cache")
            text = findings(root, output="concise")
            cached = findings(root)
            for name, got in (("concise", text), ("json", cached)):
                if got != fresh:
                    problems.append(
                        f"step {step} ({did}), {name}: missing {sorted(fresh - got)[:5]}, "
                        f"extra {sorted(got - fresh)[:5]}")
            print(f"  step {step}: {did}; {len(fresh)} findings", flush=True)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    eco = _ecosystem()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    apps = [p.name for p in eco.PROJECTS if p.kind == "application"]
    parser.add_argument("--projects", default=",".join(apps))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=eco.default_cache())
    args = parser.parse_args(argv)
    failed = False
    for name in args.projects.split(","):
        tree = eco.fetch(eco.BY_NAME[name], args.cache)
        print(f"{name}: {args.steps} edits, seed {args.seed}", flush=True)
        problems = run_project(tree, args.steps, args.seed)
        for p in problems:
            print(f"  DIFFERENT {p}")
        failed |= bool(problems)
    print("differences found" if failed else "cached runs equal --no-cache after every edit")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
