"""The flake8 door, through the real `flake8` command: the same findings as `asynclint check`.

Every comparison runs both tools as a user would (subprocesses) on the same files and compares
(file, row, column, code, message), with the CLI's 1-based code-point columns converted to the
1-based UTF-8 byte columns flake8 prints.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FLAKE8_FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"

Finding = tuple[str, int, int, str, str]

# Files that exercise the door's conversions and suppressions; the fixtures of every rule family
# are added to them when present.
CORPUS: dict[str, bytes] = {
    "plain.py": b"import time\n\n\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n",
    "unicode.py": 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'.encode(),
    "latin1.py": (
        "# -*- coding: latin-1 -*-\nimport time\n\n\nasync def f():\n"
        "    s = 'ñé'; time.sleep(1)\n"
    ).encode("latin-1"),
    "bom_crlf.py": b"\xef\xbb\xbfimport time\r\n\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n",
    "noqa.py": (
        b"import time\n\n\nasync def f():\n"
        b"    time.sleep(1)  # noqa\n"
        b"    time.sleep(2)  # noqa: ASL100\n"
        b"    time.sleep(3)  # noqa:ASL1\n"
        b"    time.sleep(4)  # noqa: E501\n"
        b"    time.sleep(5)\n"
    ),
    "nested.py": (
        b"import time\nfrom time import sleep as snooze\n\n\nasync def outer():\n"
        b"    def helper():\n        time.sleep(1)\n    snooze(2)\n"
        b"    await run(lambda: time.sleep(3))\n\n\nclass C:\n    async def m(self):\n"
        b"        [time.sleep(i) for i in range(3)]\n"
    ),
    "file_noqa.py": b"# asynclint: noqa: ASL100\nimport time\n\n\nasync def f():\n    time.sleep(1)\n",
    "file_noqa_other.py": (
        b"# asynclint: noqa: ASL9\nimport time\n\n\nasync def f():\n    time.sleep(1)\n"
    ),
    "pkg/__init__.py": b"",
    "pkg/mod.py": b"import time as t\n\n\nasync def g():\n    t.sleep(0)\n",
}


def _copy_fixtures(dest: Path) -> int:
    """Copy fixtures/ (if this checkout has it) so both doors see the same settings: a fixture's
    `# asynclint-config:` line becomes the pyproject.toml of a folder of its own."""
    if not FIXTURES.is_dir():
        return 0
    count = 0
    for family in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for item in sorted(family.iterdir()):
            if item.is_dir():
                target = dest / "fixtures" / family.name / item.name
                shutil.copytree(item, target)
                configs = [_config_line(p) for p in item.rglob("*.py")]
                config = next((c for c in configs if c), None)
                if config:
                    _write_config(target, config)
                count += sum(1 for _ in item.rglob("*.py"))
            elif item.suffix == ".py" and not item.name.endswith(".fixed.py"):
                config = _config_line(item)
                folder = dest / "fixtures" / family.name
                if config:
                    folder = folder / f"cfg_{item.stem}"
                    _write_config(folder, config)
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item, folder / item.name)
                count += 1
    return count


def _config_line(path: Path) -> str | None:
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    prefix = "# asynclint-config:"
    return first[len(prefix):].strip() if first.startswith(prefix) else None


def _write_config(folder: Path, config: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(f"[tool.asynclint]\n{config}\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for name, data in CORPUS.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    _copy_fixtures(tmp_path)
    return tmp_path


def run_flake8(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=cwd, capture_output=True, text=True,
        encoding="utf-8",
    )


def flake8_findings(cwd: Path, *args: str) -> list[Finding]:
    proc = run_flake8(cwd, "--isolated", "--select", "ASL", f"--format={FLAKE8_FORMAT}", *args)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "failed during execution" not in proc.stdout
    found = []
    for line in proc.stdout.splitlines():
        path, row, col, code, text = line.split("\t")
        found.append((os.path.normpath(path), int(row), int(col), code, text))
    return sorted(found)


def _line(path: Path, row: int) -> str:
    """The decoded text of a line, as flake8 and asynclint decode it (cookie, BOM)."""
    from asynclint.source import SourceFile

    return SourceFile.from_bytes(path.read_bytes()).line(row)


def cli_findings(cwd: Path, *paths: str) -> list[Finding]:
    proc = subprocess.run(
        [sys.executable, "-m", "asynclint", "check", "--no-cache", "--output-format", "json",
         *(paths or (".",))],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8",
    )
    assert proc.returncode in (0, 1), proc.stderr
    found = []
    for d in json.loads(proc.stdout):
        if not d["code"].startswith("ASL"):
            continue
        path = Path(d["filename"])
        row = d["location"]["row"]
        prefix = _line(path, row)[: d["location"]["column"] - 1]
        col = len(prefix.encode("utf-8")) + 1
        found.append((os.path.relpath(path, cwd), row, col, d["code"], d["message"]))
    return sorted(found)


def test_flake8_finds_exactly_what_the_cli_finds(corpus: Path) -> None:
    cli = cli_findings(corpus)
    assert len(cli) >= 10  # the corpus really exercises the rules (never a vacuous pass)
    assert {f[0] for f in cli} >= {"plain.py", "unicode.py", "latin1.py", "bom_crlf.py"}
    assert flake8_findings(corpus, ".") == cli


def test_flake8_parallel_finds_the_same(corpus: Path) -> None:
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.py"))
    assert len(files) > 2  # flake8 only forks workers for several files
    assert flake8_findings(corpus, "-j", "2", *files) == cli_findings(corpus)


def test_spawned_workers_parse_the_options_again(corpus: Path) -> None:
    """With `spawn`/`forkserver` (macOS; Linux from Python 3.14) workers inherit nothing: each
    parses the options again, so `--asynclint-*` must reach them that way."""
    files = ["plain.py", "unicode.py", "nested.py"]
    script = (
        "import multiprocessing, sys\nmultiprocessing.set_start_method('spawn', force=True)\n"
        "from flake8.main.cli import main\nmain(sys.argv[1:])\n"
    )

    def spawned(*args: str) -> list[str]:
        proc = subprocess.run(
            [sys.executable, "-c", script, "--isolated", "--select", "ASL", "-j", "2",
             f"--format={FLAKE8_FORMAT}", *args, *files],
            cwd=corpus, capture_output=True, text=True,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return sorted(proc.stdout.splitlines())

    expected = sorted(f"{p}\t{r}\t{c}\t{code}\t{m}"
                      for p, r, c, code, m in cli_findings(corpus, *files))
    assert spawned() == expected and expected
    assert spawned("--asynclint-ignore", "ASL100") == []


def test_non_ascii_prefix_gives_flake8_byte_columns(tmp_path: Path) -> None:
    source = 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call))
    [(_, row, col, code, _)] = flake8_findings(tmp_path, "app.py")
    assert (row, col, code) == (5, call.col_offset + 1, "ASL100")
    assert col == len('    x = "é😀"; '.encode()) + 1 == 19
    [(_, _, cli_col, _, _)] = cli_findings(tmp_path, "app.py")  # converted from code points
    assert cli_col == col


def test_flake8_noqa_handling(corpus: Path) -> None:
    rows = [row for _, row, _, _, _ in flake8_findings(corpus, "noqa.py")]
    # A `noqa` for E501 does not hide ASL100 (row 8); the others do.
    assert rows == [8, 9]
    every = [row for _, row, _, _, _ in flake8_findings(corpus, "--disable-noqa", "noqa.py")]
    assert every == [5, 6, 7, 8, 9]


def test_noqa_on_a_later_line_of_a_multiline_call(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import time\n\n\nasync def f():\n    time.sleep(\n        5,\n    )  # noqa: ASL100\n"
    )
    # As in flake8 and ruff, the comment must be on the line the finding starts on.
    assert flake8_findings(tmp_path, "app.py") == cli_findings(tmp_path, "app.py")
    assert [f[1] for f in cli_findings(tmp_path, "app.py")] == [5]


def test_peer_codes_under_flake8(tmp_path: Path) -> None:
    """flake8 applies line `# noqa` comments itself and knows no peer codes: `# noqa: RUF006`
    leaves ASL500 (name both codes there); asynclint's own file-level comment honours them."""
    task = ("import asyncio\n\n\nasync def work():\n    await asyncio.sleep(0)\n\n\n"
            "async def main():\n    asyncio.create_task(work())  # noqa: RUF006{}\n")
    (tmp_path / "peer.py").write_text(task.format(""))
    (tmp_path / "both.py").write_text(task.format(", ASL500"))
    (tmp_path / "file.py").write_text("# asynclint: noqa: RUF006\n" + task.format(""))
    assert [(f[0], f[3]) for f in flake8_findings(tmp_path, ".")] == [("peer.py", "ASL500")]
    assert cli_findings(tmp_path) == []


