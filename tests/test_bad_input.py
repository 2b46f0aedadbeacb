"""Bad input and safety (issue 10): what the other file tests do not cover — mixed line endings
and tabs under fixes, very long and very deep files through every door, binary files, files
that vanish or become unreadable mid-run, interrupted and concurrent `--fix`, foreign caches,
and that checked code is never run and nothing is written outside the checked tree."""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest

from asynclint import __version__
from asynclint.config import Settings
from asynclint.engine.run import RunOptions, check_file, check_paths
from asynclint.semantic.project.version import SUMMARY_VERSION
from tests.conftest import BAD, FIXED, MODULE, Run, clean_env

ROOT = Path(__file__).resolve().parent.parent
CHECK = ("check", "--no-cache")


def _bad(i: int) -> str:
    return BAD.replace("sleep(1)", f"sleep({i})")


def _fixed(i: int) -> str:
    return FIXED.replace("sleep(1)", f"sleep({i})")


def _no_crash(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
        result.stderr[-3000:]


def _fix_text(text: str, tmp_path: Path, name: str = "x.py") -> str:
    """`--fix --unsafe-fixes` of `text` (every rule), in-process."""
    settings = Settings(root=tmp_path, select=("ASL",))
    report = check_file(str(tmp_path / name), settings,
                        RunOptions(fix=True, unsafe_fixes=True, use_cache=False),
                        data=text.encode())
    assert not report.internal_error, report.errors
    return report.fixed_text if report.fixed_text is not None else text


# -- line endings and indentation survive fixes ----------------------------------------------
def test_mixed_line_endings_keep_each_lines_own_ending(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"import time\r\n\n\r\nasync def f():\n    time.sleep(1)\r\n    return 2\n")
    assert run(*CHECK, "--fix", "m.py").returncode == 0
    # Lines that were there keep their ending; the inserted import takes the file's first one.
    assert path.read_bytes() == (b"import asyncio\r\n\n\r\nasync def f():\n"
                                 b"    await asyncio.sleep(1)\r\n    return 2\n")


def test_mixed_line_endings_with_fixes_that_insert_lines(tmp_path: Path) -> None:
    """Every fixture's fix, on a copy whose odd lines end in CRLF: the same code as the LF
    fix, and every line that the fix kept ends as it did."""
    checked = 0
    for fixture in _fixable_fixtures():
        text = fixture.read_text()
        lines = text.splitlines(keepends=True)
        mixed = "".join(ln[:-1] + "\r\n" if i % 2 and ln.endswith("\n") else ln
                        for i, ln in enumerate(lines))
        if mixed.count('"""') or mixed.count("'''"):
            continue  # a line break inside a string is part of its value
        plain, fixed = _fix_text(text, tmp_path), _fix_text(mixed, tmp_path)
        if plain == text:
            continue
        checked += 1
        assert fixed.replace("\r\n", "\n") == plain, fixture
        ast.parse(fixed)
        ending = {ln.rstrip("\r\n"): ln[len(ln.rstrip("\r\n")):] for ln in mixed.splitlines(True)
                  if ln.strip() and mixed.count(ln.rstrip("\r\n") + "\n")
                  + mixed.count(ln.rstrip("\r\n") + "\r\n") == 1}
        for line in fixed.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            if body in ending and line != body:
                assert line[len(body):] == ending[body], (fixture, line)
    assert checked >= 10


def _tabify(text: str) -> str:
    return "".join(re.sub(r"^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), line)
                   for line in text.splitlines(keepends=True))


def _fixable_fixtures() -> list[Path]:
    return sorted(p for p in (ROOT / "fixtures").glob("ASL*/flagged*.py")
                  if not p.name.endswith(".fixed.py"))


def test_tab_indented_files_are_fixed_with_tabs(tmp_path: Path) -> None:
    """Each fixture indented with tabs instead of four spaces is fixed exactly as the spaced
    one, tabs for spaces: lines a fix inserts inside a block use the block's tabs."""
    checked = 0
    for fixture in _fixable_fixtures():
        spaced = fixture.read_text()
        if "\t" in spaced or '"""' in spaced or "'''" in spaced:
            continue  # re-indenting would change a string
        tabbed = _tabify(spaced)
        fixed_spaced = _fix_text(spaced, tmp_path)
        if fixed_spaced == spaced:
            continue
        checked += 1
        fixed_tabbed = _fix_text(tabbed, tmp_path)
        assert fixed_tabbed == _tabify(fixed_spaced), fixture
    assert checked >= 10


# -- size and depth ---------------------------------------------------------------------------
def test_hundred_thousand_line_file(run: Run, tmp_path: Path) -> None:
    lines = ["import time", ""]
    expected = []
    for block in range(10):
        for i in range(3_340):
            lines += [f"def f{block}_{i}(x):", f"    return x + {i}", ""]
        lines += [f"async def handler{block}():", "    y = 1; time.sleep(y)"]
        expected.append((len(lines), 12))
    text = "\n".join(lines) + "\n"
    assert text.count("\n") >= 100_000
    (tmp_path / "big.py").write_text(text)
    result = run(*CHECK, "--output-format", "concise", "big.py")
    _no_crash(result)
    assert result.returncode == 1
    found = [tuple(map(int, m.groups())) for m in
             re.finditer(r"^big\.py:(\d+):(\d+): ASL100 ", result.stdout, re.M)]
    assert found == expected


DEEP = {
    "blocks": "x = 1\n" + "".join(" " * i + "if x:\n" for i in range(1_000)) + " " * 1_000
              + "pass\n",
    "parens": "X = " + "(" * 1_000 + "1" + ")" * 1_000 + "\n",
    "brackets": "X = " + "[{" * 500 + "}]" * 500 + "\n",
    "lambdas": "import time\nF = " + "lambda: " * 1_000 + "time.sleep(1)\n",
    "unary": "import time\nasync def g():\n    x = " + "-" * 1_000 + "time.sleep(1)\n",
    "nots": "import time\nasync def g():\n    x = " + "not " * 1_000 + "time.sleep(1)\n",
    "ifexp": "import time\nasync def g():\n    x = " + "1 if x else " * 1_000 + "time.sleep(1)\n",
    "attributes": "import time\nasync def g():\n    x = time" + ".sleep(1)" * 1_000 + "\n",
    "subscripts": "import time\nasync def g():\n    x = time.sleep(1)" + "[0]" * 1_000 + "\n",
}


def test_thousand_deep_nesting_through_the_cli(run: Run, tmp_path: Path) -> None:
    for name, text in DEEP.items():
        (tmp_path / f"{name}.py").write_text(text)
    (tmp_path / "ok.py").write_text(BAD)
    diff = run(*CHECK, "--fix", "--diff", "--unsafe-fixes", ".")
    _no_crash(diff)
    assert diff.returncode == 1
    result = run(*CHECK, "--output-format", "json", ".")
    _no_crash(result)
    assert result.returncode == 1
    found = json.loads(result.stdout)
    files = {Path(str(d["filename"])).stem for d in found}
    assert "ok" in files
    for d in found:
        if d["code"] == "E999":
            assert "SyntaxError" in str(d["message"])


@pytest.mark.parametrize("where", ["in the call", "beside the call"])
def test_fix_libcst_cannot_position_is_skipped_with_one_line(where: str, run: Run,
                                                             tmp_path: Path) -> None:
    """A 1,000-term expression parses for `ast` but is too deep for libcst to position: a
    finding whose fix rewrites libcst nodes (ASL400's `gather`) stays, its fix is skipped with
    one line saying so, and the exit code is 1 (a finding remains), not 2 (an internal
    error)."""
    terms = " + ".join(["1"] * 1000)
    body = f"    a = await client.get('/a')\n    b = await client.get(str({terms}))\n" \
        if where == "in the call" else \
        f"    x = {terms}\n    a = await client.get('/a')\n    b = await client.get(str(x))\n"
    text = ("import httpx\n\n\nasync def f(client: httpx.AsyncClient):\n" + body
            + "    return a, b\n")
    (tmp_path / "deep.py").write_text(text)
    result = run(*CHECK, "--fix", "--unsafe-fixes", "--output-format", "concise", "deep.py")
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "ASL400" in result.stdout
    [line] = result.stderr.splitlines()
    assert "ASL400 fix skipped: the code around it is nested too deeply" in line
    assert (tmp_path / "deep.py").read_text() == text


@pytest.mark.parametrize("where", ["in the call", "beside the call"])
def test_a_fix_written_as_text_is_applied_where_libcst_cannot_position(
        where: str, run: Run, tmp_path: Path) -> None:
    """ASL100's fix is written from the code's text (no libcst), so code too deep for libcst
    is fixed all the same."""
    terms = " + ".join(["1"] * 1000)
    body = f"    time.sleep({terms})\n" if where == "in the call" else \
        f"    x = {terms}\n    time.sleep(1)\n"
    text = "import time\n\n\nasync def f():\n" + body
    (tmp_path / "deep.py").write_text(text)
    result = run(*CHECK, "--fix", "--output-format", "concise", "deep.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    fixed = (tmp_path / "deep.py").read_text()
    # `import time`, left unused, goes with the fix (ruff's F401)
    assert fixed == text.replace("import time", "import asyncio").replace(
        "time.sleep(", "await asyncio.sleep(")


def test_thousand_deep_nesting_through_flake8(tmp_path: Path) -> None:
    from asynclint.flake8_plugin import Plugin

    for name, text in [*DEEP.items(), ("ok", BAD)]:
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        try:
            tree = ast.parse(text)
        except (SyntaxError, RecursionError, MemoryError):
            continue  # flake8 reports E999 itself and never calls the plugin
        found = [message.split()[0] for _, _, message, _ in
                 Plugin(tree, str(path), text.splitlines(keepends=True)).run()]
        # A tree too deep for a rule is one clear E999, as in the CLI.
        assert all(c.startswith("ASL") or c == "E999" for c in found), (name, found)
        if name == "ok":
            assert found == ["ASL100"]
    # And through the real command: no plugin of ours fails. pyflakes itself overflows on
    # some of these and flake8 then stops, so the files it fails on are checked apart.
    def flake8(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select",
                                 "ASL,E9", *args, "."], cwd=tmp_path, capture_output=True,
                                text=True, env=clean_env(), timeout=120)
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        output = result.stdout + result.stderr
        assert not [ln for ln in output.splitlines()
                    if "failed during execution" in ln and "pyflakes" not in ln], output
        return output

    overflowing: list[str] = []
    for _ in DEEP:  # flake8 stops at the first failure: set aside pyflakes' one by one
        output = flake8("--extend-exclude", ",".join(overflowing or ["-"]))
        failed = re.findall(r"^\./(\w+\.py): \"pyflakes\[F\]\" failed", output, re.M)
        if not failed:
            break
        overflowing += failed
    assert "./ok.py:5:5: ASL100" in output


def test_thousand_deep_nesting_through_the_language_server(tmp_path: Path) -> None:
    from pygls.workspace import Workspace

    from asynclint.lsp.server import AsyncLintServer

    server = AsyncLintServer()
    server.protocol._workspace = Workspace(tmp_path.as_uri())  # as `initialize` would
    for name, text in [*DEEP.items(), ("ok", BAD)]:
        path = tmp_path / f"{name}.py"
        checked = server._check(path.as_uri(), text, (1, 0))
        codes = [str(d.code) for d in checked.lsp]
        if name == "ok":
            assert codes == ["ASL100"]
        checked.fixed()  # the editor's quick fixes and fix-all: no RecursionError either
        checked.fix_all()


# -- binary files ---------------------------------------------------------------------------
def test_null_bytes_and_binary_files(run: Run, tmp_path: Path) -> None:
    files = {
        "nul.py": b"import time\nx = 1\x00\n",
        "binary.py": bytes(range(256)) * 16,
        "png.py": b"\x89PNG\r\n\x1a\n" + os.urandom(512),
        "zeros.py": b"\x00" * 1024,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "ok.py").write_text(BAD)
    for args in ((), ("--fix",)):
        result = run(*CHECK, "--output-format", "json", *args, ".")
        _no_crash(result)
        assert result.returncode == 1
        found = json.loads(result.stdout)
        by_file: dict[str, list[str]] = {}
        for d in found:
            by_file.setdefault(Path(str(d["filename"])).name, []).append(str(d["code"]))
        assert by_file.pop("ok.py", []) == ([] if args else ["ASL100"])
        for name in files:
            assert len(by_file[name]) == 1 and by_file[name][0] in ("E902", "E999"), by_file
        assert by_file["nul.py"] == ["E999"]
        assert "null bytes" in next(str(d["message"]) for d in found
                                    if str(d["filename"]).endswith("nul.py"))
        for name, data in files.items():
            assert (tmp_path / name).read_bytes() == data
    assert (tmp_path / "ok.py").read_text() == FIXED


# -- files that vanish or become unreadable mid-run -------------------------------------------
def _discovered(tmp_path: Path) -> list[tuple[str, Settings]]:
    from asynclint.config import SettingsResolver
    from asynclint.engine.discovery import discover

    resolver = SettingsResolver(isolated=True)
    return [(str(p), resolver.for_path(p)) for p in discover([tmp_path], resolver)]


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "warm-cache"])
def test_file_deleted_after_discovery_is_e902(tmp_path: Path, cache: bool) -> None:
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text(_bad(i))
    options = RunOptions(use_cache=cache, jobs=1)
    if cache:
        check_paths(_discovered(tmp_path), options)
    files = _discovered(tmp_path)
    assert len(files) == 3
    (tmp_path / "m1.py").unlink()
    reports = {Path(r.path).name: [d.code for d in r.diagnostics]
               for r in check_paths(files, options)}
    assert reports == {"m0.py": ["ASL100"], "m1.py": ["E902"], "m2.py": ["ASL100"]}


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "warm-cache"])
def test_file_unreadable_mid_run_is_e902(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         cache: bool) -> None:
    """chmod 000 does not stop root: the read itself is made to fail as it would."""
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text(_bad(i))
    options = RunOptions(use_cache=cache, jobs=1)
    if cache:
        check_paths(_discovered(tmp_path), options)
    files = _discovered(tmp_path)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "m1.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    (report0, report1, report2) = check_paths(files, options)
    assert [d.code for d in report0.diagnostics] == ["ASL100"]
    assert [d.code for d in report2.diagnostics] == ["ASL100"]
    assert [(d.code, d.message) for d in report1.diagnostics] == [
        ("E902", "Permission denied (os error 13)")]


