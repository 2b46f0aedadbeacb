"""The gather codemod of ASL400 and ASL401: awaits made concurrent with `asyncio.gather` (or an
`asyncio.TaskGroup` block), written from the statements' own code.

ASL400 turns a run of statements that each await one call into one `gather` (or a TaskGroup
block when the plan says so): the targets, annotations and comments of the statements are
kept. ASL401 turns a loop or a list comprehension awaiting one call per item into a `gather`
over a generator expression.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from asynclint.diagnostics import Diagnostic, Edit
from asynclint.fixes.context import FixContext
from asynclint.fixes.edits import fits_on_line, fresh_name, indent_lines
from asynclint.semantic.nodes import walk


# -- ASL400: a run of awaits -------------------------------------------------------------------
def sequential(fctx: FixContext, diagnostic: Diagnostic, count: int,
               taskgroup: bool) -> tuple[Edit, ...] | None:
    """The `count` statements from the finding's on, gathered (or in a TaskGroup block), and
    the import of asyncio; None when they cannot be rewritten faithfully."""
    first = fctx.node_at(diagnostic, cst.SimpleStatementLine)
    if first is None:
        return None
    lines = _following_lines(fctx.module_of(first), first, count)
    if lines is None or not _single_statements(lines):
        return None
    parts = [_statement_parts(line) for line in lines]
    if any(p is None for p in parts):
        return None
    imported = fctx.import_module("asyncio")
    if imported is None:
        return None
    asyncio_name, import_edits = imported
    taken = _names_near(fctx.tree, diagnostic.start.row)
    code = fctx.code_for_node
    indent = fctx.source.line(fctx.range_of(first.body[0])[0].row)
    indent = indent[: len(indent) - len(indent.lstrip())]
    step = fctx.default_indent
    inner = indent + (_continuation(indent) if not taskgroup else step)
    items = [
        _Part(t, a, _reindented(c, code(c), inner), above, after)
        for (t, a, c), (above, after) in zip(
            (p for p in parts if p is not None), _comments(lines), strict=True)
    ]
    text: str | None
    if taskgroup:
        text = _taskgroup_text(items, asyncio_name, indent, fctx.default_indent, taken)
    else:
        text = _gather_text(items, asyncio_name, indent, taken)
    if text is None:
        return None
    start = fctx.range_of(first.body[0])[0]
    last_comment = lines[-1].trailing_whitespace.comment
    end = fctx.range_of(last_comment if last_comment is not None else lines[-1].body[0])[1]
    return (Edit(text.replace("\n", fctx.source.newline), start, end), *import_edits)


def _names_near(tree: ast.Module, row: int) -> set[str]:
    """Names a new binding at `row` could clash with: those of the innermost function around
    it, and those bound or used at module level."""
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    # Only the top-level statement spanning `row` can hold such a function: walking it alone
    # keeps a fix's cost independent of the file's length.
    around = [s for s in tree.body if s.lineno <= row <= (s.end_lineno or s.lineno)]
    for node in (n for top in around for n in walk(top)):
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.lineno <= row <= (node.end_lineno or node.lineno)
                and (function is None or node.lineno >= function.lineno)):
            function = node
    names = _names_in(function) if function is not None else set()
    module_level = [s for s in tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    for stmt in module_level:
        names |= _names_in(stmt)
    names |= {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return names


def _names_in(root: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in walk(root):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".", 1)[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _following_lines(module: cst.Module, first: cst.SimpleStatementLine,
                     count: int) -> list[cst.SimpleStatementLine] | None:
    """`first` and the `count - 1` statement lines after it in its block."""
    found: list[cst.SimpleStatementLine] | None = None

    class Finder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nonlocal found
            body = getattr(node, "body", None)
            if found is None and isinstance(body, (list, tuple)):
                for i, stmt in enumerate(body):
                    if stmt is first:
                        chunk = list(body[i:i + count])
                        if len(chunk) == count and all(
                                isinstance(s, cst.SimpleStatementLine) for s in chunk):
                            found = chunk
                        return False
            return found is None

    module.visit(Finder())
    return found


def _single_statements(lines: list[cst.SimpleStatementLine]) -> bool:
    return all(len(line.body) == 1 for line in lines)


def _comments(lines: list[cst.SimpleStatementLine]) -> list[tuple[list[str], str | None]]:
    """Per statement: the comment lines above it (after the first) and its trailing comment,
    which the rewrite moves next to the statement's call."""
    out: list[tuple[list[str], str | None]] = []
    for i, line in enumerate(lines):
        above = [e.comment.value for e in line.leading_lines if e.comment is not None] if i else []
        trailing = line.trailing_whitespace.comment
        after = trailing.value if trailing is not None else None
        out.append((above, after))
    return out


