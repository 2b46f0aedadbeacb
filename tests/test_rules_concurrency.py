"""ASL400/ASL401: each safety condition is shown to matter by flipping one fact of a snippet,
and the codemod is shown to run the same calls and bind the same names by executing it."""

from __future__ import annotations

import ast
import asyncio
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from asynclint.config import ConfigError, Settings, settings_from_table
from asynclint.diagnostics import Applicability, Diagnostic
from asynclint.engine.analyze import analyze
from asynclint.fixes.attach import attach_fixes
from asynclint.rules.concurrency import _ConcurrencyRule
from asynclint.semantic import ordering
from asynclint.semantic.catalogs import concurrency as catalog
from asynclint.semantic.catalogs import waits
from asynclint.semantic.dataflow import passed_objects, path_of, target_names
from asynclint.source import SourceFile

HEADER = """\
import asyncio
import uuid

import httpx
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_db

api = httpx.AsyncClient(base_url="https://api.example")


# Three requests to another service: the calls the safety conditions below are shown on (a
# call the analysis cannot see into is never reported: nothing says it gains from `gather`).
async def fetch_a(*args: object, **kwargs: object) -> httpx.Response:
    return await api.get("/a")


async def fetch_b(*args: object, **kwargs: object) -> httpx.Response:
    return await api.get("/b")


async def fetch_c(*args: object, **kwargs: object) -> httpx.Response:
    return await api.get("/c")

"""