def test_file_deleted_before_its_fix_is_written_is_not_recreated(tmp_path: Path) -> None:
    from asynclint.cli import _write_fixes

    path, other = tmp_path / "gone.py", tmp_path / "kept.py"
    path.write_text(BAD)
    other.write_text(BAD)
    reports = check_paths([(str(path), Settings(root=tmp_path)),
                           (str(other), Settings(root=tmp_path))],
                          RunOptions(fix=True, use_cache=False, jobs=1))
    path.unlink()
    err = StringIO()
    _write_fixes(reports, err)
    assert not path.exists()
    assert "Failed to write fixes" in err.getvalue() and "gone.py" in err.getvalue()
    assert other.read_text() == FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.py"]


# -- interrupted and concurrent --fix ---------------------------------------------------------
N_FILES = 300


def _tree(root: Path, n: int = N_FILES) -> None:
    for i in range(n):
        (root / f"m{i:03}.py").write_text(_bad(i))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_fix_interrupted_by_a_signal_leaves_every_file_old_or_new(tmp_path: Path,
                                                                  signum: int) -> None:
    interrupted = 0
    for attempt in range(5):
        root = tmp_path / f"run{attempt}"
        root.mkdir()
        _tree(root)
        first = root / "m000.py"
        original = first.read_bytes()
        proc = subprocess.Popen([*MODULE, "check", "--no-cache", "--fix", "."], cwd=root,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=clean_env())
        while proc.poll() is None and first.read_bytes() == original:
            time.sleep(0.0005)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        assert b"Traceback" not in stderr, stderr.decode()[-2000:]
        states = []
        for i in range(N_FILES):
            data = (root / f"m{i:03}.py").read_text()
            assert data in (_bad(i), _fixed(i)), i
            states.append(data == _fixed(i))
        assert not [p.name for p in root.iterdir() if p.name.startswith(".")]
        if not all(states):
            interrupted += 1
            assert proc.returncode != 0
            if interrupted == 2:
                break
    assert interrupted, "the run always finished before the signal arrived"


