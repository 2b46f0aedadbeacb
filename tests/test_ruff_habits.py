"""What a ruff user types by reflex, through the installed command, with ruff 0.17.6 run beside
it where it has the same flag: repeated selectors, the summary and `--diff` wording,
`--show-fixes`, `--statistics`, colour, `--add-noqa`, `--show-settings`, `--show-files`, and
unknown flags.

ruff's side runs on a twin file whose findings have the same shape (one safe fix, one unsafe
fix, one without a fix); the two tools' texts are compared line for line, codes and messages
aside."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCRIPT, clean_env

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
needs_ruff = pytest.mark.skipif(RUFF is None, reason="ruff is not installed")

# asynclint: ASL100 (safe fix), ASL103 (unsafe fix).
OURS = ("import subprocess\nimport time\n\n\nasync def f():\n    time.sleep(1)\n"
        "    subprocess.run(['ls'])\n    return 2\n")
# for ruff: F401 (safe fix), F841 (unsafe fix), E722 (no fix).
THEIRS = ("import os\nimport sys\n\n\ndef f():\n    x = 1\n    try:\n        pass\n"
          "    except:\n        pass\n    return sys\n")
RUFF_SELECT = ("--isolated", "--select", "F401,F841,E722")


def _ours(cwd: Path, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRIPT, "check", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env=env or clean_env(), timeout=120)


def _ruff(cwd: Path, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    assert RUFF is not None
    return subprocess.run([RUFF, "check", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env=env or clean_env(), timeout=120)


@pytest.fixture
def both(tmp_path: Path) -> Path:
    (tmp_path / "ours.py").write_text(OURS)
    (tmp_path / "theirs.py").write_text(THEIRS)
    return tmp_path


def _codes(stdout: str) -> list[str]:
    return re.findall(r"^\S+?:\d+:\d+: (\w+)", stdout, re.MULTILINE)


# -- repeated selectors accumulate ----------------------------------------------------------
@needs_ruff
def test_repeated_select_and_ignore_accumulate_as_in_ruff(both: Path) -> None:
    theirs = _ruff(both, "--isolated", "--output-format", "concise", "--select", "F401",
                   "--select", "E722", "theirs.py")
    assert sorted(_codes(theirs.stdout)) == ["E722", "F401"]
    ours = _ours(both, "--output-format", "concise", "--select", "ASL100", "--select", "ASL103",
                 "ours.py")
    assert sorted(_codes(ours.stdout)) == ["ASL100", "ASL103"]
    ours = _ours(both, "--output-format", "concise", "--ignore", "ASL100", "--ignore", "ASL103",
                 "ours.py")
    assert _codes(ours.stdout) == []
    ours = _ours(both, "--output-format", "concise", "--select", "ASL100",
                 "--extend-select", "ASL103", "--extend-select", "ASL5", "ours.py")
    assert sorted(_codes(ours.stdout)) == ["ASL100", "ASL103"]


def test_repeated_exclude_accumulates(tmp_path: Path) -> None:
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(OURS)
    found = _ours(tmp_path, "--output-format", "concise", "--exclude", "a.py",
                  "--exclude", "b.py", ".")
    assert {line.split(":")[0] for line in found.stdout.splitlines()[:-2]} == {"c.py"}


# -- summary, --diff, --show-fixes, --statistics: ruff's wording ---------------------------
def _shape(text: str) -> str:
    """The text with codes, messages, names and file names blanked out."""
    text = re.sub(r"^(\w+\d+)( \[\*\])? .*$", r"CODE\2 MESSAGE", text, flags=re.MULTILINE)
    text = re.sub(r"\b(ours|theirs)\.py\b", "FILE", text)
    return re.sub(r"\d+ × \w+ \([\w-]+\)", "N × CODE (name)", text)


@needs_ruff
def test_summary_wording_matches_ruff(both: Path) -> None:
    theirs = _ruff(both, *RUFF_SELECT, "--output-format", "concise", "theirs.py")
    ours = _ours(both, "--output-format", "concise", "ours.py")
    # ruff reports 3 findings, 1 safe and 1 unsafe fix; asynclint: 2 findings, the same fixes.
    assert theirs.stdout.splitlines()[-1] == (
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).")
    assert ours.stdout.splitlines()[-2:] == [
        "Found 2 errors.",
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`)."]
    with_unsafe = _ours(both, "--output-format", "concise", "--unsafe-fixes", "ours.py")
    assert with_unsafe.stdout.splitlines()[-1] == "[*] 2 fixable with `--fix`."
    assert _ruff(both, *RUFF_SELECT, "--output-format", "concise", "--unsafe-fixes",
                 "theirs.py").stdout.splitlines()[-1] == "[*] 2 fixable with `--fix`."
    only_unsafe = _ours(both, "--output-format", "concise", "--select", "ASL103", "ours.py")
    assert only_unsafe.stdout.splitlines()[-1] == (
        "1 unsafe fix available with `--fix --unsafe-fixes`.")
    assert _ruff(both, "--isolated", "--select", "F841", "--output-format", "concise",
                 "theirs.py").stdout.splitlines()[-1] == only_unsafe.stdout.splitlines()[-1]


@needs_ruff
def test_diff_closing_line_on_stdout_as_in_ruff(both: Path) -> None:
    theirs = _ruff(both, *RUFF_SELECT, "--diff", "theirs.py")
    ours = _ours(both, "--diff", "ours.py")
    assert ours.returncode == theirs.returncode == 1
    assert ours.stderr == theirs.stderr == ""
    line = "Would fix 1 error (1 additional fix available with `--unsafe-fixes`)."
    assert theirs.stdout.endswith(f"\n\n{line}\n") and ours.stdout.endswith(f"\n\n{line}\n")
    # only an unsafe fix: nothing would be fixed, and ruff says what --unsafe-fixes would do
    ours = _ours(both, "--diff", "--select", "ASL103", "ours.py")
    theirs = _ruff(both, "--isolated", "--select", "F841", "--diff", "theirs.py")
    assert ours.stdout == theirs.stdout == (
        "No errors would be fixed (1 fix available with `--unsafe-fixes`).\n")
    assert ours.returncode == theirs.returncode == 0
    both_fixes = _ours(both, "--diff", "--unsafe-fixes", "ours.py")
    assert both_fixes.stdout.endswith("\n\nWould fix 2 errors.\n")


@needs_ruff
def test_show_fixes_block_follows_the_findings_as_in_ruff(both: Path) -> None:
    theirs = _ruff(both, *RUFF_SELECT, "--fix", "--show-fixes", "theirs.py")
    ours = _ours(both, "--fix", "--show-fixes", "ours.py")
    # ruff leaves E722 and F841; asynclint: ASL103 remains. The block sits after them, framed
    # by blank lines, before the summary.
    block = "\n\n\nFixed 1 error:\n- {}:\n    1 × {}\n\nFound {} errors (1 fixed, {} remaining).\n"
    assert block.format("theirs.py", "F401 (unused-import)", 3, 2) in theirs.stdout
    assert block.format("ours.py", "ASL100 (blocking-sleep-in-async)", 2, 1) in ours.stdout
    (both / "ours.py").write_text(OURS)
    concise = _ours(both, "--fix", "--show-fixes", "--output-format", "concise", "ours.py")
    # `import asyncio` added, `import time` (no use left) removed: the line stays put.
    assert concise.stdout.startswith("ours.py:7:5: ASL103 ")
    assert "thread\n\nFixed 1 error:\n" in concise.stdout
    nothing = _ours(both, "--fix", "--show-fixes", "ours.py")
    assert "Fixed" not in nothing.stdout  # ruff prints no block when nothing was fixed


@needs_ruff
def test_statistics_table_and_summary_as_in_ruff(both: Path) -> None:
    theirs = _ruff(both, *RUFF_SELECT, "--statistics", "theirs.py")
    assert theirs.stdout == ("1\tE722\t[ ] bare-except\n1\tF401\t[*] unused-import\n"
                             "1\tF841\t[ ] unused-variable\nFound 3 errors.\n[*] 1 fixable with "
                             "`--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).\n")
    (both / "more.py").write_text(OURS.replace("time.sleep(1)", "time.sleep(1)\n    " * 11))
    ours = _ours(both, "--statistics", "--select", "ASL100,ASL103,ASL5", ".")
    assert ours.stdout == (
        "12\tASL100\t[*] blocking-sleep-in-async\n"
        " 2\tASL103\t[ ] blocking-subprocess-in-async\n"
        "Found 14 errors.\n"
        "[*] 12 fixable with `--fix` (2 unsafe fixes available with `--fix --unsafe-fixes`).\n")
    unfixable_only = _ours(both, "--statistics", "-q", "--select", "ASL103", "--no-unsafe-fixes",
                           "ours.py")
    # no rule fixable: no `[*]` column at all (ruff: `1\tE722\tbare-except`)
    assert unfixable_only.stdout == "1\tASL103\tblocking-subprocess-in-async\n"
    assert _ruff(both, "--isolated", "--select", "E722", "--statistics", "-q",
                 "theirs.py").stdout == "1\tE722\tbare-except\n"
    clean = _ours(both, "--statistics", "--select", "ASL5", "ours.py")
    assert clean.stdout == "" and _ruff(both, "--isolated", "--select", "E501", "--statistics",
                                        "theirs.py").stdout == ""


# -- the code frame ---------------------------------------------------------------------------
@needs_ruff
def test_code_frame_context_and_arrow_as_in_ruff(tmp_path: Path) -> None:
    """Two lines of context either side (blank edge lines left out), the arrow one column left
    of the gutter bar (a two-digit gutter moves it), the closing bar only after context."""
    lines = ["import time", "", "", "async def f():"] + ["    pass"] * 6 + [
        "    time.sleep(1)", "    x = 1", "", ""]
    (tmp_path / "a.py").write_text("\n".join(lines) + "\n")
    ours = _ours(tmp_path, "--select", "ASL100", "a.py").stdout
    theirs = _ruff(tmp_path, "--isolated", "--select", "ASYNC251", "a.py").stdout
    frame = ("  --> a.py:11:5\n   |\n 9 |     pass\n10 |     pass\n11 |     time.sleep(1)\n"
             "   |     ^^^^^^^^^^{}\n12 |     x = 1\n   |\n")
    assert frame.format("") in theirs
    assert frame.format("^^^") in ours
    (tmp_path / "b.py").write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
    ours = _ours(tmp_path, "--select", "ASL100", "b.py").stdout
    theirs = _ruff(tmp_path, "--isolated", "--select", "ASYNC251", "b.py").stdout
    tail = " --> b.py:5:5\n  |\n4 | async def f():\n5 |     time.sleep(1)\n  |     ^^^^^^^^^^"
    assert tail + "\n\n" in theirs and tail + "^^^\nhelp:" in ours


# -- colour -----------------------------------------------------------------------------------
@needs_ruff
@pytest.mark.parametrize(("env", "coloured"), [
    ({}, False),                                    # a pipe is no terminal
    ({"FORCE_COLOR": "1"}, True),
    ({"CLICOLOR_FORCE": "1"}, True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
    ({"FORCE_COLOR": ""}, False),                   # an empty value forces nothing
])
def test_colour_follows_the_environment_as_in_ruff(both: Path, env: dict[str, str],
                                                    coloured: bool) -> None:
    environ = {**clean_env(), **env}
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):
        if name not in env:
            environ.pop(name, None)
    theirs = _ruff(both, *RUFF_SELECT, "theirs.py", env=environ)
    assert ("\x1b[" in theirs.stdout) is coloured
    for fmt in ("full", "concise"):
        ours = _ours(both, "--output-format", fmt, "ours.py", env=environ)
        assert ("\x1b[" in ours.stdout) is coloured, fmt
        plain = re.sub(r"\x1b\[\d+m", "", ours.stdout)
        assert plain == _ours(both, "--output-format", fmt, "ours.py").stdout
    assert "\x1b[" not in _ours(both, "--output-format", "json", "ours.py", env=environ).stdout


def test_colour_flag_beats_the_environment(both: Path) -> None:
    env = {**clean_env(), "NO_COLOR": "1"}
    assert "\x1b[1m\x1b[91mASL100" in _ours(both, "--color", "always", "ours.py", env=env).stdout
    env = {**clean_env(), "FORCE_COLOR": "1"}
    assert "\x1b[" not in _ours(both, "--color", "never", "ours.py", env=env).stdout


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_colour_in_a_terminal(both: Path) -> None:
    import pty  # noqa: F401  (only where pseudo-terminals exist)

    main, follower = os.openpty()
    env = {k: v for k, v in clean_env().items() if k not in ("NO_COLOR", "FORCE_COLOR",
                                                               "CLICOLOR_FORCE")}
    proc = subprocess.run([SCRIPT, "check", "--no-cache", "ours.py"], cwd=both, stdout=follower,
                          stderr=subprocess.DEVNULL, env=env, timeout=120)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.returncode == 1
    assert b"\x1b[1m\x1b[91mASL100" in b"".join(chunks)


# -- --add-noqa -------------------------------------------------------------------------------
@needs_ruff
def test_add_noqa_round_trip_as_in_ruff(both: Path) -> None:
    theirs = _ruff(both, *RUFF_SELECT, "--add-noqa", "theirs.py")
    ours = _ours(both, "--add-noqa", "ours.py")
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (0, "")
    assert theirs.stderr == "Added 3 noqa directives.\n"
    assert ours.stderr == "Added 2 noqa directives.\n"
    assert (both / "ours.py").read_text() == OURS.replace(
        "time.sleep(1)", "time.sleep(1)  # noqa: ASL100").replace(
        "['ls'])", "['ls'])  # noqa: ASL103")
    assert _ours(both, "ours.py").stdout == "All checks passed!\n"
    # idempotent: a second run finds nothing to add and says nothing, as ruff
    before = (both / "ours.py").read_bytes()
    again, ruff_again = _ours(both, "--add-noqa", "ours.py"), _ruff(
        both, *RUFF_SELECT, "--add-noqa", "theirs.py")
    assert (again.returncode, again.stdout, again.stderr) == (
        ruff_again.returncode, ruff_again.stdout, ruff_again.stderr) == (0, "", "")
    assert (both / "ours.py").read_bytes() == before


@needs_ruff
def test_add_noqa_merges_with_an_existing_comment(both: Path) -> None:
    (both / "ours.py").write_text(OURS.replace("time.sleep(1)", "time.sleep(1)  # noqa:E501"))
    (both / "theirs.py").write_text(THEIRS.replace("import os", "import os  # noqa:E501"))
    _ruff(both, *RUFF_SELECT, "--add-noqa", "theirs.py")
    assert "import os  # noqa: E501, F401\n" in (both / "theirs.py").read_text()
    assert _ours(both, "--add-noqa", "ours.py").stderr == "Added 2 noqa directives.\n"
    assert "time.sleep(1)  # noqa: ASL100, E501\n" in (both / "ours.py").read_text()
    # a reason after the codes is kept (ruff would drop it); `--add-noqa=REASON` writes one
    (both / "r.py").write_text(OURS.replace("time.sleep(1)", "time.sleep(1)  # noqa: E501 why"))
    assert _ours(both, "--add-noqa=legacy", "r.py").returncode == 0
    text = (both / "r.py").read_text()
    assert "time.sleep(1)  # noqa: ASL100, E501 why\n" in text
    assert "subprocess.run(['ls'])  # noqa: ASL103 legacy\n" in text


def test_add_noqa_goes_where_suppression_reads_it(tmp_path: Path) -> None:
    """The first line of a call spread over lines (each bracketed line is its own row group);
    the closing line of a multi-line string; the last line of a backslash continuation."""
    code = ("import time\nimport subprocess\n\n\nasync def f():\n"
            "    subprocess.run(\n        ['ls'],\n    )\n"
            "    x = f'''\n{time.sleep(2)}\n'''\n"
            "    y = 1 + \\\n        time.sleep(3)\n    return x, y\n")
    (tmp_path / "a.py").write_text(code)
    result = _ours(tmp_path, "--add-noqa", "--select", "ASL100,ASL103", "a.py")
    assert result.stderr == "Added 3 noqa directives.\n", result.stderr
    assert (tmp_path / "a.py").read_text() == (
        "import time\nimport subprocess\n\n\nasync def f():\n"
        "    subprocess.run(  # noqa: ASL103\n        ['ls'],\n    )\n"
        "    x = f'''\n{time.sleep(2)}\n'''  # noqa: ASL100\n"
        "    y = 1 + \\\n        time.sleep(3)  # noqa: ASL100\n    return x, y\n")
    assert _ours(tmp_path, "--select", "ASL100,ASL103", "a.py").returncode == 0


def test_add_noqa_keeps_crlf_bom_and_encoding(tmp_path: Path) -> None:
    crlf = OURS.replace("\n", "\r\n").encode()
    (tmp_path / "crlf.py").write_bytes(b"\xef\xbb\xbf" + crlf)
    latin = ("# -*- coding: latin-1 -*-\n" + OURS.replace("return 2", "return 'caf\xe9'"))
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    assert _ours(tmp_path, "--add-noqa", ".").stderr == "Added 4 noqa directives.\n"
    assert (tmp_path / "crlf.py").read_bytes() == b"\xef\xbb\xbf" + crlf.replace(
        b"time.sleep(1)\r\n", b"time.sleep(1)  # noqa: ASL100\r\n").replace(
        b"['ls'])\r\n", b"['ls'])  # noqa: ASL103\r\n")
    assert (tmp_path / "latin.py").read_bytes().decode("latin-1") == latin.replace(
        "time.sleep(1)\n", "time.sleep(1)  # noqa: ASL100\n").replace(
        "['ls'])\n", "['ls'])  # noqa: ASL103\n")
    assert _ours(tmp_path, ".").returncode == 0


def test_add_noqa_leaves_a_read_only_file_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "locked.py").write_text(OURS)
    (tmp_path / "open.py").write_text(OURS)
    (tmp_path / "locked.py").chmod(0o444)
    result = _ours(tmp_path, "--add-noqa", ".")
    assert result.returncode == 1
    assert "error: Failed to add `# noqa` comments: locked.py: not writable" in result.stderr
    assert "Added 2 noqa directives." in result.stderr
    assert (tmp_path / "locked.py").read_text() == OURS
    assert "# noqa: ASL100" in (tmp_path / "open.py").read_text()


@pytest.mark.parametrize("flag", ["--fix", "--diff", "--fix-only", "--unsafe-fixes"])
def test_add_noqa_refuses_to_be_combined_with_a_fix(both: Path, flag: str) -> None:
    result = _ours(both, "--add-noqa", flag, "ours.py")
    assert result.returncode == 2 and f"`--add-noqa` cannot be used with `{flag}`" in result.stderr
    assert (both / "ours.py").read_text() == OURS


def test_add_noqa_skips_files_that_do_not_parse(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("async def f(:\n    pass\n")
    result = _ours(tmp_path, "--add-noqa", "broken.py")
    assert result.returncode == 0 and result.stderr == ""
    assert (tmp_path / "broken.py").read_text() == "async def f(:\n    pass\n"


# -- --show-files, --show-settings -------------------------------------------------------------
@needs_ruff
def test_show_files_lists_what_would_be_checked_as_ruff_does(tmp_path: Path) -> None:
    for name in ("app/a.py", "app/b.py", "tests/test_a.py", ".venv/lib/x.py",
                 "ignored/c.py", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    ours = _ours(tmp_path, "--show-files")
    theirs = _ruff(tmp_path, "--isolated", "--show-files")
    assert ours.returncode == theirs.returncode == 0
    expected = [str(tmp_path / n) for n in ("app/a.py", "app/b.py", "tests/test_a.py")]
    assert ours.stdout.splitlines() == expected
    assert [line for line in theirs.stdout.splitlines() if line.endswith(".py")] == expected
    assert _ours(tmp_path, "--show-files", "--extend-exclude", "tests").stdout.splitlines() == \
        expected[:2]


@needs_ruff
def test_show_settings_starts_as_ruffs_does(both: Path) -> None:
    theirs = _ruff(both, "--isolated", "--show-settings", "theirs.py")
    ours = _ours(both, "--show-settings", "ours.py")
    assert ours.returncode == theirs.returncode == 0
    assert theirs.stdout.startswith(f'Resolved settings for: "{both / "theirs.py"}"\n')
    assert ours.stdout.startswith(f'Resolved settings for: "{both / "ours.py"}"\n')
    for text in (ours.stdout, theirs.stdout):
        assert "\n# General Settings\n" in text and "\n# File Resolver Settings\n" in text
        assert re.search(r"^exclude = \[\n\t\"\.bzr\",$", text.replace(
            "file_resolver.", ""), re.MULTILINE)


def test_show_settings_resolves_config_and_command_line(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(OURS)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint]\nignore = ["ASL5"]\ngather-style = "taskgroup"\n'
        '[tool.asynclint.per-file-ignores]\n"tests/*" = ["ASL1"]\n')
    result = _ours(tmp_path, "--show-settings", "--extend-select", "ASL302", "tests/test_a.py")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f'Resolved settings for: "{tmp_path / "tests" / "test_a.py"}"\n'
                          f'Settings path: "{tmp_path / "pyproject.toml"}"\n')
    assert 'ignore = [\n\t"ASL5",\n]\n' in out
    assert 'gather-style = "taskgroup"\n' in out
    assert 'per-file-ignores = [\n\t["tests/*", ["ASL1"]],\n]\n' in out
    enabled = out.split("enabled-rules = [\n")[1]
    assert '\t"ASL302",\n' in enabled and "ASL100" not in enabled and "ASL500" not in enabled
    assert '\t"ASL200",\n' in enabled
    assert "ASL100" not in _ours(tmp_path, "tests/test_a.py", "--output-format", "concise").stdout


# -- unknown arguments ------------------------------------------------------------------------
@needs_ruff
@pytest.mark.parametrize(("typo", "meant"), [("--selct", "--select"), ("--extend-selet",
                                                                       "--extend-select"),
                                             ("--statistic", "--statistics")])
def test_unknown_flag_names_the_command_and_the_similar_argument(both: Path, typo: str,
                                                                 meant: str) -> None:
    theirs = _ruff(both, typo, "F401", "theirs.py")
    ours = _ours(both, typo, "ASL100", "ours.py")
    assert ours.returncode == theirs.returncode == 2
    for result in (ours, theirs):
        assert f"error: unexpected argument '{typo}' found\n" in result.stderr
        assert f"\n  tip: a similar argument exists: '{meant}'\n" in result.stderr
    assert ours.stderr.startswith("usage: asynclint check ")
    assert ours.stdout == ""


def test_unknown_flag_without_a_similar_one(both: Path) -> None:
    ours = _ours(both, "--bogus", "ours.py")
    assert ours.returncode == 2
    assert "tip: to pass '--bogus' as a value, use '-- --bogus'" in ours.stderr
    rule = subprocess.run([SCRIPT, "rule", "--output-formt", "json", "ASL100"], capture_output=True,
                          text=True, env=clean_env())
    assert rule.returncode == 2 and rule.stderr.startswith("usage: asynclint rule ")
    assert "tip: a similar argument exists: '--output-format'" in rule.stderr


# -- messages ---------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


def test_rule_json_gives_real_message_templates_every_message_matches() -> None:
    """`asynclint rule --output-format json` lists each rule's message shapes (ruff's
    `message_formats`), not its summary; every message the fixtures produce has one of its
    rule's shapes and starts as a sentence does (a capital, a code span or a count)."""
    rules = json.loads(subprocess.run([SCRIPT, "rule", "--all", "--output-format", "json"],
                                      capture_output=True, text=True, check=True,
                                      env=clean_env()).stdout)
    formats = {r["code"]: r["message_formats"] for r in rules}
    assert all(formats.values()), [c for c, f in formats.items() if not f]
    assert all(f != [r["summary"]] or "{" not in r["summary"] for r in rules
               for f in [r["message_formats"]])
    found = json.loads(subprocess.run(
        [SCRIPT, "check", "--no-cache", "--isolated", "--select", "ALL", "--output-format",
         "json", "fixtures"], cwd=ROOT, capture_output=True, text=True, env=clean_env()).stdout)
    assert len({d["code"] for d in found}) >= 25
    for d in found:
        if d["code"] not in formats:
            continue  # E999 of a fixture that shows a syntax error
        message = d["message"]
        assert message[0].isupper() or message[0] in "`0123456789", message
        assert any(_template_regex(t).fullmatch(message) for t in formats[d["code"]]), \
            (d["code"], message)


