"""The rule API: one class per rule, its documentation beside its logic, one shared traversal.

A rule handles the AST node types it wants in methods named after their `ast` classes, as an
`ast.NodeVisitor` would: `visit_Call(self, node: ast.Call)` before the node's children,
`leave_With(self, node: ast.With)` after them. The engine walks each module once and calls, for
each node, the method of every rule that has one for the node's type. Rules never parse, print
or read files: they get a `RuleContext` and call `report`. A rule's fix is computed later and
only on demand (`fix`), because fixes need libcst, which a plain check must not import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from asynclint.codes import CODES, PEERS
from asynclint.config.environment import Environment
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, FixPlan, Location
from asynclint.semantic import cancellation
from asynclint.semantic.model import SemanticModel
from asynclint.source import SourceFile

if TYPE_CHECKING:
    from asynclint.config import Settings
    from asynclint.fixes.context import FixContext


@dataclass
class RuleContext:
    """What a rule may see of the file being checked, and where its findings go."""

    path: str
    source: SourceFile
    tree: ast.Module
    semantic: SemanticModel
    settings: Settings
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The project index as seen from this file (`semantic.project.view.ProjectView`), or None.
    project: Any = None
    # Facts read from files other than the checked one (`config.environment.Environment`):
    # a rule asks through it, never reads a file itself, so the reads are recorded.
    environment: Environment = field(default_factory=Environment)

    def release(self) -> None:
        """Let go of the findings (their fix data holds nodes of the tree) and of the project
        view once the file is done (`Analysis.release`). The tree and the model stay: their
        owner releases the model, and nothing refers back to this context but the rules."""
        self.diagnostics = []
        self.project = None

    def location(self, row: int, utf8_col: int) -> Location:
        return Location(row, self.source.col_from_utf8(row, utf8_col))

    def node_range(self, node: ast.AST) -> tuple[Location, Location]:
        start = self.location(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_row = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.location(end_row, end_col) if end_col is not None else start
        return start, end

    def indent_if_alone(self, stmt: ast.stmt) -> str | None:
        """The indentation of `stmt` when it has its lines to itself (only a comment may follow
        it): what a fix needs to add whole lines after it, or to move it."""
        first = self.source.line(stmt.lineno)
        indent = first[: self.location(stmt.lineno, stmt.col_offset).col]
        if indent.strip():
            return None
        end_row = stmt.end_lineno or stmt.lineno
        end_col = self.location(end_row, stmt.end_col_offset or 0).col
        rest = self.source.line(end_row)[end_col:].strip()
        if rest and not rest.startswith("#"):
            return None
        return indent

    def cleanup_block(self, node: ast.AST) -> str | None:
        """Whether `node` (being visited, or inside what is) runs in a `finally` block or a
        handler of cancellation (`semantic.cancellation.cleanup_block`)."""
        semantic = self.semantic
        return cancellation.cleanup_block(
            node, semantic.ancestors(),
            lambda handler: cancellation.catches_cancellation(handler, semantic.resolve))

    def report(
        self,
        rule: Rule,
        node: ast.AST,
        message: str,
        *,
        fix_plan: FixPlan | None = None,
        fix_title: str | None = None,
        applicability: Applicability | None = None,
    ) -> None:
        """Record a finding. A fix is offered when the rule has one and `fix_plan` is given."""
        start, end = self.node_range(node)
        offered = fix_plan is not None and rule.fix_applicability is not None
        if offered and fix_plan is not None and fix_plan.adds_await \
                and applicability is not Applicability.DISPLAY_ONLY:
            cleanup = self.cleanup_block(node)
            if cleanup is not None:
                applicability = Applicability.DISPLAY_ONLY
                fix_title = f"{fix_title or rule.fix_title} ({_CLEANUP_REASON[cleanup]})"
        self.diagnostics.append(
            Diagnostic(
                code=rule.code,
                name=rule.name,
                message=message,
                path=self.path,
                start=start,
                end=end,
                noqa_row=start.row,
                fix_title=(fix_title or rule.fix_title) if offered else None,
                applicability=(applicability or rule.fix_applicability) if offered else None,
                fix_plan=fix_plan if offered else None,
            )
        )


# Why a fix that adds an `await` is only shown in cleanup code (`RuleContext.cleanup_block`).
_CLEANUP_REASON = {
    "finally": "not applied in a `finally` block: a second cancellation at the new `await` "
               "would skip the rest of the cleanup",
    "handler": "not applied in a handler of cancellation: a second cancellation at the new "
               "`await` would skip the rest of the handler",
}


class Rule:
    """Base class: subclasses set the metadata and implement `visit_<Node>` methods (and `fix`).

    A method named after an abstract `ast` class handles all its subclasses
    (`visit_stmt(self, node: ast.stmt)` sees every statement); where a rule has methods for
    both, the one for the more specific class is called, once.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    explanation: ClassVar[str]
    bad_example: ClassVar[str]
    good_example: ClassVar[str]
    # The message's shapes, `{placeholder}` where the finding fills in a name (ruff's
    # `message_formats`, shown by `asynclint rule --output-format json`); a test checks every
    # fixture's message against them.
    message_formats: ClassVar[tuple[str, ...]] = ()
    fix_title: ClassVar[str | None] = None
    fix_applicability: ClassVar[Applicability | None] = None
    fix_safety: ClassVar[str] = ""
    overlaps: ClassVar[tuple[str, ...]] = ()
    default_enabled: ClassVar[bool] = True
    # Settings the examples assume, as inline TOML of `[tool.asynclint]` (docs show it).
    example_config: ClassVar[str] = ""
    # Derived from the methods when the class is defined, so the engine's traversal only looks
    # them up: each `visit_<Node>` (`leave_<Node>`) method's name and the node types it is
    # called for.
    visitors: ClassVar[Mapping[str, tuple[type[ast.AST], ...]]] = {}
    leavers: ClassVar[Mapping[str, tuple[type[ast.AST], ...]]] = {}
    # The rule can only fire when one of these strings occurs in the source (cheap pre-filter).
    requires_text: ClassVar[tuple[str, ...]] = ()
    # The rule reports only code that runs as part of a coroutine body (`SemanticModel.
    # in_async_function`): the engine does not call its `visit_*` methods for nodes anywhere
    # else (its `leave_*` methods are called everywhere).
    async_only: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.visitors = _dispatch_table(cls, "visit_")
        cls.leavers = _dispatch_table(cls, "leave_")

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        # The context's model, as an attribute: visitors ask for it a third of a million
        # times in a cold run of the benchmark corpus (a property is a call each time).
        self.semantic: SemanticModel = ctx.semantic

    def finish(self) -> None:
        """Called once after the whole module was walked."""

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None:
        """Compute the fix for one of this rule's diagnostics from its `fix_plan` (libcst is
        available here): a short method that hands the plan to a codemod of `fixes`."""
        return None

    def text_fix(self, source: SourceFile, diagnostic: Diagnostic) -> Fix | None:
        """The fix when it is an exact text edit known without libcst (None: `fix` builds it).
        It must be the edit `fix` would build, byte for byte: a test of the rule compares the
        two."""
        return None

    def fix_with(self, diagnostic: Diagnostic, edits: tuple[Edit, ...] | None,
                 title: str | None = None) -> Fix | None:
        """The fix made of a codemod's `edits` (None: it could not be built here), titled and
        rated as the finding offered it unless `title` says otherwise."""
        if edits is None or diagnostic.applicability is None:
            return None
        return Fix(title or diagnostic.fix_title or "", diagnostic.applicability, edits)

    def report(self, node: ast.AST, message: str, **kwargs: Any) -> None:
        self.ctx.report(self, node, message, **kwargs)


