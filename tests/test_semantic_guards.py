"""semantic.guards: which tests on parameters decide whether a call runs, and what they are at a
call site whose arguments are literals or the caller's own parameters."""

from __future__ import annotations

import ast
import json
import textwrap

import pytest

from asynclint.semantic.blocking import MAX_REACHES, Reach, keep, pick
from asynclint.semantic.catalogs.blocking import CATALOG
from asynclint.semantic.guards import (
    ALWAYS,
    NEVER,
    Arg,
    CallArgs,
    Check,
    Guard,
    Signature,
    apply,
    bind,
    call_guards,
    condition,
    forwardable,
    guard_from_data,
    guard_to_data,
)

PARAMS = frozenset({"p", "q"})


def _func(code: str) -> ast.FunctionDef:
    node = ast.parse(textwrap.dedent(code)).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def _guard_of(code: str, callee: str) -> Guard:
    """The guard of the (only) call of `callee` in the function."""
    func = _func(code)
    guards = call_guards(func)
    calls = [n for n in ast.walk(func) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == callee]
    assert len(calls) == 1
    return guards.get(id(calls[0]), ALWAYS)


def _cond(code: str) -> tuple[Guard, bool]:
    expr = ast.parse(code, mode="eval").body
    return condition(expr, PARAMS)


def _at(guard: Guard, call: str, signature: Signature, forwarded: frozenset[str] = frozenset(),
        skip: int | None = 0) -> Guard:
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call)
    return apply(guard, bind(CallArgs.of(node, forwarded), signature, skip))


OIDC = Check("p", "prefix", ("oidc/",))


@pytest.mark.parametrize(("code", "expected"), [
    ('p.startswith("oidc/")', ((OIDC,),)),
    ('p.startswith(("a", "b"))', ((Check("p", "prefix", ("a", "b")),),)),
    ("p.endswith('x')", ((Check("p", "suffix", ("x",)),),)),
    ('p.lower().endswith((".zip", ".skill"))', ((Check("p", "lsuffix", (".zip", ".skill")),),)),
    ('p.casefold().startswith("oidc/")', ((Check("p", "lprefix", ("oidc/",)),),)),
    ('p == "x"', ((Check("p", "eq", ("x",)),),)),
    ('"x" == p', ((Check("p", "eq", ("x",)),),)),
    ("p != 3", ((Check("p", "eq", (3,), True),),)),
    ('p in ("a", "b")', ((Check("p", "in", ("a", "b")),),)),
    ("p not in [1, 2]", ((Check("p", "in", (1, 2), True),),)),
    ("p is None", ((Check("p", "none"),),)),
    ("p is not None", ((Check("p", "none", (), True),),)),
    ("p", ((Check("p", "truthy"),),)),
    ("not p", ((Check("p", "truthy", (), True),),)),
    ("p and q", ((Check("p", "truthy"), Check("q", "truthy")),)),
    ("not (p and q)", ((Check("p", "truthy", (), True),), (Check("q", "truthy", (), True),))),
])
def test_recognised_tests_are_exact(code: str, expected: Guard) -> None:
    assert _cond(code) == (expected, True)


@pytest.mark.parametrize("code", [
    "other == 1",  # not a parameter
    "p.strip().endswith('x')",
    "p.startswith(PREFIX)",  # not a literal
    "p == q",
    "p < 3",
    "len(p) == 3",
    "not f(p)",
])
def test_anything_else_is_unknown(code: str) -> None:
    assert _cond(code) == (ALWAYS, False)


def test_a_partly_recognised_and_keeps_its_known_half_but_cannot_be_negated() -> None:
    assert _cond("p and f()") == (((Check("p", "truthy"),),), False)
    assert _cond("not (p and f())") == (ALWAYS, False)


def test_if_elif_else_arms_negate_the_earlier_tests() -> None:
    code = """
        def f(p, q=None):
            if p == "a":
                first()
            elif p == "b":
                second()
            else:
                third()
            always()
    """
    a, b = Check("p", "eq", ("a",)), Check("p", "eq", ("b",))
    assert _guard_of(code, "first") == ((a,),)
    assert _guard_of(code, "second") == ((a.negate(), b),)
    assert _guard_of(code, "third") == ((a.negate(), b.negate()),)
    assert _guard_of(code, "always") == ALWAYS


