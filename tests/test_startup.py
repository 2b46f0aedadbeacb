"""Start-up stays light: importing asynclint, `--version` and a plain check (no fixes computed)
import neither libcst (fixes only) nor pygls (the language server only)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BAD, clean_env

HEAVY = ("libcst", "pygls", "lsprotocol")


def _rewrites_nodes(tmp_path: Path) -> None:
    """A file with one finding whose fix rewrites libcst nodes (ASL400's `asyncio.gather`, its
    docs example): computing that fix imports libcst. (BAD's `asyncio.sleep` fix is written
    from the code's text, which needs no libcst.)"""
    from asynclint.api import rule

    found = rule("ASL400")
    assert found is not None
    (tmp_path / "a.py").write_text(found.bad_example)

# Runs the CLI in-process, then reports which heavy modules got imported.
PROBE = """
import json, sys
argv = sys.argv[1:]
if argv == ["import"]:
    import asynclint, asynclint.cli, asynclint.engine.run  # noqa: F401
    code = 0
else:
    from asynclint.cli import main
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
sys.stderr.write("PROBE" + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


def _probe(tmp_path: Path, *args: str) -> dict[str, object]:
    script = f"HEAVY = {HEAVY!r}\n" + PROBE
    result = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path,
                            capture_output=True, text=True, env=clean_env(), timeout=60)
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith("PROBE"))
    data: dict[str, object] = json.loads(line[len("PROBE"):])
    return data


@pytest.mark.parametrize(
    "args",
    [
        ["import"],
        ["--version"],
        ["version"],
        ["check", "--no-cache", "--output-format", "concise", "a.py"],
        ["check", "--no-cache", "a.py"],
        ["check", "a.py"],
        ["check", "--no-cache", "--output-format", "github", "a.py"],
        ["check", "--no-cache", "--statistics", "a.py"],
        ["rule", "ASL100"],
    ],
    ids=lambda a: " ".join(a),
)
def test_no_heavy_imports(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "a.py").write_text(BAD)
    data = _probe(tmp_path, *args)
    assert data["heavy"] == [], f"{args} imported {data['heavy']}"
    if args[0] == "check":
        assert data["code"] == 1  # the check really ran and found the bug


def test_the_probe_sees_libcst_when_fixing(tmp_path: Path) -> None:
    """The probe can fail: computing a fix that rewrites nodes does import libcst."""
    _rewrites_nodes(tmp_path)
    data = _probe(tmp_path, "check", "--no-cache", "--diff", "a.py")
    assert "libcst" in data["heavy"]  # type: ignore[operator]


def test_fixes_written_as_text_import_no_libcst(tmp_path: Path) -> None:
    """BAD's fix (`await asyncio.sleep(...)`, and the import it needs) is built from the code's
    text: neither `--diff` nor JSON output loads libcst for it."""
    (tmp_path / "a.py").write_text(BAD)
    for args in (["--diff"], ["--output-format", "json"]):
        data = _probe(tmp_path, "check", "--no-cache", *args, "a.py")
        assert data["heavy"] == [], args
        assert data["code"] == 1, args


def test_importtime_of_version(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "asynclint", "--version"],
                            cwd=tmp_path, capture_output=True, text=True, env=clean_env())
    assert result.returncode == 0
    imported = {ln.rsplit("|", 1)[-1].strip() for ln in result.stderr.splitlines() if "|" in ln}
    assert "asynclint" in imported
    assert not {m for m in imported if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "junit"])
def test_only_the_chosen_output_format_is_imported(tmp_path: Path, fmt: str) -> None:
    """Each format's module loads when used: a concise run does not pay for junit's XML."""
    (tmp_path / "a.py").write_text(BAD)
    script = ("import sys\nfrom asynclint.cli import main\ncode = main(sys.argv[1:])\n"
              "sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)) + '\\n')\n")
    result = subprocess.run([sys.executable, "-c", script, "check", "--no-cache",
                             "--output-format", fmt, "a.py"], cwd=tmp_path,
                            capture_output=True, text=True, env=clean_env(), timeout=60)
    assert "ASL100" in result.stdout
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith("MODULES "))
    modules = set(line.split()[1:])
    assert ("xml.etree.ElementTree" in modules) == (fmt == "junit")
    assert ("asynclint.output.text" in modules) == (fmt in ("full", "concise"))


def test_a_run_served_from_the_cache_imports_no_rule_family(tmp_path: Path) -> None:
    """Selection needs only the table of codes (`asynclint/codes.py`); the families load when a
    file is analysed — the first run here — and not when every result comes from the cache."""
    (tmp_path / "a.py").write_text(BAD)
    script = ("import sys\nfrom asynclint.cli import main\ncode = main(sys.argv[1:])\n"
              "sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)) + '\\n')\n")
    families = {f"asynclint.rules.{f}" for f in ("awaits", "blocking", "concurrency", "loop",
                                                  "tasks")}
    for run in ("cold", "warm"):
        result = subprocess.run([sys.executable, "-c", script, "check", "--output-format",
                                 "concise", "a.py"], cwd=tmp_path, capture_output=True,
                                text=True, env=clean_env(), timeout=60)
        assert "ASL100" in result.stdout, run
        line = next(ln for ln in result.stderr.splitlines() if ln.startswith("MODULES "))
        modules = set(line.split()[1:])
        assert families & modules == (families if run == "cold" else set()), run
        # Nor what only an analysis needs (noqa comments are read as a file is analysed; the
        # semantic model and the summariser: dependencies are checked by stats and digests;
        # fixes), nor hashlib's OpenSSL binding (asynclint's digests come from the built-in
        # BLAKE2), nor `shutil` (argparse's help formatter would load it to size itself).
        if run == "warm":
            assert not {"asynclint.engine.noqa", "asynclint.semantic.model",
                        "asynclint.semantic.project.summaries", "asynclint.fixes.attach",
                        "configparser", "_hashlib", "shutil"} & modules


def test_a_warm_json_run_imports_no_libcst(tmp_path: Path) -> None:
    """The fixes JSON prints are kept in the result cache with the findings: the run that
    computed them imports libcst, a warm one reads them and parses nothing."""
    _rewrites_nodes(tmp_path)
    runs = [_probe(tmp_path, "check", "--output-format", "json", "a.py") for _ in range(2)]
    assert "libcst" in runs[0]["heavy"]  # type: ignore[operator]
    assert runs[1]["heavy"] == [] and runs[1]["code"] == 1
    printed = subprocess.run([sys.executable, "-m", "asynclint", "check", "--output-format",
                              "json", "a.py"], cwd=tmp_path, capture_output=True, text=True,
                             env=clean_env(), timeout=60).stdout
    assert json.loads(printed)[0]["fix"]["edits"]  # the warm run printed the fix


# Registered before the command runs, so it runs after every exit handler the command adds
# (last in, first out): whether the heap was frozen for the interpreter's shutdown.
EXIT_PROBE = """
import atexit, gc, runpy, sys
atexit.register(lambda: sys.stderr.write(f"FROZEN {gc.get_freeze_count()}\\n"))
sys.argv = ["asynclint", *sys.argv[1:]]
runpy.run_module("asynclint", run_name="__main__")
"""


def test_the_command_freezes_the_heap_for_the_exit(tmp_path: Path) -> None:
    """`python -m asynclint` leaves its objects to the process's end, not to the collector
    passes of the interpreter's shutdown (`cli.entry`); its exit code is still `main`'s."""
    (tmp_path / "a.py").write_text(BAD)
    result = subprocess.run([sys.executable, "-c", EXIT_PROBE, "check", "--no-cache", "a.py"],
                            cwd=tmp_path, capture_output=True, text=True, env=clean_env(),
                            timeout=60)
    assert result.returncode == 1 and "ASL100" in result.stdout
    frozen = next(ln for ln in result.stderr.splitlines() if ln.startswith("FROZEN "))
    assert int(frozen.split()[1]) > 10_000


def test_the_console_script_is_the_freezing_entry() -> None:
    """The installed `asynclint` command calls `cli.entry` (not `main`, which tests call in a
    process that lives on, where a frozen heap would never be collected)."""
    import tomllib

    from asynclint import cli

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["asynclint"] == "asynclint.cli:entry"
    before = gc.get_freeze_count()
    assert before == 0
    try:
        assert cli.main(["version"]) == 0 and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