def test_two_fix_runs_at_once_on_one_tree(tmp_path: Path) -> None:
    """Two `--fix` runs (and two plain checks writing the cache) on one tree at once."""
    _tree(tmp_path, 120)
    procs = [subprocess.Popen([*MODULE, "check", *args, "."], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
             for args in (("--fix",), (), ("--fix",), ())]
    for proc in procs:
        _, stderr = proc.communicate(timeout=120)
        assert b"Traceback" not in stderr and b"internal error" not in stderr, stderr
        assert proc.returncode in (0, 1)
    for i in range(120):
        text = (tmp_path / f"m{i:03}.py").read_text()
        assert text == _fixed(i)
        ast.parse(text)
    again = subprocess.run([*MODULE, "check", "--fix", "--show-fixes", "."], cwd=tmp_path,
                           capture_output=True, text=True, env=clean_env())
    # nothing fixed: no `--show-fixes` block (ruff 0.17.6 prints none either)
    assert again.returncode == 0 and again.stdout == "All checks passed!\n"
    caches = list((tmp_path / ".asynclint_cache").rglob("*.json"))
    assert caches
    for cache in caches:
        json.loads(cache.read_text())
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".tmp", ".asynclint")]


# -- foreign caches --------------------------------------------------------------------------
def _fresh(tmp_path: Path) -> list[tuple[str, int, int, str]]:
    reports = check_paths([(str(tmp_path / "a.py"), Settings(root=tmp_path))],
                          RunOptions(use_cache=False, jobs=1))
    return [(d.code, d.start.row, d.start.col, d.message) for r in reports for d in r.diagnostics]


