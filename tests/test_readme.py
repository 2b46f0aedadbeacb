"""The README shows real output: its before/after example is re-run here, and its set-up
commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Run

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _blocks(lang: str) -> list[str]:
    """The fenced code blocks of the README whose info string is `lang`."""
    blocks: list[str] = []
    current: list[str] | None = None
    info = ""
    for line in README.splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current, info = [], line[3:].strip()
            else:
                if info == lang:
                    blocks.append("".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_before_after_is_real(run: Run, tmp_path: Path) -> None:
    before, after = _blocks("python")[:2]
    transcript = next(b for b in _blocks("") if b.startswith("$ asynclint check poll.py"))
    (tmp_path / "poll.py").write_text(before)
    outputs = re.split(r"^\$ (.+)\n", transcript, flags=re.MULTILINE)[1:]
    for command, shown in zip(outputs[::2], outputs[1::2], strict=True):
        args = command.split()[1:]
        result = run(*args[:1], "--no-cache", *args[1:])
        assert result.stdout == shown, command
    assert (tmp_path / "poll.py").read_text() == after


def test_exactly_two_setup_commands_and_ci_runs_the_second() -> None:
    commands = [b.strip() for b in _blocks("") if b.startswith("python3 -m venv")]
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/asynclint check fixtures/examples",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".venv/bin/pip install --quiet -e '.[test]' && .venv/bin/python -m pytest" in ci
    for check in ("mypy --strict src", "ruff check src tests", "asynclint check --no-cache src"):
        assert check in ci
