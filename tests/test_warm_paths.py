"""The warm path's string shortcuts give exactly the pathlib answers they replace.

`Settings.relpath` and discovery work on strings (a warm run over thousands of files was mostly
`Path` constructions); the references below are the pathlib forms they replaced.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given as examples
from hypothesis import strategies as st

from asynclint.config import Settings, SettingsResolver
from asynclint.diagnostics import Diagnostic, Location
from asynclint.engine.discovery import discover, discover_files
from asynclint.output import FormatOptions
from asynclint.output.text import full
from asynclint.source import split_lines


def pathlib_relpath(root: Path, path: Path | str) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


ROOTS = ["/", "/proj", "/proj/sub", "/pro", "relative/root", "/proj/../proj", "//net/share"]
PATHS = [
    "/", "/proj", "/proj/", "/proj/a.py", "/proj/sub/b.py", "/projx/a.py", "/pro/j.py",
    "/proj/./a/../b.py", "/other/c.py", "a.py", "./a.py", "sub//b.py", "../up.py", ".",
    "//net/share/x.py", "/proj/sub", "x/../../y.py",
]


@pytest.mark.parametrize("root", ROOTS)
def test_relpath_is_pathlibs_answer(root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    settings = Settings(root=Path(root))
    for path in PATHS:
        for given in (path, Path(path)):
            assert settings.relpath(given) == pathlib_relpath(Path(root), given), (root, given)


def test_relpath_from_a_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pkg").mkdir()
    monkeypatch.chdir(tmp_path / "pkg")
    settings = Settings(root=tmp_path)
    for path in ("m.py", "../m.py", "../../m.py", ".", "..", "deep/er/m.py"):
        assert settings.relpath(path) == pathlib_relpath(tmp_path, path)


def test_discovered_settings_are_for_path_settings(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Each walked file carries what `resolver.for_path` gives it: its nearest configuration,
    or the `--config`/`--isolated` settings that replace it."""
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nignore = ['ASL100']\n")
    inner = tmp_path / "inner"
    (inner / "deep").mkdir(parents=True)
    (inner / "pyproject.toml").write_text("[tool.asynclint]\nselect = ['ASL1']\n")
    for f in ("a.py", "inner/b.py", "inner/deep/c.pyi"):
        (tmp_path / f).write_text("x = 1\n")
    (tmp_path / "inner" / "dir.py").mkdir()  # a folder named like a module is walked
    (tmp_path / "inner" / "dir.py" / "d.py").write_text("x = 1\n")
    explicit = tmp_path / "asynclint.toml"
    explicit.write_text("select = ['ASL2']\n")
    monkeypatch.chdir(tmp_path)
    for resolver_args in ({}, {"isolated": True}, {"explicit": explicit}):
        for given in ([Path(".")], [Path("inner"), Path("a.py")], [tmp_path],
                      [Path("./inner/../inner/deep/")]):
            resolver = SettingsResolver(**resolver_args)  # type: ignore[arg-type]
            found = list(discover_files(given, resolver))
            assert found, given
            reference = SettingsResolver(**resolver_args)  # type: ignore[arg-type]
            assert [(p, reference.for_path(Path(p))) for p in map(str, discover(given, reference))] \
                == found
            assert all(isinstance(p, str) for p, _ in found)


def test_discovered_names_keep_the_given_spelling(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("")
    monkeypatch.chdir(tmp_path)
    resolver = SettingsResolver()
    assert [p for p, _ in discover_files([Path(".")], resolver)] == [os.path.join("pkg", "m.py")]
    assert [p for p, _ in discover_files([Path("./pkg/")], resolver)] == ["pkg/m.py"]
    assert [p for p, _ in discover_files([tmp_path], resolver)] == [str(tmp_path / "pkg" / "m.py")]
    assert [p for p, _ in discover_files([Path("missing.py")], resolver)] == ["missing.py"]


def regex_split_lines(text: str) -> list[str]:
    return [line.rstrip("\r\n") for line in re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)]


@examples(st.text(alphabet="ab \n\r\x0c\x1c\x85\u2028", max_size=40))
def test_split_lines_fast_path_is_the_tokenizers_split(text: str) -> None:
    assert split_lines(text) == regex_split_lines(text)
    assert split_lines(text.replace("\r", "")) == regex_split_lines(text.replace("\r", ""))


def test_full_format_reads_each_file_once(tmp_path: Path) -> None:
    """A file with many findings is read (and split) once for all its code frames."""
    path = str(tmp_path / "m.py")
    text = "".join(f"line {i}\n" for i in range(1, 40))
    reads: list[str] = []

    def read(p: str) -> str:
        reads.append(p)
        return text

    found = [Diagnostic("ASL100", "n", f"m{row}", path, Location(row, 0), Location(row, 4), row)
             for row in range(1, 40, 3)]
    out = full(found, FormatOptions(read_source=read, show_summary=False))
    assert reads == [path]
    for row in range(1, 40, 3):
        assert re.search(rf"\n *{row} \| line {row}\n *\| \^\^\^\^\n", out), row


@pytest.mark.parametrize("root", ["/", "/proj", "/proj/sub", "//net"])
def test_walk_entry_paths_are_relpaths(root: str) -> None:
    """Discovery names each entry from its folder's relative path (one `relpath` per folder)."""
    from asynclint.engine.discovery import _entry_rel

    settings = Settings(root=Path(root))
    for folder in ("/", "/proj", "/proj/sub", "/proj/sub/deep", "/other", "//net/x", "/pro"):
        for name in ("a.py", ".venv", "b"):
            assert _entry_rel(settings.relpath(folder), name) == \
                settings.relpath(os.path.join(folder, name)), (root, folder, name)