@pytest.fixture(autouse=True)
def every_call_a_request(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety conditions are shown on calls that all count as requests to other services,
    so each flip below is the safety condition's alone; tests marked `real_kinds` show what
    the kinds of `catalogs/waits.py` decide."""
    if request.node.get_closest_marker("real_kinds") is None:
        monkeypatch.setattr(_ConcurrencyRule, "wait_kind", lambda self, item: waits.NETWORK)


real_kinds = pytest.mark.real_kinds


def check(body: str, code: str = "ASL400", path: str = "app/views.py",
          settings: Settings | None = None, header: str = HEADER) -> list[Diagnostic]:
    text = header + textwrap.dedent(body)
    settings = replace(settings or Settings(), select=(code,))
    analysis = analyze(SourceFile.from_bytes(text.encode()), path, settings, frozenset({code}))
    assert all(d.code == code for d in analysis.diagnostics), analysis.diagnostics
    return attach_fixes(analysis)


def fixed(body: str, code: str = "ASL400", settings: Settings | None = None,
          header: str = HEADER) -> str:
    text = header + textwrap.dedent(body)
    source = SourceFile.from_bytes(text.encode())
    diags = check(body, code, settings=settings, header=header)
    edits = [e for d in diags if d.fix is not None for e in d.fix.edits]
    return source.apply_edits(edits)


def rows(diags: list[Diagnostic]) -> list[int]:
    return [d.start.row - HEADER.count("\n") for d in diags]


# -- each condition matters: the same code flips with one fact --------------------------------
@pytest.mark.parametrize(("param", "flagged"), [
    ("client: httpx.AsyncClient", True),          # documented safe to share, reads only
    ("client: AsyncSession", False),              # one session: one statement at a time
    ("client", False),                            # unknown type: may be a session
    ("client: AsyncSession = Depends(get_db)", False),
])
def test_shared_receiver_type_decides(param: str, flagged: bool) -> None:
    diags = check(f"""
        async def view({param}):
            a = await client.get("/a")
            b = await client.get("/b")
            return a, b
    """)
    assert bool(diags) is flagged


@pytest.mark.parametrize(("second", "flagged"), [
    ("b = await fetch_b(key)", True),
    ("b = await fetch_b(a)", False),            # reads what the first bound
    ("key = await fetch_b(1)", False),          # rebinds what the first read
    ("a = await fetch_b(key)", False),          # binds the same name
    ("b = await fetch_b(key); c = 1", True),    # same statement list, but the run ends there
])
def test_dataflow_between_statements(second: str, flagged: bool) -> None:
    diags = check(f"""
        async def view(key: int):
            a = await fetch_a(key)
            {second}
            return a
    """)
    assert bool(diags) is flagged


@pytest.mark.parametrize(("arg_type", "flagged"), [
    ("int", True), ("str", True), ("uuid.UUID", True),
    ("dict", False),              # a mutable object both calls receive
    ("AsyncSession", False),
])
def test_shared_argument_types(arg_type: str, flagged: bool) -> None:
    diags = check(f"""
        async def view(key: {arg_type}):
            a = await fetch_a(key)
            b = await fetch_b(key)
            return a, b
    """)
    assert bool(diags) is flagged


@pytest.mark.parametrize("middle", [
    "await asyncio.sleep(0.1)",
    "print('between')",
    "await client.aclose()",
    "await lock.acquire()",
    "x = await asyncio.gather(fetch_c())",
    "await fetch_c()",  # a discarded result: made for its effect
    "y = await update_stock(1)",  # a write by its name
])
def test_anything_with_an_effect_in_between_splits_the_run(middle: str) -> None:
    diags = check(f"""
        async def view(client: httpx.AsyncClient, lock: asyncio.Lock, update_stock: Any):
            a = await fetch_a(1)
            {middle}
            b = await fetch_b(2)
            return a, b
    """)
    assert diags == []


def test_one_report_per_run_naming_the_count() -> None:
    diags = check("""
        async def view(key: int):
            a = await fetch_a(key)
            b = await fetch_b(key)
            c = await fetch_c(key)
            return a, b, c
    """)
    assert rows(diags) == [3]
    assert diags[0].message.startswith("3 independent awaits")
    assert "fetch_a(), fetch_b(), fetch_c()" in diags[0].message


def test_two_objects_of_unknown_type_may_hide_one_session() -> None:
    diags = check("""
        async def view(users, orders, key: int):
            a = await fetch_a(users, key)
            b = await fetch_b(orders, key)
            return a, b
    """)
    assert diags == []
    one_unknown = check("""
        async def view(users, client: httpx.AsyncClient, key: int):
            a = await fetch_a(users, key)
            b = await client.get("/b")
            return a, b
    """)
    assert len(one_unknown) == 1


def test_write_through_a_shared_safe_client_keeps_its_order() -> None:
    diags = check("""
        async def view(client: httpx.AsyncClient):
            created = await client.post("/items", json={})
            listing = await client.get("/items")
            return created, listing
    """)
    assert diags == []


def test_imported_project_functions_are_judged_by_the_call_alone() -> None:
    """What an imported function does inside is not looked into: assigned results may
    overlap, discarded ones (made for their effect) keep their order."""
    assert check("""
        async def view(key: int):
            a = await fetch_a(key)
            b = await fetch_b(key)
            return a, b
    """)
    assert check("""
        async def view(key: int):
            await fetch_c(key)
            await fetch_a(key)
    """) == []


def test_test_files_follow_the_test_ignore_setting(tmp_path: Path) -> None:
    """Tests await one thing after another on purpose: test code is quiet by the `test-ignore`
    setting (ASL4 by default), like every other family it covers, not by a path check of the
    rule's own; `test-ignore = []` brings the finding back."""
    body = """
        async def test_view(key: int):
            a = await fetch_a(key)
            b = await fetch_b(key)
            return a, b
    """
    assert check(body, path="app/views.py")
    assert check(body, path="tests/test_views.py")  # the rule itself does not look at paths
    test_file = tmp_path / "tests" / "test_views.py"
    assert "ASL400" not in Settings(root=tmp_path).codes_for(test_file)
    assert "ASL400" in replace(Settings(root=tmp_path), test_ignore=()).codes_for(test_file)
    assert "ASL400" in Settings(root=tmp_path).codes_for(tmp_path / "app" / "views.py")


def test_transaction_block_counts_as_a_shared_session() -> None:
    body = """
        async def view(database, key: int):
            async with database.{cm}():
                a = await fetch_a(key)
                b = await fetch_b(key)
            return a, b
    """
    assert check(body.replace("{cm}", "transaction")) == []
    assert len(check(body.replace("{cm}", "timeout_scope"))) == 1


# -- what the calls wait on ----------------------------------------------------------------------
@real_kinds
@pytest.mark.parametrize(("first", "second", "flagged"), [
    ("fetch_a(key)", "fetch_b(key)", True),  # two requests through helpers
    ("client.get('/a')", "client.get('/b')", True),
    ("client.get('/a')", "session.get(object, key)", False),  # a request beside a lookup
    ("session.get(object, key)", "pool.fetchrow('q', key)", False),  # two lookups
    ("client.get('/a')", "mystery.get(key)", False),  # an unknown wait: nothing shown
    ("fetch_a(key)", "asyncio.sleep(1)", False),
])
def test_only_requests_to_other_services_pay(first: str, second: str, flagged: bool) -> None:
    diags = check(f"""
        import asyncpg

        async def view(key: int, client: httpx.AsyncClient, session: AsyncSession,
                       pool: asyncpg.Pool, mystery: object):
            a = await {first}
            b = await {second}
            return a, b
    """)
    assert bool(diags) is flagged


@real_kinds
def test_a_run_is_cut_to_its_requests() -> None:
    diags = check("""
        async def view(key: int, client: httpx.AsyncClient, session: AsyncSession):
            user = await session.get(object, key)
            a = await client.get("/a")
            b = await client.get("/b")
            return user, a, b
    """)
    assert rows(diags) == [4] and "client.get(), client.get()" in diags[0].message


# -- configuration ------------------------------------------------------------------------------
@real_kinds
def test_settings_extend_the_receiver_tables_and_minimum() -> None:
    body = """
        async def view(client: mylib.Client):
            a = await client.fetch("/a")
            b = await client.fetch("/b")
            return a, b
    """
    header = HEADER + "import mylib\n\n"
    assert check(body, header=header) == []
    safe = Settings(concurrency_safe_receivers=("mylib.Client",))
    # `fetch` is not a known read of mylib.Client: sharing it is allowed, order kept for writes.
    assert check(body.replace("fetch", "get"), settings=safe, header=header) == []
    one_each = """
        async def view(client: mylib.Client, other: httpx.AsyncClient):
            a = await client.fetch("/a")
            b = await other.get("/b")
            return a, b
    """
    # What `mylib.Client.fetch` waits on is unknown: no gain can be shown until it is named.
    assert check(one_each, settings=safe, header=header) == []
    network = replace(safe, concurrency_network_apis=("mylib.Client",))
    assert len(check(one_each, settings=network, header=header)) == 1
    unsafe = Settings(concurrency_unsafe_receivers=("httpx.AsyncClient",))
    assert check("""
        async def view(client: httpx.AsyncClient):
            a = await client.get("/a")
            b = await client.get("/b")
            return a, b
    """, settings=unsafe) == []
    three = Settings(gather_min_awaits=3)
    assert check("""
        async def view(key: int):
            a = await fetch_a(key)
            b = await fetch_b(key)
            return a, b
    """, settings=three) == []


def test_config_keys_are_validated(tmp_path: Path) -> None:
    settings = settings_from_table({"gather-min-awaits": 3}, tmp_path, "t")
    assert settings.gather_min_awaits == 3
    with pytest.raises(ConfigError, match="gather-min-awaits"):
        settings_from_table({"gather-min-awaits": "2"}, tmp_path, "t")
    with pytest.raises(ConfigError, match="gather-min-awaits"):
        settings_from_table({"gather-min-awaits": 0}, tmp_path, "t")


# -- tables -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "writes"), [
    ("update_wasm_limits", True), ("get_or_create", True), ("asave", True), ("createUser", True),
    ("aupdate_or_create", True), ("get_user", False), ("fetch_settings", False),
    ("aget_default_agent", False), ("list_orders", False),
])
def test_write_names_keep_their_place(name: str, writes: bool) -> None:
    assert ordering.name_keeps_order(name) is writes