def test_an_unknown_test_adds_nothing_and_its_else_arm_is_unguarded() -> None:
    code = """
        def f(p):
            if p.startswith("oidc/"):
                if ready():
                    inner()
                else:
                    other()
            elif check(p):
                unknown()
            else:
                last()
    """
    assert _guard_of(code, "inner") == ((OIDC,),)
    assert _guard_of(code, "other") == ((OIDC,),)
    assert _guard_of(code, "unknown") == ((OIDC.negate(),),)
    assert _guard_of(code, "last") == ((OIDC.negate(),),)


def test_a_rebinding_under_its_own_test_splits_the_guard() -> None:
    """litellm's get_secret strips `os.environ/` before testing for `oidc/`: the open runs when
    the name started with `os.environ/` (then anything may follow), or with `oidc/`."""
    code = """
        def get_secret(name):
            if name.startswith("os.environ/"):
                name = name.replace("os.environ/", "")
            if name.startswith("oidc/"):
                open(name)
    """
    env = Check("name", "prefix", ("os.environ/",))
    oidc = Check("name", "prefix", ("oidc/",))
    assert _guard_of(code, "open") == ((env,), (env.negate(), oidc))


@pytest.mark.parametrize("code", [
    """
    def f(p):
        p = p.strip()
        if p == "x":
            block()
    """,
    """
    def f(p):
        for item in items:
            if p == "x":
                block()
            p = item
    """,
    """
    def f(p):
        if p == "y" and ready():
            p = "x"
        if p == "x":
            block()
    """,
    """
    def f(p):
        for p in items:
            pass
        if p == "x":
            block()
    """,
    """
    def f(p):
        if (p := other()) == "x":
            block()
    """,
    """
    def f(p):
        def reset():
            nonlocal p
            p = "x"
        reset()
        if p == "x":
            block()
    """,
])
def test_a_parameter_rebound_otherwise_keeps_no_test(code: str) -> None:
    assert _guard_of(code, "block") == ALWAYS


def test_calls_in_nested_functions_and_in_the_test_itself_are_not_guarded_by_it() -> None:
    code = """
        def f(p):
            if p and ready():
                def inner():
                    nested()
    """
    assert _guard_of(code, "ready") == ALWAYS
    assert call_guards(_func("def f():\n    if x:\n        g()\n")) == {}


SECRET = Signature(("secret_name", "default_value"), (("default_value", None),))
NODE = Signature(("self", "host", "port", "node_name"),
                 (("host", None), ("port", None), ("node_name", None)), "instance")
HOST_AND_PORT: Guard = ((Check("host", "truthy"), Check("port", "truthy")),)


def test_literal_arguments_decide_the_guard() -> None:
    guard: Guard = ((Check("secret_name", "prefix", ("oidc/",)),),)
    assert _at(guard, 'get("OPENAI_API_KEY")', SECRET) == NEVER
    assert _at(guard, 'get(secret_name="OPENAI_API_KEY")', SECRET) == NEVER
    assert _at(guard, 'get("oidc/file/x")', SECRET) == ALWAYS
    assert _at(guard, "get(name)", SECRET) == ALWAYS  # not known: may run
    assert _at(guard, 'get(*names)', SECRET) == ALWAYS
    assert _at(guard, 'get(**options)', SECRET) == ALWAYS
    assert _at(guard, "get(None)", SECRET) == ALWAYS  # `None.startswith` is not reasoned about


def test_omitted_arguments_take_the_literal_defaults() -> None:
    assert _at(HOST_AND_PORT, "get_node(node_name=name)", NODE, skip=1) == NEVER
    assert _at(HOST_AND_PORT, 'get_node("localhost", 6379)', NODE, skip=1) == ALWAYS
    assert _at(HOST_AND_PORT, 'get_node("localhost")', NODE, skip=1) == NEVER
    assert _at(HOST_AND_PORT, "get_node(**options)", NODE, skip=1) == ALWAYS


