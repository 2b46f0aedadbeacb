"""Files are precious: odd files get one clear diagnostic, fixes keep encoding, BOM, line
endings and mode, and nothing is ever written half-way or against the user's permissions."""

from __future__ import annotations

import ast
import json
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from asynclint.config import Settings
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, FixPlan
from asynclint.engine.run import RunOptions, check_file
from asynclint.rules import Rule
from asynclint.source import SourceFile
from tests.conftest import BAD, FIXED, MODULE, AddRule, Run

CHECK = ("check", "--no-cache")


def _json(run: Run, *args: str) -> tuple[int, list[dict[str, object]], str]:
    result = run(*CHECK, "--output-format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


# -- files that cannot be read or parsed ---------------------------------------------------
def test_syntax_error_is_one_e999_and_others_still_checked(run: Run, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import time\n\n\ndef f(:\n    pass\n")
    (tmp_path / "ok.py").write_text(BAD)
    code, found, _ = _json(run, ".")
    assert code == 1
    broken = [d for d in found if str(d["filename"]).endswith("broken.py")]
    assert len(broken) == 1
    assert broken[0]["code"] == "E999"
    assert broken[0]["location"] == {"row": 4, "column": 7}
    assert "SyntaxError" in str(broken[0]["message"])
    assert [d["code"] for d in found if str(d["filename"]).endswith("ok.py")] == ["ASL100"]


@pytest.mark.parametrize(
    ("data", "reason", "where"),
    [
        (b"x = '\xff\xfe'\n", "cannot decode as utf-8", (1, 6)),
        (b"# -*- coding: no-such-codec -*-\nx = 1\n", "no-such-codec", (1, 1)),
        (b"# coding: ascii\nx = '\xc3\xa9'\n", "cannot decode as ascii", (2, 6)),
        (b"x = 1\n\n\ny = '\xe9'\n", "cannot decode as utf-8", (4, 6)),
    ],
    ids=["invalid-utf8", "unknown-cookie", "bytes-outside-cookie", "invalid-utf8-line-4"],
)
def test_undecodable_file_is_e902(run: Run, tmp_path: Path, data: bytes, reason: str,
                                  where: tuple[int, int]) -> None:
    (tmp_path / "bad.py").write_bytes(data)
    (tmp_path / "ok.py").write_text(BAD)
    code, found, _ = _json(run, ".")
    assert code == 1
    (bad,) = [d for d in found if str(d["filename"]).endswith("bad.py")]
    assert bad["code"] == "E902"
    assert reason in str(bad["message"])
    assert bad["location"] == {"row": where[0], "column": where[1]}
    assert any(str(d["filename"]).endswith("ok.py") for d in found)
    assert (tmp_path / "bad.py").read_bytes() == data


def test_undecodable_file_is_left_alone_by_fix(run: Run, tmp_path: Path) -> None:
    data = b"import time\nasync def f():\n    time.sleep(1)  # \xff\n"
    (tmp_path / "bad.py").write_bytes(data)
    assert run(*CHECK, "--fix", "bad.py").returncode == 1
    assert (tmp_path / "bad.py").read_bytes() == data


# -- the shape of the file survives a fix --------------------------------------------------
def test_latin1_with_cookie_is_written_back_in_latin1(run: Run, tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\nimport time\n\nNAME = 'café'\n\n\nasync def f():\n    time.sleep(1)\n"
    path = tmp_path / "l.py"
    path.write_bytes(text.encode("latin-1"))
    assert run(*CHECK, "--fix", "l.py").returncode == 0
    data = path.read_bytes()
    assert b"caf\xe9" in data  # still latin-1, not UTF-8
    assert data.decode("latin-1") == text.replace("import time\n", "import asyncio\n") \
        .replace("    time.sleep(1)", "    await asyncio.sleep(1)")


def test_bom_is_kept(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "b.py"
    path.write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    assert run(*CHECK, "--fix", "b.py").returncode == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_crlf_is_kept(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "c.py"
    path.write_bytes(BAD.replace("\n", "\r\n").encode())
    assert run(*CHECK, "--fix", "c.py").returncode == 0
    data = path.read_bytes()
    assert data == FIXED.replace("\n", "\r\n").encode()
    assert data.count(b"\n") == data.count(b"\r\n")  # no mixed endings


def test_no_trailing_newline_is_kept(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "n.py"
    path.write_text(BAD.rstrip("\n"))
    assert run(*CHECK, "--fix", "n.py").returncode == 0
    assert path.read_text() == FIXED.rstrip("\n")


def test_import_at_end_of_file_without_newline(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "e.py"
    path.write_text("async def f():\n    import time; time.sleep(1)\nimport os")
    run(*CHECK, "--fix", "e.py")
    fixed = path.read_text()
    ast.parse(fixed)
    assert "await asyncio.sleep(1)" in fixed and "import asyncio" in fixed


def test_file_mode_is_kept(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(BAD)
    path.chmod(0o751)
    assert run(*CHECK, "--fix", "m.py").returncode == 0
    assert path.read_text() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


def test_read_only_file_is_reported_and_untouched(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "r.py"
    path.write_text(BAD)
    path.chmod(0o444)
    result = run(*CHECK, "--fix", "r.py")
    assert result.returncode == 1  # the finding stands
    assert "not writable" in result.stderr and "r.py" in result.stderr
    assert path.read_text() == BAD
    assert "ASL100" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.py"]


def test_write_atomic_refuses_a_file_nobody_may_write(tmp_path: Path) -> None:
    from asynclint.fixes.apply import write_atomic

    path = tmp_path / "r.py"
    path.write_text(BAD)
    path.chmod(0o444)
    with pytest.raises(PermissionError):
        write_atomic(path, SourceFile(BAD), FIXED)
    assert path.read_text() == BAD


def test_interrupted_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from asynclint.fixes import apply

    path = tmp_path / "w.py"
    path.write_bytes(BAD.encode())

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apply.os, "replace", fail)
    with pytest.raises(OSError):
        apply.write_atomic(path, SourceFile(BAD), FIXED)
    assert path.read_bytes() == BAD.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["w.py"]


def test_symlink_target_is_fixed_and_link_kept(run: Run, tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(BAD)
    (tmp_path / "link.py").symlink_to(real)
    run(*CHECK, "--fix", "link.py")
    assert (tmp_path / "link.py").is_symlink()
    assert real.read_text() == FIXED


def test_fixing_twice_changes_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.py"
    path.write_text(BAD + "\n\nasync def g():\n    print(time.sleep(2))\n")
    assert run(*CHECK, "--fix", "t.py").returncode == 0
    once = path.read_bytes()
    second = run(*CHECK, "--fix", "--show-fixes", "t.py")
    assert path.read_bytes() == once
    # ruff 0.17.6 prints no `--show-fixes` block when nothing was fixed
    assert second.stdout == "All checks passed!\n"


# -- a fix that would break the file is dropped ----------------------------------------------
@dataclass(frozen=True)
class _CalledPlan(FixPlan):
    """The fix plan of the test rules below: which function was called."""

    called: str


class _BreakingRule(Rule):
    """Flags `good()` and `bad()`; the fix of `bad()` produces code that does not parse."""

    code: ClassVar[str] = "ASL998"
    name: ClassVar[str] = "test-breaking-fix"
    summary: ClassVar[str] = "test rule"
    explanation: ClassVar[str] = "test rule"
    bad_example: ClassVar[str] = ""
    good_example: ClassVar[str] = ""
    fix_title: ClassVar[str | None] = "rename"
    fix_applicability: ClassVar[Applicability | None] = Applicability.SAFE
    default_enabled: ClassVar[bool] = False

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in ("good", "bad"):
            self.report(node, f"{node.func.id} called", fix_plan=_CalledPlan(node.func.id))

    def fix(self, fctx: object, diagnostic: Diagnostic) -> Fix | None:
        plan = diagnostic.fix_plan
        if not isinstance(plan, _CalledPlan):
            return None
        new = "good_done()" if plan.called == "good" else "bad(("
        return Fix("rename", Applicability.SAFE, (Edit(new, diagnostic.start, diagnostic.end),))


def test_unparsable_fix_is_dropped_and_reported(add_rule: AddRule, tmp_path: Path) -> None:
    add_rule(_BreakingRule)
    path = tmp_path / "x.py"
    path.write_text("good()\nbad()\n")
    settings = Settings(root=tmp_path, select=(_BreakingRule.code,))
    report = check_file(str(path), settings, RunOptions(fix=True, use_cache=False))
    assert not report.internal_error, report.errors
    assert report.fixed_text == "good_done()\nbad()\n"  # the good fix is kept
    assert [d.message for d in report.fixed] == ["good called"]
    assert [d.message for d in report.diagnostics] == ["bad called"]
    assert len(report.errors) == 1
    assert "ASL998 fix dropped" in report.errors[0] and "x.py:2:1" in report.errors[0]


# -- pathological inputs: a clear diagnostic or a normal result, never a traceback ---------
def test_huge_file(run: Run, tmp_path: Path) -> None:
    lines = ["import time", ""] + [f"def f{i}(x):\n    return x + {i}" for i in range(25_000)]
    text = "\n".join(lines) + "\n\nasync def last():\n    time.sleep(1)\n"
    (tmp_path / "huge.py").write_text(text)
    rows = text.count("\n")
    # Concise output: JSON would compute fix edits, which parses the whole file with libcst
    # (slow on 50k lines, measured in benchmarks/, not here).
    result = run(*CHECK, "--output-format", "concise", "huge.py")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"huge.py:{rows}:5: ASL100 [*] `time.sleep` blocks the event loop inside `async def`; "
        "use `await asyncio.sleep(...)`"
    )


@pytest.mark.parametrize(
    "expr",
    ["(" * 5_000 + "1" + ")" * 5_000, "+".join(["1"] * 100_000), "[" * 3_000 + "]" * 3_000,
     "f(" * 3_000 + ")" * 3_000],
    ids=["parens-5000", "plus-chain-100k", "lists-3000", "calls-3000"],
)
def test_deep_nesting(run: Run, tmp_path: Path, expr: str) -> None:
    (tmp_path / "deep.py").write_text(f"import time\nX = {expr}\n\n\nasync def f():\n    time.sleep(1)\n")
    (tmp_path / "ok.py").write_text(BAD)
    for args in ((), ("--fix", "--diff")):
        result = run(*CHECK, "--output-format", "json", *args, ".")
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
            result.stderr[-2000:]
        assert result.returncode == 1
    _, found, _ = _json(run, ".")
    deep = [d for d in found if str(d["filename"]).endswith("deep.py")]
    assert len(deep) == 1
    if deep[0]["code"] == "E999":
        assert "nested too deeply" in str(deep[0]["message"]) or "too many" in str(
            deep[0]["message"])
    else:
        assert deep[0]["code"] == "ASL100" and deep[0]["location"] == {"row": 6, "column": 5}
    assert any(str(d["filename"]).endswith("ok.py") for d in found)


def test_empty_and_whitespace_files(run: Run, tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "blank.py").write_bytes(b"\n\n   \n")
    (tmp_path / "bom_only.py").write_bytes(b"\xef\xbb\xbf")
    result = run(*CHECK, ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_directory_named_like_a_python_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "inner.py").write_text(BAD)
    code, found, _ = _json(run, ".")
    assert code == 1 and [d["code"] for d in found] == ["ASL100"]


def test_unreadable_path_is_e902(tmp_path: Path) -> None:
    report = check_file(str(tmp_path), Settings(root=tmp_path), RunOptions(use_cache=False))
    assert [d.code for d in report.diagnostics] == ["E902"]
    assert os.path.isdir(report.path)


def test_form_feed_and_unicode_line_separators(run: Run, tmp_path: Path) -> None:
    """Only \\n, \\r\\n and \\r end lines (as for Python); \\f, \\x85 and \\u2028 do not."""
    text = "import time\n\x0c\n\nasync def f():\n    x = '\u2028\x85'; time.sleep(1)\n"
    path = tmp_path / "ff.py"
    path.write_text(text, encoding="utf-8", newline="")
    full = run(*CHECK, "ff.py").stdout
    assert " --> ff.py:5:15\n" in full
    assert "5 |     x = '\u2028\x85'; time.sleep(1)\n" in full
    diff = run(*CHECK, "--diff", "ff.py").stdout
    assert "No newline at end of file" not in diff
    assert "-    x = '\u2028\x85'; time.sleep(1)\n" in diff
    assert run(*CHECK, "--fix", "ff.py").returncode == 0
    assert path.read_bytes().decode("utf-8") == text.replace(
        "import time\n", "import asyncio\n").replace(
        "time.sleep(1)", "await asyncio.sleep(1)")


class _CrashingFixRule(_BreakingRule):
    code: ClassVar[str] = "ASL995"

    def fix(self, fctx: object, diagnostic: Diagnostic) -> Fix | None:
        raise RuntimeError("boom")


def test_a_crashing_fix_still_reports_the_findings(add_rule: AddRule, tmp_path: Path) -> None:
    add_rule(_CrashingFixRule)
    path = tmp_path / "x.py"
    path.write_text("good()\n")
    settings = Settings(root=tmp_path, select=(_CrashingFixRule.code,))
    report = check_file(str(path), settings, RunOptions(fix=True, use_cache=False))
    assert report.internal_error
    assert "internal error" in report.errors[0] and "boom" in report.errors[0]
    assert [d.message for d in report.diagnostics] == ["good called"]
    assert report.fixed_text is None and path.read_text() == "good()\n"


class _AwaitingRule(_BreakingRule):
    """Its fix adds an `await` at module level: parses, but does not compile."""

    code: ClassVar[str] = "ASL994"

    def fix(self, fctx: object, diagnostic: Diagnostic) -> Fix | None:
        plan = diagnostic.fix_plan
        if not isinstance(plan, _CalledPlan):
            return None
        edit = Edit(f"await {plan.called}()", diagnostic.start, diagnostic.end)
        return Fix("await", Applicability.SAFE, (edit,))


@pytest.mark.parametrize(
    ("text", "kept"),
    [("good()\n", False),  # compiled before: the fix would break that, dropped
     ("good()\nreturn 1\n", True)],  # never compiled: held to the parser only
)
def test_fix_that_parses_but_does_not_compile(add_rule: AddRule, tmp_path: Path,
                                              text: str, kept: bool) -> None:
    add_rule(_AwaitingRule)
    path = tmp_path / "x.py"
    path.write_text(text)
    settings = Settings(root=tmp_path, select=(_AwaitingRule.code,))
    report = check_file(str(path), settings, RunOptions(fix=True, use_cache=False))
    if kept:
        assert report.fixed_text == "await good()\nreturn 1\n"
    else:
        assert report.fixed_text is None
        assert "fix dropped" in report.errors[0]


def test_non_utf8_code_frames_and_stdin_round_trip(run: Run, tmp_path: Path) -> None:
    text = "# -*- coding: shift_jis -*-\nimport time\n\n\nasync def f():\n    x = 'テスト'; time.sleep(1)\n"
    data = text.encode("shift_jis")
    (tmp_path / "sj.py").write_bytes(data)
    full = run(*CHECK, "sj.py").stdout
    assert "6 |     x = 'テスト'; time.sleep(1)\n" in full
    caret = next(ln for ln in full.splitlines() if "^" in ln)
    assert caret.index("^") == full.splitlines()[full.splitlines().index(
        "6 |     x = 'テスト'; time.sleep(1)")].index("time")
    # stdin: the fixed code comes back in the input's encoding.
    result = subprocess.run([*MODULE, "check", "--fix", "-"], input=data, capture_output=True,
                            cwd=tmp_path)
    assert result.stdout == text.replace("import time\n", "import asyncio\n").replace(
        "time.sleep(1)", "await asyncio.sleep(1)").encode("shift_jis")
    unchanged = subprocess.run([*MODULE, "check", "--fix", "-"], input=b"\xef\xbb\xbfx = 1\r\n",
                               capture_output=True, cwd=tmp_path)
    assert unchanged.stdout == b"\xef\xbb\xbfx = 1\r\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_owner_is_kept_when_root_fixes_a_users_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "o.py"
    path.write_text(BAD)
    os.chown(path, 12345, 23456)
    assert run(*CHECK, "--fix", "o.py").returncode == 0
    assert path.read_text() == FIXED
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (12345, 23456)
