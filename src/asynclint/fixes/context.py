"""What a rule's fix works with: the libcst tree of the file, node lookup by range, imports.

The CST is parsed once per file and only when a fix is asked for. A fix returns a libcst node
to put in place of another; `replace` turns that into an Edit over the old node's range.
"""

from __future__ import annotations

import ast
from functools import cached_property
from typing import TypeVar

import libcst as cst
from libcst._nodes.internal import CodegenState  # what Module.code_for_node uses
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.semantic.model import SemanticModel
from asynclint.source import SourceFile

N = TypeVar("N", bound=cst.CSTNode)


class FixContext:
    def __init__(self, source: SourceFile, tree: ast.Module, semantic: SemanticModel) -> None:
        self.source = source
        self.tree = tree
        self.semantic = semantic

    @cached_property
    def _wrapper(self) -> MetadataWrapper | None:
        try:
            return MetadataWrapper(cst.parse_module(self.source.text), unsafe_skip_copy=True)
        except (cst.ParserSyntaxError, RecursionError):
            return None

    @property
    def usable(self) -> bool:
        """False when libcst cannot parse what `ast` could (then no fix is offered)."""
        return self._wrapper is not None

    @property
    def module(self) -> cst.Module:
        assert self._wrapper is not None
        return self._wrapper.module

    @cached_property
    def _positions(self) -> dict[type[cst.CSTNode], list[tuple[CodeRange, cst.CSTNode]]]:
        assert self._wrapper is not None
        index: dict[type[cst.CSTNode], list[tuple[CodeRange, cst.CSTNode]]] = {}
        for node, rng in self._wrapper.resolve(PositionProvider).items():
            index.setdefault(type(node), []).append((rng, node))
        return index

    def range_of(self, node: cst.CSTNode) -> tuple[Location, Location]:
        for rng, candidate in self._positions.get(type(node), ()):
            if candidate is node:
                return _loc(rng.start), _loc(rng.end)
        raise KeyError("node is not part of this module")

    def node_at(self, diagnostic: Diagnostic, kind: type[N]) -> N | None:
        """The innermost node of `kind` whose range covers the diagnostic's range.

        libcst ranges include a node's own parentheses, `ast` ranges do not; covering handles both.
        """
        best: tuple[int, N] | None = None
        for rng, node in self._positions.get(kind, ()):
            start, end = _loc(rng.start), _loc(rng.end)
            if start <= diagnostic.start and diagnostic.end <= end:
                size = self.source.offset(end) - self.source.offset(start)
                if best is None or size < best[0]:
                    assert isinstance(node, kind)
                    best = (size, node)
        return best[1] if best else None

    def replace(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        start, end = self.range_of(old)
        return Edit(self.code_for(new, self._indent_at(start, end)), start, end)

    def code_for(self, node: cst.CSTNode, indent: str = "") -> str:
        """The code of `node` as it reads at a place indented by `indent`.

        `Module.code_for_node` renders at column 0: the continuation lines of a multi-line
        call would lose the indentation of the block they are in.
        """
        state = CodegenState(default_indent=self.module.default_indent,
                             default_newline=self.module.default_newline)
        if indent:
            state.increase_indent(indent)
        node._codegen(state)
        return "".join(state.tokens)

    def _indent_at(self, start: Location, end: Location) -> str:
        """The indentation of the innermost statement around a range (what libcst's
        `indent=True` whitespace inside it is relative to)."""
        best: Location | None = None
        for kind, entries in self._positions.items():
            if not issubclass(kind, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                continue
            for rng, _ in entries:
                s, e = _loc(rng.start), _loc(rng.end)
                if s <= start and end <= e and (best is None or best < s):
                    best = s
        if best is None:
            return ""
        line = self.source.line(best.row)
        return line[: len(line) - len(line.lstrip(" \t"))]

    # -- imports ---------------------------------------------------------------------------------
    def import_module(self, module: str) -> tuple[str, tuple[Edit, ...]] | None:
        """The local name to reach `module` by, and the edit adding `import module` if needed.

        An existing top-level `import module [as alias]` is reused. None when the name is
        taken by something else at module level (the fix would then be wrong).
        """
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    if alias.name == module and self.semantic.is_module_level_import(local, module):
                        return local, ()
        top = module.split(".", 1)[0]
        existing = self.semantic.module_scope.lookup(top)
        if existing is not None and existing.qualified != top:
            return None
        if existing is not None and not existing.type_only and "." not in module:
            return module, ()
        return module, (self._insert_line(f"import {module}"),)

    def import_name(self, module: str, name: str) -> tuple[str, tuple[Edit, ...]] | None:
        """The local name for `module.name`, and the edit adding `from module import name`.

        An existing module-level `from module import name` is reused; None when `name` is
        taken by something else at module level.
        """
        existing = self.semantic.module_scope.lookup(name)
        if existing is not None:
            if existing.qualified == f"{module}.{name}" and not existing.type_only:
                return name, ()
            return None
        return name, (self._insert_line(f"from {module} import {name}"),)

    def _insert_line(self, text: str) -> Edit:
        """An edit adding a top-level line after the docstring, __future__ imports and the
        leading block of imports."""
        body = self.tree.body
        last: ast.stmt | None = None
        i = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            last, i = body[0], 1
        while i < len(body) and isinstance(body[i], (ast.Import, ast.ImportFrom)):
            last, i = body[i], i + 1
        newline = self.source.newline
        if last is None:
            return Edit(text + newline, Location(1, 0), Location(1, 0))
        row = (last.end_lineno or last.lineno) + 1
        starts = self.source.line_starts
        if row <= len(starts) and starts[row - 1] <= len(self.source.text) and (
            starts[row - 1] > 0 and self.source.text[starts[row - 1] - 1] in "\r\n"
        ):
            return Edit(text + newline, Location(row, 0), Location(row, 0))
        # The statement ends the file without a newline.
        end_row = row - 1
        end = Location(end_row, len(self.source.line(end_row)))
        return Edit(newline + text, end, end)


def _loc(pos: cst.metadata.CodePosition) -> Location:
    return Location(pos.line, pos.column)