FASTAPI_REQUESTS = ("import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                    "@app.get('/rate')\nasync def rate():\n"
                    "    return requests.get('https://rates.example.com').json()\n")


def test_thread_fix_help_names_what_the_fix_writes(tmp_path: Path) -> None:
    """ASL101 in a FastAPI module: the help line, the JSON fix title and the fixed code all say
    `run_in_threadpool` (the help used to say `asyncio.to_thread`)."""
    (tmp_path / "app.py").write_text(FASTAPI_REQUESTS)
    full = _ours(tmp_path, "--select", "ASL101", "app.py").stdout
    assert "help: Run it in a worker thread: `await run_in_threadpool(...)`\n" in full
    data = json.loads(_ours(tmp_path, "--select", "ASL101", "--output-format", "json",
                            "app.py").stdout)
    assert data[0]["fix"]["message"] == "Run it in a worker thread: `await run_in_threadpool(...)`"
    assert "run_in_threadpool" in "".join(e["content"] for e in data[0]["fix"]["edits"])
    (tmp_path / "plain.py").write_text(FASTAPI_REQUESTS.replace("from fastapi import FastAPI\n",
                                                                "").replace("app = FastAPI()",
                                                                            "app = object()"))
    assert "help: Run it in a worker thread: `await asyncio.to_thread(...)`\n" in _ours(
        tmp_path, "--select", "ASL101", "plain.py").stdout