def _statement_parts(
    line: cst.SimpleStatementLine,
) -> tuple[str | None, str | None, cst.BaseExpression] | None:
    """(target text, annotation text, awaited call) of one statement line."""
    small = line.body[0]
    module = cst.Module(body=[])
    if isinstance(small, cst.Expr):
        value, target, annotation = small.value, None, None
    elif isinstance(small, cst.Assign) and len(small.targets) == 1:
        value = small.value
        node = small.targets[0].target
        target = module.code_for_node(node)
        annotation = None
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        value = small.value
        target = module.code_for_node(small.target)
        annotation = module.code_for_node(small.annotation.annotation)
    else:
        return None
    if not isinstance(value, cst.Await) or not isinstance(value.expression, cst.Call):
        return None
    return target, annotation, value.expression


@dataclass
class _Part:
    """One statement of a run, as text: target, annotation, call, and its comments."""

    target: str | None
    annotation: str | None
    call: str
    above: list[str]
    after: str | None

    def call_lines(self, indent: str, line: str) -> list[str]:
        lines = [f"{indent}{comment}" for comment in self.above]
        lines.append(f"{indent}{line}" + (f"  {self.after}" if self.after else ""))
        return lines


def _continuation(indent: str) -> str:
    """One step of a continuation line's indentation: a tab in tab-indented code."""
    return "\t" if indent.startswith("\t") else "    "


def _gather_text(parts: list[_Part], asyncio_name: str, indent: str,
                 taken: set[str]) -> str | None:
    targets = [p.target for p in parts]
    lines = [f"{p.target}: {p.annotation}" for p in parts if p.annotation and p.target]
    head = ""
    if any(t is not None for t in targets):
        if None in targets and "_" in taken:
            return None
        head = ", ".join(_nested_target(t) if t is not None else "_" for t in targets) + " = "
    calls = [p.call for p in parts]
    one_line = f"{head}await {asyncio_name}.gather({', '.join(calls)})"
    commented = any(p.above or p.after for p in parts)
    if fits_on_line(indent, one_line) and not commented:
        statement = one_line
    else:
        inner = indent + _continuation(indent)
        body = [line for p in parts for line in p.call_lines(inner, f"{p.call},")]
        statement = "\n".join([f"{head}await {asyncio_name}.gather(", *body, f"{indent})"])
    return f"\n{indent}".join([*lines, statement])


def _reindented(node: cst.CSTNode, text: str, indent: str) -> str:
    """A multi-line call printed alone loses its block's indentation: put it back (unless a
    multi-line string would change with it)."""
    if "\n" not in text:
        return text
    for sub in _walk_cst(node):
        if isinstance(sub, (cst.SimpleString, cst.FormattedStringText)) and "\n" in (
                sub.value):
            return text
    first, *rest = text.split("\n")
    return "\n".join([first, *indent_lines(rest, indent)])


def _nested_target(target: str) -> str:
    """A tuple target nested in the gather's target tuple needs parentheses."""
    try:
        node = ast.parse(f"{target} = 0").body[0]
    except SyntaxError:
        return f"({target})"
    assert isinstance(node, ast.Assign)
    if isinstance(node.targets[0], ast.Tuple) and not target.lstrip().startswith("("):
        return f"({target})"
    return target


