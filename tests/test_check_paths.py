"""check_paths settles cache hits itself and sends only changed files to the workers; the
findings are the same whichever way a file was checked."""

from __future__ import annotations

from pathlib import Path

from asynclint.config import Settings
from asynclint.engine import RunOptions, check_paths

BAD = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
GOOD = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"


def _tree(root: Path, n: int) -> list[tuple[str, Settings]]:
    settings = Settings(root=root, select=("ASL",))
    files = []
    for i in range(n):
        path = root / f"m{i}.py"
        path.write_text(BAD if i % 2 else GOOD)
        files.append((str(path), settings))
    return files


def _findings(reports: list) -> list[tuple[str, str, int]]:  # type: ignore[type-arg]
    return [(Path(r.path).name, d.code, d.start.row) for r in reports for d in r.diagnostics]


def test_warm_run_uses_the_cache_and_a_change_is_rechecked(tmp_path: Path) -> None:
    files = _tree(tmp_path, 12)  # above the parallel threshold
    options = RunOptions(jobs=2)
    cold = check_paths(files, options)
    assert not any(r.from_cache for r in cold)
    assert len(_findings(cold)) == 6

    warm = check_paths(files, options)
    assert all(r.from_cache for r in warm)
    assert _findings(warm) == _findings(cold)

    (tmp_path / "m0.py").write_text(BAD)
    (tmp_path / "m1.py").write_text(GOOD)
    changed = check_paths(files, options)
    fresh = {Path(r.path).name for r in changed if not r.from_cache}
    assert fresh == {"m0.py", "m1.py"}
    names = [f[0] for f in _findings(changed)]
    assert "m0.py" in names and "m1.py" not in names
    assert _findings(changed) == _findings(check_paths(files, RunOptions(jobs=1, use_cache=False)))


def test_a_file_gone_after_caching_is_reported_not_served_from_cache(tmp_path: Path) -> None:
    files = _tree(tmp_path, 3)
    check_paths(files, RunOptions(jobs=1))
    (tmp_path / "m1.py").unlink()
    reports = check_paths(files, RunOptions(jobs=1))
    gone = next(r for r in reports if r.path.endswith("m1.py"))
    assert not gone.from_cache
    assert [d.code for d in gone.diagnostics] == ["E902"]
