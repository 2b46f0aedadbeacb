"""Imports a fix adds or leaves unused (`fixes.imports`): the fixed code must pass ruff's
default rules — a new import where ruff's isort puts it (no I001), an import the fix made
unused removed (no F401), and nothing else touched. Each case is checked against ruff itself
(the test venv's `ruff`), run as a user would, from the project's root."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from asynclint.config import Settings
from asynclint.diagnostics import Edit, Location
from asynclint.engine.run import RunOptions, check_paths
from asynclint.fixes.imports import (
    ImportStyle,
    ImportUses,
    Section,
    add_import,
    unused_after_fixes,
)
from asynclint.source import SourceFile

RUFF = str(Path(sys.executable).with_name("ruff"))
FIX = RunOptions(fix=True, unsafe_fixes=True, use_cache=False, jobs=1)


def _ruff(root: Path, *files: str, select: str | None = None) -> list[str]:
    """ruff's default findings (or `select`'s) on files under a project root."""
    args = [RUFF, "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero"]
    if select:
        args += ["--select", select]
    out = subprocess.run([*args, *files], cwd=root, capture_output=True, text=True,
                         check=True).stdout
    return [f"{item['code']}:{item['location']['row']}" for item in json.loads(out)]


def _added(text: str, module: str, name: str | None = None,
           style: ImportStyle | None = None) -> str:
    source = SourceFile(text)
    edit = add_import(source, ast.parse(text), style or ImportStyle(), module, name)
    assert edit is not None
    return source.apply_edits([edit])


@pytest.mark.parametrize(
    ("text", "module", "name", "expected"),
    [
        # into the standard-library block, in sorted position
        ("import json\nimport time\n\nimport requests\n", "asyncio", None,
         "import asyncio\nimport json\nimport time\n\nimport requests\n"),
        ("import json\nimport time\n\nimport requests\n", "os", None,
         "import json\nimport os\nimport time\n\nimport requests\n"),
        # `import x` lines come before `from x import y` lines of their section
        ("import time\nfrom pathlib import Path\n", "asyncio", None,
         "import asyncio\nimport time\nfrom pathlib import Path\n"),
        ("from pathlib import Path\n", "sys", None, "import sys\nfrom pathlib import Path\n"),
        # a section the file does not have yet: a group of its own, in its place
        ("import requests\n", "asyncio", None, "import asyncio\n\nimport requests\n"),
        ("import os\n", "fastapi.concurrency", "run_in_threadpool",
         "import os\n\nfrom fastapi.concurrency import run_in_threadpool\n"),
        ("from __future__ import annotations\n\nimport httpx\n", "asyncio", None,
         "from __future__ import annotations\n\nimport asyncio\n\nimport httpx\n"),
        # a name joins the `from` import of its module, in ruff's order of names
        ("from fastapi.concurrency import iterate_in_threadpool\n", "fastapi.concurrency",
         "run_in_threadpool",
         "from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool\n"),
        ("from starlette.concurrency import (\n    iterate_in_threadpool,\n)\n",
         "starlette.concurrency", "run_in_threadpool",
         "from starlette.concurrency import (\n    iterate_in_threadpool,\n"
         "    run_in_threadpool,\n)\n"),
        # comments above an import go with it; the file's opening comments stay on top
        ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport time\n", "asyncio", None,
         "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport asyncio\nimport time\n"),
        ("import os\n# the clock\nimport time\n", "sys", None,
         "import os\nimport sys\n# the clock\nimport time\n"),
        # natural, case-insensitive order
        ("import Queue2\nimport queue10\n", "queue3", None,
         "import Queue2\nimport queue3\nimport queue10\n"),
    ],
)
def test_new_import_goes_where_isort_puts_it(text: str, module: str, name: str | None,
                                             expected: str, tmp_path: Path) -> None:
    assert _added(text, module, name) == expected
    # ruff agrees, when the file was sorted to begin with
    (tmp_path / "before.py").write_text(text)
    (tmp_path / "after.py").write_text(expected)
    if not _ruff(tmp_path, "before.py", select="I001"):
        assert not _ruff(tmp_path, "after.py", select="I001")


def test_unsorted_block_gets_the_least_disruptive_place() -> None:
    # Not sorted to begin with: the line goes before the first one that sorts after it in
    # its section, and nothing else moves.
    text = "import time\nimport json\n\nimport requests\n"
    assert _added(text, "asyncio") == "import asyncio\nimport time\nimport json\n\nimport requests\n"
    assert _added(text, "uuid") == "import time\nimport json\nimport uuid\n\nimport requests\n"


def test_first_party_is_inferred_from_the_project(tmp_path: Path) -> None:
    """As ruff's `src = [".", "src"]`: a module found under `src/` or the root (its whole
    path, as ruff 0.17 looks) is first party, so a third-party import goes above it, not
    after the last import."""
    (tmp_path / "src" / "myapp").mkdir(parents=True)
    (tmp_path / "src" / "myapp" / "__init__.py").write_text("")
    (tmp_path / "src" / "myapp" / "db.py").write_text("")
    (tmp_path / "helpers.py").write_text("")
    style = ImportStyle(src_roots=(tmp_path, tmp_path / "src"))
    assert style.section("myapp.db") is Section.FIRST_PARTY
    assert style.section("myapp.elsewhere") is Section.THIRD_PARTY  # not in this project
    assert style.section("helpers") is Section.FIRST_PARTY
    assert style.section("requests") is Section.THIRD_PARTY
    assert style.section("asyncio") is Section.STDLIB
    assert ImportStyle(package="myapp").section("myapp.x") is Section.FIRST_PARTY
    text = "import os\n\nimport requests\n\nfrom myapp.db import Session\n"
    fixed = _added(text, "fastapi.concurrency", "run_in_threadpool", style)
    assert fixed == ("import os\n\nimport requests\nfrom fastapi.concurrency import "
                     "run_in_threadpool\n\nfrom myapp.db import Session\n")
    (tmp_path / "app.py").write_text(fixed)
    assert not _ruff(tmp_path, "app.py", select="I001")


def test_ruff_isort_settings_are_respected(tmp_path: Path) -> None:
    """`known-first-party` moves a module to the first-party section (here one that is not in
    the project); `force-single-line` keeps each name on its own line."""
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ruff.lint.isort]\nknown-first-party = ['mycorp']\n")
    text = ('import requests\nfrom fastapi import FastAPI\n\nfrom mycorp import auth\n\n'
            'app = FastAPI()\n\n\n@app.get("/")\nasync def get(q):\n    auth.check(q)\n'
            '    return requests.get(q)\n')
    fixed = _fix(tmp_path, text, code="ASL101")
    assert fixed == text.replace(
        "FastAPI\n\n", "FastAPI\nfrom fastapi.concurrency import run_in_threadpool\n\n", 1
    ).replace("return requests.get(q)", "return await run_in_threadpool(requests.get, q)")
    (tmp_path / "fixed.py").write_text(fixed)
    assert not subprocess.run([RUFF, "check", "--no-cache", "--select", "I001", "fixed.py"],
                              cwd=tmp_path, capture_output=True).returncode
    style = ImportStyle(force_single_line=True)
    assert _added("from fastapi import Depends\n", "fastapi", "Query", style) == (
        "from fastapi import Depends\nfrom fastapi import Query\n")
    assert _added("from fastapi import Depends\n", "fastapi", "Query") == (
        "from fastapi import Depends, Query\n")
    # `as` names: kept apart by default, joined with `combine-as-imports`
    text = "from fastapi import Depends as D\n"
    assert _added(text, "fastapi", "Query") == text + "from fastapi import Query\n"
    assert _added(text, "fastapi", "Query", ImportStyle(combine_as_imports=True)) == (
        "from fastapi import Depends as D, Query\n")
    for style, config in ((ImportStyle(), ""),
                          (ImportStyle(combine_as_imports=True), "combine-as-imports = true\n")):
        (tmp_path / "pyproject.toml").write_text(f"[tool.ruff.lint.isort]\n{config}")
        (tmp_path / "as.py").write_text(_added(text, "fastapi", "Query", style))
        assert subprocess.run([RUFF, "check", "--no-cache", "--select", "I001", "as.py"],
                              cwd=tmp_path, capture_output=True).returncode == 0, config


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("async def f():\n    return input()\n",
         "import asyncio\n\n\nasync def f():\n    return await asyncio.to_thread(input)\n"),
        ('"""Doc."""\nX = 1\n\n\nasync def f():\n    return input()\n',
         '"""Doc."""\nimport asyncio\n\nX = 1\n\n\nasync def f():\n'
         "    return await asyncio.to_thread(input)\n"),
    ],
)
def test_no_import_block_gets_the_blank_lines_ruff_wants(text: str, expected: str,
                                                         tmp_path: Path) -> None:
    assert _fix(tmp_path, text, code="ASL105") == expected
    (tmp_path / "fixed.py").write_text(expected)
    assert not _ruff(tmp_path, "fixed.py", select="I001")


# -- imports the fix made unused ---------------------------------------------------------------
def _fix(tmp_path: Path, text: str, name: str = "app.py", code: str = "ASL100") -> str | None:
    path = tmp_path / name
    path.write_text(text)
    [report] = check_paths([(str(path), Settings(root=tmp_path, select=(code,)))], FIX)
    return report.fixed_text


SLEEPY = "async def f():\n    time.sleep(1)\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the fix's last use of `time` goes, so does its import (and asyncio takes its place)
        ("import time\n\n\n" + SLEEPY,
         "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"),
        # one name of several
        ("import os, time\n\n\n" + SLEEPY + "    return os.sep\n",
         "import asyncio\nimport os\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
         "    return os.sep\n"),
        ("from time import monotonic, sleep\n\n\nasync def f():\n    sleep(1)\n"
         "    return monotonic()\n",
         "import asyncio\nfrom time import monotonic\n\n\nasync def f():\n"
         "    await asyncio.sleep(1)\n    return monotonic()\n"),
        # several fixes together took every use
        ("import time\n\n\n" + SLEEPY + "    time.sleep(2)\n",
         "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
         "    await asyncio.sleep(2)\n"),
    ],
)
def test_import_the_fix_made_unused_is_removed(text: str, expected: str, tmp_path: Path) -> None:
    assert _fix(tmp_path, text) == expected
    (tmp_path / "fixed.py").write_text(expected)
    assert not _ruff(tmp_path, "fixed.py", select="I001,F401")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # another use is left
        ("import time\n\n\n" + SLEEPY + "    return time.monotonic()\n", "import time\n"),
        # exported by name
        ("import time\n\n__all__ = ['time']\n\n\n" + SLEEPY, "import time\n"),
        # a string annotation mentions it
        ("import time\n\n\n" + SLEEPY + "\n\ndef g(t: 'time.struct_time') -> None: ...\n",
         "import time\n"),
        # a comment on the import line may be a pragma
        ("import time  # keep: side effects\n\n\n" + SLEEPY, "import time  # keep"),
        # unused before the fix: not the fix's to remove
        ("import os\nimport time\n\n\n" + SLEEPY, "import os\n"),
    ],
)
def test_import_still_needed_or_unsure_stays(text: str, kept: str, tmp_path: Path) -> None:
    fixed = _fix(tmp_path, text)
    assert fixed is not None and "await asyncio.sleep(1)" in fixed
    assert kept in fixed


def test_a_package_init_keeps_its_imports(tmp_path: Path) -> None:
    fixed = _fix(tmp_path, "import time\n\n\n" + SLEEPY, name="__init__.py")
    assert fixed is not None and "import time\n" in fixed


def test_unused_after_fixes_reads_uses_not_text() -> None:
    before = ast.parse("import time\nimport os\nx = time.sleep(1)\n")
    after = SourceFile("import time\nimport os\nx = 'time'\n")
    # `'time'` alone reads as the name: kept (unsure); `os` was never used: kept.
    assert unused_after_fixes("m.py", before, after) == []
    after = SourceFile("import time\nimport os\nx = 1\n")
    [edit] = unused_after_fixes("m.py", before, after)
    assert after.apply_edits([edit]) == "import os\nx = 1\n"


def _replacing(text: str, old: str, new: str = "pass") -> Edit:
    """An edit replacing the first occurrence of `old` in `text` with `new`."""
    source = SourceFile(text)
    at = text.index(old)
    return Edit(new, source.location(at), source.location(at + len(old)))


@pytest.mark.parametrize(
    "use",
    [
        "time.sleep(1)",
        # strings that read as code mentioning `time`, though their text does not spell it
        "x: '\\x74ime'",
        "x: 'ti' 'me'",
        # an identifier that reads as `time` (NFKC)
        "\uff54ime.sleep(1)",
    ],
)
def test_import_uses_finds_the_last_use_whatever_its_spelling(use: str) -> None:
    """A fix's edits replacing the only use of an import remove it, however the use is spelt:
    uses are looked for only where a name may be written (`ImportUses.left_unused`)."""
    text = f"import os\nimport time\n\n\ndef f():\n    {use}\n    return os\n"
    uses = ImportUses(SourceFile(text), ast.parse(text), "m.py")
    [drop] = uses.left_unused([_replacing(text, use)])
    assert SourceFile(text).apply_edits([drop]).startswith("import os\n\n\ndef")


def test_import_uses_reads_the_module_only_for_a_fix_that_may_remove_an_import() -> None:
    text = "import asyncio\nimport io\nimport time\n\n\nasync def f(b: io.BytesIO):\n" \
           "    asyncio.get_event_loop()\n    time.sleep(1)\n"
    uses = ImportUses(SourceFile(text), ast.parse(text), "m.py")
    # `asyncio` is written again, `io` only inside the word `asyncio`
    rename = _replacing(text, "asyncio.get_event_loop()", "asyncio.get_running_loop()")
    assert uses.left_unused([rename]) == []
    assert uses.uses_of([]) == {} and uses._leaves is None  # nothing was read
    # Only `time`, whose use the edit replaces, is looked for.
    [drop] = uses.left_unused([_replacing(text, "time.sleep(1)", "await asyncio.sleep(1)")])
    assert drop.start == Location(3, 0) and set(uses._uses) == {"time"}


def test_a_single_fix_carries_the_removal_in_its_own_edits(tmp_path: Path) -> None:
    """What JSON, SARIF and the editor show is one fix: its edits remove the import it leaves
    unused, so applying them alone gives what `--fix` writes."""
    text = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
    path = tmp_path / "app.py"
    path.write_text(text)
    settings = Settings(root=tmp_path, select=("ASL100",))
    options = RunOptions(want_fixes=True, use_cache=False, jobs=1)
    [report] = check_paths([(str(path), settings)], options)
    [diag] = report.diagnostics
    assert diag.fix is not None
    fixed = SourceFile(text).apply_edits(list(diag.fix.edits))
    assert fixed == _fix(tmp_path, text) == (
        "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n")
    # Two uses, two fixes: neither alone removes the import; applied together they do.
    two = "import time\n\n\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n"
    path.write_text(two)
    [report] = check_paths([(str(path), settings)], options)
    assert all(len(d.fix.edits) == 2 for d in report.diagnostics if d.fix is not None)