def test_tables_are_consistent() -> None:
    assert not catalog.FORBID_SHARING & catalog.ALLOW_SHARING
    assert set(catalog.READ_METHODS) <= catalog.ALLOW_SHARING
    for methods in catalog.READ_METHODS.values():
        assert not {m for m in methods if ordering.name_keeps_order(m)}


def test_dataflow_helpers() -> None:
    call = ast.parse("f(a, b.c, [d], {'k': e}, x + y, *g, key=h[0], cb=lambda: i.j)").body[0]
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
    paths = [path_of(o) for o in passed_objects(call.value)]
    assert paths[0] == "f"
    assert set(paths[1:]) == {"a", "b.c", "d", "e", "g", "h[]", "i"}
    target = ast.parse("(a, *b), c = v").body[0]
    assert isinstance(target, ast.Assign)
    assert target_names(target.targets[0]) == {"a", "b", "c"}
    attr_target = ast.parse("self.x, y = v").body[0]
    assert isinstance(attr_target, ast.Assign)
    assert target_names(attr_target.targets[0]) is None


# -- the codemod runs the same calls and binds the same names ------------------------------------
RUNNABLE = """\
import asyncio

CALLS = []


API: "httpx.AsyncClient" = None  # a stand-in is set before running


async def fetch_a(key):
    CALLS.append(("a", key))
    await API.get(f"/a/{{key}}")  # a request to another service: gathering it is worth it
    return key * 2


async def fetch_b(key):
    CALLS.append(("b", key))
    await API.get(f"/b/{{key}}")
    return (key, key + 1)


class Client:
    async def get(self, url):
        CALLS.append(("get", url))
        return url.upper()


async def view(key: int, client: "httpx.AsyncClient"):
{body}
    return {{k: v for k, v in locals().items() if k not in ("key", "client")}}
"""
BODIES = [
    "    a = await fetch_a(key)\n    b = await fetch_b(key)\n",
    "    a: int = await fetch_a(key)\n    # note\n    lo, hi = await fetch_b(key)  # pair\n",
    "    x = await client.get('/x')\n    await client.post('/y')\n    z = await fetch_a(key)\n",
]


