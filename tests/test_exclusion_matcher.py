"""Discovery's combined exclusion matcher gives the same verdict as matching each glob alone."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from asynclint.config import DEFAULT_EXCLUDE, Settings
from asynclint.engine.discovery import exclusion_matcher, is_excluded, is_force_excluded
from asynclint.globs import glob_match

_PART = st.sampled_from(["a", "b", "ab", ".venv", "build", "tests", "x.py", "a.py", "migrations"])
_PATHS = st.lists(_PART, min_size=1, max_size=5).map("/".join)
_GLOB_PART = st.sampled_from(["a", "*", "**", "?b", "[ab]", "[!a]", "*.py", "build", ".venv", "tests"])
_GLOBS = st.builds(
    lambda parts, lead, trail: ("./" if lead else "") + "/".join(parts) + ("/" if trail else ""),
    st.lists(_GLOB_PART, min_size=1, max_size=3), st.booleans(), st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_GLOBS, max_size=6).map(tuple), _PATHS)
def test_same_verdict_as_each_glob(patterns: tuple[str, ...], rel: str) -> None:
    expected = any(glob_match(p, rel) for p in patterns)
    matcher = exclusion_matcher(patterns)
    basename = rel.rsplit("/", 1)[-1]
    got = matcher is not None and bool(matcher.match(rel) or matcher.match(basename))
    assert got == expected


def test_default_excludes(tmp_path: Path) -> None:
    s = Settings(root=tmp_path, extend_exclude=("gen/**",))
    assert DEFAULT_EXCLUDE
    # An entry is judged by its own path and name; the walk never enters an excluded folder,
    # and --force-exclude tests the ancestors of a named file.
    assert is_excluded(s, tmp_path / "pkg" / ".venv")
    assert not is_excluded(s, tmp_path / "pkg" / ".venv" / "x.py")
    assert is_force_excluded(s, tmp_path / "pkg" / ".venv" / "x.py")
    assert is_excluded(s, tmp_path / "gen" / "deep" / "x.py")
    assert not is_excluded(s, tmp_path / "pkg" / "venvs")
