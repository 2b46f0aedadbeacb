"""What a rule's fix works with: libcst trees of the code around a finding, node lookup by
range, imports.

Fixes are computed for a few findings in files that may be long, so the CST is built for the
code around a finding, not for the file: a module-level statement starts at column 0, so its
lines parse as a module of their own, with the same nodes (and, once rows are offset back, the
same positions) as in the whole file; in a long one (a big class) the function holding the
finding is parsed alone under an `if 1:`. A two-line prefix gives every snippet the whole
file's default indent and newline, which libcst's nodes are relative to. Each snippet is
parsed at most once per FixContext, when a fix first looks at it, and positions are resolved
for that snippet only. A fix returns a libcst node to put in place of another; `replace` turns
that into an Edit over the old node's range.

libcst itself is imported when a fix first looks at a node: the fixes written from the code's
own text (a thread offload, `asyncio.sleep`, `await`, `async`, a plain `def`) use only the
imports' half of the context, and a run whose fixes are all such never loads it (on the
applications corpus, most of what JSON output cost beyond text output).
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from asynclint.diagnostics import Diagnostic, Edit, Location
from asynclint.fixes.edits import insert_after_row
from asynclint.fixes.imports import ImportStyle, ImportUses, add_import
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.syntax import FUNCS, header_end
from asynclint.source import SourceFile

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodePosition, CodeRange

N = TypeVar("N", bound="cst.CSTNode")

# libcst takes a module's default newline from its first line ending.
_FIRST_NEWLINE = re.compile(r"\r\n?|\n")
_ANY_NEWLINE = re.compile(r"\r\n?")
# A statement whose body is a block: `_default_indent` only looks inside these.
_BLOCK_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
                     ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar,
                     ast.Match)
# Rows the parsing prefix takes (`if 1:` and its indented `pass`).
_PREFIX_ROWS = 2


@dataclass
class _Snippet:
    """One parsed run of whole lines of the file and where its nodes are.

    Ranges stay libcst's (snippet rows) and are moved to file rows only when looked at: a
    fix looks at a few nodes of a snippet that may hold many thousands.
    """

    module: cst.Module
    shift: int  # file row = snippet row + shift
    # per node type, in libcst's resolution order
    by_type: dict[type[cst.CSTNode], list[tuple[CodeRange, cst.CSTNode]]]

    def entries(self, kind: type[cst.CSTNode]) -> Iterator[tuple[Location, Location, cst.CSTNode]]:
        for rng, node in self.by_type.get(kind, ()):
            yield self._loc(rng.start), self._loc(rng.end), node

    def range_of(self, node: cst.CSTNode) -> tuple[Location, Location] | None:
        for rng, candidate in self.by_type.get(type(node), ()):
            if candidate is node:
                return self._loc(rng.start), self._loc(rng.end)
        return None

    def _loc(self, pos: CodePosition) -> Location:
        return Location(pos.line + self.shift, pos.column)


class FixContext:
    def __init__(self, source: SourceFile, tree: ast.Module, semantic: SemanticModel,
                 style: ImportStyle | None = None) -> None:
        self.source = source
        self.tree = tree
        self.semantic = semantic
        # How the project sorts imports: where a new one goes (`fixes.imports`).
        self.style = style if style is not None else ImportStyle()
        self._uses: ImportUses | None = None
        # (first row, last row, nested) -> the parse of those rows (None: libcst could not)
        self._snippets: dict[tuple[int, int, bool], _Snippet | None] = {}

    # A top-level statement longer than this (a big class) is not parsed whole when the
    # finding is inside a function in it: that function is, under an `if 1:` at its indent.
    nest_above_rows = 200

    # -- the whole file (slow path: no rule needs it; kept for callers that do) -----------------
    @cached_property
    def module(self) -> cst.Module:
        """The CST of the whole file (parses all of it: prefer `node_at` and `code_for_node`)."""
        import libcst as cst

        return cst.parse_module(self.source.text)

    # -- which lines to parse ----------------------------------------------------------------------
    @cached_property
    def _chunk_starts(self) -> list[int]:
        """First rows of the runs of top-level statements that parse alone: a statement from its
        first decorator on; statements sharing a line (`a = 1; b = 2`) stay together. Each run
        reaches to the row before the next, so comments between statements go with the one
        above; the first run starts at row 1."""
        starts: list[int] = [1]
        last_end = 0
        for stmt in self.tree.body:
            first = _first_row(stmt)
            if first > last_end and first > starts[-1]:
                starts.append(first)
            last_end = max(last_end, stmt.end_lineno or stmt.lineno)
        return starts

    def _rows_around(self, start: Location, end: Location) -> tuple[int, int]:
        """The first and last rows of the run(s) of top-level statements holding start..end."""
        starts = self._chunk_starts
        first = bisect.bisect_right(starts, start.row) - 1
        last = bisect.bisect_right(starts, end.row) - 1
        last_row = starts[last + 1] - 1 if last + 1 < len(starts) else len(self.source.line_starts)
        return starts[first], last_row

    def _snippet(self, start: Location, end: Location, nested: bool = True) -> _Snippet | None:
        """The parse of the code around start..end: the run of top-level statements holding it
        or, in a long one, the innermost function holding it."""
        first, last = self._rows_around(start, end)
        key = (first, last, False)
        if nested and last - first + 1 > self.nest_above_rows:
            inner = self._function_rows(start, end, last + 1)
            if inner is not None:
                key = (*inner, True)
        if key not in self._snippets:
            self._snippets[key] = self._parse(*key)
        if self._snippets[key] is None and key[2]:
            return self._snippet(start, end, nested=False)
        return self._snippets[key]

    def _function_rows(self, start: Location, end: Location, next_row: int
                       ) -> tuple[int, int] | None:
        """Rows of the innermost nested `def` holding start..end that begins its own line, with
        the blank and comment lines up to the next statement (as for top-level runs)."""
        found: tuple[int, int] | None = None
        body: list[ast.stmt] = self.tree.body
        while True:
            at = next((i for i, stmt in enumerate(body) if _first_row(stmt) <= start.row
                       and end.row <= (stmt.end_lineno or stmt.lineno)), None)
            if at is None:
                return found
            stmt, first = body[at], _first_row(body[at])
            if at + 1 < len(body):
                next_row = _first_row(body[at + 1])
            if isinstance(stmt, FUNCS) and body is not self.tree.body \
                    and not self.source.line(first)[: stmt.col_offset].strip(" \t"):
                found = (first, next_row - 1)
            inner = [b for b in _bodies(stmt) if b and _first_row(b[0]) <= start.row
                     and end.row <= (b[-1].end_lineno or b[-1].lineno)]
            if not inner:
                return found
            body = inner[0]

    def _parse(self, first: int, last: int, nested: bool) -> _Snippet | None:
        """Parse rows first..last behind a prefix that gives the snippet the whole file's
        default indent and newline, which is what libcst's nodes are relative to; a nested
        function goes under an `if 1:` (its own lines keep their columns)."""
        text, starts = self.source.text, self.source.line_starts
        body = text[starts[first - 1] : starts[last] if last < len(starts) else len(text)]
        nl = self.default_newline
        prefix = f"if 1:{nl}{self.default_indent}pass{nl}" + (f"if 1:{nl}" if nested else "")
        import libcst as cst

        try:
            module = cst.parse_module(prefix + body)
        except (cst.ParserSyntaxError, RecursionError):
            return None
        if module.default_indent != self.default_indent or module.default_newline != nl:
            return None  # not expected: the whole file would then read differently
        skip = _PREFIX_ROWS + nested
        try:
            return _index(module, first - 1 - skip, skip)
        except (RecursionError, KeyError):
            # libcst's metadata walk is recursive: too deep, no fix here (a RecursionError
            # inside its position bookkeeping surfaces as a KeyError).
            return None

    # -- what libcst would detect over the whole file ------------------------------------------
    @cached_property
    def default_newline(self) -> str:
        m = _FIRST_NEWLINE.search(self.source.text)
        return m.group() if m else "\n"

    @cached_property
    def default_indent(self) -> str:
        """The whole file's indentation unit as libcst detects it: the relative indent of the
        file's first INDENT token. Only statements with a block can hold one, and top-level
        statements tokenize alone, so the search stops at the first that has one."""
        text, starts = self.source.text, self.source.line_starts
        body = self.tree.body
        for stmt in body:
            if not isinstance(stmt, _BLOCK_STATEMENTS):
                continue
            first = self._chunk_starts[bisect.bisect_right(self._chunk_starts, stmt.lineno) - 1]
            last = stmt.end_lineno or stmt.lineno
            chunk = text[starts[first - 1] : starts[last] if last < len(starts) else len(text)]
            chunk = _ANY_NEWLINE.sub("\n", chunk)  # tokenize reads lines at \n only
            try:
                for token in tokenize.generate_tokens(io.StringIO(chunk).readline):
                    if token.type == tokenize.INDENT:
                        return token.string
            except (tokenize.TokenError, SyntaxError):
                return self.module.default_indent
        return "    "

    # -- nodes and their ranges ------------------------------------------------------------------
    def usable_for(self, diagnostic: Diagnostic) -> bool:
        """False when libcst cannot parse the statement around a finding that `ast` could
        (then no fix is offered for it)."""
        return self._snippet(diagnostic.start, diagnostic.end) is not None

    def range_of(self, node: cst.CSTNode) -> tuple[Location, Location]:
        for snippet in self._snippets.values():
            found = snippet.range_of(node) if snippet is not None else None
            if found is not None:
                return found
        raise KeyError("node is not part of this module")

    def module_of(self, node: cst.CSTNode) -> cst.Module:
        """The parsed snippet (a module of whole top-level statements) that holds `node`."""
        for snippet in self._snippets.values():
            if snippet is not None and snippet.range_of(node) is not None:
                return snippet.module
        raise KeyError("node is not part of this module")

    def node_at(self, diagnostic: Diagnostic, kind: type[N]) -> N | None:
        """The innermost node of `kind` whose range covers the diagnostic's range.

        libcst ranges include a node's own parentheses, `ast` ranges do not; covering handles both.
        """
        snippet = self._snippet(diagnostic.start, diagnostic.end)
        found = self._innermost(snippet, diagnostic, kind)
        if found is None:
            # Not inside the function parsed alone (or none was): the top-level statement.
            whole = self._snippet(diagnostic.start, diagnostic.end, nested=False)
            if whole is not snippet:
                found = self._innermost(whole, diagnostic, kind)
        return found

    def _innermost(self, snippet: _Snippet | None, diagnostic: Diagnostic, kind: type[N]
                   ) -> N | None:
        if snippet is None:
            return None
        best: tuple[int, N] | None = None
        for start, end, node in snippet.entries(kind):
            if start <= diagnostic.start and diagnostic.end <= end:
                size = self.source.offset(end) - self.source.offset(start)
                if best is None or size < best[0]:
                    assert isinstance(node, kind)
                    best = (size, node)
        return best[1] if best else None

    def replace(self, old: cst.CSTNode, new: cst.CSTNode) -> Edit:
        start, end = self.range_of(old)
        return Edit(self.code_for(new, self._indent_at(start, end)), start, end)

    def code_for_node(self, node: cst.CSTNode) -> str:
        """The code of `node` as `Module.code_for_node` of the whole file renders it."""
        return self.code_for(node)

    def code_for(self, node: cst.CSTNode, indent: str = "") -> str:
        """The code of `node` as it reads at a place indented by `indent`.

        `Module.code_for_node` renders at column 0: the continuation lines of a multi-line
        call would lose the indentation of the block they are in.
        """
        from libcst._nodes.internal import CodegenState  # what Module.code_for_node uses

        state = CodegenState(default_indent=self.default_indent,
                             default_newline=self.default_newline)
        if indent:
            state.increase_indent(indent)
        node._codegen(state)
        return "".join(state.tokens)

    def _indent_at(self, start: Location, end: Location) -> str:
        """The indentation of the innermost statement around a range (what libcst's
        `indent=True` whitespace inside it is relative to)."""
        import libcst as cst

        snippet = self._snippet(start, end)
        best: Location | None = None
        statements = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
        for kind in (snippet.by_type if snippet is not None else ()):
            if not issubclass(kind, statements):
                continue
            assert snippet is not None
            for s, e, _ in snippet.entries(kind):
                if s <= start and end <= e and (best is None or best < s):
                    best = s
        if best is None:
            return ""
        line = self.source.line(best.row)
        return line[: len(line) - len(line.lstrip(" \t"))]

    # -- imports ---------------------------------------------------------------------------------
    def imports_left_unused(self, path: str, edits: tuple[Edit, ...]) -> list[Edit]:
        """The edits removing the imports a fix's `edits` leave without a use (F401)."""
        if self._uses is None:
            self._uses = ImportUses(self.source, self.tree, path)
        return self._uses.left_unused(edits)

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
        return module, (self._insert_import(module),)

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
        return name, (self._insert_import(module, name),)

    def _insert_import(self, module: str, name: str | None = None) -> Edit:
        """An edit adding `import module` (or `from module import name`) where ruff's isort
        puts it in the module's block of imports; without one, after the docstring."""
        placed = add_import(self.source, self.tree, self.style, module, name)
        if placed is not None:
            return placed
        text = f"import {module}" if name is None else f"from {module} import {name}"
        last = header_end(self.tree.body)
        row = 0 if last is None else (last.end_lineno or last.lineno)
        if last is None:
            # Below a leading `#!` line, encoding cookie or licence comment.
            while row < len(self.source.line_starts) \
                    and self.source.line(row + 1).startswith("#"):
                row += 1
        return insert_after_row(self.source, row, [text, *[""] * self._blanks_after(row)])

    def _blanks_after(self, row: int) -> int:
        """How many blank lines a new import block inserted after `row` needs below it, as
        ruff's isort wants them: two before a `def`, `class` or decorator (and the comments
        leading one), one before other code, less what is there already."""
        source, blank = self.source, 0
        total = len(source.line_starts)
        row += 1
        while row <= total and not source.line(row).strip():
            blank, row = blank + 1, row + 1
        while row <= total and source.line(row).lstrip().startswith("#"):
            row += 1
        if row > total:
            return 0
        following = source.line(row)
        wanted = 2 if re.match(r"(async\s+def|def|class|@)\b|@", following) else 1
        return max(0, wanted - blank)


def _index(module: cst.Module, shift: int, skip_rows: int) -> _Snippet:
    """The positions of `module`'s nodes, by type; rows move by `shift` to the file's, and
    nodes that start on the first `skip_rows` rows (a prefix, the Module itself) are left out."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    by_type: dict[type[cst.CSTNode], list[tuple[CodeRange, cst.CSTNode]]] = {}
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for node, rng in positions.items():
        if rng.start.line > skip_rows:
            by_type.setdefault(type(node), []).append((rng, node))
    return _Snippet(module, shift, by_type)


def _first_row(stmt: ast.stmt) -> int:
    """The row a statement starts on, its decorators included."""
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", None) or []
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _bodies(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The blocks of statements directly inside a statement (bodies, handlers, cases)."""
    found: list[list[ast.stmt]] = []
    for _, value in ast.iter_fields(stmt):
        if not isinstance(value, list) or not value:
            continue
        if isinstance(value[0], ast.stmt):
            found.append(value)
        elif isinstance(value[0], (ast.ExceptHandler, ast.match_case)):
            found.extend(item.body for item in value)
    return found
