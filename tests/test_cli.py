"""The `asynclint` command end to end, in a subprocess: exit codes, selection, configuration,
every output format, fixes, stdin, output files, parallelism, cache and the `rule` command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from asynclint import __version__
from tests.conftest import BAD, FIXED, GOOD, MODULE, SCRIPT, Run, clean_env


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _codes(stdout: str) -> list[tuple[str, str]]:
    """(file, code) pairs of concise output."""
    return re.findall(r"^(\S+?):\d+:\d+: (\w+)", stdout, re.MULTILINE)


CHECK = ("check", "--no-cache")


# -- exit codes -----------------------------------------------------------------------------
def test_clean_exits_0(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": GOOD})
    result = run(*CHECK, "a.py")
    assert result.returncode == 0, result.stderr
    assert "All checks passed!" in result.stdout


def test_findings_exit_1(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, "a.py")
    assert result.returncode == 1
    assert "a.py:5:5" in result.stdout and "ASL100" in result.stdout


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select", "--per-file-ignores"])
def test_unknown_selector_exits_2_naming_it(run: Run, tmp_path: Path, flag: str) -> None:
    _write(tmp_path, {"a.py": BAD})
    value = "a.py:ASL999" if flag == "--per-file-ignores" else "ASL999"
    result = run(*CHECK, flag, value, "a.py")
    assert result.returncode == 2
    assert "ASL999" in result.stderr
    assert result.stdout == ""


def test_unknown_config_key_exits_2_naming_key_and_file(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "pyproject.toml": "[tool.asynclint]\nselct = ['ASL1']\n"})
    result = run(*CHECK, "a.py")
    assert result.returncode == 2
    assert "selct" in result.stderr and "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_code_in_config_exits_2(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "pyproject.toml": "[tool.asynclint]\nignore = ['XYZ1']\n"})
    result = run(*CHECK, "a.py")
    assert result.returncode == 2
    assert "XYZ1" in result.stderr and "pyproject.toml" in result.stderr


def test_wrongly_typed_setting_exits_2(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "pyproject.toml": "[tool.asynclint]\nfix = 'yes'\n"})
    result = run(*CHECK, "a.py")
    assert result.returncode == 2
    assert "`fix`" in result.stderr


def test_missing_path_is_e902_and_others_still_checked(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, "--output-format", "concise", "missing.py", "a.py")
    assert result.returncode == 1
    assert ("missing.py", "E902") in _codes(result.stdout)
    assert ("a.py", "ASL100") in _codes(result.stdout)


def test_exit_zero(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, "--exit-zero", "a.py")
    assert result.returncode == 0
    assert "ASL100" in result.stdout


def test_exit_non_zero_on_fix(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "b.py": BAD})
    plain = run(*CHECK, "--fix", "a.py")
    assert plain.returncode == 0, plain.stdout
    strict = run(*CHECK, "--fix", "--exit-non-zero-on-fix", "b.py")
    assert strict.returncode == 1
    assert (tmp_path / "b.py").read_text() == FIXED
    nothing_left = run(*CHECK, "--fix", "--exit-non-zero-on-fix", "b.py")
    assert nothing_left.returncode == 0


def test_usage_error_exits_2(run: Run) -> None:
    assert run("check", "--output-format", "xml").returncode == 2
    assert run("rule", "ASL999").returncode == 2


# -- selection --------------------------------------------------------------------------------
@pytest.mark.parametrize("selector", ["ASL", "ASL1", "ASL10", "ASL100", "asl100"])
def test_select_prefixes(run: Run, tmp_path: Path, selector: str) -> None:
    _write(tmp_path, {"a.py": BAD})
    assert run(*CHECK, "--select", selector, "a.py").returncode == 1


@pytest.mark.parametrize(
    ("args", "flagged"),
    [
        (["--ignore", "ASL1"], False),
        (["--ignore", "ASL100"], False),
        (["--select", "ASL100", "--ignore", "ASL1"], True),  # the more specific selector wins
        (["--select", "ASL1", "--ignore", "ASL100"], False),
        (["--select", "ASL1", "--ignore", "ASL1"], False),  # a tie goes to ignore
        (["--ignore", "ASL1", "--extend-select", "ASL100"], True),
    ],
)
def test_select_ignore_specificity(run: Run, tmp_path: Path, args: list[str], flagged: bool) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, *args, "a.py")
    assert result.returncode == (1 if flagged else 0), result.stdout + result.stderr


def test_cli_selectors_combine_with_config(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "pyproject.toml": "[tool.asynclint]\nignore = ['ASL1']\n"})
    assert run(*CHECK, "a.py").returncode == 0
    assert run(*CHECK, "--extend-select", "ASL100", "a.py").returncode == 1
    assert run(*CHECK, "--select", "ASL100", "a.py").returncode == 1


def test_per_file_ignores_flag_and_config(run: Run, tmp_path: Path) -> None:
    # (`tools/`, not `tests/`: test code has its own default, `test-ignore`, tested below.)
    _write(tmp_path, {"app/a.py": BAD, "tools/b.py": BAD})
    result = run(*CHECK, "--output-format", "concise", "--per-file-ignores", "tools/*:ASL1", ".")
    assert _codes(result.stdout) == [("app/a.py", "ASL100")]
    _write(tmp_path, {"pyproject.toml": '[tool.asynclint.per-file-ignores]\n"app/*" = ["ASL100"]\n'})
    result = run(*CHECK, "--output-format", "concise", ".")
    assert _codes(result.stdout) == [("tools/b.py", "ASL100")]


# A test that blocks or creates a task loosely; and one whose missing `await` makes it pass.
TEST_CODE = ("import asyncio\nimport time\n\n\nasync def work():\n    await asyncio.sleep(0)\n\n\n"
             "async def test_blocks():\n    time.sleep(0.1)\n    asyncio.create_task(work())\n\n\n"
             "async def test_vacuous():\n    work()\n")


def test_test_code_skips_blocking_and_task_rules_by_default(run: Run, tmp_path: Path) -> None:
    """In test code (pytest's conventions) only ASL1/ASL4/ASL5 go quiet: the missing `await`
    (ASL2) is still reported there, and the same code outside tests keeps every finding."""
    files = {"app/views.py": TEST_CODE.replace("def test_", "def case_"),
             "tests/helpers.py": TEST_CODE, "pkg/test_units.py": TEST_CODE,
             "pkg/units_test.py": TEST_CODE, "conftest.py": TEST_CODE}
    _write(tmp_path, files)
    result = run(*CHECK, "--output-format", "concise", ".")
    found = sorted(set(_codes(result.stdout)))
    assert found == sorted([("app/views.py", "ASL100"), ("app/views.py", "ASL200"),
                            ("app/views.py", "ASL500"), ("conftest.py", "ASL200"),
                            ("pkg/test_units.py", "ASL200"), ("pkg/units_test.py", "ASL200"),
                            ("tests/helpers.py", "ASL200")]), result.stdout


def test_test_ignore_and_test_paths_settings(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"tests/test_a.py": TEST_CODE, "specs/a_spec.py": TEST_CODE})
    every = {"ASL100", "ASL200", "ASL500"}

    def codes(*args: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for path, code in _codes(run(*CHECK, "--output-format", "concise", *args, ".").stdout):
            found.setdefault(path, set()).add(code)
        return found

    assert codes() == {"tests/test_a.py": {"ASL200"}, "specs/a_spec.py": every}
    # `test-ignore = []` turns it off (on the command line, or in the configuration).
    assert codes("--config", "test-ignore = []") == {"tests/test_a.py": every,
                                                    "specs/a_spec.py": every}
    _write(tmp_path, {"pyproject.toml": '[tool.asynclint]\ntest-ignore = ["ASL100"]\n'
                                        'test-paths = ["*_spec.py"]\n'})
    assert codes() == {"tests/test_a.py": every, "specs/a_spec.py": {"ASL200", "ASL500"}}
    # An unknown code is an error naming the key.
    _write(tmp_path, {"pyproject.toml": '[tool.asynclint]\ntest-ignore = ["ASL999"]\n'})
    bad = run(*CHECK, ".")
    assert bad.returncode == 2 and "test-ignore" in bad.stderr


def test_cached_run_follows_test_settings(run: Run, tmp_path: Path) -> None:
    """The test settings are part of the cache key: a cached run equals a fresh one after
    either changes."""
    _write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n", "tests/test_a.py": TEST_CODE})
    for table in ("", "test-ignore = []\n", 'test-paths = ["nothing/**"]\n', ""):
        _write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n" + table})
        cached = run("check", "--output-format", "concise", ".")
        fresh = run(*CHECK, "--output-format", "concise", ".")
        assert cached.stdout == fresh.stdout, table
        assert ("ASL100" in cached.stdout) is (table != ""), table


def test_noqa_comments(run: Run, tmp_path: Path) -> None:
    lines = BAD.replace("time.sleep(1)", "time.sleep(1)  # noqa: ASL1")
    _write(tmp_path, {"a.py": lines, "b.py": BAD.replace("(1)", "(1)  # noqa"),
                      "c.py": "# asynclint: noqa\n" + BAD, "d.py": BAD.replace("(1)", "(1)  # noqa: ASL2")})
    result = run(*CHECK, "--output-format", "concise", ".")
    assert _codes(result.stdout) == [("d.py", "ASL100")]


DROPPED = ("import asyncio\n\n\nasync def work():\n    await asyncio.sleep(0)\n\n\n"
           "async def main():\n    asyncio.create_task(work())  # noqa: RUF006\n")


def test_a_noqa_for_a_peer_code_suppresses_the_rule(run: Run, tmp_path: Path) -> None:
    """Code annotated for ruff needs no second code: `# noqa: RUF006` silences ASL500 on that
    line, `# noqa: ASYNC251` ASL100; another code, or a prefix of a peer code, does not."""
    _write(tmp_path, {"task.py": DROPPED,
                      "sleep.py": BAD.replace("(1)", "(1)  # noqa: ASYNC251"),
                      "other.py": BAD.replace("(1)", "(1)  # noqa: ASYNC250"),
                      "prefix.py": BAD.replace("(1)", "(1)  # noqa: ASYNC2")})
    result = run(*CHECK, "--output-format", "concise", ".")
    assert _codes(result.stdout) == [("other.py", "ASL100"), ("prefix.py", "ASL100")]


def test_noqa_peer_codes_false_needs_the_asynclint_code(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"task.py": DROPPED, "both.py": DROPPED.replace("RUF006", "RUF006, ASL500"),
                      "pyproject.toml": "[tool.asynclint]\nnoqa-peer-codes = false\n"})
    result = run(*CHECK, "--output-format", "concise", ".")
    assert _codes(result.stdout) == [("task.py", "ASL500")]
    result = run(*CHECK, "--output-format", "concise", "--config", "noqa-peer-codes = true", ".")
    assert _codes(result.stdout) == []


# -- configuration --------------------------------------------------------------------------
def test_nearest_pyproject_wins(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {
        "pyproject.toml": "[tool.asynclint]\nselect = ['ASL1']\n",
        "top.py": BAD,
        "sub/pyproject.toml": "[tool.asynclint]\nignore = ['ASL100']\n",
        "sub/inner.py": BAD,
        "other/pyproject.toml": "[project]\nname = 'x'\n",  # no [tool.asynclint]: skipped
        "other/o.py": BAD,
    })
    result = run(*CHECK, "--output-format", "concise", ".")
    assert sorted(_codes(result.stdout)) == [("other/o.py", "ASL100"), ("top.py", "ASL100")]
    # The settings of a file follow it, whatever the working folder is.
    inner = run(*CHECK, "inner.py", cwd=tmp_path / "sub")
    assert inner.returncode == 0


def test_config_file_and_inline(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "custom.toml": "ignore = ['ASL100']\n",
                      "pyproject.toml": "[tool.asynclint]\nignore = ['ASL100']\n"})
    assert run(*CHECK, "a.py").returncode == 0
    assert run(*CHECK, "--isolated", "a.py").returncode == 1
    assert run(*CHECK, "--config", "custom.toml", "a.py").returncode == 0
    assert run(*CHECK, "--config", "ignore = []", "a.py").returncode == 1
    bad = run(*CHECK, "--config", "colour = 'red'", "a.py")
    assert bad.returncode == 2 and "colour" in bad.stderr
    missing = run(*CHECK, "--config", "nowhere.toml", "a.py")
    assert missing.returncode == 2 and "nowhere.toml" in missing.stderr


def test_invalid_toml_exits_2(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "pyproject.toml": "[tool.asynclint\n"})
    result = run(*CHECK, "a.py")
    assert result.returncode == 2 and "pyproject.toml" in result.stderr


# -- output formats -------------------------------------------------------------------------
def _formatted(run: Run, tmp_path: Path, fmt: str) -> str:
    _write(tmp_path, {"a.py": BAD, "b.py": GOOD})
    result = run(*CHECK, "--output-format", fmt, ".")
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_format_json(run: Run, tmp_path: Path) -> None:
    data = json.loads(_formatted(run, tmp_path, "json"))
    assert [d["code"] for d in data] == ["ASL100"]
    d = data[0]
    assert d["location"] == {"row": 5, "column": 5}
    assert d["end_location"] == {"row": 5, "column": 18}
    assert d["filename"] == str(tmp_path / "a.py")
    assert d["noqa_row"] == 5
    assert d["url"].endswith("/ASL100/")
    assert d["fix"]["applicability"] == "safe"
    contents = sorted(e["content"] for e in d["fix"]["edits"])
    # (the "" deletes `import time`, which the fix leaves without a use)
    assert contents == ["", "await asyncio.sleep(1)", "import asyncio\n"]


def test_format_json_lines(run: Run, tmp_path: Path) -> None:
    lines = _formatted(run, tmp_path, "json-lines").splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["ASL100"]


def test_format_gitlab(run: Run, tmp_path: Path) -> None:
    (item,) = json.loads(_formatted(run, tmp_path, "gitlab"))
    assert item["check_name"] == "ASL100"
    assert item["location"]["path"] == "a.py"
    assert item["location"]["positions"]["begin"] == {"line": 5, "column": 5}
    assert item["fingerprint"]


def test_format_sarif_has_what_github_reads(run: Run, tmp_path: Path) -> None:
    sarif = json.loads(_formatted(run, tmp_path, "sarif"))
    assert sarif["version"] == "2.1.0"
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "asynclint"
    assert "ASL100" in [r["id"] for r in driver["rules"]]
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "ASL100"
    assert "time.sleep" in result["message"]["text"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("a.py")
    assert physical["region"]["startLine"] == 5
    assert physical["region"]["startColumn"] == 5


def test_format_junit(run: Run, tmp_path: Path) -> None:
    root = ET.fromstring(_formatted(run, tmp_path, "junit"))
    cases = root.findall(".//testcase")
    assert len(cases) == 1
    assert cases[0].find("failure") is not None
    assert "ASL100" in cases[0].get("name", "")


def test_format_github(run: Run, tmp_path: Path) -> None:
    out = _formatted(run, tmp_path, "github")
    assert re.fullmatch(r"::error title=asynclint \(ASL100\),file=\S+a\.py,line=5,col=5,"
                        r"endLine=5,endColumn=18::a\.py:5:5: ASL100 .+\n", out)


def test_format_concise(run: Run, tmp_path: Path) -> None:
    out = _formatted(run, tmp_path, "concise")
    assert re.match(r"a\.py:5:5: ASL100 \[\*\] `time\.sleep` blocks", out)
    assert "Found 1 error." in out


def test_format_pylint(run: Run, tmp_path: Path) -> None:
    out = _formatted(run, tmp_path, "pylint")
    assert re.fullmatch(r"a\.py:5: \[ASL100\] .+\n", out)


def test_format_full(run: Run, tmp_path: Path) -> None:
    out = _formatted(run, tmp_path, "full")
    assert "ASL100 [*]" in out
    assert " --> a.py:5:5" in out
    assert "5 |     time.sleep(1)" in out
    assert "  |     ^^^^^^^^^^^^^" in out
    assert "help: Replace with `await asyncio.sleep(...)`" in out


def test_output_format_from_environment(tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = subprocess.run([*MODULE, *CHECK, "a.py"], cwd=tmp_path, capture_output=True,
                            text=True, env={**clean_env(), "ASYNCLINT_OUTPUT_FORMAT": "json"})
    assert json.loads(result.stdout)[0]["code"] == "ASL100"


# -- fixes ----------------------------------------------------------------------------------
def test_fix_writes_and_reports(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, "--fix", "a.py")
    assert result.returncode == 0
    assert (tmp_path / "a.py").read_text() == FIXED
    assert "1 fixed, 0 remaining" in result.stdout


def test_fix_from_config(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "pyproject.toml": "[tool.asynclint]\nfix = true\n"})
    assert run(*CHECK, "a.py").returncode == 0
    assert (tmp_path / "a.py").read_text() == FIXED
    _write(tmp_path, {"a.py": BAD})
    assert run(*CHECK, "--no-fix", "a.py").returncode == 1
    assert (tmp_path / "a.py").read_text() == BAD


def test_diff_writes_nothing(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "b.py": GOOD})
    result = run(*CHECK, "--diff", ".")
    assert result.returncode == 1
    assert (tmp_path / "a.py").read_text() == BAD
    assert "--- a.py\n+++ a.py\n" in result.stdout
    assert "-    time.sleep(1)\n+    await asyncio.sleep(1)\n" in result.stdout
    assert "+import asyncio\n" in result.stdout
    assert "b.py" not in result.stdout
    clean = run(*CHECK, "--diff", "b.py")
    assert clean.returncode == 0 and clean.stdout == ""


def test_diff_output_applies_with_patch(run: Run, tmp_path: Path) -> None:
    if shutil.which("patch") is None:
        pytest.skip("no patch(1)")
    _write(tmp_path, {"a.py": BAD})
    diff = run(*CHECK, "--diff", "a.py").stdout
    subprocess.run(["patch", "-p0", "-s"], input=diff, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "a.py").read_text() == FIXED


def test_show_fixes(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD + "\n\nasync def g():\n    time.sleep(2)\n"})
    result = run(*CHECK, "--fix", "--show-fixes", "a.py")
    assert result.returncode == 0
    assert "Fixed 2 errors:" in result.stdout
    assert "- a.py:" in result.stdout
    assert "2 × ASL100 (blocking-sleep-in-async)" in result.stdout


def test_statistics_text_and_json(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "b.py": BAD})
    text = run(*CHECK, "--statistics", ".")
    assert text.returncode == 1
    # ruff 0.17.6's shape: the table, then the summary (`ruff check --statistics` prints both).
    assert text.stdout == ("2\tASL100\t[*] blocking-sleep-in-async\n"
                           "Found 2 errors.\n[*] 2 fixable with `--fix`.\n")
    assert run(*CHECK, "--statistics", "-q", ".").stdout.endswith("blocking-sleep-in-async\n")
    data = json.loads(run(*CHECK, "--statistics", "--output-format", "json", ".").stdout)
    assert data == [{"code": "ASL100", "name": "blocking-sleep-in-async", "count": 2,
                     "fixable": True, "fixable_count": 2}]


# -- stdin ----------------------------------------------------------------------------------
def test_stdin_check(run: Run, tmp_path: Path) -> None:
    result = run("check", "--output-format", "concise", "-", input=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith("-:5:5: ASL100")


def test_stdin_filename_names_the_file_and_picks_its_config(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/pyproject.toml": "[tool.asynclint]\nignore = ['ASL100']\n"})
    named = run("check", "--output-format", "concise", "--stdin-filename", "app/x.py", "-", input=BAD)
    assert named.stdout.startswith("app/x.py:5:5: ASL100")
    ignored = run("check", "--stdin-filename", "pkg/x.py", "-", input=BAD)
    assert ignored.returncode == 0
    # --stdin-filename alone implies reading stdin.
    alone = run("check", "--stdin-filename", "app/x.py", input=BAD)
    assert alone.returncode == 1


def test_stdin_fix_prints_fixed_code(run: Run, tmp_path: Path) -> None:
    result = run("check", "--fix", "--stdin-filename", "x.py", "-", input=BAD)
    assert result.stdout == FIXED
    assert result.returncode == 0
    assert not (tmp_path / "x.py").exists()
    unchanged = run("check", "--fix", "-", input=GOOD)
    assert unchanged.stdout == GOOD and unchanged.returncode == 0


# -- output destination and verbosity ------------------------------------------------------
def test_output_file(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, "--output-format", "json", "-o", "report.json", "a.py")
    assert result.returncode == 1
    assert result.stdout == ""
    assert json.loads((tmp_path / "report.json").read_text())[0]["code"] == "ASL100"


def test_quiet_and_silent(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    quiet = run(*CHECK, "--quiet", "--output-format", "concise", "a.py")
    assert quiet.returncode == 1
    assert quiet.stdout.startswith("a.py:5:5: ASL100") and "Found" not in quiet.stdout
    silent = run(*CHECK, "--silent", "a.py")
    assert silent.returncode == 1 and silent.stdout == ""
    assert run(*CHECK, "-q", "a.py", "--exit-zero").returncode == 0


# -- many files ----------------------------------------------------------------------------
def test_jobs_give_identical_output(run: Run, tmp_path: Path) -> None:
    files = {f"pkg{i % 3}/m{i:02}.py": (BAD if i % 2 else GOOD) for i in range(24)}
    files["broken.py"] = "def (:\n"
    _write(tmp_path, files)
    one = run(*CHECK, "-j", "1", "--output-format", "json", ".")
    two = run(*CHECK, "-j", "2", "--output-format", "json", ".")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    codes = [d["code"] for d in json.loads(one.stdout)]
    assert codes.count("ASL100") == 12 and codes.count("E999") == 1


def test_cache_reuse_and_invalidation(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {f"m{i}.py": BAD for i in range(10)})
    _write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n"})
    first = run("check", "--output-format", "json", ".")
    cache_files = list((tmp_path / ".asynclint_cache").rglob("*.json"))
    assert len(cache_files) == 1
    stored = json.loads(cache_files[0].read_text())
    assert sorted(stored) == [f"m{i}.py" for i in range(10)]
    second = run("check", "--output-format", "json", ".")
    assert second.stdout == first.stdout
    # Poison one cached entry: a run that reuses the cache reports what the cache says, which
    # proves the file was not re-analysed; a changed file is re-checked.
    stored["m0.py"][1] = []
    cache_files[0].write_text(json.dumps(stored))
    reused = run("check", "--output-format", "concise", ".")
    assert "m0.py" not in reused.stdout and "m1.py:5:5" in reused.stdout
    (tmp_path / "m0.py").write_text(BAD + "\n")
    rechecked = run("check", "--output-format", "concise", ".")
    assert "m0.py:5:5: ASL100" in rechecked.stdout
    fresh = json.loads(cache_files[0].read_text())
    assert fresh["m0.py"][0] != stored["m0.py"][0]
    # The cache never changes results: a no-cache run agrees.
    assert run("check", "--no-cache", "--output-format", "concise", ".").stdout == rechecked.stdout


def test_cache_keyed_by_settings(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n", "a.py": BAD})
    assert run("check", "a.py").returncode == 1
    assert run("check", "--ignore", "ASL100", "a.py").returncode == 0
    assert run("check", "a.py").returncode == 1


def test_no_cache_writes_none(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n", "a.py": BAD})
    run("check", "--no-cache", "a.py")
    assert not (tmp_path / ".asynclint_cache").exists()
    run("check", "a.py")
    assert (tmp_path / ".asynclint_cache").is_dir()
    cleaned = run("clean")
    assert cleaned.returncode == 0 and not (tmp_path / ".asynclint_cache").exists()


# -- rule, version, entry points ----------------------------------------------------------
def test_rule_text(run: Run) -> None:
    result = run("rule", "ASL100")
    assert result.returncode == 0
    assert result.stdout.startswith("# blocking-sleep-in-async (ASL100)")
    assert "## Why is this bad?" in result.stdout and "```python" in result.stdout


def test_rule_json_and_all(run: Run) -> None:
    one = json.loads(run("rule", "ASL100", "--output-format", "json").stdout)
    assert one["code"] == "ASL100" and one["name"] == "blocking-sleep-in-async"
    assert one["fix_availability"] == "Sometimes"
    everything = json.loads(run("rule", "--all", "--output-format", "json").stdout)
    codes = [r["code"] for r in everything]
    assert "ASL100" in codes and codes == sorted(codes)
    text = run("rule", "--all").stdout
    assert text.count("\n# ") + text.startswith("# ") == len(codes)


def test_version(run: Run) -> None:
    for args in (["--version"], ["version"]):
        result = run(*args)
        assert result.returncode == 0
        assert result.stdout.strip() == f"asynclint {__version__}"


def test_console_script_and_module_agree(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    by_script = run(*CHECK, "a.py", command=[SCRIPT])
    by_module = run(*CHECK, "a.py")
    assert by_script.returncode == by_module.returncode == 1
    assert by_script.stdout == by_module.stdout


def test_no_command_prints_help_and_exits_2(run: Run) -> None:
    result = run()
    assert result.returncode == 2 and "check" in result.stderr


def test_fix_only(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    result = run(*CHECK, "--fix-only", "a.py")
    assert result.returncode == 0
    assert result.stdout == "Fixed 1 error.\n"
    assert (tmp_path / "a.py").read_text() == FIXED


def test_stdin_diff(run: Run) -> None:
    result = run("check", "--diff", "--stdin-filename", "x.py", "-", input=BAD)
    assert result.returncode == 1
    assert "+    await asyncio.sleep(1)\n" in result.stdout
    assert run("check", "--diff", "-", input=GOOD).returncode == 0


def test_diff_and_statistics_to_output_file(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD})
    assert run(*CHECK, "--diff", "-o", "d.patch", "a.py").returncode == 1
    assert "+import asyncio" in (tmp_path / "d.patch").read_text()
    assert run(*CHECK, "--statistics", "-o", "s.txt", "a.py").returncode == 1
    assert "ASL100" in (tmp_path / "s.txt").read_text()
    assert (tmp_path / "a.py").read_text() == BAD


def test_paths_outside_the_working_folder_are_absolute(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"inside/a.py": BAD, "outside/b.py": BAD})
    result = run(*CHECK, "--output-format", "concise", "a.py", str(tmp_path / "outside"),
                 cwd=tmp_path / "inside")
    assert sorted(_codes(result.stdout)) == sorted(
        [("a.py", "ASL100"), (str(tmp_path / "outside/b.py"), "ASL100")])


def test_output_file_parents_are_created_and_errors_are_clean(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"a.py": BAD, "blocker": "a file, not a folder"})
    assert run(*CHECK, "-o", "reports/deep/r.txt", "a.py").returncode == 1
    assert "ASL100" in (tmp_path / "reports/deep/r.txt").read_text()
    bad = run(*CHECK, "-o", "blocker/r.txt", "a.py")
    assert bad.returncode == 2
    assert "blocker/r.txt" in bad.stderr and "Traceback" not in bad.stderr


def test_stdin_with_force_exclude(run: Run, tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.asynclint]\nextend-exclude = ['build']\n"})
    args = ("check", "--stdin-filename", "build/x.py")
    assert run(*args, "-", input=BAD).returncode == 1  # named explicitly: checked
    skipped = run(*args, "--force-exclude", "-", input=BAD)
    assert skipped.returncode == 0 and skipped.stdout == ""
    passed_through = run(*args, "--force-exclude", "--fix", "-", input=BAD)
    assert passed_through.returncode == 0 and passed_through.stdout == BAD


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "json-lines", "github", "gitlab",
                                 "sarif", "junit", "pylint", "grouped", "azure", "rdjson"])
def test_every_format_with_errors_and_with_nothing(run: Run, tmp_path: Path, fmt: str) -> None:
    """E999/E902 have no rule behind them; an empty run has no findings at all."""
    _write(tmp_path, {"broken.py": "def (:\n", "empty/x.txt": ""})
    result = run(*CHECK, "--output-format", fmt, "broken.py", "missing.py")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "E999" in result.stdout and "E902" in result.stdout
    nothing = run(*CHECK, "--output-format", fmt, "empty")
    assert nothing.returncode == 0 and "Traceback" not in nothing.stderr
    assert "No Python files found" in nothing.stderr
    for out in (result.stdout, nothing.stdout):
        if fmt in ("json", "gitlab", "sarif", "rdjson"):
            json.loads(out)
        elif fmt == "json-lines":
            [json.loads(line) for line in out.splitlines()]
        elif fmt == "junit":
            ET.fromstring(out)


@pytest.mark.parametrize(
    ("files", "hinted"),
    [
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, True),
        ({"pyproject.toml": "[tool.ruff.lint]\nexternal = ['ASL']\n"}, False),
        ({"pyproject.toml": "[tool.ruff]\nexternal = ['AS']\n"}, False),  # old spelling, prefix
        ({"ruff.toml": "[lint]\nselect = ['E']\n"}, True),
        ({"ruff.toml": "[lint]\nexternal = ['ASL']\n"}, False),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, False),  # no ruff at all
        ({}, False),
    ],
)
def test_ruff_external_hint_on_fix(run: Run, tmp_path: Path, files: dict[str, str],
                                   hinted: bool) -> None:
    _write(tmp_path, {"a.py": BAD, **files})
    fixed = run(*CHECK, "--fix", "a.py")
    assert fixed.returncode == 0
    assert ('external = ["ASL"]' in fixed.stderr) is hinted
    assert fixed.stderr.count("hint:") == int(hinted)
    assert "hint:" not in run(*CHECK, "a.py").stderr  # only on --fix runs


def test_format_sarif_leaves_out_display_only_fixes(run: Run, tmp_path: Path) -> None:
    """SARIF consumers apply what `fixes` holds: a fix that is only advice is not there."""
    (tmp_path / "db.py").write_text(
        "import sqlite3\nimport time\n\n\nasync def f():\n"
        "    sqlite3.connect('x')\n    time.sleep(1)\n")
    out = run("check", "--no-cache", "--select", "ASL100,ASL102", "--output-format", "sarif",
              "db.py").stdout
    results = json.loads(out)["runs"][0]["results"]
    assert {r["ruleId"]: "fixes" in r for r in results} == {"ASL102": False, "ASL100": True}


@pytest.mark.parametrize("columns", ["50", "132", "0", "wide", None])
def test_help_is_wrapped_for_the_terminal_as_argparse_wraps_it(
        columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The help formatter sizes itself without importing `shutil`, to the same width."""
    import argparse

    from asynclint import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours = cli.build_parser()
    monkeypatch.setattr(cli, "_Formatter", argparse.HelpFormatter)
    theirs = cli.build_parser()
    assert ours.format_help() == theirs.format_help()
    assert ours.commands["check"].format_help() == theirs.commands["check"].format_help()
    if columns == "50":  # narrower than the default 80: more, shorter lines
        narrow = ours.commands["check"].format_help()
        monkeypatch.delenv("COLUMNS")
        assert len(narrow.splitlines()) > len(ours.commands["check"].format_help().splitlines())
