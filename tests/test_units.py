"""Unit tests of the spine's small parts: positions and edits (source.py), noqa parsing."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from asynclint.config import Settings
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, FixPlan, Location
from asynclint.engine import noqa
from asynclint.engine.run import RunOptions, check_file
from asynclint.rules import REGISTRY, Rule
from asynclint.source import DecodeError, SourceFile
from tests.conftest import AddRule

# -- source.py ------------------------------------------------------------------------------
LINE = 'x = "é😀"; time.sleep(1)'


def test_column_conversions_round_trip() -> None:
    src = SourceFile(LINE + "\n")
    col = LINE.index("time")  # code points
    utf8 = len(LINE[:col].encode("utf-8"))
    utf16 = len(LINE[:col].encode("utf-16-le")) // 2
    assert (col, utf8, utf16) == (10, 14, 11)
    assert src.col_to_utf8(1, col) == utf8 and src.col_from_utf8(1, utf8) == col
    assert src.col_to_utf16(1, col) == utf16 and src.col_from_utf16(1, utf16) == col
    for c in range(len(LINE) + 1):
        assert src.col_from_utf8(1, src.col_to_utf8(1, c)) == c
        assert src.col_from_utf16(1, src.col_to_utf16(1, c)) == c


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_table_and_offsets(newline: str) -> None:
    text = newline.join(["a = 1", "bb = 2", "", "c"]) + newline
    src = SourceFile(text)
    assert src.newline == newline
    assert [src.line(r) for r in range(1, 5)] == ["a = 1", "bb = 2", "", "c"]
    for offset in range(len(text)):
        assert src.offset(src.location(offset)) == offset


def test_apply_edits_in_any_order() -> None:
    src = SourceFile("import time\nx = time.sleep(1)\n")
    edits = [Edit("await asyncio.sleep(1)", Location(2, 4), Location(2, 17)),
             Edit("import asyncio\n", Location(2, 0), Location(2, 0))]
    expected = "import time\nimport asyncio\nx = await asyncio.sleep(1)\n"
    assert src.apply_edits(edits) == expected
    assert src.apply_edits(list(reversed(edits))) == expected


@pytest.mark.parametrize(
    ("data", "text", "encoding", "bom"),
    [
        (b"x = 1\n", "x = 1\n", "utf-8", False),
        (b"\xef\xbb\xbfx = 1\n", "x = 1\n", "utf-8", True),
        ("# coding: latin-1\nx = 'é'\n".encode("latin-1"), "# coding: latin-1\nx = 'é'\n",
         "iso-8859-1", False),
        ("# -*- coding: cp1252 -*-\nx = '€'\n".encode("cp1252"),
         "# -*- coding: cp1252 -*-\nx = '€'\n", "cp1252", False),
    ],
)
def test_decoding_round_trips(data: bytes, text: str, encoding: str, bom: bool) -> None:
    src = SourceFile.from_bytes(data)
    assert (src.text, src.encoding, src.bom) == (text, encoding, bom)
    assert src.to_bytes() == data


def test_bom_with_a_conflicting_cookie_is_an_error() -> None:
    with pytest.raises(DecodeError):
        SourceFile.from_bytes(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")


# -- noqa.py -------------------------------------------------------------------------------
def _diag(row: int, code: str = "ASL100") -> Diagnostic:
    return Diagnostic(code, "name", "msg", "f.py", Location(row, 0), Location(row, 1), row)


@pytest.mark.parametrize(
    ("comment", "kept"),
    [
        ("# noqa", False),
        ("# noqa: ASL100", False),
        ("# noqa:ASL100", False),
        ("# NOQA: asl100", False),
        ("# noqa: ASL1", False),
        ("# noqa: ASL", False),
        ("# noqa: ASYNC251, ASL100", False),
        ("# noqa: ASL101", True),
        ("# noqa: ASL2", True),
        ("# noqa: E501 ASL100", False),
        ("# type: ignore  # noqa: ASL100", False),
        ("# not a noqa: ASL100", True),  # as flake8 and ruff: the directive must start a comment
        ("", True),
    ],
)
def test_line_noqa(comment: str, kept: bool) -> None:
    text = f"x = 1\ny = f()  {comment}\n"
    assert noqa.filter_diagnostics(text, [_diag(2)]) == ([_diag(2)] if kept else [])


def test_noqa_in_a_string_is_not_a_comment() -> None:
    text = 'x = 1\ny = "# noqa"\n'
    assert noqa.filter_diagnostics(text, [_diag(2)]) == [_diag(2)]


@pytest.mark.parametrize(
    ("header", "kept_codes"),
    [
        ("# asynclint: noqa", []),
        ("# asynclint: noqa: ASL1", ["ASL200"]),
        ("# flake8: noqa", []),
        ("  #asynclint:noqa:ASL200", ["ASL100"]),
        ("x = 1  # asynclint: noqa", ["ASL100", "ASL200"]),  # not on a line of its own
    ],
)
def test_file_level_noqa(header: str, kept_codes: list[str]) -> None:
    text = f"{header}\nx = f()\ny = g()\n"
    found = [_diag(2, "ASL100"), _diag(3, "ASL200")]
    assert [d.code for d in noqa.filter_diagnostics(text, found)] == kept_codes


def test_noqa_with_unterminated_code_does_not_crash() -> None:
    text = 'x = f()  # noqa\ny = """\n'
    assert noqa.filter_diagnostics(text, [_diag(1)]) in ([], [_diag(1)])