def _run(module_text: str) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    namespace: dict[str, Any] = {}

    class Poster:
        async def get(self, url: str) -> str:
            namespace["CALLS"].append(("get", url))
            return url.upper()

        async def post(self, url: str) -> None:
            namespace["CALLS"].append(("post", url))

    # The annotation names httpx for the type inference; running needs only a stand-in.
    exec(compile(module_text.replace("import httpx\n", ""), "<m>", "exec"), namespace)
    namespace["API"] = Poster()
    bound = asyncio.run(namespace["view"](3, Poster()))
    return bound, sorted(namespace["CALLS"])


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("style", ["gather", "taskgroup"])
def test_fix_runs_the_same_calls_and_binds_the_same_names(body: str, style: str) -> None:
    header = "import httpx\n"
    original = header + RUNNABLE.format(body=body)
    settings = Settings(gather_style=style)
    diags = check(original, settings=settings, header="")
    assert len(diags) == 1 and diags[0].fix is not None
    assert diags[0].fix.applicability is Applicability.UNSAFE
    result = fixed(original, settings=settings, header="")
    assert result != original
    ast.parse(result)
    if style == "taskgroup":
        assert "TaskGroup() as tg" in result
    else:
        assert "asyncio.gather(" in result
    for comment in ("# note", "# pair"):
        assert (comment in original) == (comment in result)
    (before, calls_before), (after, calls_after) = _run(original), _run(result)
    assert calls_after == calls_before
    assert {k: after[k] for k in before} == before
    helpers = set(after) - set(before)  # only the rewrite's own names are added
    assert all(h == "_" or h == "tg" or h.endswith("_task") for h in helpers), helpers
    # Idempotent: nothing left to fix.
    assert fixed(result, settings=settings, header="") == result