def _cached(tmp_path: Path) -> tuple[list[tuple[str, int, int, str]], bool]:
    (report,) = check_paths([(str(tmp_path / "a.py"), Settings(root=tmp_path))],
                            RunOptions(use_cache=True, jobs=1))
    return [(d.code, d.start.row, d.start.col, d.message) for d in report.diagnostics], \
        report.from_cache


def _foreign_entries(digest: str) -> list[object]:
    """Result-cache entries a foreign or future asynclint might have left, for a file whose
    content digest matches."""
    good = ["ASL100", "blocking-sleep", "m", 5, 4, 5, 17, 5, None, None, None]
    return [
        {"digest": digest},
        "text",
        [digest],
        [digest, "not a list"],
        [digest, [["ASL100"]]],
        [digest, [[*good[:3], "5", 4, 5, 17, 5, None, None, None]]],
        [digest, [[*good[:9], "bogus", None]]],
        [digest, [[*good[:10], {"asynclint.Edit": [1]}]]],
        [digest, [[None, *good[1:]]]],
        [digest, [[*good[:3], -1, 4, 5, 17, 5, None, None, None]]],
        [digest, [good], "not deps"],
        [digest, [good], [["a", "b"]]],
        [digest, [good], [[1, 2, 3]]],
    ]


def test_foreign_result_cache_is_never_trusted(tmp_path: Path) -> None:
    from asynclint.engine.result_cache import digest

    (tmp_path / "a.py").write_text(BAD)
    fresh = _fresh(tmp_path)
    assert _cached(tmp_path) == (fresh, False)
    (cache_file,) = (tmp_path / ".asynclint_cache" / __version__).glob("*.json")
    key = digest(BAD.encode())
    shapes: list[object] = [[], "text", 3, None, {"a.py": None}]
    shapes += [{"a.py": entry} for entry in _foreign_entries(key)]
    for shape in shapes:
        cache_file.write_text(json.dumps(shape))
        assert _cached(tmp_path)[0] == fresh, shape
        # ...and the cache is rebuilt: the next run is served from it.
        assert _cached(tmp_path) == (fresh, True), shape


