"""Files to diagnostics: read once, parse once with `ast`, one traversal for all rules, noqa,
cache, fixes, and worker processes for many files."""

from __future__ import annotations

import ast
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from asynclint import cache as result_cache
from asynclint import noqa
from asynclint.cache import CacheStore, Entry, digest, stat_key
from asynclint.config import Settings
from asynclint.config.environment import still_valid
from asynclint.diagnostics import IO_ERROR, SYNTAX_ERROR, Applicability, Diagnostic, Fix, Location
from asynclint.rules import Rule, RuleContext, load_registry
from asynclint.semantic.model import SemanticModel, module_name_for
from asynclint.semantic.nodes import SCALAR_FIELDS
from asynclint.semantic.project import (
    ProjectIndex,
    ProjectView,
    deps_valid,
    handed_over,
    index_for,
    no_longer_wanted,
    view_for,
    want_ahead,
)
from asynclint.semantic.project import save_all as save_indexes
from asynclint.semantic.project import take_all_new as take_new_index_entries
from asynclint.source import DecodeError, SourceFile


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
    deps: list[list[str]] = field(default_factory=list)  # project-index lookups (cache key)


# -- analysis of one module -----------------------------------------------------------------
def _rules_for(codes: frozenset[str], text: str) -> list[type[Rule]]:
    registry = load_registry()
    chosen = []
    coroutines = "async" in text  # without `async def`, an `async_only` rule is never called
    for code in sorted(codes):
        rule = registry[code]
        if rule.async_only and not coroutines:
            continue
        words = rule.requires_text
        if not words:
            chosen.append(rule)
            continue
        for word in words:
            if word in text:
                chosen.append(rule)
                break
    return chosen


# Fields holding only operator singletons (`Load()`, `Add()`...), nodes without children.
_OPERATOR_FIELDS = frozenset({"ctx", "op", "ops"})
_OPERATOR_BASES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
# Node types that have no children besides operator singletons: when no rule wants them, the
# traversal does not enter them at all (Name and Constant are a third of all nodes).
_LEAVES: tuple[type[ast.AST], ...] = (
    ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
    ast.alias, ast.MatchSingleton, ast.MatchStar, ast.TypeIgnore,
)
# How a node opens a scope: 0 function, 1 class, 2 lambda.
_SCOPE_KIND: dict[type[ast.AST], int] = {
    ast.FunctionDef: 0, ast.AsyncFunctionDef: 0, ast.ClassDef: 1, ast.Lambda: 2,
}
_PUSH_SCOPE, _POP_SCOPE = -1, -2  # stack codes; >= 0: enter at that depth; <= -3: leave
_child_fields_cache: dict[tuple[type[ast.AST], bool], tuple[str, ...]] = {}


def _child_fields(kind: type[ast.AST], with_operators: bool) -> tuple[str, ...]:
    """The fields of `kind` that may hold child nodes, last first (the stack reverses them)."""
    key = (kind, with_operators)
    fields = _child_fields_cache.get(key)
    if fields is None:
        fields = tuple(reversed([
            f for f in kind._fields
            if f not in SCALAR_FIELDS and (with_operators or f not in _OPERATOR_FIELDS)
        ]))
        _child_fields_cache[key] = fields
    return fields