def test_db_call_help_agrees_with_the_message(tmp_path: Path) -> None:
    """ASL102 tells the user to use the async driver; its help shows the thread fix only as
    a display and says why, instead of offering it."""
    (tmp_path / "db.py").write_text(
        "import sqlite3\n\n\nasync def count():\n    conn = sqlite3.connect('x.db')\n"
        "    return conn.execute('select 1').fetchall()\n")
    out = _ours(tmp_path, "--select", "ASL102", "--output-format", "json", "db.py").stdout
    for d in json.loads(out):
        assert "use `aiosqlite" in d["message"]
        assert d["fix"] is None or d["fix"]["applicability"] == "displayonly"
    full = _ours(tmp_path, "--select", "ASL102", "db.py").stdout
    assert ("(shown only: the connection must stay on the thread that made it; use the async "
            "driver)\n") in full
    assert "note: This fix requires manual review and is never applied" in full


def test_noqa_on_a_multi_line_call_applies_on_its_first_line_only(tmp_path: Path) -> None:
    """What docs/usage.md says: inside brackets a `# noqa` is read on the line the finding starts
    on, as flake8 reads it; on the closing line it does not apply."""
    call = ("import requests\n\n\nasync def f(url):\n    return requests.post({}\n"
            "        url,\n    ){}\n")
    (tmp_path / "first.py").write_text(call.format("  # noqa: ASL101", ""))
    (tmp_path / "last.py").write_text(call.format("", "  # noqa: ASL101"))
    found = _ours(tmp_path, "--select", "ASL101", "--output-format", "concise", ".")
    assert _codes(found.stdout) == ["ASL101"] and found.stdout.startswith("last.py:5:")
    usage = (ROOT / "docs" / "usage.md").read_text()
    assert "a\n`# noqa` on the closing `)` line does not apply" in usage


