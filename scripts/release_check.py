"""Check that asynclint can be released: what `docs/contributing.md#releasing` runs before
tagging, and what `tests/test_release.py` runs in CI on every change.

1. `python -m build`: the sdist, then the wheel built from that sdist (so the sdist is complete).
2. `twine check --strict` on both (the metadata and README render as PyPI will show them).
3. A fresh virtual environment (no access to this checkout) installs the wheel, and the
   installed command works: `asynclint --version` prints the version of
   `src/asynclint/__init__.py`, a bad file exits 1 with its finding, a clean one exits 0, and
   `python -m asynclint` is the same command.

With `--for-release` it also checks what a release needs: CHANGELOG.md has a section for the
version and git has no tag `v<version>` yet.

Usage: python scripts/release_check.py [--outdir DIR] [--for-release]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
GOOD = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"


class ReleaseError(Exception):
    """A check failed; the message says which and how."""


def version() -> str:
    text = (ROOT / "src" / "asynclint" / "__init__.py").read_text()
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise ReleaseError("no __version__ in src/asynclint/__init__.py")
    return found.group(1)


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise ReleaseError(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc


def build(outdir: Path) -> tuple[Path, Path]:
    """The sdist and the wheel built from it, in `outdir`."""
    _run([sys.executable, "-m", "build", "--outdir", str(outdir), str(ROOT)])
    sdists, wheels = sorted(outdir.glob("*.tar.gz")), sorted(outdir.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise ReleaseError(f"expected one sdist and one wheel in {outdir}, found "
                           f"{[p.name for p in outdir.iterdir()]}")
    v = version()
    for path in (*sdists, *wheels):
        if f"-{v}" not in path.name:
            raise ReleaseError(f"{path.name} is not version {v}")
    return sdists[0], wheels[0]


def twine_check(files: tuple[Path, ...]) -> None:
    _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)])


def fresh_install(wheel: Path, workdir: Path) -> None:
    """Install the wheel into a new virtual environment and use the installed command."""
    env_dir = workdir / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    project = workdir / "project"
    project.mkdir()
    (project / "bad.py").write_text(BAD)
    (project / "good.py").write_text(GOOD)
    command = env_dir / "bin" / "asynclint"
    shown = _run([str(command), "--version"]).stdout.strip()
    if shown != f"asynclint {version()}":
        raise ReleaseError(f"the installed command says {shown!r}, not asynclint {version()}")
    for cmd in ([str(command)], [str(python), "-m", "asynclint"]):
        bad = subprocess.run([*cmd, "check", "--no-cache", "bad.py"], cwd=project,
                             capture_output=True, text=True, timeout=300)
        if bad.returncode != 1 or "ASL100" not in bad.stdout:
            raise ReleaseError(f"the installed `{' '.join(cmd)} check` missed ASL100 "
                               f"({bad.returncode}): {bad.stdout}{bad.stderr}")
        good = subprocess.run([*cmd, "check", "--no-cache", "good.py"], cwd=project,
                              capture_output=True, text=True, timeout=300)
        if good.returncode != 0:
            raise ReleaseError(f"the installed `{' '.join(cmd)} check` failed on clean code "
                               f"({good.returncode}): {good.stdout}{good.stderr}")


def release_ready() -> None:
    """What tagging needs: a CHANGELOG section for the version, and no tag of it yet."""
    v = version()
    changelog = (ROOT / "CHANGELOG.md").read_text()
    if not re.search(rf"^## {re.escape(v)}\b", changelog, re.MULTILINE):
        raise ReleaseError(f"CHANGELOG.md has no `## {v}` section: move the Unreleased "
                           "entries under it")
    tags = _run(["git", "tag", "--list", f"v{v}"], cwd=ROOT).stdout.split()
    if tags:
        raise ReleaseError(f"tag v{v} exists already: bump __version__ first")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outdir", type=Path, help="where the sdist and wheel go "
                        "(default: a temporary folder)")
    parser.add_argument("--for-release", action="store_true",
                        help="also check the CHANGELOG section and that the tag is free")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            outdir = args.outdir or Path(tmp) / "dist"
            outdir.mkdir(parents=True, exist_ok=True)
            sdist, wheel = build(outdir)
            print(f"built {sdist.name} and {wheel.name}")
            twine_check((sdist, wheel))
            print("twine check --strict: PASSED")
            fresh_install(wheel, Path(tmp))
            print(f"a fresh virtual environment runs asynclint {version()} from the wheel")
            if args.for_release:
                release_ready()
                print(f"ready to tag v{version()}")
    except ReleaseError as exc:
        print(f"release check failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