def test_file_level_asynclint_noqa_is_honoured(corpus: Path) -> None:
    assert flake8_findings(corpus, "file_noqa.py") == []
    assert [f[3] for f in flake8_findings(corpus, "file_noqa_other.py")] == ["ASL100"]
    assert [f[3] for f in flake8_findings(corpus, "--disable-noqa", "file_noqa.py")] == ["ASL100"]


def test_show_source(corpus: Path) -> None:
    proc = run_flake8(corpus, "--isolated", "--select", "ASL", "--show-source", "plain.py")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("plain.py:5:5: ASL100 `time.sleep` blocks the event loop")
    assert lines[1] == "    time.sleep(1)"
    assert lines[2] == "    ^"


def test_asynclint_options_on_the_command_line(corpus: Path) -> None:
    assert flake8_findings(corpus, "--asynclint-ignore", "ASL100", "plain.py") == []
    assert len(flake8_findings(corpus, "--asynclint-select", "ASL1", "plain.py")) == 2
    # Worker processes (-j 2) see the options too.
    files = ["plain.py", "unicode.py", "nested.py"]
    assert flake8_findings(corpus, "-j", "2", "--asynclint-ignore=ASL1", *files) == []


@pytest.mark.parametrize("config_file", ["setup.cfg", "tox.ini", ".flake8"])
def test_asynclint_options_in_flake8_config(corpus: Path, config_file: str) -> None:
    def found(cfg: str) -> list[Finding]:
        (corpus / config_file).write_text(f"[flake8]\n{cfg}\n")
        proc = run_flake8(corpus, "--select", "ASL", f"--format={FLAKE8_FORMAT}", "plain.py")
        assert "failed" not in proc.stdout, proc.stdout
        return [tuple(line.split("\t")) for line in proc.stdout.splitlines()]  # type: ignore[misc]

    assert len(found("asynclint-select = ASL100")) == 2
    assert found("asynclint-ignore = ASL100, ASL1") == []
    # The more specific selector wins, as in [tool.asynclint].
    assert len(found("asynclint-extend-select = ASL100\nasynclint-ignore = ASL1")) == 2
    assert found("asynclint-select = ASL100\nasynclint-ignore = ASL100") == []