@needs_ruff
def test_which_ruff_rule_strips_asynclint_codes(tmp_path: Path) -> None:
    """What docs/usage.md, docs/integrations.md and the `--fix` hint say: RUF100 (on by default)
    leaves a lone `# noqa: ASL100` alone; RUF102 (`--extend-select RUF`) deletes it;
    `external = ["ASL"]` keeps it."""
    code = "import time\n\n\nasync def f():\n    time.sleep(1)  # noqa: ASL100\n"
    (tmp_path / "a.py").write_text(code)
    _ruff(tmp_path, "--isolated", "--fix", "a.py")
    assert (tmp_path / "a.py").read_text() == code
    _ruff(tmp_path, "--isolated", "--extend-select", "RUF", "--fix", "a.py")
    assert "ASL100" not in (tmp_path / "a.py").read_text()
    (tmp_path / "a.py").write_text(code)
    _ruff(tmp_path, "--isolated", "--extend-select", "RUF", "--config", 'lint.external=["ASL"]',
          "--fix", "a.py")
    assert (tmp_path / "a.py").read_text() == code
    for doc in ("usage.md", "integrations.md"):
        text = (ROOT / "docs" / doc).read_text()
        assert "`RUF102`" in text and "--extend-select RUF" in text
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (tmp_path / "b.py").write_text(OURS)
    hint = _ours(tmp_path, "--fix", "b.py").stderr
    assert "RUF102 (`--extend-select RUF`)" in hint


