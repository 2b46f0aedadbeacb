"""One module to findings: parse once with `ast`, pick the rules the file can trigger, walk
once, drop what `# noqa` suppresses. The `Analysis` is kept so fixes can be computed without
parsing again."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asynclint.config import Settings
from asynclint.diagnostics import SYNTAX_ERROR, Diagnostic, Location
from asynclint.engine import noqa
from asynclint.engine.gc_pause import paused_gc
from asynclint.engine.index_store import index_for
from asynclint.engine.installed import site_roots
from asynclint.engine.traversal import walk
from asynclint.rules import Rule, RuleContext, load_registry
from asynclint.semantic.model import SemanticModel
from asynclint.semantic.project.lookups import SELF_DEP
from asynclint.semantic.project.summaries import note_yield_rows
from asynclint.semantic.project.view import ProjectView
from asynclint.source import SourceFile

if TYPE_CHECKING:
    from asynclint.fixes.imports import ImportStyle


def _rules_for(codes: frozenset[str], text: str) -> list[type[Rule]]:
    registry = load_registry()
    chosen = []
    coroutines = "async" in text  # without `async def`, an `async_only` rule is never called
    # Rules share words (ASL300/301/303 all six of theirs): each is looked for in the text
    # once. A word absent is a scan of the whole text; on the benchmark corpus these scans
    # were a twentieth of a cold run, a third of them repeats.
    found: dict[str, bool] = {}
    for code in sorted(codes):
        rule = registry[code]
        if rule.async_only and not coroutines:
            continue
        words = rule.requires_text
        if not words:
            chosen.append(rule)
            continue
        for word in words:
            present = found.get(word)
            if present is None:
                present = found[word] = word in text
            if present:
                chosen.append(rule)
                break
    return chosen


def _syntax_diagnostic(path: str, source: SourceFile, exc: BaseException) -> Diagnostic:
    if isinstance(exc, SyntaxError):
        row = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        from asynclint.semantic.catalogs.syntax_versions import newer_syntax

        message = f"SyntaxError: {exc.msg}"
        v = sys.version_info
        newer = newer_syntax(source.line(row), exc.msg or "", (v.major, v.minor))
        if newer is not None:
            need = f"{newer.version[0]}.{newer.version[1]}"
            message += (
                f"; {newer.what} needs Python {need}+, and asynclint parses with the grammar of "
                f"the Python running it ({v.major}.{v.minor}): run it with Python {need} or newer"
            )
    elif isinstance(exc, (RecursionError, MemoryError)):
        row, col, message = 1, 0, "SyntaxError: the file is nested too deeply to parse"
    else:
        row, col, message = 1, 0, f"SyntaxError: {exc}"
    code, name = SYNTAX_ERROR
    row = min(row, max(len(source.line_starts), 1))
    loc = Location(row, min(col, len(source.line(row))))
    return Diagnostic(code, name, message, path, loc, loc, row)


@dataclass
class Analysis:
    """A parsed module and its findings; kept so fixes can be computed without re-parsing."""

    source: SourceFile
    tree: ast.Module | None
    diagnostics: list[Diagnostic]
    rules: dict[str, Rule]
    semantic: SemanticModel | None
    project: ProjectView | None = None
    context: RuleContext | None = None
    _style: ImportStyle | None = field(default=None, repr=False)

    @property
    def import_style(self) -> ImportStyle:
        """How the checked file's project sorts imports (where a fix puts a new one); what it
        reads is recorded with the rules' reads, so the fixes' inputs are in `deps` too."""
        if self._style is None:
            from asynclint.engine.import_style import import_style_for

            if self.context is None:
                self._style = import_style_for(None, None)
            else:
                self._style = import_style_for(self.context.path, self.context.settings,
                                               self.context.environment)
        return self._style

    def deps(self) -> list[list[str]]:
        """What the result depends on besides the file: project-index lookups and the
        environment files the rules (and, once computed, the fixes) read (a cached result is
        reused only while they hold). A fix's import style also follows the file's own module
        name (its package is first-party)."""
        found = self.project.dep_list() if self.project is not None else []
        if self._style is not None and self.project is not None and not found:
            found.append([SELF_DEP, self.project.module_name or "", ""])
        if self.context is not None:
            found.extend(self.context.environment.dep_list())
        return found

    def release(self) -> None:
        """Break the analysis' reference cycles once it is no longer needed (see
        `SemanticModel.release`); a long-lived holder (the editor) simply never calls it."""
        if self.semantic is not None:
            self.semantic.release()
        if self.context is not None:
            self.context.release()
        if self.project is not None:
            self.project.release()
        self.rules.clear()


def analyze(source: SourceFile, path: str, settings: Settings, codes: frozenset[str],
            module: tuple[str | None, bool] = (None, False), use_cache: bool = True,
            tree: ast.Module | None = None, memo: dict[Any, Any] | None = None) -> Analysis:
    """Parse and analyse one module, then drop what `# noqa` comments suppress.

    The cyclic garbage collector is paused meanwhile: a module's AST is up to hundreds of
    thousands of tracked objects without cycles (reference counting frees them), and scanning
    them over and over while they are built costs about a seventh of the parse. Any cycle made
    meanwhile is collected after, so memory stays bounded by one module.
    """
    with paused_gc():
        return _analyze(source, path, settings, codes, module, use_cache, tree, memo)


def _analyze(source: SourceFile, path: str, settings: Settings, codes: frozenset[str],
             module: tuple[str | None, bool], use_cache: bool,
             tree: ast.Module | None = None, memo: dict[Any, Any] | None = None) -> Analysis:
    """`tree`: this source's tree when already parsed (by the project index, from the same
    UTF-8 bytes); `memo`: file-system answers shared by the files of one run
    (`ProjectView`)."""
    if tree is None:
        try:
            tree = ast.parse(source.text, filename=path, type_comments=False)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            return Analysis(source, None, [_syntax_diagnostic(path, source, exc)], {}, None)
    analysis = analyze_tree(tree, source, path, settings, codes, module, use_cache, memo)
    if analysis.diagnostics and not settings.ignore_noqa:
        analysis.diagnostics = noqa.filter_diagnostics(source.text, analysis.diagnostics,
                                                         settings.noqa_peer_codes)
    return analysis


def analyze_tree(tree: ast.Module, source: SourceFile, path: str, settings: Settings,
                 codes: frozenset[str], module: tuple[str | None, bool] = (None, False),
                 use_cache: bool = True, memo: dict[Any, Any] | None = None) -> Analysis:
    """Run the rules over a tree parsed from `source.text` (by `analyze`, or by a host such as
    flake8 that parsed it already). No suppression comment is applied here: each door decides.

    Rules see the project index through `ctx.project` (module summaries read from disk cache
    when `use_cache`); the lookups they make are returned in `Analysis.project.deps`."""
    project = ProjectView(index_for(settings.root, settings.cache_dir, use_cache), path,
                          module[0], module[1], tree, source.text, site_roots(settings),
                          memo)
    semantic = SemanticModel(tree, module[0], module[1], project.awaited_type,
                             project.class_bases)
    note_yield_rows(semantic, source.text)
    ctx = RuleContext(path, source, tree, semantic, settings, project=project)
    rule_types = _rules_for(codes, source.text)
    rules = [cls(ctx) for cls in rule_types]
    if rules:
        try:
            walk(tree, semantic, rules)
        except RecursionError:
            return Analysis(source, tree, [_syntax_diagnostic(path, source, RecursionError())],
                            {}, semantic)
    found = sorted(ctx.diagnostics, key=Diagnostic.sort_key)
    return Analysis(source, tree, found, {r.code: r for r in rules}, semantic, project, ctx)
