"""The result cache: `.asynclint_cache/<version>/<settings>.json`, keyed per file by content hash.

One file per (project root, settings) pair, as ruff does; an unchanged file is never re-parsed.
A cached finding says whether it offers a fix (with the fix's title and applicability, which text
output shows); the rules' plans for fixes are never cached. A run that computed the fixes (the
formats that print edits: JSON, SARIF) stores them too, beside each finding that offers one, so
the next such run reads them instead of parsing the file with libcst again. The inputs a fix
reads besides the file (the project's ruff import settings, which modules are first-party) are
recorded dependencies of the entry, like the project facts the findings read. A run that wants
fixes analyses a file again when its entry lacks them (it was written by a run that printed
none).

An entry may also hold the file's stat (`stat_key`), taken before the content was read: a later
run that finds the same stat takes the content digest as known instead of reading and hashing
the file. Only a stat that can be trusted is kept: the file's last change (mtime and ctime,
which no tool can set back) must lie `RACY_NS` before the stat was taken, longer than any file
system's timestamp granularity, so a later change cannot leave the same timestamps behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from asynclint import __version__
from asynclint.config import Settings
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from asynclint.digests import hex_digest

# The layout of an entry; part of the cache file's name, so another layout is never read.
# 2: a finding that offers a fix may carry the computed fix (`encode_diagnostic`). 3: a
# dependency on a summarised module may carry the stat it was summarised at (`stat_token`).
RESULT_FORMAT = 3


class Entry(NamedTuple):
    """A file's cached result."""

    digest: str  # of the content it was computed from
    diagnostics: list[Diagnostic]  # as found: what a run that prints no fix edits reports
    # What the result depends on besides the file (project-index lookups, files read): see
    # `semantic.project.view.deps_valid` and `config.environment.still_valid`.
    deps: list[list[str]]
    # The findings with their fixes attached, as a run that computes fixes reports them; None
    # when not asked for, or when some finding's fix was never computed.
    fixed: list[Diagnostic] | None = None


def digest(data: bytes) -> str:
    return hex_digest(data)


# How long before a stat the file must have last changed for the stat to stand for its content
# (FAT's timestamps have a 2 s granularity; the file system's clock may lag `time.time_ns`).
RACY_NS = 3_000_000_000


def clock() -> int:
    """The time a run's stats are taken after (tests replace it)."""
    return time.time_ns()


def stat_key(st: os.stat_result, taken_after_ns: int) -> list[int] | None:
    """What identifies the file's content for a later run (size, mtime, ctime, inode: any
    write changes the ctime, even one that puts the mtime back), or None when the file changed
    so shortly before `taken_after_ns` that another change could keep every timestamp."""
    if max(st.st_mtime_ns, st.st_ctime_ns) >= taken_after_ns - RACY_NS:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def encode_diagnostic(d: Diagnostic, fixed: Diagnostic | None = None) -> list[Any]:
    """A diagnostic as JSON: that it offers a fix (with the title and applicability text
    output shows), never the rule's plan. `fixed`: the same finding with its fix computed
    (`fixes.attach.attach_fixes`); for a finding that offers one, a twelfth element then holds
    the fix, or null when it could not be built (the finding is then reported without one)."""
    encoded = [d.code, d.name, d.message, d.start.row, d.start.col, d.end.row, d.end.col,
               d.noqa_row, d.fix_title, d.applicability.value if d.applicability else None,
               d.offers_fix]
    if fixed is not None and d.offers_fix:
        fix = fixed.fix
        encoded.append(None if fix is None else [
            fix.message, fix.applicability.value,
            [[e.content, e.start.row, e.start.col, e.end.row, e.end.col] for e in fix.edits]])
    return encoded


_DECODED_TYPES: tuple[type | tuple[type, ...], ...] = (str, str, str, int, int, int, int, int, (str, type(None)))


def decode_diagnostic(raw: list[Any], path: str) -> Diagnostic:
    """A cached diagnostic, without a fix plan; TypeError/ValueError when `raw` is not of this
    version's shape (an entry written when plans were cached, with a list or None where the
    flag is now, included)."""
    if len(raw) not in (11, 12):
        raise TypeError("not a cached diagnostic")
    code, name, message, r0, c0, r1, c1, noqa_row, title, applicability, offers_fix = raw[:11]
    if not all(isinstance(v, t) and not isinstance(v, bool)
               for v, t in zip(raw, _DECODED_TYPES, strict=False)) or min(r0, c0, r1, c1) < 0 \
            or r0 < 1 or not isinstance(offers_fix, bool) \
            or offers_fix is not (applicability is not None):
        raise TypeError("not a cached diagnostic")
    return Diagnostic(code, name, message, path, Location(r0, c0), Location(r1, c1), noqa_row,
                      title, Applicability(applicability) if applicability else None)


def _is_position(values: list[Any]) -> bool:
    return all(type(v) is int and v >= 0 for v in values) and values[0] >= 1 and values[2] >= 1