# -- syntax of a newer Python ------------------------------------------------------------------
@pytest.mark.parametrize(("code", "needs"), [
    ("type Point = tuple[float, float]\n", (3, 12)),
    ("def first[T](xs: list[T]) -> T:\n    return xs[0]\n", (3, 12)),
    ("class Box[T]:\n    pass\n", (3, 12)),
    ("x = f\"{'\\n'.join(['a'])}\"\n", (3, 12)),
    ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", (3, 14)),
    ("name = 'x'\ngreeting = t'hi {name}'\n", (3, 14)),
    ("def f(:\n    pass\n", None),  # a typo: no Python accepts it
    ("try:\n    pass\nexcept ValueError, TypeError as e:\n    pass\n", None),  # needs parens
    ("type = 1 +\n", None),
])
def test_newer_syntax_hint_only_for_newer_syntax(tmp_path: Path, code: str,
                                                 needs: tuple[int, int] | None) -> None:
    (tmp_path / "a.py").write_text(code)
    result = _ours(tmp_path, "--output-format", "json", "a.py")
    if needs is not None and sys.version_info >= needs:
        assert result.returncode == 0  # this Python parses it
        return
    (d,) = json.loads(result.stdout)
    assert d["code"] == "E999"
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if needs is None:
        assert "needs Python" not in d["message"] and "newer" not in d["message"]
    else:
        need = f"{needs[0]}.{needs[1]}"
        assert d["message"].endswith(
            f"needs Python {need}+, and asynclint parses with the grammar of the Python running "
            f"it ({running}): run it with Python {need} or newer")


