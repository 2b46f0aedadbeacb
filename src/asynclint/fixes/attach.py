"""Turning a module's findings into findings with fixes: each rule that offered a fix builds it.

The engine hands in its analysis; this module only needs the few things named by `Analysed`,
so it does not import the engine (which imports fixes, not the other way round).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from asynclint.diagnostics import Diagnostic, Fix
from asynclint.semantic.model import SemanticModel
from asynclint.source import SourceFile

if TYPE_CHECKING:
    from asynclint.fixes.context import FixContext
    from asynclint.fixes.imports import ImportStyle, ImportUses


class Fixer(Protocol):
    """What builds a fix: a rule (`rules.base.Rule.text_fix`, else `Rule.fix`)."""

    def text_fix(self, source: SourceFile, diagnostic: Diagnostic) -> Fix | None: ...

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Fix | None: ...


class Analysed(Protocol):
    """A parsed module and its findings, as `attach_fixes` needs it (`engine.analyze.Analysis`
    is one): its rules by code, to ask the one behind each finding for its fix."""

    @property
    def source(self) -> SourceFile: ...

    @property
    def tree(self) -> ast.Module | None: ...

    @property
    def diagnostics(self) -> list[Diagnostic]: ...

    @property
    def rules(self) -> Mapping[str, Fixer]: ...

    @property
    def semantic(self) -> SemanticModel | None: ...

    @property
    def import_style(self) -> ImportStyle: ...


def attach_fixes(analysis: Analysed, unplaced: list[Diagnostic] | None = None
                 ) -> list[Diagnostic]:
    """Compute the fix of every diagnostic that offers one: an exact text edit when the rule
    knows one (`text_fix`), else through a `FixContext` (libcst is imported when a fix looks at
    a node). A finding whose fix cannot be built because libcst cannot parse or position the
    code around it (too deeply nested) keeps no fix, and is added to `unplaced` when given; a
    fix written from the code's text needs no libcst, and is built wherever `ast` parsed."""
    if analysis.tree is None or not any(d.fix_plan is not None for d in analysis.diagnostics):
        return analysis.diagnostics
    fctx: FixContext | None = None
    uses: ImportUses | None = None
    out: list[Diagnostic] = []
    for diag in analysis.diagnostics:
        fix = None
        if diag.fix_plan is not None:
            rule = analysis.rules[diag.code]
            fix = rule.text_fix(analysis.source, diag)
            if fix is None:
                if fctx is None:
                    from asynclint.fixes.context import FixContext

                    assert analysis.semantic is not None
                    fctx = FixContext(analysis.source, analysis.tree, analysis.semantic,
                                      analysis.import_style)
                try:
                    fix = rule.fix(fctx, diag)
                    if fix is None and unplaced is not None and not fctx.usable_for(diag):
                        unplaced.append(diag)
                except RecursionError:  # libcst renders and walks recursively
                    if unplaced is not None:
                        unplaced.append(diag)
        if fix is None and diag.fix_plan is not None:
            # The fix could not be built here: say so honestly instead of promising one.
            diag = _without_fix(diag)
        elif fix is not None:
            # The imports the fix leaves without a use go in the same fix (ruff's F401).
            if uses is None:
                from asynclint.fixes.imports import ImportUses

                uses = ImportUses(analysis.source, analysis.tree, diag.path)
            dropped = uses.left_unused(fix.edits)
            if dropped:
                fix = replace(fix, edits=(*fix.edits, *dropped))
            diag = _with_fix(diag, fix)
        out.append(diag)
    return out


def _with_fix(diag: Diagnostic, fix: Fix) -> Diagnostic:
    return replace(diag, fix=fix)


def _without_fix(diag: Diagnostic) -> Diagnostic:
    return replace(diag, fix=None, fix_title=None, applicability=None, fix_plan=None)
