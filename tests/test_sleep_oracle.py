"""Property tests: random programs built around `time.sleep` with a known answer.

Each generated program nests `def`, `async def`, `lambda`, blocks and generator expressions at
random and records which lines must be flagged. The engine must find exactly those lines, and
`--fix` must give code that compiles, removes every fixable finding, adds `import asyncio` at most
once, and changes nothing when run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asynclint.config import Settings
from asynclint.engine.run import RunOptions, check_file

IMPORTS = {
    "import time": "time.sleep",
    "import time as t": "t.sleep",
    "from time import sleep": "sleep",
    "from time import sleep as snooze": "snooze",
}
HEADERS = ["", '"""Module docstring."""\n', "from __future__ import annotations\n",
           '"""Doc."""\nfrom __future__ import annotations\n']
ASYNCIO = ["", "import asyncio\n", "import asyncio as aio\n"]


@dataclass
class Program:
    sleep: str
    lines: list[str] = field(default_factory=list)
    flagged: set[int] = field(default_factory=set)  # 1-based rows
    unfixable: set[int] = field(default_factory=set)

    def add(self, indent: int, text: str, flag: bool = False, fixable: bool = True) -> None:
        self.lines.append("    " * indent + text)
        if flag:
            self.flagged.add(len(self.lines))
            if not fixable:
                self.unfixable.add(len(self.lines))


STATEMENTS = ["call", "assign", "print", "lambda", "genexp", "await", "def", "async", "if", "for",
              "nested-lambda-def"]


def _body(draw: st.DrawFn, prog: Program, indent: int, ctx: str, depth: int) -> None:
    """Statements in a context: 'module', 'sync' (plain def) or 'async' (async def)."""
    count = draw(st.integers(min_value=1, max_value=4))
    for _ in range(count):
        kind = draw(st.sampled_from(STATEMENTS if depth < 4 else STATEMENTS[:6]))
        in_async = ctx == "async"
        s = prog.sleep
        if kind == "call":
            prog.add(indent, f"{s}(1)", in_async)
        elif kind == "assign":
            prog.add(indent, f"x = {s}(0.5)", in_async)
        elif kind == "print":
            prog.add(indent, f"print({s}(0), 'done')", in_async)
        elif kind == "lambda":
            prog.add(indent, f"cb = lambda: {s}(1)")
        elif kind == "genexp":
            prog.add(indent, f"list({s}(0) for _ in range(2))", in_async, fixable=False)
        elif kind == "await":
            prog.add(indent, "await other()" if in_async else "pass")
        elif kind == "def":
            prog.add(indent, "def helper():")
            _body(draw, prog, indent + 1, "sync", depth + 1)
        elif kind == "async":
            prog.add(indent, "async def task():")
            _body(draw, prog, indent + 1, "async", depth + 1)
        elif kind == "if":
            prog.add(indent, "if ready:")
            _body(draw, prog, indent + 1, ctx, depth + 1)
        elif kind == "for":
            prog.add(indent, "for _ in range(3):")
            _body(draw, prog, indent + 1, ctx, depth + 1)
        else:
            prog.add(indent, f"worker = lambda: [{s}(1) for _ in range(2)]")


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, Program]:
    imp = draw(st.sampled_from(sorted(IMPORTS)))
    header = draw(st.sampled_from(HEADERS)) + draw(st.sampled_from(ASYNCIO)) + imp + "\n"
    prog = Program(IMPORTS[imp])
    for line in header.rstrip("\n").split("\n"):
        prog.add(0, line)
    prog.add(0, "ready = True")
    prog.add(0, "async def other():")
    prog.add(1, "pass")
    prog.add(0, "async def main():")
    _body(draw, prog, 1, "async", 0)
    _body(draw, prog, 0, "module", 0)
    return "\n".join(prog.lines) + "\n", prog


def _check(path: Path, text: str, fix: bool) -> tuple[list[int], str | None]:
    path.write_text(text)
    settings_ = Settings(root=path.parent, select=("ASL100",))
    report = check_file(str(path), settings_, RunOptions(fix=fix, use_cache=False))
    assert not report.internal_error and not report.errors, report.errors
    return sorted(d.start.row for d in report.diagnostics), report.fixed_text


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(programs())
def test_findings_and_fixes_match_the_oracle(tmp_path: Path, case: tuple[str, Program]) -> None:
    text, prog = case
    path = tmp_path / "prog.py"
    rows, _ = _check(path, text, fix=False)
    assert rows == sorted(prog.flagged), text
    remaining, fixed = _check(path, text, fix=True)
    if prog.flagged - prog.unfixable:
        assert fixed is not None
    if fixed is None:
        return
    compile(fixed, "prog.py", "exec", dont_inherit=True)
    assert len(remaining) == len(prog.unfixable), fixed
    imports = [ln for ln in fixed.splitlines() if ln.startswith("import asyncio")]
    assert len(imports) == 1, fixed
    assert len(set(ln.split(" as ")[0] for ln in imports)) == 1
    again_rows, again = _check(path, fixed, fix=True)
    assert again is None, f"second fix changed:\n{fixed}\n---\n{again}"
    assert len(again_rows) == len(prog.unfixable)