# -- the flag table of docs/usage.md --------------------------------------------------------------
def _long_flags(help_text: str) -> set[str]:
    return set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", help_text, re.MULTILINE))


@needs_ruff
def test_usage_table_lists_every_ruff_check_flag_and_tells_the_truth() -> None:
    usage = (ROOT / "docs" / "usage.md").read_text()
    section = usage.split("### ruff's `check` flags in asynclint")[1].split("\n## ")[0]
    rows = re.findall(r"^\| (`-[^|]*`) \| ([a-z ]+) \|", section, re.MULTILINE)
    status = {flag: state for flags, state in rows
              for flag in re.findall(r"`(--[a-z-]+)`", flags)}
    assert RUFF is not None
    ruff_flags = _long_flags(subprocess.run([RUFF, "check", "--help"], capture_output=True,
                                            text=True, check=True).stdout)
    assert set(status) == ruff_flags
    ours = set(re.findall(r"(--[a-z][a-z-]*)", subprocess.run(
        [SCRIPT, "check", "--help"], capture_output=True, text=True, check=True,
        env=clean_env()).stdout))
    for flag, state in status.items():
        assert state in ("supported", "not yet", "not applicable"), (flag, state)
        assert (flag in ours) is (state == "supported"), (flag, state)


def test_per_file_ignores_replace_and_extend_as_in_ruff(tmp_path: Path) -> None:
    # `scripts/`, not `tests/`: test code has its own default (`test-ignore`).
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "t.py").write_text(OURS)
    (tmp_path / "a.py").write_text(OURS)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.asynclint.per-file-ignores]\n"scripts/*" = ["ASL1"]\n')
    def files(*args: str) -> list[tuple[str, str]]:
        out = _ours(tmp_path, "--output-format", "concise", *args, ".").stdout
        return re.findall(r"^(\S+?):\d+:\d+: (\w+)", out, re.MULTILINE)

    assert files() == [("a.py", "ASL100"), ("a.py", "ASL103")]
    assert files("--per-file-ignores", "a.py:ASL103") == [
        ("a.py", "ASL100"), ("scripts/t.py", "ASL100"), ("scripts/t.py", "ASL103")]
    assert files("--extend-per-file-ignores", "a.py:ASL103") == [("a.py", "ASL100")]


