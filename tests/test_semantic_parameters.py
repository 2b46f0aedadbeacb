"""`semantic.parameters` asked directly: does this argument land on a parameter (or field) that
takes a plain value, never an awaitable? The ASL202 fixtures test it through the rule; these
cases pin the answers, one behaviour per row."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import pytest

from asynclint.engine import index_store
from asynclint.engine.index_store import ProjectIndex
from asynclint.semantic.concrete import concrete_names
from asynclint.semantic.coroutines import CoroutineOracle
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.parameters import value_attribute, value_parameter
from asynclint.semantic.project.summaries import ModuleSummary, summarize_module
from asynclint.semantic.project.view import ProjectView

# Another module of the project: what the calls below reach through imports.
HELPERS = """
    import asyncio
    from collections.abc import Awaitable, Iterable
    from dataclasses import dataclass
    from typing import Any, Optional, Protocol, TypeVar, Union

    from pydantic import BaseModel

    T = TypeVar("T")

    class Api(BaseModel):
        url: str = ""

    class Waitable:
        def __await__(self): ...

    class Shape(Protocol):
        name: str

    Target = Union[str, Api, dict]

    class Crud(BaseModel):
        api: Optional[Target] = None
        loose: Any = None
        waitable: Optional[Waitable] = None

    class Custom(BaseModel):
        title: str = ""
        def __init__(self, title, **data): ...

    @dataclass
    class Row:
        name: str
        extra: object = None

    def typed(text: str, items: Iterable[int], api: Api, either: int | None) -> None: ...
    def loose(a: Any, b: object, c: T, d: Awaitable[int], e, f: Shape, g: Waitable) -> None: ...
    def iterates(rows):
        return [r for r in rows]
    def reads(user):
        return user.name
    def awaits_later(job):
        return job
    def hands_on(rows):
        return iterates(rows)
    def hands_to_unknown(rows):
        return asyncio.ensure_future(rows)
    def tests_only(job):
        if job:
            return 1
    def varargs(*jobs, **named): ...
    def closure(rows):
        return lambda: rows
    def noted(rows):
        for r in rows:
            pass
        return rows

    @some_decorator
    def decorated(text: str): ...

    class Service:
        def method(self, text: str): ...
        @staticmethod
        def static(text: str): ...
"""

# The checked module: one call per line, asked about its first argument or keyword.
VIEWS = """
    from app.helpers import (
        Crud, Custom, Row, Service, awaits_later, closure, decorated, hands_on,
        hands_to_unknown, iterates, loose, noted, reads, tests_only, typed, varargs,
    )

    def local(name: str): ...

    def build(service: Service, x):
        typed(x, [], Api(), 1)
        typed("", x, Api(), 1)
        typed("", [], x, 1)
        typed("", [], Api(), x)
        loose(x, 1, 1, 1, 1, 1, 1)
        loose(1, x, 1, 1, 1, 1, 1)
        loose(1, 1, x, 1, 1, 1, 1)
        loose(1, 1, 1, x, 1, 1, 1)
        loose(1, 1, 1, 1, x, 1, 1)
        loose(1, 1, 1, 1, 1, x, 1)
        loose(1, 1, 1, 1, 1, 1, x)
        iterates(x)
        reads(x)
        awaits_later(x)
        hands_on(x)
        hands_to_unknown(x)
        tests_only(x)
        varargs(x)
        varargs(named=x)
        closure(x)
        noted(x)
        decorated(x)
        Crud(api=x)
        Crud(loose=x)
        Crud(waitable=x)
        Custom(title=x)
        Row(name=x)
        Row(extra=x)
        service.method(x)
        service.static(x)
        local(x)
        typed(text=x)
        typed(*[], x)
