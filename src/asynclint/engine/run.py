"""Files to diagnostics: read each file once, reuse the result cache, analyse the rest (and
apply fixes when asked), in worker processes when there are many files."""

from __future__ import annotations

import ast
import contextlib
import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from asynclint.config import Settings
from asynclint.config.environment import still_valid
from asynclint.diagnostics import IO_ERROR, Applicability, Diagnostic, Location
from asynclint.engine import result_cache
from asynclint.engine.gc_pause import paused_gc
from asynclint.engine.index_store import (
    ProjectIndex,
    handed_over,
    index_for,
    no_longer_wanted,
    save_all,
    take_all_new,
    want_ahead,
)
from asynclint.engine.installed import site_roots
from asynclint.engine.result_cache import CacheStore, Entry, digest, stat_key
from asynclint.semantic.module_names import module_name_for
from asynclint.semantic.project.lookups import deps_valid
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
    # The findings as found, when `diagnostics` carry the fixes computed for them (so the
    # cache keeps both: text output reports a fix that cannot be built as offered).
    found: list[Diagnostic] | None = None



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
               cached: Entry | None = None, tree: ast.Module | None = None,
               memo: dict[Any, Any] | None = None) -> FileReport:
    """Check (and with `options.fix`, fix) one file. `data` is given for stdin; `memo`: the
    file-system answers shared by the files of one run (`ProjectView`).

    A bug in asynclint on one file is reported as an internal error naming the file; the other
    files are still checked.
    """
    try:
        return _check_file(path, settings, options, data, cached, tree, memo)
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
    """Fill `report` from the cache when the content digest matches, every input the cached
    result read besides the file still gives the same answer, and, when fixes are wanted, the
    entry holds the fix of every finding that offers one (an entry a text run wrote has none:
    the file is analysed again, and its fixes stored). `--fix` and `--diff` never read the
    cache at all."""
    if cached is None or cached.digest != report.digest:
        return False
    found = cached.fixed if options.want_fixes else cached.diagnostics
    if found is not None and deps_valid(_index(settings, memo), report.path, cached.deps, memo,
                                        _sites(settings, memo)) and still_valid(cached.deps, memo):
        report.diagnostics = found
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


def _sites(settings: Settings, memo: dict[Any, Any] | None) -> tuple[str, ...]:
    """`site_roots` of the settings, once per run: the files of a run share a few settings
    (which outlive `memo`, so their identity keys it), and building `site_roots`' own key per
    cached file was 1 % of a warm run (`benchmarks/instructions.sh --warm`)."""
    if memo is None:
        return site_roots(settings)
    key = ("sites", id(settings))
    found: tuple[str, ...] | None = memo.get(key)
    if found is None:
        found = memo[key] = site_roots(settings)
    return found


def _check_file(path: str, settings: Settings, options: RunOptions, data: bytes | None,
                cached: Entry | None, tree: ast.Module | None = None,
                memo: dict[Any, Any] | None = None) -> FileReport:
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
    module = module_name_for(path, memo)
    codes = settings.codes_for(Path(path))
    if tree is not None and (source.encoding != "utf-8" or source.bom):
        tree = None
    from asynclint.engine.analyze import analyze  # not imported by a run the cache answers

    analysis = analyze(source, path, settings, codes, module, options.use_cache, tree, memo)
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
    report.diagnostics = analysis.diagnostics
    if options.want_fixes:
        report.found = analysis.diagnostics
        from asynclint.fixes.attach import attach_fixes

        report.diagnostics = attach_fixes(analysis)
    report.deps = analysis.deps()  # after the fixes: what they read is recorded too
    own = analysis.project.own_summary if analysis.project is not None else None
    analysis.release()
    if own is not None and source.encoding == "utf-8" and not source.bom:
        # Then the tree of the text is the tree of the bytes, as the index would parse them.
        index_for(settings.root, settings.cache_dir, options.use_cache).adopt(path, data, own)
    return report


