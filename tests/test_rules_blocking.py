"""ASL1xx beyond the fixtures: the catalog's integrity, helper chains (bounded, cycle-safe,
across modules through the project index's facts), messages, and fix applicability."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from asynclint.config import Settings
from asynclint.diagnostics import Applicability, Diagnostic
from asynclint.engine.analyze import analyze
from asynclint.fixes.attach import attach_fixes
from asynclint.rules import REGISTRY
from asynclint.semantic.blocking import MAX_DEPTH, BlockingAnalysis
from asynclint.semantic.catalogs.blocking import CATALOG, CATALOG_ENTRIES, Cost, FixKind, Kind
from asynclint.semantic.model import SemanticModel
from asynclint.source import SourceFile

ASL1 = frozenset(code for code in REGISTRY if code.startswith("ASL1"))


def check(code: str, select: frozenset[str] = ASL1, **settings: object) -> list[Diagnostic]:
    text = textwrap.dedent(code)
    analysis = analyze(SourceFile.from_bytes(text.encode()), "t.py",
                       Settings(root=Path("."), **settings),  # type: ignore[arg-type]
                       select, ("app.t", False))
    return attach_fixes(analysis)


# -- the catalog ----------------------------------------------------------------------------------
def test_every_kind_is_a_registered_rule_with_entries() -> None:
    for kind in Kind:
        assert kind.value in REGISTRY, kind
        if kind is not Kind.CONFIGURED:
            assert any(e.kind is kind for e in CATALOG_ENTRIES), kind


def test_catalog_names_are_unique_and_qualified() -> None:
    names = [e.name for e in CATALOG_ENTRIES]
    assert len(names) == len(set(names)) == len(CATALOG)
    assert all("." in n and " " not in n for n in names)


def test_only_sqlite3_and_django_database_entries_are_display_only() -> None:
    # A session or connection used from a worker thread while the coroutine waits is used by
    # one thread at a time, which SQLAlchemy and the drivers allow: the thread fix applies
    # (unsafe). A raw sqlite3 connection refuses any thread but its creator's, and Django's
    # connections belong to the thread that opened them (its `a`-methods are the fix): shown only.
    db = [e for e in CATALOG_ENTRIES if e.kind is Kind.DB]
    bound = ("sqlite3.", "django.")
    assert {e.fix for e in db if e.name.startswith(bound)} == {FixKind.THREAD_DISPLAY}
    assert {e.fix for e in db if not e.name.startswith(bound)} == {FixKind.THREAD}
    assert REGISTRY["ASL102"].fix_applicability is Applicability.UNSAFE


def test_rule_docs_list_their_catalog_entries() -> None:
    for code, kind, cost in (("ASL101", Kind.HTTP, Cost.HEAVY), ("ASL102", Kind.DB, Cost.HEAVY),
                             ("ASL104", Kind.FILE, Cost.HEAVY),
                             ("ASL109", Kind.FILE, Cost.METADATA)):
        explanation = REGISTRY[code].explanation
        for entry in CATALOG_ENTRIES:
            if entry.kind is kind and entry.cost is cost:
                owner, _, member = entry.name.removeprefix("builtins.").rpartition(".")
                lines = explanation.splitlines()
                if not owner:  # a builtin: its own line
                    assert f"- `{member}`" in lines, entry.name
                    continue
                line = next(ln for ln in lines if ln.startswith(f"- `{owner}`"))
                assert f"`{member}`" in line, entry.name


def test_every_entry_can_pass_its_rules_text_prefilter() -> None:
    # A rule runs on a file only when one of its `requires_text` words occurs in it; an entry
    # whose module name contains none of them could never be reported.
    for entry in CATALOG_ENTRIES:
        code = "ASL109" if entry.cost is Cost.METADATA else entry.kind.value
        words = REGISTRY[code].requires_text
        assert any(word in entry.name.removeprefix("builtins.") for word in words), entry.name


def test_metadata_calls_are_opt_in_and_contents_are_not() -> None:
    metadata = {e.name for e in CATALOG_ENTRIES if e.cost is Cost.METADATA}
    assert {"pathlib.Path.exists", "pathlib.Path.stat", "os.path.isfile", "os.makedirs",
            "pathlib.Path.resolve", "os.unlink"} <= metadata
    assert not {"pathlib.Path.read_text", "builtins.open", "os.listdir", "shutil.rmtree",
                "shutil.copytree", "os.walk"} & metadata
    assert {e.kind for e in CATALOG_ENTRIES if e.cost is Cost.METADATA} == {Kind.FILE}
    assert not REGISTRY["ASL109"].default_enabled and REGISTRY["ASL104"].default_enabled
    source = """
        from pathlib import Path

        async def f(p: Path) -> str:
            p.exists()
            return p.read_text()
    """
    default = frozenset(c for c in ASL1 if REGISTRY[c].default_enabled)
    assert [d.code for d in check(source, default)] == ["ASL104"]
    assert sorted(d.code for d in check(source, default | {"ASL109"})) == ["ASL104", "ASL109"]


# -- helper chains ----------------------------------------------------------------------------------
def _call_in(model: SemanticModel, analysis: BlockingAnalysis, func_name: str):  # type: ignore[no-untyped-def]
    """The first call in the body of the module-level `async def func_name`, with its scope."""
    from asynclint.semantic.scopes import Scope

    for stmt in model.module.body:
        if isinstance(stmt, ast.AsyncFunctionDef) and stmt.name == func_name:
            scope = Scope("function", stmt, model.module_scope, True)
            call = next(n for n in ast.walk(stmt) if isinstance(n, ast.Call))
            return call, scope
    raise AssertionError(func_name)


def _model(code: str, module: str) -> SemanticModel:
    return SemanticModel(ast.parse(textwrap.dedent(code)), module)


def test_chain_is_bounded() -> None:
    links = MAX_DEPTH + 2
    helpers = "".join(f"def h{i}():\n    h{i + 1}()\n" for i in range(links))
    code = f"import requests\n{helpers}def h{links}():\n    requests.get('x')\n"
    model = _model(code + "async def near():\n    h3()\nasync def far():\n    h0()\n", "m")
    analysis = BlockingAnalysis(model)
    near = analysis.via_helper(*_call_in(model, analysis, "near"))
    assert near is not None and near[0][-1] == "requests.get"
    assert len(near[0]) == links - 3 + 2
    assert analysis.via_helper(*_call_in(model, analysis, "far")) is None


def test_mutual_recursion_without_blocking_terminates_silently() -> None:
    code = "def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\nasync def go():\n    a(1)\n"
    model = _model(code, "m")
    analysis = BlockingAnalysis(model)
    assert analysis.via_helper(*_call_in(model, analysis, "go")) is None


# -- what the rules report --------------------------------------------------------------------------
def test_helper_message_shows_the_chain_and_sqlite3_chains_are_display_only() -> None:
    found = check("""
        import sqlite3
        import requests
        from sqlalchemy.orm import Session
        def load(uid):
            return requests.get(uid)
        def save(db: Session):
            db.commit()
        def raw(conn: sqlite3.Connection):
            conn.commit()
        async def view(db: Session, conn: sqlite3.Connection):
            load(1)
            save(db)
            raw(conn)
    """, frozenset({"ASL106"}))
    assert [d.message.split(":")[1].split(";")[0].strip() for d in found] == [
        "load() -> requests.get", "save() -> sqlalchemy.orm.Session.commit",
        "raw() -> sqlite3.Connection.commit"]
    assert [d.applicability for d in found] == [Applicability.UNSAFE, Applicability.UNSAFE,
                                                Applicability.DISPLAY_ONLY]


def test_awaited_and_offloaded_calls_are_never_blocking() -> None:
    found = check("""
        import asyncio, requests
        from sqlalchemy.orm import Session
        def helper():
            requests.get("x")
        async def f(db: Session):
            await db.execute(1)
            await asyncio.to_thread(helper)
            await asyncio.to_thread(requests.get, "x")
    """)
    assert found == []


def test_configured_calls_need_the_setting() -> None:
    code = "from mylib import fetch\nasync def f():\n    fetch()\n"
    assert check(code) == []
    found = check(code, extra_blocking_calls=("mylib.fetch",))
    assert [d.code for d in found] == ["ASL107"]


def test_route_fix_is_unsafe_and_drops_async() -> None:
    """Unsafe (another module could `await` the route), and its edit spans the function, so
    the call-site fixes inside it, which would put `await` in a plain `def`, wait a round."""
    code = textwrap.dedent("""
        import requests
        from fastapi import FastAPI
        app = FastAPI()
        @app.get("/")
        async  def index():
            return requests.get("x")
    """)
    found = [d for d in check(code) if d.code == "ASL108"]
    assert len(found) == 1
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE
    source = SourceFile.from_bytes(code.encode())
    assert "    def index():\n" not in code
    assert "\ndef index():\n    return requests.get(\"x\")\n" in source.apply_edits(
        list(fix.edits))
    (edit,) = fix.edits
    assert source.text[source.offset(edit.start):source.offset(edit.end)].startswith("async  def")
    assert "index" in found[0].message and "requests.get" in found[0].message


def test_route_fix_is_shown_only_when_its_module_uses_it() -> None:
    code = textwrap.dedent("""
        import requests
        from fastapi import FastAPI
        app = FastAPI()
        @app.get("/")
        async def index():
            return requests.get("x")
        async def warm():
            await index()
    """)
    (found,) = [d for d in check(code) if d.code == "ASL108"]
    assert found.fix is not None and found.fix.applicability is Applicability.DISPLAY_ONLY
    assert "`index` is used elsewhere in this module" in found.fix.message


def test_dependency_functions_are_not_routes() -> None:
    found = check("""
        import requests
        from fastapi import Depends, FastAPI
        app = FastAPI()
        async def dep():
            return requests.get("x")
    """)
    assert [d.code for d in found] == ["ASL101"]


# -- the project index's facts ------------------------------------------------------------------
class _Summary:
    def __init__(self, kind: str, facts: dict[str, object]) -> None:
        self.kind, self.facts = kind, facts


class _FakeView:
    """Stands for `semantic.project.view.ProjectView`: what other modules define, with the facts
    `project_fact` wrote for them; records what was looked up."""

    def __init__(self, *modules: SemanticModel) -> None:
        self.defs: dict[str, tuple[str, _Summary, str]] = {}
        self.asked: list[str] = []
        for model in modules:
            for node in ast.walk(model.module):
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            self._add(model, f"{node.name}.{item.name}", "method", item)
            for stmt in model.module.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._add(model, stmt.name, "function", stmt)

    def _add(self, model: SemanticModel, name: str, kind: str,
             node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        from asynclint.semantic.blocking import FACT, project_fact

        fact = project_fact(node, model)
        facts = {FACT: fact} if fact is not None else {}
        sync = "sync" if isinstance(node, ast.FunctionDef) else "async"
        self.defs[f"{model.module_name}.{name}"] = (kind, _Summary(sync, facts), name)

    def lookup_full(self, qualified: str) -> tuple[str, _Summary, str] | None:
        self.asked.append(qualified)
        return self.defs.get(qualified)

    def fact_of(self, summary: _Summary, provider: str) -> object:
        return summary.facts.get(provider)


def test_project_facts_follow_calls_across_modules() -> None:
    helpers = _model("""
        import requests
        def load_user(uid):
            return fetch(uid)
        def fetch(uid):
            return requests.get(uid)
        class Repo:
            def load(self, uid):
                return self._read(uid)
            def _read(self, uid):
                with open(uid) as f:
                    return f.read()
        async def already_async(uid):
            return uid
    """, "app.helpers")
    service = _model("""
        from app.helpers import load_user
        def wrapper(uid):
            return load_user(uid)
        def harmless(uid):
            return uid
    """, "app.service")
    view = _FakeView(helpers, service)
    assert view.defs["app.helpers.load_user"][1].facts["blocks"]["alts"] == [
        [["fetch()", "requests.get"], "requests.get", None]]
    assert "blocks" not in view.defs["app.service.harmless"][1].facts
    assert view.defs["app.service.wrapper"][1].facts["blocks"] == {
        "alts": [], "callees": ["app.helpers.load_user"],
        "sig": [["uid"], [], "function"],
        "sites": {"app.helpers.load_user": [
            {"w": None, "b": False, "a": [["p", "uid"]], "k": [], "o": False}]}}

    code = """
        from app.helpers import Repo, already_async
        from app.service import harmless, wrapper
        async def view(repo: Repo):
            wrapper(1)
        async def method(repo: Repo):
            repo.load(1)
        async def fine():
            harmless(1)
        async def awaited():
            already_async(1)
    """
    here = _model(code, "app.views")
    analysis = BlockingAnalysis(here, project=view)
    chain = analysis.via_helper(*_call_in(here, analysis, "view"))
    assert chain is not None and chain[0] == (
        "app.service.wrapper()", "app.helpers.load_user()", "fetch()", "requests.get")
    chain = analysis.via_helper(*_call_in(here, analysis, "method"))
    assert chain is not None and chain[0] == ("app.helpers.Repo.load()", "Repo._read()", "open")
    assert analysis.via_helper(*_call_in(here, analysis, "fine")) is None
    assert analysis.via_helper(*_call_in(here, analysis, "awaited")) is None
    assert "app.service.wrapper" in view.asked  # lookups go through the view (cache deps)


def test_with_block_moves_only_when_meaning_is_kept() -> None:
    def with_fix(body: str) -> bool:
        found = check("async def f(path, total):\n" + textwrap.indent(body, "    "),
                      frozenset({"ASL104"}))
        opened = [d for d in found if d.message.startswith("`open`")]
        assert len(opened) == 1
        return opened[0].fix is not None

    assert with_fix("with open(path) as fh:\n    data = fh.read()\nreturn data\n")
    assert with_fix("with open(path) as fh:\n    return fh.read()\n")
    # The `as` name is used after the block: it would not exist outside the thread's function.
    assert not with_fix("with open(path) as fh:\n    fh.read()\nreturn fh.closed\n")
    # A name bound in the block is bound elsewhere too (`total` is a parameter).
    assert not with_fix("with open(path) as fh:\n    total += len(fh.read())\nreturn total\n")
    # Awaiting inside the block.
    assert not with_fix("with open(path) as fh:\n    await g(fh)\n")
    # A multi-line string would change when re-indented.
    assert not with_fix('with open(path) as fh:\n    fh.write("""a\nb""")\n')


def test_generators_are_told_with_and_without_the_yield_rows() -> None:
    """`_only_def` skips the walk of a helper whose lines hold no `yield` (the rows come from
    the module's text); a helper that does yield is a generator either way, and calling it runs
    nothing."""
    from asynclint.semantic.syntax import YIELD_ROWS, rows_with, rows_within

    source = textwrap.dedent("""
        import time

        def lines():
            time.sleep(1)
            yield "x"

        def pause():
            time.sleep(1)

        async def main():
            lines()
            pause()
    """)
    tree = ast.parse(source)
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    rows = rows_with(source, "yield")
    assert rows_within(rows, funcs["lines"]) and not rows_within(rows, funcs["pause"])
    # Through the engine (rows known) and on a bare model (rows unknown): the same verdicts.
    assert [(d.code, d.start.row) for d in check(source)] == [("ASL106", 13)]
    for known in (True, False):
        model = SemanticModel(tree, "app.t")
        if known:
            model.shared(YIELD_ROWS, lambda: rows)
        analysis = BlockingAnalysis(model)
        module = model.module_scope
        assert analysis._only_def(module, "lines") is None
        assert analysis._only_def(module, "pause") is funcs["pause"]