def test_cache_of_another_version_is_not_read(tmp_path: Path) -> None:
    from asynclint.engine.result_cache import digest

    (tmp_path / "a.py").write_text(BAD)
    fresh = _fresh(tmp_path)
    _cached(tmp_path)
    (cache_file,) = (tmp_path / ".asynclint_cache" / __version__).glob("*.json")
    newer = tmp_path / ".asynclint_cache" / "99.0.0" / cache_file.name
    newer.parent.mkdir()
    lie = {"a.py": [digest(BAD.encode()), []]}  # "nothing to report"
    newer.write_text(json.dumps(lie))
    cache_file.unlink()
    assert _cached(tmp_path) == (fresh, False)
    assert json.loads(newer.read_text()) == lie  # left alone


USES = "from app.services.users import fetch_user\n\n\nasync def handler(uid):\n    fetch_user(uid)\n"


@pytest.mark.parametrize("shape", [
    [], "text", {"x": 1}, {"/nowhere.py": [1, 2, "d", {"n": None}]},
    {"/nowhere.py": [1, 2, "d", []]},
    {"{users}": [0, 0, "d", {"n": "x", "p": False, "f": [], "c": {}, "i": {}, "a": [],
                               "v": {}}]},
    {"{users}": [0, 0, "d", {"n": "x", "p": False, "f": {"fetch_user": "async"}, "c": {},
                               "i": {}, "a": [], "v": {}}]},
], ids=["list", "string", "wrong-entry", "short-summary", "summary-list", "functions-list",
        "function-string"])