def test_ignore_noqa_and_cache_dir(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(OURS.replace("time.sleep(1)", "time.sleep(1)  # noqa"))
    (tmp_path / "b.py").write_text("# asynclint: noqa\n" + OURS)
    assert _codes(_ours(tmp_path, "--output-format", "concise", ".").stdout) == ["ASL103"]
    audit = _ours(tmp_path, "--output-format", "concise", "--ignore-noqa", ".").stdout
    assert sorted(_codes(audit)) == ["ASL100", "ASL100", "ASL103", "ASL103"]
    cache = tmp_path / "elsewhere"
    result = subprocess.run([SCRIPT, "check", "--cache-dir", str(cache), "a.py"], cwd=tmp_path,
                            capture_output=True, text=True, env=clean_env())
    assert result.returncode == 1
    assert (cache / "CACHEDIR.TAG").is_file() and not (tmp_path / ".asynclint_cache").exists()


# -- the three formats asynclint lacked: grouped, azure, rdjson ----------------------------------
def _blank(text: str) -> str:
    """Codes, messages, URLs and file names blanked out, positions kept."""
    text = re.sub(r"\b(ours|theirs)\.py\b", "FILE", text)
    text = re.sub(r"(\d+:\d+) \w+\d+( \[\*\])? .*$", r"\1 CODE\2 MESSAGE", text,
                  flags=re.MULTILINE)
    return re.sub(r"code=\w+\d+;\].*$", "code=CODE;]MESSAGE", text, flags=re.MULTILINE)


@needs_ruff
def test_grouped_azure_rdjson_have_ruffs_shape(tmp_path: Path) -> None:
    # one finding at 1:1-ish shapes on both sides: a safe fix each, in two files
    (tmp_path / "ours.py").write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n")
    (tmp_path / "theirs.py").write_text("import os\n")
    ours = _ours(tmp_path, "--output-format", "grouped", "ours.py").stdout
    theirs = _ruff(tmp_path, "--isolated", "--select", "F401", "--output-format", "grouped",
                   "theirs.py").stdout
    assert ours == ("ours.py:\n  5:5 ASL100 [*] `time.sleep` blocks the event loop inside "
                    "`async def`; use `await asyncio.sleep(...)`\n\nFound 1 error.\n"
                    "[*] 1 fixable with `--fix`.\n")
    assert _blank(ours).replace("5:5", "1:8") == _blank(theirs)
    ours = _ours(tmp_path, "--output-format", "azure", "ours.py").stdout
    theirs = _ruff(tmp_path, "--isolated", "--select", "F401", "--output-format", "azure",
                   "theirs.py").stdout
    assert ours == (f"##vso[task.logissue type=error;sourcepath={tmp_path / 'ours.py'};"
                    "linenumber=5;columnnumber=5;code=ASL100;]`time.sleep` blocks the event loop "
                    "inside `async def`; use `await asyncio.sleep(...)`\n")
    assert _blank(ours).replace("linenumber=5;columnnumber=5", "linenumber=1;columnnumber=8") \
        == _blank(theirs)
    mine = json.loads(_ours(tmp_path, "--output-format", "rdjson", "ours.py").stdout)
    ruffs = json.loads(_ruff(tmp_path, "--isolated", "--select", "F401", "--output-format",
                             "rdjson", "theirs.py").stdout)

    def keys(value: object) -> object:
        if isinstance(value, dict):
            return {k: keys(v) for k, v in value.items()}
        if isinstance(value, list):
            return [keys(v) for v in value[:1]]
        return type(value).__name__

    assert keys(mine) == keys(ruffs)
    assert mine["source"]["name"] == "asynclint" and mine["severity"] == ruffs["severity"]
    (found,) = mine["diagnostics"]
    assert found["location"]["range"] == {"end": {"column": 18, "line": 5},
                                          "start": {"column": 5, "line": 5}}
    assert found["code"]["value"] == "ASL100"