"""

EXPECTED = [
    "`text` of `typed`, declared `str`",
    "`items` of `typed`, declared `Iterable[int]`",
    "`api` of `typed`, declared `Api`",
    "`either` of `typed`, declared `int | None`",
    None,  # Any
    None,  # object
    None,  # a TypeVar
    None,  # Awaitable
    None,  # unannotated, unused
    "`f` of `loose`, declared `Shape`",  # a Protocol declaring data a coroutine lacks
    None,  # a class with `__await__`
    "`rows` of `iterates`, which only uses it as a value",
    "`user` of `reads`, which only uses it as a value",
    None,  # returned: the caller may await it
    "`rows` of `hands_on`, which only uses it as a value",  # handed to `iterates`
    None,  # handed to a third-party function
    None,  # a test alone proves nothing
    None,  # `*args`
    None,  # `**kwargs`
    None,  # used by a closure
    None,  # iterated, but also returned
    None,  # an unknown decorator
    "`api` of `Crud`, declared `Optional[Target]`",  # a pydantic field, through a type alias
    None,  # a field declared `Any`
    None,  # a field whose type is awaitable
    None,  # a model with its own `__init__`: its (unannotated, unused) parameter decides
    "`name` of `Row`, declared `str`",  # a dataclass field
    None,  # a field declared `object`
    "`text` of `method`, declared `str`",  # `self` skipped
    "`text` of `static`, declared `str`",
    "`name` of `local`, declared `str`",  # this module's own function
    "`text` of `typed`, declared `str`",  # by keyword
    None,  # after a `*` argument, positions are unknown
]


@pytest.fixture(autouse=True)
def fresh_indexes() -> None:
    index_store.forget_indexes()


def _project(tmp_path: Path, views: str) -> tuple[CoroutineOracle, ast.FunctionDef]:
    files = {"app/__init__.py": "", "app/helpers.py": textwrap.dedent(HELPERS),
             "app/views.py": textwrap.dedent(views)}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    text = files["app/views.py"]
    tree = ast.parse(text)
    model = SemanticModel(tree, "app.views")
    view = ProjectView(ProjectIndex(None), str(tmp_path / "app/views.py"), "app.views", False,
                       tree, text)
    build = next(s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "build")
    model.push_scope(build)  # asked from inside `build`, as a rule would
    return CoroutineOracle(model, view), build


def _argument(call: ast.Call) -> ast.expr:
    """The argument named `x`."""
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(arg, ast.Name) and arg.id == "x":
            return arg
    raise AssertionError(ast.unparse(call))


def test_which_parameters_take_plain_values(tmp_path: Path) -> None:
    oracle, build = _project(tmp_path, VIEWS)
    calls = [s.value for s in build.body if isinstance(s, ast.Expr)]
    answers = [value_parameter(c, _argument(c), oracle) for c in calls
               if isinstance(c, ast.Call)]
    rows = [ast.unparse(c) for c in calls]
    assert list(zip(rows, answers, strict=True)) == list(zip(rows, EXPECTED, strict=True))


def test_attribute_stores(tmp_path: Path) -> None:
    views = """
        from app.helpers import Crud, Row

        def build(crud: Crud, row: Row, other, x):
            crud.api = x
            crud.loose = x
            row.name = x
            other.name = x
            made = Row("a")
            made.name = x
    """
    oracle, build = _project(tmp_path, views)
    targets = [s.targets[0] for s in build.body
               if isinstance(s, ast.Assign) and isinstance(s.value, ast.Name)]
    assert [value_attribute(t, oracle) for t in targets if isinstance(t, ast.Attribute)] == [
        "`api` of `Crud`, declared `Optional[Target]`",
        None,  # `Any`
        "`name` of `Row`, declared `str`",
        None,  # an object of unknown type
        "`name` of `Row`, declared `str`",  # typed by its constructor
    ]


@pytest.mark.parametrize(("annotation", "expected"), [
    ("str", []),
    ("Optional[list[int]]", []),
    ("'int | None'", []),
    ("Annotated[str, 'meta']", []),
    ("Literal['a']", []),
    ("Local", ["m.Local"]),
    ("Alias", ["m.Local"]),
    ("Any", None),
    ("object", None),
    ("Awaitable[int]", None),
    ("Callable[[], int]", None),
    ("Union[str, Any]", None),
    ("T", None),
    ("Unknown", None),
])
def test_concrete_annotations(annotation: str, expected: list[str] | None) -> None:
    source = ("from typing import Annotated, Any, Awaitable, Callable, Literal, Optional, "
              "TypeVar, Union\nT = TypeVar('T')\nclass Local: ...\nAlias = Optional[Local]\n")
    model = SemanticModel(ast.parse(source), "m")
    node = ast.parse(annotation, mode="eval").body
    assert concrete_names(node, model) == expected


def test_summaries_keep_fields_models_and_aliases() -> None:
    source = textwrap.dedent("""
        from typing import Optional, Union
        from pydantic import BaseModel
        if X:
            class Base(BaseModel): ...
        else:
            class Base(BaseModel): ...
        class Api(BaseModel):
            url: str
        Target = Union[str, Api]
        class Crud(Base):
            api: Optional[Target] = None
    """)
    summary = summarize_module(ast.parse(source), "m", False)
    assert summary.classes["Api"].model and not summary.classes["Crud"].model
    assert summary.classes["Crud"].fields == {"api": ["Optional[Target]", ["m.Api"]]}
    assert summary.aliases == {"Target": ["m.Api"]}
    assert summary.models == ["Base"]
    again = ModuleSummary.from_json(json.loads(json.dumps(summary.to_json())))
    assert again.to_json() == summary.to_json()


def test_a_wrapper_imported_two_ways_keeps_its_argument() -> None:
    """`try: from pydantic import SerializeAsAny` / `except ImportError: from typing import
    Union as SerializeAsAny`: either way `SerializeAsAny[X]` is X."""
    source = textwrap.dedent("""
        try:
            from pydantic import SerializeAsAny
        except ImportError:
            from typing import Union as SerializeAsAny
        from typing import Any
        try:
            from somewhere import Wrapper
        except ImportError:
            from typing import Union as Wrapper
    """)
    model = SemanticModel(ast.parse(source), "m")
    for annotation, expected in [("SerializeAsAny[str]", []), ("SerializeAsAny[Any]", None),
                                 ("Wrapper[str]", None)]:
        node = ast.parse(annotation, mode="eval").body
        assert concrete_names(node, model) == expected, annotation