def _task_name(target: str, index: int) -> str:
    names = [n.strip().lstrip("*") for n in target.strip("()[] ").split(",") if n.strip()]
    if names and all(n.isidentifier() for n in names):
        return "_".join(names) + "_task"
    return f"task{index}"


def _taskgroup_text(parts: list[_Part], asyncio_name: str, indent: str, step: str,
                    taken: set[str]) -> str:
    taken = set(taken)
    group = fresh_name("tg", taken)
    inner = indent + step
    out = [f"async with {asyncio_name}.TaskGroup() as {group}:"]
    results: list[str] = []
    for i, part in enumerate(parts, start=1):
        if part.target is None:
            out += part.call_lines(inner, f"{group}.create_task({part.call})")
            continue
        task = fresh_name(_task_name(part.target, i), taken)
        out += part.call_lines(inner, f"{task} = {group}.create_task({part.call})")
        declared = f"{part.target}: {part.annotation}" if part.annotation else part.target
        results.append(f"{indent}{declared} = {task}.result()")
    return "\n".join([*out, *results])


# -- ASL401: one await per item ----------------------------------------------------------------
def over_items(fctx: FixContext, diagnostic: Diagnostic, form: str,
               needs_parens: bool) -> tuple[Edit, ...] | None:
    """The loop (`form` "loop", or "append" collecting into a list) or list comprehension
    ("comprehension") of the finding as one `gather` over a generator expression, and the
    import of asyncio; None when a comment would be lost or the code is not as planned."""
    imported = fctx.import_module("asyncio")
    if imported is None:
        return None
    asyncio_name, import_edits = imported
    code = fctx.code_for_node
    if form == "comprehension":
        comp = fctx.node_at(diagnostic, cst.ListComp)
        if comp is None or not isinstance(comp.elt, cst.Await) or _has_comment(comp):
            return None
        gen = cst.GeneratorExp(elt=comp.elt.expression, for_in=comp.for_in)
        text = f"await {asyncio_name}.gather(*{code(gen)})"
        if needs_parens or comp.lpar:
            text = f"({text})"
        return (Edit(text, *fctx.range_of(comp)), *import_edits)
    loop = fctx.node_at(diagnostic, cst.For)
    if loop is None:
        return None
    body = loop.body.body
    if len(body) != 1 or not isinstance(body[0], (cst.SimpleStatementLine, cst.Expr)):
        return None
    small = body[0].body[0] if isinstance(body[0], cst.SimpleStatementLine) else body[0]
    # The rewrite keeps the comment after the loop's statement; any other would be lost.
    kept = body[0].trailing_whitespace.comment \
        if isinstance(body[0], cst.SimpleStatementLine) else None
    comments = [n for n in _walk_cst(loop) if isinstance(n, cst.Comment)]
    if not isinstance(small, cst.Expr) or any(c is not kept for c in comments):
        return None
    value = small.value
    call: cst.BaseExpression
    if form == "append":
        if not (isinstance(value, cst.Call) and isinstance(value.args[0].value, cst.Await)):
            return None
        call = value.args[0].value.expression
    elif isinstance(value, cst.Await):
        call = value.expression
    else:
        return None
    gen = cst.GeneratorExp(
        elt=call,
        for_in=cst.CompFor(target=loop.target, iter=loop.iter),
    )
    gathered = f"await {asyncio_name}.gather(*{code(gen)})"
    if form == "append":
        assert isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
        text = f"{code(value.func.value)}.extend({gathered})"
    else:
        text = gathered
    start = fctx.range_of(loop)[0]
    end = fctx.range_of(small)[1]
    return (Edit(text, start, end), *import_edits)


def _has_comment(node: cst.CSTNode) -> bool:
    return any(isinstance(n, cst.Comment) for n in _walk_cst(node))


def _walk_cst(node: cst.CSTNode) -> list[cst.CSTNode]:
    out = [node]
    for child in node.children:
        out.extend(_walk_cst(child))
    return out
