"""Whether a call that waits for its receiver sits where the code has just checked that the
receiver is ready, so that it returns at once: `queue.get()` in the body of
`if not queue.empty():` (or `while not queue.empty():`, or the `else` of `if queue.empty():`).

Read from the `if`/`while` statements around the call alone, up to the function it is in: the
test (or one operand of an `and`) calls the check on the same receiver, written the same way
(`self.buffer`). A consumer racing another thread for the item could still wait; code that
checks first and then takes is written for one consumer, and a finding there would be wrong
more often than right.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from asynclint.semantic.catalogs.blocking import ReadyCheck
from asynclint.semantic.model import dotted_name
from asynclint.semantic.syntax import NESTED_SCOPES


def _asks(test: ast.expr, receiver: str, method: str) -> bool | None:
    """What `test` being true says `receiver.method()` answers: True for `receiver.method()`,
    False for `not receiver.method()`, None when the test does not ask it (an `and` asks what
    any of its operands asks: all of them hold in the body)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for value in test.values:
            found = _asks(value, receiver, method)
            if found is not None:
                return found
        return None
    negated = False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = True, test.operand
    if isinstance(test, ast.Call) and not test.args and not test.keywords \
            and isinstance(test.func, ast.Attribute) and test.func.attr == method \
            and dotted_name(test.func.value) == receiver:
        return not negated
    return None


def checked_ready(call: ast.Call, ancestors: Sequence[ast.AST], check: ReadyCheck) -> bool:
    """`call` is `receiver.method(...)` inside a branch that runs only when `check` says the
    receiver is ready (see the module docstring). `ancestors` are the call's, outermost first."""
    if not isinstance(call.func, ast.Attribute):
        return False
    receiver = dotted_name(call.func.value)
    if receiver is None:
        return False
    chain = [*ancestors, call]
    for outer, inner in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
        if isinstance(outer, NESTED_SCOPES):
            return False
        if not isinstance(outer, (ast.If, ast.While)):
            continue
        in_body = any(inner is s for s in outer.body)
        if not in_body and not (isinstance(outer, ast.If)
                                and any(inner is s for s in outer.orelse)):
            continue  # the test itself, or a `while`'s `else`
        answer = _asks(outer.test, receiver, check.method)
        if answer is None or (not in_body and isinstance(outer.test, ast.BoolOp)):
            continue  # the `else` of `a and b` says only that one of them failed
        if (answer if in_body else not answer) == check.ready_answer:
            return True
    return False