def test_taskgroup_respects_requires_python(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.9"\n')
    body = """
        async def view(key: int):
            a = await fetch_a(key)
            b = await fetch_b(key)
            return a, b
    """
    old = Settings(root=tmp_path, gather_style="taskgroup")
    assert "asyncio.gather(fetch_a(key), fetch_b(key))" in fixed(body, settings=old)
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.11"\n')
    new_root = tmp_path / "new"
    new_root.mkdir()
    (new_root / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.11"\n')
    new = Settings(root=new_root, gather_style="taskgroup")
    assert "asyncio.TaskGroup() as tg" in fixed(body, settings=new)


def test_discarded_result_uses_underscore_only_when_free() -> None:
    body = """
        async def view(client: httpx.AsyncClient, key: int):
            await client.post("/seen")
            a = await fetch_a(key)
            return a
    """
    assert "_, a = await asyncio.gather(" in fixed(body)
    taken = check(body, header=HEADER + "from gettext import gettext as _\n")
    assert len(taken) == 1 and taken[0].fix is None


# -- ASL401 ---------------------------------------------------------------------------------------
def test_loop_suggestion_is_display_only() -> None:
    body = """
        async def prices(client: httpx.AsyncClient, skus: list[str]):
            results = []
            for sku in skus:
                results.append(await client.get(sku))
            return results
    """
    diags = check(body, code="ASL401")
    assert len(diags) == 1 and diags[0].fix is not None
    assert diags[0].fix.applicability is Applicability.DISPLAY_ONLY
    assert diags[0].fix.edits[0].content == (
        "results.extend(await asyncio.gather(*(client.get(sku) for sku in skus)))"
    )


@pytest.mark.parametrize(("loop", "flagged"), [
    ("for sku in skus:\n            results.append(await fetch_a(sku))", True),
    ("for sku in skus:\n            results.append(await fetch_a(sku))\n            await asyncio.sleep(1)",
     False),
    ("for sku in skus:\n            results.append(await fetch_a(results))", False),
    ("for sku in skus:\n            results.append(await fetch_a(1))", False),
    ("for sku in skus:\n            results.append(await fetch_a(sku, db))", False),
    ("for sku in skus:\n            results.append(await create_item(sku))", False),
    # A module function handed only the item, its result discarded: overlap is safe.
    ("for sku in skus:\n            await fetch_a(sku)", True),
    ("for sku in skus:\n            await fetch_a(sku, db)", False),
    ("for sku in skus:\n            await create_item(sku)", False),
])
def test_loop_conditions(loop: str, flagged: bool) -> None:
    body = f"""
    async def view(skus: list[str], db: AsyncSession, create_item: Any):
        results = []
        {loop}
        return results
    """
    assert bool(check(body, code="ASL401")) is flagged


@pytest.mark.parametrize(("setup", "flagged"), [
    ('url = f"/items/{key}"', True),             # a literal: an immutable value
    ('url = "/items"', True),
    ('url = "/items"\n    url += "/x"', False),  # rebound another way: unknown
    ("url = make_url(key)", False),
])
def test_names_bound_to_literals_are_values(setup: str, flagged: bool) -> None:
    diags = check(f"""
async def view(key: int):
    {setup}
    a = await fetch_a(url)
    b = await fetch_b(url)
    return a, b
""")
    assert bool(diags) is flagged


def test_local_helpers_reaching_a_module_session_share_it() -> None:
    body = """
session = {factory}


async def get_a(key: int):
    return await session.get(object, key)


async def get_b(key: int):
    return await session.get(object, key)


async def view(key: int):
    a = await get_a(key)
    b = await get_b(key)
    return a, b
"""
    assert check(body.replace("{factory}", "AsyncSession()")) == []
    assert len(check(body.replace("{factory}", "httpx.AsyncClient()"))) == 1


@pytest.mark.parametrize(("name", "keeps"), [
    ("_check_user_exists", True), ("get_prisma_client", True), ("get_session", True),
    ("get_client_or_raise", True), ("setup_role_mappings", True), ("update_x", True),
    ("get_user", False), ("fetch_prices", False), ("get_sessions_count", False),
    ("read_work_pool", False),
])
def test_names_that_keep_their_place(name: str, keeps: bool) -> None:
    assert ordering.name_keeps_order(name) is keeps


def test_waiting_on_a_synchronization_primitive_is_ordering() -> None:
    body = """
        async def worker(queue: asyncio.Queue, key: int):
            item = await queue.{method}()
            other = await fetch_a(key)
            return item, other
    """
    assert check(body.replace("{method}", "get")) == []
    assert check(body.replace("{method}", "get").replace("asyncio.Queue", "httpx.AsyncClient"))
