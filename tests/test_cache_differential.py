"""A cached run gives exactly what `--no-cache` gives, after any edit, through every door.

Each run is a real process (a run's rule families, fact providers and indexes start from
nothing, as they do for a user), with its clock set `LATER` ahead: every file then looks
as if it had been written well outside the "written just now" window that the caches refuse
to trust by stat (`result_cache.RACY_NS`), which is what a user who waits a few seconds between
runs sees, without the test sleeping.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import clean_env

LATER_NS = 10_000_000_000
# Runs a door in a fresh interpreter whose caches take their stats LATER_NS from now.
_LAUNCH = f"""
import sys, time
from asynclint.engine import result_cache
result_cache.clock = lambda: time.time_ns() + {LATER_NS}  # the index store reads it here too
door, args = sys.argv[1], sys.argv[2:]
if door == "cli":
    from asynclint.cli import main
    sys.exit(main(args))
from flake8.main.cli import main as flake8_main
sys.exit(flake8_main(args))
"""

Finding = tuple[str, int, int, str]  # path, row, column (1-based), code


def _door(root: Path, door: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-c", _LAUNCH, door, *args], cwd=root,
                          capture_output=True, text=True, encoding="utf-8", env=clean_env(),
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return done


def cli_text(root: Path, *extra: str) -> str:
    """The default output (the format whose run imports no rule when served from the cache)."""
    return _door(root, "cli", "check", "--select", "ASL", *extra, ".").stdout


def cli_concise(root: Path) -> set[Finding]:
    """What a text run reports (like the default format, it computes no fix)."""
    out = _door(root, "cli", "check", "--select", "ASL", "--output-format", "concise",
                ".").stdout
    found = set()
    for line in out.splitlines():
        m = re.match(r"(.+?):(\d+):(\d+): (ASL\d+) ", line)
        if m:
            found.add((Path(m[1]).as_posix(), int(m[2]), int(m[3]), m[4]))
    return found


def cli_findings(root: Path, *extra: str) -> set[Finding]:
    out = _door(root, "cli", "check", "--select", "ASL", "--output-format", "json",
                *extra, ".").stdout
    return {(Path(d["filename"]).relative_to(root).as_posix(), d["location"]["row"],
             d["location"]["column"], d["code"]) for d in json.loads(out)}


def flake8_findings(root: Path) -> set[Finding]:
    out = _door(root, "flake8", "--select", "ASL", "--format",
                "%(path)s|%(row)d|%(col)d|%(code)s", ".").stdout
    found = set()
    for line in out.splitlines():
        path, row, col, code = line.split("|")
        found.add((Path(path).as_posix().removeprefix("./"), int(row), int(col), code))
    return found


# -- the two bugs this file was written for ---------------------------------------------------
HELPER = 'import requests\n\n\ndef load_user(uid):\n    return requests.get(f"/u/{uid}").json()\n'
VIEW = "from app.helpers import load_user\n\n\nasync def profile(uid):\n    return load_user(uid)\n"


def _app(root: Path) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "helpers.py").write_text(HELPER)
    (root / "app" / "views.py").write_text(VIEW)


def test_a_body_edit_of_a_helper_elsewhere_keeps_the_helper_chain_finding(
        tmp_path: Path) -> None:
    """The project facts of `helpers.py` are recomputed on a warm run that imported no rule."""
    _app(tmp_path)
    assert "ASL106" in cli_text(tmp_path)
    helpers = tmp_path / "app" / "helpers.py"
    helpers.write_text(HELPER.replace("    return", "    print(uid)\n    return"))
    for _ in range(2):  # the run after the edit, and every later one
        assert "ASL106" in cli_text(tmp_path)
    assert {f[3] for f in flake8_findings(tmp_path)} == {"ASL106"}
    assert "ASL106" in cli_text(tmp_path, "--no-cache")


SECRETS = (
    "def get_secret(name, default=None):\n"
    "    if name.startswith('oidc/'):\n"
    "        return open(name).read()\n"
    "    return default\n"
)
WRAPPER = (
    "from app.secrets import get_secret\n\n\n"
    "def get_flag(name):\n"
    "    return get_secret(name) == 'true'\n"
)
CALLER = "from app.wrapper import get_flag\n\n\nasync def route():\n    return get_flag('DEBUG')\n"


@pytest.mark.parametrize("edit", [
    ("secrets.py", SECRETS.replace("name.startswith('oidc/')", "name")),  # the guard
    ("wrapper.py", WRAPPER.replace("get_secret(name)", "get_secret('oidc/x')")),  # the forwarding
    ("routes.py", CALLER.replace("'DEBUG'", "'oidc/x'")),  # the argument
])
def test_a_guard_its_forwarding_and_the_argument_are_dependencies(
        tmp_path: Path, edit: tuple[str, str]) -> None:
    """A helper chain quiet because its guard is false for the caller's literal reports again
    after an edit to any of the three modules that made it quiet, cached as uncached."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    for name, text in (("secrets.py", SECRETS), ("wrapper.py", WRAPPER), ("routes.py", CALLER)):
        (tmp_path / "app" / name).write_text(text)
    assert cli_findings(tmp_path) == set()
    (tmp_path / "app" / edit[0]).write_text(edit[1])
    expected = {("app/routes.py", 5, 12, "ASL106")}
    assert cli_findings(tmp_path, "--no-cache") == expected
    assert cli_findings(tmp_path) == expected


