"""semantic.signatures: a decorator whose annotations say it keeps the decorated function's
result (`(func: Callable[P, R]) -> Callable[P, R]`) keeps an `async def` a coroutine function.
Anything the module does not resolve (imported type variables or aliases, constrained type
variables, miscounted aliases, other results) is unknown: False."""

from __future__ import annotations

import ast
import json
import textwrap

import pytest

from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.summaries import (
    WRAPS_SAME,
    WRAPS_SAME_FACTORY,
    ModuleSummary,
    summarize_module,
)
from asynclint.semantic.signatures import factory_keeps_result, keeps_result

HEADER = """
from collections.abc import Awaitable
from typing import Any, Callable, Concatenate, Optional, TypeAlias, TypeVar, Union
from typing_extensions import ParamSpec, TypeVarTuple

P = ParamSpec("P")
R = TypeVar("R", infer_variance=True)
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", int, str)
Ts = TypeVarTuple("Ts")

_Function = Callable[P, R]
_Method = Callable[Concatenate[T, P], R]
_DBFunction: TypeAlias = Callable[Concatenate["Interface", P], R]
_DBMethod: TypeAlias = "Callable[Concatenate[T, Interface, P], R]"
_Decorator = Callable[[Callable[P, R]], Callable[P, R]]
_Variadic = Callable[[*Ts], R]
"""


def _function(source: str, header: str = HEADER) -> tuple[ast.FunctionDef, SemanticModel]:
    tree = ast.parse(textwrap.dedent(header) + textwrap.dedent(source))
    node = tree.body[-1]
    assert isinstance(node, ast.FunctionDef)
    return node, SemanticModel(tree, "m", False)


@pytest.mark.parametrize("signature", [
    "def d(func: Callable[P, R]) -> Callable[P, R]: ...",
    "def d(func: Callable[..., R]) -> Callable[..., R]: ...",
    "def d(func: Callable[Concatenate[int, P], R]) -> Callable[P, R]: ...",
    "def d(func: _Function[P, R]) -> _Function[P, R]: ...",
    "def d(func: _DBFunction[P, R]) -> _Function[P, R]: ...",
    "def d(func: _DBMethod[T, P, R]) -> _Method[T, P, R]: ...",
    # prefect's `db_injector`: unions whose every member returns R
    "def d(func: Union[_DBMethod[T, P, R], _DBFunction[P, R]]) -> "
    "Union[_Method[T, P, R], _Function[P, R]]: ...",
    "def d(func: _DBFunction[P, R]) -> _Method[T, P, R] | _Function[P, R]: ...",
    "def d(func: 'Callable[P, R]') -> 'Callable[P, R]': ...",
    "def d(func: F) -> F: ...",  # the whole function's type kept
    "def d(func: Callable[P, R], *, name: str = '') -> Callable[P, R]: ...",
])
def test_a_signature_returning_the_same_type_variable_keeps_the_result(signature: str) -> None:
    assert keeps_result(*_function(signature))


@pytest.mark.parametrize("signature", [
    "def d(func: Callable[P, R]) -> Callable[P, T]: ...",  # another type variable
    "def d(func: Callable[P, R]) -> Callable[P, None]: ...",
    "def d(func: Callable[P, R]) -> Callable[P, Optional[R]]: ...",
    "def d(func: Callable[P, R]) -> Callable[P, Awaitable[R]]: ...",
    "def d(func: Callable[P, Awaitable[R]]) -> Callable[P, R]: ...",
    "def d(func: Callable[P, R]) -> Optional[Callable[P, R]]: ...",
    "def d(func: Callable[P, R]) -> Union[Callable[P, R], Callable[P, T]]: ...",
    "def d(func: Callable[P, C]) -> Callable[P, C]: ...",  # constrained: may widen
    "def d(func: Callable[P, R]) -> Interface[P, R]: ...",  # a class: what calling it gives?
    "def d(func: Callable[P, R]) -> _Function: ...",  # no type arguments: returns Any
    "def d(func: Callable[P, R]) -> _Function[P, int]: ...",
    "def d(func: Callable[P, R]) -> _Function[R]: ...",  # miscounted
    "def d(func: _Method[T, P, R]) -> _Method[R, P, T]: ...",  # arguments swapped
    "def d(func: _Variadic[R]) -> _Variadic[R]: ...",  # a TypeVarTuple: not counted
    "def d(func: F) -> T: ...",
    "def d(func) -> Callable[P, R]: ...",
    "def d(func: Callable[P, R]): ...",
    "async def d(func: Callable[P, R]) -> Callable[P, R]: ...",
    "@other\ndef d(func: Callable[P, R]) -> Callable[P, R]: ...",
])
def test_anything_else_is_unknown(signature: str) -> None:
    tree = ast.parse(textwrap.dedent(HEADER) + signature)
    node = tree.body[-1]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    assert not keeps_result(node, SemanticModel(tree, "m", False))