def test_unknown_selector_is_a_clear_error(corpus: Path) -> None:
    proc = run_flake8(corpus, "--isolated", "--asynclint-ignore", "ASL999", "plain.py")
    assert proc.returncode == 1
    assert "Unknown rule selector `ASL999` in `--asynclint-ignore`" in proc.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_pyproject_is_a_clear_error(corpus: Path, jobs: str) -> None:
    (corpus / "pyproject.toml").write_text("[tool.asynclint]\nbogus = 1\n")
    proc = run_flake8(corpus, "--isolated", "-j", jobs, "plain.py", "unicode.py")
    assert proc.returncode == 1
    assert "unknown setting `bogus` in [tool.asynclint]" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_tool_asynclint_in_pyproject_is_honoured(corpus: Path) -> None:
    (corpus / "pyproject.toml").write_text(
        '[tool.asynclint]\nper-file-ignores = { "unicode.py" = ["ASL100"] }\n'
        'extend-exclude = ["pkg"]\n'
    )
    found = {f[0] for f in flake8_findings(corpus, "plain.py", "unicode.py", "pkg/mod.py")}
    assert found == {"plain.py"}
    # The CLI agrees, with --force-exclude as in pre-commit (flake8 excludes named files too).
    cli = subprocess.run(
        [sys.executable, "-m", "asynclint", "check", "--no-cache", "--force-exclude",
         "--output-format", "json", "plain.py", "unicode.py", "pkg/mod.py"],
        cwd=corpus, capture_output=True, text=True,
    )
    assert {Path(d["filename"]).name for d in json.loads(cli.stdout)} == {"plain.py"}
    (corpus / "pyproject.toml").write_text('[tool.asynclint]\nignore = ["ASL1"]\n')
    assert flake8_findings(corpus, "plain.py") == []


def test_extra_settings_reach_the_engine(tmp_path: Path) -> None:
    """Options a rule family reads (`extra-blocking-calls`...) arrive in its Settings."""
    from types import SimpleNamespace

    from asynclint import flake8_plugin

    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nextra-blocking-calls = ["a.b"]\nignore = ["ASL100"]\n'
    )
    options = SimpleNamespace(asynclint_extra_blocking_calls=["mylib.fetch", " x.y "],
                              asynclint_select=["ASL1"], disable_noqa=False)
    try:
        flake8_plugin.Plugin.parse_options(options)
        settings = flake8_plugin._settings_for(flake8_plugin.Plugin.config,
                                               str(tmp_path / "app.py"))
    finally:
        flake8_plugin.Plugin.config = flake8_plugin._Config()
    assert settings.extra_blocking_calls == ("a.b", "mylib.fetch", "x.y")
    assert settings.select == ("ASL1",) and settings.ignore == ("ASL100",)


def test_flake8_run_never_imports_libcst(corpus: Path) -> None:
    script = (
        "import sys\nfrom flake8.main.cli import main\n"
        "try:\n    main(['--isolated', '--select', 'ASL', 'plain.py'])\n"
        "except SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('libcst', 'pygls', 'asynclint.engine.analyze') "
        "if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=corpus, capture_output=True,
                          text=True)
    assert "plain.py:5:5: ASL100" in proc.stdout
    assert "LOADED ['asynclint.engine.analyze']" in proc.stdout


def test_plugin_is_registered_with_flake8() -> None:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True,
                          text=True)
    assert "asynclint:" in proc.stdout
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    entry = pyproject["project"]["entry-points"]["flake8.extension"]
    assert entry == {"ASL": "asynclint.flake8_plugin:Plugin"}
