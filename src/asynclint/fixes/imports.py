"""Where a fix's new import goes, and which import a fix leaves unused: as ruff's isort and
pyflakes would see the result, so that fixed code passes `ruff check` (no I001, no F401).

Plain text, positions and `ast` (no libcst). Placement follows ruff's isort defaults: the
module's first block of imports is split into sections (`__future__`, standard library,
third party, first party, local folder), each holds its `import x` lines, then its
`from x import y` lines, in natural, case-insensitive order, and sections are set apart by one
blank line. A new import goes into its section in sorted position; into a section the file
does not have yet, a group of its own after the section before it (or before the one after
it); a name from a module already imported `from` joins that statement. When the file's own
order is not sorted the new line goes before the first line that sorts after it in its
section, the least disruptive place. First party is what ruff infers: a module beside the
project root or in its `src/`, the file's own package, and `known-first-party`.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Protocol, cast

from asynclint.diagnostics import Edit, Location
from asynclint.fixes.edits import MAX_LINE, insert_after_row
from asynclint.semantic.nodes import names_and_strings
from asynclint.semantic.syntax import spells_identifier
from asynclint.source import SourceFile

_STDLIB = frozenset(sys.stdlib_module_names)
_DIGITS = re.compile(r"(\d+)")
_Import = ast.Import | ast.ImportFrom


class Section(IntEnum):
    """isort's sections, in the order they appear."""

    FUTURE = 0
    STDLIB = 1
    THIRD_PARTY = 2
    FIRST_PARTY = 3
    LOCAL_FOLDER = 4


class PathProbe(Protocol):
    """Answers whether a path is a folder or a file (and may record that it was asked)."""

    def is_dir(self, path: Path) -> bool: ...

    def is_file(self, path: Path) -> bool: ...


class _FileSystem:
    """The file system asked directly (nothing records the answers)."""

    def is_dir(self, path: Path) -> bool:
        return os.path.isdir(path)

    def is_file(self, path: Path) -> bool:
        return os.path.isfile(path)


@dataclass(frozen=True)
class ImportStyle:
    """What decides an import's section and form in this project: the folders ruff looks for
    first-party modules in (the project root and its `src/`), the checked file's own top-level
    package, and `[tool.ruff.lint.isort]`'s settings where the project has them."""

    src_roots: tuple[Path, ...] = ()
    package: str | None = None
    known_first_party: tuple[str, ...] = ()
    known_third_party: tuple[str, ...] = ()
    force_single_line: bool = False
    combine_as_imports: bool = False
    # How `_in_sources` looks at the file system: through the analysis' recorder of what the
    # result read (`config.environment.Environment`), so a cached fix depends on it.
    probe: PathProbe | None = field(default=None, compare=False, hash=False, repr=False)
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def section(self, module: str, level: int = 0) -> Section:
        """The section of `from <level dots><module> import ...` or `import <module>`."""
        if level:
            return Section.LOCAL_FOLDER
        if module == "__future__":
            return Section.FUTURE
        if _matches(module, self.known_first_party):
            return Section.FIRST_PARTY
        if _matches(module, self.known_third_party):
            return Section.THIRD_PARTY
        top = module.split(".", 1)[0]
        if top in _STDLIB:
            return Section.STDLIB
        if top == self.package or self._in_sources(module):
            return Section.FIRST_PARTY
        return Section.THIRD_PARTY

    def _in_sources(self, module: str) -> bool:
        """The module's whole path is in a source folder, a folder or a `.py`/`.pyi` file
        (as ruff 0.17 checks it: `myapp.db` needs `src/myapp/db`, not only `src/myapp`)."""
        known = self._seen.get(module)
        if known is None:
            rel = module.replace(".", os.sep)
            probe = self.probe if self.probe is not None else _FileSystem()
            known = any(probe.is_dir(root / rel) or probe.is_file(root / f"{rel}.py")
                        or probe.is_file(root / f"{rel}.pyi") for root in self.src_roots)
            self._seen[module] = known
        return known


def _matches(module: str, patterns: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in patterns)


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order (`a2` before `a10`), as ruff's `natord` compares."""
    return tuple((1, int(part)) if part.isdigit() else (0, part)
                 for part in _DIGITS.split(text) if part)


def _module_key(module: str) -> tuple[object, ...]:
    return _natural(module.lower()), _natural(module)