@pytest.mark.parametrize("header", [
    # imported type variables and aliases: not this module's to read
    "from typing import Callable\nfrom m2 import P, R\n",
    "from typing import Callable\nfrom typing_extensions import ParamSpec\nfrom m2 import R\n"
    "P = ParamSpec('P')\n",
    # R bound twice, or maybe rebound by a star import
    "from typing import Callable, TypeVar\nR = TypeVar('R')\nR = int\n",
    "from typing import Callable, TypeVar\nR = TypeVar('R')\nfrom m2 import *\n",
    "from typing import Callable, TypeVar\nif X:\n    R = TypeVar('R')\nelse:\n    R = str\n",
])
def test_type_variables_the_module_does_not_define_once_are_unknown(header: str) -> None:
    signature = "def d(func: Callable[..., R]) -> Callable[..., R]: ..."
    assert not keeps_result(*_function(signature, header))


def test_an_imported_alias_is_unknown() -> None:
    header = "from typing import TypeVar\nfrom m2 import _Function\nR = TypeVar('R')\n"
    assert not keeps_result(*_function("def d(func: _Function[R]) -> _Function[R]: ...",
                                       header))


@pytest.mark.parametrize(("signature", "keeps"), [
    ("def retry(n: int) -> Callable[[Callable[P, R]], Callable[P, R]]: ...", True),
    ("def retry(n: int) -> _Decorator[P, R]: ...", True),
    ("def retry(n: int) -> Callable[[F], F]: ...", True),
    ("def retry(n: int) -> Callable[[Callable[P, R]], Callable[P, None]]: ...", False),
    ("def retry(n: int) -> Callable[[Callable[P, R], int], Callable[P, R]]: ...", False),
    ("def retry(n: int) -> _Decorator[P, int]: ...", False),
    ("def retry(n: int) -> Callable[P, R]: ...", False),
])
def test_a_factory_of_such_a_decorator(signature: str, keeps: bool) -> None:
    assert factory_keeps_result(*_function(signature)) is keeps


PREFECT_SHAPED = HEADER + """
from typing import overload

@overload
def db_injector(func: _DBMethod[T, P, R]) -> _Method[T, P, R]: ...

@overload
def db_injector(func: _DBFunction[P, R]) -> _Function[P, R]: ...

def db_injector(
    func: Union[_DBMethod[T, P, R], _DBFunction[P, R]],
) -> Union[_Method[T, P, R], _Function[P, R]]:
    return DBInjector(func)

def retry(times: int) -> _Decorator[P, R]:
    ...

def returns_async(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    ...
"""


def test_the_summary_stores_it_for_other_modules() -> None:
    summary = summarize_module(ast.parse(textwrap.dedent(PREFECT_SHAPED)), "m", False)
    assert summary.functions["db_injector"].wraps == WRAPS_SAME  # the implementation decides
    assert summary.functions["retry"].wraps == WRAPS_SAME_FACTORY
    assert summary.functions["returns_async"].wraps == "async"  # as before
    again = ModuleSummary.from_json(json.loads(json.dumps(summary.to_json())))
    assert again == summary