# -- engine: newer syntax ------------------------------------------------------------------
def test_newer_syntax_names_the_running_python(tmp_path: Path) -> None:
    root = tmp_path
    path = root / "new.py"
    path.write_text("type Point = tuple[float, float]\n")  # PEP 695, Python 3.12
    report = check_file(str(path), Settings(root=root), RunOptions(use_cache=False))
    if sys.version_info >= (3, 12):
        assert report.diagnostics == []
    else:
        (d,) = report.diagnostics
        assert d.code == "E999"
        assert f"{sys.version_info.major}.{sys.version_info.minor}" in d.message


@pytest.mark.parametrize(("line", "message", "running", "needs"), [
    ("type X = int", "invalid syntax", (3, 11), (3, 12)),
    ("type X = int", "invalid syntax", (3, 12), None),  # that Python parses it: no hint
    ("    def f[T](x: T) -> T:", "expected '('", (3, 11), (3, 12)),
    ("x = f'{a}'", "f-string expression part cannot include '#'", (3, 11), (3, 12)),
    ("except KeyError, IndexError:", "multiple exception types must be parenthesized", (3, 13),
     (3, 14)),
    ("except KeyError, IndexError as e:", "multiple exception types must be parenthesized",
     (3, 11), None),
    ("s = t'{x}'", "invalid syntax", (3, 13), (3, 14)),
    ("s = 'it'", "invalid syntax", (3, 11), None),
    ("def f(:", "invalid syntax", (3, 11), None),
])
def test_newer_syntax_table(line: str, message: str, running: tuple[int, int],
                            needs: tuple[int, int] | None) -> None:
    from asynclint.semantic.catalogs.syntax_versions import newer_syntax

    found = newer_syntax(line, message, running)
    assert (found.version if found is not None else None) == needs


# -- fix safety: what --fix and --unsafe-fixes apply ---------------------------------------
@pytest.mark.parametrize(
    ("applicability", "unsafe_fixes", "applied"),
    [
        (Applicability.SAFE, False, True),
        (Applicability.UNSAFE, False, False),
        (Applicability.UNSAFE, True, True),
        (Applicability.DISPLAY_ONLY, True, False),
    ],
)
def test_fix_safety(applicability: Applicability, unsafe_fixes: bool, applied: bool,
                    tmp_path: Path, add_rule: AddRule) -> None:
    class Rename(Rule):
        code: ClassVar[str] = "ASL996"
        name: ClassVar[str] = "test-rename"
        summary = explanation = bad_example = good_example = "test"
        fix_applicability: ClassVar[Applicability | None] = applicability

        def visit_Name(self, node: ast.Name) -> None:
            if node.id == "old":
                self.report(node, "old name", fix_plan=FixPlan())

        def fix(self, fctx: object, diagnostic: Diagnostic) -> Fix | None:
            edit = Edit("new", diagnostic.start, diagnostic.end)
            return Fix("rename", applicability, (edit,))

    add_rule(Rename)
    path = tmp_path / "x.py"
    path.write_text("old = 1\n")
    settings = Settings(root=tmp_path, select=(Rename.code,))
    options = RunOptions(fix=True, unsafe_fixes=unsafe_fixes, use_cache=False)
    report = check_file(str(path), settings, options)
    assert (report.fixed_text == "new = 1\n") is applied
    assert (report.fixed_text is None) is not applied
    assert len(report.fixed if applied else report.diagnostics) == 1


def test_the_table_of_codes_is_the_registry() -> None:
    """`asynclint/codes.py` (what selection reads without importing the rules) lists every
    registered rule with its default, and nothing else."""
    from asynclint.codes import CODES

    # (Rules that tests register at run time live in the tests' modules.)
    assert {code: rule.default_enabled for code, rule in REGISTRY.items()
                     if rule.__module__.startswith("asynclint.rules.")} == CODES


@pytest.mark.parametrize("listed", [None, False])
def test_a_rule_must_be_in_the_table_of_codes(listed: bool | None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Selection knows only the table: a rule missing from it, or listed with another default,
    could not be selected as it declares, so building the registry with it fails."""
    from asynclint.codes import CODES
    from asynclint.rules.base import check_rule

    if listed is not None:
        monkeypatch.setitem(CODES, "ASL993", listed)
    rule = type("Unlisted", (Rule,), {"code": "ASL993", "default_enabled": True})
    with pytest.raises(ValueError, match=r"ASL993 must be in asynclint/codes\.py"):
        check_rule(rule, REGISTRY)
    assert "ASL993" not in REGISTRY