def member_key(name: str) -> tuple[object, ...]:
    """How ruff orders the names of one `from` import by default: constants, then classes,
    then the rest, each case-insensitively."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, _natural(name.lower()), _natural(name)


@dataclass(frozen=True)
class _Line:
    """One import statement of the block: its rows (leading comment lines included in
    `top`), section and sort key."""

    node: _Import
    top: int
    first: int
    last: int
    section: Section
    key: tuple[object, ...]


def _statement_key(node: _Import, style: ImportStyle) -> tuple[object, ...]:
    if isinstance(node, ast.Import):
        return 0, _module_key(node.names[0].name), ()
    module = node.module or ""
    # Local imports: the farthest first (`from .. import` before `from . import`).
    names = () if not style.force_single_line else member_key(node.names[0].name)
    return 1, -node.level, _module_key(module), names


def _new_key(module: str, name: str | None, style: ImportStyle) -> tuple[object, ...]:
    if name is None:
        return 0, _module_key(module), ()
    return 1, 0, _module_key(module), member_key(name) if style.force_single_line else ()


def _section_of(node: _Import, style: ImportStyle) -> Section:
    if isinstance(node, ast.Import):
        return style.section(node.names[0].name)
    return style.section(node.module or "", node.level)


def _block(source: SourceFile, tree: ast.Module, style: ImportStyle) -> list[_Line] | None:
    """The module's first run of import statements (after its docstring); None when one
    shares a line with another statement (then the block is not touched)."""
    body = tree.body
    i = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        i = 1
    lines: list[_Line] = []
    floor = body[i - 1].end_lineno or body[i - 1].lineno if i else 0
    while i < len(body) and isinstance(body[i], (ast.Import, ast.ImportFrom)):
        node = body[i]
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        last = node.end_lineno or node.lineno
        if node.lineno <= floor or (i + 1 < len(body) and body[i + 1].lineno <= last):
            return None
        top = node.lineno
        while top - 1 > floor and source.line(top - 1).lstrip().startswith("#"):
            top -= 1
        if top == 1:
            # The file's opening comments (`#!`, an encoding cookie, a licence) stay on top.
            top = node.lineno
        lines.append(_Line(node, top, node.lineno, last, _section_of(node, style),
                           _statement_key(node, style)))
        floor = last
        i += 1
    return lines


def add_import(source: SourceFile, tree: ast.Module, style: ImportStyle, module: str,
               name: str | None = None) -> Edit | None:
    """The edit adding `import module` (`name` None) or `from module import name` where
    ruff's isort would put it; None when the module has no block of imports it can read (the
    caller then adds the line after the module's header)."""
    block = _block(source, tree, style)
    if block is None:
        return None
    text = f"import {module}" if name is None else f"from {module} import {name}"
    if not block:
        return None
    section = style.section(module)
    if name is not None and not style.force_single_line:
        joined = _join_from(source, block, module, name, style.combine_as_imports)
        if joined is not None:
            return joined
    key = _new_key(module, name, style)
    same = [line for line in block if line.section == section]
    if same:
        after = next((line for line in same if line.key > key), None)
        if after is not None:
            return _before(source, after, [text])
        return insert_after_row(source, same[-1].last, [text])
    earlier = [line for line in block if line.section < section]
    if earlier:
        last = max(earlier, key=lambda line: line.last)
        return insert_after_row(source, last.last, ["", text])
    first = min(block, key=lambda line: line.top)
    return _before(source, first, [text, ""])


def _before(source: SourceFile, line: _Line, lines: list[str]) -> Edit:
    """Whole `lines` inserted above an import statement (and the comments that lead it)."""
    at = Location(line.top, 0)
    return Edit("".join(text + source.newline for text in lines), at, at)


