"""The `receiver` fact: which methods a module function calls on each parameter, when calling
them is all it does with it — what lets ASL400 see that `fetch_json(client, url)` only reads
through the client it is handed."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.parameter_facts import read_method, receiver_fact, receiver_methods


def _fact(source: str) -> object:
    tree = ast.parse(textwrap.dedent(source))
    model = SemanticModel(tree, "app.mod")
    func = next(n for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "f")
    return receiver_fact(func, model)


def test_methods_called_on_a_parameter() -> None:
    fact = _fact("""
        async def f(client, url, *, retries=1):
            first = await client.get(url)
            await client.head(url)
            return first, retries
    """)
    assert fact == [["client", "p", ["get", "head"]], ["url", "p", None],
                    ["retries", "k", None]]


@pytest.mark.parametrize("body", [
    "seen.append(client)\n    await client.get(url)",  # handed on
    "other = client\n    await other.get(url)",  # aliased
    "client.timeout = 3\n    await client.get(url)",  # an attribute set
    "await client.get(url)\n    return client",  # returned
    "async def inner():\n        nonlocal client\n        await client.get(url)",  # rebound
    "g = lambda client: client\n    await client.get(url)",  # shadowed in a lambda
    "x = client.base_url\n    await client.get(url)",  # an attribute read
])
def test_any_other_use_says_nothing(body: str) -> None:
    fact = _fact(f"async def f(client, url, seen):\n    {body}\n")
    assert fact is None or ["client", "p", None] in fact


@pytest.mark.parametrize("source", [
    "class C:\n    async def f(self, client):\n        await client.get('/')\n",  # a method
    "import functools\n@functools.cache\nasync def f(client):\n    await client.get('/')\n",
])
def test_only_plain_module_functions(source: str) -> None:
    assert _fact(source) is None


def test_arguments_map_to_parameters() -> None:
    fact = [["a", "o", ["get"]], ["client", "p", ["get"]], ["other", "k", ["post"]]]
    call = ast.parse("f(x, c, other=o)", mode="eval").body
    assert isinstance(call, ast.Call)
    x, c = call.args
    o = call.keywords[0].value
    assert receiver_methods(fact, call, x) == ["get"]
    assert receiver_methods(fact, call, c) == ["get"]
    assert receiver_methods(fact, call, o) == ["post"]
    starred = ast.parse("f(*xs, c)", mode="eval").body
    assert isinstance(starred, ast.Call)
    assert receiver_methods(fact, starred, starred.args[1]) is None  # its position is unknown
    too_many = ast.parse("f(x, c, d)", mode="eval").body
    assert isinstance(too_many, ast.Call)
    assert receiver_methods(fact, too_many, too_many.args[2]) is None
    assert receiver_methods(None, call, x) is None


def test_a_closure_calling_methods_on_a_parameter_counts_like_the_body() -> None:
    """litellm's `request_github(client, ...)` sends through `client` only in a nested
    `send()`: whenever that runs, it calls `client.request` — nothing else."""
    fact = _fact("""
        async def f(client, url):
            async def send(attempt):
                return await client.request("GET", url)
            await client.post(url)
            return await send(0)
    """)
    assert fact == [["client", "p", ["post", "request:GET"]], ["url", "p", None]]


def test_a_closure_handing_the_parameter_on_says_nothing() -> None:
    fact = _fact("""
        async def f(client, url, seen):
            def keep():
                seen.append(client)
            await client.get(url)
    """)
    assert isinstance(fact, list) and ["client", "p", None] in fact


def test_a_request_verb_passed_as_a_parameter_is_bound_at_the_call() -> None:
    fact = _fact("""
        async def f(client, method, path):
            async def send():
                return await client.request(method, path)
            return await send()
    """)
    assert fact == [["client", "p", ["request:=method"]], ["method", "p", None],
                    ["path", "p", None]]
    for source, read in [("f(c, 'GET', p)", "get"), ("f(c, method='head', path=p)", "head"),
                         ("f(c, 'POST', p)", "post"), ("f(c, verb, p)", "request")]:
        call = ast.parse(source, mode="eval").body
        assert isinstance(call, ast.Call)
        methods = receiver_methods(fact, call, call.args[0])
        assert [read_method(m) for m in methods or ()] == [read]


def test_a_rebound_verb_parameter_is_not_bound() -> None:
    fact = _fact("""
        async def f(client, method):
            method = "POST"
            return await client.request(method, "/")
    """)
    assert fact == [["client", "p", ["request"]], ["method", "p", None]]
