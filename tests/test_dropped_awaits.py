"""The dropped-await harness (scripts/dropped_awaits.py): which awaits it mutates, how it files them."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_script

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    return load_script("dropped_awaits.py", "dropped_awaits")


da = _load()

SOURCES = {
    "app/__init__.py": "",
    "app/crud.py": textwrap.dedent("""\
        async def get_user(uid):
            return uid

        def sync_helper():
            return 1
        """),
    "app/service.py": textwrap.dedent("""\
        from app.crud import get_user
        from .crud import sync_helper
        from plugins import store
        import app.crud as crud


        async def local():
            return 1


        class Service:
            async def load(self):
                return 2

            async def run(self):
                await self.load()
                a, b = await local()
                user = await get_user(1)
                if user is None:
                    return None
                rows = await crud.get_user(2)
                for row in rows:
                    print(row)
                await sync_helper()
                await store.save()
                result = [await local() for _ in range(2)]
                return await get_user(3)
        """),
    # A PEP 420 namespace package: no __init__.py in plugins/.
    "plugins/store.py": "async def save():\n    return None\n",
}


def _project(tmp_path: Path) -> da.Project:
    return da.Project(tmp_path, SOURCES)


def test_mutations_and_categories(tmp_path: Path) -> None:
    found = {(m.row, m.callee, m.location, m.use) for m in da.find_mutations(_project(tmp_path))}
    assert found == {
        (16, "self.load", da.SELF_METHOD, "statement"),
        (17, "local", da.SAME_MODULE, "tuple-unpacked"),
        (18, "get_user", da.IMPORTED, "assigned-then-is-none-test"),
        (21, "crud.get_user", da.IMPORTED, "assigned-then-iteration"),
        # `await sync_helper()` is not an async def: no mutation.
        (25, "store.save", da.IMPORTED_NAMESPACE, "statement"),
        (26, "local", da.SAME_MODULE, "inline-stored"),
        (27, "get_user", da.IMPORTED, "returned-directly"),
    }


def test_apply_removes_exactly_one_await(tmp_path: Path) -> None:
    project = _project(tmp_path)
    text = SOURCES["app/service.py"]
    by_row = {m.row: m for m in da.find_mutations(project)}
    mutated = by_row[18].apply(text)
    assert mutated is not None
    assert mutated.splitlines()[17] == "        user = get_user(1)"
    assert mutated.count("await") == text.count("await") - 1
    ast.parse(mutated)
    assert by_row[16].lines == (16, 16)


def test_apply_skips_what_no_longer_parses() -> None:
    mutation = da.Mutation("m.py", 1, 0, (1, 1), "f", da.SAME_MODULE, "statement")
    assert mutation.apply("x = f()\n") is None  # the column does not hold the keyword
    assert mutation.apply("await\\\n    f()\n") is None  # a continuation line left alone
    assert mutation.apply("await (f())\n") == "(f())\n"


def test_one_mutation_is_found_by_asynclint(tmp_path: Path) -> None:
    if not Path(sys.executable).with_name("asynclint").is_file():
        pytest.skip("asynclint is not installed next to this interpreter")
    for rel, text in SOURCES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    project = da.Project(tmp_path)
    mutation = next(m for m in da.find_mutations(project) if m.use == "statement"
                    and m.location == da.SELF_METHOD)
    target = tmp_path / mutation.path
    mutated = mutation.apply(target.read_text(encoding="utf-8"))
    assert mutated is not None
    target.write_text(mutated, encoding="utf-8")
    rows = {row for row, code in da.asl2_findings(tmp_path, mutation.path)}
    assert mutation.row in rows