def decode_fixed(raw: list[Any], found: Diagnostic) -> Diagnostic | None:
    """`found` (decoded from `raw`) as a run that computes fixes reports it, or None when its
    fix was never computed; TypeError/ValueError when the stored fix is not of this shape."""
    if not found.offers_fix:
        return found
    if len(raw) < 12:
        return None
    stored = raw[11]
    if stored is None:  # the fix could not be built: reported without one (`attach_fixes`)
        return replace(found, fix_title=None, applicability=None)
    message, applicability, edits = stored
    if not isinstance(message, str) or not isinstance(edits, list) or not all(
            isinstance(e, list) and len(e) == 5 and isinstance(e[0], str) and _is_position(e[1:])
            for e in edits):
        raise TypeError("not a cached fix")
    fix = Fix(message, Applicability(applicability),
              tuple(Edit(c, Location(r0, c0), Location(r1, c1)) for c, r0, c0, r1, c1 in edits))
    return replace(found, fix=fix)


class CacheStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        base = settings.root / settings.cache_dir
        self.base = base
        self.file = base / __version__ / f"{settings.fingerprint()}-v{RESULT_FORMAT}.json"
        self._raw: dict[str, list[Any]] = {}
        self._dirty = False

    def load(self) -> None:
        try:
            with self.file.open("rb") as fh:
                data = json.load(fh)
            if isinstance(data, dict):
                self._raw = data
        except (OSError, ValueError):
            self._raw = {}

    def get(self, relpath: str, path: str, fixes: bool = False) -> Entry | None:
        """The entry of a file, or None when there is none or it is not of this version's
        shape (a foreign or future writer, a hand edit): such an entry is never trusted.
        `fixes`: also read the findings with their fixes (`Entry.fixed`)."""
        raw = self._raw.get(relpath)
        if not isinstance(raw, list) or len(raw) not in (2, 3, 4) or not isinstance(raw[0], str) \
                or not isinstance(raw[1], list):
            return None
        deps = raw[2] if len(raw) > 2 else []
        if type(deps) is not list:
            return None
        for d in deps:  # a plain loop: this runs for each of ~12,000 dependencies of a warm run
            if type(d) is not list or not 3 <= len(d) <= 4 or type(d[0]) is not str \
                    or type(d[1]) is not str or type(d[2]) is not str \
                    or (len(d) == 4 and type(d[3]) is not str):
                return None
        try:
            found = [decode_diagnostic(d, path) for d in raw[1]]
            fixed: list[Diagnostic] | None = None
            if fixes:
                with_fixes = [decode_fixed(d, f) for d, f in zip(raw[1], found, strict=True)]
                if all(f is not None for f in with_fixes):
                    fixed = [f for f in with_fixes if f is not None]
            return Entry(raw[0], found, deps, fixed)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None

    def stat_of(self, relpath: str) -> list[int] | None:
        """The stat recorded with the file's entry (see `stat_key`), if any."""
        raw = self._raw.get(relpath)
        if isinstance(raw, list) and len(raw) == 4 and isinstance(raw[3], list) \
                and len(raw[3]) == 4 and all(type(v) is int for v in raw[3]):
            return raw[3]
        return None

    def put(self, relpath: str, content_digest: str, diagnostics: list[Diagnostic],
            deps: list[list[str]] | None = None, stat: list[int] | None = None,
            fixed: list[Diagnostic] | None = None) -> None:
        """Store a file's findings as found and, when the run computed them, with their fixes
        (`fixed`: the same findings, in the same order, from `attach_fixes`)."""
        encoded = [encode_diagnostic(d) for d in diagnostics] if fixed is None else [
            encode_diagnostic(d, f) for d, f in zip(diagnostics, fixed, strict=True)]
        new: list[Any] = [content_digest, encoded]
        if deps or stat:
            new.append(deps or [])
        if stat:
            new.append(stat)
        if self._raw.get(relpath) != new:
            self._raw[relpath] = new
            self._dirty = True

    def set_stat(self, relpath: str, stat: list[int]) -> None:
        """Record the stat of a file whose entry was confirmed by its content digest."""
        raw = self._raw.get(relpath)
        if isinstance(raw, list) and len(raw) in (2, 3, 4) and self.stat_of(relpath) != stat:
            self._raw[relpath] = [raw[0], raw[1], raw[2] if len(raw) > 2 else [], stat]
            self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tag = self.base / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# This file is a cache directory tag created by asynclint.\n")
                (self.base / ".gitignore").write_text("*\n")
            import tempfile  # only a run that changed something writes

            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                # `dumps` encodes in C; `dump` streams through the pure-Python encoder (5x slower).
                fh.write(json.dumps(self._raw, separators=(",", ":")))
            os.replace(tmp, self.file)
        except OSError:
            # A read-only tree must not fail the check; the next run is just slower.
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)


def clean(root: Path) -> list[Path]:
    """Remove every `.asynclint_cache` below root (for `asynclint clean`)."""
    import shutil

    removed = []
    for dirpath, dirnames, _ in os.walk(root):
        if ".asynclint_cache" in dirnames:
            target = Path(dirpath) / ".asynclint_cache"
            shutil.rmtree(target, ignore_errors=True)
            removed.append(target)
            dirnames.remove(".asynclint_cache")
        dirnames[:] = [d for d in dirnames if d not in (".git", ".venv", "node_modules")]
    return removed