def _join_from(source: SourceFile, block: list[_Line], module: str, name: str,
               combine_as: bool = False) -> Edit | None:
    """`name` added to the block's `from module import ...` (as ruff combines them), the
    names in ruff's order; None when there is none to join, or it carries comments. A
    statement with `as` names is joined only with `combine-as-imports` (else ruff keeps it
    apart)."""
    for line in block:
        node = line.node
        if not isinstance(node, ast.ImportFrom) or node.level or node.module != module:
            continue
        if "*" in [alias.name for alias in node.names] \
                or (not combine_as and any(alias.asname for alias in node.names)):
            continue
        spelled = {alias.name + (f" as {alias.asname}" if alias.asname else ""): alias.name
                   for alias in node.names}
        start, end = Location(line.first, 0), Location(line.last, len(source.line(line.last)))
        old = source.text[source.offset(start):source.offset(end)]
        if "#" in old or "\\" in old or not old.startswith("from"):
            return None
        spelled.setdefault(name, name)
        names = sorted(spelled, key=lambda text: (member_key(spelled[text]), text))
        one = f"from {module} import {', '.join(names)}"
        magic_comma = re.search(r",\s*\)\s*$", old) is not None
        if len(one) <= MAX_LINE and not magic_comma:
            new = one
        else:
            nl = source.newline
            new = f"from {module} import ({nl}" + "".join(
                f"    {n},{nl}" for n in names) + ")"
        return Edit(new, start, end)
    return None


# -- imports a fix left unused ------------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    """A module-level import binding a name: the statement and which of its names."""

    node: _Import
    alias: ast.alias

    @property
    def name(self) -> str:
        if self.alias.asname:
            return self.alias.asname
        return self.alias.name.split(".", 1)[0]


def import_bindings(tree: ast.Module) -> list[Binding]:
    """The module-level imports whose names removal could concern: not `*`, not `__future__`,
    not a re-export spelt `import x as x` / `from m import x as x`."""
    found: list[Binding] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*" or alias.asname == alias.name.rsplit(".", 1)[-1]:
                    continue
                found.append(Binding(node, alias))
    return found


def name_uses(tree: ast.Module, names: set[str]) -> dict[str, int]:
    """How often each of `names` is used in the module, import statements aside: as a name,
    in `__all__`, or in a string that reads as code mentioning it (a string annotation, a
    `cast("T", x)`): a string counts when unsure."""
    return {name: len(found) for name, found in _uses_in(names_and_strings(tree), names).items()}


def _uses_in(leaves: tuple[list[ast.Name], list[ast.Constant]], names: Iterable[str]
             ) -> dict[str, list[ast.expr]]:
    """The nodes among a module's names and strings (`names_and_strings`) that use each of
    `names`: a name spelled so, or a string that is it or reads as code mentioning it."""
    found: dict[str, list[ast.expr]] = {name: [] for name in names}
    used, strings = leaves
    for node in used:
        if node.id in found:
            found[node.id].append(node)
    for constant in strings:
        text = cast(str, constant.value)  # `names_and_strings` gives only strings
        for name, uses in found.items():
            if name in text and _mentions(text, name):
                uses.append(constant)
    return found


def _mentions(text: str, name: str) -> bool:
    """Whether a string is `name` or code that uses it (a word alone counts)."""
    if text == name:
        return True
    try:
        expr = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def drop_bindings(source: SourceFile, node: _Import, dropped: list[ast.alias]) -> Edit | None:
    """The edit removing names of one import statement (the whole statement when none is
    left); None when its text is not one this can rewrite safely (comments, `;`, `\\`)."""
    first, last = node.lineno, node.end_lineno or node.lineno
    start = Location(first, node.col_offset)
    line_end = Location(last, len(source.line(last)))
    text = source.text[source.offset(start):source.offset(line_end)]
    if source.line(first)[: node.col_offset].strip() or "#" in text or ";" in text \
            or "\\" in text:
        return None
    kept = [a for a in node.names if all(a is not d for d in dropped)]
    if not kept:
        end = Location(last + 1, 0) if last < len(source.line_starts) else line_end
        return Edit("", Location(first, 0), end)
    spelled = [a.name + (f" as {a.asname}" if a.asname else "") for a in kept]
    if isinstance(node, ast.Import):
        return Edit(f"import {', '.join(spelled)}", start, line_end)
    head = f"from {'.' * node.level}{node.module or ''} import "
    new = head + ", ".join(spelled)
    if len(new) > MAX_LINE or "(" in text:
        nl = source.newline
        new = f"{head}({nl}" + "".join(f"    {n},{nl}" for n in spelled) + ")"
    return Edit(new, start, line_end)


