"""The result cache: `.asynclint_cache/<version>/<settings>.json`, keyed per file by content hash.

One file per (project root, settings) pair, as ruff does; an unchanged file is never re-parsed.
Fixes are not cached, nor the rules' plans for them: a cached finding says only whether it offers
a fix (with the fix's title and applicability, which text output shows). A run that wants fixes
analyses a file whose cached findings offer one again (they are cheap to recompute for the few
files that need them).

An entry may also hold the file's stat (`stat_key`), taken before the content was read: a later
run that finds the same stat takes the content digest as known instead of reading and hashing
the file. Only a stat that can be trusted is kept: the file's last change (mtime and ctime,
which no tool can set back) must lie `RACY_NS` before the stat was taken, longer than any file
system's timestamp granularity, so a later change cannot leave the same timestamps behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from asynclint import __version__
from asynclint.config import Settings
from asynclint.diagnostics import Applicability, Diagnostic, Location

# (content digest, diagnostics, project-index lookups the result depends on: see
# `semantic.project.view.deps_valid`)
Entry = tuple[str, list[Diagnostic], list[list[str]]]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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


def encode_diagnostic(d: Diagnostic) -> list[Any]:
    """A diagnostic as JSON. Of its fix only that one is offered is kept (with the title and
    applicability text output shows): never the rule's plan, which is built again, by analysing
    the file again, whenever a fix is wanted (`engine.run._cache_hit`)."""
    return [d.code, d.name, d.message, d.start.row, d.start.col, d.end.row, d.end.col,
            d.noqa_row, d.fix_title, d.applicability.value if d.applicability else None,
            d.offers_fix]


_DECODED_TYPES: tuple[type | tuple[type, ...], ...] = (str, str, str, int, int, int, int, int, (str, type(None)))


def decode_diagnostic(raw: list[Any], path: str) -> Diagnostic:
    """A cached diagnostic, without a fix plan; TypeError/ValueError when `raw` is not of this
    version's shape (an entry written when plans were cached, with a list or None where the
    flag is now, included)."""
    code, name, message, r0, c0, r1, c1, noqa_row, title, applicability, offers_fix = raw
    if not all(isinstance(v, t) and not isinstance(v, bool)
               for v, t in zip(raw, _DECODED_TYPES, strict=False)) or min(r0, c0, r1, c1) < 0 \
            or r0 < 1 or not isinstance(offers_fix, bool) \
            or offers_fix is not (applicability is not None):
        raise TypeError("not a cached diagnostic")
    return Diagnostic(code, name, message, path, Location(r0, c0), Location(r1, c1), noqa_row,
                      title, Applicability(applicability) if applicability else None)


class CacheStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        base = settings.root / settings.cache_dir
        self.base = base
        self.file = base / __version__ / f"{settings.fingerprint()}.json"
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

    def get(self, relpath: str, path: str) -> Entry | None:
        """The entry of a file, or None when there is none or it is not of this version's
        shape (a foreign or future writer, a hand edit): such an entry is never trusted."""
        raw = self._raw.get(relpath)
        if not isinstance(raw, list) or len(raw) not in (2, 3, 4) or not isinstance(raw[0], str) \
                or not isinstance(raw[1], list):
            return None
        deps = raw[2] if len(raw) > 2 else []
        if not (isinstance(deps, list) and all(
                isinstance(d, list) and len(d) == 3 and isinstance(d[0], str)
                and isinstance(d[1], str) and isinstance(d[2], str) for d in deps)):
            return None
        try:
            return raw[0], [decode_diagnostic(d, path) for d in raw[1]], deps
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
            deps: list[list[str]] | None = None, stat: list[int] | None = None) -> None:
        new: list[Any] = [content_digest, [encode_diagnostic(d) for d in diagnostics]]
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
