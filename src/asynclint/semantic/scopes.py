"""Scopes and bindings: what a name means at a point in the code.

Bindings are collected lazily and shallowly (statements only, never nested function bodies), so
a file whose rules never ask about names pays nothing. Precision first: a name bound by an import
*and* by anything else in the same scope resolves to nothing.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Literal

from asynclint.semantic.syntax import (
    BINDS_NOTHING,
    TYPE_ALIAS,
    every_parameter,
    is_type_checking,
)

ScopeKind = Literal["module", "class", "function", "lambda"]
BUILTIN_NAMES = frozenset(dir(builtins))

# Marks a name bound by something other than an unambiguous import.
LOCAL = ""


@dataclass
class Binding:
    """What the scope knows about a name: a qualified import target, or LOCAL."""

    qualified: str
    type_only: bool = False


def import_binding(alias: ast.alias) -> tuple[str, str]:
    """(local name, qualified name) bound by one alias of an `import` statement."""
    if alias.asname:
        return alias.asname, alias.name
    top = alias.name.split(".", 1)[0]
    return top, top


def from_import_target(node: ast.ImportFrom, name: str) -> str:
    module = "." * node.level + (node.module or "")
    if not module or module.endswith("."):
        return module + name
    return f"{module}.{name}"


class Here:
    """The scope asking (see `Scope.visible`)."""


HERE = Here()


@dataclass
class Scope:
    kind: ScopeKind
    node: ast.AST
    parent: Scope | None
    is_async: bool = False
    _bindings: dict[str, Binding] | None = field(default=None, repr=False)
    _declared_global: set[str] = field(default_factory=set, repr=False)
    star_import: bool = False
    # Name -> the scope whose binding is visible from here (see `SemanticModel.defining_scope`):
    # bindings never change once collected, and rules ask about the same names again and again.
    visible: dict[str, Scope | Here | None] = field(default_factory=dict, repr=False)

    @property
    def bindings(self) -> dict[str, Binding]:
        if self._bindings is None:
            self._bindings = {}
            self._collect()
        return self._bindings

    def _bind(self, name: str, qualified: str = LOCAL, type_only: bool = False) -> None:
        assert self._bindings is not None
        old = self._bindings.get(name)
        if old is not None and (old.qualified != qualified or qualified == LOCAL):
            # Bound two different ways: a type-checking-only import yields to the runtime one.
            if old.type_only and not type_only:
                pass
            elif type_only and not old.type_only:
                return
            else:
                qualified = LOCAL
        self._bindings[name] = Binding(qualified, type_only)

    def _collect(self) -> None:
        node = self.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for a in every_parameter(node.args):
                self._bind(a.arg)
            if isinstance(node, ast.Lambda):
                return
        body = getattr(node, "body", [])
        if isinstance(body, list):
            self._collect_block(body, type_only=False)
        for name in self._declared_global:
            self.bindings.pop(name, None)

    def _bind_target(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value)

    def _collect_block(self, body: list[ast.stmt], type_only: bool) -> None:
        for stmt in body:
            if stmt.__class__ in BINDS_NOTHING:
                continue
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    local, qualified = import_binding(alias)
                    self._bind(local, qualified, type_only)
            elif isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if alias.name == "*":
                        self.star_import = True
                        continue
                    self._bind(alias.asname or alias.name, from_import_target(stmt, alias.name), type_only)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(stmt.name)
            elif isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    self._bind_target(t)
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                self._bind_target(stmt.target)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                self._bind_target(stmt.target)
                self._collect_block(stmt.body, type_only)
                self._collect_block(stmt.orelse, type_only)
            elif isinstance(stmt, ast.While):
                self._collect_block(stmt.body, type_only)
                self._collect_block(stmt.orelse, type_only)
            elif isinstance(stmt, ast.If):
                self._collect_block(stmt.body, type_only or is_type_checking(stmt.test))
                self._collect_block(stmt.orelse, type_only)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        self._bind_target(item.optional_vars)
                self._collect_block(stmt.body, type_only)
            elif isinstance(stmt, (ast.Try, ast.TryStar)):
                self._collect_block(stmt.body, type_only)
                for handler in stmt.handlers:
                    if handler.name:
                        self._bind(handler.name)
                    self._collect_block(handler.body, type_only)
                self._collect_block(stmt.orelse, type_only)
                self._collect_block(stmt.finalbody, type_only)
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    self._collect_block(case.body, type_only)
            elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
                self._declared_global.update(stmt.names)
            elif isinstance(stmt, TYPE_ALIAS):
                name = getattr(stmt, "name", None)
                if isinstance(name, ast.Name):
                    self._bind(name.id)

    def lookup(self, name: str) -> Binding | None:
        bindings = self._bindings  # `bindings`, without the property's call once collected
        return (bindings if bindings is not None else self.bindings).get(name)