def unused_after_fixes(path: str, before: ast.Module, source: SourceFile) -> list[Edit]:
    """The edits removing the module-level imports of fixed code (`source`) whose names the
    code before the fixes (`before`) used and the fixed code no longer uses at all: the fixes
    made them unused. Nothing in an `__init__.py` (its imports may be re-exports)."""
    if is_package_init(path):
        return []
    try:
        after = ast.parse(source.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    bindings = import_bindings(after)
    names = {b.name for b in bindings}
    if not names:
        return []
    old, new = name_uses(before, names), name_uses(after, names)
    gone = [b for b in bindings if old[b.name] and not new[b.name]]
    # A name bound twice (two imports, or an import and an assignment) is left alone.
    bound = [b.name for b in bindings]
    gone = [b for b in gone if bound.count(b.name) == 1]
    edits: list[Edit] = []
    for node in dict.fromkeys(b.node for b in gone):
        edit = drop_bindings(source, node, [b.alias for b in gone if b.node is node])
        if edit is not None:
            edits.append(edit)
    return edits


@dataclass(frozen=True)
class _Use:
    """Where a name is used (a `Name`, or a string that reads as code mentioning it)."""

    start: Location
    end: Location


class ImportUses:
    """The uses of each module-level import's name: what tells which import a single fix
    leaves without a use (its edits cover every use).

    Uses are looked for only when a fix's edits replace text in which one of the names may
    be written, and only for those names; the module's names and strings are collected once,
    on the first such fix. Most fixes (a renamed call) replace no import's use: measured on
    the benchmark corpus, walking every module with a fix, and checking each of its strings
    against each imported name, was most of what a cold JSON run paid for fixes."""

    def __init__(self, source: SourceFile, tree: ast.Module, path: str) -> None:
        self.source = source
        self.tree = tree
        self.bindings = [] if is_package_init(path) else import_bindings(tree)
        bound = Counter(b.name for b in self.bindings)
        # A name two imports bind is left alone.
        self._once = [b for b in self.bindings if bound[b.name] == 1]
        self._uses: dict[str, list[_Use]] = {}
        self._leaves: tuple[list[ast.Name], list[ast.Constant]] | None = None

    def uses_of(self, names: Iterable[str]) -> dict[str, list[_Use]]:
        """The uses of `names` in the module, import statements aside: as a name, or a string
        that reads as code mentioning it (a string counts when unsure)."""
        names = list(names)
        todo = {name for name in names if name not in self._uses}
        if todo:
            if self._leaves is None:
                self._leaves = names_and_strings(self.tree)
            for name, nodes in _uses_in(self._leaves, todo).items():
                self._uses[name] = [self._use(node) for node in nodes]
        return {name: self._uses[name] for name in names}

    def _use(self, node: ast.expr) -> _Use:
        source = self.source
        end_row = node.end_lineno or node.lineno
        return _Use(Location(node.lineno, source.col_from_utf8(node.lineno, node.col_offset)),
                    Location(end_row, source.col_from_utf8(end_row, node.end_col_offset or 0)))

    def left_unused(self, edits: Iterable[Edit]) -> list[Edit]:
        """The edits removing the imports whose every use lies inside `edits` (replaced), when
        no edit writes the name again."""
        edits = list(edits)
        written = " ".join(e.content for e in edits)
        replaced = [self.source.text[self.source.offset(e.start):self.source.offset(e.end)]
                    for e in edits]
        # A use inside an edit is a name, or a string, whose text is in what the edit
        # replaces: a name is written there as a word of its own, a string spells it unless
        # escapes (`"\x6fs"`) or concatenation (`"o" "s"`) are involved; a non-ASCII spelling
        # (a full-width letter reads as its ASCII one) is not looked for: then any name may be
        # used there.
        unsure = any(not text.isascii() or "\\" in text or "'" in text or '"' in text
                     for text in replaced)
        maybe = [b for b in self._once
                 if unsure or any(spells_identifier(text, b.name) for text in replaced)]
        maybe = [b for b in maybe
                 if not re.search(rf"(?<![\w.]){re.escape(b.name)}\b", written)]
        if not maybe:
            return []
        uses = self.uses_of(b.name for b in maybe)
        gone = [b for b in maybe if uses[b.name] and all(
            any(e.start <= u.start and u.end <= e.end for e in edits) for u in uses[b.name])]
        found: list[Edit] = []
        for node in dict.fromkeys(b.node for b in gone):
            edit = drop_bindings(self.source, node, [b.alias for b in gone if b.node is node])
            if edit is not None and not any(edit.overlaps(e) for e in edits):
                found.append(edit)
        return found


def is_package_init(path: str) -> bool:
    """An `__init__.py` (its imports may be re-exports: none is removed there)."""
    return os.path.basename(path) in ("__init__.py", "__init__.pyi")