def _walk(tree: ast.Module, semantic: SemanticModel, rules: list[Rule]) -> None:
    """One iterative traversal (deep trees never hit the recursion limit) feeding every rule.

    Each stack entry carries its depth, so `semantic.parents` is cut back to the node's
    ancestors on entry instead of being popped node by node; a leave event is queued only for
    the node types some rule leaves, and childless nodes no rule wants are not entered. Rules
    see exactly the same calls, parents and scopes as in a plain walk of every node, except
    that an `async_only` rule is called only inside coroutine bodies.
    """
    visitors: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    async_visitors: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    leavers: dict[type[ast.AST], list[Callable[[ast.AST], None]]] = {}
    for rule in rules:
        for kind in rule.visits:
            (async_visitors if rule.async_only else visitors).setdefault(kind, []).append(
                rule.visit)
        for kind in rule.leaves:
            leavers.setdefault(kind, []).append(rule.leave)
    wanted = set(visitors) | set(async_visitors) | set(leavers)
    with_operators = any(issubclass(k, _OPERATOR_BASES) for k in wanted)
    skip = frozenset(k for k in _LEAVES if k not in wanted and not with_operators)
    fields_of: dict[type[ast.AST], tuple[str, ...]] = {}
    is_node = ast.AST
    parents = semantic.parents
    base = len(parents)
    stack: list[tuple[ast.AST, int]] = [(tree, base)]
    push = stack.append
    pop = stack.pop
    while stack:
        node, code = pop()
        if code >= 0:
            del parents[code:]
            kind = node.__class__
            if kind in visitors:
                for visit in visitors[kind]:
                    visit(node)
            if kind in async_visitors and semantic.scope.is_async:
                for visit in async_visitors[kind]:
                    visit(node)
            parents.append(node)
            depth = code + 1
            if kind in leavers:
                push((node, -3 - code))
            scope = _SCOPE_KIND.get(kind)
            if scope is None:
                fields = fields_of.get(kind)
                if fields is None:
                    fields = fields_of[kind] = _child_fields(kind, with_operators)
                for name in fields:
                    value = getattr(node, name)
                    if value.__class__ is list:
                        for item in reversed(value):
                            if item.__class__ not in skip and isinstance(item, is_node):
                                push((item, depth))
                    elif value.__class__ not in skip and isinstance(value, is_node):
                        push((value, depth))
                continue
            # Decorators, defaults, annotations and bases run in the enclosing scope; the body
            # (a lambda's expression) in the new one.
            push((node, _POP_SCOPE))
            if scope == 2:
                body: list[ast.AST] = [node.body]  # type: ignore[attr-defined]
                outer: list[ast.AST] = [node.args]  # type: ignore[attr-defined]
            else:
                body = node.body  # type: ignore[attr-defined]
                outer = list(node.decorator_list)  # type: ignore[attr-defined]
                if scope == 1:
                    outer += [*node.bases, *node.keywords]  # type: ignore[attr-defined]
                else:
                    outer.append(node.args)  # type: ignore[attr-defined]
                    if node.returns is not None:  # type: ignore[attr-defined]
                        outer.append(node.returns)  # type: ignore[attr-defined]
            for child in reversed(body):
                if child.__class__ not in skip:
                    push((child, depth))
            push((node, _PUSH_SCOPE))
            for child in reversed(outer):
                if child.__class__ not in skip:
                    push((child, depth))
        elif code == _PUSH_SCOPE:
            semantic.push_scope(node)
        elif code == _POP_SCOPE:
            semantic.pop_scope()
        else:
            del parents[-3 - code:]
            for leave in leavers[node.__class__]:
                leave(node)
    del parents[base:]
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
    project: ProjectView | None = None
    context: RuleContext | None = None

    def deps(self) -> list[list[str]]:
        """What the result depends on besides the file: project-index lookups and the
        environment files the rules read (a cached result is reused only while they hold)."""
        found = self.project.dep_list() if self.project is not None else []
        if self.context is not None:
            found.extend(self.context.environment.dep_list())
        return found

    def release(self) -> None:
        """Break the analysis' reference cycles once it is no longer needed (see
        `SemanticModel.release`); a long-lived holder (the editor) simply never calls it."""
        if self.semantic is not None:
            self.semantic.release()
        if self.context is not None:
            self.context.__dict__.clear()
        if self.project is not None:
            self.project.release()
        self.rules.clear()


def analyze(source: SourceFile, path: str, settings: Settings, codes: frozenset[str],
            module: tuple[str | None, bool] = (None, False), use_cache: bool = True,
            tree: ast.Module | None = None) -> Analysis:
    """Parse and analyse one module, then drop what `# noqa` comments suppress.

    The cyclic garbage collector is paused meanwhile: a module's AST is up to hundreds of
    thousands of tracked objects without cycles (reference counting frees them), and scanning
    them over and over while they are built costs about a seventh of the parse. Any cycle made
    meanwhile is collected after, so memory stays bounded by one module.
    """
    if not gc.isenabled():
        return _analyze(source, path, settings, codes, module, use_cache, tree)
    gc.disable()
    try:
        return _analyze(source, path, settings, codes, module, use_cache, tree)
    finally:
        gc.enable()


