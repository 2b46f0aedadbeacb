"""Where the installed packages of the checked project live: the site-packages folders of its
Python environment, found as pyright and mypy find them, never by importing anything.

The environment, first found wins:
1. the `python` setting (`--python`): an interpreter (or a virtual environment's folder),
   whose `sys.path` is read by running it once with `-c` (nothing of the project is imported);
2. the virtual environment named by `VIRTUAL_ENV` (an activated one);
3. a `.venv` (else `venv`) folder at the project root, as the common tools create it;
4. the interpreter asynclint runs in (the `site` paths of this process).
Only folders named `site-packages` or `dist-packages` count (not the standard library, not the
project's own source folders an editable install adds).
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable
from pathlib import Path

_SITE_NAMES = ("site-packages", "dist-packages")
_LOCAL_VENVS = (".venv", "venv")  # folders at the project root taken for its environment
_PROBE = "import json, sys; print(json.dumps(sys.path))"
_INTERPRETERS: dict[str, tuple[str, ...]] = {}  # interpreter path -> its site folders


def site_dirs(root: Path, python: str | None,
              environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """The site-packages folders of the project at `root` (see the module's docstring for the
    order), absolute and existing."""
    env = os.environ if environ is None else environ
    if python:
        target = python if os.path.isabs(python) else os.path.join(root, python)
        if os.path.isdir(target):
            return venv_site_dirs(target)
        return interpreter_site_dirs(target)
    active = env.get("VIRTUAL_ENV")
    if active and os.path.isdir(active):
        return venv_site_dirs(active)
    for folder in _LOCAL_VENVS:
        local = os.path.join(root, folder)
        if os.path.isdir(local):
            return venv_site_dirs(local)
    return current_site_dirs()


def venv_site_dirs(venv: str) -> tuple[str, ...]:
    """A virtual environment's site-packages (POSIX `lib/pythonX.Y/site-packages`, Windows
    `Lib/site-packages`), read from its layout."""
    found = sorted(glob.glob(os.path.join(glob.escape(venv), "lib", "python3*", "site-packages")))
    found += glob.glob(os.path.join(glob.escape(venv), "Lib", "site-packages"))
    return tuple(os.path.abspath(d) for d in found if os.path.isdir(d))


def interpreter_site_dirs(python: str) -> tuple[str, ...]:
    """The site folders on another interpreter's `sys.path` (it is run once per process);
    none when it cannot be run."""
    key = os.path.abspath(python)
    known = _INTERPRETERS.get(key)
    if known is None:
        import subprocess  # only with a `python` setting: not on every run's import path

        try:
            done = subprocess.run([key, "-c", _PROBE], capture_output=True, text=True,
                                  timeout=30, check=True, stdin=subprocess.DEVNULL)
            entries = json.loads(done.stdout)
        except (OSError, subprocess.SubprocessError, ValueError):
            entries = []
        known = _INTERPRETERS[key] = _only_sites(e for e in entries if isinstance(e, str))
    return known


def current_site_dirs() -> tuple[str, ...]:
    """The site folders of the interpreter asynclint runs in (`site`'s, already imported at
    start-up: `sysconfig` would cost every run its import)."""
    import site

    found: list[str] = []
    if hasattr(site, "getsitepackages"):  # an old virtualenv's `site` module has none
        found += site.getsitepackages()
    if site.ENABLE_USER_SITE:
        found.append(site.getusersitepackages())
    return _only_sites(found)


def _only_sites(paths: Iterable[str]) -> tuple[str, ...]:
    out = [os.path.abspath(p) for p in paths
           if p and os.path.basename(os.path.normpath(p)) in _SITE_NAMES and os.path.isdir(p)]
    return tuple(dict.fromkeys(out))