def test_foreign_project_index_cache_is_rebuilt(run: Run, tmp_path: Path, shape: object) -> None:
    files = {"pyproject.toml": "", "app/__init__.py": "", "app/services/__init__.py": "",
             "app/services/users.py": "async def fetch_user(uid): ...\n", "app/api.py": USES}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    index = tmp_path / ".asynclint_cache" / __version__ / f"index-v{SUMMARY_VERSION}.json"
    index.parent.mkdir(parents=True)
    users = str(tmp_path / "app/services/users.py")
    index.write_text(json.dumps(shape).replace("{users}", users.replace("\\", "\\\\")))
    for _ in range(2):
        result = run("check", "--output-format", "concise", "app/api.py")
        _no_crash(result)
        assert result.stdout.startswith("app/api.py:5:5: ASL200 "), result.stdout
    rebuilt = json.loads(index.read_text())
    assert isinstance(rebuilt, dict) and users in rebuilt


# -- safety: checked code is never run, nothing is written where it should not be -----------
SIDE_EFFECTS = (
    "import sys\n"
    "import time\n"
    "open({marker!r}, 'w').write('imported')\n"
    "sys.exit(3)\n\n\n"
    "async def f():\n"
    "    time.sleep(1)\n\n\n"
    "if __name__ == '__main__':\n"
    "    open({marker!r}, 'w').write('main')\n"
)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_checked_code_is_never_run_and_writes_stay_in_place(run: Run, tmp_path: Path) -> None:
    project_dir = tmp_path / "proj"
    (project_dir / "pkg").mkdir(parents=True)
    marker = tmp_path / "marker"
    (project_dir / "pyproject.toml").write_text("")
    for name in ("pkg/__init__.py", "pkg/side.py", "conftest_like.py", "setup.py",
                 "pkg/__main__.py"):
        (project_dir / name).write_text(SIDE_EFFECTS.format(marker=str(marker)))
    before = _snapshot(project_dir)
    outside = _snapshot(tmp_path)
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "ASL", "."],
                            cwd=project_dir, capture_output=True, text=True, env=clean_env())
    _no_crash(flake8)
    assert "ASL100" in flake8.stdout
    pytest_run = subprocess.run([sys.executable, "-m", "pytest", "--asynclint", "-m", "asynclint",
                                 "-p", "no:cacheprovider", "-q", "."],
                                cwd=project_dir, capture_output=True, text=True, env=clean_env())
    assert "ASL100" in pytest_run.stdout, pytest_run.stdout[-2000:]
    for args in (("check", "."), ("check", "--fix", "--unsafe-fixes", "."),
                 ("check", "--diff", "."), ("check", "--output-format", "json", ".")):
        result = run(*args, cwd=project_dir)
        _no_crash(result)
    assert not marker.exists()
    after = _snapshot(project_dir)
    # The fixed files changed in place; everything new is in the cache folder.
    new = sorted(set(after) - set(before))
    assert new and all(p.startswith(".asynclint_cache" + os.sep) for p in new), new
    assert all(after[p] != before[p] for p in before if p.endswith(".py"))
    assert not [p for p in after if "__pycache__" in p or p.endswith((".pyc", ".asynclint"))]
    assert {p for p in _snapshot(tmp_path) if not p.startswith("proj")} == {
        p for p in outside if not p.startswith("proj")}


def test_cache_dir_setting_is_the_only_place_written(run: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\ncache-dir = "build/lint"\n')
    (tmp_path / "a.py").write_text(BAD)
    before = _snapshot(tmp_path)
    _no_crash(run("check", "."))
    _no_crash(run("check", "--fix", "."))
    new = sorted(set(_snapshot(tmp_path)) - set(before))
    assert new and all(p.startswith(os.path.join("build", "lint") + os.sep) for p in new), new
    assert not (tmp_path / ".asynclint_cache").exists()


@pytest.mark.parametrize("name", ["../../etc/x.py", "/tmp/../etc/passwd.py", "sub/new.py"])
def test_stdin_filename_is_never_written(run: Run, tmp_path: Path, name: str) -> None:
    here = tmp_path / "a" / "b"
    here.mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "x.py").write_text(BAD)
    before = _snapshot(tmp_path)
    for extra in ((), ("--no-cache",)):
        result = run("check", "--fix", "--stdin-filename", name, *extra, cwd=here, input=BAD)
        _no_crash(result)
        assert result.stdout == FIXED  # the fixed code goes to stdout, nowhere else
    assert _snapshot(tmp_path) == before
