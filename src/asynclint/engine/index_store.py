"""The project index's store: module summaries cached on disk per project, one index per
process, and the hand-over of trees parsed for a summary to the engine's batch.

What a summary is, and how a file sees the index (`ProjectView`, `deps_valid`), is semantic
(`semantic.project`); reading files, trusting stats, saving and merging what worker processes
computed is the engine's, here. A summary is reused while its file's stat (then its content
digest) is unchanged; a stat is trusted by the result cache's rule (`result_cache.stat_key`,
read through the module so a test that moves `result_cache.clock` moves it here too).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asynclint.digests import digest_of, hex_digest
from asynclint.engine import result_cache
from asynclint.engine.installed import environment_digest, find_installed, has_installed
from asynclint.semantic.module_names import module_name_for
from asynclint.semantic.project.version import SUMMARY_VERSION

if TYPE_CHECKING:
    from asynclint.semantic.project.summaries import Facts, ModuleSummary

# The summariser is imported where a summary is made or decoded: a run the result cache answers
# needs neither (it compares stats and digests), nor the semantic model behind it.

_UNTRUSTED = (-1, -1)  # a stat no file has


@dataclass
class _Entry:
    stat: tuple[int, int]
    digest: str
    summary: ModuleSummary
    # Lent by the checked file itself (`adopt`): saved only once a look-up has used it, so
    # the saved index holds what it held before (modules some file imports).
    adopted: bool = False


class ProjectIndex:
    """Module summaries for one cache location; one per process (see `index_for`)."""

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self._entries: dict[str, _Entry] = {}
        # Saved records not decoded yet, read from the cache file on first use: a warm run
        # needs hardly any (its results' dependencies carry the stats their summaries were
        # made at), and decoding them all was a tenth of its work.
        self._saved: dict[str, list[Any]] | None = None if cache_file is not None else {}
        self._new: dict[str, list[Any]] = {}  # computed this run, to be saved
        self.parsed = 0  # files parsed for a summary in this process (for tests and benchmarks)

    # -- persistence ------------------------------------------------------------------------
    @property
    def _records(self) -> dict[str, list[Any]]:
        if self._saved is None:
            self._saved = self._load(self.cache_file) if self.cache_file is not None else {}
        return self._saved

    @staticmethod
    def _load(cache_file: Path) -> dict[str, list[Any]]:
        try:
            with cache_file.open("rb") as fh:
                raw = json.load(fh)
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, dict):
            return {}
        # Another shape (a foreign or future writer, a hand edit) is never trusted: a record
        # is kept only in its own shape, and dropped if its summary fails to decode (`_known`).
        return {path: record for path, record in raw.items() if _record_shape(record)}

    def take_new(self) -> dict[str, list[Any]]:
        """Summaries computed since the last call (workers hand them to the parent)."""
        new, self._new = self._new, {}
        return new

    def merge(self, new: dict[str, list[Any]]) -> None:
        for path, raw in new.items():
            self._new[path] = raw
            self._records.pop(path, None)
            self._entries[path] = self._from_record(path, raw)

    def _known(self, key: str) -> _Entry | None:
        """The entry under `key`, decoding its saved record on first use."""
        entry = self._entries.get(key)
        if entry is None and key in self._records:
            record = self._records.pop(key)
            try:
                entry = self._entries[key] = self._from_record(key, record)
            except (TypeError, ValueError, KeyError, AttributeError, IndexError):
                return None  # not of this version's shape: summarised afresh
        return entry

    def _from_record(self, path: str, raw: list[Any]) -> _Entry:
        """An entry from its JSON record `[mtime, size, digest, summary, facts per provider,
        summary digest]` (the last saves re-serialising every summary on a warm run)."""
        mtime, size, dig, summary_json, facts, summary_digest = raw
        from asynclint.semantic.project.summaries import ModuleSummary

        summary = ModuleSummary.from_json(summary_json, str(summary_digest))
        summary.facts = dict(facts)
        if not path.startswith(INSTALLED_KEY):
            summary.facts_loader = functools.partial(self._facts_from_file, path, dig, summary)
        # An installed module's file is known when a lookup finds it (`installed_entry`).
        return _Entry((mtime, size), dig, summary)

    @staticmethod
    def _record(entry: _Entry) -> list[Any]:
        return [entry.stat[0], entry.stat[1], entry.digest, entry.summary.to_json(),
                entry.summary.facts, entry.summary.digest()]

    def _facts_from_file(self, path: str, dig: str, summary: ModuleSummary,
                         provider: str, *, key: str | None = None) -> Facts:
        """One provider's facts of a module, from the tree handed over to the engine if the
        file waits to be checked, else parsing the file again (summaries do not keep trees:
        memory). If the file no longer has the summarised content, no facts: nothing to
        report on. `key`: the entry's key when not its path (an installed module's)."""
        held = _AHEAD_BY_PATH.get(path)
        if held is not None and hex_digest(held[0]) == dig:
            data, tree = held  # nothing here changes a tree: the engine checks it as parsed
        else:
            try:
                data = Path(path).read_bytes()
                if hex_digest(data) != dig:
                    return {}
                tree = ast.parse(data, filename=path)
            except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
                return {}
            self.parsed += 1
        from asynclint.semantic.model import SemanticModel
        from asynclint.semantic.project.summaries import compute_facts, note_yield_rows

        model = SemanticModel(tree, summary.name, summary.is_package)
        note_yield_rows(model, data)
        facts = compute_facts(tree, model, provider)
        entry = self._entries.get(key or path)
        if entry is not None and entry.summary is summary:
            summary.facts[provider] = facts
            self._keep_new(key or path, entry)
        return facts

    def save(self) -> None:
        if self.cache_file is None or not self._new:
            return
        self._new = {}
        data = dict(self._records)  # not decoded, so unchanged
        data.update((path, self._record(e)) for path, e in self._entries.items()
                    if not e.adopted)
        tmp = None
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # only a run that summarised a module writes

            fd, tmp = tempfile.mkstemp(dir=self.cache_file.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                fh.write(json.dumps(data, separators=(",", ":")))  # the C encoder
            os.replace(tmp, self.cache_file)
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    # -- lookups ----------------------------------------------------------------------------
    def find_file(self, roots: tuple[str, ...], module: str,
                  memo: dict[Any, Any] | None = None) -> str | None:
        """The file of a module under the roots. Not memoized across runs: a long-lived
        process (the editor) must see files appear and disappear; `memo` (one run's) keeps
        which candidate paths are files (roots of files in different folders overlap, so
        the same candidates are asked about again and again)."""
        found = None
        if memo is None:
            memo = {}
        isfile = functools.partial(_memo_isfile, memo)
        rel = module.replace(".", os.sep)
        plain = os.sep == "/" and rel and not rel.startswith("/")
        first = module.partition(".")[0]
        for root in roots:
            if first and root and not _lists(_names_in(memo, root), first):
                continue  # most look-ups are of modules outside the project: no `stat`
            if plain and root and not root.endswith("/"):  # `os.path.join`, without its cost
                candidates: tuple[str, str] = (f"{root}/{rel}.py", f"{root}/{rel}/__init__.py")
            else:
                candidates = (os.path.join(root, rel + ".py"),
                              os.path.join(root, rel, "__init__.py"))
            for candidate in candidates:
                if isfile(candidate):
                    found = candidate
                    break
            if found:
                break
        return found

    def top_absent(self, roots: tuple[str, ...], top: str, memo: dict[Any, Any]) -> bool:
        """Whether no root lists a module or package named `top`, so that `find_file` finds
        nothing under that name there: answered from the roots' listings (`memo`), without a
        `stat`. A warm run checks thousands of dependencies on modules found nowhere
        (`pydantic.main`, `os.path`): most are settled by this."""
        key = ("top absent", roots, top)
        found: bool | None = memo.get(key)
        if found is None:
            found = memo[key] = all(root and not _lists(_names_in(memo, root), top)
                                    for root in roots)
        return found

    def entry(self, path: str) -> _Entry | None:
        """The summary of a file, reused while its stat (then its content) is unchanged."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        stat = (st.st_mtime_ns, st.st_size)
        old = self._known(path)
        if old is not None and old.stat == stat:
            return old
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None
        dig = hex_digest(data)
        if result_cache.stat_key(st, result_cache.clock()) is None:
            # Changed moments ago: a second change in the same timestamp tick could keep this
            # stat, so it is not trusted (the next look-up reads and hashes the file again).
            stat = _UNTRUSTED
        if old is not None and old.digest == dig:
            entry = _Entry(stat, dig, old.summary)
        else:
            name, is_package = module_name_for(path)
            try:
                tree = ast.parse(data, filename=path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            self.parsed += 1
            hand_over(path, data, tree)
            from asynclint.semantic.project.summaries import summarize_module

            summary = summarize_module(tree, name, is_package, data)
            # Not from this tree: an index entry lives for the whole run.
            summary.facts_loader = functools.partial(self._facts_from_file, path, dig, summary)
            entry = _Entry(stat, dig, summary)
        self._entries[path] = entry
        self._keep_new(path, entry)
        return entry

    def summary_digest(self, path: str) -> str:
        """`entry(path).summary.digest()` ("" when the file has none), read from the saved
        record while the file's stat is the one summarised: no summary is decoded."""
        record = self._unchanged_record(path)
        if record is not None:
            return str(record[5])
        entry = self.entry(path)
        return entry.summary.digest() if entry else ""

    def facts_digest(self, path: str, provider: str) -> str:
        """`entry(path).summary.facts_digest(provider)`, as `summary_digest` reads it."""
        record = self._unchanged_record(path)
        if record is not None and provider in record[4]:
            return digest_of(record[4][provider])
        entry = self.entry(path)
        return entry.summary.facts_digest(provider) if entry else ""

    def _unchanged_record(self, path: str) -> list[Any] | None:
        record = self._records.get(path)
        if record is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        return record if (st.st_mtime_ns, st.st_size) == (record[0], record[1]) else None

    def adopt(self, path: str, data: bytes, summary: ModuleSummary) -> None:
        """Keep the summary a checked file made of itself (from the engine's tree of `data`),
        so a later file of the run that imports it does not parse it again (29 of the index's
        399 parses in a cold run over the benchmark corpus). Its stat is not trusted (the file
        may have changed since it was read): the first look-up reads and hashes the file, and
        keeps the summary only while the content is the same; only then is it saved."""
        key = os.path.abspath(path)
        if key in self._entries or key in self._records:
            return
        dig = hex_digest(data)
        summary.facts_loader = functools.partial(self._facts_from_file, key, dig, summary)
        self._entries[key] = _Entry(_UNTRUSTED, dig, summary, adopted=True)

    def _keep_new(self, key: str, entry: _Entry) -> None:
        """Note an entry computed this run, to be saved (not without a cache file: a
        `--no-cache` run would serialise every summary for nothing)."""
        if self.cache_file is not None and not entry.adopted:
            self._new[key] = self._record(entry)

    # -- installed packages -----------------------------------------------------------------
    def find_installed(self, roots: tuple[str, ...], module: str) -> tuple[str, str] | None:
        """The file of an installed module and its distribution ("name==version")."""
        return find_installed(roots, module)

    def has_installed(self, roots: tuple[str, ...], top: str) -> bool:
        """Whether a top-level module or package of that name is installed at all."""
        return has_installed(roots, top)

    def installed_digest(self, roots: tuple[str, ...]) -> str:
        """What identifies the distributions installed under the site folders and their
        versions."""
        return environment_digest(roots)

    def installed_entry(self, path: str, dist: str, module: str) -> _Entry | None:
        """The summary of an installed module, kept under its distribution's name and version
        (not its path): another run, or another environment with the same version, reuses it
        without reading the file; another version is another entry."""
        key = f"{INSTALLED_KEY}{dist}:{module}"
        entry = self._known(key)
        if entry is None:
            try:
                data = Path(path).read_bytes()
                tree = ast.parse(data, filename=path)
            except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            self.parsed += 1
            is_package = os.path.basename(path) == "__init__.py"
            from asynclint.semantic.project.summaries import summarize_module

            summary = summarize_module(tree, module, is_package, data)
            summary.facts_loader = None  # not from this tree: set below, from the file
            entry = _Entry(_UNTRUSTED, hex_digest(data),
                           summary)
            self._entries[key] = entry
            self._keep_new(key, entry)
        summary = entry.summary
        if summary.facts_loader is None:
            summary.facts_loader = functools.partial(self._facts_from_file, path, entry.digest,
                                                     summary, key=key)
        return entry


# The key prefix of an installed module's entry: "dist:<name>==<version>:<module>".
INSTALLED_KEY = "dist:"
_INDEXES: dict[tuple[str, bool], ProjectIndex] = {}

# Files this process is about to check (absolute path -> the caller's handle for it): a summary
# parsed for one of them hands its bytes and tree over to the engine, which then checks that
# file next instead of reading and parsing it again (`engine.run._check_batch`).
_AHEAD_WANTED: dict[str, int] = {}
_AHEAD: dict[int, tuple[bytes, ast.Module]] = {}
# The same trees by absolute path, while they wait: facts asked of such a module meanwhile are
# computed from its tree instead of a parse of their own (74 of 142 such parses in a cold run
# over the benchmark's applications corpus).
_AHEAD_BY_PATH: dict[str, tuple[bytes, ast.Module]] = {}


def want_ahead(paths: dict[str, int]) -> None:
    _AHEAD_WANTED.clear()
    _AHEAD_WANTED.update(paths)
    _AHEAD.clear()
    _AHEAD_BY_PATH.clear()


def hand_over(path: str, data: bytes, tree: ast.Module) -> None:
    """Keep a tree parsed for a summary when the file is due to be checked: only plain UTF-8
    (no BOM): then the tree of the bytes is the tree of the decoded text the engine parses."""
    key = os.path.abspath(path)
    handle = _AHEAD_WANTED.pop(key, None)
    if handle is not None and not data.startswith(b"\xef\xbb\xbf"):
        _AHEAD[handle] = _AHEAD_BY_PATH[key] = (data, tree)


def handed_over() -> dict[int, tuple[bytes, ast.Module]]:
    """The trees handed over since the last call (taken: the caller owns them now)."""
    found = dict(_AHEAD)
    _AHEAD.clear()
    _AHEAD_BY_PATH.clear()
    return found


def no_longer_wanted(path: str) -> None:
    _AHEAD_WANTED.pop(os.path.abspath(path), None)


def _names_in(memo: dict[Any, Any], folder: str) -> frozenset[str]:
    """The names in a folder (none when it is no readable folder), listed once per run: an
    import root answers most module look-ups by itself (on a warm run of the benchmark
    corpus, ~4,000 of ~5,400 `stat` calls)."""
    key = ("names", folder)
    found: frozenset[str] | None = memo.get(key)
    if found is None:
        try:
            found = frozenset(os.listdir(folder))
        except OSError:
            found = frozenset()
        memo[key] = found
    return found


def _lists(names: frozenset[str], top: str) -> bool:
    """A folder's listing holds a module or package named `top`."""
    return top in names or f"{top}.py" in names


def _record_shape(record: Any) -> bool:
    """Whether a saved record has this version's outer shape: `[mtime, size, digest, summary,
    facts per provider, summary digest]`."""
    return (isinstance(record, list) and len(record) == 6 and type(record[0]) is int
            and type(record[1]) is int and isinstance(record[2], str)
            and isinstance(record[3], dict) and isinstance(record[4], dict)
            and isinstance(record[5], str))


def _memo_isfile(memo: dict[Any, Any], path: str) -> bool:
    """`os.path.isfile`, answered once per run."""
    key = ("isfile", path)
    found: bool | None = memo.get(key)
    if found is None:
        found = memo[key] = os.path.isfile(path)
    return found


def index_for(root: Path, cache_dir: str, use_cache: bool) -> ProjectIndex:
    """The process-wide index for a project root (loaded from disk once per process)."""
    from asynclint import __version__

    cache_file = root / cache_dir / __version__ / f"index-v{SUMMARY_VERSION}.json"
    key = (str(cache_file), use_cache)
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = ProjectIndex(cache_file if use_cache else None)
    return index


def take_all_new() -> dict[str, dict[str, list[Any]]]:
    """Summaries computed in this process, per cache file (a worker returns them)."""
    out: dict[str, dict[str, list[Any]]] = {}
    for index in _INDEXES.values():
        if index.cache_file is not None:
            new = index.take_new()
            if new:
                out.setdefault(str(index.cache_file), {}).update(new)
    return out


def save_all(from_workers: list[dict[str, dict[str, list[Any]]]]) -> None:
    """Merge what workers computed into this process's indexes and write them."""
    by_file = {str(i.cache_file): i for i in _INDEXES.values() if i.cache_file is not None}
    for batch in from_workers:
        for cache_file, new in batch.items():
            index = by_file.get(cache_file)
            if index is None:
                index = by_file[cache_file] = ProjectIndex(Path(cache_file))
                _INDEXES[(cache_file, True)] = index
            index.merge(new)
    for index in by_file.values():
        index.save()


def forget_indexes() -> None:
    """Drop the in-memory indexes (a long-lived process whose files changed: the editor)."""
    _INDEXES.clear()
