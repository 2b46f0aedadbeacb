"""The GitHub Action (action.yml): its steps, run as a runner would run them, on the bundled
example app. Every `# BUG: ... (ASLn)` line becomes an annotation, the job fails on findings, and
the SARIF report for code scanning holds the same findings.

A runner's part is played here: the inputs (their defaults, overridden per test) and the few
`${{ }}` expressions the action uses are put into each step's `env:`, and its `run:` script goes
to bash with the options of GitHub's `shell: bash`. The install step runs for real (pip installs
this checkout into a fresh venv)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
import yaml

from tests.test_examples import EXAMPLES, _bugs

ROOT = Path(__file__).resolve().parents[1]
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
ANNOTATION = re.compile(r"^::error title=asynclint \(([A-Z]+\d+)\),file=([^,]+),line=(\d+),", re.M)


@dataclass(frozen=True)
class Runner:
    """What a runner provides: a temporary folder kept across steps, and the workspace."""

    temp: Path
    workspace: Path


@dataclass(frozen=True)
class StepResult:
    name: str
    returncode: int
    stdout: str
    stderr: str


def expand(value: str, inputs: dict[str, str], runner: Runner) -> str:
    """The `${{ }}` expressions of action.yml; any other is a test failure, not a silent ''."""
    known = {"github.action_path": str(ROOT), "runner.temp": str(runner.temp),
             **{f"inputs.{k}": v for k, v in inputs.items()}}
    return EXPRESSION.sub(lambda m: known[m[1]], value)


def run_step(step: dict[str, Any], inputs: dict[str, str], runner: Runner) -> StepResult:
    assert step["shell"] == "bash"
    assert "${{" not in step["run"], "inputs reach scripts through env:, never the script text"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASYNCLINT_", "VIRTUAL_ENV", "GITHUB_"))}
    env.update({k: expand(str(v), inputs, runner) for k, v in step.get("env", {}).items()})
    env.update(GITHUB_WORKSPACE=str(runner.workspace), RUNNER_TEMP=str(runner.temp),
               GITHUB_ACTIONS="true")
    script = runner.temp / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=runner.workspace, env=env, capture_output=True, text=True,
                          timeout=600)
    return StepResult(step["name"], done.returncode, done.stdout, done.stderr)


def run_action(runner: Runner, steps: list[dict[str, Any]], **given: str) -> list[StepResult]:
    """Run `steps` as the action's, stopping at the first that fails (as a job does)."""
    declared = ACTION["inputs"]
    assert set(given) <= set(declared), f"undeclared inputs {set(given) - set(declared)}"
    inputs = {name: given.get(name, spec.get("default", "")) for name, spec in declared.items()}
    results = []
    for step in steps:
        results.append(run_step(step, inputs, runner))
        if results[-1].returncode != 0:
            break
    return results


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The install step, run once: a runner temp folder holding the action's venv."""
    temp = tmp_path_factory.mktemp("runner-temp")
    [result] = run_action(Runner(temp, temp), [STEPS[0]])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("asynclint ")
    return temp


@pytest.fixture
def runner(installed: Path, tmp_path: Path) -> Runner:
    """A workspace holding a copy of the example app (a checked-out repository)."""
    workspace = tmp_path / "repo"
    shutil.copytree(EXAMPLES, workspace)
    return Runner(installed, workspace)


def marked_bugs() -> set[tuple[str, str]]:
    """(path inside the example app, family) of each `# BUG:` marker."""
    return {(Path(path).relative_to(EXAMPLES).as_posix(), family) for path, _, family in _bugs()}


def workspace_path(uri: str, workspace: Path) -> str:
    path = Path(url2pathname(urlparse(uri).path))
    return path.relative_to(workspace).as_posix()


def annotations(stdout: str, workspace: Path) -> set[tuple[str, str]]:
    """(path inside the workspace, family) of each `::error` workflow command."""
    return {(Path(file).relative_to(workspace).as_posix(), code[:4])
            for code, file, _ in ANNOTATION.findall(stdout)}


def test_the_action_declares_its_inputs_and_is_composite() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert [s["name"] for s in STEPS] == ["Install asynclint", "Write the SARIF report", "Check"]
    assert set(ACTION["inputs"]) == {"src", "args", "version", "sarif-file"}
    assert all("description" in spec for spec in ACTION["inputs"].values())


def test_findings_become_annotations_and_fail_the_job(runner: Runner) -> None:
    *before, check = run_action(runner, STEPS[1:])
    assert [r.returncode for r in before] == [0]
    assert check.returncode == 1
    assert annotations(check.stdout, runner.workspace) == marked_bugs()
    assert check.stdout.count("::error ") == len(marked_bugs())
    assert not list(runner.workspace.glob("*.sarif")), "no SARIF unless asked for"


def test_sarif_report_holds_the_same_findings(runner: Runner) -> None:
    *_, check = run_action(runner, STEPS[1:], **{"sarif-file": "asynclint.sarif",
                                                  "args": "--select ASL1,ASL2"})
    assert check.returncode == 1
    wanted = {bug for bug in marked_bugs() if bug[1] in ("ASL1", "ASL2")}
    assert annotations(check.stdout, runner.workspace) == wanted
    sarif = json.loads((runner.workspace / "asynclint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    # Absolute file URIs, as ruff writes them; code scanning maps them into the checkout.
    reported = {(workspace_path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                                runner.workspace), r["ruleId"][:4]) for r in run["results"]}
    assert reported == wanted


def test_args_pass_through(runner: Runner) -> None:
    *_, check = run_action(runner, STEPS[1:], args="--exit-zero --ignore ASL5")
    assert check.returncode == 0
    assert annotations(check.stdout, runner.workspace) == {
        bug for bug in marked_bugs() if bug[1] != "ASL5"}


def test_src_names_what_is_checked(runner: Runner) -> None:
    *_, check = run_action(runner, STEPS[1:], src="app/routes/reports.py app/notifications.py")
    assert annotations(check.stdout, runner.workspace) == {
        ("app/routes/reports.py", "ASL1"), ("app/notifications.py", "ASL5")}


def test_inputs_are_data_not_shell_code(runner: Runner) -> None:
    """An input with shell syntax is passed on as words; nothing of it runs."""
    *_, check = run_action(runner, STEPS[1:], src="$(touch injected) app/*.py",
                           **{"sarif-file": "r.sarif; touch injected"})
    assert not (runner.workspace / "injected").exists()
    assert (runner.workspace / "r.sarif; touch injected").is_file()
    assert check.returncode == 1
    # Each word is a path as written: none exists (E902, as ruff reports it), no glob expanded.
    missing = {file.rsplit("/", 1)[-1] for code, file, _ in ANNOTATION.findall(check.stdout)
               if code == "E902"}
    assert missing == {"$(touch", "injected)", "*.py"}
