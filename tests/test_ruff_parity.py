"""Our JSON has ruff's shape, key for key, and our columns are ruff's columns.

ruff (pinned in the test extras) runs on the same text; tools that read ruff's JSON must read
ours unchanged.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MODULE, clean_env

RUFF = str(Path(sys.executable).with_name("ruff"))

# F401 carries a fix (edits), ASYNC251 has none: between them every key of ruff's JSON shows up.
SOURCE = (
    "import os\n"
    "import time\n"
    "\n"
    "\n"
    "async def f():\n"
    "    time.sleep(1)\n"
    "    list(time.sleep(0) for _ in range(2))\n"
)


def _ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUFF, "check", "--isolated", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", env=clean_env())


def _ours(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MODULE, "check", "--isolated", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", env=clean_env())


def shape(value: Any) -> Any:
    """The key structure of a JSON value: dicts by their keys, lists by their items' shapes,
    scalars by their JSON type (so `null` and an object differ)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        shapes = []
        for item in map(shape, value):
            if item not in shapes:
                shapes.append(item)
        return shapes
    return type(value).__name__


def test_ruff_is_the_pinned_version() -> None:
    out = subprocess.run([RUFF, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "ruff 0.17.6"


def test_json_key_structure_matches_ruff(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    theirs = json.loads(_ruff("--select", "F401,ASYNC251", "--output-format", "json", "m.py",
                              cwd=tmp_path).stdout)
    ours = json.loads(_ours("--output-format", "json", "m.py", cwd=tmp_path).stdout)
    their_fixed = next(d for d in theirs if d["fix"] is not None)
    their_unfixed = next(d for d in theirs if d["fix"] is None)
    our_fixed = next(d for d in ours if d["fix"] is not None)
    our_unfixed = next(d for d in ours if d["fix"] is None)
    assert shape(our_fixed) == shape(their_fixed)
    assert shape(our_unfixed) == shape(their_unfixed)
    # Key order too, for tools that diff text output.
    assert list(our_fixed) == list(their_fixed)
    assert list(our_fixed["fix"]) == list(their_fixed["fix"])
    assert list(our_fixed["fix"]["edits"][0]) == list(their_fixed["fix"]["edits"][0])
    assert our_fixed["fix"]["applicability"] in {"safe", "unsafe", "displayonly"}


def test_json_lines_objects_match_json(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    array = json.loads(_ours("--output-format", "json", "m.py", cwd=tmp_path).stdout)
    lines = _ours("--output-format", "json-lines", "m.py", cwd=tmp_path).stdout.splitlines()
    assert [json.loads(line) for line in lines] == array


@pytest.mark.parametrize("prefix", ["", "é", "é😀", "😀😀😀", "ñ = '日本語'; "])
def test_columns_match_ruff_after_non_ascii(tmp_path: Path, prefix: str) -> None:
    literal = f'x = "{prefix}"; ' if prefix and not prefix.endswith("; ") else prefix
    text = f"import time\n\n\nasync def f():\n    {literal}time.sleep(1)\n"
    (tmp_path / "u.py").write_text(text, encoding="utf-8")
    (theirs,) = json.loads(_ruff("--select", "ASYNC251", "--output-format", "json", "u.py",
                                 cwd=tmp_path).stdout)
    (ours,) = json.loads(_ours("--output-format", "json", "u.py", cwd=tmp_path).stdout)
    assert ours["location"] == theirs["location"]
    # The column counts code points: the text before it is exactly what precedes `time.sleep`.
    line = text.splitlines()[ours["location"]["row"] - 1]
    assert line[ours["location"]["column"] - 1 :].startswith("time.sleep(1)")
    col = ours["location"]["column"]
    concise = _ours("--output-format", "concise", "u.py", cwd=tmp_path).stdout
    assert concise.startswith(f"u.py:5:{col}: ASL100")
    full = _ours("--output-format", "full", "u.py", cwd=tmp_path).stdout
    assert f" --> u.py:5:{col}\n" in full
    ruff_full = _ruff("--select", "ASYNC251", "--output-format", "full", "u.py",
                      cwd=tmp_path).stdout
    assert re.search(rf"--> u\.py:5:{col}\n", ruff_full)
    # The caret starts under `time`, whatever the width of what precedes it.
    caret = next(ln for ln in full.splitlines() if "^" in ln)
    source_line = next(ln for ln in full.splitlines() if ln.startswith("5 |"))
    assert source_line[caret.index("^") :].startswith("time.sleep")


# -- rule selection: the same layering and specificity as ruff ------------------------------
# Our selectors mapped to ruff's at the same specificity: linter, prefixes, the code itself.
TO_RUFF = {"ASL": "F", "ASL1": "F4", "ASL10": "F40", "ASL100": "F401"}
SELECTION_CASES = [
    # (config select, config extend-select, config ignore, cli select, cli extend, cli ignore)
    (None, [], ["ASL100"], ["ASL1"], [], []),
    (None, [], ["ASL100"], None, ["ASL"], []),
    (None, [], ["ASL100"], None, ["ASL100"], []),
    (["ASL1"], [], ["ASL100"], None, [], []),
    (["ASL1"], [], [], None, [], ["ASL100"]),
    (["ASL1"], [], [], ["ASL"], [], ["ASL100"]),
    (["ASL100"], [], [], None, [], ["ASL1"]),
    (["ASL100"], [], [], None, [], ["ASL"]),
    (None, [], ["ASL1"], None, ["ASL100"], []),
    (None, [], ["ASL1"], ["ASL100"], [], []),
    (None, ["ASL100"], ["ASL1"], None, [], []),
    (None, ["ASL1"], ["ASL1"], None, [], []),
    (None, [], [], ["ASL100"], [], ["ASL1"]),
    (None, [], [], ["ASL1"], [], ["ASL1"]),
    (None, [], [], ["ASL1"], ["ASL100"], ["ASL10"]),
    (None, [], [], None, ["ASL10"], ["ASL1"]),
    (["ASL10"], [], ["ASL100"], None, ["ASL1"], []),
    (["ASL10"], [], ["ASL100"], None, [], ["ASL1"]),
    (None, [], ["ASL"], None, ["ASL10"], ["ASL100"]),
    (["ASL"], ["ASL100"], ["ASL10"], None, [], []),
]


def _toml_list(codes: list[str], mapping: dict[str, str] | None = None) -> str:
    return "[" + ", ".join(f'"{mapping[c] if mapping else c}"' for c in codes) + "]"


def _section(select: list[str] | None, extend: list[str], ignore: list[str],
             mapping: dict[str, str] | None) -> str:
    lines = []
    if select is not None:
        lines.append(f"select = {_toml_list(select, mapping)}")
    if extend:
        lines.append(f"extend-select = {_toml_list(extend, mapping)}")
    if ignore:
        lines.append(f"ignore = {_toml_list(ignore, mapping)}")
    return "\n".join(lines) + "\n"


def _cli(select: list[str] | None, extend: list[str], ignore: list[str],
         mapping: dict[str, str] | None) -> list[str]:
    args = []
    for flag, codes in (("--select", select), ("--extend-select", extend), ("--ignore", ignore)):
        if codes:
            args += [flag, ",".join(mapping[c] if mapping else c for c in codes)]
    return args


@pytest.mark.parametrize("case", SELECTION_CASES, ids=[str(i) for i in range(len(SELECTION_CASES))])
def test_selection_matches_ruff(tmp_path: Path, case: tuple[Any, ...]) -> None:
    from asynclint.config import SettingsResolver

    c_select, c_extend, c_ignore, select, extend, ignore = case
    ruff_dir, our_dir = tmp_path / "ruff", tmp_path / "ours"
    ruff_dir.mkdir()
    our_dir.mkdir()
    (ruff_dir / "pyproject.toml").write_text(
        "[tool.ruff.lint]\n" + _section(c_select, c_extend, c_ignore, TO_RUFF))
    (ruff_dir / "m.py").write_text("import os\n")
    theirs = subprocess.run([RUFF, "check", "--no-cache", "--output-format", "json",
                             *_cli(select, extend, ignore, TO_RUFF), "m.py"], cwd=ruff_dir,
                            capture_output=True, text=True, env=clean_env())
    ruff_flags = any(d["code"] == "F401" for d in json.loads(theirs.stdout))
    (our_dir / "pyproject.toml").write_text(
        "[tool.asynclint]\n" + _section(c_select, c_extend, c_ignore, None))
    resolver = SettingsResolver(overrides={"select": select, "extend_select": extend,
                                           "ignore": ignore})
    ours = "ASL100" in resolver.for_path(our_dir / "m.py").enabled_codes()
    assert ours == ruff_flags, f"ruff: {theirs.args}"
