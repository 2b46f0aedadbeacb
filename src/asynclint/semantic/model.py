"""The semantic model rules consult during the single traversal of a module.

It tracks where the traversal is (scopes, enclosing function, parent nodes) and answers what a
name or dotted expression refers to, as a qualified name ("time.sleep", "builtins.open").
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

from asynclint.semantic.scopes import BUILTIN_NAMES, HERE, LOCAL, Binding, Here, Scope

if TYPE_CHECKING:
    from asynclint.semantic.types import TypeInference

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
_T = TypeVar("_T")


def dotted_name(expr: ast.expr) -> str | None:
    """`a.b.c` as written (no import resolution), or None for anything but names and attributes."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = dotted_name(expr.value)
        return f"{base}.{expr.attr}" if base else None
    return None


class SemanticModel:
    def __init__(
        self, module: ast.Module, module_name: str | None = None, is_package: bool = False,
        awaited: Callable[[str], str | None] | None = None,
        bases: Callable[[str], list[str] | None] | None = None,
    ) -> None:
        """`awaited`: the type `await f()` gives for a function of the project named by its
        qualified name (its return annotation, when it is an `async def`), when a project
        index is at hand (`ProjectView.awaited_type`); `bases`: the qualified bases of a class
        of the project (`ProjectView.class_bases`)."""
        self.awaited = awaited
        self.bases = bases
        self.module = module
        self.module_name = module_name
        self.is_package = is_package
        self.module_scope = Scope("module", module, None)
        self.scope = self.module_scope
        self.parents: list[ast.AST] = []
        # Analyses derived from this module, built once per model (`shared`). Held here, not
        # in a WeakKeyDictionary keyed by the model: those values refer back to the model, so
        # such a cache never let go of a tree.
        self._derived: dict[str, Any] = {}

    def shared(self, key: str, factory: Callable[[], _T]) -> _T:
        """The analysis of this module known as `key` (the blocking analysis, the handler
        index, the coroutine oracle...), built by `factory` on first use: whichever rule asks
        first, every rule of the traversal gets the same one."""
        if key in self._derived:
            return cast(_T, self._derived[key])
        found = self._derived[key] = factory()
        return found

    def release(self) -> None:
        """Drop what refers back to this model (derived analyses, type inference): then the
        module's tree is freed as soon as the caller lets go of it, without the collector."""
        self._derived.clear()
        with contextlib.suppress(AttributeError):  # not inferred yet
            del self.types  # the cached_property's value: built again if asked

    # -- traversal bookkeeping (driven by the engine) -------------------------------------
    def push_scope(self, node: ast.AST) -> None:
        if isinstance(node, ast.ClassDef):
            self.scope = Scope("class", node, self.scope)
        elif isinstance(node, ast.Lambda):
            self.scope = Scope("lambda", node, self.scope)
        else:
            self.scope = Scope("function", node, self.scope, isinstance(node, ast.AsyncFunctionDef))

    def pop_scope(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    # -- where are we -----------------------------------------------------------------------
    @property
    def function(self) -> FunctionNode | None:
        """The innermost function or lambda around the current node (None in a class body or
        at module level)."""
        kind = self.scope.kind
        if kind == "function" or kind == "lambda":
            node = self.scope.node
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            return node
        return None

    @property
    def in_async_function(self) -> bool:
        """True when the current code runs on the event loop as part of a coroutine body.

        A sync `def` or `lambda` nested inside an `async def` is not async context: it may be
        handed to a thread (`asyncio.to_thread(lambda: ...)`).
        """
        return isinstance(self.function, ast.AsyncFunctionDef)

    @property
    def parent(self) -> ast.AST | None:
        """Parent of the node currently being visited."""
        return self.parents[-1] if self.parents else None

    def ancestors(self) -> Iterator[ast.AST]:
        return reversed(self.parents)

    # -- what do names mean -----------------------------------------------------------------
    def _scopes_for_lookup(self, scope: Scope | None = None) -> Iterator[Scope]:
        current: Scope | None = scope or self.scope
        first = True
        while current is not None:
            # Class bodies are visible only to code directly inside them.
            if current.kind != "class" or first:
                yield current
            first = False
            current = current.parent

    def defining_scope(self, name: str, scope: Scope | None = None) -> Scope | None:
        """The scope whose binding of `name` is visible from `scope` (default: here)."""
        start = scope or self.scope
        visible = start.visible
        if name in visible:
            known = visible[name]
            return start if isinstance(known, Here) else known
        found = None
        for candidate in self._scopes_for_lookup(start):
            if candidate.lookup(name) is not None:
                found = candidate
                break
        # A scope never refers to itself (a cycle would keep the tree alive until the
        # collector runs): the sentinel stands for "this scope".
        visible[name] = HERE if found is start else found
        return found

    def binding_of(self, name: str, scope: Scope | None = None) -> Binding | None:
        """The innermost binding of `name` seen from `scope` (None: unbound)."""
        found = self.defining_scope(name, scope)
        return found.lookup(name) if found is not None else None

    def resolve_name(self, name: str, scope: Scope | None = None) -> str | None:
        # `binding_of`, inlined: names are resolved hundreds of thousands of times in a run.
        found = self.defining_scope(name, scope)
        if found is not None:
            qualified = found.lookup(name).qualified  # type: ignore[union-attr]
            return None if qualified == LOCAL else self._absolute(qualified)
        if name in BUILTIN_NAMES and not self.module_scope.star_import:
            return f"builtins.{name}"
        return None

    def resolve(self, expr: ast.expr, scope: Scope | None = None) -> str | None:
        """Qualified name of a Name or dotted Attribute chain, or None when unknown."""
        kind = expr.__class__
        if kind is ast.Name:
            return self.resolve_name(expr.id, scope)  # type: ignore[attr-defined]
        if kind is ast.Attribute:
            # The chain's names, outermost attribute last, resolved from its root name.
            attrs = [expr.attr]  # type: ignore[attr-defined]
            root = expr.value  # type: ignore[attr-defined]
            while root.__class__ is ast.Attribute:
                attrs.append(root.attr)
                root = root.value
            if root.__class__ is not ast.Name:
                return None
            base = self.resolve_name(root.id, scope)
            if base is None or base.startswith("builtins."):
                return None
            attrs.append(base)
            attrs.reverse()
            return ".".join(attrs)
        return None

    def type_of(self, expr: ast.expr) -> str | None:
        """The qualified type of an expression where the code says it plainly, else None."""
        return self.types.type_of(expr, self.scope)

    @cached_property
    def types(self) -> TypeInference:
        from asynclint.semantic.types import TypeInference

        return TypeInference(self)

    def _absolute(self, qualified: str) -> str:
        """Turn a relative import target into an absolute one when the module's name is known."""
        if not qualified.startswith(".") or not self.module_name:
            return qualified
        level = len(qualified) - len(qualified.lstrip("."))
        package = self.module_name.split(".")
        # One dot is the module's package (a package's `__init__` is its own package).
        keep = len(package) - level + (1 if self.is_package else 0)
        if keep < 0:
            return qualified
        base = package[:keep]
        rest = qualified[level:]
        return ".".join([*base, rest]) if rest else ".".join(base)

    def is_module_level_import(self, local: str, qualified: str) -> bool:
        binding = self.module_scope.lookup(local)
        return binding is not None and binding.qualified == qualified and not binding.type_only
