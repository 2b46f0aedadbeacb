"""The one surface the doors (CLI, flake8, pytest, language server) call into the engine.

Each door parses its own arguments or protocol and renders with `asynclint.output`; what it
checks, fixes, caches and excludes goes through here, so the doors cannot drift apart and the
engine's layout can change behind this module. Functions delegate; nothing here decides what a
rule reports. Fixing and the rule families load only when asked for, so a plain check keeps
its start-up cost (no libcst).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asynclint.config import Settings, SettingsResolver
from asynclint.diagnostics import Diagnostic
from asynclint.engine.index_store import save_all as _save_indexes
from asynclint.engine.index_store import take_all_new as _take_new_index_entries
from asynclint.engine.result_cache import CacheStore, clean, decode_diagnostic, encode_diagnostic
from asynclint.engine.run import FileReport, RunOptions
from asynclint.engine.run import check_file as _check_file
from asynclint.engine.run import check_paths as _check_paths
from asynclint.semantic.module_names import module_name_for
from asynclint.source import SourceFile

if TYPE_CHECKING:
    from asynclint.engine.analyze import Analysis
    from asynclint.engine.noqa import RowGroup
    from asynclint.rules import Rule


def __getattr__(name: str) -> Any:
    """`api.Analysis`, imported on first use: the analyser (rules, semantic model) costs about
    20 ms of a 250 ms warm run that the cache answers without analysing anything (measured with
    `python -X importtime` on the benchmark corpus); `api.RowGroup` likewise (`noqa` loads
    `tokenize`)."""
    if name == "Analysis":
        from asynclint.engine.analyze import Analysis

        return Analysis
    if name == "RowGroup":
        from asynclint.engine.noqa import RowGroup

        return RowGroup
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Analysis",
    "CacheSession",
    "FileReport",
    "Handover",
    "NoqaError",
    "RowGroup",
    "RunOptions",
    "add_noqa",
    "analyze_source",
    "attach_fixes",
    "check_paths",
    "check_source",
    "check_tree",
    "clean_caches",
    "discover_files",
    "fix_source",
    "is_excluded",
    "is_force_excluded",
    "module_name_for",
    "noqa_row_group",
    "rule",
    "rules",
    "unchecked",
    "write_fixes",
]


# -- files ----------------------------------------------------------------------------------------
def discover_files(paths: list[Path], resolver: SettingsResolver) -> Iterator[tuple[str, Settings]]:
    """The Python files under `paths` with their settings, as ruff walks (excludes, .gitignore)."""
    from asynclint.engine.discovery import discover_files as discover

    return discover(paths, resolver)


def is_excluded(settings: Settings, path: Path | str) -> bool:
    """Whether the settings' exclusions cover `path` (discovery skips it)."""
    from asynclint.engine.discovery import is_excluded as excluded

    return excluded(settings, path)


def is_force_excluded(settings: Settings, path: Path) -> bool:
    """Whether `force-exclude` keeps a file named explicitly from being checked."""
    from asynclint.engine.discovery import is_force_excluded as force_excluded

    return force_excluded(settings, path)


def check_paths(files: Iterable[tuple[str, Settings]], options: RunOptions) -> list[FileReport]:
    """Check (and with `options.fix`, fix) many files: the result cache, worker processes."""
    return _check_paths(files, options)


def write_fixes(report: FileReport) -> str | None:
    """Write a report's fixed text to its file, atomically. When that fails, nothing was fixed:
    the report says so (its fixed findings stand again) and the error message is returned."""
    if report.fixed_text is None or report.source is None:
        return None
    from asynclint.fixes.apply import write_atomic

    try:
        write_atomic(Path(report.path), report.source, report.fixed_text)
    except (OSError, UnicodeEncodeError) as exc:
        message = str(exc) if isinstance(exc, PermissionError) else f"{report.path}: {exc}"
        report.errors.append(message)
        report.diagnostics = sorted(report.fixed + report.diagnostics, key=Diagnostic.sort_key)
        report.fixed = []
        report.fixed_text = None
        return message
    return None


class NoqaError(Exception):
    """`--add-noqa` could not change a file; the message names it and the reason."""