def _analyze(source: SourceFile, path: str, settings: Settings, codes: frozenset[str],
             module: tuple[str | None, bool], use_cache: bool,
             tree: ast.Module | None = None) -> Analysis:
    """`tree`: this source's tree when already parsed (by the project index, from the same
    UTF-8 bytes)."""
    if tree is None:
        try:
            tree = ast.parse(source.text, filename=path, type_comments=False)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            return Analysis(source, None, [_syntax_diagnostic(path, source, exc)], {}, None)
    analysis = analyze_tree(tree, source, path, settings, codes, module, use_cache)
    if analysis.diagnostics:
        analysis.diagnostics = noqa.filter_diagnostics(source.text, analysis.diagnostics)
    return analysis


def analyze_tree(tree: ast.Module, source: SourceFile, path: str, settings: Settings,
                 codes: frozenset[str], module: tuple[str | None, bool] = (None, False),
                 use_cache: bool = True) -> Analysis:
    """Run the rules over a tree parsed from `source.text` (by `analyze`, or by a host such as
    flake8 that parsed it already). No suppression comment is applied here: each door decides.

    Rules see the project index through `ctx.project` (module summaries read from disk cache
    when `use_cache`); the lookups they make are returned in `Analysis.project.deps`."""
    semantic = SemanticModel(tree, module[0], module[1])
    project = view_for(settings.root, settings.cache_dir, use_cache, path, module, tree,
                       source.text)
    ctx = RuleContext(path, source, tree, semantic, settings, project=project)
    rule_types = _rules_for(codes, source.text)
    rules = [cls(ctx) for cls in rule_types]
    if rules:
        try:
            _walk(tree, semantic, rules)
        except RecursionError:
            return Analysis(source, tree, [_syntax_diagnostic(path, source, RecursionError())],
                            {}, semantic)
    found = sorted(ctx.diagnostics, key=Diagnostic.sort_key)
    return Analysis(source, tree, found, {r.code: r for r in rules}, semantic, project, ctx)


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
               cached: Entry | None = None, tree: ast.Module | None = None) -> FileReport:
    """Check (and with `options.fix`, fix) one file. `data` is given for stdin.

    A bug in asynclint on one file is reported as an internal error naming the file; the other
    files are still checked.
    """
    try:
        return _check_file(path, settings, options, data, cached, tree)
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


def _cache_hit(report: FileReport, cached: Entry | None, options: RunOptions,
               settings: Settings,
               memo: dict[Any, Any] | None = None) -> bool:
    """Fill `report` from the cache when the content digest matches, every project-index
    lookup the cached analysis made still gives the same answer, and no fix is wanted."""
    if cached is not None and cached[0] == report.digest and not (
        options.want_fixes and any(d.fix_data is not None for d in cached[1])
    ) and deps_valid(_index(settings, memo), report.path, cached[2], memo) and still_valid(
        cached[2], memo):
        report.diagnostics = cached[1]
        report.from_cache = True
        return True
    return False


def _index(settings: Settings, memo: dict[Any, Any] | None) -> ProjectIndex:
    if memo is None:
        return index_for(settings.root, settings.cache_dir, True)
    key = ("index", settings.root, settings.cache_dir)
    index: ProjectIndex | None = memo.get(key)
    if index is None:
        index = memo[key] = index_for(settings.root, settings.cache_dir, True)
    return index


def _check_file(path: str, settings: Settings, options: RunOptions, data: bytes | None,
                cached: Entry | None, tree: ast.Module | None = None) -> FileReport:
    report = FileReport(path)
    if data is None:
        read = _read(path)
        if isinstance(read, Diagnostic):
            report.diagnostics.append(read)
            return report
        data = read
    if options.use_cache and not options.fixing:
        report.digest = digest(data)
        if _cache_hit(report, cached, options, settings):
            return report
    try:
        source = SourceFile.from_bytes(data)
    except DecodeError as exc:
        report.diagnostics.append(
            io_diagnostic(path, f"cannot read the file: {exc}", exc.location(data)))
        return report
    module = module_name_for(path)
    codes = settings.codes_for(Path(path))
    if tree is not None and (source.encoding != "utf-8" or source.bom):
        tree = None
    analysis = analyze(source, path, settings, codes, module, options.use_cache, tree)
    report.deps = analysis.deps()
    if options.fixing:
        from asynclint.fixes.apply import fix_until_stable

        outcome = fix_until_stable(
            analysis, options,
            lambda s: analyze(s, path, settings, codes, module, options.use_cache)
        )
        report.fixed = outcome.fixed
        report.errors.extend(outcome.errors)
        report.diagnostics = outcome.remaining
        if outcome.text != source.text:
            report.source = source
            report.fixed_text = outcome.text
        analysis.release()
        return report
    report.diagnostics = attach_fixes(analysis) if options.want_fixes else analysis.diagnostics
    analysis.release()
    return report