def test_positional_arguments_of_an_unknown_binding_are_not_mapped() -> None:
    """`Cls.method(obj, ...)` and `obj.method(...)` fill different parameters."""
    assert _at(HOST_AND_PORT, 'get_node("h", 1)', NODE, skip=None) == ALWAYS
    assert _at(HOST_AND_PORT, "get_node()", NODE, skip=None) == NEVER
    assert NODE.skip(True) == 1 and NODE.skip(None) is None
    assert Signature((), (), "static").skip(True) == 0
    assert Signature((), (), "class").skip(False) == 1


def test_a_forwarded_parameter_moves_the_test_to_the_caller() -> None:
    guard: Guard = ((Check("secret_name", "prefix", ("oidc/",)),),)
    wrapper = _func("def get_secret_bool(name, flag=None):\n    return get_secret(name)\n")
    forwarded = forwardable(wrapper)
    assert forwarded == {"name", "flag"}
    assert _at(guard, "get_secret(secret_name=name)", SECRET, forwarded) == (
        (Check("name", "prefix", ("oidc/",)),),)
    rebinding = _func("def f(name):\n    name = name.strip()\n    return get_secret(name)\n")
    assert forwardable(rebinding) == frozenset()
    closure = _func("def f(name):\n    def g():\n        nonlocal name\n    return get(name)\n")
    assert forwardable(closure) == frozenset()


def test_literal_comparisons_follow_python() -> None:
    assert Check("p", "eq", (1,)).evaluate(True) is True
    assert Check("p", "in", ("a", "b")).evaluate("c") is False
    assert Check("p", "truthy", (), True).evaluate("") is True
    assert Check("p", "none", (), True).evaluate(0) is True
    assert Check("p", "prefix", ("a", "b")).evaluate("bc") is True
    assert Check("p", "suffix", (".zip",)).evaluate("a.ZIP") is False
    assert Check("p", "lsuffix", (".zip", ".skill")).evaluate("a.ZIP") is True
    assert Check("p", "lsuffix", (".zip",)).evaluate("skill.json") is False
    assert Check("p", "lprefix", ("oidc/",), True).evaluate("OIDC/x") is False


def test_guards_and_calls_survive_the_project_index() -> None:
    guard: Guard = ((Check("p", "in", ("a", 1, None)),), (Check("q", "none", (), True),))
    assert guard_from_data(json.loads(json.dumps(guard_to_data(guard)))) == guard
    assert guard_to_data(ALWAYS) is None and guard_from_data(None) == ALWAYS
    node = ast.parse('f(1, x, p, key="v", **kw)', mode="eval").body
    assert isinstance(node, ast.Call)
    args = CallArgs.of(node, frozenset({"p"}))
    assert args == CallArgs((Arg(1), None, Arg(forwards="p")), (("key", Arg("v")),), True)
    assert CallArgs.from_data(json.loads(json.dumps(args.to_data()))) == args
    assert Signature.from_data(json.loads(json.dumps(NODE.to_data()))) == NODE


# -- how a function's ways to block are kept (semantic.blocking.keep) ---------------------------
def test_kept_reaches_join_guards_per_chain_and_stop_at_an_unconditional_heavy_one() -> None:
    heavy, light = CATALOG["builtins.open"], CATALOG["os.path.exists"]
    a: Guard = ((Check("p", "truthy"),),)
    b: Guard = ((Check("q", "none"),),)
    kept = keep([Reach(("open",), heavy, a), Reach(("open",), heavy, b),
                 Reach(("exists",), light), Reach(("exists2",), light),
                 Reach(("other",), heavy), Reach(("never seen",), heavy)])
    assert kept == (Reach(("open",), heavy, ((Check("p", "truthy"),), (Check("q", "none"),))),
                    Reach(("exists",), light), Reach(("other",), heavy))
    assert pick(kept) == (("open",), heavy)
    many = [Reach((f"h{i}",), heavy, a) for i in range(MAX_REACHES + 1)]
    assert keep(many) == (Reach(("h0",), heavy),)  # too many: blocks as without guards
