"""The bundled example app (what the README's first command checks): each `# BUG: ... (ASLn)`
line is found once family n has rules, and nothing else is reported (precision)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from asynclint.rules import REGISTRY
from tests.conftest import MODULE, clean_env

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "fixtures" / "examples"
BUG = re.compile(r"# BUG: .*\((ASL\d)\)")


def _bugs() -> list[tuple[str, frozenset[int], str]]:
    """(file, rows, family) of each marked bug. A marker on its own line describes the two
    statements below it (e.g. consecutive awaits; the finding may be on either)."""
    bugs = []
    for path in sorted(EXAMPLES.rglob("*.py")):
        for row, line in enumerate(path.read_text().splitlines(), start=1):
            m = BUG.search(line)
            if m:
                own_line = line.lstrip().startswith("#")
                rows = frozenset({row + 1, row + 2} if own_line else {row})
                bugs.append((str(path), rows, m.group(1)))
    return bugs


def test_one_bug_per_family() -> None:
    assert sorted(family for _, _, family in _bugs()) == ["ASL1", "ASL2", "ASL3", "ASL4", "ASL5"]


def test_readme_command_finds_the_bugs_and_nothing_else() -> None:
    """`asynclint check fixtures/examples`, run from the repository root as the README says
    (the project's own config excludes `fixtures` from walks; a path named explicitly is still
    checked)."""
    result = subprocess.run([*MODULE, "check", "--no-cache", "--output-format", "json",
                             "fixtures/examples"], cwd=ROOT, capture_output=True, text=True,
                            env=clean_env())
    assert result.returncode == 1, result.stderr
    found = [(d["filename"], d["location"]["row"], d["code"]) for d in json.loads(result.stdout)]
    bugs = _bugs()

    def marked(path: str, row: int, code: str) -> bool:
        return any(path == p and row in rows and code.startswith(f) for p, rows, f in bugs)

    unexpected = [f for f in found if not marked(*f)]
    assert not unexpected, f"false alarms in the examples: {unexpected}"
    families = {code[:4] for code in REGISTRY}
    missed = [b for b in bugs if b[2] in families
              and not any(p == b[0] and row in b[1] for p, row, _ in found)]
    assert not missed, f"bugs of implemented families not found: {missed}"
    assert ("ASL1" in families) <= any(code.startswith("ASL1") for _, _, code in found)