FIXTURE = (
    "import pytest\n\n\n"
    "@pytest.fixture\n"
    "async def client():\n"
    "    yield 1\n\n\n"
    "@pytest.mark.asyncio\n"
    "async def test_home(client):\n"
    "    assert client\n"
)


def _pytest_project(root: Path, mode: str) -> None:
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "app"\n\n[tool.pytest.ini_options]\nasyncio_mode = "{mode}"\n')


@pytest.mark.parametrize("first, then", [("strict", "auto"), ("auto", "strict")])
def test_the_pytest_asyncio_mode_is_a_dependency_of_the_result(tmp_path: Path, first: str,
                                                               then: str) -> None:
    _pytest_project(tmp_path, first)
    (tmp_path / "test_home.py").write_text(FIXTURE)
    assert ("ASL207" in cli_text(tmp_path)) == (first == "strict")
    _pytest_project(tmp_path, then)
    assert ("ASL207" in cli_text(tmp_path)) == (then == "strict")
    assert cli_findings(tmp_path) == cli_findings(tmp_path, "--no-cache")


def test_a_conftest_naming_another_runner_is_a_dependency_of_the_result(tmp_path: Path) -> None:
    _pytest_project(tmp_path, "strict")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_home.py").write_text(FIXTURE)
    assert "ASL207" in cli_text(tmp_path)
    (tmp_path / "tests" / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n")
    assert "ASL207" not in cli_text(tmp_path)
    (tmp_path / "tests" / "conftest.py").unlink()
    assert "ASL207" in cli_text(tmp_path)


# -- the differential test: a seeded series of edits, cached == uncached after each ------------
SERVICES_ASYNC = "async def fetch_user(uid):\n    return uid\n"
SERVICES_SYNC = "def fetch_user(uid):\n    return uid\n"
ROUTES = (
    "from app.services import fetch_user\n\n\n"
    "async def show(uid):\n"
    "    user = fetch_user(uid)\n"
    "    return user\n"
)
NS_ROUTES = "from web.jobs import fetch_user\n\n\nasync def show(uid):\n    fetch_user(uid)\n"
QUIET_HELPER = "def load_user(uid):\n    return {'id': uid}\n"

Edit = Callable[[Path], None]


def _write(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).write_text(text)
    return edit


def _delete(rel: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).unlink(missing_ok=True)
    return edit


def _append(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        if path.exists():
            path.write_text(path.read_text() + text)
    return edit


EDITS: dict[str, Edit] = {
    "helper blocks": _write("app/helpers.py", HELPER),
    "helper stops blocking": _write("app/helpers.py", QUIET_HELPER),
    "helper body-only edit": _append("app/helpers.py", "\n\ndef unrelated():\n    return 1\n"),
    "service becomes async": _write("app/services.py", SERVICES_ASYNC),
    "service becomes sync": _write("app/services.py", SERVICES_SYNC),
    "service deleted": _delete("app/services.py"),
    "service restored": _write("app/services.py", SERVICES_ASYNC),
    "helpers deleted": _delete("app/helpers.py"),
    "pytest strict": lambda root: _pytest_project(root, "strict"),
    "pytest auto": lambda root: _pytest_project(root, "auto"),
    "conftest names anyio": _write("tests/conftest.py", "ANYIO = 'anyio_backend'\n"),
    "conftest plain": _write("tests/conftest.py", "VALUE = 1\n"),
    "view edited": _append("app/views.py", "\n\nasync def other(uid):\n    return uid\n"),
    # A namespace package (PEP 420): `backend/web/` has no `__init__.py`, its modules import
    # each other as `web.jobs` (rooted at `backend/`) and relatively.
    "namespace job async": _write("backend/web/jobs.py", SERVICES_ASYNC),
    "namespace job sync": _write("backend/web/jobs.py", SERVICES_SYNC),
    "namespace job deleted": _delete("backend/web/jobs.py"),
    "namespace becomes a package": _write("backend/web/__init__.py", ""),
    "namespace again": _delete("backend/web/__init__.py"),
    "namespace shadowed": _write("backend/web/web/jobs.py", SERVICES_ASYNC),
    "namespace unshadowed": _delete("backend/web/web/jobs.py"),
}


def _differential_project(root: Path) -> None:
    _app(root)
    _pytest_project(root, "strict")
    (root / "app" / "services.py").write_text(SERVICES_ASYNC)
    (root / "app" / "routes.py").write_text(ROUTES)
    (root / "tests").mkdir()
    (root / "tests" / "test_home.py").write_text(FIXTURE)
    (root / "backend" / "web" / "web").mkdir(parents=True)
    (root / "backend" / "web" / "jobs.py").write_text(SERVICES_SYNC)
    (root / "backend" / "web" / "routes.py").write_text(NS_ROUTES)
    (root / "backend" / "web" / "relative.py").write_text(
        NS_ROUTES.replace("from web.jobs import", "from .jobs import"))


@pytest.mark.parametrize("seed", [17, 18])
def test_cached_runs_equal_uncached_runs_after_every_edit(tmp_path: Path, seed: int) -> None:
    _differential_project(tmp_path)
    steps = random.Random(seed).choices(sorted(EDITS), k=10)
    cli_text(tmp_path)  # fill the caches
    seen: set[str] = set()
    for step in steps:
        EDITS[step](tmp_path)
        fresh = cli_findings(tmp_path, "--no-cache")
        seen |= {f[3] for f in fresh}
        # A text format first: a run it serves from the cache imports no rule.
        assert cli_concise(tmp_path) == fresh, f"after {step!r} (steps: {steps})"
        assert cli_findings(tmp_path) == fresh, f"json, after {step!r} (steps: {steps})"
        assert flake8_findings(tmp_path) == fresh, f"flake8, after {step!r} (steps: {steps})"
    assert seen, "the edits never produced a finding: the test would prove nothing"


def test_cached_runs_follow_every_namespace_package_edit(tmp_path: Path) -> None:
    _differential_project(tmp_path)
    cli_text(tmp_path)  # fill the caches
    seen: set[tuple[str, str]] = set()
    for step in sorted(EDITS, key=list(EDITS).index):
        if not step.startswith("namespace"):
            continue
        EDITS[step](tmp_path)
        fresh = cli_findings(tmp_path, "--no-cache")
        seen |= {(f[0], f[3]) for f in fresh if "backend" in f[0]}
        assert cli_concise(tmp_path) == fresh, f"after {step!r}"
        assert cli_findings(tmp_path) == fresh, f"json, after {step!r}"
        assert flake8_findings(tmp_path) == fresh, f"flake8, after {step!r}"
    assert len(seen) == 2, seen  # both imports resolved at some point


DROPPED_TASK = ("import asyncio\n\n\nasync def work():\n    await asyncio.sleep(0)\n\n\n"
                "async def main():\n    asyncio.create_task(work())  # noqa: RUF006\n")


@pytest.mark.parametrize("first", [True, False])
def test_noqa_peer_codes_is_part_of_the_cache_key(tmp_path: Path, first: bool) -> None:
    """Toggling `noqa-peer-codes` changes what a cached run reports, as `--no-cache` does."""
    (tmp_path / "app.py").write_text(DROPPED_TASK)
    for on in (first, not first, first):
        (tmp_path / "pyproject.toml").write_text(
            f"[tool.asynclint]\nnoqa-peer-codes = {str(on).lower()}\n")
        assert ("ASL500" in cli_text(tmp_path)) == (not on)
        assert cli_findings(tmp_path) == cli_findings(tmp_path, "--no-cache")


# -- fixes served from the cache: JSON and SARIF print them byte for byte as a cold run ---------
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def cli_report(root: Path, fmt: str, *extra: str) -> str:
    """A report that prints fix edits, exactly as printed."""
    return _door(root, "cli", "check", "--select", "ASL", "--output-format", fmt, *extra,
                 ".").stdout


def test_a_warm_run_prints_the_fixes_of_a_cold_run_byte_for_byte(tmp_path: Path) -> None:
    """Every fixture that has a fixed form, in one project: JSON and SARIF from the cache (a
    text run wrote the entries, without fixes; the first JSON run adds them; the next reads
    them) are the `--no-cache` run's, byte for byte."""
    for flagged in sorted(FIXTURES.glob("ASL*/*.fixed.py")):
        source = flagged.with_name(flagged.name.replace(".fixed.py", ".py"))
        (tmp_path / f"{source.parent.name}_{source.name}").write_bytes(source.read_bytes())
    cold = {fmt: cli_report(tmp_path, fmt, "--no-cache") for fmt in ("json", "sarif")}
    fixes = [d["fix"] for d in json.loads(cold["json"]) if d["fix"]]
    assert len(fixes) > 50 and any(len(f["edits"]) > 1 for f in fixes)
    cli_text(tmp_path)  # entries without fixes
    for run in ("fixes added", "warm", "warm again"):
        for fmt in ("json", "sarif"):
            assert cli_report(tmp_path, fmt) == cold[fmt], f"{fmt}, {run}"
    assert cli_text(tmp_path) == cli_text(tmp_path, "--no-cache")  # text still offers them


FIRST_PARTY_VIEW = ('import requests\nfrom fastapi import FastAPI\n\nfrom myapp.db import Session\n'
                    '\napp = FastAPI()\n\n\n@app.get("/")\nasync def get(q):\n    Session()\n'
                    '    return requests.get(q)\n')
FIX_INPUTS: dict[str, Edit] = {
    "first-party module appears": _write("src/myapp/db.py", ""),
    "first-party module goes": _delete("src/myapp/db.py"),
    "known-first-party set": _write("pyproject.toml",
                                    "[tool.ruff.lint.isort]\nknown-first-party = ['myapp']\n"),
    "ruff settings without isort": _write("pyproject.toml", "[tool.ruff]\nline-length = 99\n"),
    "ruff.toml takes over": _write("ruff.toml", "[lint.isort]\nknown-first-party = ['myapp']\n"),
    "ruff.toml goes": _delete("ruff.toml"),
}


def test_what_a_cached_fix_read_is_a_dependency_of_it(tmp_path: Path) -> None:
    """Where a fix puts its import follows the project (its first-party modules, ruff's isort
    settings): after each change a cached run prints what `--no-cache` prints."""
    (tmp_path / "src" / "myapp").mkdir(parents=True)
    (tmp_path / "app.py").write_text(FIRST_PARTY_VIEW)
    cli_report(tmp_path, "json")  # fill the cache, fixes included
    printed = set()
    for step, edit in FIX_INPUTS.items():
        edit(tmp_path)
        fresh = cli_report(tmp_path, "json", "--no-cache")
        printed.add(fresh)
        for run in ("after the change", "warm"):
            assert cli_report(tmp_path, "json") == fresh, f"{run}, {step!r}"
    assert len(printed) > 1, "no change moved the import: the test would prove nothing"
