"""asynclint's benchmark: the parse floor, asynclint in every mode, and the peer linters, on two
corpora of real async projects from the ecosystem run's pinned sdists: libraries (fastapi,
aiohttp, litestar, anyio: >= 300,000 lines, the corpus of every earlier figure) and applications
(open-webui, lnbits and smaller FastAPI applications: >= 250,000 lines).

    python benchmarks/run.py                       # everything (flake8-async alone takes minutes)
    python benchmarks/run.py --skip-flake8-async   # the quick loop while optimising
    python benchmarks/run.py --corpus applications --skip-flake8-async

Every time is measured on a fresh process (so start-up counts, as it does for users), the median
of --repeats runs (--slow-repeats for flake8 peers): its wall clock and its CPU time (user + sys of
the process tree). The rows a target compares run in turns (the parse floor, the cold modes and
ruff's cold runs; the warm modes and ruff's warm run), so a drift in the machine's speed moves
them alike. Ratios (the ratio columns and the targets) compare CPU time unless they say wall:
CPU time is what other load on a shared machine disturbs least; the wall clock is what the
all-cores row is about. Text (`concise`) and JSON output are measured apart, cold and warm: a
JSON run prints each finding's fix, which a cold run computes with libcst and a warm run reads
from the result cache. Peak RSS is the largest process of the
run's tree (os.wait4). The peers (flake8 + flake8-async, ruff) are installed from the `bench` extra
of pyproject.toml into a venv in the cache, so our own flake8 plugin does not load beside them.
All asynclint modes must report the same findings; the run fails otherwise.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _load_ecosystem() -> Any:
    """scripts/ecosystem.py: the download cache and the pinned projects."""
    spec = importlib.util.spec_from_file_location("asynclint_ecosystem", REPO / "scripts" / "ecosystem.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ecosystem = _load_ecosystem()

# The corpora: projects taken in this order until the corpus has its lines. "libraries" is the
# committed corpus every earlier figure is on; "applications" are FastAPI applications and their
# kin (what asynclint is for: handlers, services, ORM code rather than framework internals).
@dataclass(frozen=True)
class Corpus:
    name: str
    projects: tuple[str, ...]
    min_lines: int


CORPORA = {
    "libraries": Corpus("libraries", ("fastapi", "aiohttp", "litestar", "anyio", "starlette",
                                      "uvicorn", "httpx"), 300_000),
    "applications": Corpus("applications", ("open-webui", "lnbits", "fastapi-users", "fastcrud",
                                            "fastapi-pagination", "fastapi-amis-admin",
                                            "opal-server", "prefect"), 250_000),
}
SCALING_SIZES = (1_000, 10_000, 100_000)
LSP_BUFFER_LINES = 2_000
PYTHON = sys.executable
ASYNCLINT = [PYTHON, "-m", "asynclint"]


# -- running and measuring ---------------------------------------------------------------------
@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + sys of the process tree
    rss_kb: int = 0
    note: str = ""
    skipped: str = ""

    def add(self, elapsed: float, cpu: float, rss_kb: int) -> None:
        """One run's wall time, CPU time and peak RSS."""
        self.seconds.append(elapsed)
        self.cpu.append(cpu)
        self.rss_kb = max(self.rss_kb, rss_kb)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def run_once(cmd: Sequence[str], cwd: Path,
             env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Wall time, CPU time, peak RSS (KiB, largest process of the tree) and stdout of one run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n"
                               f"{err.read().decode('utf-8', 'replace')[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stdout


def measure(name: str, cmd: Sequence[str], cwd: Path, repeats: int,
            before: Callable[[int], None] | None = None,
            env: dict[str, str] | None = None) -> tuple[Measure, str]:
    m = Measure(name)
    stdout = ""
    for i in range(repeats):
        if before is not None:
            before(i)
        elapsed, cpu, rss, stdout = run_once(cmd, cwd, env)
        m.add(elapsed, cpu, rss)
    return m, stdout


@dataclass(frozen=True)
class Command:
    """One row's command, for `measure_in_turns`."""

    name: str
    cmd: Sequence[str]
    env: dict[str, str] | None = None


def measure_in_turns(commands: Sequence[Command], cwd: Path,
                     repeats: int) -> list[tuple[Measure, str]]:
    """Each command `repeats` times, in turns (a, b, c, a, b, c, ...), so that the medians of
    rows a target compares are taken over the same stretch of time. This machine's speed drifts
    by tens of per cent over minutes: rows measured one after the other compared a fast stretch
    with a slow one (the parse floor took 2.64 s CPU in one run, 1.63 s in the next, twenty
    minutes later, on the same files). Returns each row's Measure and its last stdout."""
    measures = [Measure(c.name) for c in commands]
    outputs = [""] * len(commands)
    for _ in range(repeats):
        for i, command in enumerate(commands):
            elapsed, cpu, rss, outputs[i] = run_once(command.cmd, cwd, command.env)
            measures[i].add(elapsed, cpu, rss)
    return list(zip(measures, outputs, strict=True))


def compile_asynclint() -> str:
    """Byte-compile the asynclint being measured, as an installed package is: with
    PYTHONDONTWRITEBYTECODE set (CI, some sandboxes) every start would compile its modules from
    source (~50 ms), which users never pay. Returns the line the benchmark prints about it."""
    spec = importlib.util.find_spec("asynclint")
    if spec is None or not spec.submodule_search_locations:
        return "asynclint: not found to byte-compile"
    package = next(iter(spec.submodule_search_locations))
    subprocess.run([PYTHON, "-m", "compileall", "-q", package], check=True,
                   stdout=subprocess.DEVNULL)
    return ("asynclint byte-compiled before timing "
            f"(python -m compileall -q {_shown_path(Path(package))})")


def _shown_path(path: Path) -> str:
    """A path as the printed report shows it: `~` for the home folder, relative to the working
    folder when inside it, so a report pasted into the docs names no one machine's layout."""
    absolute = path.resolve()
    for base, label in ((Path.cwd(), "."), (Path.home(), "~")):
        try:
            return f"{label}/{absolute.relative_to(base.resolve()).as_posix()}"
        except ValueError:
            continue
    return absolute.as_posix()


# -- the corpus ------------------------------------------------------------------------------------
def build_corpus(cache: Path, spec: Corpus, min_lines: int | None = None) -> tuple[Path, int, int]:
    """Copy the .py files of the corpus projects to one folder every tool checks the same way."""
    from asynclint.config import DEFAULT_EXCLUDE

    min_lines = spec.min_lines if min_lines is None else min_lines
    names = []
    lines = 0
    trees = {}
    for name in spec.projects:
        tree = ecosystem.fetch(ecosystem.BY_NAME[name], cache)
        trees[name] = tree
        names.append(name)
        lines += sum(p.read_bytes().count(b"\n") for p in ecosystem.python_files(tree))
        if lines >= min_lines:
            break
    if lines < min_lines:
        raise SystemExit(f"corpus {spec.name} has only {lines} lines; add projects to it")
    corpus = cache / "bench-corpus" / "-".join(names)
    marker = corpus / ".complete"
    if not marker.is_file():
        shutil.rmtree(corpus, ignore_errors=True)
        for name in names:
            tree = trees[name]
            for src in ecosystem.python_files(tree):
                rel = src.relative_to(tree)
                # Leave out what any tool excludes by default, so all see the same files.
                if any(part in DEFAULT_EXCLUDE or part.startswith(".") for part in rel.parts[:-1]):
                    continue
                dest = corpus / name / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
        (corpus / "pyproject.toml").write_text(
            '[tool.asynclint]\nselect = ["ASL"]\n\n[tool.ruff]\n\n[tool.flake8-placeholder]\n')
        marker.write_text("")
    files = sorted(corpus.rglob("*.py"))
    return corpus, len(files), sum(f.read_bytes().count(b"\n") for f in files)


FLOOR = """
import ast, os, sys
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith(".py"):
            with open(os.path.join(root, name), "rb") as fh:
                data = fh.read()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                pass
            n += 1
print(n)
"""
# The same with the cyclic garbage collector paused, as asynclint's analysis runs (shown for
# honesty: the floor above is plain `ast.parse`).
FLOOR_NO_GC = "import gc; gc.disable()\n" + FLOOR


# -- peers ---------------------------------------------------------------------------------------------
def peers_venv(cache: Path) -> Path:
    """A venv with the `bench` extra's pins (flake8, flake8-async, ruff) and nothing of ours."""
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["bench"]
    venv = cache / "peers-venv"
    stamp = venv / "pins.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == pins:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *pins], check=True)
    stamp.write_text(json.dumps(pins))
    return venv


_FINDING = re.compile(r"^.+:\d+:\d+: [A-Z]+\d+ ")


def _findings(stdout: str) -> list[str]:
    """The finding lines of concise output (summary lines dropped), without the fixable mark
    (`[*]`: JSON output says it otherwise)."""
    return sorted(line.replace(" [*] ", " ", 1) for line in stdout.splitlines()
                  if _FINDING.match(line))


def _json_findings(stdout: str, corpus: Path) -> list[str]:
    """JSON output's findings as concise output writes them, to compare the two."""
    found = []
    for d in json.loads(stdout):
        path = Path(d["filename"]).relative_to(corpus.resolve()).as_posix()
        where = d["location"]
        found.append(f"{path}:{where['row']}:{where['column']}: {d['code']} {d['message']}")
    return sorted(found)


# -- scaling probe ---------------------------------------------------------------------------------------
_BLOCK = '''

async def handler_{i}(request, session):
    """A request handler."""
    data = await request.json()
    if data.get("slow"):
        time.sleep(0.1)
    rows = [row for row in data["rows"] if row]
    for row in rows:
        await session.execute(row)
    return {{"count": len(rows), "name": f"handler-{i}"}}


def helper_{i}(items, factor=2):
    total = 0
    for item in items:
        total += item * factor
    return sorted(items, key=lambda x: (x, total))[:{i} % 7 + 1]
'''


def synthetic(lines: int) -> str:
    head = "import asyncio\nimport time\n"
    block_lines = _BLOCK.count("\n")
    return head + "".join(_BLOCK.format(i=i) for i in range(max(1, lines // block_lines)))


def scaling_probe(repeats: int) -> list[tuple[int, float, float]]:
    """(lines, µs per line for asynclint's check, µs per line for ast.parse): CPU time, in process."""
    from asynclint.config import Settings
    from asynclint.engine.run import RunOptions, check_file

    settings = Settings(root=Path.cwd(), select=("ASL",))
    options = RunOptions(use_cache=False, jobs=1)
    rows = []
    for size in SCALING_SIZES:
        data = synthetic(size).encode()
        n = data.count(b"\n")
        ours, floor = [], []
        for _ in range(repeats):
            t = time.process_time()
            ast.parse(data)
            floor.append(time.process_time() - t)
            t = time.process_time()
            report = check_file("synthetic.py", settings, options, data=data)
            ours.append(time.process_time() - t)
            assert not report.internal_error, report.errors
        rows.append((n, statistics.median(ours) / n * 1e6, statistics.median(floor) / n * 1e6))
    return rows


# -- LSP latency probe (runs once asynclint.lsp exists) ---------------------------------------------------
def _lsp_send(proc: subprocess.Popen[bytes], message: dict[str, object]) -> None:
    body = json.dumps(message).encode()
    assert proc.stdin is not None
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def _lsp_read(proc: subprocess.Popen[bytes]) -> dict[str, object]:
    assert proc.stdout is not None
    length = 0
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the language server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    message: dict[str, object] = json.loads(proc.stdout.read(length))
    return message


def lsp_probe(repeats: int) -> Measure:
    """Re-check latency of a 2,000-line buffer: didChange until publishDiagnostics, over stdio."""
    m = Measure(f"LSP re-check of {LSP_BUFFER_LINES:,} lines")
    if importlib.util.find_spec("asynclint.lsp") is None:
        m.skipped = "asynclint.lsp is not built yet"
        return m
    text = synthetic(LSP_BUFFER_LINES)
    with tempfile.TemporaryDirectory() as tmp:
        uri = Path(tmp, "buffer.py").as_uri()
        proc = subprocess.Popen([*ASYNCLINT, "server"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp)
        try:
            def until(pred: Callable[[dict[str, object]], bool]) -> dict[str, object]:
                while True:
                    msg = _lsp_read(proc)
                    if pred(msg):
                        return msg

            _lsp_send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "processId": os.getpid(), "rootUri": Path(tmp).as_uri(), "capabilities": {}}})
            until(lambda msg: msg.get("id") == 1)
            _lsp_send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
            _lsp_send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}})
            until(lambda msg: msg.get("method") == "textDocument/publishDiagnostics")
            for i in range(repeats):
                text += f"# edit {i}\n"
                start = time.perf_counter()
                _lsp_send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": i + 2},
                    "contentChanges": [{"text": text}]}})
                until(lambda msg: msg.get("method") == "textDocument/publishDiagnostics")
                m.seconds.append(time.perf_counter() - start)
            _lsp_send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
            until(lambda msg: msg.get("id") == 2)
            _lsp_send(proc, {"jsonrpc": "2.0", "method": "exit"})
        except (RuntimeError, OSError, ValueError) as exc:
            m.seconds = []
            m.skipped = f"the language server did not answer as expected: {exc}"
        finally:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
    return m