# -- many files ---------------------------------------------------------------------------------
_PARALLEL_THRESHOLD = 8


def _check_batch(
    batch: list[tuple[str, Settings, Entry | None]], options: RunOptions
) -> tuple[list[FileReport], dict[str, dict[str, list[Any]]]]:
    """Check files; also return the project-index summaries computed meanwhile (a worker
    hands them to the parent, which writes the index once)."""
    want_ahead({os.path.abspath(path): i for i, (path, _, _) in enumerate(batch)})
    reports: list[FileReport | None] = [None] * len(batch)
    # The collector runs after each file, on the youngest generation only: a file's analysis
    # makes a few cyclic structures, and letting the collector start on its own (right after
    # `analyze` re-enables it) traverses the whole still-living tree of the file instead.
    collecting = gc.isenabled()
    gc.disable()

    def check(i: int, data: bytes | None = None, tree: ast.Module | None = None) -> None:
        path, settings, cached = batch[i]
        reports[i] = check_file(path, settings, options, data, cached, tree)
        if collecting:
            gc.collect(0)

    try:
        for i, (path, _, _) in enumerate(batch):
            if reports[i] is not None:
                continue
            no_longer_wanted(path)
            check(i)
            # Files the project index parsed meanwhile are checked now, from those trees.
            ahead = handed_over()
            while ahead:
                j, (data, tree) = ahead.popitem()
                if reports[j] is None:
                    check(j, data, tree)
                ahead.update(handed_over())
    finally:
        want_ahead({})
        if collecting:
            gc.enable()
    return [r for r in reports if r is not None], take_new_index_entries()


def check_paths(files: Iterable[tuple[str, Settings]], options: RunOptions) -> list[FileReport]:
    """Check many files, in worker processes when there are enough of them to pay off."""
    stores: dict[str, CacheStore] = {}
    work: list[tuple[str, Settings, Entry | None]] = []
    # Files share a handful of Settings objects; a fingerprint serialises every setting.
    fingerprints: dict[int, str] = {}

    def fingerprint(settings: Settings) -> str:
        key = fingerprints.get(id(settings))
        if key is None:
            key = fingerprints[id(settings)] = settings.fingerprint()
        return key

    # Every file's stat is taken before any is read (see `cache.stat_key`).
    stats: list[list[int] | None] = []
    rels: list[str] = []  # paths as the cache names them
    after = result_cache.clock()
    # Settling the cache hits builds large acyclic trees (the caches' JSON, the reports): the
    # cyclic garbage collector would walk them again and again for nothing (a fifth of a warm
    # run), so it is paused meanwhile, as `analyze` pauses it for a parse. Not past here: many
    # cold files analysed in this process must have their cycles collected.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path, settings in files:
            cached = None
            stat = None
            if options.use_cache and not options.fixing:
                key = fingerprint(settings)
                store = stores.get(key)
                if store is None:
                    store = stores[key] = CacheStore(settings)
                    store.load()
                rels.append(settings.relpath(path))
                cached = store.get(rels[-1], path)
                with contextlib.suppress(OSError):
                    stat = stat_key(os.stat(path), after)
            work.append((path, settings, cached))
            stats.append(stat)
        # Cache hits are settled here (by stat, else read + hash), so only changed files go to the
        # workers and a warm run starts no process at all.
        done: dict[int, FileReport] = {}
        pending: list[int] = []
        lookups: dict[Any, Any] = {}  # deps_valid's module look-ups, for this run only
        for i, (path, settings, cached) in enumerate(work):
            if cached is not None:
                stat = stats[i]
                if stat is not None and stat == stores[fingerprint(settings)].stat_of(rels[i]):
                    report = FileReport(path, digest=cached[0])  # the content it was read with
                else:
                    data = _read(path)
                    if isinstance(data, Diagnostic):
                        pending.append(i)
                        continue
                    report = FileReport(path, digest=digest(data))
                if _cache_hit(report, cached, options, settings, lookups):
                    done[i] = report
                    continue
            pending.append(i)
    finally:
        if collecting:
            gc.enable()
    todo: list[tuple[str, Settings, Entry | None]] = [(work[i][0], work[i][1], None) for i in pending]
    for i, report in zip(pending, _run_batches(todo, options), strict=True):
        done[i] = report
    reports = [done[i] for i in range(len(work))]
    if stores:
        for (_, settings, _), rel, report, stat in zip(work, rels, reports, stats, strict=True):
            store = stores[fingerprint(settings)]
            if report.digest and not report.from_cache:
                store.put(rel, report.digest, report.diagnostics, report.deps, stat)
            elif report.from_cache and stat is not None:
                store.set_stat(rel, stat)
        for store in stores.values():
            store.save()
    return sorted(reports, key=lambda r: r.path)


