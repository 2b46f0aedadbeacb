"""Files to diagnostics: read once, parse once with `ast`, one traversal for all rules, noqa,
cache, fixes, and worker processes for many files."""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from asynclint import noqa
from asynclint.cache import CacheStore, Entry, digest
from asynclint.config import Settings
from asynclint.diagnostics import IO_ERROR, SYNTAX_ERROR, Applicability, Diagnostic, Fix, Location
from asynclint.rules import REGISTRY, Rule, RuleContext
from asynclint.semantic.model import SemanticModel, module_name_for
from asynclint.source import DecodeError, SourceFile

_SCOPED = (ast.FunctionDef, ast.AsyncFunctionDef)
_ENTER, _EXIT, _PUSH, _POP = 0, 1, 2, 3


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False  # apply fixes
    diff: bool = False  # compute fixes but never write
    unsafe_fixes: bool = False
    want_fixes: bool = False  # attach fix edits to diagnostics (JSON, SARIF, LSP)
    use_cache: bool = True
    jobs: int | None = None

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff

    def applies(self, applicability: Applicability | None) -> bool:
        if applicability is Applicability.SAFE:
            return True
        return applicability is Applicability.UNSAFE and self.unsafe_fixes


@dataclass
class FileReport:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None  # the original, when fixes changed the text
    fixed_text: str | None = None
    errors: list[str] = field(default_factory=list)  # fixes dropped or files not written
    digest: str | None = None
    from_cache: bool = False
    internal_error: bool = False


# -- analysis of one module -----------------------------------------------------------------
def _rules_for(codes: frozenset[str], text: str) -> list[type[Rule]]:
    chosen = []
    for code in sorted(codes):
        rule = REGISTRY[code]
        if not rule.requires_text or any(t in text for t in rule.requires_text):
            chosen.append(rule)
    return chosen


def _walk(tree: ast.Module, semantic: SemanticModel, rules: list[Rule]) -> None:
    """One iterative traversal (deep trees never hit the recursion limit) feeding every rule."""
    visitors: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    leavers: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    for rule in rules:
        for kind in rule.visits:
            visitors.setdefault(kind, []).append(rule.visit)
        for kind in rule.leaves:
            leavers.setdefault(kind, []).append(rule.leave)
    parents = semantic.parents
    stack: list[tuple[int, ast.AST]] = [(_ENTER, tree)]
    push = stack.append
    while stack:
        phase, node = stack.pop()
        if phase == _ENTER:
            kind = type(node)
            for visit in visitors.get(kind, ()):
                visit(node)
            parents.append(node)
            push((_EXIT, node))
            if kind in _SCOPED or kind is ast.ClassDef:
                # Decorators, defaults, annotations and bases run in the enclosing scope.
                push((_POP, node))
                for child in reversed(node.body):  # type: ignore[attr-defined]
                    push((_ENTER, child))
                push((_PUSH, node))
                outer: list[ast.AST] = list(node.decorator_list)  # type: ignore[attr-defined]
                if kind is ast.ClassDef:
                    outer += [*node.bases, *node.keywords]  # type: ignore[attr-defined]
                else:
                    outer.append(node.args)  # type: ignore[attr-defined]
                    if node.returns is not None:  # type: ignore[attr-defined]
                        outer.append(node.returns)  # type: ignore[attr-defined]
                for child in reversed(outer):
                    push((_ENTER, child))
            elif kind is ast.Lambda:
                push((_POP, node))
                push((_ENTER, node.body))  # type: ignore[attr-defined]
                push((_PUSH, node))
                push((_ENTER, node.args))  # type: ignore[attr-defined]
            else:
                for child in reversed(list(ast.iter_child_nodes(node))):
                    push((_ENTER, child))
        elif phase == _EXIT:
            parents.pop()
            for leave in leavers.get(type(node), ()):
                leave(node)
        elif phase == _PUSH:
            semantic.push_scope(node)
        else:
            semantic.pop_scope()
    for rule in rules:
        rule.finish()