# -- the report ----------------------------------------------------------------------------------------
def table(rows: list[Measure], lines: int, floor: Measure, peers: dict[str, Measure]) -> str:
    """Ratios use CPU time (user + sys), which other load on the machine disturbs far less than
    the wall clock; the wall clock is shown too, and is what the all-cores row is about."""
    peer_cols = [(label, m) for label, m in peers.items() if m.seconds]
    width = {label: max(13, len(label) + 5) for label, _ in peer_cols}
    head = f"{'mode':<46}{'wall s':>8}{'CPU s':>8}{'lines/s':>11}{'× floor':>9}"
    head += "".join(f"{'× ' + label:>{width[label]}}" for label, _ in peer_cols)
    head += f"{'RSS MB':>8}  runs"
    legend = ("lines/s: per wall second; × columns: ratios of CPU time (user + sys of the "
              "process tree)")
    out = [head, "-" * len(head)]
    for m in rows:
        if not m.seconds:
            out.append(f"{m.name:<46}  skipped: {m.skipped}")
            continue
        line = (f"{m.name:<46}{m.median:>8.3f}{m.cpu_median:>8.3f}{lines / m.median:>11,.0f}"
                f"{m.cpu_median / floor.cpu_median:>9.2f}")
        for label, p in peer_cols:
            line += f"{m.cpu_median / p.cpu_median:>{width[label]}.3f}"
        line += f"{m.rss_kb / 1024:>8.0f}  {len(m.seconds)}"
        if m.note:
            line += f"  ({m.note})"
        out.append(line)
    return "\n".join([*out, legend]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cache", type=Path, default=ecosystem.default_cache())
    parser.add_argument("--corpus", choices=[*CORPORA, "both"], default="both",
                        help="which corpus (default: both, libraries first)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slow-repeats", type=int, default=1,
                        help="runs of the flake8-based rows (minutes each; default %(default)s)")
    parser.add_argument("--min-lines", type=int, default=None,
                        help="lines of each corpus (default: its own, >= 250,000)")
    parser.add_argument("--skip-flake8-async", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    chosen = list(CORPORA) if args.corpus == "both" else [args.corpus]
    venv = peers_venv(args.cache)
    print(compile_asynclint(), flush=True)
    figures: dict[str, Any] = {}
    # The flake8 rows (minutes) run with the first corpus only, the corpus-free probes
    # (start-up, editor, scaling) with the last: the scaling probe grows this process, and a
    # child's peak RSS as Linux reports it (os.wait4) counts the parent's pages it was forked
    # with, so every row measured after it would show this process's size.
    for i, name in enumerate(chosen):
        if i:
            print("\n" + "=" * 100 + "\n")
        found = _bench_corpus(args, CORPORA[name], venv, first=i == 0,
                              probes=i == len(chosen) - 1)
        if found is None:
            return 1
        figures[name] = found
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def _bench_corpus(args: argparse.Namespace, spec: Corpus, venv: Path,
                  first: bool, probes: bool) -> dict[str, Any] | None:
    """Every row and target on one corpus; its figures (None when the modes disagree)."""
    cache: Path = args.cache
    corpus, nfiles, lines = build_corpus(cache, spec, args.min_lines)
    cores = os.cpu_count() or 1
    print(f"corpus {spec.name}: {_shown_path(corpus)} — {nfiles:,} files, {lines:,} lines; "
          f"{cores} cores; Python {sys.version.split()[0]}; repeats {args.repeats}; "
          f"load average {os.getloadavg()[0]:.1f} (wall times need an idle machine)", flush=True)
    rep = args.repeats
    check = [*ASYNCLINT, "check", "--output-format", "concise", "--exit-zero", "."]
    check_json = [*ASYNCLINT, "check", "--output-format", "json", "--exit-zero", "."]
    cache_dir = corpus / ".asynclint_cache"

    ruff = str(venv / "bin" / "ruff")
    ruff_check = [ruff, "check", "--isolated", "--select", "ASYNC"]
    # The cold rows in turns: the floor, asynclint's cold modes and ruff's cold runs (what the
    # cold targets and the ratio columns compare).
    (floor, _), (floor_no_gc, _), (cold, cold_out), (cold_json, cold_json_out), \
        (allc, allc_out), (ruff_cold, _), (ruff_one, _) = measure_in_turns([
            Command("parse floor (read + ast.parse, 1 process)", [PYTHON, "-c", FLOOR, "."]),
            Command("parse floor, GC paused (information)", [PYTHON, "-c", FLOOR_NO_GC, "."]),
            Command("asynclint -j 1 --no-cache (cold)", [*check, "-j", "1", "--no-cache"]),
            Command("asynclint -j 1 --no-cache, JSON (cold)",
                    [*check_json, "-j", "1", "--no-cache"]),
            Command(f"asynclint -j {cores} --no-cache (cold, all cores)",
                    [*check, "-j", str(cores), "--no-cache"]),
            Command("ruff check --select ASYNC (cold, all threads)",
                    [*ruff_check, "--no-cache", "--exit-zero", "-q", "."]),
            Command("ruff check --select ASYNC (cold, 1 thread)",
                    [*ruff_check, "--no-cache", "--exit-zero", "-q", "."],
                    {"RAYON_NUM_THREADS": "1"}),
        ], corpus, rep)
    rows = [floor, floor_no_gc, cold, allc]
    outputs: dict[str, list[str]] = {
        cold.name: _findings(cold_out),
        cold_json.name: _json_findings(cold_json_out, corpus),
        allc.name: _findings(allc_out),
    }

    # The warm rows in turns: asynclint's cache filled by a JSON run (its entries hold the
    # fixes, so they answer the text run too), ruff's by one run of its own.
    shutil.rmtree(cache_dir, ignore_errors=True)
    run_once([*check_json, "-j", str(cores)], corpus)
    ruff_cache = Path(tempfile.mkdtemp(prefix="ruff-cache-"))
    ruff_warm_cmd = [*ruff_check, "--cache-dir", str(ruff_cache), "--exit-zero", "-q", "."]
    run_once(ruff_warm_cmd, corpus)
    (warm, warm_out), (warm_json, warm_json_out), (ruff_warm, _) = measure_in_turns([
        Command("asynclint warm (cache hit, nothing changed)", [*check, "-j", str(cores)]),
        Command("asynclint warm, JSON (cache hit, nothing changed)",
                [*check_json, "-j", str(cores)]),
        Command("ruff check --select ASYNC (warm)", ruff_warm_cmd),
    ], corpus, rep)
    shutil.rmtree(ruff_cache, ignore_errors=True)
    rows.append(warm)
    outputs[warm.name] = _findings(warm_out)
    outputs[warm_json.name] = _json_findings(warm_json_out, corpus)

    touched = sorted((corpus / spec.projects[0]).rglob("*.py"))[0]
    original = touched.read_bytes()

    def touch(i: int) -> None:
        touched.write_bytes(original + f"\n# benchmark edit {i}\n".encode())

    try:
        m, out = measure("asynclint after changing one file", [*check, "-j", str(cores)],
                         corpus, rep, before=touch)
    finally:
        touched.write_bytes(original)
    rows.append(m)
    outputs[m.name] = _findings(out)
    full = [*check[:check.index("--output-format") + 1], "full", *check[check.index("concise") + 1:]]
    run_once([*full, "-j", str(cores)], corpus)  # the cache again holds the original file
    m, _ = measure("asynclint warm, full output (code frames)", [*full, "-j", str(cores)],
                   corpus, rep)
    rows += [m, cold_json, warm_json]
    shutil.rmtree(cache_dir, ignore_errors=True)

    reference = outputs["asynclint -j 1 --no-cache (cold)"]
    for name, found in outputs.items():
        if found != reference:
            print(f"FAIL: {name!r} reports {len(found)} findings, the cold run {len(reference)}",
                  file=sys.stderr)
            return None

    plugin = Measure("flake8 --select ASL -j 1 (our plugin)")
    if importlib.util.find_spec("asynclint.flake8_plugin") is None:
        plugin.skipped = "asynclint.flake8_plugin is not built yet"
    elif args.skip_flake8_async:
        plugin.skipped = "--skip-flake8-async"
    elif not first:
        plugin.skipped = "measured on the first corpus only"
    else:
        plugin, _ = measure(plugin.name, [PYTHON, "-m", "flake8", "--select", "ASL", "-j", "1",
                                          "--exit-zero", "."], corpus, args.slow_repeats)
    rows.append(plugin)

    rows += [ruff_cold, ruff_one, ruff_warm]

    f8a = Measure("flake8 --select ASYNC -j 1 (flake8-async)")
    if args.skip_flake8_async:
        f8a.skipped = "--skip-flake8-async"
    elif not first:
        f8a.skipped = "measured on the first corpus only"
    else:
        print("running flake8-async (slow)...", flush=True)
        f8a, _ = measure(f8a.name, [str(venv / "bin" / "flake8"), "--select", "ASYNC", "-j", "1",
                                    "--exit-zero", "."], corpus, args.slow_repeats)
    rows.append(f8a)

    version = Measure("start-up: asynclint --version", skipped="with the last corpus")
    one = Measure("start-up: asynclint check of one small file", skipped="with the last corpus")
    lsp = Measure("LSP re-check", skipped="with the last corpus")
    if probes:
        with tempfile.TemporaryDirectory() as tmp:
            small = Path(tmp, "small.py")
            small.write_text(synthetic(40))
            version, _ = measure(version.name, [*ASYNCLINT, "--version"], Path(tmp), 10)
            one, _ = measure(one.name, [*ASYNCLINT, "check", "--no-cache", "--exit-zero",
                                        str(small)], Path(tmp), 10)
        lsp = lsp_probe(rep * 4)

    print()
    print(table(rows, lines, floor, {"ruff 1t": ruff_one, "flake8-async": f8a}))
    for m in (version, one, lsp):
        if m.seconds:
            print(f"{m.name:<46}{m.median * 1000:>8.1f} ms wall {m.cpu_median * 1000:>8.1f} ms CPU"
                  f"   peak RSS {m.rss_kb / 1024:.0f} MB" if m.cpu else
                  f"{m.name:<46}{m.median * 1000:>8.1f} ms")
        else:
            print(f"{m.name:<46}  skipped: {m.skipped}")
    scaling = scaling_probe(rep) if probes else []
    if scaling:
        print("\nscaling probe (in process, synthetic module; CPU µs per line):")
    for n, ours, parse in scaling:
        print(f"  {n:>8,} lines   asynclint {ours:6.2f} µs/line   ast.parse {parse:6.2f} µs/line   "
              f"× {ours / parse:.2f}")

    targets = [
        ("single-process cold, text <= 1.5× parse floor (CPU)",
         cold.cpu_median / floor.cpu_median <= 1.5, f"{cold.cpu_median / floor.cpu_median:.2f}×"),
        ("single-process cold, JSON <= 2.0× parse floor (CPU)",
         cold_json.cpu_median / floor.cpu_median <= 2.0,
         f"{cold_json.cpu_median / floor.cpu_median:.2f}×"),
        (f"all cores scale >= 1.7× on {cores} cores (wall)", cold.median / allc.median >= 1.7,
         f"{cold.median / allc.median:.2f}×"),
        *((f"warm, {kind} <= 3× ruff warm (wall)", m.median <= 3 * ruff_warm.median,
           f"{m.median / ruff_warm.median:.2f}× ({m.median:.3f} s vs {ruff_warm.median:.3f} s)")
          for kind, m in (("text", warm), ("JSON", warm_json))),
        *((f"warm, {kind} <= 3× ruff warm (CPU; wall needs an idle machine)",
           m.cpu_median <= 3 * ruff_warm.cpu_median,
           f"{m.cpu_median / ruff_warm.cpu_median:.2f}× ({m.cpu_median:.3f} s vs "
           f"{ruff_warm.cpu_median:.3f} s)")
          for kind, m in (("text", warm), ("JSON", warm_json))),
        ("peak RSS <= 150 MB", max(r.rss_kb for r in rows[2:9]) / 1024 <= 150,
         f"{max(r.rss_kb for r in rows[2:9]) / 1024:.0f} MB"),
    ]
    if probes:
        targets += [
            ("--version < 150 ms (wall)", version.median < 0.150,
             f"{version.median * 1000:.0f} ms"),
            ("check of one small file < 150 ms (wall)", one.median < 0.150,
             f"{one.median * 1000:.0f} ms"),
            ("flat time per line 1k..100k (within 1.5×)",
             max(s[1] for s in scaling) / min(s[1] for s in scaling) <= 1.5,
             " / ".join(f"{s[1]:.2f}" for s in scaling) + " µs"),
        ]
    if f8a.seconds:
        targets.append(("≥ 50× faster than flake8-async (1 process each, CPU)",
                        f8a.cpu_median / cold.cpu_median >= 50,
                        f"{f8a.cpu_median / cold.cpu_median:.0f}×"))
    if lsp.seconds:
        targets.append(("LSP re-check of 2,000 lines < 50 ms", lsp.median < 0.050,
                        f"{lsp.median * 1000:.1f} ms"))
    print(f"\ntargets ({spec.name} corpus):")
    for label, ok, figure in targets:
        print(f"  [{'met' if ok else 'NOT MET':^7}] {label}: {figure}")
    print(f"\nall asynclint modes reported the same {len(reference)} findings; "
          f"load average at the end {os.getloadavg()[0]:.1f}")

    return {
        "corpus": {"files": nfiles, "lines": lines, "projects": corpus.name}, "cores": cores,
        "rows": {m.name: {"median_s": m.median if m.seconds else None, "runs": m.seconds,
                          "cpu_median_s": m.cpu_median if m.cpu else None,
                          "peak_rss_mb": m.rss_kb / 1024, "skipped": m.skipped}
                 for m in [*rows, version, one, lsp]},
        "scaling_us_per_line": {str(n): ours for n, ours, _ in scaling},
        "targets": {label: {"met": ok, "figure": figure} for label, ok, figure in targets},
    }




if __name__ == "__main__":
    sys.exit(main())