def _dispatch_table(cls: type[Rule], prefix: str) -> dict[str, tuple[type[ast.AST], ...]]:
    """Which node types each of `cls`'s `<prefix><Node>` methods is called for.

    A method for a class not in `ast` (`visit_call`), or a bare `visit`/`leave` (the
    `ast.NodeVisitor` entry point, which the engine never calls), would silently never run:
    refused when the class is defined.
    """
    if hasattr(cls, prefix[:-1]):
        raise TypeError(f"{cls.__name__}.{prefix[:-1]} is never called: name the method after "
                        f"the node class it handles, e.g. {prefix}Call")
    declared: dict[type[ast.AST], str] = {}
    for name in dir(cls):
        if name.startswith(prefix):
            kind = getattr(ast, name[len(prefix):], None)
            if not (isinstance(kind, type) and issubclass(kind, ast.AST)):
                raise TypeError(f"{cls.__name__}.{name}: `ast` has no node class "
                                f"{name[len(prefix):]!r}")
            declared[kind] = name
    table: dict[str, list[type[ast.AST]]] = {}
    for kind in dict.fromkeys(k for d in declared for k in _with_subclasses(d)):
        # The most specific method wins: the first class of the node type's MRO declared.
        name = next(declared[c] for c in kind.__mro__ if c in declared)
        table.setdefault(name, []).append(kind)
    return {name: tuple(kinds) for name, kinds in table.items()}


def _with_subclasses(kind: type[ast.AST]) -> Iterator[type[ast.AST]]:
    yield kind
    for sub in kind.__subclasses__():
        yield from _with_subclasses(sub)


def check_rule(cls: type[Rule], known: Mapping[str, type[Rule]]) -> None:
    """Refuse a rule the registry cannot hold as declared. Selection knows codes only from
    `asynclint.codes`, so a rule missing there (or with another default) could never be
    selected as declared; `# noqa` knows peer codes only from there, so `overlaps` must match
    its `PEERS` entry; and a code means one rule."""
    if cls.code in known:
        raise ValueError(f"duplicate rule code {cls.code}")
    if not cls.code.startswith("ASL") or len(cls.code) != 6 or not cls.code[3:].isdigit():
        raise ValueError(f"rule code {cls.code!r} must look like ASL123")
    if CODES.get(cls.code) is not cls.default_enabled:
        raise ValueError(f"rule code {cls.code} must be in asynclint/codes.py as "
                         f"{cls.code!r}: {cls.default_enabled}")
    if PEERS.get(cls.code, ()) != cls.overlaps:
        raise ValueError(f"rule code {cls.code} must be in asynclint/codes.py PEERS as "
                         f"{cls.code!r}: {cls.overlaps!r} (the `# noqa` peer codes)")

