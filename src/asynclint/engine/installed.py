"""Installed packages, read never imported: which file of a site-packages folder holds a module,
and which distribution (name and version, from its `.dist-info`) installed that file.

Everything here is read lazily, for the modules a lookup reaches, and memoised per process
per site folder; a folder whose modification time changed (a package installed, upgraded or
removed: its `.dist-info` folder comes or goes) is read afresh, so a long-lived process (the
editor) sees the change.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from asynclint.config import Settings
from asynclint.config.interpreter import site_dirs
from asynclint.digests import hex_digest


@dataclass
class _Site:
    """What is known of one site folder at one modification time."""

    mtime: int
    tops: frozenset[str]  # top-level module and package names
    dist_infos: tuple[str, ...]  # its `*.dist-info` folder names
    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # top name -> dist-infos
    records: dict[str, frozenset[str]] = field(default_factory=dict)  # dist-info -> files
    # dist-info -> (its METADATA's mtime, "name==version")
    versions: dict[str, tuple[int, str]] = field(default_factory=dict)
    listings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folder -> its names


_SITES: dict[str, _Site] = {}
_ROOTS: dict[tuple[str, str | None, str | None], tuple[str, ...]] = {}


def site_roots(settings: Settings) -> tuple[str, ...]:
    """The site-packages folders installed packages are read from, for a project's settings
    (`config.interpreter` says in which order they are chosen); per process."""
    key = (str(settings.root), settings.python, os.environ.get("VIRTUAL_ENV"))
    found = _ROOTS.get(key)
    if found is None:
        found = _ROOTS[key] = site_dirs(settings.root, settings.python)
    return found


def _site(root: str) -> _Site | None:
    try:
        mtime = os.stat(root).st_mtime_ns
    except OSError:
        return None
    known = _SITES.get(root)
    if known is not None and known.mtime == mtime:
        return known
    try:
        names = os.listdir(root)
    except OSError:
        return None
    tops = {n[:-3] if n.endswith(".py") else n for n in names
            if (n.endswith(".py") or "." not in n) and n != "__pycache__"}
    known = _SITES[root] = _Site(mtime, frozenset(tops),
                                 tuple(sorted(n for n in names if n.endswith(".dist-info"))))
    return known


def environment_digest(roots: tuple[str, ...]) -> str:
    """What identifies the installed distributions and their versions: the site folders and
    the names of their `.dist-info` folders (`name-version.dist-info`), so installing,
    upgrading or removing any package changes it; "" for no site folder."""
    if not roots:
        return ""
    parts: list[str] = []
    for root in roots:
        site = _site(root)
        parts += [root, *(site.dist_infos if site is not None else ("?",))]
    return hex_digest("\0".join(parts).encode())


def has_installed(roots: tuple[str, ...], top: str) -> bool:
    """Whether any site folder has a top-level module or package named `top`."""
    for root in roots:
        site = _site(root)
        if site is not None and top in site.tops:
            return True
    return False


def find_installed(roots: tuple[str, ...], module: str) -> tuple[str, str] | None:
    """The file of a module under the site folders and the distribution that installed it
    ("name==version"); None when no folder has it as Python source installed by a
    distribution (a compiled module, a file no `RECORD` lists: unknown)."""
    first = module.partition(".")[0]
    rel = module.replace(".", "/")
    for root in roots:
        site = _site(root)
        if site is None or first not in site.tops:
            continue
        for candidate in (f"{rel}.py", f"{rel}/__init__.py"):
            path = os.path.join(root, candidate)
            if not os.path.isfile(path):
                continue
            folder, _, stem = candidate[:-3].rpartition("/")
            if any(n.startswith(f"{stem}.") and n.endswith((".so", ".pyd"))
                   for n in _listing(site, os.path.join(root, folder))):
                return None  # an extension module of the same name is what imports
            dist = _distribution(root, site, first, candidate)
            return (path, dist) if dist else None
        return None  # the first folder that has the package decides, as imports do
    return None


def _listing(site: _Site, folder: str) -> tuple[str, ...]:
    known = site.listings.get(folder)
    if known is None:
        try:
            known = tuple(os.listdir(folder))
        except OSError:
            known = ()
        site.listings[folder] = known
    return known


def _distribution(root: str, site: _Site, first: str, relpath: str) -> str | None:
    """"name==version" of the distribution whose RECORD lists `relpath`."""
    owners = site.owners.get(first)
    if owners is None:
        owners = site.owners[first] = _owners(root, site, first)
    for dist_info in owners:
        if relpath in _record(root, site, dist_info):
            return _version(root, site, dist_info)
    return None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _owners(root: str, site: _Site, first: str) -> tuple[str, ...]:
    """The dist-infos whose RECORD lists files of the top-level name `first`: those named like
    it are tried first, then those whose `top_level.txt` names it; only when neither has it
    are the RECORDs of the others read (a site folder's RECORDs run to thousands of lines)."""
    wanted = _normal(first)
    prefixes = (f"{first}/", f"{first}.py")

    def lists(dist_info: str) -> bool:
        return any(f.startswith(prefixes) for f in _record(root, site, dist_info))

    named = [d for d in site.dist_infos if _normal(d.partition("-")[0]) == wanted]
    found = [d for d in named if lists(d)]
    if found:
        return tuple(found)
    rest = [d for d in site.dist_infos if d not in named]
    tops = {d: _top_level(root, d) for d in rest}
    found = [d for d in rest if first in (tops[d] or ()) and lists(d)]
    if found:
        return tuple(found)
    return tuple(d for d in rest if tops[d] is None and lists(d))


def _top_level(root: str, dist_info: str) -> frozenset[str] | None:
    """The names a dist-info's `top_level.txt` lists (None when it has none)."""
    try:
        text = Path(root, dist_info, "top_level.txt").read_text("utf-8", errors="replace")
    except OSError:
        return None
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _record(root: str, site: _Site, dist_info: str) -> frozenset[str]:
    known = site.records.get(dist_info)
    if known is None:
        try:
            text = Path(root, dist_info, "RECORD").read_text("utf-8", errors="replace")
        except OSError:
            text = ""
        files = set()
        for line in text.splitlines():
            path = line.rsplit(",", 2)[0] if line.count(",") >= 2 else line
            path = path.strip().strip('"')
            if path.endswith(".py"):
                files.add(path)
        known = site.records[dist_info] = frozenset(files)
    return known


def _version(root: str, site: _Site, dist_info: str) -> str | None:
    """"name==version" from the dist-info's METADATA headers (its folder name otherwise)."""
    metadata = os.path.join(root, dist_info, "METADATA")
    try:
        mtime = os.stat(metadata).st_mtime_ns
    except OSError:
        mtime = -1
    known = site.versions.get(dist_info)
    if known is None or known[0] != mtime:
        name = version = ""
        try:
            with open(metadata, encoding="utf-8",
                      errors="replace") as fh:
                for line in fh:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    if key == "Name":
                        name = value.strip()
                    elif key == "Version":
                        version = value.strip()
        except OSError:
            pass
        if not (name and version):
            name, _, version = dist_info.removesuffix(".dist-info").partition("-")
        known = site.versions[dist_info] = (mtime, f"{_normal(name)}=={version}"
                                            if version else "")
    return known[1] or None


def forget_sites() -> None:
    """Drop what is known of site folders and environments (tests)."""
    _SITES.clear()
    _ROOTS.clear()