def _run_batches(work: list[tuple[str, Settings, Entry | None]],
                 options: RunOptions) -> list[FileReport]:
    """Reports in the order of `work`; in worker processes when there are enough files."""
    jobs = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    summaries: list[dict[str, dict[str, list[Any]]]] = []
    if jobs <= 1 or len(work) < _PARALLEL_THRESHOLD:
        reports, new = _check_batch(work, options)
        summaries.append(new)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # not paid by one-file runs

        jobs = min(jobs, len(work))
        chunk = max(1, min(32, len(work) // (jobs * 4)))
        # Each worker takes a contiguous lane of the (sorted) files, chunk by chunk from its
        # front, then helps the others from the back of theirs: files of one package mostly
        # stay with one worker, whose project index then summarises their imports once.
        bounds = [len(work) * lane // jobs for lane in range(jobs + 1)]
        front = multiprocessing.Array("q", bounds[:-1])
        back = multiprocessing.Array("q", bounds[1:])
        found: dict[int, FileReport] = {}
        with ProcessPoolExecutor(max_workers=jobs, initializer=_lanes_init,
                                 initargs=(front, back, work, options, chunk)) as pool:
            for lane_reports, lane_summaries in pool.map(_run_lane, range(jobs)):
                found.update(lane_reports)
                summaries.extend(lane_summaries)
        reports = [found[i] for i in range(len(work))]
    if options.use_cache:
        save_indexes(summaries)
    return reports


# A worker's view of the lanes (set once per worker process by `_lanes_init`).
_LANES: dict[str, Any] = {}


def _lanes_init(front: Any, back: Any, work: list[tuple[str, Settings, Entry | None]],
                options: RunOptions, chunk: int) -> None:
    _LANES.update(front=front, back=back, work=work, options=options, chunk=chunk)


def _next_chunk(lane: int) -> tuple[int, int] | None:
    """The next files for the worker of `lane`: from its own lane's front, else from the back
    of the lane with most left. Both ends move under the arrays' lock."""
    front, back, chunk = _LANES["front"], _LANES["back"], _LANES["chunk"]
    with front.get_lock():
        if front[lane] < back[lane]:
            start = front[lane]
            end = min(start + chunk, back[lane])
            front[lane] = end
            return start, end
        other = max(range(len(front)), key=lambda i: back[i] - front[i])
        if front[other] >= back[other]:
            return None
        end = back[other]
        start = max(front[other], end - chunk)
        back[other] = start
        return start, end


def _run_lane(lane: int) -> tuple[dict[int, FileReport], list[dict[str, dict[str, list[Any]]]]]:
    work, options = _LANES["work"], _LANES["options"]
    reports: dict[int, FileReport] = {}
    summaries: list[dict[str, dict[str, list[Any]]]] = []
    while (taken := _next_chunk(lane)) is not None:
        start, end = taken
        batch_reports, new = _check_batch(work[start:end], options)
        reports.update(zip(range(start, end), batch_reports, strict=True))
        summaries.append(new)
    return reports, summaries