def _syntax_diagnostic(path: str, source: SourceFile, exc: BaseException) -> Diagnostic:
    if isinstance(exc, SyntaxError):
        row = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        message = f"SyntaxError: {exc.msg}"
        if exc.msg in ("invalid syntax", "invalid syntax. Perhaps you forgot a comma?"):
            v = sys.version_info
            message += (
                f" (asynclint parses with the grammar of the Python running it, {v.major}.{v.minor};"
                " if this file uses newer syntax, run asynclint with a newer Python)"
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


def analyze(source: SourceFile, path: str, settings: Settings, codes: frozenset[str],
            module: tuple[str | None, bool] = (None, False)) -> Analysis:
    """Parse and analyse one module, then drop what `# noqa` comments suppress."""
    try:
        tree = ast.parse(source.text, filename=path, type_comments=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return Analysis(source, None, [_syntax_diagnostic(path, source, exc)], {}, None)
    analysis = analyze_tree(tree, source, path, settings, codes, module)
    if analysis.diagnostics:
        analysis.diagnostics = noqa.filter_diagnostics(source.text, analysis.diagnostics)
    return analysis


def analyze_tree(tree: ast.Module, source: SourceFile, path: str, settings: Settings,
                 codes: frozenset[str], module: tuple[str | None, bool] = (None, False)
                 ) -> Analysis:
    """Run the rules over a tree parsed from `source.text` (by `analyze`, or by a host such as
    flake8 that parsed it already). No suppression comment is applied here: each door decides."""
    semantic = SemanticModel(tree, module[0], module[1])
    ctx = RuleContext(path, source, tree, semantic, settings)
    rule_types = _rules_for(codes, source.text)
    rules = [cls(ctx) for cls in rule_types]
    if rules:
        try:
            _walk(tree, semantic, rules)
        except RecursionError:
            return Analysis(source, tree, [_syntax_diagnostic(path, source, RecursionError())],
                            {}, semantic)
    found = sorted(ctx.diagnostics, key=Diagnostic.sort_key)
    return Analysis(source, tree, found, {r.code: r for r in rules}, semantic)


def attach_fixes(analysis: Analysis) -> list[Diagnostic]:
    """Compute the fix of every diagnostic that offers one (imports libcst)."""
    if analysis.tree is None or not any(d.fix_data is not None for d in analysis.diagnostics):
        return analysis.diagnostics
    from asynclint.fixes.context import FixContext

    assert analysis.semantic is not None
    fctx = FixContext(analysis.source, analysis.tree, analysis.semantic)
    out: list[Diagnostic] = []
    for diag in analysis.diagnostics:
        fix = None
        if diag.fix_data is not None and fctx.usable_for(diag):
            fix = analysis.rules[diag.code].fix(fctx, diag)
        if fix is None and diag.fix_data is not None:
            # The fix could not be built here: say so honestly instead of promising one.
            diag = _without_fix(diag)
        elif fix is not None:
            diag = _with_fix(diag, fix)
        out.append(diag)
    return out


def _with_fix(diag: Diagnostic, fix: Fix) -> Diagnostic:
    return replace(diag, fix=fix)


def _without_fix(diag: Diagnostic) -> Diagnostic:
    return replace(diag, fix=None, fix_title=None, applicability=None, fix_data=None)


# -- one file, end to end ---------------------------------------------------------------------
_FILE_START = Location(1, 0)


def io_diagnostic(path: str, message: str, loc: Location = _FILE_START) -> Diagnostic:
    code, name = IO_ERROR
    return Diagnostic(code, name, message, path, loc, loc, loc.row)


def _read(path: str) -> bytes | Diagnostic:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return io_diagnostic(path, "No such file or directory (os error 2)")
    except IsADirectoryError:
        return io_diagnostic(path, "Is a directory (os error 21)")
    except OSError as exc:
        return io_diagnostic(path, f"{exc.strerror or exc} (os error {exc.errno})")


def check_file(path: str, settings: Settings, options: RunOptions, data: bytes | None = None,
               cached: Entry | None = None) -> FileReport:
    """Check (and with `options.fix`, fix) one file. `data` is given for stdin.

    A bug in asynclint on one file is reported as an internal error naming the file; the other
    files are still checked.
    """
    try:
        return _check_file(path, settings, options, data, cached)
    except Exception as exc:  # the run must go on
        import traceback

        where = "".join(traceback.format_exception(exc)[-2:]).strip()
        report = FileReport(path)
        if options.fixing:
            # A fix crashed: still report what was found, with nothing fixed.
            try:
                report = _check_file(path, settings, replace(options, fix=False, diff=False),
                                     data, None)
            except Exception:
                report = FileReport(path)
        report.internal_error = True
        report.errors.append(f"{path}: internal error, please report it: {where}")
        return report


def _check_file(path: str, settings: Settings, options: RunOptions, data: bytes | None,
                cached: Entry | None) -> FileReport:
    report = FileReport(path)
    if data is None:
        read = _read(path)
        if isinstance(read, Diagnostic):
            report.diagnostics.append(read)
            return report
        data = read
    if options.use_cache and not options.fixing:
        report.digest = digest(data)
        if cached is not None and cached[0] == report.digest and not (
            options.want_fixes and any(d.fix_data is not None for d in cached[1])
        ):
            report.diagnostics = cached[1]
            report.from_cache = True
            return report
    try:
        source = SourceFile.from_bytes(data)
    except DecodeError as exc:
        report.diagnostics.append(
            io_diagnostic(path, f"cannot read the file: {exc}", exc.location(data)))
        return report
    module = module_name_for(Path(path))
    codes = settings.codes_for(Path(path))
    analysis = analyze(source, path, settings, codes, module)
    if options.fixing:
        from asynclint.fixes.apply import fix_until_stable

        outcome = fix_until_stable(
            analysis, options, lambda s: analyze(s, path, settings, codes, module)
        )
        report.fixed = outcome.fixed
        report.errors.extend(outcome.errors)
        report.diagnostics = outcome.remaining
        if outcome.text != source.text:
            report.source = source
            report.fixed_text = outcome.text
        return report
    report.diagnostics = attach_fixes(analysis) if options.want_fixes else analysis.diagnostics
    return report


# -- many files ---------------------------------------------------------------------------------
_PARALLEL_THRESHOLD = 8


def _check_batch(
    batch: list[tuple[str, Settings, Entry | None]], options: RunOptions
) -> list[FileReport]:
    return [check_file(path, settings, options, cached=cached) for path, settings, cached in batch]


def check_paths(files: Iterable[tuple[str, Settings]], options: RunOptions) -> list[FileReport]:
    """Check many files, in worker processes when there are enough of them to pay off."""
    stores: dict[str, CacheStore] = {}
    work: list[tuple[str, Settings, Entry | None]] = []
    for path, settings in files:
        cached = None
        if options.use_cache and not options.fixing:
            key = settings.fingerprint()
            store = stores.get(key)
            if store is None:
                store = stores[key] = CacheStore(settings)
                store.load()
            cached = store.get(settings.relpath(Path(path)), path)
        work.append((path, settings, cached))
    jobs = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(work) < _PARALLEL_THRESHOLD:
        reports = _check_batch(work, options)
    else:
        chunk = max(1, min(32, len(work) // (jobs * 4)))
        batches = [work[i : i + chunk] for i in range(0, len(work), chunk)]
        reports = []
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(_check_batch, batches, [options] * len(batches)):
                reports.extend(result)
    if stores:
        for (path, settings, _), report in zip(work, reports, strict=True):
            if report.digest and not report.from_cache:
                store = stores[settings.fingerprint()]
                store.put(settings.relpath(Path(path)), report.digest, report.diagnostics)
        for store in stores.values():
            store.save()
    return sorted(reports, key=lambda r: r.path)
