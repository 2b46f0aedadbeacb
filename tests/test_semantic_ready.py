"""`semantic.ready.checked_ready`, asked directly: is the call where the code has just seen its
receiver ready (a queue not empty)?"""

from __future__ import annotations

import ast
import textwrap

import pytest

from asynclint.semantic.catalogs.blocking import ReadyCheck
from asynclint.semantic.ready import checked_ready
from tests.conftest import only_call

NOT_EMPTY = ReadyCheck("empty", False)


def _ready(body: str) -> bool:
    source = "async def f(q, r, flag):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    ancestors, call = only_call(ast.parse(source), lambda c: isinstance(c.func, ast.Attribute)
                                and c.func.attr == "get")
    return checked_ready(call, ancestors, NOT_EMPTY)


@pytest.mark.parametrize("body", [
    "if not q.empty():\n    q.get()\n",
    "while not q.empty():\n    x = q.get()\n",
    "if q.empty():\n    pass\nelse:\n    q.get()\n",
    "if flag and not q.empty():\n    q.get()\n",
    "if not q.empty():\n    for i in range(3):\n        q.get()\n",
    "if not r.q.empty():\n    r.q.get()\n",
])
def test_checked(body: str) -> None:
    assert _ready(body)


@pytest.mark.parametrize("body", [
    "q.get()\n",
    "if q.empty():\n    q.get()\n",
    "if not r.empty():\n    q.get()\n",
    "if flag or not q.empty():\n    q.get()\n",
    "if flag and q.empty():\n    pass\nelse:\n    q.get()\n",  # only one operand failed
    "if not q.empty():\n    pass\nq.get()\n",
    "while not q.empty():\n    pass\nelse:\n    q.get()\n",
    "if not q.empty():\n    def later():\n        q.get()\n",
    "if not q.empty(1):\n    q.get()\n",
    "if not q.full():\n    q.get()\n",
])
def test_not_checked(body: str) -> None:
    assert not _ready(body)