# -- many files ---------------------------------------------------------------------------------
_PARALLEL_THRESHOLD = 8
# Objects allocated (net) since the last collection of the youngest generation that make a batch
# collect it between two files: a bound on the cyclic garbage a batch may hold (see
# `_check_batch`).
_YOUNG_LIMIT = 100_000


def _check_batch(
    batch: list[tuple[str, Settings, Entry | None]], options: RunOptions
) -> tuple[list[FileReport], dict[str, dict[str, list[Any]]]]:
    """Check files; also return the project-index summaries computed meanwhile (a worker
    hands them to the parent, which writes the index once)."""
    want_ahead({os.path.abspath(path): i for i, (path, _, _) in enumerate(batch)})
    reports: list[FileReport | None] = [None] * len(batch)
    memo: dict[Any, Any] = {}  # file-system answers, shared by the batch's files
    # The collector is paused for the batch: left to start on its own, it traverses the whole
    # still-living tree of the file being checked again and again. It runs by hand, on the
    # youngest generation only, between files, once enough objects have piled up since the
    # last run (`_YOUNG_LIMIT`): an analysis leaves few cycles behind (a tree goes by reference
    # counting, `tests/test_memory.py`), while a collection after every file traversed what
    # is alive at that moment, trees the index handed over included (0.66 s of a cold 8 s run
    # on the applications corpus, 0.24 s with the limit).
    with paused_gc() as collecting:

        def check(i: int, data: bytes | None = None, tree: ast.Module | None = None) -> None:
            path, settings, cached = batch[i]
            reports[i] = check_file(path, settings, options, data, cached, tree, memo)
            if collecting and gc.get_count()[0] >= _YOUNG_LIMIT:
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
    return [r for r in reports if r is not None], take_all_new()


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

    # Every file's stat is taken before any is read (see `result_cache.stat_key`).
    stats: list[list[int] | None] = []
    rels: list[str] = []  # paths as the cache names them
    after = result_cache.clock()
    # Settling the cache hits builds large acyclic trees (the caches' JSON, the reports): the
    # cyclic garbage collector would walk them again and again for nothing (a fifth of a warm
    # run), so it is paused meanwhile, as `analyze` pauses it for a parse. Not past here: many
    # cold files analysed in this process must have their cycles collected.
    with paused_gc():
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
                cached = store.get(rels[-1], path, options.want_fixes)
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
                    report = FileReport(path, digest=cached.digest)  # the content it was read with
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
    todo: list[tuple[str, Settings, Entry | None]] = [(work[i][0], work[i][1], None) for i in pending]
    for i, report in zip(pending, _run_batches(todo, options), strict=True):
        done[i] = report
    reports = [done[i] for i in range(len(work))]
    if stores:
        for (_, settings, _), rel, report, stat in zip(work, rels, reports, stats, strict=True):
            store = stores[fingerprint(settings)]
            if report.digest and not report.from_cache:
                if report.found is not None:
                    store.put(rel, report.digest, report.found, report.deps, stat,
                              fixed=report.diagnostics)
                else:
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
        bounds = lane_bounds([_size(path) for path, _, _ in work], jobs)
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
        save_all(summaries)
    return reports


def lane_bounds(sizes: list[int], jobs: int) -> list[int]:
    """Where each worker's lane of files starts (and, last, where the files end): lanes of
    about equal bytes rather than equal counts, so a project of many small files and one of
    few large ones are not cut in the middle of the other (on the applications corpus of
    `benchmarks/run.py` a count split cut lnbits in two, and both workers summarised its
    modules)."""
    total = sum(sizes)
    if not total:
        return [len(sizes) * lane // jobs for lane in range(jobs + 1)]
    bounds = [0]
    seen = 0
    for i, size in enumerate(sizes):
        while len(bounds) < jobs and seen + size / 2 > total * len(bounds) / jobs:
            bounds.append(i)
        seen += size
    bounds += [len(sizes)] * (jobs + 1 - len(bounds))
    return bounds


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


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