def add_noqa(path: str, diagnostics: Iterable[Diagnostic], reason: str = "") -> int:
    """Add `# noqa: CODE` comments to the file at `path` so each of its findings is suppressed
    on the next run (merged into an existing `# noqa: ...`); the number of comments added or
    extended. The file keeps its encoding, BOM, line endings and mode, is written atomically,
    and is left alone (NoqaError) when it is read-only, cannot be read, or would no longer
    parse to the same tree."""
    from asynclint.codes import CODES
    from asynclint.engine.noqa import noqa_edits, with_edits
    from asynclint.fixes.apply import write_atomic
    from asynclint.source import DecodeError

    findings: dict[int, set[str]] = {}
    for d in diagnostics:
        if d.code in CODES:  # a rule's finding; E999 and E902 cannot be suppressed
            findings.setdefault(d.start.row, set()).add(d.code)
    if not findings:
        return 0
    file = Path(path)
    try:
        source = SourceFile.from_bytes(file.read_bytes())
    except (OSError, DecodeError) as exc:
        raise NoqaError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from exc
    edits = noqa_edits(source.text, source.line_starts, findings, reason)
    new_text = with_edits(source.text, edits)
    if new_text == source.text:
        return 0
    try:
        same = ast.dump(ast.parse(source.text)) == ast.dump(ast.parse(new_text))
    except (SyntaxError, ValueError):
        same = False
    if not same:
        raise NoqaError(f"{path}: adding `# noqa` comments would change the code; "
                        "file left unchanged")
    try:
        write_atomic(file, source, new_text)
    except PermissionError as exc:
        raise NoqaError(f"{path}: not writable; no `# noqa` added") from exc
    except (OSError, UnicodeEncodeError) as exc:
        raise NoqaError(f"{path}: {exc}") from exc
    return len(edits)


def clean_caches(root: Path) -> list[Path]:
    """Remove every cache folder below `root`; the folders removed."""
    return clean(root)


# -- one source -----------------------------------------------------------------------------------
def check_source(data: bytes, name: str, settings: Settings, options: RunOptions) -> FileReport:
    """Check (and fix) bytes that are no file on disk (stdin), named `name`; never cached."""
    return _check_file(name, settings, replace(options, use_cache=False, jobs=1), data=data)


def _codes_and_module(settings: Settings, path: str | None
                      ) -> tuple[frozenset[str], tuple[str | None, bool]]:
    if path is None:
        return settings.enabled_codes(), (None, False)
    return settings.codes_for(Path(path)), module_name_for(Path(path))


def analyze_source(source: SourceFile, settings: Settings, path: str | None,
                   name: str | None = None) -> Analysis:
    """Analyse text held in memory (the editor's buffer) with `# noqa` applied. `path`: the
    file it will be saved as, or None (rules then see no module name and per-file settings
    do not apply); `name` labels the findings when there is no path."""
    from asynclint.engine.analyze import analyze

    codes, module = _codes_and_module(settings, path)
    return analyze(source, path or name or "-", settings, codes, module)


def unchecked(source: SourceFile) -> Analysis:
    """An analysis with no findings, for a source the settings exclude."""
    from asynclint.engine.analyze import Analysis

    return Analysis(source, None, [], {}, None)


def attach_fixes(analysis: Analysis) -> list[Diagnostic]:
    """The analysis' diagnostics with their fixes computed (imports libcst)."""
    from asynclint.fixes.attach import attach_fixes as attach

    return attach(analysis)


def fix_source(analysis: Analysis, settings: Settings, path: str | None) -> str:
    """The text `asynclint check --fix` would write for an analysed source (unsafe fixes as
    the settings say): fixes applied round after round until nothing changes."""
    if analysis.tree is None or all(d.fix_plan is None for d in analysis.diagnostics):
        return analysis.source.text
    from asynclint.engine.analyze import analyze
    from asynclint.fixes.apply import fix_until_stable

    options = RunOptions(fix=True, unsafe_fixes=settings.unsafe_fixes, use_cache=False)
    codes, module = _codes_and_module(settings, path)
    label = path or "-"
    outcome = fix_until_stable(analysis, options,
                               lambda s: analyze(s, label, settings, codes, module))
    return outcome.text


