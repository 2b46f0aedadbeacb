"""check_paths settles cache hits itself and sends only changed files to the workers; the
findings are the same whichever way a file was checked."""

from __future__ import annotations

from pathlib import Path

from asynclint.config import Settings
from asynclint.engine.run import RunOptions, check_paths

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


def test_a_module_parsed_for_the_project_index_is_not_parsed_again(tmp_path: Path,
                                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`app/api.py` is checked first and needs `app/services.py`'s summary: the tree parsed
    for the summary is the one the engine checks (one parse per file), with the same findings
    as a file checked on its own. A file with a BOM is parsed by the engine as usual."""
    import ast

    from asynclint.engine import index_store

    (tmp_path / "pyproject.toml").write_text("")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "api.py").write_text("from app.services import fetch, legacy\n\n\nasync def view():\n"
                                "    fetch()\n    legacy()\n")
    (app / "services.py").write_text("import time\n\n\nasync def fetch():\n    time.sleep(1)\n")
    (app / "zlegacy.py").write_bytes(b"\xef\xbb\xbfasync def legacy():\n    pass\n")
    (app / "services.py").write_text((app / "services.py").read_text()
                                     + "\n\nfrom app.zlegacy import legacy as legacy\n")
    settings = Settings(root=tmp_path, select=("ASL",))
    files = [(str(app / name), settings) for name in ("api.py", "services.py", "zlegacy.py")]
    parsed: list[str] = []
    real_parse = ast.parse

    def counting(source, filename="<unknown>", *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(Path(filename).name)
        return real_parse(source, filename, *args, **kwargs)

    index_store.forget_indexes()
    monkeypatch.setattr(ast, "parse", counting)
    together = check_paths(files, RunOptions(jobs=1, use_cache=False))
    monkeypatch.setattr(ast, "parse", real_parse)
    assert parsed.count("services.py") == 1
    assert parsed.count("zlegacy.py") == 2  # a BOM: the engine parses its own text
    assert sorted(parsed) == ["api.py", "services.py", "zlegacy.py", "zlegacy.py"]
    alone = [r for f in files for r in (index_store.forget_indexes(),
                                        check_paths([f], RunOptions(jobs=1, use_cache=False)))[1]]
    assert _findings(together) == _findings(alone)
    assert ("api.py", "ASL200", 5) in _findings(together)
    assert ("services.py", "ASL100", 5) in _findings(together)


def test_lanes_hold_about_equal_bytes() -> None:
    """Workers' lanes split the sorted files by size, not count: many small files of one
    project and a few large ones of the next stay apart."""
    import random

    from asynclint.engine.run import lane_bounds

    assert lane_bounds([100] * 10, 2) == [0, 5, 10]  # equal sizes: as a count split
    assert lane_bounds([1] * 80 + [80] * 2, 2) == [0, 81, 82]
    assert lane_bounds([1] * 80 + [40] * 2, 2) == [0, 80, 82]  # 80 small files vs 2 large
    assert lane_bounds([0] * 6, 3) == [0, 2, 4, 6]  # nothing to weigh: by count
    assert lane_bounds([], 2) == [0, 0, 0]
    rng = random.Random(7)
    for _ in range(300):
        sizes = [rng.choice([0, 1, 10, 1000]) for _ in range(rng.randrange(0, 40))]
        jobs = rng.randrange(1, 5)
        bounds = lane_bounds(sizes, jobs)
        assert len(bounds) == jobs + 1 and bounds[0] == 0 and bounds[-1] == len(sizes)
        assert bounds == sorted(bounds)
        total = sum(sizes)
        for lane in range(jobs):  # no lane takes a file whose middle is past its share
            taken = sum(sizes[bounds[lane]:bounds[lane + 1]])
            assert not total or taken <= total / jobs + max(sizes, default=0)


def test_workers_take_their_own_lane_first_then_help_from_the_back_of_others() -> None:
    """Every file is checked exactly once; a worker keeps to its contiguous lane (locality for
    the project index) and, once done, takes the others' files from the far end."""
    import multiprocessing

    from asynclint.engine import run

    n, jobs, chunk = 50, 2, 8
    bounds = [n * lane // jobs for lane in range(jobs + 1)]
    run._lanes_init(multiprocessing.Array("q", bounds[:-1]),
                    multiprocessing.Array("q", bounds[1:]), [], RunOptions(), chunk)
    try:
        taken: list[tuple[int, int, int]] = []
        # Lane 0's worker is fast: it empties its lane, then steals from lane 1's back.
        while (got := run._next_chunk(0)) is not None and got[0] < 25:
            taken.append((0, *got))
        assert got is not None and got == (42, 50)  # lane 1's last files
        taken.append((0, *got))
        while (got := run._next_chunk(1)) is not None:
            taken.append((1, *got))
        assert run._next_chunk(0) is None
    finally:
        run._LANES.clear()
    assert [t for t in taken if t[0] == 0][:4] == [(0, 0, 8), (0, 8, 16), (0, 16, 24), (0, 24, 25)]
    assert taken[-1][0] == 1 and taken[-1][2] == 42  # lane 1 worked up to the stolen part
    covered = sorted(i for _, start, end in taken for i in range(start, end))
    assert covered == list(range(n))