def check_tree(tree: ast.Module, source: SourceFile, path: str, settings: Settings, *,
               file_noqa: bool = True) -> list[Diagnostic]:
    """The findings on a tree a host parsed from `source` (flake8). Line `# noqa` comments are
    left to the host; a file-level `# asynclint: noqa` is applied when `file_noqa`."""
    file = Path(path)
    codes = settings.codes_for(file)
    if not codes:
        return []
    from asynclint.engine.analyze import analyze_tree

    module = module_name_for(file) if file.is_file() else (None, False)
    analysis = analyze_tree(tree, source, path, settings, codes, module)
    found = analysis.diagnostics
    analysis.release()  # the host holds the tree; the rest goes now, without the collector
    if not file_noqa:
        return found
    from asynclint.engine.noqa import filter_file_level, peers_for

    return filter_file_level(source.text, found, peers_for(settings.noqa_peer_codes))


def noqa_row_group(text: str, row: int) -> RowGroup | None:
    """The rows a `# noqa` comment on `row` is read for, with their comments (see
    `noqa.row_groups`), so a door adding one puts it where it will be honoured."""
    from asynclint.engine.noqa import row_groups

    return next((g for g in row_groups(text) if g.first <= row <= g.last), None)


# -- the result cache, for a host checking file by file -------------------------------------------
# What a worker process hands to the controller: plain data (xdist sends it over a channel).
Handover = dict[str, Any]


class CacheSession:
    """The result cache and the project index for a host that checks one file at a time (the
    pytest door). Under pytest-xdist every worker hands its new results over and the
    controller, which takes them over, writes both caches once."""

    def __init__(self, use_cache: bool = True, hands_over: bool = False) -> None:
        self.use_cache = use_cache
        self.hands_over = hands_over
        self._stores: dict[str, CacheStore] = {}
        # [path, content digest, encoded diagnostics, project-index lookups], for the controller
        self._new: list[list[Any]] = []
        self._index_batches: list[dict[str, dict[str, list[Any]]]] = []

    def _store_for(self, settings: Settings) -> CacheStore | None:
        if not self.use_cache:
            return None
        key = f"{settings.root}\0{settings.cache_dir}\0{settings.fingerprint()}"
        store = self._stores.get(key)
        if store is None:
            store = self._stores[key] = CacheStore(settings)
            store.load()
        return store

    def check(self, path: Path, settings: Settings) -> FileReport:
        """Check one file: from the cache while its result still holds, else analysed and
        the result stored."""
        store = self._store_for(settings)
        relpath = settings.relpath(path)
        cached = store.get(relpath, str(path)) if store is not None else None
        report = _check_file(str(path), settings,
                             RunOptions(use_cache=store is not None, jobs=1), cached=cached)
        if store is None or report.internal_error or report.from_cache or not report.digest:
            return report
        store.put(relpath, report.digest, report.diagnostics, report.deps)
        if self.hands_over:
            self._new.append([str(path), report.digest,
                              [encode_diagnostic(d) for d in report.diagnostics], report.deps])
        return report

    def handover(self) -> Handover:
        """This worker's new results and project-index summaries, for the controller."""
        return {"results": self._new,
                "index": _take_new_index_entries() if self.use_cache else {}}

    def take_over(self, handed: Handover, settings_for: Callable[[Path], Settings]) -> None:
        """Take a worker's handover (the controller), saved with this session's results."""
        for path, content_digest, encoded, deps in handed["results"]:
            settings = settings_for(Path(path))
            store = self._store_for(settings)
            if store is not None:
                store.put(settings.relpath(Path(path)), content_digest,
                          [decode_diagnostic(e, path) for e in encoded], deps)
        self._index_batches.append(handed["index"])

    def save(self) -> None:
        """Write the result cache and the project index (what workers handed over included)."""
        for store in self._stores.values():
            store.save()
        if self.use_cache:
            _save_indexes(self._index_batches)


# -- rule metadata --------------------------------------------------------------------------------
def rules() -> Mapping[str, type[Rule]]:
    """Every rule by code (loads the rule families): its metadata for docs, SARIF and hover."""
    from asynclint.rules import load_registry

    return load_registry()


def rule(code: str) -> type[Rule] | None:
    """One rule's metadata, or None for a code that is no rule (E999, a foreign code)."""
    return rules().get(code)
